// Queries checked against a brute-force model of the archive: every filter alone and
// combined, both orders, pagination (also with writes between pages), counts, timelines.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "articledb/archive.h"
#include "query/buckets.h"
#include "test_util.h"
#include "time_util.h"

namespace articledb {
namespace {

using testing::TempDir;

constexpr int64_t kStart = 1704067200000000;  // 2024-01-01
constexpr int64_t kHour = 3600000000;

const std::vector<std::vector<std::string>> kSources = {
    {"Le Monde", "le monde", "LE MONDE"}, {"Libération", "LIBERATION", "Libe\xCC\x81ration"},
    {"Reuters"}, {"Armenpress", "ARMENPRESS"}};
const std::vector<std::vector<std::string>> kEntities = {
    {"Nikol Pachinian", "nikol pachinian"}, {"Arménie", "ARMENIE", "Arme\xCC\x81nie"},
    {"Erevan"}, {"ONU", "onu"}, {"Bakou"}, {"Moscou"}, {"Paris"}, {"Union européenne"}};

struct ModelArticle {
  std::string id;
  size_t source;
  std::set<size_t> entities;
  std::optional<int64_t> time;
  uint64_t seq;  // order of first insertion = document number order
};

class QueryModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenOrDie(dir_.path());
    for (int i = 0; i < 700; ++i) PutRandom("a" + std::to_string(i));
    // Upserts of existing ids move them in time and change names.
    for (int i = 0; i < 100; ++i) PutRandom("a" + std::to_string(rng_() % 700));
  }

  Article PutRandom(const std::string& id) {
    ModelArticle m;
    m.id = id;
    m.source = rng_() % kSources.size();
    if (skewed_) {
      // Zipf-like: names on most articles beside names on a few (kSkewed percentages).
      for (size_t e = 0; e < kEntities.size(); ++e) {
        if (rng_() % 100 < kSkewed[e]) m.entities.insert(e);
      }
    } else {
      const size_t n = rng_() % 4;
      for (size_t k = 0; k < n; ++k) m.entities.insert(rng_() % kEntities.size());
    }
    if (rng_() % 10 != 0) m.time = kStart + static_cast<int64_t>(rng_() % (24 * 400)) * kHour;
    auto found = model_.find(id);
    m.seq = found == model_.end() ? next_seq_++ : found->second.seq;
    Article a;
    a.set_id(id);
    const auto& spellings = kSources[m.source];
    a.set_source(spellings[rng_() % spellings.size()]);
    if (m.time) testing::SetPublished(&a, *m.time);
    for (size_t e : m.entities) {
      const auto& names = kEntities[e];
      Entity* ent = a.add_entities();
      ent->set_name(names[rng_() % names.size()]);
      ent->set_kind(Entity::OTHER);
      if (rng_() % 4 == 0) a.add_entities()->CopyFrom(*ent);  // repeated mention
    }
    a.set_body("body " + id);
    Status s = db_->Put(WriteOptions(), a);
    EXPECT_TRUE(s.ok()) << s.ToString();
    model_[id] = m;
    return a;
  }

  struct ModelFilter {
    Filter filter;
    std::optional<size_t> source;
    std::vector<size_t> entities;
  };

  ModelFilter RandomFilter() {
    ModelFilter mf;
    switch (rng_() % 4) {
      case 0: break;
      case 1: mf.filter.from_micros = kStart + static_cast<int64_t>(rng_() % 9600) * kHour; break;
      case 2: mf.filter.to_micros = kStart + static_cast<int64_t>(rng_() % 9600) * kHour; break;
      default: {
        const int64_t a = kStart + static_cast<int64_t>(rng_() % 9600) * kHour;
        mf.filter.from_micros = a;
        mf.filter.to_micros = a + static_cast<int64_t>(rng_() % 2000) * kHour;
      }
    }
    if (rng_() % 2) {
      mf.source = rng_() % kSources.size();
      const auto& sp = kSources[*mf.source];
      mf.filter.source = sp[rng_() % sp.size()];
    }
    const size_t n = rng_() % 3;
    for (size_t k = 0; k < n; ++k) {
      const size_t e = rng_() % kEntities.size();
      mf.entities.push_back(e);
      mf.filter.entities.push_back(kEntities[e][rng_() % kEntities[e].size()]);
    }
    return mf;
  }

