#include "filters.h"

#include <cstdint>

#include "common.h"

namespace articledb::cli {

namespace {

// A name option that may be repeated (--entity A --entity B); each takes one value.
void AddNames(CLI::App* cmd, const char* name, std::vector<std::string>* values,
              const char* help) {
  cmd->add_option(name, *values, help)->type_name("NAME")->allow_extra_args(false);
}

}  // namespace

void AddFilterOptions(CLI::App* cmd, FilterArgs* f, bool with_order, bool with_text) {
  cmd->add_option("--from", f->from,
                  "Published at or after T: 2024, 2024-05 or 2024-05-01 (the first instant "
                  "of that year, month or day, UTC), RFC 3339 2024-05-01T12:00:00Z, epoch "
                  "seconds @1714550400, now, or 12h / 7d / 2w (that long ago)")
      ->type_name("T");
  cmd->add_option("--to", f->to, "Published before T (exclusive; the forms of --from)")
      ->type_name("T");
  AddNames(cmd, "--source", &f->sources,
           "Only articles from this source; repeat it: any may match");
  AddNames(cmd, "--entity", &f->entities,
           "Only articles mentioning this entity; repeat it: all must match");
  AddNames(cmd, "--any-entity", &f->any_entities,
           "Only articles mentioning at least one of the entities given with this option");
  AddNames(cmd, "--not-entity", &f->not_entities,
           "Leave out articles mentioning this entity; repeat it: none may be mentioned");
  cmd->add_option("--language", f->languages,
                  "Only articles in this language (a BCP 47 tag such as en or pt-BR); "
                  "repeat it: any may match")
      ->type_name("TAG")
      ->allow_extra_args(false);
  AddNames(cmd, "--topic", &f->topics,
           "Only articles on this topic; repeat it: all must match");
  AddNames(cmd, "--author", &f->authors,
           "Only articles by this author; repeat it: all must match. Names match with "
           "case and accents ignored");
  if (with_text) {
    cmd->add_option("--text", f->text,
                    "Only articles whose title, summary or body match this text query: "
                    "words, \"phrases\", prefix*, AND, OR, NOT or -word, ( ), title:word "
                    "(docs/search.md)")
        ->type_name("QUERY");
  }
  if (with_order) {
    cmd->add_flag("--oldest-first", f->oldest_first, "Oldest first (default: newest first)");
  }
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
  // One source goes to Filter::source, the others to Filter::sources: an article matches
  // when its source is any of them.
  if (!a.sources.empty()) {
    f->source = a.sources.front();
    f->sources.assign(a.sources.begin() + 1, a.sources.end());
  }
  f->entities = a.entities;
  f->any_entities = a.any_entities;
  f->not_entities = a.not_entities;
  f->languages = a.languages;
  f->topics = a.topics;
  f->authors = a.authors;
  f->text = a.text;
  return kExitOk;
}

Order OrderOf(const FilterArgs& a) {
  if (a.relevance) return Order::kRelevance;
  return a.oldest_first ? Order::kOldestFirst : Order::kNewestFirst;
}

}  // namespace articledb::cli
