// A text query (text::QueryNode) as operators over the text index's posting lists
// (keys::kText: one list per term and analysis group). Internal.
//
// A word is looked up in each analysis group the index holds, as that group analyses it
// (the OR of one list per group), so an article is found by the terms its own language
// gave it. Some parts of a query are only approximated by the lists, which know which
// articles hold a term but not where:
//   - a phrase (or a word analysis cuts in several terms) gives the AND of its terms;
//   - a word or prefix limited to fields (title:...) gives its lists for every field;
//   - a prefix matching more than kMaxPrefixTerms terms of a group has no lists;
//   - what has no lists is left out of an AND, and a NOT of something approximate is
//     left out (an OR with such a child has no lists itself).
// The tree then gives a superset of the matches, and `exact` is false: the caller checks
// each position's record with the matcher (query/text_filter.h). When exact, the tree
// gives the matches and no record is read.
#ifndef ARTICLEDB_SRC_QUERY_TEXT_PLAN_H_
#define ARTICLEDB_SRC_QUERY_TEXT_PLAN_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "articledb/status.h"
#include "query/operators.h"
#include "text/query_parser.h"

namespace articledb::store {
class ReadView;
}

namespace articledb::query {

inline constexpr size_t kMaxPrefixTerms = 128;

// Makes the leaf of one index prefix (keys::IndexPrefix(kText, name)) with `cost`, the
// document frequency its counter holds: how the planner reads blocks.
using TextLeafFn = std::function<Status(const std::string& prefix, uint64_t cost, IteratorPtr*)>;

// *out: the tree (nullptr when the query has no lists at all: the caller walks every
// article); *exact: the tree gives exactly the query's matches.
Status PlanText(const store::ReadView& view, const text::QueryNode& query, Direction dir,
                const TextLeafFn& leaf, IteratorPtr* out, bool* exact);

// The number of articles matching `query` from the terms' document frequencies alone,
// when it is one word in every field that each analysis group turns into one term (an
// article is in one group, so the groups' lists are disjoint and their frequencies add
// up): *done. Otherwise *done is false and the caller walks the lists.
Status CountByFrequencies(const store::ReadView& view, const text::QueryNode& query,
                          bool* done, uint64_t* count);

// For each of `words` (kWord leaves), the index prefixes of its term in each analysis group
// that gives it one, and the sum of those terms' document frequencies (one walk of the
// groups for all the words). *single is false, and the rest unspecified, when a group
// analyses a word into several terms.
Status WordLists(const store::ReadView& view, const std::vector<const text::QueryNode*>& words,
                 std::vector<std::vector<std::string>>* prefixes, std::vector<uint64_t>* dfs,
                 bool* single);

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_TEXT_PLAN_H_