  bool Matches(const ModelFilter& mf, const ModelArticle& m) const {
    const bool bounded = mf.filter.from_micros || mf.filter.to_micros;
    if (bounded && !m.time) return false;
    if (mf.filter.from_micros && *m.time < *mf.filter.from_micros) return false;
    if (mf.filter.to_micros && *m.time >= *mf.filter.to_micros) return false;
    if (mf.source && m.source != *mf.source) return false;
    for (size_t e : mf.entities) {
      if (!m.entities.count(e)) return false;
    }
    return true;
  }

  std::vector<std::string> Expected(const ModelFilter& mf, Order order) const {
    std::vector<const ModelArticle*> hits;
    for (const auto& [id, m] : model_) {
      if (Matches(mf, m)) hits.push_back(&m);
    }
    std::sort(hits.begin(), hits.end(), [](const ModelArticle* a, const ModelArticle* b) {
      const int64_t ta = a->time.value_or(INT64_MIN), tb = b->time.value_or(INT64_MIN);
      return ta != tb ? ta < tb : a->seq < b->seq;
    });
    if (order == Order::kNewestFirst) std::reverse(hits.begin(), hits.end());
    std::vector<std::string> ids;
    for (const auto* m : hits) ids.push_back(m->id);
    return ids;
  }

  std::string Describe(const ModelFilter& mf) const {
    std::string d;
    if (mf.filter.from_micros) d += " from=" + FormatTime(*mf.filter.from_micros);
    if (mf.filter.to_micros) d += " to=" + FormatTime(*mf.filter.to_micros);
    if (mf.filter.source) d += " source=" + *mf.filter.source;
    for (const auto& e : mf.filter.entities) d += " entity=" + e;
    return d;
  }

