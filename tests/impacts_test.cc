// Impacts in the text index (index/posting_block.h): each text posting's term frequency
// and article length, kept through updates, checked by verify, giving relevance (pages
// found by MaxScore, and full scans) the same ranking as measuring the records; and an
// archive whose text index has none (written before them) read as it is, then rebuilt
// with them at its next open for writing.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/slice_transform.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "articledb/archive.h"
#include "index/counters.h"
#include "index/posting_block.h"
#include "query/rank.h"
#include "store/keys.h"
#include "store/meta.h"
#include "store/store.h"
#include "test_util.h"

namespace articledb {
namespace {

using testing::OpenOrDie;
using testing::TempDir;
using testing::VerifyProblems;

constexpr int64_t kStart = 1704067200000000;  // 2024-01-01
constexpr int64_t kHour = 3600000000;

const std::vector<std::string> kWords = {"oil",    "crude",  "prices", "wheat", "grain",
                                         "bank",   "rates",  "trade",  "deficit", "yen",
                                         "gold",   "coffee", "sugar",  "ship",  "strike"};

// The archive's RocksDB with the library's merge operators: blocks as they are stored.
class Raw {
 public:
  explicit Raw(const std::string& dir) {
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const char* n : store::kCfNames) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    cfs[store::kIndex].options.prefix_extractor.reset(keys::NewIndexPrefixExtractor());
    cfs[store::kCounters].options.merge_operator = counters::NewMergeOperator();
    cfs[store::kIndex].options.merge_operator = index::NewMergeOperator();
    const rocksdb::Status s = rocksdb::DB::Open(rocksdb::DBOptions(), dir, cfs, &h_, &db_);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  ~Raw() {
    for (auto* h : h_) db_->DestroyColumnFamilyHandle(h);
    delete db_;
  }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;

  // Every text block (key -> value), merged.
  std::vector<std::pair<std::string, std::string>> TextBlocks() {
    std::vector<std::pair<std::string, std::string>> out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ReadAll(), h_[store::kIndex]));
    for (it->Seek(std::string(1, keys::kText)); it->Valid(); it->Next()) {
      if (it->key()[0] != keys::kText) break;
      out.emplace_back(it->key().ToString(), it->value().ToString());
    }
    EXPECT_TRUE(it->status().ok());
    return out;
  }
  void PutIndex(const std::string& key, const std::string& value) {
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), h_[store::kIndex], key, value).ok());
  }
  void AddToCounter(std::string_view key, int64_t delta) {
    ASSERT_TRUE(db_->Merge(rocksdb::WriteOptions(), h_[store::kCounters], rocksdb::Slice(key),
                           counters::Encode(delta, ""))
                    .ok());
  }
  void PutMeta(const std::string& key, const std::string& value) {
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), h_[store::kDefault], key, value).ok());
  }

 private:
  static rocksdb::ReadOptions ReadAll() {
    rocksdb::ReadOptions ro;
    ro.total_order_seek = true;
    return ro;
  }
  std::vector<rocksdb::ColumnFamilyHandle*> h_;
  rocksdb::DB* db_ = nullptr;
};

class ImpactsTest : public ::testing::Test {
 protected:
  static Options TextIndexed() {
    Options options;
    options.create_if_missing = true;
    options.index_text = true;
    return options;
  }
  static Options ReadOnly() {
    Options options;
    options.read_only = true;
    return options;
  }
  // The first page of `limit` of `text` in relevance order.
  static std::vector<std::string> BestPage(Archive& db, const std::string& text, size_t limit) {
    Filter f;
    f.text = text;
    QueryOptions qo;
    qo.order = Order::kRelevance;
    qo.limit = limit;
    Page page;
    const Status s = db.Query(f, qo, &page);
    EXPECT_TRUE(s.ok()) << text << ": " << s.ToString();
    return testing::Ids(page.articles);
  }

  Article Random(const std::string& id, int64_t micros) {
    Article a;
    a.set_id(id);
    a.set_source("S");
    a.set_language(rng_() % 5 == 0 ? "fr" : "en");
    testing::SetPublished(&a, micros);
    std::string title, body;
    for (size_t i = 0, n = 1 + rng_() % 3; i < n; ++i) title += kWords[rng_() % kWords.size()] + " ";
    for (size_t i = 0, n = 3 + rng_() % 40; i < n; ++i) body += kWords[rng_() % kWords.size()] + " ";
    a.set_title(title);
    a.set_body(body);
    return a;
  }

