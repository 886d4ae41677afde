// Consistency holes closed by issue 9: crash states that leave ids without records, reads
// that must check what they read, reindex and duplicates, byte bounds on reads, the
// Unicode version names are normalised with, and cursors bound to their archive.
#include <algorithm>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <list>
#include <mutex>
#include <thread>

#include "articledb/archive.h"
#include "counters.h"
#include "index/posting_block.h"
#include "store/store.h"
#include "cursor.h"
#include "keys.h"
#include "test_util.h"

namespace articledb {
namespace {

using testing::MakeArticle;
using testing::OpenOrDie;
using testing::TempDir;

constexpr int64_t kStart = 1714521600000000;  // 2024-05-01T00:00:00Z

// The archive's RocksDB database opened directly, to build the states a crash or an older
// version of the library leaves behind.
class Raw {
 public:
  explicit Raw(const std::string& path) {
    rocksdb::DBOptions o;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const char* name : store::kCfNames) {
      rocksdb::ColumnFamilyOptions c;
      if (std::string(name) == "counters") c.merge_operator = counters::NewMergeOperator();
      if (std::string(name) == "index") c.merge_operator = index::NewMergeOperator();
      cfs.emplace_back(name, c);
    }
    rocksdb::Status s = rocksdb::DB::Open(o, path, cfs, &handles_, &db_);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  ~Raw() {
    if (db_ == nullptr) return;
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    EXPECT_TRUE(db_->Close().ok());
    delete db_;
  }
  rocksdb::ColumnFamilyHandle* cf(int i) { return handles_[static_cast<size_t>(i)]; }
  // 0 default, 1 records, 2 ids, 3 index, 4 counters
  std::optional<std::string> Get(int c, const std::string& key) {
    std::string v;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(c), key, &v);
    if (s.IsNotFound()) return std::nullopt;
    EXPECT_TRUE(s.ok()) << s.ToString();
    return v;
  }
  void Put(int c, const std::string& key, const std::string& value) {
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), cf(c), key, value).ok());
  }
  void Delete(int c, const std::string& key) {
    ASSERT_TRUE(db_->Delete(rocksdb::WriteOptions(), cf(c), key).ok());
  }
  void DropColumnFamily(int c) { ASSERT_TRUE(db_->DropColumnFamily(cf(c)).ok()); }
  uint64_t Docno(const std::string& id) {
    auto v = Get(2, id);
    EXPECT_TRUE(v && v->size() == 8) << id;
    return v && v->size() == 8 ? keys::DecodeDocno(v->data()) : 0;
  }
  uint64_t Count(int c) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf(c)));
    uint64_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    return n;
  }
  rocksdb::DB* db() { return db_; }

 private:
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

// ---------------------------------------------------------------------------- item 1

// A bulk import killed after RocksDB flushed some column families on its own: with
// column families flushing independently, the id map (long ids, a quarter of the write
// buffer) reached disk while the records did not.
// The child: imports with disable_wal into `path` and exits, without closing anything,
// right after the first automatic flush.
[[noreturn]] void BulkImportUntilAFlushThenExit(const std::string& path) {
  Options o;
  o.create_if_missing = true;
  o.write_buffer_bytes = 8u << 20;  // ids: 4 MiB, records: 8 MiB
  std::unique_ptr<Archive> db;
  if (!Archive::Open(o, path, &db).ok()) _exit(3);
  WriteOptions bulk;
  bulk.disable_wal = true;
  const std::string pad(900, 'x');
  for (int i = 0; i < 20000;) {
    std::vector<Article> batch;
    for (int k = 0; k < 50; ++k, ++i) {
      batch.push_back(MakeArticle(pad + std::to_string(i), "S", kStart + i, {}, "b"));
    }
    if (!db->PutBatch(bulk, batch).ok()) _exit(4);
    Stats st;
    if (!db->GetStats(&st).ok()) _exit(5);
    for (const auto& c : st.column_families) {
      if (c.sst_bytes > 0) _exit(0);  // something reached disk: "crash" now
    }
  }
  _exit(6);
}

TEST(ConsistencyTest, BulkImportKilledAfterAnAutomaticFlushLeavesNoIdWithoutItsRecord) {
  if (const char* child = std::getenv("ARTICLEDB_TEST_BULK_CHILD")) {
    BulkImportUntilAFlushThenExit(child);
  }
  TempDir dir;
  const std::string path = dir.Sub("db");
  // A fresh process (fork alone would inherit a RocksDB thread pool without its threads).
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setenv("ARTICLEDB_TEST_BULK_CHILD", path.c_str(), 1);
    execl("/proc/self/exe", "articledb_tests",
          "--gtest_filter=ConsistencyTest.BulkImportKilledAfterAnAutomaticFlushLeavesNoIdWithoutItsRecord",
          static_cast<char*>(nullptr));
    _exit(7);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  Raw raw(path);
  const uint64_t ids = raw.Count(2), records = raw.Count(1);
  EXPECT_GT(records, 0u);
  EXPECT_EQ(ids, records) << "id entries and records flushed apart";
}

