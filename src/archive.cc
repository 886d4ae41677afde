// The ArticleDB engine: an Archive over RocksDB column families (layout in keys.h and
// docs/storage.md).
#include "articledb/archive.h"

#include <sys/statvfs.h>

#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "counters.h"
#include "cursor.h"
#include "keys.h"
#include "record_check.h"
#include "store/record_codec.h"
#include "sync_dir.h"
#include "time_util.h"

namespace articledb {
namespace {

namespace fs = std::filesystem;

constexpr char kFormatKey[] = "articledb.format";
constexpr char kFormatVersion[] = "1";
constexpr char kReindexKey[] = "articledb.reindex_in_progress";
// Docnos below this value (8 bytes, big-endian) may have been given out: never reuse them.
constexpr char kDocnoMarkKey[] = "articledb.docno_high_water";
// Docnos are reserved a block at a time: one small write of the mark per block.
constexpr uint64_t kDocnoBlock = 4096;
// The Unicode version (utf8proc's) the name keys were made with, e.g. "15.0.0".
constexpr char kUnicodeKey[] = "articledb.unicode_version";
// 8 random bytes: the key of the cursors' check (src/cursor.h).
constexpr char kCursorKeyKey[] = "articledb.cursor_key";
// Records Reindex found sharing an id with the live one: prefix + docno(8) -> the record.
constexpr std::string_view kQuarantinePrefix = "articledb.quarantine.";

std::string QuarantineKey(uint64_t docno) {
  std::string k(kQuarantinePrefix);
  keys::AppendDocno(&k, docno);
  return k;
}
constexpr size_t kStripes = 256;
constexpr size_t kScanChunk = 256;
// Records one page of Query, or one chunk of Scan, reads: about this many bytes (the read
// that crosses it is the last), whatever the page limit (query.h).
constexpr uint64_t kPageBytes = 32u << 20;
constexpr size_t kMaxPageLimit = 10000;
constexpr size_t kMaxMessages = 1000;
// Free bytes needed on the file system to open an archive for writing (documented in
// archive.h and docs/reliability.md).
constexpr uint64_t kMinFreeBytes = 2u << 20;

enum Cf : size_t { kDefault = 0, kRecords, kIds, kIndex, kCounters, kNumCf };
const std::array<const char*, kNumCf> kCfNames = {"default", "records", "ids", "index", "counters"};

Status FromRocks(const rocksdb::Status& s, const std::string& context) {
  if (s.ok()) return Status::OK();
  std::string msg = context.empty() ? s.ToString() : context + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsInvalidArgument()) return Status::InvalidArgument(msg);
  if (s.IsNotSupported()) return Status::NotSupported(msg);
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return Status::Busy(msg);
  if (s.IsIncomplete() || s.IsAborted()) return Status::Aborted(msg);
  return Status::IOError(msg);
}

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// A position in an index stream: (time, docno), ordered lexicographically.
struct Pos {
  int64_t time;
  uint64_t docno;
  auto operator<=>(const Pos&) const = default;
};

// Everything one stored version of an article contributes besides its record.
struct Derived {
  std::vector<std::string> index_keys;
  // Counter key -> display name, one per distinct normalised source or entity.
  std::vector<std::pair<std::string, std::string>> names;
};

// The time an article is indexed at: its publication time, or kUndated.
int64_t IndexTime(const Article& a) {
  return a.has_published_at() ? TimestampMicros(a.published_at()) : keys::kUndated;
}

void Derive(const Article& a, uint64_t docno, Derived* d) {
  d->index_keys.clear();
  d->names.clear();
  const int64_t t = IndexTime(a);
  std::string pos;
  keys::AppendTime(&pos, t);
  keys::AppendDocno(&pos, docno);
  d->index_keys.push_back(std::string(1, keys::kDate) + pos);
  std::string key = keys::IndexPrefix(keys::kSource, NormalizeName(a.source()));
  d->names.emplace_back(key, a.source());
  d->index_keys.push_back(key + pos);
  std::unordered_set<std::string> seen;
  for (const Entity& e : a.entities()) {
    key = keys::IndexPrefix(keys::kEntity, NormalizeName(e.name()));
    if (!seen.insert(key).second) continue;
    d->index_keys.push_back(key + pos);
    d->names.emplace_back(key, e.name());
  }
}

// Orders streams' names, queries' fingerprints: the filter after normalisation.
struct NormalFilter {
  int64_t lo = keys::kUndated;  // inclusive
  std::optional<int64_t> hi;    // exclusive
  bool bounded = false;
  std::vector<std::string> prefixes;  // index prefixes of names; empty: the date index
};

Status Normalize(const Filter& f, NormalFilter* out) {
  if (!f.sources.empty() || !f.any_entities.empty() || !f.not_entities.empty() ||
      !f.languages.empty() || !f.topics.empty() || !f.authors.empty()) {
    return Status::NotSupported(
        "filters on several sources, any/not entities, languages, topics or authors are not "
        "implemented yet");
  }
  if (f.from_micros && f.to_micros && *f.from_micros > *f.to_micros) {
    return Status::InvalidArgument("time range: 'from' (" + FormatTime(*f.from_micros) +
                                   ") is after 'to' (" + FormatTime(*f.to_micros) + ")");
  }
  out->bounded = f.from_micros.has_value() || f.to_micros.has_value();
  out->lo = out->bounded ? std::max(f.from_micros.value_or(keys::kUndated + 1), keys::kUndated + 1)
                         : keys::kUndated;
  out->hi = f.to_micros;
  auto add = [out](char type, const std::string& name, const char* what) -> Status {
    size_t bad = 0;
    if (!IsValidUtf8(name, &bad)) {
      return Status::InvalidArgument(std::string(what) + " name: invalid UTF-8 at byte " +
                                     std::to_string(bad));
    }
    std::string norm = NormalizeName(name);
    if (norm.empty()) return Status::InvalidArgument(std::string(what) + " name is empty");
    out->prefixes.push_back(keys::IndexPrefix(type, norm));
    return Status::OK();
  };
  if (f.source) {
    if (Status s = add(keys::kSource, *f.source, "source"); !s.ok()) return s;
  }
  for (const std::string& e : f.entities) {
    if (Status s = add(keys::kEntity, e, "entity"); !s.ok()) return s;
  }
  std::sort(out->prefixes.begin(), out->prefixes.end());
  out->prefixes.erase(std::unique(out->prefixes.begin(), out->prefixes.end()), out->prefixes.end());
  return Status::OK();
}

uint64_t Fingerprint(const NormalFilter& f, Order order) {
  std::string canon;
  canon.push_back(order == Order::kNewestFirst ? 'n' : 'o');
  keys::AppendTime(&canon, f.lo);
  canon.push_back(f.hi ? 'h' : '-');
  keys::AppendTime(&canon, f.hi.value_or(0));
  for (const std::string& p : f.prefixes) {
    keys::AppendName(&canon, p);
  }
  return XXH3_64bits(canon.data(), canon.size());
}

// One index stream: keys prefix|time|docno within the filter's time range, walked
// forward or backward, with Seek used only when a few Next/Prev steps do not reach.
class Stream {
 public:
  Stream(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const rocksdb::Snapshot* snap,
         std::string prefix, const NormalFilter& f)
      : prefix_(std::move(prefix)) {
    lower_ = prefix_;
    keys::AppendTime(&lower_, f.lo);
    if (f.hi) {
      upper_ = prefix_;
      keys::AppendTime(&upper_, *f.hi);
    } else {
      upper_ = keys::PrefixSuccessor(prefix_);
    }
    lower_slice_ = ToSlice(lower_);
    upper_slice_ = ToSlice(upper_);
    rocksdb::ReadOptions ro;
    ro.snapshot = snap;
    ro.iterate_lower_bound = &lower_slice_;
    ro.iterate_upper_bound = &upper_slice_;
    ro.prefix_same_as_start = true;
    it_.reset(db->NewIterator(ro, cf));
  }

  Pos Current() const {
    const rocksdb::Slice k = it_->key();
    const char* p = k.data() + k.size() - keys::kPositionBytes;
    return Pos{keys::DecodeTime(p), keys::DecodeDocno(p + 8)};
  }

  // Positions at the first entry >= t (forward) or <= t (backward); false at the end.
  bool SeekTo(const Pos& t, bool forward) {
    if (positioned_) {
      for (int step = 0; step < 4; ++step) {
        if (!it_->Valid()) return false;
        const Pos c = Current();
        if (forward ? c >= t : c <= t) return true;
        if (forward) {
          it_->Next();
        } else {
          it_->Prev();
        }
      }
      if (!it_->Valid()) return false;
    }
    seek_key_.assign(prefix_);
    keys::AppendTime(&seek_key_, t.time);
    keys::AppendDocno(&seek_key_, t.docno);
    if (forward) {
      it_->Seek(ToSlice(seek_key_));
    } else {
      it_->SeekForPrev(ToSlice(seek_key_));
    }
    positioned_ = true;
    return it_->Valid();
  }

  rocksdb::Status status() const { return it_->status(); }

 private:
  std::string prefix_, lower_, upper_, seek_key_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  bool positioned_ = false;
};

// Names whose streams are far longer than the shortest one's: rather than walked with
// seeks, they are probed, each candidate position of the walked streams looked up as a
// whole index key, a batch at a time with one MultiGet.
struct Probes {
  rocksdb::DB* db = nullptr;
  rocksdb::ColumnFamilyHandle* cf = nullptr;
  const rocksdb::Snapshot* snap = nullptr;
  std::vector<std::string> prefixes;
};

// Intersection of streams by leapfrogging: each stream seeks to the candidate position;
// a position every stream holds (and every probed name has) is a match. Never reads
// records.
class Matcher {
 public:
  Matcher(std::vector<std::unique_ptr<Stream>> streams, Probes probes, const NormalFilter& f,
          Order order, const std::optional<Pos>& after)
      : streams_(std::move(streams)), probes_(std::move(probes)),
        forward_(order == Order::kOldestFirst) {
    const Pos lo{f.lo, 0};
    if (f.hi && *f.hi <= f.lo) {
      done_ = true;  // empty range
      return;
    }
    if (forward_) {
      target_ = lo;
      if (after) Advance(*after);
      if (target_ < lo) target_ = lo;
    } else {
      // Start at the latest time a record can carry: no key holds a later one.
      constexpr int64_t kLatest = (kMaxTimestampSeconds + 1) * 1000000 - 1;
      target_ = Pos{std::min(f.hi ? *f.hi - 1 : INT64_MAX, kLatest), UINT64_MAX};
      if (after && *after <= target_) Advance(*after);
    }
  }

  bool Next(Pos* out) {
    if (probes_.prefixes.empty()) return Walk(out);
    while (ready_at_ == ready_.size()) {
      if (walked_all_ || !status_.ok()) return false;
      ProbeBatch();
    }
    *out = ready_[ready_at_++];
    return true;
  }

  const rocksdb::Status& status() const { return status_; }

 private:
  // The next position all walked streams hold.
  bool Walk(Pos* out) {
    size_t agree = 0;
    size_t i = 0;
    while (!done_) {
      Stream& s = *streams_[i];
      if (!s.SeekTo(target_, forward_)) {
        status_ = s.status();
        done_ = true;
        return false;
      }
      const Pos p = s.Current();
      if (p == target_) {
        if (++agree == streams_.size()) {
          *out = p;
          Advance(p);
          return true;
        }
      } else {
        target_ = p;
        agree = 1;
        if (streams_.size() == 1) {  // a single stream agrees with itself
          *out = p;
          Advance(p);
          return true;
        }
      }
      i = (i + 1) % streams_.size();
    }
    return false;
  }

