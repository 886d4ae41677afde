// Options for opening an archive and for each write.
//
// Every field says its default and what changing it costs. Storage settings take effect
// when the archive is opened; they may differ between opens of the same archive.
#ifndef ARTICLEDB_OPTIONS_H_
#define ARTICLEDB_OPTIONS_H_

#include <cstddef>
#include <cstdint>

#include "articledb/article.h"

namespace articledb {

struct Options {
  // Create the archive when the directory holds none (its entry in the parent directory
  // is synced before Open returns, so it survives a power loss). Default: false.
  bool create_if_missing = false;
  // Fail with InvalidArgument when an archive already exists there. Default: false.
  bool error_if_exists = false;

  // Open without taking the writer's lock, so another process may keep writing. The
  // reader sees the archive as it was when opened (one state the writer passed through,
  // even when the writer flushes meanwhile); Archive::Refresh() catches up. Nothing is
  // written to disk. Writes return NotSupported. Default: false.
  bool read_only = false;

  // Checked on every write (see Limits).
  Limits limits;

  // ---- Records (the serialized articles) ----
  // zstd level for records (1-19). Higher levels shrink records a little more and cost
  // CPU on every flush and compaction; figures in docs/storage.md. Default: 3.
  int compression_level = 3;
  // Size of the zstd dictionary trained per SST file of records, in bytes. Articles are
  // compressed block by block; a dictionary of common phrases shrinks them further
  // (docs/storage.md has the measurement). 0 turns dictionaries off (faster flushes).
  uint32_t dictionary_bytes = 64 * 1024;
  // Block size of the records table. Larger blocks compress better and cost more per
  // random read of one article. Default: 16 KiB.
  uint32_t record_block_bytes = 16 * 1024;

  // ---- Indexes (date, source, entity; small keys scanned by prefix) ----
  // Block size of the index tables. Default: 4 KiB.
  uint32_t index_block_bytes = 4 * 1024;

  // ---- Text index ----
  // Give the archive a text index: the terms of every article's title, summary and body,
  // so text queries (Filter::text) walk posting lists instead of reading and analysing
  // the records the other filters select (docs/search.md). Applies when an archive is
  // created, and at Archive::Reindex, which builds it for an archive without one. An
  // archive keeps what it has across opens (Stats::text_index), and a Reindex keeps it.
  // It costs analysis on every write: writes are 4-8x slower, and the archive about twice
  // the size (docs/benchmarks.md, "Text search"). Without it, text queries give the same
  // answers. Default: false.
  bool index_text = false;
  // Archive::Reindex drops the archive's text index (text queries then read records).
  // Default: false.
  bool drop_text_index = false;

  // ---- Memory ----
  // One LRU block cache shared by records, indexes and the id map. Default: 256 MiB.
  size_t block_cache_bytes = 256u << 20;
  // Size of each in-memory write buffer before it is flushed to disk. Larger buffers
  // mean fewer, larger files and faster bulk imports, and more memory. Default: 64 MiB.
  size_t write_buffer_bytes = 64u << 20;
  // Background threads for flushes and compactions. Default: 2.
  int background_threads = 2;
};

struct WriteOptions {
  // fsync the write-ahead log before the write returns. A synced write survives a power
  // failure; an unsynced one survives a process crash but may be lost with the machine.
  // Costs one fsync per write (batch). Default: false.
  bool sync = false;
  // Skip the write-ahead log (the bulk-import trade): much faster, but writes since the
  // last Archive::Flush() are lost on a crash. Call Flush() when the import ends.
  // Default: false.
  bool disable_wal = false;
};

}  // namespace articledb

#endif  // ARTICLEDB_OPTIONS_H_