void SetUpThreeArticles(const std::string& path, uint64_t docnos[3]) {
  {
    auto db = OpenOrDie(path);
    for (int i = 1; i <= 3; ++i) {
      ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("old" + std::to_string(i), "Old Source",
                                                      kStart + i, {"Old"}))
                      .ok());
    }
  }
  Raw raw(path);
  for (int i = 0; i < 3; ++i) docnos[i] = raw.Docno("old" + std::to_string(i + 1));
}

// The state a killed bulk import left with the code before: id entries whose records
// (the tail of `records`) never reached disk.
void LoseRecordTail(const std::string& path, const uint64_t docnos[3], bool drop_meta) {
  Raw raw(path);
  for (int i = 1; i < 3; ++i) raw.Delete(1, keys::DocnoKey(docnos[i]));
  if (drop_meta) {
    // An archive written before the docno mark existed (its indexes kept current: an
    // archive without them would be rebuilt at the open, id map included).
    std::unique_ptr<rocksdb::Iterator> it(raw.db()->NewIterator(rocksdb::ReadOptions(), raw.cf(0)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key = it->key().ToString();
      if (key != "articledb.format" && key != "articledb.indexes") raw.Delete(0, key);
    }
  }
}

void ExpectNoDocnoReuseAndNoWrongArticle(const std::string& path, const uint64_t docnos[3]) {
  {
    auto db = OpenOrDie(path);
    for (int i = 1; i <= 2; ++i) {
      ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("new" + std::to_string(i), "New Source",
                                                      kStart + 100 + i, {"New"}))
                      .ok());
    }
    Article a;
    for (const char* id : {"old2", "old3"}) {
      Status s = db->Get(id, &a);
      EXPECT_FALSE(s.ok()) << id << " returned '" << a.id() << "'";
      EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    }
    std::vector<std::string> ids = {"old2", "old3", "new1"};
    std::vector<Article> got;
    std::vector<Status> sts;
    ASSERT_TRUE(db->MultiGet(ids, &got, &sts).ok());
    EXPECT_TRUE(sts[0].IsCorruption()) << sts[0].ToString() << " " << got[0].id();
    EXPECT_TRUE(sts[1].IsCorruption()) << sts[1].ToString() << " " << got[1].id();
    ASSERT_TRUE(sts[2].ok());
    EXPECT_EQ(got[2].id(), "new1");
    // Re-running the lost import stores the articles again and leaves the new ones alone.
    for (int i = 2; i <= 3; ++i) {
      ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("old" + std::to_string(i), "Old Source",
                                                      kStart + i, {"Old"}))
                      .ok());
    }
    for (const char* id : {"new1", "new2", "old1", "old2", "old3"}) {
      Status s = db->Get(id, &a);
      ASSERT_TRUE(s.ok()) << id << ": " << s.ToString();
      EXPECT_EQ(a.id(), id);
    }
    Filter f;
    f.source = "New Source";
    uint64_t n = 0;
    ASSERT_TRUE(db->Count(f, &n).ok());
    EXPECT_EQ(n, 2u);
  }
  Raw raw(path);
  for (const char* id : {"new1", "new2"}) {
    const uint64_t d = raw.Docno(id);
    for (int i = 0; i < 3; ++i) EXPECT_NE(d, docnos[i]) << id << " reused a docno";
  }
}

TEST(ConsistencyTest, RecordsLostAfterTheirIdsNeverGiveTheirDocnosToNewArticles) {
  TempDir dir;
  uint64_t docnos[3];
  SetUpThreeArticles(dir.path(), docnos);
  LoseRecordTail(dir.path(), docnos, /*drop_meta=*/false);
  ExpectNoDocnoReuseAndNoWrongArticle(dir.path(), docnos);
}

TEST(ConsistencyTest, ArchiveWithoutDocnoMarkAndLostRecordsNeverReusesDocnos) {
  TempDir dir;
  uint64_t docnos[3];
  SetUpThreeArticles(dir.path(), docnos);
  LoseRecordTail(dir.path(), docnos, /*drop_meta=*/true);
  ExpectNoDocnoReuseAndNoWrongArticle(dir.path(), docnos);
}

