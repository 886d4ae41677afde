#include <gtest/gtest.h>
#include <vector>
#include <algorithm>
#include <google/protobuf/util/message_differencer.h>

#include "articledb/article.h"
#include "articledb/query.h"
#include "test_util.h"

namespace articledb {
namespace {

using google::protobuf::util::MessageDifferencer;

const char* kFullJson =
    R"({"id":"lm/2024/1","url":"https://example.org/a","source":"Le Monde","language":"fr",)"
    R"("published_at":"2024-05-14T08:30:00.125Z","updated_at":"2024-05-14T09:00:00Z",)"
    R"("title":"Arménie","summary":"Résumé","body":"Corps de l'article",)"
    R"("authors":["A. Auteur","B. Autrice"],"topics":["politique","caucase"],)"
    R"("entities":[{"name":"Nikol Pachinian","kind":"PERSON"},{"name":"Arménie","kind":"LOCATION"},)"
    R"({"name":"ONU","kind":"ORGANIZATION"},{"name":"Sommet","kind":"EVENT"},{"name":"x","kind":"OTHER"}],)"
    R"("attributes":{"section":"international","words":"812"}})";

TEST(ArticleJsonTest, EveryFieldRoundTripsThroughJson) {
  Article a;
  ASSERT_TRUE(ParseArticleJson(kFullJson, &a).ok());
  EXPECT_EQ(a.id(), "lm/2024/1");
  EXPECT_EQ(a.url(), "https://example.org/a");
  EXPECT_EQ(a.source(), "Le Monde");
  EXPECT_EQ(a.language(), "fr");
  EXPECT_EQ(a.published_at().seconds(), 1715675400);
  EXPECT_EQ(a.published_at().nanos(), 125000000);
  EXPECT_EQ(a.updated_at().seconds(), 1715677200);
  EXPECT_EQ(a.title(), "Arménie");
  EXPECT_EQ(a.summary(), "Résumé");
  EXPECT_EQ(a.body(), "Corps de l'article");
  ASSERT_EQ(a.authors_size(), 2);
  EXPECT_EQ(a.authors(1), "B. Autrice");
  ASSERT_EQ(a.topics_size(), 2);
  ASSERT_EQ(a.entities_size(), 5);
  EXPECT_EQ(a.entities(0).kind(), Entity::PERSON);
  EXPECT_EQ(a.entities(3).kind(), Entity::EVENT);
  EXPECT_EQ(a.entities(4).kind(), Entity::OTHER);
  EXPECT_EQ(a.attributes().at("words"), "812");
  std::string json;
  ASSERT_TRUE(ArticleToJson(a, &json).ok());
  EXPECT_EQ(json.find('\n'), std::string::npos);
  Article back;
  ASSERT_TRUE(ParseArticleJson(json, &back).ok()) << json;
  EXPECT_TRUE(MessageDifferencer::Equals(a, back)) << json;
}

TEST(ArticleJsonTest, AbsentFieldsStayAbsentInOutput) {
  Article a;
  ASSERT_TRUE(ParseArticleJson(R"({"id":"x","source":"S"})", &a).ok());
  std::string json;
  ASSERT_TRUE(ArticleToJson(a, &json).ok());
  EXPECT_EQ(json, R"({"id":"x","source":"S"})");
}

TEST(ArticleJsonTest, AttributesPrintSortedByKeySoOutputIsDeterministic) {
  std::vector<std::string> keys;
  for (int i = 0; i < 40; ++i) keys.push_back("k" + std::to_string((i * 17) % 40));
  Article forward, backward;
  forward.set_id("x");
  backward.set_id("x");
  for (const auto& k : keys) (*forward.mutable_attributes())[k] = "v" + k;
  for (auto k = keys.rbegin(); k != keys.rend(); ++k) (*backward.mutable_attributes())[*k] = "v" + *k;
  std::string a, b;
  ASSERT_TRUE(ArticleToJson(forward, &a).ok());
  ASSERT_TRUE(ArticleToJson(backward, &b).ok());
  EXPECT_EQ(a, b);
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  size_t at = 0;
  for (const auto& k : sorted) {
    const size_t found = a.find("\"" + k + "\":");
    ASSERT_NE(found, std::string::npos) << k;
    EXPECT_GT(found, at) << k << " out of order in " << a;
    at = found;
  }
}

TEST(ArticleJsonTest, MalformedJsonIsRejected) {
  Article a;
  EXPECT_TRUE(ParseArticleJson(R"({"id": "x", )", &a).IsInvalidArgument());
  EXPECT_TRUE(ParseArticleJson("", &a).IsInvalidArgument());
  EXPECT_TRUE(ParseArticleJson("[1,2]", &a).IsInvalidArgument());
}

TEST(ArticleJsonTest, WrongTypeIsRejectedNamingTheField) {
  Article a;
  Status s = ParseArticleJson(R"({"id":"x","source":"S","title":42})", &a);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("title"), std::string::npos) << s.message();
  s = ParseArticleJson(R"({"id":"x","source":"S","authors":"one"})", &a);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("'authors': must be a JSON array"), std::string::npos) << s.message();
  s = ParseArticleJson(R"({"id":"x","source":"S","title":"a:b","topics" : "t"})", &a);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("'topics'"), std::string::npos) << s.message();
  // Arrays, nested keys with list names and empty lists are fine.
  EXPECT_TRUE(ParseArticleJson(
                  R"({"id":"x","source":"S","authors":["a"],"attributes":{"topics":"t"},)"
                  R"("entities":[{"name":"N","kind":"PERSON"}],"topics":[]})",
                  &a)
                  .ok());
  EXPECT_EQ(a.authors_size(), 1);
}

