// Archive::Upgrade: a format-1 archive (tests/data/v1, written by format-1 code) is
// refused by Open with the command to run, converted in place, and then answers as
// format-1 code did (tests/data/v1/expected); an interrupted upgrade is finished by the next.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "articledb/archive.h"
#include "index/counters.h"
#include "index/posting_block.h"
#include "store/meta.h"
#include "test_util.h"

namespace articledb {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

const std::string kV1 = std::string(ARTICLEDB_TEST_DATA_DIR) + "/v1";

std::string ReadFile(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A scratch copy of the committed format-1 archive (never opened in place).
std::string CopyV1(const TempDir& dir) {
  const std::string db = dir.Sub("v1");
  fs::copy(kV1 + "/archive", db, fs::copy_options::recursive);
  return db;
}

// What format-1 code answered: the article count and `count --by month` (month TAB count).
void ExpectFormat1Answers(const std::string& db) {
  std::unique_ptr<Archive> a;
  ASSERT_TRUE(Archive::Open(Options(), db, &a).ok());
  uint64_t n = 0;
  ASSERT_TRUE(a->Count(Filter(), &n).ok());
  EXPECT_EQ(std::to_string(n) + "\n", ReadFile(kV1 + "/expected/count.txt"));
  std::vector<TimelineEntry> months;
  ASSERT_TRUE(a->Timeline(Filter(), Bucket::kMonth, &months).ok());
  std::string tsv;
  for (const auto& e : months) tsv += e.label + "\t" + std::to_string(e.count) + "\n";
  EXPECT_EQ(tsv, ReadFile(kV1 + "/expected/months.tsv"));
  EXPECT_EQ(testing::VerifyProblems(*a), "");
}

TEST(UpgradeTest, OpenRefusesAFormat1ArchiveNamingTheFormatAndTheCommand) {
  TempDir dir;
  const std::string db = CopyV1(dir);
  std::unique_ptr<Archive> a;
  Status s = Archive::Open(Options(), db, &a);
  ASSERT_TRUE(s.IsNotSupported()) << s.ToString();
  EXPECT_NE(s.message().find("format 1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("articledb upgrade " + db), std::string::npos) << s.message();
}

TEST(UpgradeTest, UpgradeConvertsInPlaceAndAnswersAsFormat1CodeDid) {
  TempDir dir;
  const std::string db = CopyV1(dir);
  ASSERT_TRUE(Archive::Upgrade(db).ok());
  ExpectFormat1Answers(db);
  // A second upgrade has nothing to do.
  ASSERT_TRUE(Archive::Upgrade(db).ok());
  ExpectFormat1Answers(db);
}

TEST(UpgradeTest, AnInterruptedUpgradeIsRefusedByOpenAndFinishedByTheNextUpgrade) {
  TempDir dir;
  const std::string db = CopyV1(dir);
  {
    // The state a crash in the middle of the rebuild leaves: both markers set, format 1,
    // the old index entries deleted and some new posting blocks written.
    rocksdb::DBOptions o;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const char* n : {"default", "records", "ids", "index", "counters"}) {
      cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    }
    cfs[3].options.merge_operator = index::NewMergeOperator();
    cfs[4].options.merge_operator = counters::NewMergeOperator();
    std::vector<rocksdb::ColumnFamilyHandle*> h;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, db, cfs, &h, &raw).ok());
    rocksdb::WriteBatch b;
    b.Put(h[0], meta::kUpgradeKey, meta::kFormatVersion);
    b.Put(h[0], meta::kReindexKey, "1");
    b.DeleteRange(h[3], "", "\xff\xff\xff\xff");
    b.DeleteRange(h[4], "", "\xff\xff\xff\xff");
    b.Merge(h[3], std::string("D\0\0\0\1", 5), index::AddOperand({1, 1}));
    ASSERT_TRUE(raw->Write(rocksdb::WriteOptions(), &b).ok());
    for (auto* x : h) raw->DestroyColumnFamilyHandle(x);
    delete raw;
  }
  std::unique_ptr<Archive> a;
  Status s = Archive::Open(Options(), db, &a);
  ASSERT_TRUE(s.IsNotSupported()) << s.ToString();
  uint64_t calls = 0;
  ASSERT_TRUE(Archive::Upgrade(db, [&calls](uint64_t) { return ++calls > 0; }).ok());
  ExpectFormat1Answers(db);
}

}  // namespace
}  // namespace articledb
