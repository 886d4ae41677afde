#include <gtest/gtest.h>
#include <vector>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <google/protobuf/util/message_differencer.h>

#include "articledb/article.h"
#include "articledb/query.h"
#include "string_fields.h"
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

TEST(ArticleJsonTest, TypeErrorsSayWhatTheFieldMustBeAndTheColumnOfItsKey) {
  auto message = [](std::string_view json) {
    Article a;
    const Status s = ParseArticleJson(json, &a);
    return s.ok() ? std::string("accepted") : s.message();
  };
  EXPECT_EQ(message(R"({"source":"S","title":5})"),
            "field 'title': must be a string, not 5 (column 15)");
  EXPECT_EQ(message(R"({"source":"S", "published_at":"yesterday"})"),
            "field 'published_at': must be an RFC 3339 time such as \"2024-05-01T12:00:00Z\", "
            "not 'yesterday' (column 16)");
  EXPECT_EQ(message(R"({"source":"S","published_at":12})"),
            "field 'published_at': must be an RFC 3339 time such as \"2024-05-01T12:00:00Z\", "
            "not 12 (column 15)");
  EXPECT_EQ(message(R"({"source":["S"]})"), "field 'source': must be one value, not a list (column 2)");
  // Nested fields: the column of their top-level key; columns count characters.
  EXPECT_EQ(message(R"({"title":"Érevan","entities":[{"name":"x","kind":"FOO"}]})"),
            "field 'entities[0].kind': must be an entity kind (PERSON, ORGANIZATION, LOCATION, "
            "EVENT, OTHER, or a spaCy or CoNLL label such as GPE), not \"FOO\" (column 19)");
  // A key's name inside a string value is not the key.
  EXPECT_EQ(message(R"({"body":"\"title\": no","source":"S","title":[1]})"),
            "field 'title': must be one value, not a list (column 38)");
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

TEST(ArticleJsonTest, EntityKindsIgnoreCaseAndTaggerLabelsMapToKinds) {
  const std::vector<std::pair<std::string, Entity::Kind>> cases = {
      {"person", Entity::PERSON},     {"Person", Entity::PERSON},   {"PER", Entity::PERSON},
      {"per", Entity::PERSON},        {"ORG", Entity::ORGANIZATION}, {"org", Entity::ORGANIZATION},
      {"organization", Entity::ORGANIZATION}, {"GPE", Entity::LOCATION}, {"gpe", Entity::LOCATION},
      {"LOC", Entity::LOCATION},      {"location", Entity::LOCATION}, {"EVENT", Entity::EVENT},
      {"event", Entity::EVENT},       {"NORP", Entity::OTHER},      {"MISC", Entity::OTHER},
      {"FAC", Entity::OTHER},         {"WORK_OF_ART", Entity::OTHER}, {"cardinal", Entity::OTHER},
      {"other", Entity::OTHER}};
  for (const auto& [label, kind] : cases) {
    Article a;
    const std::string json =
        R"({"id":"x","source":"S","entities":[{"name":"n","kind":")" + label + R"("}]})";
    ASSERT_TRUE(ParseArticleJson(json, &a).ok()) << label;
    ASSERT_EQ(a.entities_size(), 1);
    EXPECT_EQ(a.entities(0).kind(), kind) << label;
    // Output always names the kind, never the tagger's label.
    std::string out;
    ASSERT_TRUE(ArticleToJson(a, &out).ok());
    EXPECT_NE(out.find("\"kind\":\"" + Entity::Kind_Name(kind) + "\""), std::string::npos) << out;
  }
}

