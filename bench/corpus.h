// The corpus a benchmark run works on: Reuters-21578 or N synthetic articles.
//
// Preparing a corpus reads (or generates) every article once, keeps its serialized
// record in a cache file in the work directory, and keeps in memory only what the
// harness needs to pick query parameters and to compute the expected answer of every
// query from first principles (ids, dates, normalised source and entity keys).
#ifndef ARTICLEDB_BENCH_CORPUS_H_
#define ARTICLEDB_BENCH_CORPUS_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "articledb/article.h"

namespace articledb::bench {

// Stored in place of a missing published_at, so undated articles sort as the oldest.
constexpr int64_t kNoDate = INT64_MIN;

// Prints a message and exits: the harness never reports figures from a failed run.
[[noreturn]] void Fail(const std::string& message);

struct CorpusSpec {
  std::string kind;         // "reuters" or "synthetic"
  std::string reuters_path;  // for reuters
  uint64_t synthetic_count = 0;
  std::string Describe() const;
};

class Corpus {
 public:
  // Reads or generates the corpus; the record cache goes to `workdir`.
  static std::unique_ptr<Corpus> Prepare(const CorpusSpec& spec, const std::string& workdir);

  size_t size() const { return published_.size(); }
  const std::string& description() const { return description_; }
  uint64_t json_bytes() const { return json_bytes_total_; }
  uint64_t json_bytes(size_t i) const { return json_bytes_[i]; }

  std::string id(size_t i) const;
  int64_t published(size_t i) const { return published_[i]; }
  uint32_t source(size_t i) const { return source_[i]; }
  std::span<const uint32_t> entities(size_t i) const {
    return {entity_keys_.data() + entity_begin_[i], entity_begin_[i + 1] - entity_begin_[i]};
  }
  const std::string& key_name(uint32_t key) const { return key_names_[key]; }
  // The key of a normalised name, if any article has it.
  std::optional<uint32_t> FindKey(const std::string& normalized) const {
    auto it = key_index_.find(normalized);
    if (it == key_index_.end()) return std::nullopt;
    return it->second;
  }
  // Articles mentioning entity key `key`, in corpus order.
  const std::vector<uint32_t>& postings(uint32_t key) const;
  int64_t min_date() const { return min_date_; }
  int64_t max_date() const { return max_date_; }

  // Reads the articles in corpus order from the record cache.
  class Reader {
   public:
    explicit Reader(const std::string& path);
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    // False at the end.
    bool Next(Article* out);

   private:
    std::FILE* file_;
    std::string buffer_;
  };
  std::unique_ptr<Reader> Read() const { return std::make_unique<Reader>(cache_path_); }

 private:
  Corpus() = default;
  void Add(const Article& a, uint64_t json_bytes, std::FILE* cache);
  uint32_t Intern(const std::string& normalized);
  void Finish();

  std::string description_;
  std::string cache_path_;
  uint64_t synthetic_seed_ = 0;
  bool synthetic_ = false;
  std::vector<std::string> ids_;  // reuters only; synthetic ids are computed
  std::vector<int64_t> published_;
  std::vector<uint32_t> source_;
  std::vector<uint32_t> entity_begin_{0};
  std::vector<uint32_t> entity_keys_;
  std::vector<uint32_t> json_bytes_;
  uint64_t json_bytes_total_ = 0;
  std::unordered_map<std::string, uint32_t> key_index_;
  std::vector<std::string> key_names_;
  std::unordered_map<uint32_t, std::vector<uint32_t>> postings_;
  int64_t min_date_ = INT64_MAX;
  int64_t max_date_ = INT64_MIN;
};

}  // namespace articledb::bench

#endif  // ARTICLEDB_BENCH_CORPUS_H_
