// Archive: an ArticleDB archive on disk, opened by a factory, used through this interface.
//
//   articledb::Options options;
//   options.create_if_missing = true;
//   std::unique_ptr<articledb::Archive> db;
//   articledb::Status s = articledb::Archive::Open(options, "/data/news", &db);
//   if (!s.ok()) { ... s.ToString() ... }
//
// Thread safety: one Archive may be shared by any number of threads; every method is
// safe to call concurrently. Writes of the same id from different threads are
// serialised, so the indexes always describe the version that was stored last.
//
// Atomicity: a Put, PutBatch, Delete or DeleteBatch commits completely (record, id map,
// every index entry, counters) or not at all. Each read call works on one consistent
// snapshot of the archive (a read-only archive: on one state between two Refresh calls;
// Refresh waits for read calls in progress, so a Scan's `visit` must not call Refresh).
// While Reindex runs, read calls return Busy rather than answer from incomplete indexes.
#ifndef ARTICLEDB_ARCHIVE_H_
#define ARTICLEDB_ARCHIVE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "articledb/article.h"
#include "articledb/options.h"
#include "articledb/query.h"
#include "articledb/status.h"

namespace articledb {

// What a write did, summed over its articles.
struct WriteStats {
  uint64_t inserted = 0;   // articles new to the archive
  uint64_t updated = 0;    // articles that replaced a stored version with the same id
  // Articles equal to the stored version with their id: nothing was written for them
  // (not counted in `updated`).
  uint64_t unchanged = 0;
  uint64_t deleted = 0;    // articles removed
  uint64_t not_found = 0;  // ids asked to delete that were not stored
};

struct ColumnFamilyStats {
  std::string name;          // "records", "ids", "index", "counters", "default"
  uint64_t sst_bytes = 0;    // bytes in table files on disk
  uint64_t memtable_bytes = 0;  // bytes not yet flushed (0 when nothing is in memory)
  uint64_t estimated_keys = 0;
};

struct Stats {
  uint64_t articles = 0;
  uint64_t sources = 0;   // distinct sources with at least one article
  uint64_t entities = 0;  // distinct entity names with at least one article
  std::optional<int64_t> oldest_micros;  // earliest published_at stored
  std::optional<int64_t> newest_micros;  // latest published_at stored
  // Serialized size of every stored record, before compression.
  uint64_t record_bytes = 0;
  // Size of the records' table files on disk (compressed). Records still in memory are
  // not counted until flushed; call Flush() first for a settled figure.
  uint64_t record_disk_bytes = 0;
  uint64_t total_disk_bytes = 0;  // every file of the archive directory
  // How much the records in table files shrank: their serialized bytes (keys and values)
  // over the bytes of their compressed data blocks, from the tables' properties (index,
  // filter and dictionary blocks not counted). 0 while no record is in a table file.
  double compression_ratio = 0;
  std::vector<ColumnFamilyStats> column_families;
  // The Unicode version the archive's name keys were made with ("" when not recorded:
  // an archive from before it was, opened read-only).
  std::string unicode_version;
  // The archive keeps a text index (Options::index_text); without one, text queries read
  // the records the rest of their filter selects.
  bool text_index = false;
  // Conditions that do not stop the archive from working but want the user's attention,
  // each a sentence saying what to do (e.g. a Unicode version mismatch: run reindex).
  std::vector<std::string> warnings;
};

struct VerifyReport {
  uint64_t records = 0;        // records read
  uint64_t index_entries = 0;  // index entries read
  uint64_t problems = 0;       // problems found; the archive is sound when 0
  // The first problems found, one line each (at most 1000 are kept).
  std::vector<std::string> messages;
  // Records in the quarantine (see Archive::Reindex); not problems: they wait for a
  // decision (Archive::ListQuarantine, DropQuarantined; `articledb quarantine`).
  uint64_t quarantined = 0;
  bool ok() const { return problems == 0; }
};

// A record Reindex set aside because another record had the same id.
struct QuarantinedRecord {
  uint64_t docno = 0;  // the document number it had, which names it in the quarantine
  Article article;
};

// Called now and then during long work with a count of records done; return false to
// stop early (the call then returns Aborted).
using ProgressFn = std::function<bool(uint64_t done)>;

// Options of a bulk load (Archive::NewBulkLoader).
struct BulkLoadOptions {
  // Articles are held in memory until about this many bytes of them (serialized) are
  // added; then they form a run: sorted by publication time, given document numbers in
  // that order, written as one table file per column family and ingested into the archive
  // in one atomic step. Peak memory is about 3 times this. Larger runs make fewer, larger
  // files. Default: 48 MiB (a 1M-article load peaks at about 500 MB with it, harness
  // included; 543 MB with 64 MiB).
  size_t run_bytes = 48u << 20;
};

// A bulk load: articles are written as sorted table files and ingested, without the
// write-ahead log, memtables or compactions afterwards (docs/storage.md). Obtained from
// Archive::NewBulkLoader; must not outlive its archive; one thread at a time.
//
// Result: the same as PutBatch of the same articles in the same order (an upsert; when
// an id appears more than once, the last one wins), except for document numbers: within a
// run they follow publication time (undated articles first), so articles of a month sit
// together; runs follow each other in the order they were added; an article replacing a
// stored version keeps its number. So queries give the same articles, and only articles
// with equal publication times may come in another order.
//
// Crash safety: each run is ingested atomically. A load killed (or failing) midway leaves
// the archive with the runs ingested before, each whole (every article of such a run
// with its id map entry, index entries and counters; never part of an article), and
// nothing of the run in progress or of articles added after it. Loading the same input
// again completes it (upserts double nothing). Concurrent writers wait while a run is
// ingested; readers do not.
class BulkLoader {
 public:
  BulkLoader() = default;
  BulkLoader(const BulkLoader&) = delete;
  BulkLoader& operator=(const BulkLoader&) = delete;
  // Destroying a loader without Finish drops the articles added since the last run.
  virtual ~BulkLoader() = default;
  // Adds articles, validated as PutBatch does (an article without id gets
  // DeriveArticleId). If one is invalid, none of `articles` is added and the message
  // names it by position and id, as PutBatch's; articles added before stay. May ingest a
  // run. After an error other than InvalidArgument, the loader only returns that error.
  virtual Status Add(std::span<const Article> articles) = 0;
  // Ingests the last run. *stats: the runs' totals, each run counted as PutBatch would
  // count it (an id in two runs is inserted by the first and updated by the second; an
  // article equal to its stored version is counted in `unchanged`).
  virtual Status Finish(WriteStats* stats = nullptr) = 0;
};

class Archive {
 public:
  // Opens (or, with options.create_if_missing, creates) the archive in directory `path`.
  // Busy when another process holds it open for writing; NotFound when there is no
  // archive and create_if_missing is false; InvalidArgument when the directory holds
  // something that is not an ArticleDB archive (with create_if_missing too: a new archive
  // is made only in a new or empty directory, and other files there are left untouched).
  // Opening for writing (read_only false) needs 2 MiB free on the file system: with less,
  // IOError "no space left on the file system of 'PATH': N bytes free ...", and nothing
  // is written. Read-only opens write nothing and need no space.
  static Status Open(const Options& options, const std::string& path,
                     std::unique_ptr<Archive>* archive);

