// Verify: checks records, id map, index entries and counters against one another.
#ifndef ARTICLEDB_SRC_MAINT_VERIFY_H_
#define ARTICLEDB_SRC_MAINT_VERIFY_H_

#include <string>

#include "articledb/archive.h"

namespace articledb::store {
class ReadView;
}

namespace articledb::maint {

// Begins `view` and verifies what it sees; `unicode_warning` (empty: none) is reported
// as a problem.
Status Verify(store::ReadView& view, const std::string& unicode_warning, VerifyReport* report,
              const ProgressFn& progress);

}  // namespace articledb::maint

#endif  // ARTICLEDB_SRC_MAINT_VERIFY_H_
