#include <gtest/gtest.h>
#include <google/protobuf/util/message_differencer.h>
#include <rocksdb/db.h>
#include <rocksdb/transaction_log.h>

#include <algorithm>
#include <filesystem>

#include "articledb/archive.h"
#include "counters.h"
#include "index/posting_block.h"
#include "store/meta.h"
#include "store/store.h"
#include "keys.h"
#include "string_fields.h"
#include "test_util.h"

namespace articledb {
namespace {

using google::protobuf::util::MessageDifferencer;
using testing::Ids;
using testing::MakeArticle;
using testing::OpenOrDie;
using testing::TempDir;
using testing::VerifyProblems;

constexpr int64_t kMay2024 = 1714521600000000;  // 2024-05-01T00:00:00Z
constexpr int64_t kDay = 86400000000;

Filter EntityFilter(const std::string& e) {
  Filter f;
  f.entities.push_back(e);
  return f;
}

uint64_t CountOf(Archive& db, const Filter& f) {
  uint64_t n = 0;
  Status s = db.Count(f, &n);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return n;
}

std::vector<std::string> QueryIds(Archive& db, const Filter& f, Order order = Order::kNewestFirst) {
  std::vector<std::string> ids;
  Status s = db.Scan(f, order, [&](const Article& a) {
    ids.push_back(a.id());
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return ids;
}

TEST(ArchiveTest, PutThenGetReturnsEveryFieldUnchanged) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  Article a = MakeArticle("lm/1", "Le Monde", kMay2024 + 123456, {"Nikol Pachinian", "Arménie"});
  a.set_url("https://example.org/1");
  a.set_language("fr");
  a.set_summary("résumé");
  a.add_authors("A");
  a.add_topics("politique");
  a.mutable_updated_at()->set_seconds(1714600000);
  a.mutable_entities(1)->set_kind(Entity::LOCATION);
  (*a.mutable_attributes())["k"] = "v";
  WriteStats ws;
  ASSERT_TRUE(db->Put(WriteOptions(), a, &ws).ok());
  EXPECT_EQ(ws.inserted, 1u);
  Article back;
  ASSERT_TRUE(db->Get("lm/1", &back).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(a, back));
}

TEST(ArchiveTest, GetOfUnknownIdIsNotFound) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  Article a;
  Status s = db->Get("nope", &a);
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_NE(s.message().find("nope"), std::string::npos);
}

TEST(ArchiveTest, GetIntoAUsedMessageLeavesNothingOfItsOldContent) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  Article big = MakeArticle("big", "S", kMay2024, {"E", "F"}, std::string(5000, 'b'));
  big.add_authors("A");
  (*big.mutable_attributes())["k"] = "v";
  const Article small = MakeArticle("small", "T", std::nullopt);
  ASSERT_TRUE(db->Put(WriteOptions(), big).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), small).ok());
  Article a;
  ASSERT_TRUE(db->Get("big", &a).ok());
  ASSERT_TRUE(db->Get("small", &a).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(a, small)) << a.DebugString();
  EXPECT_TRUE(db->Get("nope", &a).IsNotFound());
  EXPECT_TRUE(MessageDifferencer::Equals(a, Article()));  // nothing left of the last one
}

TEST(ArchiveTest, MultiGetAnswersEachIdInOrder) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("a", "S", kMay2024)).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("c", "S", kMay2024)).ok());
  const std::vector<std::string> ids = {"c", "b", "a"};
  std::vector<Article> out;
  std::vector<Status> st;
  ASSERT_TRUE(db->MultiGet(ids, &out, &st).ok());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(st[0].ok());
  EXPECT_EQ(out[0].id(), "c");
  EXPECT_TRUE(st[1].IsNotFound());
  EXPECT_EQ(out[2].id(), "a");
}

