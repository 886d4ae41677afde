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

Status Bad(std::string_view text, const char* why) {
  return Status::InvalidArgument("time '" + std::string(text) + "': " + why +
                                 " (expected 2024, 2024-05, 2024-05-01, 2024-05-01T12:00:00Z, "
                                 "@1714550400, now, or 7d / 12h / 2w ago)");
}

// "@SECONDS" (seconds since the epoch, may be negative).
Status ParseEpoch(std::string_view text, int64_t* micros) {
  std::string_view digits = text.substr(1);
  const bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 12) return Bad(text, "not a number of seconds");
  int64_t secs = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return Bad(text, "not a number of seconds");
    secs = secs * 10 + (c - '0');
  }
  *micros = (negative ? -secs : secs) * kMicrosPerSecond;
  return Status::OK();
}

// "now", or "N" followed by h (hours), d (days) or w (weeks): that long before now.
bool ParseRelative(std::string_view text, int64_t now, int64_t* micros) {
  if (text == "now") {
    *micros = now;
    return true;
  }
  if (text.size() < 2 || text.size() > 8) return false;
  int64_t unit = 0;
  switch (text.back()) {
    case 'h': unit = 3600 * kMicrosPerSecond; break;
    case 'd': unit = kMicrosPerDay; break;
    case 'w': unit = 7 * kMicrosPerDay; break;
    default: return false;
  }
  int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  *micros = now - n * unit;
  return true;
}

}  // namespace

Status ParseTimeArgument(std::string_view text, int64_t* micros) {
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return ParseTimeArgument(text, now, micros);
}

Status ParseTimeArgument(std::string_view text, int64_t now_micros, int64_t* micros) {
  if (!text.empty() && text[0] == '@') return ParseEpoch(text, micros);
  if (ParseRelative(text, now_micros, micros)) return Status::OK();
  int y, mo, d;
  // A year or a month stands for its first instant (midnight UTC of its first day).
  if (text.size() == 4 && Digits(text, 0, 4, &y)) {
    if (y < 1) return Bad(text, "no such year");
    *micros = DayMicros(std::chrono::year{y} / std::chrono::January / 1);
    return Status::OK();
  }
  if (text.size() == 7 && Digits(text, 0, 4, &y) && text[4] == '-' && Digits(text, 5, 2, &mo)) {
    if (y < 1 || mo < 1 || mo > 12) return Bad(text, "no such month");
    *micros = DayMicros(std::chrono::year{y} / std::chrono::month{static_cast<unsigned>(mo)} / 1);
    return Status::OK();
  }
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

}  // namespace articledb
