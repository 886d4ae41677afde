// The fast path of ParseArticleJson (src/article_json.cc). Internal.
#ifndef ARTICLEDB_SRC_ARTICLE_JSON_H_
#define ARTICLEDB_SRC_ARTICLE_JSON_H_

#include <string_view>

#include "articledb/article.h"

namespace articledb::internal {

// Parses `json` (valid UTF-8) with simdjson straight into *out, for the common shape of
// the interchange schema: an object of known fields (proto or lowerCamelCase names) with
// string, string-array, entity-array, RFC 3339 date and string-map values, or null.
// Returns true with *out set exactly as protobuf's JSON parser (with the options
// ParseArticleJson uses) would set it. Returns false, *out cleared, for anything else:
// malformed JSON, an unknown or repeated field, a value of another type, a date or an
// entity kind outside the forms handled here. The caller then parses with protobuf, which
// either accepts the input the same way or words the error.
bool FastParseArticleJson(std::string_view json, Article* out);

// After protobuf's parser read `json` into *out: sets the label of each entity whose kind
// was given as a tagger's label ("gpe": kind LOCATION, label "GPE") and that has no label
// of its own, as FastParseArticleJson does. Nothing changes when `json` does not parse.
void KeepKindLabels(std::string_view json, Article* out);

}  // namespace articledb::internal

#endif  // ARTICLEDB_SRC_ARTICLE_JSON_H_
