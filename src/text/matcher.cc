// Matching a text query against one article (matcher.h).
#include "text/matcher.h"

#include <algorithm>
#include <utility>

namespace articledb::text {

namespace {
// Analyses of query words kept per language before the cache starts over.
constexpr size_t kMaxCachedWords = 4096;
}  // namespace

Analyzer& Matcher::AnalyzerFor(std::string_view language) {
  auto it = languages_.find(language);
  if (it == languages_.end()) {
    it = languages_.emplace(std::string(language), Language()).first;
    it->second.analyzer = std::make_unique<Analyzer>(language);
  }
  return *it->second.analyzer;
}

const std::vector<Token>& Matcher::Terms(Language& l, const std::string& text) {
  auto it = l.words.find(text);
  if (it == l.words.end()) {
    std::vector<Token> tokens;
    l.analyzer->Analyze(text, &tokens);
    it = l.words.emplace(text, std::move(tokens)).first;
  }
  return it->second;
}

const std::string& Matcher::Prefix(Language& l, const std::string& text) {
  auto it = l.prefixes.find(text);
  if (it == l.prefixes.end()) {
    it = l.prefixes.emplace(text, l.analyzer->Fold(text, /*stem=*/false)).first;
  }
  return it->second;
}

void Matcher::Collect(const QueryNode& q, Language& l) {
  switch (q.kind) {
    case QueryNode::Kind::kWord:
    case QueryNode::Kind::kPhrase:
      for (const Token& t : Terms(l, q.text)) wanted_.push_back(t.term);
      return;
    case QueryNode::Kind::kPrefix:
      if (const std::string& p = Prefix(l, q.text); !p.empty()) prefixes_.push_back(p);
      return;
    default:
      for (const QueryNode& c : q.children) Collect(c, l);
  }
}

bool Matcher::Wanted(const std::string& term) const {
  return std::find(wanted_.begin(), wanted_.end(), term) != wanted_.end() ||
         std::any_of(prefixes_.begin(), prefixes_.end(),
                     [&](std::string_view p) { return term.starts_with(p); });
}

Matcher::Language& Matcher::Load(const std::vector<const QueryNode*>& nodes,
                                  const Article& article, float* length) {
  AnalyzerFor(article.language());
  Language& l = languages_.find(std::string_view(article.language()))->second;
  // Analyse the query's words first (the cache holds them, and is emptied only here, so
  // the views stay valid while this call runs), then keep only the article's occurrences
  // of what the query names.
  if (l.words.size() >= kMaxCachedWords) l.words.clear();
  if (l.prefixes.size() >= kMaxCachedWords) l.prefixes.clear();
  if (terms_.size() > kMaxCachedWords) terms_.clear();  // (terms met by wide prefixes)
  wanted_.clear();
  prefixes_.clear();
  for (const QueryNode* q : nodes) Collect(*q, l);
  for (auto& [term, occurrences] : terms_) occurrences.clear();
  const std::pair<uint8_t, const std::string*> fields[] = {
      {kTitle, &article.title()}, {kSummary, &article.summary()}, {kBody, &article.body()}};
  *length = 0;
  for (const auto& [field, text] : fields) {
    const uint32_t words = l.analyzer->Analyze(*text, &scratch_);
    *length += static_cast<float>(words) * (field == kTitle ? kTitleWeight : 1.0f);
    for (const Token& t : scratch_) {
      if (Wanted(t.term)) terms_[t.term].push_back(Occurrence{field, t.position});
    }
  }
  return l;
}

bool Matcher::Matches(const QueryNode& query, const Article& article) {
  float length = 0;
  return Match(query, Load({&query}, article, &length));
}

void Matcher::Measure(const std::vector<const QueryNode*>& leaves, const Article& article,
                      std::vector<float>* weights, float* length) {
  Language& l = Load(leaves, article, length);
  weights->assign(leaves.size(), 0.0f);
  auto weight = [](uint8_t field) { return field == kTitle ? kTitleWeight : 1.0f; };
  for (size_t i = 0; i < leaves.size(); ++i) {
    const QueryNode& q = *leaves[i];
    float w = 0;
    if (q.kind == QueryNode::Kind::kPrefix) {
      const std::string& prefix = l.prefixes.at(q.text);
      for (const auto& [term, occurrences] : terms_) {
        if (prefix.empty() || !term.starts_with(prefix)) continue;
        for (const Occurrence& o : occurrences) {
          if ((o.field & q.fields) != 0) w += weight(o.field);
        }
      }
    } else {
      const std::vector<Token>& terms = l.words.at(q.text);
      const auto first = terms.empty() ? terms_.end() : terms_.find(terms.front().term);
      if (first != terms_.end()) {
        for (const Occurrence& o : first->second) {
          if ((o.field & q.fields) != 0 && Follows(terms, o)) w += weight(o.field);
        }
      }
    }
    (*weights)[i] = w;
  }
}

bool Matcher::Follows(const std::vector<Token>& terms, const Occurrence& o) const {
  for (size_t i = 1; i < terms.size(); ++i) {
    const auto next = terms_.find(terms[i].term);
    const uint32_t want = o.position + (terms[i].position - terms.front().position);
    if (next == terms_.end() ||
        std::none_of(next->second.begin(), next->second.end(), [&](const Occurrence& p) {
          return p.field == o.field && p.position == want;
        })) {
      return false;
    }
  }
  return true;
}

bool Matcher::MatchTerms(const std::vector<Token>& terms, uint8_t fields) const {
  if (terms.empty()) return false;
  const auto first = terms_.find(terms.front().term);
  if (first == terms_.end()) return false;
  return std::any_of(first->second.begin(), first->second.end(), [&](const Occurrence& o) {
    return (o.field & fields) != 0 && Follows(terms, o);
  });
}

bool Matcher::Match(const QueryNode& q, Language& l) const {
  switch (q.kind) {
    case QueryNode::Kind::kWord:
    case QueryNode::Kind::kPhrase: return MatchTerms(l.words.at(q.text), q.fields);
    case QueryNode::Kind::kPrefix: {
      const std::string& prefix = l.prefixes.at(q.text);
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
                         [&](const QueryNode& c) { return Match(c, l); });
    case QueryNode::Kind::kOr:
      return std::any_of(q.children.begin(), q.children.end(),
                         [&](const QueryNode& c) { return Match(c, l); });
    case QueryNode::Kind::kNot: return !Match(q.children.front(), l);
  }
  return false;
}

}  // namespace articledb::text