  // The ids Scan visits, in order.
  std::vector<std::string> ScanIds(const Filter& f, Order order) {
    std::vector<std::string> ids;
    Status s = db_->Scan(f, order, [&](const Article& a) {
      ids.push_back(a.id());
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return ids;
  }

  std::vector<std::string> AllPages(const Filter& f, Order order, size_t limit) {
    std::vector<std::string> ids;
    QueryOptions qo;
    qo.order = order;
    qo.limit = limit;
    for (int pages = 0; pages < 10000; ++pages) {
      Page page;
      Status s = db_->Query(f, qo, &page);
      EXPECT_TRUE(s.ok()) << s.ToString();
      if (!s.ok()) break;
      EXPECT_LE(page.articles.size(), limit);
      for (const Article& a : page.articles) ids.push_back(a.id());
      if (page.next_cursor.empty()) break;
      EXPECT_EQ(page.articles.size(), limit);
      qo.cursor = page.next_cursor;
    }
    return ids;
  }

  // Percentage of articles naming each of kEntities when skewed_.
  static constexpr uint64_t kSkewed[] = {90, 40, 3, 6, 2, 60, 10, 1};
  bool skewed_ = false;
  TempDir dir_;
  std::unique_ptr<Archive> db_;
  std::mt19937_64 rng_{20240501};
  std::map<std::string, ModelArticle> model_;
  uint64_t next_seq_ = 0;
};

TEST_F(QueryModelTest, EveryFilterAloneAndCombinedMatchesBruteForceInBothOrders) {
  int nonempty = 0;
  for (int round = 0; round < 250; ++round) {
    const ModelFilter mf = RandomFilter();
    for (Order order : {Order::kNewestFirst, Order::kOldestFirst}) {
      const auto want = Expected(mf, order);
      ASSERT_EQ(ScanIds(mf.filter, order), want) << Describe(mf);
      nonempty += want.empty() ? 0 : 1;
    }
    uint64_t count = 0;
    ASSERT_TRUE(db_->Count(mf.filter, &count).ok());
    EXPECT_EQ(count, Expected(mf, Order::kOldestFirst).size()) << Describe(mf);
  }
  EXPECT_GT(nonempty, 100);  // the random filters do select articles
}

TEST_F(QueryModelTest, PagesConcatenateToTheFullResultForEveryPageSize) {
  for (int round = 0; round < 40; ++round) {
    const ModelFilter mf = RandomFilter();
    for (Order order : {Order::kNewestFirst, Order::kOldestFirst}) {
      const size_t limit = 1 + rng_() % 13;
      EXPECT_EQ(AllPages(mf.filter, order, limit), Expected(mf, order))
          << Describe(mf) << " limit=" << limit;
    }
  }
  Filter all;
  EXPECT_EQ(AllPages(all, Order::kNewestFirst, 1).size(), model_.size());
}

TEST_F(QueryModelTest, PaginationWithWritesBetweenPagesNeitherRepeatsNorSkips) {
  for (Order order : {Order::kNewestFirst, Order::kOldestFirst}) {
    ModelFilter mf;
    mf.filter.from_micros = kStart;
    mf.filter.to_micros = kStart + 24 * 400 * kHour;
    // Articles that exist from the first page to the last must each appear exactly once.
    const auto at_start = Expected(mf, order);
    std::set<std::string> touched;
    QueryOptions qo;
    qo.order = order;
    qo.limit = 25;
    std::vector<std::string> seen;
    std::vector<int64_t> times;
    for (int pages = 0; pages < 1000; ++pages) {
      Page page;
      ASSERT_TRUE(db_->Query(mf.filter, qo, &page).ok());
      for (const Article& a : page.articles) {
        seen.push_back(a.id());
        times.push_back(TimestampMicros(a.published_at()));
      }
      if (page.next_cursor.empty()) break;
      qo.cursor = page.next_cursor;
      // Between pages: new articles anywhere in time, and moves of existing ones.
      for (int k = 0; k < 5; ++k) {
        const std::string id = "new" + std::to_string(order == Order::kNewestFirst) + "_" +
                               std::to_string(pages) + "_" + std::to_string(k);
        PutRandom(id);
        touched.insert(id);
      }
      const std::string moved = "a" + std::to_string(rng_() % 700);
      PutRandom(moved);
      touched.insert(moved);
    }
    // An article moved in time between pages may be met again at its new time; one that
    // was left alone must come exactly once.
    std::map<std::string, int> times_seen;
    for (const std::string& id : seen) ++times_seen[id];
    for (const auto& [id, n] : times_seen) {
      if (touched.count(id)) continue;
      EXPECT_EQ(n, 1) << id << " was not written during paging but came " << n << " times";
    }
    std::set<std::string> unique(seen.begin(), seen.end());
    for (size_t i = 1; i < times.size(); ++i) {
      if (order == Order::kNewestFirst) {
        EXPECT_LE(times[i], times[i - 1]);
      } else {
        EXPECT_GE(times[i], times[i - 1]);
      }
    }
    for (const std::string& id : at_start) {
      if (touched.count(id)) continue;
      EXPECT_TRUE(unique.count(id)) << id << " existed throughout but was skipped";
    }
  }
}

TEST_F(QueryModelTest, TimelineCountsEqualBruteForceForDayWeekMonthAndYear) {
  for (int round = 0; round < 30; ++round) {
    const ModelFilter mf = RandomFilter();
    for (Bucket bucket : {Bucket::kDay, Bucket::kWeek, Bucket::kMonth, Bucket::kYear}) {
      BucketCalendar calendar;
      ASSERT_TRUE(BucketCalendar::Make(bucket, "", &calendar).ok());
      std::map<std::string, uint64_t> want;
      for (const auto& [id, m] : model_) {
        if (!m.time || !Matches(mf, m)) continue;
        int64_t start, end;
        std::string label;
        calendar.Of(*m.time, &start, &end, &label);
        ++want[label];
      }
      std::vector<TimelineEntry> tl;
      ASSERT_TRUE(db_->Timeline(mf.filter, bucket, &tl).ok());
      std::map<std::string, uint64_t> got;
      for (size_t i = 0; i < tl.size(); ++i) {
        got[tl[i].label] = tl[i].count;
        if (i > 0) {
          EXPECT_LT(tl[i - 1].start_micros, tl[i].start_micros);
        }
      }
      EXPECT_EQ(got, want) << Describe(mf);
    }
  }
}

// Names of very different frequencies: the rare name's stream is walked and the frequent
// names (8 times as many articles or more) are probed key by key instead of walked.
class SkewedQueryModelTest : public QueryModelTest {
 protected:
  void SetUp() override {
    skewed_ = true;
    QueryModelTest::SetUp();
  }
};

TEST_F(SkewedQueryModelTest, RareAndFrequentNamesCombinedMatchBruteForceInScansPagesAndCounts) {
  uint64_t rare = 0, frequent = 0;
  Filter f;
  f.entities = {"Bakou"};
  ASSERT_TRUE(db_->Count(f, &rare).ok());
  f.entities = {"Nikol Pachinian"};
  ASSERT_TRUE(db_->Count(f, &frequent).ok());
  ASSERT_GT(rare, 0u);
  ASSERT_GE(frequent, 8 * rare);  // far enough apart to be probed
  int nonempty = 0;
  for (int round = 0; round < 300; ++round) {
    ModelFilter mf = RandomFilter();
    if (mf.entities.empty()) {
      mf.entities.push_back(0);
      mf.filter.entities.push_back(kEntities[0][0]);
    }
    for (Order order : {Order::kNewestFirst, Order::kOldestFirst}) {
      const auto want = Expected(mf, order);
      ASSERT_EQ(ScanIds(mf.filter, order), want) << Describe(mf);
      const size_t limit = 1 + rng_() % 7;
      ASSERT_EQ(AllPages(mf.filter, order, limit), want) << Describe(mf) << " limit=" << limit;
      nonempty += want.empty() ? 0 : 1;
    }
    uint64_t count = 0;
    ASSERT_TRUE(db_->Count(mf.filter, &count).ok());
    EXPECT_EQ(count, Expected(mf, Order::kOldestFirst).size()) << Describe(mf);
  }
  EXPECT_GT(nonempty, 100);
}

TEST(TimelineTest, BucketsUseUtcCalendarBoundaries) {
  TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  int64_t t = 0;
  ASSERT_TRUE(ParseTimeArgument("2024-02-29T23:59:59Z", &t).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), testing::MakeArticle("a", "S", t)).ok());
  ASSERT_TRUE(ParseTimeArgument("2024-03-01T00:00:00Z", &t).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), testing::MakeArticle("b", "S", t)).ok());
  ASSERT_TRUE(ParseTimeArgument("1969-12-31T12:00:00Z", &t).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), testing::MakeArticle("c", "S", t)).ok());
  std::vector<TimelineEntry> tl;
  ASSERT_TRUE(db->Timeline(Filter(), Bucket::kMonth, &tl).ok());
  ASSERT_EQ(tl.size(), 3u);
  EXPECT_EQ(tl[0].label, "1969-12");
  EXPECT_EQ(tl[1].label, "2024-02");
  EXPECT_EQ(tl[2].label, "2024-03");
  ASSERT_TRUE(db->Timeline(Filter(), Bucket::kDay, &tl).ok());
  EXPECT_EQ(tl[1].label, "2024-02-29");
  ASSERT_TRUE(db->Timeline(Filter(), Bucket::kYear, &tl).ok());
  ASSERT_EQ(tl.size(), 2u);
  EXPECT_EQ(tl[1].count, 2u);
}

