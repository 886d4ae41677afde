// Stored records: parsing a serialized articledb.v1.Article read back from the archive.
// Internal.
//
// Every string of a stored record was validated as UTF-8 when it was written (Put,
// PutBatch, import and restore validate every article), so reading it back does not
// validate it again: that check was a quarter of a point read. The parser reads the
// wire format of the schema itself, straight into the caller's message, reusing the
// strings, repeated elements and entities that message already holds. Anything it does
// not know (a field of a newer schema, a field with another wire type, an enum value out
// of range, an odd encoding) is handed to protobuf's own parser, so the result is always
// what protobuf would give, minus the UTF-8 check. Malformed wire data is rejected.
//
// Data from outside the archive (JSON import, dumps) and Verify keep protobuf's full
// parse, which validates UTF-8.
#ifndef ARTICLEDB_SRC_STORE_RECORD_CODEC_H_
#define ARTICLEDB_SRC_STORE_RECORD_CODEC_H_

#include <initializer_list>
#include <string_view>

#include "articledb/article.h"

namespace articledb {

// Parses `bytes` (a serialized Article) into *out, replacing what it held but reusing its
// storage. False when `bytes` is not a well-formed Article message; *out is then
// unspecified (callers report Corruption).
bool ParseRecord(std::string_view bytes, Article* out);

// Parses the concatenation of `parts` (each a serialized Article; later fields override
// or extend earlier ones, as protobuf merges) without copying them together.
bool ParseRecord(std::initializer_list<std::string_view> parts, Article* out);

}  // namespace articledb

#endif  // ARTICLEDB_SRC_STORE_RECORD_CODEC_H_
