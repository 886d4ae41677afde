// Upgrade: converts an archive of an older on-disk format to this library's, in place.
#ifndef ARTICLEDB_SRC_MAINT_UPGRADE_H_
#define ARTICLEDB_SRC_MAINT_UPGRADE_H_

#include <string>

#include "articledb/archive.h"

namespace articledb::store {
class Store;
}

namespace articledb::maint {

// `format`: the archive's format mark as stored (1 is converted; the current one is left
// as it is). The caller holds the store's rebuild lock exclusively. Steps, each crash-safe:
//   1. the upgrade marker (with the reindex marker of step 2) says a conversion runs;
//   2. Reindex rebuilds the id map, the posting blocks and the counters (day counters
//      included) from the records, through the index contributors;
//   3. the format mark becomes the current one and the marker goes, in one synced write;
//   4. the old index entries, deleted in step 2, are compacted away.
// Interrupted at any point, the format mark still says 1: opening refuses with the
// command to run, and running Upgrade again starts over from step 1. `progress` is called
// with the records done so far (return false to stop: the archive stays in format 1).
Status UpgradeLocked(store::Store& store, const std::string& format, const ProgressFn& progress,
                     std::string* unicode_version);

}  // namespace articledb::maint

#endif  // ARTICLEDB_SRC_MAINT_UPGRADE_H_
