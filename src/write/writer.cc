// The write path (writer.h).
#include "write/writer.h"

#include <google/protobuf/util/message_differencer.h>
#include <xxhash.h>

#include <algorithm>
#include <functional>
#include <system_error>
#include <thread>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "index/contributor.h"
#include "index/counters.h"
#include "store/keys.h"
#include "store/meta.h"
#include "store/record_codec.h"
#include "write/bulk_loader.h"

namespace articledb::write {

using store::FromRocks;
using store::ToSlice;
using store::ToView;
using enum store::Cf;

namespace {

// Runs derive(lo, hi) over [0, n): in two threads when the batch is large and the text
// index is kept (analysis makes deriving worth a thread), else in the caller's.
void DeriveInParallel(size_t n, bool text, const std::function<void(size_t, size_t)>& derive) {
  constexpr size_t kMinParallel = 64;
  if (!text || n < kMinParallel || std::thread::hardware_concurrency() < 2) {
    derive(0, n);
    return;
  }
  std::thread helper;
  try {
    helper = std::thread(derive, n / 2, n);
  } catch (const std::system_error&) {  // no thread to be had: all in this one
    derive(0, n);
    return;
  }
  derive(0, n / 2);
  helper.join();
}

rocksdb::WriteOptions ToRocks(const WriteOptions& wo) {
  rocksdb::WriteOptions r;
  r.sync = wo.sync;
  r.disableWAL = wo.disable_wal;
  return r;
}

}  // namespace

// Document numbers continue after every one that may have been given out: the persisted
// mark, the largest record, and (archives written before the mark existed) the largest
// docno the id map refers to, since records can have been lost after their id entries.
Status Writer::RecoverNextDocno() {
  const std::string where = "cannot read archive '" + store_.path() + "'";
  uint64_t next = 1;
  std::string mark;
  rocksdb::Status s = db()->Get(rocksdb::ReadOptions(), cf(kDefault), meta::kDocnoMarkKey, &mark);
  const bool has_mark = s.ok() && mark.size() == 8;
  if (has_mark) next = keys::DecodeDocno(mark.data());
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, where);
  std::unique_ptr<rocksdb::Iterator> it(db()->NewIterator(rocksdb::ReadOptions(), cf(kRecords)));
  it->SeekToLast();
  if (it->Valid() && it->key().size() == 8) {
    next = std::max(next, keys::DecodeDocno(it->key().data()) + 1);
  }
  if (!it->status().ok()) return FromRocks(it->status(), where);
  if (!has_mark) {
    it.reset(db()->NewIterator(rocksdb::ReadOptions(), cf(kIds)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->value().size() == 8) next = std::max(next, keys::DecodeDocno(it->value().data()) + 1);
    }
    if (!it->status().ok()) return FromRocks(it->status(), where);
  }
  it.reset();
  next_docno_ = next;
  docno_reserved_ = next;
  if (!has_mark && !store_.read_only()) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = db()->Put(sync, cf(kDefault), meta::kDocnoMarkKey, keys::DocnoKey(next));
    if (!s.ok()) return FromRocks(s, "cannot initialise archive '" + store_.path() + "'");
  }
  return Status::OK();
}

Status Writer::AllocateDocnos(size_t count, const rocksdb::WriteOptions& wo,
                                   uint64_t* first) {
  std::lock_guard lock(docno_mutex_);
  const uint64_t end = next_docno_ + count;
  if (end > docno_reserved_) {
    // The mark goes through the write-ahead log even for a disable_wal batch: it comes
    // before the batch in RocksDB's order, so any state a crash leaves that holds the
    // batch holds the mark too (atomic_flush keeps flushed states such a prefix).
    const uint64_t reserved = end + kDocnoBlock;
    rocksdb::WriteOptions mark_wo;
    mark_wo.sync = wo.sync;
    rocksdb::Status s =
        db()->Put(mark_wo, cf(kDefault), meta::kDocnoMarkKey, keys::DocnoKey(reserved));
    if (!s.ok()) return FromRocks(s, "write failed (reserving document numbers); nothing was stored");
    docno_reserved_ = reserved;
  }
  *first = next_docno_;
  next_docno_ = end;
  return Status::OK();
}

