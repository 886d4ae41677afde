// The default column family's meta keys (meta.h).
#include "store/meta.h"

#include <random>

#include "articledb/article.h"
#include "store/keys.h"
#include "store/store.h"

namespace articledb::meta {

std::string QuarantineKey(uint64_t docno) {
  std::string k(kQuarantinePrefix);
  keys::AppendDocno(&k, docno);
  return k;
}

Status CheckFormat(store::Store& st, bool created) {
  rocksdb::DB* const db = st.db();
  const std::string& path = st.path();
  rocksdb::Status s;
  std::string format;
  s = db->Get(rocksdb::ReadOptions(), st.cf(store::kDefault), kFormatKey, &format);
  if (s.IsNotFound() && !st.read_only()) {
    if (!created) {
      return Status::InvalidArgument("'" + path + "' is not an ArticleDB archive (no format mark)");
    }
    // The format and the indexes it holds, in one synced write: a power loss leaves a new
    // archive with both marks or with neither (a directory Open creates again), never
    // with the format alone, which reads as an archive of an older version.
    rocksdb::WriteOptions sync;
    sync.sync = true;
    rocksdb::WriteBatch marks;
    marks.Put(st.cf(store::kDefault), kFormatKey, kFormatVersion);
    marks.Put(st.cf(store::kDefault), kIndexesKey, IndexesValue(st.options().index_text));
    s = db->Write(sync, &marks);
    if (!s.ok()) return store::FromRocks(s, "cannot initialise archive '" + path + "'");
    format = kFormatVersion;
  } else if (!s.ok()) {
    return store::FromRocks(s, "cannot read archive '" + path + "'");
  }
  if (format == "1") {
    return Status::NotSupported("archive '" + path + "' has on-disk format 1; this library reads "
                                "format " + kFormatVersion + ": run 'articledb upgrade " + path +
                                "' (Archive::Upgrade) to convert it in place");
  }
  if (format != kFormatVersion) {
    return Status::NotSupported("archive '" + path + "' has format version " + format +
                                "; this library reads version " + kFormatVersion);
  }
  return Status::OK();
}

Status ReadFormat(store::Store& st, std::string* format) {
  rocksdb::Status s =
      st.db()->Get(rocksdb::ReadOptions(), st.cf(store::kDefault), kFormatKey, format);
  if (s.IsNotFound()) {
    return Status::InvalidArgument("'" + st.path() + "' is not an ArticleDB archive (no format mark)");
  }
  return s.ok() ? Status::OK() : store::FromRocks(s, "cannot read archive '" + st.path() + "'");
}

Status Load(store::Store& st, Meta* meta) {
  rocksdb::DB* const db = st.db();
  const std::string& path = st.path();
  const std::string where = "cannot read archive '" + path + "'";
  rocksdb::WriteBatch missing;
  std::string v;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), st.cf(store::kDefault), kUnicodeKey, &v);
  if (s.ok()) {
    meta->unicode_version = v;
  } else if (s.IsNotFound()) {
    if (!st.read_only()) {
      meta->unicode_version = UnicodeVersion();
      missing.Put(st.cf(store::kDefault), kUnicodeKey, meta->unicode_version);
    }
  } else {
    return store::FromRocks(s, where);
  }
  s = db->Get(rocksdb::ReadOptions(), st.cf(store::kDefault), kCursorKeyKey, &v);
  if (s.ok() && v.size() == 8) {
    meta->cursor_key = keys::DecodeDocno(v.data());
  } else if (s.IsNotFound() || (s.ok() && v.size() != 8)) {
    if (!st.read_only()) {
      std::random_device rd;
      meta->cursor_key = (static_cast<uint64_t>(rd()) << 32) ^ rd();
      missing.Put(st.cf(store::kDefault), kCursorKeyKey, keys::DocnoKey(meta->cursor_key));
    }
  } else {
    return store::FromRocks(s, where);
  }
  if (missing.Count() > 0) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = db->Write(sync, &missing);
    if (!s.ok()) return store::FromRocks(s, "cannot initialise archive '" + path + "'");
  }
  return Status::OK();
}

Status IndexesCurrent(store::Store& st, bool created, bool* current,
                      store::TextIndexing* text) {
  using store::TextIndexing;
  if (created) {  // CheckFormat wrote the key with the format mark
    *current = true;
    *text = st.options().index_text ? TextIndexing::kImpacts : TextIndexing::kNone;
    return Status::OK();
  }
  std::string v;
  rocksdb::Status s = st.db()->Get(rocksdb::ReadOptions(), st.cf(store::kDefault), kIndexesKey, &v);
  if (!s.ok() && !s.IsNotFound()) {
    return store::FromRocks(s, "cannot read archive '" + st.path() + "'");
  }
  const bool terms = s.ok() && v == kIndexesTermsValue;
  *current = s.ok() && (v == kIndexesValue || v == kIndexesTextValue || (terms && st.read_only()));
  *text = s.ok() && v == kIndexesTextValue ? TextIndexing::kImpacts
          : terms                          ? TextIndexing::kTerms
                                           : TextIndexing::kNone;
  return Status::OK();
}

Status MarkRebuild(store::Store& st) {
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return store::FromRocks(st.db()->Put(sync, st.cf(store::kDefault), kReindexKey, "1"),
                          "cannot mark archive '" + st.path() + "' for a rebuild");
}

Status RebuildMarked(store::Store& st, bool* marked) {
  std::string marker;
  rocksdb::Status s =
      st.db()->Get(rocksdb::ReadOptions(), st.cf(store::kDefault), kReindexKey, &marker);
  *marked = s.ok();
  if (!s.ok() && !s.IsNotFound()) {
    return store::FromRocks(s, "cannot read archive '" + st.path() + "'");
  }
  return Status::OK();
}

}  // namespace articledb::meta
