// articledb: the command-line tool. docs/cli.md documents every command.
//
// Exit statuses: 0 success; 1 some records were rejected or not found (or verify found
// problems); 2 failure (bad arguments, an archive that cannot be opened, a bad dump...).
//
// This file only wires the commands together: each one (its options, help and code) is in
// commands/, the helpers they share in common.h and filters.h.
#include <string>

#include <CLI/CLI.hpp>

#include "commands/commands.h"
#include "common.h"

namespace articledb::cli {
namespace {

const char* kExitFooter =
    "Exit status: 0 success; 1 some records were rejected or not found (or verify found "
    "problems); 2 failure.\nDocumentation: man articledb; " ARTICLEDB_DOC_DIR "/cli.md";

int Main(int argc, char** argv) {
  CLI::App app{"articledb: store, query, dump and restore news-article archives.\n"
               "Commands take the archive directory DB first: articledb COMMAND DB [ARGS...]"};
  app.name("articledb");
  app.footer(kExitFooter);
  app.require_subcommand(1);
  app.fallthrough();  // -q works after the command name too
  Context ctx;
  app.add_flag("-q,--quiet", ctx.quiet, "No progress lines on standard error");
  app.set_version_flag("--version", "articledb 0.1.0");

  // In the order --help lists them.
  AddImportCommand(&app, &ctx);
  AddExportCommand(&app, &ctx);
  AddGetCommand(&app, &ctx);
  AddDeleteCommand(&app, &ctx);
  AddQueryCommand(&app, &ctx);
  AddCountCommand(&app, &ctx);
  AddFacetsCommand(&app, &ctx);
  AddSourcesCommand(&app, &ctx);
  AddEntitiesCommand(&app, &ctx);
  AddDumpCommand(&app, &ctx);
  AddRestoreCommand(&app, &ctx);
  AddVerifyDumpCommand(&app, &ctx);
  AddStatsCommand(&app, &ctx);
  AddVerifyCommand(&app, &ctx);
  AddQuarantineCommand(&app, &ctx);
  AddReindexCommand(&app, &ctx);
  AddCompactCommand(&app, &ctx);
  AddSalvageCommand(&app, &ctx);
  AddCheckpointCommand(&app, &ctx);
#ifdef ARTICLEDB_HAVE_SYNTH
  AddGenerateCommand(&app, &ctx);
#endif

  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) sub->footer(kExitFooter);

  // The first word that is not an option names the command.
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (!word.empty() && word[0] == '-') continue;
    bool known = false;
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      known = known || sub->get_name() == word;
    }
    if (!known) return Fail("unknown command '" + word + "' (run 'articledb --help')");
    break;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Fail(std::string(e.what()) + " (run 'articledb --help')");
  }
  if (!ctx.run) return Fail("no command given (run 'articledb --help')");
  return ctx.run();
}

}  // namespace
}  // namespace articledb::cli

int main(int argc, char** argv) { return articledb::cli::Main(argc, argv); }
