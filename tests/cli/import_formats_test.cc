// The date forms, the JSON value splitter and the field mappings of `articledb import`
// (src/cli/import_formats.h).
#include "import_formats.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "feed_reader.h"

namespace articledb::cli {
namespace {

// "seconds.nanos" of a date read in `zone`, or "refused".
std::string Date(const std::string& text, const std::string& zone = "UTC") {
  cctz::time_zone tz;
  EXPECT_TRUE(cctz::load_time_zone(zone, &tz));
  google::protobuf::Timestamp ts;
  if (!ParseFlexibleDate(text, tz, &ts)) return "refused";
  return std::to_string(ts.seconds()) + "." + std::to_string(ts.nanos());
}

TEST(ImportFormatsTest, DatesAreReadInRfc3339SpaceSeparatedRfc822AndEpochForms) {
  const std::string t = "1715263500.0";  // 2024-05-09T14:05:00Z
  EXPECT_EQ(Date("2024-05-09T14:05:00Z"), t);
  EXPECT_EQ(Date("2024-05-09T16:05:00+02:00"), t);
  EXPECT_EQ(Date("2024-05-09 14:05:00Z"), t);
  EXPECT_EQ(Date("2024-05-09T14:05:00.250Z"), "1715263500.250000000");
  EXPECT_EQ(Date("2024-05-09 14:05:00"), t);
  EXPECT_EQ(Date("2024-05-09T14:05"), t);
  EXPECT_EQ(Date("Thu, 09 May 2024 14:05:00 GMT"), t);
  EXPECT_EQ(Date("Thu, 09 May 2024 16:05:00 +0200"), t);
  EXPECT_EQ(Date("Thu, 09 May 2024 10:05:00 EDT"), t);
  EXPECT_EQ(Date("09 May 2024 14:05 +0000"), t);
  EXPECT_EQ(Date("1715263500"), t);
  EXPECT_EQ(Date("  2024-05-09T14:05:00Z "), t);
  EXPECT_EQ(Date("2024-05-09"), "1715212800.0");
  EXPECT_EQ(Date("0001-01-01T00:00:00Z"), "-62135596800.0");  // the whole range
  EXPECT_EQ(Date("9999-12-31T23:59:59.999999999Z"), "253402300799.999999999");
}

TEST(ImportFormatsTest, DatesWithoutAZoneAreReadInTheAssumedZone) {
  EXPECT_EQ(Date("2024-05-09 16:05:00", "Europe/Paris"), "1715263500.0");  // CEST, UTC+2
  EXPECT_EQ(Date("2024-01-09 15:05:00", "Europe/Paris"), "1704809100.0");  // CET, UTC+1
  EXPECT_EQ(Date("2024-05-09T14:05:00Z", "Europe/Paris"), "1715263500.0");  // zone given
}

TEST(ImportFormatsTest, UnreadableAndOutOfRangeDatesAreRefused) {
  for (const char* bad : {"", "yesterday", "May 5", "2024-13-01", "2024-05-09T25:00:00Z",
                          "10000-01-01T00:00:00Z", "0000-12-31T00:00:00Z", "0x1234"}) {
    EXPECT_EQ(Date(bad), "refused") << bad;
  }
}

// The values a splitter finds in `lines`, as (text, first line), and its final status.
std::pair<std::vector<std::pair<std::string, uint64_t>>, Status> Split(
    const std::vector<std::string>& lines) {
  JsonValueSplitter splitter(1000);
  std::vector<std::pair<std::string, uint64_t>> values;
  Status s;
  for (size_t i = 0; i < lines.size() && s.ok(); ++i) {
    s = splitter.Feed(lines[i], i + 1, [&](std::string_view v, uint64_t line) {
      values.emplace_back(std::string(v), line);
    });
  }
  if (s.ok()) s = splitter.Finish();
  return {values, s};
}

TEST(ImportFormatsTest, SplitterFindsArrayElementsAcrossLinesPastBracketsInStrings) {
  auto [values, s] = Split({"[ {\"a\": \"x]}\\\"\"},", "  {\"b\": [1,", "2]} ,", "3, \"s\" ]"});
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[0], std::make_pair(std::string("{\"a\": \"x]}\\\"\"}"), uint64_t{1}));
  EXPECT_EQ(values[1], std::make_pair(std::string("{\"b\": [1,\n2]}"), uint64_t{2}));
  EXPECT_EQ(values[2], std::make_pair(std::string("3"), uint64_t{4}));
  EXPECT_EQ(values[3], std::make_pair(std::string("\"s\""), uint64_t{4}));
}

TEST(ImportFormatsTest, SplitterReadsValuesOneAfterAnotherWhenThereIsNoArray) {
  auto [values, s] = Split({"{\"a\":1}{\"b\":", "2}", "", "{\"c\":3}"});
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[1].first, "{\"b\":\n2}");
  EXPECT_EQ(values[2].second, 4u);
}

