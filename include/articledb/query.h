// Queries: filters, ordering, pages and cursors, timelines and name listings.
//
// A query selects articles by an optional time range, sources (any of), entities (all
// of, any of, none of), languages (any of), topics and authors (all of). Names match
// after NormalizeName, so case, accents and Unicode spelling do not matter. Results
// come in time order, newest first by default, ties broken by storage order (or, for a
// text query, by relevance: Order::kRelevance), and are
// found by walking the indexes: records are read only for the articles returned (and,
// for a text query, for the articles its other conditions select).
// Underneath, a Filter becomes a tree of AND, OR and NOT operators over posting lists,
// ordered by a planner by their counted sizes (docs/storage.md).
#ifndef ARTICLEDB_QUERY_H_
#define ARTICLEDB_QUERY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "articledb/article.h"
#include "articledb/status.h"

namespace articledb {

enum class Order {
  kNewestFirst,
  kOldestFirst,
  // Best match first by BM25 over the text query's words, phrases and prefixes (a title
  // occurrence counts twice; docs/search.md, "Relevance"); equal scores: the later stored
  // first. Needs Filter::text (else InvalidArgument). With the text index, a query of
  // words is scored from the index (term frequencies and lengths kept with its postings)
  // and a page finds its best without scoring every match; a phrase, prefix or field limit
  // (and every query without the index) reads and analyses each match's record, a cost
  // that grows with the matches. Archive::Scan in this order holds every match's position
  // and score in memory.
  kRelevance,
};

struct Filter {
  // Time range [from, to) on published_at, in microseconds since the Unix epoch (UTC).
  // When either bound is set, articles without published_at are left out; when neither
  // is, they are included and sort as the oldest.
  std::optional<int64_t> from_micros;
  std::optional<int64_t> to_micros;
  // Publication, matched after normalisation. Empty optional: any source.
  std::optional<std::string> source;
  // More publications: an article matches when its source is any of `source` and
  // `sources` (both empty: any source).
  std::vector<std::string> sources;
  // Entities that must all be mentioned, matched after normalisation.
  std::vector<std::string> entities;
  // When not empty, at least one of these entities must be mentioned.
  std::vector<std::string> any_entities;
  // None of these entities may be mentioned.
  std::vector<std::string> not_entities;
  // When not empty, the article's language (BCP 47 tag, matched after normalisation,
  // so "EN" matches "en") must be one of these.
  std::vector<std::string> languages;
  // Topics that must all be on the article, matched after normalisation.
  std::vector<std::string> topics;
  // Authors that must all be on the article, matched after normalisation.
  std::vector<std::string> authors;
  // When not empty, a text query the article's title, summary and body must match:
  // words, "phrases", prefix*, AND / OR / NOT (or -word), parentheses, and title:,
  // summary:, body: to name a field (docs/search.md). Words match after case and accent
  // folding and stemming in the article's language. A query that does not parse is
  // refused with InvalidArgument naming the problem and its column. With the archive's
  // text index (Options::index_text), words, prefixes and boolean operators are answered
  // from its posting lists and phrases and fields by checking the candidates' records;
  // without it, the records the other conditions select are read and matched one by one.
  std::string text;
};

// What a query returns of each article.
enum class Projection {
  kFull,     // the whole article
  kSummary,  // every field but body and summary (left empty): what list pages show
             // (the records are still read whole, text included)
};

struct QueryOptions {
  Order order = Order::kNewestFirst;
  // Articles per page, 1..10000. Default: 100. A page also ends early once the records it
  // read reach 32 MiB (serialized), so a page holds at most about 32 MiB of records plus
  // one record (at most 16 MiB with the default Limits), whatever the limit; it then has
  // fewer than `limit` articles and a next_cursor that continues right after its last.
  // Archive::Scan reads in chunks of at most 256 articles bounded the same way.
  size_t limit = 100;
  // Empty for the first page; otherwise Page::next_cursor from the previous page of the
  // same filter and order. The next page starts right after the last article returned,
  // even if articles were added or removed meanwhile (in relevance order: after its score,
  // as the matches score now). A cursor from another query, or a
  // damaged one, is rejected with InvalidArgument.
  std::string cursor;
  Projection projection = Projection::kFull;
};

struct Page {
  std::vector<Article> articles;
  // Opaque token for the next page; empty when this page is the last.
  std::string next_cursor;
};

// kWeek: ISO 8601 weeks, Monday to Sunday.
enum class Bucket { kDay, kWeek, kMonth, kYear };

struct TimelineOptions {
  Bucket bucket = Bucket::kDay;
  // IANA time zone name ("Europe/Paris") whose calendar cuts the buckets; empty: UTC.
  // Zones come from the system's time zone database (tzdata). A bucket runs from the
  // first instant of its first local day to the first instant of the next bucket, so a
  // Europe/Paris day lasts 23 hours on 2024-03-31 and 25 on 2024-10-27; a day whose local
  // midnight was skipped starts at the jump, and a day that was skipped whole (as
  // Pacific/Apia's 2011-12-30) is no bucket. An unknown name is InvalidArgument naming it.
  std::string time_zone;
  // Also list the buckets with no article, as entries with count 0: every bucket from
  // the one holding the filter's `from_micros` (else the first non-empty bucket) to the
  // one holding the last microsecond before its `to_micros` (else the last non-empty
  // bucket). With a bound missing and no matching article, the timeline is empty. More
  // than 1,000,000 buckets (2,700 years of days) is InvalidArgument.
  bool zero_fill = false;
};

struct TimelineEntry {
  // "2024-05-01" (day), "2024-W18" (ISO week), "2024-05" (month) or "2024" (year), in
  // the time zone of the TimelineOptions.
  std::string label;
  // First microsecond of the bucket.
  int64_t start_micros = 0;
  uint64_t count = 0;
};

// What facets count.
enum class FacetField { kSource, kEntity, kTopic, kLanguage, kAuthor };

struct FacetOptions {
  FacetField by = FacetField::kEntity;
  // The most frequent `limit` values, 1..10000.
  size_t limit = 20;
};

struct NameCount {
  std::string name;  // the spelling most recently stored
  uint64_t count = 0;
};

// Parses a time argument, one of:
//   "2024" / "2024-05" / "2024-05-01"    the first instant of that year, month or day (UTC)
//   "2024-05-01T12:00:00Z", "...+02:00"  an RFC 3339 time
//   "@1714550400"                        seconds since the epoch
//   "now", "12h", "7d", "2w"             now, or that many hours, days or weeks before now
// Sets *micros; InvalidArgument otherwise. The relative forms count from the system clock;
// the second form counts from `now_micros` instead.
Status ParseTimeArgument(std::string_view text, int64_t* micros);
Status ParseTimeArgument(std::string_view text, int64_t now_micros, int64_t* micros);

// Formats microseconds since the epoch as RFC 3339 UTC, e.g. "2024-05-01T12:00:00Z".
std::string FormatTime(int64_t micros);

}  // namespace articledb

#endif  // ARTICLEDB_QUERY_H_
