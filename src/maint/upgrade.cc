// Upgrade from format 1 (upgrade.h).
#include "maint/upgrade.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "maint/reindex.h"
#include "store/meta.h"
#include "store/store.h"

namespace articledb::maint {

Status UpgradeLocked(store::Store& st, const std::string& format, const ProgressFn& progress,
                     std::string* unicode_version) {
  if (format == meta::kFormatVersion) return Status::OK();
  if (format != "1") {
    return Status::NotSupported("archive '" + st.path() + "' has format version " + format +
                                "; this library upgrades format 1 only");
  }
  rocksdb::WriteOptions sync;
  sync.sync = true;
  rocksdb::Status s =
      st.db()->Put(sync, st.cf(store::kDefault), meta::kUpgradeKey, meta::kFormatVersion);
  if (!s.ok()) return store::FromRocks(s, "upgrade");
  if (Status r = ReindexLocked(st, progress, unicode_version); !r.ok()) return r;
  rocksdb::WriteBatch finish;
  finish.Put(st.cf(store::kDefault), meta::kFormatKey, meta::kFormatVersion);
  finish.Delete(st.cf(store::kDefault), meta::kUpgradeKey);
  s = st.db()->Write(sync, &finish);
  if (!s.ok()) return store::FromRocks(s, "upgrade: finishing");
  // The format-1 index entries are deleted (range tombstones): compaction frees their space.
  return st.CompactIndexes();
}

}  // namespace articledb::maint
