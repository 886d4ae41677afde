// ParseRecord (src/store/record_codec.h): the stored-record parser gives what protobuf's
// parser gives, for every field, reused messages, concatenated parts, unknown fields and
// damaged bytes, except that it does not validate UTF-8 again.
#include "store/record_codec.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <random>
#include <string>
#include <vector>

#include "record_check.h"
#include "store/keys.h"
#include "string_fields.h"
#include "synth/synth.h"
#include "test_util.h"

namespace articledb {
namespace {

using google::protobuf::util::MessageDifferencer;

// An article with every field set, repeated fields with several elements, two
// attributes, and entities of every kind.
Article FullArticle() {
  Article a = testing::MakeArticle("full-1", "Le Monde", 1714521600123456,
                                   {"Nikol Pachinian", "Arménie"}, "Le corps de l'article.");
  a.set_url("https://example.org/a/1");
  a.set_language("fr");
  a.mutable_updated_at()->set_seconds(1714525200);
  a.mutable_updated_at()->set_nanos(999999999);
  a.set_title("Un titre — avec des accents");
  a.set_summary("Un résumé");
  a.add_authors("A. Auteur");
  a.add_authors("B. Autrice");
  a.add_topics("politique");
  (*a.mutable_attributes())["section"] = "international";
  (*a.mutable_attributes())["empty"] = "";
  for (int k = 0; k <= 5; ++k) {
    Entity* e = a.add_entities();
    e->set_name("kind " + std::to_string(k));
    e->set_kind(static_cast<Entity::Kind>(k));
  }
  return a;
}

void ExpectSameAsProtobuf(const std::string& bytes, const std::string& what) {
  Article expected, got;
  ASSERT_TRUE(expected.ParseFromString(bytes)) << what;
  ASSERT_TRUE(ParseRecord(bytes, &got)) << what;
  EXPECT_TRUE(MessageDifferencer::Equals(expected, got)) << what << "\nprotobuf: "
                                                         << expected.ShortDebugString()
                                                         << "\nParseRecord: "
                                                         << got.ShortDebugString();
}

TEST(RecordCodecTest, EveryFieldParsesAsProtobufParsesIt) {
  ExpectSameAsProtobuf(FullArticle().SerializeAsString(), "full article");
  Article every;
  testing::FillEveryString(&every);
  ExpectSameAsProtobuf(every.SerializeAsString(), "every string filled");
  ExpectSameAsProtobuf("", "empty message");
  Article zero_time;
  zero_time.mutable_published_at();  // present but empty: has_published_at() stays true
  ExpectSameAsProtobuf(zero_time.SerializeAsString(), "empty timestamp");
  Article negative;
  negative.mutable_published_at()->set_seconds(-62135596800);
  negative.mutable_published_at()->set_nanos(-1);
  ExpectSameAsProtobuf(negative.SerializeAsString(), "negative timestamp");
}

TEST(RecordCodecTest, SyntheticAndReutersRecordsParseAsProtobufParsesThem) {
  synth::Generator gen{synth::CorpusOptions()};
  Article a;
  for (uint64_t i = 0; i < 300; ++i) {
    gen.Make(i, &a);
    ExpectSameAsProtobuf(a.SerializeAsString(), "synthetic " + std::to_string(i));
  }
  const std::string path = testing::ReutersPath();
  if (path.empty()) return;
  size_t n = 0;
  ASSERT_TRUE(testing::ForEachZstdLine(path, [&](const std::string& line) {
    if (n++ % 20 != 0) return;  // every 20th article keeps the test short
    Article r;
    ASSERT_TRUE(ParseArticleJson(line, &r).ok());
    ExpectSameAsProtobuf(r.SerializeAsString(), "reuters line " + std::to_string(n));
  }));
  EXPECT_GT(n, 20000u);
}

TEST(RecordCodecTest, AReusedMessageHoldsOnlyTheLastRecord) {
  Article reused;
  ASSERT_TRUE(ParseRecord(FullArticle().SerializeAsString(), &reused));
  Article small = testing::MakeArticle("small", "AP", std::nullopt, {"One"});
  ASSERT_TRUE(ParseRecord(small.SerializeAsString(), &reused));
  EXPECT_TRUE(MessageDifferencer::Equals(small, reused)) << reused.ShortDebugString();
  EXPECT_FALSE(reused.has_published_at());
  EXPECT_FALSE(reused.has_updated_at());
  EXPECT_TRUE(reused.attributes().empty());
}

TEST(RecordCodecTest, ConcatenatedPartsMergeAsProtobufMergesThem) {
  const Article full = FullArticle();
  Article head = full, text;
  head.clear_body();
  head.clear_summary();
  text.set_body(full.body());
  text.set_summary(full.summary());
  Article got;
  ASSERT_TRUE(ParseRecord({head.SerializeAsString(), text.SerializeAsString()}, &got));
  EXPECT_TRUE(MessageDifferencer::Equals(full, got)) << got.ShortDebugString();
  // Later parts override singular fields and extend repeated ones.
  Article later;
  later.set_title("later title");
  later.add_authors("C. Third");
  later.mutable_published_at()->set_nanos(7);
  ASSERT_TRUE(ParseRecord({full.SerializeAsString(), later.SerializeAsString()}, &got));
  Article expected;
  ASSERT_TRUE(expected.ParseFromString(full.SerializeAsString() + later.SerializeAsString()));
  EXPECT_TRUE(MessageDifferencer::Equals(expected, got)) << got.ShortDebugString();
  EXPECT_EQ(got.title(), "later title");
  EXPECT_EQ(got.authors_size(), 3);
  EXPECT_EQ(got.published_at().seconds(), full.published_at().seconds());
  EXPECT_EQ(got.published_at().nanos(), 7);
}

// A stored string is not validated again: its bytes come back as stored.
TEST(RecordCodecTest, InvalidUtf8IsReturnedAsStoredWhereProtobufRefusesIt) {
  Article a = FullArticle();
  a.set_summary("MARKER!");
  std::string rec = a.SerializeAsString();
  const std::string bad("ok\xed\xa0\x80ok", 7);
  rec.replace(rec.find("MARKER!"), 7, bad);
  Article strict, fast;
  EXPECT_FALSE(strict.ParseFromString(rec));
  ASSERT_TRUE(ParseRecord(rec, &fast));
  EXPECT_EQ(fast.summary(), bad);
  EXPECT_EQ(fast.title(), a.title());
  EXPECT_EQ(InvalidUtf8InRecord(rec), "field 'summary': invalid UTF-8 at byte 2");
}

// A map entry may give its key twice; the last one counts, but protobuf checks both, and
// so does the checker verify and restore rely on (fuzz_record found it checking only the last).
TEST(RecordCodecTest, InvalidUtf8InAnOverriddenMapKeyIsFoundByTheChecker) {
  Article a;
  a.set_id("x");
  // attributes (field 13) entry: key "a\x8a" (invalid), key "k" (valid, last), value "v".
  const std::string entry("\x0a\x02" "a\x8a" "\x0a\x01" "k" "\x12\x01" "v", 10);
  std::string rec = a.SerializeAsString() + "\x6a" + std::string(1, static_cast<char>(entry.size())) + entry;
  Article strict, fast;
  EXPECT_FALSE(strict.ParseFromString(rec));
  ASSERT_TRUE(ParseRecord(rec, &fast));
  EXPECT_EQ(fast.attributes().at("k"), "v");
  EXPECT_EQ(InvalidUtf8InRecord(rec), "field 'attributes': a key has invalid UTF-8 at byte 1");
}

TEST(RecordCodecTest, FieldsOfANewerSchemaAndOutOfRangeKindsAreKeptAsProtobufKeepsThem) {
  Article a = FullArticle();
  std::string rec = a.SerializeAsString();
  // Field 14 (not in the schema), a string "new": kept as an unknown field.
  rec += std::string("\x72\x03new", 5);
  ExpectSameAsProtobuf(rec, "unknown field");
  Article got;
  ASSERT_TRUE(ParseRecord(rec, &got));
  const auto& unknown = got.GetReflection()->GetUnknownFields(got);
  ASSERT_EQ(unknown.field_count(), 1);
  EXPECT_EQ(unknown.field(0).number(), 14);
  EXPECT_EQ(unknown.field(0).length_delimited(), "new");
  Article odd;
  odd.add_entities()->set_name("x");
  odd.mutable_entities(0)->set_kind(static_cast<Entity::Kind>(42));
  ExpectSameAsProtobuf(odd.SerializeAsString(), "entity kind 42");
  ASSERT_TRUE(ParseRecord(odd.SerializeAsString(), &got));
  EXPECT_EQ(static_cast<int>(got.entities(0).kind()), 42);
}

TEST(RecordCodecTest, MalformedWireDataIsRejected) {
  Article got;
  const std::string rec = FullArticle().SerializeAsString();
  // Every strict prefix that protobuf refuses is refused.
  for (size_t n = 0; n < rec.size(); ++n) {
    Article strict;
    const std::string prefix = rec.substr(0, n);
    EXPECT_EQ(ParseRecord(prefix, &got), strict.ParseFromString(prefix)) << "prefix " << n;
  }
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"length past the end", std::string("\x0a\x05" "ab", 4)},
      {"varint of 11 bytes", std::string("\x0a") + std::string(10, '\xff') + "\x01"},
      {"field number 0", std::string("\x02\x00", 2)},
      {"end-group tag", std::string("\x0c", 1)},
      {"truncated tag", std::string("\x80", 1)},
      {"bad timestamp", std::string("\x2a\x02\x08\x80", 4)},
      {"bad entity", std::string("\x62\x03\x0a\x05x", 5)},
  };
  for (const auto& [what, bytes] : bad) {
    Article strict;
    EXPECT_FALSE(strict.ParseFromString(bytes)) << what;
    EXPECT_FALSE(ParseRecord(bytes, &got)) << what;
    EXPECT_FALSE(ParseRecord({rec, bytes}, &got)) << what << " (second part)";
  }
}

