// articledb_bench: ArticleDB against SQLite doing the same job and raw RocksDB puts and
// gets of the same records, on Reuters-21578 or a synthetic corpus of any size.
//
//   articledb_bench --corpus=reuters|synthetic:N [--reuters=PATH] [--workdir=DIR]
//                   [Google Benchmark flags: --benchmark_filter, --benchmark_format=json,
//                    --benchmark_out=FILE, --benchmark_min_time=SECONDS ...]
//
// Benchmarks are named ENGINE/OPERATION. Every timing is of the engine's calls alone
// (manual time): reading the corpus and picking parameters are outside it. Before any
// query is timed, each engine's answers to every query of the benchmark are checked
// against answers computed from the corpus itself; a difference fails the run. An
// operation the engine answers NotSupported (ArticleDB before the engine implements it)
// is skipped for that engine, said so on stderr and in the JSON, and is no failure.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "corpus.h"
#include "engines.h"

#include "articledb/article.h"

#ifndef ARTICLEDB_CORPORA_DIR
#define ARTICLEDB_CORPORA_DIR "../shared/corpora"
#endif

namespace articledb::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
constexpr size_t kBatch = 1000;          // articles per batch write (one transaction)
constexpr size_t kSingleMax = 20000;     // articles written one by one by ingest_single
constexpr size_t kWarmPool = 10000;      // ids read by get and multiget (after a warm-up)
constexpr size_t kMultiGet = 100;        // ids per multiget
constexpr size_t kColdRound = 100;       // cold gets between two cache drops
constexpr size_t kQueriesPerOp = 16;     // distinct parameter sets per query benchmark

CorpusSpec g_spec;
std::string g_workdir;
// Set when an engine gave a wrong answer: its benchmark is skipped with the error, the
// others run, and the process exits with status 1.
bool g_wrong_answer = false;

// Ends the run when an engine call being checked does not return within a limit (a
// query that never returns would otherwise hang the whole suite).
class Watchdog {
 public:
  Watchdog() {
    std::thread([this] {
      for (;;) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        const int64_t d = deadline_.load();
        if (d != 0 && Clock::now().time_since_epoch().count() > d) {
          std::cerr << "articledb_bench: " << what_ << ": no answer within " << limit_s_
                    << " s" << std::endl;
          std::_Exit(2);
        }
      }
    }).detach();
  }
  void Arm(const std::string& what, int seconds) {
    what_ = what;
    limit_s_ = seconds;
    deadline_ = (Clock::now() + std::chrono::seconds(seconds)).time_since_epoch().count();
  }
  void Disarm() { deadline_ = 0; }

 private:
  std::atomic<int64_t> deadline_{0};
  std::string what_;
  int limit_s_ = 0;
};
Watchdog& TheWatchdog() {
  static Watchdog w;
  return w;
}

// ------------------------------------------------------------------ small utilities

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

// Drops the operating system's cached pages of every file under `dir` (only those
// files: other processes on the machine keep theirs).
void DropFileCache(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file(ec)) continue;
    const int fd = ::open(e.path().c_str(), O_RDONLY);
    if (fd < 0) continue;
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

// Peak resident memory of this process since the last ResetPeakRss (VmHWM), in MB.
void ResetPeakRss() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";
}
double ProcStatusMb(const std::string& field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

// CPU seconds used by the calling thread, and by the whole process.
double CpuSeconds(int who) {
  rusage ru{};
  getrusage(who, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}
double ThreadCpu() { return CpuSeconds(RUSAGE_THREAD); }
double ProcessCpu() { return CpuSeconds(RUSAGE_SELF); }

struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
};

// Civil calendar (UTC), Howard Hinnant's algorithms.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
void CivilFromMicros(int64_t micros, int64_t* y, unsigned* m) {
  int64_t z = micros / kMicrosPerDay - (micros % kMicrosPerDay < 0 ? 1 : 0);
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}
std::pair<int64_t, int64_t> MonthOf(int64_t micros) {
  int64_t y;
  unsigned m;
  CivilFromMicros(micros, &y, &m);
  const int64_t from = DaysFromCivil(y, m, 1) * kMicrosPerDay;
  const int64_t to = (m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, m + 1, 1)) *
                     kMicrosPerDay;
  return {from, to};
}
std::pair<int64_t, int64_t> YearOf(int64_t micros) {
  int64_t y;
  unsigned m;
  CivilFromMicros(micros, &y, &m);
  return {DaysFromCivil(y, 1, 1) * kMicrosPerDay, DaysFromCivil(y + 1, 1, 1) * kMicrosPerDay};
}

// Latencies of single operations, reported as p50_us and p99_us.
class Latencies {
 public:
  void Add(double seconds) { s_.push_back(seconds); }
  void Report(benchmark::State& state) {
    if (s_.empty()) return;
    std::sort(s_.begin(), s_.end());
    auto at = [&](double q) {
      return s_[std::min(s_.size() - 1, static_cast<size_t>(q * static_cast<double>(s_.size())))];
    };
    state.counters["p50_us"] = at(0.50) * 1e6;
    state.counters["p99_us"] = at(0.99) * 1e6;
  }

 private:
  std::vector<double> s_;
};

// ------------------------------------------------------------------ corpus and stores

Corpus& TheCorpus() {
  static std::unique_ptr<Corpus> corpus = [] {
    auto c = Corpus::Prepare(g_spec, g_workdir);
    benchmark::AddCustomContext("corpus", c->description());
    benchmark::AddCustomContext("articles", std::to_string(c->size()));
    benchmark::AddCustomContext("json_bytes", std::to_string(c->json_bytes()));
    return c;
  }();
  return *corpus;
}

std::unique_ptr<Engine> MakeEngine(const std::string& name) {
  if (name == "articledb") return NewArticleDbEngine();
  if (name == "sqlite") return NewSqliteEngine();
  return NewRocksDbRawEngine();
}