  void Fill(Archive& db) {
    std::vector<int64_t> times;
    for (int i = 0; i < 300; ++i) {
      times.push_back(kStart + static_cast<int64_t>(rng_() % 2000) * kHour);
      ASSERT_TRUE(db.Put(WriteOptions(), Random("a" + std::to_string(i), times.back())).ok());
    }
    // Updates at the same time: the postings stay where they are, their impacts change.
    for (int i = 0; i < 60; ++i) {
      const size_t k = rng_() % times.size();
      ASSERT_TRUE(db.Put(WriteOptions(), Random("a" + std::to_string(k), times[k])).ok());
    }
    for (int i = 0; i < 15; ++i) {
      const Status s = db.Delete(WriteOptions(), "a" + std::to_string(rng_() % times.size()));
      ASSERT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    }
  }

  // Each query's ranked ids: pages of `limit` followed by their cursors (limit 0: one
  // Scan), each query alone and within a time range.
  std::vector<std::vector<std::string>> Rankings(Archive& db, size_t limit) {
    std::vector<std::vector<std::string>> out;
    for (const std::string& q : Queries()) {
      for (bool ranged : {false, true}) {
        Filter f;
        f.text = q;
        if (ranged) {
          f.from_micros = kStart + 300 * kHour;
          f.to_micros = kStart + 1500 * kHour;
        }
        std::vector<std::string> ids;
        if (limit == 0) {
          const Status s = db.Scan(f, Order::kRelevance, [&](const Article& a) {
            ids.push_back(a.id());
            return true;
          });
          EXPECT_TRUE(s.ok()) << q << ": " << s.ToString();
          out.push_back(ids);
          continue;
        }
        QueryOptions qo;
        qo.order = Order::kRelevance;
        qo.limit = limit;
        for (;;) {
          Page page;
          const Status s = db.Query(f, qo, &page);
          EXPECT_TRUE(s.ok()) << q << ": " << s.ToString();
          if (!s.ok()) break;
          for (const Article& a : page.articles) ids.push_back(a.id());
          if (page.next_cursor.empty()) break;
          qo.cursor = page.next_cursor;
        }
        out.push_back(ids);
      }
    }
    return out;
  }

  static std::vector<std::string> Queries() {
    std::vector<std::string> q = {"oil OR crude", "wheat grain", "bank OR rates OR yen",
                                  "gold -sugar", "coffee OR (ship AND strike)"};
    for (const std::string& w : kWords) q.push_back(w);
    return q;
  }

  std::mt19937_64 rng_{42};
};

TEST_F(ImpactsTest, ImpactsRankAsRecordsDoAndAnArchiveWithoutThemIsReadThenRebuiltWithThem) {
  TempDir dir;
  const Options options = TextIndexed();
  std::vector<std::vector<std::string>> from_impacts;
  {
    auto db = OpenOrDie(dir.path(), options);
    Fill(*db);
    EXPECT_EQ(VerifyProblems(*db), "");
    from_impacts = Rankings(*db, 0);
    // Pages of every size, found by MaxScore while a page is full, rank as the scan.
    for (size_t limit : {2, 10, 1000}) EXPECT_EQ(Rankings(*db, limit), from_impacts) << limit;
    query::MeasureRecordsForTesting(true);
    EXPECT_EQ(Rankings(*db, 0), from_impacts) << "measured from the records";
    EXPECT_EQ(Rankings(*db, 7), from_impacts) << "measured from the records";
    query::MeasureRecordsForTesting(false);
  }
  size_t nonempty = 0;
  for (const auto& r : from_impacts) nonempty += r.size() > 1 ? 1 : 0;
  ASSERT_GT(nonempty, 15u);
  {
    // The archive as the text index without impacts wrote it: the same postings in
    // blocks without them, and its indexes mark.
    Raw raw(dir.path());
    const auto blocks = raw.TextBlocks();
    ASSERT_FALSE(blocks.empty());
    std::vector<index::Posting> postings;
    std::vector<index::Impact> impacts;
    std::string plain;
    for (const auto& [key, value] : blocks) {
      ASSERT_TRUE(index::DecodeBlock(value, &postings, &impacts));
      ASSERT_EQ(value[0] & 0xf0, index::kImpactBlockTag) << "a text block without impacts";
      for (const index::Impact& i : impacts) ASSERT_GT(i.tf, 0u);
      index::EncodeBlock(postings, &plain);
      raw.PutIndex(key, plain);
    }
    raw.PutMeta(meta::kIndexesKey, meta::kIndexesTermsValue);
  }
  {
    // Read-only: read as it is; relevance measures the records (the average length is
    // then the matches', so the order may differ), and finds the same matches.
    auto db = OpenOrDie(dir.path(), ReadOnly());
    EXPECT_TRUE(db->HasTextIndex());
    auto sorted = [](std::vector<std::vector<std::string>> r) {
      for (auto& ids : r) std::sort(ids.begin(), ids.end());
      return r;
    };
    EXPECT_EQ(sorted(Rankings(*db, 0)), sorted(from_impacts));
  }
  {
    // Open for writing: rebuilt with impacts, verified, ranking alike.
    auto db = OpenOrDie(dir.path());
    EXPECT_TRUE(db->HasTextIndex());
    EXPECT_EQ(VerifyProblems(*db), "");
    EXPECT_EQ(Rankings(*db, 0), from_impacts);
    EXPECT_EQ(Rankings(*db, 4), from_impacts);
  }
  Raw raw(dir.path());
  for (const auto& [key, value] : raw.TextBlocks()) {
    ASSERT_EQ(value[0] & 0xf0, index::kImpactBlockTag) << "not rebuilt with impacts";
  }
}