TEST(ArticleJsonTest, UnknownFieldIsRejectedRatherThanDropped) {
  Article a;
  Status s = ParseArticleJson(R"({"id":"x","source":"S","sentiment":"good"})", &a);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("sentiment"), std::string::npos) << s.message();
}

TEST(ArticleJsonTest, UnknownEntityKindIsRejected) {
  Article a;
  Status s = ParseArticleJson(
      R"({"id":"x","source":"S","entities":[{"name":"n","kind":"ANIMAL"}]})", &a);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("ANIMAL"), std::string::npos) << s.message();
}

TEST(ArticleJsonTest, UnparseableDateIsRejectedNamingTheField) {
  Article a;
  Status s = ParseArticleJson(R"({"id":"x","source":"S","published_at":"31-MAR-1987"})", &a);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("published_at"), std::string::npos) << s.message();
}

TEST(ArticleJsonTest, InvalidUtf8IsRejectedNamingTheField) {
  Article a;
  Status s = ParseArticleJson("{\"id\":\"x\",\"source\":\"S\",\"body\":\"ab\xff\"}", &a);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("'body'"), std::string::npos) << s.message();
  s = ParseArticleJson(
      "{\"id\":\"x\",\"source\":\"S\",\"entities\":[{\"name\":\"ok\"},{\"name\":\"\xc3\"}]}", &a);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("entities[1].name"), std::string::npos) << s.message();
}

