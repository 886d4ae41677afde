// Fuzz target: the text query parser, the analyser and the matcher.
//  - Input: a language byte, then a query and a text separated by the first newline.
//  - Any query parses or is refused with a message; a query that parses prints (ToString)
//    as a query that parses to the same tree.
//  - Any text analyses without a crash: offsets inside the text, positions ascending and
//    below the count returned, terms not empty and at most kMaxTermBytes.
//  - Matching a parsed query against an article made of the text, and making its snippet,
//    never crash, and a word
//    of the text (one term alone as in its text) matches its own article.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "articledb/search.h"
#include "fuzz_util.h"
#include "text/analyzer.h"
#include "text/matcher.h"
#include "text/query_parser.h"

namespace text = articledb::text;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kLanguages[] = {"", "en", "fr", "de", "ru", "zh", "it", "ar", "ja"};
  if (size == 0) return 0;
  const char* language = kLanguages[data[0] % (sizeof(kLanguages) / sizeof(kLanguages[0]))];
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t newline = in.find('\n');
  const std::string_view query = in.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : in.substr(newline + 1);

  static text::Matcher matcher;
  text::Analyzer& analyzer = matcher.AnalyzerFor(language);
  std::vector<text::Token> tokens;
  const uint32_t positions = analyzer.Analyze(body, &tokens);
  uint32_t last = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const text::Token& t = tokens[i];
    FUZZ_CHECK(t.begin < t.end && t.end <= body.size());
    FUZZ_CHECK(t.position < positions);
    FUZZ_CHECK(i == 0 || t.position > last);
    FUZZ_CHECK(!t.term.empty() && t.term.size() <= text::kMaxTermBytes);
    last = t.position;
  }

  articledb::Article article;
  article.set_language(language);
  article.set_body(std::string(body));
  text::QueryNode root;
  if (text::ParseQuery(query, &root).ok()) {
    const std::string printed = text::ToString(root);
    if (printed.size() <= text::kMaxQueryBytes) {
      text::QueryNode again;
      FUZZ_CHECK(text::ParseQuery(printed, &again).ok());
      FUZZ_CHECK(text::ToString(again) == printed);
    }
    matcher.Matches(root, article);
    articledb::SnippetOptions so;
    so.max_words = 1 + body.size() % 40;
    std::string snippet;
    FUZZ_CHECK(articledb::MakeSnippet(query, article, so, &snippet).ok());
  }
  // A word of the text, quoted, matches the article it came from (valid UTF-8 only: the
  // article's text is validated on write).
  if (!tokens.empty() && articledb::IsValidUtf8(body)) {
    const text::Token& t = tokens[tokens.size() / 2];
    const std::string word(body.substr(t.begin, t.end - t.begin));
    std::vector<text::Token> alone;
    analyzer.Analyze(word, &alone);
    // (Out of context, dictionary segmentation may cut a word differently.)
    if (word.find('"') == std::string::npos && alone.size() == 1 && alone[0].term == t.term) {
      text::QueryNode phrase;
      if (text::ParseQuery("body:\"" + word + "\"", &phrase).ok()) {
        FUZZ_CHECK(matcher.Matches(phrase, article));
      }
    }
  }
  return 0;
}
