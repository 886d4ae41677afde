#include <gtest/gtest.h>
#include <utf8proc.h>

#include <cstdlib>
#include <random>
#include <string>

#include "articledb/article.h"

namespace articledb {
namespace {

TEST(NormalizeTest, CaseAccentsAndDecomposedSpellingsMeet) {
  const std::string want = NormalizeName("armenie");
  EXPECT_EQ(want, "armenie");
  EXPECT_EQ(NormalizeName("Arménie"), want);                // precomposed é
  EXPECT_EQ(NormalizeName("ARMENIE"), want);
  EXPECT_EQ(NormalizeName("Arme\xCC\x81nie"), want);        // e + U+0301
  EXPECT_EQ(NormalizeName("ARMÉNIE"), want);
}

// NormalizeName maps ASCII without utf8proc; the result is utf8proc's, for every byte
// pair and for random strings (names are trimmed before mapping, as NormalizeName does).
TEST(NormalizeTest, AsciiNamesNormaliseAsUtf8procMapsThem) {
  const auto slow = [](const std::string& s) {
    utf8proc_uint8_t* mapped = nullptr;
    const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                        UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                                        UTF8PROC_STRIPMARK);
    const utf8proc_ssize_t len =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                     static_cast<utf8proc_ssize_t>(s.size()), &mapped, options);
    std::string out = len < 0 ? "<error>" : std::string(reinterpret_cast<char*>(mapped),
                                                         static_cast<size_t>(len));
    std::free(mapped);
    return out;
  };
  // Trimmed as NormalizeName trims (none of these has a space at an edge).
  const auto edge = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  for (int a = 0; a < 128; ++a) {
    for (int b = 0; b < 128; ++b) {
      const std::string s{static_cast<char>(a), 'x', static_cast<char>(b)};
      if (edge(s.front()) || edge(s.back())) continue;
      ASSERT_EQ(NormalizeName(s), slow(s)) << "bytes " << a << ", " << b;
    }
  }
  std::mt19937 rng(3);
  for (int i = 0; i < 2000; ++i) {
    std::string s(1 + rng() % 24, 'a');
    for (char& c : s) c = static_cast<char>(rng() % 128);
    s.front() = 'Q';
    s.back() = 'Z';
    ASSERT_EQ(NormalizeName(s), slow(s)) << s;
  }
}

TEST(NormalizeTest, SourceNamesIgnoreCaseAndSurroundingSpace) {
  EXPECT_EQ(NormalizeName("Le Monde"), NormalizeName("le monde"));
  EXPECT_EQ(NormalizeName("  Le Monde\t"), NormalizeName("le monde"));
  EXPECT_NE(NormalizeName("Le Monde"), NormalizeName("LeMonde"));
}

TEST(NormalizeTest, CompatibilityFormsFold) {
  EXPECT_EQ(NormalizeName("ﬁnance"), "finance");   // U+FB01 ligature
  EXPECT_EQ(NormalizeName("Straße"), "strasse");   // case folding of ß
  EXPECT_EQ(NormalizeName("Ｌｅ Ｍｏｎｄｅ"), "le monde");  // full-width letters
}

TEST(NormalizeTest, NonLatinScriptsAreKeptAndFolded) {
  EXPECT_EQ(NormalizeName("ՀԱՅԱՍՏԱՆ"), NormalizeName("Հայաստան"));
  EXPECT_EQ(NormalizeName("Пашинян"), NormalizeName("ПАШИНЯН"));
  EXPECT_FALSE(NormalizeName("東京").empty());
}

TEST(NormalizeTest, NulCharactersAreKept) {
  const std::string n = NormalizeName(std::string("A\0B", 3));
  EXPECT_EQ(n, std::string("a\0b", 3));
}

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii text that is longer than eight bytes"));
  EXPECT_TRUE(IsValidUtf8("Arménie Հայաստան 東京 😀"));
  EXPECT_TRUE(IsValidUtf8(std::string("\0", 1)));
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(Utf8Test, RejectsMalformedTextAndReportsTheOffset) {
  size_t at = 99;
  EXPECT_FALSE(IsValidUtf8("abc\xff", &at));
  EXPECT_EQ(at, 3u);
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF", &at));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF", &at));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80", &at));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80", &at));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("0123456789\xE2\x82", &at));  // truncated
  EXPECT_EQ(at, 10u);
  EXPECT_FALSE(IsValidUtf8("\x80", &at));              // lone continuation
}

}  // namespace
}  // namespace articledb
