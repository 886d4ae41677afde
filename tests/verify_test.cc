// Verify and Reindex against damage made beneath the library, directly in RocksDB: each
// kind of damage must be named by Verify and repaired by Reindex.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/slice_transform.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "articledb/archive.h"
#include "counters.h"
#include "index/posting_block.h"
#include "store/store.h"
#include "keys.h"
#include "test_util.h"

namespace articledb {
namespace {

using testing::MakeArticle;
using testing::OpenOrDie;
using testing::TempDir;
using testing::VerifyProblems;

constexpr int64_t kMay2024 = 1714521600000000;  // 2024-05-01T00:00:00Z
constexpr int64_t kDay = 86400000000;
constexpr int kArticles = 30;

// The archive's RocksDB, opened as the library lays it out (docs/storage.md).
class RawDb {
 public:
  enum Cf { kDefault, kRecords, kIds, kIndex, kCounters, kFacets };

  explicit RawDb(const std::string& dir) {
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const char* n : store::kCfNames) {
      cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    }
    cfs[kIndex].options.prefix_extractor.reset(keys::NewIndexPrefixExtractor());
    cfs[kCounters].options.merge_operator = counters::NewMergeOperator();
    cfs[kIndex].options.merge_operator = index::NewMergeOperator();
    rocksdb::Status s = rocksdb::DB::Open(rocksdb::DBOptions(), dir, cfs, &handles_, &db_);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  ~RawDb() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    delete db_;
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  rocksdb::ColumnFamilyHandle* cf(Cf c) { return handles_[c]; }
  void Put(Cf c, const std::string& key, const std::string& value) {
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), cf(c), key, value).ok());
  }
  void Delete(Cf c, const std::string& key) {
    std::string v;
    ASSERT_TRUE(db_->Get(rocksdb::ReadOptions(), cf(c), key, &v).ok()) << "no key to delete";
    ASSERT_TRUE(db_->Delete(rocksdb::WriteOptions(), cf(c), key).ok());
  }
  bool Get(Cf c, const std::string& key, std::string* value) {
    return db_->Get(rocksdb::ReadOptions(), cf(c), key, value).ok();
  }
  void AddToCounter(const std::string& key, int64_t delta) {
    ASSERT_TRUE(db_->Merge(rocksdb::WriteOptions(), cf(kCounters), key,
                           counters::Encode(delta, ""))
                    .ok());
  }
  uint64_t Docno(const std::string& id) {
    std::string v;
    EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), cf(kIds), id, &v).ok()) << id;
    return v.size() == 8 ? keys::DecodeDocno(v.data()) : 0;
  }
  // Adds to (or removes from) the posting block of `type` (and normalised `name`) the
  // posting (micros, docno), as a merge operand beneath the library.
  void AddPosting(char type, const std::string& name, int64_t micros, uint64_t docno) {
    ASSERT_TRUE(db_->Merge(rocksdb::WriteOptions(), cf(kIndex), BlockKey(type, name, micros),
                           index::AddOperand({micros, docno}))
                    .ok());
  }
  void RemovePosting(char type, const std::string& name, int64_t micros, uint64_t docno) {
    std::string v;
    std::vector<index::Posting> postings;
    ASSERT_TRUE(db_->Get(rocksdb::ReadOptions(), cf(kIndex), BlockKey(type, name, micros), &v).ok());
    ASSERT_TRUE(index::DecodeBlock(v, &postings));
    ASSERT_TRUE(std::binary_search(postings.begin(), postings.end(), index::Posting{micros, docno}))
        << "no posting to remove";
    ASSERT_TRUE(db_->Merge(rocksdb::WriteOptions(), cf(kIndex), BlockKey(type, name, micros),
                           index::RemoveOperand({micros, docno}))
                    .ok());
  }
  static std::string BlockKey(char type, const std::string& name, int64_t micros) {
    return keys::BlockKey(keys::IndexPrefix(type, name), keys::MonthBucket(micros));
  }

 private:
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

