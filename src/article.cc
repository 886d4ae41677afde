// Articles: JSON interchange, validation and derived ids.
#include "articledb/article.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>
#include <xxhash.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "article_json.h"
#include "codec/codec.h"
#include "record_check.h"
#include "time_util.h"

namespace articledb {
namespace {

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

// The column (in characters, from 1) of the key `"key"` in `json`, or 0: the first
// occurrence of the quoted name followed by a colon (a quote inside a string value is
// escaped, so an unescaped one opens a key or a value).
size_t KeyColumn(std::string_view json, std::string_view key) {
  const std::string quoted = "\"" + std::string(key) + "\"";
  for (size_t at = json.find(quoted); at != std::string_view::npos;
       at = json.find(quoted, at + 1)) {
    if (at > 0 && json[at - 1] == '\\') continue;
    size_t after = at + quoted.size();
    while (after < json.size() && (json[after] == ' ' || json[after] == '\t')) ++after;
    if (after < json.size() && json[after] == ':') {
      size_t column = 1;
      for (size_t i = 0; i < at; ++i) column += (static_cast<unsigned char>(json[i]) & 0xC0) != 0x80;
      return column;
    }
  }
  return 0;
}

// Protobuf's JSON parser words its refusals for protobuf's users:
//   (title): invalid value 5 for type TYPE_STRING
//   (published_at): invalid value Field 'published_at', Invalid time format: x for type ...
//   source: Proto field is not repeating, cannot start list.
// This says the same in the schema's terms, with the column of the field's key in `json`:
//   field 'title': must be a string, not 5 (column 16)
// A message of another shape is returned as it is.
std::string RewordJsonError(std::string_view json, std::string message) {
  message = OneLine(std::move(message));
  std::string path, reason;
  if (message.size() > 2 && message[0] == '(') {
    const size_t close = message.find("): invalid value ");
    const size_t type_at = message.rfind(" for type ");
    if (close == std::string::npos || type_at == std::string::npos || type_at < close) {
      return message;
    }
    path = message.substr(1, close - 1);
    const std::string value = message.substr(close + 17, type_at - close - 17);
    const std::string type = message.substr(type_at + 10);
    if (type == "TYPE_STRING") {
      reason = "must be a string, not " + value;
    } else if (type.ends_with("Entity.Kind")) {
      reason = "must be an entity kind (PERSON, ORGANIZATION, LOCATION, EVENT, OTHER, or a "
               "spaCy or CoNLL label such as GPE), not " + value;
    } else if (type.ends_with("google.protobuf.Timestamp")) {
      constexpr std::string_view kFormat = "Invalid time format: ";
      constexpr std::string_view kType = "Invalid data type for timestamp, value is ";
      const size_t f = value.find(kFormat), t = value.find(kType);
      const std::string given = f != std::string::npos   ? "'" + value.substr(f + kFormat.size()) + "'"
                                : t != std::string::npos ? value.substr(t + kType.size())
                                                         : value;
      reason = "must be an RFC 3339 time such as \"2024-05-01T12:00:00Z\", not " + given;
    } else if (type.starts_with("TYPE_")) {
      std::string lower = type.substr(5);
      for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      reason = "must be of type " + lower + ", not " + value;
    } else {
      return message;
    }
  } else if (const size_t colon = message.find(": Proto field is not repeating, cannot start list");
             colon != std::string::npos && colon > 0) {
    path = message.substr(0, colon);
    reason = "must be one value, not a list";
  } else {
    return message;
  }
  std::string out = "field '" + path + "': " + reason;
  const std::string top = path.substr(0, path.find_first_of("[."));
  if (const size_t column = KeyColumn(json, top); column > 0) {
    out += " (column " + std::to_string(column) + ")";
  }
  return out;
}

// Finds the JSON path ("entities[2].name") of the string that holds byte `offset` of
// `json`, for error messages about bytes protobuf's parser rejects without naming a field.
// A small tokenizer: it only tracks nesting, keys and array positions.
std::string JsonPathAt(std::string_view json, size_t offset) {
  struct Frame {
    bool object;
    bool expecting_key;
    std::string key;
    size_t index;
  };
  std::vector<Frame> stack;
  auto path = [&stack]() {
    std::string p;
    for (const Frame& f : stack) {
      if (f.object) {
        if (f.key.empty()) continue;
        if (!p.empty()) p += '.';
        p += f.key;
      } else {
        p += '[' + std::to_string(f.index) + ']';
      }
    }
    return p.empty() ? std::string("(top level)") : p;
  };
  size_t i = 0;
  while (i < json.size()) {
    const char c = json[i];
    if (c == '"') {
      const size_t start = ++i;
      while (i < json.size() && json[i] != '"') i += (json[i] == '\\') ? 2 : 1;
      const bool is_key = !stack.empty() && stack.back().object && stack.back().expecting_key;
      if (is_key) stack.back().key.assign(json.substr(start, std::min(i, json.size()) - start));
      if (offset >= start && offset < i) return path();
      ++i;
      continue;
    }
    if (i >= offset) return path();
    switch (c) {
      case '{': stack.push_back({true, true, "", 0}); break;
      case '[': stack.push_back({false, false, "", 0}); break;
      case '}':
      case ']':
        if (!stack.empty()) stack.pop_back();
        break;
      case ',':
        if (!stack.empty()) {
          if (stack.back().object) {
            stack.back().expecting_key = true;
          } else {
            ++stack.back().index;
          }
        }
        break;
      case ':':
        if (!stack.empty()) stack.back().expecting_key = false;
        break;
      default: break;
    }
    ++i;
  }
  return path();
}

// Protobuf's JSON parser takes a lone value for a repeated field ("authors": "one"); the
// interchange schema says these are arrays, and a lone value usually means a producer that
// got the schema wrong. Returns the first top-level list field whose value is not an array,
// or "" when there is none. Runs on JSON protobuf has already accepted, so it is well formed.
std::string ListFieldGivenAScalar(std::string_view json) {
  int depth = 0;
  size_t i = 0;
  std::string_view key;
  bool expecting_key = false;
  while (i < json.size()) {
    const char c = json[i];
    if (c == '"') {
      const size_t start = ++i;
      while (i < json.size() && json[i] != '"') i += (json[i] == '\\') ? 2 : 1;
      if (depth == 1 && expecting_key) key = json.substr(start, std::min(i, json.size()) - start);
      ++i;
      continue;
    }
    switch (c) {
      case '{':
      case '[':
        if (++depth == 1) expecting_key = true;
        break;
      case '}':
      case ']': --depth; break;
      case ',':
        if (depth == 1) expecting_key = true;
        break;
      case ':':
        if (depth == 1) {
          expecting_key = false;
          size_t j = i + 1;
          while (j < json.size() && (json[j] == ' ' || json[j] == '\t' || json[j] == '\n' ||
                                     json[j] == '\r')) {
            ++j;
          }
          const bool is_list = key == "authors" || key == "topics" || key == "entities";
          if (is_list && j < json.size() && json[j] != '[' && json.substr(j, 4) != "null") {
            return std::string(key);
          }
        }
        break;
      default: break;
    }
    ++i;
  }
  return "";
}

// At most 80 bytes of `s`, cut on a character boundary, "..." marking the cut.
std::string Shorten(const std::string& s) {
  if (s.size() <= 80) return s;
  size_t n = 80;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "...";
}

std::string Describe(const Article& a) {
  if (!a.id().empty() && IsValidUtf8(a.id())) return "article '" + Shorten(a.id()) + "'";
  if (!a.url().empty() && IsValidUtf8(a.url())) return "article (url '" + Shorten(a.url()) + "')";
  return "article (no id)";
}

Status FieldError(const Article& a, const std::string& field, const std::string& why) {
  return Status::InvalidArgument(Describe(a) + ": field '" + field + "': " + why);
}

// Where a string sits in an article, as validation names it: "title", "authors[1]",
// "entities[2].name", "attributes" (a key) or "attributes.KEY" (the value of KEY). A chain
// from the innermost field out, turned into text only for an error message.
struct FieldPath {
  const FieldPath* parent;
  const google::protobuf::FieldDescriptor* field;
  int index;             // element of a repeated field; -1 otherwise
  const std::string* key;  // key of a map entry's value; null otherwise
};

std::string PathText(const FieldPath* p) {
  if (p == nullptr) return "";
  std::string out = PathText(p->parent);
  if (!out.empty()) out += '.';
  out += p->field->name();
  if (p->key != nullptr) out += "." + *p->key;
  if (p->index >= 0) out += "[" + std::to_string(p->index) + "]";
  return out;
}

Status CheckStringAt(const Article& a, const FieldPath& where, const std::string& value,
                     const char* what = "") {
  size_t bad = 0;
  if (IsValidUtf8(value, &bad)) return Status::OK();
  return FieldError(a, PathText(&where),
                    std::string(what) + "invalid UTF-8 at byte " + std::to_string(bad));
}

// Checks every string of `m` (a part of article `a`, at `parent`) by reflection, so a
// string field added to the schema is checked without changing this code: each string
// field, each element of a repeated one, every string in nested and repeated messages,
// and map keys and values.
Status CheckStrings(const Article& a, const google::protobuf::Message& m, const FieldPath* parent,
                    int depth = 0) {
  using google::protobuf::FieldDescriptor;
  if (depth > 32) return Status::OK();  // the schema is not recursive; a guard all the same
  const google::protobuf::Descriptor* d = m.GetDescriptor();
  const google::protobuf::Reflection* r = m.GetReflection();
  std::string scratch;
  Status s;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const bool is_string = f->type() == FieldDescriptor::TYPE_STRING;
    const bool is_message = f->type() == FieldDescriptor::TYPE_MESSAGE;
    if (!is_string && !is_message) continue;
    if (f->is_map()) {
      const FieldDescriptor* key = f->message_type()->map_key();
      const FieldDescriptor* value = f->message_type()->map_value();
      for (int j = 0, n = r->FieldSize(m, f); j < n; ++j) {
        const google::protobuf::Message& entry = r->GetRepeatedMessage(m, f, j);
        const google::protobuf::Reflection* er = entry.GetReflection();
        std::string key_text;
        if (key->type() == FieldDescriptor::TYPE_STRING) {
          key_text = er->GetString(entry, key);
          if (!(s = CheckStringAt(a, {parent, f, -1, nullptr}, key_text, "a key has ")).ok()) {
            return s;
          }
        } else {
          google::protobuf::TextFormat::PrintFieldValueToString(entry, key, -1, &key_text);
        }
        const FieldPath at{parent, f, -1, &key_text};
        if (value->type() == FieldDescriptor::TYPE_STRING) {
          s = CheckStringAt(a, at, er->GetStringReference(entry, value, &scratch));
        } else if (value->type() == FieldDescriptor::TYPE_MESSAGE) {
          s = CheckStrings(a, er->GetMessage(entry, value), &at, depth + 1);
        }
        if (!s.ok()) return s;
      }
    } else if (f->is_repeated()) {
      for (int j = 0, n = r->FieldSize(m, f); j < n; ++j) {
        const FieldPath at{parent, f, j, nullptr};
        s = is_string ? CheckStringAt(a, at, r->GetRepeatedStringReference(m, f, j, &scratch))
                      : CheckStrings(a, r->GetRepeatedMessage(m, f, j), &at, depth + 1);
        if (!s.ok()) return s;
      }
    } else if (is_string) {
      s = CheckStringAt(a, {parent, f, -1, nullptr}, r->GetStringReference(m, f, &scratch));
      if (!s.ok()) return s;
    } else if (r->HasField(m, f)) {
      const FieldPath at{parent, f, -1, nullptr};
      if (!(s = CheckStrings(a, r->GetMessage(m, f), &at, depth + 1)).ok()) return s;
    }
  }
  return Status::OK();
}

Status CheckTimestamp(const Article& a, const char* field, const google::protobuf::Timestamp& ts) {
  if (ts.seconds() < kMinTimestampSeconds || ts.seconds() > kMaxTimestampSeconds ||
      ts.nanos() < 0 || ts.nanos() > 999999999) {
    return FieldError(a, field, "time out of range (0001-01-01 to 9999-12-31)");
  }
  return Status::OK();
}

}  // namespace