std::vector<std::unique_lock<std::mutex>> Writer::LockIds(
    const std::vector<std::string_view>& ids) {
  std::vector<size_t> stripes;
  stripes.reserve(ids.size());
  for (std::string_view id : ids) stripes.push_back(XXH3_64bits(id.data(), id.size()) % kStripes);
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  std::vector<std::unique_lock<std::mutex>> locks;
  locks.reserve(stripes.size());
  for (size_t s : stripes) locks.emplace_back(stripes_[s]);  // ascending: no deadlock
  return locks;
}

Status BatchPositionError(size_t n, size_t i, const Status& s) {
  if (n == 1) return s;
  return Status::InvalidArgument("batch position " + std::to_string(i) + ": " + s.message() +
                                 " (nothing in the batch was stored)");
}

Status Writer::PutBatch(const WriteOptions& wo, std::span<const Article> articles,
                        WriteStats* stats) {
  return PutBatchTo(wo, articles, stats, nullptr, {});
}

Status Writer::PutBatchTo(const WriteOptions& wo, std::span<const Article> articles,
                          WriteStats* stats, rocksdb::WriteBatch* into,
                          std::span<const uint64_t> preset_docnos) {
  if (Status s = store_.CheckWritable(); !s.ok()) return s;
  if (articles.empty()) return Status::OK();
  // 1. Validate and serialize every article before touching the archive.
  const size_t n = articles.size();
  std::vector<Article> with_ids;  // copies of articles that arrived without an id
  std::vector<const Article*> items(n);
  std::vector<std::string> values(n);
  size_t missing_ids = 0;
  for (const Article& a : articles) missing_ids += a.id().empty() ? 1 : 0;
  with_ids.reserve(missing_ids);
  for (size_t i = 0; i < n; ++i) {
    items[i] = &articles[i];
    if (articles[i].id().empty()) {
      with_ids.push_back(articles[i]);
      with_ids.back().set_id(DeriveArticleId(articles[i]));
      items[i] = &with_ids.back();
    }
    // (A bulk load's articles were validated when they were added.)
    if (into == nullptr) {
      if (Status s = ValidateArticle(*items[i], store_.options().limits); !s.ok()) {
        return BatchPositionError(n, i, s);
      }
    }
    if (!items[i]->SerializeToString(&values[i])) {
      return Status::InvalidArgument("batch position " + std::to_string(i) +
                                     ": article cannot be serialized");
    }
  }
  // 2. The last occurrence of each id wins.
  std::vector<size_t> order;
  std::vector<std::string_view> ids;
  {
    std::unordered_map<std::string_view, size_t> last;
    for (size_t i = 0; i < n; ++i) last[items[i]->id()] = i;
    for (size_t i = 0; i < n; ++i) {
      if (last[items[i]->id()] == i) {
        order.push_back(i);
        ids.push_back(items[i]->id());
      }
    }
  }
  std::shared_lock<std::shared_mutex> rebuild;
  std::vector<std::unique_lock<std::mutex>> locks;
  if (into == nullptr) {
    rebuild = store_.LockForWrite();
    locks = LockIds(ids);
  }
  // 3. Find the versions being replaced.
  const size_t m = ids.size();
  std::vector<rocksdb::Slice> id_slices(m);
  for (size_t j = 0; j < m; ++j) id_slices[j] = ToSlice(ids[j]);
  std::vector<rocksdb::PinnableSlice> docno_values(m);
  std::vector<rocksdb::Status> st(m);
  db()->MultiGet(rocksdb::ReadOptions(), cf(kIds), m, id_slices.data(), docno_values.data(),
                st.data());
  std::vector<uint64_t> docnos(m, 0);
  std::vector<std::string> old_keys;
  std::vector<size_t> old_of;  // index j of each old record
  for (size_t j = 0; j < m; ++j) {
    if (st[j].ok()) {
      if (docno_values[j].size() != 8) {
        return Status::Corruption("id map entry of '" + std::string(ids[j]) + "' is damaged");
      }
      docnos[j] = keys::DecodeDocno(docno_values[j].data());
      old_keys.push_back(keys::DocnoKey(docnos[j]));
      old_of.push_back(j);
    } else if (!st[j].IsNotFound()) {
      return FromRocks(st[j], "reading id map");
    }
  }
  std::vector<std::optional<Article>> old_versions(m);
  std::vector<bool> unchanged(m, false);  // equal to the stored version: nothing to write
  if (!old_keys.empty()) {
    const size_t k = old_keys.size();
    std::vector<rocksdb::Slice> ks(k);
    for (size_t i = 0; i < k; ++i) ks[i] = old_keys[i];
    std::vector<rocksdb::PinnableSlice> vals(k);
    std::vector<rocksdb::Status> sts(k);
    db()->MultiGet(rocksdb::ReadOptions(), cf(kRecords), k, ks.data(), vals.data(), sts.data());
    for (size_t i = 0; i < k; ++i) {
      if (sts[i].IsNotFound()) continue;  // dangling id entry: overwrite it
      if (!sts[i].ok()) return FromRocks(sts[i], "reading stored record");
      Article old;
      if (!ParseRecord(ToView(vals[i]), &old)) {
        return Status::Corruption("stored record of '" + std::string(ids[old_of[i]]) +
                                  "' cannot be parsed; run verify, then reindex");
      }
      if (old.id() != ids[old_of[i]]) {
        // The id entry points at another article's record (a damaged archive): leave that
        // article alone and store this one under a new docno.
        docnos[old_of[i]] = 0;
        continue;
      }
      // The same bytes, or (a map's entries may serialize in another order) the same
      // size and equal messages.
      const std::string& now_value = values[order[old_of[i]]];
      if (ToView(vals[i]) == now_value ||
          (vals[i].size() == now_value.size() &&
           google::protobuf::util::MessageDifferencer::Equals(old, *items[order[old_of[i]]]))) {
        unchanged[old_of[i]] = true;
      }
      old_versions[old_of[i]] = std::move(old);
    }
  }
  size_t fresh = 0;
  for (size_t j = 0; j < m; ++j) fresh += docnos[j] == 0 ? 1 : 0;
  uint64_t next_fresh = 0;
  if (fresh > 0 && preset_docnos.empty()) {
    if (Status s = AllocateDocnos(fresh, ToRocks(wo), &next_fresh); !s.ok()) return s;
  }
  // 4. One batch: records, id map, index entries in and out, counters.
  rocksdb::WriteBatch batch;
  index::BatchMerges merges;
  // The docno of each article written (0: unchanged, nothing to write).
  std::vector<uint64_t> written(m, 0);
  for (size_t j = 0; j < m; ++j) {
    if (unchanged[j]) continue;
    written[j] = docnos[j] != 0 ? docnos[j]
                                : (preset_docnos.empty() ? next_fresh++ : preset_docnos[order[j]]);
  }
  // What each version implies. The text index's analysis is most of a write's CPU: a
  // large batch is derived by two threads.
  const index::TextIndexing text = store_.text_indexing();
  std::vector<index::Derived> now(m), before(m);
  auto derive = [&](size_t lo, size_t hi) {
    for (size_t j = lo; j < hi; ++j) {
      if (written[j] == 0) continue;
      index::Derive(*items[order[j]], written[j], &now[j], text);
      if (old_versions[j]) index::Derive(*old_versions[j], written[j], &before[j], text);
    }
  };
  DeriveInParallel(m, text != index::TextIndexing::kNone, derive);
  int64_t article_delta = 0, byte_delta = 0;
  WriteStats local;
  for (size_t j = 0; j < m; ++j) {
    const size_t i = order[j];
    if (unchanged[j]) {
      ++local.unchanged;
      continue;
    }
    const uint64_t docno = written[j];
    if (docnos[j] == 0) batch.Put(cf(kIds), id_slices[j], keys::DocnoKey(docno));
    batch.Put(cf(kRecords), keys::DocnoKey(docno), values[i]);
    if (old_versions[j]) {
      index::ApplyDerived(&batch, &merges, store_, before[j], -1, &now[j]);
      index::ApplyDerived(&batch, &merges, store_, now[j], +1, &before[j]);
      byte_delta += static_cast<int64_t>(values[i].size()) -
                    static_cast<int64_t>(old_versions[j]->ByteSizeLong());
      ++local.updated;
    } else {
      index::ApplyDerived(&batch, &merges, store_, now[j], +1, nullptr);
      byte_delta += static_cast<int64_t>(values[i].size());
      ++article_delta;
      ++local.inserted;
    }
  }
  merges.WriteTo(&batch, store_);
  if (article_delta != 0) {
    batch.Merge(cf(kCounters), ToSlice(keys::kArticlesCounter), counters::Encode(article_delta, ""));
  }
  if (byte_delta != 0) {
    batch.Merge(cf(kCounters), ToSlice(keys::kRecordBytesCounter), counters::Encode(byte_delta, ""));
  }
  if (into != nullptr) {
    *into = std::move(batch);
  } else if (batch.Count() > 0) {  // (a batch of unchanged articles writes nothing)
    rocksdb::Status ws = store_.Commit(ToRocks(wo), &batch);
    if (!ws.ok()) return FromRocks(ws, "write failed; nothing of this batch was stored");
  }
  if (stats) {
    stats->inserted += local.inserted;
    stats->updated += local.updated;
    stats->unchanged += local.unchanged;
  }
  return Status::OK();
}

