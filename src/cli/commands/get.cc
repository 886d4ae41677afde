// articledb get DB ID...: articles by id (docs/cli.md, "get").
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/article.h"
#include "common.h"
#include "commands/commands.h"

namespace articledb::cli {
namespace {

int CmdGet(const std::string& path, const std::vector<std::string>& ids) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  std::vector<Article> articles;
  std::vector<Status> statuses;
  Status s = db->MultiGet(ids, &articles, &statuses);
  if (!s.ok()) return Fail("get: " + s.ToString());
  Out out;
  int rc = kExitOk;
  std::string json;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      std::fflush(stdout);
      std::fprintf(stderr, "articledb: no article with id '%s'\n", ids[i].c_str());
      rc = kExitPartial;
      continue;
    }
    if (!statuses[i].ok()) return Fail("get '" + ids[i] + "': " + statuses[i].ToString());
    Status j = ArticleToJson(articles[i], &json);
    if (!j.ok()) return Fail("get '" + ids[i] + "': " + j.ToString());
    out.Line(json);
  }
  if (int c = out.Close(); c != kExitOk) return c;
  return rc;
}

}  // namespace

void AddGetCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db;
    std::vector<std::string> ids;
  };
  auto a = std::make_shared<Args>();
  auto* get = app->add_subcommand("get", "Print the articles with these ids as JSON Lines");
  get->add_option("DB", a->db, "Archive directory")->required();
  get->add_option("ID", a->ids, "Article ids")->required();
  get->callback([ctx, a] { ctx->run = [a] { return CmdGet(a->db, a->ids); }; });
}

}  // namespace articledb::cli
