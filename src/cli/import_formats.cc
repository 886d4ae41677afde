// Input formats of `articledb import` (import_formats.h, docs/import.md).
#include "import_formats.h"

#include <simdjson.h>

#include "time_util.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

namespace articledb::cli {
namespace {

namespace dom = simdjson::dom;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EndsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// `text` shortened for a message (at most 60 bytes, not inside a UTF-8 sequence).
std::string Short(std::string_view text) {
  if (text.size() <= 60) return std::string(text);
  size_t cut = 57;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

const char* TypeName(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY: return "an array";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: return "a number";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::BOOL: return "true or false";
    case dom::element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

Status FieldError(std::string_view field, const std::string& reason) {
  return Status::InvalidArgument("field '" + std::string(field) + "': " + reason);
}

}  // namespace

bool ParseInputFormat(std::string_view name, InputFormat* out) {
  static const std::pair<const char*, InputFormat> kNames[] = {
      {"auto", InputFormat::kAuto}, {"jsonl", InputFormat::kJsonl},
      {"json", InputFormat::kJson}, {"newsapi", InputFormat::kNewsApi},
      {"news-please", InputFormat::kNewsPlease}, {"rss", InputFormat::kRss},
      {"csv", InputFormat::kCsv}};
  for (const auto& [n, f] : kNames) {
    if (name == n) {
      *out = f;
      return true;
    }
  }
  return false;
}

const char* InputFormatName(InputFormat format) {
  switch (format) {
    case InputFormat::kAuto: return "auto";
    case InputFormat::kJsonl: return "jsonl";
    case InputFormat::kJson: return "json";
    case InputFormat::kNewsApi: return "newsapi";
    case InputFormat::kNewsPlease: return "news-please";
    case InputFormat::kRss: return "rss";
    case InputFormat::kCsv: return "csv";
  }
  return "?";
}

// ------------------------------------------------------------------ dates

bool ParseFlexibleDate(std::string_view text, const cctz::time_zone& assume_tz,
                       google::protobuf::Timestamp* out) {
  std::string s(Trim(text));
  if (s.empty()) return false;
  int64_t seconds = 0;
  int32_t nanos = 0;
  if (s.size() <= 12 && s.find_first_not_of("0123456789") == std::string::npos) {
    seconds = std::stoll(s);  // epoch seconds
  } else {
    // Zone names of RFC 822 (section 5.1) and a trailing Z, as numeric offsets.
    static const std::pair<const char*, const char*> kZones[] = {
        {" GMT", " +0000"}, {" UTC", " +0000"}, {" UT", " +0000"}, {" Z", " +0000"},
        {" EST", " -0500"}, {" EDT", " -0400"}, {" CST", " -0600"}, {" CDT", " -0500"},
        {" MST", " -0700"}, {" MDT", " -0600"}, {" PST", " -0800"}, {" PDT", " -0700"}};
    for (const auto& [name, offset] : kZones) {
      if (EndsWith(s, name)) {
        s.replace(s.size() - std::strlen(name), std::strlen(name), offset);
        break;
      }
    }
    if (s.back() == 'Z' || s.back() == 'z') s.replace(s.size() - 1, 1, "+00:00");
    static const char* const kForms[] = {
        // RFC 3339 and ISO 8601 with an offset (a 'T' or a space between date and time)
        "%Y-%m-%dT%H:%M:%E*S%Ez", "%Y-%m-%d %H:%M:%E*S%Ez", "%Y-%m-%dT%H:%M:%E*S%z",
        "%Y-%m-%d %H:%M:%E*S%z", "%Y-%m-%dT%H:%M%Ez", "%Y-%m-%d %H:%M%Ez",
        "%Y-%m-%d %H:%M:%E*S %z",
        // without a zone: in assume_tz
        "%Y-%m-%dT%H:%M:%E*S", "%Y-%m-%d %H:%M:%E*S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
        "%Y-%m-%d",
        // RFC 822 / 1123 (RSS), with or without the weekday and the seconds
        "%a, %d %b %Y %H:%M:%S %z", "%a, %d %b %Y %H:%M %z", "%d %b %Y %H:%M:%S %z",
        "%d %b %Y %H:%M %z"};
    // Seconds and femtoseconds apart: a nanosecond time_point only spans 1678-2262.
    cctz::time_point<cctz::seconds> tp;
    cctz::detail::femtoseconds fs;
    bool parsed = false;
    for (const char* form : kForms) {
      if (cctz::detail::parse(form, s, assume_tz, &tp, &fs)) {
        parsed = true;
        break;
      }
    }
    if (!parsed) return false;
    seconds = tp.time_since_epoch().count();
    nanos = static_cast<int32_t>(fs.count() / 1000000);
  }
  if (seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds) return false;
  out->set_seconds(seconds);
  out->set_nanos(nanos);
  return true;
}

// ------------------------------------------------------------------ splitting

Status JsonValueSplitter::Feed(std::string_view line, uint64_t line_no,
                               const std::function<void(std::string_view, uint64_t)>& emit) {
  auto error = [&](const std::string& what) {
    return Status::InvalidArgument("line " + std::to_string(line_no) + ": " + what);
  };
  auto finish_value = [&] {
    in_value_ = false;
    scalar_ = false;
    emit(value_, value_line_);
    value_.clear();
  };
  if (in_value_ && !scalar_) value_.push_back('\n');
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_value_) {
      if (in_string_) {
        value_.push_back(c);
        if (escape_) {
          escape_ = false;
        } else if (c == '\\') {
          escape_ = true;
        } else if (c == '"') {
          in_string_ = false;
          if (scalar_) finish_value();  // a top-level string
        }
      } else if (scalar_) {
        // A bare number or literal ends at the first character that cannot be part of it.
        if (std::strchr(",]}[{\" \t\r", c) != nullptr) {
          finish_value();
          --i;  // the character is looked at again, between values
          continue;
        }
        value_.push_back(c);
      } else {
        value_.push_back(c);
        if (c == '"') {
          in_string_ = true;
        } else if (c == '{' || c == '[') {
          ++depth_;
        } else if (c == '}' || c == ']') {
          if (--depth_ == 0) finish_value();
        }
      }
      if (in_value_ && value_.size() > max_value_bytes_) {
        return error("a value larger than " + std::to_string(max_value_bytes_) + " bytes");
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (top_ == Top::kUnknown) {
      if (c == '[') {
        top_ = Top::kArray;
        continue;
      }
      top_ = Top::kValues;
    }
    if (array_closed_) return error("text after the end of the top-level array");
    if (top_ == Top::kArray && c == ',') continue;
    if (top_ == Top::kArray && c == ']') {
      array_closed_ = true;
      continue;
    }
    if (c == ']' || c == '}' || c == ',' || c == ':') {
      return error(std::string("unexpected '") + c + "' between values");
    }
    in_value_ = true;
    value_line_ = line_no;
    value_.assign(1, c);
    if (c == '{' || c == '[') {
      depth_ = 1;
    } else if (c == '"') {
      in_string_ = true;
      scalar_ = true;
    } else {
      scalar_ = true;
    }
  }
  if (in_value_ && scalar_ && !in_string_) finish_value();  // a bare scalar ends with its line
  return Status::OK();
}

Status JsonValueSplitter::Finish() const {
  if (in_value_) {
    return Status::InvalidArgument("the value starting on line " + std::to_string(value_line_) +
                                   " is not closed at the end of the input");
  }
  if (top_ == Top::kArray && !array_closed_) {
    return Status::InvalidArgument("the top-level array is not closed at the end of the input");
  }
  return Status::OK();
}

// ------------------------------------------------------------------ mapping

Status UnknownFieldsError(const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "'" : ", '") + Short(n) + "'";
  return Status::InvalidArgument(std::string(names.size() == 1 ? "field " : "fields ") + list +
                                 (names.size() == 1 ? " is" : " are") +
                                 " not in the schema (--keep-unknown keeps them in attributes)");
}

namespace {

// Sets the article fields of one input format from a JSON object, by a table of names;
// collects the names the table lacks.
class Mapper {
 public:
  Mapper(const ConvertOptions& options, Article* out)
      : options_(options),
        keep_(options.unknown != ConvertOptions::Unknown::kRefuse),
        out_(out) {}