int64_t TimestampMicros(const google::protobuf::Timestamp& ts) {
  int64_t s = ts.seconds();
  if (s < kMinTimestampSeconds) s = kMinTimestampSeconds;
  if (s > kMaxTimestampSeconds) s = kMaxTimestampSeconds;
  int64_t nanos = ts.nanos();
  if (nanos < 0) nanos = 0;
  if (nanos > 999999999) nanos = 999999999;
  return s * kMicrosPerSecond + nanos / 1000;
}

Status ParseArticleJson(std::string_view json, Article* out) {
  out->Clear();
  size_t bad = 0;
  if (!IsValidUtf8(json, &bad)) {
    return Status::InvalidArgument("field '" + JsonPathAt(json, bad) +
                                   "': invalid UTF-8 at byte " + std::to_string(bad) +
                                   " of the line");
  }
  // The common shapes take simdjson's parser (src/article_json.cc, about 5x faster);
  // everything else, errors included, takes protobuf's.
  if (internal::FastParseArticleJson(json, out)) return Status::OK();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  options.case_insensitive_enum_parsing = true;  // entity kinds: "person", "Gpe"
  const auto st = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), out, options);
  if (!st.ok()) {
    out->Clear();
    return Status::InvalidArgument(RewordJsonError(json, std::string(st.message())));
  }
  internal::KeepKindLabels(json, out);
  if (out->authors_size() + out->topics_size() + out->entities_size() > 0) {
    const std::string field = ListFieldGivenAScalar(json);
    if (!field.empty()) {
      const Status s = FieldError(*out, field, "must be a JSON array");
      out->Clear();
      return s;
    }
  }
  return Status::OK();
}

