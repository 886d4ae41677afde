// Text queries (Filter::text) through every read of the archive, checked against brute
// force: each stored article run through text::Matcher (the meaning of a text query,
// pinned by tests/text_query_test.cc) and the other filters, for Scan in both orders,
// pages of every size, Count, Timeline, Facets and ScanStoredAfter, on articles in
// English, French, German, Russian, Chinese and without a language.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "articledb/archive.h"
#include "test_util.h"
#include "text/matcher.h"
#include "text/query_parser.h"

namespace articledb {
namespace {

constexpr int64_t kStart = 1704067200000000;  // 2024-01-01
constexpr int64_t kHour = 3600000000;

struct Language {
  const char* tag;
  std::vector<std::string> words;
};

const std::vector<Language> kLanguages = {
    {"en", {"election", "elections", "elected", "minister", "ministers", "climate", "change",
            "changes", "talks", "peace", "Armenia", "Paris", "the", "of", "economy",
            "economic", "economists", "e-mail", "Reuters's"}},
    {"fr", {"élection", "élections", "ministre", "ministres", "l'Arménie", "Arménie", "climat",
            "changement", "paix", "Paris", "de", "la", "économie", "économique", "aujourd'hui"}},
    {"de", {"Wahl", "Wahlen", "Minister", "Klima", "Wandel", "Frieden", "Armenien", "Paris",
            "der", "die", "Wirtschaft", "Häuser"}},
    {"ru", {"выборы", "выборов", "министр", "министры", "климат", "мир", "Армения",
            "Армении", "Париж", "в"}},
    {"zh", {"气候变化", "选举", "部长", "和平", "亚美尼亚", "巴黎", "经济"}},
    {"", {"election", "élections", "Armenia", "peace", "climate", "Paris", "the"}},
};

const std::vector<std::string> kSources = {"Le Monde", "Reuters", "Armenpress"};

// Query words: forms that stem together or not, across the languages, a few prefixes.
const std::vector<std::string> kQueryWords = {
    "election", "elections", "élection", "minister", "ministre", "climate", "climat",
    "change", "peace", "paix", "Arménie", "Armenia", "Paris", "economy", "économie",
    "Wahl", "Klima", "выборы", "министр", "气候变化", "选举", "the", "de", "e-mail", "Reuters"};
const std::vector<std::string> kPrefixes = {"elect*", "minist*", "clim*", "econ*", "arm*",
                                            "вы*", "pa*"};

// Run with the text index (text queries walk its lists, records read only to check
// phrases and fields) and without it (every candidate's record is read and matched).
class SearchModelTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    Options options;
    options.create_if_missing = true;
    options.index_text = GetParam();
    db_ = testing::OpenOrDie(dir_.path(), options);
    Stats stats;
    ASSERT_TRUE(db_->GetStats(&stats).ok());
    ASSERT_EQ(stats.text_index, GetParam());
    for (int i = 0; i < 400; ++i) Put("a" + std::to_string(i));
    for (int i = 0; i < 40; ++i) Put("a" + std::to_string(rng_() % 400));  // updates
    for (int i = 0; i < 20; ++i) {  // deletes
      const std::string id = "a" + std::to_string(rng_() % 400);
      if (stored_.erase(id) > 0) {
        ASSERT_TRUE(db_->Delete(WriteOptions(), id).ok());
      }
    }
  }

