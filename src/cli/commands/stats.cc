// articledb stats DB: counts, date range and bytes (docs/cli.md, "stats").
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/query.h"
#include "common.h"
#include "commands/commands.h"

namespace articledb::cli {
namespace {

std::string Ratio(double r) {
  if (r <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", r);
  return buf;
}

// A JSON string literal of `s` (UTF-8 as is; quotes, backslashes and control characters
// escaped).
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string Num(uint64_t v) { return std::to_string(v); }

void PrintText(const Stats& st) {
  std::printf("articles\t%" PRIu64 "\n", st.articles);
  std::printf("sources\t%" PRIu64 "\n", st.sources);
  std::printf("entities\t%" PRIu64 "\n", st.entities);
  std::printf("oldest\t%s\n", st.oldest_micros ? FormatTime(*st.oldest_micros).c_str() : "-");
  std::printf("newest\t%s\n", st.newest_micros ? FormatTime(*st.newest_micros).c_str() : "-");
  std::printf("record_bytes\t%" PRIu64 "\n", st.record_bytes);
  std::printf("record_disk_bytes\t%" PRIu64 "\n", st.record_disk_bytes);
  std::printf("compression_ratio\t%s\n", Ratio(st.compression_ratio).c_str());
  std::printf("total_disk_bytes\t%" PRIu64 "\n", st.total_disk_bytes);
  std::printf("unicode_version\t%s\n", st.unicode_version.empty() ? "-" : st.unicode_version.c_str());
  std::printf("text_index\t%s\n", st.text_index ? "yes" : "no");
  for (const auto& cf : st.column_families) {
    std::printf("cf.%s\tsst_bytes=%" PRIu64 " memtable_bytes=%" PRIu64
                " estimated_keys=%" PRIu64 "\n",
                cf.name.c_str(), cf.sst_bytes, cf.memtable_bytes, cf.estimated_keys);
  }
}

// One JSON object, the same figures as the text form (absent values are null).
void PrintJson(const Stats& st) {
  std::string o = "{\"articles\":" + Num(st.articles) + ",\"sources\":" + Num(st.sources) +
                  ",\"entities\":" + Num(st.entities) + ",\"oldest\":" +
                  (st.oldest_micros ? Quote(FormatTime(*st.oldest_micros)) : "null") +
                  ",\"newest\":" +
                  (st.newest_micros ? Quote(FormatTime(*st.newest_micros)) : "null") +
                  ",\"record_bytes\":" + Num(st.record_bytes) +
                  ",\"record_disk_bytes\":" + Num(st.record_disk_bytes) +
                  ",\"compression_ratio\":" +
                  (st.compression_ratio > 0 ? Ratio(st.compression_ratio) : "null") +
                  ",\"total_disk_bytes\":" + Num(st.total_disk_bytes) + ",\"unicode_version\":" +
                  (st.unicode_version.empty() ? "null" : Quote(st.unicode_version)) +
                  ",\"text_index\":" + (st.text_index ? "true" : "false") +
                  ",\"column_families\":{";
  for (size_t i = 0; i < st.column_families.size(); ++i) {
    const auto& cf = st.column_families[i];
    o += (i > 0 ? "," : "") + Quote(cf.name) + ":{\"sst_bytes\":" + Num(cf.sst_bytes) +
         ",\"memtable_bytes\":" + Num(cf.memtable_bytes) +
         ",\"estimated_keys\":" + Num(cf.estimated_keys) + "}";
  }
  o += "}}";
  std::printf("%s\n", o.c_str());
}

int CmdStats(const std::string& path, const std::string& format) {
  // Read-only, like every command that only reads: it works while another process
  // writes, on a read-only file system and on a full disk. Records still in the
  // write-ahead log only (not yet flushed) are in the cf.NAME memtable_bytes figures, not
  // in the disk figures.
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  Stats st;
  Status s = db->GetStats(&st);
  if (!s.ok()) return Fail("stats: " + s.ToString());
  if (format == "json") {
    PrintJson(st);
  } else {
    PrintText(st);
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
  struct Args {
    std::string db, format = "text";
  };
  auto a = std::make_shared<Args>();
  auto* sts = app->add_subcommand(
      "stats", "Print counts, date range, bytes before and after compression and bytes on "
               "disk by column family");
  sts->add_option("DB", a->db, "Archive directory")->required();
  sts->add_option("--format", a->format, "Output: text (NAME<TAB>VALUE lines) or json (one object)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  sts->callback([ctx, a] { ctx->run = [a] { return CmdStats(a->db, a->format); }; });
}

}  // namespace articledb::cli
