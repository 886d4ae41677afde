#include "corpus.h"

#include <zstd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include "synth/synth.h"

namespace articledb::bench {

void Fail(const std::string& message) {
  std::cerr << "articledb_bench: " << message << std::endl;
  std::exit(1);
}

std::string CorpusSpec::Describe() const {
  if (kind == "reuters") return "reuters";
  return "synthetic:" + std::to_string(synthetic_count);
}

namespace {

void WriteRecord(std::FILE* f, const std::string& bytes) {
  const auto n = static_cast<uint32_t>(bytes.size());
  if (std::fwrite(&n, sizeof(n), 1, f) != 1 ||
      (n > 0 && std::fwrite(bytes.data(), 1, n, f) != n)) {
    Fail("cannot write the corpus cache");
  }
}

// Calls `line` for every line of a zstd-compressed file.
template <typename Fn>
void ForEachZstdLine(const std::string& path, Fn&& line) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) Fail("cannot open corpus '" + path + "' (use --reuters=PATH)");
  ZSTD_DStream* ds = ZSTD_createDStream();
  std::vector<char> in(ZSTD_DStreamInSize());
  std::vector<char> out(ZSTD_DStreamOutSize());
  std::string pending;
  size_t n;
  while ((n = std::fread(in.data(), 1, in.size(), f)) > 0) {
    ZSTD_inBuffer ib{in.data(), n, 0};
    while (ib.pos < ib.size) {
      ZSTD_outBuffer ob{out.data(), out.size(), 0};
      const size_t r = ZSTD_decompressStream(ds, &ob, &ib);
      if (ZSTD_isError(r)) Fail(path + ": " + ZSTD_getErrorName(r));
      pending.append(out.data(), ob.pos);
      size_t start = 0;
      for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
        line(std::string_view(pending).substr(start, nl - start));
      }
      pending.erase(0, start);
    }
  }
  if (!pending.empty()) line(std::string_view(pending));
  ZSTD_freeDStream(ds);
  std::fclose(f);
}

}  // namespace

uint32_t Corpus::Intern(const std::string& normalized) {
  auto [it, added] = key_index_.try_emplace(normalized, static_cast<uint32_t>(key_names_.size()));
  if (added) key_names_.push_back(normalized);
  return it->second;
}

void Corpus::Add(const Article& a, uint64_t json_bytes, std::FILE* cache) {
  std::string bytes;
  if (!a.SerializeToString(&bytes)) Fail("cannot serialize article " + a.id());
  WriteRecord(cache, bytes);
  if (!synthetic_) ids_.push_back(a.id());
  const int64_t t = a.has_published_at() ? TimestampMicros(a.published_at()) : kNoDate;
  published_.push_back(t);
  if (t != kNoDate) {
    min_date_ = std::min(min_date_, t);
    max_date_ = std::max(max_date_, t);
  }
  source_.push_back(Intern(NormalizeName(a.source())));
  const size_t begin = entity_keys_.size();
  for (const Entity& e : a.entities()) {
    const uint32_t k = Intern(NormalizeName(e.name()));
    if (std::find(entity_keys_.begin() + static_cast<ptrdiff_t>(begin), entity_keys_.end(), k) ==
        entity_keys_.end()) {
      entity_keys_.push_back(k);
    }
  }
  entity_begin_.push_back(static_cast<uint32_t>(entity_keys_.size()));
  json_bytes_.push_back(static_cast<uint32_t>(json_bytes));
  json_bytes_total_ += json_bytes;
}

void Corpus::Finish() {
  for (size_t i = 0; i < size(); ++i) {
    for (uint32_t k : entities(i)) postings_[k].push_back(static_cast<uint32_t>(i));
  }
}

const std::vector<uint32_t>& Corpus::postings(uint32_t key) const {
  static const std::vector<uint32_t> kEmpty;
  auto it = postings_.find(key);
  return it == postings_.end() ? kEmpty : it->second;
}

std::string Corpus::id(size_t i) const {
  if (!synthetic_) return ids_[i];
  return "synth/" + std::to_string(synthetic_seed_) + "/" + std::to_string(i);
}

std::unique_ptr<Corpus> Corpus::Prepare(const CorpusSpec& spec, const std::string& workdir) {
  std::unique_ptr<Corpus> c(new Corpus());
  c->description_ = spec.Describe();
  c->cache_path_ = (std::filesystem::path(workdir) / "corpus.records").string();
  std::FILE* cache = std::fopen(c->cache_path_.c_str(), "wb");
  if (cache == nullptr) Fail("cannot create " + c->cache_path_);
  std::cerr << "preparing corpus " << c->description_ << " ..." << std::endl;

  if (spec.kind == "reuters") {
    Article a;
    size_t line_no = 0;
    ForEachZstdLine(spec.reuters_path, [&](std::string_view line) {
      ++line_no;
      if (line.empty()) return;
      const Status s = ParseArticleJson(line, &a);
      if (!s.ok()) Fail(spec.reuters_path + " line " + std::to_string(line_no) + ": " + s.ToString());
      c->Add(a, line.size(), cache);
    });
  } else {
    synth::CorpusOptions o;
    c->synthetic_ = true;
    c->synthetic_seed_ = o.seed;
    const synth::Generator gen(o);
    const uint64_t n = spec.synthetic_count;
    c->published_.reserve(n);
    // Two threads make and print (JSON, for its size) each chunk; this one indexes it.
    constexpr size_t kChunk = 2048;
    std::vector<Article> chunk(kChunk);
    std::vector<uint64_t> json(kChunk);
    for (uint64_t base = 0; base < n; base += kChunk) {
      const size_t m = static_cast<size_t>(std::min<uint64_t>(kChunk, n - base));
      auto work = [&](size_t part) {
        std::string text;
        for (size_t k = part; k < m; k += 2) {
          gen.Make(base + k, &chunk[k]);
          const Status s = ArticleToJson(chunk[k], &text);
          if (!s.ok()) Fail("cannot print synthetic article as JSON: " + s.ToString());
          json[k] = text.size();
        }
      };
      std::thread helper(work, 1);
      work(0);
      helper.join();
      for (size_t k = 0; k < m; ++k) c->Add(chunk[k], json[k], cache);
    }
  }
  if (std::fclose(cache) != 0) Fail("cannot write " + c->cache_path_);
  if (c->size() == 0) Fail("the corpus is empty");
  c->Finish();
  std::cerr << "corpus " << c->description_ << ": " << c->size() << " articles, "
            << c->json_bytes_total_ / 1000000.0 << " MB of JSON, " << c->key_names_.size()
            << " distinct names" << std::endl;
  return c;
}

Corpus::Reader::Reader(const std::string& path) : file_(std::fopen(path.c_str(), "rb")) {
  if (file_ == nullptr) Fail("cannot open " + path);
  static constexpr size_t kBuffer = 1 << 20;
  std::setvbuf(file_, nullptr, _IOFBF, kBuffer);
}

Corpus::Reader::~Reader() { std::fclose(file_); }

bool Corpus::Reader::Next(Article* out) {
  uint32_t n = 0;
  if (std::fread(&n, sizeof(n), 1, file_) != 1) return false;
  buffer_.resize(n);
  if (n > 0 && std::fread(buffer_.data(), 1, n, file_) != n) Fail("truncated corpus cache");
  if (!out->ParseFromString(buffer_)) Fail("unreadable corpus cache");
  return true;
}

}  // namespace articledb::bench
