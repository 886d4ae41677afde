// articledb sources DB: sources with their article counts (docs/cli.md, "sources").
#include <cstddef>
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

int CmdSources(const std::string& path, const std::string& prefix, size_t limit) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  std::vector<NameCount> names;
  Status s = db->ListSources(prefix, limit, &names);
  if (!s.ok()) return Fail("sources: " + s.ToString());
  return PrintNames(names);
}

}  // namespace

void AddSourcesCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db, prefix;
    size_t limit = 0;
  };
  auto a = std::make_shared<Args>();
  auto* src = app->add_subcommand("sources", "List sources with their article counts, most "
                                             "first (NAME<TAB>COUNT)");
  src->add_option("DB", a->db, "Archive directory")->required();
  src->add_option("--prefix", a->prefix, "Only names starting with P (case and accents ignored)")
      ->type_name("P");
  src->add_option("--limit", a->limit, "At most N names (0: all)")
      ->type_name("N")
      ->capture_default_str();
  src->callback([ctx, a] { ctx->run = [a] { return CmdSources(a->db, a->prefix, a->limit); }; });
}

}  // namespace articledb::cli
