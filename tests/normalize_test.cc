#include <gtest/gtest.h>

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
