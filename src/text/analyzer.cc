// Text analysis (analyzer.h): ICU word boundaries, elisions, case folding, Snowball
// stemming, accent folding.
#include "text/analyzer.h"

#include <libstemmer.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "articledb/article.h"

namespace articledb::text {
namespace {

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// NFKC and full case folding, marks kept (the stemmers need them); ’ becomes '.
std::string CaseFold(std::string_view word) {
  std::string out;
  if (IsAscii(word)) {
    out.assign(word);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }
  utf8proc_uint8_t* mapped = nullptr;
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                      UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
  const utf8proc_ssize_t len =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(word.data()),
                   static_cast<utf8proc_ssize_t>(word.size()), &mapped, options);
  if (len >= 0) out.assign(reinterpret_cast<const char*>(mapped), static_cast<size_t>(len));
  std::free(mapped);  // invalid UTF-8 (len < 0) gives no term
  static constexpr std::string_view kRightQuote = "\xE2\x80\x99";  // U+2019
  for (size_t at = out.find(kRightQuote); at != std::string::npos; at = out.find(kRightQuote, at)) {
    out.replace(at, kRightQuote.size(), "'");
  }
  return out;
}

// Elided articles and prepositions, as written before the apostrophe (after folding).
constexpr std::array<std::string_view, 13> kFrench = {
    "l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"};
constexpr std::array<std::string_view, 21> kItalian = {
    "c",  "l",   "all",  "dall", "dell", "nell", "sull", "coll", "pell", "gl", "agl",
    "dagl", "degl", "negl", "sugl", "un", "m",    "t",    "s",    "v",    "d"};
constexpr std::array<std::string_view, 6> kCatalan = {"d", "l", "m", "n", "s", "t"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

void SplitElision(std::string_view rules, std::string* word) {
  if (rules == "en") {
    if (word->size() > 2 && word->ends_with("'s")) word->resize(word->size() - 2);
    return;
  }
  const size_t apostrophe = word->find('\'');
  if (apostrophe == std::string::npos || apostrophe + 1 == word->size()) return;
  const std::string_view before(word->data(), apostrophe);
  const bool elided = (rules == "fr" && Contains(kFrench, before)) ||
                      (rules == "it" && Contains(kItalian, before)) ||
                      (rules == "ca" && Contains(kCatalan, before));
  if (elided) word->erase(0, apostrophe + 1);
}

// The lower-case primary subtag of a BCP 47 tag: "fr" of "FR-ca".
std::string PrimarySubtag(std::string_view tag) {
  std::string primary(tag.substr(0, std::min(tag.find_first_of("-_"), tag.size())));
  for (char& c : primary) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return primary;
}

struct Stemmer {
  std::string_view code, algorithm;
};
// ISO 639-1 codes of the Snowball algorithms libstemmer ships (Serbian: Latin script).
constexpr std::array<Stemmer, 27> kStemmers = {{
    {"ar", "arabic"},     {"hy", "armenian"},  {"eu", "basque"},     {"ca", "catalan"},
    {"da", "danish"},     {"nl", "dutch"},     {"en", "english"},    {"fi", "finnish"},
    {"fr", "french"},     {"de", "german"},    {"el", "greek"},      {"hi", "hindi"},
    {"hu", "hungarian"},  {"id", "indonesian"}, {"ga", "irish"},     {"it", "italian"},
    {"lt", "lithuanian"}, {"ne", "nepali"},    {"no", "norwegian"},  {"pt", "portuguese"},
    {"ro", "romanian"},   {"ru", "russian"},   {"sr", "serbian"},    {"es", "spanish"},
    {"sv", "swedish"},    {"ta", "tamil"},     {"tr", "turkish"},
}};

}  // namespace

std::string StemmerFor(std::string_view language) {
  std::string primary = PrimarySubtag(language);
  if (primary == "nb" || primary == "nn") primary = "no";
  for (const Stemmer& s : kStemmers) {
    if (s.code == primary) return std::string(s.algorithm);
  }
  return "";
}

std::string AnalysisGroup(std::string_view language) {
  if (StemmerFor(language).empty()) return "";
  std::string primary = PrimarySubtag(language);
  if (primary == "nb" || primary == "nn") primary = "no";
  return primary;
}

struct Analyzer::Icu {
  UBreakIterator* words = nullptr;
  UText* text = nullptr;
  ~Icu() {
    if (words != nullptr) ubrk_close(words);
    if (text != nullptr) utext_close(text);
  }
};

Analyzer::Analyzer(std::string_view language)
    : stemmer_name_(StemmerFor(language)), icu_(std::make_unique<Icu>()) {
  const std::string primary = PrimarySubtag(language);
  if (primary == "fr" || primary == "it" || primary == "ca" || primary == "en") {
    elisions_ = primary;
  }
  if (!stemmer_name_.empty()) {
    stemmer_ = sb_stemmer_new(stemmer_name_.c_str(), "UTF_8");
    if (stemmer_ == nullptr) stemmer_name_.clear();  // out of memory: unstemmed
  }
}

Analyzer::~Analyzer() {
  if (stemmer_ != nullptr) sb_stemmer_delete(stemmer_);
}

std::string Analyzer::Fold(std::string_view word, bool stem) {
  std::string folded = CaseFold(word);
  SplitElision(elisions_, &folded);
  // The English stemmer knows only a-z: an accented word ("élection", "café") is folded
  // first, so it stems as it would be written without accents. The others handle their
  // language's accents and are given them.
  if (stem && stemmer_ != nullptr && stemmer_name_ == "english") folded = NormalizeName(folded);
  if (stem && stemmer_ != nullptr && !folded.empty()) {
    const sb_symbol* stemmed =
        sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(folded.data()),
                        static_cast<int>(folded.size()));
    if (stemmed != nullptr) {
      folded.assign(reinterpret_cast<const char*>(stemmed),
                    static_cast<size_t>(sb_stemmer_length(stemmer_)));
    }
  }
  return NormalizeName(folded);
}

