// Relevance order (Order::kRelevance): a text query's matches ranked by BM25 (docs/search.md,
// "Relevance"). Internal.
//
// Every match is found by the planner, then measured: how often each positive word, phrase
// and prefix of the query occurs in it (a title occurrence counting kTitleWeight) and its
// length in words (a title word counting kTitleWeight too: BM25F's weighted
// pseudo-document). When the archive's text index keeps impacts and the query's positive
// leaves are all words in every field that analysis makes one term, those are the impacts
// of the words' postings (index/posting_block.h), read from the lists in the filter's
// time range, and no record is read; otherwise each match's record is read and analysed
// (text::Matcher::Measure), which counts the same. The score is the
// sum over those leaves of
//   idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average length)),
//   idf = ln(1 + (N - df + 0.5) / (df + 0.5)),
// with k1 = 1.2 and b = 0.75; N is the archive's article count; df is a word's document
// frequency from the text index's counters when the archive has the index and analysis
// makes the word one term, else the number of matches holding the leaf; the average
// length is over the matches. Cost: every posting of the query's words in the time range
// (impacts), or every match's record (no pruning yet).
#ifndef ARTICLEDB_SRC_QUERY_RANK_H_
#define ARTICLEDB_SRC_QUERY_RANK_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "articledb/status.h"
#include "query/filter.h"
#include "query/postings.h"

namespace articledb::store {
class ReadView;
}

namespace articledb::query {

inline constexpr double kBm25K1 = 1.2;
inline constexpr double kBm25B = 0.75;

struct Scored {
  double score = 0;
  Pos pos{};
};

// Whether `a` comes before `b` in relevance order: higher score first, then the later
// stored (higher docno) first.
inline bool RanksBefore(const Scored& a, const Scored& b) {
  if (a.score != b.score) return a.score > b.score;
  return a.pos.docno > b.pos.docno;
}

// What a page needs: the `k` best matches that rank after `after` (none: from the best).
struct RankTop {
  std::optional<Scored> after;
  size_t k = 0;
};

// Every match of `nf` (which has a text query) in relevance order, or, with `top`, at
// least its k best after top->after first (when impacts answer: exactly those, found
// without walking every match; otherwise every match). `view` has begun.
Status RankMatches(const store::ReadView& view, const NormalFilter& nf, std::vector<Scored>* out,
                   const RankTop* top = nullptr);

// Tests: with `on`, relevance measures every match's record even where impacts answer
// (the two must rank alike).
void MeasureRecordsForTesting(bool on);
// Tests: the chunks relevance pages have skipped by their maxima, since the process began.
uint64_t ChunksSkippedForTesting();

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_RANK_H_
