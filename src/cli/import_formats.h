// Input formats of `articledb import` besides the interchange JSON Lines (docs/import.md):
// a JSON array of interchange articles, NewsAPI responses, news-please articles, found
// by content when not named. Each input value is mapped to an Article; fields the schema
// lacks go to `attributes` or are refused, as asked; dates are read in the common forms.
#ifndef ARTICLEDB_CLI_IMPORT_FORMATS_H_
#define ARTICLEDB_CLI_IMPORT_FORMATS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <cctz/time_zone.h>

#include "articledb/article.h"
#include "articledb/status.h"

namespace articledb::cli {

enum class InputFormat {
  kAuto,        // by content (DetectFormat, then each value by its fields)
  kJsonl,       // one interchange article a line (the fast path)
  kJson,        // interchange articles as a top-level array, or objects one after another
  kNewsApi,     // NewsAPI responses: {"status":"ok","articles":[...]}
  kNewsPlease,  // news-please articles: one object a file, or several
  kRss,         // RSS 0.9x/1.0/2.0 and Atom 1.0 feeds (feed_reader.h)
  kCsv,         // CSV (RFC 4180) with a header line; columns named as fields or --map'ped
};

// "auto", "jsonl", "json", "newsapi", "news-please", "rss", "csv".
bool ParseInputFormat(std::string_view name, InputFormat* out);
const char* InputFormatName(InputFormat format);

struct ConvertOptions {
  // Fields the schema lacks: stored in `attributes` (strings as they are, other values
  // as compact JSON) or refused (every one named). By default the feed formats (NewsAPI,
  // news-please) keep them and the interchange schema refuses them.
  enum class Unknown { kFormatDefault, kKeep, kRefuse };
  Unknown unknown = Unknown::kFormatDefault;
  // The zone of dates and times written without one ("2024-05-09 14:05:00").
  cctz::time_zone assume_tz = cctz::utc_time_zone();
  // CSV: column -> field pairs (--map COLUMN=FIELD) over the columns named as fields.
  std::vector<std::pair<std::string, std::string>> csv_map;
};

// Reads a date in the forms feeds and scrapers write: RFC 3339 (`T` or a space between
// date and time, fractions, `Z` or an offset), a date and time without a zone or a date
// alone (in `assume_tz`), RFC 822/1123 as in RSS (`Thu, 09 May 2024 14:05:00 +0200`,
// `GMT`, `UT`, `Z` and the US zone names), and epoch seconds as digits. False when none
// fits or the time is outside 0001-01-01..9999-12-31.
bool ParseFlexibleDate(std::string_view text, const cctz::time_zone& assume_tz,
                       google::protobuf::Timestamp* out);

// Finds the top-level JSON values of a text given a line at a time: the elements of a
// top-level array, or each top-level value when the text does not start with '['. Strings
// and escapes are followed, so brackets inside text do not count.
class JsonValueSplitter {
 public:
  explicit JsonValueSplitter(size_t max_value_bytes) : max_value_bytes_(max_value_bytes) {}
  // Feeds line `line_no` (without its '\n'). Calls `emit(value_text, first_line)` for each
  // value completed in it. Returns a non-OK status for text that is not JSON values
  // (after which the splitter is done), or a value larger than max_value_bytes.
  Status Feed(std::string_view line, uint64_t line_no,
              const std::function<void(std::string_view, uint64_t)>& emit);
  // After the last line: an error when a value or the top-level array is left open.
  Status Finish() const;

