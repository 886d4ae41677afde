// articledb verify DB: checks that records, indexes, the id map and counters agree
// (docs/cli.md, "verify").
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "common.h"
#include "commands/commands.h"

namespace articledb::cli {
namespace {

int CmdVerify(const std::string& path, bool quiet) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  ProgressLine line(quiet);
  VerifyReport report;
  Status s = db->Verify(&report, MakeProgress(&line, "verify", false));
  line.Done();
  if (!s.ok()) return Fail("verify: " + s.ToString());
  for (const auto& m : report.messages) std::printf("%s\n", m.c_str());
  if (report.problems > report.messages.size()) {
    std::printf("... and %" PRIu64 " more problems\n", report.problems - report.messages.size());
  }
  std::printf("%s: %s: %" PRIu64 " records, %" PRIu64 " index entries, %" PRIu64
              " problems\n",
              path.c_str(), report.ok() ? "sound" : "NOT SOUND", report.records,
              report.index_entries, report.problems);
  if (report.quarantined > 0) {
    std::printf("note: %" PRIu64 " records in the quarantine (set aside by reindex: another "
                "record had the same id); see 'articledb quarantine %s'\n",
                report.quarantined, path.c_str());
  }
  if (int c = Out().Close(); c != kExitOk) return c;
  return report.ok() ? kExitOk : kExitPartial;
}

}  // namespace

void AddVerifyCommand(CLI::App* app, Context* ctx) {
  auto db = std::make_shared<std::string>();
  auto* ver = app->add_subcommand(
      "verify", "Check that records, indexes, the id map and counters agree; print each "
                "problem. Exit 0 only when the archive is sound (1: problems found)");
  ver->add_option("DB", *db, "Archive directory")->required();
  ver->callback([ctx, db] { ctx->run = [ctx, db] { return CmdVerify(*db, ctx->quiet); }; });
}

}  // namespace articledb::cli