  Status String(std::string_view field, dom::element v, std::string* to) {
    if (v.is_null()) return Status::OK();
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) {
      return FieldError(field, std::string("expected a string, got ") + TypeName(v.type()));
    }
    to->assign(s.data(), s.size());
    return Status::OK();
  }

  // A list of strings; a lone string is a one-element list (feeds give one author so).
  Status Strings(std::string_view field, dom::element v,
                 google::protobuf::RepeatedPtrField<std::string>* to) {
    if (v.is_null()) return Status::OK();
    std::string_view s;
    if (v.get_string().get(s) == simdjson::SUCCESS) {
      if (!Trim(s).empty()) to->Add()->assign(s.data(), s.size());
      return Status::OK();
    }
    dom::array items;
    if (v.get_array().get(items) != simdjson::SUCCESS) {
      return FieldError(field, std::string("expected a list of strings, got ") +
                                   TypeName(v.type()));
    }
    size_t i = 0;
    for (dom::element item : items) {
      if (item.is_null()) continue;
      if (item.get_string().get(s) != simdjson::SUCCESS) {
        return FieldError(std::string(field) + "[" + std::to_string(i) + "]",
                          std::string("expected a string, got ") + TypeName(item.type()));
      }
      to->Add()->assign(s.data(), s.size());
      ++i;
    }
    return Status::OK();
  }

