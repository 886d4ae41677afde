// articledb checkpoint DB DIR: a consistent copy of the archive (docs/cli.md, "checkpoint").
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "common.h"
#include "commands/commands.h"

namespace articledb::cli {
namespace {

int CmdCheckpoint(const std::string& path, const std::string& dir) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadWrite, &db); rc != kExitOk) return rc;
  Status s = db->Checkpoint(dir);
  if (!s.ok()) return Fail("checkpoint: " + s.ToString());
  return kExitOk;
}

}  // namespace

void AddCheckpointCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db, dir;
  };
  auto a = std::make_shared<Args>();
  auto* chk = app->add_subcommand("checkpoint", "Make a consistent copy of DB in the new "
                                                "directory DIR (hard links where possible)");
  chk->add_option("DB", a->db, "Archive directory")->required();
  chk->add_option("DIR", a->dir, "New directory")->required();
  chk->callback([ctx, a] { ctx->run = [a] { return CmdCheckpoint(a->db, a->dir); }; });
}

}  // namespace articledb::cli
