// articledb stats DB: counts, date range and bytes (docs/cli.md, "stats").
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/query.h"
#include "common.h"
#include "commands/commands.h"

namespace articledb::cli {
namespace {

std::string Ratio(uint64_t a, uint64_t b) {
  if (b == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(a) / static_cast<double>(b));
  return buf;
}

int CmdStats(const std::string& path) {
  // Read-only, like every command that only reads: it works while another process
  // writes, on a read-only file system and on a full disk. Records still in the
  // write-ahead log only (not yet flushed) are in the cf.NAME memtable_bytes figures, not
  // in the disk figures.
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  Stats st;
  Status s = db->GetStats(&st);
  if (!s.ok()) return Fail("stats: " + s.ToString());
  std::printf("articles\t%" PRIu64 "\n", st.articles);
  std::printf("sources\t%" PRIu64 "\n", st.sources);
  std::printf("entities\t%" PRIu64 "\n", st.entities);
  std::printf("oldest\t%s\n", st.oldest_micros ? FormatTime(*st.oldest_micros).c_str() : "-");
  std::printf("newest\t%s\n", st.newest_micros ? FormatTime(*st.newest_micros).c_str() : "-");
  std::printf("record_bytes\t%" PRIu64 "\n", st.record_bytes);
  std::printf("record_disk_bytes\t%" PRIu64 "\n", st.record_disk_bytes);
  std::printf("compression_ratio\t%s\n", Ratio(st.record_bytes, st.record_disk_bytes).c_str());
  std::printf("total_disk_bytes\t%" PRIu64 "\n", st.total_disk_bytes);
  std::printf("unicode_version\t%s\n", st.unicode_version.empty() ? "-" : st.unicode_version.c_str());
  for (const auto& cf : st.column_families) {
    std::printf("cf.%s\tsst_bytes=%" PRIu64 " memtable_bytes=%" PRIu64
                " estimated_keys=%" PRIu64 "\n",
                cf.name.c_str(), cf.sst_bytes, cf.memtable_bytes, cf.estimated_keys);
  }
  for (const std::string& w : st.warnings) {
    std::fprintf(stderr, "articledb: warning: %s\n", w.c_str());
  }
  uint64_t in_memory = 0;
  for (const auto& cf : st.column_families) in_memory += cf.memtable_bytes;
  if (in_memory > 0) {
    std::fprintf(stderr, "articledb: note: %" PRIu64 " bytes of %s are in memory tables (not "
                         "yet flushed to table files) and not in the disk figures\n",
                 in_memory, path.c_str());
  }
  return Out().Close();
}

}  // namespace

void AddStatsCommand(CLI::App* app, Context* ctx) {
  auto db = std::make_shared<std::string>();
  auto* sts = app->add_subcommand(
      "stats", "Print counts, date range, bytes before and after compression and bytes on "
               "disk by column family");
  sts->add_option("DB", *db, "Archive directory")->required();
  sts->callback([ctx, db] { ctx->run = [db] { return CmdStats(*db); }; });
}

}  // namespace articledb::cli