// Query, Scan chunks and MultiGet parse into the messages the caller's Page or vector
// already holds: nothing of an earlier answer may be left in them.
TEST(ArchiveTest, QueryAndMultiGetIntoUsedStorageLeaveNothingOfTheOldAnswers) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  std::vector<Article> full;
  for (int i = 0; i < 3; ++i) {
    Article a = MakeArticle("full" + std::to_string(i), "Full", kMay2024 + i * kDay, {"E", "F"},
                            std::string(3000, 'b'));
    a.add_authors("A");
    a.add_topics("T");
    a.set_summary("summary");
    a.mutable_updated_at()->set_seconds(1);
    (*a.mutable_attributes())["k"] = "v";
    full.push_back(a);
    ASSERT_TRUE(db->Put(WriteOptions(), a).ok());
  }
  const Article bare1 = MakeArticle("bare1", "Bare", kMay2024 + 10 * kDay);
  const Article bare2 = MakeArticle("bare2", "Bare", std::nullopt, {"G"});
  ASSERT_TRUE(db->Put(WriteOptions(), bare1).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), bare2).ok());

  Page page;
  QueryOptions qo;
  qo.order = Order::kOldestFirst;
  Filter by_source;
  by_source.source = "full";
  ASSERT_TRUE(db->Query(by_source, qo, &page).ok());
  ASSERT_EQ(page.articles.size(), 3u);
  by_source.source = "bare";
  ASSERT_TRUE(db->Query(by_source, qo, &page).ok());
  ASSERT_EQ(page.articles.size(), 2u);
  EXPECT_TRUE(MessageDifferencer::Equals(page.articles[0], bare2)) << page.articles[0].DebugString();
  EXPECT_TRUE(MessageDifferencer::Equals(page.articles[1], bare1)) << page.articles[1].DebugString();
  // A failed query leaves the page empty.
  qo.limit = 0;
  EXPECT_FALSE(db->Query(by_source, qo, &page).ok());
  EXPECT_TRUE(page.articles.empty());

  std::vector<Article> out = full;
  std::vector<Status> st;
  ASSERT_TRUE(db->MultiGet(std::vector<std::string>{"bare1", "nope", "bare2", "full0"}, &out, &st).ok());
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(MessageDifferencer::Equals(out[0], bare1)) << out[0].DebugString();
  EXPECT_TRUE(st[1].IsNotFound());
  EXPECT_TRUE(MessageDifferencer::Equals(out[1], Article())) << out[1].DebugString();
  EXPECT_TRUE(MessageDifferencer::Equals(out[2], bare2)) << out[2].DebugString();
  EXPECT_TRUE(MessageDifferencer::Equals(out[3], full[0]));
}

TEST(ArchiveTest, UpsertReplacesIndexEntriesSoOldEntityNoLongerMatches) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("x", "Le Monde", kMay2024, {"Alpha", "Beta"})).ok());
  WriteStats ws;
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("x", "Libération", kMay2024 + kDay, {"Beta", "Gamma"}), &ws).ok());
  EXPECT_EQ(ws.updated, 1u);
  EXPECT_EQ(ws.inserted, 0u);
  EXPECT_TRUE(QueryIds(*db, EntityFilter("alpha")).empty());
  EXPECT_EQ(QueryIds(*db, EntityFilter("gamma")), std::vector<std::string>{"x"});
  EXPECT_EQ(QueryIds(*db, EntityFilter("beta")), std::vector<std::string>{"x"});
  Filter old_source;
  old_source.source = "le monde";
  EXPECT_EQ(CountOf(*db, old_source), 0u);
  Filter old_day;
  old_day.from_micros = kMay2024;
  old_day.to_micros = kMay2024 + kDay;
  EXPECT_TRUE(QueryIds(*db, old_day).empty());
  EXPECT_EQ(CountOf(*db, Filter()), 1u);
  std::vector<NameCount> entities;
  ASSERT_TRUE(db->ListEntities("", 0, &entities).ok());
  ASSERT_EQ(entities.size(), 2u);  // Alpha's count dropped to zero and is not listed
  EXPECT_EQ(VerifyProblems(*db), "");
}

TEST(ArchiveTest, DeleteLeavesNoIndexEntryNoIdAndNoCount) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("x", "S", kMay2024, {"E1"})).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("y", "S", kMay2024, {"E2"})).ok());
  ASSERT_TRUE(db->Delete(WriteOptions(), "x").ok());
  Article a;
  EXPECT_TRUE(db->Get("x", &a).IsNotFound());
  EXPECT_TRUE(QueryIds(*db, EntityFilter("E1")).empty());
  EXPECT_EQ(QueryIds(*db, Filter()), std::vector<std::string>{"y"});
  EXPECT_EQ(CountOf(*db, Filter()), 1u);
  EXPECT_TRUE(db->Delete(WriteOptions(), "x").IsNotFound());
  ASSERT_TRUE(db->Delete(WriteOptions(), "y").ok());
  ASSERT_TRUE(db->Flush().ok());
  // Nothing of either article is left in the index column family.
  Stats st;
  ASSERT_TRUE(db->GetStats(&st).ok());
  EXPECT_EQ(st.articles, 0u);
  EXPECT_EQ(st.sources, 0u);
  EXPECT_EQ(st.entities, 0u);
  EXPECT_EQ(st.record_bytes, 0u);
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  EXPECT_EQ(report.index_entries, 0u);
  EXPECT_TRUE(report.ok());
}