  // `updated`: into updated_at, else published_at (neither is touched by a null).
  Status Date(std::string_view field, dom::element v, bool updated) {
    if (v.is_null()) return Status::OK();
    google::protobuf::Timestamp* to =
        updated ? out_->mutable_updated_at() : out_->mutable_published_at();
    std::string_view s;
    int64_t epoch = 0;
    std::string text;
    if (v.get_string().get(s) == simdjson::SUCCESS) {
      text.assign(s.data(), s.size());
    } else if (v.get_int64().get(epoch) == simdjson::SUCCESS) {
      text = std::to_string(epoch);
    } else {
      return FieldError(field, std::string("expected a date, got ") + TypeName(v.type()));
    }
    if (!ParseFlexibleDate(text, options_.assume_tz, to)) {
      return FieldError(field, "unreadable date '" + Short(text) +
                                   "' (RFC 3339, 'YYYY-MM-DD HH:MM:SS' in --assume-tz, "
                                   "RFC 822 or epoch seconds, 0001 to 9999)");
    }
    return Status::OK();
  }

  void Unknown(std::string_view key, dom::element v) {
    if (v.is_null()) return;
    unknown_.emplace_back(key);
    if (!keep_) return;
    std::string_view s;
    std::string value =
        v.get_string().get(s) == simdjson::SUCCESS ? std::string(s) : simdjson::minify(v);
    out_->mutable_attributes()->try_emplace(std::string(key), std::move(value));
  }

  // After every field: the unknown ones refused, all named, unless they are kept.
  Status Done() const {
    return keep_ || unknown_.empty() ? Status::OK() : UnknownFieldsError(unknown_);
  }