// Each engine's main store: the whole corpus, loaded by ENGINE/ingest_batch (or, when
// that benchmark is filtered out, before the first benchmark that reads it), then
// settled and compacted, and never written again.
struct Store {
  std::unique_ptr<Engine> engine;
  std::string dir;
  bool loaded = false;
  bool open = false;
};
std::map<std::string, Store>& Stores() {
  static std::map<std::string, Store> stores;
  return stores;
}

// Closes the stores of the other engines, so one engine's caches do not weigh on
// another's figures.
Store& Use(const std::string& name) {
  for (auto& [n, s] : Stores()) {
    if (n != name && s.open) {
      s.engine->Close();
      s.open = false;
    }
  }
  static Store none;
  if (name.empty()) return none;
  Store& s = Stores()[name];
  if (!s.engine) {
    s.engine = MakeEngine(name);
    s.dir = (fs::path(g_workdir) / (name + "-main")).string();
  }
  return s;
}

struct LoadFigures {
  double write_seconds = 0;   // time in write calls
  double write_cpu = 0;       // CPU of the writing thread in write calls
  double background_cpu = 0;  // CPU of the engine's other threads, load start to settled
  double settle_seconds = 0;  // flush / checkpoint after the load
  double compact_seconds = 0;
  uint64_t disk_loaded = 0;
  uint64_t disk_compacted = 0;
  uint64_t articles = 0;
  double peak_rss_mb = 0;
};

// Writes the corpus in batches into `engine` (open on an empty store): PutBatch, or
// BulkAdd for the bulk import.
LoadFigures LoadBatches(Engine& engine, const Corpus& corpus, bool bulk) {
  LoadFigures f;
  auto reader = corpus.Read();
  std::vector<Article> batch(kBatch);
  for (;;) {
    size_t n = 0;
    while (n < kBatch && reader->Next(&batch[n])) ++n;
    if (n == 0) break;
    const double c0 = ThreadCpu();
    const auto t0 = Clock::now();
    if (bulk) {
      engine.BulkAdd(std::span<const Article>(batch.data(), n));
    } else {
      engine.PutBatch(std::span<const Article>(batch.data(), n));
    }
    f.write_seconds += Seconds(Clock::now() - t0);
    f.write_cpu += ThreadCpu() - c0;
    f.articles += n;
    if (n < kBatch) break;
  }
  return f;
}

// `settled` is called between the two.
void SettleAndCompact(Store& s, LoadFigures* f, const std::function<void()>& settled) {
  auto t0 = Clock::now();
  s.engine->Settle();
  f->settle_seconds = Seconds(Clock::now() - t0);
  settled();
  f->disk_loaded = DirBytes(s.dir);
  t0 = Clock::now();
  s.engine->Compact();
  f->compact_seconds = Seconds(Clock::now() - t0);
  f->disk_compacted = DirBytes(s.dir);
}

LoadFigures LoadMainStore(Store& s) {
  Corpus& corpus = TheCorpus();
  fs::remove_all(s.dir);
  s.engine->Open(s.dir);
  s.open = true;
  const double proc0 = ProcessCpu();
  const double main0 = ThreadCpu();
  LoadFigures f = LoadBatches(*s.engine, corpus, false);
  SettleAndCompact(s, &f, [&] {
    f.background_cpu = (ProcessCpu() - proc0) - (ThreadCpu() - main0);
    f.peak_rss_mb = ProcStatusMb("VmHWM");  // the import's peak: load and flush
  });
  s.loaded = true;
  return f;
}

Store& Ready(const std::string& name) {
  Store& s = Use(name);
  if (!s.loaded) {
    std::cerr << name << ": loading the main store (untimed) ..." << std::endl;
    LoadMainStore(s);
  }
  if (!s.open) {
    s.engine->Open(s.dir);
    s.open = true;
  }
  return s;
}

void ReportLoad(benchmark::State& state, const LoadFigures& f, double peak_rss_mb) {
  const Corpus& corpus = TheCorpus();
  state.SetItemsProcessed(static_cast<int64_t>(f.articles));
  state.SetBytesProcessed(static_cast<int64_t>(corpus.json_bytes()));
  state.counters["json_mb"] = static_cast<double>(corpus.json_bytes()) / 1e6;
  state.counters["write_s"] = f.write_seconds;
  state.counters["settle_s"] = f.settle_seconds;
  state.counters["compact_s"] = f.compact_seconds;
  state.counters["write_cpu_s"] = f.write_cpu;
  state.counters["background_cpu_s"] = f.background_cpu;
  state.counters["disk_mb"] = static_cast<double>(f.disk_loaded) / 1e6;
  state.counters["disk_mb_compacted"] = static_cast<double>(f.disk_compacted) / 1e6;
  state.counters["disk_ratio_json"] =
      static_cast<double>(f.disk_compacted) / static_cast<double>(corpus.json_bytes());
  state.counters["peak_rss_mb"] = peak_rss_mb;
}

// ------------------------------------------------------------------ ingest

// ENGINE/ingest_batch: the whole corpus in batches of 1,000, into an empty store. The
// time is that of the write calls plus the flush (checkpoint) that settles the load, as
// for ingest_bulk, for every engine.
void BM_IngestBatch(benchmark::State& state, std::string name) {
  Corpus& corpus = TheCorpus();
  Store& s = Use(name);
  if (s.open) s.engine->Close();
  s.open = false;
  for (auto _ : state) {
    ResetPeakRss();
    const double base_rss = ProcStatusMb("VmRSS");
    LoadFigures f = LoadMainStore(s);
    state.SetIterationTime(f.write_seconds + f.settle_seconds);
    ReportLoad(state, f, f.peak_rss_mb);
    state.counters["harness_rss_mb"] = base_rss;
  }
  (void)corpus;
}

