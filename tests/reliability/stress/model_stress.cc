// Randomised model test (in the style of RocksDB's db_stress): threads write, read, query,
// refresh a read-only instance, reindex and checkpoint one archive, and every answer is
// checked against an expected state kept outside the archive. model_stress.py kills this
// program with SIGKILL at random moments and starts it again; each start first checks the
// archive it finds against the expected state the killed run left.
//
//   model_stress --db DIR --expected FILE [--seconds S] [--seed N] [--writers W]
//                [--readers R] [--ids K] [--reindex 0|1] [--secondary 0|1|reopen]
//                [--checkpoint 0|1] [--flush 0|1] [--write-buffer-kib K] [--keep-going]
//
// --secondary reopen hands the readers a newly opened read-only instance now and then
// instead of calling Refresh on one; --keep-going counts failed checks by kind (printing
// the first three of each) instead of stopping at the first. --flush 0 leaves out the
// Flush and Compact calls; --write-buffer-kib sizes the memtables (default 1024: small, so
// that flushes run throughout).
//
// The expected state. Ids are partitioned among the writer threads: writer t alone writes
// ids "t<t>.<k>", so the model of each id is exact. Every write of an id gets a new
// version v, and its content is a pure function of (id, v) (Make), so a stored article
// tells which version it is. Per id the expected-state file (mapped shared, so its
// contents outlive a SIGKILL of the process) holds the version last acknowledged and the
// version in flight (`pending`, set before the write is issued); per writer it lists the
// ids of the write in flight. After a kill each id must be at its acknowledged or its
// in-flight version, and the ids of the write in flight all at one or all at the other
// (a write is atomic).
//
// Concurrent checks. A read of another writer's id races with that writer; it is checked
// against bounds: the id's acknowledged version when the read started (every write
// acknowledged before a read starts must be seen) and its in-flight version when the read
// ended, and the version seen must be one that was written (a put, with exactly Make's
// content, or a delete). Reads of a read-only (secondary) instance take as lower bound the
// versions acknowledged before the start of its last completed Refresh. A checkpoint is
// checked the same way, between the versions acknowledged before it started and those in
// flight when it ended. A query walk (every page, cursor after cursor) must return
// articles that match its filter, in time order, each at an allowed version; an id that
// nothing wrote during the walk (no write in flight when it started, none started before
// it ended) must come exactly once when its version matches the filter and never
// otherwise. Count and the sum of a Timeline lie between the number of such untouched
// matching ids and that number plus the number of touched ids. With every thread stopped
// (after the recovery check and at the end), everything is exact: Get and MultiGet of
// every id, Count and Timeline of several filters, complete query walks, the read-only
// instance after a Refresh, and Verify.
//
// Exit status: 0 when every check passed, 1 on a failed check (the message names the
// check, the id, what was seen and what was allowed), 2 on a usage or setup error.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "articledb/articledb.h"

namespace {

namespace fs = std::filesystem;
using articledb::Archive;
using articledb::Article;
using articledb::Filter;
using articledb::Status;

constexpr uint64_t kMagic = 0x41444253544d4f44ULL;  // file identity of the expected state
constexpr uint32_t kMaxWriters = 16;
constexpr uint32_t kMaxBatch = 32;
constexpr int64_t kDay = 86400LL * 1000000;
constexpr int64_t kStart = 1704067200LL * 1000000;  // 2024-01-01T00:00:00Z
const char* const kSources[] = {"Le Monde", "Reuters", "Die Zeit"};
const char* const kSourceSpellings[] = {"LE MONDE", "reuters", "Die Zeit"};
const char* const kEntities[] = {"Nikol Pachinian", "Arménie", "Bakou", "OTAN", "Erevan"};
const char* const kEntitySpellings[] = {"nikol pachinian", "ARMENIE", "Bakou", "otan", "Erevan"};

// ---- Options ----
struct Config {
  std::string db, expected;
  double seconds = 5;
  uint64_t seed = 1;
  uint32_t writers = 3, readers = 2, ids = 300;
  bool reindex = true, secondary = true, checkpoint = true, keep_going = false;
  bool reopen = false;  // --secondary reopen: a new read-only instance instead of Refresh
  bool flush = true;    // Flush and Compact calls
  uint32_t write_buffer_kib = 1024;
};
Config cfg;

// ---- Failures ----
std::mutex fail_mu;
std::map<std::string, uint64_t> failures;  // by check
std::atomic<uint64_t> failure_total{0};

// Records a failed check. `check` names it (e.g. "secondary Get"); without --keep-going
// the first failure ends the process with status 1.
void Fail(const std::string& check, const std::string& detail) {
  std::lock_guard lock(fail_mu);
  const uint64_t n = ++failures[check];
  ++failure_total;
  if (n <= 3) std::fprintf(stderr, "model_stress: FAILED %s: %s\n", check.c_str(), detail.c_str());
  if (!cfg.keep_going) {
    std::fprintf(stderr, "model_stress: seed %llu\n", static_cast<unsigned long long>(cfg.seed));
    std::fflush(stderr);
    std::_Exit(1);
  }
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "model_stress: %s\n", what.c_str());
  std::fflush(stderr);
  std::_Exit(2);
}

// ---- Versions ----
// A state of an id is encoded as version * 2 + (1 if stored, 0 if absent). Version 0 is
// the absent id nothing has written yet (the zero-filled file).
inline uint32_t Enc(uint32_t version, bool stored) { return version * 2 + (stored ? 1 : 0); }
inline uint32_t Ver(uint32_t e) { return e >> 1; }
inline bool Stored(uint32_t e) { return e & 1; }
std::string Show(uint32_t e) {
  return Stored(e) ? "v" + std::to_string(Ver(e)) : "absent(v" + std::to_string(Ver(e)) + ")";
}