  // Walks the next batch of candidates and keeps, in order, those every probed name has.
  // Batches start small (a page of a few results reads little ahead) and grow.
  void ProbeBatch() {
    std::vector<Pos> candidates;
    Pos p;
    while (candidates.size() < batch_ && Walk(&p)) candidates.push_back(p);
    walked_all_ = candidates.size() < batch_;
    batch_ = std::min<size_t>(batch_ * 2, 512);
    ready_.clear();
    ready_at_ = 0;
    const size_t n = candidates.size();
    if (n == 0 || !status_.ok()) return;
    std::vector<bool> keep(n, true);
    std::vector<std::string> key_store(n);
    std::vector<rocksdb::Slice> ks(n);
    std::vector<rocksdb::PinnableSlice> vals(n);
    std::vector<rocksdb::Status> sts(n);
    rocksdb::ReadOptions ro;
    ro.snapshot = probes_.snap;
    for (const std::string& prefix : probes_.prefixes) {
      size_t m = 0;  // candidates still kept, probed for this name
      std::vector<size_t> at;
      for (size_t j = 0; j < n; ++j) {
        if (!keep[j]) continue;
        key_store[m] = prefix;
        keys::AppendTime(&key_store[m], candidates[j].time);
        keys::AppendDocno(&key_store[m], candidates[j].docno);
        ks[m] = ToSlice(key_store[m]);
        at.push_back(j);
        ++m;
      }
      if (m == 0) break;
      probes_.db->MultiGet(ro, probes_.cf, m, ks.data(), vals.data(), sts.data());
      for (size_t k = 0; k < m; ++k) {
        if (sts[k].IsNotFound()) {
          keep[at[k]] = false;
        } else if (!sts[k].ok()) {
          status_ = sts[k];
          return;
        }
        vals[k].Reset();
      }
    }
    for (size_t j = 0; j < n; ++j) {
      if (keep[j]) ready_.push_back(candidates[j]);
    }
  }

  // Moves the target just past `p` in the walking direction.
  void Advance(const Pos& p) {
    if (forward_) {
      if (p.docno == UINT64_MAX) {
        if (p.time == INT64_MAX) done_ = true;
        target_ = Pos{p.time + (p.time == INT64_MAX ? 0 : 1), 0};
      } else {
        target_ = Pos{p.time, p.docno + 1};
      }
    } else {
      if (p.docno == 0) {
        if (p.time == INT64_MIN) done_ = true;
        target_ = Pos{p.time - (p.time == INT64_MIN ? 0 : 1), UINT64_MAX};
      } else {
        target_ = Pos{p.time, p.docno - 1};
      }
    }
  }

  std::vector<std::unique_ptr<Stream>> streams_;
  Probes probes_;
  bool forward_;
  Pos target_{0, 0};
  bool done_ = false;
  rocksdb::Status status_;
  // With probes: matches found and not yet returned, and the next batch's size.
  std::vector<Pos> ready_;
  size_t ready_at_ = 0;
  size_t batch_ = 16;
  bool walked_all_ = false;
};

class ArchiveImpl final : public Archive {
 public:
  ArchiveImpl(const Options& options, std::string path)
      : options_(options), path_(std::move(path)) {}

  ~ArchiveImpl() override {
    if (db_ != nullptr) {
      for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
      db_->Close().PermitUncheckedError();
      delete db_;
    }
  }

  Status OpenDb();
  // Read-only instances: opens the archive's current state as a new RocksDB read-only
  // instance, retrying while the writing process changed the MANIFEST or the set of
  // write-ahead logs during the open (see OpenReader's definition).
  // *fingerprint: ReaderFingerprint with sizes, taken before the open that succeeded.
  Status OpenReader(rocksdb::DB** db, std::vector<rocksdb::ColumnFamilyHandle*>* handles,
                    std::string* fingerprint);

  Status Put(const WriteOptions& wo, const Article& article, WriteStats* stats) override {
    return PutBatch(wo, std::span<const Article>(&article, 1), stats);
  }
  Status PutBatch(const WriteOptions& wo, std::span<const Article> articles,
                  WriteStats* stats) override;
  Status Delete(const WriteOptions& wo, std::string_view id) override;
  Status DeleteBatch(const WriteOptions& wo, std::span<const std::string> ids,
                     WriteStats* stats) override;
  Status Get(std::string_view id, Article* article) override;
  Status MultiGet(std::span<const std::string> ids, std::vector<Article>* articles,
                  std::vector<Status>* statuses) override;
  Status Query(const Filter& filter, const QueryOptions& options, Page* page) override;
  Status Scan(const Filter& filter, Order order,
              const std::function<bool(const Article&)>& visit) override;
  Status Count(const Filter& filter, uint64_t* count) override;
  using Archive::Timeline;
  Status Timeline(const Filter& filter, const TimelineOptions& options,
                  std::vector<TimelineEntry>* entries) override;
  Status Facets(const Filter&, const FacetOptions&, std::vector<NameCount>*) override {
    return Status::NotSupported("facets are not implemented yet");
  }
  Status ListSources(std::vector<NameCount>* sources) override {
    ReadLock lock;
    if (Status s = BeginRead(&lock); !s.ok()) return s;
    return ListNames(std::string(1, keys::kSource), 0, sources);
  }
  Status ListEntities(std::string_view prefix, size_t limit,
                      std::vector<NameCount>* entities) override;
  Status ForEachRecord(const std::function<bool(std::string_view)>& visit) override;
  Status GetStats(Stats* stats) override;
  Status Flush() override;
  Status Compact() override;
  Status Checkpoint(const std::string& dir) override;
  Status Verify(VerifyReport* report, const ProgressFn& progress) override;
  Status Reindex(const ProgressFn& progress) override;
  Status ListQuarantine(std::vector<QuarantinedRecord>* records) override;
  Status DropQuarantined(uint64_t docno) override;
  Status Refresh() override;

 private:
  rocksdb::ColumnFamilyHandle* cf(Cf c) const { return handles_[c]; }

  // Held by every public read call for its whole length, so that it sees one state: a
  // read-only instance has no snapshots, and Refresh (exclusive) waits for reads in
  // progress; a writable one refuses reads (Busy) while Reindex holds rebuild_mutex_.
  struct ReadLock {
    std::shared_lock<std::shared_mutex> refresh;
    std::shared_lock<std::shared_mutex> rebuild;
  };
  Status BeginRead(ReadLock* lock) {
    if (options_.read_only) {
      // Through the turnstile, so that a waiting Refresh is not starved by new readers.
      { std::lock_guard turnstile(refresh_turnstile_); }
      lock->refresh = std::shared_lock(refresh_mutex_);
      if (rebuilding_) {
        return Status::Busy("archive '" + path_ +
                            "': its indexes are being rebuilt by the writing process (a "
                            "reindex is running); try again after it ends and Refresh()");
      }
      return Status::OK();
    }
    // A Reindex waiting for the lock is not starved by new readers: they are refused.
    if (!reindex_waiting_.load(std::memory_order_acquire)) {
      lock->rebuild = std::shared_lock(rebuild_mutex_, std::try_to_lock);
    }
    if (!lock->rebuild.owns_lock()) {
      return Status::Busy("archive '" + path_ +
                          "': a reindex is running and its indexes are incomplete until it "
                          "ends; try again later");
    }
    return Status::OK();
  }
  Status CheckWritable() const {
    if (options_.read_only) {
      return Status::NotSupported("archive '" + path_ + "' is open read-only");
    }
    return Status::OK();
  }
  rocksdb::WriteOptions ToRocks(const WriteOptions& wo) const {
    rocksdb::WriteOptions r;
    r.sync = wo.sync;
    r.disableWAL = wo.disable_wal;
    return r;
  }

  // Adds to `batch` what storing (sign +1) or removing (sign -1) a version does to the
  // indexes and counters; `except` holds keys that stay (shared with the other version).
  static void ApplyDerived(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* index,
                           rocksdb::ColumnFamilyHandle* counters, const Derived& d, int sign,
                           const Derived* other);

  std::vector<std::unique_lock<std::mutex>> LockIds(const std::vector<std::string_view>& ids);
  // The intersection answering `nf` from snapshot `snap`, positioned after `after`.
  Status Plan(const NormalFilter& nf, const rocksdb::Snapshot* snap, Order order,
              const std::optional<Pos>& after, std::unique_ptr<Matcher>* matcher);
  // Reads the records of `positions` in order, stopping once kPageBytes have been read
  // (always at least one): *out holds the first out->size() of them.
  Status ReadRecords(const rocksdb::Snapshot* snap, const std::vector<Pos>& positions,
                     std::vector<Article>* out);
  Status ReadCounter(const rocksdb::Snapshot* snap, const std::string& key, int64_t* value);
  Status ListNames(const std::string& key_prefix, size_t limit, std::vector<NameCount>* out);
  Status ReindexLocked(const ProgressFn& progress);

  Options options_;
  std::string path_;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  // Docno allocation: next_docno_ < docno_reserved_, both guarded by docno_mutex_. The mark
  // (kDocnoMarkKey) is written before any docno of a new block is used, so it always
  // covers every docno a committed write may carry.
  std::mutex docno_mutex_;
  uint64_t next_docno_ = 1;
  uint64_t docno_reserved_ = 0;
  Status AllocateDocnos(size_t count, const rocksdb::WriteOptions& wo, uint64_t* first);
  Status RecoverNextDocno();
  Status LoadMeta();
  // Set at open (and by Reindex, which holds rebuild_mutex_ exclusively).
  std::string unicode_version_;
  uint64_t cursor_key_ = 0;
  // Empty, or why the name keys may not match this library's normalisation.
  std::string UnicodeWarning() const {
    if (unicode_version_.empty() || unicode_version_ == UnicodeVersion()) return "";
    return "names in archive '" + path_ + "' were normalised with Unicode " + unicode_version_ +
           " and this library normalises with Unicode " + UnicodeVersion() +
           ": names whose normal form changed between them may not be found by queries; "
           "reads and writes work, and a reindex ('articledb reindex', Archive::Reindex) "
           "rebuilds every name key with this version";
  }
  std::array<std::mutex, kStripes> stripes_;
  // Writers and (refusing when they cannot) readers hold it shared; Reindex exclusively.
  std::shared_mutex rebuild_mutex_;
  std::atomic<bool> reindex_waiting_{false};
  // Read-only instances: read calls hold it shared, Refresh exclusively (taking it while
  // holding the turnstile, which readers pass through first).
  std::shared_mutex refresh_mutex_;
  std::mutex refresh_turnstile_;
  // Read-only instances: the last Refresh found the reindex marker (guarded by
  // refresh_mutex_).
  bool rebuilding_ = false;
  // Read-only instances: what OpenReader opens with, and one Refresh at a time.
  rocksdb::Options reader_options_;
  std::vector<rocksdb::ColumnFamilyDescriptor> reader_descriptors_;
  std::mutex refresh_serial_;
  // Read-only instances: ReaderFingerprint (with sizes) taken before the open that made
  // the current view (guarded by refresh_serial_ after Open). Unchanged: nothing was
  // written since, and Refresh keeps the view.
  std::string reader_fingerprint_;

