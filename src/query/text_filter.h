// The text part of a query (Filter::text) as a query operator: the matches of another
// operator whose stored text matches the text query (text::Matcher). Internal.
//
// Used when the archive has no text index, and over the text index's candidates when its
// lists only approximate the query (phrases, fields: query/text_plan.h): the operator
// reads and analyses the record of each position (docs/search.md, "How a text query
// runs").
#ifndef ARTICLEDB_SRC_QUERY_TEXT_FILTER_H_
#define ARTICLEDB_SRC_QUERY_TEXT_FILTER_H_

#include <memory>

#include "query/operators.h"
#include "text/query_parser.h"

namespace articledb::store {
class ReadView;
}

namespace articledb::query {

// Walks `inner` and stops only on positions whose record matches `query`. Cost: inner's.
// A record that is missing or cannot be parsed ends the walk with Corruption.
IteratorPtr NewTextFilter(const store::ReadView& view, IteratorPtr inner,
                          std::shared_ptr<const text::QueryNode> query);

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_TEXT_FILTER_H_
