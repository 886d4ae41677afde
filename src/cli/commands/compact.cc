// articledb compact DB: full compaction (docs/cli.md, "compact").
#include <algorithm>
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
  {
    // Compaction writes each column family's tables anew before deleting the old ones.
    Stats st;
    Status s = db->GetStats(&st);
    if (!s.ok()) return Fail("compact: " + s.ToString());
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
  Status s = db->Compact();
  if (!s.ok()) return Fail("compact: " + s.ToString());
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
