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

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "articledb/article.h"
#include "articledb/status.h"

namespace rocksdb {
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace articledb {

// Parses `bytes` (a serialized Article) into *out, replacing what it held but reusing its
// storage. False when `bytes` is not a well-formed Article message; *out is then
// unspecified (callers report Corruption).
bool ParseRecord(std::string_view bytes, Article* out);

// Parses the concatenation of `parts` (each a serialized Article; later fields override
// or extend earlier ones, as protobuf merges) without copying them together.
bool ParseRecord(std::initializer_list<std::string_view> parts, Article* out);

// Format 2 stores a record in two parts (docs/storage.md, V2 plan "Format 2"): the
// summary part (every field but `summary` and `body`) and the text part (only those two).
// Both are serialized Articles, so ParseRecord({summary, text}) gives the whole article,
// and ParseRecord(summary) what a list page shows.
//
// Splits a serialized Article into its two parts by copying its fields' bytes, without
// parsing the strings: fields 8 (summary) and 9 (body) go to *text, every other field,
// unknown ones included, to *summary, each in its original order, so that the two parts
// concatenated parse equal to `record`. An encoding the splitter does not walk (a group of
// an unknown field) is split through protobuf. False when `record` is not a well-formed
// Article message.
bool SplitRecord(std::string_view record, std::string* summary, std::string* text);

// The format 2 writes of one format 1 record (`docno`, its serialized Article as the
// `records` column family held it): both parts under the docno key, the summary part in
// `summary_cf`, the text part (possibly empty, always written) in `text_cf`. For the
// upgrade from format 1. Corruption naming the docno when the record is malformed.
Status AppendSplitRecord(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* summary_cf,
                         rocksdb::ColumnFamilyHandle* text_cf, uint64_t docno,
                         std::string_view record);

}  // namespace articledb

#endif  // ARTICLEDB_SRC_STORE_RECORD_CODEC_H_