TEST(ArticleJsonTest, TaggerLabelIsKeptBesideTheKindItMapsTo) {
  const std::vector<std::tuple<std::string, Entity::Kind, std::string>> cases = {
      {"GPE", Entity::LOCATION, "GPE"},       {"gpe", Entity::LOCATION, "GPE"},
      {"PER", Entity::PERSON, "PER"},         {"org", Entity::ORGANIZATION, "ORG"},
      {"work-of-art", Entity::OTHER, "WORK_OF_ART"}, {"NORP", Entity::OTHER, "NORP"},
      {"person", Entity::PERSON, ""},         {"LOCATION", Entity::LOCATION, ""},
      {"Other", Entity::OTHER, ""}};
  for (const auto& [given, kind, label] : cases) {
    Article a;
    const std::string json =
        R"({"id":"x","source":"S","entities":[{"name":"n","kind":")" + given + R"("}]})";
    ASSERT_TRUE(ParseArticleJson(json, &a).ok()) << given;
    EXPECT_EQ(a.entities(0).kind(), kind) << given;
    EXPECT_EQ(a.entities(0).label(), label) << given;
    // The JSON form carries it, and reads back to the same record.
    std::string out;
    ASSERT_TRUE(ArticleToJson(a, &out).ok());
    EXPECT_EQ(out.find("\"label\"") != std::string::npos, !label.empty()) << out;
    Article back;
    ASSERT_TRUE(ParseArticleJson(out, &back).ok()) << out;
    EXPECT_EQ(back.SerializeAsString(), a.SerializeAsString()) << out;
  }
}

