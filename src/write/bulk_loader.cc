#include "write/bulk_loader.h"

#include <rocksdb/env.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <deque>
#include <chrono>
#include <filesystem>
#include <system_error>
#include <unordered_map>

#include "index/contributor.h"
#include "write/writer.h"

namespace articledb::write {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

enum class Op : uint8_t { kPut, kMerge, kDelete };

struct Entry {
  std::string_view key;
  std::string_view value;
  uint32_t cf;   // index into BulkTarget::column_families
  Op op;
};

class Collector : public rocksdb::WriteBatch::Handler {
 public:
  Collector(const std::vector<uint32_t>& ids, std::vector<Entry>* out) : ids_(ids), out_(out) {}

  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    return Push(cf, Op::kPut, k, v);
  }
  rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    return Push(cf, Op::kMerge, k, v);
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& k) override {
    return Push(cf, Op::kDelete, k, rocksdb::Slice());
  }
  rocksdb::Status SingleDeleteCF(uint32_t cf, const rocksdb::Slice& k) override {
    return Push(cf, Op::kDelete, k, rocksdb::Slice());
  }
  rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::NotSupported("bulk load: range deletions cannot be bulk loaded");
  }
  rocksdb::Status PutEntityCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::NotSupported("bulk load: wide-column entities cannot be bulk loaded");
  }

 private:
  rocksdb::Status Push(uint32_t cf_id, Op op, const rocksdb::Slice& k, const rocksdb::Slice& v) {
    const auto it = std::find(ids_.begin(), ids_.end(), cf_id);
    if (it == ids_.end()) {
      return rocksdb::Status::InvalidArgument("bulk load: a write names column family id " +
                                              std::to_string(cf_id) + ", not a target");
    }
    out_->push_back(Entry{std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size()),
                          static_cast<uint32_t>(it - ids_.begin()), op});
    return rocksdb::Status::OK();
  }
  const std::vector<uint32_t>& ids_;
  std::vector<Entry>* out_;
};

rocksdb::Slice S(std::string_view v) { return rocksdb::Slice(v.data(), v.size()); }

}  // namespace

void Run::Add(std::unique_ptr<rocksdb::WriteBatch> batch) {
  bytes_ += batch->GetDataSize();
  batches_.push_back(std::move(batch));
}