TEST(ImportFormatsTest, SplitterRefusesUnclosedOversizedAndStrayText) {
  EXPECT_FALSE(Split({"[{\"a\":1},", "{\"b\":"}).second.ok());
  EXPECT_FALSE(Split({"[{\"a\":1}"}).second.ok());
  EXPECT_FALSE(Split({"[{\"a\":1}] {}"}).second.ok());
  EXPECT_FALSE(Split({"{\"a\":1} }"}).second.ok());
  EXPECT_FALSE(Split({"[\"" + std::string(2000, 'x') + "\"]"}).second.ok());
}

// The articles ConvertValue gives for `json`, or the error of the first refusal.
std::vector<Article> Convert(InputFormat f, const std::string& json, std::string* error,
                             ConvertOptions options = ConvertOptions()) {
  std::vector<Article> out;
  ConvertValue(f, json, options, [&](Status s, Article* a, std::string_view) {
    if (!s.ok() && error->empty()) *error = s.message();
    if (s.ok()) out.push_back(*a);
  });
  return out;
}

TEST(ImportFormatsTest, NewsApiArticlesMapToTheSchemaAndKeepUnknownFields) {
  std::string error;
  const auto got = Convert(InputFormat::kAuto,
                           R"({"status":"ok","totalResults":1,"articles":[{"source":{"id":"x",
      "name":"Le Monde"},"author":"A. B","title":"T","description":"D","url":"U",
      "urlToImage":"I","publishedAt":"2024-05-09T14:05:00Z","content":"C","extra":[1]}]})",
                           &error);
  ASSERT_EQ(got.size(), 1u) << error;
  const Article& a = got[0];
  EXPECT_EQ(a.source(), "Le Monde");
  EXPECT_EQ(a.authors_size(), 1);
  EXPECT_EQ(a.authors(0), "A. B");
  EXPECT_EQ(a.title(), "T");
  EXPECT_EQ(a.summary(), "D");
  EXPECT_EQ(a.url(), "U");
  EXPECT_EQ(a.body(), "C");
  EXPECT_EQ(a.published_at().seconds(), 1715263500);
  EXPECT_EQ(a.attributes().at("urlToImage"), "I");
  EXPECT_EQ(a.attributes().at("extra"), "[1]");
}

TEST(ImportFormatsTest, NewsPleaseArticlesMapToTheSchemaAndNullsLeaveFieldsUnset) {
  std::string error;
  const auto got = Convert(InputFormat::kAuto,
                           R"({"title":"T","maintext":"M","description":null,
      "date_publish":"2024-05-09 14:05:00","date_modify":null,"authors":["A","B"],
      "source_domain":"example.org","url":"U","language":"de","localpath":null})",
                           &error);
  ASSERT_EQ(got.size(), 1u) << error;
  const Article& a = got[0];
  EXPECT_EQ(a.body(), "M");
  EXPECT_EQ(a.source(), "example.org");
  EXPECT_EQ(a.authors_size(), 2);
  EXPECT_EQ(a.language(), "de");
  EXPECT_TRUE(a.has_published_at());
  EXPECT_FALSE(a.has_updated_at());
  EXPECT_EQ(a.attributes_size(), 0);
}

TEST(ImportFormatsTest, UnknownFieldsAreAllNamedWhenRefused) {
  std::string error;
  ConvertOptions refuse;
  refuse.unknown = ConvertOptions::Unknown::kRefuse;
  EXPECT_TRUE(Convert(InputFormat::kNewsPlease,
                      R"({"title":"T","source_domain":"s","x":1,"y":"2"})", &error, refuse)
                  .empty());
  EXPECT_EQ(error, "fields 'x', 'y' are not in the schema (--keep-unknown keeps them in attributes)");
  error.clear();
  EXPECT_TRUE(Convert(InputFormat::kJson, R"({"source":"s","x":1,"y":"2","z":null})", &error)
                  .empty());
  EXPECT_EQ(error,
            "fields 'x', 'y', 'z' are not in the schema (--keep-unknown keeps them in attributes)");
}