// articledb/ingest_bulk: the bulk import (Engine::BulkAdd in batches of 1,000, then
// FinishBulk) into an empty store; the time is that of both, counted as ingest_batch's.
void BM_IngestBulk(benchmark::State& state, std::string name) {
  Corpus& corpus = TheCorpus();
  Use("");  // nothing else open
  const std::string dir = (fs::path(g_workdir) / (name + "-bulk")).string();
  for (auto _ : state) {
    fs::remove_all(dir);
    ResetPeakRss();
    const double base_rss = ProcStatusMb("VmRSS");
    auto engine = MakeEngine(name);
    engine->Open(dir);
    const double proc0 = ProcessCpu();
    const double main0 = ThreadCpu();
    LoadFigures f = LoadBatches(*engine, corpus, true);
    const auto t0 = Clock::now();
    engine->FinishBulk();
    f.settle_seconds = Seconds(Clock::now() - t0);
    f.background_cpu = (ProcessCpu() - proc0) - (ThreadCpu() - main0);
    state.counters["write_cpu_s"] = f.write_cpu;
    state.counters["background_cpu_s"] = f.background_cpu;
    state.SetIterationTime(f.write_seconds + f.settle_seconds);
    f.disk_loaded = DirBytes(dir);
    const double peak = ProcStatusMb("VmHWM");
    state.SetItemsProcessed(static_cast<int64_t>(f.articles));
    state.SetBytesProcessed(static_cast<int64_t>(corpus.json_bytes()));
    state.counters["disk_mb"] = static_cast<double>(f.disk_loaded) / 1e6;
    state.counters["disk_ratio_json"] =
        static_cast<double>(f.disk_loaded) / static_cast<double>(corpus.json_bytes());
    state.counters["write_s"] = f.write_seconds;
    state.counters["settle_s"] = f.settle_seconds;
    state.counters["peak_rss_mb"] = peak;
    state.counters["harness_rss_mb"] = base_rss;
    engine->Close();
    fs::remove_all(dir);
  }
}

