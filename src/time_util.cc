#include "time_util.h"

#include <chrono>
#include <cstdio>
#include <string_view>

namespace articledb {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t DayMicros(const std::chrono::year_month_day& ymd) {
  return static_cast<int64_t>(sys_days(ymd).time_since_epoch().count()) * kMicrosPerDay;
}

bool Digits(std::string_view s, size_t pos, size_t n, int* value) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *value = v;
  return true;
}

Status Bad(std::string_view text, const char* why) {
  return Status::InvalidArgument("time '" + std::string(text) + "': " + why +
                                 " (expected 2024-05-01 or 2024-05-01T12:00:00Z)");
}

}  // namespace

Status ParseTimeArgument(std::string_view text, int64_t* micros) {
  int y, mo, d;
  if (text.size() < 10 || !Digits(text, 0, 4, &y) || text[4] != '-' || !Digits(text, 5, 2, &mo) ||
      text[7] != '-' || !Digits(text, 8, 2, &d)) {
    return Bad(text, "not a date");
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || y < 1) return Bad(text, "no such day");
  int64_t result = DayMicros(ymd);
  if (text.size() == 10) {
    *micros = result;
    return Status::OK();
  }
  int h, mi, s;
  if ((text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !Digits(text, 11, 2, &h) ||
      text.size() < 19 || text[13] != ':' || !Digits(text, 14, 2, &mi) || text[16] != ':' ||
      !Digits(text, 17, 2, &s)) {
    return Bad(text, "not a time of day");
  }
  if (h > 23 || mi > 59 || s > 60) return Bad(text, "hour, minute or second out of range");
  result += (int64_t{h} * 3600 + int64_t{mi} * 60 + s) * kMicrosPerSecond;
  size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int64_t frac = 0;
    int ndigits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (ndigits < 6) {
        frac = frac * 10 + (text[pos] - '0');
        ++ndigits;
      }
      ++pos;
    }
    if (ndigits == 0) return Bad(text, "empty fraction of a second");
    while (ndigits < 6) {
      frac *= 10;
      ++ndigits;
    }
    result += frac;
  }
  if (pos >= text.size()) return Bad(text, "no time zone (add Z or an offset such as +02:00)");
  if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
    *micros = result;
    return Status::OK();
  }
  int oh, om;
  if ((text[pos] != '+' && text[pos] != '-') || pos + 6 != text.size() ||
      !Digits(text, pos + 1, 2, &oh) || text[pos + 3] != ':' || !Digits(text, pos + 4, 2, &om) ||
      oh > 23 || om > 59) {
    return Bad(text, "bad time zone offset");
  }
  const int64_t offset = (int64_t{oh} * 3600 + int64_t{om} * 60) * kMicrosPerSecond;
  *micros = text[pos] == '+' ? result - offset : result + offset;
  return Status::OK();
}

std::string FormatTime(int64_t micros) {
  const int64_t day_index = FloorDiv(micros, kMicrosPerDay);
  const int64_t in_day = micros - day_index * kMicrosPerDay;
  const std::chrono::year_month_day ymd{sys_days{days{day_index}}};
  const int64_t secs = in_day / kMicrosPerSecond;
  const int64_t frac = in_day % kMicrosPerSecond;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d",
                        static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                        static_cast<unsigned>(ymd.day()), static_cast<int>(secs / 3600),
                        static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  if (frac != 0) n += std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ".%06d", static_cast<int>(frac));
  std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), "Z");
  return buf;
}

}  // namespace articledb
