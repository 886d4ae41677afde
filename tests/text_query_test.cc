// The text query syntax (src/text/query_parser.h) and what a query matches
// (src/text/matcher.h).
#include <gtest/gtest.h>

#include <string>

#include "articledb/search.h"
#include "text/matcher.h"
#include "text/query_parser.h"

namespace articledb::text {
namespace {

std::string Parsed(std::string_view q) {
  QueryNode n;
  const Status s = ParseQuery(q, &n);
  return s.ok() ? ToString(n) : "error: " + s.message();
}

TEST(TextQueryParseTest, NeighboursAreAndedAndOrBindsLooserThanAnd) {
  EXPECT_EQ(Parsed("climate change"), "(climate AND change)");
  EXPECT_EQ(Parsed("a b OR c"), "((a AND b) OR c)");
  EXPECT_EQ(Parsed("a AND b OR c AND d"), "((a AND b) OR (c AND d))");
  EXPECT_EQ(Parsed("a (b OR c)"), "(a AND (b OR c))");
  EXPECT_EQ(Parsed("(a b) c"), "(a AND b AND c)");
  EXPECT_EQ(Parsed("a OR (b OR c)"), "(a OR b OR c)");
}

TEST(TextQueryParseTest, PhrasesPrefixesAndFieldsAreRecognised) {
  EXPECT_EQ(Parsed("\"climate change\" Paris"), "(\"climate change\" AND Paris)");
  EXPECT_EQ(Parsed("climat*"), "climat*");
  EXPECT_EQ(Parsed("title:Armenia body:\"peace talks\""),
            "(title:Armenia AND body:\"peace talks\")");
  EXPECT_EQ(Parsed("TITLE:(a OR b)"), "(title:a OR title:b)");
  EXPECT_EQ(Parsed("summary:x"), "summary:x");
  // Not a field: the colon stays in the word.
  EXPECT_EQ(Parsed("ratio:3"), "ratio:3");
}

TEST(TextQueryParseTest, NegationsBecomeNotInsideTheirAnd) {
  EXPECT_EQ(Parsed("a NOT b"), "(a AND NOT b)");
  EXPECT_EQ(Parsed("a -b"), "(a AND NOT b)");
  EXPECT_EQ(Parsed("a AND NOT b"), "(a AND NOT b)");
  EXPECT_EQ(Parsed("a -\"b c\""), "(a AND NOT \"b c\")");
  EXPECT_EQ(Parsed("a -(b OR c)"), "(a AND NOT (b OR c))");
  EXPECT_EQ(Parsed("a NOT NOT b"), "(a AND b)");
  // A hyphen inside a word is not a negation.
  EXPECT_EQ(Parsed("covid-19"), "covid-19");
  EXPECT_EQ(Parsed("+a +b"), "(a AND b)");
  // Signs repeat; one right after a parenthesis or a phrase is a sign too.
  EXPECT_EQ(Parsed("a --b"), "(a AND b)");
  EXPECT_EQ(Parsed("(a)-b"), "(a AND NOT b)");
  EXPECT_EQ(Parsed("\"a b\"-c"), "(\"a b\" AND NOT c)");
}

TEST(TextQueryParseTest, LowerCaseOperatorsArePlainWords) {
  EXPECT_EQ(Parsed("war and peace"), "(war AND and AND peace)");
  EXPECT_EQ(Parsed("this or that"), "(this AND or AND that)");
}

TEST(TextQueryParseTest, PunctuationAloneIsLeftOut) {
  EXPECT_EQ(Parsed("a !!! b"), "(a AND b)");
  EXPECT_EQ(Parsed("a - b"), "(a AND b)");
}

TEST(TextQueryParseTest, MistakesAreRefusedWithTheirColumn) {
  EXPECT_EQ(Parsed(""), "error: text query: no words to search for");
  EXPECT_EQ(Parsed("  ?? "), "error: text query: no words to search for");
  EXPECT_EQ(Parsed("(a OR b"), "error: text query: unbalanced '(' at column 1");
  EXPECT_EQ(Parsed("a OR b)"), "error: text query: unbalanced ')' at column 7");
  EXPECT_EQ(Parsed("a \"b c"), "error: text query: unterminated phrase at column 3");
  EXPECT_EQ(Parsed("OR a"), "error: text query: OR has nothing on its left at column 1");
  EXPECT_EQ(Parsed("a OR"), "error: text query: OR has nothing on its right at column 3");
  EXPECT_EQ(Parsed("AND a"), "error: text query: AND has nothing on its left at column 1");
  EXPECT_EQ(Parsed("a AND"), "error: text query: AND has nothing on its right at column 3");
  EXPECT_EQ(Parsed("a \"  \""), "error: text query: empty phrase at column 3");
  EXPECT_EQ(Parsed("a NOT"), "error: text query: NOT has nothing on its right at column 3");
  EXPECT_EQ(Parsed("title: a"),
            "error: text query: field 'title:' is not followed by a word, phrase or '(' at "
            "column 1");
  EXPECT_EQ(Parsed(std::string("a \xff", 3)), "error: text query: invalid UTF-8 at column 3");
}

TEST(TextQueryParseTest, ANotWithNothingToSubtractFromIsRefused) {
  const std::string error =
      "error: text query: NOT has nothing to subtract from (add a word it excludes from)";
  EXPECT_EQ(Parsed("NOT a"), error + " at column 1");
  EXPECT_EQ(Parsed("-a -b"), error + " at column 1");
  EXPECT_EQ(Parsed("a OR -b"), error + " at column 6");
  EXPECT_EQ(Parsed("(-a) b"), "(NOT a AND b)");
}

TEST(TextQueryParseTest, OverlongAndOverdeepQueriesAreRefused) {
  EXPECT_EQ(Parsed(std::string(kMaxQueryBytes + 1, 'a')),
            "error: text query: longer than " + std::to_string(kMaxQueryBytes) + " bytes");
  std::string deep(kMaxQueryDepth + 2, '(');
  deep += "a" + std::string(kMaxQueryDepth + 2, ')');
  EXPECT_NE(Parsed(deep).find("nested deeper than"), std::string::npos);
  std::string nots;
  for (size_t i = 0; i < 200; ++i) nots += "NOT ";
  EXPECT_NE(Parsed("a " + nots + "b").find("nested deeper than"), std::string::npos);
}

Article MakeArticle(std::string language, std::string title, std::string body) {
  Article a;
  a.set_language(std::move(language));
  a.set_title(std::move(title));
  a.set_body(std::move(body));
  return a;
}

bool Matches(std::string_view query, const Article& a) {
  QueryNode n;
  EXPECT_TRUE(ParseQuery(query, &n).ok()) << query;
  Matcher m;
  return m.Matches(n, a);
}

TEST(TextMatchTest, WordsMatchOtherFormsOfTheSameStemInTheArticlesLanguage) {
  const Article en = MakeArticle("en", "Elections in Armenia", "The minister resigned.");
  EXPECT_TRUE(Matches("election", en));
  EXPECT_TRUE(Matches("RESIGNS", en));
  EXPECT_FALSE(Matches("president", en));
  const Article fr = MakeArticle("fr", "", "Les élections de l'Arménie");
  EXPECT_TRUE(Matches("Arménie", fr));
  EXPECT_TRUE(Matches("armenie election", fr));
}

TEST(TextMatchTest, PhrasesNeedConsecutivePositionsInOneField) {
  const Article a = MakeArticle("en", "Climate talks", "Change is coming. Climate change talks.");
  EXPECT_TRUE(Matches("\"climate change\"", a));
  EXPECT_TRUE(Matches("\"change talks\"", a));
  EXPECT_FALSE(Matches("\"talks change\"", a));  // title's last word, body's first: two fields
  EXPECT_FALSE(Matches("\"climate coming\"", a));
  // A word analysis splits is a phrase of its parts.
  const Article b = MakeArticle("", "", "An e-mail, then e mail; an email");
  EXPECT_TRUE(Matches("e-mail", b));
  EXPECT_FALSE(Matches("mail-e", b));
}

TEST(TextMatchTest, FieldsRestrictWhereAWordMayBe) {
  const Article a = MakeArticle("en", "Armenia votes", "Azerbaijan responds");
  EXPECT_TRUE(Matches("title:armenia", a));
  EXPECT_FALSE(Matches("title:azerbaijan", a));
  EXPECT_TRUE(Matches("body:azerbaijan", a));
  EXPECT_FALSE(Matches("summary:armenia", a));
  EXPECT_TRUE(Matches("title:(azerbaijan OR vote)", a));
}

TEST(TextMatchTest, PrefixesMatchTermsBeginningWithThem) {
  const Article a = MakeArticle("en", "", "Economists disagree");
  EXPECT_TRUE(Matches("econom*", a));
  EXPECT_TRUE(Matches("ECON*", a));
  EXPECT_FALSE(Matches("ecol*", a));
}

TEST(TextMatchTest, BooleanOperatorsCombineAsWritten) {
  const Article a = MakeArticle("en", "", "Paris climate summit");
  EXPECT_TRUE(Matches("paris climate", a));
  EXPECT_FALSE(Matches("paris london", a));
  EXPECT_TRUE(Matches("paris OR london", a));
  EXPECT_TRUE(Matches("climate -london", a));
  EXPECT_FALSE(Matches("climate -paris", a));
  EXPECT_TRUE(Matches("(london OR summit) NOT (berlin OR rome)", a));
  EXPECT_FALSE(Matches("(london OR summit) NOT (berlin OR \"paris climate\")", a));
}

TEST(TextMatchTest, ChineseWordsMatchAsPhrasesOfDictionaryWords) {
  const Article a = MakeArticle("zh", "气候变化影响农业", "");
  EXPECT_TRUE(Matches("气候变化", a));
  EXPECT_TRUE(Matches("农业", a));
  EXPECT_FALSE(Matches("变化气候", a));
}

std::string Snip(std::string_view query, const Article& a, size_t words = 5) {
  SnippetOptions o;
  o.max_words = words;
  std::string out;
  const Status s = MakeSnippet(query, a, o, &out);
  return s.ok() ? out : "error: " + s.message();
}

TEST(SnippetTest, ThePassageWithTheMostDistinctMatchedWordsIsChosenAndMarked) {
  const Article a = MakeArticle(
      "en", "Title", "Oil prices rose. Then nothing happened for a long while, until the "
                     "OPEC ministers met and oil output quotas changed again.");
  EXPECT_EQ(Snip("oil opec quota", a), "...[OPEC] ministers met and [oil]...");
  // Of the two 8-word windows with all three, the first.
  EXPECT_EQ(Snip("oil opec quota", a, 8),
            "...the [OPEC] ministers met and [oil] output [quotas]...");
  // One word: its first passage.
  EXPECT_EQ(Snip("oil", a), "[Oil] prices rose. Then nothing...");
}

TEST(SnippetTest, PhrasesAndPrefixesAreMarkedAndExcludedWordsAreNot) {
  const Article a = MakeArticle("en", "", "Climate change talks: climatic shifts, not talks.");
  // "climatic" is a form of "climate" (both stem to "climat").
  EXPECT_EQ(Snip("\"climate change\" -talks", a, 10),
            "[Climate change] talks: [climatic] shifts, not talks.");
  // Neighbours separated by spaces share a mark; punctuation between them does not.
  EXPECT_EQ(Snip("climate talks change", a, 10),
            "[Climate change talks]: [climatic] shifts, not [talks].");
  EXPECT_EQ(Snip("\"change\" -talks", a, 10), "Climate [change] talks: climatic shifts, not talks.");
  EXPECT_EQ(Snip("clim*", a, 10), "[Climate] change talks: [climatic] shifts, not talks.");
}

TEST(SnippetTest, WithoutAMatchInTheBodyTheSummaryThenTheTitleIsUsed) {
  Article a = MakeArticle("fr", "L'Arménie vote", "Rien ici.\nVraiment rien.");
  // The word as written is marked, elision included.
  EXPECT_EQ(Snip("armenie", a), "[L'Arménie] vote");
  a.set_summary("Le vote et les élections en Arménie.");
  EXPECT_EQ(Snip("arménie", a), "...et les élections en [Arménie].");
  // No match anywhere: the body's first words, line breaks as spaces, unmarked.
  EXPECT_EQ(Snip("absent", a), "Rien ici. Vraiment rien.");
}

TEST(SnippetTest, BadQueriesAndLengthsAreRefused) {
  const Article a = MakeArticle("en", "t", "b");
  EXPECT_EQ(Snip("(a", a), "error: text query: unbalanced '(' at column 1");
  EXPECT_EQ(Snip("a", a, 0), "error: snippet length must be 1 to 1000 words, not 0");
  EXPECT_EQ(Snip("a", MakeArticle("en", "", "")), "");
}

}  // namespace
}  // namespace articledb::text