  std::string Words(const Language& l, size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) {
      s += (s.empty() ? "" : (rng_() % 6 == 0 ? ", " : " ")) + l.words[rng_() % l.words.size()];
    }
    return s;
  }

  void Put(const std::string& id) {
    const Language& l = kLanguages[rng_() % kLanguages.size()];
    Article a;
    a.set_id(id);
    a.set_source(kSources[rng_() % kSources.size()]);
    a.set_language(l.tag);
    if (rng_() % 8 != 0) testing::SetPublished(&a, kStart + static_cast<int64_t>(rng_() % 9000) * kHour);
    a.set_title(Words(l, 2 + rng_() % 3));
    if (rng_() % 2) a.set_summary(Words(l, 3));
    a.set_body(Words(l, 5 + rng_() % 20));
    ASSERT_TRUE(db_->Put(WriteOptions(), a).ok());
    stored_[id] = a;
    if (!seq_.count(id)) seq_[id] = next_seq_++;
  }

  std::string RandomLeaf() {
    switch (rng_() % 6) {
      case 0: return kPrefixes[rng_() % kPrefixes.size()];
      case 1: {  // a phrase cut from a stored text
        auto it = stored_.begin();
        std::advance(it, static_cast<long>(rng_() % stored_.size()));
        const std::string& body = it->second.body();
        const size_t space = body.find(' ', rng_() % std::max<size_t>(body.size(), 1));
        if (space == std::string::npos) return "\"" + body.substr(0, body.find(' ')) + "\"";
        const size_t next = body.find(' ', space + 1);
        const size_t end = body.find(' ', next == std::string::npos ? body.size() : next + 1);
        std::string phrase = body.substr(space + 1, end == std::string::npos ? std::string::npos
                                                                             : end - space - 1);
        phrase.erase(std::remove(phrase.begin(), phrase.end(), '"'), phrase.end());
        return "\"" + phrase + "\"";
      }
      case 2: return "title:" + kQueryWords[rng_() % kQueryWords.size()];
      default: return kQueryWords[rng_() % kQueryWords.size()];
    }
  }

  std::string RandomQuery() {
    switch (rng_() % 6) {
      case 0: return RandomLeaf() + " " + RandomLeaf();
      case 1: return RandomLeaf() + " OR " + RandomLeaf();
      case 2: return RandomLeaf() + " -" + RandomLeaf();
      case 3: return "(" + RandomLeaf() + " OR " + RandomLeaf() + ") NOT " + RandomLeaf();
      default: return RandomLeaf();
    }
  }

  Filter RandomFilter() {
    Filter f;
    f.text = RandomQuery();
    if (rng_() % 3 == 0) f.source = kSources[rng_() % kSources.size()];
    if (rng_() % 5 == 0) {
      const char* tag = kLanguages[rng_() % kLanguages.size()].tag;
      if (*tag != '\0') f.languages = {tag};
    }
    if (rng_() % 3 == 0) {
      const int64_t from = kStart + static_cast<int64_t>(rng_() % 9000) * kHour;
      f.from_micros = from;
      f.to_micros = from + static_cast<int64_t>(rng_() % 4000) * kHour;
    }
    return f;
  }

  std::vector<std::string> Expected(const Filter& f, Order order) {
    text::QueryNode q;
    EXPECT_TRUE(text::ParseQuery(f.text, &q).ok()) << f.text;
    std::vector<const Article*> hits;
    for (const auto& [id, a] : stored_) {
      const bool dated = a.has_published_at();
      const int64_t t = dated ? TimestampMicros(a.published_at()) : INT64_MIN;
      if ((f.from_micros || f.to_micros) && !dated) continue;
      if (f.from_micros && t < *f.from_micros) continue;
      if (f.to_micros && t >= *f.to_micros) continue;
      if (f.source && a.source() != *f.source) continue;
      if (!f.languages.empty() && a.language() != f.languages.front()) continue;
      if (matcher_.Matches(q, a)) hits.push_back(&a);
    }
    std::sort(hits.begin(), hits.end(), [&](const Article* x, const Article* y) {
      const int64_t tx = x->has_published_at() ? TimestampMicros(x->published_at()) : INT64_MIN;
      const int64_t ty = y->has_published_at() ? TimestampMicros(y->published_at()) : INT64_MIN;
      return tx != ty ? tx < ty : seq_.at(x->id()) < seq_.at(y->id());
    });
    if (order == Order::kNewestFirst) std::reverse(hits.begin(), hits.end());
    std::vector<std::string> ids;
    for (const Article* a : hits) ids.push_back(a->id());
    return ids;
  }

  std::vector<std::string> ScanIds(const Filter& f, Order order) {
    std::vector<std::string> ids;
    const Status s = db_->Scan(f, order, [&](const Article& a) {
      ids.push_back(a.id());
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return ids;
  }

  // The ids of every page of `f` from `qo` on, following the cursors.
  std::vector<std::string> PageIds(const Filter& f, QueryOptions qo) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 1000; ++pages) {
      Page page;
      const Status s = db_->Query(f, qo, &page);
      EXPECT_TRUE(s.ok()) << s.ToString();
      if (!s.ok()) break;
      for (const Article& a : page.articles) ids.push_back(a.id());
      if (page.next_cursor.empty()) break;
      qo.cursor = page.next_cursor;
    }
    return ids;
  }

  testing::TempDir dir_;
  std::unique_ptr<Archive> db_;
  std::mt19937_64 rng_{20261207};
  std::map<std::string, Article> stored_;
  std::map<std::string, uint64_t> seq_;  // storage order (docno order), kept by updates
  uint64_t next_seq_ = 0;
  text::Matcher matcher_;
};