rocksdb::Status IngestRun(const BulkTarget& target, Run* run, RunStats* stats) {
  RunStats local;
  const size_t ncf = target.column_families.size();
  std::vector<uint32_t> ids(ncf);
  for (size_t c = 0; c < ncf; ++c) ids[c] = target.column_families[c]->GetID();

  // 1. Collect and sort. The collection order is the write order, kept by the stable sort.
  auto t0 = Clock::now();
  std::vector<Entry> entries;
  {
    size_t count = 0;
    for (const auto& b : run->batches_) count += static_cast<size_t>(b->Count());
    entries.reserve(count);
  }
  Collector collector(ids, &entries);
  for (const auto& b : run->batches_) {
    rocksdb::Status s = b->Iterate(&collector);
    if (!s.ok()) return s;
  }
  local.entries = entries.size();
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.cf != b.cf) return a.cf < b.cf;
    return a.key < b.key;  // bytewise, as the column families' comparator
  });
  local.sort_seconds = Since(t0);

  // 2. + 3. Resolve each key and write one table file per column family.
  t0 = Clock::now();
  std::error_code ec;
  fs::create_directories(target.scratch_dir, ec);
  if (ec) {
    return rocksdb::Status::IOError("bulk load: cannot create '" + target.scratch_dir +
                                    "': " + ec.message());
  }
  std::vector<std::string> written;  // table files not yet ingested
  auto cleanup = [&]() {
    for (const auto& f : written) fs::remove(f, ec);
  };
  std::vector<rocksdb::IngestExternalFileArg> args;
  std::string merged;
  std::vector<rocksdb::Slice> operands;
  size_t i = 0;
  while (i < entries.size()) {
    const uint32_t cf = entries[i].cf;
    size_t end = i;
    while (end < entries.size() && entries[end].cf == cf) ++end;
    rocksdb::ColumnFamilyHandle* handle = target.column_families[cf];
    rocksdb::Options options = target.db->GetOptions(handle);
    if (target.adjust_options) target.adjust_options(cf, &options);
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, handle);
    const std::string path = (fs::path(target.scratch_dir) /
                              ("run-" + std::to_string(cf) + "-" + handle->GetName() + ".sst"))
                                 .string();
    rocksdb::Status s = writer.Open(path);
    if (!s.ok()) {
      cleanup();
      return s;
    }
    written.push_back(path);
    uint64_t keys = 0;
    while (i < end) {
      size_t j = i + 1;
      while (j < end && entries[j].key == entries[i].key) ++j;
      // entries[i, j): one key, in write order. The last Put or Delete is the base.
      size_t base = j;
      for (size_t k = j; k-- > i;) {
        if (entries[k].op != Op::kMerge) {
          base = k;
          break;
        }
      }
      const std::string_view key = entries[i].key;
      if (base == j - 1) {
        s = entries[base].op == Op::kPut ? writer.Put(S(key), S(entries[base].value))
                                         : writer.Delete(S(key));
      } else {
        // Merge operands after the base (or all of them, over the stored value).
        const size_t first = base == j ? i : base + 1;
        operands.clear();
        for (size_t k = first; k < j; ++k) operands.push_back(S(entries[k].value));
        std::string stored;
        rocksdb::Slice existing_slice;
        const rocksdb::Slice* existing = nullptr;
        const rocksdb::MergeOperator* merge_op = options.merge_operator.get();
        if (base == j && merge_op != nullptr) {
          // Only merges in this run: written as one merge operand, which RocksDB applies
          // over what is stored when the key is read or compacted. No read here (a
          // lookup of every name, month and day a run touches made large loads slow).
          merged.clear();
          bool one = operands.size() == 1;
          if (!one) {
            const std::deque<rocksdb::Slice> list(operands.begin(), operands.end());
            one = merge_op->PartialMergeMulti(S(key), list, &merged, nullptr);
          } else {
            merged.assign(operands[0].data(), operands[0].size());
          }
          if (one) {
            s = writer.Merge(S(key), rocksdb::Slice(merged));
            if (!s.ok()) {
              cleanup();
              return s;
            }
            ++keys;
            i = j;
            continue;
          }
        }
        if (base == j) {
          rocksdb::Status gs = target.db->Get(rocksdb::ReadOptions(), handle, S(key), &stored);
          if (gs.ok()) {
            existing_slice = stored;
            existing = &existing_slice;
          } else if (!gs.IsNotFound()) {
            s = gs;
          }
        } else if (entries[base].op == Op::kPut) {
          existing_slice = S(entries[base].value);
          existing = &existing_slice;
        }
        if (s.ok()) {
          const rocksdb::MergeOperator* op = options.merge_operator.get();
          if (op == nullptr) {
            s = rocksdb::Status::InvalidArgument("bulk load: merge into column family '" +
                                                 handle->GetName() + "', which has no merge operator");
          } else {
            merged.clear();
            rocksdb::Slice chosen(nullptr, 0);  // set by an operator that picks an operand
            rocksdb::MergeOperator::MergeOperationInput in(S(key), existing, operands, nullptr);
            rocksdb::MergeOperator::MergeOperationOutput out(merged, chosen);
            if (!op->FullMergeV2(in, &out)) {
              s = rocksdb::Status::Corruption("bulk load: merge operator '" +
                                              std::string(op->Name()) + "' failed in column family '" +
                                              handle->GetName() + "'");
            } else {
              s = writer.Put(S(key), chosen.data() != nullptr ? chosen : rocksdb::Slice(merged));
            }
          }
        }
      }
      if (!s.ok()) {
        cleanup();
        return s;
      }
      ++keys;
      i = j;
    }
    rocksdb::ExternalSstFileInfo info;
    s = writer.Finish(&info);
    if (!s.ok()) {
      cleanup();
      return s;
    }
    local.keys += keys;
    local.file_bytes += info.file_size;
    ++local.files;
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = handle;
    arg.external_files = {path};
    arg.options.move_files = true;
    arg.options.snapshot_consistency = true;
    arg.options.allow_global_seqno = true;
    arg.options.allow_blocking_flush = true;
    arg.options.write_global_seqno = false;
    args.push_back(std::move(arg));
  }
  local.write_seconds = Since(t0);
  // The entries point into the batches: release both before ingesting.
  entries = std::vector<Entry>();
  run->Clear();

  // 4. One atomic ingestion of every column family's file.
  t0 = Clock::now();
  if (!args.empty()) {
    rocksdb::Status s = target.db->IngestExternalFiles(args);
    cleanup();  // moved files are links now; on failure, the files are dropped
    if (!s.ok()) return s;
  }
  fs::remove(target.scratch_dir, ec);  // when empty (another loader may be using it)
  local.ingest_seconds = Since(t0);
  if (stats != nullptr) *stats = local;
  return rocksdb::Status::OK();
}

