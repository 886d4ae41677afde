// Synthetic news corpus (see synth.h).
//
// Every random choice for article i comes from a counter-based generator: splitmix64 of
// (seed, i, field, n). Nothing is shared or mutated between calls, so Make() is
// thread-safe and article i never depends on which articles were made before it.
// The tables (syllables, vocabulary, names, sources, Zipf CDFs) are built once, in the
// constructor, from the seed alone.
#include "synth/synth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace articledb::synth {
namespace {

constexpr uint64_t kMicrosPerSecond = 1000000;
constexpr uint64_t kSecondsPerDay = 86400;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A stream of random numbers determined by (seed, index, field): the n-th draw is
// splitmix64 of the combined key and n. Cheap to create; one per field of an article.
class Stream {
 public:
  Stream(uint64_t seed, uint64_t index, uint64_t field)
      : key_(SplitMix64(SplitMix64(SplitMix64(seed) ^ index) ^ (field * 0xd1b54a32d192ed03ULL))) {}
  uint64_t Next() { return SplitMix64(key_ + 0x632be59bd9b4e019ULL * ++counter_); }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>(Uniform() * static_cast<double>(n)) % n;
  }
  bool Chance(double p) { return Uniform() < p; }
  double Normal() {
    double u1 = Uniform();
    const double u2 = Uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  uint64_t key_;
  uint64_t counter_ = 0;
};

// Fields of an article, each with its own stream.
enum Field : uint64_t {
  kFieldSource = 1,
  kFieldTime,
  kFieldTitle,
  kFieldSummary,
  kFieldBody,
  kFieldBodyLength,
  kFieldEntities,
  kFieldAuthors,
  kFieldTopics,
  kFieldAttributes,
  kFieldUpdated,
};

// Samples ranks 0..n-1 with P(rank k) proportional to 1 / (k + 1)^s. A guide table
// makes each draw O(1) on average.
class Zipf {
 public:
  Zipf() = default;
  Zipf(size_t n, double s) {
    cdf_.resize(n);
    double sum = 0;
    for (size_t k = 0; k < n; ++k) {
      sum += 1.0 / std::pow(static_cast<double>(k + 1), s);
      cdf_[k] = sum;
    }
    for (double& c : cdf_) c /= sum;
    cdf_.back() = 1.0;
    // Four guide entries per rank keep the linear step short in the long tail too.
    const size_t guides = 4 * n;
    guide_.resize(guides);
    size_t j = 0;
    for (size_t g = 0; g < guides; ++g) {
      const double u = static_cast<double>(g) / static_cast<double>(guides);
      while (cdf_[j] <= u) ++j;
      guide_[g] = static_cast<uint32_t>(j);
    }
  }
  size_t Sample(Stream& rng) const {
    const double u = rng.Uniform();
    size_t j = guide_[static_cast<size_t>(u * static_cast<double>(guide_.size()))];
    while (cdf_[j] <= u) ++j;
    return j;
  }
  double Probability(size_t k) const { return k == 0 ? cdf_[0] : cdf_[k] - cdf_[k - 1]; }

