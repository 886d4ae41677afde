// Filters after normalisation (filter.h).
#include "query/filter.h"

#include <xxhash.h>

#include <algorithm>

#include "articledb/article.h"
#include "time_util.h"

namespace articledb::query {

Status Normalize(const Filter& f, NormalFilter* out) {
  if (!f.sources.empty() || !f.any_entities.empty() || !f.not_entities.empty() ||
      !f.languages.empty() || !f.topics.empty() || !f.authors.empty()) {
    return Status::NotSupported(
        "filters on several sources, any/not entities, languages, topics or authors are not "
        "implemented yet");
  }
  if (f.from_micros && f.to_micros && *f.from_micros > *f.to_micros) {
    return Status::InvalidArgument("time range: 'from' (" + FormatTime(*f.from_micros) +
                                   ") is after 'to' (" + FormatTime(*f.to_micros) + ")");
  }
  out->bounded = f.from_micros.has_value() || f.to_micros.has_value();
  out->lo = out->bounded ? std::max(f.from_micros.value_or(keys::kUndated + 1), keys::kUndated + 1)
                         : keys::kUndated;
  out->hi = f.to_micros;
  auto add = [out](char type, const std::string& name, const char* what) -> Status {
    size_t bad = 0;
    if (!IsValidUtf8(name, &bad)) {
      return Status::InvalidArgument(std::string(what) + " name: invalid UTF-8 at byte " +
                                     std::to_string(bad));
    }
    std::string norm = NormalizeName(name);
    if (norm.empty()) return Status::InvalidArgument(std::string(what) + " name is empty");
    out->prefixes.push_back(keys::IndexPrefix(type, norm));
    return Status::OK();
  };
  if (f.source) {
    if (Status s = add(keys::kSource, *f.source, "source"); !s.ok()) return s;
  }
  for (const std::string& e : f.entities) {
    if (Status s = add(keys::kEntity, e, "entity"); !s.ok()) return s;
  }
  std::sort(out->prefixes.begin(), out->prefixes.end());
  out->prefixes.erase(std::unique(out->prefixes.begin(), out->prefixes.end()), out->prefixes.end());
  return Status::OK();
}

uint64_t Fingerprint(const NormalFilter& f, Order order) {
  std::string canon;
  canon.push_back(order == Order::kNewestFirst ? 'n' : 'o');
  keys::AppendTime(&canon, f.lo);
  canon.push_back(f.hi ? 'h' : '-');
  keys::AppendTime(&canon, f.hi.value_or(0));
  for (const std::string& p : f.prefixes) {
    keys::AppendName(&canon, p);
  }
  return XXH3_64bits(canon.data(), canon.size());
}

}  // namespace articledb::query