std::string Sample(const std::string& name) {
  std::ifstream in(std::string(ARTICLEDB_TEST_DATA_DIR) + "/import/" + name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every prefix-cut and thousands of byte-mutated copies of the samples go through the
// splitter and the mappings, or the feed reader: each ends in articles or statuses, never
// a crash (the suite runs under AddressSanitizer in CI).
TEST(ImportFormatsTest, CutAndMutatedSamplesGiveArticlesOrErrorsNeverACrash) {
  std::mt19937 rng(12);
  const std::string json_samples[] = {Sample("newsapi.json"), Sample("news-please-1.json"),
                                      Sample("articles.json")};
  const std::string xml_samples[] = {Sample("rss.xml"), Sample("atom.xml")};
  size_t articles = 0, errors = 0;
  auto mutate = [&](std::string s) {
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < edits && !s.empty(); ++i) {
      static const char kBytes[] = {'{', '}', '[', ']', '"', ',', ':', '<', '>', '/', '&',
                                    '\\', '\n', ' ', 'x', '\x80', '\xff', '0'};
      s[rng() % s.size()] = kBytes[rng() % sizeof(kBytes)];
    }
    return s;
  };
  auto run_json = [&](const std::string& text) {
    JsonValueSplitter splitter(1 << 20);
    std::istringstream in(text);
    std::string line;
    uint64_t n = 0;
    Status s;
    while (s.ok() && std::getline(in, line)) {
      s = splitter.Feed(line, ++n, [&](std::string_view v, uint64_t) {
        ConvertValue(InputFormat::kAuto, v, ConvertOptions(),
                     [&](Status st, Article* a, std::string_view) {
                       if (!st.ok()) {
                         ++errors;
                         return;
                       }
                       EXPECT_NE(a, nullptr);
                       ++articles;
                     });
      });
    }
    if (s.ok()) s = splitter.Finish();
    if (!s.ok()) ++errors;
  };
  auto run_xml = [&](const std::string& text) {
    FeedReader feed(ConvertOptions(), [&](Status st, Article* a, uint64_t) {
      EXPECT_NE(a, nullptr);
      if (st.ok()) {
        ++articles;
      } else {
        ++errors;
      }
    });
    const size_t half = text.size() / 2;
    Status s = feed.Feed(std::string_view(text).substr(0, half), false);
    if (s.ok()) s = feed.Feed(std::string_view(text).substr(half), true);
    if (!s.ok()) ++errors;
  };
  for (const std::string& sample : json_samples) {
    for (size_t cut = 0; cut <= sample.size(); cut += 7) run_json(sample.substr(0, cut));
    for (int i = 0; i < 1500; ++i) run_json(mutate(sample));
  }
  for (const std::string& sample : xml_samples) {
    for (size_t cut = 0; cut <= sample.size(); cut += 7) run_xml(sample.substr(0, cut));
    for (int i = 0; i < 1500; ++i) run_xml(mutate(sample));
  }
  EXPECT_GT(articles, 1000u);  // the unharmed parts still give articles
  EXPECT_GT(errors, 1000u);
}

TEST(ImportFormatsTest, FeedReaderMapsRssItemsAndAtomEntries) {
  std::vector<Article> got;
  FeedReader feed(ConvertOptions(), [&](Status s, Article* a, uint64_t) {
    EXPECT_TRUE(s.ok()) << s.ToString();
    got.push_back(*a);
  });
  ASSERT_TRUE(feed.Feed(Sample("rss.xml"), true).ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].source(), "Example Gazette");  // the channel's title
  EXPECT_EQ(got[0].language(), "fr");
  EXPECT_EQ(got[0].published_at().seconds(), 1715263500);
  EXPECT_EQ(got[0].topics_size(), 2);
  EXPECT_EQ(got[0].attributes().at("guid"), "gazette-2024-0509-budget");
  EXPECT_EQ(got[1].source(), "Example Wire");  // the item's own <source>
}

std::vector<std::vector<std::string>> SplitCsv(const std::vector<std::string>& lines,
                                               std::vector<std::string>* errors = nullptr) {
  CsvSplitter csv(1000);
  std::vector<std::vector<std::string>> out;
  uint64_t n = 0;
  for (const std::string& l : lines) {
    Status s = csv.Feed(l, ++n, [&](const std::vector<std::string>& cells, uint64_t) {
      out.push_back(cells);
    });
    if (!s.ok() && errors != nullptr) errors->push_back(s.message());
  }
  Status f = csv.Finish();
  if (!f.ok() && errors != nullptr) errors->push_back(f.message());
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvTest, QuotedCellsHoldCommasDoubledQuotesAndLineBreaks) {
  EXPECT_EQ(SplitCsv({"a,b,c", "1,\"x, y\",\"say \"\"hi\"\"\"", "2,\"two", "lines\",", "3,,\r"}),
            (Rows{{"a", "b", "c"}, {"1", "x, y", "say \"hi\""}, {"2", "two\nlines", ""},
                  {"3", "", ""}}));
  // A quote inside an unquoted cell is text.
  EXPECT_EQ(SplitCsv({"5\" screen,ok"}), (Rows{{"5\" screen", "ok"}}));
}