// ---- The expected state file ----
struct Flight {
  uint32_t count;  // ids of the write in flight; 0 when none
  uint32_t idx[kMaxBatch];
};
struct Slot {
  uint32_t acked;    // state last acknowledged
  uint32_t pending;  // state of the write in flight (== acked when none)
  uint32_t maxver;   // highest version ever issued for the id
  uint32_t pad;
};
struct Header {
  uint64_t magic;
  uint32_t writers, ids;
  Flight flight[kMaxWriters];
};

Header* header = nullptr;
Slot* slots = nullptr;
uint32_t total_ids = 0;

template <typename T>
T Load(T& v) {
  return std::atomic_ref<T>(v).load(std::memory_order_acquire);
}
template <typename T>
void Store(T& v, T x) {
  std::atomic_ref<T>(v).store(x, std::memory_order_release);
}

void MapExpected() {
  total_ids = cfg.writers * cfg.ids;
  const size_t size = sizeof(Header) + sizeof(Slot) * total_ids;
  const bool fresh = !fs::exists(cfg.expected);
  const int fd = ::open(cfg.expected.c_str(), O_RDWR | O_CREAT, 0644);
  if (fd < 0) Die("cannot open expected state '" + cfg.expected + "'");
  struct stat st {};
  if (::fstat(fd, &st) != 0) Die("cannot stat expected state");
  if (!fresh && static_cast<size_t>(st.st_size) != size) {
    Die("expected state '" + cfg.expected + "' was made with other --writers/--ids");
  }
  if (fresh && ::ftruncate(fd, static_cast<off_t>(size)) != 0) Die("cannot size expected state");
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) Die("cannot map expected state");
  ::close(fd);
  header = static_cast<Header*>(p);
  slots = reinterpret_cast<Slot*>(static_cast<char*>(p) + sizeof(Header));
  if (header->magic == 0) {
    header->writers = cfg.writers;
    header->ids = cfg.ids;
    Store(header->magic, kMagic);
  } else if (header->magic != kMagic || header->writers != cfg.writers || header->ids != cfg.ids) {
    Die("expected state '" + cfg.expected + "' does not belong to these options");
  }
}

// ---- Articles ----
std::string IdOf(uint32_t idx) {
  return "t" + std::to_string(idx / cfg.ids) + "." + std::to_string(idx % cfg.ids);
}
std::optional<uint32_t> IdxOf(const std::string& id) {
  unsigned t = 0, k = 0;
  char tail = 0;
  if (std::sscanf(id.c_str(), "t%u.%u%c", &t, &k, &tail) != 2) return std::nullopt;
  if (t >= cfg.writers || k >= cfg.ids || id != "t" + std::to_string(t) + "." + std::to_string(k)) {
    return std::nullopt;
  }
  return t * cfg.ids + k;
}

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct Shape {  // what filters look at, in normalised form
  int source;
  unsigned entities;  // bit i: kEntities[i]
  int64_t time;
};
Shape ShapeOf(uint32_t idx, uint32_t version) {
  std::mt19937_64 rng(Mix(static_cast<uint64_t>(idx) << 32 | version));
  Shape s;
  s.source = static_cast<int>(rng() % 3);
  const unsigned e1 = static_cast<unsigned>(rng() % 32);
  s.entities = e1 & static_cast<unsigned>(rng() % 32);
  s.time = kStart + static_cast<int64_t>(rng() % 366) * kDay + static_cast<int64_t>(rng() % kDay);
  return s;
}
Article Make(uint32_t idx, uint32_t version) {
  const Shape s = ShapeOf(idx, version);
  std::mt19937_64 rng(Mix(static_cast<uint64_t>(idx) << 32 | version) ^ 0x5bd1e995);
  Article a;
  a.set_id(IdOf(idx));
  a.set_source(kSources[s.source]);
  a.set_title(IdOf(idx) + " v" + std::to_string(version));
  a.mutable_published_at()->set_seconds(s.time / 1000000);
  a.mutable_published_at()->set_nanos(static_cast<int32_t>(s.time % 1000000) * 1000);
  for (int i = 0; i < 5; ++i) {
    if (s.entities & (1u << i)) {
      auto* e = a.add_entities();
      e->set_name(kEntities[i]);
      e->set_kind(articledb::Entity::OTHER);
    }
  }
  const bool large = rng() % 20 == 0;
  std::string body(40 + rng() % (large ? 20000 : 1500), ' ');
  for (auto& c : body) c = static_cast<char>('a' + rng() % 26);
  a.set_body(body);
  return a;
}

// The state a stored article shows; Fail()s when it is not exactly Make(id, version).
std::optional<uint32_t> Observe(uint32_t idx, const Article& a, const std::string& check) {
  unsigned v = 0;
  const std::string prefix = IdOf(idx) + " v";
  if (a.id() != IdOf(idx) || a.title().rfind(prefix, 0) != 0 ||
      std::sscanf(a.title().c_str() + prefix.size(), "%u", &v) != 1) {
    Fail(check, "asked for " + IdOf(idx) + ", got id '" + a.id() + "' title '" + a.title() + "'");
    return std::nullopt;
  }
  if (a.SerializeAsString() != Make(idx, v).SerializeAsString()) {
    Fail(check, IdOf(idx) + " v" + std::to_string(v) + " does not hold the content written");
    return std::nullopt;
  }
  return Enc(v, true);
}

// ---- The in-process history of each id (to check reads that race with writes) ----
struct Writer {
  std::mutex mu;                             // guards history of this writer's ids
  std::vector<std::vector<uint32_t>> history;  // per id, every state since this run began
};
std::vector<std::unique_ptr<Writer>> writers;
Writer& OwnerOf(uint32_t idx) { return *writers[idx / cfg.ids]; }

