// Hostile input: tampered and foreign cursors, reversed ranges, absurd limits, names and
// ids at their size limits, NUL and non-BMP characters, the most entities an article may
// have. Each is answered, or refused with InvalidArgument and a message that says why;
// nothing stored before is lost. (Dumps with crafted lengths: tests/cli/dump_format_test.cc,
// CraftedHugeFrameLengthsAreRefusedBeforeAllocating and CraftedZstdBombIsBoundedByTheFrameHeader.)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "articledb/articledb.h"
#include "test_util.h"

namespace articledb {
namespace {

using testing::MakeArticle;
using testing::TempDir;

constexpr int64_t kStart = 1714521600LL * 1000000;  // 2024-05-01

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenOrDie(dir_.path());
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(db_->Put(WriteOptions(), MakeArticle("a" + std::to_string(i), "Le Monde",
                                                       kStart + i * 1000000, {"Bakou"}))
                      .ok());
    }
  }
  void ExpectUntouched() {
    uint64_t n = 0;
    ASSERT_TRUE(db_->Count(Filter(), &n).ok());
    EXPECT_EQ(n, 50u);
    EXPECT_EQ(testing::VerifyProblems(*db_), "");
  }
  Status Put(const Article& a) { return db_->Put(WriteOptions(), a); }

  TempDir dir_;
  std::unique_ptr<Archive> db_;
};

TEST_F(HostileInputTest, EveryTamperedCursorIsRefusedAsACursorError) {
  QueryOptions qo;
  qo.limit = 10;
  Page page;
  ASSERT_TRUE(db_->Query(Filter(), qo, &page).ok());
  const std::string token = page.next_cursor;
  ASSERT_FALSE(token.empty());
  std::vector<std::string> bad = {token.substr(1), token + "0", token.substr(0, token.size() - 2),
                                  std::string(token.size(), 'z'), std::string(10000, '0')};
  for (size_t i = 0; i < token.size(); ++i) {
    for (char c : {'0', 'f', 'G', '\0', '\xff'}) {
      if (token[i] == c) continue;
      std::string t = token;
      t[i] = c;
      bad.push_back(t);
    }
  }
  for (const std::string& t : bad) {
    qo.cursor = t;
    const Status s = db_->Query(Filter(), qo, &page);
    ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_NE(s.message().find("cursor"), std::string::npos) << s.ToString();
  }
  ExpectUntouched();
}

TEST_F(HostileInputTest, CursorOfAnotherQueryOrArchiveIsRefusedAndOfTheSameQueryRespelledContinues) {
  QueryOptions qo;
  qo.limit = 10;
  Page page;
  Filter by_source;
  by_source.source = "le monde";
  ASSERT_TRUE(db_->Query(by_source, qo, &page).ok());
  Filter by_entity;
  by_entity.entities = {"bakou"};
  qo.cursor = page.next_cursor;
  Status s = db_->Query(by_entity, qo, &page);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("different query"), std::string::npos) << s.ToString();
  // The same filter, spelled differently, is the same query: its cursor is accepted.
  Filter respelled;
  respelled.source = "LE MONDE ";
  EXPECT_TRUE(db_->Query(respelled, qo, &page).ok());
  EXPECT_EQ(page.articles.size(), 10u);
  // A cursor is checked with its archive's key: in another archive the same query
  // refuses it.
  TempDir other;
  auto db2 = testing::OpenOrDie(other.path());
  ASSERT_TRUE(db2->Put(WriteOptions(), MakeArticle("z", "Le Monde", kStart - 1)).ok());
  s = db2->Query(respelled, qo, &page);
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("another archive"), std::string::npos) << s.ToString();
}

TEST_F(HostileInputTest, ReversedRangesAndAbsurdLimitsAreRefusedNamingTheProblem) {
  Filter backwards;
  backwards.from_micros = kStart + 10;
  backwards.to_micros = kStart;
  Page page;
  QueryOptions qo;
  Status s = db_->Query(backwards, qo, &page);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("from"), std::string::npos) << s.ToString();
  std::vector<TimelineEntry> tl;
  EXPECT_TRUE(db_->Timeline(backwards, Bucket::kDay, &tl).IsInvalidArgument());
  for (size_t limit : {size_t{0}, size_t{10001}, SIZE_MAX}) {
    qo.limit = limit;
    s = db_->Query(Filter(), qo, &page);
    ASSERT_TRUE(s.IsInvalidArgument()) << limit;
    EXPECT_NE(s.message().find("limit"), std::string::npos) << s.ToString();
  }
  Filter extreme;
  extreme.from_micros = INT64_MIN;
  extreme.to_micros = INT64_MAX;
  qo.limit = 10000;
  ASSERT_TRUE(db_->Query(extreme, qo, &page).ok());
  EXPECT_EQ(page.articles.size(), 50u);
  ExpectUntouched();
}

