// Doc values (doc_values.h).
#include "index/doc_values.h"

#include <algorithm>

#include "codec/codec.h"
#include "store/keys.h"

namespace articledb::index {
namespace {

constexpr char kVersion = 1;

// Appends the field: the distinct non-empty normal forms of `names`, in their order.
template <typename Names, typename Get>
void PutField(const Names& names, Get get, std::string* out) {
  std::vector<std::string> norm;
  for (const auto& n : names) {
    std::string x = NormalizeName(get(n));
    if (x.empty() || std::find(norm.begin(), norm.end(), x) != norm.end()) continue;
    norm.push_back(std::move(x));
  }
  codec::PutVarint64(out, norm.size());
  for (const std::string& x : norm) {
    codec::PutVarint64(out, x.size());
    out->append(x);
  }
}

}  // namespace

char DocFieldType(DocField field) {
  switch (field) {
    case kDocSource: return keys::kSource;
    case kDocLanguage: return keys::kLanguage;
    case kDocTopics: return keys::kTopic;
    case kDocAuthors: return keys::kAuthor;
    case kDocEntities: return keys::kEntity;
    case kNumDocFields: break;
  }
  return 0;
}

void EncodeDocValues(const Article& a, std::string* out) {
  out->clear();
  out->push_back(kVersion);
  const auto same = [](const std::string& s) -> const std::string& { return s; };
  const std::string source[1] = {a.source()};
  const std::string language[1] = {a.language()};
  PutField(source, same, out);
  PutField(language, same, out);
  PutField(a.topics(), same, out);
  PutField(a.authors(), same, out);
  PutField(a.entities(), [](const Entity& e) -> const std::string& { return e.name(); }, out);
}

bool DocValueNames(std::string_view value, DocField field, std::vector<std::string_view>* names) {
  names->clear();
  if (value.empty() || value[0] != kVersion) return false;
  value.remove_prefix(1);
  for (size_t f = 0; f <= field; ++f) {
    uint64_t count = 0;
    if (!codec::GetVarint64(&value, &count) || count > value.size()) return false;
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t len = 0;
      if (!codec::GetVarint64(&value, &len) || len > value.size()) {
        names->clear();
        return false;
      }
      if (f == field) names->push_back(value.substr(0, len));
      value.remove_prefix(len);
    }
  }
  return true;
}

}  // namespace articledb::index
