// ArticleDB through its public API, with default options (256 MiB block cache).
#include "articledb/archive.h"
#include "articledb/dump.h"
#include "corpus.h"
#include "engines.h"

namespace articledb::bench {
namespace {

void Check(const Status& s, const char* what) {
  if (!s.ok()) Fail(std::string("articledb ") + what + ": " + s.ToString());
}

Filter ToFilter(const QuerySpec& q) {
  Filter f;
  f.from_micros = q.from_micros;
  f.to_micros = q.to_micros;
  f.source = q.source;
  f.sources = q.sources;
  f.entities = q.entities;
  f.not_entities = q.not_entities;
  return f;
}

class ArticleDbEngine final : public Engine {
 public:
  const char* name() const override { return "articledb"; }

  void Open(const std::string& dir) override {
    Options o;
    o.create_if_missing = true;
    o.block_cache_bytes = kCacheBytes;
    // The job SQLite does here has no text search: ArticleDB without its text index too
    // (text search against SQLite FTS5 and Xapian: bench/text_bench.cc).
    o.index_text = false;
    Check(Archive::Open(o, dir, &db_), "open");
  }
  void Close() override {
    bulk_.reset();
    db_.reset();
  }

  void Put(const Article& a) override { Check(db_->Put(WriteOptions(), a), "put"); }
  void PutBatch(std::span<const Article> batch) override {
    Check(db_->PutBatch(WriteOptions(), batch), "put batch");
  }
  // The bulk import: a BulkLoader (sorted table files, ingested run by run); FinishBulk
  // ingests the last run and flushes, as the timed part of ingest_bulk.
  void BulkAdd(std::span<const Article> batch) override {
    if (!bulk_) Check(db_->NewBulkLoader(BulkLoadOptions(), &bulk_), "bulk loader");
    Check(bulk_->Add(batch), "bulk add");
  }
  void FinishBulk() override {
    if (bulk_) {
      Check(bulk_->Finish(), "bulk finish");
      bulk_.reset();
    }
    Check(db_->Flush(), "flush");
  }
  void Settle() override { Check(db_->Flush(), "flush"); }
  void Compact() override { Check(db_->Compact(), "compact"); }

  bool Get(const std::string& id, Article* out) override {
    const Status s = db_->Get(id, out);
    if (s.IsNotFound()) return false;
    Check(s, "get");
    return true;
  }
  size_t MultiGet(std::span<const std::string> ids, std::vector<Article>* out) override {
    Check(db_->MultiGet(ids, out, &statuses_), "multiget");
    size_t found = 0;
    for (const Status& s : statuses_) {
      if (s.ok()) {
        ++found;
      } else if (!s.IsNotFound()) {
        Check(s, "multiget item");
      }
    }
    return found;
  }

  bool Query(const QuerySpec& q, std::vector<Hit>* hits) override {
    QueryOptions qo;
    qo.limit = q.limit;
    if (!Supported(db_->Query(ToFilter(q), qo, &page_), "query")) return false;
    hits->clear();
    for (const Article& a : page_.articles) {
      hits->push_back(
          Hit{a.has_published_at() ? TimestampMicros(a.published_at()) : kNoDate, a.id()});
    }
    return true;
  }

  bool CountDays(const std::string& entity, int64_t from, int64_t to, DayCounts* days) override {
    Filter f;
    f.from_micros = from;
    f.to_micros = to;
    f.entities = {entity};
    if (!Supported(db_->Timeline(f, Bucket::kDay, &timeline_), "timeline")) return false;
    days->clear();
    for (const TimelineEntry& e : timeline_) days->emplace_back(e.start_micros, e.count);
    return true;
  }

  bool Facets(const QuerySpec& q, NameCounts* facets) override {
    FacetOptions fo;
    fo.by = FacetField::kEntity;
    fo.limit = q.limit;
    if (!Supported(db_->Facets(ToFilter(q), fo, &facets_), "facets")) return false;
    facets->clear();
    for (const NameCount& n : facets_) facets->emplace_back(n.name, n.count);
    return true;
  }

  uint64_t Dump(const std::string& path, uint64_t* file_bytes) override {
    DumpStats stats;
    Check(DumpArchive(*db_, path, &stats), "dump");
    *file_bytes = stats.bytes;
    return stats.records;
  }
  uint64_t Restore(const std::string& path, uint64_t* file_bytes) override {
    DumpStats stats;
    Check(RestoreArchive(*db_, path, &stats), "restore");
    *file_bytes = stats.bytes;
    return stats.records;
  }

 private:
  // False (and the reason kept) when the archive answers NotSupported.
  bool Supported(const Status& s, const char* what) {
    if (s.IsNotSupported()) {
      not_supported_ = std::string(what) + ": " + s.ToString();
      return false;
    }
    Check(s, what);
    return true;
  }

  std::unique_ptr<Archive> db_;
  std::unique_ptr<BulkLoader> bulk_;
  std::vector<Status> statuses_;
  Page page_;
  std::vector<TimelineEntry> timeline_;
  std::vector<NameCount> facets_;
};

}  // namespace

std::unique_ptr<Engine> NewArticleDbEngine() { return std::make_unique<ArticleDbEngine>(); }

}  // namespace articledb::bench