TEST(ArchiveTest, StatsCountNoBytesInMemoryAfterAFlushAndSomeBeforeIt) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("a", "S", kMay2024, {"E"})).ok());
  Stats st;
  ASSERT_TRUE(db->GetStats(&st).ok());
  uint64_t in_memory = 0;
  for (const auto& cf : st.column_families) in_memory += cf.memtable_bytes;
  EXPECT_GT(in_memory, 0u);
  ASSERT_TRUE(db->Flush().ok());
  ASSERT_TRUE(db->GetStats(&st).ok());
  // Empty memtables still hold an arena block: that is no unflushed data.
  for (const auto& cf : st.column_families) EXPECT_EQ(cf.memtable_bytes, 0u) << cf.name;
}

TEST(ArchiveTest, DeleteBatchCountsDeletedAndMissing) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("a", "S", kMay2024)).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("b", "S", kMay2024)).ok());
  const std::vector<std::string> ids = {"a", "zz", "b", "a"};
  WriteStats ws;
  ASSERT_TRUE(db->DeleteBatch(WriteOptions(), ids, &ws).ok());
  EXPECT_EQ(ws.deleted, 2u);
  EXPECT_EQ(ws.not_found, 1u);
  EXPECT_EQ(CountOf(*db, Filter()), 0u);
}

TEST(ArchiveTest, BatchWithRepeatedIdKeepsTheLastVersion) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  std::vector<Article> batch = {MakeArticle("x", "S", kMay2024, {"first"}),
                                MakeArticle("y", "S", kMay2024),
                                MakeArticle("x", "S", kMay2024, {"last"})};
  WriteStats ws;
  ASSERT_TRUE(db->PutBatch(WriteOptions(), batch, &ws).ok());
  EXPECT_EQ(ws.inserted, 2u);
  EXPECT_TRUE(QueryIds(*db, EntityFilter("first")).empty());
  EXPECT_EQ(QueryIds(*db, EntityFilter("last")), std::vector<std::string>{"x"});
  EXPECT_EQ(VerifyProblems(*db), "");
}

TEST(ArchiveTest, InvalidArticleInBatchStoresNothingAndNamesIt) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("kept", "S", kMay2024)).ok());
  std::vector<Article> batch = {MakeArticle("n1", "S", kMay2024), MakeArticle("bad", "", kMay2024),
                                MakeArticle("kept", "S2", kMay2024)};
  Status s = db->PutBatch(WriteOptions(), batch);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("batch position 1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("'bad'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("'source'"), std::string::npos) << s.message();
  Article a;
  EXPECT_TRUE(db->Get("n1", &a).IsNotFound());
  ASSERT_TRUE(db->Get("kept", &a).ok());
  EXPECT_EQ(a.source(), "S");
  EXPECT_EQ(CountOf(*db, Filter()), 1u);
}

TEST(ArchiveTest, InvalidUtf8IsRejectedAndNothingStored) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  Article a = MakeArticle("u", "S", kMay2024);
  a.set_title("bad \xff title");
  Status s = db->Put(WriteOptions(), a);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("'title'"), std::string::npos) << s.message();
  EXPECT_EQ(CountOf(*db, Filter()), 0u);
}

// One bad write must not poison the archive: for every string of the schema (found by
// reflection), Put and PutBatch refuse an article with invalid UTF-8 there, naming the
// field, and store nothing; reads and query pages go on working.
TEST(ArchiveTest, InvalidUtf8InAnyStringFieldIsRefusedByPutAndLeavesTheArchiveAsItWas) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), testing::ArticleWithEveryString("kept")).ok());
  const auto slots = testing::ArticleStringSlots();
  ASSERT_GE(slots.size(), 12u);
  for (const auto& slot : slots) {
    SCOPED_TRACE(slot.path);
    Article bad = testing::ArticleWithEveryString("bad");
    slot.set(&bad, "ok\xed\xa0\x80");
    Status s = db->Put(WriteOptions(), bad);
    ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_NE(s.message().find("field '" + slot.path + "'"), std::string::npos) << s.message();
    const std::vector<Article> batch = {testing::ArticleWithEveryString("other"), bad};
    s = db->PutBatch(WriteOptions(), batch);
    ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_NE(s.message().find("field '" + slot.path + "'"), std::string::npos) << s.message();
    Article got;
    EXPECT_TRUE(db->Get(bad.id(), &got).IsNotFound());
    EXPECT_TRUE(db->Get("other", &got).IsNotFound());
    EXPECT_EQ(CountOf(*db, Filter()), 1u);
    Page page;
    QueryOptions qo;
    qo.limit = 10;
    s = db->Query(Filter(), qo, &page);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(Ids(page.articles), std::vector<std::string>{"kept"});
  }
  EXPECT_EQ(VerifyProblems(*db), "");
}