 private:
  std::vector<double> cdf_;
  std::vector<uint32_t> guide_;
};

// A generated name: its display spelling (may carry accents) and a plain ASCII one.
struct Name {
  std::string text;
  std::string plain;
};

// Syllables: plain ASCII ones, and accented variants of some (display, plain).
struct Syllable {
  std::string_view text;
  std::string_view plain;
};

constexpr std::array<std::string_view, 24> kOnsets = {
    "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t",
    "v", "z", "br", "dr", "kr", "st", "tr", "gl", "sh", "ch", "th", ""};
constexpr std::array<std::string_view, 7> kVowels = {"a", "e", "i", "o", "u", "ai", "ou"};
// Accented vowels with their plain forms (UTF-8).
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kAccented = {{
    {"\xc3\xa9", "e"},   // é
    {"\xc3\xa1", "a"},   // á
    {"\xc3\xb6", "o"},   // ö
    {"\xc3\xbc", "u"},   // ü
    {"\xc3\xad", "i"},   // í
    {"\xc3\xa8", "e"},   // è
    {"\xc3\xa5", "a"},   // å
    {"\xc3\xb8", "o"},   // ø
}};
constexpr std::array<std::string_view, 10> kCodas = {"", "", "", "n", "r", "s", "l", "k", "th", "d"};

constexpr std::array<std::string_view, 14> kOrgSuffixes = {
    "Holdings", "Group", "Bank", "Industries", "Partners", "Institute", "Ministry",
    "Council", "Energy", "Airlines", "Motors", "Capital", "Foundation", "Union"};
constexpr std::array<std::string_view, 8> kOrgPrefixes = {
    "Banque", "First", "National", "United", "Royal", "Central", "Nordic", "Grupo"};
constexpr std::array<std::string_view, 8> kPlacePrefixes = {
    "Port", "San", "New", "Saint", "Lake", "Mount", "East", "Nova"};
constexpr std::array<std::string_view, 10> kEventWords = {
    "Summit", "Accord", "Festival", "Crisis", "Games", "Election", "Trial",
    "Conference", "Strike", "Cup"};
constexpr std::array<std::string_view, 8> kOtherWords = {
    "Index", "Protocol", "Prize", "Act", "Fund", "Treaty", "Doctrine", "Programme"};
constexpr std::array<std::string_view, 8> kSourcePatterns = {
    "The %s Herald", "%s Times", "Le Courrier de %s", "%s Post", "Radio %s",
    "Die %s Zeitung", "El Diario de %s", "%s Daily"};
constexpr std::array<std::string_view, 8> kSourceLanguages = {"en", "en", "fr", "en",
                                                               "en", "de", "es", "en"};
constexpr std::array<std::string_view, 12> kSections = {
    "world", "business", "politics", "sport", "culture", "science",
    "health", "technology", "opinion", "local", "markets", "environment"};

constexpr int kKinds = 5;  // PERSON, ORGANIZATION, LOCATION, EVENT, OTHER
// Share of mentions of each kind.
constexpr std::array<double, kKinds> kKindShare = {0.32, 0.26, 0.28, 0.08, 0.06};

std::string Capitalize(std::string_view word) {
  std::string out(word);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

std::string UpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return out;
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

// Days since 1970-01-01 to civil date (Howard Hinnant's algorithm).
void CivilFromDays(int64_t z, int* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int>(y + (*month <= 2 ? 1 : 0));
}

}  // namespace

struct Generator::Tables {
  std::vector<std::string> vocabulary;  // by rank, most frequent first
  Zipf word_zipf;
  std::vector<Name> first_names;
  std::vector<Name> last_names;
  std::array<std::vector<Name>, kKinds> entities;
  std::array<Zipf, kKinds> entity_zipf;
  std::array<double, kKinds> kind_cdf{};
  std::vector<Name> sources;
  std::vector<std::string> source_languages;
  std::vector<std::string> source_domains;
  Zipf source_zipf;
  std::vector<std::string> topics;
  Zipf topic_zipf;
  // Weight of each hour of the day (UTC), as a CDF.
  std::array<double, 24> hour_cdf{};
  uint64_t span_days = 0;

  std::unordered_set<std::string> used;  // plain lowercase forms, construction only

  // A pseudo-word of `syllables` syllables; with `accents`, some vowels are accented.
  Name MakeWord(Stream& rng, int syllables, double accent_chance) const {
    Name w;
    for (int s = 0; s < syllables; ++s) {
      const std::string_view onset = kOnsets[rng.Below(kOnsets.size())];
      w.text += onset;
      w.plain += onset;
      if (rng.Chance(accent_chance)) {
        const auto& a = kAccented[rng.Below(kAccented.size())];
        w.text += a.first;
        w.plain += a.second;
      } else {
        const std::string_view v = kVowels[rng.Below(kVowels.size())];
        w.text += v;
        w.plain += v;
      }
      if (s + 1 == syllables || rng.Chance(0.25)) {
        const std::string_view coda = kCodas[rng.Below(kCodas.size())];
        w.text += coda;
        w.plain += coda;
      }
    }
    return w;
  }

