#include "keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <rocksdb/slice.h>
#include <rocksdb/slice_transform.h>

#include <memory>

#include "cursor.h"

namespace articledb::keys {
namespace {

std::string NameKey(std::string_view name) {
  std::string k;
  AppendName(&k, name);
  return k;
}

TEST(KeysTest, NameEncodingPreservesByteOrderOfNames) {
  std::vector<std::string> names = {"", std::string("a\0", 2), "a", "ab", std::string("a\0b", 3),
                                    "b", std::string("\0", 1), "\xff", "a\xff"};
  std::vector<std::string> by_name = names, by_key = names;
  std::sort(by_name.begin(), by_name.end());
  std::sort(by_key.begin(), by_key.end(),
            [](const std::string& x, const std::string& y) { return NameKey(x) < NameKey(y); });
  EXPECT_EQ(by_name, by_key);
}

TEST(KeysTest, NoNameKeyIsAPrefixOfAnotherNamesKey) {
  const std::string a = NameKey("le monde"), b = NameKey("le monde diplomatique");
  EXPECT_NE(b.compare(0, a.size(), a), 0);
  const std::string c = NameKey(std::string("x\0", 2)), d = NameKey("x");
  EXPECT_NE(c.compare(0, d.size(), d), 0);
}

TEST(KeysTest, NamesWithNulRoundTrip) {
  const std::string name("a\0b\0\0c", 6);
  std::string k = NameKey(name) + "tail";
  std::string_view in = k;
  std::string out;
  ASSERT_TRUE(ConsumeName(&in, &out));
  EXPECT_EQ(out, name);
  EXPECT_EQ(in, "tail");
}

TEST(KeysTest, UnterminatedNameIsRejected) {
  std::string_view in("abc\0\xff", 5);
  std::string out;
  EXPECT_FALSE(ConsumeName(&in, &out));
}

TEST(KeysTest, NulFollowedByNeitherEscapeNorTerminatorIsRejected) {
  for (char after : {'\0', '\x02', 'a', '\xfe'}) {
    std::string bad("abc\0", 4);
    bad.push_back(after);
    std::string k = bad + "0123456789abcdef";  // where the position would follow
    std::string_view in = k;
    std::string out;
    EXPECT_FALSE(ConsumeName(&in, &out)) << static_cast<int>(after);
    IndexKey ik;
    EXPECT_FALSE(ParseIndexKey(std::string(1, kSource) + k, &ik)) << static_cast<int>(after);
  }
}

TEST(KeysTest, TimeEncodingSortsNegativeTimesFirst) {
  const std::vector<int64_t> times = {kUndated, -62135596800000000, -1, 0, 1, 1714521600000000,
                                      INT64_MAX};
  for (size_t i = 1; i < times.size(); ++i) {
    std::string a, b;
    AppendTime(&a, times[i - 1]);
    AppendTime(&b, times[i]);
    EXPECT_LT(a, b) << times[i - 1] << " vs " << times[i];
    EXPECT_EQ(DecodeTime(b.data()), times[i]);
  }
}

TEST(KeysTest, IndexKeyRoundTripsAndRejectsMalformedKeys) {
  std::string k = IndexPrefix(kEntity, std::string("na\0me", 5));
  AppendTime(&k, -5);
  AppendDocno(&k, 42);
  IndexKey ik;
  ASSERT_TRUE(ParseIndexKey(k, &ik));
  EXPECT_EQ(ik.type, kEntity);
  EXPECT_EQ(ik.name, std::string("na\0me", 5));
  EXPECT_EQ(ik.time, -5);
  EXPECT_EQ(ik.docno, 42u);
  EXPECT_FALSE(ParseIndexKey(k.substr(0, k.size() - 1), &ik));
  EXPECT_FALSE(ParseIndexKey(k + "x", &ik));  // a byte after the position
  EXPECT_FALSE(ParseIndexKey("", &ik));
  EXPECT_FALSE(ParseIndexKey("Zxxxxxxxxxxxxxxxx", &ik));
  EXPECT_FALSE(ParseIndexKey("Eabc", &ik));
}

TEST(KeysTest, NameIsReadCorrectlyWhateverTheTimeAfterItStartsWith) {
  for (const std::string& name : {std::string("x"), std::string("x\0", 2), std::string()}) {
    for (int64_t t : {kUndated, int64_t{-1}, int64_t{0}, INT64_MAX}) {
      std::string k = IndexPrefix(kSource, name);
      AppendTime(&k, t);
      AppendDocno(&k, 7);
      IndexKey ik;
      ASSERT_TRUE(ParseIndexKey(k, &ik)) << t;
      EXPECT_EQ(ik.name, name) << t;
      EXPECT_EQ(ik.time, t);
      EXPECT_EQ(ik.docno, 7u);
      // The prefix extractor sees exactly the name's prefix.
      std::unique_ptr<const rocksdb::SliceTransform> x(NewIndexPrefixExtractor());
      const rocksdb::Slice prefix = x->Transform(k);
      EXPECT_EQ(prefix.ToString(), IndexPrefix(kSource, name)) << t;
    }
  }
}

TEST(KeysTest, PrefixSuccessorIsAboveEveryKeyWithThePrefix) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor("a\xff"), "b");
  EXPECT_EQ(PrefixSuccessor("\xff\xff"), "");
}

TEST(CursorTest, RoundTripsPosition) {
  const std::string token = EncodeCursor({77, -3, 9});
  CursorPosition p;
  ASSERT_TRUE(DecodeCursor(token, 77, &p).ok());
  EXPECT_EQ(p.time, -3);
  EXPECT_EQ(p.docno, 9u);
}

TEST(CursorTest, RejectsTokenOfAnotherQuery) {
  CursorPosition p;
  Status s = DecodeCursor(EncodeCursor({77, 1, 2}), 78, &p);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("different query"), std::string::npos);
}

TEST(CursorTest, RejectsEveryOneCharacterTampering) {
  const std::string token = EncodeCursor({5, 1000, 12345});
  CursorPosition p;
  for (size_t i = 0; i < token.size(); ++i) {
    std::string t = token;
    t[i] = t[i] == '0' ? '1' : '0';
    EXPECT_TRUE(DecodeCursor(t, 5, &p).IsInvalidArgument()) << "position " << i;
  }
  EXPECT_TRUE(DecodeCursor("", 5, &p).IsInvalidArgument());
  EXPECT_TRUE(DecodeCursor(token + "00", 5, &p).IsInvalidArgument());
  EXPECT_TRUE(DecodeCursor(std::string(token.size(), 'z'), 5, &p).IsInvalidArgument());
}

}  // namespace
}  // namespace articledb::keys