// An archive already damaged by the old code: an id entry that points at the record of
// another article. Reads say Corruption; writes and deletes of that id leave the other
// article alone.
TEST(ConsistencyTest, IdEntryPointingAtAnotherArticlesRecordIsCorruptionNeverThatArticle) {
  TempDir dir;
  {
    auto db = OpenOrDie(dir.path());
    ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("victim", "S", kStart, {"E"})).ok());
  }
  {
    Raw raw(dir.path());
    raw.Put(2, "ghost", keys::DocnoKey(raw.Docno("victim")));
    raw.Put(2, "ghost2", keys::DocnoKey(raw.Docno("victim")));
  }
  auto db = OpenOrDie(dir.path());
  Article a;
  Status s = db->Get("ghost", &a);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString() << " returned '" << a.id() << "'";
  std::vector<std::string> ids = {"ghost"};
  std::vector<Article> got;
  std::vector<Status> sts;
  ASSERT_TRUE(db->MultiGet(ids, &got, &sts).ok());
  EXPECT_TRUE(sts[0].IsCorruption()) << sts[0].ToString() << " returned '" << got[0].id() << "'";
  ASSERT_TRUE(db->Delete(WriteOptions(), "ghost2").ok());
  ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("ghost", "Other", kStart + 5, {"F"})).ok());
  ASSERT_TRUE(db->Get("victim", &a).ok());
  EXPECT_EQ(a.id(), "victim");
  EXPECT_EQ(a.source(), "S");
  ASSERT_TRUE(db->Get("ghost", &a).ok());
  EXPECT_EQ(a.id(), "ghost");
  uint64_t n = 0;
  Filter f;
  f.entities = {"E"};
  ASSERT_TRUE(db->Count(f, &n).ok());
  EXPECT_EQ(n, 1u);
}

// An index entry whose docno now holds a different article (a docno reused): queries
// and scans report Corruption rather than return that article as a match.
TEST(ConsistencyTest, IndexEntryLeadingToAnotherArticleIsCorruptionInQueriesAndScans) {
  TempDir dir;
  {
    auto db = OpenOrDie(dir.path());
    ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("a", "S", kStart, {"E"})).ok());
  }
  {
    Raw raw(dir.path());
    std::string other;
    ASSERT_TRUE(MakeArticle("b", "T", kStart + 77, {"F"}).SerializeToString(&other));
    raw.Put(1, keys::DocnoKey(raw.Docno("a")), other);
  }
  auto db = OpenOrDie(dir.path());
  Filter f;
  f.entities = {"E"};
  Page page;
  Status s = db->Query(f, QueryOptions(), &page);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString() << " pages " << page.articles.size();
  s = db->Scan(f, Order::kNewestFirst, [](const Article& a) {
    ADD_FAILURE() << "scan returned '" << a.id() << "'";
    return true;
  });
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
}


// ---------------------------------------------------------------------------- items 2, 3

// Reads from several threads, each kind checked; counts what went wrong.
struct ReadChecks {
  std::atomic<int> errors{0}, wrong{0}, busy{0}, ok{0};
  std::string first_error;
  std::mutex mu;
  void Error(const std::string& what) {
    ++errors;
    std::lock_guard l(mu);
    if (first_error.empty()) first_error = what;
  }
  void Wrong(const std::string& what) {
    ++wrong;
    std::lock_guard l(mu);
    if (first_error.empty()) first_error = what;
  }
  // Busy is the answer while indexes are rebuilt; with `allow_busy` false it is an error.
  bool Check(const Status& s, const char* what, bool allow_busy) {
    if (s.ok()) {
      ++ok;
      return true;
    }
    if (allow_busy && s.IsBusy()) {
      ++busy;
      return false;
    }
    Error(std::string(what) + ": " + s.ToString());
    return false;
  }
};

constexpr int kStable = 200;  // articles "s0".."s199" no writer touches

// In batches of 20: a batch locks one stripe per id, and ThreadSanitizer's deadlock
// detector tracks at most 64 locks held by one thread.
void PutStable(Archive& db) {
  std::vector<Article> batch;
  for (int i = 0; i < kStable; ++i) {
    batch.push_back(MakeArticle("s" + std::to_string(i), "Stable", kStart + i, {"Fixed"}));
    if (batch.size() == 20) {
      ASSERT_TRUE(db.PutBatch(WriteOptions(), batch).ok());
      batch.clear();
    }
  }
}