TEST(ArchiveTest, OversizeRecordIsRejectedWithTheConfiguredLimit) {
  TempDir dir;
  Options o;
  o.limits.max_record_bytes = 4096;
  auto db = OpenOrDie(dir.path(), o);
  Status s = db->Put(WriteOptions(), MakeArticle("big", "S", kMay2024, {}, std::string(5000, 'b')));
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("4096"), std::string::npos) << s.message();
  EXPECT_TRUE(db->Put(WriteOptions(), MakeArticle("ok", "S", kMay2024, {}, std::string(3000, 'b'))).ok());
}

TEST(ArchiveTest, ArticleWithoutDateIsFoundByIdSourceAndEntityButNotByTimeRange) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("nodate", "Reuters", std::nullopt, {"Kumagai"})).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("dated", "Reuters", kMay2024, {"Kumagai"})).ok());
  Article a;
  EXPECT_TRUE(db->Get("nodate", &a).ok());
  Filter by_source;
  by_source.source = "reuters";
  EXPECT_EQ(QueryIds(*db, by_source), (std::vector<std::string>{"dated", "nodate"}));
  EXPECT_EQ(QueryIds(*db, EntityFilter("kumagai")), (std::vector<std::string>{"dated", "nodate"}));
  Filter bounded = by_source;
  bounded.from_micros = INT64_MIN + 1;
  EXPECT_EQ(QueryIds(*db, bounded), std::vector<std::string>{"dated"});
  Filter to_only;
  to_only.to_micros = kMay2024 + 1;
  EXPECT_EQ(QueryIds(*db, to_only), std::vector<std::string>{"dated"});
  std::vector<TimelineEntry> tl;
  ASSERT_TRUE(db->Timeline(Filter(), Bucket::kYear, &tl).ok());
  ASSERT_EQ(tl.size(), 1u);
  EXPECT_EQ(tl[0].count, 1u);
}

TEST(ArchiveTest, ArticleWithoutIdGetsAStableDerivedIdSoReimportUpdates) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  Article a = MakeArticle("", "S", kMay2024);
  a.set_url("https://example.org/story");
  WriteStats first, second;
  ASSERT_TRUE(db->Put(WriteOptions(), a, &first).ok());
  a.set_title("corrected title");
  ASSERT_TRUE(db->Put(WriteOptions(), a, &second).ok());
  EXPECT_EQ(first.inserted, 1u);
  EXPECT_EQ(second.updated, 1u);
  Article back;
  ASSERT_TRUE(db->Get(DeriveArticleId(a), &back).ok());
  EXPECT_EQ(back.title(), "corrected title");
  EXPECT_EQ(CountOf(*db, Filter()), 1u);
}

TEST(ArchiveTest, AnArticleEqualToTheStoredVersionIsUnchangedAndWritesNothing) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  Article a = MakeArticle("a1", "S", kMay2024, {"E", "F"}, "body");
  for (int i = 0; i < 20; ++i) (*a.mutable_attributes())["k" + std::to_string(i)] = "v";
  Article b = MakeArticle("b1", "S", kMay2024, {"E"}, "other");
  WriteStats first;
  ASSERT_TRUE(db->PutBatch(WriteOptions(), std::vector<Article>{a, b}, &first).ok());
  EXPECT_EQ(first.inserted, 2u);
  Stats before;
  ASSERT_TRUE(db->GetStats(&before).ok());
  // The same two again (a's map in another order), then one changed beside one the same.
  Article a_again;
  a_again.CopyFrom(a);
  a_again.mutable_attributes()->clear();
  for (int i = 19; i >= 0; --i) (*a_again.mutable_attributes())["k" + std::to_string(i)] = "v";
  WriteStats second;
  ASSERT_TRUE(db->PutBatch(WriteOptions(), std::vector<Article>{a_again, b}, &second).ok());
  EXPECT_EQ(second.unchanged, 2u);
  EXPECT_EQ(second.updated, 0u);
  EXPECT_EQ(second.inserted, 0u);
  Stats after;
  ASSERT_TRUE(db->GetStats(&after).ok());
  EXPECT_EQ(after.articles, before.articles);
  EXPECT_EQ(after.record_bytes, before.record_bytes);
  b.set_title("changed");
  WriteStats third;
  ASSERT_TRUE(db->PutBatch(WriteOptions(), std::vector<Article>{a, b}, &third).ok());
  EXPECT_EQ(third.unchanged, 1u);
  EXPECT_EQ(third.updated, 1u);
  Article back;
  ASSERT_TRUE(db->Get("b1", &back).ok());
  EXPECT_EQ(back.title(), "changed");
  EXPECT_EQ(CountOf(*db, Filter()), 2u);
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  EXPECT_TRUE(report.ok());
}

