// Matching a text query against one article by analysing its stored text: the meaning of
// a text query, written out plainly. The text index's answers are tested against it, and
// phrases found through the index are confirmed with it. Internal; not thread-safe (it
// keeps an Analyzer per language): one per thread.
#ifndef ARTICLEDB_SRC_TEXT_MATCHER_H_
#define ARTICLEDB_SRC_TEXT_MATCHER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "articledb/article.h"
#include "text/analyzer.h"
#include "text/query_parser.h"

namespace articledb::text {

class Matcher {
 public:
  // Whether `article` matches `query`. A word or phrase is analysed with the article's
  // language, as its text was: "elections" matches an English article saying "election".
  // A word matches when its term occurs in one of its fields; a phrase (or a word that
  // analysis splits) when its terms occur at consecutive positions of one field; a prefix
  // when a term of one of its fields begins with the prefix folded (not stemmed).
  bool Matches(const QueryNode& query, const Article& article);

  // The analyser of `language` (kept for reuse).
  Analyzer& AnalyzerFor(std::string_view language);

 private:
  struct Occurrence {
    uint8_t field;
    uint32_t position;
  };
  bool Match(const QueryNode& q, Analyzer& analyzer);
  bool MatchTerms(const std::vector<Token>& terms, uint8_t fields) const;

  std::map<std::string, std::unique_ptr<Analyzer>, std::less<>> analyzers_;
  std::unordered_map<std::string, std::vector<Occurrence>> terms_;  // of the article
  std::vector<Token> scratch_;
};

}  // namespace articledb::text

#endif  // ARTICLEDB_SRC_TEXT_MATCHER_H_