  // Draws names from `make` until one is new (by plain lowercase form).
  template <typename MakeFn>
  Name Unique(MakeFn&& make) {
    for (;;) {
      Name n = make();
      if (used.insert(LowerAscii(n.plain)).second) return n;
    }
  }

  Name Capitalized(Name n) const {
    n.text = Capitalize(n.text);
    n.plain = Capitalize(n.plain);
    return n;
  }
};

Generator::Generator(const CorpusOptions& options)
    : options_(options), tables_(std::make_unique<Tables>()) {
  Tables& t = *tables_;
  Stream rng(options_.seed, ~uint64_t{0}, 0);

  // Vocabulary: 40,000 distinct words; the most frequent are the shortest, as in text.
  constexpr size_t kVocabulary = 40000;
  {
    std::unordered_set<std::string> words;
    t.vocabulary.reserve(kVocabulary);
    while (t.vocabulary.size() < kVocabulary) {
      const size_t rank = t.vocabulary.size();
      const int syllables = rank < 60 ? 1 : rank < 1500 ? 1 + static_cast<int>(rng.Below(2))
                            : rank < 12000 ? 2 + static_cast<int>(rng.Below(2))
                                           : 2 + static_cast<int>(rng.Below(3));
      Name w = t.MakeWord(rng, syllables, 0.0);
      if (rank < 60 && w.plain.size() > 4) continue;
      if (words.insert(w.plain).second) t.vocabulary.push_back(std::move(w.plain));
    }
  }
  t.word_zipf = Zipf(t.vocabulary.size(), 1.0);

  // Person names: first and last names, some accented; combined uniquely below.
  for (int k = 0; k < 4000; ++k)
    t.first_names.push_back(t.Capitalized(t.MakeWord(rng, 2 + static_cast<int>(rng.Below(2)), 0.06)));
  for (int k = 0; k < 30000; ++k)
    t.last_names.push_back(t.Capitalized(t.MakeWord(rng, 2 + static_cast<int>(rng.Below(2)), 0.06)));

  const uint32_t per_kind = std::max<uint32_t>(options_.entities_per_kind, 1);
  auto join = [](const Name& a, std::string_view sep, const Name& b) {
    return Name{a.text + std::string(sep) + b.text, a.plain + std::string(sep) + b.plain};
  };
  auto word = [&](int syllables, double accents) {
    return t.Capitalized(t.MakeWord(rng, syllables, accents));
  };
  auto fixed = [](std::string_view s) { return Name{std::string(s), std::string(s)}; };
  for (int kind = 0; kind < kKinds; ++kind) {
    std::vector<Name>& names = t.entities[kind];
    names.reserve(per_kind);
    while (names.size() < per_kind) {
      names.push_back(t.Unique([&]() -> Name {
        switch (kind) {
          case 0:  // PERSON: "Karovan Teslid"
            return join(t.first_names[rng.Below(t.first_names.size())], " ",
                        t.last_names[rng.Below(t.last_names.size())]);
          case 1:  // ORGANIZATION: "Veltaro Holdings", "Banque Miravel"
            if (rng.Chance(0.3))
              return join(fixed(kOrgPrefixes[rng.Below(kOrgPrefixes.size())]), " ",
                          word(2 + static_cast<int>(rng.Below(2)), 0.08));
            return join(word(2 + static_cast<int>(rng.Below(2)), 0.08), " ",
                        fixed(kOrgSuffixes[rng.Below(kOrgSuffixes.size())]));
          case 2:  // LOCATION: "Novaria", "Port Elsund"
            if (rng.Chance(0.25))
              return join(fixed(kPlacePrefixes[rng.Below(kPlacePrefixes.size())]), " ",
                          word(2 + static_cast<int>(rng.Below(2)), 0.1));
            return word(2 + static_cast<int>(rng.Below(3)), 0.1);
          case 3: {  // EVENT: "Telmar Summit 2019"
            Name n = join(word(2, 0.08), " ", fixed(kEventWords[rng.Below(kEventWords.size())]));
            if (rng.Chance(0.5)) n = join(n, " ", fixed(std::to_string(1990 + rng.Below(40))));
            return n;
          }
          default:  // OTHER: "Drelin Protocol"
            return join(word(2 + static_cast<int>(rng.Below(2)), 0.08), " ",
                        fixed(kOtherWords[rng.Below(kOtherWords.size())]));
        }
      }));
    }
    t.entity_zipf[kind] = Zipf(names.size(), 1.0);
  }
  double acc = 0;
  for (int kind = 0; kind < kKinds; ++kind) t.kind_cdf[kind] = (acc += kKindShare[kind]);
  t.kind_cdf[kKinds - 1] = 1.0;

  // Sources: "The Velmar Herald", "Le Courrier de Tésla"; each with a language and domain.
  const uint32_t sources = std::max<uint32_t>(options_.sources, 1);
  while (t.sources.size() < sources) {
    const size_t pattern = rng.Below(kSourcePatterns.size());
    Name place = word(2 + static_cast<int>(rng.Below(2)), 0.12);
    Name src;
    const std::string_view p = kSourcePatterns[pattern];
    const size_t at = p.find("%s");
    src.text = std::string(p.substr(0, at)) + place.text + std::string(p.substr(at + 2));
    src.plain = std::string(p.substr(0, at)) + place.plain + std::string(p.substr(at + 2));
    if (!t.used.insert(LowerAscii(src.plain)).second) continue;
    std::string domain;
    for (char c : LowerAscii(src.plain))
      if (c >= 'a' && c <= 'z') domain += c;
    t.source_domains.push_back(domain + ".example");
    t.source_languages.emplace_back(kSourceLanguages[pattern]);
    t.sources.push_back(std::move(src));
  }
  t.source_zipf = Zipf(t.sources.size(), 1.1);

  // Topics: 300 words of the vocabulary's middle ranks, Zipf-distributed.
  for (size_t k = 0; k < 300; ++k) t.topics.push_back(t.vocabulary[200 + k * 7]);
  t.topic_zipf = Zipf(t.topics.size(), 0.9);

  // Daily rhythm (UTC): quiet at night, busiest in working hours.
  constexpr std::array<double, 24> kHourWeight = {0.25, 0.2, 0.15, 0.15, 0.2, 0.35, 0.6, 0.9,
                                                  1.2,  1.4, 1.5,  1.5,  1.4, 1.4,  1.5, 1.5,
                                                  1.4,  1.2, 1.0,  0.9,  0.8, 0.6,  0.45, 0.35};
  double hours = 0;
  for (double w : kHourWeight) hours += w;
  acc = 0;
  for (int h = 0; h < 24; ++h) t.hour_cdf[h] = (acc += kHourWeight[h] / hours);
  t.hour_cdf[23] = 1.0;
  t.span_days = static_cast<uint64_t>(std::max<uint32_t>(options_.years, 1)) * 36525 / 100;
  t.used.clear();
  t.used.rehash(0);
}

Generator::~Generator() = default;

const CorpusOptions& Generator::options() const { return options_; }

void Generator::Make(uint64_t i, Article* out) const {
  const Tables& t = *tables_;
  out->Clear();
  const uint64_t seed = options_.seed;

  out->set_id("synth/" + std::to_string(seed) + "/" + std::to_string(i));

  // Source, language.
  Stream src_rng(seed, i, kFieldSource);
  const size_t source = t.source_zipf.Sample(src_rng);
  out->set_source(t.sources[source].text);
  out->set_language(t.source_languages[source]);

  // published_at: a uniform day (weekends thinner), an hour by the daily rhythm.
  Stream time_rng(seed, i, kFieldTime);
  uint64_t day = 0;
  for (;;) {
    day = time_rng.Below(t.span_days);
    const int64_t abs_day =
        options_.start_micros / static_cast<int64_t>(kMicrosPerSecond * kSecondsPerDay) +
        static_cast<int64_t>(day);
    const int64_t weekday = ((abs_day % 7) + 7 + 3) % 7;  // 0 = Monday (1970-01-01: Thursday)
    if (weekday < 5 || time_rng.Chance(0.55)) break;
  }
  const double uh = time_rng.Uniform();
  int hour = 0;
  while (hour < 23 && t.hour_cdf[hour] <= uh) ++hour;
  const uint64_t second_of_day = static_cast<uint64_t>(hour) * 3600 + time_rng.Below(3600);
  const int64_t published = options_.start_micros +
                            static_cast<int64_t>((day * kSecondsPerDay + second_of_day) *
                                                 kMicrosPerSecond);
  auto set_time = [](int64_t micros, google::protobuf::Timestamp* ts) {
    int64_t secs = micros / static_cast<int64_t>(kMicrosPerSecond);
    int64_t rem = micros % static_cast<int64_t>(kMicrosPerSecond);
    if (rem < 0) {
      rem += static_cast<int64_t>(kMicrosPerSecond);
      --secs;
    }
    ts->set_seconds(secs);
    ts->set_nanos(static_cast<int32_t>(rem * 1000));
  };
  set_time(published, out->mutable_published_at());
  Stream upd_rng(seed, i, kFieldUpdated);
  if (upd_rng.Chance(0.2))
    set_time(published + static_cast<int64_t>((60 + upd_rng.Below(3 * 86400)) * kMicrosPerSecond),
             out->mutable_updated_at());

  // Entities: 0..8 distinct names, kind by share, name by Zipf within the kind. A few
  // mentions are spelled without accents or in capitals, as sources do.
  Stream ent_rng(seed, i, kFieldEntities);
  static constexpr std::array<double, 9> kCountCdf = {0.08, 0.2, 0.36, 0.53, 0.68,
                                                      0.8,  0.89, 0.95, 1.0};
  const double uc = ent_rng.Uniform();
  size_t n_entities = 0;
  while (n_entities < 8 && kCountCdf[n_entities] <= uc) ++n_entities;
  std::array<std::pair<int, size_t>, 8> chosen{};
  size_t n_chosen = 0;
  for (size_t tries = 0; n_chosen < n_entities && tries < 32; ++tries) {
    const double uk = ent_rng.Uniform();
    int kind = 0;
    while (kind < kKinds - 1 && t.kind_cdf[kind] <= uk) ++kind;
    const size_t rank = t.entity_zipf[kind].Sample(ent_rng);
    bool dup = false;
    for (size_t c = 0; c < n_chosen; ++c) dup |= chosen[c] == std::make_pair(kind, rank);
    if (dup) continue;
    chosen[n_chosen++] = {kind, rank};
    const Name& name = t.entities[kind][rank];
    Entity* e = out->add_entities();
    const double variant = ent_rng.Uniform();
    if (variant < 0.04 && name.plain != name.text) {
      e->set_name(name.plain);
    } else if (variant < 0.06) {
      e->set_name(UpperAscii(name.text));
    } else {
      e->set_name(name.text);
    }
    e->set_kind(static_cast<Entity::Kind>(kind + 1));
  }

  auto word = [&](Stream& rng) -> const std::string& {
    return t.vocabulary[t.word_zipf.Sample(rng)];
  };
  auto entity_text = [&](Stream& rng) -> const std::string& {
    const auto& c = chosen[rng.Below(n_chosen)];
    return t.entities[c.first][c.second].text;
  };
  // A sentence of `words` words: capitalised, with commas, numbers and names in it.
  auto sentence = [&](Stream& rng, size_t words, std::string* s) {
    for (size_t w = 0; w < words; ++w) {
      if (w > 0) *s += (rng.Chance(0.06) ? ", " : " ");
      const double u = rng.Uniform();
      if (n_chosen > 0 && u < 0.03) {
        *s += entity_text(rng);
      } else if (u < 0.05) {
        *s += std::to_string(rng.Below(2000));
        if (rng.Chance(0.3)) *s += "." + std::to_string(rng.Below(10));
      } else if (w == 0) {
        *s += Capitalize(word(rng));
      } else {
        *s += word(rng);
      }
    }
    *s += '.';
  };

  // Title: 5..12 words, often naming an entity.
  Stream title_rng(seed, i, kFieldTitle);
  {
    std::string title;
    const size_t words = 5 + title_rng.Below(8);
    for (size_t w = 0; w < words; ++w) {
      if (w > 0) title += ' ';
      if (w == 1 && n_chosen > 0 && title_rng.Chance(0.6)) {
        title += entity_text(title_rng);
      } else {
        title += w == 0 ? Capitalize(word(title_rng)) : word(title_rng);
      }
    }
    out->set_title(std::move(title));
  }

  // Summary: half the articles have one or two sentences.
  Stream sum_rng(seed, i, kFieldSummary);
  if (sum_rng.Chance(0.5)) {
    std::string summary;
    const size_t sentences = 1 + sum_rng.Below(2);
    for (size_t k = 0; k < sentences; ++k) {
      if (k > 0) summary += ' ';
      sentence(sum_rng, 10 + sum_rng.Below(16), &summary);
    }
    out->set_summary(std::move(summary));
  }

  // Body length: a few headline-only items; wire-length stories (lognormal fitted to
  // Reuters-21578: median ~570, mean ~840 bytes); longer modern articles (median ~4 KB).
  Stream len_rng(seed, i, kFieldBodyLength);
  const double kind = len_rng.Uniform();
  size_t target = 0;
  if (kind < 0.03) {
    target = 0;
  } else if (kind < 0.58) {
    target = static_cast<size_t>(std::exp(6.35 + 0.87 * len_rng.Normal()));
  } else {
    target = static_cast<size_t>(std::exp(8.3 + 0.6 * len_rng.Normal()));
  }
  target = std::min<size_t>(target, 200000);
  if (target > 0) {
    Stream body_rng(seed, i, kFieldBody);
    std::string body;
    body.reserve(target + 256);
    size_t in_paragraph = 0;
    size_t paragraph_len = 2 + body_rng.Below(5);
    while (body.size() < target) {
      if (!body.empty()) {
        if (in_paragraph == paragraph_len) {
          body += "\n\n";
          in_paragraph = 0;
          paragraph_len = 2 + body_rng.Below(5);
        } else {
          body += ' ';
        }
      }
      sentence(body_rng, 6 + body_rng.Below(22), &body);
      ++in_paragraph;
    }
    out->set_body(std::move(body));
  }

  // Authors: none (wire copy) to three.
  Stream auth_rng(seed, i, kFieldAuthors);
  const size_t authors = auth_rng.Below(4);
  for (size_t k = 0; k < authors; ++k) {
    const Name& first = t.first_names[auth_rng.Below(t.first_names.size())];
    const Name& last = t.last_names[auth_rng.Below(t.last_names.size())];
    out->add_authors(first.text + " " + last.text);
  }

  // Topics: zero to three.
  Stream topic_rng(seed, i, kFieldTopics);
  const size_t topics = topic_rng.Below(4);
  size_t last_topic = t.topics.size();
  for (size_t k = 0; k < topics; ++k) {
    const size_t tp = t.topic_zipf.Sample(topic_rng);
    if (tp == last_topic) continue;
    last_topic = tp;
    out->add_topics(t.topics[tp]);
  }

  // URL and attributes.
  int year = 0;
  unsigned month = 0;
  unsigned mday = 0;
  constexpr auto kMicrosPerDay = static_cast<int64_t>(kMicrosPerSecond * kSecondsPerDay);
  const int64_t days = published / kMicrosPerDay - (published % kMicrosPerDay < 0 ? 1 : 0);
  CivilFromDays(days, &year, &month, &mday);
  char date_path[32];
  std::snprintf(date_path, sizeof(date_path), "%04d/%02u/%02u", year, month, mday);
  std::string slug;
  for (char c : LowerAscii(out->title())) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      slug += c;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
    if (slug.size() >= 60) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  out->set_url("https://www." + t.source_domains[source] + "/" + date_path + "/" + slug + "-" +
               std::to_string(i));
  Stream attr_rng(seed, i, kFieldAttributes);
  auto& attributes = *out->mutable_attributes();
  attributes["section"] = std::string(kSections[attr_rng.Below(kSections.size())]);
  attributes["word_count"] =
      std::to_string(static_cast<size_t>(std::count(out->body().begin(), out->body().end(), ' ')) +
                     (out->body().empty() ? 0 : 1));
  if (attr_rng.Chance(0.1)) attributes["paywall"] = "true";
}

}  // namespace articledb::synth
