// The commands of the articledb tool, one file each (docs/cli.md documents them). Each
// Add*Command adds its subcommand, options and help to `app`; when the command line names
// it, its callback sets `ctx->run` to the function that runs it.
#ifndef ARTICLEDB_CLI_COMMANDS_COMMANDS_H_
#define ARTICLEDB_CLI_COMMANDS_COMMANDS_H_

#include <functional>

#include <CLI/CLI.hpp>

namespace articledb::cli {

struct Context {
  bool quiet = false;        // -q / --quiet: no progress lines
  std::function<int()> run;  // set by the callback of the command given
};

void AddImportCommand(CLI::App* app, Context* ctx);
void AddExportCommand(CLI::App* app, Context* ctx);
void AddGetCommand(CLI::App* app, Context* ctx);
void AddDeleteCommand(CLI::App* app, Context* ctx);
void AddQueryCommand(CLI::App* app, Context* ctx);
void AddSearchCommand(CLI::App* app, Context* ctx);
void AddCountCommand(CLI::App* app, Context* ctx);
void AddTailCommand(CLI::App* app, Context* ctx);
void AddFacetsCommand(CLI::App* app, Context* ctx);
void AddSourcesCommand(CLI::App* app, Context* ctx);
void AddEntitiesCommand(CLI::App* app, Context* ctx);
void AddDumpCommand(CLI::App* app, Context* ctx);
void AddRestoreCommand(CLI::App* app, Context* ctx);
void AddVerifyDumpCommand(CLI::App* app, Context* ctx);
void AddStatsCommand(CLI::App* app, Context* ctx);
void AddVerifyCommand(CLI::App* app, Context* ctx);
void AddQuarantineCommand(CLI::App* app, Context* ctx);
void AddReindexCommand(CLI::App* app, Context* ctx);
void AddUpgradeCommand(CLI::App* app, Context* ctx);
void AddCompactCommand(CLI::App* app, Context* ctx);
void AddSalvageCommand(CLI::App* app, Context* ctx);
void AddCheckpointCommand(CLI::App* app, Context* ctx);
#ifdef ARTICLEDB_HAVE_SYNTH
void AddGenerateCommand(CLI::App* app, Context* ctx);
#endif

}  // namespace articledb::cli

#endif  // ARTICLEDB_CLI_COMMANDS_COMMANDS_H_
