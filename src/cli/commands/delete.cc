// articledb delete DB ID...: deletes articles by id (docs/cli.md, "delete").
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/options.h"
#include "common.h"
#include "commands/commands.h"

namespace articledb::cli {
namespace {

int CmdDelete(const std::string& path, const std::vector<std::string>& ids) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadWrite, &db); rc != kExitOk) return rc;
  int rc = kExitOk;
  uint64_t deleted = 0;
  for (const std::string& id : ids) {
    Status s = db->Delete(WriteOptions(), id);
    if (s.IsNotFound()) {
      std::fprintf(stderr, "articledb: no article with id '%s'\n", id.c_str());
      rc = kExitPartial;
    } else if (!s.ok()) {
      return Fail("delete '" + id + "': " + s.ToString());
    } else {
      ++deleted;
    }
  }
  std::fprintf(stderr, "deleted %" PRIu64 " of %zu\n", deleted, ids.size());
  return rc;
}

}  // namespace

void AddDeleteCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db;
    std::vector<std::string> ids;
  };
  auto a = std::make_shared<Args>();
  auto* del = app->add_subcommand("delete", "Delete the articles with these ids");
  del->add_option("DB", a->db, "Archive directory")->required();
  del->add_option("ID", a->ids, "Article ids")->required();
  del->callback([ctx, a] { ctx->run = [a] { return CmdDelete(a->db, a->ids); }; });
}

}  // namespace articledb::cli