TEST(ArchiveTest, ArticlesWithoutIdOrUrlDifferingOnlyInBodyAreTwoRecords) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  Article first = MakeArticle("", "S", kMay2024, {"E"}, "first body");
  Article second = first;
  second.set_body("second body");
  WriteStats stats;
  ASSERT_TRUE(db->Put(WriteOptions(), first, &stats).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), second, &stats).ok());
  EXPECT_EQ(stats.inserted, 2u);
  EXPECT_EQ(stats.updated, 0u);
  EXPECT_EQ(CountOf(*db, Filter()), 2u);
  Article back;
  ASSERT_TRUE(db->Get(DeriveArticleId(first), &back).ok());
  EXPECT_EQ(back.body(), "first body");
  ASSERT_TRUE(db->Get(DeriveArticleId(second), &back).ok());
  EXPECT_EQ(back.body(), "second body");
  // In one batch too (where one id given twice keeps only the last).
  Article third = first, fourth = first;
  third.set_body("third body");
  fourth.set_body("fourth body");
  WriteStats batch_stats;
  ASSERT_TRUE(db->PutBatch(WriteOptions(), std::vector<Article>{third, fourth}, &batch_stats).ok());
  EXPECT_EQ(batch_stats.inserted, 2u);
  EXPECT_EQ(CountOf(*db, Filter()), 4u);
}

TEST(ArchiveTest, ReopenAfterCloseKeepsRecordsIndexesAndCounters) {
  TempDir dir;
  {
    auto db = OpenOrDie(dir.path());
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("r" + std::to_string(i), i % 2 ? "A" : "B",
                                                      kMay2024 + i * kDay, {"E" + std::to_string(i % 5)})).ok());
    }
  }
  auto db = OpenOrDie(dir.path());
  EXPECT_EQ(CountOf(*db, Filter()), 50u);
  EXPECT_EQ(CountOf(*db, EntityFilter("e3")), 10u);
  Filter a;
  a.source = "a";
  EXPECT_EQ(CountOf(*db, a), 25u);
  // New articles after reopening get fresh document numbers: nothing is overwritten.
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("new", "A", kMay2024)).ok());
  EXPECT_EQ(CountOf(*db, Filter()), 51u);
  Article r0;
  ASSERT_TRUE(db->Get("r0", &r0).ok());
  EXPECT_EQ(VerifyProblems(*db), "");
}

TEST(ArchiveTest, OpenWithoutCreateOnMissingArchiveIsNotFound) {
  TempDir dir;
  std::unique_ptr<Archive> db;
  Status s = Archive::Open(Options(), dir.Sub("none"), &db);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_EQ(db, nullptr);
}

TEST(ArchiveTest, SecondWriterIsToldTheArchiveIsLocked) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  std::unique_ptr<Archive> second;
  Status s = Archive::Open(Options(), dir.path(), &second);
  EXPECT_TRUE(s.IsBusy()) << s.ToString();
  EXPECT_NE(s.message().find("locked"), std::string::npos);
}

TEST(ArchiveTest, ReadOnlyOpenReadsWhileWriterIsOpenAndRefreshCatchesUp) {
  TempDir dir;
  auto writer = OpenOrDie(dir.path());
  ASSERT_TRUE(writer->Put(WriteOptions(), MakeArticle("a", "S", kMay2024, {"E"})).ok());
  Options ro;
  ro.read_only = true;
  std::unique_ptr<Archive> reader;
  ASSERT_TRUE(Archive::Open(ro, dir.path(), &reader).ok());
  EXPECT_EQ(QueryIds(*reader, EntityFilter("e")), std::vector<std::string>{"a"});
  EXPECT_TRUE(reader->Put(WriteOptions(), MakeArticle("b", "S", kMay2024)).IsNotSupported());
  ASSERT_TRUE(writer->Put(WriteOptions(), MakeArticle("b", "S", kMay2024, {"E"})).ok());
  ASSERT_TRUE(reader->Refresh().ok());
  EXPECT_EQ(CountOf(*reader, EntityFilter("e")), 2u);
}

TEST(ArchiveTest, DirectoryHoldingAnotherRocksDbIsNotTakenForAnArchive) {
  TempDir dir;
  {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, dir.path(), &raw).ok());
    delete raw;
  }
  std::unique_ptr<Archive> db;
  Options o;
  o.create_if_missing = true;
  Status s = Archive::Open(o, dir.path(), &db);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("not an ArticleDB archive"), std::string::npos);
}

