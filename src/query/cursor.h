// Query cursors: the position after the last article of a page, plus a fingerprint of
// the query it belongs to, as an opaque hex token. Internal; fuzzed.
//
// Token bytes (then hex-encoded): version(1)=1 | fingerprint(8) | time(8) | docno(8) |
// check(4) = low 32 bits of XXH3-64, seeded with the archive's cursor key, of the
// preceding 25 bytes. The key (random, 64 bits, stored in the archive) makes cursors of
// another archive, and positions rebuilt with the unseeded hash, fail the check. XXH3 is
// not a cryptographic MAC: this stops accidents and casual edits, not a determined forger
// (who can only move to another position of the same query: docs/reliability.md).
// Key 0 gives the unkeyed check of archives opened read-only before they had a key.
#ifndef ARTICLEDB_SRC_QUERY_CURSOR_H_
#define ARTICLEDB_SRC_QUERY_CURSOR_H_

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

std::string EncodeCursor(const CursorPosition& pos, uint64_t key = 0);
// InvalidArgument for a token that is damaged, made under another key (another archive)
// or belongs to a query whose fingerprint is not `expected_fingerprint`.
Status DecodeCursor(std::string_view token, uint64_t expected_fingerprint, CursorPosition* pos,
                    uint64_t key = 0);

}  // namespace articledb

#endif  // ARTICLEDB_SRC_QUERY_CURSOR_H_
