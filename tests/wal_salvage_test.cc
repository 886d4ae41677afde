// The write-ahead log reader and writer behind SalvageArchive (src/wal_salvage.h), and
// SalvageArchive on logs RocksDB wrote.
#include "wal_salvage.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_util.h"

namespace articledb {
namespace {

namespace fs = std::filesystem;

std::string Write(size_t n, char fill) { return std::string(n, fill); }

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path LargestLog(const std::string& dir) {
  fs::path best;
  uintmax_t size = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".log" && e.file_size() >= size) {
      best = e.path();
      size = e.file_size();
    }
  }
  return best;
}

TEST(WalSalvageTest, Crc32cMatchesTheCastagnoliCheckValue) {
  EXPECT_EQ(wal::Crc32c(0, "123456789", 9), 0xE3069283u);
  const std::string zeros(32, '\0');
  EXPECT_EQ(wal::Crc32c(0, zeros.data(), zeros.size()), 0x8A9136AAu);
  // Extending a CRC equals computing it at once.
  EXPECT_EQ(wal::Crc32c(wal::Crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
}

TEST(WalSalvageTest, EncodedWritesOfEverySizeScanBackCleanAndEqual) {
  // Small writes, one filling a block to within a header's size (a zero trailer follows),
  // and writes spanning two and four blocks.
  std::vector<std::string> writes = {Write(12, 'a'), Write(100, 'b'),
                                     Write(wal::kBlockSize - 7 - 7 - 112 - 3, 'c'),
                                     Write(40000, 'd'), Write(3 * wal::kBlockSize + 5, 'e'),
                                     Write(12, 'f')};
  const std::string log = wal::Encode(writes);
  const wal::ScanResult r = wal::Scan(log);
  EXPECT_TRUE(r.clean);
  EXPECT_EQ(r.writes_lost, 0u);
  EXPECT_EQ(r.bytes_lost, 0u);
  EXPECT_EQ(r.writes, writes);
}

TEST(WalSalvageTest, DamageInsideALargeWriteDropsThatWriteAndKeepsTheNextLargeOne) {
  std::vector<std::string> writes = {Write(50, 'a'), Write(70000, 'b'), Write(70000, 'c'),
                                     Write(50, 'd')};
  std::string log = wal::Encode(writes);
  log[wal::kBlockSize + 1000] ^= 0x01;  // inside the second fragment of the 'b' write
  const wal::ScanResult r = wal::Scan(log);
  EXPECT_FALSE(r.clean);
  EXPECT_EQ(r.writes_lost, 1u);
  EXPECT_GT(r.bytes_lost, 0u);
  EXPECT_EQ(r.writes, (std::vector<std::string>{writes[0], writes[2], writes[3]}));
}

TEST(WalSalvageTest, AWriteCutShortAtTheEndIsDroppedAndTheOthersKept) {
  std::vector<std::string> writes = {Write(500, 'a'), Write(40000, 'b')};
  std::string log = wal::Encode(writes);
  log.resize(log.size() - 100);
  const wal::ScanResult r = wal::Scan(log);
  EXPECT_FALSE(r.clean);
  EXPECT_EQ(r.writes_lost, 1u);
  EXPECT_EQ(r.writes, std::vector<std::string>{writes[0]});
}

TEST(WalSalvageTest, ALengthRunningPastItsBlockDropsThatBlockOnly) {
  std::vector<std::string> writes;
  for (int i = 0; i < 200; ++i) writes.push_back(Write(500, static_cast<char>('a' + i % 26)));
  std::string log = wal::Encode(writes);
  log[5] = '\x7f';  // the first write's length now runs past the end of block 0
  const wal::ScanResult r = wal::Scan(log);
  EXPECT_FALSE(r.clean);
  EXPECT_EQ(r.writes_lost, 1u);
  // Block 0, and the end of the write it cut, which opens block 1.
  EXPECT_GT(r.bytes_lost, wal::kBlockSize);
  EXPECT_LT(r.bytes_lost, wal::kBlockSize + 500 + wal::kHeaderSize);
  // Block 0 holds 64 whole writes and the start of the 65th: all lost; the rest kept.
  const size_t per_block = wal::kBlockSize / (500 + wal::kHeaderSize);
  ASSERT_EQ(r.writes.size(), writes.size() - per_block - 1);
  EXPECT_EQ(r.writes.front(), writes[per_block + 1]);
  EXPECT_EQ(r.writes.back(), writes.back());
}

TEST(WalSalvageTest, ReadsRocksDbsOwnLogByteForByte) {
  testing::TempDir dir;
  {
    auto db = testing::OpenOrDie(dir.path());
    for (int i = 0; i < 40; ++i) {
      std::vector<Article> batch;
      for (int j = 0; j <= i % 7; ++j) {
        batch.push_back(testing::MakeArticle("id" + std::to_string(i * 10 + j), "Le Monde",
                                             1714636800000000 + i, {"Nikol Pachinian"},
                                             std::string(300 * (i + 1), 'x')));
      }
      ASSERT_TRUE(db->PutBatch(WriteOptions(), batch).ok());
    }
  }
  const std::string log = ReadAll(LargestLog(dir.path()));
  const wal::ScanResult r = wal::Scan(log);
  EXPECT_TRUE(r.clean);
  EXPECT_GE(r.writes.size(), 40u);
  // Our writer lays the same writes out exactly as RocksDB's did.
  const std::string again = wal::Encode(r.writes);
  ASSERT_LE(again.size(), log.size());
  EXPECT_TRUE(log.compare(0, again.size(), again) == 0);
  EXPECT_EQ(log.find_first_not_of('\0', again.size()), std::string::npos);
}

TEST(WalSalvageTest, SalvageArchiveRewritesOnlyTheDamagedLogAndTheArchiveOpensAgain) {
  testing::TempDir dir;
  {
    auto db = testing::OpenOrDie(dir.path());
    for (int i = 0; i < 60; ++i) {
      ASSERT_TRUE(db->Put(WriteOptions(), testing::MakeArticle("id" + std::to_string(i),
                                                               "Reuters", 1714636800000000 + i,
                                                               {}, std::string(2000, 'y')))
                      .ok());
    }
  }
  const fs::path log = LargestLog(dir.path());
  std::string bytes = ReadAll(log);
  ASSERT_GT(bytes.size(), wal::kBlockSize + 100);
  bytes[wal::kBlockSize / 2] ^= 0x40;
  std::ofstream(log, std::ios::binary | std::ios::trunc) << bytes;

  std::unique_ptr<Archive> db;
  Options options;
  EXPECT_TRUE(Archive::Open(options, dir.path(), &db).IsCorruption());

  SalvageReport report;
  ASSERT_TRUE(SalvageArchive(dir.path(), &report).ok());
  EXPECT_EQ(report.logs_rewritten, 1u);
  EXPECT_GE(report.writes_lost, 1u);
  EXPECT_GT(report.writes_kept, 30u);
  EXPECT_TRUE(fs::exists(fs::path(dir.path()) / "lost" / log.filename()));

  ASSERT_TRUE(Archive::Open(options, dir.path(), &db).ok());
  Article a;
  EXPECT_TRUE(db->Get("id59", &a).ok());  // a write after the damaged block is kept
  EXPECT_TRUE(db->Get("id0", &a).ok());   // and one before it
  db.reset();

  // A second salvage finds nothing to do.
  ASSERT_TRUE(SalvageArchive(dir.path(), &report).ok());
  EXPECT_EQ(report.logs_rewritten, 0u);
}

TEST(WalSalvageTest, SalvageRefusesAnArchiveOpenElsewhereAndAMissingOne) {
  testing::TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  SalvageReport report;
  EXPECT_TRUE(SalvageArchive(dir.path(), &report).IsBusy());
  EXPECT_TRUE(SalvageArchive(dir.Sub("none"), &report).IsNotFound());
}

// A fragment with a valid checksum, of any type (RocksDB's log header: masked CRC32C of
// the type and payload, length, type).
std::string Fragment(unsigned char type, std::string_view payload) {
  const char t = static_cast<char>(type);
  const uint32_t crc = wal::MaskCrc(wal::Crc32c(wal::Crc32c(0, &t, 1), payload.data(),
                                                payload.size()));
  std::string out;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(crc >> (8 * i)));
  out.push_back(static_cast<char>(payload.size() & 0xff));
  out.push_back(static_cast<char>(payload.size() >> 8));
  out.push_back(t);
  out.append(payload);
  return out;
}

TEST(WalSalvageTest, AnIntactRecordOfAnUnknownTypeIsReportedAsSuchNotAsDamage) {
  // Type 9 is RocksDB's kSetCompressionType (WAL compression, newer than this reader's
  // format); its checksum is intact, so it is not damage.
  const std::string log = wal::Encode({Write(100, 'a')}) + Fragment(9, "zstd") +
                          Fragment(wal::kFull, Write(50, 'b'));
  const wal::ScanResult r = wal::Scan(log);
  EXPECT_EQ(r.unknown_records, 1u);
  EXPECT_EQ(r.first_unknown_type, 9);
  EXPECT_EQ(r.bytes_lost, 0u);
  EXPECT_EQ(r.writes_lost, 0u);
  ASSERT_EQ(r.writes.size(), 2u);  // the write after it is not dropped with "its block"
  EXPECT_EQ(r.writes[1], Write(50, 'b'));
}

// An archive with one damaged log (the largest), closed.
void MakeDamagedArchive(const std::string& dir) {
  auto db = testing::OpenOrDie(dir);
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(db->Put(WriteOptions(), testing::MakeArticle("id" + std::to_string(i), "Reuters",
                                                             1714636800000000 + i, {},
                                                             std::string(2000, 'y')))
                    .ok());
  }
}

