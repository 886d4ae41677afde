// articledb compact DB: full compaction (docs/cli.md, "compact").
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "common.h"
#include "commands/commands.h"

namespace articledb::cli {
namespace {

int CmdCompact(const std::string& path) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadWrite, &db); rc != kExitOk) return rc;
  uint64_t before = 0;
  {
    // Compaction writes each column family's tables anew before deleting the old ones.
    Stats st;
    Status s = db->GetStats(&st);
    if (!s.ok()) return Fail("compact: " + s.ToString());
    before = st.total_disk_bytes;
    uint64_t largest = 0;
    for (const auto& cf : st.column_families) {
      largest = std::max(largest, cf.sst_bytes + cf.memtable_bytes);
    }
    if (int rc = CheckRoom("compact", path, largest + kWorkMargin,
                           "the " + std::to_string(largest) +
                               " bytes of the largest column family, plus 4 MiB");
        rc != kExitOk) {
      return rc;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  Status s = db->Compact();
  if (!s.ok()) return Fail("compact: " + s.ToString());
  Stats after;
  s = db->GetStats(&after);
  if (!s.ok()) return Fail("compact: " + s.ToString());
  const double mb = 1e6;
  std::fprintf(stderr, "compacted %s in %.2f s: %.2f MB on disk before, %.2f MB after (%+.1f %%)\n",
               path.c_str(), Seconds(start), static_cast<double>(before) / mb,
               static_cast<double>(after.total_disk_bytes) / mb,
               before == 0 ? 0.0
                           : 100.0 * (static_cast<double>(after.total_disk_bytes) -
                                      static_cast<double>(before)) /
                                 static_cast<double>(before));
  return kExitOk;
}

}  // namespace

void AddCompactCommand(CLI::App* app, Context* ctx) {
  auto db = std::make_shared<std::string>();
  auto* cmp = app->add_subcommand("compact", "Compact the archive fully (reclaims the space "
                                             "of replaced and deleted records)");
  cmp->add_option("DB", *db, "Archive directory")->required();
  cmp->callback([ctx, db] { ctx->run = [db] { return CmdCompact(*db); }; });
}

}  // namespace articledb::cli