Status Writer::BulkIngest(std::vector<Article>* articles, const std::vector<uint64_t>& rank,
                          size_t chunk, WriteStats* stats, RunStats* run_stats) {
  if (Status s = store_.CheckWritable(); !s.ok()) return s;
  const size_t n = articles->size();
  // Docnos for every article (those replacing a stored version keep theirs: a few unused).
  uint64_t first = 0;
  if (Status s = AllocateDocnos(n, rocksdb::WriteOptions(), &first); !s.ok()) return s;
  std::vector<uint64_t> docnos(n);
  for (size_t i = 0; i < n; ++i) docnos[i] = first + rank[i];
  // Every other writer waits (they hold their ids' stripes from reading to committing):
  // the run reads stored versions and counters, and its ingestion must come after them.
  auto rebuild = store_.LockForWrite();
  std::vector<std::unique_lock<std::mutex>> locks;
  locks.reserve(kStripes);
  for (auto& m : stripes_) locks.emplace_back(m);  // ascending, as LockIds
  // The batches PutBatch would commit for these articles.
  Run run;
  WriteStats local;
  for (size_t at = 0; at < n; at += chunk) {
    const size_t len = std::min(chunk, n - at);
    auto batch = std::make_unique<rocksdb::WriteBatch>();
    Status s = PutBatchTo(WriteOptions(), std::span<const Article>(articles->data() + at, len),
                          &local, batch.get(), std::span<const uint64_t>(docnos.data() + at, len));
    if (!s.ok()) return s;
    for (size_t k = at; k < at + len; ++k) Article().Swap(&(*articles)[k]);  // frees it
    run.Add(std::move(batch));
  }
  articles->clear();
  BulkTarget target;
  target.db = db();
  target.column_families = store_.handles();
  target.scratch_dir = store_.path() + "/" + store::kBulkScratchDir;
  // A run's table files are written once, from memory, like a flush's: the dictionary is
  // made as a flush makes it (docs/storage.md: with the trainer or not), not as a
  // compaction to the bottom level does.
  target.adjust_options = [](size_t, rocksdb::Options* o) {
    o->bottommost_compression_opts.use_zstd_dict_trainer =
        o->compression_opts.use_zstd_dict_trainer;
  };
  rocksdb::Status rs;
  {
    auto tsan = store_.LockForIngest();
    rs = IngestRun(target, &run, run_stats);
  }
  if (!rs.ok()) return FromRocks(rs, "bulk load failed; nothing of this run was stored");
  stats->inserted += local.inserted;
  stats->updated += local.updated;
  stats->unchanged += local.unchanged;
  return Status::OK();
}