uint32_t Analyzer::Analyze(std::string_view text, std::vector<Token>* out) {
  out->clear();
  if (text.empty()) return 0;
  UErrorCode status = U_ZERO_ERROR;
  if (icu_->words == nullptr) {
    icu_->words = ubrk_open(UBRK_WORD, "", nullptr, 0, &status);
    if (U_FAILURE(status)) {
      icu_->words = nullptr;
      return 0;
    }
  }
  icu_->text = utext_openUTF8(icu_->text, text.data(), static_cast<int64_t>(text.size()), &status);
  ubrk_setUText(icu_->words, icu_->text, &status);
  if (U_FAILURE(status)) return 0;
  uint32_t position = 0;
  int32_t begin = ubrk_first(icu_->words);
  for (int32_t end = ubrk_next(icu_->words); end != UBRK_DONE;
       begin = end, end = ubrk_next(icu_->words)) {
    const int32_t rule = ubrk_getRuleStatus(icu_->words);
    if (rule < UBRK_WORD_NONE_LIMIT) continue;  // spaces, punctuation, symbols
    const std::string_view word =
        text.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin));
    // Numbers are not stemmed ("2024", "3.5").
    const bool stem = rule >= UBRK_WORD_NUMBER_LIMIT;
    std::string term;
    if (!stem || word.size() > kMaxTermBytes * 2) {
      term = Fold(word, stem);
    } else {
      constexpr size_t kMaxCached = 1u << 17;
      auto known = terms_.find(std::string(word));
      if (known == terms_.end()) {
        if (terms_.size() >= kMaxCached) terms_.clear();
        known = terms_.emplace(std::string(word), Fold(word, true)).first;
      }
      term = known->second;
    }
    const uint32_t at = position++;
    if (term.empty() || term.size() > kMaxTermBytes) continue;
    out->push_back(Token{std::move(term), at, static_cast<uint32_t>(begin),
                         static_cast<uint32_t>(end)});
  }
  return position;
}

}  // namespace articledb::text
