// The synthetic corpus: deterministic, valid, and shaped like news.
#include "synth/synth.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace articledb::synth {
namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

// A corpus small enough to build quickly in tests, large enough to show its shape.
CorpusOptions SmallOptions() {
  CorpusOptions o;
  o.seed = 7;
  o.entities_per_kind = 5000;
  return o;
}

// Deterministic serialization (map fields in key order), so equal articles compare equal.
std::string Serialized(const Generator& g, uint64_t i) {
  Article a;
  g.Make(i, &a);
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    EXPECT_TRUE(a.SerializeToCodedStream(&coded));
  }
  return out;
}

TEST(SynthTest, SameIndexGivesTheSameArticleInAnyOrderAndAnyGenerator) {
  Generator g1(SmallOptions());
  Generator g2(SmallOptions());
  const std::string a500 = Serialized(g1, 500);
  for (uint64_t i = 0; i < 50; ++i) (void)Serialized(g1, i);
  EXPECT_EQ(Serialized(g1, 500), a500);
  EXPECT_EQ(Serialized(g2, 500), a500);
  EXPECT_EQ(Serialized(g2, 3), Serialized(g1, 3));
}

TEST(SynthTest, DifferentSeedsGiveDifferentCorpora) {
  CorpusOptions other = SmallOptions();
  other.seed = 8;
  Generator g1(SmallOptions());
  Generator g2(other);
  Article a;
  Article b;
  g1.Make(10, &a);
  g2.Make(10, &b);
  EXPECT_NE(a.body(), b.body());
  EXPECT_NE(a.id(), b.id());
}

TEST(SynthTest, MakeFromSeveralThreadsMatchesSerialMake) {
  Generator g(SmallOptions());
  constexpr int kPerThread = 200;
  std::vector<std::string> parallel(2 * kPerThread);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kPerThread; ++k) {
        const int i = 2 * k + t;
        parallel[i] = Serialized(g, static_cast<uint64_t>(i));
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int i = 0; i < 2 * kPerThread; ++i) EXPECT_EQ(parallel[i], Serialized(g, i)) << i;
}

TEST(SynthTest, IdsAreUniqueAndNameSeedAndIndex) {
  Generator g(SmallOptions());
  std::set<std::string> ids;
  std::set<std::string> urls;
  Article a;
  for (uint64_t i = 0; i < 2000; ++i) {
    g.Make(i, &a);
    EXPECT_EQ(a.id(), "synth/7/" + std::to_string(i));
    ids.insert(a.id());
    urls.insert(a.url());
  }
  EXPECT_EQ(ids.size(), 2000u);
  EXPECT_EQ(urls.size(), 2000u);
}

TEST(SynthTest, EveryArticlePassesValidationAndHasTheUsualFields) {
  Generator g(SmallOptions());
  Article a;
  size_t with_authors = 0;
  size_t with_topics = 0;
  for (uint64_t i = 0; i < 3000; ++i) {
    g.Make(i, &a);
    const Status s = ValidateArticle(a, Limits());
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_FALSE(a.title().empty());
    EXPECT_FALSE(a.url().empty());
    EXPECT_FALSE(a.language().empty());
    EXPECT_TRUE(a.has_published_at());
    EXPECT_GE(a.attributes_size(), 2);
    EXPECT_LE(a.entities_size(), 8);
    with_authors += a.authors_size() > 0;
    with_topics += a.topics_size() > 0;
  }
  EXPECT_GT(with_authors, 1500u);
  EXPECT_GT(with_topics, 1500u);
}

TEST(SynthTest, BodyLengthsMixWireStoriesAndLongArticles) {
  Generator g(SmallOptions());
  Article a;
  std::vector<size_t> lengths;
  for (uint64_t i = 0; i < 6000; ++i) {
    g.Make(i, &a);
    lengths.push_back(a.body().size());
  }
  double sum = 0;
  for (size_t l : lengths) sum += static_cast<double>(l);
  const double mean = sum / static_cast<double>(lengths.size());
  std::sort(lengths.begin(), lengths.end());
  const size_t median = lengths[lengths.size() / 2];
  const size_t empty = static_cast<size_t>(std::count(lengths.begin(), lengths.end(), 0u));
  // Overall mean of a few KB; the median near wire-story length; a long tail.
  EXPECT_GT(mean, 1800.0);
  EXPECT_LT(mean, 3500.0);
  EXPECT_GT(median, 500u);
  EXPECT_LT(median, 2000u);
  EXPECT_GT(lengths[lengths.size() * 99 / 100], 8000u);
  // About 3% headline-only items.
  EXPECT_GT(empty, 60u);
  EXPECT_LT(empty, 400u);
}

