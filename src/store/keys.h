// Key layout of the archive's column families. Internal; documented in docs/storage.md.
//
//   records   docno(8, big-endian)                      -> serialized Article
//   ids       article id bytes                          -> docno(8)
//   index     'D' time(8) docno(8)                      -> ""   every article
//             'S' name time(8) docno(8)                 -> ""   by source
//             'E' name time(8) docno(8)                 -> ""   by entity
//   counters  'S' name | 'E' name | '.articles' | ...   -> count delta(8) + display name
//
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
// Index types whose keys carry a name: every type but kDate.
inline constexpr bool HasName(char type) {
  return type == kSource || type == kEntity || type == kLanguage || type == kTopic ||
         type == kAuthor;
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

// Counter keys.
std::string CounterKey(char type, std::string_view normalized_name);
inline constexpr std::string_view kArticlesCounter = ".articles";
inline constexpr std::string_view kRecordBytesCounter = ".record_bytes";

// The smallest key greater than every key starting with `prefix` ("" if none exists).
std::string PrefixSuccessor(std::string_view prefix);

// Prefix extractor of the index column family: the part before the position ("D" or
// type + escaped name), so Bloom filters answer "does this file hold this name?".
const rocksdb::SliceTransform* NewIndexPrefixExtractor();

}  // namespace articledb::keys

#endif  // ARTICLEDB_SRC_STORE_KEYS_H_
