// articledb count DB [FILTERS] [--by BUCKET]: counts and timelines (docs/cli.md, "count").
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/query.h"
#include "common.h"
#include "commands/commands.h"
#include "filters.h"

namespace articledb::cli {
namespace {

int CmdCount(const std::string& path, const FilterArgs& fa, const std::string& by) {
  Filter filter;
  if (int rc = BuildFilter(fa, &filter); rc != kExitOk) return rc;
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  Out out;
  if (by.empty()) {
    uint64_t n = 0;
    Status s = db->Count(filter, &n);
    if (!s.ok()) return Fail("count: " + s.ToString());
    out.Line(std::to_string(n));
    return out.Close();
  }
  const Bucket bucket = by == "day" ? Bucket::kDay : by == "month" ? Bucket::kMonth : Bucket::kYear;
  std::vector<TimelineEntry> entries;
  Status s = db->Timeline(filter, bucket, &entries);
  if (!s.ok()) return Fail("count: " + s.ToString());
  for (const auto& e : entries) out.Line(e.label + "\t" + std::to_string(e.count));
  return out.Close();
}

}  // namespace

void AddCountCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db, by;
    FilterArgs fa;
  };
  auto a = std::make_shared<Args>();
  auto* cnt = app->add_subcommand(
      "count", "Print the number of matching articles, or with --by one BUCKET<TAB>N line "
               "per bucket, oldest first (articles without a date are not in buckets)");
  cnt->add_option("DB", a->db, "Archive directory")->required();
  AddFilterOptions(cnt, &a->fa);
  cnt->add_option("--by", a->by, "Count per day, month or year (UTC)")
      ->check(CLI::IsMember({"day", "month", "year"}));
  cnt->callback([ctx, a] { ctx->run = [a] { return CmdCount(a->db, a->fa, a->by); }; });
}

}  // namespace articledb::cli