// Checks that `seen` (a state, or nullopt for NotFound) is allowed for a read that began
// when `lo` was acknowledged and ended when `hi` was in flight.
void CheckBounded(uint32_t idx, std::optional<uint32_t> seen, uint32_t lo, uint32_t hi,
                  const std::string& check) {
  Writer& w = OwnerOf(idx);
  std::lock_guard lock(w.mu);
  const auto& h = w.history[idx % cfg.ids];
  for (uint32_t e : h) {
    if (Ver(e) < Ver(lo) || Ver(e) > Ver(hi)) continue;
    if (seen ? e == *seen : !Stored(e)) return;
  }
  Fail(check, IdOf(idx) + ": saw " + (seen ? Show(*seen) : std::string("NotFound")) +
                  ", allowed the states between " + Show(lo) + " (acknowledged before) and " +
                  Show(hi) + " (in flight after)");
}

std::vector<uint32_t> AckedNow() {
  std::vector<uint32_t> v(total_ids);
  for (uint32_t i = 0; i < total_ids; ++i) v[i] = Load(slots[i].acked);
  return v;
}
std::vector<uint32_t> PendingNow() {
  std::vector<uint32_t> v(total_ids);
  for (uint32_t i = 0; i < total_ids; ++i) v[i] = Load(slots[i].pending);
  return v;
}

// ---- Filters ----
struct Query {
  Filter filter;
  int source = -1;
  unsigned sources = 0;       // bit i: kSources[i]; any of them (with `source`)
  unsigned entities = 0;      // all of them
  unsigned any_entities = 0;  // at least one of them
  unsigned not_entities = 0;  // none of them
};
bool Matches(const Query& q, const Shape& s) {
  const unsigned sources = q.sources | (q.source >= 0 ? 1u << q.source : 0u);
  if (sources != 0 && (sources & (1u << s.source)) == 0) return false;
  if ((s.entities & q.entities) != q.entities) return false;
  if (q.any_entities != 0 && (s.entities & q.any_entities) == 0) return false;
  if ((s.entities & q.not_entities) != 0) return false;
  if (q.filter.from_micros && s.time < *q.filter.from_micros) return false;
  if (q.filter.to_micros && s.time >= *q.filter.to_micros) return false;
  return true;
}
bool Matches(const Query& q, uint32_t idx, uint32_t state) {
  return Stored(state) && Matches(q, ShapeOf(idx, Ver(state)));
}
Query RandomQuery(std::mt19937_64& rng) {
  Query q;
  if (rng() % 2) {
    q.source = static_cast<int>(rng() % 3);
    q.filter.source = rng() % 2 ? kSources[q.source] : kSourceSpellings[q.source];
  }
  const size_t k = rng() % 3;
  for (size_t j = 0; j < k; ++j) {
    const unsigned e = static_cast<unsigned>(rng() % 5);
    if (q.entities & (1u << e)) continue;
    q.entities |= 1u << e;
    q.filter.entities.push_back(rng() % 2 ? kEntities[e] : kEntitySpellings[e]);
  }
  // OR of sources, OR and NOT of entities.
  if (rng() % 4 == 0) {
    for (int n = static_cast<int>(1 + rng() % 2); n > 0; --n) {
      const int src = static_cast<int>(rng() % 3);
      q.sources |= 1u << src;
      q.filter.sources.push_back(rng() % 2 ? kSources[src] : kSourceSpellings[src]);
    }
  }
  if (rng() % 4 == 0) {
    for (int n = static_cast<int>(1 + rng() % 3); n > 0; --n) {
      const unsigned e = static_cast<unsigned>(rng() % 5);
      q.any_entities |= 1u << e;
      q.filter.any_entities.push_back(rng() % 2 ? kEntities[e] : kEntitySpellings[e]);
    }
  }
  if (rng() % 4 == 0) {
    const unsigned e = static_cast<unsigned>(rng() % 5);
    q.not_entities |= 1u << e;
    q.filter.not_entities.push_back(rng() % 2 ? kEntities[e] : kEntitySpellings[e]);
  }
  if (rng() % 2) {
    q.filter.from_micros = kStart + static_cast<int64_t>(rng() % 300) * kDay;
    q.filter.to_micros = *q.filter.from_micros + static_cast<int64_t>(1 + rng() % 120) * kDay;
  }
  return q;
}
std::string Describe(const Query& q) {
  std::string s = "filter{";
  if (q.filter.source) s += "source=" + *q.filter.source + " ";
  for (const auto& x : q.filter.sources) s += "sources=" + x + " ";
  for (const auto& e : q.filter.entities) s += "entity=" + e + " ";
  for (const auto& e : q.filter.any_entities) s += "any_entity=" + e + " ";
  for (const auto& e : q.filter.not_entities) s += "not_entity=" + e + " ";
  if (q.filter.from_micros) {
    s += "from=" + articledb::FormatTime(*q.filter.from_micros) +
         " to=" + articledb::FormatTime(*q.filter.to_micros);
  }
  return s + "}";
}

// ---- Statistics ----
std::atomic<uint64_t> n_put{0}, n_batch{0}, n_delete{0}, n_get{0}, n_walk{0}, n_page{0},
    n_count{0}, n_refresh{0}, n_reindex{0}, n_checkpoint{0}, n_secondary_reads{0}, n_flush{0},
    n_compact{0};