 private:
  const ConvertOptions& options_;
  const bool keep_;
  Article* out_;
  std::vector<std::string> unknown_;
};

Status MapNewsApiArticle(dom::object fields, const ConvertOptions& options, Article* a) {
  Mapper m(options, a);
  for (dom::key_value_pair f : fields) {
    const std::string_view k = f.key;
    Status s;
    if (k == "source") {
      dom::object src;
      if (f.value.is_null()) continue;
      if (f.value.get_object().get(src) != simdjson::SUCCESS) {
        s = m.String("source", f.value, a->mutable_source());  // a plain name
      } else {
        std::string id;
        for (dom::key_value_pair g : src) {
          if (g.key == "name") {
            s = m.String("source.name", g.value, a->mutable_source());
          } else if (g.key == "id") {
            s = m.String("source.id", g.value, &id);
          }
          if (!s.ok()) return s;
        }
        if (a->source().empty()) a->set_source(id);
      }
    } else if (k == "author") {
      s = m.Strings("author", f.value, a->mutable_authors());
    } else if (k == "title") {
      s = m.String(k, f.value, a->mutable_title());
    } else if (k == "description") {
      s = m.String(k, f.value, a->mutable_summary());
    } else if (k == "url") {
      s = m.String(k, f.value, a->mutable_url());
    } else if (k == "publishedAt") {
      s = m.Date(k, f.value, false);
    } else if (k == "content") {
      s = m.String(k, f.value, a->mutable_body());
    } else {
      m.Unknown(k, f.value);
    }
    if (!s.ok()) return s;
  }
  return m.Done();
}

Status MapNewsPlease(dom::object fields, const ConvertOptions& options, Article* a) {
  Mapper m(options, a);
  for (dom::key_value_pair f : fields) {
    const std::string_view k = f.key;
    Status s;
    if (k == "title") {
      s = m.String(k, f.value, a->mutable_title());
    } else if (k == "maintext") {
      s = m.String(k, f.value, a->mutable_body());
    } else if (k == "description") {
      s = m.String(k, f.value, a->mutable_summary());
    } else if (k == "date_publish") {
      s = m.Date(k, f.value, false);
    } else if (k == "date_modify") {
      s = m.Date(k, f.value, true);
    } else if (k == "authors") {
      s = m.Strings(k, f.value, a->mutable_authors());
    } else if (k == "source_domain") {
      s = m.String(k, f.value, a->mutable_source());
    } else if (k == "url") {
      s = m.String(k, f.value, a->mutable_url());
    } else if (k == "language") {
      s = m.String(k, f.value, a->mutable_language());
    } else {
      m.Unknown(k, f.value);
    }
    if (!s.ok()) return s;
  }
  return m.Done();
}

bool HasAnyKey(dom::object o, std::initializer_list<std::string_view> keys) {
  for (dom::key_value_pair f : o) {
    for (std::string_view k : keys) {
      if (f.key == k) return true;
    }
  }
  return false;
}

// A NewsAPI response: its article list or count, or its "status" of "ok" or "error".
bool IsNewsApiResponse(dom::object o) {
  if (HasAnyKey(o, {"articles", "totalResults"})) return true;
  std::string_view status;
  return o["status"].get_string().get(status) == simdjson::SUCCESS &&
         (status == "ok" || status == "error");
}

// True when `key` names a field of the interchange schema (proto or lowerCamelCase name).
bool InterchangeField(std::string_view key) {
  const google::protobuf::Descriptor* d = Article::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->name() == key || d->field(i)->json_name() == key) return true;
  }
  return false;
}

}  // namespace

