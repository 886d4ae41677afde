// Constants of time in microseconds since the Unix epoch (UTC), for time arguments and
// timeline buckets (src/query/buckets.h). Internal.
#ifndef ARTICLEDB_SRC_TIME_UTIL_H_
#define ARTICLEDB_SRC_TIME_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "articledb/query.h"

namespace articledb {

inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range of google.protobuf.Timestamp.
inline constexpr int64_t kMinTimestampSeconds = -62135596800;
inline constexpr int64_t kMaxTimestampSeconds = 253402300799;

// The `n` decimal digits of `s` at `pos` as a number; false when any is not a digit or
// `s` is too short.
bool Digits(std::string_view s, size_t pos, size_t n, int* value);

}  // namespace articledb

#endif  // ARTICLEDB_SRC_TIME_UTIL_H_
