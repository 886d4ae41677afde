// Rescue of a damaged write-ahead log (articledb::SalvageArchive): reads RocksDB's log
// format (32 KiB blocks of fragments, each with a CRC32C, a length and a type; RocksDB's
// db/log_format.h) and writes a log holding only the writes that are whole and intact.
#ifndef ARTICLEDB_SRC_WAL_SALVAGE_H_
#define ARTICLEDB_SRC_WAL_SALVAGE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace articledb::wal {

constexpr size_t kBlockSize = 32768;
constexpr size_t kHeaderSize = 7;  // masked CRC32C (4), length (2), type (1)
enum FragmentType : uint8_t { kZero = 0, kFull = 1, kFirst = 2, kMiddle = 3, kLast = 4 };

// CRC-32C (Castagnoli), as RocksDB and iSCSI compute it: Crc32c("123456789") == 0xE3069283.
uint32_t Crc32c(uint32_t crc, const void* data, size_t n);
// RocksDB stores CRCs masked (a CRC of data holding CRCs is otherwise weak).
uint32_t MaskCrc(uint32_t crc);

struct ScanResult {
  std::vector<std::string> writes;  // every write whose fragments are all present and intact
  // Writes hit or cut by damage; more may be hidden in the unreadable rest of a damaged
  // block, counted in bytes_lost only.
  uint64_t writes_lost = 0;
  uint64_t bytes_lost = 0;          // bytes of the log that could not be used
  bool clean = true;                // nothing was dropped: the log needs no rewrite
  // Records with an intact checksum but a type this reader does not know (written by a
  // RocksDB with a newer log format, or with options ArticleDB does not set): not damage,
  // but the log cannot be rewritten without them. They are skipped.
  uint64_t unknown_records = 0;
  int first_unknown_type = -1;
};

// Reads a log as RocksDB's reader does when skipping damage: a fragment whose checksum,
// length or type is bad drops the rest of its block; a write with a dropped fragment is
// dropped whole. Zero-filled space (block trailers, preallocated space) is skipped.
ScanResult Scan(std::string_view log);

// Lays writes out in the log format, fragmenting them across blocks as RocksDB's writer does.
std::string Encode(const std::vector<std::string>& writes);

}  // namespace articledb::wal

#endif  // ARTICLEDB_SRC_WAL_SALVAGE_H_