// Random damage: whatever protobuf accepts is accepted with the same content; whatever
// only ParseRecord accepts holds invalid UTF-8.
TEST(RecordCodecTest, DamagedRecordsAreJudgedAsProtobufJudgesThemButForUtf8) {
  const std::string rec = FullArticle().SerializeAsString();
  std::mt19937 rng(7);
  int both = 0, utf8_only = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string d = rec;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) d[rng() % d.size()] = static_cast<char>(rng() & 0xff);
    Article strict, fast;
    const bool strict_ok = strict.ParseFromString(d);
    const bool fast_ok = ParseRecord(d, &fast);
    if (strict_ok) {
      ASSERT_TRUE(fast_ok) << "round " << round;
      ASSERT_TRUE(MessageDifferencer::Equals(strict, fast)) << "round " << round;
      ++both;
    } else if (fast_ok) {
      ASSERT_FALSE(InvalidUtf8InRecord(d).empty()) << "round " << round;
      ++utf8_only;
    }
  }
  EXPECT_GT(both, 100);
  EXPECT_GT(utf8_only, 10);
}

TEST(RecordCodecTest, SplitRecordPartsHoldSummaryAndBodyApartAndParseBackToTheWhole) {
  Article a = FullArticle();
  std::string rec = a.SerializeAsString();
  rec += std::string("\x72\x03new", 5);  // an unknown field stays with the summary part
  std::string summary, text;
  ASSERT_TRUE(SplitRecord(rec, &summary, &text));
  Article whole, expected, head, tail;
  ASSERT_TRUE(expected.ParseFromString(rec));
  ASSERT_TRUE(ParseRecord({summary, text}, &whole));
  EXPECT_TRUE(MessageDifferencer::Equals(expected, whole)) << whole.ShortDebugString();
  ASSERT_TRUE(ParseRecord(summary, &head));
  EXPECT_TRUE(head.body().empty());
  EXPECT_TRUE(head.summary().empty());
  EXPECT_EQ(head.title(), a.title());
  EXPECT_EQ(head.entities_size(), a.entities_size());
  EXPECT_EQ(head.GetReflection()->GetUnknownFields(head).field_count(), 1);
  ASSERT_TRUE(ParseRecord(text, &tail));
  Article only_text;
  only_text.set_summary(a.summary());
  only_text.set_body(a.body());
  EXPECT_TRUE(MessageDifferencer::Equals(only_text, tail)) << tail.ShortDebugString();
  // No body, no summary: an empty text part.
  Article bare;
  bare.set_id("x");
  bare.set_source("S");
  ASSERT_TRUE(SplitRecord(bare.SerializeAsString(), &summary, &text));
  EXPECT_TRUE(text.empty());
  // Synthetic records: the parts always parse back to the whole.
  synth::Generator gen{synth::CorpusOptions()};
  size_t summary_bytes = 0, text_bytes = 0;
  for (uint64_t i = 0; i < 100; ++i) {
    gen.Make(i, &a);
    ASSERT_TRUE(SplitRecord(a.SerializeAsString(), &summary, &text));
    ASSERT_TRUE(ParseRecord({summary, text}, &whole));
    EXPECT_TRUE(MessageDifferencer::Equals(a, whole)) << i;
    summary_bytes += summary.size();
    text_bytes += text.size();
  }
  EXPECT_GT(text_bytes, summary_bytes);  // the text part holds the bulk
}

