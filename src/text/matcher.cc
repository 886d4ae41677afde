// Matching a text query against one article (matcher.h).
#include "text/matcher.h"

#include <algorithm>
#include <utility>

namespace articledb::text {

Analyzer& Matcher::AnalyzerFor(std::string_view language) {
  auto it = analyzers_.find(language);
  if (it == analyzers_.end()) {
    it = analyzers_.emplace(std::string(language), std::make_unique<Analyzer>(language)).first;
  }
  return *it->second;
}

bool Matcher::Matches(const QueryNode& query, const Article& article) {
  Analyzer& analyzer = AnalyzerFor(article.language());
  terms_.clear();
  const std::pair<uint8_t, const std::string*> fields[] = {
      {kTitle, &article.title()}, {kSummary, &article.summary()}, {kBody, &article.body()}};
  for (const auto& [field, text] : fields) {
    analyzer.Analyze(*text, &scratch_);
    for (const Token& t : scratch_) terms_[t.term].push_back(Occurrence{field, t.position});
  }
  return Match(query, analyzer);
}

bool Matcher::MatchTerms(const std::vector<Token>& terms, uint8_t fields) const {
  if (terms.empty()) return false;
  const auto first = terms_.find(terms.front().term);
  if (first == terms_.end()) return false;
  for (const Occurrence& o : first->second) {
    if ((o.field & fields) == 0) continue;
    bool all = true;
    for (size_t i = 1; i < terms.size() && all; ++i) {
      const auto next = terms_.find(terms[i].term);
      const uint32_t want = o.position + (terms[i].position - terms.front().position);
      all = next != terms_.end() &&
            std::any_of(next->second.begin(), next->second.end(), [&](const Occurrence& p) {
              return p.field == o.field && p.position == want;
            });
    }
    if (all) return true;
  }
  return false;
}

bool Matcher::Match(const QueryNode& q, Analyzer& analyzer) {
  switch (q.kind) {
    case QueryNode::Kind::kWord:
    case QueryNode::Kind::kPhrase: {
      std::vector<Token> terms;
      analyzer.Analyze(q.text, &terms);
      return MatchTerms(terms, q.fields);
    }
    case QueryNode::Kind::kPrefix: {
      const std::string prefix = analyzer.Fold(q.text, /*stem=*/false);
      if (prefix.empty()) return false;
      for (const auto& [term, occurrences] : terms_) {
        if (!term.starts_with(prefix)) continue;
        for (const Occurrence& o : occurrences) {
          if ((o.field & q.fields) != 0) return true;
        }
      }
      return false;
    }
    case QueryNode::Kind::kAnd:
      return std::all_of(q.children.begin(), q.children.end(),
                         [&](const QueryNode& c) { return Match(c, analyzer); });
    case QueryNode::Kind::kOr:
      return std::any_of(q.children.begin(), q.children.end(),
                         [&](const QueryNode& c) { return Match(c, analyzer); });
    case QueryNode::Kind::kNot: return !Match(q.children.front(), analyzer);
  }
  return false;
}

}  // namespace articledb::text
