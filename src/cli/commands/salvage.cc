// articledb salvage DB: rescues an archive whose write-ahead log is damaged (docs/cli.md,
// "salvage").
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "common.h"
#include "commands/commands.h"

namespace articledb::cli {
namespace {

int CmdSalvage(const std::string& path) {
  SalvageReport r;
  Status s = SalvageArchive(path, &r);
  if (!s.ok()) return Fail("salvage: " + s.ToString());
  if (r.logs_rewritten == 0) {
    std::fprintf(stderr, "salvage: %llu write-ahead logs read, none damaged\n",
                 static_cast<unsigned long long>(r.logs_read));
  } else {
    std::fprintf(stderr,
                 "salvage: %llu of %llu write-ahead logs damaged and rewritten: %llu writes "
                 "kept, at least %llu lost, %llu bytes unreadable; originals in %s/lost/\n",
                 static_cast<unsigned long long>(r.logs_rewritten),
                 static_cast<unsigned long long>(r.logs_read),
                 static_cast<unsigned long long>(r.writes_kept),
                 static_cast<unsigned long long>(r.writes_lost),
                 static_cast<unsigned long long>(r.bytes_lost), path.c_str());
  }
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadWrite, &db); rc != kExitOk) return rc;
  std::fprintf(stderr, "salvage: the archive opens; now run 'articledb verify %s', and "
                       "'articledb reindex %s' if it finds problems\n",
               path.c_str(), path.c_str());
  return kExitOk;
}

}  // namespace

void AddSalvageCommand(CLI::App* app, Context* ctx) {
  auto db = std::make_shared<std::string>();
  auto* slv = app->add_subcommand(
      "salvage", "Rescue an archive refused because its write-ahead log is damaged: keep "
                 "every intact write, drop the damaged ones (originals kept in DB/lost/); "
                 "then run verify, and reindex if it finds problems");
  slv->add_option("DB", *db, "Archive directory")->required();
  slv->callback([ctx, db] { ctx->run = [db] { return CmdSalvage(*db); }; });
}

}  // namespace articledb::cli