TEST(SynthTest, BodyTextHasZipfianWordsNotRepeatedOrRandomBytes) {
  Generator g(SmallOptions());
  Article a;
  std::map<std::string, size_t> counts;
  size_t total = 0;
  for (uint64_t i = 0; i < 300; ++i) {
    g.Make(i, &a);
    std::string w;
    for (char c : a.body()) {
      if (c >= 'a' && c <= 'z') {
        w += c;
      } else if (!w.empty()) {
        ++counts[w];
        ++total;
        w.clear();
      }
    }
  }
  std::vector<size_t> freq;
  for (const auto& [word, n] : counts) freq.push_back(n);
  std::sort(freq.rbegin(), freq.rend());
  ASSERT_GT(freq.size(), 3000u);  // a large vocabulary in use
  // Zipf with s = 1: the top word is ~2x the second, ~10x the tenth.
  EXPECT_GT(freq[0], total / 30);
  EXPECT_GT(freq[0], 5 * freq[9]);
  EXPECT_LT(freq[0], 25 * freq[9]);
}

TEST(SynthTest, EntitiesAreZipfSkewedOverManyNames) {
  Generator g(SmallOptions());
  Article a;
  std::map<std::string, size_t> counts;
  size_t mentions = 0;
  size_t without = 0;
  constexpr size_t kArticles = 5000;
  for (uint64_t i = 0; i < kArticles; ++i) {
    g.Make(i, &a);
    std::set<std::string> keys;
    for (const Entity& e : a.entities()) {
      EXPECT_NE(e.kind(), Entity::KIND_UNSPECIFIED);
      keys.insert(NormalizeName(e.name()));
    }
    EXPECT_EQ(keys.size(), static_cast<size_t>(a.entities_size())) << "duplicate entity on " << i;
    for (const auto& k : keys) ++counts[k];
    mentions += keys.size();
    without += keys.empty();
  }
  std::vector<size_t> freq;
  for (const auto& [name, n] : counts) freq.push_back(n);
  std::sort(freq.rbegin(), freq.rend());
  EXPECT_GT(freq.size(), 4000u);                    // many distinct names
  EXPECT_GT(freq[0], kArticles / 50);               // a few names are everywhere
  EXPECT_GT(freq[0], 20 * freq[freq.size() / 2]);   // most names are rare
  const double per_article = static_cast<double>(mentions) / kArticles;
  EXPECT_GT(per_article, 2.5);
  EXPECT_LT(per_article, 5.0);
  EXPECT_GT(without, kArticles / 30);  // some articles name nobody
}

TEST(SynthTest, SomeNamesCarryAccentsAndSomeMentionsNeedNormalisation) {
  Generator g(SmallOptions());
  Article a;
  size_t accented = 0;
  std::map<std::string, std::set<std::string>> spellings;
  for (uint64_t i = 0; i < 3000; ++i) {
    g.Make(i, &a);
    for (const Entity& e : a.entities()) {
      if (std::any_of(e.name().begin(), e.name().end(),
                      [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
        ++accented;
      spellings[NormalizeName(e.name())].insert(e.name());
    }
  }
  size_t several = 0;
  for (const auto& [key, names] : spellings) several += names.size() > 1;
  EXPECT_GT(accented, 300u);
  EXPECT_GT(several, 20u);  // one entity, several spellings, one key
}

TEST(SynthTest, SourcesAreSkewedAcrossAtLeastTheConfiguredNumber) {
  Generator g(SmallOptions());
  Article a;
  std::map<std::string, size_t> counts;
  constexpr size_t kArticles = 5000;
  for (uint64_t i = 0; i < kArticles; ++i) {
    g.Make(i, &a);
    ++counts[NormalizeName(a.source())];
  }
  std::vector<size_t> freq;
  for (const auto& [name, n] : counts) freq.push_back(n);
  std::sort(freq.rbegin(), freq.rend());
  EXPECT_GE(freq.size(), 50u);
  EXPECT_GT(freq[0], kArticles / 10);
  EXPECT_GT(freq[0], 10 * freq[40]);
}

TEST(SynthTest, PublicationTimesSpanTheYearsWithADailyRhythm) {
  CorpusOptions o = SmallOptions();
  o.years = 3;
  Generator g(o);
  Article a;
  std::vector<size_t> by_hour(24);
  int64_t lo = INT64_MAX;
  int64_t hi = INT64_MIN;
  for (uint64_t i = 0; i < 5000; ++i) {
    g.Make(i, &a);
    const int64_t t = TimestampMicros(a.published_at());
    ASSERT_GE(t, o.start_micros);
    ASSERT_LT(t, o.start_micros + 3 * 366 * kMicrosPerDay);
    lo = std::min(lo, t);
    hi = std::max(hi, t);
    ++by_hour[static_cast<size_t>((t % kMicrosPerDay) / (3600LL * 1000000))];
  }
  EXPECT_GT(hi - lo, 1000 * kMicrosPerDay);   // spread over the years
  EXPECT_GT(by_hour[11], 4 * by_hour[3]);     // working hours busier than the night
}

}  // namespace
}  // namespace articledb::synth
