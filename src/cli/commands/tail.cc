// articledb tail DB [FILTERS] [-n N] [--follow]: the newest matching articles, then the
// new ones as another process stores them (docs/cli.md, "tail").
#include <chrono>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/query.h"
#include "common.h"
#include "commands/commands.h"
#include "filters.h"

namespace articledb::cli {
namespace {

int CmdTail(const std::string& path, const FilterArgs& fa, size_t n, bool follow,
            double interval, bool ids) {
  Filter filter;
  if (int rc = BuildFilter(fa, &filter); rc != kExitOk) return rc;
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  NoteTextIndex(*db, path, filter);
  CatchInterrupts();
  std::string json;
  bool out_failed = false;
  auto print = [&](const Article& a) {
    if (ids) {
      json = a.id();
    } else if (!ArticleToJson(a, &json).ok()) {
      return true;
    }
    json.push_back('\n');
    out_failed = std::fwrite(json.data(), 1, json.size(), stdout) != json.size();
    return !out_failed;
  };
  // Where following starts: the end of what is stored now (taken before the newest are
  // printed, so nothing stored in between is missed).
  uint64_t next = 0;
  Status s = db->ScanStoredAfter(std::numeric_limits<uint64_t>::max(), filter, &next, nullptr);
  if (!s.ok()) return Fail("tail: " + s.ToString());
  if (n > 0) {
    QueryOptions qo;
    qo.limit = n;
    Page page;
    s = db->Query(filter, qo, &page);
    if (!s.ok()) return Fail("tail: " + s.ToString());
    for (auto it = page.articles.rbegin(); it != page.articles.rend() && !out_failed; ++it) {
      print(*it);  // oldest of them first, the newest last, as tail(1) does
    }
  }
  if (std::fflush(stdout) != 0) out_failed = true;
  while (follow && !out_failed && !g_interrupted) {
    // Sleep in short steps, so Ctrl-C ends the wait at once.
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(interval);
    while (!g_interrupted && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (g_interrupted) break;
    s = db->Refresh();
    if (s.IsBusy()) continue;  // the writer was busy changing files: next time
    if (!s.ok()) return Fail("tail: " + s.ToString());
    s = db->ScanStoredAfter(next, filter, &next, print);
    if (!s.ok()) return Fail("tail: " + s.ToString());
    if (std::fflush(stdout) != 0) out_failed = true;
  }
  // A closed pipe (tail ... | head) ends the command quietly, as Ctrl-C does.
  return kExitOk;
}

}  // namespace

void AddTailCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db;
    FilterArgs fa;
    size_t n = 10;
    bool follow = false;
    double interval = 1.0;
    bool ids = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app->add_subcommand(
      "tail", "Print the newest matching articles (by publication time, the newest last) as "
              "JSON Lines; with --follow, then every article another process stores that "
              "matches, as it is stored, until Ctrl-C");
  cmd->add_option("DB", a->db, "Archive directory")->required();
  AddFilterOptions(cmd, &a->fa, /*with_order=*/false);
  cmd->add_option("-n,--lines", a->n, "How many of the newest matching articles to print first")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(size_t{0}, size_t{10000}));
  cmd->add_flag("-f,--follow", a->follow,
                "Keep printing articles stored after the start (new ids, in the order they "
                "were stored; updates of stored articles are not printed again)");
  cmd->add_option("--interval", a->interval, "Seconds between two looks at the archive")
      ->type_name("SECONDS")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  cmd->add_flag("--ids", a->ids, "Print ids only, one a line");
  cmd->callback([ctx, a] {
    ctx->run = [a] { return CmdTail(a->db, a->fa, a->n, a->follow, a->interval, a->ids); };
  });
}

}  // namespace articledb::cli
