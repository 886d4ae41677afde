// articledb upgrade DB: converts an archive of an older on-disk format in place
// (docs/cli.md, "upgrade").
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "common.h"
#include "commands/commands.h"

namespace articledb::cli {
namespace {

int CmdUpgrade(const std::string& path, bool quiet) {
  // The archive is not opened first: Open refuses an older format.
  ProgressLine line(quiet);
  const auto start = std::chrono::steady_clock::now();
  Status s = Archive::Upgrade(path, MakeProgress(&line, "upgrade", false));
  line.Done();
  if (!s.ok()) return Fail("upgrade: " + s.ToString());
  std::fprintf(stderr, "upgraded %s in %.2f s\n", path.c_str(), Seconds(start));
  return kExitOk;
}

}  // namespace

void AddUpgradeCommand(CLI::App* app, Context* ctx) {
  auto db = std::make_shared<std::string>();
  auto* upg = app->add_subcommand("upgrade", "Convert an archive of an older on-disk format "
                                             "to this version's, in place (resumable)");
  upg->add_option("DB", *db, "Archive directory")->required();
  upg->callback([ctx, db] { ctx->run = [ctx, db] { return CmdUpgrade(*db, ctx->quiet); }; });
}

}  // namespace articledb::cli