// Article j: source "Le Monde" and language "fr" (even j) or "Reuters" and "en" (odd j),
// entity "Armenia", and "France" when j is a multiple of 3; topic "Politics" when j is a
// multiple of 5, author "Ann Lee" when j is a multiple of 4; published kMay2024 + j days.
int64_t Published(int j) { return kMay2024 + j * kDay; }
std::string Id(int j) { return "r" + std::to_string(j); }

class VerifyDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options with_text;  // every kind of damage, with the text index's keys beside
    with_text.index_text = true;
    auto db = OpenOrDie(dir_.path(), with_text);
    for (int j = 0; j < kArticles; ++j) {
      const char* source = j % 2 ? "Reuters" : "Le Monde";
      Article a = j % 3 == 0 ? MakeArticle(Id(j), source, Published(j), {"Armenia", "France"})
                             : MakeArticle(Id(j), source, Published(j), {"Armenia"});
      a.set_language(j % 2 ? "en" : "fr");
      if (j % 5 == 0) a.add_topics("Politics");
      if (j % 4 == 0) a.add_authors("Ann Lee");
      ASSERT_TRUE(db->Put(WriteOptions(), a).ok());
    }
    ASSERT_TRUE(db->Flush().ok());
    ASSERT_EQ(VerifyProblems(*db), "");
  }

  // Damages the closed archive with `damage`, which returns what Verify must report
  // (a substring of one message each); expects those and nothing else. Then Reindex,
  // after which the archive is sound and answers queries as before the damage.
  void ExpectNamedAndRepaired(const std::function<std::vector<std::string>(RawDb&)>& damage) {
    std::vector<std::string> expected;
    {
      RawDb raw(dir_.path());
      expected = damage(raw);
    }
    auto db = OpenOrDie(dir_.path());
    VerifyReport report;
    ASSERT_TRUE(db->Verify(&report).ok());
    std::string all;
    for (const auto& m : report.messages) all += m + "\n";
    EXPECT_EQ(report.problems, expected.size()) << all;
    EXPECT_EQ(report.messages.size(), report.problems) << all;
    for (const std::string& want : expected) {
      EXPECT_NE(all.find(want), std::string::npos) << "no message names: " << want << "\n" << all;
    }
    ASSERT_TRUE(db->Reindex().ok());
    EXPECT_EQ(VerifyProblems(*db), "");
    ExpectQueriesRight(*db);
  }

  static uint64_t CountOf(Archive& db, const Filter& f) {
    uint64_t n = 0;
    Status s = db.Count(f, &n);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }

  static void ExpectQueriesRight(Archive& db) {
    std::vector<std::string> ids;
    ASSERT_TRUE(db.Scan(Filter(), Order::kOldestFirst, [&](const Article& a) {
                    ids.push_back(a.id());
                    return true;
                  }).ok());
    std::vector<std::string> all;
    for (int j = 0; j < kArticles; ++j) all.push_back(Id(j));
    EXPECT_EQ(ids, all);
    for (int j = 0; j < kArticles; ++j) {
      Article a;
      ASSERT_TRUE(db.Get(Id(j), &a).ok()) << Id(j);
      EXPECT_EQ(a.id(), Id(j));
    }
    Filter le_monde, reuters, armenia, france, bounded;
    le_monde.source = "le monde";
    reuters.source = "reuters";
    armenia.entities = {"armenia"};
    france.entities = {"france"};
    bounded.source = "le monde";
    bounded.from_micros = kMay2024;  // bounded: counted from the index, not the counters
    EXPECT_EQ(CountOf(db, Filter()), 30u);
    EXPECT_EQ(CountOf(db, le_monde), 15u);
    EXPECT_EQ(CountOf(db, reuters), 15u);
    EXPECT_EQ(CountOf(db, armenia), 30u);
    EXPECT_EQ(CountOf(db, france), 10u);
    EXPECT_EQ(CountOf(db, bounded), 15u);
    Filter fr, politics, ann;
    fr.languages = {"FR"};
    politics.topics = {"politics"};
    ann.authors = {"ann lee"};
    EXPECT_EQ(CountOf(db, fr), 15u);
    EXPECT_EQ(CountOf(db, politics), 6u);
    EXPECT_EQ(CountOf(db, ann), 8u);
    std::vector<NameCount> facets;
    FacetOptions by_language;
    by_language.by = FacetField::kLanguage;
    ASSERT_TRUE(db.Facets(france, by_language, &facets).ok());
    ASSERT_EQ(facets.size(), 2u);
    EXPECT_EQ(facets[0].name, "en");  // 5 each: ties by name
    EXPECT_EQ(facets[0].count, 5u);
    EXPECT_EQ(facets[1].name, "fr");
    EXPECT_EQ(facets[1].count, 5u);
    ASSERT_TRUE(db.Facets(Filter(), FacetOptions(), &facets).ok());
    ASSERT_EQ(facets.size(), 2u);
    EXPECT_EQ(facets[0].name, "Armenia");
    EXPECT_EQ(facets[0].count, 30u);
    EXPECT_EQ(facets[1].name, "France");
    EXPECT_EQ(facets[1].count, 10u);
    std::vector<NameCount> sources;
    ASSERT_TRUE(db.ListSources(&sources).ok());
    ASSERT_EQ(sources.size(), 2u);
    EXPECT_EQ(sources[0].name, "Le Monde");
    EXPECT_EQ(sources[0].count, 15u);
    EXPECT_EQ(sources[1].count, 15u);
    Stats stats;
    ASSERT_TRUE(db.GetStats(&stats).ok());
    EXPECT_EQ(stats.articles, 30u);
    EXPECT_GT(stats.record_bytes, 0u);
  }

  TempDir dir_;
};

