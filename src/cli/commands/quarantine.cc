// articledb quarantine DB [--drop DOCNO]: the records reindex set aside (docs/cli.md,
// "quarantine").
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/article.h"
#include "common.h"
#include "commands/commands.h"

namespace articledb::cli {
namespace {

// Lists the quarantine as DOCNO<TAB>JSON lines, or drops one record of it.
int CmdQuarantine(const std::string& path, const std::optional<uint64_t>& drop) {
  std::unique_ptr<Archive> db;
  if (drop) {
    if (int rc = OpenArchive(path, Mode::kReadWrite, &db); rc != kExitOk) return rc;
    Status s = db->DropQuarantined(*drop);
    if (!s.ok()) return Fail("quarantine --drop: " + s.ToString());
    return kExitOk;
  }
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  std::vector<QuarantinedRecord> records;
  Status s = db->ListQuarantine(&records);
  if (!s.ok()) return Fail("quarantine: " + s.ToString());
  Out out;
  std::string json;
  for (const QuarantinedRecord& r : records) {
    if (Status j = ArticleToJson(r.article, &json); !j.ok()) {
      return Fail("quarantine: record " + std::to_string(r.docno) + ": " + j.ToString());
    }
    out.Line(std::to_string(r.docno) + "\t" + json);
  }
  return out.Close();
}

}  // namespace

void AddQuarantineCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db;
    std::optional<uint64_t> drop_docno;
  };
  auto a = std::make_shared<Args>();
  auto* qua = app->add_subcommand(
      "quarantine", "List the records reindex set aside because another record had the same "
                    "id, one per line: DOCNO, a tab, the article as JSON; or drop one");
  qua->add_option("DB", a->db, "Archive directory")->required();
  qua->add_option("--drop", a->drop_docno, "Delete the quarantined record DOCNO for good");
  qua->callback([ctx, a] { ctx->run = [a] { return CmdQuarantine(a->db, a->drop_docno); }; });
}

}  // namespace articledb::cli