namespace {

// Protobuf's printer writes '<' and '>' as \u003c and \u003e (for JSON embedded in
// HTML); ArticleDB's output is for files and pipes, where `grep '<KUMT'` must find the
// text as stored. Turns those two escapes back into the characters, in place; every
// other escape (control characters, quotes, backslashes) stays. An escaped backslash
// followed by "u003c" is text, not an escape, and is left alone.
void UnescapeMarkup(std::string* json) {
  std::string& s = *json;
  size_t w = 0;
  for (size_t r = 0; r < s.size();) {
    if (s[r] != '\\' || r + 1 >= s.size()) {
      s[w++] = s[r++];
      continue;
    }
    if (s[r + 1] == 'u' && r + 5 < s.size() && s.compare(r + 2, 3, "003") == 0 &&
        (s[r + 5] == 'c' || s[r + 5] == 'C' || s[r + 5] == 'e' || s[r + 5] == 'E')) {
      s[w++] = (s[r + 5] == 'c' || s[r + 5] == 'C') ? '<' : '>';
      r += 6;
      continue;
    }
    s[w++] = s[r++];  // the backslash and the character it escapes, kept together
    s[w++] = s[r++];
  }
  s.resize(w);
}

}  // namespace

Status ArticleToJson(const Article& article, std::string* out) {
  out->clear();
  // Protobuf prints JSON from the binary encoding; encoding deterministically sorts the
  // attributes map by key, so the same record always prints the same line.
  static google::protobuf::util::TypeResolver* const resolver =
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          "type.googleapis.com", google::protobuf::DescriptorPool::generated_pool());
  static const std::string type_url =
      "type.googleapis.com/" + Article::descriptor()->full_name();
  std::string binary;
  {
    google::protobuf::io::StringOutputStream stream(&binary);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!article.SerializeToCodedStream(&coded)) {
      return Status::InvalidArgument(Describe(article) + ": cannot be encoded");
    }
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  const auto st = google::protobuf::util::BinaryToJsonString(resolver, type_url, binary, out, options);
  if (!st.ok()) return Status::InvalidArgument(Describe(article) + ": " + OneLine(std::string(st.message())));
  UnescapeMarkup(out);
  return Status::OK();
}

