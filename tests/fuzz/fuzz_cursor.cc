// Fuzz target: the cursor decoder. Any token is refused with InvalidArgument or decoded;
// a decoded token re-encodes to itself; any position encodes to a token that decodes
// back to it, and is refused under another query's fingerprint.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "cursor.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  uint64_t fingerprint = 0;
  if (size > 0) std::memcpy(&fingerprint, data, size < 8 ? size : 8);
  articledb::CursorPosition pos;
  const articledb::Status s = articledb::DecodeCursor(token, fingerprint, &pos);
  if (s.ok()) {
    FUZZ_CHECK(articledb::EncodeCursor(pos) == token);
  } else {
    FUZZ_CHECK(s.IsInvalidArgument());
  }
  if (size >= 24) {
    articledb::CursorPosition p;
    std::memcpy(&p.fingerprint, data, 8);
    std::memcpy(&p.time, data + 8, 8);
    std::memcpy(&p.docno, data + 16, 8);
    const std::string t = articledb::EncodeCursor(p);
    articledb::CursorPosition q;
    FUZZ_CHECK(articledb::DecodeCursor(t, p.fingerprint, &q).ok());
    FUZZ_CHECK(q.fingerprint == p.fingerprint && q.time == p.time && q.docno == p.docno);
    FUZZ_CHECK(articledb::DecodeCursor(t, p.fingerprint + 1, &q).IsInvalidArgument());
  }
  return 0;
}