  // Writes one batch of PutBatch or DeleteBatch.
  rocksdb::Status Commit(const rocksdb::WriteOptions& wo, rocksdb::WriteBatch* batch) {
#if defined(__SANITIZE_THREAD__)
    // Debian's librocksdb is not instrumented, and its write group hands batches from
    // thread to thread through atomics ThreadSanitizer cannot see, which it would report
    // as races. Under ThreadSanitizer only, batches reach RocksDB one at a time; all of
    // ArticleDB's own synchronisation stays as it is, and checked.
    std::lock_guard lock(tsan_write_mutex_);
#endif
    return db_->Write(wo, batch);
  }
#if defined(__SANITIZE_THREAD__)
  std::mutex tsan_write_mutex_;
#endif
};

// ---------------------------------------------------------------------------- open

std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors(const Options& o,
                                                         const rocksdb::Options& base) {
  auto cache = rocksdb::NewLRUCache(o.block_cache_bytes);
  const auto supported = rocksdb::GetSupportedCompressions();
  const bool has_lz4 = std::find(supported.begin(), supported.end(),
                                 rocksdb::kLZ4Compression) != supported.end();
  auto table = [&](uint32_t block_bytes, bool whole_key) {
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = cache;
    t.block_size = block_bytes;
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    t.whole_key_filtering = whole_key;
    t.cache_index_and_filter_blocks = true;
    t.pin_l0_filter_and_index_blocks_in_cache = true;
    t.format_version = 5;
    return std::shared_ptr<rocksdb::TableFactory>(rocksdb::NewBlockBasedTableFactory(t));
  };
  rocksdb::ColumnFamilyOptions common(base);
  common.level_compaction_dynamic_level_bytes = true;
  common.compression = has_lz4 ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
  common.bottommost_compression = rocksdb::kZSTD;

  rocksdb::ColumnFamilyOptions records = common;
  records.write_buffer_size = o.write_buffer_bytes;
  records.compression = rocksdb::kZSTD;
  records.compression_opts.level = o.compression_level;
  records.compression_opts.max_dict_bytes = o.dictionary_bytes;
  records.compression_opts.zstd_max_train_bytes = o.dictionary_bytes * 100;
  records.compression_opts.enabled = true;
  records.bottommost_compression_opts = records.compression_opts;
  records.table_factory = table(o.record_block_bytes, true);

  rocksdb::ColumnFamilyOptions ids = common;
  ids.write_buffer_size = std::max<size_t>(o.write_buffer_bytes / 4, 4u << 20);
  ids.table_factory = table(4096, true);

  rocksdb::ColumnFamilyOptions index = common;
  index.write_buffer_size = std::max<size_t>(o.write_buffer_bytes / 2, 4u << 20);
  index.prefix_extractor.reset(keys::NewIndexPrefixExtractor());
  index.memtable_prefix_bloom_size_ratio = 0.05;
  // Prefix Bloom filters only: whole-key ones (for Matcher's probes) made each table's
  // filter block megabytes large, and at 1M articles, with record blocks churning the
  // shared cache, reloading them made queries 2-130x slower (docs/storage.md).
  index.table_factory = table(o.index_block_bytes, false);

  rocksdb::ColumnFamilyOptions counters = common;
  counters.write_buffer_size = 4u << 20;
  counters.merge_operator = counters::NewMergeOperator();
  counters.table_factory = table(4096, true);

  rocksdb::ColumnFamilyOptions meta = common;
  meta.write_buffer_size = 1u << 20;

  return {{kCfNames[kDefault], meta},
          {kCfNames[kRecords], records},
          {kCfNames[kIds], ids},
          {kCfNames[kIndex], index},
          {kCfNames[kCounters], counters}};
}

// The info log of read-only instances: drops every message.
class DiscardLogger : public rocksdb::Logger {
 public:
  DiscardLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::HEADER_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

// The info log of a writer (DB/LOG), written by ArticleDB rather than by RocksDB:
// - it is opened only once the archive's lock is held (Start), so a writer refused by the
//   lock does not rotate the running writer's log away (RocksDB opens its log first, and
//   keep_log_file_num=4 made three refused attempts delete the running writer's log);
//   messages from before Start are kept in memory (at most 64 KiB) and written then;
// - a write that fails (a full disk) stops the logging quietly: RocksDB's own log writer
//   goes on appending after a failed write and hits an assertion in Debian's build.
// Like RocksDB's, it moves a previous LOG to LOG.old.<micros> and starts a new one past
// max_bytes; RocksDB deletes all but the newest keep_log_file_num old ones.
class WriterLog : public rocksdb::Logger {
 public:
  WriterLog(std::string dir, rocksdb::InfoLogLevel level, size_t max_bytes)
      : rocksdb::Logger(level), dir_(std::move(dir)), max_bytes_(max_bytes) {}
  ~WriterLog() override {
    if (file_ != nullptr) std::fclose(file_);
  }

  void Start() {
    std::lock_guard lock(mu_);
    if (started_) return;
    started_ = true;
    OpenLocked();
    if (file_ != nullptr && !pending_.empty()) WriteLocked(pending_);
    pending_.clear();
    pending_.shrink_to_fit();
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char body[1024];
    va_list copy;
    va_copy(copy, ap);
    const int n = std::vsnprintf(body, sizeof body, format, copy);
    va_end(copy);
    if (n < 0) return;
    const auto now = std::chrono::system_clock::now();
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(micros / 1000000);
    std::tm tm = {};
    gmtime_r(&secs, &tm);
    char line[1200];
    const int m = std::snprintf(line, sizeof line, "%04d/%02d/%02d-%02d:%02d:%02d.%06d UTC %s\n",
                                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                tm.tm_min, tm.tm_sec, static_cast<int>(micros % 1000000), body);
    if (m <= 0) return;
    const std::string_view text(line, std::min<size_t>(static_cast<size_t>(m), sizeof line - 1));
    std::lock_guard lock(mu_);
    if (!started_) {
      if (pending_.size() + text.size() <= (64u << 10)) pending_.append(text);
      return;
    }
    if (file_ == nullptr) return;
    if (written_ + text.size() > max_bytes_) {
      std::fclose(file_);
      file_ = nullptr;
      OpenLocked();
      if (file_ == nullptr) return;
    }
    WriteLocked(text);
  }

 private:
  void OpenLocked() {
    const fs::path log = fs::path(dir_) / "LOG";
    std::error_code ec;
    if (fs::exists(log, ec)) {
      const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
      fs::rename(log, fs::path(dir_) / ("LOG.old." + std::to_string(micros)), ec);
    }
    file_ = std::fopen(log.c_str(), "ae");
    written_ = 0;
  }
  void WriteLocked(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() ||
        std::fflush(file_) != 0) {
      std::fclose(file_);  // a full disk: stop logging rather than fail
      file_ = nullptr;
      return;
    }
    written_ += text.size();
  }

  const std::string dir_;
  const size_t max_bytes_;
  std::mutex mu_;
  bool started_ = false;
  std::string pending_;
  std::FILE* file_ = nullptr;
  size_t written_ = 0;
};

// Bytes free for unprivileged writers on the file system holding `path` (or, when it
// does not exist yet, its nearest existing parent); nullopt when that cannot be told.
std::optional<uint64_t> FreeBytes(const std::string& path) {
  fs::path p = fs::absolute(fs::path(path));
  std::error_code ec;
  while (!p.empty() && !fs::exists(p, ec) && p.has_parent_path() && p.parent_path() != p) {
    p = p.parent_path();
  }
  struct statvfs st;
  if (::statvfs(p.c_str(), &st) != 0) return std::nullopt;
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

// RocksDB's open failed: Busy when the lock is held by another process (or by another
// open in this one), IOError naming the path and the cause otherwise (a read-only file
// system, no permission, no space).
Status OpenFailure(const rocksdb::Status& s, const std::string& path) {
  const std::string text = s.ToString();
  if (s.IsIOError() && (text.find("While lock file") != std::string::npos ||
                        text.find("lock hold by current process") != std::string::npos)) {
    return Status::Busy("archive '" + path +
                        "' is locked by another process writing to it (open it read-only, "
                        "or wait until that process ends)");
  }
  if (text.find("Read-only file system") != std::string::npos) {
    return Status::IOError("archive '" + path + "' is on a read-only file system: it cannot "
                           "be opened for writing (read-only commands work) [" + text + "]");
  }
  if (text.find("Permission denied") != std::string::npos) {
    return Status::IOError("archive '" + path + "': no permission to write there (read-only "
                           "commands work) [" + text + "]");
  }
  return FromRocks(s, "cannot open archive '" + path + "'");
}

// A new archive is created only in a directory that does not exist, is empty, or holds
// only what an interrupted creation of an archive leaves (RocksDB's LOCK, LOG, IDENTITY,
// MANIFEST and OPTIONS files): never among a user's files.
Status CheckNewArchiveDir(const std::string& path) {
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return Status::OK();
  if (!fs::is_directory(st)) {
    return Status::InvalidArgument("'" + path + "' exists and is not a directory");
  }
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool rocksdb_own = name == "LOCK" || name == "IDENTITY" || name.starts_with("LOG") ||
                             name.starts_with("MANIFEST-") || name.starts_with("OPTIONS-") ||
                             name.ends_with(".dbtmp");
    if (!rocksdb_own) {
      return Status::InvalidArgument("'" + path + "' is not an ArticleDB archive and not empty (it holds '" +
                                     name + "'); give a new or empty directory");
    }
  }
  if (ec) return Status::IOError("cannot list '" + path + "': " + ec.message());
  return Status::OK();
}

Status ArchiveImpl::OpenDb() {
  rocksdb::Options base;
  base.create_if_missing = options_.create_if_missing;
  base.create_missing_column_families = options_.create_if_missing;
  base.error_if_exists = options_.error_if_exists;
  base.max_background_jobs = std::max(1, options_.background_threads);
  base.bytes_per_sync = 1u << 20;
  base.keep_log_file_num = 4;
  base.max_log_file_size = 8u << 20;
  base.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // An acknowledged write is never rolled back silently: a record cut short at the end of
  // the write-ahead log (a crash while writing it, never acknowledged) is dropped, and any
  // other damage to the log refuses the open with Corruption (RocksDB's default would
  // stop replaying at the damage and open without the writes after it).
  // SalvageArchive rescues an archive refused this way.
  base.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  // Column families written by one batch are flushed together: a disable_wal import
  // killed after a flush leaves whole batches (never id entries without their records).
  base.atomic_flush = true;

  const bool exists = fs::exists(fs::path(path_) / "CURRENT");
  if (!exists && (options_.read_only || !options_.create_if_missing)) {
    return Status::NotFound("no archive at '" + path_ + "'");
  }
  if (!exists) {
    if (Status s = CheckNewArchiveDir(path_); !s.ok()) return s;
  }
  if (exists) {
    std::vector<std::string> names;
    rocksdb::Status ls = rocksdb::DB::ListColumnFamilies(base, path_, &names);
    if (!ls.ok()) return FromRocks(ls, "cannot read archive '" + path_ + "'");
    for (const char* want : kCfNames) {
      if (std::find(names.begin(), names.end(), want) == names.end()) {
        return Status::InvalidArgument("'" + path_ + "' is not an ArticleDB archive (no '" +
                                       want + "' column family)");
      }
    }
  }
  const auto descriptors = Descriptors(options_, base);
  rocksdb::Status s;
  if (options_.read_only) {
    // A reader writes nothing anywhere: RocksDB's secondary instance uses its own
    // directory only for its info log, and this one is given a logger that drops
    // everything (its errors come back as statuses). So no scratch directory is made, and
    // a reader works on a full disk, a read-only file system and a full or missing /tmp.
    base.info_log = std::make_shared<DiscardLogger>();
    base.max_open_files = -1;
    reader_options_ = base;
    reader_descriptors_ = descriptors;
    if (Status rs = OpenReader(&db_, &handles_, &reader_fingerprint_); !rs.ok()) return rs;
  } else {
    // Opening for writing writes (a new MANIFEST, OPTIONS file and write-ahead log): on a
    // file system without room for them RocksDB's error paths reach assertions that are
    // enabled in Debian's build (SIGABRT). Refuse first, naming the path and the figures.
    if (const auto free_bytes = FreeBytes(path_); free_bytes && *free_bytes < kMinFreeBytes) {
      return Status::IOError("no space left on the file system of '" + path_ + "': " +
                             std::to_string(*free_bytes) + " bytes free, and opening an "
                             "archive for writing needs at least " +
                             std::to_string(kMinFreeBytes) + " (free some space; read-only "
                             "commands work meanwhile)");
    }
    auto log = std::make_shared<WriterLog>(path_, base.info_log_level, base.max_log_file_size);
    base.info_log = log;
    s = rocksdb::DB::Open(base, path_, descriptors, &handles_, &db_);
    if (s.ok()) log->Start();
  }
  if (!s.ok()) return OpenFailure(s, path_);
  if (!exists) {
    // A new archive: RocksDB synced its files and its directory, not the directory's own
    // entry; without this a power loss could take the archive and every synced write.
    if (Status ds = internal::SyncParentDirectory(path_); !ds.ok()) return ds;
  }
  std::string format;
  s = db_->Get(rocksdb::ReadOptions(), cf(kDefault), kFormatKey, &format);
  if (s.IsNotFound() && !options_.read_only) {
    if (exists) {
      return Status::InvalidArgument("'" + path_ + "' is not an ArticleDB archive (no format mark)");
    }
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = db_->Put(sync, cf(kDefault), kFormatKey, kFormatVersion);
    if (!s.ok()) return FromRocks(s, "cannot initialise archive '" + path_ + "'");
    format = kFormatVersion;
  } else if (!s.ok()) {
    return FromRocks(s, "cannot read archive '" + path_ + "'");
  }
  if (format != kFormatVersion) {
    return Status::NotSupported("archive '" + path_ + "' has format version " + format +
                                "; this library reads version " + kFormatVersion);
  }
  if (Status ds = RecoverNextDocno(); !ds.ok()) return ds;
  if (Status ms = LoadMeta(); !ms.ok()) return ms;
  std::string marker;
  s = db_->Get(rocksdb::ReadOptions(), cf(kDefault), kReindexKey, &marker);
  if (s.ok()) {
    // A rebuild is running in another process, or was interrupted: the indexes are
    // incomplete until it is finished, so a reader would miss articles.
    if (options_.read_only) {
      return Status::Aborted("archive '" + path_ +
                             "': its indexes are being rebuilt (a reindex is running, or "
                             "was interrupted and finishes at the next open for writing, "
                             "e.g. 'articledb reindex')");
    }
    std::unique_lock lock(rebuild_mutex_);
    return ReindexLocked(nullptr);
  }
  if (!s.IsNotFound()) return FromRocks(s, "cannot read archive '" + path_ + "'");
  return Status::OK();
}

namespace {

// What a read-only open depends on: the MANIFEST CURRENT names, that MANIFEST's size, and
// the write-ahead logs present (with `sizes`, their sizes too). The writing process
// changes one of them whenever a flush or compaction installs new files or a log is
// started or deleted; with sizes, whenever it writes anything.
std::string ReaderFingerprint(const std::string& path, bool sizes) {
  std::string fp;
  std::error_code ec;
  {
    std::ifstream current(fs::path(path) / "CURRENT");
    std::string manifest;
    std::getline(current, manifest);
    fp += manifest;
    fp += ':';
    const auto size = fs::file_size(fs::path(path) / manifest, ec);
    if (ec || manifest.empty()) return "?";  // cannot tell: never equal to itself below
    fp += std::to_string(size);
  }
  std::vector<std::string> logs;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.ends_with(".log")) continue;
    if (sizes) {
      std::error_code size_ec;
      const auto size = it->file_size(size_ec);
      if (size_ec) return "?";
      name += '=' + std::to_string(size);
    }
    logs.push_back(std::move(name));
  }
  if (ec) return "?";  // cannot tell: never equal to itself below
  std::sort(logs.begin(), logs.end());
  for (const auto& log : logs) fp += ' ' + log;
  return fp;
}

}  // namespace