// Readers of a read-only instance while another thread refreshes it and a writer keeps
// writing: every read sees one state, so no read fails and none is wrong.
TEST(ConcurrencyConsistencyTest, ReadOnlyReadersNeverSeeFalseCorruptionWhileRefreshRuns) {
  TempDir dir;
  auto writer = OpenOrDie(dir.path());
  PutStable(*writer);
  Options ro;
  ro.read_only = true;
  std::unique_ptr<Archive> reader;
  ASSERT_TRUE(Archive::Open(ro, dir.path(), &reader).ok());
  std::atomic<bool> stop{false};
  ReadChecks checks;
  std::list<std::thread> threads;
  threads.emplace_back([&] {  // writer: upserts that move index entries, and inserts
    for (int i = 0; !stop; ++i) {
      std::vector<Article> batch;
      for (int k = 0; k < 20; ++k) {
        const int n = (i * 20 + k) % 300;
        batch.push_back(MakeArticle("w" + std::to_string(n), "Moving", kStart + 1000 + i * 7 + k,
                                    {"Fixed", "E" + std::to_string(i % 5)}));
      }
      batch.push_back(MakeArticle("n" + std::to_string(i), "Moving", kStart + 5000 + i, {"Fixed"}));
      if (!writer->PutBatch(WriteOptions(), batch).ok()) checks.Error("write");
      std::vector<std::string> gone;
      for (int k = 0; k < 10; ++k) gone.push_back("w" + std::to_string((i * 20 + k) % 300));
      gone.push_back("n" + std::to_string(i / 2));
      if (!writer->DeleteBatch(WriteOptions(), gone).ok()) checks.Error("delete");
      if (i % 50 == 49 && !writer->Flush().ok()) checks.Error("flush");
    }
  });
  threads.emplace_back([&] {
    while (!stop) checks.Check(reader->Refresh(), "refresh", false);
  });
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        Filter f;
        if (i % 2 == 0) f.entities = {"Fixed"};
        QueryOptions qo;
        qo.limit = 50;
        Page page;
        checks.Check(reader->Query(f, qo, &page), "query", false);
        Article a;
        const std::string id = "s" + std::to_string((i * 7 + t) % kStable);
        if (checks.Check(reader->Get(id, &a), "get", false) && a.id() != id) {
          checks.Wrong("get " + id + " returned " + a.id());
        }
        Filter stable;
        stable.source = "Stable";
        uint64_t n = 0;
        if (checks.Check(reader->Count(stable, &n), "count", false) && n != kStable) {
          checks.Wrong("count of stable articles " + std::to_string(n));
        }
      }
    });
  }
  // At least 2 s and 150 good reads (slow builds, e.g. ThreadSanitizer, take longer).
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(20) &&
         (std::chrono::steady_clock::now() - start < std::chrono::seconds(2) ||
          checks.ok.load() < 150)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  for (auto& th : threads) th.join();
  EXPECT_GE(checks.ok.load(), 150);
  EXPECT_EQ(checks.errors.load(), 0) << checks.first_error;
  EXPECT_EQ(checks.wrong.load(), 0) << checks.first_error;
}

// Readers while Reindex runs in another thread: each answer is right, or Busy; never
// an answer from a half-built index.
TEST(ConcurrencyConsistencyTest, ReadersDuringReindexGetRightAnswersOrBusyNeverWrongOnes) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  PutStable(*db);
  std::atomic<bool> stop{false};
  std::atomic<int> reindexes{0};
  ReadChecks checks;
  std::list<std::thread> threads;
  threads.emplace_back([&] {
    for (int i = 0; i < 6; ++i) {
      checks.Check(db->Reindex(), "reindex", false);
      ++reindexes;
    }
    stop = true;
  });
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        uint64_t n = 0;
        if (checks.Check(db->Count(Filter(), &n), "count", true) && n != kStable) {
          checks.Wrong("count(all) " + std::to_string(n));
        }
        Article a;
        const std::string id = "s" + std::to_string((i * 13 + t) % kStable);
        if (checks.Check(db->Get(id, &a), "get", true) && a.id() != id) {
          checks.Wrong("get " + id + " returned " + a.id());
        }
        Filter f;
        f.entities = {"Fixed"};
        QueryOptions qo;
        qo.limit = 100;
        Page page;
        if (checks.Check(db->Query(f, qo, &page), "query", true) &&
            (page.articles.size() != 100 || page.next_cursor.empty())) {
          checks.Wrong("short page of " + std::to_string(page.articles.size()));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(reindexes.load(), 6);
  EXPECT_EQ(checks.errors.load(), 0) << checks.first_error;
  EXPECT_EQ(checks.wrong.load(), 0) << checks.first_error;
  EXPECT_GT(checks.ok.load(), 0);
  // Busy names the reason.
  uint64_t n = 0;
  ASSERT_TRUE(db->Count(Filter(), &n).ok());
  EXPECT_EQ(n, static_cast<uint64_t>(kStable));
}

