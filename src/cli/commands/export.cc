// articledb export DB [FILTERS]: matching articles as JSON Lines (docs/cli.md, "export").
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/article.h"
#include "articledb/query.h"
#include "common.h"
#include "commands/commands.h"
#include "filters.h"

namespace articledb::cli {
namespace {

int CmdExport(const std::string& path, const FilterArgs& fa) {
  Filter filter;
  if (int rc = BuildFilter(fa, &filter); rc != kExitOk) return rc;
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  NoteTextIndex(*db, path, filter);
  Out out;
  std::string json;
  Status inner;
  Status s = db->Scan(filter, OrderOf(fa), [&](const Article& art) {
    inner = ArticleToJson(art, &json);
    if (!inner.ok()) return false;
    out.Line(json);
    return !std::ferror(stdout);
  });
  if (!inner.ok()) return Fail("export: " + inner.ToString());
  if (!s.ok()) return Fail("export: " + s.ToString());
  return out.Close();
}

}  // namespace

void AddExportCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db;
    FilterArgs fa;
  };
  auto a = std::make_shared<Args>();
  auto* exp = app->add_subcommand(
      "export", "Write every matching article as JSON Lines to standard output "
                "(newest first unless --oldest-first)");
  exp->add_option("DB", a->db, "Archive directory")->required();
  AddFilterOptions(exp, &a->fa);
  exp->callback([ctx, a] { ctx->run = [a] { return CmdExport(a->db, a->fa); }; });
}

}  // namespace articledb::cli
