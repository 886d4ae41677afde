// articledb dump DB FILE: a portable, checksummed backup (docs/cli.md, "dump").
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/dump.h"
#include "common.h"
#include "commands/commands.h"

namespace articledb::cli {
namespace {

int CmdDump(const std::string& path, const std::string& file, int level, bool quiet) {
  if (file == "-" && ::isatty(1)) {
    return Fail("dump: refusing to write a binary dump to a terminal; give a file name");
  }
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  CatchInterrupts();
  const auto start = std::chrono::steady_clock::now();
  ProgressLine line(quiet);
  DumpStats stats;
  DumpOptions options;
  options.compression_level = level;
  Status s = file == "-" ? DumpArchive(*db, std::cout, &stats, MakeProgress(&line, "dump", true),
                                       options)
                         : DumpArchive(*db, file, &stats, MakeProgress(&line, "dump", true),
                                       options);
  line.Done();
  if (!s.ok()) return Fail(s.ToString());
  std::fprintf(stderr, "dumped %" PRIu64 " records, %" PRIu64 " bytes, %.2f s\n", stats.records,
               stats.bytes, Seconds(start));
  return kExitOk;
}

}  // namespace

void AddDumpCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db, file;
    int level = 3;
  };
  auto a = std::make_shared<Args>();
  auto* dmp = app->add_subcommand(
      "dump", "Write a portable, checksummed backup of DB to FILE (one snapshot; writers may "
              "go on). FILE is written whole or not at all; - writes to standard output");
  dmp->add_option("DB", a->db, "Archive directory")->required();
  dmp->add_option("FILE", a->file, "Dump file")->required();
  dmp->add_option("--level", a->level, "zstd level 1-19")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 19));
  dmp->callback([ctx, a] {
    ctx->run = [ctx, a] { return CmdDump(a->db, a->file, a->level, ctx->quiet); };
  });
}

}  // namespace articledb::cli