  // Converts the archive in directory `path`, written in an older on-disk format, to this
  // library's format (2: posting blocks and per-day counters, docs/storage.md) in place.
  // Open refuses an archive of format 1 (NotSupported, naming the format and the command
  // `articledb upgrade PATH`); Upgrade rebuilds its id map, indexes and counters from its
  // records (which are kept as they are) and then marks it format 2. Crash-safe and
  // resumable: interrupted at any point (crash, kill, `progress` returning false:
  // Aborted), the archive stays format 1 with its records intact, and running Upgrade
  // again starts the conversion over. `progress` is called with the number of records
  // done so far, every 1,000. OK and nothing changed when the archive already has the
  // current format. Busy when another process holds the archive open; needs the same free
  // space as opening for writing, and about the size of the old indexes again while it runs.
  static Status Upgrade(const std::string& path, const ProgressFn& progress = nullptr);

  Archive() = default;
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;
  // Closes the archive; unflushed writes made with the WAL are kept in it.
  virtual ~Archive() = default;

  // ---- Writes ----
  // Stores `article`, replacing any stored article with the same id (an upsert). An
  // article without id gets DeriveArticleId(article). Validated with ValidateArticle.
  // An article equal to the version stored under its id writes nothing and is counted in
  // WriteStats::unchanged.
  virtual Status Put(const WriteOptions& wo, const Article& article,
                     WriteStats* stats = nullptr) = 0;
  // Stores many articles in one atomic write. If one is invalid, none is stored and the
  // message names it by position and id. When an id appears more than once, the last
  // one wins.
  virtual Status PutBatch(const WriteOptions& wo, std::span<const Article> articles,
                          WriteStats* stats = nullptr) = 0;
  // Removes the article with `id` and all its index entries. NotFound if not stored.
  virtual Status Delete(const WriteOptions& wo, std::string_view id) = 0;
  // Removes many in one atomic write; ids not stored are counted in stats->not_found.
  virtual Status DeleteBatch(const WriteOptions& wo, std::span<const std::string> ids,
                             WriteStats* stats = nullptr) = 0;

