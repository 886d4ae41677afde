// The fast path of ParseArticleJson: simdjson's DOM parser, then the known fields set
// through the generated accessors. Anything outside the forms handled here falls back to
// protobuf's JSON parser (src/article.cc), so the accepted inputs, the resulting records
// and the errors are protobuf's (its messages reworded there); tests/article_json_test.cc and the fuzz_json
// target compare the two parsers on every input the fast path accepts.
#include "article_json.h"

#include <simdjson.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "time_util.h"

namespace articledb::internal {
namespace {

namespace dom = simdjson::dom;

// RFC 3339 in the one spelling protobuf's Timestamp parser reads:
// YYYY-MM-DDTHH:MM:SS[.1 to 9 digits](Z|+HH:MM|-HH:MM), upper-case T and Z, a real day.
// Returns false for anything else (protobuf then accepts it or words the refusal).
bool ParseTimestamp(std::string_view s, google::protobuf::Timestamp* out) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, &year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &month) ||
      s[7] != '-' || !Digits(s, 8, 2, &day) || s[10] != 'T' || !Digits(s, 11, 2, &hour) ||
      s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' ||
      !Digits(s, 17, 2, &second)) {
    return false;
  }
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (year < 1 || !date.ok() || hour > 23 || minute > 59 || second > 59) return false;
  size_t at = 19;
  int32_t nanos = 0;
  if (at < s.size() && s[at] == '.') {
    ++at;
    int n = 0;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9' && n < 9) {
      nanos = nanos * 10 + (s[at] - '0');
      ++at;
      ++n;
    }
    if (n == 0 || (at < s.size() && s[at] >= '0' && s[at] <= '9')) return false;
    for (; n < 9; ++n) nanos *= 10;
  }
  int64_t offset = 0;
  if (at < s.size() && s[at] == 'Z') {
    ++at;
  } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
    int oh, om;
    if (!Digits(s, at + 1, 2, &oh) || at + 3 >= s.size() || s[at + 3] != ':' ||
        !Digits(s, at + 4, 2, &om) || oh > 23 || om > 59) {
      return false;
    }
    offset = (s[at] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    at += 6;
  } else {
    return false;
  }
  if (at != s.size()) return false;
  const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  out->set_seconds(days * 86400 + hour * 3600 + minute * 60 + second - offset);
  out->set_nanos(nanos);
  return true;
}

// An entity kind given by name: as written, or upper-cased with '-' read as '_' (the
// case-insensitive enum parsing ParseArticleJson asks protobuf for). *label (when given)
// is set to the alias's name when the name is a tagger's label ("GPE"), else cleared.
bool ParseKind(std::string_view s, int* kind, std::string* label = nullptr) {
  const google::protobuf::EnumDescriptor* d = v1::Entity::Kind_descriptor();
  std::string name(s);
  const google::protobuf::EnumValueDescriptor* v = d->FindValueByName(name);
  if (v == nullptr) {
    for (char& c : name) {
      if (c == '-') c = '_';
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    // A name that is a number ("3") is read by protobuf as that number: not here.
    if (name.empty() || (name[0] >= '0' && name[0] <= '9') || name[0] == '-') return false;
    v = d->FindValueByName(name);
  }
  if (v == nullptr) return false;
  *kind = v->number();
  if (label != nullptr) {
    // The kind's own name is the first one the enum declares for its number.
    if (v != d->FindValueByNumber(v->number())) {
      *label = v->name();
    } else {
      label->clear();
    }
  }
  return true;
}

bool SetString(dom::element value, std::string* out) {
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) return false;
  out->assign(s.data(), s.size());
  return true;
}

bool SetStrings(dom::element value, google::protobuf::RepeatedPtrField<std::string>* out) {
  dom::array items;
  if (value.get_array().get(items) != simdjson::SUCCESS) return false;
  for (dom::element item : items) {
    std::string_view s;
    if (item.get_string().get(s) != simdjson::SUCCESS) return false;
    out->Add()->assign(s.data(), s.size());
  }
  return true;
}

bool SetEntities(dom::element value, Article* out) {
  dom::array items;
  if (value.get_array().get(items) != simdjson::SUCCESS) return false;
  for (dom::element item : items) {
    dom::object fields;
    if (item.get_object().get(fields) != simdjson::SUCCESS) return false;
    Entity* e = out->add_entities();
    bool seen_name = false, seen_kind = false, seen_label = false;
    std::string tagger_label;
    for (dom::key_value_pair field : fields) {
      if (field.value.is_null()) {
        if (field.key != "name" && field.key != "kind" && field.key != "label") return false;
        continue;
      }
      if (field.key == "name") {
        if (seen_name || !SetString(field.value, e->mutable_name())) return false;
        seen_name = true;
      } else if (field.key == "kind") {
        std::string_view s;
        int kind = 0;
        if (seen_kind || field.value.get_string().get(s) != simdjson::SUCCESS ||
            !ParseKind(s, &kind, &tagger_label)) {
          return false;
        }
        e->set_kind(static_cast<v1::Entity::Kind>(kind));
        seen_kind = true;
      } else if (field.key == "label") {
        if (seen_label || !SetString(field.value, e->mutable_label())) return false;
        seen_label = true;
      } else {
        return false;
      }
    }
    if (e->label().empty()) e->set_label(tagger_label);
  }
  return true;
}