TEST(QueryErrorsTest, BadLimitsRangesNamesAndCursorsAreInvalidArguments) {
  TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(db->Put(WriteOptions(), testing::MakeArticle("a" + std::to_string(i), "S", kStart + i, {"E"})).ok());
  }
  Page page;
  QueryOptions qo;
  qo.limit = 0;
  EXPECT_TRUE(db->Query(Filter(), qo, &page).IsInvalidArgument());
  qo.limit = 1000000;
  EXPECT_TRUE(db->Query(Filter(), qo, &page).IsInvalidArgument());
  qo.limit = 2;
  Filter backwards;
  backwards.from_micros = kStart + 10;
  backwards.to_micros = kStart;
  EXPECT_TRUE(db->Query(backwards, qo, &page).IsInvalidArgument());
  uint64_t n;
  EXPECT_TRUE(db->Count(backwards, &n).IsInvalidArgument());
  Filter bad_name;
  bad_name.entities.push_back("\xff");
  EXPECT_TRUE(db->Query(bad_name, qo, &page).IsInvalidArgument());
  bad_name.entities = {"   "};
  EXPECT_TRUE(db->Query(bad_name, qo, &page).IsInvalidArgument());
  // A cursor belongs to its query: another filter or order rejects it.
  ASSERT_TRUE(db->Query(Filter(), qo, &page).ok());
  ASSERT_FALSE(page.next_cursor.empty());
  QueryOptions other = qo;
  other.cursor = page.next_cursor;
  Filter by_entity;
  by_entity.entities = {"E"};
  EXPECT_TRUE(db->Query(by_entity, other, &page).IsInvalidArgument());
  other.order = Order::kOldestFirst;
  EXPECT_TRUE(db->Query(Filter(), other, &page).IsInvalidArgument());
  other.order = Order::kNewestFirst;
  other.cursor = "not a cursor";
  EXPECT_TRUE(db->Query(Filter(), other, &page).IsInvalidArgument());
  // Empty range: no results, no error.
  Filter empty;
  empty.from_micros = kStart;
  empty.to_micros = kStart;
  ASSERT_TRUE(db->Query(empty, qo, &page).ok());
  EXPECT_TRUE(page.articles.empty());
}

