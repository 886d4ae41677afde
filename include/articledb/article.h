// Articles: the record type, its JSON interchange form, validation and naming rules.
//
// An Article is the protobuf message articledb.v1.Article (proto/articledb/v1/article.proto).
// Its JSON form is protobuf's JSON mapping with the proto field names: the interchange
// schema documented in docs/format.md. All functions here are thread-safe.
#ifndef ARTICLEDB_ARTICLE_H_
#define ARTICLEDB_ARTICLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "articledb/status.h"
#include "articledb/v1/article.pb.h"

namespace articledb {

using Article = v1::Article;
using Entity = v1::Entity;

// Limits checked on every write. A record over a limit is rejected with a message that
// names the field; nothing is truncated.
struct Limits {
  // Serialized size of one record. Larger records are rejected, not split.
  size_t max_record_bytes = 16u << 20;
  // Length of an id, in bytes. Ids are keys of the id map.
  size_t max_id_bytes = 1024;
  // Length of a source or entity name, in bytes, as given. Names are index keys.
  size_t max_name_bytes = 1024;
  // Number of entities on one article (each is one index entry).
  size_t max_entities = 10000;
};

// Parses one JSON object in the interchange schema into *out (cleared first).
// Rejects, with InvalidArgument and a message naming the field: malformed JSON, a value
// of the wrong type, an unknown field, an unknown entity kind, an unparseable date, and
// strings that are not valid UTF-8. Does not apply Limits or the `source` requirement:
// ValidateArticle does, and Archive::Put calls it.
Status ParseArticleJson(std::string_view json, Article* out);

// Writes the interchange JSON of `article` (one line, no trailing newline) to *out.
// Fields at their default value (empty strings and lists, no date) are omitted, as in
// the input schema.
Status ArticleToJson(const Article& article, std::string* out);

// Checks what a write requires: every string valid UTF-8, `source` present and
// non-empty after normalisation, every entity name non-empty after normalisation,
// entity kinds known, timestamps within 0001-01-01..9999-12-31, and `limits`.
// The message names the article (by id, when it has one) and the field, e.g.
//   article 'r/17': field 'entities[2].name': invalid UTF-8 at byte 4
Status ValidateArticle(const Article& article, const Limits& limits);

// The id ArticleDB assigns to an article stored without one. Stable across runs and
// versions, so importing the same article twice updates it instead of duplicating it:
//   with a url:    "url:"  + 32 hex digits of XXH3-128(url bytes as given)
//   without a url: "hash:" + 32 hex digits of XXH3-128(source, title, published_at, body)
// The fields are joined so that no two different articles give the same bytes, NUL
// characters in source or title included (docs/format.md gives the exact encoding).
std::string DeriveArticleId(const Article& article);

// The key form of a source or entity name: Unicode NFKC, case folded, combining marks
// removed, surrounding white space trimmed. "Arménie", "ARMENIE" and "Arme\u0301nie"
// all become "armenie". Input must be valid UTF-8; NUL characters are kept.
std::string NormalizeName(std::string_view name);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or values past
// U+10FFFF). On failure, *bad_offset (when given) is the byte offset of the first error.
bool IsValidUtf8(std::string_view text, size_t* bad_offset = nullptr);

// Microseconds since 1970-01-01T00:00:00Z of a protobuf timestamp (rounded down).
int64_t TimestampMicros(const google::protobuf::Timestamp& ts);

}  // namespace articledb

#endif  // ARTICLEDB_ARTICLE_H_