const std::string kLeMonde = keys::CounterKey(keys::kSource, "le monde");
const std::string kReuters = keys::CounterKey(keys::kSource, "reuters");
const std::string kArmenia = keys::CounterKey(keys::kEntity, "armenia");
const std::string kFrance = keys::CounterKey(keys::kEntity, "france");

TEST_F(VerifyDamageTest, CounterTooHighIsNamedAndReindexRepairsIt) {
  ExpectNamedAndRepaired([](RawDb& raw) -> std::vector<std::string> {
    raw.AddToCounter(kLeMonde, 3);
    raw.AddToCounter(kFrance, 1);
    raw.AddToCounter(std::string(keys::kArticlesCounter), 2);
    return {"counter 'Le Monde': 18, records imply 15", "counter 'France': 11, records imply 10",
            "counter '.articles': 32, records imply 30"};
  });
}

TEST_F(VerifyDamageTest, CounterTooLowIsNamedAndReindexRepairsIt) {
  ExpectNamedAndRepaired([](RawDb& raw) -> std::vector<std::string> {
    raw.AddToCounter(kReuters, -1);
    raw.AddToCounter(kArmenia, -30);
    raw.AddToCounter(std::string(keys::kArticlesCounter), -5);
    return {"counter 'Reuters': 14, records imply 15", "counter 'Armenia': 0, records imply 30",
            "counter '.articles': 25, records imply 30"};
  });
}

TEST_F(VerifyDamageTest, MissingCounterIsNamedAndReindexRepairsIt) {
  ExpectNamedAndRepaired([](RawDb& raw) -> std::vector<std::string> {
    raw.Delete(RawDb::kCounters, kReuters);
    raw.Delete(RawDb::kCounters, kFrance);
    raw.Delete(RawDb::kCounters, std::string(keys::kArticlesCounter));
    raw.Delete(RawDb::kCounters, std::string(keys::kRecordBytesCounter));
    return {"counter of source 'Reuters' is missing; records imply 15",
            "counter of entity 'France' is missing; records imply 10",
            "counter '.articles' is missing; records imply 30",
            "counter '.record_bytes' is missing; records imply "};
  });
}

TEST_F(VerifyDamageTest, ExtraIndexEntryIsNamedAndReindexRepairsIt) {
  ExpectNamedAndRepaired([](RawDb& raw) -> std::vector<std::string> {
    // An entity the record does not have, and a date entry of a record not stored.
    raw.AddPosting(keys::kEntity, "ghost", Published(5), raw.Docno(Id(5)));
    raw.AddPosting(keys::kDate, "", Published(40), 9999);
    return {"index entry E 'ghost' for record " + std::to_string(raw.Docno(Id(5))) +
                ": no stored record implies it",
            "index entry D for record 9999: no stored record implies it"};
  });
}

