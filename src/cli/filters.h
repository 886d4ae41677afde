// The filter options shared by export, query and count.
#ifndef ARTICLEDB_CLI_FILTERS_H_
#define ARTICLEDB_CLI_FILTERS_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "articledb/query.h"

namespace articledb::cli {

struct FilterArgs {
  std::string from, to, source;
  std::vector<std::string> entities;
  bool oldest_first = false;
};

// Adds --from, --to, --source, --entity and --oldest-first to `cmd`, stored in `*f`.
void AddFilterOptions(CLI::App* cmd, FilterArgs* f);

// Fills `*f` from the options; on a bad option prints why and returns kExitFailure.
int BuildFilter(const FilterArgs& a, Filter* f);

Order OrderOf(const FilterArgs& a);

}  // namespace articledb::cli

#endif  // ARTICLEDB_CLI_FILTERS_H_
