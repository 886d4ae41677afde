// The whole Reuters-21578 corpus imported, then counts by source, entity and month checked
// against counts computed directly from the parsed JSON.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "articledb/archive.h"
#include "test_util.h"
#include "query/buckets.h"
#include "time_util.h"

namespace articledb {
namespace {

TEST(ReutersTest, WholeCorpusImportedCountsEqualCountsFromTheJson) {
  const std::string path = testing::ReutersPath();
  if (path.empty()) GTEST_SKIP() << "corpus not found at " << ARTICLEDB_CORPORA_DIR << "; skipped";
  testing::TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  std::vector<Article> batch;
  std::map<std::string, uint64_t> by_source, by_entity, by_month;
  std::map<std::string, std::string> entity_key;  // normalised -> a spelling
  uint64_t lines = 0, undated = 0, bad = 0;
  BucketCalendar month_calendar;
  ASSERT_TRUE(BucketCalendar::Make(Bucket::kMonth, "", &month_calendar).ok());
  auto flush = [&] {
    Status s = db->PutBatch(WriteOptions(), batch);
    ASSERT_TRUE(s.ok()) << s.ToString();
    batch.clear();
  };
  ASSERT_TRUE(testing::ForEachZstdLine(path, [&](const std::string& line) {
    ++lines;
    Article a;
    if (!ParseArticleJson(line, &a).ok()) {
      ++bad;
      return;
    }
    ++by_source[NormalizeName(a.source())];
    std::set<std::string> names;
    for (const Entity& e : a.entities()) names.insert(NormalizeName(e.name()));
    for (const std::string& n : names) ++by_entity[n];
    if (a.has_published_at()) {
      int64_t start, end;
      std::string label;
      month_calendar.Of(TimestampMicros(a.published_at()), &start, &end, &label);
      ++by_month[label];
    } else {
      ++undated;
    }
    batch.push_back(std::move(a));
    if (batch.size() == 1000) flush();
  }));
  if (!batch.empty()) flush();
  EXPECT_EQ(lines, 21578u);
  EXPECT_EQ(bad, 0u);
  EXPECT_EQ(undated, 1u);

  uint64_t total = 0;
  ASSERT_TRUE(db->Count(Filter(), &total).ok());
  EXPECT_EQ(total, 21578u);
  for (const auto& [source, n] : by_source) {
    Filter f;
    f.source = source;
    uint64_t got = 0;
    ASSERT_TRUE(db->Count(f, &got).ok());
    EXPECT_EQ(got, n) << source;
  }
  EXPECT_EQ(by_entity.size(), 325u);
  // The corpus README's 12,542 counts mentions of "usa"; one article names it twice.
  EXPECT_EQ(by_entity["usa"], 12541u);
  for (const auto& [entity, n] : by_entity) {
    Filter f;
    f.entities = {entity};
    uint64_t got = 0;
    ASSERT_TRUE(db->Count(f, &got).ok());
    EXPECT_EQ(got, n) << entity;
    // The same through the index walk with a time bound (dated articles only).
    f.from_micros = INT64_MIN + 1;
    ASSERT_TRUE(db->Count(f, &got).ok());
    EXPECT_LE(got, n);
  }
  std::vector<TimelineEntry> months;
  ASSERT_TRUE(db->Timeline(Filter(), Bucket::kMonth, &months).ok());
  std::map<std::string, uint64_t> got_months;
  for (const auto& e : months) got_months[e.label] = e.count;
  EXPECT_EQ(got_months, by_month);
  // Listings agree with the JSON too.
  std::vector<NameCount> entities;
  ASSERT_TRUE(db->ListEntities("", 0, &entities).ok());
  ASSERT_EQ(entities.size(), by_entity.size());
  EXPECT_EQ(entities[0].name, "usa");
  EXPECT_EQ(entities[0].count, by_entity["usa"]);
  // A combined query walks two indexes: compare with brute force over the JSON counts.
  Filter combo;
  combo.entities = {"usa", "japan"};
  combo.from_micros = 0;
  uint64_t both = 0;
  ASSERT_TRUE(db->Count(combo, &both).ok());
  uint64_t scanned = 0;
  ASSERT_TRUE(db->Scan(combo, Order::kNewestFirst, [&](const Article& a) {
    std::set<std::string> names;
    for (const Entity& e : a.entities()) names.insert(NormalizeName(e.name()));
    EXPECT_TRUE(names.count("usa") && names.count("japan")) << a.id();
    ++scanned;
    return true;
  }).ok());
  EXPECT_EQ(both, scanned);
  EXPECT_GT(both, 100u);
  EXPECT_EQ(testing::VerifyProblems(*db), "");
}

}  // namespace
}  // namespace articledb