TEST_P(SearchModelTest, TextQueriesWithFiltersMatchBruteForceInBothOrdersAndInCounts) {
  int nonempty = 0;
  for (int round = 0; round < 150; ++round) {
    const Filter f = RandomFilter();
    for (Order order : {Order::kNewestFirst, Order::kOldestFirst}) {
      const auto want = Expected(f, order);
      ASSERT_EQ(ScanIds(f, order), want) << f.text;
      nonempty += want.empty() ? 0 : 1;
    }
    uint64_t count = 0;
    ASSERT_TRUE(db_->Count(f, &count).ok());
    EXPECT_EQ(count, Expected(f, Order::kOldestFirst).size()) << f.text;
  }
  EXPECT_GT(nonempty, 100);  // the random queries do find articles
  // A lone word without other filters: counted from the terms' document frequencies.
  for (const std::string& word : kQueryWords) {
    Filter f;
    f.text = word;
    uint64_t count = 0;
    ASSERT_TRUE(db_->Count(f, &count).ok());
    EXPECT_EQ(count, Expected(f, Order::kOldestFirst).size()) << word;
  }
}

TEST_P(SearchModelTest, PagesOfEverySizeConcatenateToTheFullResult) {
  for (int round = 0; round < 40; ++round) {
    const Filter f = RandomFilter();
    const Order order = round % 2 ? Order::kOldestFirst : Order::kNewestFirst;
    const auto want = Expected(f, order);
    QueryOptions qo;
    qo.order = order;
    qo.limit = 1 + rng_() % 7;
    const std::vector<std::string> got = PageIds(f, qo);
    EXPECT_EQ(got, want) << f.text << " limit " << qo.limit;
  }
}

TEST_P(SearchModelTest, ACursorOfOneTextQueryIsRefusedByAnother) {
  Filter f;
  f.text = "election OR peace OR Paris OR the";
  QueryOptions qo;
  qo.limit = 1;
  Page page;
  ASSERT_TRUE(db_->Query(f, qo, &page).ok());
  ASSERT_FALSE(page.next_cursor.empty());
  f.text = "election OR peace";
  qo.cursor = page.next_cursor;
  EXPECT_TRUE(db_->Query(f, qo, &page).IsInvalidArgument());
}

TEST_P(SearchModelTest, TimelinesAndFacetsOfTextQueriesCountTheMatches) {
  for (int round = 0; round < 30; ++round) {
    const Filter f = RandomFilter();
    const auto want = Expected(f, Order::kOldestFirst);
    std::map<std::string, uint64_t> by_month, by_source;
    for (const std::string& id : want) {
      const Article& a = stored_.at(id);
      ++by_source[a.source()];
      if (a.has_published_at()) {
        by_month[FormatTime(TimestampMicros(a.published_at())).substr(0, 7)] += 1;
      }
    }
    std::vector<TimelineEntry> timeline;
    ASSERT_TRUE(db_->Timeline(f, Bucket::kMonth, &timeline).ok());
    std::map<std::string, uint64_t> got_months;
    for (const TimelineEntry& e : timeline) got_months[e.label] = e.count;
    EXPECT_EQ(got_months, by_month) << f.text;
    FacetOptions fo;
    fo.by = FacetField::kSource;
    std::vector<NameCount> facets;
    ASSERT_TRUE(db_->Facets(f, fo, &facets).ok());
    std::map<std::string, uint64_t> got_sources;
    for (const NameCount& n : facets) got_sources[n.name] = n.count;
    EXPECT_EQ(got_sources, by_source) << f.text;
  }
}

