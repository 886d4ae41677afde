// RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 1.0 feeds with expat (feed_reader.h).
#include "feed_reader.h"

#include <expat.h>

#include <string>
#include <utility>
#include <vector>

namespace articledb::cli {
namespace {

constexpr char kSep = '\x01';  // between namespace URI, local name and prefix
constexpr std::string_view kAtom = "http://www.w3.org/2005/Atom";
constexpr std::string_view kRss1 = "http://purl.org/rss/1.0/";
constexpr std::string_view kContent = "http://purl.org/rss/1.0/modules/content/";
constexpr std::string_view kDc = "http://purl.org/dc/elements/1.1/";
constexpr std::string_view kXmlLang = "http://www.w3.org/XML/1998/namespace\x01lang";

struct Name {
  std::string_view uri, local, prefix;
  // As written in the document: "dc:creator", "title".
  std::string Written() const {
    return prefix.empty() ? std::string(local) : std::string(prefix) + ":" + std::string(local);
  }
};

Name Split(const XML_Char* raw) {
  std::string_view s(raw);
  Name n;
  const size_t a = s.find(kSep);
  if (a == std::string_view::npos) {
    n.local = s;
    return n;
  }
  n.uri = s.substr(0, a);
  const size_t b = s.find(kSep, a + 1);
  n.local = s.substr(a + 1, b == std::string_view::npos ? std::string_view::npos : b - a - 1);
  if (b != std::string_view::npos) n.prefix = s.substr(b + 1);
  return n;
}

std::string Trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return std::string();
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// The value of attribute `name` (for a namespaced one, "URI\x01local": the prefix
// expat appends after it is not compared).
const XML_Char* Attr(const XML_Char** attrs, std::string_view name) {
  for (int i = 0; attrs[i] != nullptr; i += 2) {
    const std::string_view a(attrs[i]);
    if (a == name || (a.size() > name.size() && a.compare(0, name.size(), name) == 0 &&
                      a[name.size()] == kSep)) {
      return attrs[i + 1];
    }
  }
  return nullptr;
}

// What an item's child element means.
enum class Field {
  kTitle, kUrl, kSummary, kBody, kPublished, kUpdated, kAuthor, kAtomAuthor, kTopic,
  kSource, kLanguage, kAttribute, kIgnore
};

}  // namespace

struct FeedReader::State {
  ConvertOptions options;
  Each each;
  XML_Parser parser = nullptr;
  enum class Kind { kUnknown, kRss, kAtom } kind = Kind::kUnknown;
  Status error;
  std::vector<std::string> stack;  // local names of the open elements
  // The feed's own title and language: the source and language of its items by default.
  std::string feed_title, feed_language;
  bool capture_feed_title = false, capture_feed_language = false;
  std::string text;
  // The item or entry being read.
  bool in_item = false;
  size_t item_depth = 0;
  uint64_t item_line = 0;
  Article article;
  Status item_error;
  std::vector<std::string> unknown;
  bool has_published = false;
  Field field = Field::kIgnore;
  std::string field_name;  // as written, for messages and attribute keys
  bool in_author_name = false;
  std::string author_name;

  Field Classify(const Name& n, const XML_Char** attrs) {
    const bool plain = n.uri.empty() || n.uri == kRss1;
    if (kind == Kind::kAtom && n.uri == kAtom) {
      if (n.local == "title") return Field::kTitle;
      if (n.local == "link") {
        const XML_Char* rel = Attr(attrs, "rel");
        const XML_Char* href = Attr(attrs, "href");
        if ((rel == nullptr || std::string_view(rel) == "alternate") && href != nullptr &&
            article.url().empty()) {
          article.set_url(href);
        }
        return Field::kIgnore;
      }
      if (n.local == "summary") return Field::kSummary;
      if (n.local == "content") return Field::kBody;
      if (n.local == "published") return Field::kPublished;
      if (n.local == "updated") return Field::kUpdated;
      if (n.local == "author" || n.local == "contributor") return Field::kAtomAuthor;
      if (n.local == "category") {
        if (const XML_Char* term = Attr(attrs, "term"); term != nullptr && *term != '\0') {
          article.add_topics(term);
        }
        return Field::kIgnore;
      }
      if (n.local == "id") return Field::kAttribute;
    } else if (kind == Kind::kRss && plain) {
      if (n.local == "title") return Field::kTitle;
      if (n.local == "link") return Field::kUrl;
      if (n.local == "description") return Field::kSummary;
      if (n.local == "pubDate") return Field::kPublished;
      if (n.local == "author") return Field::kAuthor;
      if (n.local == "category") return Field::kTopic;
      if (n.local == "source") return Field::kSource;
      if (n.local == "enclosure") {
        if (const XML_Char* url = Attr(attrs, "url"); url != nullptr) {
          article.mutable_attributes()->try_emplace("enclosure", url);
        }
        return Field::kIgnore;
      }
    } else if (n.uri == kContent && n.local == "encoded") {
      return Field::kBody;
    } else if (n.uri == kDc) {
      if (n.local == "creator") return Field::kAuthor;
      if (n.local == "date") return Field::kPublished;
      if (n.local == "subject") return Field::kTopic;
      if (n.local == "language") return Field::kLanguage;
    }
    return Field::kAttribute;
  }