TEST(CsvTest, TextAfterAClosingQuoteAndAnOpenQuoteAtTheEndAreErrors) {
  std::vector<std::string> errors;
  EXPECT_EQ(SplitCsv({"\"a\"b,c", "d,e", "\"open"}, &errors), (Rows{{"d", "e"}}));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "CSV line 1, column 4: text after a closing quote (a quote in a quoted "
                       "cell is written twice)");
  EXPECT_EQ(errors[1], "CSV record from line 3 ends inside a quoted cell");
}

TEST(CsvTest, ColumnsAreFieldsByNameOrByMapAndTheRestAreKeptOrRefused) {
  ConvertOptions o;
  CsvColumns c;
  ASSERT_TRUE(MapCsvColumns({" Title ", "SOURCE", "Outlet", "Words", "section"}, o, &c).ok());
  EXPECT_EQ(c.fields, (std::vector<std::string>{"title", "source", "", "", ""}));
  o.csv_map = {{"Outlet", "source"}, {"SOURCE", "-"}, {"words", "-"}};
  ASSERT_TRUE(MapCsvColumns({" Title ", "SOURCE", "Outlet", "Words", "section"}, o, &c).ok());
  EXPECT_EQ(c.fields, (std::vector<std::string>{"title", "-", "source", "-", ""}));
  o.unknown = ConvertOptions::Unknown::kRefuse;
  EXPECT_EQ(MapCsvColumns({" Title ", "SOURCE", "Outlet", "Words", "section"}, o, &c).message(),
            "field 'section' is not in the schema (--keep-unknown keeps them in attributes), "
            "or --map COLUMN=FIELD names their field");
  o = ConvertOptions();
  EXPECT_EQ(MapCsvColumns({"title", "headline"}, o, &c).ok(), true);
  o.csv_map = {{"headline", "title"}};
  EXPECT_EQ(MapCsvColumns({"title", "headline"}, o, &c).message(),
            "columns 'title' and 'headline' both fill field 'title' (--map one of them to "
            "another field, or to -)");
  o.csv_map = {{"Outlet", "source"}};
  EXPECT_EQ(MapCsvColumns({"title"}, o, &c).message(),
            "--map Outlet=source: the header has no column 'Outlet'");
}

TEST(CsvTest, RecordsFillDatesListsAndAttributesAndNameTheColumnOfABadCell) {
  ConvertOptions o;
  ASSERT_TRUE(cctz::load_time_zone("Europe/Paris", &o.assume_tz));
  CsvColumns c;
  ASSERT_TRUE(MapCsvColumns({"source", "published_at", "authors", "entities", "topics", "desk"},
                            o, &c).ok());
  Article a;
  ASSERT_TRUE(ConvertCsvRecord(c, {"Le Monde", "2024-05-09 16:05:00", "A. B; C D;", "Erevan",
                                   "", "World"}, o, &a).ok());
  EXPECT_EQ(a.source(), "Le Monde");
  EXPECT_EQ(a.published_at().seconds(), 1715263500);  // 14:05 UTC
  EXPECT_EQ(std::vector<std::string>(a.authors().begin(), a.authors().end()),
            (std::vector<std::string>{"A. B", "C D"}));
  ASSERT_EQ(a.entities_size(), 1);
  EXPECT_EQ(a.entities(0).name(), "Erevan");
  EXPECT_EQ(a.topics_size(), 0);
  EXPECT_EQ(a.attributes().at("desk"), "World");
  EXPECT_EQ(ConvertCsvRecord(c, {"S", "last tuesday", "", "", "", ""}, o, &a).message(),
            "column 'published_at' (published_at): 'last tuesday' is not a date (RFC 3339, "
            "2024-05-09 14:05:00, RFC 822 or epoch seconds)");
  EXPECT_EQ(ConvertCsvRecord(c, {"S", ""}, o, &a).message(),
            "the record has 2 cells, the header 6");
}

TEST(CsvTest, AHeaderNamingAFieldIsFoundAsCsv) {
  EXPECT_EQ(DetectFormat("id,source,title"), InputFormat::kCsv);
  EXPECT_EQ(DetectFormat("\"Title\",Outlet"), InputFormat::kCsv);
  EXPECT_EQ(DetectFormat("Headline,Outlet"), InputFormat::kAuto);  // --map makes it CSV
  EXPECT_EQ(DetectFormat("[{\"source\":\"S\"}]"), InputFormat::kAuto);
}

}  // namespace
}  // namespace articledb::cli
