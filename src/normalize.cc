// Name normalisation for index keys, by utf8proc: NFKC, case folding, combining marks
// stripped. Records keep the spelling they were given; only keys are normalised.
#include <utf8proc.h>

#include <cstdlib>
#include <string>

#include "articledb/article.h"

namespace articledb {
namespace {

bool IsTrimmedSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsTrimmedSpace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && IsTrimmedSpace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

}  // namespace

std::string UnicodeVersion() { return utf8proc_unicode_version(); }

std::string NormalizeName(std::string_view name) {
  name = Trim(name);
  // Fast path: on ASCII, NFKC and stripping marks change nothing and case folding is
  // lowering A-Z (the same as utf8proc's mapping: normalize_test checks every byte).
  if (IsAscii(name)) {
    std::string out(name);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }
  utf8proc_uint8_t* mapped = nullptr;
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                      UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                                      UTF8PROC_STRIPMARK);
  const utf8proc_ssize_t len =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(name.data()),
                   static_cast<utf8proc_ssize_t>(name.size()), &mapped, options);
  if (len < 0) {
    // Only reachable with invalid UTF-8, which validation rejects before any key is made.
    std::free(mapped);
    return std::string(name);
  }
  std::string out(reinterpret_cast<const char*>(mapped), static_cast<size_t>(len));
  std::free(mapped);
  return std::string(Trim(out));
}

}  // namespace articledb