  void StartItem(const XML_Char** attrs) {
    in_item = true;
    item_depth = stack.size();
    item_line = XML_GetCurrentLineNumber(parser);
    article.Clear();
    item_error = Status::OK();
    unknown.clear();
    has_published = false;
    if (const XML_Char* lang = Attr(attrs, kXmlLang); lang != nullptr) article.set_language(lang);
  }

  void SetDate(bool published, const std::string& value) {
    google::protobuf::Timestamp ts;
    if (!ParseFlexibleDate(value, options.assume_tz, &ts)) {
      if (item_error.ok()) {
        item_error = Status::InvalidArgument(
            "field '" + field_name + "': unreadable date '" + value.substr(0, 60) +
            "' (RFC 822, RFC 3339, 'YYYY-MM-DD HH:MM:SS' in --assume-tz or epoch seconds)");
      }
      return;
    }
    if (published) {
      *article.mutable_published_at() = ts;
      has_published = true;
    } else {
      *article.mutable_updated_at() = ts;
    }
  }

  void EndField() {
    const std::string value = Trimmed(text);
    switch (field) {
      case Field::kTitle: article.set_title(value); break;
      case Field::kUrl: article.set_url(value); break;
      case Field::kSummary: article.set_summary(value); break;
      case Field::kBody: article.set_body(value); break;
      case Field::kPublished: if (!value.empty()) SetDate(true, value); break;
      case Field::kUpdated: if (!value.empty()) SetDate(false, value); break;
      case Field::kAuthor: if (!value.empty()) article.add_authors(value); break;
      case Field::kAtomAuthor: if (!author_name.empty()) article.add_authors(author_name); break;
      case Field::kTopic: if (!value.empty()) article.add_topics(value); break;
      case Field::kSource: article.set_source(value); break;
      case Field::kLanguage: article.set_language(value); break;
      case Field::kAttribute:
        if (value.empty()) break;
        unknown.push_back(field_name);
        if (options.unknown != ConvertOptions::Unknown::kRefuse) {
          article.mutable_attributes()->try_emplace(field_name, value);
        }
        break;
      case Field::kIgnore: break;
    }
  }

  void EndItem() {
    in_item = false;
    if (article.source().empty()) article.set_source(feed_title);
    if (article.language().empty()) article.set_language(feed_language);
    // Atom requires <updated> and makes <published> optional: an entry without the
    // latter is dated by the former.
    if (!has_published && article.has_updated_at()) {
      *article.mutable_published_at() = article.updated_at();
    }
    Status s = item_error;
    if (s.ok() && options.unknown == ConvertOptions::Unknown::kRefuse && !unknown.empty()) {
      s = UnknownFieldsError(unknown);
    }
    each(s, &article, item_line);
  }

  static void OnStart(void* self, const XML_Char* raw, const XML_Char** attrs) {
    static_cast<State*>(self)->Start(raw, attrs);
  }
  static void OnEnd(void* self, const XML_Char* raw) { static_cast<State*>(self)->End(raw); }
  static void OnText(void* self, const XML_Char* s, int len) {
    State* st = static_cast<State*>(self);
    if (st->in_author_name) {
      st->author_name.append(s, static_cast<size_t>(len));
    } else if (st->in_item || st->capture_feed_title || st->capture_feed_language) {
      st->text.append(s, static_cast<size_t>(len));
    }
  }

