// Dumps: a portable, self-checking backup of a whole archive in one file.
//
// A dump holds every record of an archive, serialized, taken from one snapshot while
// writers go on. It is written as a stream (constant memory for any archive size),
// compressed with zstd in frames of about 1 MiB, and every frame carries its length and
// an XXH3-64 checksum; a trailer carries the record count and a checksum of the whole
// file. docs/dump-format.md describes the format byte by byte.
//
//   articledb::DumpStats stats;
//   articledb::Status s = articledb::DumpArchive(*db, "/backup/news.adbdump", &stats);
//   ...
//   s = articledb::RestoreArchive(*other, "/backup/news.adbdump", &stats);
//
// Reading checks everything it reads and bounds every length it trusts: a truncated,
// corrupted, foreign or future-version file is refused with a Status whose message names
// the byte offset and the record number, e.g.
//   dump: byte offset 1048655, record 2431: frame payload checksum mismatch
// Codes: InvalidArgument (not a dump: wrong magic bytes), NotSupported (a format version
// or flag this reader does not know), Corruption (anything else that fails a check,
// including truncation), IOError (the file system failed).
#ifndef ARTICLEDB_DUMP_H_
#define ARTICLEDB_DUMP_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "articledb/archive.h"
#include "articledb/article.h"
#include "articledb/options.h"
#include "articledb/status.h"

namespace articledb {

// The format version this library writes, and the only one it reads.
inline constexpr uint32_t kDumpFormatVersion = 1;
// Largest uncompressed frame a reader accepts (64 MiB). It bounds the memory a reader
// allocates for any file, crafted or not, and so the largest record a dump can hold.
inline constexpr uint32_t kDumpMaxFrameBytes = 64u << 20;

struct DumpStats {
  uint64_t records = 0;  // records written, or read and checked
  uint64_t bytes = 0;    // bytes of the dump file written, or read
  // RestoreArchive: records stored in the archive. Also set when it fails: that many
  // records were stored (committed) before the error, the others were not.
  uint64_t stored = 0;
};

struct DumpOptions {
  // zstd level of the frames, 1..19. Higher levels make smaller dumps and cost CPU
  // while dumping; reading speed hardly changes. Default: 3.
  int compression_level = 3;
  // Uncompressed bytes gathered into one frame before it is compressed and written.
  // Larger frames compress a little better and need more memory to write and read.
  // 4 KiB..kDumpMaxFrameBytes; a single larger record gets a frame of its own.
  // Default: 1 MiB.
  size_t frame_bytes = 1u << 20;
};

struct RestoreOptions {
  // Each record is checked with ValidateArticle against these before it is written:
  // pass the Options::limits the target archive was opened with.
  Limits limits;
  WriteOptions write;
  // Records per PutBatch. Default: 1000.
  size_t batch_records = 1000;
  // Read and check the whole file (frames, checksums, trailer, every record) before
  // writing anything, then read it again to write. Costs a second read of the file;
  // guarantees that a bad file changes nothing in the archive. With false, records of
  // the good frames before a bad one are written before the error is found: use it only
  // for a new archive that is thrown away on failure. Default: true.
  bool verify_first = true;
};

// Receives the bytes of a dump as they are written.
using DumpSink = std::function<Status(std::string_view bytes)>;
// Receives each record of a dump, serialized (an articledb.v1.Article), in file order.
// A non-OK status stops the read; it is returned with the byte offset and record number
// put in front of its message.
using DumpVisitor = std::function<Status(std::string_view serialized)>;

// Writes a dump record by record. Add() gathers records into frames; Finish() writes the
// last frame and the trailer. Memory: about two frames. Not thread-safe.
class DumpWriter {
 public:
  explicit DumpWriter(DumpSink sink, const DumpOptions& options = DumpOptions());
  ~DumpWriter();
  DumpWriter(const DumpWriter&) = delete;
  DumpWriter& operator=(const DumpWriter&) = delete;

  // Writes the file header (the first call to Add or Finish does it when not called).
  Status Start();
  // Appends one serialized record. InvalidArgument when it is larger than a frame can hold.
  Status Add(std::string_view serialized);
  // Writes the last frame and the trailer; fills *stats (may be null). No Add after it.
  Status Finish(DumpStats* stats);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Dumps every record of `archive` (one snapshot) to the file `path`. The file is written
// beside the target as "<path>.tmp-XXXXXX", synced and renamed over `path` only when
// complete, so `path` is never left holding half a dump. `progress` gets the number of
// records written so far; returning false stops the dump (Aborted, nothing left behind).
Status DumpArchive(Archive& archive, const std::string& path, DumpStats* stats,
                   const ProgressFn& progress = nullptr,
                   const DumpOptions& options = DumpOptions());
// The same, to a stream (e.g. standard output). The stream is flushed, not closed.
Status DumpArchive(Archive& archive, std::ostream& out, DumpStats* stats,
                   const ProgressFn& progress = nullptr,
                   const DumpOptions& options = DumpOptions());

// Reads a dump and stores its records in `archive` with PutBatch (upserts by id: records
// already in the archive with other ids are kept). See RestoreOptions::verify_first for
// what a bad file leaves behind. `progress` gets the number of records written so far
// (0 while the file is being checked first); returning false stops the restore with
// Aborted, before anything is written when it comes during the check. stats->stored says
// how many records were stored, whatever the outcome.
Status RestoreArchive(Archive& archive, const std::string& path, DumpStats* stats,
                      const ProgressFn& progress = nullptr,
                      const RestoreOptions& options = RestoreOptions());

// Reads the whole file and checks every frame, every checksum, the trailer and every
// record (it must parse as an Article and pass ValidateArticle with `limits`), writing
// nothing.
Status VerifyDumpFile(const std::string& path, DumpStats* stats,
                      const Limits& limits = Limits());

// Low-level readers: check the framing (header, frames, checksums, trailer) and hand each
// record to `visit` (may be null), without parsing records. A frame's records are visited
// only after the frame passed its checks; the trailer is checked after the last frame,
// so a visitor that acts on records must be ready for an error after some were visited.
// Memory is bounded by kDumpMaxFrameBytes whatever the input. Safe on any input (the
// fuzz targets call these).
Status ReadDump(std::istream& in, const DumpVisitor& visit, DumpStats* stats);
Status ReadDumpBuffer(std::string_view data, const DumpVisitor& visit, DumpStats* stats);

}  // namespace articledb

#endif  // ARTICLEDB_DUMP_H_