 private:
  enum class Top { kUnknown, kArray, kValues };
  size_t max_value_bytes_;
  Top top_ = Top::kUnknown;
  bool array_closed_ = false;
  int depth_ = 0;  // open containers inside the current value
  bool in_string_ = false;
  bool escape_ = false;
  bool in_value_ = false;
  bool scalar_ = false;  // the current value is a bare scalar (ends at ',', ']' or space)
  uint64_t value_line_ = 0;
  std::string value_;
};

// Calls `each(status, article, raw)` for every article of one top-level value of `format`
// (kJson, kNewsApi, kNewsPlease, or kAuto: told by its fields), after mapping it to the
// schema; a value that cannot be mapped gives an error status and a null article instead
// (the message names the field). `raw` is the article's JSON text. A NewsAPI response
// gives one call per element of `articles`; its "status":"error" response gives one
// error with NewsAPI's message.
void ConvertValue(InputFormat format, std::string_view json, const ConvertOptions& options,
                  const std::function<void(Status, Article*, std::string_view)>& each);

// The format of a file from its first non-blank line (a BOM removed): kRss when it starts
// with '<' (XML), kJsonl when it is a whole interchange-looking JSON object, kAuto (values
// found by the splitter, each told by its fields) when it starts with '{' or '[', kCsv
// when it is a CSV line with a cell naming a field (CsvFieldNames, any case), kAuto
// otherwise.
InputFormat DetectFormat(std::string_view first_line);

// Splits CSV text (RFC 4180: cells separated by commas, quoted cells holding commas,
// doubled quotes and line breaks; CRLF or LF) given a line at a time into records.
class CsvSplitter {
 public:
  explicit CsvSplitter(size_t max_record_bytes) : max_record_bytes_(max_record_bytes) {}
  // Feeds line `line_no` (without its line break). Calls `emit(cells, first_line)` for the
  // record it completes, if any. A quote inside an unquoted cell is taken as text; text
  // after a closing quote before the next comma is an error (the record is dropped and
  // the splitter goes on with the next line), as is a record over max_record_bytes.
  Status Feed(std::string_view line, uint64_t line_no,
              const std::function<void(const std::vector<std::string>&, uint64_t)>& emit);
  // After the last line: an error when a quoted cell is left open.
  Status Finish() const;

 private:
  size_t max_record_bytes_;
  std::vector<std::string> cells_;
  bool in_quotes_ = false;
  uint64_t first_line_ = 0;
  size_t bytes_ = 0;
};

// The columns of a CSV file mapped to fields, from its header.
struct CsvColumns {
  // Per column: the field it fills ("title", "published_at", ...); "" for a column the
  // schema lacks (kept in attributes under its header name); "-" for one to ignore.
  std::vector<std::string> fields;
  std::vector<std::string> names;  // the header
};

// The fields a CSV column can fill: the interchange schema's scalar fields, and authors,
// topics and entities (names separated by ';').
const std::vector<std::string>& CsvFieldNames();

// Maps the header's columns: a --map pair first, else a column named as a field (case and
// surrounding spaces ignored), else unknown. InvalidArgument when a --map pair names a
// column the header lacks or a field CsvFieldNames lacks, two columns fill one field, or
// (under kRefuse) a column is unknown, naming every one.
Status MapCsvColumns(const std::vector<std::string>& header, const ConvertOptions& options,
                     CsvColumns* out);

// One CSV record to an article. InvalidArgument naming the column when its cell cannot
// fill its field (a date in none of ParseFlexibleDate's forms), or when the record does
// not have the header's number of cells.
Status ConvertCsvRecord(const CsvColumns& columns, const std::vector<std::string>& cells,
                        const ConvertOptions& options, Article* out);

// The refusal of an article with fields the schema lacks, naming every one:
// "fields 'section', 'wordcount' are not in the schema (--keep-unknown keeps them ...)".
Status UnknownFieldsError(const std::vector<std::string>& names);

// One interchange article (a JSON Lines line): exactly ParseArticleJson, but for fields
// the schema lacks, which are all named in the refusal, or (kKeep) moved to `attributes`.
Status ParseInterchange(std::string_view json, ConvertOptions::Unknown unknown_policy,
                        Article* out);

}  // namespace articledb::cli

#endif  // ARTICLEDB_CLI_IMPORT_FORMATS_H_
