// The ArticleDB engine: ArchiveImpl implements the public Archive by composing the layers
// (docs/storage.md, "Source layout"): the store (RocksDB, column families, read views), the
// index contributors, the write path, the query layer (posting iterators, planner,
// readers) and maintenance (verify, reindex).
#include "articledb/archive.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "index/contributor.h"
#include "index/counters.h"
#include "maint/reindex.h"
#include "maint/upgrade.h"
#include "maint/verify.h"
#include "query/count.h"
#include "query/facets.h"
#include "query/reader.h"
#include "store/keys.h"
#include "store/meta.h"
#include "store/store.h"
#include "write/bulk_loader.h"
#include "write/writer.h"

namespace articledb {
namespace {

class ArchiveImpl final : public Archive {
 public:
  ArchiveImpl(const Options& options, std::string path)
      : store_(options, std::move(path), index::StoreHooks()), writer_(store_) {}

  Status OpenDb();
  // Archive::Upgrade: opens the store as it is and converts it (maint/upgrade.h).
  Status UpgradeDb(const ProgressFn& progress);

  Status Put(const WriteOptions& wo, const Article& article, WriteStats* stats) override {
    return PutBatch(wo, std::span<const Article>(&article, 1), stats);
  }
  Status PutBatch(const WriteOptions& wo, std::span<const Article> articles,
                  WriteStats* stats) override {
    return writer_.PutBatch(wo, articles, stats);
  }
  Status NewBulkLoader(const BulkLoadOptions& options,
                       std::unique_ptr<BulkLoader>* loader) override {
    loader->reset();
    if (Status s = store_.CheckWritable(); !s.ok()) return s;
    if (options.run_bytes == 0) {
      return Status::InvalidArgument("bulk load: run_bytes must be greater than 0");
    }
    *loader = write::NewArticleBulkLoader(&writer_, store_.options().limits, options);
    return Status::OK();
  }
  Status Delete(const WriteOptions& wo, std::string_view id) override;
  Status DeleteBatch(const WriteOptions& wo, std::span<const std::string> ids,
                     WriteStats* stats) override {
    return writer_.DeleteBatch(wo, ids, stats);
  }
  Status Get(std::string_view id, Article* article) override {
    store::ReadView view(store_);
    return query::GetArticle(view, id, article);
  }
  Status MultiGet(std::span<const std::string> ids, std::vector<Article>* articles,
                  std::vector<Status>* statuses) override {
    store::ReadView view(store_);
    return query::MultiGetArticles(view, ids, articles, statuses);
  }
  Status Query(const Filter& filter, const QueryOptions& options, Page* page) override {
    store::ReadView view(store_);
    return query::ReadPage(view, meta_.cursor_key, filter, options, page);
  }
  Status Scan(const Filter& filter, Order order,
              const std::function<bool(const Article&)>& visit) override {
    store::ReadView view(store_);
    return query::Scan(view, filter, order, visit);
  }
  Status ScanStoredAfter(uint64_t position, const Filter& filter, uint64_t* next,
                         const std::function<bool(const Article&)>& visit) override {
    store::ReadView view(store_);
    return query::ScanStoredAfter(view, position, filter, next, visit);
  }
  Status Count(const Filter& filter, uint64_t* count) override {
    store::ReadView view(store_);
    return query::Count(view, filter, count);
  }
  using Archive::Timeline;
  Status Timeline(const Filter& filter, const TimelineOptions& options,
                  std::vector<TimelineEntry>* entries) override {
    store::ReadView view(store_);
    return query::Timeline(view, filter, options, entries);
  }
  Status Facets(const Filter& filter, const FacetOptions& options,
                std::vector<NameCount>* facets) override {
    store::ReadView view(store_);
    return query::Facets(view, filter, options, facets);
  }
  Status ListSources(std::vector<NameCount>* sources) override {
    return ListNamesWithPrefix(keys::kSource, "source", {}, 0, sources);
  }
  Status ListSources(std::string_view prefix, size_t limit,
                     std::vector<NameCount>* sources) override {
    return ListNamesWithPrefix(keys::kSource, "source", prefix, limit, sources);
  }
  Status ListEntities(std::string_view prefix, size_t limit,
                      std::vector<NameCount>* entities) override {
    return ListNamesWithPrefix(keys::kEntity, "entity", prefix, limit, entities);
  }
  // The names of index `type` that start with `prefix` once normalised (`what` names
  // the kind in errors).
  Status ListNamesWithPrefix(char type, const char* what, std::string_view prefix, size_t limit,
                             std::vector<NameCount>* names);
  Status ForEachRecord(const std::function<bool(std::string_view)>& visit) override {
    store::ReadView view(store_);
    return query::ForEachRecord(view, visit);
  }
  Status GetStats(Stats* stats) override;
  bool HasTextIndex() const override { return store_.text_index(); }
  Status Flush() override { return store_.Flush(); }
  Status Compact() override { return store_.Compact(); }
  Status Checkpoint(const std::string& dir) override { return store_.Checkpoint(dir); }
  Status Verify(VerifyReport* report, const ProgressFn& progress) override {
    *report = VerifyReport();
    store::ReadView view(store_);
    return maint::Verify(view, UnicodeWarning(), report, progress);
  }
  Status Reindex(const ProgressFn& progress) override;
  Status ListQuarantine(std::vector<QuarantinedRecord>* records) override {
    records->clear();
    store::ReadView view(store_);
    return maint::ListQuarantine(view, records);
  }
  Status DropQuarantined(uint64_t docno) override {
    return maint::DropQuarantined(store_, docno);
  }
  Status Refresh() override { return store_.Refresh(); }

