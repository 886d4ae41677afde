// Key layout of the archive's column families. Internal; documented in docs/storage.md.
//
//   records   docno(8, big-endian)                      -> serialized Article
//   ids       article id bytes                          -> docno(8)
//   index     'D' bucket(4)                             -> posting block: every article
//             'S' name bucket(4)                        -> posting block: by source
//             'E' name bucket(4)                        -> posting block: by entity
//             'L' / 'T' / 'A' name bucket(4)            -> by language, topic, author
//             'W' group:term bucket(4)                  -> posting block: by text term
//   counters  'S' name | 'E' name | '.articles' | ...   -> count delta(8) + display name
//             '#' 'D' day(4) | '#' type name day(4)     -> count delta(8): per UTC day
//
// bucket: a month (MonthBucket), 0 for undated articles; a posting block holds the
// (time, docno) pairs of its key, written by merge operands (src/index/posting_block.h).
// An index *position key* (prefix | time(8) | docno(8), IndexKey below) names one posting:
// what the index contributors derive, and what verify reports.
// name: the normalised name with 0x00 escaped as 0x00 0xFF, ended by 0x00 0x01. Byte order
// is string order, and since 0x00 0x01 never occurs inside an escaped name, no name's key
// is a prefix of another's and the end of a name is found without looking at what follows
// (a lone 0x00 terminator would be ambiguous: "x" then a time starting 0xFF reads as "x\0").
// time: microseconds since the epoch, big-endian with the sign bit flipped, so dates
// before 1970 sort first; articles without a date carry kUndated, the smallest value.
#ifndef ARTICLEDB_SRC_STORE_KEYS_H_
#define ARTICLEDB_SRC_STORE_KEYS_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace rocksdb {
class SliceTransform;
}

namespace articledb::keys {

inline constexpr char kDate = 'D';
inline constexpr char kSource = 'S';
inline constexpr char kEntity = 'E';
inline constexpr char kLanguage = 'L';
inline constexpr char kTopic = 'T';
inline constexpr char kAuthor = 'A';
// The text index: name = analysis group ':' term (text::AnalysisGroup), e.g. "en:elect".
inline constexpr char kText = 'W';
// Index types whose keys carry a name: every type but kDate.
inline constexpr bool HasName(char type) {
  return type == kSource || type == kEntity || type == kLanguage || type == kTopic ||
         type == kAuthor || type == kText;
}
// The name of a term in analysis group `group` in the text index.
inline std::string TextName(std::string_view group, std::string_view term) {
  std::string name(group);
  name += ':';
  name += term;
  return name;
}
inline constexpr int64_t kUndated = std::numeric_limits<int64_t>::min();
inline constexpr size_t kPositionBytes = 16;  // time(8) + docno(8)

void AppendName(std::string* out, std::string_view name);
// Escapes `prefix` without the terminator: a byte prefix of every name it starts.
void AppendNamePrefix(std::string* out, std::string_view prefix);
// Reads an escaped, terminated name from the front of *in and removes it from *in.
bool ConsumeName(std::string_view* in, std::string* name);

void AppendTime(std::string* out, int64_t micros);
void AppendDocno(std::string* out, uint64_t docno);
int64_t DecodeTime(const char* p);     // 8 bytes
uint64_t DecodeDocno(const char* p);   // 8 bytes

std::string DocnoKey(uint64_t docno);

// "D", or type + escaped name: everything of an index key before its position.
std::string IndexPrefix(char type, std::string_view normalized_name);

struct IndexKey {
  char type = 0;
  std::string name;  // normalised; empty for kDate
  int64_t time = 0;
  uint64_t docno = 0;
};
// Parses a key of the index column family; false when it is malformed.
bool ParseIndexKey(std::string_view key, IndexKey* out);

// ---- format 2: index keys are prefix | bucket ----
inline constexpr size_t kBucketBytes = 4;
inline constexpr uint32_t kUndatedBucket = 0;
// Months since 0001-01, plus one (0001-01 is bucket 1); kUndated gives kUndatedBucket.
// Times outside the years 1-9999 (none is stored) are clamped to them.
uint32_t MonthBucket(int64_t micros);
// The first microsecond of month bucket `bucket` (>= 1).
int64_t MonthBucketStart(uint32_t bucket);
// Days since 0001-01-01 (UTC), clamped to the years 1-9999; for dated times.
uint32_t DayNumber(int64_t micros);
// The first microsecond of day `day`.
int64_t DayStart(uint32_t day);
void AppendBucket(std::string* out, uint32_t bucket);
uint32_t DecodeBucket(const char* p);  // 4 bytes
// prefix | bucket: the key of a posting block.
std::string BlockKey(std::string_view index_prefix, uint32_t bucket);
struct BlockKeyParts {
  char type = 0;
  std::string name;  // normalised; empty for kDate
  uint32_t bucket = 0;
};
// Parses a key of the index column family (a block key); false when it is malformed.
bool ParseBlockKey(std::string_view key, BlockKeyParts* out);
// Names an index prefix for messages: "entity 'Armenia'", "date".
std::string DescribeIndexPrefix(std::string_view index_prefix);
// Names a block key for messages: "entity 'Armenia' (2024-05)", "date (undated)".
std::string DescribeBlockKey(std::string_view key);

// Counter keys.
std::string CounterKey(char type, std::string_view normalized_name);
// Per UTC day counters: '#' | index prefix | day(4).
inline constexpr char kDayCounterTag = '#';
std::string DayCounterKey(std::string_view index_prefix, uint32_t day);
inline constexpr std::string_view kArticlesCounter = ".articles";
inline constexpr std::string_view kRecordBytesCounter = ".record_bytes";
// With the text index: the sum of the articles' lengths in words (a title word counting
// text::kTitleWeight), the lengths relevance's average comes from.
inline constexpr std::string_view kTextLengthCounter = ".text_length";

// The smallest key greater than every key starting with `prefix` ("" if none exists).
std::string PrefixSuccessor(std::string_view prefix);

// Prefix extractor of the index column family: the part before the position ("D" or
// type + escaped name), so Bloom filters answer "does this file hold this name?".
const rocksdb::SliceTransform* NewIndexPrefixExtractor();

}  // namespace articledb::keys

#endif  // ARTICLEDB_SRC_STORE_KEYS_H_