TEST_F(VerifyDamageTest, AsManyExtraAsMissingIndexEntriesAreAllNamed) {
  ExpectNamedAndRepaired([](RawDb& raw) -> std::vector<std::string> {
    // One entry lost and one added: the totals agree, the entries do not.
    raw.RemovePosting(keys::kEntity, "france", Published(9), raw.Docno(Id(9)));
    raw.AddPosting(keys::kEntity, "ghost", Published(5), raw.Docno(Id(5)));
    return {"('r9'): missing index entry E 'france'",
            "index entry E 'ghost' for record " + std::to_string(raw.Docno(Id(5))) +
                ": no stored record implies it"};
  });
}

TEST_F(VerifyDamageTest, MissingIndexEntryIsNamedAndReindexRepairsIt) {
  ExpectNamedAndRepaired([](RawDb& raw) -> std::vector<std::string> {
    raw.RemovePosting(keys::kDate, "", Published(7), raw.Docno(Id(7)));
    raw.RemovePosting(keys::kSource, "le monde", Published(8), raw.Docno(Id(8)));
    raw.RemovePosting(keys::kEntity, "france", Published(9), raw.Docno(Id(9)));
    raw.RemovePosting(keys::kLanguage, "en", Published(11), raw.Docno(Id(11)));
    raw.RemovePosting(keys::kTopic, "politics", Published(10), raw.Docno(Id(10)));
    raw.RemovePosting(keys::kAuthor, "ann lee", Published(12), raw.Docno(Id(12)));
    return {"('r7'): missing index entry D", "('r8'): missing index entry S 'le monde'",
            "('r9'): missing index entry E 'france'", "('r11'): missing index entry L 'en'",
            "('r10'): missing index entry T 'politics'", "('r12'): missing index entry A 'ann lee'"};
  });
}

TEST_F(VerifyDamageTest, MissingAndExtraTextPostingsAreNamedAndReindexRepairsThem) {
  ExpectNamedAndRepaired([](RawDb& raw) -> std::vector<std::string> {
    // "Body of r11": English, so "body" is stemmed in group "en"; r12 is French.
    raw.RemovePosting(keys::kText, "en:bodi", Published(11), raw.Docno(Id(11)));
    raw.RemovePosting(keys::kText, "fr:r12", Published(12), raw.Docno(Id(12)));
    raw.AddPosting(keys::kText, "en:ghost", Published(5), raw.Docno(Id(5)));
    return {"('r11'): missing index entry W 'en:bodi'", "('r12'): missing index entry W 'fr:r12'",
            "index entry W 'en:ghost' for record " + std::to_string(raw.Docno(Id(5))) +
                ": no stored record implies it"};
  });
}

TEST_F(VerifyDamageTest, MissingWrongAndOrphanDocValuesAreNamedAndReindexRepairsThem) {
  ExpectNamedAndRepaired([](RawDb& raw) -> std::vector<std::string> {
    raw.Delete(RawDb::kFacets, keys::DocnoKey(raw.Docno(Id(4))));
    // r6's doc value replaced by r7's (another source and language).
    std::string r7;
    EXPECT_TRUE(raw.Get(RawDb::kFacets, keys::DocnoKey(raw.Docno(Id(7))), &r7));
    raw.Put(RawDb::kFacets, keys::DocnoKey(raw.Docno(Id(6))), r7);
    raw.Put(RawDb::kFacets, keys::DocnoKey(999999), r7);
    return {"('r4'): missing doc value (facets)",
            "('r6'): doc value (facets) differs from what the record implies",
            "doc value (facets) of record 999999: no stored record implies it"};
  });
}

TEST_F(VerifyDamageTest, FacetsOfADamagedDocValueAreCorruptionNamingTheRecord) {
  uint64_t r5 = 0;
  {
    RawDb raw(dir_.path());
    r5 = raw.Docno(Id(5));
    raw.Put(RawDb::kFacets, keys::DocnoKey(r5), "\x01\x05");  // a count past the end
  }
  auto db = OpenOrDie(dir_.path());
  std::vector<NameCount> facets;
  Status s = db->Facets(Filter(), FacetOptions(), &facets);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("record " + std::to_string(r5)), std::string::npos) << s.message();
  ASSERT_TRUE(db->Reindex().ok());
  ExpectQueriesRight(*db);
}

