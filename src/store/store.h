// The bottom layer of the engine: one Store owns the RocksDB instance, its column families
// and their options, the open (writer, or read-only with Refresh's reopen), the locks that
// give every read call one state, and the single write path into RocksDB (Commit).
// A ReadView is what one read call holds: the read lock, a snapshot and ReadOptions.
// The store knows nothing of indexes, queries or maintenance (docs/storage.md, "Source
// layout").
#ifndef ARTICLEDB_SRC_STORE_STORE_H_
#define ARTICLEDB_SRC_STORE_STORE_H_

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "articledb/archive.h"

namespace articledb::store {

// How the archive keeps text (meta::IndexesCurrent): no text index; one whose postings
// have no impacts (written before they existed: read as it is, rebuilt at the next open
// for writing); one with impacts (index/posting_block.h).
enum class TextIndexing : int { kNone, kTerms, kImpacts };

enum Cf : size_t { kDefault = 0, kRecords, kIds, kIndex, kCounters, kFacets, kNumCf };
inline constexpr std::array<const char*, kNumCf> kCfNames = {"default", "records", "ids",
                                                             "index", "counters", "facets"};
// Column families added after archives existed without them: an open for writing creates
// them (the archive then rebuilds what they hold: meta::IndexesCurrent); a read-only open
// of an archive without them is refused.
inline constexpr bool AddedLater(Cf c) { return c == kFacets; }

// Free bytes needed on the file system to open an archive for writing (documented in
// archive.h and docs/reliability.md).
inline constexpr uint64_t kMinFreeBytes = 2u << 20;
// Scratch directory of bulk loads inside the archive directory: table files being
// written (removed once ingested, and at every open for writing after a crash).
inline constexpr char kBulkScratchDir[] = "bulk-load.tmp";

Status FromRocks(const rocksdb::Status& s, const std::string& context);
inline rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
inline std::string_view ToView(const rocksdb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

// What the layers above give a column family's options: the store knows no value format.
struct CfHooks {
  std::shared_ptr<rocksdb::MergeOperator> merge_operator;
  std::shared_ptr<rocksdb::CompactionFilterFactory> compaction_filter_factory;
};
using AllCfHooks = std::array<CfHooks, kNumCf>;

class Store {
 public:
  // `hooks`: merge operators and compaction filters by column family (the index layer's:
  // counters, posting blocks).
  Store(const Options& options, std::string path, AllCfHooks hooks);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Opens RocksDB (creating the archive when the options allow it); *created: it was new.
  // An archive without a column family that format 2 added (`AddedLater`) is of format
  // 1: refused (NotSupported, naming 'articledb upgrade') unless `for_upgrade`, which
  // creates the missing families.
  Status Open(bool* created, bool for_upgrade = false);

  rocksdb::DB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* cf(Cf c) const { return handles_[c]; }
  const std::vector<rocksdb::ColumnFamilyHandle*>& handles() const { return handles_; }
  const Options& options() const { return options_; }
  const std::string& path() const { return path_; }
  bool read_only() const { return options_.read_only; }
  // The archive holds the text index (meta::IndexesCurrent): writes keep it and text
  // queries walk it. Set at open and by a reindex.
  bool text_index() const { return text_indexing() != TextIndexing::kNone; }
  TextIndexing text_indexing() const { return text_index_.load(std::memory_order_acquire); }
  void set_text_indexing(TextIndexing t) { text_index_.store(t, std::memory_order_release); }
  Status CheckWritable() const;

  // Held by every public read call for its whole length, so that it sees one state: a
  // read-only instance has no snapshots, and Refresh (exclusive) waits for reads in
  // progress; a writable one refuses reads (Busy) while a rebuild holds the rebuild lock.
  struct ReadLock {
    std::shared_lock<std::shared_mutex> refresh;
    std::shared_lock<std::shared_mutex> rebuild;
  };
  Status BeginRead(ReadLock* lock);
  // Writers hold it shared; a rebuild (Reindex) exclusively.
  std::shared_lock<std::shared_mutex> LockForWrite() {
    return std::shared_lock(rebuild_mutex_);
  }
  // Exclusive; new readers are refused (Busy) from the call until `waiting` is cleared
  // with EndRebuild, so that they do not starve the rebuild.
  std::unique_lock<std::shared_mutex> LockForRebuild() {
    reindex_waiting_.store(true, std::memory_order_release);
    return std::unique_lock(rebuild_mutex_);
  }
  void EndRebuild() { reindex_waiting_.store(false, std::memory_order_release); }
  // At open, a rebuild to resume: exclusive, readers not yet possible.
  std::unique_lock<std::shared_mutex> LockForResume() { return std::unique_lock(rebuild_mutex_); }

  // Writes one batch of PutBatch or DeleteBatch.
  rocksdb::Status Commit(const rocksdb::WriteOptions& wo, rocksdb::WriteBatch* batch);
  // Held while table files are ingested (a bulk load): under ThreadSanitizer, ingestion
  // and Commit go to RocksDB one at a time, for the reason Commit gives; else nothing.
  std::unique_lock<std::mutex> LockForIngest() {
#if defined(__SANITIZE_THREAD__)
    return std::unique_lock(tsan_write_mutex_);
#else
    return {};
#endif
  }

  // Read-only instances: reopens on the archive's current state (archive.h, Refresh).
  Status Refresh();
  Status Flush();
  Status Compact();
  // Compacts the id map, index and counters column families only (not the records).
  Status CompactIndexes();
  Status Checkpoint(const std::string& dir);
  // Per column family figures, and the bytes of every file of the archive.
  void DiskStats(Stats* stats) const;

  // The text index's analysis groups as a query last read them (query/text_plan.cc),
  // with the database and sequence number they hold for: a read at the same state uses
  // them instead of seeking each group again. Guarded by text_groups_mu().
  struct TextGroups {
    const rocksdb::DB* db = nullptr;
    uint64_t sequence = 0;
    std::vector<std::string> names;
  };
  std::mutex& text_groups_mu() const { return text_groups_mu_; }
  TextGroups& text_groups() const { return text_groups_; }

 private:
  // Read-only instances: opens the archive's current state as a new RocksDB read-only
  // instance, retrying while the writing process changed the MANIFEST or the set of
  // write-ahead logs during the open (see its definition).
  // *fingerprint: ReaderFingerprint with sizes, taken before the open that succeeded.
  Status OpenReader(rocksdb::DB** db, std::vector<rocksdb::ColumnFamilyHandle*>* handles,
                    std::string* fingerprint);

  Options options_;
  std::atomic<TextIndexing> text_index_{TextIndexing::kNone};
  mutable std::mutex text_groups_mu_;
  mutable TextGroups text_groups_;
  std::string path_;
  AllCfHooks hooks_;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
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
#if defined(__SANITIZE_THREAD__)
  std::mutex tsan_write_mutex_;
#endif
};

// Holds a snapshot for the length of one call.
class Snapshot {
 public:
  // A secondary (read-only) instance reads a fixed view and refuses snapshots.
  Snapshot(rocksdb::DB* db, bool none) : db_(db), snap_(none ? nullptr : db->GetSnapshot()) {}
  ~Snapshot() {
    if (snap_ != nullptr) db_->ReleaseSnapshot(snap_);
  }
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  const rocksdb::Snapshot* get() const { return snap_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snap_;
};

// One read view per public read call: the read lock, then one snapshot, and ReadOptions
// reading from it. Begin() must succeed before anything else is used.
class ReadView {
 public:
  explicit ReadView(Store& store) : store_(store) {}
  ReadView(const ReadView&) = delete;
  ReadView& operator=(const ReadView&) = delete;

  Status Begin() {
    if (Status s = store_.BeginRead(&lock_); !s.ok()) return s;
    snap_.emplace(store_.db(), store_.read_only());
    return Status::OK();
  }
  Store& store() const { return store_; }
  rocksdb::DB* db() const { return store_.db(); }
  rocksdb::ColumnFamilyHandle* cf(Cf c) const { return store_.cf(c); }
  const rocksdb::Snapshot* snapshot() const { return snap_->get(); }
  // ReadOptions on the view's snapshot (callers add bounds, fill_cache and the like).
  rocksdb::ReadOptions options() const {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot();
    return ro;
  }

 private:
  Store& store_;
  Store::ReadLock lock_;
  std::optional<Snapshot> snap_;
};

}  // namespace articledb::store

#endif  // ARTICLEDB_SRC_STORE_STORE_H_