TEST_P(SearchModelTest, FollowingStoredArticlesMatchesTextQueriesLikeAScan) {
  for (int round = 0; round < 20; ++round) {
    const Filter f = RandomFilter();
    auto want = Expected(f, Order::kOldestFirst);
    std::vector<std::string> got;
    uint64_t next = 0;
    ASSERT_TRUE(db_->ScanStoredAfter(0, f, &next, [&](const Article& a) {
                     got.push_back(a.id());
                     return true;
                   }).ok());
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, want) << f.text;
  }
}

TEST_P(SearchModelTest, RelevanceOrderHoldsExactlyTheMatchesAndPagesThroughThemInOneOrder) {
  int nonempty = 0;
  for (int round = 0; round < 40; ++round) {
    const Filter f = RandomFilter();
    auto want = Expected(f, Order::kNewestFirst);
    const auto ranked = ScanIds(f, Order::kRelevance);
    auto as_set = ranked;
    std::sort(as_set.begin(), as_set.end());
    std::sort(want.begin(), want.end());
    ASSERT_EQ(as_set, want) << f.text;
    nonempty += want.empty() ? 0 : 1;
    QueryOptions qo;
    qo.order = Order::kRelevance;
    qo.limit = 1 + rng_() % 7;
    const std::vector<std::string> got = PageIds(f, qo);
    EXPECT_EQ(got, ranked) << f.text << " limit " << qo.limit;
  }
  EXPECT_GT(nonempty, 20);
}

INSTANTIATE_TEST_SUITE_P(TextIndex, SearchModelTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "WithTextIndex" : "WithoutTextIndex";
                         });

Article TextArticle(const std::string& id, const std::string& language, const std::string& body) {
  Article a;
  a.set_id(id);
  a.set_source("S");
  a.set_language(language);
  a.set_body(body);
  return a;
}

uint64_t CountText(Archive& db, const std::string& query) {
  Filter f;
  f.text = query;
  uint64_t n = 0;
  const Status s = db.Count(f, &n);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return n;
}

bool HasTextIndex(Archive& db) {
  Stats stats;
  EXPECT_TRUE(db.GetStats(&stats).ok());
  EXPECT_EQ(stats.text_index, db.HasTextIndex());
  return stats.text_index;
}

TEST(TextIndexLifecycleTest, AnArticleInALanguageNewToTheIndexIsFoundByTheNextQuery) {
  testing::TempDir dir;
  Options options;
  options.create_if_missing = true;
  options.index_text = true;
  auto db = testing::OpenOrDie(dir.path(), options);
  ASSERT_TRUE(db->Put(WriteOptions(), TextArticle("en", "en", "Peace talks")).ok());
  // Queries read the index's analysis groups (kept between reads of the same state).
  EXPECT_EQ(CountText(*db, "paix"), 0u);
  EXPECT_EQ(CountText(*db, "paix"), 0u);
  ASSERT_TRUE(db->Put(WriteOptions(), TextArticle("fr", "fr", "La paix")).ok());
  EXPECT_EQ(CountText(*db, "paix"), 1u);
  ASSERT_TRUE(db->Put(WriteOptions(), TextArticle("de", "de", "Frieden und Häuser")).ok());
  EXPECT_EQ(CountText(*db, "häuser"), 1u);
  Filter f;
  f.text = "paix OR häuser";
  QueryOptions qo;
  qo.order = Order::kRelevance;
  Page page;
  ASSERT_TRUE(db->Query(f, qo, &page).ok());
  EXPECT_EQ(page.articles.size(), 2u);
}