bool SetAttributes(dom::element value, Article* out) {
  dom::object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS) return false;
  auto* map = out->mutable_attributes();
  for (dom::key_value_pair field : fields) {
    std::string_view s;
    if (field.value.get_string().get(s) != simdjson::SUCCESS) return false;
    const auto [it, fresh] = map->try_emplace(std::string(field.key));
    if (!fresh) return false;  // a repeated key: protobuf's rule decides
    it->second.assign(s.data(), s.size());
  }
  return true;
}

enum Field : unsigned {
  kId, kUrl, kSource, kLanguage, kPublishedAt, kUpdatedAt, kTitle, kSummary, kBody,
  kAuthors, kTopics, kEntities, kAttributes, kUnknown
};

Field FieldNamed(std::string_view key) {
  switch (key.size()) {
    case 2: return key == "id" ? kId : kUnknown;
    case 3: return key == "url" ? kUrl : kUnknown;
    case 4: return key == "body" ? kBody : kUnknown;
    case 5: return key == "title" ? kTitle : kUnknown;
    case 6: return key == "source" ? kSource : key == "topics" ? kTopics : kUnknown;
    case 7:
      return key == "summary" ? kSummary : key == "authors" ? kAuthors : kUnknown;
    case 8: return key == "language" ? kLanguage : key == "entities" ? kEntities : kUnknown;
    case 9: return key == "updatedAt" ? kUpdatedAt : kUnknown;
    case 10:
      return key == "attributes" ? kAttributes : key == "updated_at" ? kUpdatedAt : kUnknown;
    case 11: return key == "publishedAt" ? kPublishedAt : kUnknown;
    case 12: return key == "published_at" ? kPublishedAt : kUnknown;
    default: return kUnknown;
  }
}

bool SetField(Field f, dom::element value, Article* out) {
  switch (f) {
    case kId: return SetString(value, out->mutable_id());
    case kUrl: return SetString(value, out->mutable_url());
    case kSource: return SetString(value, out->mutable_source());
    case kLanguage: return SetString(value, out->mutable_language());
    case kTitle: return SetString(value, out->mutable_title());
    case kSummary: return SetString(value, out->mutable_summary());
    case kBody: return SetString(value, out->mutable_body());
    case kPublishedAt:
    case kUpdatedAt: {
      std::string_view s;
      if (value.get_string().get(s) != simdjson::SUCCESS) return false;
      return ParseTimestamp(s, f == kPublishedAt ? out->mutable_published_at()
                                                 : out->mutable_updated_at());
    }
    case kAuthors: return SetStrings(value, out->mutable_authors());
    case kTopics: return SetStrings(value, out->mutable_topics());
    case kEntities: return SetEntities(value, out);
    case kAttributes: return SetAttributes(value, out);
    case kUnknown: return false;
  }
  return false;
}

bool Parse(dom::parser& parser, std::string_view json, Article* out) {
  dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) return false;
  dom::object fields;
  if (root.get_object().get(fields) != simdjson::SUCCESS) return false;
  uint32_t seen = 0;
  for (dom::key_value_pair field : fields) {
    const Field f = FieldNamed(field.key);
    if (f == kUnknown) return false;
    const uint32_t bit = 1u << f;
    if ((seen & bit) != 0) return false;  // given twice (perhaps under both names)
    seen |= bit;
    if (field.value.is_null()) continue;  // protobuf: null leaves the field unset
    if (!SetField(f, field.value, out)) return false;
  }
  return true;
}

}  // namespace

bool FastParseArticleJson(std::string_view json, Article* out) {
  out->Clear();
  // One parser per thread, reused: it keeps buffers sized for the largest input it met,
  // so inputs past 1 MiB get a parser of their own, freed after.
  constexpr size_t kReusedUpTo = 1u << 20;
  bool ok;
  if (json.size() <= kReusedUpTo) {
    thread_local dom::parser parser;
    ok = Parse(parser, json, out);
  } else {
    auto parser = std::make_unique<dom::parser>();
    ok = Parse(*parser, json, out);
  }
  if (!ok) out->Clear();
  return ok;
}

void KeepKindLabels(std::string_view json, Article* out) {
  if (out->entities_size() == 0) return;
  dom::parser parser;
  dom::element doc;
  simdjson::padded_string padded(json.data(), json.size());
  if (parser.parse(padded).get(doc) != simdjson::SUCCESS) return;
  dom::array items;
  if (doc["entities"].get_array().get(items) != simdjson::SUCCESS) return;
  int i = 0;
  for (dom::element item : items) {
    if (i >= out->entities_size()) break;
    Entity* e = out->mutable_entities(i++);
    std::string_view s;
    int kind = 0;
    std::string label;
    if (e->label().empty() && item["kind"].get_string().get(s) == simdjson::SUCCESS &&
        ParseKind(s, &kind, &label)) {
      e->set_label(label);
    }
  }
}

}  // namespace articledb::internal