// A read-only instance (rocksdb::DB::OpenForReadOnly) reads the MANIFEST, then the
// write-ahead logs after it, into memtables of its own; it writes nothing. If the writing
// process flushes between those two steps, the log holding the flushed writes may be gone
// while the MANIFEST read does not name the table that holds them yet: the open would
// see a state that never was. So the open is retried until the MANIFEST and the set of
// logs were the same before and after it; the writes appended to a log meanwhile are a
// prefix of whole batches, which is one state the writer passed through.
// (RocksDB's secondary instance, catching up with TryCatchUpWithPrimary, kept stale
// memtable contents after flushes in 7.8.3: old versions, doubled counter operands.)
Status ArchiveImpl::OpenReader(rocksdb::DB** db,
                               std::vector<rocksdb::ColumnFamilyHandle*>* handles,
                               std::string* fingerprint) {
  constexpr int kAttempts = 100;
  rocksdb::Status s;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(attempt, 20)));
    }
    const std::string sized = ReaderFingerprint(path_, true);
    const std::string before = ReaderFingerprint(path_, false);
    rocksdb::DB* opened = nullptr;
    std::vector<rocksdb::ColumnFamilyHandle*> opened_handles;
    s = rocksdb::DB::OpenForReadOnly(reader_options_, path_, reader_descriptors_,
                                     &opened_handles, &opened);
    const bool stable = before != "?" && before == ReaderFingerprint(path_, false);
    if (s.ok() && stable) {
      *fingerprint = sized;
      *db = opened;
      *handles = std::move(opened_handles);
      return Status::OK();
    }
    if (opened != nullptr) {
      for (auto* h : opened_handles) opened->DestroyColumnFamilyHandle(h);
      opened->Close().PermitUncheckedError();
      delete opened;
    }
    // Files named by the MANIFEST read can be deleted by the writer before they are
    // opened, and a log record being appended can read as damaged: an error while the
    // archive changed (its logs' sizes included) is retried; one on an archive nothing
    // was written to, or one no change explains, is final.
    const bool untouched = stable && sized == ReaderFingerprint(path_, true);
    if (!s.ok() && (untouched || (!s.IsPathNotFound() && !s.IsNotFound() && !s.IsIOError() &&
                                  !s.IsCorruption()))) {
      return OpenFailure(s, path_);
    }
  }
  // Every attempt overlapped a change (its error, if any, came from that change).
  return Status::Busy("archive '" + path_ + "' changed during each of " +
                      std::to_string(kAttempts) + " attempts to open a consistent view of "
                      "it (the writing process is flushing continuously); try again" +
                      (s.ok() ? std::string() : " (last attempt: " + s.ToString() + ")"));
}

// Document numbers continue after every one that may have been given out: the persisted
// mark, the largest record, and (archives written before the mark existed) the largest
// docno the id map refers to, since records can have been lost after their id entries.
Status ArchiveImpl::RecoverNextDocno() {
  const std::string where = "cannot read archive '" + path_ + "'";
  uint64_t next = 1;
  std::string mark;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kDefault), kDocnoMarkKey, &mark);
  const bool has_mark = s.ok() && mark.size() == 8;
  if (has_mark) next = keys::DecodeDocno(mark.data());
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, where);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf(kRecords)));
  it->SeekToLast();
  if (it->Valid() && it->key().size() == 8) {
    next = std::max(next, keys::DecodeDocno(it->key().data()) + 1);
  }
  if (!it->status().ok()) return FromRocks(it->status(), where);
  if (!has_mark) {
    it.reset(db_->NewIterator(rocksdb::ReadOptions(), cf(kIds)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->value().size() == 8) next = std::max(next, keys::DecodeDocno(it->value().data()) + 1);
    }
    if (!it->status().ok()) return FromRocks(it->status(), where);
  }
  it.reset();
  next_docno_ = next;
  docno_reserved_ = next;
  if (!has_mark && !options_.read_only) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = db_->Put(sync, cf(kDefault), kDocnoMarkKey, keys::DocnoKey(next));
    if (!s.ok()) return FromRocks(s, "cannot initialise archive '" + path_ + "'");
  }
  return Status::OK();
}

// The Unicode version and the cursor key; both written when missing (at creation, and at
// the first open for writing of an archive made before they existed).
Status ArchiveImpl::LoadMeta() {
  const std::string where = "cannot read archive '" + path_ + "'";
  rocksdb::WriteBatch missing;
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kDefault), kUnicodeKey, &v);
  if (s.ok()) {
    unicode_version_ = v;
  } else if (s.IsNotFound()) {
    if (!options_.read_only) {
      unicode_version_ = UnicodeVersion();
      missing.Put(cf(kDefault), kUnicodeKey, unicode_version_);
    }
  } else {
    return FromRocks(s, where);
  }
  s = db_->Get(rocksdb::ReadOptions(), cf(kDefault), kCursorKeyKey, &v);
  if (s.ok() && v.size() == 8) {
    cursor_key_ = keys::DecodeDocno(v.data());
  } else if (s.IsNotFound() || (s.ok() && v.size() != 8)) {
    if (!options_.read_only) {
      std::random_device rd;
      cursor_key_ = (static_cast<uint64_t>(rd()) << 32) ^ rd();
      missing.Put(cf(kDefault), kCursorKeyKey, keys::DocnoKey(cursor_key_));
    }
  } else {
    return FromRocks(s, where);
  }
  if (missing.Count() > 0) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = db_->Write(sync, &missing);
    if (!s.ok()) return FromRocks(s, "cannot initialise archive '" + path_ + "'");
  }
  return Status::OK();
}

Status ArchiveImpl::AllocateDocnos(size_t count, const rocksdb::WriteOptions& wo,
                                   uint64_t* first) {
  std::lock_guard lock(docno_mutex_);
  const uint64_t end = next_docno_ + count;
  if (end > docno_reserved_) {
    // The mark goes through the write-ahead log even for a disable_wal batch: it comes
    // before the batch in RocksDB's order, so any state a crash leaves that holds the
    // batch holds the mark too (atomic_flush keeps flushed states such a prefix).
    const uint64_t reserved = end + kDocnoBlock;
    rocksdb::WriteOptions mark_wo;
    mark_wo.sync = wo.sync;
    rocksdb::Status s = db_->Put(mark_wo, cf(kDefault), kDocnoMarkKey, keys::DocnoKey(reserved));
    if (!s.ok()) return FromRocks(s, "write failed (reserving document numbers); nothing was stored");
    docno_reserved_ = reserved;
  }
  *first = next_docno_;
  next_docno_ = end;
  return Status::OK();
}

}  // namespace

Status Archive::Open(const Options& options, const std::string& path,
                     std::unique_ptr<Archive>* archive) {
  archive->reset();
  if (path.empty()) return Status::InvalidArgument("archive path is empty");
  auto impl = std::make_unique<ArchiveImpl>(options, path);
  Status s = impl->OpenDb();
  if (!s.ok()) return s;
  *archive = std::move(impl);
  return Status::OK();
}