// A power loss while a new archive is being made must not leave the format mark without
// the indexes mark: a reader would take the archive for one of an older version and refuse
// it (seen in the power-loss test of a synced import). Both go in one write.
TEST(ArchiveTest, ANewArchiveWritesItsFormatAndIndexesMarksInOneWrite) {
  TempDir dir;
  {
    std::unique_ptr<Archive> db;
    Options o;
    o.create_if_missing = true;
    ASSERT_TRUE(Archive::Open(o, dir.path(), &db).ok());
  }
  rocksdb::DBOptions o;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const char* n : store::kCfNames) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  cfs[store::kCounters].options.merge_operator = counters::NewMergeOperator();
  cfs[store::kIndex].options.merge_operator = index::NewMergeOperator();
  std::vector<rocksdb::ColumnFamilyHandle*> h;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(o, dir.path(), cfs, &h, &raw).ok());
  // The writes the log holds, in order: the keys of each batch.
  struct Keys : rocksdb::WriteBatch::Handler {
    std::vector<std::string> keys;
    rocksdb::Status PutCF(uint32_t, const rocksdb::Slice& k, const rocksdb::Slice&) override {
      keys.push_back(k.ToString());
      return rocksdb::Status::OK();
    }
  };
  std::vector<std::vector<std::string>> batches;
  std::unique_ptr<rocksdb::TransactionLogIterator> it;
  rocksdb::Status st = raw->GetUpdatesSince(0, &it);
  if (st.IsNotSupported()) {  // a read-only instance may not read the log: open it writable
    for (auto* handle : h) raw->DestroyColumnFamilyHandle(handle);
    delete raw;
    h.clear();
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(rocksdb::DBOptions(o),
                                                   rocksdb::ColumnFamilyOptions()),
                                  dir.path(), cfs, &h, &raw)
                    .ok());
    st = raw->GetUpdatesSince(0, &it);
  }
  ASSERT_TRUE(st.ok()) << st.ToString();
  for (; it->Valid(); it->Next()) {
    Keys k;
    ASSERT_TRUE(it->GetBatch().writeBatchPtr->Iterate(&k).ok());
    batches.push_back(k.keys);
  }
  it.reset();
  bool found = false;
  for (const auto& keys : batches) {
    const bool format = std::count(keys.begin(), keys.end(), meta::kFormatKey) > 0;
    const bool indexes = std::count(keys.begin(), keys.end(), meta::kIndexesKey) > 0;
    if (format || indexes) {
      EXPECT_TRUE(format && indexes) << "the marks were written by separate writes";
      found = true;
    }
  }
  EXPECT_TRUE(found) << batches.size() << " batches in the log, none with the marks";
  for (auto* handle : h) raw->DestroyColumnFamilyHandle(handle);
  delete raw;
}

TEST(ArchiveTest, CheckpointIsACompleteConsistentCopy) {
  TempDir dir;
  auto db = OpenOrDie(dir.Sub("a"));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("r" + std::to_string(i), "S", kMay2024 + i, {"E"})).ok());
  }
  ASSERT_TRUE(db->Checkpoint(dir.Sub("copy")).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("after", "S", kMay2024)).ok());
  EXPECT_TRUE(db->Checkpoint(dir.Sub("copy")).IsInvalidArgument());  // exists already
  auto copy = OpenOrDie(dir.Sub("copy"));
  EXPECT_EQ(CountOf(*copy, Filter()), 20u);
  EXPECT_EQ(CountOf(*copy, EntityFilter("e")), 20u);
  EXPECT_EQ(VerifyProblems(*copy), "");
}

TEST(ArchiveTest, StatsReportCountsDateRangeAndCompressedBytes) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  std::string body;
  for (int i = 0; i < 200; ++i) body += "The committee said prices would rise again next week. ";
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("r" + std::to_string(i), i % 3 ? "A" : "B",
                                                    kMay2024 + i * kDay, {"E" + std::to_string(i % 7)}, body)).ok());
  }
  ASSERT_TRUE(db->Flush().ok());
  Stats st;
  ASSERT_TRUE(db->GetStats(&st).ok());
  EXPECT_EQ(st.articles, 100u);
  EXPECT_EQ(st.sources, 2u);
  EXPECT_EQ(st.entities, 7u);
  ASSERT_TRUE(st.oldest_micros && st.newest_micros);
  EXPECT_EQ(*st.oldest_micros, kMay2024);
  EXPECT_EQ(*st.newest_micros, kMay2024 + 99 * kDay);
  EXPECT_GT(st.record_bytes, 100u * body.size());
  EXPECT_GT(st.record_disk_bytes, 0u);
  EXPECT_LT(st.record_disk_bytes * 5, st.record_bytes);  // repetitive text compresses well
  EXPECT_EQ(st.column_families.size(), store::kNumCf);
  EXPECT_GE(st.total_disk_bytes, st.record_disk_bytes);
  EXPECT_GT(st.compression_ratio, 5.0);
}

