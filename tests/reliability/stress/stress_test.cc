// Concurrency stress: writers upsert and delete overlapping ids while readers query and
// page through results, for a bounded time (ARTICLEDB_STRESS_SECONDS, default 8).
//  - Every article a reader gets matches the filter it asked for: within one snapshot a
//    record never disagrees with the index entries that led to it.
//  - Articles that exist throughout (the "stable" set, never written during the run) come
//    exactly once in every complete paged walk: no page repeats or skips one.
//  - Afterwards Verify finds the archive sound.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "articledb/articledb.h"
#include "test_util.h"

namespace articledb {
namespace {

using testing::MakeArticle;
using testing::TempDir;

constexpr int64_t kDay = 86400LL * 1000000;
constexpr int64_t kStart = 1704067200LL * 1000000;  // 2024-01-01
const char* const kSources[] = {"Le Monde", "Reuters", "Die Zeit"};
const char* const kEntities[] = {"Nikol Pachinian", "Arménie", "Bakou", "OTAN", "Erevan"};

struct Stable {
  std::string source;  // normalised
  std::set<std::string> entities;
  int64_t time;
};

int StressSeconds() {
  const char* v = std::getenv("ARTICLEDB_STRESS_SECONDS");
  return v ? std::max(1, std::atoi(v)) : 8;
}

Article RandomArticle(const std::string& id, std::mt19937_64& rng, std::set<std::string>* names,
                      std::string* source, int64_t* time) {
  *source = kSources[rng() % 3];
  *time = kStart + static_cast<int64_t>(rng() % 120) * kDay + static_cast<int64_t>(rng() % kDay);
  std::set<std::string> picked;
  const size_t k = rng() % 4;
  while (picked.size() < k) picked.insert(kEntities[rng() % 5]);
  if (names) *names = picked;
  Article a = MakeArticle(id, *source, *time);
  for (const auto& n : picked) {
    auto* e = a.add_entities();
    e->set_name(n);
    e->set_kind(Entity::OTHER);
  }
  a.set_body(std::string(100 + rng() % 900, 'x'));
  return a;
}

TEST(StressTest, WritersAndPagingReadersAgreeAndNoStableArticleRepeatsOrIsSkipped) {
  TempDir dir;
  Options options;
  options.write_buffer_bytes = 1u << 20;  // flushes and compactions during the run
  auto db = testing::OpenOrDie(dir.path(), options);
  std::mt19937_64 seed_rng(2024);
  std::map<std::string, Stable> stable;
  {
    std::vector<Article> batch;
    for (int i = 0; i < 600; ++i) {
      const std::string id = "s" + std::to_string(i);
      std::set<std::string> names;
      std::string source;
      int64_t t;
      batch.push_back(RandomArticle(id, seed_rng, &names, &source, &t));
      Stable s{NormalizeName(source), {}, t};
      for (const auto& n : names) s.entities.insert(NormalizeName(n));
      stable[id] = s;
      // Batches of 50: a batch locks the stripe of each id, and ThreadSanitizer's deadlock
      // detector follows at most 64 locks held at once.
      if (batch.size() == 50) {
        ASSERT_TRUE(db->PutBatch(WriteOptions(), batch).ok());
        batch.clear();
      }
    }
  }

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> writes{0}, pages{0}, walks{0}, checked{0};
  std::mutex failure_mu;
  std::string failure;
  auto fail = [&](const std::string& what) {
    std::lock_guard lock(failure_mu);
    if (failure.empty()) failure = what;
    stop = true;
  };

  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937_64 rng(100 + w);
      while (!stop) {
        const int op = static_cast<int>(rng() % 10);
        Status s;
        if (op < 2) {
          std::vector<std::string> ids;
          for (int j = 0; j < 5; ++j) ids.push_back("w" + std::to_string(rng() % 400));
          s = db->DeleteBatch(WriteOptions(), ids);
        } else {
          std::vector<Article> batch;
          const size_t n = 1 + rng() % 20;
          for (size_t j = 0; j < n; ++j) {
            std::string source;
            int64_t t;
            batch.push_back(RandomArticle("w" + std::to_string(rng() % 400), rng, nullptr, &source, &t));
          }
          s = db->PutBatch(WriteOptions(), batch);
        }
        if (!s.ok()) return fail("write: " + s.ToString());
        ++writes;
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      std::mt19937_64 rng(200 + r);
      while (!stop) {
        Filter f;
        if (rng() % 2) f.source = kSources[rng() % 3];
        const size_t k = rng() % 3;
        for (size_t j = 0; j < k; ++j) f.entities.push_back(kEntities[rng() % 5]);
        if (rng() % 2) {
          f.from_micros = kStart + static_cast<int64_t>(rng() % 60) * kDay;
          f.to_micros = *f.from_micros + static_cast<int64_t>(1 + rng() % 60) * kDay;
        }
        QueryOptions qo;
        qo.order = rng() % 2 ? Order::kNewestFirst : Order::kOldestFirst;
        qo.limit = 5 + rng() % 60;
        const std::string want_source = f.source ? NormalizeName(*f.source) : "";
        std::set<std::string> want_entities;
        for (const auto& e : f.entities) want_entities.insert(NormalizeName(e));
        std::map<std::string, int> seen;
        int64_t last_time = 0;
        bool first = true;
        while (!stop) {
          Page page;
          Status s = db->Query(f, qo, &page);
          if (!s.ok()) return fail("query: " + s.ToString());
          ++pages;
          for (const Article& a : page.articles) {
            ++checked;
            const int64_t t = TimestampMicros(a.published_at());
            if (f.source && NormalizeName(a.source()) != want_source) {
              return fail(a.id() + " returned for source " + want_source + " but is from " + a.source());
            }
            std::set<std::string> has;
            for (const auto& e : a.entities()) has.insert(NormalizeName(e.name()));
            for (const auto& e : want_entities) {
              if (!has.count(e)) return fail(a.id() + " returned for entity " + e + " it does not name");
            }
            if ((f.from_micros && t < *f.from_micros) || (f.to_micros && t >= *f.to_micros)) {
              return fail(a.id() + " returned outside the time range");
            }
            if (!first && (qo.order == Order::kNewestFirst ? t > last_time : t < last_time)) {
              return fail("pages out of time order at " + a.id());
            }
            first = false;
            last_time = t;
            ++seen[a.id()];
          }
          if (page.next_cursor.empty()) break;
          qo.cursor = page.next_cursor;
        }
        if (stop) break;
        ++walks;
        for (const auto& [id, st] : stable) {
          bool match = (!f.source || st.source == want_source) &&
                       (!f.from_micros || (st.time >= *f.from_micros && st.time < *f.to_micros));
          for (const auto& e : want_entities) match = match && st.entities.count(e);
          const int n = seen.count(id) ? seen[id] : 0;
          if (match && n != 1) return fail("stable " + id + " came " + std::to_string(n) + " times in one walk");
          if (!match && n != 0) return fail("stable " + id + " returned for a filter it does not match");
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(StressSeconds()));
  stop = true;
  for (auto& t : threads) t.join();
  ASSERT_EQ(failure, "");
  std::printf("%llu writes, %llu complete walks, %llu pages, %llu articles checked\n",
              static_cast<unsigned long long>(writes.load()),
              static_cast<unsigned long long>(walks.load()),
              static_cast<unsigned long long>(pages.load()),
              static_cast<unsigned long long>(checked.load()));
  EXPECT_GT(writes.load(), 10u);
  EXPECT_GT(walks.load(), 10u);
  EXPECT_EQ(testing::VerifyProblems(*db), "");
}

}  // namespace
}  // namespace articledb
