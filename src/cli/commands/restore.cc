// articledb restore DB FILE: a dump into a new archive, or merged into one (docs/cli.md,
// "restore").
#include <stdlib.h>
#include <stdio.h>

#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/dump.h"
#include "articledb/options.h"
#include "common.h"
#include "commands/commands.h"
#include "sync_dir.h"

namespace articledb::cli {
namespace {

int CmdRestore(const std::string& path, const std::string& file, bool merge,
               size_t max_record_bytes, bool quiet) {
  namespace fs = std::filesystem;
  RestoreOptions ro;
  ro.limits.max_record_bytes = max_record_bytes;
  const auto start = std::chrono::steady_clock::now();
  ProgressLine line(quiet);
  CatchInterrupts();
  DumpStats stats;
  std::error_code ec;
  const bool exists = fs::exists(path, ec);
  const bool empty_dir = exists && fs::is_directory(path, ec) && fs::is_empty(path, ec);
  if (!exists || empty_dir) {
    // A new archive: restore into a sibling directory, rename it into place only when
    // the whole dump was read and checked; on failure remove it.
    std::string partial = fs::path(path).lexically_normal().string();
    while (partial.size() > 1 && partial.back() == '/') partial.pop_back();
    partial += ".partial-XXXXXX";
    if (::mkdtemp(partial.data()) == nullptr) {
      return Fail("restore: cannot create " + partial + ": " + std::strerror(errno));
    }
    std::unique_ptr<Archive> db;
    Options options;
    options.create_if_missing = true;
    options.limits = ro.limits;
    Status s = Archive::Open(options, partial, &db);
    if (s.ok()) {
      ro.verify_first = false;    // the directory is thrown away on failure
      ro.write.disable_wal = true;  // likewise; Flush() below makes it durable
      s = RestoreArchive(*db, file, &stats, MakeProgress(&line, "restore", true), ro);
      if (s.ok()) s = db->Flush();
      db.reset();
    }
    line.Done();
    // Every entry of the new archive durable before it is renamed into place, and the
    // rename itself durable (the parent directory synced) before restore reports success:
    // otherwise a power loss after exit 0 could leave no archive, or a partial one.
    if (s.ok()) s = internal::SyncDirectory(partial);
    if (s.ok() && empty_dir) fs::remove(path, ec);
    if (s.ok() && ::rename(partial.c_str(), path.c_str()) != 0) {
      s = Status::IOError("cannot rename " + partial + " to " + path + ": " +
                          std::strerror(errno));
    }
    if (!s.ok()) {
      fs::remove_all(partial, ec);
      return Fail("restore " + file + ": " + s.ToString() + " (nothing was created at " +
                  path + ")");
    }
    if (Status ds = internal::SyncParentDirectory(path); !ds.ok()) {
      return Fail("restore " + file + ": the archive is complete at " + path +
                  " but a power loss could still undo its creation: " + ds.ToString());
    }
  } else {
    std::unique_ptr<Archive> db;
    if (int rc = OpenArchive(path, Mode::kReadWrite, &db, ro.limits); rc != kExitOk) return rc;
    Stats st;
    Status s = db->GetStats(&st);
    if (!s.ok()) return Fail("restore: " + s.ToString());
    if (st.articles > 0 && !merge) {
      return Fail("restore: " + path + " already holds " + std::to_string(st.articles) +
                  " articles; restore fills a new or empty archive (add --merge to add the "
                  "dump's records to it)");
    }
    ro.verify_first = true;  // a bad dump must leave the archive as it was
    s = RestoreArchive(*db, file, &stats, MakeProgress(&line, "restore", true), ro);
    // Ends with a flush, like import: the next open has no write-ahead log to replay.
    if (s.ok()) s = db->Flush();
    line.Done();
    if (!s.ok()) {
      // Say exactly what the archive holds now: stats.stored records were committed.
      const std::string what =
          stats.stored == 0
              ? " (nothing was merged: the archive was not changed)"
              : "; " + std::to_string(stats.stored) +
                    " records of the dump were merged before that (they replaced records "
                    "with the same ids; the others were not stored: run the same restore "
                    "--merge again to finish, it upserts)";
      Fail("restore " + file + ": " + s.ToString() + what);
      return s.IsAborted() && g_interrupted ? 130 : kExitFailure;
    }
    // The merged records went through the write-ahead log unsynced: flush them to synced
    // table files before exit 0, so that a power loss afterwards keeps them.
    if (Status fl = db->Flush(); !fl.ok()) {
      return Fail("restore " + file + ": the dump's records were merged but could not be "
                  "made durable (a power loss could undo part of the merge): " + fl.ToString());
    }
  }
  std::fprintf(stderr, "restored %" PRIu64 " records, %" PRIu64 " bytes, %.2f s\n",
               stats.records, stats.bytes, Seconds(start));
  return kExitOk;
}

}  // namespace

void AddRestoreCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db, file;
    bool merge = false;
    size_t max_record_bytes = Limits().max_record_bytes;
  };
  auto a = std::make_shared<Args>();
  auto* rst = app->add_subcommand(
      "restore", "Restore a dump into DB. DB must not exist or be empty (a failed restore "
                 "leaves nothing there); with --merge its records are added to (and "
                 "replace same-id records of) an existing archive, after the whole dump "
                 "was checked, so a bad dump changes nothing");
  rst->add_option("DB", a->db, "Archive directory")->required();
  rst->add_option("FILE", a->file, "Dump file")->required();
  rst->add_flag("--merge", a->merge, "Add to a non-empty archive");
  rst->add_option("--max-record-bytes", a->max_record_bytes,
                  "Reject records whose serialized size exceeds N bytes")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{kDumpMaxFrameBytes - 16}));
  rst->callback([ctx, a] {
    ctx->run = [ctx, a] {
      return CmdRestore(a->db, a->file, a->merge, a->max_record_bytes, ctx->quiet);
    };
  });
}

}  // namespace articledb::cli
