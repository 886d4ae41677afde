// Bulk loads (Archive::NewBulkLoader): the same archive as PutBatch of the same articles,
// docnos in time order, validation as PutBatch's, table files that need no compaction,
// and whole runs only after a crash.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "articledb/archive.h"
#include "store/keys.h"
#include "test_util.h"

namespace articledb {
namespace {

using testing::MakeArticle;
using testing::OpenOrDie;
using testing::TempDir;

#define ASSERT_OK(expr)                               \
  do {                                                \
    const Status status_ = (expr);                    \
    ASSERT_TRUE(status_.ok()) << status_.ToString();  \
  } while (0)

constexpr int64_t kStart = 1714521600000000;  // 2024-05-01T00:00:00Z
constexpr int64_t kHour = 3600LL * 1000000;

const std::vector<std::string> kSources = {"Le Monde", "Reuters", "Die Zeit", "El País"};
const std::vector<std::string> kNames = {"Nikol Pachinian", "Arménie", "Bakou", "Erevan",
                                         "Union européenne", "OTAN", "Moscou",
                                         std::string("A\0B", 3)};

// `n` articles over ~`ids` ids (so some repeat, with other contents), in no time order,
// some undated, some at equal times.
std::vector<Article> Synthetic(size_t n, size_t ids, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Article> out;
  for (size_t i = 0; i < n; ++i) {
    const std::string id = "a" + std::to_string(rng() % ids);
    std::optional<int64_t> t;
    if (rng() % 10 != 0) t = kStart + static_cast<int64_t>(rng() % 2000) * kHour;
    Article a = MakeArticle(id, kSources[rng() % kSources.size()], t, {},
                            "body " + std::to_string(i) + std::string(rng() % 400, 'x'));
    const size_t k = rng() % 4;
    for (size_t e = 0; e < k; ++e) a.add_entities()->set_name(kNames[rng() % kNames.size()]);
    a.set_title("title " + std::to_string(i));
    out.push_back(std::move(a));
  }
  return out;
}

std::unique_ptr<Archive> PutBatches(const std::string& path, const std::vector<Article>& all,
                                    size_t batch) {
  auto db = OpenOrDie(path);
  for (size_t at = 0; at < all.size(); at += batch) {
    const size_t n = std::min(batch, all.size() - at);
    Status s = db->PutBatch(WriteOptions(), std::span<const Article>(all.data() + at, n));
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return db;
}

Status BulkLoad(Archive& db, const std::vector<Article>& all, size_t add, size_t run_bytes,
                WriteStats* stats = nullptr) {
  BulkLoadOptions o;
  o.run_bytes = run_bytes;
  std::unique_ptr<BulkLoader> loader;
  if (Status s = db.NewBulkLoader(o, &loader); !s.ok()) return s;
  for (size_t at = 0; at < all.size(); at += add) {
    const size_t n = std::min(add, all.size() - at);
    if (Status s = loader->Add(std::span<const Article>(all.data() + at, n)); !s.ok()) return s;
  }
  return loader->Finish(stats);
}

bool Same(const Article& a, const Article& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

std::string Line(const Article& a) {
  return a.id() + "@" +
         (a.has_published_at() ? std::to_string(TimestampMicros(a.published_at())) : "-");
}

std::vector<std::string> ScanLines(Archive& db, const Filter& f, Order order) {
  std::vector<std::string> out;
  Status s = db.Scan(f, order, [&](const Article& a) {
    out.push_back(Line(a));
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

std::vector<std::string> PagedLines(Archive& db, const Filter& f, Order order, size_t limit) {
  std::vector<std::string> out;
  QueryOptions qo;
  qo.order = order;
  qo.limit = limit;
  for (int pages = 0; pages < 10000; ++pages) {
    Page page;
    Status s = db.Query(f, qo, &page);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok()) break;
    for (const Article& a : page.articles) out.push_back(Line(a));
    if (page.next_cursor.empty()) break;
    qo.cursor = page.next_cursor;
  }
  return out;
}

// Lines with the articles of equal times sorted by id: docnos, which order them, differ
// between a bulk load (by time) and PutBatch (by arrival).
std::vector<std::string> TiesById(std::vector<std::string> lines) {
  auto time_of = [](const std::string& l) { return l.substr(l.find('@')); };
  for (size_t i = 0; i < lines.size();) {
    size_t j = i + 1;
    while (j < lines.size() && time_of(lines[j]) == time_of(lines[i])) ++j;
    std::sort(lines.begin() + static_cast<std::ptrdiff_t>(i),
              lines.begin() + static_cast<std::ptrdiff_t>(j));
    i = j;
  }
  return lines;
}

std::string Names(const std::vector<NameCount>& v) {
  std::string s;
  for (const auto& n : v) s += n.name + "=" + std::to_string(n.count) + ";";
  return s;
}

std::string Timeline(Archive& db, const Filter& f, Bucket b) {
  std::vector<TimelineEntry> entries;
  Status s = db.Timeline(f, b, &entries);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::string out;
  for (const auto& e : entries) out += e.label + "=" + std::to_string(e.count) + ";";
  return out;
}

// Every answer of `got` equals `want`'s: Get of every id, queries (scans both ways and
// pages) on every source, entity, pair and time range, counts, timelines, name lists, and
// the totals of Stats; both verify clean.
void ExpectSameAnswers(Archive& want, Archive& got, const std::set<std::string>& ids,
                       const std::vector<std::string>& sources,
                       const std::vector<std::string>& entities, size_t page_limit = 7) {
  for (const auto& id : ids) {
    Article a, b;
    Status sa = want.Get(id, &a), sb = got.Get(id, &b);
    ASSERT_EQ(sa.code(), sb.code()) << id << ": " << sa.ToString() << " / " << sb.ToString();
    EXPECT_TRUE(Same(a, b)) << id << "\n" << a.DebugString() << "\n" << b.DebugString();
  }
  std::vector<Filter> filters(1);
  for (const auto& s : sources) {
    filters.emplace_back().source = s;
    for (const auto& e : entities) {
      Filter f;
      f.source = s;
      f.entities = {e};
      filters.push_back(f);
    }
  }
  for (size_t i = 0; i < entities.size(); ++i) {
    filters.emplace_back().entities = {entities[i]};
    if (i + 1 < entities.size()) filters.emplace_back().entities = {entities[i], entities[i + 1]};
  }
  const size_t plain = filters.size();
  for (size_t i = 0; i < plain; ++i) {
    Filter f = filters[i];
    f.from_micros = kStart + 300 * kHour;
    f.to_micros = kStart + 1200 * kHour;
    filters.push_back(f);
  }
  for (const Filter& f : filters) {
    const std::string what = "source '" + f.source.value_or("") + "', " +
                             std::to_string(f.entities.size()) + " entities" +
                             (f.from_micros ? ", a time range" : "");
    for (Order o : {Order::kNewestFirst, Order::kOldestFirst}) {
      const auto lines = ScanLines(got, f, o);
      EXPECT_EQ(TiesById(ScanLines(want, f, o)), TiesById(lines)) << what;
      EXPECT_EQ(lines, PagedLines(got, f, o, page_limit)) << what;
    }
    uint64_t a = 0, b = 0;
    ASSERT_OK(want.Count(f, &a));
    ASSERT_OK(got.Count(f, &b));
    EXPECT_EQ(a, b) << what;
    EXPECT_EQ(Timeline(want, f, Bucket::kDay), Timeline(got, f, Bucket::kDay)) << what;
  }
  std::vector<NameCount> na, nb;
  ASSERT_OK(want.ListSources(&na));
  ASSERT_OK(got.ListSources(&nb));
  EXPECT_EQ(Names(na), Names(nb));
  ASSERT_OK(want.ListEntities("", 0, &na));
  ASSERT_OK(got.ListEntities("", 0, &nb));
  EXPECT_EQ(Names(na), Names(nb));
  Stats sa, sb;
  ASSERT_OK(want.GetStats(&sa));
  ASSERT_OK(got.GetStats(&sb));
  EXPECT_EQ(sa.articles, sb.articles);
  EXPECT_EQ(sa.sources, sb.sources);
  EXPECT_EQ(sa.entities, sb.entities);
  EXPECT_EQ(sa.record_bytes, sb.record_bytes);
  EXPECT_EQ(sa.oldest_micros, sb.oldest_micros);
  EXPECT_EQ(sa.newest_micros, sb.newest_micros);
  EXPECT_EQ(testing::VerifyProblems(want), "");
  EXPECT_EQ(testing::VerifyProblems(got), "");
}

std::set<std::string> IdsOf(const std::vector<Article>& v) {
  std::set<std::string> ids;
  for (const auto& a : v) ids.insert(a.id());
  ids.insert("never-stored");
  return ids;
}

TEST(BulkLoadTest, AnswersEveryQueryAndGetAsPutBatchOfTheSameArticlesWithDuplicateIds) {
  // 3000 articles over 1500 ids: most ids twice or more, within a run and across runs.
  const auto all = Synthetic(3000, 1500, 1);
  TempDir dir;
  auto want = PutBatches(dir.Sub("put"), all, 100);
  auto got = OpenOrDie(dir.Sub("bulk"));
  WriteStats ws;
  // Runs of ~200 KB: several runs, so later runs update articles of earlier ones.
  ASSERT_OK(BulkLoad(*got, all, 64, 200 << 10, &ws));
  EXPECT_GT(ws.inserted, 0u);
  EXPECT_GT(ws.updated, 0u) << "no id spanned two runs: the test would not test upserts";
  ExpectSameAnswers(*want, *got, IdsOf(all), kSources, kNames);
}

TEST(BulkLoadTest, LoadOntoAFilledArchiveUpdatesItsArticlesAsPutBatchDoes) {
  const auto first = Synthetic(800, 600, 2);
  const auto second = Synthetic(800, 600, 3);  // the same id space: many updates
  TempDir dir;
  auto want = PutBatches(dir.Sub("put"), first, 100);
  for (size_t at = 0; at < second.size(); at += 100) {
    ASSERT_OK(want->PutBatch(WriteOptions(),
                               std::span<const Article>(second.data() + at, 100)));
  }
  auto got = PutBatches(dir.Sub("bulk"), first, 100);
  ASSERT_OK(BulkLoad(*got, second, 100, 64u << 20));
  auto ids = IdsOf(first);
  ids.merge(IdsOf(second));
  ExpectSameAnswers(*want, *got, ids, kSources, kNames);
}

TEST(BulkLoadTest, ReloadCountsArticlesEqualToTheirStoredVersionAsUnchanged) {
  // Distinct articles loaded twice, the second time with every other one changed.
  std::vector<Article> first;
  std::set<std::string> seen;
  for (Article& a : Synthetic(400, 400, 4)) {
    if (seen.insert(a.id()).second) first.push_back(std::move(a));
  }
  ASSERT_GT(first.size(), 100u);
  TempDir dir;
  auto db = OpenOrDie(dir.Sub("bulk"));
  WriteStats ws;
  ASSERT_OK(BulkLoad(*db, first, 100, 64u << 20, &ws));
  EXPECT_EQ(ws.inserted, first.size());
  for (size_t i = 0; i < first.size(); i += 2) first[i].set_title(first[i].title() + " (2)");
  WriteStats again;
  ASSERT_OK(BulkLoad(*db, first, 100, 64u << 20, &again));
  EXPECT_EQ(again.inserted, 0u);
  EXPECT_EQ(again.updated, (first.size() + 1) / 2);
  EXPECT_EQ(again.unchanged, first.size() / 2);
  EXPECT_EQ(testing::VerifyProblems(*db), "");
}

TEST(BulkLoadTest, ReutersLoadedInBulkAnswersAsPutBatch) {
  const std::string path = testing::ReutersPath();
  if (path.empty()) GTEST_SKIP() << "Reuters corpus not found";
  std::vector<Article> all;
  ASSERT_TRUE(testing::ForEachZstdLine(path, [&](const std::string& line) {
    Article a;
    if (ParseArticleJson(line, &a).ok()) all.push_back(std::move(a));
  }));
  ASSERT_GT(all.size(), 10000u);
  TempDir dir;
  auto want = PutBatches(dir.Sub("put"), all, 1000);
  auto got = OpenOrDie(dir.Sub("bulk"));
  ASSERT_OK(BulkLoad(*got, all, 1000, 8u << 20));  // a few runs
  std::vector<NameCount> sources, entities;
  ASSERT_OK(want->ListSources(&sources));
  ASSERT_OK(want->ListEntities("", 3, &entities));
  std::vector<std::string> s, e;
  for (size_t i = 0; i < sources.size() && i < 2; ++i) s.push_back(sources[i].name);
  for (const auto& n : entities) e.push_back(n.name);
  std::set<std::string> ids;
  for (size_t i = 0; i < all.size(); i += 97) ids.insert(all[i].id());
  ExpectSameAnswers(*want, *got, ids, s, e, 1000);
}

TEST(BulkLoadTest, DocnosOfARunFollowPublicationTimeWithUndatedArticlesFirst) {
  const auto all = Synthetic(500, 100000, 4);  // input in random time order
  TempDir dir;
  auto db = OpenOrDie(dir.Sub("db"));
  ASSERT_OK(BulkLoad(*db, all, 50, 64u << 20));
  // ForEachRecord visits records in docno order.
  std::vector<int64_t> times;
  ASSERT_OK(db->ForEachRecord([&](std::string_view rec) {
                  Article a;
                  EXPECT_TRUE(a.ParseFromArray(rec.data(), static_cast<int>(rec.size())));
                  times.push_back(a.has_published_at() ? TimestampMicros(a.published_at())
                                                       : keys::kUndated);
                  return true;
                }));
  ASSERT_EQ(times.size(), IdsOf(all).size() - 1);
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
  EXPECT_EQ(times.front(), keys::kUndated);
}

TEST(BulkLoadTest, InvalidArticleIsRejectedWithPutBatchsMessageAndNothingOfTheCallIsAdded) {
  TempDir dir;
  auto db = OpenOrDie(dir.Sub("db"));
  std::vector<Article> batch = {MakeArticle("ok1", "S", kStart), MakeArticle("bad", "", kStart),
                                MakeArticle("ok2", "S", kStart)};
  const Status put = db->PutBatch(WriteOptions(), batch);
  ASSERT_TRUE(put.IsInvalidArgument()) << put.ToString();
  std::unique_ptr<BulkLoader> loader;
  ASSERT_OK(db->NewBulkLoader(BulkLoadOptions(), &loader));
  ASSERT_OK(loader->Add(std::span<const Article>(&batch[0], 1)));
  const Status s = loader->Add(batch);
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ(s.ToString(), put.ToString());
  EXPECT_NE(s.message().find("batch position 1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("'bad'"), std::string::npos) << s.message();
  WriteStats ws;
  ASSERT_OK(loader->Finish(&ws));  // the loader goes on after a rejected call
  EXPECT_EQ(ws.inserted, 1u);
  Article a;
  EXPECT_TRUE(db->Get("ok1", &a).ok());
  EXPECT_TRUE(db->Get("ok2", &a).IsNotFound());
  EXPECT_TRUE(db->Get("bad", &a).IsNotFound());
  Stats st;
  ASSERT_OK(db->GetStats(&st));
  EXPECT_EQ(st.articles, 1u);
  EXPECT_EQ(testing::VerifyProblems(*db), "");
}

TEST(BulkLoadTest, LoadIntoAReadOnlyArchiveIsNotSupported) {
  TempDir dir;
  { auto db = OpenOrDie(dir.Sub("db")); }
  Options o;
  o.read_only = true;
  auto db = OpenOrDie(dir.Sub("db"), o);
  std::unique_ptr<BulkLoader> loader;
  EXPECT_TRUE(db->NewBulkLoader(BulkLoadOptions(), &loader).IsNotSupported());
  EXPECT_EQ(loader, nullptr);
}

// RocksDB's view of the archive: table files per level and pending compactions.
struct Levels {
  uint64_t level0_files = 0;
  uint64_t compaction_pending = 0;
  std::vector<std::string> files;
};
Levels ReadLevels(const std::string& path) {
  Levels out;
  rocksdb::DBOptions o;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const char* name : {"default", "records", "ids", "index", "counters"}) {
    cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(o, path, cfs, &handles, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return out;
  for (auto* h : handles) {
    uint64_t v = 0;
    db->GetIntProperty(h, "rocksdb.num-files-at-level0", &v);
    out.level0_files += v;
    db->GetIntProperty(h, "rocksdb.compaction-pending", &v);
    out.compaction_pending += v;
    db->DestroyColumnFamilyHandle(h);
  }
  delete db;
  return out;
}

TEST(BulkLoadTest, OneRunIntoAnEmptyArchiveLeavesNothingToCompactAndNoScratchFiles) {
  const auto all = Synthetic(2000, 100000, 5);
  TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto db = OpenOrDie(path);
    ASSERT_OK(BulkLoad(*db, all, 100, 64u << 20));
    Stats st;
    ASSERT_OK(db->GetStats(&st));
    for (const auto& c : st.column_families) {
      if (c.name != "default") {
        EXPECT_EQ(c.memtable_bytes, 0u) << c.name;
      }
    }
  }
  const Levels l = ReadLevels(path);
  EXPECT_EQ(l.level0_files, 0u);
  EXPECT_EQ(l.compaction_pending, 0u);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(path) / "bulk-load.tmp"));
}

// ---- a load killed midway

constexpr size_t kRunArticles = 40;
constexpr size_t kCrashArticles = 1200;

// Articles of one size each, so that a run is exactly kRunArticles of them.
std::vector<Article> Uniform() {
  std::vector<Article> out;
  for (size_t i = 0; i < kCrashArticles; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "u%06zu", i);
    out.push_back(MakeArticle(id, "S" + std::to_string(i % 4),
                              kStart + static_cast<int64_t>(i % 977) * kHour,
                              {"E" + std::to_string(i % 7), "E" + std::to_string((i + 3) % 7)},
                              std::string(2000, 'b')));
  }
  return out;
}

// The child: loads Uniform() one article per Add, writing to `fd` how many it has added
// after each Add (runs are ingested inside Add), until killed.
[[noreturn]] void LoadUntilKilled(const std::string& path, int fd) {
  const auto all = Uniform();
  auto db = OpenOrDie(path);
  BulkLoadOptions o;
  o.run_bytes = kRunArticles * all[0].ByteSizeLong();
  std::unique_ptr<BulkLoader> loader;
  if (!db->NewBulkLoader(o, &loader).ok()) _exit(3);
  uint32_t added = 0;
  for (const Article& a : all) {
    if (!loader->Add(std::span<const Article>(&a, 1)).ok()) _exit(4);
    ++added;
    if (write(fd, &added, sizeof added) != sizeof added) _exit(6);
  }
  if (!loader->Finish().ok()) _exit(5);
  _exit(0);
}

TEST(BulkLoadTest, LoadKilledMidwayLeavesWholeRunsOnlyAndReloadingCompletesIt) {
  if (const char* child = std::getenv("ARTICLEDB_TEST_BULK_LOAD_CHILD")) {
    LoadUntilKilled(child, std::atoi(std::getenv("ARTICLEDB_TEST_BULK_LOAD_FD")));
  }
  const auto all = Uniform();
  TempDir dir;
  std::mt19937_64 rng(7);
  std::string path;
  for (int round = 0; round < 6; ++round) {
    path = dir.Sub("db" + std::to_string(round));
    { auto db = OpenOrDie(path); }  // (a kill while the archive is created is not the point)
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      setenv("ARTICLEDB_TEST_BULK_LOAD_CHILD", path.c_str(), 1);
      setenv("ARTICLEDB_TEST_BULK_LOAD_FD", std::to_string(fds[1]).c_str(), 1);
      execl("/proc/self/exe", "articledb_tests",
            "--gtest_filter=BulkLoadTest.LoadKilledMidwayLeavesWholeRunsOnlyAndReloadingCompletesIt",
            static_cast<char*>(nullptr));
      _exit(7);
    }
    close(fds[1]);
    // Killed once it has added `at` articles: at a seeded random point of the load, often
    // while a run is being written or ingested.
    const uint32_t at = 1 + static_cast<uint32_t>(rng() % (all.size() - 1));
    uint32_t added = 0;
    while (added < at && read(fds[0], &added, sizeof added) == sizeof added) {
    }
    kill(pid, SIGKILL);
    close(fds[0]);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the loader ended before the kill: exit "
                                     << WEXITSTATUS(status);
    auto db = OpenOrDie(path);
    Stats st;
    ASSERT_OK(db->GetStats(&st));
    // Whole runs, in input order: exactly the first k runs' articles, intact; at most the
    // runs completed before the kill.
    EXPECT_EQ(st.articles % kRunArticles, 0u) << st.articles << " articles: part of a run";
    EXPECT_LE(st.articles, added);
    EXPECT_GE(st.articles, (added / kRunArticles) * kRunArticles)
        << "runs ingested before the kill (Add returned) are missing";
    for (size_t i = 0; i < all.size(); i += 13) {
      Article a;
      const Status s = db->Get(all[i].id(), &a);
      if (i < st.articles) {
        ASSERT_TRUE(s.ok()) << all[i].id() << ": " << s.ToString();
        EXPECT_TRUE(Same(a, all[i])) << all[i].id();
      } else {
        EXPECT_TRUE(s.IsNotFound()) << all[i].id() << " of a run not ingested: " << s.ToString();
      }
    }
    EXPECT_EQ(testing::VerifyProblems(*db), "") << "after round " << round;
  }
  // Loading the same input again completes the archive.
  auto db = OpenOrDie(path);
  ASSERT_OK(BulkLoad(*db, all, 100, 1u << 20));
  Stats st;
  ASSERT_OK(db->GetStats(&st));
  EXPECT_EQ(st.articles, all.size());
  EXPECT_EQ(testing::VerifyProblems(*db), "");
}

}  // namespace
}  // namespace articledb
