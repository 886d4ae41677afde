// Many threads writing the same ids at once must never leave an index entry behind.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "articledb/archive.h"
#include "test_util.h"

namespace articledb {
namespace {

constexpr int64_t kStart = 1704067200000000;

TEST(ConcurrencyTest, ConcurrentWritersOfTheSameIdsLeaveEveryIndexConsistent) {
  testing::TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  constexpr int kThreads = 8, kOps = 1500, kIds = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(1000 + t);
      for (int i = 0; i < kOps; ++i) {
        const std::string id = "id" + std::to_string(rng() % kIds);
        Status s;
        if (rng() % 10 == 0) {
          s = db->Delete(WriteOptions(), id);
          if (s.IsNotFound()) s = Status::OK();
        } else if (rng() % 5 == 0) {
          std::vector<Article> batch;
          for (int k = 0; k < 4; ++k) {
            batch.push_back(testing::MakeArticle("id" + std::to_string(rng() % kIds),
                                                 "Source" + std::to_string(rng() % 3),
                                                 kStart + static_cast<int64_t>(rng() % 1000),
                                                 {"E" + std::to_string(rng() % 6)}));
          }
          s = db->PutBatch(WriteOptions(), batch);
        } else {
          s = db->Put(WriteOptions(),
                      testing::MakeArticle(id, "Source" + std::to_string(rng() % 3),
                                           kStart + static_cast<int64_t>(rng() % 1000),
                                           {"E" + std::to_string(rng() % 6),
                                            "E" + std::to_string(rng() % 6)}));
        }
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(testing::VerifyProblems(*db), "");
  // The counters agree with what a full scan sees.
  uint64_t counted = 0, scanned = 0;
  ASSERT_TRUE(db->Count(Filter(), &counted).ok());
  ASSERT_TRUE(db->Scan(Filter(), Order::kNewestFirst, [&](const Article&) {
                  ++scanned;
                  return true;
                }).ok());
  EXPECT_EQ(counted, scanned);
  EXPECT_LE(scanned, static_cast<uint64_t>(kIds));
}

TEST(ConcurrencyTest, ReadersSeeConsistentPagesWhileWritersUpsert) {
  testing::TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(db->Put(WriteOptions(), testing::MakeArticle("id" + std::to_string(i), "S", kStart + i, {"E"})).ok());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread writer([&] {
    std::mt19937_64 rng(7);
    while (!stop) {
      const std::string id = "id" + std::to_string(rng() % 200);
      const bool with_e = rng() % 2;
      Article a = with_e ? testing::MakeArticle(id, "S", kStart + static_cast<int64_t>(rng() % 500), {"E"})
                         : testing::MakeArticle(id, "S", kStart + static_cast<int64_t>(rng() % 500), {"F"});
      if (!db->Put(WriteOptions(), a).ok()) ++bad;
    }
  });
  for (int round = 0; round < 200; ++round) {
    Filter f;
    f.entities = {"e"};
    Page page;
    QueryOptions qo;
    qo.limit = 50;
    if (!db->Query(f, qo, &page).ok()) ++bad;
    // Within one snapshot, every returned record really mentions the entity.
    for (const Article& a : page.articles) {
      if (a.entities_size() != 1 || a.entities(0).name() != "E") ++bad;
    }
  }
  stop = true;
  writer.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(testing::VerifyProblems(*db), "");
}

}  // namespace
}  // namespace articledb