  void Start(const XML_Char* raw, const XML_Char** attrs) {
    const Name n = Split(raw);
    if (kind == Kind::kUnknown) {
      if (n.local == "rss" || n.local == "RDF") {
        kind = Kind::kRss;
      } else if (n.local == "feed" && n.uri == kAtom) {
        kind = Kind::kAtom;
        if (const XML_Char* lang = Attr(attrs, kXmlLang); lang != nullptr) feed_language = lang;
      } else {
        error = Status::InvalidArgument("line " + std::to_string(XML_GetCurrentLineNumber(parser)) +
                                        ": not an RSS or Atom feed (its root element is <" +
                                        n.Written() + ">)");
        XML_StopParser(parser, XML_FALSE);
        return;
      }
    }
    stack.emplace_back(n.local);
    if (!in_item) {
      const bool item = (kind == Kind::kRss && n.local == "item") ||
                        (kind == Kind::kAtom && n.local == "entry" && n.uri == kAtom);
      if (item) {
        StartItem(attrs);
        return;
      }
      // The feed's title and language: <channel><title> (RSS), <feed><title> (Atom).
      const std::string& parent = stack.size() >= 2 ? stack[stack.size() - 2] : stack.back();
      if (n.local == "title" && (parent == "channel" || (kind == Kind::kAtom && parent == "feed"))) {
        capture_feed_title = true;
        text.clear();
      } else if (n.local == "language" && parent == "channel") {
        capture_feed_language = true;
        text.clear();
      }
      return;
    }
    if (stack.size() == item_depth + 1) {
      field_name = n.Written();
      field = Classify(n, attrs);
      text.clear();
      author_name.clear();
    } else if (field == Field::kAtomAuthor && stack.size() == item_depth + 2 &&
               n.local == "name") {
      in_author_name = true;
    }
  }

  void End(const XML_Char* raw) {
    (void)raw;
    if (stack.empty()) return;
    if (in_item) {
      if (stack.size() == item_depth) {
        EndItem();
      } else if (stack.size() == item_depth + 1) {
        EndField();
        field = Field::kIgnore;
      } else if (in_author_name && stack.size() == item_depth + 2) {
        in_author_name = false;
      }
    } else if (capture_feed_title) {
      feed_title = Trimmed(text);
      capture_feed_title = false;
    } else if (capture_feed_language) {
      feed_language = Trimmed(text);
      capture_feed_language = false;
    }
    stack.pop_back();
  }
};

FeedReader::FeedReader(const ConvertOptions& options, Each each)
    : state_(std::make_unique<State>()) {
  state_->options = options;
  state_->each = std::move(each);
  state_->parser = XML_ParserCreateNS(nullptr, kSep);
  XML_SetReturnNSTriplet(state_->parser, 1);
  XML_SetUserData(state_->parser, state_.get());
  XML_SetElementHandler(state_->parser, &State::OnStart, &State::OnEnd);
  XML_SetCharacterDataHandler(state_->parser, &State::OnText);
}

FeedReader::~FeedReader() {
  if (state_->parser != nullptr) XML_ParserFree(state_->parser);
}

Status FeedReader::Feed(std::string_view text, bool last) {
  State& st = *state_;
  if (!st.error.ok()) return st.error;
  if (text.size() > static_cast<size_t>(INT32_MAX)) {
    return Status::InvalidArgument("a piece of the feed larger than 2 GiB");
  }
  if (XML_Parse(st.parser, text.data(), static_cast<int>(text.size()), last ? 1 : 0) ==
      XML_STATUS_ERROR) {
    if (st.error.ok()) {
      st.error = Status::InvalidArgument(
          "line " + std::to_string(XML_GetCurrentLineNumber(st.parser)) + ", column " +
          std::to_string(XML_GetCurrentColumnNumber(st.parser) + 1) +
          ": XML not well-formed: " + XML_ErrorString(XML_GetErrorCode(st.parser)));
    }
    return st.error;
  }
  if (last && st.kind == State::Kind::kUnknown) {
    st.error = Status::InvalidArgument("no RSS or Atom feed in the input");
  }
  return st.error;
}

}  // namespace articledb::cli
