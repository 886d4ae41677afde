// Archive::ScanStoredAfter: articles in the order they were stored, after a position,
// matched exactly as a query matches them (what `articledb tail --follow` prints).
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "articledb/archive.h"
#include "test_util.h"

namespace articledb {
namespace {

constexpr int64_t kDay = 86400LL * 1000000;
constexpr int64_t kStart = 1714521600LL * 1000000;  // 2024-05-01

std::vector<std::string> After(Archive& db, uint64_t position, const Filter& f, uint64_t* next) {
  std::vector<std::string> ids;
  const Status s = db.ScanStoredAfter(position, f, next, [&](const Article& a) {
    ids.push_back(a.id());
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return ids;
}

TEST(StoredAfterTest, NewArticlesComeInStoredOrderOnceAndUpdatesAreNotSeenAgain) {
  testing::TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  uint64_t next = 7;
  EXPECT_TRUE(After(*db, 0, Filter(), &next).empty());  // empty archive
  EXPECT_EQ(next, 0u);
  // Stored out of time order: the scan follows the storing order, not the dates.
  for (const char* id : {"c", "a", "b"}) {
    ASSERT_TRUE(db->Put(WriteOptions(), testing::MakeArticle(id, "S", kStart - (id[0] - 'a') * kDay))
                    .ok());
  }
  EXPECT_EQ(After(*db, 0, Filter(), &next), (std::vector<std::string>{"c", "a", "b"}));
  const uint64_t after_three = next;
  EXPECT_TRUE(After(*db, after_three, Filter(), &next).empty());
  EXPECT_EQ(next, after_three);
  // An update keeps its place; a new article comes after; a deleted one is gone.
  ASSERT_TRUE(db->Put(WriteOptions(), testing::MakeArticle("a", "S", kStart, {"x"})).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), testing::MakeArticle("d", "S", kStart)).ok());
  ASSERT_TRUE(db->Delete(WriteOptions(), "c").ok());
  EXPECT_EQ(After(*db, after_three, Filter(), &next), (std::vector<std::string>{"d"}));
  EXPECT_EQ(After(*db, 0, Filter(), &next), (std::vector<std::string>{"a", "b", "d"}));
  // UINT64_MAX: nothing visited, the end returned.
  uint64_t end = 0;
  EXPECT_TRUE(After(*db, std::numeric_limits<uint64_t>::max(), Filter(), &end).empty());
  EXPECT_EQ(end, next);
  // Stopping early: the next call goes on right after the article it stopped at.
  std::vector<std::string> one;
  ASSERT_TRUE(db->ScanStoredAfter(0, Filter(), &next, [&](const Article& a) {
                  one.push_back(a.id());
                  return false;
                }).ok());
  EXPECT_EQ(one, (std::vector<std::string>{"a"}));
  EXPECT_EQ(After(*db, next, Filter(), &next), (std::vector<std::string>{"b", "d"}));
}

// On random articles and random filters of every kind, the articles ScanStoredAfter(0)
// visits are exactly those Scan finds.
TEST(StoredAfterTest, MatchesAreExactlyTheQueryMatchesForEveryKindOfFilter) {
  testing::TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  std::mt19937 rng(5);
  const std::vector<std::string> sources = {"Le Monde", "Reuters", "ARMENPRESS"};
  const std::vector<std::string> names = {"Armenia", "Arménie", "Nikol Pachinian", "Baku",
                                          "EU", "Paris"};
  const std::vector<std::string> langs = {"en", "FR", "hy"};
  std::vector<Article> batch;
  for (int i = 0; i < 400; ++i) {
    std::optional<int64_t> t;
    if (rng() % 10 != 0) t = kStart + static_cast<int64_t>(rng() % 60) * kDay;
    Article a = testing::MakeArticle("id" + std::to_string(i), sources[rng() % 3], t);
    for (int e = static_cast<int>(rng() % 4); e > 0; --e) {
      Entity* en = a.add_entities();
      en->set_name(names[rng() % names.size()]);
      en->set_kind(Entity::PERSON);
    }
    if (rng() % 3 != 0) a.set_language(langs[rng() % 3]);
    if (rng() % 2 != 0) a.add_topics(rng() % 2 ? "politics" : "Economy");
    if (rng() % 2 != 0) a.add_authors(rng() % 2 ? "Ann Lee" : "Bo Chen");
    batch.push_back(a);
  }
  ASSERT_TRUE(db->PutBatch(WriteOptions(), batch).ok());
  for (int q = 0; q < 200; ++q) {
    Filter f;
    if (rng() % 3 == 0) f.from_micros = kStart + static_cast<int64_t>(rng() % 60) * kDay;
    if (rng() % 3 == 0) f.to_micros = kStart + static_cast<int64_t>(30 + rng() % 40) * kDay;
    if (f.from_micros && f.to_micros && *f.from_micros > *f.to_micros) f.to_micros.reset();
    if (rng() % 3 == 0) f.source = sources[rng() % 3];
    if (rng() % 4 == 0) f.sources = {sources[rng() % 3], sources[rng() % 3]};
    if (rng() % 3 == 0) f.entities = {names[rng() % names.size()]};
    if (rng() % 4 == 0) f.any_entities = {names[rng() % names.size()], names[rng() % names.size()]};
    if (rng() % 4 == 0) f.not_entities = {names[rng() % names.size()]};
    if (rng() % 4 == 0) f.languages = {langs[rng() % 3], "en"};
    if (rng() % 5 == 0) f.topics = {"ECONOMY"};
    if (rng() % 5 == 0) f.authors = {"ann lee"};
    std::set<std::string> want, got;
    ASSERT_TRUE(db->Scan(f, Order::kOldestFirst, [&](const Article& a) {
                    want.insert(a.id());
                    return true;
                  }).ok());
    uint64_t next = 0;
    for (const std::string& id : After(*db, 0, f, &next)) got.insert(id);
    EXPECT_EQ(got, want) << "filter " << q;
  }
}

TEST(StoredAfterTest, AnInvalidFilterIsRefusedAsQueriesRefuseIt) {
  testing::TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  Filter f;
  f.entities = {"  "};
  uint64_t next = 0;
  EXPECT_TRUE(db->ScanStoredAfter(0, f, &next, [](const Article&) { return true; })
                  .IsInvalidArgument());
}

}  // namespace
}  // namespace articledb