TEST_F(ImpactsTest, PagesSkipChunksWhoseMaximaCannotReachTheirBestAndRankAsRecordsDo) {
  TempDir dir;
  const Options options = TextIndexed();
  auto db = OpenOrDie(dir.path(), options);
  // 3,000 articles of one month holding "oil" once in a long body, and a few holding it
  // often in a short one: most chunks of its list cannot reach a page of the best.
  std::vector<Article> batch;
  for (int i = 0; i < 3000; ++i) {
    Article a;
    a.set_id("o" + std::to_string(i));
    a.set_source("S");
    a.set_language("en");
    testing::SetPublished(&a, kStart + static_cast<int64_t>(i) * 60000000);
    std::string body = i % 500 == 7 ? "oil oil oil oil crude" : "oil";
    if (i % 500 != 7) {
      for (int k = 0; k < 30; ++k) body += " " + kWords[(i + k) % kWords.size()];
    }
    a.set_body(body);
    batch.push_back(a);
  }
  ASSERT_TRUE(db->PutBatch(WriteOptions(), batch).ok());
  const uint64_t before = query::ChunksSkippedForTesting();
  const std::vector<std::string> queries = {"oil", "oil OR crude"};
  std::vector<std::vector<std::string>> pages;
  for (const std::string& q : queries) {
    pages.push_back(BestPage(*db, q, 5));
    EXPECT_EQ(pages.back().size(), 5u);
  }
  EXPECT_GT(query::ChunksSkippedForTesting(), before) << "no chunk skipped";
  query::MeasureRecordsForTesting(true);
  for (size_t i = 0; i < queries.size(); ++i) EXPECT_EQ(BestPage(*db, queries[i], 5), pages[i]);
  query::MeasureRecordsForTesting(false);
}

TEST_F(ImpactsTest, VerifyReportsATextPostingWhoseImpactDiffersFromWhatItsRecordImplies) {
  TempDir dir;
  const Options options = TextIndexed();
  {
    auto db = OpenOrDie(dir.path(), options);
    Fill(*db);
    EXPECT_EQ(VerifyProblems(*db), "");
  }
  {
    Raw raw(dir.path());
    const auto blocks = raw.TextBlocks();
    ASSERT_FALSE(blocks.empty());
    std::vector<index::Posting> postings;
    std::vector<index::Impact> impacts;
    const auto& [key, value] = blocks[blocks.size() / 2];
    ASSERT_TRUE(index::DecodeBlock(value, &postings, &impacts));
    impacts.front().tf += 1;
    std::string damaged;
    index::EncodeBlock(postings, &damaged, impacts.data());
    raw.PutIndex(key, damaged);
  }
  auto db = OpenOrDie(dir.path(), ReadOnly());
  const std::string problems = VerifyProblems(*db);
  EXPECT_NE(problems.find("impact (tf "), std::string::npos) << problems;
  EXPECT_NE(problems.find("differs from what the record implies"), std::string::npos) << problems;
}

TEST_F(ImpactsTest, TheTextLengthCounterFollowsWritesAndVerifyReportsItWhenItDiffers) {
  TempDir dir;
  const Options options = TextIndexed();
  {
    auto db = OpenOrDie(dir.path(), options);
    Fill(*db);  // stores, updates and deletes: verify recounts the lengths
    EXPECT_EQ(VerifyProblems(*db), "");
  }
  Raw(dir.path()).AddToCounter(keys::kTextLengthCounter, 5);
  auto db = OpenOrDie(dir.path(), ReadOnly());
  const std::string problems = VerifyProblems(*db);
  EXPECT_NE(problems.find("counter '.text_length'"), std::string::npos) << problems;
}

}  // namespace
}  // namespace articledb