TEST(RecordCodecTest, SplitRecordRefusesMalformedRecords) {
  std::string summary, text;
  const std::string rec = FullArticle().SerializeAsString();
  EXPECT_FALSE(SplitRecord(rec.substr(0, rec.size() - 3), &summary, &text));
  EXPECT_FALSE(SplitRecord(std::string("\x2a\x02\x08\x80", 4), &summary, &text));  // bad timestamp
  EXPECT_FALSE(SplitRecord(std::string("\x0c", 1), &summary, &text));                   // end group
}

// The upgrade's writes of one format 1 record, applied to a RocksDB with the two column
// families, read back as the whole article.
TEST(RecordCodecTest, AppendSplitRecordWritesBothPartsUnderTheDocnoKey) {
  testing::TempDir dir;
  rocksdb::Options o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {{"default", {}}, {"summary", {}}, {"text", {}}};
  std::vector<rocksdb::ColumnFamilyHandle*> h;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(o, dir.path(), cfs, &h, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  const Article a = FullArticle();
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(AppendSplitRecord(&batch, h[1], h[2], 42, a.SerializeAsString()).ok());
  Status bad = AppendSplitRecord(&batch, h[1], h[2], 43, std::string("\x0a\x05" "ab", 4));
  EXPECT_TRUE(bad.IsCorruption());
  EXPECT_NE(bad.message().find("record 43"), std::string::npos) << bad.message();
  ASSERT_TRUE(db->Write(rocksdb::WriteOptions(), &batch).ok());
  std::string summary, text;
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), h[1], keys::DocnoKey(42), &summary).ok());
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), h[2], keys::DocnoKey(42), &text).ok());
  EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), h[1], keys::DocnoKey(43), &summary).IsNotFound());
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), h[1], keys::DocnoKey(42), &summary).ok());
  Article back;
  ASSERT_TRUE(ParseRecord({summary, text}, &back));
  EXPECT_TRUE(MessageDifferencer::Equals(a, back)) << back.ShortDebugString();
  for (auto* c : h) ASSERT_TRUE(db->DestroyColumnFamilyHandle(c).ok());
}

}  // namespace
}  // namespace articledb