  // Starts a bulk load (see BulkLoader): the fast way to load many articles, into an
  // empty archive or not. NotSupported when the archive is read-only.
  virtual Status NewBulkLoader(const BulkLoadOptions& options,
                               std::unique_ptr<BulkLoader>* loader) = 0;

  // ---- Reads by id ----
  virtual Status Get(std::string_view id, Article* article) = 0;
  // Reads many at once. (*articles)[i] and (*statuses)[i] answer ids[i]; a missing id
  // gives NotFound in its status. The call's own status is not OK only when it failed
  // as a whole.
  virtual Status MultiGet(std::span<const std::string> ids, std::vector<Article>* articles,
                          std::vector<Status>* statuses) = 0;

  // ---- Queries (see query.h) ----
  // One page of matching articles.
  virtual Status Query(const Filter& filter, const QueryOptions& options, Page* page) = 0;
  // Every matching article, in order, read in chunks from one snapshot, in constant
  // memory. `visit` returns false to stop early (Scan then returns OK).
  virtual Status Scan(const Filter& filter, Order order,
                      const std::function<bool(const Article&)>& visit) = 0;
  // Articles first stored after `position`, in the order they were stored, that match
  // `filter`, read from one snapshot; for following an archive another process writes
  // (`articledb tail --follow`: Refresh, then this, every second). Position 0 starts
  // before the first article stored. *next is the position to pass next time: past every
  // article stored so far, matching or not (or, when `visit` returned false, past the
  // article it stopped at). An update keeps an article's place, so it is not visited
  // again; a deleted article is not visited. `position` UINT64_MAX visits nothing and sets
  // *next to the current end (follow from now). Each record is read and matched in memory
  // against the index keys it implies, so the matches are exactly a query's.
  virtual Status ScanStoredAfter(uint64_t position, const Filter& filter, uint64_t* next,
                                 const std::function<bool(const Article&)>& visit) = 0;
  // Number of matching articles, from index keys only (with Filter::text, the records the
  // other conditions select are read and matched too).
  virtual Status Count(const Filter& filter, uint64_t* count) = 0;
  // Matching articles counted per bucket of time, oldest bucket first (see
  // TimelineOptions). Articles without published_at are not counted.
  virtual Status Timeline(const Filter& filter, const TimelineOptions& options,
                          std::vector<TimelineEntry>* entries) = 0;
  // Per day, ISO week, month or year in UTC, empty buckets left out.
  Status Timeline(const Filter& filter, Bucket bucket, std::vector<TimelineEntry>* entries) {
    TimelineOptions options;
    options.bucket = bucket;
    return Timeline(filter, options, entries);
  }
  // The values of one field (sources, entities, topics, languages or authors) among the
  // articles matching `filter`, with the number of matching articles that carry each,
  // most first (ties by name), at most options.limit. Computed from the indexes, without
  // reading records (but for Filter::text, see Count). Names are the spelling most
  // recently stored.
  virtual Status Facets(const Filter& filter, const FacetOptions& options,
                        std::vector<NameCount>* facets) = 0;
  // Sources with their article counts, most first (ties by name).
  virtual Status ListSources(std::vector<NameCount>* sources) = 0;
  // Sources starting with `prefix` (after normalisation; empty for all), most first, at
  // most `limit` (0: no limit).
  virtual Status ListSources(std::string_view prefix, size_t limit,
                             std::vector<NameCount>* sources) = 0;
  // Entity names starting with `prefix` (after normalisation; empty for all) with their
  // article counts, most first, at most `limit` (0: no limit).
  virtual Status ListEntities(std::string_view prefix, size_t limit,
                              std::vector<NameCount>* entities) = 0;

