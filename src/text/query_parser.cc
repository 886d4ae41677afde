// The text query parser (query_parser.h): a lexer, then recursive descent.
#include "text/query_parser.h"

#include <optional>
#include <utility>

#include "articledb/article.h"
#include "text/analyzer.h"

namespace articledb::text {
namespace {

struct Lexeme {
  enum class Type { kEnd, kOpen, kClose, kAnd, kOr, kNot, kMinus, kField, kPhrase, kWord };
  Type type = Type::kEnd;
  std::string text;       // kWord, kPhrase: the text; kField: the field's name
  bool prefix = false;    // kWord ending in '*'
  uint8_t field = 0;      // kField
  uint32_t column = 0;    // 1-based
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool Ends(char c) { return IsSpace(c) || c == '(' || c == ')' || c == '"'; }

uint8_t FieldNamed(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower == "title") return kTitle;
  if (lower == "summary") return kSummary;
  if (lower == "body") return kBody;
  return 0;
}

Status Error(std::string what, uint32_t column) {
  return Status::InvalidArgument("text query: " + what + " at column " + std::to_string(column));
}

Status Lex(std::string_view q, std::vector<Lexeme>* out) {
  size_t i = 0;
  auto column = [&](size_t at) { return static_cast<uint32_t>(at + 1); };
  bool after_sign = false;  // the last character read was a sign, + or -
  while (true) {
    while (i < q.size() && IsSpace(q[i])) ++i;
    Lexeme l;
    l.column = column(i);
    if (i == q.size()) {
      out->push_back(l);
      return Status::OK();
    }
    const char c = q[i];
    const bool sign_before = after_sign;
    after_sign = false;
    if (c == '(' || c == ')') {
      l.type = c == '(' ? Lexeme::Type::kOpen : Lexeme::Type::kClose;
      ++i;
    } else if (c == '"') {
      const size_t close = q.find('"', i + 1);
      if (close == std::string_view::npos) return Error("unterminated phrase", l.column);
      l.type = Lexeme::Type::kPhrase;
      l.text = std::string(q.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if ((c == '-' || c == '+') && i + 1 < q.size() &&
               (!Ends(q[i + 1]) || q[i + 1] == '"' || q[i + 1] == '(') &&
               (i == 0 || Ends(q[i - 1]) || sign_before)) {
      // -word, -"phrase", -(...) is NOT; +word is a required word, which every word
      // already is. Signs may repeat: --word is word.
      ++i;
      after_sign = true;
      if (c == '+') continue;
      l.type = Lexeme::Type::kMinus;
      out->push_back(std::move(l));
      continue;
    } else {
      size_t end = i;
      while (end < q.size() && !Ends(q[end])) ++end;
      std::string_view word = q.substr(i, end - i);
      if (word.size() > 1 && word.back() == ':' && FieldNamed(word.substr(0, word.size() - 1)) &&
          (end == q.size() || IsSpace(q[end]) || q[end] == ')')) {
        return Error("field '" + std::string(word) +
                         "' is not followed by a word, phrase or '('",
                     l.column);
      }
      if (const size_t colon = word.find(':'); colon != std::string_view::npos) {
        if (const uint8_t f = FieldNamed(word.substr(0, colon));
            f != 0 && (colon + 1 < word.size() || (end < q.size() && (q[end] == '"' || q[end] == '(')))) {
          l.type = Lexeme::Type::kField;
          l.field = f;
          l.text = std::string(word.substr(0, colon));
          out->push_back(l);
          i += colon + 1;
          continue;
        }
      }
      i = end;
      if (word == "AND") {
        l.type = Lexeme::Type::kAnd;
      } else if (word == "OR") {
        l.type = Lexeme::Type::kOr;
      } else if (word == "NOT") {
        l.type = Lexeme::Type::kNot;
      } else {
        l.type = Lexeme::Type::kWord;
        if (word.size() > 1 && word.back() == '*') {
          l.prefix = true;
          word.remove_suffix(1);
        }
        l.text = std::string(word);
      }
    }
    out->push_back(std::move(l));
  }
}

// True when `text` holds at least one word (ICU word boundaries; languages do not
// change that): a query's punctuation alone ("!!", "-") is left out of the tree.
bool HasWords(std::string_view text) {
  thread_local Analyzer analyzer("");
  thread_local std::vector<Token> tokens;
  analyzer.Analyze(text, &tokens);
  return !tokens.empty();
}

class Parser {
 public:
  explicit Parser(std::vector<Lexeme> lexemes) : l_(std::move(lexemes)) {}

  Status Parse(QueryNode* root) {
    std::optional<QueryNode> node;
    if (Status s = Or(kAllFields, 0, &node); !s.ok()) return s;
    if (peek().type == Lexeme::Type::kClose) return Error("unbalanced ')'", peek().column);
    if (!node) return Status::InvalidArgument("text query: no words to search for");
    if (node->kind == QueryNode::Kind::kNot) return NothingToSubtract(*node);
    *root = std::move(*node);
    return Status::OK();
  }

 private:
  const Lexeme& peek() const { return l_[at_]; }
  const Lexeme& take() { return l_[at_++]; }
  static bool EndsGroup(Lexeme::Type t) {
    return t == Lexeme::Type::kEnd || t == Lexeme::Type::kClose || t == Lexeme::Type::kOr;
  }
  static Status NothingToSubtract(const QueryNode& n) {
    return Error("NOT has nothing to subtract from (add a word it excludes from)", n.column);
  }

  Status Or(uint8_t fields, size_t depth, std::optional<QueryNode>* out) {
    std::vector<QueryNode> sides;
    uint32_t column = peek().column;
    while (true) {
      if (peek().type == Lexeme::Type::kOr) return Error("OR has nothing on its left", peek().column);
      std::optional<QueryNode> side;
      if (Status s = And(fields, depth, &side); !s.ok()) return s;
      if (side) Append(QueryNode::Kind::kOr, std::move(*side), &sides);
      if (peek().type != Lexeme::Type::kOr) break;
      const Lexeme& op = take();
      if (EndsGroup(peek().type)) return Error("OR has nothing on its right", op.column);
    }
    // A NOT alone in parentheses is a NOT of the AND around them: "(-a) b".
    for (const QueryNode& n : sides) {
      if (sides.size() > 1 && n.kind == QueryNode::Kind::kNot) return NothingToSubtract(n);
    }
    *out = Combine(QueryNode::Kind::kOr, std::move(sides), column);
    return Status::OK();
  }

  Status And(uint8_t fields, size_t depth, std::optional<QueryNode>* out) {
    std::vector<QueryNode> items;
    const uint32_t column = peek().column;
    bool any = false;  // a lexeme was read, even if it held no word
    while (!EndsGroup(peek().type)) {
      if (peek().type == Lexeme::Type::kAnd) {
        const Lexeme& op = take();
        if (!any) return Error("AND has nothing on its left", op.column);
        if (EndsGroup(peek().type) || peek().type == Lexeme::Type::kAnd) {
          return Error("AND has nothing on its right", op.column);
        }
      }
      any = true;
      std::optional<QueryNode> item;
      if (Status s = Unary(fields, depth, &item); !s.ok()) return s;
      if (item) Append(QueryNode::Kind::kAnd, std::move(*item), &items);
    }
    if (items.empty()) return Status::OK();
    bool positive = false;
    for (const QueryNode& n : items) positive |= n.kind != QueryNode::Kind::kNot;
    if (!positive && items.size() > 1) return NothingToSubtract(items.front());
    *out = Combine(QueryNode::Kind::kAnd, std::move(items), column);
    return Status::OK();
  }

  Status Unary(uint8_t fields, size_t depth, std::optional<QueryNode>* out) {
    if (depth > kMaxQueryDepth) {
      return Error("nested deeper than " + std::to_string(kMaxQueryDepth) + " levels",
                   peek().column);
    }
    const Lexeme& l = take();
    switch (l.type) {
      case Lexeme::Type::kNot:
      case Lexeme::Type::kMinus: {
        if (EndsGroup(peek().type) || peek().type == Lexeme::Type::kAnd) {
          return Error(std::string(l.type == Lexeme::Type::kNot ? "NOT" : "'-'") +
                           " has nothing on its right",
                       l.column);
        }
        std::optional<QueryNode> child;
        if (Status s = Unary(fields, depth + 1, &child); !s.ok()) return s;
        if (!child) return Status::OK();
        if (child->kind == QueryNode::Kind::kNot) {  // NOT NOT a is a
          *out = std::move(child->children.front());
          return Status::OK();
        }
        QueryNode n;
        n.kind = QueryNode::Kind::kNot;
        n.column = l.column;
        n.children.push_back(std::move(*child));
        *out = std::move(n);
        return Status::OK();
      }
      case Lexeme::Type::kField: {
        const Lexeme::Type next = peek().type;
        if (next != Lexeme::Type::kWord && next != Lexeme::Type::kPhrase &&
            next != Lexeme::Type::kOpen) {
          return Error("field '" + l.text + ":' is not followed by a word, phrase or '('",
                       l.column);
        }
        return Unary(l.field, depth + 1, out);
      }
      case Lexeme::Type::kOpen: {
        std::optional<QueryNode> inner;
        if (Status s = Or(fields, depth + 1, &inner); !s.ok()) return s;
        if (peek().type != Lexeme::Type::kClose) return Error("unbalanced '('", l.column);
        take();
        *out = std::move(inner);
        return Status::OK();
      }
      case Lexeme::Type::kPhrase:
      case Lexeme::Type::kWord: {
        if (l.type == Lexeme::Type::kPhrase && l.text.find_first_not_of(" \t\r\n\f\v") ==
                                                   std::string::npos) {
          return Error("empty phrase", l.column);
        }
        if (!HasWords(l.text)) return Status::OK();
        QueryNode n;
        n.kind = l.type == Lexeme::Type::kPhrase ? QueryNode::Kind::kPhrase
                 : l.prefix                     ? QueryNode::Kind::kPrefix
                                                : QueryNode::Kind::kWord;
        n.fields = fields;
        n.text = l.text;
        n.column = l.column;
        *out = std::move(n);
        return Status::OK();
      }
      case Lexeme::Type::kClose: return Error("unbalanced ')'", l.column);
      default: return Error("unexpected operator", l.column);
    }
  }

  // Appends `n` to the operands of a `kind` node, flattening a nested node of that kind.
  static void Append(QueryNode::Kind kind, QueryNode n, std::vector<QueryNode>* to) {
    if (n.kind == kind) {
      for (QueryNode& c : n.children) to->push_back(std::move(c));
    } else {
      to->push_back(std::move(n));
    }
  }

  static std::optional<QueryNode> Combine(QueryNode::Kind kind, std::vector<QueryNode> items,
                                          uint32_t column) {
    if (items.empty()) return std::nullopt;
    if (items.size() == 1) return std::move(items.front());
    QueryNode n;
    n.kind = kind;
    n.column = column;
    n.children = std::move(items);
    return n;
  }

  std::vector<Lexeme> l_;
  size_t at_ = 0;
};

std::string FieldPrefix(uint8_t fields) {
  switch (fields) {
    case kTitle: return "title:";
    case kSummary: return "summary:";
    case kBody: return "body:";
    default: return "";
  }
}

}  // namespace

Status ParseQuery(std::string_view query, QueryNode* root) {
  if (query.size() > kMaxQueryBytes) {
    return Status::InvalidArgument("text query: longer than " + std::to_string(kMaxQueryBytes) +
                                   " bytes");
  }
  size_t bad = 0;
  if (!IsValidUtf8(query, &bad)) return Error("invalid UTF-8", static_cast<uint32_t>(bad + 1));
  std::vector<Lexeme> lexemes;
  if (Status s = Lex(query, &lexemes); !s.ok()) return s;
  return Parser(std::move(lexemes)).Parse(root);
}

std::string ToString(const QueryNode& n) {
  switch (n.kind) {
    case QueryNode::Kind::kWord: return FieldPrefix(n.fields) + n.text;
    case QueryNode::Kind::kPrefix: return FieldPrefix(n.fields) + n.text + "*";
    case QueryNode::Kind::kPhrase: return FieldPrefix(n.fields) + "\"" + n.text + "\"";
    case QueryNode::Kind::kNot: return "NOT " + ToString(n.children.front());
    case QueryNode::Kind::kAnd:
    case QueryNode::Kind::kOr: {
      std::string s = "(";
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i > 0) s += n.kind == QueryNode::Kind::kAnd ? " AND " : " OR ";
        s += ToString(n.children[i]);
      }
      return s + ")";
    }
  }
  return "";
}

}  // namespace articledb::text
