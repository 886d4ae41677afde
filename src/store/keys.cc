#include "store/keys.h"

#include <rocksdb/slice.h>
#include <rocksdb/slice_transform.h>

#include <algorithm>
#include <chrono>

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

namespace {

// Reads the prefix of an index key (its type, and the escaped name of a named type) from
// the front of *key and removes it; false when it is malformed.
bool ConsumeIndexPrefix(std::string_view* key, char* type, std::string* name) {
  if (key->empty()) return false;
  *type = (*key)[0];
  key->remove_prefix(1);
  name->clear();
  if (HasName(*type)) return ConsumeName(key, name);
  return *type == kDate;
}

}  // namespace

bool ParseIndexKey(std::string_view key, IndexKey* out) {
  if (!ConsumeIndexPrefix(&key, &out->type, &out->name)) return false;
  if (key.size() != kPositionBytes) return false;
  out->time = DecodeTime(key.data());
  out->docno = DecodeDocno(key.data() + 8);
  return true;
}

namespace {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
// 0001-01-01 and 9999-12-31 as days since 1970-01-01.
constexpr int64_t kFirstDay = -719162;
constexpr int64_t kLastDay = 2932896;

int64_t ClampedEpochDay(int64_t micros) {
  int64_t d = micros / kMicrosPerDay;
  if (micros % kMicrosPerDay < 0) --d;
  return std::clamp(d, kFirstDay, kLastDay);
}

}  // namespace

uint32_t MonthBucket(int64_t micros) {
  if (micros == kUndated) return kUndatedBucket;
  const std::chrono::year_month_day ymd{
      std::chrono::sys_days{std::chrono::days{ClampedEpochDay(micros)}}};
  return static_cast<uint32_t>((static_cast<int>(ymd.year()) - 1) * 12 +
                               static_cast<int>(static_cast<unsigned>(ymd.month()))) ;
}

int64_t MonthBucketStart(uint32_t bucket) {
  const int months = static_cast<int>(bucket) - 1;
  const std::chrono::year_month_day first{std::chrono::year{months / 12 + 1},
                                          std::chrono::month{static_cast<unsigned>(months % 12 + 1)},
                                          std::chrono::day{1}};
  return std::chrono::sys_days{first}.time_since_epoch().count() * kMicrosPerDay;
}

uint32_t DayNumber(int64_t micros) {
  return static_cast<uint32_t>(ClampedEpochDay(micros) - kFirstDay);
}

int64_t DayStart(uint32_t day) { return (static_cast<int64_t>(day) + kFirstDay) * kMicrosPerDay; }

void AppendBucket(std::string* out, uint32_t bucket) { codec::PutFixed32BE(out, bucket); }

uint32_t DecodeBucket(const char* p) { return codec::DecodeFixed32BE(p); }

std::string BlockKey(std::string_view index_prefix, uint32_t bucket) {
  std::string k(index_prefix);
  AppendBucket(&k, bucket);
  return k;
}

bool ParseBlockKey(std::string_view key, BlockKeyParts* out) {
  if (!ConsumeIndexPrefix(&key, &out->type, &out->name)) return false;
  if (key.size() != kBucketBytes) return false;
  out->bucket = DecodeBucket(key.data());
  return true;
}

namespace {

std::string Describe(char type, const std::string& name) {
  std::string s = type == kDate       ? "date"
                  : type == kSource   ? "source"
                  : type == kEntity   ? "entity"
                  : type == kLanguage ? "language"
                  : type == kTopic    ? "topic"
                  : type == kText     ? "text term"
                                      : "author";
  if (type != kDate) s += " '" + name + "'";
  return s;
}

}  // namespace

std::string DescribeIndexPrefix(std::string_view index_prefix) {
  BlockKeyParts p;
  if (!ParseBlockKey(BlockKey(index_prefix, 0), &p)) return "malformed index prefix";
  return Describe(p.type, p.name);
}

std::string DescribeBlockKey(std::string_view key) {
  BlockKeyParts p;
  if (!ParseBlockKey(key, &p)) return "malformed index key";
  std::string s = Describe(p.type, p.name);
  if (p.bucket == kUndatedBucket) return s + " (undated)";
  const int months = static_cast<int>(p.bucket) - 1;
  const int y = months / 12 + 1, m = months % 12 + 1;
  std::string ym = std::to_string(y);
  while (ym.size() < 4) ym.insert(0, "0");
  return s + " (" + ym + (m < 10 ? "-0" : "-") + std::to_string(m) + ")";
}

std::string DayCounterKey(std::string_view index_prefix, uint32_t day) {
  std::string k(1, kDayCounterTag);
  k.append(index_prefix);
  AppendBucket(&k, day);
  return k;
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