TEST_F(HostileInputTest, IdsAndNamesAtTheirLimitsAreStoredAndOneByteOverIsRefused) {
  const Limits limits;
  const std::string id(limits.max_id_bytes, 'i');
  const std::string name(limits.max_name_bytes, 'n');
  Article a = MakeArticle(id, name, kStart, {name});
  ASSERT_TRUE(Put(a).ok());
  Article got;
  ASSERT_TRUE(db_->Get(id, &got).ok());
  EXPECT_EQ(got.source(), name);
  Filter f;
  f.source = name;
  f.entities = {name};
  uint64_t n = 0;
  ASSERT_TRUE(db_->Count(f, &n).ok());
  EXPECT_EQ(n, 1u);
  struct Case {
    Article article;
    std::string field;
  };
  std::vector<Case> cases = {
      {MakeArticle(id + "i", "S", kStart), "'id'"},
      {MakeArticle("x", name + "n", kStart), "'source'"},
      {MakeArticle("x", "S", kStart, {name + "n"}), "'entities[0].name'"},
  };
  for (const auto& c : cases) {
    const Status s = Put(c.article);
    ASSERT_TRUE(s.IsInvalidArgument());
    EXPECT_NE(s.message().find(c.field), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find("limit"), std::string::npos) << s.ToString();
  }
  ASSERT_TRUE(db_->Delete(WriteOptions(), id).ok());
  ExpectUntouched();
}

TEST_F(HostileInputTest, TheMostEntitiesAnArticleMayHaveAreIndexedAndOneMoreIsRefused) {
  const Limits limits;
  Article a = MakeArticle("many", "S", kStart);
  for (size_t i = 0; i < limits.max_entities; ++i) {
    auto* e = a.add_entities();
    e->set_name("entity " + std::to_string(i));
    e->set_kind(Entity::OTHER);
  }
  ASSERT_TRUE(Put(a).ok());
  Filter f;
  f.entities = {"ENTITY 9999", "entity 0"};
  uint64_t n = 0;
  ASSERT_TRUE(db_->Count(f, &n).ok());
  EXPECT_EQ(n, 1u);
  a.add_entities()->set_name("one more");
  const Status s = Put(a);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("'entities': too many"), std::string::npos) << s.ToString();
  Article got;
  ASSERT_TRUE(db_->Get("many", &got).ok());
  EXPECT_EQ(static_cast<size_t>(got.entities_size()), limits.max_entities);  // the stored one stays
}

TEST_F(HostileInputTest, NulAndNonBmpCharactersInNamesAreStoredAndMatchedExactly) {
  const std::string nul_name("Bak\0ou", 6);
  const std::string emoji = "\xF0\x9F\x93\xB0 News";  // U+1F4F0
  const std::string math = "\xF0\x9D\x90\x80lpha";     // U+1D400, folds to "alpha"
  ASSERT_TRUE(Put(MakeArticle("n1", emoji, kStart, {nul_name, math})).ok());
  Filter f;
  f.entities = {nul_name};
  uint64_t n = 0;
  ASSERT_TRUE(db_->Count(f, &n).ok());
  EXPECT_EQ(n, 1u);
  f.entities = {"bakou"};  // the name without its NUL is another name
  ASSERT_TRUE(db_->Count(f, &n).ok());
  EXPECT_EQ(n, 50u);
  f.entities = {"Alpha"};
  f.source = emoji;
  ASSERT_TRUE(db_->Count(f, &n).ok());
  EXPECT_EQ(n, 1u);
  Article got;
  ASSERT_TRUE(db_->Get("n1", &got).ok());
  EXPECT_EQ(got.entities(0).name(), nul_name);
  EXPECT_EQ(got.source(), emoji);
  std::vector<NameCount> names;
  ASSERT_TRUE(db_->ListEntities(std::string("bak\0", 4), 0, &names).ok());
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].name, nul_name);
}

}  // namespace
}  // namespace articledb
