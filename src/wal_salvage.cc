#include "wal_salvage.h"

#include <algorithm>
#include <array>

#include "codec/codec.h"

namespace articledb::wal {
namespace {

constexpr uint32_t kMaskDelta = 0xa282ead8u;

// Byte-at-a-time table of the reflected Castagnoli polynomial 0x82F63B78. Debian 12
// packages no CRC-32C library for C++, and salvage is far from any hot path.
constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr std::array<uint32_t, 256> kTable = MakeTable();

uint32_t Fixed32(const char* p) { return codec::DecodeFixed32LE(p); }

void PutFragment(std::string* out, FragmentType type, std::string_view payload) {
  const auto t = static_cast<char>(type);
  const uint32_t crc = MaskCrc(Crc32c(Crc32c(0, &t, 1), payload.data(), payload.size()));
  codec::PutFixed32LE(out, crc);
  out->push_back(static_cast<char>(payload.size() & 0xff));
  out->push_back(static_cast<char>(payload.size() >> 8));
  out->push_back(t);
  out->append(payload);
}

}  // namespace

uint32_t Crc32c(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = kTable[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

uint32_t MaskCrc(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }

ScanResult Scan(std::string_view log) {
  ScanResult r;
  std::string pending;
  bool in_write = false;
  // Damage (or a write cut short) drops the write it hits, or the one it interrupts: one
  // write, and any others stored in the rest of the block (counted in bytes_lost only).
  auto lose_pending = [&] {
    ++r.writes_lost;
    in_write = false;
    pending.clear();
    r.clean = false;
  };
  size_t off = 0;
  while (off < log.size()) {
    const size_t block_end = std::min(log.size(), (off / kBlockSize + 1) * kBlockSize);
    const size_t room = block_end - off;
    const std::string_view rest = log.substr(off, room);
    if (room < kHeaderSize) {
      // A block trailer (zeros), or a header cut short at the end of the file.
      if (rest.find_first_not_of('\0') != std::string_view::npos) {
        r.bytes_lost += room;
        lose_pending();
      }
      off = block_end;
      continue;
    }
    const char* h = log.data() + off;
    const auto* u = reinterpret_cast<const unsigned char*>(h);
    const size_t length = size_t{u[4]} | size_t{u[5]} << 8;
    const unsigned char type = u[6];
    if (type == kZero && length == 0) {
      // Zero-filled space (preallocated, never written): nothing more in this block.
      if (rest.find_first_not_of('\0') != std::string_view::npos) {
        r.bytes_lost += room;
        lose_pending();
      }
      off = block_end;
      continue;
    }
    const bool fits = kHeaderSize + length <= room;
    const bool known = type >= kFull && type <= kLast;
    if (!known && fits && Fixed32(h) == MaskCrc(Crc32c(0, h + 6, 1 + length))) {
      // An intact record of a type this reader does not know (RocksDB's newer types, e.g.
      // 9: the log's compression): not damage. Skipped and reported.
      ++r.unknown_records;
      if (r.first_unknown_type < 0) r.first_unknown_type = type;
      off += kHeaderSize + length;
      continue;
    }
    if (!known && kHeaderSize + 4 + length <= room &&
        Fixed32(h) == MaskCrc(Crc32c(0, h + 6, 1 + 4 + length))) {
      // Likewise in RocksDB's recyclable layout (types 5-8 and 11: a 4-byte log number
      // after the type, covered by the checksum).
      ++r.unknown_records;
      if (r.first_unknown_type < 0) r.first_unknown_type = type;
      off += kHeaderSize + 4 + length;
      continue;
    }
    if (!fits || !known ||
        Fixed32(h) != MaskCrc(Crc32c(0, h + 6, 1 + length))) {
      // Damage, or a write cut short by a crash: the rest of the block cannot be trusted.
      r.bytes_lost += room;
      lose_pending();
      off = block_end;
      continue;
    }
    const std::string_view payload(h + kHeaderSize, length);
    off += kHeaderSize + length;
    switch (type) {
      case kFull:
        if (in_write) lose_pending();  // the write in progress never ended
        r.writes.emplace_back(payload);
        break;
      case kFirst:
        if (in_write) lose_pending();
        pending.assign(payload);
        in_write = true;
        break;
      case kMiddle:
      case kLast:
        if (!in_write) {
          // The rest of a write whose start was lost (already counted there).
          r.bytes_lost += kHeaderSize + length;
          r.clean = false;
          break;
        }
        pending.append(payload);
        if (type == kLast) {
          r.writes.push_back(std::move(pending));
          pending.clear();
          in_write = false;
        }
        break;
    }
  }
  if (in_write) {
    r.bytes_lost += pending.size();
    lose_pending();
  }
  return r;
}

std::string Encode(const std::vector<std::string>& writes) {
  std::string out;
  for (const std::string& w : writes) {
    std::string_view left = w;
    for (bool first = true;; first = false) {
      const size_t room = kBlockSize - out.size() % kBlockSize;
      if (room < kHeaderSize) out.append(room, '\0');  // the block's trailer
      const size_t n = std::min(left.size(), kBlockSize - out.size() % kBlockSize - kHeaderSize);
      const bool last = n == left.size();
      const FragmentType type = first && last ? kFull : first ? kFirst : last ? kLast : kMiddle;
      PutFragment(&out, type, left.substr(0, n));
      left.remove_prefix(n);
      if (last) break;
    }
  }
  return out;
}

}  // namespace articledb::wal
