// Why a stored or dumped record does not parse. Internal.
#ifndef ARTICLEDB_SRC_RECORD_CHECK_H_
#define ARTICLEDB_SRC_RECORD_CHECK_H_

#include <string>
#include <string_view>

namespace articledb {

// For a serialized articledb.v1.Article that protobuf refuses to parse: names the first
// string (found by the schema's reflection, nested messages and map keys and values
// included) that is not valid UTF-8, e.g. "field 'summary': invalid UTF-8 at byte 2";
// "" when the cause is something else (bytes that are not a message of this schema).
std::string InvalidUtf8InRecord(std::string_view serialized);

}  // namespace articledb

#endif  // ARTICLEDB_SRC_RECORD_CHECK_H_
