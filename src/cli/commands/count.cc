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

int CmdCount(const std::string& path, const FilterArgs& fa, const std::string& by,
             const std::string& tz, bool zero_fill) {
  Filter filter;
  if (int rc = BuildFilter(fa, &filter); rc != kExitOk) return rc;
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  NoteTextIndex(*db, path, filter);
  Out out;
  if (by.empty()) {
    uint64_t n = 0;
    Status s = db->Count(filter, &n);
    if (!s.ok()) return Fail("count: " + s.ToString());
    out.Line(std::to_string(n));
    return out.Close();
  }
  TimelineOptions to;
  to.bucket = by == "day"    ? Bucket::kDay
              : by == "week" ? Bucket::kWeek
              : by == "month" ? Bucket::kMonth
                              : Bucket::kYear;
  to.time_zone = tz;
  to.zero_fill = zero_fill;
  std::vector<TimelineEntry> entries;
  Status s = db->Timeline(filter, to, &entries);
  if (!s.ok()) return Fail("count: " + s.ToString());
  for (const auto& e : entries) out.Line(e.label + "\t" + std::to_string(e.count));
  return out.Close();
}

}  // namespace

void AddCountCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db, by, tz;
    FilterArgs fa;
    bool zero_fill = false;
  };
  auto a = std::make_shared<Args>();
  auto* cnt = app->add_subcommand(
      "count", "Print the number of matching articles, or with --by one BUCKET<TAB>N line "
               "per bucket, oldest first (articles without a date are not in buckets)");
  cnt->add_option("DB", a->db, "Archive directory")->required();
  AddFilterOptions(cnt, &a->fa, /*with_order=*/false);
  auto* by = cnt->add_option("--by", a->by,
                             "Count per day, week (ISO 8601, Monday to Sunday, labelled "
                             "2024-W18), month or year; in UTC unless --tz")
                 ->check(CLI::IsMember({"day", "week", "month", "year"}));
  cnt->add_option("--tz", a->tz,
                  "Cut the --by buckets at midnight in this IANA time zone (Europe/Paris) "
                  "instead of UTC")
      ->type_name("ZONE")
      ->needs(by);
  cnt->add_flag("--zero-fill", a->zero_fill,
                "With --by, also print the empty buckets (count 0): every bucket from --from "
                "(else the first non-empty one) to --to (else the last non-empty one)")
      ->needs(by);
  cnt->callback([ctx, a] {
    ctx->run = [a] { return CmdCount(a->db, a->fa, a->by, a->tz, a->zero_fill); };
  });
}

}  // namespace articledb::cli