// A read-only instance refreshing while another instance reindexes: reads are refused
// while the rebuild marker is set, and right otherwise.
TEST(ConcurrencyConsistencyTest, ReadOnlyReadersDuringAnotherInstancesReindexAreRefusedNeverWrong) {
  TempDir dir;
  auto writer = OpenOrDie(dir.path());
  PutStable(*writer);
  constexpr uint64_t kAll = kStable + 4000;  // enough for a rebuild to commit in steps
  for (int b = 0; b < 200; ++b) {
    std::vector<Article> extra;
    for (int i = 0; i < 20; ++i) {
      extra.push_back(MakeArticle("x" + std::to_string(b * 20 + i), "Extra", kStart + i, {"X"}));
    }
    ASSERT_TRUE(writer->PutBatch(WriteOptions(), extra).ok());
  }
  Options ro;
  ro.read_only = true;
  std::unique_ptr<Archive> reader;
  ASSERT_TRUE(Archive::Open(ro, dir.path(), &reader).ok());
  std::atomic<bool> stop{false};
  ReadChecks checks;
  std::list<std::thread> threads;
  threads.emplace_back([&] {
    for (int i = 0; i < 6; ++i) checks.Check(writer->Reindex(), "reindex", false);
    stop = true;
  });
  threads.emplace_back([&] {
    while (!stop) checks.Check(reader->Refresh(), "refresh", false);
  });
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      while (!stop) {
        uint64_t n = 0;
        if (checks.Check(reader->Count(Filter(), &n), "count", true) && n != kAll) {
          checks.Wrong("count(all) " + std::to_string(n));
        }
        Filter f;
        f.source = "Stable";
        Page page;
        if (checks.Check(reader->Query(f, QueryOptions(), &page), "query", true) &&
            page.articles.size() != 100) {
          checks.Wrong("short page of " + std::to_string(page.articles.size()));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(checks.errors.load(), 0) << checks.first_error;
  EXPECT_EQ(checks.wrong.load(), 0) << checks.first_error;
  ASSERT_TRUE(reader->Refresh().ok());
  uint64_t n = 0;
  ASSERT_TRUE(reader->Count(Filter(), &n).ok());
  EXPECT_EQ(n, kAll);
}


// A read-only instance refreshed while the writer writes and flushes: after Refresh it
// holds the writer's state exactly (no old versions, index and records agreeing, counters
// matching the records), as a freshly opened reader does. Writer and reader in one
// process, one thread: the sequence is deterministic.
TEST(ConcurrencyConsistencyTest, ReadOnlyInstanceRefreshedAcrossFlushesMatchesTheWriter) {
  TempDir dir;
  auto writer = OpenOrDie(dir.path());
  Options ro;
  ro.read_only = true;
  std::unique_ptr<Archive> reader;
  ASSERT_TRUE(Archive::Open(ro, dir.path(), &reader).ok());
  constexpr int kWrites = 3000;
  constexpr int kIds = 500;
  std::vector<int> version(kIds, -1);
  for (int i = 0; i < kWrites; ++i) {
    const int id = i % kIds;
    // Bodies change length with every version, so the byte counters change too.
    ASSERT_TRUE(writer->Put(WriteOptions(),
                            MakeArticle("a" + std::to_string(id), "Src" + std::to_string(i % 7),
                                        kStart + i, {"E" + std::to_string(i % 11)},
                                        "version " + std::to_string(i) +
                                            std::string(static_cast<size_t>(i % 37), 'x')))
                    .ok());
    version[static_cast<size_t>(id)] = i;
    if (i % 200 == 199) {
      ASSERT_TRUE(writer->Flush().ok());
    }
    if (i % 97 == 96) {
      ASSERT_TRUE(reader->Refresh().ok());
    }
  }
  for (int r = 0; r < 4; ++r) ASSERT_TRUE(reader->Refresh().ok());

  VerifyReport report;
  ASSERT_TRUE(reader->Verify(&report, nullptr).ok());
  EXPECT_EQ(report.problems, 0u) << (report.messages.empty() ? "" : report.messages[0]);
  uint64_t want = 0, got = 0;
  ASSERT_TRUE(writer->Count(Filter(), &want).ok());
  ASSERT_TRUE(reader->Count(Filter(), &got).ok());
  EXPECT_EQ(got, want);
  EXPECT_EQ(got, static_cast<uint64_t>(kIds));
  int wrong = 0;
  std::string first_wrong;
  for (int id = 0; id < kIds; ++id) {
    Article a;
    Status s = reader->Get("a" + std::to_string(id), &a);
    const std::string want_body = "version " + std::to_string(version[static_cast<size_t>(id)]);
    if (!s.ok() || a.body().rfind(want_body, 0) != 0 ||
        a.body().size() != want_body.size() + static_cast<size_t>(version[static_cast<size_t>(id)] % 37)) {
      if (wrong++ == 0) first_wrong = "a" + std::to_string(id) + ": " + s.ToString() + " '" + a.body() + "'";
    }
  }
  EXPECT_EQ(wrong, 0) << "first: " << first_wrong;
  Filter f;
  f.source = "Src3";
  ASSERT_TRUE(writer->Count(f, &want).ok());
  ASSERT_TRUE(reader->Count(f, &got).ok());
  EXPECT_EQ(got, want);

  // Deletes are seen too, after more flushes.
  for (int id = 0; id < kIds; id += 5) {
    ASSERT_TRUE(writer->Delete(WriteOptions(), "a" + std::to_string(id)).ok());
    if (id % 100 == 0) {
      ASSERT_TRUE(writer->Flush().ok());
    }
    if (id % 45 == 0) {
      ASSERT_TRUE(reader->Refresh().ok());
    }
  }
  ASSERT_TRUE(reader->Refresh().ok());
  ASSERT_TRUE(reader->Verify(&report, nullptr).ok());
  EXPECT_EQ(report.problems, 0u) << (report.messages.empty() ? "" : report.messages[0]);
  ASSERT_TRUE(reader->Count(Filter(), &got).ok());
  EXPECT_EQ(got, static_cast<uint64_t>(kIds - kIds / 5));
  Article a;
  EXPECT_TRUE(reader->Get("a0", &a).IsNotFound());
}

// ---------------------------------------------------------------------------- item 4

// True when some column family holds `value` as a value: the record still exists.
bool StoredAnywhere(Raw& raw, const std::string& value) {
  for (int c = 0; c < 5; ++c) {
    std::unique_ptr<rocksdb::Iterator> it(raw.db()->NewIterator(rocksdb::ReadOptions(), raw.cf(c)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->value() == value) return true;
    }
  }
  return false;
}

// Two records with one id (a crash or salvage can leave them): the lower docno is the
// version the id map points at.
void MakeDuplicate(const std::string& path, bool map_points_at_lower, std::string* lower,
                   std::string* higher) {
  {
    auto db = OpenOrDie(path);
    Article v1 = MakeArticle("dup", "S", kStart, {"One"});
    v1.set_title("version at the lower docno");
    ASSERT_TRUE(db->Put(WriteOptions(), v1).ok());
    ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("other", "S", kStart + 1)).ok());
    ASSERT_TRUE(v1.SerializeToString(lower));
  }
  Raw raw(path);
  const uint64_t d1 = raw.Docno("dup"), d2 = raw.Docno("other");
  Article v2 = MakeArticle("dup", "S", kStart + 2, {"Two"});
  v2.set_title("version at the higher docno");
  ASSERT_TRUE(v2.SerializeToString(higher));
  // "other" is gone, its docno now holds a second version of "dup".
  raw.Put(1, keys::DocnoKey(d2), *higher);
  raw.Delete(2, "other");
  if (!map_points_at_lower) raw.Delete(2, "dup");
  ASSERT_LT(d1, d2);
}