// ---- Reads refused while a reindex runs ----
// Reindex makes read calls return Busy while it runs (archive.h), and a read-only
// instance's reads after a Refresh that found the rebuild unfinished. A Busy answer is
// allowed when a reindex began before the read ended and had not ended before the
// state the read works on was taken: `busy_floor` is the number of reindexes ended
// then (before the read, or before the read-only instance's last Refresh).
std::atomic<uint64_t> reindex_begun{0}, reindex_ended{0}, n_busy{0};
thread_local uint64_t busy_floor = 0;
bool BusyAllowed(const Status& s) {
  if (!s.IsBusy() || reindex_begun.load() <= busy_floor) return false;
  if (++n_busy % 16 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // no spinning
  return true;
}

// ---- Bounded checks shared by the primary, the secondary and checkpoints ----
// `lo` gives the lower bound of each id (what must be seen at least).
void CheckGet(Archive& db, uint32_t idx, uint32_t lo, const std::string& check) {
  Article a;
  Status s = db.Get(IdOf(idx), &a);
  const uint32_t hi = Load(slots[idx].pending);
  if (BusyAllowed(s)) return;
  if (s.IsNotFound()) return CheckBounded(idx, std::nullopt, lo, hi, check);
  if (!s.ok()) return Fail(check, IdOf(idx) + ": " + s.ToString());
  if (auto e = Observe(idx, a, check)) CheckBounded(idx, *e, lo, hi, check);
}

void CheckMultiGet(Archive& db, const std::vector<uint32_t>& idxs, const std::vector<uint32_t>& lo,
                   const std::string& check) {
  std::vector<std::string> ids;
  for (uint32_t i : idxs) ids.push_back(IdOf(i));
  std::vector<Article> got;
  std::vector<Status> st;
  Status s = db.MultiGet(ids, &got, &st);
  if (BusyAllowed(s)) return;
  if (!s.ok()) return Fail(check, s.ToString());
  if (got.size() != ids.size() || st.size() != ids.size()) return Fail(check, "answer of wrong size");
  for (size_t j = 0; j < idxs.size(); ++j) {
    const uint32_t hi = Load(slots[idxs[j]].pending);
    if (BusyAllowed(st[j])) continue;
    if (st[j].IsNotFound()) {
      CheckBounded(idxs[j], std::nullopt, lo[j], hi, check);
    } else if (!st[j].ok()) {
      Fail(check, ids[j] + ": " + st[j].ToString());
    } else if (auto e = Observe(idxs[j], got[j], check)) {
      CheckBounded(idxs[j], *e, lo[j], hi, check);
    }
  }
}

// Walks every page of `q`. `lo` holds the lower bound of every id at the start.
void CheckWalk(Archive& db, const Query& q, const std::vector<uint32_t>& lo, std::mt19937_64& rng,
               const std::string& check) {
  const std::vector<uint32_t> pending_before = PendingNow();
  articledb::QueryOptions qo;
  qo.order = rng() % 2 ? articledb::Order::kNewestFirst : articledb::Order::kOldestFirst;
  qo.limit = 1 + rng() % 60;
  std::vector<int> seen(total_ids, 0);
  int64_t last = 0;
  bool first = true;
  uint64_t pages = 0;
  for (;;) {
    articledb::Page page;
    Status s = db.Query(q.filter, qo, &page);
    if (BusyAllowed(s)) return;  // the walk is abandoned
    if (!s.ok()) return Fail(check, Describe(q) + " page " + std::to_string(pages) + ": " + s.ToString());
    ++pages;
    ++n_page;
    for (const Article& a : page.articles) {
      auto idx = IdxOf(a.id());
      if (!idx) return Fail(check, "returned unknown id '" + a.id() + "'");
      auto e = Observe(*idx, a, check);
      if (!e) return;
      const Shape shape = ShapeOf(*idx, Ver(*e));
      if (!Matches(q, shape)) return Fail(check, a.id() + " " + Show(*e) + " returned for " + Describe(q) + " it does not match");
      if (!first && (qo.order == articledb::Order::kNewestFirst ? shape.time > last : shape.time < last)) {
        return Fail(check, "pages out of time order at " + a.id());
      }
      first = false;
      last = shape.time;
      ++seen[*idx];
      CheckBounded(*idx, *e, lo[*idx], Load(slots[*idx].pending), check);
    }
    if (page.next_cursor.empty()) break;
    qo.cursor = page.next_cursor;
  }
  const std::vector<uint32_t> pending_after = PendingNow();
  for (uint32_t i = 0; i < total_ids; ++i) {
    // Untouched during the walk: nothing in flight at its start, nothing issued by its end.
    const bool untouched = lo[i] == pending_before[i] && pending_before[i] == pending_after[i];
    if (!untouched) continue;
    const int want = Matches(q, i, lo[i]) ? 1 : 0;
    if (seen[i] != want) {
      Fail(check, IdOf(i) + " " + Show(lo[i]) + ", untouched during the walk, came " +
                      std::to_string(seen[i]) + " times (want " + std::to_string(want) + ") in " +
                      Describe(q) + " order " + (qo.order == articledb::Order::kNewestFirst ? "newest" : "oldest") +
                      " limit " + std::to_string(qo.limit) + " after " + std::to_string(pages) + " pages");
      return;
    }
  }
  ++n_walk;
}

void CheckCount(Archive& db, const Query& q, const std::vector<uint32_t>& lo, const std::string& check) {
  const std::vector<uint32_t> pending_before = PendingNow();
  uint64_t count = 0;
  Status s = db.Count(q.filter, &count);
  if (BusyAllowed(s)) return;
  if (!s.ok()) return Fail(check, "Count " + Describe(q) + ": " + s.ToString());
  std::vector<articledb::TimelineEntry> tl;
  s = db.Timeline(q.filter, articledb::Bucket::kMonth, &tl);
  if (BusyAllowed(s)) return;
  if (!s.ok()) return Fail(check, "Timeline " + Describe(q) + ": " + s.ToString());
  const std::vector<uint32_t> pending_after = PendingNow();
  uint64_t must = 0, may = 0;
  for (uint32_t i = 0; i < total_ids; ++i) {
    const bool untouched = lo[i] == pending_before[i] && pending_before[i] == pending_after[i];
    if (untouched) {
      must += Matches(q, i, lo[i]) ? 1 : 0;
    } else {
      ++may;
    }
  }
  uint64_t sum = 0;
  for (const auto& e : tl) sum += e.count;
  if (count < must || count > must + may) {
    Fail(check, "Count " + Describe(q) + " = " + std::to_string(count) + ", allowed " +
                    std::to_string(must) + ".." + std::to_string(must + may));
  }
  if (sum < must || sum > must + may) {
    Fail(check, "Timeline " + Describe(q) + " sums to " + std::to_string(sum) + ", allowed " +
                    std::to_string(must) + ".." + std::to_string(must + may));
  }
  ++n_count;
}

// ---- Exact checks, every thread stopped ----
int64_t MonthStart(int64_t micros) {
  const time_t secs = static_cast<time_t>(micros / 1000000);
  struct tm t {};
  gmtime_r(&secs, &t);
  t.tm_mday = 1;
  t.tm_hour = t.tm_min = t.tm_sec = 0;
  return static_cast<int64_t>(timegm(&t)) * 1000000;
}

void CheckExact(Archive& db, const std::string& where) {
  busy_floor = reindex_begun.load();  // no reindex runs now: Busy is never right
  const std::vector<uint32_t> want = AckedNow();
  for (uint32_t i = 0; i < total_ids; ++i) {
    CheckGet(db, i, want[i], where + " Get");
  }
  for (uint32_t i = 0; i < total_ids; i += 97) {
    std::vector<uint32_t> idxs, lo;
    for (uint32_t j = i; j < std::min(total_ids, i + 97); ++j) idxs.push_back(j), lo.push_back(want[j]);
    CheckMultiGet(db, idxs, lo, where + " MultiGet");
  }
  std::mt19937_64 rng(Mix(cfg.seed ^ 0xe7ac7));
  std::vector<Query> queries(1);  // everything
  for (int s = 0; s < 3; ++s) {
    Query q;
    q.source = s;
    q.filter.source = kSourceSpellings[s];
    queries.push_back(q);
  }
  for (int e = 0; e < 5; ++e) {
    Query q;
    q.entities = 1u << e;
    q.filter.entities.push_back(kEntitySpellings[e]);
    queries.push_back(q);
  }
  for (int r = 0; r < 6; ++r) queries.push_back(RandomQuery(rng));
  for (const Query& q : queries) {
    uint64_t model = 0;
    std::map<int64_t, uint64_t> months;
    for (uint32_t i = 0; i < total_ids; ++i) {
      if (!Matches(q, i, want[i])) continue;
      ++model;
      ++months[MonthStart(ShapeOf(i, Ver(want[i])).time)];
    }
    uint64_t count = 0;
    Status s = db.Count(q.filter, &count);
    if (!s.ok()) {
      Fail(where + " Count", s.ToString());
    } else if (count != model) {
      Fail(where + " Count", Describe(q) + " = " + std::to_string(count) + ", model " + std::to_string(model));
    }
    std::vector<articledb::TimelineEntry> tl;
    s = db.Timeline(q.filter, articledb::Bucket::kMonth, &tl);
    std::map<int64_t, uint64_t> got;
    for (const auto& e : tl) got[e.start_micros] = e.count;
    if (!s.ok()) {
      Fail(where + " Timeline", s.ToString());
    } else if (got != months) {
      Fail(where + " Timeline", Describe(q) + " month counts differ from the model");
    }
    CheckWalk(db, q, want, rng, where + " walk");
  }
  articledb::VerifyReport report;
  Status s = db.Verify(&report);
  if (!s.ok()) return Fail(where + " Verify", s.ToString());
  if (!report.ok()) {
    Fail(where + " Verify", std::to_string(report.problems) + " problems, first: " +
                                (report.messages.empty() ? "" : report.messages[0]));
  }
}

// ---- Recovery: the archive a killed run left, against the expected state ----
void Recover(Archive& db) {
  std::vector<uint32_t> actual(total_ids);
  std::vector<std::optional<uint32_t>> observed(total_ids);  // nullopt: NotFound
  // An observation is consistent with a state when it is that put, or both are absent.
  auto is = [](const std::optional<uint32_t>& e, uint32_t want) { return e ? *e == want : !Stored(want); };
  uint64_t at_pending = 0;
  for (uint32_t i = 0; i < total_ids; ++i) {
    actual[i] = Load(slots[i].acked);  // kept when the read fails (--keep-going)
    Article a;
    Status s = db.Get(IdOf(i), &a);
    std::optional<uint32_t> e;
    if (s.IsNotFound()) {
      e = std::nullopt;
    } else if (!s.ok()) {
      Fail("recovery Get", IdOf(i) + ": " + s.ToString());
      continue;
    } else if (!(e = Observe(i, a, "recovery Get"))) {
      continue;
    }
    observed[i] = e;
    const uint32_t acked = Load(slots[i].acked), pending = Load(slots[i].pending);
    if (is(e, acked)) {
      actual[i] = acked;
    } else if (is(e, pending)) {
      actual[i] = pending;
      ++at_pending;
    } else {
      Fail("recovery", IdOf(i) + ": found " + (e ? Show(*e) : std::string("NotFound")) +
                           ", expected " + Show(acked) + " (acknowledged) or " + Show(pending) +
                           " (in flight)");
      actual[i] = e ? *e : Enc(std::max(Ver(acked), Ver(pending)), false);
    }
  }
  // The write in flight of each writer: all or nothing.
  for (uint32_t t = 0; t < cfg.writers; ++t) {
    Flight& f = header->flight[t];
    const uint32_t n = std::min(Load(f.count), kMaxBatch);
    uint32_t new_ones = 0, old_ones = 0;
    for (uint32_t j = 0; j < n; ++j) {
      const uint32_t i = f.idx[j];
      if (i >= total_ids) continue;
      if (is(observed[i], Load(slots[i].pending))) ++new_ones;
      if (is(observed[i], Load(slots[i].acked))) ++old_ones;
    }
    if (n > 0 && new_ones != n && old_ones != n) {
      Fail("recovery atomicity", "writer " + std::to_string(t) + "'s write of " + std::to_string(n) +
                                     " ids in flight at the kill is there in part: " +
                                     std::to_string(new_ones) + " new, " + std::to_string(old_ones) + " old");
    }
  }
  for (uint32_t i = 0; i < total_ids; ++i) {
    Store(slots[i].acked, actual[i]);
    Store(slots[i].pending, actual[i]);
    Store(slots[i].maxver, std::max({Load(slots[i].maxver), Ver(actual[i])}));
  }
  for (uint32_t t = 0; t < cfg.writers; ++t) Store(header->flight[t].count, 0u);
  std::printf("recovered: %llu ids at their in-flight version\n", static_cast<unsigned long long>(at_pending));
}

// ---- The threads ----
std::atomic<bool> stop{false};
std::unique_ptr<Archive> primary;
// The read-only instance, with its lower bounds: the versions acknowledged before its
// last completed Refresh (or its open) began, and the reindexes ended by then.
struct SecondaryView {
  std::shared_ptr<Archive> db;
  std::vector<uint32_t> lo;
  uint64_t floor = 0;
};
std::mutex secondary_mu;
SecondaryView secondary;
SecondaryView Secondary() {
  std::lock_guard lock(secondary_mu);
  busy_floor = secondary.floor;
  return secondary;
}

articledb::WriteOptions RandomWriteOptions(std::mt19937_64& rng) {
  articledb::WriteOptions wo;
  wo.sync = rng() % 16 == 0;
  return wo;
}

void WriterThread(uint32_t t) {
  std::mt19937_64 rng(Mix(cfg.seed * 1000 + t));
  Writer& w = *writers[t];
  Flight& flight = header->flight[t];
  const uint32_t base = t * cfg.ids;
  auto issue = [&](uint32_t idx, bool put) {
    Slot& s = slots[idx];
    const uint32_t v = Load(s.maxver) + 1;
    Store(s.maxver, v);
    const uint32_t e = Enc(v, put);
    {
      std::lock_guard lock(w.mu);
      w.history[idx - base].push_back(e);
    }
    Store(s.pending, e);
    return v;
  };
  // Announces the ids of a write before it is issued.
  auto announce = [&](const std::vector<uint32_t>& idxs) {
    Store(flight.count, 0u);
    for (size_t j = 0; j < idxs.size(); ++j) Store(flight.idx[j], idxs[j]);
  };
  auto acknowledge = [&](const std::vector<uint32_t>& idxs) {
    for (uint32_t i : idxs) Store(slots[i].acked, Load(slots[i].pending));
    Store(flight.count, 0u);
  };
  // n distinct ids of this writer's own range.
  auto pick = [&](size_t n) {
    std::vector<uint32_t> idxs;
    std::set<uint32_t> uniq;
    while (idxs.size() < n) {
      const uint32_t i = base + static_cast<uint32_t>(rng() % cfg.ids);
      if (uniq.insert(i).second) idxs.push_back(i);
    }
    return idxs;
  };
  while (!stop) {
    const int op = static_cast<int>(rng() % 100);
    if (op < 45) {  // Put or PutBatch (some with an id twice: the last wins)
      const size_t n = op < 25 ? 1 : 2 + rng() % 20;
      const std::vector<uint32_t> idxs = pick(n);
      announce(idxs);
      std::vector<uint32_t> dup;
      if (n > 1 && rng() % 8 == 0) dup.push_back(idxs[rng() % n]);
      uint64_t inserted = 0, updated = 0;
      for (uint32_t i : idxs) (Stored(Load(slots[i].acked)) ? updated : inserted)++;
      std::vector<Article> batch;
      for (uint32_t i : idxs) batch.push_back(Make(i, issue(i, true)));
      for (uint32_t i : dup) batch.push_back(Make(i, issue(i, true)));
      Store(flight.count, static_cast<uint32_t>(idxs.size()));
      articledb::WriteStats ws;
      const Status s = n == 1 ? primary->Put(RandomWriteOptions(rng), batch[0], &ws)
                              : primary->PutBatch(RandomWriteOptions(rng), batch, &ws);
      if (!s.ok()) return Fail("write", "Put of " + std::to_string(n) + ": " + s.ToString());
      acknowledge(idxs);
      if (ws.inserted != inserted || ws.updated != idxs.size() - inserted) {  // per distinct id
        Fail("write stats", "PutBatch of " + std::to_string(idxs.size()) + " ids" + " said inserted " +
                                std::to_string(ws.inserted) + " updated " + std::to_string(ws.updated) +
                                ", model inserted " + std::to_string(inserted));
      }
      (n == 1 ? n_put : n_batch)++;
    } else if (op < 65) {  // Delete or DeleteBatch
      const size_t n = op < 55 ? 1 : 2 + rng() % 20;
      const std::vector<uint32_t> idxs = pick(n);
      announce(idxs);
      uint64_t stored = 0;
      std::vector<std::string> ids;
      for (uint32_t i : idxs) {
        stored += Stored(Load(slots[i].acked)) ? 1 : 0;
        ids.push_back(IdOf(i));
        issue(i, false);
      }
      Store(flight.count, static_cast<uint32_t>(idxs.size()));
      articledb::WriteStats ws;
      Status s;
      if (n == 1) {
        s = primary->Delete(RandomWriteOptions(rng), ids[0]);
        if (s.IsNotFound() && stored == 0) {
          s = Status::OK();
          ws.not_found = 1;
        } else if (s.ok()) {
          ws.deleted = 1;
        }
      } else {
        s = primary->DeleteBatch(RandomWriteOptions(rng), ids, &ws);
      }
      if (!s.ok()) return Fail("write", "Delete of " + std::to_string(n) + ": " + s.ToString());
      acknowledge(idxs);
      if (ws.deleted != stored || ws.not_found != n - stored) {
        Fail("write stats", "Delete of " + std::to_string(n) + " said deleted " + std::to_string(ws.deleted) +
                                " not found " + std::to_string(ws.not_found) + ", model " +
                                std::to_string(stored) + " stored");
      }
      n_delete++;
    } else {  // reads of its own ids (exact: nothing else writes them) and of others'
      busy_floor = reindex_ended.load();
      std::vector<uint32_t> idxs, lo;
      const size_t n = 1 + rng() % 30;
      for (size_t j = 0; j < n; ++j) {
        const uint32_t i = rng() % 4 == 0 ? static_cast<uint32_t>(rng() % total_ids)
                                          : base + static_cast<uint32_t>(rng() % cfg.ids);
        idxs.push_back(i);
        lo.push_back(Load(slots[i].acked));
      }
      if (n == 1) {
        CheckGet(*primary, idxs[0], lo[0], "Get");
      } else {
        CheckMultiGet(*primary, idxs, lo, "MultiGet");
      }
      n_get++;
    }
  }
}

void ReaderThread(uint32_t r) {
  std::mt19937_64 rng(Mix(cfg.seed * 1000 + 100 + r));
  while (!stop) {
    // Readers with odd numbers work on the read-only instance three times in four.
    const bool on_secondary = cfg.secondary && r % 2 == 1 && rng() % 4 != 0;
    busy_floor = reindex_ended.load();
    const SecondaryView view = on_secondary ? Secondary() : SecondaryView();
    Archive& db = on_secondary ? *view.db : *primary;
    const std::string where = on_secondary ? "secondary " : "";
    const std::vector<uint32_t> lo = on_secondary ? view.lo : AckedNow();
    const int op = static_cast<int>(rng() % 10);
    if (op < 3) {
      std::vector<uint32_t> idxs, l;
      const size_t n = 1 + rng() % 40;
      for (size_t j = 0; j < n; ++j) {
        idxs.push_back(static_cast<uint32_t>(rng() % total_ids));
        l.push_back(lo[idxs.back()]);
      }
      if (n == 1) {
        CheckGet(db, idxs[0], l[0], where + "Get");
      } else {
        CheckMultiGet(db, idxs, l, where + "MultiGet");
      }
      n_get++;
    } else if (op < 8) {
      CheckWalk(db, RandomQuery(rng), lo, rng, where + "walk");
    } else {
      CheckCount(db, RandomQuery(rng), lo, where + "Count");
    }
    if (on_secondary) n_secondary_reads++;
  }
}

// One line on standard output, so that the driver can tell what a kill interrupted.
void Progress(const char* what) {
  std::printf("%s\n", what);
  std::fflush(stdout);
}

void MaintenanceThread() {
  std::mt19937_64 rng(Mix(cfg.seed * 1000 + 999));
  busy_floor = UINT64_MAX;  // its reads are of checkpoints: never Busy
  uint64_t checkpoints = 0;
  while (!stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 200));
    if (stop) break;
    const int op = static_cast<int>(rng() % 100);
    if (op < 30) {
      if (!cfg.reindex) continue;
      ++reindex_begun;
      Progress("reindex begins");
      Status s = primary->Reindex();
      ++reindex_ended;
      Progress("reindex ended");
      if (!s.ok()) return Fail("Reindex", s.ToString());
      n_reindex++;
    } else if (op < 60) {
      if (!cfg.checkpoint) continue;
      const std::vector<uint32_t> lo = AckedNow();
      const std::string dir = cfg.db + ".checkpoint-" + std::to_string(checkpoints++);
      Progress("checkpoint begins");
      Status s = primary->Checkpoint(dir);
      if (!s.ok()) return Fail("Checkpoint", s.ToString());
      {
        articledb::Options o;
        o.write_buffer_bytes = 1u << 20;
        std::unique_ptr<Archive> cp;
        s = Archive::Open(o, dir, &cp);
        if (!s.ok()) return Fail("checkpoint open", s.ToString());
        for (uint32_t i = 0; i < total_ids; ++i) CheckGet(*cp, i, lo[i], "checkpoint Get");
        articledb::VerifyReport report;
        s = cp->Verify(&report);
        if (!s.ok() || !report.ok()) {
          Fail("checkpoint Verify", s.ok() ? (report.messages.empty() ? "" : report.messages[0]) : s.ToString());
        }
      }
      fs::remove_all(dir);
      Progress("checkpoint checked");
      n_checkpoint++;
    } else if (!cfg.flush) {
      continue;
    } else if (op < 92) {
      Status s = primary->Flush();
      if (!s.ok()) return Fail("Flush", s.ToString());
      n_flush++;
    } else {
      Status s = primary->Compact();
      if (!s.ok()) return Fail("Compact", s.ToString());
      n_compact++;
    }
  }
}