Status ParseInterchange(std::string_view json, ConvertOptions::Unknown unknown_policy,
                        Article* out) {
  const Status first = ParseArticleJson(json, out);
  if (first.ok()) return first;
  dom::parser parser;
  dom::object fields;
  if (parser.parse(json.data(), json.size()).get_object().get(fields) != simdjson::SUCCESS) {
    return first;
  }
  std::string known = "{";
  std::vector<std::pair<std::string, std::string>> unknown;
  for (dom::key_value_pair f : fields) {
    if (InterchangeField(f.key)) {
      if (known.size() > 1) known += ',';
      known += '"';
      known.append(f.key);  // a schema name: plain ASCII, nothing to escape
      known += "\":";
      known += simdjson::minify(f.value);
    } else {
      std::string_view s;
      unknown.emplace_back(std::string(f.key), f.value.get_string().get(s) == simdjson::SUCCESS
                                                   ? std::string(s)
                                                   : simdjson::minify(f.value));
    }
  }
  known += '}';
  if (unknown.empty()) return first;  // protobuf's message names what is wrong
  if (unknown_policy != ConvertOptions::Unknown::kKeep) {
    std::vector<std::string> names;
    for (const auto& u : unknown) names.push_back(u.first);
    out->Clear();
    return UnknownFieldsError(names);
  }
  const Status s = ParseArticleJson(known, out);
  if (!s.ok()) return s;
  for (auto& [k, v] : unknown) {
    if (v != "null") out->mutable_attributes()->try_emplace(k, std::move(v));
  }
  return Status::OK();
}

void ConvertValue(InputFormat format, std::string_view json, const ConvertOptions& options,
                  const std::function<void(Status, Article*, std::string_view)>& each) {
  Article a;
  auto interchange = [&] {
    const Status s = ParseInterchange(json, options.unknown, &a);
    each(s, s.ok() ? &a : nullptr, json);
  };
  if (format == InputFormat::kJson || format == InputFormat::kJsonl) {
    interchange();
    return;
  }
  dom::parser parser;
  dom::element root;
  if (const auto e = parser.parse(json.data(), json.size()).get(root); e != simdjson::SUCCESS) {
    each(Status::InvalidArgument(std::string("malformed JSON: ") + simdjson::error_message(e)),
         nullptr, json);
    return;
  }
  dom::object fields;
  if (root.get_object().get(fields) != simdjson::SUCCESS) {
    each(Status::InvalidArgument(std::string("expected an article (a JSON object), got ") +
                                 TypeName(root.type())),
         nullptr, json);
    return;
  }
  if (format == InputFormat::kAuto) {
    if (IsNewsApiResponse(fields)) {
      format = InputFormat::kNewsApi;
    } else if (HasAnyKey(fields, {"maintext", "date_publish", "source_domain"})) {
      format = InputFormat::kNewsPlease;
    } else {
      interchange();
      return;
    }
  }
  if (format == InputFormat::kNewsPlease) {
    const Status s = MapNewsPlease(fields, options, &a);
    each(s, s.ok() ? &a : nullptr, json);
    return;
  }
  // NewsAPI: a response, {"status":"ok","totalResults":N,"articles":[...]}.
  std::string_view status;
  if (fields["status"].get_string().get(status) == simdjson::SUCCESS && status == "error") {
    std::string_view code, message;
    if (fields["code"].get_string().get(code) != simdjson::SUCCESS) code = "no code";
    if (fields["message"].get_string().get(message) != simdjson::SUCCESS) message = "";
    each(Status::InvalidArgument("a NewsAPI error response (" + std::string(code) + "): " +
                                 Short(message)),
         nullptr, json);
    return;
  }
  dom::array articles;
  if (fields["articles"].get_array().get(articles) != simdjson::SUCCESS) {
    each(Status::InvalidArgument(
             "field 'articles': a NewsAPI response needs an array of articles"),
         nullptr, json);
    return;
  }
  size_t i = 0;
  for (dom::element item : articles) {
    a.Clear();
    dom::object article;
    Status s;
    if (item.get_object().get(article) != simdjson::SUCCESS) {
      s = Status::InvalidArgument(std::string("expected an article (a JSON object), got ") +
                                  TypeName(item.type()));
    } else {
      s = MapNewsApiArticle(article, options, &a);
    }
    if (!s.ok()) s = Status::InvalidArgument("articles[" + std::to_string(i) + "]: " + s.message());
    const std::string raw = simdjson::minify(item);
    each(s, s.ok() ? &a : nullptr, raw);
    ++i;
  }
}