TEST(TextIndexLifecycleTest, AReindexKeepsBuildsOrDropsTheTextIndexAsAskedAndAnswersAlike) {
  testing::TempDir dir;
  {
    auto db = testing::OpenOrDie(dir.path());  // by default: no text index
    ASSERT_TRUE(db->Put(WriteOptions(), TextArticle("a", "en", "Peace talks in Paris")).ok());
    ASSERT_TRUE(db->Put(WriteOptions(), TextArticle("b", "fr", "La paix à Paris")).ok());
    ASSERT_TRUE(db->Put(WriteOptions(), TextArticle("c", "en", "Oil prices")).ok());
    EXPECT_FALSE(HasTextIndex(*db));
    EXPECT_EQ(CountText(*db, "paris"), 2u);
    ASSERT_TRUE(db->Reindex().ok());  // keeps what the archive has: none
    EXPECT_FALSE(HasTextIndex(*db));
  }
  // Opened asking for one, it keeps what it has until a reindex builds it.
  Options build;
  build.index_text = true;
  auto db = testing::OpenOrDie(dir.path(), build);
  EXPECT_FALSE(HasTextIndex(*db));
  ASSERT_TRUE(db->Put(WriteOptions(), TextArticle("d", "de", "Paris und Frieden")).ok());
  EXPECT_EQ(CountText(*db, "paris"), 3u);
  VerifyReport before;
  ASSERT_TRUE(db->Verify(&before).ok());
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(db->Reindex().ok());
  EXPECT_TRUE(HasTextIndex(*db));
  EXPECT_EQ(CountText(*db, "paris"), 3u);
  EXPECT_EQ(CountText(*db, "peace OR paix OR frieden"), 3u);
  EXPECT_EQ(CountText(*db, "\"peace talks\" -oil"), 1u);
  VerifyReport after;
  ASSERT_TRUE(db->Verify(&after).ok());
  EXPECT_TRUE(after.ok());
  EXPECT_GT(after.index_entries, before.index_entries);  // the terms' postings
  db.reset();
  // Kept across opens with the default options, written by later puts, kept by a reindex.
  db = testing::OpenOrDie(dir.path());
  EXPECT_TRUE(HasTextIndex(*db));
  ASSERT_TRUE(db->Put(WriteOptions(), TextArticle("e", "en", "Paris oil")).ok());
  EXPECT_EQ(CountText(*db, "paris oil"), 1u);
  ASSERT_TRUE(db->Reindex().ok());
  EXPECT_TRUE(HasTextIndex(*db));
  EXPECT_EQ(CountText(*db, "paris oil"), 1u);
  db.reset();
  // Dropped when asked.
  Options drop;
  drop.drop_text_index = true;
  db = testing::OpenOrDie(dir.path(), drop);
  ASSERT_TRUE(db->Reindex().ok());
  EXPECT_FALSE(HasTextIndex(*db));
  EXPECT_EQ(CountText(*db, "paris"), 4u);
  VerifyReport dropped;
  ASSERT_TRUE(db->Verify(&dropped).ok());
  EXPECT_TRUE(dropped.ok());
  EXPECT_EQ(dropped.index_entries, before.index_entries + 3);  // e's date, source, language
}

TEST(SearchErrorsTest, AQueryThatDoesNotParseIsRefusedByEveryReadNamingItsColumn) {
  testing::TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  Article a;
  a.set_id("x");
  a.set_source("S");
  a.set_body("peace talks");
  ASSERT_TRUE(db->Put(WriteOptions(), a).ok());
  Filter f;
  f.text = "peace AND (talks";
  Page page;
  Status s = db->Query(f, QueryOptions(), &page);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "text query: unbalanced '(' at column 11");
  uint64_t n = 0;
  EXPECT_TRUE(db->Count(f, &n).IsInvalidArgument());
  std::vector<NameCount> facets;
  EXPECT_TRUE(db->Facets(f, FacetOptions(), &facets).IsInvalidArgument());
  std::vector<TimelineEntry> timeline;
  EXPECT_TRUE(db->Timeline(f, Bucket::kDay, &timeline).IsInvalidArgument());
  EXPECT_TRUE(db->Scan(f, Order::kNewestFirst, [](const Article&) { return true; })
                  .IsInvalidArgument());
  f.text = "\"peace talks\"";
  ASSERT_TRUE(db->Count(f, &n).ok());
  EXPECT_EQ(n, 1u);
}


