// Text analysis (src/text/analyzer.h): word boundaries, elisions, folding and stemming per
// language, positions and offsets.
#include "text/analyzer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace articledb::text {
namespace {

std::vector<std::string> Terms(std::string_view language, std::string_view text) {
  Analyzer a(language);
  std::vector<Token> tokens;
  a.Analyze(text, &tokens);
  std::vector<std::string> out;
  for (const Token& t : tokens) out.push_back(t.term);
  return out;
}

using V = std::vector<std::string>;

TEST(TextAnalyzerTest, EnglishWordsAreCaseFoldedAndStemmedAndPunctuationIsNoWord) {
  EXPECT_EQ(Terms("en", "Elections: the Ministers RESIGNED, running..."),
            (V{"elect", "the", "minist", "resign", "run"}));
}

TEST(TextAnalyzerTest, EnglishWordsWithAccentsStemAsWithout) {
  EXPECT_EQ(Terms("en", "Élections cafés"), Terms("en", "elections cafes"));
  EXPECT_EQ(Terms("en", "Élections"), (V{"elect"}));
}

TEST(TextAnalyzerTest, EnglishPossessiveIsDropped) {
  EXPECT_EQ(Terms("en", "Reuters's report, Reuters’s report"),
            (V{"reuter", "report", "reuter", "report"}));
}

TEST(TextAnalyzerTest, FrenchElisionsAreSplitAndAccentsFoldedAfterStemming) {
  EXPECT_EQ(Terms("fr", "L'Arménie et l’économie d'aujourd'hui qu'il jusqu'à"),
            (V{"armen", "et", "econom", "aujourd'hui", "il", "a"}));
  // The same word without the elision meets the same term.
  EXPECT_EQ(Terms("fr", "Arménie"), (V{"armen"}));
}

TEST(TextAnalyzerTest, ItalianElisionsAreSplit) {
  EXPECT_EQ(Terms("it", "dell'Europa all'ONU"), (V{"europ", "onu"}));
}

TEST(TextAnalyzerTest, ApostrophesStayInsideWordsOfOtherLanguages) {
  EXPECT_EQ(Terms("", "l'Arménie O'Brien"), (V{"l'armenie", "o'brien"}));
}

TEST(TextAnalyzerTest, HyphenatedCompoundsGiveTheirPartsAtConsecutivePositions) {
  Analyzer a("");
  std::vector<Token> tokens;
  EXPECT_EQ(a.Analyze("Jean-Pierre e-mail", &tokens), 4u);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].term, "jean");
  EXPECT_EQ(tokens[1].term, "pierre");
  EXPECT_EQ(tokens[2].term, "e");
  EXPECT_EQ(tokens[3].term, "mail");
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(tokens[i].position, i);
}

TEST(TextAnalyzerTest, GermanIsStemmedAndUmlautsFolded) {
  EXPECT_EQ(Terms("de", "Die Häuser der Bundesregierung"),
            (V{"die", "haus", "der", "bundesregier"}));
}

TEST(TextAnalyzerTest, RussianCyrillicIsFoldedAndStemmed) {
  EXPECT_EQ(Terms("ru", "Выборы в Армении"), (V{"выбор", "в", "армен"}));
}

TEST(TextAnalyzerTest, ChineseIsSplitIntoDictionaryWords) {
  EXPECT_EQ(Terms("zh", "气候变化影响"), (V{"气候", "变化", "影响"}));
}

TEST(TextAnalyzerTest, NumbersAreWordsAndAreNotStemmed) {
  EXPECT_EQ(Terms("en", "In 2024, 3.5 percent"), (V{"in", "2024", "3.5", "percent"}));
}

TEST(TextAnalyzerTest, UnknownLanguageIsNotStemmedButIsFolded) {
  EXPECT_EQ(Terms("xx", "Elections CAFÉ"), (V{"elections", "cafe"}));
  EXPECT_EQ(Terms("", "Elections"), (V{"elections"}));
}

TEST(TextAnalyzerTest, LanguageTagsChooseTheStemmerByPrimarySubtag) {
  EXPECT_EQ(StemmerFor("fr-CA"), "french");
  EXPECT_EQ(StemmerFor("PT_br"), "portuguese");
  EXPECT_EQ(StemmerFor("nb"), "norwegian");
  EXPECT_EQ(StemmerFor("en"), "english");
  EXPECT_EQ(StemmerFor("zh"), "");
  EXPECT_EQ(StemmerFor("und"), "");
  EXPECT_EQ(StemmerFor(""), "");
}

TEST(TextAnalyzerTest, OffsetsPointAtTheWordsInTheText) {
  Analyzer a("fr");
  std::vector<Token> tokens;
  const std::string text = "À Paris, l'Élysée";
  a.Analyze(text, &tokens);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(text.substr(tokens[0].begin, tokens[0].end - tokens[0].begin), "À");
  EXPECT_EQ(text.substr(tokens[1].begin, tokens[1].end - tokens[1].begin), "Paris");
  EXPECT_EQ(text.substr(tokens[2].begin, tokens[2].end - tokens[2].begin), "l'Élysée");
}

TEST(TextAnalyzerTest, OverlongWordsKeepTheirPositionButGiveNoTerm) {
  Analyzer a("");
  std::vector<Token> tokens;
  const std::string text = "a " + std::string(kMaxTermBytes + 1, 'x') + " b";
  EXPECT_EQ(a.Analyze(text, &tokens), 3u);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[1].term, "b");
  EXPECT_EQ(tokens[1].position, 2u);
}

TEST(TextAnalyzerTest, InvalidUtf8AndEmptyTextGiveNoCrash) {
  Analyzer a("en");
  std::vector<Token> tokens;
  EXPECT_EQ(a.Analyze("", &tokens), 0u);
  EXPECT_TRUE(tokens.empty());
  a.Analyze(std::string("ab\xff\xfe cd\xc3", 8), &tokens);
  for (const Token& t : tokens) EXPECT_LE(t.end, 8u);
}

TEST(TextAnalyzerTest, FoldWithoutStemmingKeepsTheWholeWord) {
  Analyzer a("en");
  EXPECT_EQ(a.Fold("Elections", false), "elections");
  EXPECT_EQ(a.Fold("Elections", true), "elect");
}

}  // namespace
}  // namespace articledb::text
