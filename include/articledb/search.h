// Snippets for text queries (docs/search.md, "Snippets"): the passage of an article that
// best shows why it matched, with the matched words marked, for result lists.
#ifndef ARTICLEDB_SEARCH_H_
#define ARTICLEDB_SEARCH_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "articledb/article.h"
#include "articledb/status.h"

namespace articledb {

struct SnippetOptions {
  // Words in the passage, 1..1000.
  size_t max_words = 30;
  // Written around each matched word.
  std::string mark_begin = "[";
  std::string mark_end = "]";
  // Written where the passage cuts the text, before or after it.
  std::string ellipsis = "...";
};

// Sets *snippet to the passage of `article`'s body (else its summary, else its title)
// of at most max_words words holding the most distinct words of `text_query` (its words,
// phrases and prefixes, not what it excludes), then the most of them, earliest on a tie;
// each matched word is between the marks (matched words separated by spaces only share
// one pair: "[climate change]"). Line breaks and tabs become spaces. Words are
// matched as the query matches them: analysed in the article's language (Filter::text).
// When no word of the query is in the text, the passage is the text's first words
// without marks. InvalidArgument when `text_query` does not parse or max_words is 0 or
// over 1000. Thread-safe.
Status MakeSnippet(std::string_view text_query, const Article& article,
                   const SnippetOptions& options, std::string* snippet);

}  // namespace articledb

#endif  // ARTICLEDB_SEARCH_H_
