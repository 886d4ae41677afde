// Filters after normalisation (filter.h).
#include "query/filter.h"

#include <xxhash.h>

#include <algorithm>

#include "articledb/article.h"
#include "time_util.h"

namespace articledb::query {

Status Normalize(const Filter& f, NormalFilter* out) {
  if (f.from_micros && f.to_micros && *f.from_micros > *f.to_micros) {
    return Status::InvalidArgument("time range: 'from' (" + FormatTime(*f.from_micros) +
                                   ") is after 'to' (" + FormatTime(*f.to_micros) + ")");
  }
  out->bounded = f.from_micros.has_value() || f.to_micros.has_value();
  out->lo = out->bounded ? std::max(f.from_micros.value_or(keys::kUndated + 1), keys::kUndated + 1)
                         : keys::kUndated;
  out->hi = f.to_micros;
  out->prefixes.clear();
  out->any_of.clear();
  out->none_of.clear();
  auto add = [](char type, const std::string& name, const char* what,
                std::vector<std::string>* to) -> Status {
    size_t bad = 0;
    if (!IsValidUtf8(name, &bad)) {
      return Status::InvalidArgument(std::string(what) + " name: invalid UTF-8 at byte " +
                                     std::to_string(bad));
    }
    std::string norm = NormalizeName(name);
    if (norm.empty()) return Status::InvalidArgument(std::string(what) + " name is empty");
    to->push_back(keys::IndexPrefix(type, norm));
    return Status::OK();
  };
  auto sort_unique = [](std::vector<std::string>* v) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  };
  // A list of which one name must match: one name is one more name every match carries.
  auto any = [&](char type, const std::vector<std::string>& names, const char* what,
                 const std::string* also) -> Status {
    std::vector<std::string> group;
    if (also != nullptr) {
      if (Status s = add(type, *also, what, &group); !s.ok()) return s;
    }
    for (const std::string& n : names) {
      if (Status s = add(type, n, what, &group); !s.ok()) return s;
    }
    sort_unique(&group);
    if (group.size() == 1) {
      out->prefixes.push_back(std::move(group[0]));
    } else if (group.size() > 1) {
      out->any_of.push_back(std::move(group));
    }
    return Status::OK();
  };
  if (Status s = any(keys::kSource, f.sources, "source", f.source ? &*f.source : nullptr); !s.ok()) {
    return s;
  }
  for (const std::string& e : f.entities) {
    if (Status s = add(keys::kEntity, e, "entity", &out->prefixes); !s.ok()) return s;
  }
  if (Status s = any(keys::kEntity, f.any_entities, "entity", nullptr); !s.ok()) return s;
  for (const std::string& e : f.not_entities) {
    if (Status s = add(keys::kEntity, e, "entity", &out->none_of); !s.ok()) return s;
  }
  if (Status s = any(keys::kLanguage, f.languages, "language", nullptr); !s.ok()) return s;
  for (const std::string& t : f.topics) {
    if (Status s = add(keys::kTopic, t, "topic", &out->prefixes); !s.ok()) return s;
  }
  for (const std::string& a : f.authors) {
    if (Status s = add(keys::kAuthor, a, "author", &out->prefixes); !s.ok()) return s;
  }
  sort_unique(&out->prefixes);
  sort_unique(&out->none_of);
  std::sort(out->any_of.begin(), out->any_of.end());
  out->text.reset();
  out->text_canon.clear();
  if (!f.text.empty()) {
    auto query = std::make_shared<text::QueryNode>();
    if (Status s = text::ParseQuery(f.text, query.get()); !s.ok()) return s;
    out->text_canon = text::ToString(*query);
    out->text = std::move(query);
  }
  return Status::OK();
}

// The canonical form hashed: order, range, then each list, then the text query; the bytes
// 0x01, 0x02 and 0x03 that open the any-of and none-of lists and the text are never the
// first byte of a name's prefix (its type).
uint64_t Fingerprint(const NormalFilter& f, Order order) {
  std::string canon;
  canon.push_back(order == Order::kNewestFirst ? 'n' : order == Order::kOldestFirst ? 'o' : 'r');
  keys::AppendTime(&canon, f.lo);
  canon.push_back(f.hi ? 'h' : '-');
  keys::AppendTime(&canon, f.hi.value_or(0));
  for (const std::string& p : f.prefixes) {
    keys::AppendName(&canon, p);
  }
  for (const auto& group : f.any_of) {
    canon.push_back('\x01');
    for (const std::string& p : group) keys::AppendName(&canon, p);
  }
  if (!f.none_of.empty()) {
    canon.push_back('\x02');
    for (const std::string& p : f.none_of) keys::AppendName(&canon, p);
  }
  if (f.text) {
    canon.push_back('\x03');
    canon += f.text_canon;
  }
  return XXH3_64bits(canon.data(), canon.size());
}

}  // namespace articledb::query
