// Fuzz target: the write-ahead log reader behind SalvageArchive (src/wal_salvage.h).
//  - Any bytes given to wal::Scan are handled without a crash and every write it keeps
//    lies within the input.
//  - The writes it keeps, laid out again by wal::Encode, scan back clean and equal.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "wal_salvage.h"

namespace wal = articledb::wal;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const wal::ScanResult r = wal::Scan(in);
  size_t kept = 0;
  for (const auto& w : r.writes) kept += w.size();
  FUZZ_CHECK(kept + r.bytes_lost <= size);
  FUZZ_CHECK(r.clean || r.writes_lost > 0 || r.bytes_lost > 0);
  const wal::ScanResult again = wal::Scan(wal::Encode(r.writes));
  FUZZ_CHECK(again.clean);
  FUZZ_CHECK(again.writes == r.writes);
  return 0;
}
