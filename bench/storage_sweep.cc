// Measures the record column family's storage options on one corpus: for each setting of
// zstd level, dictionary size and block size, the bytes of records on disk after a full
// compaction, the time to import and compact, and the time of a random Get with a small
// block cache (so most Gets read and decompress a block). The figures behind the defaults
// in include/articledb/options.h; docs/storage.md quotes a run.
//
//   articledb_storage_sweep --jsonl=FILE.jsonl   (JSON Lines; - for standard input)
//   articledb_storage_sweep --synthetic=N        (N generated articles)
//   [--workdir=DIR] [--gets=N]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "articledb/articledb.h"
#include "synth/synth.h"

namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "articledb_storage_sweep: %s\n", what.c_str());
  std::exit(2);
}

struct Setting {
  int level;
  uint32_t dict;
  uint32_t block;
};

}  // namespace

int main(int argc, char** argv) {
  std::string jsonl, workdir = "/tmp/articledb-storage-sweep";
  uint64_t synthetic = 0, gets = 20000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* flag) -> const char* {
      const std::string f = std::string(flag) + "=";
      return a.rfind(f, 0) == 0 ? argv[i] + f.size() : nullptr;
    };
    if (const char* v = value("--jsonl")) {
      jsonl = v;
    } else if (const char* v2 = value("--synthetic")) {
      synthetic = std::stoull(v2);
    } else if (const char* v3 = value("--workdir")) {
      workdir = v3;
    } else if (const char* v4 = value("--gets")) {
      gets = std::stoull(v4);
    } else {
      Die("unknown argument '" + a + "' (--jsonl=FILE | --synthetic=N, --workdir=DIR, --gets=N)");
    }
  }
  std::vector<articledb::Article> articles;
  if (!jsonl.empty()) {
    std::FILE* f = jsonl == "-" ? stdin : std::fopen(jsonl.c_str(), "r");
    if (!f) Die("cannot open '" + jsonl + "'");
    std::string line;
    int c;
    uint64_t line_no = 0;
    while (true) {
      line.clear();
      while ((c = std::fgetc(f)) != EOF && c != '\n') line.push_back(static_cast<char>(c));
      if (line.empty() && c == EOF) break;
      ++line_no;
      articledb::Article a;
      const articledb::Status s = articledb::ParseArticleJson(line, &a);
      if (!s.ok()) Die(jsonl + ":" + std::to_string(line_no) + ": " + s.message());
      articles.push_back(std::move(a));
    }
    if (f != stdin) std::fclose(f);
  } else if (synthetic > 0) {
    articledb::synth::Generator gen(articledb::synth::CorpusOptions{});
    articles.resize(synthetic);
    for (uint64_t i = 0; i < synthetic; ++i) gen.Make(i, &articles[i]);
  } else {
    Die("give --jsonl=FILE or --synthetic=N");
  }
  std::vector<std::string> ids;
  for (const auto& a : articles) ids.push_back(a.id().empty() ? articledb::DeriveArticleId(a) : a.id());

  const std::vector<Setting> settings = {
      {3, 64 << 10, 16 << 10},  // the defaults
      {1, 64 << 10, 16 << 10},  {6, 64 << 10, 16 << 10},  {9, 64 << 10, 16 << 10},
      {19, 64 << 10, 16 << 10}, {3, 0, 16 << 10},         {3, 16 << 10, 16 << 10},
      {3, 112 << 10, 16 << 10}, {3, 64 << 10, 4 << 10},   {3, 64 << 10, 64 << 10},
      {3, 0, 4 << 10},
  };
  std::printf("%zu articles\n", articles.size());
  std::printf("level\tdict_KiB\tblock_KiB\trecord_MB\tratio\timport_s\tcompact_s\tget_us\n");
  std::mt19937_64 rng(42);
  for (const Setting& st : settings) {
    std::filesystem::remove_all(workdir);
    articledb::Options o;
    o.create_if_missing = true;
    o.compression_level = st.level;
    o.dictionary_bytes = st.dict;
    o.record_block_bytes = st.block;
    o.block_cache_bytes = 8u << 20;
    std::unique_ptr<articledb::Archive> db;
    articledb::Status s = articledb::Archive::Open(o, workdir, &db);
    if (!s.ok()) Die("open: " + s.ToString());
    const auto t0 = Clock::now();
    for (size_t i = 0; i < articles.size(); i += 1000) {
      const size_t n = std::min<size_t>(1000, articles.size() - i);
      s = db->PutBatch(articledb::WriteOptions(), std::span(articles).subspan(i, n));
      if (!s.ok()) Die("put: " + s.ToString());
    }
    if (!(s = db->Flush()).ok()) Die("flush: " + s.ToString());
    const double import_s = Seconds(t0);
    const auto t1 = Clock::now();
    if (!(s = db->Compact()).ok()) Die("compact: " + s.ToString());
    const double compact_s = Seconds(t1);
    articledb::Stats stats;
    if (!(s = db->GetStats(&stats)).ok()) Die("stats: " + s.ToString());
    articledb::Article got;
    const auto t2 = Clock::now();
    for (uint64_t g = 0; g < gets; ++g) {
      if (!(s = db->Get(ids[rng() % ids.size()], &got)).ok()) Die("get: " + s.ToString());
    }
    const double get_us = Seconds(t2) * 1e6 / static_cast<double>(gets);
    std::printf("%d\t%u\t%u\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\n", st.level, st.dict >> 10, st.block >> 10,
                static_cast<double>(stats.record_disk_bytes) / 1e6,
                static_cast<double>(stats.record_bytes) / static_cast<double>(stats.record_disk_bytes),
                import_s, compact_s, get_us);
    std::fflush(stdout);
  }
  std::filesystem::remove_all(workdir);
  return 0;
}