TEST(ArchiveTest, CompressionRatioCountsOnlyRecordsInTableFiles) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  std::string body;
  for (int i = 0; i < 50; ++i) body += "Prices rose again in Yerevan, the ministry said. ";
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(
        db->Put(WriteOptions(), MakeArticle("a" + std::to_string(i), "A", kMay2024, {}, body)).ok());
  }
  Stats st;
  ASSERT_TRUE(db->GetStats(&st).ok());
  EXPECT_EQ(st.compression_ratio, 0.0);  // nothing flushed yet: no ratio, not a small one
  // Flushed and compacted: no background compaction left to change the tables (and the
  // ratio) while the records below are written.
  ASSERT_TRUE(db->Flush().ok());
  ASSERT_TRUE(db->Compact().ok());
  ASSERT_TRUE(db->GetStats(&st).ok());
  const double flushed = st.compression_ratio;
  EXPECT_GT(flushed, 5.0);
  // Records written after the flush, still in memory, do not drag the ratio down.
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(
        db->Put(WriteOptions(), MakeArticle("b" + std::to_string(i), "A", kMay2024, {}, body)).ok());
  }
  ASSERT_TRUE(db->GetStats(&st).ok());
  EXPECT_EQ(st.compression_ratio, flushed);
}

TEST(ArchiveTest, ListingsCountArticlesPerNameMostFirstWithLatestSpelling) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("1", "le monde", kMay2024, {"Pachinian", "Paris"})).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("2", "Le Monde", kMay2024, {"PACHINIAN", "Pachtoun"})).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("3", "Reuters", kMay2024, {"Pachinian"})).ok());
  std::vector<NameCount> sources;
  ASSERT_TRUE(db->ListSources(&sources).ok());
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources[0].name, "Le Monde");
  EXPECT_EQ(sources[0].count, 2u);
  EXPECT_EQ(sources[1].name, "Reuters");
  std::vector<NameCount> ents;
  ASSERT_TRUE(db->ListEntities("Pach", 0, &ents).ok());
  ASSERT_EQ(ents.size(), 2u);
  EXPECT_EQ(ents[0].name, "Pachinian");  // the spelling stored last
  EXPECT_EQ(ents[0].count, 3u);
  EXPECT_EQ(ents[1].name, "Pachtoun");
  ASSERT_TRUE(db->ListEntities("pâch", 1, &ents).ok());
  ASSERT_EQ(ents.size(), 1u);
  ASSERT_TRUE(db->ListEntities("zzz", 0, &ents).ok());
  EXPECT_TRUE(ents.empty());
}

TEST(ArchiveTest, SourceListingsTakeAPrefixAndALimitLikeEntityListings) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("1", "Le Monde", kMay2024, {})).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("2", "le monde", kMay2024, {})).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("3", "Le Matin", kMay2024, {})).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("4", "Reuters", kMay2024, {})).ok());
  std::vector<NameCount> sources;
  ASSERT_TRUE(db->ListSources("LÉ M", 0, &sources).ok());
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources[0].name, "le monde");  // the spelling stored last
  EXPECT_EQ(sources[0].count, 2u);
  EXPECT_EQ(sources[1].name, "Le Matin");
  ASSERT_TRUE(db->ListSources("le", 1, &sources).ok());
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].count, 2u);
  ASSERT_TRUE(db->ListSources("", 0, &sources).ok());
  EXPECT_EQ(sources.size(), 3u);
  ASSERT_TRUE(db->ListSources("x", 0, &sources).ok());
  EXPECT_TRUE(sources.empty());
  EXPECT_TRUE(db->ListSources("\xff", 0, &sources).IsInvalidArgument());
}

TEST(ArchiveTest, UpdateChangingOnlyANamesSpellingListsTheNewSpellingWithTheSameCount) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("1", "le monde", kMay2024, {"Pachinian"})).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("1", "Le Monde", kMay2024, {"PACHINIAN"})).ok());
  std::vector<NameCount> names;
  ASSERT_TRUE(db->ListSources(&names).ok());
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].name, "Le Monde");
  EXPECT_EQ(names[0].count, 1u);
  ASSERT_TRUE(db->ListEntities("", 0, &names).ok());
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].name, "PACHINIAN");
  EXPECT_EQ(names[0].count, 1u);
  EXPECT_EQ(VerifyProblems(*db), "");
}

