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

// What one occurrence of a query's word in an article's title counts for in ranking, where
// an occurrence in the summary or body counts 1 (docs/search.md, "Relevance").
inline constexpr float kTitleWeight = 2.0f;

class Matcher {
 public:
  // Whether `article` matches `query`. A word or phrase is analysed with the article's
  // language, as its text was: "elections" matches an English article saying "election".
  // A word matches when its term occurs in one of its fields; a phrase (or a word that
  // analysis splits) when its terms occur at consecutive positions of one field; a prefix
  // when a term of one of its fields begins with the prefix folded (not stemmed).
  bool Matches(const QueryNode& query, const Article& article);

  // For ranking by relevance: how much each of `leaves` (words, phrases and prefixes of a
  // query) occurs in `article`, as Matches finds them, one weight per leaf: each
  // occurrence counts 1, or kTitleWeight in the title. *length: the article's length
  // weighted alike, the words of its summary and body plus kTitleWeight per title word.
  void Measure(const std::vector<const QueryNode*>& leaves, const Article& article,
               std::vector<float>* weights, float* length);

  // The analyser of `language` (kept for reuse).
  Analyzer& AnalyzerFor(std::string_view language);

 private:
  struct Occurrence {
    uint8_t field;
    uint32_t position;
  };
  // What the query's words, phrases and prefixes are in one language, analysed once.
  struct Language {
    std::unique_ptr<Analyzer> analyzer;
    std::unordered_map<std::string, std::vector<Token>> words;  // text -> its terms
    std::unordered_map<std::string, std::string> prefixes;      // text -> folded prefix
  };
  // Analyses the query words of `nodes` in the article's language and records in terms_
  // where the article holds them; *length: its words, kTitleWeight each in the title.
  Language& Load(const std::vector<const QueryNode*>& nodes, const Article& article,
                 float* length);
  const std::vector<Token>& Terms(Language& l, const std::string& text);
  const std::string& Prefix(Language& l, const std::string& text);
  // Adds to wanted_ and prefixes_ the terms and prefixes of the query's leaves.
  void Collect(const QueryNode& q, Language& l);
  bool Match(const QueryNode& q, Language& l) const;
  bool MatchTerms(const std::vector<Token>& terms, uint8_t fields) const;
  // Whether the terms after the first follow occurrence `o` of the first, in its field.
  bool Follows(const std::vector<Token>& terms, const Occurrence& o) const;
  bool Wanted(const std::string& term) const;

  std::map<std::string, Language, std::less<>> languages_;
  std::vector<std::string_view> wanted_;    // the terms of the query being matched
  std::vector<std::string_view> prefixes_;  // its prefixes
  // Occurrences in the article of the wanted terms and of terms with a wanted prefix.
  std::unordered_map<std::string, std::vector<Occurrence>> terms_;
  std::vector<Token> scratch_;
};

}  // namespace articledb::text

#endif  // ARTICLEDB_SRC_TEXT_MATCHER_H_