TEST(ConsistencyTest, ReindexKeepsBothRecordsOfOneIdAndTheIdMapsChoiceStaysLive) {
  TempDir dir;
  std::string lower, higher;
  MakeDuplicate(dir.path(), /*map_points_at_lower=*/true, &lower, &higher);
  {
    auto db = OpenOrDie(dir.path());
    ASSERT_TRUE(db->Reindex().ok());
    Article a;
    ASSERT_TRUE(db->Get("dup", &a).ok());
    EXPECT_EQ(a.title(), "version at the lower docno");
    EXPECT_EQ(testing::VerifyProblems(*db), "");
    std::vector<QuarantinedRecord> q;
    ASSERT_TRUE(db->ListQuarantine(&q).ok());
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].article.title(), "version at the higher docno");
    VerifyReport report;
    ASSERT_TRUE(db->Verify(&report).ok());
    EXPECT_EQ(report.quarantined, 1u);
    // A second reindex finds nothing new to set aside.
    ASSERT_TRUE(db->Reindex().ok());
    ASSERT_TRUE(db->ListQuarantine(&q).ok());
    EXPECT_EQ(q.size(), 1u);
  }
  Raw raw(dir.path());
  EXPECT_TRUE(StoredAnywhere(raw, lower));
  EXPECT_TRUE(StoredAnywhere(raw, higher)) << "reindex deleted a record";
}

TEST(ConsistencyTest, ReindexWithoutAValidIdEntryKeepsTheHigherDocnoLiveAndTheOtherRecord) {
  TempDir dir;
  std::string lower, higher;
  MakeDuplicate(dir.path(), /*map_points_at_lower=*/false, &lower, &higher);
  {
    auto db = OpenOrDie(dir.path());
    ASSERT_TRUE(db->Reindex().ok());
    Article a;
    ASSERT_TRUE(db->Get("dup", &a).ok());
    EXPECT_EQ(a.title(), "version at the higher docno");
    EXPECT_EQ(testing::VerifyProblems(*db), "");
    std::vector<QuarantinedRecord> q;
    ASSERT_TRUE(db->ListQuarantine(&q).ok());
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].article.title(), "version at the lower docno");
  }
  {
    Raw raw(dir.path());
    EXPECT_TRUE(StoredAnywhere(raw, lower)) << "reindex deleted a record";
    EXPECT_TRUE(StoredAnywhere(raw, higher));
  }
  // The user decides: dropping removes it for good.
  auto db = OpenOrDie(dir.path());
  std::vector<QuarantinedRecord> q;
  ASSERT_TRUE(db->ListQuarantine(&q).ok());
  ASSERT_EQ(q.size(), 1u);
  EXPECT_TRUE(db->DropQuarantined(q[0].docno + 1000).IsNotFound());
  ASSERT_TRUE(db->DropQuarantined(q[0].docno).ok());
  ASSERT_TRUE(db->ListQuarantine(&q).ok());
  EXPECT_TRUE(q.empty());
}


