// Reindex and the quarantine (reindex.h).
#include "maint/reindex.h"

#include <memory>
#include <string>
#include <unordered_map>

#include "index/contributor.h"
#include "index/counters.h"
#include "store/keys.h"
#include "store/meta.h"
#include "store/record_codec.h"
#include "store/store.h"

namespace articledb::maint {

using store::FromRocks;
using store::ToSlice;
using store::ToView;

Status ListQuarantine(store::ReadView& view, std::vector<QuarantinedRecord>* records) {
  records->clear();
  if (Status s = view.Begin(); !s.ok()) return s;
  rocksdb::ReadOptions ro = view.options();
  std::unique_ptr<rocksdb::Iterator> it(view.db()->NewIterator(ro, view.cf(store::kDefault)));
  for (it->Seek(ToSlice(meta::kQuarantinePrefix));
       it->Valid() && it->key().starts_with(ToSlice(meta::kQuarantinePrefix)); it->Next()) {
    QuarantinedRecord r;
    if (it->key().size() != meta::kQuarantinePrefix.size() + 8) {
      return Status::Corruption("quarantine: malformed key");
    }
    r.docno = keys::DecodeDocno(it->key().data() + meta::kQuarantinePrefix.size());
    if (!ParseRecord(ToView(it->value()), &r.article)) {
      return Status::Corruption("quarantined record " + std::to_string(r.docno) +
                                " cannot be parsed");
    }
    records->push_back(std::move(r));
  }
  return FromRocks(it->status(), "reading the quarantine");
}

Status DropQuarantined(store::Store& st, uint64_t docno) {
  if (Status s = st.CheckWritable(); !s.ok()) return s;
  auto rebuild = st.LockForWrite();
  const std::string key = meta::QuarantineKey(docno);
  std::string v;
  rocksdb::Status s = st.db()->Get(rocksdb::ReadOptions(), st.cf(store::kDefault), key, &v);
  if (s.IsNotFound()) {
    return Status::NotFound("no quarantined record " + std::to_string(docno));
  }
  if (!s.ok()) return FromRocks(s, "reading the quarantine");
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return FromRocks(st.db()->Delete(sync, st.cf(store::kDefault), key),
                   "dropping quarantined record");
}

Status ReindexLocked(store::Store& st, const ProgressFn& progress, std::string* unicode_version) {
  rocksdb::WriteOptions sync;
  sync.sync = true;
  // The text index is kept, built when the options ask for it, or dropped when they say so.
  const bool text =
      !st.options().drop_text_index && (st.text_index() || st.options().index_text);
  // A rebuild writes the text index as this version keeps it: with impacts.
  const index::TextIndexing indexing =
      text ? index::TextIndexing::kImpacts : index::TextIndexing::kNone;
  // The mark makes an interrupted rebuild resume at the next open.
  rocksdb::Status s = st.db()->Put(sync, st.cf(store::kDefault), meta::kReindexKey, "1");
  if (!s.ok()) return FromRocks(s, "reindex");
  // Taken before the id map is cleared: it decides which of two records of one id stays.
  store::Snapshot snap(st.db(), st.read_only());
  {
    rocksdb::WriteBatch clear;
    for (store::Cf c : {store::kIds, store::kIndex, store::kCounters, store::kFacets}) {
      clear.DeleteRange(st.cf(c), "", "\xff\xff\xff\xff");
    }
    s = st.db()->Write(sync, &clear);
    if (!s.ok()) return FromRocks(s, "reindex: clearing indexes");
  }
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.get();
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(st.db()->NewIterator(ro, st.cf(store::kRecords)));
  rocksdb::WriteBatch batch;
  index::BatchMerges merges;  // written with the batch
  std::unordered_map<std::string, uint64_t> batch_ids;  // id -> docno, this batch
  index::Derived d;
  Article a, older;
  uint64_t done = 0;
  int64_t articles = 0, bytes = 0;
  auto commit = [&]() -> Status {
    merges.WriteTo(&batch, st);
    rocksdb::WriteOptions wo;
    rocksdb::Status ws = st.db()->Write(wo, &batch);
    batch.Clear();
    batch_ids.clear();
    return FromRocks(ws, "reindex: writing");
  };
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key().size() != 8 ||
        !a.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) ||
        a.id().empty()) {
      continue;  // left for verify to report; nothing can be indexed from it
    }
    const uint64_t docno = keys::DecodeDocno(it->key().data());
    // Two records with one id: neither is deleted (docnos are reused by older versions,
    // so the higher is not the newer). The one the id map pointed at stays live, else the
    // higher docno; the other goes to the quarantine for the user to decide.
    uint64_t previous = 0;
    if (auto f = batch_ids.find(a.id()); f != batch_ids.end()) {
      previous = f->second;
    } else {
      std::string v;
      rocksdb::ReadOptions now;
      rocksdb::Status gs = st.db()->Get(now, st.cf(store::kIds), a.id(), &v);
      if (gs.ok() && v.size() == 8) previous = keys::DecodeDocno(v.data());
    }
    if (previous != 0) {
      std::string mapped;
      const bool keep_previous =
          st.db()->Get(ro, st.cf(store::kIds), a.id(), &mapped).ok() && mapped.size() == 8 &&
          keys::DecodeDocno(mapped.data()) == previous;
      if (keep_previous) {
        batch.Put(st.cf(store::kDefault), meta::QuarantineKey(docno), it->value());
        batch.Delete(st.cf(store::kRecords), keys::DocnoKey(docno));
        ++done;
        continue;
      }
      std::string rec;
      if (st.db()->Get(ro, st.cf(store::kRecords), keys::DocnoKey(previous), &rec).ok()) {
        if (older.ParseFromString(rec)) {
          index::Derive(older, previous, &d, indexing);
          index::ApplyDerived(&batch, &merges, st, d, -1, nullptr);
          --articles;
          bytes -= static_cast<int64_t>(rec.size());
        }
        batch.Put(st.cf(store::kDefault), meta::QuarantineKey(previous), rec);
      }
      batch.Delete(st.cf(store::kRecords), keys::DocnoKey(previous));
    }
    batch.Put(st.cf(store::kIds), a.id(), keys::DocnoKey(docno));
    batch_ids[a.id()] = docno;
    index::Derive(a, docno, &d, indexing);
    index::ApplyDerived(&batch, &merges, st, d, +1, nullptr);
    ++articles;
    bytes += static_cast<int64_t>(it->value().size());
    if (++done % 1000 == 0) {
      if (Status cs = commit(); !cs.ok()) return cs;
      if (progress && !progress(done)) return Status::Aborted("reindex stopped; it resumes at the next open");
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reindex: reading records");
  batch.Merge(st.cf(store::kCounters), ToSlice(keys::kArticlesCounter), counters::Encode(articles, ""));
  batch.Merge(st.cf(store::kCounters), ToSlice(keys::kRecordBytesCounter), counters::Encode(bytes, ""));
  if (Status cs = commit(); !cs.ok()) return cs;
  if (Status fs_status = st.Flush(); !fs_status.ok()) return fs_status;
  // Every name key now follows this library's Unicode version.
  rocksdb::WriteBatch finish;
  finish.Delete(st.cf(store::kDefault), meta::kReindexKey);
  finish.Put(st.cf(store::kDefault), meta::kUnicodeKey, UnicodeVersion());
  finish.Put(st.cf(store::kDefault), meta::kIndexesKey, meta::IndexesValue(text));
  s = st.db()->Write(sync, &finish);
  if (s.ok()) {
    *unicode_version = UnicodeVersion();
    st.set_text_indexing(indexing);
  }
  return FromRocks(s, "reindex: finishing");
}

}  // namespace articledb::maint
