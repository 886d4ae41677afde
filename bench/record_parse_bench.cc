// Parsing stored records (src/store/record_codec.h), one record per iteration, on
// Reuters-21578 records and on synthetic records (about 3 KB each):
//   protobuf_new      Article::ParseFromArray into a new message (UTF-8 validated)
//   protobuf_reused   Article::ParseFromArray into one reused message (UTF-8 validated)
//   bytes_mirror      parse into a reused `bytes` mirror of the schema
//                     (bench/proto/article_bytes.proto), then swap into a reused Article
//   parse_record      ParseRecord into one reused message (no UTF-8 validation)
//
//   articledb_record_parse_bench [--corpora=DIR] [benchmark flags]
#include <benchmark/benchmark.h>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "articledb/article.h"
#include "article_bytes.pb.h"
#include "corpus.h"
#include "store/record_codec.h"

namespace articledb {
namespace {

std::vector<std::string> g_reuters, g_synthetic;

// The records of a corpus as the archive stores them (serialized Articles).
std::vector<std::string> Serialized(const bench::CorpusSpec& spec) {
  const std::filesystem::path work =
      std::filesystem::temp_directory_path() / ("articledb-parse-bench-" + spec.kind);
  std::filesystem::create_directories(work);
  std::unique_ptr<bench::Corpus> corpus = bench::Corpus::Prepare(spec, work.string());
  std::vector<std::string> out;
  Article a;
  for (auto reader = corpus->Read(); reader->Next(&a);) out.push_back(a.SerializeAsString());
  corpus.reset();
  std::filesystem::remove_all(work);
  return out;
}

void Load(const std::string& corpora) {
  bench::CorpusSpec reuters{"reuters", corpora + "/reuters21578.jsonl.zst", 0};
  if (std::filesystem::exists(reuters.reuters_path)) {
    g_reuters = Serialized(reuters);
  } else {
    std::cerr << "no Reuters corpus at " << reuters.reuters_path << ": its rows fail\n";
  }
  g_synthetic = Serialized(bench::CorpusSpec{"synthetic", "", 20000});
  for (const auto* set : {&g_reuters, &g_synthetic}) {
    size_t bytes = 0;
    for (const std::string& r : *set) bytes += r.size();
    if (!set->empty()) {
      std::cerr << (set == &g_reuters ? "reuters" : "synthetic") << ": " << set->size()
                << " records, " << bytes / set->size() << " bytes on average\n";
    }
  }
}

const std::vector<std::string>& Records(int which) { return which == 0 ? g_reuters : g_synthetic; }

template <typename ParseFn>
void Run(benchmark::State& state, ParseFn parse) {
  const std::vector<std::string>& records = Records(static_cast<int>(state.range(0)));
  if (records.empty()) {
    state.SkipWithError("corpus not loaded");
    return;
  }
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& r = records[i];
    if (!parse(r)) state.SkipWithError("parse failed");
    bytes += r.size();
    if (++i == records.size()) i = 0;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetLabel(state.range(0) == 0 ? "reuters" : "synthetic");
}

void BM_ProtobufNew(benchmark::State& state) {
  Run(state, [](const std::string& r) {
    Article a;
    const bool ok = a.ParseFromArray(r.data(), static_cast<int>(r.size()));
    benchmark::DoNotOptimize(a);
    return ok;
  });
}

void BM_ProtobufReused(benchmark::State& state) {
  Article a;
  Run(state, [&](const std::string& r) {
    const bool ok = a.ParseFromArray(r.data(), static_cast<int>(r.size()));
    benchmark::DoNotOptimize(a);
    return ok;
  });
}

// The mirror's strings are swapped into the Article (both keep their buffers).
void MoveInto(articledb_mirror::Article* m, Article* a) {
  a->Clear();
  a->mutable_id()->swap(*m->mutable_id());
  a->mutable_url()->swap(*m->mutable_url());
  a->mutable_source()->swap(*m->mutable_source());
  a->mutable_language()->swap(*m->mutable_language());
  if (m->has_published_at()) a->mutable_published_at()->Swap(m->mutable_published_at());
  if (m->has_updated_at()) a->mutable_updated_at()->Swap(m->mutable_updated_at());
  a->mutable_title()->swap(*m->mutable_title());
  a->mutable_summary()->swap(*m->mutable_summary());
  a->mutable_body()->swap(*m->mutable_body());
  for (std::string& s : *m->mutable_authors()) a->add_authors()->swap(s);
  for (std::string& s : *m->mutable_topics()) a->add_topics()->swap(s);
  for (articledb_mirror::Entity& e : *m->mutable_entities()) {
    v1::Entity* to = a->add_entities();
    to->mutable_name()->swap(*e.mutable_name());
    to->set_kind(static_cast<v1::Entity_Kind>(e.kind()));
  }
  for (articledb_mirror::Attribute& kv : *m->mutable_attributes()) {
    (*a->mutable_attributes())[kv.key()].swap(*kv.mutable_value());
  }
}

void BM_BytesMirror(benchmark::State& state) {
  articledb_mirror::Article m;
  Article a;
  Run(state, [&](const std::string& r) {
    if (!m.ParseFromArray(r.data(), static_cast<int>(r.size()))) return false;
    MoveInto(&m, &a);
    benchmark::DoNotOptimize(a);
    return true;
  });
}

void BM_ParseRecord(benchmark::State& state) {
  Article a;
  Run(state, [&](const std::string& r) {
    const bool ok = ParseRecord(r, &a);
    benchmark::DoNotOptimize(a);
    return ok;
  });
}

BENCHMARK(BM_ProtobufNew)->Arg(0)->Arg(1);
BENCHMARK(BM_ProtobufReused)->Arg(0)->Arg(1);
BENCHMARK(BM_BytesMirror)->Arg(0)->Arg(1);
BENCHMARK(BM_ParseRecord)->Arg(0)->Arg(1);

}  // namespace
}  // namespace articledb

int main(int argc, char** argv) {
  std::string corpora = ARTICLEDB_CORPORA_DIR;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--corpora=", 10) == 0) corpora = argv[i] + 10;
  }
  benchmark::Initialize(&argc, argv);
  articledb::Load(corpora);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