TEST(QueryErrorsTest, PageLimitsFromOneToTenThousandAreAcceptedAndNoOthers) {
  TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), testing::MakeArticle("a", "S", kStart)).ok());
  Page page;
  QueryOptions qo;
  for (size_t limit : {size_t{1}, size_t{10000}}) {
    qo.limit = limit;
    ASSERT_TRUE(db->Query(Filter(), qo, &page).ok()) << limit;
    EXPECT_EQ(page.articles.size(), 1u) << limit;
  }
  qo.limit = 10001;
  Status s = db->Query(Filter(), qo, &page);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("10000"), std::string::npos) << s.message();
}

TEST(QueryErrorsTest, CursorOfAnotherTimeRangeIsRejected) {
  TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(db->Put(WriteOptions(), testing::MakeArticle("a" + std::to_string(i), "S",
                                                             kStart + i * kHour)).ok());
  }
  Filter range;
  range.from_micros = kStart;
  range.to_micros = kStart + 5 * kHour;
  QueryOptions qo;
  qo.limit = 2;
  Page page;
  ASSERT_TRUE(db->Query(range, qo, &page).ok());
  ASSERT_FALSE(page.next_cursor.empty());
  qo.cursor = page.next_cursor;
  // The same query continues; another 'from', another 'to' or no range at all do not.
  ASSERT_TRUE(db->Query(range, qo, &page).ok());
  EXPECT_EQ(testing::Ids(page.articles), (std::vector<std::string>{"a2", "a1"}));
  Filter other = range;
  other.to_micros = kStart + 6 * kHour;
  EXPECT_TRUE(db->Query(other, qo, &page).IsInvalidArgument());
  other = range;
  other.from_micros = kStart + kHour;
  EXPECT_TRUE(db->Query(other, qo, &page).IsInvalidArgument());
  other = range;
  other.to_micros.reset();
  EXPECT_TRUE(db->Query(other, qo, &page).IsInvalidArgument());
  EXPECT_TRUE(db->Query(Filter(), qo, &page).IsInvalidArgument());
}

}  // namespace
}  // namespace articledb
