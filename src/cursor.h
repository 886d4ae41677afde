// Query cursors: the position after the last article of a page, plus a fingerprint of
// the query it belongs to, as an opaque hex token. Internal; fuzzed.
//
// Token bytes (then hex-encoded): version(1)=1 | fingerprint(8) | time(8) | docno(8) |
// check(4) = low 32 bits of XXH3-64 of the preceding 25 bytes.
#ifndef ARTICLEDB_SRC_CURSOR_H_
#define ARTICLEDB_SRC_CURSOR_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "articledb/status.h"

namespace articledb {

struct CursorPosition {
  uint64_t fingerprint = 0;
  int64_t time = 0;
  uint64_t docno = 0;
};

std::string EncodeCursor(const CursorPosition& pos);
// InvalidArgument for a token that is damaged or belongs to a query whose fingerprint is
// not `expected_fingerprint`.
Status DecodeCursor(std::string_view token, uint64_t expected_fingerprint, CursorPosition* pos);

}  // namespace articledb

#endif  // ARTICLEDB_SRC_CURSOR_H_
