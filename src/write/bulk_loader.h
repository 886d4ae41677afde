// Bulk loading: a run of writes turned into one sorted table file per column family and
// ingested into the database in one atomic step. Internal. The BulkLoader of the public
// API (NewArticleBulkLoader, at the end) gathers articles into runs and has the Writer
// turn each run into the batches PutBatch would write (Writer::BulkIngest), which this
// module sorts, writes and ingests (IngestRun).
//
// The entries of a run are whatever write batches the write path produced for a set of
// articles (records, id map, index entries, counter deltas, and any column family added
// later): the loader knows nothing of articles. IngestRun
//   1. sorts the entries by column family and key (a stable sort, so the batches' order
//      decides between entries of the same key),
//   2. resolves each key to one entry: the last Put or Delete, with the Merge operands
//      after it folded in by the column family's merge operator (on top of the value
//      stored in the database when the run has no Put or Delete of that key), so a key is
//      written once, as a plain value,
//   3. writes one table file per column family with rocksdb::SstFileWriter, using that
//      column family's own options (table format, bottommost compression, dictionary), so
//      the files are what a full compaction would have made and need none afterwards,
//   4. ingests every file in one DB::IngestExternalFiles call: either the whole run is in
//      the database afterwards (also after a crash) or none of it is.
// Reading stored values for merges and ingesting are only correct while no other write
// reaches the database: the caller excludes writers for the length of IngestRun.
#ifndef ARTICLEDB_SRC_WRITE_BULK_LOADER_H_
#define ARTICLEDB_SRC_WRITE_BULK_LOADER_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "articledb/archive.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace articledb::write {

// What one IngestRun did.
struct RunStats {
  uint64_t entries = 0;    // entries received
  uint64_t keys = 0;       // keys written (after resolving)
  uint64_t files = 0;      // table files ingested
  uint64_t file_bytes = 0; // their size
  double sort_seconds = 0;
  double write_seconds = 0;   // resolving + writing the table files
  double ingest_seconds = 0;
};

// Where runs go: the database, the column families a batch may name (any other is an
// error), and a scratch directory on the database's file system for the table files
// (created when missing; files are hard-linked into the database, then removed).
struct BulkTarget {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> column_families;
  std::string scratch_dir;
  // Changes applied to a column family's options for its table files only (e.g. the
  // dictionary trainer under measurement); empty: the options the database runs with.
  std::function<void(size_t cf_index, rocksdb::Options*)> adjust_options;
};

// The entries of one run. Holds the write batches it is given (their bytes are not copied).
class Run {
 public:
  // Adds every entry of `batch` (Put, Merge, Delete; SingleDelete counts as Delete).
  void Add(std::unique_ptr<rocksdb::WriteBatch> batch);
  size_t batches() const { return batches_.size(); }
  // Bytes of the batches held.
  size_t bytes() const { return bytes_; }
  void Clear() {
    batches_.clear();
    bytes_ = 0;
  }

 private:
  friend rocksdb::Status IngestRun(const BulkTarget& target, Run* run, RunStats* stats);
  std::vector<std::unique_ptr<rocksdb::WriteBatch>> batches_;
  size_t bytes_ = 0;
};

// Writes and ingests `run` (see the top of this file), then clears it. On an error nothing
// of the run is in the database, and its table files are removed.
rocksdb::Status IngestRun(const BulkTarget& target, Run* run, RunStats* stats);

class Writer;

// Articles per write batch a run is built from (as the CLI's import batches).
inline constexpr size_t kBulkChunk = 1000;

// The public BulkLoader (archive.h) over `writer`, validating with `limits`.
std::unique_ptr<BulkLoader> NewArticleBulkLoader(Writer* writer, const Limits& limits,
                                                 const BulkLoadOptions& options);

}  // namespace articledb::write

#endif  // ARTICLEDB_SRC_WRITE_BULK_LOADER_H_