// ENGINE/ingest_single: the first min(N, 20,000) articles, one write each, into an
// empty store.
void BM_IngestSingle(benchmark::State& state, std::string name) {
  Corpus& corpus = TheCorpus();
  Use("");
  const std::string dir = (fs::path(g_workdir) / (name + "-single")).string();
  const size_t n = std::min(corpus.size(), kSingleMax);
  uint64_t json = 0;
  for (size_t i = 0; i < n; ++i) json += corpus.json_bytes(i);
  for (auto _ : state) {
    fs::remove_all(dir);
    auto engine = MakeEngine(name);
    engine->Open(dir);
    auto reader = corpus.Read();
    Article a;
    Latencies lat;
    double total = 0;
    for (size_t i = 0; i < n && reader->Next(&a); ++i) {
      const auto t0 = Clock::now();
      engine->Put(a);
      const double d = Seconds(Clock::now() - t0);
      total += d;
      lat.Add(d);
    }
    state.SetIterationTime(total);
    lat.Report(state);
    engine->Close();
    fs::remove_all(dir);
  }
  state.SetItemsProcessed(static_cast<int64_t>(n * state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(json * state.iterations()));
  state.counters["articles"] = static_cast<double>(n);
}

// ------------------------------------------------------------------ reads by id

std::vector<std::string> WarmPool() {
  const Corpus& corpus = TheCorpus();
  Rng rng{7};
  std::vector<std::string> ids;
  const size_t n = std::min(kWarmPool, corpus.size());
  for (size_t k = 0; k < n; ++k) ids.push_back(corpus.id(rng.Below(corpus.size())));
  return ids;
}

// ENGINE/get: one id a call, from a pool of 10,000 random ids read once beforehand.
void BM_Get(benchmark::State& state, std::string name) {
  Store& s = Ready(name);
  const std::vector<std::string> ids = WarmPool();
  Article a;
  for (const std::string& id : ids) {
    if (!s.engine->Get(id, &a) || a.id() != id) Fail(name + ": get '" + id + "' failed");
  }
  Latencies lat;
  size_t k = 0;
  for (auto _ : state) {
    const std::string& id = ids[k++ % ids.size()];
    const auto t0 = Clock::now();
    const bool found = s.engine->Get(id, &a);
    const double d = Seconds(Clock::now() - t0);
    state.SetIterationTime(d);
    lat.Add(d);
    if (!found || a.id() != id) Fail(name + ": get '" + id + "' failed");
  }
  state.SetItemsProcessed(state.iterations());
  lat.Report(state);
}

// ENGINE/get_cold: the store reopened and its files dropped from the OS page cache
// every 100 reads; each read a random id (block cache and page cache start empty).
void BM_GetCold(benchmark::State& state, std::string name) {
  Store& s = Ready(name);
  const Corpus& corpus = TheCorpus();
  Rng rng{11};
  Article a;
  Latencies lat;
  size_t k = 0;
  for (auto _ : state) {
    if (k++ % kColdRound == 0) {
      s.engine->Close();
      DropFileCache(s.dir);
      s.engine->Open(s.dir);
    }
    const std::string id = corpus.id(rng.Below(corpus.size()));
    const auto t0 = Clock::now();
    const bool found = s.engine->Get(id, &a);
    const double d = Seconds(Clock::now() - t0);
    state.SetIterationTime(d);
    lat.Add(d);
    if (!found || a.id() != id) Fail(name + ": get '" + id + "' failed");
  }
  state.SetItemsProcessed(state.iterations());
  lat.Report(state);
}

// ENGINE/multiget: 100 ids a call, drawn from the warm pool.
void BM_MultiGet(benchmark::State& state, std::string name) {
  Store& s = Ready(name);
  const std::vector<std::string> pool = WarmPool();
  Article a;
  for (const std::string& id : pool) (void)s.engine->Get(id, &a);
  Rng rng{13};
  std::vector<std::string> ids(kMultiGet);
  std::vector<Article> out;
  Latencies lat;
  for (auto _ : state) {
    for (auto& id : ids) id = pool[rng.Below(pool.size())];
    const auto t0 = Clock::now();
    const size_t found = s.engine->MultiGet(ids, &out);
    const double d = Seconds(Clock::now() - t0);
    state.SetIterationTime(d);
    lat.Add(d);
    if (found != ids.size()) Fail(name + ": multiget found " + std::to_string(found));
    for (size_t i = 0; i < ids.size(); ++i) {
      if (out[i].id() != ids[i]) Fail(name + ": multiget returned the wrong article");
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kMultiGet));
  lat.Report(state);
}

// ------------------------------------------------------------------ queries

constexpr size_t kFacetLimit = 20;  // facets: the top 20 entities

// The corpus keys of a name, if any article has it (names in specs are as stored).
std::optional<uint32_t> KeyOf(const std::string& name) {
  return TheCorpus().FindKey(NormalizeName(name));
}

// Every article matching `q`, as (date, corpus index), newest first (corpus order breaks
// ties, as storage order does in the engines; ties are compared as sets anyway).
std::vector<std::pair<int64_t, uint32_t>> Matching(const QuerySpec& q) {
  const Corpus& c = TheCorpus();
  std::vector<uint32_t> keys;
  for (const std::string& e : q.entities) {
    const auto key = KeyOf(e);
    if (!key) return {};
    keys.push_back(*key);
  }
  std::vector<uint32_t> not_keys;
  for (const std::string& e : q.not_entities) {
    if (const auto key = KeyOf(e)) not_keys.push_back(*key);
  }
  std::vector<std::string> source_names = q.sources;
  if (q.source) source_names.push_back(*q.source);
  std::vector<uint32_t> sources;
  for (const std::string& name : source_names) {
    if (const auto key = KeyOf(name)) sources.push_back(*key);
  }
  if (!source_names.empty() && sources.empty()) return {};
  std::vector<uint32_t> all;
  if (keys.empty()) {
    all.resize(c.size());
    for (size_t i = 0; i < c.size(); ++i) all[i] = static_cast<uint32_t>(i);
  }
  const std::vector<uint32_t>& candidates = keys.empty() ? all : c.postings(keys[0]);
  const bool bounded = q.from_micros || q.to_micros;
  std::vector<std::pair<int64_t, uint32_t>> match;
  for (uint32_t i : candidates) {
    const int64_t t = c.published(i);
    if (bounded && t == kNoDate) continue;
    if (q.from_micros && t < *q.from_micros) continue;
    if (q.to_micros && t >= *q.to_micros) continue;
    if (!sources.empty() &&
        std::find(sources.begin(), sources.end(), c.source(i)) == sources.end()) {
      continue;
    }
    const auto e = c.entities(i);
    auto mentions = [&](uint32_t key) { return std::find(e.begin(), e.end(), key) != e.end(); };
    bool ok = true;
    for (size_t k = 1; k < keys.size() && ok; ++k) ok = mentions(keys[k]);
    for (size_t k = 0; k < not_keys.size() && ok; ++k) ok = !mentions(not_keys[k]);
    if (ok) match.emplace_back(t, i);
  }
  std::sort(match.begin(), match.end(), std::greater<>());
  return match;
}

std::vector<Hit> Expected(const QuerySpec& q) {
  const Corpus& c = TheCorpus();
  std::vector<Hit> out;
  for (const auto& [t, i] : Matching(q)) out.push_back(Hit{t, c.id(i)});
  return out;
}

// Per entity key, the number of articles matching `q` that mention it.
std::unordered_map<uint32_t, uint64_t> ExpectedFacets(const QuerySpec& q) {
  const Corpus& c = TheCorpus();
  std::unordered_map<uint32_t, uint64_t> counts;
  for (const auto& m : Matching(q)) {
    for (uint32_t key : c.entities(m.second)) ++counts[key];
  }
  return counts;
}

// Query parameters, drawn from random articles of the corpus so that every query has
// at least one answer, like a user's.
struct QuerySet {
  std::vector<QuerySpec> specs;
  // count_timeline: entity, year
  std::vector<std::tuple<std::string, int64_t, int64_t>> timelines;
};

QuerySet MakeQueries(const std::string& op) {
  const Corpus& c = TheCorpus();
  Rng rng{std::hash<std::string>{}(op)};
  QuerySet set;
  size_t empty_draws = 0;  // query_not: draws with no answer, left out while they are few
  for (size_t tries = 0; set.specs.size() + set.timelines.size() < kQueriesPerOp && tries < 100000;
       ++tries) {
    const size_t i = rng.Below(c.size());
    const int64_t t = c.published(i);
    if (t == kNoDate) continue;
    const auto ents = c.entities(i);
    const auto [mfrom, mto] = MonthOf(t);
    QuerySpec q;
    if (op == "query_date") {
      q.from_micros = mfrom;
      q.to_micros = mto;
    } else if (op == "query_source") {
      q.from_micros = mfrom;
      q.to_micros = mto;
      q.source = c.key_name(c.source(i));
    } else if (op == "query_entity") {
      if (ents.empty()) continue;
      q.from_micros = mfrom;
      q.to_micros = mto;
      q.entities = {c.key_name(ents[rng.Below(ents.size())])};
    } else if (op == "query_entity_source") {
      if (ents.empty()) continue;
      q.from_micros = mfrom;
      q.to_micros = mto;
      q.source = c.key_name(c.source(i));
      q.entities = {c.key_name(ents[rng.Below(ents.size())])};
    } else if (op == "query_2entities") {
      if (ents.size() < 2) continue;
      const size_t a = rng.Below(ents.size());
      size_t b = rng.Below(ents.size() - 1);
      if (b >= a) ++b;
      uint32_t ka = ents[a];
      uint32_t kb = ents[b];
      if (c.postings(kb).size() < c.postings(ka).size()) std::swap(ka, kb);  // rarest first
      q.entities = {c.key_name(ka), c.key_name(kb)};
    } else if (op == "query_or") {
      // The article's source or another one, an entity of the article, its month. A
      // corpus of one source (Reuters) gets a second source that no article has.
      if (ents.empty()) continue;
      uint32_t other = c.source(i);
      for (size_t k = 0; k < 100 && other == c.source(i); ++k) other = c.source(rng.Below(c.size()));
      q.from_micros = mfrom;
      q.to_micros = mto;
      q.sources = {c.key_name(c.source(i)),
                   other != c.source(i) ? c.key_name(other) : std::string("no such source")};
      if (KeyOf(q.sources[1]) && other == c.source(i)) Fail("query_or: 'no such source' exists");
      if (rng.Below(2) == 1) std::swap(q.sources[0], q.sources[1]);
      q.entities = {c.key_name(ents[rng.Below(ents.size())])};
    } else if (op == "query_not") {
      // An entity of the article and its month, without another entity of the article.
      if (ents.size() < 2) continue;
      const size_t a = rng.Below(ents.size());
      size_t b = rng.Below(ents.size() - 1);
      if (b >= a) ++b;
      q.from_micros = mfrom;
      q.to_micros = mto;
      q.entities = {c.key_name(ents[a])};
      q.not_entities = {c.key_name(ents[b])};
      // Prefer parameters with answers (a tiny corpus may have too few).
      if (Matching(q).empty() && ++empty_draws <= 1000) continue;
    } else if (op == "facets") {
      // The top entities of the articles naming an entity of the article in its month.
      if (ents.empty()) continue;
      q.from_micros = mfrom;
      q.to_micros = mto;
      q.entities = {c.key_name(ents[rng.Below(ents.size())])};
      q.limit = kFacetLimit;
    } else if (op == "count_timeline") {
      if (ents.empty()) continue;
      const auto [yfrom, yto] = YearOf(t);
      set.timelines.emplace_back(c.key_name(ents[rng.Below(ents.size())]), yfrom, yto);
      continue;
    } else {
      Fail("no query operation '" + op + "'");
    }
    set.specs.push_back(std::move(q));
  }
  if (set.specs.size() + set.timelines.size() < kQueriesPerOp) {
    Fail(op + ": the corpus has too few articles to draw queries from");
  }
  return set;
}

std::string Describe(const QuerySpec& q) {
  std::ostringstream o;
  o << "{";
  if (q.from_micros) o << " from=" << *q.from_micros;
  if (q.to_micros) o << " to=" << *q.to_micros;
  if (q.source) o << " source='" << *q.source << "'";
  for (const auto& s : q.sources) o << " any-source='" << s << "'";
  for (const auto& e : q.entities) o << " entity='" << e << "'";
  for (const auto& e : q.not_entities) o << " not-entity='" << e << "'";
  o << " limit=" << q.limit << " }";
  return o.str();
}

// Same length, same dates in the same order, and each article returned is one that
// matches with that date (articles with equal dates may come in any order).
std::string CheckAnswer(const std::string& who, const QuerySpec& q,
                        const std::vector<Hit>& all, const std::vector<Hit>& got) {
  const size_t want = std::min(all.size(), q.limit);
  std::string problem;
  std::unordered_multimap<int64_t, std::string> by_date;
  for (const Hit& h : all) by_date.emplace(h.published, h.id);
  std::set<std::string> seen;
  if (got.size() != want) {
    problem = "returned " + std::to_string(got.size()) + " articles, expected " +
              std::to_string(want);
  }
  for (size_t k = 0; problem.empty() && k < got.size(); ++k) {
    if (got[k].published != all[k].published) {
      problem = "article " + std::to_string(k) + " ('" + got[k].id + "') has date " +
                std::to_string(got[k].published) + ", expected " + std::to_string(all[k].published);
      break;
    }
    auto [lo, hi] = by_date.equal_range(got[k].published);
    const bool member = std::any_of(lo, hi, [&](const auto& e) { return e.second == got[k].id; });
    if (!member || !seen.insert(got[k].id).second) {
      problem = "article " + std::to_string(k) + " ('" + got[k].id + "') does not match or repeats";
    }
  }
  if (problem.empty()) return "";
  return who + ": wrong answer to " + Describe(q) + ": " + problem;
}

// The q.limit most frequent entities with their exact counts, most first; entities with
// equal counts may come in any order, and any of them may fill the last places.
std::string CheckFacets(const std::string& who, const QuerySpec& q,
                        const std::unordered_map<uint32_t, uint64_t>& counts,
                        const NameCounts& got) {
  const size_t want = std::min(counts.size(), q.limit);
  std::string problem;
  if (got.size() != want) {
    problem = "returned " + std::to_string(got.size()) + " entities, expected " +
              std::to_string(want);
  }
  std::set<uint32_t> seen;
  for (size_t k = 0; problem.empty() && k < got.size(); ++k) {
    const auto& [name, count] = got[k];
    const auto key = KeyOf(name);
    const auto it = key ? counts.find(*key) : counts.end();
    if (it == counts.end() || !seen.insert(*key).second) {
      problem = "entity " + std::to_string(k) + " ('" + name + "') is not among the matches or repeats";
    } else if (it->second != count) {
      problem = "entity '" + name + "' counted " + std::to_string(count) + ", expected " +
                std::to_string(it->second);
    } else if (k > 0 && count > got[k - 1].second) {
      problem = "entity '" + name + "' (" + std::to_string(count) + ") comes after a smaller count";
    }
  }
  if (problem.empty() && !got.empty()) {
    // Every entity counted more than the last one returned must be there.
    const uint64_t last = got.back().second;
    size_t above = 0;
    for (const auto& [key, n] : counts) above += n > last;
    size_t above_got = 0;
    for (const auto& g : got) above_got += g.second > last;
    if (above != above_got) {
      problem = std::to_string(above) + " entities are counted more than " + std::to_string(last) +
                ", the answer has " + std::to_string(above_got);
    }
  }
  if (problem.empty()) return "";
  return who + ": wrong facets of " + Describe(q) + ": " + problem;
}

struct CheckResult {
  std::string problem;        // the first difference from the corpus, or ""
  std::string not_supported;  // the engine's NotSupported message, or ""
};

// Checks every query of `op` on the engine once, before anything is timed.
CheckResult CheckQueries(const std::string& name, Engine& engine, const std::string& op,
                         const QuerySet& set) {
  static std::map<std::string, CheckResult> checked;
  const std::string who = name + "/" + op;
  if (auto it = checked.find(who); it != checked.end()) return it->second;
  CheckResult& result = checked[who];
  std::vector<Hit> got;
  NameCounts facets;
  for (const QuerySpec& q : set.specs) {
    TheWatchdog().Arm(who + " " + Describe(q), 120);
    const bool supported = op == "facets" ? engine.Facets(q, &facets) : engine.Query(q, &got);
    TheWatchdog().Disarm();
    if (!supported) {
      result.not_supported = engine.not_supported();
      return result;
    }
    result.problem = op == "facets" ? CheckFacets(who, q, ExpectedFacets(q), facets)
                                    : CheckAnswer(who, q, Expected(q), got);
    if (!result.problem.empty()) return result;
  }
  const Corpus& c = TheCorpus();
  DayCounts days;
  for (const auto& [entity, from, to] : set.timelines) {
    std::map<int64_t, uint64_t> want;
    if (const auto key = c.FindKey(entity)) {
      for (uint32_t i : c.postings(*key)) {
        const int64_t t = c.published(i);
        if (t == kNoDate || t < from || t >= to) continue;
        ++want[from + (t - from) / kMicrosPerDay * kMicrosPerDay];
      }
    }
    TheWatchdog().Arm(who + " '" + entity + "'", 120);
    const bool supported = engine.CountDays(entity, from, to, &days);
    TheWatchdog().Disarm();
    if (!supported) {
      result.not_supported = engine.not_supported();
      return result;
    }
    const std::map<int64_t, uint64_t> have(days.begin(), days.end());
    if (have != want || days.size() != want.size()) {
      result.problem = who + ": per-day counts of '" + entity + "' differ from the corpus (" +
                       std::to_string(have.size()) + " days vs " + std::to_string(want.size()) +
                       ")";
      return result;
    }
  }
  return result;
}

// Benchmarks skipped because the engine answered NotSupported.
std::vector<std::string>& Skipped() {
  static std::vector<std::string> skipped;
  return skipped;
}

void BM_Query(benchmark::State& state, std::string name, std::string op) {
  Store& s = Ready(name);
  const QuerySet set = MakeQueries(op);
  const CheckResult check = CheckQueries(name, *s.engine, op, set);
  if (!check.not_supported.empty()) {
    // Not a failure: the operation is left out for this engine, and says so.
    const std::string message = "skipped: not supported by " + name + " (" + check.not_supported + ")";
    std::cerr << "articledb_bench: " << name << "/" << op << " " << message << std::endl;
    if (std::find(Skipped().begin(), Skipped().end(), name + "/" + op) == Skipped().end()) {
      Skipped().push_back(name + "/" + op);
    }
    state.SkipWithError(message.c_str());
    return;
  }
  if (!check.problem.empty()) {
    std::cerr << "articledb_bench: " << check.problem << std::endl;
    g_wrong_answer = true;
    state.SkipWithError(check.problem.c_str());
    return;
  }
  std::vector<Hit> hits;
  DayCounts days;
  NameCounts facets;
  Latencies lat;
  size_t k = 0;
  uint64_t results = 0;
  for (auto _ : state) {
    double d;
    bool supported;
    if (op == "count_timeline") {
      const auto& [entity, from, to] = set.timelines[k++ % set.timelines.size()];
      const auto t0 = Clock::now();
      supported = s.engine->CountDays(entity, from, to, &days);
      d = Seconds(Clock::now() - t0);
      for (const auto& day : days) results += day.second;
    } else if (op == "facets") {
      const QuerySpec& q = set.specs[k++ % set.specs.size()];
      const auto t0 = Clock::now();
      supported = s.engine->Facets(q, &facets);
      d = Seconds(Clock::now() - t0);
      results += facets.size();
    } else {
      const QuerySpec& q = set.specs[k++ % set.specs.size()];
      const auto t0 = Clock::now();
      supported = s.engine->Query(q, &hits);
      d = Seconds(Clock::now() - t0);
      results += hits.size();
    }
    if (!supported) Fail(name + "/" + op + ": " + s.engine->not_supported());
    state.SetIterationTime(d);
    lat.Add(d);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["results_per_call"] =
      static_cast<double>(results) / static_cast<double>(std::max<int64_t>(1, state.iterations()));
  lat.Report(state);
}

// ------------------------------------------------------------------ dump and restore

std::string DumpPath() { return (fs::path(g_workdir) / "articledb.dump").string(); }

// articledb/dump: the whole main store to a dump file (MB/s of dump file written).
void BM_Dump(benchmark::State& state, std::string name) {
  Store& s = Ready(name);
  uint64_t records = 0;
  uint64_t bytes = 0;
  for (auto _ : state) {
    fs::remove(DumpPath());
    const auto t0 = Clock::now();
    records = s.engine->Dump(DumpPath(), &bytes);
    state.SetIterationTime(Seconds(Clock::now() - t0));
  }
  if (records != TheCorpus().size()) Fail(name + "/dump: wrote " + std::to_string(records));
  state.SetItemsProcessed(static_cast<int64_t>(records) * state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
  state.counters["dump_mb"] = static_cast<double>(bytes) / 1e6;
  state.counters["dump_ratio_json"] =
      static_cast<double>(bytes) / static_cast<double>(TheCorpus().json_bytes());
}

// articledb/restore: that dump file into an empty archive (MB/s of dump file read;
// the default RestoreOptions read the file twice: check, then write).
void BM_Restore(benchmark::State& state, std::string name) {
  if (!fs::exists(DumpPath())) {
    uint64_t bytes = 0;
    Ready(name).engine->Dump(DumpPath(), &bytes);
  }
  Use("");
  const std::string dir = (fs::path(g_workdir) / (name + "-restore")).string();
  uint64_t records = 0;
  uint64_t bytes = 0;
  for (auto _ : state) {
    fs::remove_all(dir);
    auto engine = MakeEngine(name);
    engine->Open(dir);
    const auto t0 = Clock::now();
    records = engine->Restore(DumpPath(), &bytes);
    state.SetIterationTime(Seconds(Clock::now() - t0));
    engine->Close();
    fs::remove_all(dir);
  }
  if (records != TheCorpus().size()) Fail(name + "/restore: read " + std::to_string(records));
  state.SetItemsProcessed(static_cast<int64_t>(records) * state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(fs::file_size(DumpPath())) * state.iterations());
  fs::remove(DumpPath());
}

// ------------------------------------------------------------------ import

// The corpus as JSON Lines (ArticleToJson of every record, in corpus order), written once
// to the work directory: the input of ENGINE/import.
const std::string& JsonLinesPath() {
  static const std::string path = [] {
    const std::string p = (fs::path(g_workdir) / "corpus.jsonl").string();
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    auto reader = TheCorpus().Read();
    Article a;
    std::string json;
    while (reader->Next(&a)) {
      if (!ArticleToJson(a, &json).ok()) Fail("import: an article does not print as JSON");
      out << json << '\n';
    }
    out.close();
    if (!out) Fail("import: cannot write " + p);
    return p;
  }();
  return path;
}

// The peak resident memory (VmHWM, MB) of process `pid`, or 0 when it is gone.
double ChildPeakMb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

// Runs `argv` with stdin from `input` (or /dev/null) and stdout and stderr to `log`;
// returns the exit status, and in *peak_mb the child's peak resident memory in MB, read
// from /proc every 5 ms while it runs (wait4's ru_maxrss would count the harness's own
// pages, which the child shares between fork and exec).
int RunProcess(const std::vector<std::string>& argv, const std::string& input,
               const std::string& log, double* peak_mb) {
  const pid_t pid = ::fork();
  if (pid < 0) Fail("import: fork failed");
  if (pid == 0) {
    const int in = ::open(input.empty() ? "/dev/null" : input.c_str(), O_RDONLY);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  *peak_mb = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0) Fail("import: waitpid failed");
    // Before exec the child is the harness's copy: its figure is not the tool's.
    std::ifstream exe_check("/proc/" + std::to_string(pid) + "/cmdline");
    std::string cmd;
    std::getline(exe_check, cmd, '\0');
    if (cmd == argv[0]) *peak_mb = std::max(*peak_mb, ChildPeakMb(pid));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string FileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The sqlite3 shell's load of the same file: each line into a table as JSON text, then
// the indexes ArticleDB keeps (id, date, source by date, entity names), as expression
// indexes and an entity table made with json_each. WAL journal, synchronous=NORMAL, as
// the sqlite engine of the other benchmarks.
std::string SqliteLoadScript(const std::string& jsonl) {
  return "PRAGMA journal_mode=WAL;\n"
         "PRAGMA synchronous=NORMAL;\n"
         "CREATE TABLE articles(j TEXT NOT NULL);\n"
         ".mode ascii\n"
         ".separator \"\\037\" \"\\n\"\n"
         ".import '" + jsonl + "' articles\n"
         "CREATE INDEX articles_id ON articles(j->>'id');\n"
         "CREATE INDEX articles_date ON articles(j->>'published_at');\n"
         "CREATE INDEX articles_source ON articles(j->>'source', j->>'published_at');\n"
         "CREATE TABLE entities AS SELECT a.rowid AS doc, e.value->>'name' AS name\n"
         "  FROM articles a, json_each(a.j, '$.entities') e;\n"
         "CREATE INDEX entities_name ON entities(name, doc);\n";
}

// ENGINE/import: a JSON Lines file to a committed, indexed archive through each engine's
// own command-line tool, timed end to end (process start to exit): `articledb import`
// for articledb, the `sqlite3` shell with SqliteLoadScript for sqlite. peak_rss_mb is the
// tool's (sampled every 5 ms). The archive is checked afterwards (outside the time): every article stored.
void BM_Import(benchmark::State& state, std::string name) {
  Use("");
  const Corpus& corpus = TheCorpus();
  const std::string jsonl = JsonLinesPath();
  const std::string dir = (fs::path(g_workdir) / (name + "-import")).string();
  const std::string log = dir + ".log";
  std::vector<std::string> argv;
  std::string input;
  if (name == "articledb") {
#ifdef ARTICLEDB_CLI_PATH
    argv = {ARTICLEDB_CLI_PATH, "import", "--quiet", dir, jsonl};
#endif
  } else {
    if (std::system("sqlite3 -version >/dev/null 2>&1") == 0) {
      input = dir + ".sql";
      std::ofstream(input) << SqliteLoadScript(jsonl);
      argv = {"sqlite3", (fs::path(dir) / "articles.sqlite").string()};
    }
  }
  if (argv.empty()) {
    const std::string message = "skipped: no " + std::string(name == "articledb"
                                    ? "articledb tool in this build" : "sqlite3 shell");
    std::cerr << "articledb_bench: " << name << "/import " << message << std::endl;
    Skipped().push_back(name + "/import");
    state.SkipWithError(message.c_str());
    return;
  }
  double peak_mb = 0;
  for (auto _ : state) {
    fs::remove_all(dir);
    fs::create_directories(fs::path(dir).parent_path());
    if (name != "articledb") fs::create_directories(dir);
    const auto t0 = Clock::now();
    const int rc = RunProcess(argv, input, log, &peak_mb);
    state.SetIterationTime(Seconds(Clock::now() - t0));
    if (rc != 0) Fail(name + "/import: exit status " + std::to_string(rc) + ":\n" + FileText(log));
  }
  // Every article stored: the tool's own count, checked outside the time.
  const std::string n = std::to_string(corpus.size());
  if (name == "articledb") {
    if (FileText(log).find("stored " + n + " ") == std::string::npos) {
      Fail("articledb/import: the summary does not say 'stored " + n + "':\n" + FileText(log));
    }
  } else {
    double unused = 0;
    const std::string count_log = dir + ".count";
    RunProcess({"sqlite3", (fs::path(dir) / "articles.sqlite").string(),
                "SELECT count(*) FROM articles;"}, "", count_log, &unused);
    if (FileText(count_log) != n + "\n") {
      Fail("sqlite/import: " + FileText(count_log) + " rows, not " + n);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(corpus.size()) * state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(corpus.json_bytes()) * state.iterations());
  state.counters["peak_rss_mb"] = peak_mb;
  state.counters["disk_mb"] = static_cast<double>(DirBytes(dir)) / 1e6;
  fs::remove_all(dir);
}

// ------------------------------------------------------------------ registration

void Register() {
  const std::vector<std::string> queries = {
      "query_date",      "query_source", "query_entity", "query_entity_source",
      "query_2entities", "query_or",     "query_not",    "facets",
      "count_timeline"};
  for (const std::string name : {"articledb", "sqlite", "rocksdb_raw"}) {
    auto reg = [&](const std::string& op, auto fn) {
      return benchmark::RegisterBenchmark((name + "/" + op).c_str(), fn, name)->UseManualTime();
    };
    reg("ingest_batch", BM_IngestBatch)->Iterations(1)->Unit(benchmark::kMillisecond);
    if (name == "articledb") {
      // Right after ingest_batch, so that its peak memory is not raised by heap the
      // process kept from the read benchmarks.
      reg("ingest_bulk", BM_IngestBulk)->Iterations(1)->Unit(benchmark::kMillisecond);
    }
    reg("get", BM_Get)->Unit(benchmark::kMicrosecond);
    reg("get_cold", BM_GetCold)->Unit(benchmark::kMicrosecond);
    reg("multiget", BM_MultiGet)->Unit(benchmark::kMicrosecond);
    if (name != "rocksdb_raw") {
      for (const std::string& op : queries) {
        benchmark::RegisterBenchmark((name + "/" + op).c_str(), BM_Query, name, op)
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond);
      }
    }
    reg("ingest_single", BM_IngestSingle)->Iterations(1)->Unit(benchmark::kMillisecond);
    if (name != "rocksdb_raw") {
      reg("import", BM_Import)->Iterations(1)->Unit(benchmark::kMillisecond);
    }
    if (name == "articledb") {
      reg("dump", BM_Dump)->Iterations(1)->Unit(benchmark::kMillisecond);
      reg("restore", BM_Restore)->Iterations(1)->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace
}  // namespace articledb::bench

int main(int argc, char** argv) {
  using namespace articledb::bench;
  std::string corpus = "reuters";
  std::string reuters = std::string(ARTICLEDB_CORPORA_DIR) + "/reuters21578.jsonl.zst";
  std::string workdir;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--corpus=", 0) == 0) {
      corpus = a.substr(9);
    } else if (a.rfind("--reuters=", 0) == 0) {
      reuters = a.substr(10);
    } else if (a.rfind("--workdir=", 0) == 0) {
      workdir = a.substr(10);
    } else if (a == "--help" || a == "-h") {
      std::cout << "usage: articledb_bench [--corpus=reuters|synthetic:N] [--reuters=PATH]\n"
                   "                       [--workdir=DIR] [Google Benchmark flags]\n";
      rest.push_back(argv[i]);
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (corpus == "reuters") {
    g_spec.kind = "reuters";
    g_spec.reuters_path = reuters;
  } else if (corpus.rfind("synthetic:", 0) == 0) {
    g_spec.kind = "synthetic";
    try {
      g_spec.synthetic_count = std::stoull(corpus.substr(10));
    } catch (...) {
      Fail("--corpus=synthetic:N needs a number of articles");
    }
    if (g_spec.synthetic_count == 0) Fail("--corpus=synthetic:N needs N > 0");
  } else {
    Fail("--corpus must be 'reuters' or 'synthetic:N'");
  }
  if (workdir.empty()) {
    workdir = (std::filesystem::temp_directory_path() /
               ("articledb-bench-" + std::to_string(::getpid())))
                  .string();
  }
  g_workdir = workdir;
  std::filesystem::remove_all(g_workdir);
  std::filesystem::create_directories(g_workdir);

  int rest_argc = static_cast<int>(rest.size());
  Register();
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
  bool listing = false;
  for (char* a : rest) listing |= std::string(a).rfind("--benchmark_list_tests", 0) == 0;
  if (!listing) (void)TheCorpus();  // before the run, so its context goes into the output
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  Stores().clear();
  std::filesystem::remove_all(g_workdir);
  if (!Skipped().empty()) {
    std::cerr << "articledb_bench: skipped, not supported:";
    for (const std::string& b : Skipped()) std::cerr << " " << b;
    std::cerr << std::endl;
  }
  if (g_wrong_answer) {
    std::cerr << "articledb_bench: FAILED: an engine gave wrong answers (see above)" << std::endl;
    return 1;
  }
  return 0;
}