TEST_F(VerifyDamageTest, IdEntryPointingAtAnotherRecordIsNamedAndReindexRepairsIt) {
  ExpectNamedAndRepaired([](RawDb& raw) -> std::vector<std::string> {
    const uint64_t r3 = raw.Docno(Id(3));
    raw.Put(RawDb::kIds, Id(3), keys::DocnoKey(raw.Docno(Id(4))));
    return {"record " + std::to_string(r3) + " ('r3'): id map points elsewhere"};
  });
}

TEST_F(VerifyDamageTest, IdEntryOfNoRecordIsNamedAndReindexRepairsIt) {
  ExpectNamedAndRepaired([](RawDb& raw) -> std::vector<std::string> {
    const uint64_t r4 = raw.Docno(Id(4));
    raw.Put(RawDb::kIds, "ghost", keys::DocnoKey(r4));
    raw.Put(RawDb::kIds, "lost", keys::DocnoKey(9999));
    return {"id map: 32 entries for 30 records",
            "id map entry 'ghost' points at record " + std::to_string(r4) + ", which holds 'r4'",
            "id map entry 'lost' points at record 9999, which is not stored"};
  });
}

TEST_F(VerifyDamageTest, RecordWithNoIdEntryIsNamedAndReindexRepairsIt) {
  ExpectNamedAndRepaired([](RawDb& raw) -> std::vector<std::string> {
    const uint64_t r9 = raw.Docno(Id(9));
    raw.Delete(RawDb::kIds, Id(9));
    return {"record " + std::to_string(r9) + " ('r9'): id has no entry in the id map",
            "id map: 29 entries for 30 records"};
  });
}

// A record protobuf cannot parse is named with the field at fault; nothing can be
// rebuilt from it, so it stays for the user to restore from a dump (Reindex skips it).
TEST_F(VerifyDamageTest, RecordWithInvalidUtf8IsNamedWithItsField) {
  uint64_t r5 = 0;
  {
    RawDb raw(dir_.path());
    r5 = raw.Docno(Id(5));
    Article a = MakeArticle(Id(5), "Reuters", Published(5), {"Armenia"});
    a.set_summary("MARKER!");
    std::string rec = a.SerializeAsString();
    rec.replace(rec.find("MARKER!"), 7, std::string("ok\xed\xa0\x80ok", 7));
    raw.Put(RawDb::kRecords, keys::DocnoKey(r5), rec);
  }
  auto db = OpenOrDie(dir_.path());
  const std::string problems = VerifyProblems(*db);
  EXPECT_NE(problems.find("record " + std::to_string(r5) +
                          ": cannot be parsed: field 'summary': invalid UTF-8 at byte 2"),
            std::string::npos)
      << problems;
}

// Reads do not validate UTF-8 again (it was validated on write): a record damaged beneath
// the library with invalid UTF-8 is returned by Get as stored, and Verify still names it.
TEST_F(VerifyDamageTest, RecordWithInvalidUtf8IsReadAsStoredAndNamedByVerify) {
  const std::string bad("ok\xed\xa0\x80ok", 7);
  uint64_t r5 = 0;
  {
    RawDb raw(dir_.path());
    r5 = raw.Docno(Id(5));
    Article a = MakeArticle(Id(5), "Reuters", Published(5), {"Armenia"});
    a.set_title("MARKER!");
    std::string rec = a.SerializeAsString();
    rec.replace(rec.find("MARKER!"), 7, bad);
    raw.Put(RawDb::kRecords, keys::DocnoKey(r5), rec);
  }
  auto db = OpenOrDie(dir_.path());
  Article got;
  ASSERT_TRUE(db->Get(Id(5), &got).ok());
  EXPECT_EQ(got.title(), bad);
  const std::string problems = VerifyProblems(*db);
  EXPECT_NE(problems.find("record " + std::to_string(r5) +
                          ": cannot be parsed: field 'title': invalid UTF-8 at byte 2"),
            std::string::npos)
      << problems;
}

}  // namespace
}  // namespace articledb
