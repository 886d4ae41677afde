#include "filters.h"

#include <cstdint>

#include "common.h"

namespace articledb::cli {

void AddFilterOptions(CLI::App* cmd, FilterArgs* f) {
  cmd->add_option("--from", f->from,
                  "Published at or after T (a date 2024-05-01, or RFC 3339 "
                  "2024-05-01T12:00:00Z)")
      ->type_name("T");
  cmd->add_option("--to", f->to, "Published before T (exclusive)")->type_name("T");
  cmd->add_option("--source", f->source, "Only this source (case and accents ignored)")
      ->type_name("NAME");
  cmd->add_option("--entity", f->entities,
                  "Only articles mentioning this entity; repeat it: all must match")
      ->type_name("NAME")
      ->allow_extra_args(false);
  cmd->add_flag("--oldest-first", f->oldest_first, "Oldest first (default: newest first)");
}

int BuildFilter(const FilterArgs& a, Filter* f) {
  if (!a.from.empty()) {
    int64_t t = 0;
    Status s = ParseTimeArgument(a.from, &t);
    if (!s.ok()) return Fail("--from '" + a.from + "': " + s.message());
    f->from_micros = t;
  }
  if (!a.to.empty()) {
    int64_t t = 0;
    Status s = ParseTimeArgument(a.to, &t);
    if (!s.ok()) return Fail("--to '" + a.to + "': " + s.message());
    f->to_micros = t;
  }
  if (!a.source.empty()) f->source = a.source;
  f->entities = a.entities;
  return kExitOk;
}

Order OrderOf(const FilterArgs& a) {
  return a.oldest_first ? Order::kOldestFirst : Order::kNewestFirst;
}

}  // namespace articledb::cli
