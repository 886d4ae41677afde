// Snippets (articledb/search.h).
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "articledb/search.h"
#include "text/analyzer.h"
#include "text/matcher.h"
#include "text/query_parser.h"

namespace articledb {
namespace {

// The terms (and folded prefixes) of the query's positive leaves, in `analyzer`'s language.
void PositiveTerms(const text::QueryNode& q, text::Analyzer& analyzer, std::set<std::string>* terms,
                   std::vector<std::string>* prefixes) {
  switch (q.kind) {
    case text::QueryNode::Kind::kWord:
    case text::QueryNode::Kind::kPhrase: {
      std::vector<text::Token> tokens;
      analyzer.Analyze(q.text, &tokens);
      for (text::Token& t : tokens) terms->insert(std::move(t.term));
      return;
    }
    case text::QueryNode::Kind::kPrefix: {
      std::string p = analyzer.Fold(q.text, /*stem=*/false);
      if (!p.empty()) prefixes->push_back(std::move(p));
      return;
    }
    case text::QueryNode::Kind::kAnd:
    case text::QueryNode::Kind::kOr:
      for (const text::QueryNode& c : q.children) PositiveTerms(c, analyzer, terms, prefixes);
      return;
    case text::QueryNode::Kind::kNot: return;
  }
}

std::string Flat(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

}  // namespace

Status MakeSnippet(std::string_view text_query, const Article& article,
                   const SnippetOptions& options, std::string* snippet) {
  snippet->clear();
  if (options.max_words == 0 || options.max_words > 1000) {
    return Status::InvalidArgument("snippet length must be 1 to 1000 words, not " +
                                   std::to_string(options.max_words));
  }
  text::QueryNode query;
  if (Status s = text::ParseQuery(text_query, &query); !s.ok()) return s;
  thread_local text::Matcher analyzers;  // one analyser per language, per thread
  text::Analyzer& analyzer = analyzers.AnalyzerFor(article.language());
  std::set<std::string> terms;
  std::vector<std::string> prefixes;
  PositiveTerms(query, analyzer, &terms, &prefixes);
  auto matched = [&](const std::string& term) {
    return terms.count(term) > 0 ||
           std::any_of(prefixes.begin(), prefixes.end(),
                       [&](const std::string& p) { return term.starts_with(p); });
  };

  // The first field holding a matched word, in the order body, summary, title; else the
  // first field with words.
  std::vector<text::Token> tokens;
  const std::string* text = nullptr;
  const std::string* first_with_words = nullptr;
  std::vector<text::Token> first_tokens;
  for (const std::string* field : {&article.body(), &article.summary(), &article.title()}) {
    analyzer.Analyze(*field, &tokens);
    if (tokens.empty()) continue;
    if (first_with_words == nullptr) {
      first_with_words = field;
      first_tokens = tokens;
    }
    if (std::any_of(tokens.begin(), tokens.end(),
                    [&](const text::Token& t) { return matched(t.term); })) {
      text = field;
      break;
    }
  }
  if (text == nullptr) {
    if (first_with_words == nullptr) return Status::OK();
    text = first_with_words;
    tokens = std::move(first_tokens);
  }
  const size_t n = tokens.size();
  std::vector<bool> hit(n);
  for (size_t i = 0; i < n; ++i) hit[i] = matched(tokens[i].term);

  // The window of max_words tokens with the most distinct matched terms, then the most
  // matched tokens; the earliest on a tie.
  const size_t w = std::min(options.max_words, n);
  // One slide over the text, counting each matched term in the window.
  size_t best = 0, best_distinct = 0, best_hits = 0;
  std::map<std::string_view, size_t> in_window;
  size_t hits = 0;
  for (size_t end = 0; end < n; ++end) {  // the window is [end + 1 - w, end]
    if (hit[end]) {
      ++hits;
      ++in_window[tokens[end].term];
    }
    if (end + 1 > w) {
      const size_t leaving = end - w;
      if (hit[leaving]) {
        --hits;
        if (auto it = in_window.find(tokens[leaving].term); --it->second == 0) {
          in_window.erase(it);
        }
      }
    }
    if (end + 1 < w) continue;
    if (in_window.size() > best_distinct || (in_window.size() == best_distinct && hits > best_hits)) {
      best = end + 1 - w;
      best_distinct = in_window.size();
      best_hits = hits;
    }
  }
  std::string out;
  if (best > 0) out += options.ellipsis;
  // A passage from the start or to the end of the text keeps what is before its first
  // word or after its last (an opening quote, a full stop).
  size_t at = best == 0 ? 0 : tokens[best].begin;
  // Matched words separated by spaces only share one mark: "[climate change]".
  auto spaces_only = [&](size_t from, size_t to) {
    return std::all_of(text->begin() + static_cast<std::ptrdiff_t>(from),
                       text->begin() + static_cast<std::ptrdiff_t>(to),
                       [](char c) { return c == ' '; });
  };
  for (size_t i = best; i < best + w; ++i) {
    out += Flat(std::string_view(*text).substr(at, tokens[i].begin - at));
    const std::string_view word =
        std::string_view(*text).substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
    const bool joins_previous =
        i > best && hit[i] && hit[i - 1] && spaces_only(tokens[i - 1].end, tokens[i].begin);
    const bool joins_next = i + 1 < best + w && hit[i] && hit[i + 1] &&
                            spaces_only(tokens[i].end, tokens[i + 1].begin);
    if (hit[i] && !joins_previous) out += options.mark_begin;
    out += word;
    if (hit[i] && !joins_next) out += options.mark_end;
    at = tokens[i].end;
  }
  if (best + w < n) {
    out += options.ellipsis;
  } else {
    std::string rest = Flat(std::string_view(*text).substr(at));
    while (!rest.empty() && rest.back() == ' ') rest.pop_back();
    out += rest;
  }
  while (!out.empty() && out.front() == ' ') out.erase(0, 1);
  *snippet = std::move(out);
  return Status::OK();
}

}  // namespace articledb