  // Every stored record, serialized, in storage order, from one snapshot (for dumps).
  // `visit` returns false to stop early.
  virtual Status ForEachRecord(
      const std::function<bool(std::string_view serialized)>& visit) = 0;

  // ---- Maintenance ----
  virtual Status GetStats(Stats* stats) = 0;
  // The archive keeps a text index (Options::index_text; Stats::text_index): cheap, no
  // read. Without one, text queries read the records the rest of their filter selects.
  virtual bool HasTextIndex() const = 0;
  // Writes everything in memory to table files (ends a disable_wal import).
  virtual Status Flush() = 0;
  // Compacts every column family fully (reclaims space of replaced and deleted records).
  virtual Status Compact() = 0;
  // A consistent copy of the archive in the new directory `dir` (hard links where it can),
  // synced with its entry in the parent directory: it survives a power loss once this
  // returns OK.
  virtual Status Checkpoint(const std::string& dir) = 0;
  // Reads every record and every index entry and checks that they agree, as do the id
  // map and the per-name counters. Problems go to `report`; returns OK when the check
  // ran (look at report->ok()), an error when it could not run.
  virtual Status Verify(VerifyReport* report, const ProgressFn& progress = nullptr) = 0;
  // Rebuilds the id map, every index and every counter from the records. Writers are
  // held off meanwhile, and read calls (here, and in read-only instances once they
  // Refresh) return Busy. An interrupted rebuild is finished when the archive next opens
  // for writing. Reindex never deletes a record: when two records have the same id (a
  // crash or a salvage can leave them), the one the id map pointed at stays live (else
  // the one with the higher docno) and the other is moved to the quarantine, kept until
  // the user drops it.
  virtual Status Reindex(const ProgressFn& progress = nullptr) = 0;
  // The records in the quarantine, by docno.
  virtual Status ListQuarantine(std::vector<QuarantinedRecord>* records) = 0;
  // Deletes the quarantined record `docno` for good; NotFound when there is none.
  // (To make a quarantined version the live one, Put its article.)
  virtual Status DropQuarantined(uint64_t docno) = 0;
  // Read-only archives: catch up with what the writing process has committed since.
  // Opens a new view of the archive's current state (reads go on meanwhile), then
  // waits for read calls in progress and swaps it in; on an error the old view stays.
  // Costs about an open plus replaying the writer's unflushed log; when nothing was
  // written since the last view, nothing. Busy if the writer changed the archive's
  // files during each of 100 attempts. While the writing process is reindexing, read
  // calls after the Refresh return Busy until a Refresh after the rebuild ended.
  virtual Status Refresh() = 0;
};

// What SalvageArchive did.
struct SalvageReport {
  uint64_t logs_read = 0;       // write-ahead logs read
  uint64_t logs_rewritten = 0;  // ... of which held damage and were rewritten
  uint64_t writes_kept = 0;     // writes kept from the rewritten logs
  // Writes dropped because damage hit them or cut them short. The unreadable rest of a
  // damaged 32 KiB block may hold more, counted in bytes_lost only: at least this many.
  uint64_t writes_lost = 0;
  uint64_t bytes_lost = 0;  // bytes of the logs that could not be read
};

// Rescues an archive that Open refuses because its write-ahead log is damaged
// (Corruption). Each log is read with its checksums; a log with damage is rewritten to
// hold only the writes that are whole and intact (a write is one batch: kept whole or
// dropped whole, never in part; damage loses the writes stored in the same 32 KiB block
// of the log) and the original is kept in PATH/lost/. Logs without damage are left as
// they are. Afterwards the archive opens; a write that was dropped may have been followed
// by a later write of the same article, leaving index entries that disagree with the
// records: run Verify, and Reindex when it finds problems. The archive must not be open
// (Busy otherwise). The logs must have been written by RocksDB 7.x (read from the newest
// OPTIONS file), and hold only record types that release wrote: otherwise NotSupported,
// naming the version or the record type, and nothing is changed. For rescuing what is
// left when there is no recent dump or checkpoint; docs/reliability.md.
Status SalvageArchive(const std::string& path, SalvageReport* report);

}  // namespace articledb

#endif  // ARTICLEDB_ARCHIVE_H_