namespace {

// ---------------------------------------------------------------------------- writes

void ArchiveImpl::ApplyDerived(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* index,
                               rocksdb::ColumnFamilyHandle* counters, const Derived& d, int sign,
                               const Derived* other) {
  std::unordered_set<std::string_view> keep_keys, keep_names;
  if (other != nullptr) {
    for (const auto& k : other->index_keys) keep_keys.insert(k);
    for (const auto& n : other->names) keep_names.insert(n.first);
  }
  for (const auto& k : d.index_keys) {
    if (keep_keys.count(k)) continue;
    if (sign > 0) {
      batch->Put(index, k, rocksdb::Slice());
    } else {
      batch->Delete(index, k);
    }
  }
  for (const auto& [key, display] : d.names) {
    if (keep_names.count(key)) {
      // Same name in both versions: count unchanged, keep the newest spelling.
      if (sign > 0) batch->Merge(counters, key, counters::Encode(0, display));
      continue;
    }
    batch->Merge(counters, key, counters::Encode(sign, sign > 0 ? display : std::string_view()));
  }
}

std::vector<std::unique_lock<std::mutex>> ArchiveImpl::LockIds(
    const std::vector<std::string_view>& ids) {
  std::vector<size_t> stripes;
  stripes.reserve(ids.size());
  for (std::string_view id : ids) stripes.push_back(XXH3_64bits(id.data(), id.size()) % kStripes);
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  std::vector<std::unique_lock<std::mutex>> locks;
  locks.reserve(stripes.size());
  for (size_t s : stripes) locks.emplace_back(stripes_[s]);  // ascending: no deadlock
  return locks;
}

Status ArchiveImpl::PutBatch(const WriteOptions& wo, std::span<const Article> articles,
                             WriteStats* stats) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  if (articles.empty()) return Status::OK();
  // 1. Validate and serialize every article before touching the archive.
  const size_t n = articles.size();
  std::vector<Article> with_ids;  // copies of articles that arrived without an id
  std::vector<const Article*> items(n);
  std::vector<std::string> values(n);
  size_t missing_ids = 0;
  for (const Article& a : articles) missing_ids += a.id().empty() ? 1 : 0;
  with_ids.reserve(missing_ids);
  for (size_t i = 0; i < n; ++i) {
    items[i] = &articles[i];
    if (articles[i].id().empty()) {
      with_ids.push_back(articles[i]);
      with_ids.back().set_id(DeriveArticleId(articles[i]));
      items[i] = &with_ids.back();
    }
    if (Status s = ValidateArticle(*items[i], options_.limits); !s.ok()) {
      if (n == 1) return s;
      return Status::InvalidArgument("batch position " + std::to_string(i) + ": " + s.message() +
                                     " (nothing in the batch was stored)");
    }
    if (!items[i]->SerializeToString(&values[i])) {
      return Status::InvalidArgument("batch position " + std::to_string(i) +
                                     ": article cannot be serialized");
    }
  }
  // 2. The last occurrence of each id wins.
  std::vector<size_t> order;
  std::vector<std::string_view> ids;
  {
    std::unordered_map<std::string_view, size_t> last;
    for (size_t i = 0; i < n; ++i) last[items[i]->id()] = i;
    for (size_t i = 0; i < n; ++i) {
      if (last[items[i]->id()] == i) {
        order.push_back(i);
        ids.push_back(items[i]->id());
      }
    }
  }
  std::shared_lock rebuild(rebuild_mutex_);
  auto locks = LockIds(ids);
  // 3. Find the versions being replaced.
  const size_t m = ids.size();
  std::vector<rocksdb::Slice> id_slices(m);
  for (size_t j = 0; j < m; ++j) id_slices[j] = ToSlice(ids[j]);
  std::vector<rocksdb::PinnableSlice> docno_values(m);
  std::vector<rocksdb::Status> st(m);
  db_->MultiGet(rocksdb::ReadOptions(), cf(kIds), m, id_slices.data(), docno_values.data(),
                st.data());
  std::vector<uint64_t> docnos(m, 0);
  std::vector<std::string> old_keys;
  std::vector<size_t> old_of;  // index j of each old record
  for (size_t j = 0; j < m; ++j) {
    if (st[j].ok()) {
      if (docno_values[j].size() != 8) {
        return Status::Corruption("id map entry of '" + std::string(ids[j]) + "' is damaged");
      }
      docnos[j] = keys::DecodeDocno(docno_values[j].data());
      old_keys.push_back(keys::DocnoKey(docnos[j]));
      old_of.push_back(j);
    } else if (!st[j].IsNotFound()) {
      return FromRocks(st[j], "reading id map");
    }
  }
  std::vector<std::optional<Article>> old_versions(m);
  if (!old_keys.empty()) {
    const size_t k = old_keys.size();
    std::vector<rocksdb::Slice> ks(k);
    for (size_t i = 0; i < k; ++i) ks[i] = old_keys[i];
    std::vector<rocksdb::PinnableSlice> vals(k);
    std::vector<rocksdb::Status> sts(k);
    db_->MultiGet(rocksdb::ReadOptions(), cf(kRecords), k, ks.data(), vals.data(), sts.data());
    for (size_t i = 0; i < k; ++i) {
      if (sts[i].IsNotFound()) continue;  // dangling id entry: overwrite it
      if (!sts[i].ok()) return FromRocks(sts[i], "reading stored record");
      Article old;
      if (!ParseRecord(ToView(vals[i]), &old)) {
        return Status::Corruption("stored record of '" + std::string(ids[old_of[i]]) +
                                  "' cannot be parsed; run verify, then reindex");
      }
      if (old.id() != ids[old_of[i]]) {
        // The id entry points at another article's record (a damaged archive): leave that
        // article alone and store this one under a new docno.
        docnos[old_of[i]] = 0;
        continue;
      }
      old_versions[old_of[i]] = std::move(old);
    }
  }
  size_t fresh = 0;
  for (size_t j = 0; j < m; ++j) fresh += docnos[j] == 0 ? 1 : 0;
  uint64_t next_fresh = 0;
  if (fresh > 0) {
    if (Status s = AllocateDocnos(fresh, ToRocks(wo), &next_fresh); !s.ok()) return s;
  }
  // 4. One batch: records, id map, index entries in and out, counters.
  rocksdb::WriteBatch batch;
  Derived now, before;
  int64_t article_delta = 0, byte_delta = 0;
  WriteStats local;
  for (size_t j = 0; j < m; ++j) {
    const size_t i = order[j];
    uint64_t docno = docnos[j];
    if (docno == 0) {
      docno = next_fresh++;
      batch.Put(cf(kIds), id_slices[j], keys::DocnoKey(docno));
    }
    batch.Put(cf(kRecords), keys::DocnoKey(docno), values[i]);
    Derive(*items[i], docno, &now);
    if (old_versions[j]) {
      Derive(*old_versions[j], docno, &before);
      ApplyDerived(&batch, cf(kIndex), cf(kCounters), before, -1, &now);
      ApplyDerived(&batch, cf(kIndex), cf(kCounters), now, +1, &before);
      byte_delta += static_cast<int64_t>(values[i].size()) -
                    static_cast<int64_t>(old_versions[j]->ByteSizeLong());
      ++local.updated;
    } else {
      ApplyDerived(&batch, cf(kIndex), cf(kCounters), now, +1, nullptr);
      byte_delta += static_cast<int64_t>(values[i].size());
      ++article_delta;
      ++local.inserted;
    }
  }
  if (article_delta != 0) {
    batch.Merge(cf(kCounters), ToSlice(keys::kArticlesCounter), counters::Encode(article_delta, ""));
  }
  batch.Merge(cf(kCounters), ToSlice(keys::kRecordBytesCounter), counters::Encode(byte_delta, ""));
  rocksdb::Status ws = Commit(ToRocks(wo), &batch);
  if (!ws.ok()) return FromRocks(ws, "write failed; nothing of this batch was stored");
  if (stats) {
    stats->inserted += local.inserted;
    stats->updated += local.updated;
  }
  return Status::OK();
}

Status ArchiveImpl::Delete(const WriteOptions& wo, std::string_view id) {
  WriteStats stats;
  const std::string ids[1] = {std::string(id)};
  Status s = DeleteBatch(wo, ids, &stats);
  if (!s.ok()) return s;
  if (stats.not_found) return Status::NotFound("no article with id '" + std::string(id) + "'");
  return Status::OK();
}

Status ArchiveImpl::DeleteBatch(const WriteOptions& wo, std::span<const std::string> id_list,
                                WriteStats* stats) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  std::vector<std::string_view> ids;
  {
    std::unordered_set<std::string_view> seen;
    for (const std::string& id : id_list) {
      if (seen.insert(id).second) ids.push_back(id);
    }
  }
  if (ids.empty()) return Status::OK();
  std::shared_lock rebuild(rebuild_mutex_);
  auto locks = LockIds(ids);
  rocksdb::WriteBatch batch;
  Derived d;
  int64_t article_delta = 0, byte_delta = 0;
  WriteStats local;
  for (std::string_view id : ids) {
    std::string docno_value, record;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kIds), ToSlice(id), &docno_value);
    if (s.IsNotFound()) {
      ++local.not_found;
      continue;
    }
    if (!s.ok()) return FromRocks(s, "reading id map");
    if (docno_value.size() != 8) {
      return Status::Corruption("id map entry of '" + std::string(id) + "' is damaged");
    }
    const uint64_t docno = keys::DecodeDocno(docno_value.data());
    batch.Delete(cf(kIds), ToSlice(id));
    s = db_->Get(rocksdb::ReadOptions(), cf(kRecords), keys::DocnoKey(docno), &record);
    if (s.IsNotFound()) {
      ++local.deleted;  // a dangling id entry; removing it is the whole delete
      continue;
    }
    if (!s.ok()) return FromRocks(s, "reading stored record");
    Article old;
    if (!ParseRecord(record, &old)) {
      return Status::Corruption("stored record of '" + std::string(id) +
                                "' cannot be parsed; run verify, then reindex");
    }
    if (old.id() != id) {
      ++local.deleted;  // the entry points at another article's record: that one stays
      continue;
    }
    Derive(old, docno, &d);
    ApplyDerived(&batch, cf(kIndex), cf(kCounters), d, -1, nullptr);
    batch.Delete(cf(kRecords), keys::DocnoKey(docno));
    --article_delta;
    byte_delta -= static_cast<int64_t>(record.size());
    ++local.deleted;
  }
  if (article_delta != 0) {
    batch.Merge(cf(kCounters), ToSlice(keys::kArticlesCounter), counters::Encode(article_delta, ""));
    batch.Merge(cf(kCounters), ToSlice(keys::kRecordBytesCounter), counters::Encode(byte_delta, ""));
  }
  if (batch.Count() > 0) {
    rocksdb::Status ws = Commit(ToRocks(wo), &batch);
    if (!ws.ok()) return FromRocks(ws, "delete failed; nothing was removed");
  }
  if (stats) {
    stats->deleted += local.deleted;
    stats->not_found += local.not_found;
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------- reads

// An id entry that leads to the record of another article.
Status WrongRecord(std::string_view id, std::string_view docno_key, const std::string& stored) {
  const uint64_t docno = docno_key.size() == 8 ? keys::DecodeDocno(docno_key.data()) : 0;
  return Status::Corruption("id map entry of '" + std::string(id) + "' points at record " +
                            std::to_string(docno) + ", which holds '" + stored +
                            "'; run verify, then reindex");
}

Status ArchiveImpl::MultiGet(std::span<const std::string> ids, std::vector<Article>* articles,
                             std::vector<Status>* statuses) {
  const size_t n = ids.size();
  articles->resize(n);  // the messages already there are reused
  for (Article& a : *articles) a.Clear();
  statuses->assign(n, Status::OK());
  if (n == 0) return Status::OK();
  ReadLock read_lock;
  if (Status s = BeginRead(&read_lock); !s.ok()) return s;
  const rocksdb::Snapshot* snap = db_->GetSnapshot();
  rocksdb::ReadOptions ro;
  ro.snapshot = snap;
  std::vector<rocksdb::Slice> id_slices(n);
  for (size_t i = 0; i < n; ++i) id_slices[i] = ToSlice(ids[i]);
  std::vector<rocksdb::PinnableSlice> docno_values(n);
  std::vector<rocksdb::Status> st(n);
  db_->MultiGet(ro, cf(kIds), n, id_slices.data(), docno_values.data(), st.data());
  std::vector<std::string> record_keys;
  std::vector<size_t> which;
  for (size_t i = 0; i < n; ++i) {
    if (st[i].IsNotFound()) {
      (*statuses)[i] = Status::NotFound("no article with id '" + ids[i] + "'");
    } else if (!st[i].ok()) {
      (*statuses)[i] = FromRocks(st[i], "reading id map");
    } else if (docno_values[i].size() != 8) {
      (*statuses)[i] = Status::Corruption("id map entry of '" + ids[i] + "' is damaged");
    } else {
      record_keys.push_back(keys::DocnoKey(keys::DecodeDocno(docno_values[i].data())));
      which.push_back(i);
    }
  }
  const size_t k = record_keys.size();
  std::vector<rocksdb::Slice> ks(k);
  for (size_t i = 0; i < k; ++i) ks[i] = record_keys[i];
  std::vector<rocksdb::PinnableSlice> vals(k);
  std::vector<rocksdb::Status> sts(k);
  if (k > 0) db_->MultiGet(ro, cf(kRecords), k, ks.data(), vals.data(), sts.data());
  db_->ReleaseSnapshot(snap);
  for (size_t i = 0; i < k; ++i) {
    const size_t at = which[i];
    if (sts[i].IsNotFound()) {
      (*statuses)[at] = Status::Corruption("id '" + ids[at] + "' maps to a missing record");
    } else if (!sts[i].ok()) {
      (*statuses)[at] = FromRocks(sts[i], "reading record");
    } else if (!ParseRecord(ToView(vals[i]), &(*articles)[at])) {
      (*statuses)[at] = Status::Corruption("record of '" + ids[at] + "' cannot be parsed");
    } else if ((*articles)[at].id() != ids[at]) {
      (*statuses)[at] = WrongRecord(ids[at], ToView(ks[i]), (*articles)[at].id());
      (*articles)[at].Clear();
    }
  }
  return Status::OK();
}

Status ArchiveImpl::ReadCounter(const rocksdb::Snapshot* snap, const std::string& key,
                                int64_t* value) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snap;
  std::string v;
  rocksdb::Status s = db_->Get(ro, cf(kCounters), key, &v);
  *value = 0;
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok()) return FromRocks(s, "reading counters");
  std::string_view name;
  if (!counters::Decode(v, value, &name)) return Status::Corruption("counter value is damaged");
  return Status::OK();
}

