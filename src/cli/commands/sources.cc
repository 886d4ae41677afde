// articledb sources DB: sources with their article counts (docs/cli.md, "sources").
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/query.h"
#include "common.h"
#include "commands/commands.h"

namespace articledb::cli {
namespace {

int CmdSources(const std::string& path) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  std::vector<NameCount> names;
  Status s = db->ListSources(&names);
  if (!s.ok()) return Fail("sources: " + s.ToString());
  return PrintNames(names);
}

}  // namespace

void AddSourcesCommand(CLI::App* app, Context* ctx) {
  auto db = std::make_shared<std::string>();
  auto* src = app->add_subcommand("sources", "List sources with their article counts, most "
                                             "first (NAME<TAB>COUNT)");
  src->add_option("DB", *db, "Archive directory")->required();
  src->callback([ctx, db] { ctx->run = [db] { return CmdSources(*db); }; });
}

}  // namespace articledb::cli