// BM25 as docs/search.md states it, worked out by hand for articles whose words analysis
// leaves as they are: each occurrence counts 1 (2 in the title), lengths in words (a title
// word counting 2).
double Bm25(double tf, double length, double average, double df, double n) {
  const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
  return idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / average));
}

TEST(RelevanceTest, RankingFollowsBm25WithTheTitleBoostLengthsRarityAndLaterStoredFirstOnTies) {
  for (bool text_index : {true, false}) {
    testing::TempDir dir;
    Options options;
    options.create_if_missing = true;
    options.index_text = text_index;
    auto db = testing::OpenOrDie(dir.path(), options);
    auto put = [&](const std::string& id, const std::string& title, const std::string& body) {
      Article a = TextArticle(id, "en", body);
      a.set_title(title);
      ASSERT_TRUE(db->Put(WriteOptions(), a).ok());
    };
    std::string long_body = "zebra";
    for (int i = 0; i < 20; ++i) long_body += " qq";
    put("title", "zebra", "qq qq qq qq");        // tf 2 (title), length 6
    put("once", "", "zebra qq qq qq qq");        // tf 1, 5 words
    put("twice", "", "zebra zebra qq qq qq qq"); // tf 2, 6 words: ties with "title"
    put("long", "", long_body);                   // tf 1, 21 words
    put("rare", "", "lion qq qq qq qq");         // the rarer word, tf 1, 5 words
    put("none", "", "qq qq");                     // no match; counts in N
    // "zebra OR lion": N = 6, zebra in 4, lion in 1; the average length is the archive's
    // with the text index (45/6: its counter), the matches' without it (43/5).
    const double avg = text_index ? 45.0 / 6 : 43.0 / 5;
    const std::map<std::string, double> score = {
        {"title", Bm25(2, 6, avg, 4, 6)}, {"once", Bm25(1, 5, avg, 4, 6)},
        {"twice", Bm25(2, 6, avg, 4, 6)}, {"long", Bm25(1, 21, avg, 4, 6)},
        {"rare", Bm25(1, 5, avg, 1, 6)}};
    std::vector<std::string> want;
    for (const auto& [id, sc] : score) want.push_back(id);
    std::sort(want.begin(), want.end(), [&](const std::string& a, const std::string& b) {
      if (score.at(a) != score.at(b)) return score.at(a) > score.at(b);
      return a == "twice";  // stored after "title"
    });
    ASSERT_EQ(want, (std::vector<std::string>{"rare", "twice", "title", "once", "long"}));
    Filter f;
    f.text = "zebra OR lion";
    QueryOptions qo;
    qo.order = Order::kRelevance;
    Page page;
    ASSERT_TRUE(db->Query(f, qo, &page).ok());
    std::vector<std::string> got;
    for (const Article& a : page.articles) got.push_back(a.id());
    EXPECT_EQ(got, want) << "text index " << text_index;
    // What a NOT excludes is not scored; title: counts the title alone. With the text
    // index, zebra's document frequency is its counter's (4: "rare" first); without it,
    // the matches holding it (1, as lion: "title" and its tf of 2 first).
    f.text = "title:zebra OR (lion -zebra)";
    ASSERT_TRUE(db->Query(f, qo, &page).ok());
    got.clear();
    for (const Article& a : page.articles) got.push_back(a.id());
    EXPECT_EQ(got, text_index ? (std::vector<std::string>{"rare", "title"})
                              : (std::vector<std::string>{"title", "rare"}));
  }
}

TEST(RelevanceTest, RelevanceOrderWithoutATextQueryIsRefusedByQueryAndScan) {
  testing::TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  ASSERT_TRUE(db->Put(WriteOptions(), TextArticle("a", "en", "zebra")).ok());
  Filter f;
  f.source = "S";
  QueryOptions qo;
  qo.order = Order::kRelevance;
  Page page;
  const Status q = db->Query(f, qo, &page);
  EXPECT_TRUE(q.IsInvalidArgument()) << q.ToString();
  EXPECT_NE(q.message().find("text query"), std::string::npos) << q.ToString();
  const Status s = db->Scan(f, Order::kRelevance, [](const Article&) { return true; });
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
}

}  // namespace
}  // namespace articledb