TEST(ValidateTest, MissingSourceIsRejectedNamingTheArticleAndField) {
  Article a = testing::MakeArticle("r/1", "", 0);
  Status s = ValidateArticle(a, Limits());
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("'r/1'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("'source'"), std::string::npos) << s.message();
  a.set_source("  \t ");
  EXPECT_TRUE(ValidateArticle(a, Limits()).IsInvalidArgument());
}

TEST(ValidateTest, InvalidUtf8InAnyStringFieldIsRejectedNamingIt) {
  const std::string bad = "ok\xed\xa0\x80";  // a surrogate
  struct Case {
    const char* field;
    std::function<void(Article*)> set;
  } cases[] = {
      {"'title'", [&](Article* a) { a->set_title(bad); }},
      {"'body'", [&](Article* a) { a->set_body(bad); }},
      {"'authors[1]'", [&](Article* a) { a->add_authors("x"); a->add_authors(bad); }},
      {"'entities[0].name'", [&](Article* a) { a->add_entities()->set_name(bad); }},
      {"'attributes.k'", [&](Article* a) { (*a->mutable_attributes())["k"] = bad; }},
      {"'source'", [&](Article* a) { a->set_source(bad); }},
  };
  for (const Case& c : cases) {
    Article a = testing::MakeArticle("id1", "S", 0);
    c.set(&a);
    Status s = ValidateArticle(a, Limits());
    ASSERT_TRUE(s.IsInvalidArgument()) << c.field;
    EXPECT_NE(s.message().find(c.field), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("UTF-8"), std::string::npos) << s.message();
  }
}

TEST(ValidateTest, OversizeRecordIsRejectedWithSizeAndLimit) {
  Limits limits;
  limits.max_record_bytes = 1000;
  Article a = testing::MakeArticle("big", "S", 0, {}, std::string(2000, 'x'));
  Status s = ValidateArticle(a, limits);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("too large"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("1000"), std::string::npos) << s.message();
}

TEST(ValidateTest, NamesAndIdsOverTheirLimitsAreRejected) {
  Limits limits;
  limits.max_name_bytes = 10;
  limits.max_id_bytes = 5;
  Article a = testing::MakeArticle("id", "S", 0, {"a name longer than ten"});
  EXPECT_NE(ValidateArticle(a, limits).message().find("entities[0].name"), std::string::npos);
  a = testing::MakeArticle("toolong", "S", 0);
  EXPECT_NE(ValidateArticle(a, limits).message().find("'id'"), std::string::npos);
}

TEST(ValidateTest, ValuesAtTheirLimitsPassAndOneMoreIsRejected) {
  Limits limits;
  limits.max_name_bytes = 10;
  limits.max_id_bytes = 5;
  limits.max_entities = 2;
  const Article at_limits = testing::MakeArticle("12345", std::string(10, 's'), 0,
                                                 {std::string(10, 'e'), "f"});
  EXPECT_TRUE(ValidateArticle(at_limits, limits).ok())
      << ValidateArticle(at_limits, limits).message();
  struct Case {
    const char* field;
    std::function<void(Article*)> set;
  } cases[] = {
      {"'id'", [](Article* a) { a->set_id("123456"); }},
      {"'source'", [](Article* a) { a->set_source(std::string(11, 's')); }},
      {"'entities[1].name'", [](Article* a) { a->mutable_entities(1)->set_name(std::string(11, 'f')); }},
      {"'entities'", [](Article* a) { a->add_entities()->set_name("g"); }},
  };
  for (const Case& c : cases) {
    Article a = at_limits;
    c.set(&a);
    Status s = ValidateArticle(a, limits);
    ASSERT_TRUE(s.IsInvalidArgument()) << c.field;
    EXPECT_NE(s.message().find(c.field), std::string::npos) << s.message();
  }
  // The record size limit: a record of exactly the limit passes, one byte smaller a limit fails.
  limits = Limits();
  limits.max_record_bytes = at_limits.ByteSizeLong();
  EXPECT_TRUE(ValidateArticle(at_limits, limits).ok());
  limits.max_record_bytes -= 1;
  EXPECT_NE(ValidateArticle(at_limits, limits).message().find("too large"), std::string::npos);
}

TEST(ValidateTest, TimestampsOutsideTheirRangeAreRejectedNamingTheField) {
  // The documented range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
  constexpr int64_t kMinTimestampSeconds = -62135596800;
  constexpr int64_t kMaxTimestampSeconds = 253402300799;
  Article a = testing::MakeArticle("id", "S", 0);
  a.mutable_published_at()->set_seconds(kMaxTimestampSeconds);
  a.mutable_published_at()->set_nanos(999999999);
  a.mutable_updated_at()->set_seconds(kMinTimestampSeconds);
  EXPECT_TRUE(ValidateArticle(a, Limits()).ok());
  struct Case {
    const char* field;
    std::function<void(Article*)> set;
  } cases[] = {
      {"'published_at'", [](Article* x) { x->mutable_published_at()->set_nanos(-1); }},
      {"'published_at'", [](Article* x) { x->mutable_published_at()->set_nanos(1000000000); }},
      {"'published_at'", [](Article* x) { x->mutable_published_at()->set_seconds(kMaxTimestampSeconds + 1); }},
      {"'updated_at'", [](Article* x) { x->mutable_updated_at()->set_seconds(kMinTimestampSeconds - 1); }},
      {"'updated_at'", [](Article* x) { x->mutable_updated_at()->set_nanos(-1); }},
  };
  for (const Case& c : cases) {
    Article bad = a;
    c.set(&bad);
    Status s = ValidateArticle(bad, Limits());
    ASSERT_TRUE(s.IsInvalidArgument()) << c.field;
    EXPECT_NE(s.message().find(c.field), std::string::npos) << s.message();
  }
}

TEST(ValidateTest, EmptyEntityNameAndUnknownKindAreRejected) {
  Article a = testing::MakeArticle("id", "S", 0);
  a.add_entities()->set_name("");
  EXPECT_NE(ValidateArticle(a, Limits()).message().find("entities[0].name"), std::string::npos);
  a = testing::MakeArticle("id", "S", 0, {"n"});
  a.mutable_entities(0)->set_kind(static_cast<Entity::Kind>(42));
  EXPECT_NE(ValidateArticle(a, Limits()).message().find("entities[0].kind"), std::string::npos);
}

TEST(ValidateTest, ArticleWithoutDateIsValid) {
  EXPECT_TRUE(ValidateArticle(testing::MakeArticle("id", "S", std::nullopt), Limits()).ok());
}

TEST(DeriveIdTest, SameUrlGivesSameIdAndContentHashWithoutUrl) {
  Article a = testing::MakeArticle("", "S", 0);
  a.set_url("https://example.org/x");
  Article b = a;
  b.set_title("changed title");
  EXPECT_EQ(DeriveArticleId(a), DeriveArticleId(b));
  EXPECT_EQ(DeriveArticleId(a).rfind("url:", 0), 0u);
  a.clear_url();
  b.clear_url();
  EXPECT_NE(DeriveArticleId(a), DeriveArticleId(b));
  EXPECT_EQ(DeriveArticleId(a).rfind("hash:", 0), 0u);
  EXPECT_EQ(DeriveArticleId(a), DeriveArticleId(Article(a)));
}

TEST(TimeArgumentTest, ParsesDatesAndRfc3339Times) {
  int64_t t = 0;
  ASSERT_TRUE(ParseTimeArgument("2024-05-01", &t).ok());
  EXPECT_EQ(t, 1714521600000000);
  ASSERT_TRUE(ParseTimeArgument("2024-05-01T02:00:00+02:00", &t).ok());
  EXPECT_EQ(t, 1714521600000000);
  ASSERT_TRUE(ParseTimeArgument("1969-12-31T23:59:59.5Z", &t).ok());
  EXPECT_EQ(t, -500000);
  EXPECT_EQ(FormatTime(1714521600000000), "2024-05-01T00:00:00Z");
  EXPECT_EQ(FormatTime(-500000), "1969-12-31T23:59:59.500000Z");
}

TEST(TimeArgumentTest, RejectsMalformedTimes) {
  int64_t t = 0;
  for (const char* bad : {"", "2024", "2024-13-01", "2024-02-30", "2024-05-01T25:00:00Z",
                          "2024-05-01T10:00:00", "yesterday", "2024-05-01T10:00:00+2",
                          "2024-05-01T24:00:00Z", "2024-05-01T23:60:00Z", "2024-05-01T23:59:61Z",
                          "2024-05-01T10:00:00+24:00", "2024-05-01T10:00:00+02:60"}) {
    EXPECT_TRUE(ParseTimeArgument(bad, &t).IsInvalidArgument()) << bad;
  }
}

}  // namespace
}  // namespace articledb