// ---------------------------------------------------------------------------- articles

namespace {

class ArticleBulkLoader final : public BulkLoader {
 public:
  ArticleBulkLoader(Writer* writer, const Limits& limits, const BulkLoadOptions& options)
      : writer_(writer), limits_(limits), options_(options) {}

  Status Add(std::span<const Article> articles) override {
    if (!failed_.ok()) return failed_;
    if (finished_) return Status::InvalidArgument("the bulk load has finished");
    const size_t n = articles.size();
    std::vector<Article> copies(articles.begin(), articles.end());
    size_t bytes = 0;
    for (size_t i = 0; i < n; ++i) {
      if (copies[i].id().empty()) copies[i].set_id(DeriveArticleId(copies[i]));
      if (Status s = ValidateArticle(copies[i], limits_); !s.ok()) {
        return BatchPositionError(n, i, s);
      }
      bytes += copies[i].ByteSizeLong();
    }
    for (Article& a : copies) pending_.push_back(std::move(a));
    pending_bytes_ += bytes;
    if (pending_bytes_ >= options_.run_bytes) return IngestPending();
    return Status::OK();
  }

  Status Finish(WriteStats* stats) override {
    if (!failed_.ok()) return failed_;
    if (finished_) return Status::InvalidArgument("the bulk load has finished");
    if (Status s = IngestPending(); !s.ok()) return s;
    finished_ = true;
    if (stats != nullptr) {
      stats->inserted += stats_.inserted;
      stats->updated += stats_.updated;
      stats->unchanged += stats_.unchanged;
    }
    return Status::OK();
  }

 private:
  // The pending articles as one run: the last of each id, in their order (so the run's
  // writes, e.g. the display names counters keep, come in the order PutBatch would make
  // them), with docnos in order of publication time (input order among equal times).
  Status IngestPending() {
    if (pending_.empty()) return Status::OK();
    std::vector<size_t> keep;
    {
      std::unordered_map<std::string_view, size_t> last;
      last.reserve(pending_.size());
      for (size_t i = 0; i < pending_.size(); ++i) last[pending_[i].id()] = i;
      for (size_t i = 0; i < pending_.size(); ++i) {
        if (last[pending_[i].id()] == i) keep.push_back(i);
      }
    }
    std::vector<Article> run;
    run.reserve(keep.size());
    for (size_t i : keep) run.push_back(std::move(pending_[i]));
    pending_ = std::vector<Article>();
    pending_bytes_ = 0;
    std::vector<size_t> by_time(run.size());
    std::vector<int64_t> times(run.size());
    for (size_t i = 0; i < run.size(); ++i) {
      by_time[i] = i;
      times[i] = index::IndexTime(run[i]);
    }
    std::stable_sort(by_time.begin(), by_time.end(),
                     [&](size_t a, size_t b) { return times[a] < times[b]; });
    std::vector<uint64_t> rank(run.size());
    for (size_t r = 0; r < by_time.size(); ++r) rank[by_time[r]] = r;
    RunStats rs;
    Status s = writer_->BulkIngest(&run, rank, kBulkChunk, &stats_, &rs);
    if (!s.ok() && !s.IsInvalidArgument()) failed_ = s;
    return s;
  }

  Writer* writer_;
  Limits limits_;
  BulkLoadOptions options_;
  std::vector<Article> pending_;
  size_t pending_bytes_ = 0;
  WriteStats stats_;
  Status failed_;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<BulkLoader> NewArticleBulkLoader(Writer* writer, const Limits& limits,
                                                 const BulkLoadOptions& options) {
  return std::make_unique<ArticleBulkLoader>(writer, limits, options);
}

}  // namespace articledb::write