Status Writer::DeleteBatch(const WriteOptions& wo, std::span<const std::string> id_list,
                                WriteStats* stats) {
  if (Status s = store_.CheckWritable(); !s.ok()) return s;
  std::vector<std::string_view> ids;
  {
    std::unordered_set<std::string_view> seen;
    for (const std::string& id : id_list) {
      if (seen.insert(id).second) ids.push_back(id);
    }
  }
  if (ids.empty()) return Status::OK();
  auto rebuild = store_.LockForWrite();
  auto locks = LockIds(ids);
  rocksdb::WriteBatch batch;
  index::BatchMerges merges;
  index::Derived d;
  int64_t article_delta = 0, byte_delta = 0;
  WriteStats local;
  for (std::string_view id : ids) {
    std::string docno_value, record;
    rocksdb::Status s = db()->Get(rocksdb::ReadOptions(), cf(kIds), ToSlice(id), &docno_value);
    if (s.IsNotFound()) {
      ++local.not_found;
      continue;
    }
    if (!s.ok()) return FromRocks(s, "reading id map");
    if (docno_value.size() != 8) {
      return Status::Corruption("id map entry of '" + std::string(id) + "' is damaged");
    }
    const uint64_t docno = keys::DecodeDocno(docno_value.data());
    batch.Delete(cf(kIds), ToSlice(id));
    s = db()->Get(rocksdb::ReadOptions(), cf(kRecords), keys::DocnoKey(docno), &record);
    if (s.IsNotFound()) {
      ++local.deleted;  // a dangling id entry; removing it is the whole delete
      continue;
    }
    if (!s.ok()) return FromRocks(s, "reading stored record");
    Article old;
    if (!ParseRecord(record, &old)) {
      return Status::Corruption("stored record of '" + std::string(id) +
                                "' cannot be parsed; run verify, then reindex");
    }
    if (old.id() != id) {
      ++local.deleted;  // the entry points at another article's record: that one stays
      continue;
    }
    index::Derive(old, docno, &d, store_.text_indexing());
    index::ApplyDerived(&batch, &merges, store_, d, -1, nullptr);
    batch.Delete(cf(kRecords), keys::DocnoKey(docno));
    --article_delta;
    byte_delta -= static_cast<int64_t>(record.size());
    ++local.deleted;
  }
  merges.WriteTo(&batch, store_);
  if (article_delta != 0) {
    batch.Merge(cf(kCounters), ToSlice(keys::kArticlesCounter), counters::Encode(article_delta, ""));
    batch.Merge(cf(kCounters), ToSlice(keys::kRecordBytesCounter), counters::Encode(byte_delta, ""));
  }
  if (batch.Count() > 0) {
    rocksdb::Status ws = store_.Commit(ToRocks(wo), &batch);
    if (!ws.ok()) return FromRocks(ws, "delete failed; nothing was removed");
  }
  if (stats) {
    stats->deleted += local.deleted;
    stats->not_found += local.not_found;
  }
  return Status::OK();
}

}  // namespace articledb::write
