// Counters: article counts per source, per entity and for the whole archive, kept in the
// counters column family and updated in the same write batch as the records, by merge
// operands (no read-modify-write). Internal.
//
// Value and operand layout: delta or total (8 bytes, little-endian two's complement)
// followed by a display name (possibly empty). Merging adds the counts and keeps the most
// recent non-empty name.
#ifndef ARTICLEDB_SRC_INDEX_COUNTERS_H_
#define ARTICLEDB_SRC_INDEX_COUNTERS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "articledb/status.h"

namespace rocksdb {
class MergeOperator;
}
namespace articledb::store {
class ReadView;
}

namespace articledb::counters {

std::string Encode(int64_t count, std::string_view display_name);
// False when `value` is shorter than 8 bytes.
bool Decode(std::string_view value, int64_t* count, std::string_view* display_name);

std::shared_ptr<rocksdb::MergeOperator> NewMergeOperator();

// The count under `key` in the view (0 when there is none).
Status Read(const store::ReadView& view, const std::string& key, int64_t* value);
// Read for each of `keys` with one MultiGet: values[i] is keys[i]'s count (0 if absent).
Status ReadMany(const store::ReadView& view, const std::vector<std::string>& keys,
                std::vector<int64_t>* values);

}  // namespace articledb::counters

#endif  // ARTICLEDB_SRC_INDEX_COUNTERS_H_
