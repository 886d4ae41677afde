// articledb reindex DB: rebuilds the id map, indexes and counters (docs/cli.md, "reindex").
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

int CmdReindex(const std::string& path, bool text_index, bool no_text_index, bool quiet) {
  if (text_index && no_text_index) {
    return Fail("reindex: --text-index and --no-text-index contradict each other");
  }
  const TextIndexChoice text = text_index      ? TextIndexChoice::kBuild
                               : no_text_index ? TextIndexChoice::kDrop
                                               : TextIndexChoice::kKeep;
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadWrite, &db, Limits(), text); rc != kExitOk) {
    return rc;
  }
  {
    // The rebuild writes the id map, indexes and counters anew (through the write-ahead
    // log, then table files) while the old ones take their space until compacted.
    Stats st;
    Status s = db->GetStats(&st);
    if (!s.ok()) return Fail("reindex: " + s.ToString());
    uint64_t derived = 0;
    for (const auto& cf : st.column_families) {
      if (cf.name != "records" && cf.name != "default") derived += cf.sst_bytes + cf.memtable_bytes;
    }
    if (int rc = CheckRoom("reindex", path, 3 * derived + kWorkMargin,
                           "three times the " + std::to_string(derived) +
                               " bytes of the id map, indexes and counters, plus 4 MiB");
        rc != kExitOk) {
      return rc;
    }
  }
  ProgressLine line(quiet);
  const auto start = std::chrono::steady_clock::now();
  Status s = db->Reindex(MakeProgress(&line, "reindex", false));
  line.Done();
  if (!s.ok()) return Fail("reindex: " + s.ToString());
  std::fprintf(stderr, "reindexed %s in %.2f s\n", path.c_str(), Seconds(start));
  return kExitOk;
}

}  // namespace

void AddReindexCommand(CLI::App* app, Context* ctx) {
  auto db = std::make_shared<std::string>();
  auto text = std::make_shared<bool>(false);
  auto no_text = std::make_shared<bool>(false);
  auto* rix = app->add_subcommand("reindex", "Rebuild the id map, every index and every "
                                             "counter from the records (the text index "
                                             "too, when the archive has one)");
  rix->add_option("DB", *db, "Archive directory")->required();
  rix->add_flag("--text-index", *text,
                "Build the text index for an archive without one, so text queries walk "
                "posting lists instead of reading records (writes get slower)");
  rix->add_flag("--no-text-index", *no_text,
                "Rebuild without the text index (dropping it): text queries then read "
                "records");
  rix->callback([ctx, db, text, no_text] {
    ctx->run = [ctx, db, text, no_text] {
      return CmdReindex(*db, *text, *no_text, ctx->quiet);
    };
  });
}

}  // namespace articledb::cli
