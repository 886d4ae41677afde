#include "store/keys.h"

#include <rocksdb/slice.h>
#include <rocksdb/slice_transform.h>

#include "codec/codec.h"

namespace articledb::keys {

void AppendNamePrefix(std::string* out, std::string_view prefix) {
  for (char c : prefix) {
    out->push_back(c);
    if (c == '\0') out->push_back('\xff');
  }
}

void AppendName(std::string* out, std::string_view name) {
  AppendNamePrefix(out, name);
  out->append("\0\x01", 2);
}

bool ConsumeName(std::string_view* in, std::string* name) {
  name->clear();
  for (size_t i = 0; i < in->size(); ++i) {
    const char c = (*in)[i];
    if (c != '\0') {
      name->push_back(c);
      continue;
    }
    if (i + 1 >= in->size()) return false;  // cut short
    const char next = (*in)[i + 1];
    if (next == '\xff') {
      name->push_back('\0');
      ++i;
      continue;
    }
    if (next != '\x01') return false;  // neither escape nor terminator
    in->remove_prefix(i + 2);
    return true;
  }
  return false;  // no terminator
}

void AppendTime(std::string* out, int64_t micros) {
  AppendDocno(out, static_cast<uint64_t>(micros) ^ (uint64_t{1} << 63));
}

void AppendDocno(std::string* out, uint64_t v) { codec::PutFixed64BE(out, v); }

uint64_t DecodeDocno(const char* p) { return codec::DecodeFixed64BE(p); }

int64_t DecodeTime(const char* p) {
  return static_cast<int64_t>(DecodeDocno(p) ^ (uint64_t{1} << 63));
}

std::string DocnoKey(uint64_t docno) {
  std::string k;
  AppendDocno(&k, docno);
  return k;
}

std::string IndexPrefix(char type, std::string_view normalized_name) {
  std::string k(1, type);
  if (type != kDate) AppendName(&k, normalized_name);
  return k;
}

bool ParseIndexKey(std::string_view key, IndexKey* out) {
  if (key.empty()) return false;
  out->type = key[0];
  key.remove_prefix(1);
  out->name.clear();
  if (HasName(out->type)) {
    if (!ConsumeName(&key, &out->name)) return false;
  } else if (out->type != kDate) {
    return false;
  }
  if (key.size() != kPositionBytes) return false;
  out->time = DecodeTime(key.data());
  out->docno = DecodeDocno(key.data() + 8);
  return true;
}

std::string CounterKey(char type, std::string_view normalized_name) {
  return IndexPrefix(type, normalized_name);
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    if (static_cast<unsigned char>(s.back()) != 0xff) {
      s.back() = static_cast<char>(static_cast<unsigned char>(s.back()) + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

namespace {

// Length of the prefix of an index key (type, and escaped name with its terminator), or
// 0 when `key` is not a complete one.
size_t PrefixLength(std::string_view key) {
  if (key.empty()) return 0;
  if (key[0] == kDate) return 1;
  if (!HasName(key[0])) return 0;
  for (size_t i = 1; i + 1 < key.size(); ++i) {
    if (key[i] != '\0') continue;
    if (key[i + 1] == '\x01') return i + 2;
    if (key[i + 1] != '\xff') return 0;
    ++i;
  }
  return 0;
}

class IndexPrefixExtractor : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "articledb.IndexPrefix.v2"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), PrefixLength(std::string_view(key.data(), key.size())));
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return PrefixLength(std::string_view(key.data(), key.size())) > 0;
  }
};

}  // namespace

const rocksdb::SliceTransform* NewIndexPrefixExtractor() { return new IndexPrefixExtractor(); }

}  // namespace articledb::keys
