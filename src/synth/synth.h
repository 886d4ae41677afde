// Synthetic news corpus: deterministic articles with the shape of real news, at any scale.
//
// Article i depends only on (options, i): generation can be split across threads, and a
// benchmark can recompute any article (or its id, source, entities, date) without storing
// the corpus. Not part of the installed API.
#ifndef ARTICLEDB_SYNTH_SYNTH_H_
#define ARTICLEDB_SYNTH_SYNTH_H_

#include <cstdint>
#include <memory>
#include <string>

#include "articledb/article.h"

namespace articledb::synth {

struct CorpusOptions {
  uint64_t seed = 1;
  // Distinct sources (publications); drawn Zipf-style.
  uint32_t sources = 60;
  // Distinct entity names of each kind (PERSON, ORGANIZATION, LOCATION, EVENT, OTHER);
  // drawn Zipf-style.
  uint32_t entities_per_kind = 50000;
  // published_at spread over [start, start + years), with a daily rhythm.
  int64_t start_micros = 1420070400000000;  // 2015-01-01T00:00:00Z
  uint32_t years = 10;
};

class Generator {
 public:
  explicit Generator(const CorpusOptions& options);
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  // The i-th article of the corpus (i from 0). Thread-safe.
  void Make(uint64_t i, Article* out) const;

  const CorpusOptions& options() const;

 private:
  struct Tables;
  CorpusOptions options_;
  std::unique_ptr<Tables> tables_;
};

}  // namespace articledb::synth

#endif  // ARTICLEDB_SYNTH_SYNTH_H_