// ---------------------------------------------------------------------------- item 12

// Ten articles of 4 MiB: more than a page's 32 MiB of records.
std::vector<std::string> PutLargeArticles(Archive& db) {
  std::vector<std::string> ids;
  const std::string body(4u << 20, 'b');
  for (int i = 0; i < 10; ++i) {
    ids.push_back("big" + std::to_string(i));
    EXPECT_TRUE(db.Put(WriteOptions(), MakeArticle(ids.back(), "S", kStart + i, {}, body)).ok());
  }
  return ids;
}

TEST(ConsistencyTest, PageOfLargeRecordsStopsAtItsByteBoundAndTheCursorContinuesExactly) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  const std::vector<std::string> ids = PutLargeArticles(*db);
  QueryOptions qo;
  qo.order = Order::kOldestFirst;
  qo.limit = 100;
  std::vector<std::string> seen;
  size_t pages = 0;
  do {
    Page page;
    Status s = db->Query(Filter(), qo, &page);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ++pages;
    size_t bytes = 0;
    for (const Article& a : page.articles) bytes += a.ByteSizeLong();
    EXPECT_LE(bytes, (32u << 20) + (4u << 20) + 4096) << "page " << pages;
    if (pages == 1) {
      EXPECT_LT(page.articles.size(), ids.size()) << "one page held every large record";
      EXPECT_FALSE(page.next_cursor.empty());
    }
    for (const Article& a : page.articles) seen.push_back(a.id());
    qo.cursor = page.next_cursor;
  } while (!qo.cursor.empty() && pages < 20);
  EXPECT_EQ(seen, ids);
  // Scan reads in chunks bounded the same way and visits each exactly once, in order.
  std::vector<std::string> scanned;
  ASSERT_TRUE(db->Scan(Filter(), Order::kOldestFirst, [&](const Article& a) {
                  scanned.push_back(a.id());
                  return true;
                }).ok());
  EXPECT_EQ(scanned, ids);
}


// ---------------------------------------------------------------------------- item 13

TEST(ConsistencyTest, ArchiveRecordsTheUnicodeVersionItsNamesAreNormalisedWith) {
  TempDir dir;
  { auto db = OpenOrDie(dir.path()); }
  Raw raw(dir.path());
  auto v = raw.Get(0, "articledb.unicode_version");
  ASSERT_TRUE(v.has_value()) << "no Unicode version recorded at creation";
  EXPECT_EQ(*v, UnicodeVersion());
}

TEST(ConsistencyTest, UnicodeVersionMismatchIsReportedReadsWorkAndReindexSettlesIt) {
  TempDir dir;
  {
    auto db = OpenOrDie(dir.path());
    ASSERT_TRUE(db->Put(WriteOptions(), MakeArticle("a", "Le Monde", kStart, {"Écrivain"})).ok());
  }
  {
    Raw raw(dir.path());
    raw.Put(0, "articledb.unicode_version", "1.0.0");
  }
  auto db = OpenOrDie(dir.path());
  Stats st;
  ASSERT_TRUE(db->GetStats(&st).ok());
  ASSERT_EQ(st.warnings.size(), 1u);
  EXPECT_NE(st.warnings[0].find("1.0.0"), std::string::npos) << st.warnings[0];
  EXPECT_NE(st.warnings[0].find("reindex"), std::string::npos) << st.warnings[0];
  Article a;
  EXPECT_TRUE(db->Get("a", &a).ok());
  Filter f;
  f.entities = {"ecrivain"};
  uint64_t n = 0;
  ASSERT_TRUE(db->Count(f, &n).ok());
  EXPECT_EQ(n, 1u);
  VerifyReport report;
  ASSERT_TRUE(db->Verify(&report).ok());
  EXPECT_EQ(report.problems, 1u);
  ASSERT_EQ(report.messages.size(), 1u);
  EXPECT_NE(report.messages[0].find("reindex"), std::string::npos) << report.messages[0];
  ASSERT_TRUE(db->Reindex().ok());
  ASSERT_TRUE(db->GetStats(&st).ok());
  EXPECT_TRUE(st.warnings.empty());
  EXPECT_EQ(testing::VerifyProblems(*db), "");
}

