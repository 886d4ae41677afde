// Text analysis for full-text search (docs/search.md, "Tokenisation"): the one pipeline
// that turns article text and query words into terms, so both meet on the same strings.
//
//   1. Words by ICU's word boundaries (UAX #29 with ICU's dictionaries): letters, numbers,
//      kana and ideographs make words; spaces and punctuation do not. CJK runs are split
//      into dictionary words; hyphenated compounds into their parts.
//   2. Elisions split off per language: French "l'Arménie" and Italian "dell'Europa" give
//      their noun, English "Reuters's" drops the possessive. ’ counts as an apostrophe.
//   3. Case folded (NFKC, full case folding), then stemmed with the Snowball stemmer of the
//      article's language (BCP 47 primary subtag: "fr-CA" stems as French); a language
//      without a stemmer, or none, is not stemmed. English, whose stemmer knows only a-z,
//      is accent-folded before stemming ("élections" stems as "elections").
//   4. Accents folded the way names are (NormalizeName): "Arménie" and "armenie" meet.
//
// Every word takes one position, counted from the start of each call, so a phrase is a run
// of consecutive positions; stop words are kept (phrases need them). A word whose term
// would be longer than kMaxTermBytes still takes its position but gives no token.
// Internal. An Analyzer is not thread-safe: one per thread.
#ifndef ARTICLEDB_SRC_TEXT_ANALYZER_H_
#define ARTICLEDB_SRC_TEXT_ANALYZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sb_stemmer;

namespace articledb::text {

inline constexpr size_t kMaxTermBytes = 64;

struct Token {
  std::string term;
  uint32_t position = 0;  // word number from the start of the analysed text
  uint32_t begin = 0;     // byte offsets of the word in the analysed text
  uint32_t end = 0;
};

// The Snowball algorithm that stems `language` (a BCP 47 tag, any case: "en", "fr-CA",
// "PT-br"), e.g. "english"; empty when there is none (also for "" and "und").
std::string StemmerFor(std::string_view language);

// The analysis group of `language`: languages of one group analyse every text alike. The
// primary subtag, lower case, of a stemmed language ("fr" for "fr-CA"; "no" for "nb" and
// "nn"), and "" for every language without a stemmer (and for none). The text index keys
// its terms by group (docs/storage.md), so a query word is looked up in each group as that
// group analyses it.
std::string AnalysisGroup(std::string_view language);

class Analyzer {
 public:
  // For text in `language` (a BCP 47 tag; "" when unknown).
  explicit Analyzer(std::string_view language);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // The Snowball algorithm used, or "" when this language is not stemmed.
  const std::string& stemmer() const { return stemmer_name_; }

  // Replaces *out with the tokens of `text` (valid UTF-8; invalid bytes end no word and
  // make none), positions from 0. Returns the number of positions used (words seen).
  uint32_t Analyze(std::string_view text, std::vector<Token>* out);

  // The term of one word as the pipeline makes it (steps 2-4), without word breaking:
  // what a query's prefix is compared with. Empty when nothing is left.
  std::string Fold(std::string_view word, bool stem);

 private:
  struct Icu;
  std::string stemmer_name_;
  std::string elisions_;  // which elision rules apply: "fr", "it", "ca", "en" or ""
  std::unique_ptr<Icu> icu_;
  sb_stemmer* stemmer_ = nullptr;
  // Word as written -> its term, for the words Analyze met (news repeats its words:
  // stemming and folding each once is most of the analysis saved). Cleared when full.
  std::unordered_map<std::string, std::string> terms_;
};

}  // namespace articledb::text

#endif  // ARTICLEDB_SRC_TEXT_ANALYZER_H_