Status ValidateArticle(const Article& a, const Limits& limits) {
  Status s;
  // Strings first, every one of them (the id is field 1, so it is checked first): every
  // message below quotes the id, which must be printable.
  if (!(s = CheckStrings(a, a, nullptr)).ok()) return s;
  if (a.id().size() > limits.max_id_bytes) {
    return FieldError(a, "id",
                      "too long (" + std::to_string(a.id().size()) + " bytes, limit " +
                          std::to_string(limits.max_id_bytes) + ")");
  }
  if (a.source().size() > limits.max_name_bytes) {
    return FieldError(a, "source", "too long (" + std::to_string(a.source().size()) +
                                       " bytes, limit " + std::to_string(limits.max_name_bytes) + ")");
  }
  if (NormalizeName(a.source()).empty()) {
    return FieldError(a, "source", a.source().empty() ? "required, and missing"
                                                      : "empty once normalised");
  }
  if (static_cast<size_t>(a.entities_size()) > limits.max_entities) {
    return FieldError(a, "entities", "too many (" + std::to_string(a.entities_size()) +
                                         ", limit " + std::to_string(limits.max_entities) + ")");
  }
  for (int i = 0; i < a.entities_size(); ++i) {
    const Entity& e = a.entities(i);
    const std::string field = "entities[" + std::to_string(i) + "]";
    if (e.name().size() > limits.max_name_bytes) {
      return FieldError(a, field + ".name", "too long (" + std::to_string(e.name().size()) +
                                                " bytes, limit " +
                                                std::to_string(limits.max_name_bytes) + ")");
    }
    if (NormalizeName(e.name()).empty()) {
      return FieldError(a, field + ".name", "empty");
    }
    if (!v1::Entity::Kind_IsValid(e.kind())) {
      return FieldError(a, field + ".kind", "unknown kind " + std::to_string(e.kind()));
    }
    if (e.label().size() > limits.max_name_bytes) {
      return FieldError(a, field + ".label", "too long (" + std::to_string(e.label().size()) +
                                                 " bytes, limit " +
                                                 std::to_string(limits.max_name_bytes) + ")");
    }
  }
  if (a.has_published_at() && !(s = CheckTimestamp(a, "published_at", a.published_at())).ok()) return s;
  if (a.has_updated_at() && !(s = CheckTimestamp(a, "updated_at", a.updated_at())).ok()) return s;
  const size_t size = a.ByteSizeLong();
  if (size > limits.max_record_bytes) {
    return Status::InvalidArgument(Describe(a) + ": record too large (" + std::to_string(size) +
                                   " bytes serialized, limit " +
                                   std::to_string(limits.max_record_bytes) + ")");
  }
  return Status::OK();
}

