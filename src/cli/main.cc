// articledb: the command-line tool. docs/cli.md documents every command.
//
// Exit statuses: 0 success; 1 some records were rejected or not found (or verify found
// problems); 2 failure (bad arguments, an archive that cannot be opened, a bad dump...).
//
// This file only wires the commands together: each one (its options, help and code) is in
// commands/, the helpers they share in common.h and filters.h.
#include <algorithm>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands/commands.h"
#include "common.h"

namespace articledb::cli {
namespace {

const char* kExitFooter =
    "Exit status: 0 success; 1 some records were rejected or not found (or verify found "
    "problems); 2 failure.\nDocumentation: man articledb; " ARTICLEDB_DOC_DIR "/cli.md";

// Edit distance (insertions, deletions, substitutions and swaps of neighbours) between a
// and b, at most `cap` + 1.
size_t Distance(const std::string& a, const std::string& b, size_t cap) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > cap) return cap + 1;
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return std::min(d[a.size()][b.size()], cap + 1);
}

// The command a mistyped `word` most likely meant: the one it begins (3 letters at
// least: "exp" for export), else the nearest within 2 edits (1 for short words); ""
// when none is near or two are equally near.
std::string NearestCommand(const std::string& word, const std::vector<std::string>& names) {
  std::vector<std::string> prefixed;
  for (const std::string& n : names) {
    if (word.size() >= 3 && n.compare(0, word.size(), word) == 0) prefixed.push_back(n);
  }
  if (prefixed.size() == 1) return prefixed[0];
  const size_t cap = word.size() <= 4 ? 1 : 2;
  std::string best;
  size_t best_d = cap + 1;
  bool tie = false;
  for (const std::string& n : names) {
    const size_t dist = Distance(word, n, cap);
    if (dist < best_d) {
      best = n;
      best_d = dist;
      tie = false;
    } else if (dist == best_d && dist <= cap) {
      tie = true;
    }
  }
  return best_d <= cap && !tie ? best : std::string();
}

int Main(int argc, char** argv) {
  CLI::App app{"articledb: store, query, dump and restore news-article archives.\n"
               "Commands take the archive directory DB first: articledb COMMAND DB [ARGS...]"};
  app.name("articledb");
  app.footer(kExitFooter);
  app.require_subcommand(1);
  app.fallthrough();  // -q works after the command name too
  Context ctx;
  app.add_flag("-q,--quiet", ctx.quiet, "No progress lines on standard error");
  double busy_timeout = 0;
  app.add_option("--busy-timeout", busy_timeout,
                 "Commands that write: when another process is writing to the archive, "
                 "wait up to SECONDS for it to finish instead of stopping at once")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 86400.0));
  app.set_version_flag("--version", "articledb 0.1.0");

  // In the order --help lists them.
  AddImportCommand(&app, &ctx);
  AddExportCommand(&app, &ctx);
  AddGetCommand(&app, &ctx);
  AddDeleteCommand(&app, &ctx);
  AddQueryCommand(&app, &ctx);
  AddSearchCommand(&app, &ctx);
  AddCountCommand(&app, &ctx);
  AddTailCommand(&app, &ctx);
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
  AddUpgradeCommand(&app, &ctx);
  AddCompactCommand(&app, &ctx);
  AddSalvageCommand(&app, &ctx);
  AddCheckpointCommand(&app, &ctx);
#ifdef ARTICLEDB_HAVE_SYNTH
  AddGenerateCommand(&app, &ctx);
#endif

  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) sub->footer(kExitFooter);

  // The first word that is not an option names the command.
  std::string command;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--busy-timeout") {
      ++i;  // its value is not a command
      continue;
    }
    if (!word.empty() && word[0] == '-') continue;
    std::vector<std::string> names;
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      names.push_back(sub->get_name());
    }
    if (std::find(names.begin(), names.end(), word) == names.end()) {
      const std::string near = NearestCommand(word, names);
      return Fail("unknown command '" + word + "'" +
                  (near.empty() ? std::string() : "; did you mean '" + near + "'?") +
                  " (run 'articledb --help')");
    }
    command = word;
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
    return Fail(std::string(e.what()) + " (run 'articledb " +
                (command.empty() ? std::string() : command + " ") + "--help')");
  }
  if (!ctx.run) return Fail("no command given (run 'articledb --help')");
  SetBusyTimeout(busy_timeout);
  return ctx.run();
}

}  // namespace
}  // namespace articledb::cli

int main(int argc, char** argv) { return articledb::cli::Main(argc, argv); }
