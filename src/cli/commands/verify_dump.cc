// articledb verify-dump FILE: every check of restore, writing nothing (docs/cli.md,
// "verify-dump").
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "articledb/dump.h"
#include "common.h"
#include "commands/commands.h"

namespace articledb::cli {
namespace {

int CmdVerifyDump(const std::string& file) {
  DumpStats stats;
  Status s = VerifyDumpFile(file, &stats);
  if (!s.ok()) return Fail("verify-dump " + file + ": " + s.ToString());
  std::printf("%s: sound, %" PRIu64 " records, %" PRIu64 " bytes\n", file.c_str(),
              stats.records, stats.bytes);
  return kExitOk;
}

}  // namespace

void AddVerifyDumpCommand(CLI::App* app, Context* ctx) {
  auto file = std::make_shared<std::string>();
  auto* vdm = app->add_subcommand("verify-dump",
                                  "Check every frame, checksum and record of a dump file "
                                  "without restoring it");
  vdm->add_option("FILE", *file, "Dump file")->required();
  vdm->callback([ctx, file] { ctx->run = [file] { return CmdVerifyDump(*file); }; });
}

}  // namespace articledb::cli