namespace {

// InvalidUtf8InRecord for `bytes`, a message of type `d` whose path is `prefix`. Reads the
// wire format without the schema (protobuf's parser would stop at the bad string without
// saying where), and the schema tells which fields are strings.
std::string InvalidUtf8In(std::string_view bytes, const google::protobuf::Descriptor* d,
                          const std::string& prefix, int depth) {
  using google::protobuf::FieldDescriptor;
  using google::protobuf::UnknownField;
  google::protobuf::UnknownFieldSet fields;
  if (depth > 32 || !fields.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return "";
  std::unordered_map<int, int> seen;  // field number -> elements so far (repeated fields)
  size_t bad = 0;
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& uf = fields.field(i);
    const FieldDescriptor* f = d->FindFieldByNumber(uf.number());
    if (f == nullptr || uf.type() != UnknownField::TYPE_LENGTH_DELIMITED) continue;
    const int index = seen[uf.number()]++;
    const std::string& value = uf.length_delimited();
    const std::string name = prefix + f->name();
    if (f->is_map()) {
      // An entry: key is field 1, value field 2.
      google::protobuf::UnknownFieldSet entry;
      if (!entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) continue;
      const FieldDescriptor* key_f = f->message_type()->map_key();
      const FieldDescriptor* value_f = f->message_type()->map_value();
      // A key or value may be given more than once (the last one counts), and protobuf
      // checks each one it reads, so every one is checked here.
      std::string key, inner;
      for (int j = 0; j < entry.field_count(); ++j) {
        const UnknownField& e = entry.field(j);
        if (e.type() != UnknownField::TYPE_LENGTH_DELIMITED || e.number() != 1) continue;
        key = e.length_delimited();
        if (key_f->type() == FieldDescriptor::TYPE_STRING && !IsValidUtf8(key, &bad)) {
          return "field '" + name + "': a key has invalid UTF-8 at byte " + std::to_string(bad);
        }
      }
      for (int j = 0; j < entry.field_count(); ++j) {
        const UnknownField& e = entry.field(j);
        if (e.type() != UnknownField::TYPE_LENGTH_DELIMITED || e.number() != 2) continue;
        inner = e.length_delimited();
        if (value_f->type() == FieldDescriptor::TYPE_STRING && !IsValidUtf8(inner, &bad)) {
          return "field '" + name + "." + key + "': invalid UTF-8 at byte " + std::to_string(bad);
        }
        if (value_f->type() == FieldDescriptor::TYPE_MESSAGE) {
          std::string found =
              InvalidUtf8In(inner, value_f->message_type(), name + "." + key + ".", depth + 1);
          if (!found.empty()) return found;
        }
      }
      continue;
    }
    const std::string item = f->is_repeated() ? name + "[" + std::to_string(index) + "]" : name;
    if (f->type() == FieldDescriptor::TYPE_STRING && !IsValidUtf8(value, &bad)) {
      return "field '" + item + "': invalid UTF-8 at byte " + std::to_string(bad);
    }
    if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      std::string found = InvalidUtf8In(value, f->message_type(), item + ".", depth + 1);
      if (!found.empty()) return found;
    }
  }
  return "";
}

}  // namespace

