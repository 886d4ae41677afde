// Reindex: rebuilds the id map, the index entries and the counters from the records
// through the index contributors, quarantining records that share an id with the live one;
// and the quarantine's listing and dropping.
#ifndef ARTICLEDB_SRC_MAINT_REINDEX_H_
#define ARTICLEDB_SRC_MAINT_REINDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "articledb/archive.h"

namespace articledb::store {
class ReadView;
class Store;
}

namespace articledb::maint {

// The caller holds the store's rebuild lock exclusively (Store::LockForRebuild, or
// LockForResume at open). Crash-safe: the rebuild marker makes an interrupted run resume
// at the next open. *unicode_version: the Unicode version the name keys now follow.
Status ReindexLocked(store::Store& store, const ProgressFn& progress, std::string* unicode_version);

Status ListQuarantine(store::ReadView& view, std::vector<QuarantinedRecord>* records);
Status DropQuarantined(store::Store& store, uint64_t docno);

}  // namespace articledb::maint

#endif  // ARTICLEDB_SRC_MAINT_REINDEX_H_
