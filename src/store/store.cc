// The store: RocksDB, its column families and options, opening, reads' locks and Commit
// (store.h).
#include "store/store.h"

#include <sys/statvfs.h>

#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/table_properties.h>
#include <rocksdb/utilities/checkpoint.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "store/keys.h"
#include "store/meta.h"
#include "sync_dir.h"

namespace articledb::store {
namespace {

namespace fs = std::filesystem;

}  // namespace

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

namespace {

std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors(const Options& o,
                                                         const AllCfHooks& hooks,
                                                         const rocksdb::Options& base) {
  // Few shards: a shard holds 1/2^bits of the cache, and a block larger than its shard
  // is dropped as soon as it is read (RocksDB's default for 256 MiB, 64 shards of 4 MiB,
  // made every lookup in a bulk load's large tables read their index and filter blocks
  // of megabytes again from the file). 8 shards of 32 MiB at the default size.
  auto cache = rocksdb::NewLRUCache(o.block_cache_bytes, /*num_shard_bits=*/3);
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
  // Files made from memory (flushes, a bulk load's runs) get a dictionary finalized from
  // samples without training (2-3x less CPU, files ~3.5 % larger); compactions to the
  // bottom level, whose files stay, train one (docs/storage.md, "Dictionary").
  records.bottommost_compression_opts = records.compression_opts;
  records.compression_opts.use_zstd_dict_trainer = false;
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
  counters.table_factory = table(4096, true);

  // Doc values (facets): read by docno, a batch of matches at a time.
  rocksdb::ColumnFamilyOptions facets = common;
  facets.write_buffer_size = std::max<size_t>(o.write_buffer_bytes / 4, 4u << 20);
  facets.table_factory = table(4096, true);

  rocksdb::ColumnFamilyOptions meta = common;
  meta.write_buffer_size = 1u << 20;

  std::vector<rocksdb::ColumnFamilyDescriptor> all = {{kCfNames[kDefault], meta},
                                                       {kCfNames[kRecords], records},
                                                       {kCfNames[kIds], ids},
                                                       {kCfNames[kIndex], index},
                                                       {kCfNames[kCounters], counters},
                                                       {kCfNames[kFacets], facets}};
  for (size_t c = 0; c < kNumCf; ++c) {
    if (hooks[c].merge_operator) all[c].options.merge_operator = hooks[c].merge_operator;
    if (hooks[c].compaction_filter_factory) {
      all[c].options.compaction_filter_factory = hooks[c].compaction_filter_factory;
    }
  }
  return all;
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

Store::Store(const Options& options, std::string path, AllCfHooks hooks)
    : options_(options), path_(std::move(path)), hooks_(std::move(hooks)) {}

Store::~Store() {
  if (db_ != nullptr) {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close().PermitUncheckedError();
    delete db_;
  }
}

Status Store::Open(bool* created, bool for_upgrade) {
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
    for (size_t c = 0; c < kNumCf; ++c) {
      const char* want = kCfNames[c];
      if (std::find(names.begin(), names.end(), want) != names.end()) continue;
      if (!AddedLater(static_cast<Cf>(c))) {
        return Status::InvalidArgument("'" + path_ + "' is not an ArticleDB archive (no '" +
                                       want + "' column family)");
      }
      if (!for_upgrade || options_.read_only) {
        // Nothing is written: the archive stays as format-1 code left it.
        return Status::NotSupported(
            "archive '" + path_ + "' has on-disk format 1 (no '" + want +
            "' column family); this library reads format 2: run 'articledb upgrade " + path_ +
            "' (Archive::Upgrade) to convert it in place");
      }
      base.create_missing_column_families = true;
    }
  }
  const auto descriptors = Descriptors(options_, hooks_, base);
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
    // Table files of a bulk load that did not end (a crash): never ingested, not needed.
    std::error_code ec;
    fs::remove_all(fs::path(path_) / kBulkScratchDir, ec);
    auto log = std::make_shared<WriterLog>(path_, base.info_log_level, base.max_log_file_size);
    base.info_log = log;
    s = rocksdb::DB::Open(base, path_, descriptors, &handles_, &db_);
    if (s.ok()) log->Start();
  }
  if (!s.ok()) return OpenFailure(s, path_);
  *created = !exists;
  if (!exists) {
    // A new archive: RocksDB synced its files and its directory, not the directory's own
    // entry; without this a power loss could take the archive and every synced write.
    if (Status ds = internal::SyncParentDirectory(path_); !ds.ok()) return ds;
  }
  return Status::OK();
}

// A read-only instance (rocksdb::DB::OpenForReadOnly) reads the MANIFEST, then the
// write-ahead logs after it, into memtables of its own; it writes nothing. If the writing
// process flushes between those two steps, the log holding the flushed writes may be gone
// while the MANIFEST read does not name the table that holds them yet: the open would
// see a state that never was. So the open is retried until the MANIFEST and the set of
// logs were the same before and after it; the writes appended to a log meanwhile are a
// prefix of whole batches, which is one state the writer passed through.
// (RocksDB's secondary instance, catching up with TryCatchUpWithPrimary, kept stale
// memtable contents after flushes in 7.8.3: old versions, doubled counter operands.)
Status Store::OpenReader(rocksdb::DB** db,
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

Status Store::BeginRead(ReadLock* lock) {
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

Status Store::CheckWritable() const {
  if (options_.read_only) {
    return Status::NotSupported("archive '" + path_ + "' is open read-only");
  }
  return Status::OK();
}

rocksdb::Status Store::Commit(const rocksdb::WriteOptions& wo, rocksdb::WriteBatch* batch) {
#if defined(__SANITIZE_THREAD__)
  // Debian's librocksdb is not instrumented, and its write group hands batches from
  // thread to thread through atomics ThreadSanitizer cannot see, which it would report
  // as races. Under ThreadSanitizer only, batches reach RocksDB one at a time; all of
  // ArticleDB's own synchronisation stays as it is, and checked.
  std::lock_guard lock(tsan_write_mutex_);
#endif
  return db_->Write(wo, batch);
}

Status Store::Flush() {
  if (options_.read_only) return Status::OK();
  rocksdb::FlushOptions fo;
  fo.wait = true;
  return FromRocks(db_->Flush(fo, handles_), "flush failed");
}

Status Store::Compact() {
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

Status Store::CompactIndexes() {
  if (Status s = CheckWritable(); !s.ok()) return s;
  if (Status s = Flush(); !s.ok()) return s;
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (Cf c : {kIds, kIndex, kCounters}) {
    rocksdb::Status s = db_->CompactRange(co, handles_[c], nullptr, nullptr);
    if (!s.ok()) return FromRocks(s, "compaction failed");
  }
  return Status::OK();
}

Status Store::Checkpoint(const std::string& dir) {
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
Status Store::Refresh() {
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
      fresh->Get(rocksdb::ReadOptions(), fresh_handles[kDefault], meta::kReindexKey, &marker);
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

void Store::DiskStats(Stats* stats) const {
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
    if (c == kRecords) {
      stats->record_disk_bytes = cs.sst_bytes;
      rocksdb::TablePropertiesCollection tables;
      if (db_->GetPropertiesOfAllTables(cf(kRecords), &tables).ok()) {
        uint64_t raw = 0, data = 0;
        for (const auto& [file, props] : tables) {
          raw += props->raw_key_size + props->raw_value_size;
          data += props->data_size;
        }
        if (data > 0) {
          stats->compression_ratio = static_cast<double>(raw) / static_cast<double>(data);
        }
      }
    }
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
}

}  // namespace articledb::store