std::string InvalidUtf8InRecord(std::string_view serialized) {
  return InvalidUtf8In(serialized, Article::descriptor(), "", 0);
}

std::string DeriveArticleId(const Article& a) {
  XXH128_hash_t h;
  std::string prefix;
  if (!a.url().empty()) {
    h = XXH3_128bits(a.url().data(), a.url().size());
    prefix = "url:";
  } else {
    XXH3_state_t* state = XXH3_createState();
    XXH3_128bits_reset(state);
    const std::string when = a.has_published_at()
                                 ? std::to_string(a.published_at().seconds()) + "." +
                                       std::to_string(a.published_at().nanos())
                                 : std::string();
    // source NUL title NUL when NUL body: unambiguous as long as source and title hold
    // no NUL (when never does, and body is last), and kept as it is so that stored ids
    // stay stable. A NUL in source or title would let bytes move from one field to the
    // next ("a\0" + "b" and "a" + "\0b"), so such articles hash a form with lengths:
    // NUL NUL 0xFF, then source, title and when each preceded by its length (8 bytes,
    // little-endian), then body. The first form never starts that way: its third field
    // (the time, digits, '-' and '.') would have to start with 0xFF.
    const char zero = '\0';
    const bool nul_in_names = a.source().find('\0') != std::string::npos ||
                              a.title().find('\0') != std::string::npos;
    if (nul_in_names) {
      static constexpr char kMark[3] = {'\0', '\0', '\xff'};
      XXH3_128bits_update(state, kMark, sizeof(kMark));
      for (const std::string* part : {&a.source(), &a.title(), &when}) {
        char length[8];
        codec::EncodeFixed64LE(length, static_cast<uint64_t>(part->size()));
        XXH3_128bits_update(state, length, sizeof(length));
        XXH3_128bits_update(state, part->data(), part->size());
      }
    } else {
      for (const std::string* part : {&a.source(), &a.title(), &when}) {
        XXH3_128bits_update(state, part->data(), part->size());
        XXH3_128bits_update(state, &zero, 1);
      }
    }
    XXH3_128bits_update(state, a.body().data(), a.body().size());
    h = XXH3_128bits_digest(state);
    XXH3_freeState(state);
    prefix = "hash:";
  }
  char hex[33];
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    hex[i * 2] = kHex[(h.high64 >> (60 - 8 * i)) & 15];
    hex[i * 2 + 1] = kHex[(h.high64 >> (56 - 8 * i)) & 15];
    hex[16 + i * 2] = kHex[(h.low64 >> (60 - 8 * i)) & 15];
    hex[16 + i * 2 + 1] = kHex[(h.low64 >> (56 - 8 * i)) & 15];
  }
  hex[32] = '\0';
  return prefix + hex;
}

}  // namespace articledb
