// The fast JSON path (simdjson, src/article_json.cc) against protobuf's JSON parser: on
// every input the fast path accepts, both give the same record; inputs outside its forms
// are left to protobuf.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "article_json.h"
#include "articledb/article.h"
#include "test_util.h"

namespace articledb {
namespace {

// The record's bytes with the attributes map in key order, for comparing two records.
std::string SerializeDeterministic(const Article& a) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    a.SerializeToCodedStream(&coded);
  }
  return out;
}

// Protobuf's parse with the options ParseArticleJson uses, as deterministic bytes; false
// when protobuf refuses the input.
bool ProtobufParse(const std::string& json, std::string* bytes) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  options.case_insensitive_enum_parsing = true;
  Article a;
  if (!google::protobuf::util::JsonStringToMessage(json, &a, options).ok()) return false;
  internal::KeepKindLabels(json, &a);  // as ParseArticleJson does after protobuf's parse
  *bytes = SerializeDeterministic(a);
  return true;
}

std::string Fast(const std::string& json, bool* taken) {
  Article a;
  *taken = internal::FastParseArticleJson(json, &a);
  return *taken ? SerializeDeterministic(a) : std::string();
}

TEST(ArticleJsonTest, FastPathParsesEveryReutersLineExactlyAsProtobufDoes) {
  const std::string path = testing::ReutersPath();
  if (path.empty()) GTEST_SKIP() << "corpus not found at " << ARTICLEDB_CORPORA_DIR << "; skipped";
  uint64_t lines = 0, left = 0, differ = 0;
  ASSERT_TRUE(testing::ForEachZstdLine(path, [&](const std::string& line) {
    ++lines;
    bool taken = false;
    const std::string fast = Fast(line, &taken);
    std::string slow;
    if (!taken) {
      if (++left <= 3) ADD_FAILURE() << "line " << lines << " left to protobuf: " << line;
      return;
    }
    if (!ProtobufParse(line, &slow) || fast != slow) {
      if (++differ <= 3) ADD_FAILURE() << "line " << lines << " read differently: " << line;
    }
  }));
  EXPECT_EQ(lines, 21578u);
  EXPECT_EQ(left, 0u);
  EXPECT_EQ(differ, 0u);
}

// Inputs the fast path must take, each with what protobuf makes of it.
TEST(ArticleJsonTest, FastPathTakesNullsBothFieldNamesDatesKindsAndMapsAsProtobufReadsThem) {
  const std::vector<std::string> inputs = {
      R"({})",
      R"({"source":"Le Monde","title":null,"authors":null,"entities":null,"attributes":null})",
      R"({"source":"s","published_at":null,"updatedAt":null})",
      R"({"source":"s","publishedAt":"2024-05-09T14:05:00Z","updated_at":"2024-05-09T14:05:00.5Z"})",
      R"({"source":"s","published_at":"2024-02-29T23:59:59.123456789+05:30"})",
      R"({"source":"s","published_at":"2023-12-31T23:30:00-01:45"})",
      R"({"source":"s","published_at":"0001-01-01T00:00:00Z"})",
      R"({"source":"s","published_at":"9999-12-31T23:59:59.999999999Z"})",
      R"({"source":"s","published_at":"1969-07-20T20:17:40.000001Z"})",
      R"({"source":"s","entities":[{"name":"Nikol Pachinian","kind":"PERSON"},{"name":"x"},{}]})",
      R"({"source":"s","entities":[{"name":"a","kind":"person"},{"name":"b","kind":"Gpe"},)"
      R"({"name":"c","kind":"work-of-art"},{"name":"d","kind":"KIND_UNSPECIFIED"},)"
      R"({"kind":null,"name":null}]})",
      R"({"source":"s","authors":["A","B"],"topics":[],"attributes":{"k":"v","":"","z":"\u0000"}})",
      R"({"id":"r/1","url":"u","source":"s","language":"fr","title":"\"t\"\\\n\t\u00e9\ud83d\ude00",)"
      R"("summary":"","body":"b"})",
      " \n{ \"source\" : \"s\" } \n",
  };
  for (const std::string& in : inputs) {
    bool taken = false;
    const std::string fast = Fast(in, &taken);
    std::string slow;
    EXPECT_TRUE(taken) << in;
    ASSERT_TRUE(ProtobufParse(in, &slow)) << in;
    EXPECT_EQ(fast, slow) << in;
  }
}

// Inputs outside the fast path's forms: left to protobuf (which accepts some of them, and
// words the refusal of the others), never read differently.
TEST(ArticleJsonTest, FastPathLeavesOtherFormsAndErrorsToProtobuf) {
  const std::vector<std::string> inputs = {
      R"([])",
      R"("text")",
      R"({"source":"s","extra":1})",
      R"({"source":"s","source":"t"})",
      R"({"published_at":"2024-05-09T14:05:00Z","publishedAt":"2024-05-09T14:05:00Z"})",
      R"({"source":1})",
      R"({"source":"s","authors":"A"})",
      R"({"source":"s","authors":[null]})",
      R"({"source":"s","published_at":"2024-05-09 14:05:00"})",
      R"({"source":"s","published_at":"2024-05-09t14:05:00z"})",
      R"({"source":"s","published_at":"2024-02-30T00:00:00Z"})",
      R"({"source":"s","published_at":"2024-05-09T14:05:60Z"})",
      R"({"source":"s","published_at":"2024-05-09T14:05:00.Z"})",
      R"({"source":"s","published_at":"2024-05-09T14:05:00.1234567891Z"})",
      R"({"source":"s","published_at":"2024-05-09T14:05:00+0530"})",
      R"({"source":"s","published_at":1715263500})",
      R"({"source":"s","entities":[{"name":"a","kind":3}]})",
      R"({"source":"s","entities":[{"name":"a","kind":"3"}]})",
      R"({"source":"s","entities":[{"name":"a","kind":"nobody"}]})",
      R"({"source":"s","entities":[{"name":"a","salience":0.5}]})",
      R"({"source":"s","entities":[{"name":"a","name":"b"}]})",
      R"({"source":"s","attributes":{"k":"a","k":"b"}})",
      R"({"source":"s","attributes":{"k":1}})",
      R"({'source':'s'})",
      R"({"source":"s",})",
      R"({"source":"s"} {})",
      R"({"source":"s")",
      "",
  };
  for (const std::string& in : inputs) {
    bool taken = true;
    Fast(in, &taken);
    EXPECT_FALSE(taken) << in;
  }
}

// What ParseArticleJson answers does not depend on which parser read the input.
TEST(ArticleJsonTest, ParseArticleJsonKeepsProtobufsMessagesForInputsTheFastPathLeaves) {
  Article a;
  Status s = ParseArticleJson(R"({"source":"s","content":"x"})", &a);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("content"), std::string::npos) << s.message();
  s = ParseArticleJson(R"({"source":"s","published_at":"2024-05-09 14:05:00"})", &a);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("2024-05-09 14:05:00"), std::string::npos) << s.message();
  s = ParseArticleJson(R"({"source":"s","authors":"A"})", &a);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("authors"), std::string::npos) << s.message();
  EXPECT_EQ(a.ByteSizeLong(), 0u);
}

}  // namespace
}  // namespace articledb
