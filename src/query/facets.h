// Facets (Archive::Facets): the most frequent names of one field among the articles a
// filter matches, counted from the doc values of the matching docnos (the `facets` column
// family, src/index/doc_values.h), with display names from the name counters. Records
// are never read.
#ifndef ARTICLEDB_SRC_QUERY_FACETS_H_
#define ARTICLEDB_SRC_QUERY_FACETS_H_

#include <vector>

#include "articledb/archive.h"

namespace articledb::store {
class ReadView;
}

namespace articledb::query {

// Begins `view` (not yet begun) once the arguments are checked.
Status Facets(store::ReadView& view, const Filter& filter, const FacetOptions& options,
              std::vector<NameCount>* facets);

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_FACETS_H_