InputFormat DetectFormat(std::string_view first_line) {
  const std::string_view t = Trim(first_line);
  if (!t.empty() && t.front() == '<') return InputFormat::kRss;
  if (!t.empty() && t.front() != '{' && t.front() != '[') {
    // A CSV header names at least one field.
    std::vector<std::string> cells;
    CsvSplitter splitter(t.size() + 2);
    if (splitter.Feed(t, 1, [&](const std::vector<std::string>& c, uint64_t) { cells = c; }).ok()) {
      for (const std::string& c : cells) {
        std::string name(Trim(c));
        for (char& ch : name) {
          if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        }
        const auto& known = CsvFieldNames();
        if (std::find(known.begin(), known.end(), name) != known.end()) return InputFormat::kCsv;
      }
    }
    return InputFormat::kAuto;
  }
  if (t.empty() || t.front() != '{') return InputFormat::kAuto;
  dom::parser parser;
  dom::object fields;
  if (parser.parse(t.data(), t.size()).get_object().get(fields) != simdjson::SUCCESS) {
    return InputFormat::kAuto;  // not one line a value (pretty-printed), or not JSON
  }
  if (IsNewsApiResponse(fields) ||
      HasAnyKey(fields, {"maintext", "date_publish", "source_domain"})) {
    return InputFormat::kAuto;
  }
  return InputFormat::kJsonl;
}

Status CsvSplitter::Feed(
    std::string_view line, uint64_t line_no,
    const std::function<void(const std::vector<std::string>&, uint64_t)>& emit) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (in_quotes_) {
    cells_.back() += '\n';  // a line break inside a quoted cell
  } else {
    cells_.assign(1, std::string());
    first_line_ = line_no;
    bytes_ = 0;
  }
  bytes_ += line.size() + 1;
  if (bytes_ > max_record_bytes_) {
    in_quotes_ = false;
    return Status::InvalidArgument("CSV record from line " + std::to_string(first_line_) +
                                   " is over " + std::to_string(max_record_bytes_) + " bytes");
  }
  bool after_quote = false;  // a quoted cell was closed; only a comma may follow
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quotes_) {
      if (c != '"') {
        cells_.back() += c;
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        cells_.back() += '"';
        ++i;
      } else {
        in_quotes_ = false;
        after_quote = true;
      }
    } else if (c == ',') {
      cells_.emplace_back();
      after_quote = false;
    } else if (after_quote) {
      return Status::InvalidArgument("CSV line " + std::to_string(line_no) + ", column " +
                                     std::to_string(i + 1) +
                                     ": text after a closing quote (a quote in a quoted "
                                     "cell is written twice)");
    } else if (c == '"' && cells_.back().empty()) {
      in_quotes_ = true;
    } else {
      cells_.back() += c;
    }
  }
  if (!in_quotes_) emit(cells_, first_line_);
  return Status::OK();
}

Status CsvSplitter::Finish() const {
  if (in_quotes_) {
    return Status::InvalidArgument("CSV record from line " + std::to_string(first_line_) +
                                   " ends inside a quoted cell");
  }
  return Status::OK();
}

const std::vector<std::string>& CsvFieldNames() {
  static const std::vector<std::string> names = {
      "id",   "url",     "source", "language", "published_at", "updated_at", "title",
      "summary", "body", "authors", "topics", "entities"};
  return names;
}