// An archive made before the version was recorded gets it at its first open for writing.
TEST(ConsistencyTest, ArchiveWithoutUnicodeVersionGetsItAtTheFirstOpenForWriting) {
  TempDir dir;
  { auto db = OpenOrDie(dir.path()); }
  { Raw(dir.path()).Delete(0, "articledb.unicode_version"); }
  {
    Options ro;
    ro.read_only = true;
    std::unique_ptr<Archive> db;
    ASSERT_TRUE(Archive::Open(ro, dir.path(), &db).ok());
    Stats st;
    ASSERT_TRUE(db->GetStats(&st).ok());
    EXPECT_TRUE(st.warnings.empty());
  }
  { auto db = OpenOrDie(dir.path()); }
  Raw raw(dir.path());
  EXPECT_EQ(raw.Get(0, "articledb.unicode_version").value_or(""), UnicodeVersion());
}

// ---------------------------------------------------------------------------- item 15

std::string FirstCursor(Archive& db) {
  QueryOptions qo;
  qo.limit = 2;
  Page page;
  EXPECT_TRUE(db.Query(Filter(), qo, &page).ok());
  EXPECT_FALSE(page.next_cursor.empty());
  return page.next_cursor;
}

void PutFive(Archive& db) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(db.Put(WriteOptions(), MakeArticle("c" + std::to_string(i), "S", kStart + i)).ok());
  }
}

TEST(ConsistencyTest, CursorOfAnotherArchiveIsRefusedEvenForTheSameQuery) {
  TempDir one, two;
  auto a = OpenOrDie(one.path());
  auto b = OpenOrDie(two.path());
  PutFive(*a);
  PutFive(*b);
  QueryOptions qo;
  qo.cursor = FirstCursor(*a);
  Page page;
  ASSERT_TRUE(a->Query(Filter(), qo, &page).ok());
  Status s = b->Query(Filter(), qo, &page);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  // The key is the archive's: a cursor stays valid across reopening.
  a.reset();
  a = OpenOrDie(one.path());
  EXPECT_TRUE(a->Query(Filter(), qo, &page).ok());
}

// A cursor rebuilt with the public, unkeyed checksum at another position is refused.
TEST(ConsistencyTest, CursorForgedWithTheUnkeyedChecksumIsRefused) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  PutFive(*db);
  const std::string real = FirstCursor(*db);
  uint64_t fingerprint = 0;
  for (size_t i = 2; i < 18; ++i) {
    fingerprint = fingerprint << 4 | static_cast<uint64_t>(std::stoi(real.substr(i, 1), nullptr, 16));
  }
  QueryOptions qo;
  qo.cursor = EncodeCursor({fingerprint, kStart + 3, 1});
  ASSERT_NE(qo.cursor, real);
  Page page;
  Status s = db->Query(Filter(), qo, &page);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString() << ", " << page.articles.size() << " articles";
}

// An archive written before the facets column family and the language, topic and author
// indexes existed: a read-only open is refused with what to do; the first open for
// writing creates the column family and rebuilds, after which every new filter and the
// facets answer.
TEST(ConsistencyTest, ArchiveWithoutTheFacetsColumnFamilyIsRefusedAsFormat1AndLeftUnchanged) {
  TempDir dir;
  {
    auto db = OpenOrDie(dir.path());
    for (int i = 0; i < 6; ++i) {
      Article a = MakeArticle("a" + std::to_string(i), i % 2 ? "Reuters" : "Le Monde",
                              kStart + i, {"Erevan"});
      a.set_language(i % 2 ? "en" : "fr");
      a.add_topics("Politics");
      a.add_authors(i < 2 ? "Ann Lee" : "Bo Chen");
      ASSERT_TRUE(db->Put(WriteOptions(), a).ok());
    }
  }
  {
    // What format 1 lacked: the 'facets' column family.
    Raw raw(dir.path());
    raw.DropColumnFamily(store::kFacets);
  }
  // Format 1 had no 'facets' column family: both kinds of open refuse it, naming the
  // upgrade, and neither creates the column family.
  for (bool read_only : {true, false}) {
    Options o;
    o.read_only = read_only;
    std::unique_ptr<Archive> db;
    Status s = Archive::Open(o, dir.path(), &db);
    ASSERT_TRUE(s.IsNotSupported()) << s.ToString();
    EXPECT_NE(s.message().find("format 1"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("articledb upgrade"), std::string::npos) << s.message();
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.path(), &names).ok());
    EXPECT_EQ(std::count(names.begin(), names.end(), "facets"), 0) << "read_only " << read_only;
  }
}

}  // namespace
}  // namespace articledb
