#include "query/cursor.h"

#include <xxhash.h>

#include "codec/codec.h"
#include "store/keys.h"

namespace articledb {
namespace {

constexpr unsigned char kVersion = 1;
constexpr size_t kBodyBytes = 1 + 8 + 8 + 8;
constexpr size_t kTokenBytes = kBodyBytes + 4;

uint32_t Check(std::string_view body, uint64_t key) {
  return static_cast<uint32_t>(XXH3_64bits_withSeed(body.data(), body.size(), key));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string EncodeCursor(const CursorPosition& pos, uint64_t key) {
  std::string raw(1, static_cast<char>(kVersion));
  keys::AppendDocno(&raw, pos.fingerprint);
  keys::AppendTime(&raw, pos.time);
  keys::AppendDocno(&raw, pos.docno);
  const uint32_t check = Check(raw, key);
  codec::PutFixed32BE(&raw, check);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  token.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    token.push_back(kHex[c >> 4]);
    token.push_back(kHex[c & 15]);
  }
  return token;
}

Status DecodeCursor(std::string_view token, uint64_t expected_fingerprint, CursorPosition* pos,
                    uint64_t key) {
  if (token.size() != kTokenBytes * 2) {
    return Status::InvalidArgument("cursor: not a cursor of this archive (wrong length)");
  }
  std::string raw(kTokenBytes, '\0');
  for (size_t i = 0; i < kTokenBytes; ++i) {
    const int hi = HexValue(token[2 * i]), lo = HexValue(token[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::InvalidArgument("cursor: not a cursor (bad character)");
    raw[i] = static_cast<char>(hi << 4 | lo);
  }
  if (static_cast<unsigned char>(raw[0]) != kVersion) {
    return Status::InvalidArgument("cursor: unknown cursor version");
  }
  const uint32_t check = codec::DecodeFixed32BE(raw.data() + kBodyBytes);
  if (check != Check(std::string_view(raw.data(), kBodyBytes), key)) {
    return Status::InvalidArgument(
        "cursor: damaged, altered or from another archive (checksum mismatch)");
  }
  pos->fingerprint = keys::DecodeDocno(raw.data() + 1);
  if (pos->fingerprint != expected_fingerprint) {
    return Status::InvalidArgument(
        "cursor: belongs to a different query (filters and order must stay the same between pages)");
  }
  pos->time = keys::DecodeTime(raw.data() + 9);
  pos->docno = keys::DecodeDocno(raw.data() + 17);
  return Status::OK();
}

}  // namespace articledb