Status OpenSecondary(std::shared_ptr<Archive>* out) {
  articledb::Options o;
  o.read_only = true;
  std::unique_ptr<Archive> db;
  Status s = Archive::Open(o, cfg.db, &db);
  *out = std::move(db);
  return s;
}

// Catches the read-only instance up with the writer now and then, while readers use it
// (with --secondary reopen: opens a new one instead and hands it to the readers).
void RefreshThread() {
  std::mt19937_64 rng(Mix(cfg.seed * 1000 + 998));
  while (!stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 100));
    SecondaryView next;
    next.floor = reindex_ended.load();
    next.lo = AckedNow();
    if (cfg.reopen) {
      Status s = OpenSecondary(&next.db);
      // Opening is refused while the writer reindexes.
      if (s.IsAborted() && reindex_begun.load() > next.floor) continue;
      if (!s.ok()) return Fail("open read-only", s.ToString());
    } else {
      next.db = Secondary().db;
      Status s = next.db->Refresh();
      if (!s.ok()) return Fail("Refresh", s.ToString());
    }
    std::lock_guard lock(secondary_mu);
    secondary = std::move(next);
    n_refresh++;
  }
}

void Usage() {
  Die("usage: model_stress --db DIR --expected FILE [--seconds S] [--seed N] [--writers W] "
      "[--readers R] [--ids K] [--reindex 0|1] [--secondary 0|1|reopen] [--checkpoint 0|1] [--flush 0|1] [--write-buffer-kib K] [--keep-going]");
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage();
      return argv[++i];
    };
    if (a == "--db") cfg.db = value();
    else if (a == "--expected") cfg.expected = value();
    else if (a == "--seconds") cfg.seconds = std::atof(value().c_str());
    else if (a == "--seed") cfg.seed = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--writers") cfg.writers = static_cast<uint32_t>(std::atoi(value().c_str()));
    else if (a == "--readers") cfg.readers = static_cast<uint32_t>(std::atoi(value().c_str()));
    else if (a == "--ids") cfg.ids = static_cast<uint32_t>(std::atoi(value().c_str()));
    else if (a == "--reindex") cfg.reindex = value() != "0";
    else if (a == "--secondary") {
      const std::string v = value();
      cfg.secondary = v != "0";
      cfg.reopen = v == "reopen";
    }
    else if (a == "--checkpoint") cfg.checkpoint = value() != "0";
    else if (a == "--flush") cfg.flush = value() != "0";
    else if (a == "--write-buffer-kib") cfg.write_buffer_kib = static_cast<uint32_t>(std::atoi(value().c_str()));
    else if (a == "--keep-going") cfg.keep_going = true;
    else Usage();
  }
  if (cfg.db.empty() || cfg.expected.empty() || cfg.writers < 1 || cfg.writers > kMaxWriters ||
      cfg.ids < 1) {
    Usage();
  }
  MapExpected();
  for (uint32_t t = 0; t < cfg.writers; ++t) {
    writers.push_back(std::make_unique<Writer>());
    writers.back()->history.resize(cfg.ids);
  }
  // Checkpoints a killed run left half made.
  const fs::path parent = fs::path(cfg.db).parent_path();
  const std::string stem = fs::path(cfg.db).filename().string() + ".checkpoint-";
  for (const auto& entry : fs::directory_iterator(parent.empty() ? fs::path(".") : parent)) {
    if (entry.path().filename().string().rfind(stem, 0) == 0) fs::remove_all(entry.path());
  }

  articledb::Options options;
  options.create_if_missing = true;
  options.write_buffer_bytes = size_t{cfg.write_buffer_kib} << 10;  // small: flushes run throughout
  options.block_cache_bytes = 8u << 20;
  // zstd dictionaries (trained at every flush of records) in one run of four: they make
  // flushes slow enough to leave little time for everything else.
  options.dictionary_bytes = Mix(cfg.seed) % 4 == 0 ? 16 * 1024 : 0;
  Status s = Archive::Open(options, cfg.db, &primary);
  if (!s.ok()) {
    Fail("open", s.ToString());
    return 1;
  }
  Recover(*primary);
  for (uint32_t i = 0; i < total_ids; ++i) {
    writers[i / cfg.ids]->history[i % cfg.ids].push_back(Load(slots[i].acked));
  }
  CheckExact(*primary, "after reopen:");
  if (cfg.secondary) {
    secondary.lo = AckedNow();
    if (Status so = OpenSecondary(&secondary.db); !so.ok()) Die("open read-only: " + so.ToString());
    CheckExact(*secondary.db, "after reopen: secondary");
  }
  std::printf("checked the archive after reopen; running %.1f s\n", cfg.seconds);
  std::fflush(stdout);

  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < cfg.writers; ++t) threads.emplace_back(WriterThread, t);
  for (uint32_t r = 0; r < cfg.readers; ++r) threads.emplace_back(ReaderThread, r);
  threads.emplace_back(MaintenanceThread);
  if (cfg.secondary) threads.emplace_back(RefreshThread);
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int64_t>(cfg.seconds * 1000)));
  stop = true;
  for (auto& t : threads) t.join();

  CheckExact(*primary, "at the end:");
  if (cfg.secondary) {
    if (cfg.reopen) {
      secondary.db.reset();
      s = OpenSecondary(&secondary.db);
      if (!s.ok()) Die("open read-only: " + s.ToString());
    } else {
      s = secondary.db->Refresh();
      if (!s.ok()) Fail("Refresh", s.ToString());
    }
    CheckExact(*secondary.db, "at the end: secondary");
  }
  std::printf("ops: %llu puts, %llu batches, %llu deletes, %llu reads, %llu walks (%llu pages), "
              "%llu counts, %llu secondary reads, %llu refreshes (or reopens), %llu reindexes, %llu checkpoints, %llu flushes, %llu compactions, %llu Busy during reindex\n",
              static_cast<unsigned long long>(n_put.load()), static_cast<unsigned long long>(n_batch.load()),
              static_cast<unsigned long long>(n_delete.load()), static_cast<unsigned long long>(n_get.load()),
              static_cast<unsigned long long>(n_walk.load()), static_cast<unsigned long long>(n_page.load()),
              static_cast<unsigned long long>(n_count.load()),
              static_cast<unsigned long long>(n_secondary_reads.load()),
              static_cast<unsigned long long>(n_refresh.load()), static_cast<unsigned long long>(n_reindex.load()),
              static_cast<unsigned long long>(n_checkpoint.load()),
              static_cast<unsigned long long>(n_flush.load()), static_cast<unsigned long long>(n_compact.load()),
              static_cast<unsigned long long>(n_busy.load()));
  secondary.db.reset();
  primary.reset();
  if (failure_total > 0) {
    std::fprintf(stderr, "model_stress: %llu failed checks:", static_cast<unsigned long long>(failure_total.load()));
    for (const auto& [check, n] : failures) std::fprintf(stderr, " %s=%llu", check.c_str(), static_cast<unsigned long long>(n));
    std::fprintf(stderr, " (seed %llu)\n", static_cast<unsigned long long>(cfg.seed));
    return 1;
  }
  std::printf("model_stress: every check passed\n");
  return 0;
}