namespace {

std::string LowerTrimmed(std::string_view s) {
  std::string out(Trim(s));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The names of a list cell: separated by ';', each trimmed, empty ones left out.
std::vector<std::string> ListCell(std::string_view cell) {
  std::vector<std::string> out;
  while (!cell.empty()) {
    const size_t semi = cell.find(';');
    const std::string_view item = Trim(cell.substr(0, semi));
    if (!item.empty()) out.emplace_back(item);
    if (semi == std::string_view::npos) break;
    cell.remove_prefix(semi + 1);
  }
  return out;
}

}  // namespace

Status MapCsvColumns(const std::vector<std::string>& header, const ConvertOptions& options,
                     CsvColumns* out) {
  const std::vector<std::string>& known = CsvFieldNames();
  out->names = header;
  out->fields.assign(header.size(), "");
  std::vector<bool> mapped(header.size(), false);
  for (const auto& [column, field] : options.csv_map) {
    if (field != "-" && std::find(known.begin(), known.end(), field) == known.end()) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      return Status::InvalidArgument("--map " + column + "=" + field + ": no field '" + field +
                                     "' (fields: " + list + ", or - to ignore the column)");
    }
    bool found = false;
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == column || LowerTrimmed(header[i]) == LowerTrimmed(column)) {
        out->fields[i] = field;
        mapped[i] = true;
        found = true;
      }
    }
    if (!found) {
      return Status::InvalidArgument("--map " + column + "=" + field + ": the header has no column '" +
                                     Short(column) + "'");
    }
  }
  std::vector<std::string> unknown;
  for (size_t i = 0; i < header.size(); ++i) {
    if (mapped[i]) continue;
    const std::string name = LowerTrimmed(header[i]);
    if (std::find(known.begin(), known.end(), name) != known.end()) {
      out->fields[i] = name;
    } else {
      unknown.push_back(header[i]);
    }
  }
  for (size_t i = 0; i < header.size(); ++i) {
    if (out->fields[i].empty() || out->fields[i] == "-") continue;
    for (size_t j = 0; j < i; ++j) {
      if (out->fields[j] == out->fields[i]) {
        return Status::InvalidArgument("columns '" + Short(header[j]) + "' and '" + Short(header[i]) +
                                       "' both fill field '" + out->fields[i] +
                                       "' (--map one of them to another field, or to -)");
      }
    }
  }
  if (!unknown.empty() && options.unknown == ConvertOptions::Unknown::kRefuse) {
    return Status::InvalidArgument(UnknownFieldsError(unknown).message() +
                                   ", or --map COLUMN=FIELD names their field");
  }
  return Status::OK();
}

Status ConvertCsvRecord(const CsvColumns& columns, const std::vector<std::string>& cells,
                        const ConvertOptions& options, Article* out) {
  out->Clear();
  if (cells.size() != columns.fields.size()) {
    return Status::InvalidArgument("the record has " + std::to_string(cells.size()) +
                                   " cells, the header " + std::to_string(columns.fields.size()));
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    const std::string& field = columns.fields[i];
    const std::string& cell = cells[i];
    if (field == "-" || cell.empty()) continue;
    if (field.empty()) {
      (*out->mutable_attributes())[columns.names[i]] = cell;
    } else if (field == "id") {
      out->set_id(cell);
    } else if (field == "url") {
      out->set_url(cell);
    } else if (field == "source") {
      out->set_source(cell);
    } else if (field == "language") {
      out->set_language(std::string(Trim(cell)));
    } else if (field == "title") {
      out->set_title(cell);
    } else if (field == "summary") {
      out->set_summary(cell);
    } else if (field == "body") {
      out->set_body(cell);
    } else if (field == "published_at" || field == "updated_at") {
      google::protobuf::Timestamp* ts =
          field == "published_at" ? out->mutable_published_at() : out->mutable_updated_at();
      if (!ParseFlexibleDate(cell, options.assume_tz, ts)) {
        return Status::InvalidArgument("column '" + Short(columns.names[i]) + "' (" + field +
                                       "): '" + Short(cell) +
                                       "' is not a date (RFC 3339, 2024-05-09 14:05:00, RFC "
                                       "822 or epoch seconds)");
      }
    } else if (field == "authors") {
      for (std::string& a : ListCell(cell)) out->add_authors(std::move(a));
    } else if (field == "topics") {
      for (std::string& t : ListCell(cell)) out->add_topics(std::move(t));
    } else if (field == "entities") {
      for (std::string& e : ListCell(cell)) out->add_entities()->set_name(std::move(e));
    }
  }
  return Status::OK();
}

}  // namespace articledb::cli
