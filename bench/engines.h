// The engines compared: ArticleDB, SQLite doing the same job, and raw RocksDB puts and
// gets of the same records (no index). Each failure ends the run with a message.
#ifndef ARTICLEDB_BENCH_ENGINES_H_
#define ARTICLEDB_BENCH_ENGINES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "articledb/article.h"

namespace articledb::bench {

// One query: an optional time range, a source or any of several sources, entities that
// must all be mentioned and entities that must not be; newest first, at most `limit`
// articles (facets: the `limit` most frequent entities). Names as stored (engines
// normalise them).
struct QuerySpec {
  std::optional<int64_t> from_micros;
  std::optional<int64_t> to_micros;
  std::optional<std::string> source;
  std::vector<std::string> sources;  // any of (with `source`, when both are set)
  std::vector<std::string> entities;
  std::vector<std::string> not_entities;
  size_t limit = 100;
};

// One article of an answer.
struct Hit {
  int64_t published;  // kNoDate when absent
  std::string id;
  bool operator==(const Hit&) const = default;
};

// Per-day counts: (first microsecond of the day, count), oldest first.
using DayCounts = std::vector<std::pair<int64_t, uint64_t>>;

// Facets: (name as the engine shows it, number of matching articles), most first.
using NameCounts = std::vector<std::pair<std::string, uint64_t>>;

// Memory the engines may use for caching pages or blocks (the same for all).
constexpr size_t kCacheBytes = 256u << 20;

class Engine {
 public:
  virtual ~Engine() = default;
  virtual const char* name() const = 0;
  virtual bool has_indexes() const { return true; }

  // Opens the store in `dir` (creating it when missing).
  virtual void Open(const std::string& dir) = 0;
  virtual void Close() = 0;

  virtual void Put(const Article& a) = 0;
  // One atomic write (one transaction) of the whole batch.
  virtual void PutBatch(std::span<const Article> batch) = 0;
  // ArticleDB only: the bulk import into an empty store. BulkAdd takes the corpus in
  // batches, FinishBulk makes the load settle on disk (both are timed).
  virtual void BulkAdd(std::span<const Article> batch) { PutBatch(batch); }
  virtual void FinishBulk() { Settle(); }
  // Makes the load settle on disk: memtables flushed, write-ahead log checkpointed.
  virtual void Settle() = 0;
  // Full compaction (RocksDB) or VACUUM + ANALYZE (SQLite).
  virtual void Compact() = 0;

  // False when not found.
  virtual bool Get(const std::string& id, Article* out) = 0;
  // Returns how many were found.
  virtual size_t MultiGet(std::span<const std::string> ids, std::vector<Article>* out) = 0;

  // The calls below return false when the engine answers that it does not support
  // the request (ArticleDB's NotSupported); not_supported() then says why. Any other
  // failure ends the run.
  virtual bool Query(const QuerySpec& q, std::vector<Hit>* hits) = 0;
  // Per-day counts of articles naming `entity` in [from, to), from a midnight UTC.
  virtual bool CountDays(const std::string& entity, int64_t from, int64_t to,
                         DayCounts* days) = 0;
  // The q.limit entities most often mentioned by the articles matching `q`, with the
  // number of those articles mentioning each.
  virtual bool Facets(const QuerySpec& q, NameCounts* facets) = 0;
  const std::string& not_supported() const { return not_supported_; }

  // ArticleDB only: the whole store to a dump file, and a dump file into the (empty)
  // store. Both return the number of records and set *file_bytes.
  virtual uint64_t Dump(const std::string& path, uint64_t* file_bytes);
  virtual uint64_t Restore(const std::string& path, uint64_t* file_bytes);

 protected:
  std::string not_supported_;
};

std::unique_ptr<Engine> NewArticleDbEngine();
std::unique_ptr<Engine> NewSqliteEngine();
std::unique_ptr<Engine> NewRocksDbRawEngine();

}  // namespace articledb::bench

#endif  // ARTICLEDB_BENCH_ENGINES_H_
