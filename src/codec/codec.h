// The one integer codec of ArticleDB: fixed-width integers in either byte order, varints
// (LEB128, as protobuf's) and zigzag. Keys use big-endian (their bytes sort as the numbers
// do); values and file formats that need no ordering use little-endian.
#ifndef ARTICLEDB_SRC_CODEC_CODEC_H_
#define ARTICLEDB_SRC_CODEC_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace articledb::codec {

// ---- fixed width, big-endian (sortable) ----
inline void EncodeFixed64BE(void* dst, uint64_t v) {
  auto* p = static_cast<unsigned char*>(dst);
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<unsigned char>(v & 0xff);
    v >>= 8;
  }
}
inline uint64_t DecodeFixed64BE(const void* src) {
  const auto* p = static_cast<const unsigned char*>(src);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}
inline void EncodeFixed32BE(void* dst, uint32_t v) {
  auto* p = static_cast<unsigned char*>(dst);
  for (int i = 3; i >= 0; --i) {
    p[i] = static_cast<unsigned char>(v & 0xff);
    v >>= 8;
  }
}
inline uint32_t DecodeFixed32BE(const void* src) {
  const auto* p = static_cast<const unsigned char*>(src);
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | p[i];
  return v;
}
inline void PutFixed64BE(std::string* out, uint64_t v) {
  char buf[8];
  EncodeFixed64BE(buf, v);
  out->append(buf, 8);
}
inline void PutFixed32BE(std::string* out, uint32_t v) {
  char buf[4];
  EncodeFixed32BE(buf, v);
  out->append(buf, 4);
}

// ---- fixed width, little-endian ----
inline void EncodeFixed64LE(void* dst, uint64_t v) {
  auto* p = static_cast<unsigned char*>(dst);
  for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
inline uint64_t DecodeFixed64LE(const void* src) {
  const auto* p = static_cast<const unsigned char*>(src);
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline void EncodeFixed32LE(void* dst, uint32_t v) {
  auto* p = static_cast<unsigned char*>(dst);
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
inline uint32_t DecodeFixed32LE(const void* src) {
  const auto* p = static_cast<const unsigned char*>(src);
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline void PutFixed64LE(std::string* out, uint64_t v) {
  char buf[8];
  EncodeFixed64LE(buf, v);
  out->append(buf, 8);
}
inline void PutFixed32LE(std::string* out, uint32_t v) {
  char buf[4];
  EncodeFixed32LE(buf, v);
  out->append(buf, 4);
}

// ---- varints (7 bits a byte, low groups first, high bit = more follows) ----
inline size_t VarintLength(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline void PutVarint64(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
// Reads one varint from the front of *in and removes it; false (and *in unchanged) when
// *in ends inside it or it is longer than 10 bytes or overflows 64 bits.
inline bool GetVarint64(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (size_t i = 0, shift = 0; i < in->size() && shift <= 63; ++i, shift += 7) {
    const auto byte = static_cast<unsigned char>((*in)[i]);
    if (shift == 63 && byte > 1) return false;
    result |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      in->remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

// ---- zigzag: signed integers near zero as small unsigned ones ----
inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

}  // namespace articledb::codec

#endif  // ARTICLEDB_SRC_CODEC_CODEC_H_