 private:
  // Empty, or why the name keys may not match this library's normalisation.
  std::string UnicodeWarning() const {
    const std::string& unicode_version = meta_.unicode_version;
    if (unicode_version.empty() || unicode_version == UnicodeVersion()) return "";
    return "names in archive '" + store_.path() + "' were normalised with Unicode " +
           unicode_version + " and this library normalises with Unicode " + UnicodeVersion() +
           ": names whose normal form changed between them may not be found by queries; "
           "reads and writes work, and a reindex ('articledb reindex', Archive::Reindex) "
           "rebuilds every name key with this version";
  }

  store::Store store_;
  write::Writer writer_;
  // Set at open (and by Reindex, which holds the rebuild lock exclusively).
  meta::Meta meta_;
};

Status ArchiveImpl::OpenDb() {
  bool created = false;
  if (Status s = store_.Open(&created); !s.ok()) return s;
  if (Status s = meta::CheckFormat(store_, created); !s.ok()) return s;
  if (Status ds = writer_.RecoverNextDocno(); !ds.ok()) return ds;
  if (Status ms = meta::Load(store_, &meta_); !ms.ok()) return ms;
  bool marked = false;
  if (Status s = meta::RebuildMarked(store_, &marked); !s.ok()) return s;
  bool current = false;
  store::TextIndexing text = store::TextIndexing::kNone;
  if (Status s = meta::IndexesCurrent(store_, created, &current, &text); !s.ok()) return s;
  store_.set_text_indexing(text);
  if (!current && !marked) {
    // Written before some index types or the doc values existed: rebuilt now.
    if (store_.read_only()) {
      return Status::NotSupported(
          "archive '" + store_.path() + "' was written by an older version of ArticleDB "
          "(without facets and language, topic and author indexes): open it for writing "
          "once (e.g. 'articledb reindex " + store_.path() + "') to build them");
    }
    if (Status s = meta::MarkRebuild(store_); !s.ok()) return s;
    marked = true;
  }
  if (marked) {
    // A rebuild is running in another process, or was interrupted: the indexes are
    // incomplete until it is finished, so a reader would miss articles.
    if (store_.read_only()) {
      return Status::Aborted("archive '" + store_.path() +
                             "': its indexes are being rebuilt (a reindex is running, or "
                             "was interrupted and finishes at the next open for writing, "
                             "e.g. 'articledb reindex')");
    }
    auto lock = store_.LockForResume();
    return maint::ReindexLocked(store_, nullptr, &meta_.unicode_version);
  }
  return Status::OK();
}

Status ArchiveImpl::UpgradeDb(const ProgressFn& progress) {
  bool created = false;
  if (Status s = store_.Open(&created, /*for_upgrade=*/true); !s.ok()) return s;
  std::string format;
  if (Status s = meta::ReadFormat(store_, &format); !s.ok()) return s;
  // Already current: nothing to convert (an interrupted reindex finishes at the next open).
  if (format == meta::kFormatVersion) return Status::OK();
  if (Status ds = writer_.RecoverNextDocno(); !ds.ok()) return ds;
  if (Status ms = meta::Load(store_, &meta_); !ms.ok()) return ms;
  auto lock = store_.LockForResume();
  return maint::UpgradeLocked(store_, format, progress, &meta_.unicode_version);
}

}  // namespace

Status Archive::Upgrade(const std::string& path, const ProgressFn& progress) {
  if (path.empty()) return Status::InvalidArgument("archive path is empty");
  Options options;
  options.create_if_missing = false;
  auto impl = std::make_unique<ArchiveImpl>(options, path);
  return impl->UpgradeDb(progress);
}

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

Status ArchiveImpl::Delete(const WriteOptions& wo, std::string_view id) {
  WriteStats stats;
  const std::string ids[1] = {std::string(id)};
  Status s = DeleteBatch(wo, ids, &stats);
  if (!s.ok()) return s;
  if (stats.not_found) return Status::NotFound("no article with id '" + std::string(id) + "'");
  return Status::OK();
}

Status ArchiveImpl::ListNamesWithPrefix(char type, const char* what, std::string_view prefix,
                                        size_t limit, std::vector<NameCount>* names) {
  size_t bad = 0;
  if (!IsValidUtf8(prefix, &bad)) {
    return Status::InvalidArgument(std::string(what) + " prefix: invalid UTF-8 at byte " +
                                   std::to_string(bad));
  }
  std::string key(1, type);
  keys::AppendNamePrefix(&key, NormalizeName(prefix));
  store::ReadView view(store_);
  if (Status s = view.Begin(); !s.ok()) return s;
  return query::ListNames(view, key, limit, names);
}

Status ArchiveImpl::GetStats(Stats* stats) {
  *stats = Stats();
  store::ReadView view(store_);
  if (Status s = view.Begin(); !s.ok()) return s;
  int64_t v = 0;
  if (Status s = counters::Read(view, std::string(keys::kArticlesCounter), &v); !s.ok()) {
    return s;
  }
  stats->articles = v > 0 ? static_cast<uint64_t>(v) : 0;
  if (Status s = counters::Read(view, std::string(keys::kRecordBytesCounter), &v); !s.ok()) {
    return s;
  }
  stats->record_bytes = v > 0 ? static_cast<uint64_t>(v) : 0;
  stats->unicode_version = meta_.unicode_version;
  if (std::string w = UnicodeWarning(); !w.empty()) stats->warnings.push_back(std::move(w));
  stats->text_index = store_.text_index();
  std::vector<NameCount> names;
  if (Status s = query::ListNames(view, std::string(1, keys::kSource), 0, &names); !s.ok()) {
    return s;
  }
  stats->sources = names.size();
  if (Status s = query::ListNames(view, std::string(1, keys::kEntity), 0, &names); !s.ok()) {
    return s;
  }
  stats->entities = names.size();
  if (Status s = query::DateRange(view, stats); !s.ok()) return s;
  store_.DiskStats(stats);
  return Status::OK();
}

Status ArchiveImpl::Reindex(const ProgressFn& progress) {
  if (Status s = store_.CheckWritable(); !s.ok()) return s;
  auto lock = store_.LockForRebuild();
  Status s = maint::ReindexLocked(store_, progress, &meta_.unicode_version);
  store_.EndRebuild();
  return s;
}

}  // namespace
}  // namespace articledb