// Builds the intersection of a filter's streams, the most selective first. A name with
// kProbeRatio times more articles than the rarest is probed rather than walked: walking
// it costs a seek per candidate, probing a Bloom filter check.
Status ArchiveImpl::Plan(const NormalFilter& nf, const rocksdb::Snapshot* snap, Order order,
                         const std::optional<Pos>& after, std::unique_ptr<Matcher>* matcher) {
  constexpr int64_t kProbeRatio = 8;
  std::vector<std::pair<int64_t, std::string>> ranked;
  if (nf.prefixes.empty()) {
    ranked.emplace_back(0, std::string(1, keys::kDate));
  }
  for (const std::string& p : nf.prefixes) {
    int64_t count = 0;
    // One stream has nothing to be ranked against: no counter read.
    if (nf.prefixes.size() > 1) {
      if (Status s = ReadCounter(snap, p, &count); !s.ok()) return s;
    }
    ranked.emplace_back(count, p);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::unique_ptr<Stream>> streams;
  Probes probes{db_, cf(kIndex), snap, {}};
  for (auto& [count, prefix] : ranked) {
    if (!streams.empty() && count >= kProbeRatio * std::max<int64_t>(ranked[0].first, 1)) {
      probes.prefixes.push_back(std::move(prefix));
    } else {
      streams.push_back(std::make_unique<Stream>(db_, cf(kIndex), snap, prefix, nf));
    }
  }
  *matcher = std::make_unique<Matcher>(std::move(streams), std::move(probes), nf, order, after);
  return Status::OK();
}

Status ArchiveImpl::ReadRecords(const rocksdb::Snapshot* snap, const std::vector<Pos>& positions,
                                std::vector<Article>* out) {
  const size_t k = positions.size();
  out->resize(k);  // the messages already there are reused
  if (k == 0) return Status::OK();
  std::vector<std::string> key_store(k);
  std::vector<rocksdb::Slice> ks(k);
  for (size_t i = 0; i < k; ++i) {
    key_store[i] = keys::DocnoKey(positions[i].docno);
    ks[i] = key_store[i];
  }
  std::vector<rocksdb::PinnableSlice> vals(k);
  std::vector<rocksdb::Status> sts(k);
  rocksdb::ReadOptions ro;
  ro.snapshot = snap;
  // RocksDB stops reading values once they add up to the bound and answers the rest
  // Aborted; it reads in key order, so the page keeps its prefix up to the first of them.
  ro.value_size_soft_limit = kPageBytes;
  db_->MultiGet(ro, cf(kRecords), k, ks.data(), vals.data(), sts.data());
  size_t keep = k;
  for (size_t i = 0; i < k; ++i) {
    if (sts[i].IsAborted()) {
      keep = i;
      break;
    }
  }
  if (keep == 0) {  // the first record itself was left unread: read it alone
    vals[0].Reset();
    ro.value_size_soft_limit = std::numeric_limits<uint64_t>::max();
    sts[0] = db_->Get(ro, cf(kRecords), ks[0], &vals[0]);
    keep = 1;
  }
  for (size_t i = keep; i < k; ++i) vals[i].Reset();
  out->resize(keep);
  for (size_t i = 0; i < keep; ++i) {
    if (sts[i].IsNotFound()) {
      return Status::Corruption("index entry points to missing record " +
                                std::to_string(positions[i].docno) + "; run verify");
    }
    if (!sts[i].ok()) return FromRocks(sts[i], "reading records");
    if (!ParseRecord(ToView(vals[i]), &(*out)[i])) {
      return Status::Corruption("record " + std::to_string(positions[i].docno) +
                                " cannot be parsed; run verify");
    }
    // The index entry names the record's time: a record of another time is not the
    // article the entry was written for.
    const Article& a = (*out)[i];
    if (IndexTime(a) != positions[i].time) {
      return Status::Corruption("index entry for record " + std::to_string(positions[i].docno) +
                                " does not match that record ('" + a.id() +
                                "'); run verify, then reindex");
    }
  }
  return Status::OK();
}

// Holds a snapshot for the length of one call.
class SnapshotHolder {
 public:
  // A secondary (read-only) instance reads a fixed view and refuses snapshots.
  SnapshotHolder(rocksdb::DB* db, bool none) : db_(db), snap_(none ? nullptr : db->GetSnapshot()) {}
  ~SnapshotHolder() {
    if (snap_ != nullptr) db_->ReleaseSnapshot(snap_);
  }
  SnapshotHolder(const SnapshotHolder&) = delete;
  SnapshotHolder& operator=(const SnapshotHolder&) = delete;
  const rocksdb::Snapshot* get() const { return snap_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snap_;
};

// Two point reads from one snapshot, the record parsed straight into the caller's message
// (whose buffers a caller reading many articles reuses).
Status ArchiveImpl::Get(std::string_view id, Article* article) {
  article->Clear();
  ReadLock read_lock;
  if (Status s = BeginRead(&read_lock); !s.ok()) return s;
  SnapshotHolder snap(db_, options_.read_only);
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.get();
  rocksdb::PinnableSlice docno;
  rocksdb::Status st = db_->Get(ro, cf(kIds), ToSlice(id), &docno);
  if (st.IsNotFound()) return Status::NotFound("no article with id '" + std::string(id) + "'");
  if (!st.ok()) return FromRocks(st, "reading id map");
  if (docno.size() != 8) {
    return Status::Corruption("id map entry of '" + std::string(id) + "' is damaged");
  }
  rocksdb::PinnableSlice record;
  st = db_->Get(ro, cf(kRecords), keys::DocnoKey(keys::DecodeDocno(docno.data())), &record);
  if (st.IsNotFound()) {
    return Status::Corruption("id '" + std::string(id) + "' maps to a missing record");
  }
  if (!st.ok()) return FromRocks(st, "reading record");
  if (!ParseRecord(ToView(record), article)) {
    article->Clear();
    return Status::Corruption("record of '" + std::string(id) + "' cannot be parsed");
  }
  if (article->id() != id) {
    const std::string stored = article->id();
    article->Clear();
    return WrongRecord(id, ToView(docno), stored);
  }
  return Status::OK();
}

Status ArchiveImpl::Query(const Filter& filter, const QueryOptions& options, Page* page) {
  // The page's messages are parsed into again (their storage reused); a failed call
  // leaves the page empty.
  std::vector<Article> reused;
  reused.swap(page->articles);
  page->next_cursor.clear();
  ReadLock read_lock;
  if (Status s = BeginRead(&read_lock); !s.ok()) return s;
  if (options.limit == 0 || options.limit > kMaxPageLimit) {
    return Status::InvalidArgument("page limit must be between 1 and " +
                                   std::to_string(kMaxPageLimit) + ", not " +
                                   std::to_string(options.limit));
  }
  NormalFilter nf;
  if (Status s = Normalize(filter, &nf); !s.ok()) return s;
  const uint64_t fingerprint = Fingerprint(nf, options.order);
  std::optional<Pos> after;
  if (!options.cursor.empty()) {
    CursorPosition cp;
    if (Status s = DecodeCursor(options.cursor, fingerprint, &cp, cursor_key_); !s.ok()) return s;
    after = Pos{cp.time, cp.docno};
  }
  SnapshotHolder snap(db_, options_.read_only);
  std::unique_ptr<Matcher> matcher;
  if (Status s = Plan(nf, snap.get(), options.order, after, &matcher); !s.ok()) return s;
  std::vector<Pos> positions;
  Pos p;
  while (positions.size() <= options.limit && matcher->Next(&p)) positions.push_back(p);
  if (!matcher->status().ok()) return FromRocks(matcher->status(), "reading index");
  bool more = positions.size() > options.limit;
  if (more) positions.pop_back();
  if (Status s = ReadRecords(snap.get(), positions, &reused); !s.ok()) return s;
  page->articles.swap(reused);
  if (page->articles.size() < positions.size()) {  // stopped by the byte bound
    positions.resize(page->articles.size());
    more = true;
  }
  if (more) {
    page->next_cursor =
        EncodeCursor({fingerprint, positions.back().time, positions.back().docno}, cursor_key_);
  }
  return Status::OK();
}

Status ArchiveImpl::Scan(const Filter& filter, Order order,
                         const std::function<bool(const Article&)>& visit) {
  ReadLock read_lock;
  if (Status s = BeginRead(&read_lock); !s.ok()) return s;
  NormalFilter nf;
  if (Status s = Normalize(filter, &nf); !s.ok()) return s;
  SnapshotHolder snap(db_, options_.read_only);
  std::unique_ptr<Matcher> matcher;
  if (Status s = Plan(nf, snap.get(), order, std::nullopt, &matcher); !s.ok()) return s;
  std::vector<Pos> positions;
  std::vector<Article> chunk;
  bool more = true;
  while (more || !positions.empty()) {
    Pos p;
    while (more && positions.size() < kScanChunk && (more = matcher->Next(&p))) {
      positions.push_back(p);
    }
    if (!matcher->status().ok()) return FromRocks(matcher->status(), "reading index");
    if (positions.empty()) break;
    if (Status s = ReadRecords(snap.get(), positions, &chunk); !s.ok()) return s;
    // A chunk stopped by the byte bound: the positions not read come first next time.
    positions.erase(positions.begin(), positions.begin() + static_cast<std::ptrdiff_t>(chunk.size()));
    for (const Article& a : chunk) {
      if (!visit(a)) return Status::OK();
    }
  }
  return Status::OK();
}

Status ArchiveImpl::Count(const Filter& filter, uint64_t* count) {
  *count = 0;
  ReadLock read_lock;
  if (Status s = BeginRead(&read_lock); !s.ok()) return s;
  NormalFilter nf;
  if (Status s = Normalize(filter, &nf); !s.ok()) return s;
  SnapshotHolder snap(db_, options_.read_only);
  // Whole-name counts come from the counters, kept in step with the index.
  if (!nf.bounded && nf.prefixes.size() <= 1) {
    int64_t v = 0;
    const std::string key =
        nf.prefixes.empty() ? std::string(keys::kArticlesCounter) : nf.prefixes[0];
    if (Status s = ReadCounter(snap.get(), key, &v); !s.ok()) return s;
    *count = v > 0 ? static_cast<uint64_t>(v) : 0;
    return Status::OK();
  }
  std::unique_ptr<Matcher> matcher;
  if (Status s = Plan(nf, snap.get(), Order::kOldestFirst, std::nullopt, &matcher); !s.ok()) {
    return s;
  }
  Pos p;
  uint64_t n = 0;
  while (matcher->Next(&p)) ++n;
  if (!matcher->status().ok()) return FromRocks(matcher->status(), "reading index");
  *count = n;
  return Status::OK();
}

Status ArchiveImpl::Timeline(const Filter& filter, const TimelineOptions& options,
                             std::vector<TimelineEntry>* entries) {
  entries->clear();
  if (!options.time_zone.empty() || options.zero_fill) {
    return Status::NotSupported("time zones and zero fill are not implemented yet");
  }
  const Bucket bucket = options.bucket;
  ReadLock read_lock;
  if (Status s = BeginRead(&read_lock); !s.ok()) return s;
  NormalFilter nf;
  if (Status s = Normalize(filter, &nf); !s.ok()) return s;
  nf.lo = std::max(nf.lo, keys::kUndated + 1);  // undated articles have no bucket
  SnapshotHolder snap(db_, options_.read_only);
  std::unique_ptr<Matcher> matcher;
  if (Status s = Plan(nf, snap.get(), Order::kOldestFirst, std::nullopt, &matcher); !s.ok()) {
    return s;
  }
  Pos p;
  int64_t end = INT64_MIN;
  while (matcher->Next(&p)) {
    if (entries->empty() || p.time >= end) {
      TimelineEntry e;
      BucketOf(p.time, bucket, &e.start_micros, &end, &e.label);
      entries->push_back(std::move(e));
    }
    ++entries->back().count;
  }
  if (!matcher->status().ok()) return FromRocks(matcher->status(), "reading index");
  return Status::OK();
}

Status ArchiveImpl::ListNames(const std::string& key_prefix, size_t limit,
                              std::vector<NameCount>* out) {
  out->clear();
  SnapshotHolder snap(db_, options_.read_only);
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.get();
  const std::string upper = keys::PrefixSuccessor(key_prefix);
  rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(kCounters)));
  for (it->Seek(key_prefix); it->Valid(); it->Next()) {
    int64_t count = 0;
    std::string_view name;
    if (!counters::Decode(ToView(it->value()), &count, &name)) {
      return Status::Corruption("counter value is damaged");
    }
    if (count > 0) out->push_back(NameCount{std::string(name), static_cast<uint64_t>(count)});
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading counters");
  auto most_first = [](const NameCount& a, const NameCount& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  };
  if (limit > 0 && limit < out->size()) {
    std::partial_sort(out->begin(), out->begin() + static_cast<std::ptrdiff_t>(limit), out->end(),
                      most_first);
    out->resize(limit);
  } else {
    std::sort(out->begin(), out->end(), most_first);
  }
  return Status::OK();
}

Status ArchiveImpl::ListEntities(std::string_view prefix, size_t limit,
                                 std::vector<NameCount>* entities) {
  size_t bad = 0;
  if (!IsValidUtf8(prefix, &bad)) {
    return Status::InvalidArgument("entity prefix: invalid UTF-8 at byte " + std::to_string(bad));
  }
  std::string key(1, keys::kEntity);
  keys::AppendNamePrefix(&key, NormalizeName(prefix));
  ReadLock read_lock;
  if (Status s = BeginRead(&read_lock); !s.ok()) return s;
  return ListNames(key, limit, entities);
}

Status ArchiveImpl::ForEachRecord(const std::function<bool(std::string_view)>& visit) {
  ReadLock read_lock;
  if (Status s = BeginRead(&read_lock); !s.ok()) return s;
  SnapshotHolder snap(db_, options_.read_only);
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.get();
  ro.fill_cache = false;
  ro.readahead_size = 2u << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(kRecords)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!visit(ToView(it->value()))) return Status::OK();
  }
  return FromRocks(it->status(), "reading records");
}

