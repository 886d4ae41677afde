// Doc values: per article, the normalised names facets count (source, language, topics,
// authors, entities), stored in the `facets` column family under the article's docno and
// written in the same batch as the article (docs/storage.md, "Facets"). Facets walk the
// docnos matching a query and count these names; they never read records.
//
// Value: version(1) = 1, then five fields in this order: source, language, topics,
// authors, entities; each is count (varint) then, per name, length (varint) + bytes.
// Names are normalised (NormalizeName), distinct within a field, in the article's order;
// names that normalise to nothing (an empty language) are left out.
#ifndef ARTICLEDB_SRC_INDEX_DOC_VALUES_H_
#define ARTICLEDB_SRC_INDEX_DOC_VALUES_H_

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "articledb/article.h"

namespace articledb::index {

// The fields of a doc value, in their stored order.
enum DocField : size_t { kDocSource = 0, kDocLanguage, kDocTopics, kDocAuthors, kDocEntities, kNumDocFields };

// The key type of the index (and counters) holding each field's names: 'S', 'L', 'T',
// 'A', 'E'.
char DocFieldType(DocField field);

// The doc value of `a` (serialized as above) into *out.
void EncodeDocValues(const Article& a, std::string* out);

// The names of `field` in the doc value `value`, as views into it. False (and *names
// empty) when the value is malformed.
bool DocValueNames(std::string_view value, DocField field, std::vector<std::string_view>* names);

}  // namespace articledb::index

#endif  // ARTICLEDB_SRC_INDEX_DOC_VALUES_H_
