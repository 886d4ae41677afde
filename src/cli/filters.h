// The filter options shared by the commands that select articles: export, query, count
// and facets.
#ifndef ARTICLEDB_CLI_FILTERS_H_
#define ARTICLEDB_CLI_FILTERS_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "articledb/query.h"

namespace articledb::cli {

struct FilterArgs {
  std::string from, to;
  std::vector<std::string> sources;       // any of
  std::vector<std::string> entities;      // all of
  std::vector<std::string> any_entities;  // at least one of
  std::vector<std::string> not_entities;  // none of
  std::vector<std::string> languages;     // any of
  std::vector<std::string> topics;        // all of
  std::vector<std::string> authors;       // all of
  std::string text;                       // a text query (Filter::text)
  bool oldest_first = false;
  bool relevance = false;  // search --order relevance (Order::kRelevance)
};

// Adds --from, --to, --source, --entity, --any-entity, --not-entity, --language, --topic
// and --author to `cmd`, stored in `*f`; also --oldest-first when `with_order` (commands
// whose output is in time order), and --text when `with_text` (search takes its query as
// an argument instead).
void AddFilterOptions(CLI::App* cmd, FilterArgs* f, bool with_order = true,
                      bool with_text = true);

// Fills `*f` from the options; on a bad option prints why and returns kExitFailure.
int BuildFilter(const FilterArgs& a, Filter* f);

Order OrderOf(const FilterArgs& a);

}  // namespace articledb::cli

#endif  // ARTICLEDB_CLI_FILTERS_H_
