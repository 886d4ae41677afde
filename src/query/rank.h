// Relevance order (Order::kRelevance): a text query's matches ranked by BM25 (docs/search.md,
// "Relevance"). Internal.
//
// Every match is found by the planner, then its record is read and analysed for how often
// each positive word, phrase and prefix of the query occurs in it (text::Matcher::Measure,
// a title occurrence counting kTitleWeight) and for its length in words (a title word
// counting kTitleWeight too: BM25F's weighted pseudo-document). The score is the
// sum over those leaves of
//   idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average length)),
//   idf = ln(1 + (N - df + 0.5) / (df + 0.5)),
// with k1 = 1.2 and b = 0.75; N is the archive's article count; df is a word's document
// frequency from the text index's counters when the archive has the index and analysis
// makes the word one term, else the number of matches holding the leaf; the average
// length is over the matches. Cost: every match's record is read, so a query matching many
// articles costs as many reads (no pruning yet).
#ifndef ARTICLEDB_SRC_QUERY_RANK_H_
#define ARTICLEDB_SRC_QUERY_RANK_H_

#include <cstdint>
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

// Every match of `nf` (which has a text query) in relevance order. `view` has begun.
Status RankMatches(const store::ReadView& view, const NormalFilter& nf, std::vector<Scored>* out);

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_RANK_H_