// ---------------------------------------------------------------------------- maintenance

Status ArchiveImpl::GetStats(Stats* stats) {
  *stats = Stats();
  ReadLock read_lock;
  if (Status s = BeginRead(&read_lock); !s.ok()) return s;
  SnapshotHolder snap(db_, options_.read_only);
  int64_t v = 0;
  if (Status s = ReadCounter(snap.get(), std::string(keys::kArticlesCounter), &v); !s.ok()) return s;
  stats->articles = v > 0 ? static_cast<uint64_t>(v) : 0;
  if (Status s = ReadCounter(snap.get(), std::string(keys::kRecordBytesCounter), &v); !s.ok()) return s;
  stats->record_bytes = v > 0 ? static_cast<uint64_t>(v) : 0;
  stats->unicode_version = unicode_version_;
  if (std::string w = UnicodeWarning(); !w.empty()) stats->warnings.push_back(std::move(w));
  std::vector<NameCount> names;
  if (Status s = ListNames(std::string(1, keys::kSource), 0, &names); !s.ok()) return s;
  stats->sources = names.size();
  if (Status s = ListNames(std::string(1, keys::kEntity), 0, &names); !s.ok()) return s;
  stats->entities = names.size();
  // Date range: the first and last dated entries of the date index.
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.get();
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(kIndex)));
  std::string k(1, keys::kDate);
  keys::AppendTime(&k, keys::kUndated + 1);
  it->Seek(k);
  if (it->Valid() && it->key().size() == 1 + keys::kPositionBytes && it->key()[0] == keys::kDate) {
    stats->oldest_micros = keys::DecodeTime(it->key().data() + 1);
    it->SeekForPrev(keys::PrefixSuccessor(std::string(1, keys::kDate)));
    if (it->Valid() && it->key().size() == 1 + keys::kPositionBytes) {
      stats->newest_micros = keys::DecodeTime(it->key().data() + 1);
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading index");
  for (size_t c = 0; c < kNumCf; ++c) {
    ColumnFamilyStats cs;
    cs.name = kCfNames[c];
    db_->GetIntProperty(cf(static_cast<Cf>(c)), "rocksdb.total-sst-files-size", &cs.sst_bytes);
    // An empty memtable still holds an arena block: bytes only when it holds entries.
    uint64_t active = 0, immutable = 0;
    db_->GetIntProperty(cf(static_cast<Cf>(c)), "rocksdb.num-entries-active-mem-table", &active);
    db_->GetIntProperty(cf(static_cast<Cf>(c)), "rocksdb.num-entries-imm-mem-tables", &immutable);
    if (active + immutable > 0) {
      db_->GetIntProperty(cf(static_cast<Cf>(c)), "rocksdb.cur-size-all-mem-tables",
                          &cs.memtable_bytes);
    }
    db_->GetIntProperty(cf(static_cast<Cf>(c)), "rocksdb.estimate-num-keys", &cs.estimated_keys);
    if (c == kRecords) stats->record_disk_bytes = cs.sst_bytes;
    stats->column_families.push_back(cs);
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(path_, ec)) {
    std::error_code size_ec;
    if (entry.is_regular_file(size_ec)) {
      const auto size = entry.file_size(size_ec);
      if (!size_ec) stats->total_disk_bytes += size;
    }
  }
  return Status::OK();
}

Status ArchiveImpl::Flush() {
  if (options_.read_only) return Status::OK();
  rocksdb::FlushOptions fo;
  fo.wait = true;
  return FromRocks(db_->Flush(fo, handles_), "flush failed");
}

Status ArchiveImpl::Compact() {
  if (Status s = CheckWritable(); !s.ok()) return s;
  if (Status s = Flush(); !s.ok()) return s;
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (auto* h : handles_) {
    rocksdb::Status s = db_->CompactRange(co, h, nullptr, nullptr);
    if (!s.ok()) return FromRocks(s, "compaction failed");
  }
  return Status::OK();
}

Status ArchiveImpl::Checkpoint(const std::string& dir) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  if (fs::exists(dir)) return Status::InvalidArgument("checkpoint directory '" + dir + "' already exists");
  rocksdb::Checkpoint* cp = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(db_, &cp);
  if (!s.ok()) return FromRocks(s, "checkpoint");
  std::unique_ptr<rocksdb::Checkpoint> owned(cp);
  s = owned->CreateCheckpoint(dir);
  if (!s.ok()) return FromRocks(s, "checkpoint into '" + dir + "'");
  // RocksDB renames the finished copy into place and syncs it, not the directory that
  // holds it: without this a power loss after Checkpoint returned could lose the copy.
  return internal::SyncParentDirectory(dir);
}

// Refresh opens a new read-only instance on the archive's current state while reads go
// on against the old one, then swaps them under refresh_mutex_ (exclusive: reads in
// progress finish on the old instance, later ones use the new one) and closes the old.
// Each read call therefore sees one state, and on an error the old view stays.
Status ArchiveImpl::Refresh() {
  if (!options_.read_only) return Status::OK();
  std::lock_guard serial(refresh_serial_);
  // Nothing written since the current view was opened: it is still the archive's state.
  if (const std::string now = ReaderFingerprint(path_, true);
      now != "?" && now == reader_fingerprint_) {
    return Status::OK();
  }
  rocksdb::DB* fresh = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> fresh_handles;
  auto close_fresh = [&] {
    if (fresh == nullptr) return;
    for (auto* h : fresh_handles) fresh->DestroyColumnFamilyHandle(h);
    fresh->Close().PermitUncheckedError();
    delete fresh;
    fresh = nullptr;
  };
  std::string fresh_fingerprint;
  if (Status os = OpenReader(&fresh, &fresh_handles, &fresh_fingerprint); !os.ok()) return os;
  // A reindex running in the writing process: refuse reads until it has ended.
  std::string marker;
  rocksdb::Status s =
      fresh->Get(rocksdb::ReadOptions(), fresh_handles[kDefault], kReindexKey, &marker);
  if (!s.ok() && !s.IsNotFound()) {
    close_fresh();
    return FromRocks(s, "refresh");
  }
  {
    std::unique_lock<std::shared_mutex> lock;
    {
      std::lock_guard turnstile(refresh_turnstile_);
      lock = std::unique_lock(refresh_mutex_);
    }
    std::swap(db_, fresh);
    std::swap(handles_, fresh_handles);
    rebuilding_ = s.ok();
  }
  reader_fingerprint_ = std::move(fresh_fingerprint);
  close_fresh();  // the old instance: no read uses it any more
  return Status::OK();
}

