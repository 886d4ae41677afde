// Queries checked against a brute-force model of the archive: every filter alone and
// combined (sources any-of, entities all-of / any-of / none-of, languages any-of, topics
// and authors all-of, time ranges), both orders, pagination with every page size (also
// with writes between pages), counts, timelines and facets.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "articledb/archive.h"
#include "query/buckets.h"
#include "query/planner.h"
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
const std::vector<std::vector<std::string>> kLanguages = {{"fr", "FR", "Fr"}, {"en", "EN"}, {"hy"}};
const std::vector<std::vector<std::string>> kTopics = {
    {"Politique", "politique", "POLITIQUE"}, {"Économie", "economie", "E\xCC\x81" "conomie"},
    {"Sport"}, {"Culture", "culture"}};
const std::vector<std::vector<std::string>> kAuthors = {
    {"Jean Dupont", "jean dupont"}, {"Anna Hakobyan"}, {"Marie Curie", "MARIE CURIE"}};

struct ModelArticle {
  std::string id;
  size_t source;
  std::set<size_t> entities;
  std::optional<size_t> language;
  std::set<size_t> topics, authors;
  std::optional<int64_t> time;
  uint64_t seq;  // order of first insertion = document number order
};

// Picks one of `spellings` at random.
std::string Spell(const std::vector<std::string>& spellings, std::mt19937_64& rng) {
  return spellings[rng() % spellings.size()];
}

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
    if (rng_() % 5 != 0) m.language = rng_() % kLanguages.size();
    for (size_t k = rng_() % 3; k > 0; --k) m.topics.insert(rng_() % kTopics.size());
    for (size_t k = rng_() % 3; k > 0; --k) m.authors.insert(rng_() % kAuthors.size());
    auto found = model_.find(id);
    m.seq = found == model_.end() ? next_seq_++ : found->second.seq;
    Article a;
    a.set_id(id);
    a.set_source(Spell(kSources[m.source], rng_));
    spelling_[{FacetField::kSource, m.source}] = a.source();
    if (m.time) testing::SetPublished(&a, *m.time);
    for (size_t e : m.entities) {
      Entity* ent = a.add_entities();
      ent->set_name(Spell(kEntities[e], rng_));
      ent->set_kind(Entity::OTHER);
      spelling_[{FacetField::kEntity, e}] = ent->name();
      if (rng_() % 4 == 0) a.add_entities()->CopyFrom(*ent);  // repeated mention
    }
    if (m.language) {
      a.set_language(Spell(kLanguages[*m.language], rng_));
      spelling_[{FacetField::kLanguage, *m.language}] = a.language();
    }
    for (size_t t : m.topics) {
      a.add_topics(Spell(kTopics[t], rng_));
      spelling_[{FacetField::kTopic, t}] = a.topics(a.topics_size() - 1);
    }
    for (size_t w : m.authors) {
      a.add_authors(Spell(kAuthors[w], rng_));
      spelling_[{FacetField::kAuthor, w}] = a.authors(a.authors_size() - 1);
    }
    // A topic or author named twice, maybe spelled otherwise: once in the indexes, and the
    // first spelling is the one stored.
    if (!m.topics.empty() && rng_() % 4 == 0) a.add_topics(Spell(kTopics[*m.topics.begin()], rng_));
    if (!m.authors.empty() && rng_() % 4 == 0) a.add_authors(Spell(kAuthors[*m.authors.begin()], rng_));
    a.set_body("body " + id);
    Status s = db_->Put(WriteOptions(), a);
    EXPECT_TRUE(s.ok()) << s.ToString();
    model_[id] = m;
    return a;
  }

  struct ModelFilter {
    Filter filter;
    std::set<size_t> sources;  // any of (empty: any source)
    std::vector<size_t> entities;
    std::set<size_t> any_entities, not_entities, languages;
    std::vector<size_t> topics, authors;
  };

  // Adds `n` random names of `table` to *filter_names (random spellings) and to *model.
  template <typename Model>
  void AddNames(const std::vector<std::vector<std::string>>& table, size_t n,
                std::vector<std::string>* filter_names, Model* model) {
    for (size_t k = 0; k < n; ++k) {
      const size_t i = rng_() % table.size();
      model->insert(model->end(), i);
      filter_names->push_back(Spell(table[i], rng_));
    }
  }

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
      const size_t source = rng_() % kSources.size();
      mf.sources.insert(source);
      mf.filter.source = Spell(kSources[source], rng_);
    }
    if (rng_() % 4 == 0) AddNames(kSources, 1 + rng_() % 2, &mf.filter.sources, &mf.sources);
    AddNames(kEntities, rng_() % 3, &mf.filter.entities, &mf.entities);
    if (rng_() % 4 == 0) AddNames(kEntities, 1 + rng_() % 3, &mf.filter.any_entities, &mf.any_entities);
    if (rng_() % 4 == 0) AddNames(kEntities, 1 + rng_() % 2, &mf.filter.not_entities, &mf.not_entities);
    if (rng_() % 5 == 0) AddNames(kLanguages, 1 + rng_() % 2, &mf.filter.languages, &mf.languages);
    if (rng_() % 5 == 0) AddNames(kTopics, 1 + rng_() % 2, &mf.filter.topics, &mf.topics);
    if (rng_() % 6 == 0) AddNames(kAuthors, 1, &mf.filter.authors, &mf.authors);
    return mf;
  }

  bool Matches(const ModelFilter& mf, const ModelArticle& m) const {
    const bool bounded = mf.filter.from_micros || mf.filter.to_micros;
    if (bounded && !m.time) return false;
    if (mf.filter.from_micros && *m.time < *mf.filter.from_micros) return false;
    if (mf.filter.to_micros && *m.time >= *mf.filter.to_micros) return false;
    if (!mf.sources.empty() && !mf.sources.count(m.source)) return false;
    for (size_t e : mf.entities) {
      if (!m.entities.count(e)) return false;
    }
    if (!mf.any_entities.empty() &&
        std::none_of(mf.any_entities.begin(), mf.any_entities.end(),
                     [&m](size_t e) { return m.entities.count(e) > 0; })) {
      return false;
    }
    for (size_t e : mf.not_entities) {
      if (m.entities.count(e)) return false;
    }
    if (!mf.languages.empty() && (!m.language || !mf.languages.count(*m.language))) return false;
    for (size_t t : mf.topics) {
      if (!m.topics.count(t)) return false;
    }
    for (size_t w : mf.authors) {
      if (!m.authors.count(w)) return false;
    }
    return true;
  }

  // The facets of `field` among the articles matching `mf`, as Archive::Facets answers.
  std::vector<NameCount> ExpectedFacets(const ModelFilter& mf, FacetField field,
                                        size_t limit) const {
    std::map<size_t, uint64_t> counts;
    for (const auto& [id, m] : model_) {
      if (!Matches(mf, m)) continue;
      switch (field) {
        case FacetField::kSource: ++counts[m.source]; break;
        case FacetField::kLanguage: if (m.language) ++counts[*m.language]; break;
        case FacetField::kEntity: for (size_t e : m.entities) ++counts[e]; break;
        case FacetField::kTopic: for (size_t t : m.topics) ++counts[t]; break;
        case FacetField::kAuthor: for (size_t w : m.authors) ++counts[w]; break;
      }
    }
    std::vector<NameCount> out;
    for (const auto& [i, n] : counts) out.push_back(NameCount{spelling_.at({field, i}), n});
    std::sort(out.begin(), out.end(), [](const NameCount& a, const NameCount& b) {
      return a.count != b.count ? a.count > b.count : a.name < b.name;
    });
    if (out.size() > limit) out.resize(limit);
    return out;
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
    for (const auto& x : mf.filter.sources) d += " sources=" + x;
    for (const auto& x : mf.filter.entities) d += " entity=" + x;
    for (const auto& x : mf.filter.any_entities) d += " any_entity=" + x;
    for (const auto& x : mf.filter.not_entities) d += " not_entity=" + x;
    for (const auto& x : mf.filter.languages) d += " language=" + x;
    for (const auto& x : mf.filter.topics) d += " topic=" + x;
    for (const auto& x : mf.filter.authors) d += " author=" + x;
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
  // The spelling of each name most recently stored: what facets show.
  std::map<std::pair<FacetField, size_t>, std::string> spelling_;
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

// The planner reads blocks three ways (src/query/planner.h); each answers every filter
// shape as brute force does, in scans, pages and counts.
TEST_F(QueryModelTest, EveryWayOfReadingBlocksMatchesBruteForce) {
  const query::PlannerLimits saved = query::MutablePlannerLimitsForTesting();
  struct Way {
    const char* name;
    query::PlannerLimits limits;
  };
  const Way ways[] = {{"walked", {0, -1}},
                      {"lead read ahead", {0, std::numeric_limits<int64_t>::max()}},
                      {"range read ahead", {64, -1}}};
  for (const Way& way : ways) {
    query::MutablePlannerLimitsForTesting() = way.limits;
    int nonempty = 0;
    for (int round = 0; round < 120; ++round) {
      const ModelFilter mf = RandomFilter();
      for (Order order : {Order::kNewestFirst, Order::kOldestFirst}) {
        const auto want = Expected(mf, order);
        ASSERT_EQ(ScanIds(mf.filter, order), want) << way.name << ": " << Describe(mf);
        const size_t limit = 1 + rng_() % 5;
        ASSERT_EQ(AllPages(mf.filter, order, limit), want)
            << way.name << ": " << Describe(mf) << " limit=" << limit;
        nonempty += want.empty() ? 0 : 1;
      }
      uint64_t count = 0;
      ASSERT_TRUE(db_->Count(mf.filter, &count).ok());
      EXPECT_EQ(count, Expected(mf, Order::kOldestFirst).size()) << way.name << ": " << Describe(mf);
    }
    EXPECT_GT(nonempty, 40) << way.name;
  }
  query::MutablePlannerLimitsForTesting() = saved;
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

TEST_F(QueryModelTest, EveryPageSizeAndOrderPagesEveryQueryShapeToTheFullResult) {
  // One filter of each shape the planner builds: OR of sources, OR and NOT of entities,
  // languages, topics, authors, each with a time range, and all of them at once.
  std::vector<ModelFilter> shapes(7);
  shapes[0].filter.sources = {"le monde", "REUTERS"};
  shapes[0].sources = {0, 2};
  shapes[1].filter.any_entities = {"Erevan", "onu", "Paris"};
  shapes[1].any_entities = {2, 3, 6};
  shapes[2].filter.not_entities = {"Arménie"};
  shapes[2].not_entities = {1};
  shapes[3].filter.languages = {"FR", "hy"};
  shapes[3].languages = {0, 2};
  shapes[4].filter.topics = {"politique"};
  shapes[4].topics = {0};
  shapes[5].filter.authors = {"anna hakobyan"};
  shapes[5].authors = {1};
  shapes[6] = shapes[0];
  shapes[6].filter.any_entities = {"Erevan", "Nikol Pachinian"};
  shapes[6].any_entities = {2, 0};
  shapes[6].filter.not_entities = {"ONU"};
  shapes[6].not_entities = {3};
  shapes[6].filter.languages = {"fr", "en"};
  shapes[6].languages = {0, 1};
  for (size_t i = 0; i < shapes.size(); ++i) {
    ModelFilter mf = shapes[i];
    if (i % 2 == 1) {
      mf.filter.from_micros = kStart + 1000 * kHour;
      mf.filter.to_micros = kStart + 7000 * kHour;
    }
    for (Order order : {Order::kNewestFirst, Order::kOldestFirst}) {
      const auto want = Expected(mf, order);
      ASSERT_GT(want.size(), 3u) << Describe(mf);
      for (size_t limit : {size_t{1}, size_t{2}, size_t{3}, size_t{4}, size_t{5}, size_t{7},
                           size_t{10}, size_t{16}, size_t{33}, size_t{100}, size_t{10000}}) {
        ASSERT_EQ(AllPages(mf.filter, order, limit), want) << Describe(mf) << " limit=" << limit;
      }
    }
  }
}

TEST_F(QueryModelTest, FacetsOfEveryFieldEqualBruteForceWithLatestSpellingsAndTiesByName) {
  int nonempty = 0;
  for (int round = 0; round < 60; ++round) {
    const ModelFilter mf = RandomFilter();
    for (FacetField field : {FacetField::kSource, FacetField::kEntity, FacetField::kTopic,
                             FacetField::kLanguage, FacetField::kAuthor}) {
      FacetOptions fo;
      fo.by = field;
      fo.limit = round % 3 == 0 ? 10000 : 1 + rng_() % 6;
      std::vector<NameCount> got;
      Status s = db_->Facets(mf.filter, fo, &got);
      ASSERT_TRUE(s.ok()) << s.ToString();
      const auto want = ExpectedFacets(mf, field, fo.limit);
      ASSERT_EQ(got.size(), want.size()) << Describe(mf) << " field " << static_cast<int>(field);
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(got[i].name, want[i].name) << Describe(mf) << " #" << i;
        EXPECT_EQ(got[i].count, want[i].count) << Describe(mf) << " #" << i;
      }
      nonempty += want.empty() ? 0 : 1;
    }
  }
  EXPECT_GT(nonempty, 100);
  // Limits outside 1..10000 are refused.
  std::vector<NameCount> got;
  FacetOptions fo;
  fo.limit = 0;
  EXPECT_TRUE(db_->Facets(Filter(), fo, &got).IsInvalidArgument());
  fo.limit = 10001;
  EXPECT_TRUE(db_->Facets(Filter(), fo, &got).IsInvalidArgument());
}

TEST_F(QueryModelTest, CursorOfOneQueryShapeIsRejectedByEveryOtherShape) {
  // Filters that differ in one field each: a cursor of one fits only its own.
  std::vector<Filter> filters(10);
  filters[1].sources = {"Le Monde", "Reuters"};
  filters[2].sources = {"Le Monde", "Armenpress"};
  filters[3].any_entities = {"Erevan", "Paris"};
  filters[4].not_entities = {"Erevan"};
  filters[5].entities = {"Erevan"};
  filters[6].languages = {"fr"};
  filters[7].topics = {"Sport"};
  filters[8].authors = {"Jean Dupont"};
  filters[9].not_entities = {"Paris"};
  for (size_t i = 0; i < filters.size(); ++i) {
    QueryOptions qo;
    qo.limit = 1;
    Page page;
    ASSERT_TRUE(db_->Query(filters[i], qo, &page).ok());
    ASSERT_FALSE(page.next_cursor.empty()) << i;
    qo.cursor = page.next_cursor;
    for (size_t j = 0; j < filters.size(); ++j) {
      Status s = db_->Query(filters[j], qo, &page);
      if (i == j) {
        EXPECT_TRUE(s.ok()) << s.ToString();
      } else {
        EXPECT_TRUE(s.IsInvalidArgument()) << i << " vs " << j << ": " << s.ToString();
      }
    }
  }
  // The same names in another order or spelling are the same query.
  Filter a, b;
  a.sources = {"Le Monde", "Reuters"};
  b.source = "REUTERS";
  b.sources = {"le monde"};
  QueryOptions qo;
  qo.limit = 1;
  Page page;
  ASSERT_TRUE(db_->Query(a, qo, &page).ok());
  qo.cursor = page.next_cursor;
  EXPECT_TRUE(db_->Query(b, qo, &page).ok());
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

TEST(QueryNamesTest, ATopicOrAuthorNamedTwiceInOneArticleIsCountedOnce) {
  TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  Article a = testing::MakeArticle("a", "S", kStart);
  a.add_topics("Sport");
  a.add_topics("SPORT");
  a.add_authors("Ann Lee");
  a.add_authors("ann lee");
  ASSERT_TRUE(db->Put(WriteOptions(), a).ok());
  for (bool bounded : {false, true}) {  // from the counter, and from the index
    Filter f;
    if (bounded) f.from_micros = kStart;
    uint64_t n = 0;
    f.topics = {"sport"};
    ASSERT_TRUE(db->Count(f, &n).ok());
    EXPECT_EQ(n, 1u) << "bounded " << bounded;
    f.topics.clear();
    f.authors = {"ANN LEE"};
    ASSERT_TRUE(db->Count(f, &n).ok());
    EXPECT_EQ(n, 1u) << "bounded " << bounded;
  }
  FacetOptions fo;
  fo.by = FacetField::kTopic;
  std::vector<NameCount> facets;
  ASSERT_TRUE(db->Facets(Filter(), fo, &facets).ok());
  ASSERT_EQ(facets.size(), 1u);
  EXPECT_EQ(facets[0].name, "Sport");  // the first spelling of the article
  EXPECT_EQ(facets[0].count, 1u);
  ASSERT_TRUE(db->Delete(WriteOptions(), "a").ok());
  EXPECT_EQ(testing::VerifyProblems(*db), "");
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

namespace articledb {
namespace {

TEST(QueryProjectionTest, SummaryPagesLeaveOutBodyAndSummaryAndKeepEveryOtherField) {
  testing::TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  for (int i = 0; i < 5; ++i) {
    Article a = testing::MakeArticle("p" + std::to_string(i), "Le Monde", kStart + i * kHour,
                                     {"Erevan", "Nikol Pashinyan"});
    a.set_body("body " + std::to_string(i));
    a.set_summary("summary " + std::to_string(i));
    a.set_title("title " + std::to_string(i));
    a.add_topics("politics");
    (*a.mutable_attributes())["k"] = "v";
    ASSERT_TRUE(db->Put(WriteOptions(), a).ok());
  }
  QueryOptions full, summary;
  full.limit = summary.limit = 3;
  summary.projection = Projection::kSummary;
  Page want, got;
  ASSERT_TRUE(db->Query(Filter(), full, &want).ok());
  ASSERT_TRUE(db->Query(Filter(), summary, &got).ok());
  ASSERT_EQ(got.articles.size(), 3u);
  ASSERT_EQ(want.articles.size(), 3u);
  EXPECT_EQ(got.next_cursor.empty(), want.next_cursor.empty());
  for (size_t i = 0; i < got.articles.size(); ++i) {
    EXPECT_TRUE(got.articles[i].body().empty());
    EXPECT_TRUE(got.articles[i].summary().empty());
    EXPECT_FALSE(want.articles[i].body().empty());
    Article stripped = want.articles[i];
    stripped.clear_body();
    stripped.clear_summary();
    EXPECT_EQ(got.articles[i].DebugString(), stripped.DebugString());
  }
  // The next page of a summary query continues it, still without the text.
  summary.cursor = got.next_cursor;
  ASSERT_TRUE(db->Query(Filter(), summary, &got).ok());
  ASSERT_EQ(got.articles.size(), 2u);
  for (const Article& a : got.articles) EXPECT_TRUE(a.body().empty());
}

}  // namespace
}  // namespace articledb
