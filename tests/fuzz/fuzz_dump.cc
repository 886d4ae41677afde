// Fuzz target: the dump reader. Any input is refused with a status or read whole; memory
// stays bounded (the reader caps every length it trusts); a dump it accepts holds as many
// records as its trailer says.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "articledb/dump.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  uint64_t visited = 0;
  articledb::DumpStats stats;
  const articledb::Status s = articledb::ReadDumpBuffer(
      bytes,
      [&](std::string_view) {
        ++visited;
        return articledb::Status::OK();
      },
      &stats);
  if (s.ok()) {
    FUZZ_CHECK(stats.records == visited);
  } else {
    FUZZ_CHECK(!s.message().empty());
  }
  return 0;
}