Status ArchiveImpl::Verify(VerifyReport* report, const ProgressFn& progress) {
  *report = VerifyReport();
  ReadLock read_lock;
  if (Status s = BeginRead(&read_lock); !s.ok()) return s;
  auto problem = [report](std::string msg) {
    ++report->problems;
    if (report->messages.size() < kMaxMessages) report->messages.push_back(std::move(msg));
  };
  SnapshotHolder snap(db_, options_.read_only);
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.get();
  ro.fill_cache = false;
  ro.total_order_seek = true;
  if (std::string w = UnicodeWarning(); !w.empty()) problem(std::move(w));
  // Pass 1: every record, its id entry and every index entry it implies.
  struct Expected {
    int64_t count = 0;
    std::string name;  // a spelling stored, for messages
  };
  std::unordered_map<std::string, Expected> expected_counts;
  uint64_t expected_entries = 0;
  int64_t record_bytes = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(kRecords)));
  Derived d;
  Article a;
  std::string value;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report->records;
    if (progress && report->records % 10000 == 0 && !progress(report->records)) {
      return Status::Aborted("verify stopped");
    }
    if (it->key().size() != 8) {
      problem("records: key of " + std::to_string(it->key().size()) + " bytes (expected 8)");
      continue;
    }
    const uint64_t docno = keys::DecodeDocno(it->key().data());
    const std::string where = "record " + std::to_string(docno);
    if (!a.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      const std::string why = InvalidUtf8InRecord(ToView(it->value()));
      problem(where + ": cannot be parsed" + (why.empty() ? "" : ": " + why));
      continue;
    }
    if (Status s = ValidateArticle(a, Limits{SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX}); !s.ok()) {
      problem(where + ": " + s.message());
    }
    record_bytes += static_cast<int64_t>(it->value().size());
    rocksdb::Status s = db_->Get(ro, cf(kIds), a.id(), &value);
    if (s.IsNotFound()) {
      problem(where + " ('" + a.id() + "'): id has no entry in the id map");
    } else if (!s.ok()) {
      return FromRocks(s, "reading id map");
    } else if (value.size() != 8 || keys::DecodeDocno(value.data()) != docno) {
      problem(where + " ('" + a.id() + "'): id map points elsewhere");
    }
    Derive(a, docno, &d);
    for (const std::string& k : d.index_keys) {
      ++expected_entries;
      s = db_->Get(ro, cf(kIndex), k, &value);
      if (s.IsNotFound()) {
        keys::IndexKey ik;
        keys::ParseIndexKey(k, &ik);
        problem(where + " ('" + a.id() + "'): missing index entry " + std::string(1, ik.type) +
                (ik.name.empty() ? "" : " '" + ik.name + "'"));
      } else if (!s.ok()) {
        return FromRocks(s, "reading index");
      }
    }
    for (const auto& n : d.names) {
      Expected& e = expected_counts[n.first];
      ++e.count;
      e.name = n.second;
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading records");
  // Pass 2: index entries. Every expected entry was found above, so equal totals mean
  // there is no extra entry; otherwise find the extras.
  it.reset(db_->NewIterator(ro, cf(kIndex)));
  keys::IndexKey ik;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report->index_entries;
    if (!keys::ParseIndexKey(ToView(it->key()), &ik)) problem("index: malformed key");
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading index");
  if (report->index_entries != expected_entries) {
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (!keys::ParseIndexKey(ToView(it->key()), &ik)) continue;
      std::string record;
      rocksdb::Status s = db_->Get(ro, cf(kRecords), keys::DocnoKey(ik.docno), &record);
      bool found = false;
      if (s.ok() && a.ParseFromString(record)) {
        Derive(a, ik.docno, &d);
        found = std::find(d.index_keys.begin(), d.index_keys.end(), ToView(it->key())) !=
                d.index_keys.end();
      }
      if (!found) {
        problem("index entry " + std::string(1, ik.type) +
                (ik.name.empty() ? "" : " '" + ik.name + "'") + " for record " +
                std::to_string(ik.docno) + ": no stored record implies it");
      }
    }
  }
  // Pass 3: the id map holds one entry per record and nothing else.
  it.reset(db_->NewIterator(ro, cf(kIds)));
  uint64_t id_entries = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++id_entries;
  if (!it->status().ok()) return FromRocks(it->status(), "reading id map");
  if (id_entries != report->records) {
    problem("id map: " + std::to_string(id_entries) + " entries for " +
            std::to_string(report->records) + " records");
    // Name the entries that point at no record, or at a record holding another id (a
    // record whose own entry is missing or points elsewhere was named in pass 1).
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string id = it->key().ToString();
      if (it->value().size() != 8) {
        problem("id map entry '" + id + "': damaged value");
        continue;
      }
      const uint64_t docno = keys::DecodeDocno(it->value().data());
      std::string record;
      rocksdb::Status s = db_->Get(ro, cf(kRecords), keys::DocnoKey(docno), &record);
      if (s.IsNotFound()) {
        problem("id map entry '" + id + "' points at record " + std::to_string(docno) +
                ", which is not stored");
      } else if (!s.ok()) {
        return FromRocks(s, "reading records");
      } else if (a.ParseFromString(record) && a.id() != id) {
        problem("id map entry '" + id + "' points at record " + std::to_string(docno) +
                ", which holds '" + a.id() + "'");
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading id map");
  }
  // Pass 4: counters agree with what the records imply.
  it.reset(db_->NewIterator(ro, cf(kCounters)));
  bool articles_counter = false, bytes_counter = false;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    int64_t count = 0;
    std::string_view name;
    const std::string key = it->key().ToString();
    articles_counter = articles_counter || key == keys::kArticlesCounter;
    bytes_counter = bytes_counter || key == keys::kRecordBytesCounter;
    if (!counters::Decode(ToView(it->value()), &count, &name)) {
      problem("counter: damaged value");
      continue;
    }
    int64_t want = 0;
    if (key == keys::kArticlesCounter) {
      want = static_cast<int64_t>(report->records);
    } else if (key == keys::kRecordBytesCounter) {
      want = record_bytes;
    } else {
      auto found = expected_counts.find(key);
      if (found != expected_counts.end()) {
        want = found->second.count;
        expected_counts.erase(found);
      }
    }
    if (count != want) {
      problem("counter '" + std::string(name.empty() ? key : std::string(name)) + "': " +
              std::to_string(count) + ", records imply " + std::to_string(want));
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading counters");
  // The quarantine: counted, not a problem.
  it.reset(db_->NewIterator(ro, cf(kDefault)));
  for (it->Seek(ToSlice(kQuarantinePrefix));
       it->Valid() && it->key().starts_with(ToSlice(kQuarantinePrefix)); it->Next()) {
    ++report->quarantined;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the quarantine");
  // Counters found nowhere: the archive-wide ones, then one per name the records hold.
  if (!articles_counter && report->records != 0) {
    problem("counter '" + std::string(keys::kArticlesCounter) + "' is missing; records imply " +
            std::to_string(report->records));
  }
  if (!bytes_counter && record_bytes != 0) {
    problem("counter '" + std::string(keys::kRecordBytesCounter) +
            "' is missing; records imply " + std::to_string(record_bytes));
  }
  for (const auto& [key, want] : expected_counts) {
    problem(std::string("counter of ") + (key[0] == keys::kSource ? "source" : "entity") + " '" +
            want.name + "' is missing; records imply " + std::to_string(want.count));
  }
  return Status::OK();
}

Status ArchiveImpl::ListQuarantine(std::vector<QuarantinedRecord>* records) {
  records->clear();
  ReadLock read_lock;
  if (Status s = BeginRead(&read_lock); !s.ok()) return s;
  SnapshotHolder snap(db_, options_.read_only);
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.get();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(kDefault)));
  for (it->Seek(ToSlice(kQuarantinePrefix));
       it->Valid() && it->key().starts_with(ToSlice(kQuarantinePrefix)); it->Next()) {
    QuarantinedRecord r;
    if (it->key().size() != kQuarantinePrefix.size() + 8) {
      return Status::Corruption("quarantine: malformed key");
    }
    r.docno = keys::DecodeDocno(it->key().data() + kQuarantinePrefix.size());
    if (!ParseRecord(ToView(it->value()), &r.article)) {
      return Status::Corruption("quarantined record " + std::to_string(r.docno) +
                                " cannot be parsed");
    }
    records->push_back(std::move(r));
  }
  return FromRocks(it->status(), "reading the quarantine");
}

Status ArchiveImpl::DropQuarantined(uint64_t docno) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  std::shared_lock rebuild(rebuild_mutex_);
  const std::string key = QuarantineKey(docno);
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kDefault), key, &v);
  if (s.IsNotFound()) {
    return Status::NotFound("no quarantined record " + std::to_string(docno));
  }
  if (!s.ok()) return FromRocks(s, "reading the quarantine");
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return FromRocks(db_->Delete(sync, cf(kDefault), key), "dropping quarantined record");
}

Status ArchiveImpl::Reindex(const ProgressFn& progress) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  reindex_waiting_.store(true, std::memory_order_release);
  std::unique_lock lock(rebuild_mutex_);
  Status s = ReindexLocked(progress);
  reindex_waiting_.store(false, std::memory_order_release);
  return s;
}

Status ArchiveImpl::ReindexLocked(const ProgressFn& progress) {
  rocksdb::WriteOptions sync;
  sync.sync = true;
  // The mark makes an interrupted rebuild resume at the next open.
  rocksdb::Status s = db_->Put(sync, cf(kDefault), kReindexKey, "1");
  if (!s.ok()) return FromRocks(s, "reindex");
  // Taken before the id map is cleared: it decides which of two records of one id stays.
  SnapshotHolder snap(db_, options_.read_only);
  {
    rocksdb::WriteBatch clear;
    for (Cf c : {kIds, kIndex, kCounters}) clear.DeleteRange(cf(c), "", "\xff\xff\xff\xff");
    s = db_->Write(sync, &clear);
    if (!s.ok()) return FromRocks(s, "reindex: clearing indexes");
  }
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.get();
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(kRecords)));
  rocksdb::WriteBatch batch;
  std::unordered_map<std::string, uint64_t> batch_ids;  // id -> docno, this batch
  Derived d;
  Article a, older;
  uint64_t done = 0;
  int64_t articles = 0, bytes = 0;
  auto commit = [&]() -> Status {
    rocksdb::WriteOptions wo;
    rocksdb::Status ws = db_->Write(wo, &batch);
    batch.Clear();
    batch_ids.clear();
    return FromRocks(ws, "reindex: writing");
  };
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key().size() != 8 ||
        !a.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) ||
        a.id().empty()) {
      continue;  // left for verify to report; nothing can be indexed from it
    }
    const uint64_t docno = keys::DecodeDocno(it->key().data());
    // Two records with one id: neither is deleted (docnos are reused by older versions,
    // so the higher is not the newer). The one the id map pointed at stays live, else the
    // higher docno; the other goes to the quarantine for the user to decide.
    uint64_t previous = 0;
    if (auto f = batch_ids.find(a.id()); f != batch_ids.end()) {
      previous = f->second;
    } else {
      std::string v;
      rocksdb::ReadOptions now;
      rocksdb::Status gs = db_->Get(now, cf(kIds), a.id(), &v);
      if (gs.ok() && v.size() == 8) previous = keys::DecodeDocno(v.data());
    }
    if (previous != 0) {
      std::string mapped;
      const bool keep_previous =
          db_->Get(ro, cf(kIds), a.id(), &mapped).ok() && mapped.size() == 8 &&
          keys::DecodeDocno(mapped.data()) == previous;
      if (keep_previous) {
        batch.Put(cf(kDefault), QuarantineKey(docno), it->value());
        batch.Delete(cf(kRecords), keys::DocnoKey(docno));
        ++done;
        continue;
      }
      std::string rec;
      if (db_->Get(ro, cf(kRecords), keys::DocnoKey(previous), &rec).ok()) {
        if (older.ParseFromString(rec)) {
          Derive(older, previous, &d);
          ApplyDerived(&batch, cf(kIndex), cf(kCounters), d, -1, nullptr);
          --articles;
          bytes -= static_cast<int64_t>(rec.size());
        }
        batch.Put(cf(kDefault), QuarantineKey(previous), rec);
      }
      batch.Delete(cf(kRecords), keys::DocnoKey(previous));
    }
    batch.Put(cf(kIds), a.id(), keys::DocnoKey(docno));
    batch_ids[a.id()] = docno;
    Derive(a, docno, &d);
    ApplyDerived(&batch, cf(kIndex), cf(kCounters), d, +1, nullptr);
    ++articles;
    bytes += static_cast<int64_t>(it->value().size());
    if (++done % 1000 == 0) {
      if (Status cs = commit(); !cs.ok()) return cs;
      if (progress && !progress(done)) return Status::Aborted("reindex stopped; it resumes at the next open");
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reindex: reading records");
  batch.Merge(cf(kCounters), ToSlice(keys::kArticlesCounter), counters::Encode(articles, ""));
  batch.Merge(cf(kCounters), ToSlice(keys::kRecordBytesCounter), counters::Encode(bytes, ""));
  if (Status cs = commit(); !cs.ok()) return cs;
  if (Status fs_status = Flush(); !fs_status.ok()) return fs_status;
  // Every name key now follows this library's Unicode version.
  rocksdb::WriteBatch finish;
  finish.Delete(cf(kDefault), kReindexKey);
  finish.Put(cf(kDefault), kUnicodeKey, UnicodeVersion());
  s = db_->Write(sync, &finish);
  if (s.ok()) unicode_version_ = UnicodeVersion();
  return FromRocks(s, "reindex: finishing");
}

}  // namespace
}  // namespace articledb
