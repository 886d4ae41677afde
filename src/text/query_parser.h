// The text query syntax (docs/search.md, "Query syntax"), parsed into a tree.
//
//   climate                    a word (matched after analysis: "Climates" matches too)
//   "climate change"           a phrase: its words at consecutive positions
//   climat*                    a prefix: any term beginning with it
//   a b, a AND b               both (the default between neighbours)
//   a OR b                     either
//   a NOT b, a -b, a AND NOT b a without b; -"a phrase", -(a OR b) too
//   ( ... )                    grouping
//   title:word, body:"a b"     only in that field (title, summary, body); also title:(...)
//
// Operators are upper case (lower-case "and" is a word); NOT and - bind tightest, then
// AND, then OR. A word that analysis splits in several terms ("l'Arménie-Est", "气候变化")
// is a phrase of those terms. Every NOT needs a positive neighbour to subtract from
// (`NOT a` alone, or `a OR -b`, are refused: they would match nearly everything).
// Internal.
#ifndef ARTICLEDB_SRC_TEXT_QUERY_PARSER_H_
#define ARTICLEDB_SRC_TEXT_QUERY_PARSER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "articledb/status.h"

namespace articledb::text {

// The fields of an article that text queries see.
enum Field : uint8_t {
  kTitle = 1,
  kSummary = 2,
  kBody = 4,
  kAllFields = kTitle | kSummary | kBody,
};

struct QueryNode {
  enum class Kind {
    kWord,    // `text`: one word as typed (analysed per article language when matched)
    kPhrase,  // `text`: the words between the quotes, as typed
    kPrefix,  // `text`: the prefix as typed, without its '*'
    kAnd,     // children: at least two, at least one not kNot
    kOr,      // children: at least two, none kNot
    kNot,     // one child: what must not match
  };
  Kind kind = Kind::kWord;
  uint8_t fields = kAllFields;  // for kWord, kPhrase, kPrefix
  std::string text;
  std::vector<QueryNode> children;
  uint32_t column = 0;  // 1-based, in bytes, where the node starts in the query
};

// The longest query accepted, and the deepest nesting of parentheses.
inline constexpr size_t kMaxQueryBytes = 16 * 1024;
inline constexpr size_t kMaxQueryDepth = 32;

// Parses `query`. InvalidArgument names the problem and its 1-based column (in bytes):
// an empty query, unbalanced parentheses or quotes, an operator with nothing on one side,
// a NOT with nothing to subtract from, an empty phrase, invalid UTF-8, or a query longer
// than kMaxQueryBytes or nested deeper than kMaxQueryDepth.
Status ParseQuery(std::string_view query, QueryNode* root);

// The tree written back in the syntax, fully parenthesised: tests and messages.
std::string ToString(const QueryNode& node);

}  // namespace articledb::text

#endif  // ARTICLEDB_SRC_TEXT_QUERY_PARSER_H_