TEST(ArchiveTest, EntityNamedTwiceInOneArticleIsCountedAndFoundOnce) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("1", "S", kMay2024, {"Pachinian", "PACHINIAN", "Paris"})).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("2", "S", kMay2024 + kDay, {"Paris"})).ok());
  EXPECT_EQ(QueryIds(*db, EntityFilter("pachinian")), std::vector<std::string>{"1"});
  Filter both = EntityFilter("Pachinian");
  both.entities.push_back("paris");
  EXPECT_EQ(QueryIds(*db, both), std::vector<std::string>{"1"});
  EXPECT_EQ(CountOf(*db, EntityFilter("pachinian")), 1u);
  std::vector<NameCount> names;
  ASSERT_TRUE(db->ListEntities("pach", 0, &names).ok());
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].count, 1u);
  Stats stats;
  ASSERT_TRUE(db->GetStats(&stats).ok());
  EXPECT_EQ(stats.entities, 2u);
  // Removing the article takes its one count off.
  ASSERT_TRUE(db->Delete(WriteOptions(), "1").ok());
  EXPECT_EQ(CountOf(*db, EntityFilter("pachinian")), 0u);
  ASSERT_TRUE(db->ListEntities("pach", 0, &names).ok());
  EXPECT_TRUE(names.empty());
  EXPECT_EQ(VerifyProblems(*db), "");
}

TEST(ArchiveTest, VerifyFindsAMissingIndexEntryAndReindexRepairsIt) {
  TempDir dir;
  {
    auto db = OpenOrDie(dir.path());
    for (int j = 0; j < 30; ++j) {
      ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("r" + std::to_string(j), "S", kMay2024 + j, {"E", "F"})).ok());
    }
    ASSERT_TRUE(db->Flush().ok());
  }
  {
    // Damage the archive beneath the library: drop one entity posting. The counters and
    // index column families need their merge operators to be opened at all.
    rocksdb::DBOptions o;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const char* n : store::kCfNames) {
      cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    }
    cfs[store::kCounters].options.merge_operator = counters::NewMergeOperator();
        cfs[store::kIndex].options.merge_operator = index::NewMergeOperator();
    std::vector<rocksdb::ColumnFamilyHandle*> h;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, dir.path(), cfs, &h, &raw).ok());
    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), h[3]));
    it->Seek("E");
    ASSERT_TRUE(it->Valid());
    std::vector<index::Posting> postings;
    ASSERT_TRUE(index::DecodeBlock(it->value().ToString(), &postings));
    ASSERT_FALSE(postings.empty());
    ASSERT_TRUE(raw->Merge(rocksdb::WriteOptions(), h[3], it->key(),
                           index::RemoveOperand(postings.front()))
                    .ok());
    it.reset();
    for (auto* x : h) raw->DestroyColumnFamilyHandle(x);
    delete raw;
  }
  auto db = OpenOrDie(dir.path());
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  std::string all;
  for (const auto& m : report.messages) all += m + "\n";
  EXPECT_EQ(report.problems, 1u) << all;
  ASSERT_EQ(report.messages.size(), 1u) << all;
  EXPECT_NE(report.messages[0].find("missing index entry E 'e'"), std::string::npos)
      << report.messages[0];
  ASSERT_TRUE(db->Reindex().ok());
  EXPECT_EQ(VerifyProblems(*db), "");
  EXPECT_EQ(CountOf(*db, EntityFilter("e")), 30u);
  Filter bounded = EntityFilter("e");
  bounded.from_micros = kMay2024;
  EXPECT_EQ(CountOf(*db, bounded), 30u);
}

TEST(ArchiveTest, InterruptedReindexIsFinishedAtTheNextOpen) {
  TempDir dir;
  {
    auto db = OpenOrDie(dir.path());
    for (int j = 0; j < 2500; ++j) {
      ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("r" + std::to_string(j), "S", kMay2024 + j, {"E"})).ok());
    }
    // Stop the rebuild after its first chunk.
    Status s = db->Reindex([](uint64_t) { return false; });
    ASSERT_TRUE(s.IsAborted()) << s.ToString();
  }
  {
    // A reader would miss articles until the rebuild is finished: it is refused.
    Options ro;
    ro.read_only = true;
    std::unique_ptr<Archive> reader;
    Status s = Archive::Open(ro, dir.path(), &reader);
    ASSERT_TRUE(s.IsAborted()) << s.ToString();
    EXPECT_NE(s.message().find("indexes are being rebuilt"), std::string::npos) << s.ToString();
  }
  auto db = OpenOrDie(dir.path());
  EXPECT_EQ(VerifyProblems(*db), "");
  EXPECT_EQ(CountOf(*db, EntityFilter("e")), 2500u);
}

}  // namespace
}  // namespace articledb