TEST(ArticleJsonTest, AGivenLabelWinsAndProtobufsPathKeepsLabelsToo) {
  Article a;
  ASSERT_TRUE(ParseArticleJson(
      R"({"source":"S","entities":[{"name":"n","kind":"GPE","label":"B-LOC"},)"
      R"({"label":"custom","name":"m"}]})", &a).ok());
  EXPECT_EQ(a.entities(0).label(), "B-LOC");
  EXPECT_EQ(a.entities(1).label(), "custom");
  EXPECT_EQ(a.entities(1).kind(), Entity::KIND_UNSPECIFIED);
  // A kind given as a number is not the fast path's: protobuf's parser reads the line.
  ASSERT_TRUE(ParseArticleJson(
      R"({"source":"S","entities":[{"name":"a","kind":3},{"name":"b","kind":"gpe"}]})", &a)
                  .ok());
  EXPECT_EQ(a.entities(0).kind(), Entity::LOCATION);
  EXPECT_EQ(a.entities(0).label(), "");
  EXPECT_EQ(a.entities(1).kind(), Entity::LOCATION);
  EXPECT_EQ(a.entities(1).label(), "GPE");
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

// Every string of the schema, found by reflection (tests/string_fields.h), so a field
// added later is checked without editing this test.
TEST(ValidateTest, InvalidUtf8InEveryStringFoundByReflectionIsRejectedNamingIt) {
  const auto slots = testing::ArticleStringSlots();
  std::set<std::string> paths;
  for (const auto& slot : slots) paths.insert(slot.path);
  // The walk finds what the schema holds today (top-level, repeated, nested, map).
  for (const char* known : {"id", "url", "source", "language", "title", "summary", "body",
                            "authors[0]", "topics[0]", "entities[0].name", "attributes",
                            "attributes.k"}) {
    EXPECT_EQ(paths.count(known), 1u) << known;
  }
  const Article base = testing::ArticleWithEveryString("id1");
  ASSERT_TRUE(ValidateArticle(base, Limits()).ok()) << ValidateArticle(base, Limits()).ToString();
  for (const auto& slot : slots) {
    for (const std::string bad : {"ok\xed\xa0\x80", "\xff", "ok\xc3"}) {
      Article a = base;
      slot.set(&a, bad);
      ASSERT_FALSE(MessageDifferencer::Equals(a, base)) << slot.path;
      Status s = ValidateArticle(a, Limits());
      ASSERT_TRUE(s.IsInvalidArgument()) << slot.path << ": " << s.ToString();
      EXPECT_NE(s.message().find("field '" + slot.path + "'"), std::string::npos)
          << slot.path << ": " << s.message();
      EXPECT_NE(s.message().find("invalid UTF-8"), std::string::npos) << s.message();
    }
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

TEST(ValidateTest, OverlongEntityLabelIsRejectedNamingIt) {
  Article a = testing::MakeArticle("r/1", "Reuters", 0);
  Entity* e = a.add_entities();
  e->set_name("Paris");
  e->set_label(std::string(1025, 'L'));
  Status s = ValidateArticle(a, Limits());
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("field 'entities[0].label': too long (1025 bytes"),
            std::string::npos) << s.message();
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

// An article without url, id or NUL: the base the derived-id tests vary.
Article HashInputs() {
  Article a;
  a.set_source("Le Monde");
  a.set_title("Arménie : le sommet");
  a.mutable_published_at()->set_seconds(1715675400);
  a.mutable_published_at()->set_nanos(125000000);
  a.set_body("Corps de l'article");
  return a;
}

TEST(DeriveIdTest, EachContentInputAloneChangesTheId) {
  const Article base = HashInputs();
  std::vector<std::pair<const char*, Article>> variants;
  auto vary = [&](const char* what, const std::function<void(Article*)>& change) {
    Article a = base;
    change(&a);
    variants.emplace_back(what, a);
  };
  vary("source", [](Article* a) { a->set_source("Le Monde."); });
  vary("title", [](Article* a) { a->set_title("Arménie : le sommet."); });
  vary("seconds", [](Article* a) { a->mutable_published_at()->set_seconds(1715675401); });
  vary("nanos", [](Article* a) { a->mutable_published_at()->set_nanos(125000001); });
  vary("body", [](Article* a) { a->set_body("Corps de l'article."); });
  vary("undated", [](Article* a) { a->clear_published_at(); });
  vary("dated at the epoch", [](Article* a) { a->mutable_published_at()->Clear(); });
  const std::string base_id = DeriveArticleId(base);
  EXPECT_EQ(base_id.rfind("hash:", 0), 0u) << base_id;
  std::map<std::string, std::string> seen = {{base_id, "the base article"}};
  for (const auto& [what, a] : variants) {
    const std::string id = DeriveArticleId(a);
    auto [it, fresh] = seen.emplace(id, what);
    EXPECT_TRUE(fresh) << what << " gives the id of " << it->second << ": " << id;
  }
  // Fields outside the hash do not change it.
  Article other = base;
  other.set_language("fr");
  other.set_summary("Résumé");
  other.add_authors("A. Auteur");
  other.add_entities()->set_name("Arménie");
  EXPECT_EQ(DeriveArticleId(other), base_id);
}

TEST(DeriveIdTest, NulInsideNamesCannotMakeTwoArticlesShareAnId) {
  using namespace std::string_literals;
  struct Pair {
    const char* what;
    Article a, b;
  };
  std::vector<Pair> pairs;
  {
    Pair p{"NUL moved from the end of source to the start of title", HashInputs(), HashInputs()};
    p.a.set_source("a\0"s);
    p.a.set_title("b");
    p.b.set_source("a");
    p.b.set_title("\0b"s);
    pairs.push_back(p);
  }
  {
    Pair p{"a date written into an undated title", HashInputs(), HashInputs()};
    p.a.set_title("t\0" "1715675400.125000000"s);  // undated, body "B"
    p.a.clear_published_at();
    p.a.set_body("B");
    p.b.set_title("t");  // dated 1715675400.125000000, body NUL "B"
    p.b.set_body("\0B"s);
    pairs.push_back(p);
  }
  {
    Pair p{"a title moved into a source ending with NUL", HashInputs(), HashInputs()};
    p.a.set_source("Le Monde\0Arménie"s);
    p.a.set_title("");
    p.b.set_source("Le Monde");
    p.b.set_title("Arménie\0"s);
    pairs.push_back(p);
  }
  for (const Pair& p : pairs) {
    ASSERT_FALSE(MessageDifferencer::Equals(p.a, p.b)) << p.what;
    EXPECT_NE(DeriveArticleId(p.a), DeriveArticleId(p.b)) << p.what;
  }
}

// Ids already stored must stay what they are: re-importing an article without id has to
// update it, not add a copy. These were computed by the code as it was when the rule
// for NUL inside names was added; articles without NUL in source and title keep them.
TEST(DeriveIdTest, IdsOfArticlesWithoutNulInNamesNeverChange) {
  using namespace std::string_literals;
  Article dated = HashInputs();
  Article undated = HashInputs();
  undated.clear_published_at();
  Article before_1970 = HashInputs();
  before_1970.mutable_published_at()->set_seconds(-86400 * 365);
  before_1970.mutable_published_at()->set_nanos(0);
  Article nul_in_body = HashInputs();
  nul_in_body.set_body("binary\0body\0"s);
  Article empty;
  Article with_url = HashInputs();
  with_url.set_url("https://example.org/a?b=c");
  EXPECT_EQ(DeriveArticleId(dated), "hash:633150c157b11b1f203f365fcb7250be");
  EXPECT_EQ(DeriveArticleId(undated), "hash:70242088b15ea5d4ebd639b10e429ef0");
  EXPECT_EQ(DeriveArticleId(before_1970), "hash:bc3c01b71fa1b360bd85fe1ad9c1d950");
  EXPECT_EQ(DeriveArticleId(nul_in_body), "hash:5bfc50ba022a0b4df9bc936f82a11892");
  EXPECT_EQ(DeriveArticleId(empty), "hash:f21da334f2869f1beb5d658bb22f286b");
  EXPECT_EQ(DeriveArticleId(with_url), "url:b81b305c499749fc4934c6398c64ce83");
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

TEST(TimeArgumentTest, YearsAndMonthsStandForTheirFirstInstant) {
  int64_t t = 0;
  ASSERT_TRUE(ParseTimeArgument("2024", &t).ok());
  EXPECT_EQ(FormatTime(t), "2024-01-01T00:00:00Z");
  ASSERT_TRUE(ParseTimeArgument("2024-05", &t).ok());
  EXPECT_EQ(t, 1714521600000000);
  ASSERT_TRUE(ParseTimeArgument("2024-12", &t).ok());
  EXPECT_EQ(FormatTime(t), "2024-12-01T00:00:00Z");
}

TEST(TimeArgumentTest, EpochSecondsAndRelativeFormsCountFromNow) {
  int64_t t = 0;
  ASSERT_TRUE(ParseTimeArgument("@1714550400", &t).ok());
  EXPECT_EQ(t, 1714550400000000);
  ASSERT_TRUE(ParseTimeArgument("@-1", &t).ok());
  EXPECT_EQ(t, -1000000);
  const int64_t now = 1714550400123456;
  ASSERT_TRUE(ParseTimeArgument("now", now, &t).ok());
  EXPECT_EQ(t, now);
  ASSERT_TRUE(ParseTimeArgument("7d", now, &t).ok());
  EXPECT_EQ(t, now - 7 * 86400000000LL);
  ASSERT_TRUE(ParseTimeArgument("12h", now, &t).ok());
  EXPECT_EQ(t, now - 12 * 3600000000LL);
  ASSERT_TRUE(ParseTimeArgument("2w", now, &t).ok());
  EXPECT_EQ(t, now - 14 * 86400000000LL);
  // Without an explicit now, the system clock: "1h" is within a minute of an hour ago.
  const int64_t clock = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  ASSERT_TRUE(ParseTimeArgument("1h", &t).ok());
  EXPECT_LT(std::llabs(t - (clock - 3600000000LL)), 60000000LL);
}

TEST(TimeArgumentTest, RejectsMalformedTimes) {
  int64_t t = 0;
  for (const char* bad : {"", "202", "2024-13-01", "2024-13", "2024-00", "0000", "2024-5",
                          "@", "@12x", "@-", "7", "d", "7y", "-7d", "now ", "Now", "2024-02-30",
                          "2024-05-01T25:00:00Z",
                          "2024-05-01T10:00:00", "yesterday", "2024-05-01T10:00:00+2",
                          "2024-05-01T24:00:00Z", "2024-05-01T23:60:00Z", "2024-05-01T23:59:61Z",
                          "2024-05-01T10:00:00+24:00", "2024-05-01T10:00:00+02:60"}) {
    EXPECT_TRUE(ParseTimeArgument(bad, &t).IsInvalidArgument()) << bad;
  }
}

}  // namespace
}  // namespace articledb