TEST(WalSalvageTest, SalvageRefusesLogsOfAnotherRocksDbVersionAndChangesNothing) {
  testing::TempDir dir;
  MakeDamagedArchive(dir.path());
  const fs::path log = LargestLog(dir.path());
  std::string bytes = ReadAll(log);
  bytes[wal::kBlockSize / 2] ^= 0x40;
  std::ofstream(log, std::ios::binary | std::ios::trunc) << bytes;
  // Say the archive was last written by a RocksDB whose log format this reader does not
  // know (every OPTIONS file records the version that wrote it).
  for (const auto& e : fs::directory_iterator(dir.path())) {
    if (e.path().filename().string().starts_with("OPTIONS-")) {
      std::string text = ReadAll(e.path());
      const size_t at = text.find("rocksdb_version=");
      ASSERT_NE(at, std::string::npos);
      text.replace(at, text.find('\n', at) - at, "rocksdb_version=9.1.0");
      std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << text;
    }
  }
  SalvageReport report;
  const Status s = SalvageArchive(dir.path(), &report);
  EXPECT_TRUE(s.IsNotSupported()) << s.ToString();
  EXPECT_NE(s.message().find("9.1.0"), std::string::npos) << s.message();
  EXPECT_TRUE(ReadAll(log) == bytes);  // nothing changed
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / "lost"));
}

TEST(WalSalvageTest, SalvageRefusesALogWithAnUnknownRecordTypeAndChangesNothing) {
  testing::TempDir dir;
  MakeDamagedArchive(dir.path());
  const fs::path log = LargestLog(dir.path());
  std::string bytes = ReadAll(log);
  bytes[wal::kBlockSize / 2] ^= 0x40;  // damage, which salvage would otherwise rewrite
  const size_t room = wal::kBlockSize - bytes.size() % wal::kBlockSize;
  if (room < wal::kHeaderSize + 4) bytes.append(room, '\0');
  bytes += Fragment(9, "zstd");
  std::ofstream(log, std::ios::binary | std::ios::trunc) << bytes;
  SalvageReport report;
  const Status s = SalvageArchive(dir.path(), &report);
  EXPECT_TRUE(s.IsNotSupported()) << s.ToString();
  EXPECT_NE(s.message().find("type 9"), std::string::npos) << s.message();
  EXPECT_TRUE(ReadAll(log) == bytes);
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / "lost"));
}

}  // namespace
}  // namespace articledb
