// The dump format (include/articledb/dump.h, docs/dump-format.md): framing, checks,
// bounds, and dump/restore of whole archives.
#include <gtest/gtest.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "articledb/archive.h"
#include "articledb/dump.h"
#include "../string_fields.h"

namespace articledb {
namespace {

namespace fs = std::filesystem;

// ---- helpers ----

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "articledb-dump-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Record(int i, size_t body_bytes = 40) {
  Article a;
  a.set_id("r/" + std::to_string(i));
  a.set_source(i % 2 ? "Le Monde" : "Reuters");
  a.set_title("Title " + std::to_string(i));
  std::string body;
  while (body.size() < body_bytes) body += "word" + std::to_string(i * 7 + body.size()) + " ";
  a.set_body(body);
  a.mutable_published_at()->set_seconds(1700000000 + i * 60);
  auto* e = a.add_entities();
  e->set_name(i % 3 ? "Armenia" : "France");
  e->set_kind(v1::Entity::LOCATION);
  return a.SerializeAsString();
}

std::string MakeDump(const std::vector<std::string>& records, DumpOptions options = {}) {
  std::string out;
  DumpWriter w(
      [&](std::string_view b) {
        out.append(b);
        return Status::OK();
      },
      options);
  for (const auto& r : records) {
    Status s = w.Add(r);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  DumpStats stats;
  Status s = w.Finish(&stats);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(stats.records, records.size());
  EXPECT_EQ(stats.bytes, out.size());
  return out;
}

std::vector<std::string> Records(int n, size_t body_bytes = 40) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back(Record(i, body_bytes));
  return v;
}

Status ReadAll(std::string_view dump, std::vector<std::string>* out, DumpStats* stats = nullptr) {
  out->clear();
  return ReadDumpBuffer(
      dump,
      [&](std::string_view r) {
        out->emplace_back(r);
        return Status::OK();
      },
      stats);
}

void PutU32(std::string* s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*s)[at + static_cast<size_t>(i)] = static_cast<char>(v >> (8 * i));
}
void PutU64(std::string* s, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) (*s)[at + static_cast<size_t>(i)] = static_cast<char>(v >> (8 * i));
}
// Appends a frame with valid checksums around any content: for crafted files.
void AppendFrame(std::string* out, uint32_t kind, uint32_t count, std::string_view payload,
                 uint32_t raw_bytes) {
  std::string h(32, '\0');
  PutU32(&h, 0, kind);
  PutU32(&h, 4, count);
  PutU32(&h, 8, static_cast<uint32_t>(payload.size()));
  PutU32(&h, 12, raw_bytes);
  PutU64(&h, 16, XXH3_64bits(payload.data(), payload.size()));
  PutU64(&h, 24, XXH3_64bits(h.data(), 24));
  out->append(h);
  out->append(payload);
}
std::string Compress(std::string_view raw) {
  std::string c(ZSTD_compressBound(raw.size()), '\0');
  c.resize(ZSTD_compress(c.data(), c.size(), raw.data(), raw.size(), 3));
  return c;
}
// The 24-byte file header of a good dump.
std::string Header() { return MakeDump({}).substr(0, 24); }

constexpr size_t kHeader = 24;
constexpr size_t kFrameHeader = 32;
constexpr size_t kTrailer = 32 + 32;

// ---- framing ----

TEST(DumpFormat, RecordsComeBackInOrderAndByteForByte) {
  auto recs = Records(500);
  std::string dump = MakeDump(recs);
  std::vector<std::string> back;
  DumpStats stats;
  ASSERT_TRUE(ReadAll(dump, &back, &stats).ok());
  EXPECT_EQ(back, recs);
  EXPECT_EQ(stats.records, 500u);
  EXPECT_EQ(stats.bytes, dump.size());
}

TEST(DumpFormat, EmptyDumpIsHeaderAndTrailerOnlyAndReadsAsZeroRecords) {
  std::string dump = MakeDump({});
  EXPECT_EQ(dump.size(), kHeader + kTrailer);
  std::vector<std::string> back;
  ASSERT_TRUE(ReadAll(dump, &back).ok());
  EXPECT_TRUE(back.empty());
}

TEST(DumpFormat, FileStartsWithMagicBytesAndVersion) {
  std::string dump = MakeDump(Records(3));
  EXPECT_EQ(dump.substr(0, 8), std::string("\x89" "ADBDUMP", 8));
  EXPECT_EQ(static_cast<unsigned char>(dump[8]), kDumpFormatVersion);
  EXPECT_EQ(dump.substr(9, 7), std::string(7, '\0'));
}

TEST(DumpFormat, SmallFramesSplitRecordsAcrossManyFramesAndStillRoundTrip) {
  auto recs = Records(300, 500);
  DumpOptions small;
  small.frame_bytes = 4096;
  std::string dump = MakeDump(recs, small);
  std::string big = MakeDump(recs);
  EXPECT_GT(dump.size(), big.size());  // more frames, more headers, less compression
  std::vector<std::string> back;
  ASSERT_TRUE(ReadAll(dump, &back).ok());
  EXPECT_EQ(back, recs);
}

TEST(DumpFormat, RecordLargerThanFrameTargetGetsAFrameOfItsOwn) {
  std::vector<std::string> recs = {Record(1), std::string(100000, 'x'), Record(2)};
  DumpOptions small;
  small.frame_bytes = 4096;
  std::vector<std::string> back;
  ASSERT_TRUE(ReadAll(MakeDump(recs, small), &back).ok());
  EXPECT_EQ(back, recs);
}

TEST(DumpFormat, EmptyRecordsRoundTrip) {
  std::vector<std::string> recs = {"", Record(1), ""};
  std::vector<std::string> back;
  ASSERT_TRUE(ReadAll(MakeDump(recs), &back).ok());
  EXPECT_EQ(back, recs);
}

TEST(DumpFormat, WriterRefusesRecordLargerThanLargestFrame) {
  std::string out;
  DumpWriter w([&](std::string_view b) {
    out.append(b);
    return Status::OK();
  });
  Status s = w.Add(std::string(kDumpMaxFrameBytes, 'x'));
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("larger than a dump frame"), std::string::npos);
}

TEST(DumpFormat, SinkFailureIsReturnedAndSticks) {
  int calls = 0;
  DumpWriter w([&](std::string_view) {
    ++calls;
    return Status::IOError("disk full");
  });
  Status s = w.Add(Record(1));
  EXPECT_TRUE(s.IsIOError());
  EXPECT_TRUE(w.Finish(nullptr).IsIOError());
  EXPECT_EQ(calls, 1);
}

TEST(DumpFormat, StreamReaderReadsTheSameAsBufferReader) {
  auto recs = Records(200);
  std::istringstream in(MakeDump(recs));
  std::vector<std::string> back;
  DumpStats stats;
  Status s = ReadDump(
      in,
      [&](std::string_view r) {
        back.emplace_back(r);
        return Status::OK();
      },
      &stats);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(back, recs);
}

TEST(DumpFormat, NullVisitorOnlyChecks) {
  DumpStats stats;
  EXPECT_TRUE(ReadDumpBuffer(MakeDump(Records(10)), nullptr, &stats).ok());
  EXPECT_EQ(stats.records, 10u);
}

// ---- damaged and foreign files ----

TEST(DumpFormat, TruncationAtEveryOffsetIsRefusedWithByteOffset) {
  DumpOptions small;
  small.frame_bytes = 4096;
  std::string dump = MakeDump(Records(40, 200), small);
  for (size_t len = 0; len < dump.size(); ++len) {
    std::vector<std::string> back;
    Status s = ReadAll(std::string_view(dump).substr(0, len), &back);
    ASSERT_FALSE(s.ok()) << "prefix of " << len << " bytes was accepted";
    EXPECT_TRUE(s.IsCorruption()) << len << ": " << s.ToString();
    EXPECT_NE(s.message().find("byte offset"), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find("record"), std::string::npos) << s.ToString();
    if (len > kHeader) {
      EXPECT_NE(s.message().find("truncated"), std::string::npos) << len << ": " << s.ToString();
    }
  }
}

TEST(DumpFormat, EveryFlippedByteIsDetected) {
  DumpOptions small;
  small.frame_bytes = 4096;
  std::string dump = MakeDump(Records(20, 200), small);
  for (size_t i = 0; i < dump.size(); ++i) {
    std::string bad = dump;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    Status s = ReadDumpBuffer(bad, nullptr, nullptr);
    ASSERT_FALSE(s.ok()) << "flip at byte " << i << " was not detected";
    EXPECT_NE(s.message().find("byte offset"), std::string::npos) << s.ToString();
  }
}

TEST(DumpFormat, FlipInFrameHeaderNamesTheFrameOffset) {
  std::string dump = MakeDump(Records(5));
  dump[kHeader + 9] ^= 0x40;  // stored length of the first frame
  Status s = ReadDumpBuffer(dump, nullptr, nullptr);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("byte offset 24, after record 0: frame header checksum mismatch"),
            std::string::npos)
      << s.ToString();
}

TEST(DumpFormat, FlipInFramePayloadIsAChecksumMismatchBeforeAnyRecordIsVisited) {
  std::string dump = MakeDump(Records(5));
  dump[kHeader + kFrameHeader + 10] ^= 0x01;
  int visited = 0;
  Status s = ReadDumpBuffer(
      dump,
      [&](std::string_view) {
        ++visited;
        return Status::OK();
      },
      nullptr);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("frame payload checksum mismatch"), std::string::npos);
  EXPECT_EQ(visited, 0);
}

TEST(DumpFormat, FlipInTrailerIsDetectedAfterRecords) {
  std::string dump = MakeDump(Records(5));
  dump[dump.size() - 1] ^= 0x01;  // last byte of the whole-file checksum
  Status s = ReadDumpBuffer(dump, nullptr, nullptr);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("after record 5"), std::string::npos) << s.ToString();
}

TEST(DumpFormat, WrongMagicIsNotADump) {
  std::string dump = MakeDump(Records(2));
  dump[1] = 'X';
  Status s = ReadDumpBuffer(dump, nullptr, nullptr);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("not an ArticleDB dump"), std::string::npos);
  s = ReadDumpBuffer("{\"id\": \"json lines are not a dump\"}\n", nullptr, nullptr);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
}

TEST(DumpFormat, FutureVersionIsNotSupportedAndNamesTheVersion) {
  std::string dump = MakeDump(Records(2));
  PutU32(&dump, 8, 2);
  PutU64(&dump, 16, XXH3_64bits(dump.data(), 16));  // a well-formed version-2 header
  Status s = ReadDumpBuffer(dump, nullptr, nullptr);
  EXPECT_TRUE(s.IsNotSupported()) << s.ToString();
  EXPECT_NE(s.message().find("version 2 is not supported"), std::string::npos) << s.ToString();
}

TEST(DumpFormat, UnknownFlagsAreNotSupported) {
  std::string dump = MakeDump(Records(2));
  PutU32(&dump, 12, 1);
  PutU64(&dump, 16, XXH3_64bits(dump.data(), 16));
  EXPECT_TRUE(ReadDumpBuffer(dump, nullptr, nullptr).IsNotSupported());
}

TEST(DumpFormat, BytesAfterTheTrailerAreRefused) {
  std::string dump = MakeDump(Records(2)) + "x";
  Status s = ReadDumpBuffer(dump, nullptr, nullptr);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("after the trailer"), std::string::npos);
}

TEST(DumpFormat, TwoDumpsConcatenatedAreRefused) {
  std::string one = MakeDump(Records(2));
  EXPECT_FALSE(ReadDumpBuffer(one + one, nullptr, nullptr).ok());
}

TEST(DumpFormat, CraftedHugeFrameLengthsAreRefusedBeforeAllocating) {
  std::string f = Header();
  AppendFrame(&f, 1, 1, "x", 0xFFFFFFFFu);  // claims 4 GiB uncompressed
  Status s = ReadDumpBuffer(f, nullptr, nullptr);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("out of bounds"), std::string::npos) << s.ToString();

  // A stored length within bounds but far past the end of the file: truncated, and the
  // reader has grown its buffer only as far as the data went.
  std::string g = Header();
  std::string h(32, '\0');
  PutU32(&h, 0, 1);
  PutU32(&h, 4, 1);
  PutU32(&h, 8, 60u << 20);
  PutU32(&h, 12, 1000);
  PutU64(&h, 24, XXH3_64bits(h.data(), 24));
  g += h + "short";
  s = ReadDumpBuffer(g, nullptr, nullptr);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("truncated"), std::string::npos) << s.ToString();
}

TEST(DumpFormat, CraftedZstdBombIsBoundedByTheFrameHeader) {
  // 64 MiB + 1 of zeros compresses to a few KiB; its frame header cannot claim it.
  std::string raw((kDumpMaxFrameBytes) + 1, '\0');
  std::string f = Header();
  AppendFrame(&f, 1, 1, Compress(raw), 16);  // header says 16 bytes
  Status s = ReadDumpBuffer(f, nullptr, nullptr);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("content size"), std::string::npos) << s.ToString();
}

TEST(DumpFormat, CraftedRecordLengthPastItsFrameIsRefusedNamingTheRecord) {
  std::string raw;
  raw += '\x03';
  raw += "abc";
  raw += '\x7f';  // says 127 bytes, 2 follow
  raw += "de";
  std::string f = Header();
  AppendFrame(&f, 1, 2, Compress(raw), static_cast<uint32_t>(raw.size()));
  Status s = ReadDumpBuffer(f, nullptr, nullptr);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("record 2: record length 127 runs past the end"),
            std::string::npos)
      << s.ToString();
}

TEST(DumpFormat, CraftedFrameWithFewerRecordsThanItsBytesIsRefused) {
  std::string raw = std::string("\x03") + "abc" + "\x01" + "z";
  std::string f = Header();
  AppendFrame(&f, 1, 1, Compress(raw), static_cast<uint32_t>(raw.size()));
  Status s = ReadDumpBuffer(f, nullptr, nullptr);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("bytes after its 1 records"), std::string::npos) << s.ToString();
}

TEST(DumpFormat, TrailerWithWrongRecordCountIsRefused) {
  std::string raw = std::string("\x03") + "abc";
  std::string f = Header();
  AppendFrame(&f, 1, 1, Compress(raw), static_cast<uint32_t>(raw.size()));
  const uint64_t whole = XXH3_64bits(f.data(), f.size());
  std::string t(32, '\0');
  PutU64(&t, 0, 2);  // claims 2 records
  PutU64(&t, 8, 1);
  PutU64(&t, 16, raw.size());
  PutU64(&t, 24, whole);
  AppendFrame(&f, 2, 0, t, 32);
  Status s = ReadDumpBuffer(f, nullptr, nullptr);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("trailer counts 2 records"), std::string::npos) << s.ToString();
}

// Where each record frame of a good dump lies: {offset, header + payload bytes}.
std::vector<std::pair<size_t, size_t>> RecordFrames(const std::string& dump) {
  std::vector<std::pair<size_t, size_t>> frames;
  size_t at = kHeader;
  while (at + kFrameHeader <= dump.size()) {
    auto u32 = [&](size_t p) {
      uint32_t v = 0;
      for (size_t i = 4; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(dump[p + i]);
      return v;
    };
    const uint32_t kind = u32(at), stored = u32(at + 8);
    if (kind != 1) break;
    frames.emplace_back(at, kFrameHeader + stored);
    at += kFrameHeader + stored;
  }
  return frames;
}

// Bytes 4..15 of a frame header: record_count, stored_bytes, raw_bytes.
std::string FrameSizes(const std::string& dump, std::pair<size_t, size_t> frame) {
  return dump.substr(frame.first + 4, 12);
}

// Every frame passes its own checks and the trailer's counts still add up: only the
// checksum of the whole file can tell.
void ExpectOnlyWholeFileChecksumFails(const std::string& bad, size_t records) {
  size_t visited = 0;
  Status s = ReadDumpBuffer(
      bad,
      [&](std::string_view) {
        ++visited;
        return Status::OK();
      },
      nullptr);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("whole-file checksum mismatch"), std::string::npos) << s.ToString();
  EXPECT_EQ(visited, records);  // every frame was good; the trailer is where it fails
  std::istringstream in(bad);
  s = ReadDump(in, nullptr, nullptr);
  EXPECT_NE(s.message().find("whole-file checksum mismatch"), std::string::npos) << s.ToString();
}

TEST(DumpFormat, FramesSwappedIntoAnotherOrderFailTheWholeFileChecksum) {
  DumpOptions small;
  small.frame_bytes = 4096;
  const auto recs = Records(60, 300);
  const std::string good = MakeDump(recs, small);
  const auto frames = RecordFrames(good);
  ASSERT_GE(frames.size(), 3u);
  ASSERT_EQ(frames.back().first + frames.back().second + kTrailer, good.size());
  // Swap the first two record frames.
  const auto [a, a_len] = frames[0];
  const auto [b, b_len] = frames[1];
  std::string bad = good.substr(0, a) + good.substr(b, b_len) + good.substr(a, a_len) +
                    good.substr(b + b_len);
  ASSERT_EQ(bad.size(), good.size());
  ASSERT_NE(bad, good);
  ExpectOnlyWholeFileChecksumFails(bad, recs.size());

  // Refused by the file readers too, and a restore writes nothing.
  TempDir t;
  {
    std::ofstream f(t.Sub("swapped.dump"), std::ios::binary);
    f << bad;
  }
  Status s = VerifyDumpFile(t.Sub("swapped.dump"), nullptr);
  EXPECT_NE(s.message().find("whole-file checksum mismatch"), std::string::npos) << s.ToString();
  Options o;
  o.create_if_missing = true;
  std::unique_ptr<Archive> db;
  ASSERT_TRUE(Archive::Open(o, t.Sub("db"), &db).ok());
  s = RestoreArchive(*db, t.Sub("swapped.dump"), nullptr);
  EXPECT_NE(s.message().find("whole-file checksum mismatch"), std::string::npos) << s.ToString();
  uint64_t n = 1;
  ASSERT_TRUE(db->Count(Filter(), &n).ok());
  EXPECT_EQ(n, 0u);
}

TEST(DumpFormat, FrameSplicedFromAnotherDumpOfTheSameSizeAndCountFailsTheWholeFileChecksum) {
  // Records of random bytes do not compress: zstd stores them as they are, so the frames
  // of two such dumps have the same sizes and counts and differ only in content.
  auto random_records = [](uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::string> v(40, std::string(500, '\0'));
    for (auto& r : v) {
      for (char& c : r) c = static_cast<char>(rng());
    }
    return v;
  };
  DumpOptions small;
  small.frame_bytes = 4096;
  const auto recs = random_records(1);
  const std::string good = MakeDump(recs, small);
  const std::string other = MakeDump(random_records(2), small);
  ASSERT_EQ(good.size(), other.size());
  const auto frames = RecordFrames(good);
  const auto other_frames = RecordFrames(other);
  ASSERT_EQ(frames, other_frames);
  ASSERT_GE(frames.size(), 3u);
  const auto [at, len] = frames[1];
  ASSERT_EQ(FrameSizes(good, frames[1]), FrameSizes(other, other_frames[1]));
  std::string bad = good;
  bad.replace(at, len, other.substr(at, len));
  ASSERT_NE(bad, good);
  ExpectOnlyWholeFileChecksumFails(bad, recs.size());
}

TEST(DumpFormat, VisitorErrorStopsTheReadAndNamesTheRecord) {
  int seen = 0;
  Status s = ReadDumpBuffer(
      MakeDump(Records(10)),
      [&](std::string_view) {
        return ++seen == 4 ? Status::InvalidArgument("no thanks") : Status::OK();
      },
      nullptr);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("record 4: no thanks"), std::string::npos) << s.ToString();
  EXPECT_EQ(seen, 4);
}

TEST(DumpFormat, RandomlyDamagedDumpsNeverCrashAndAreRefused) {
  DumpOptions small;
  small.frame_bytes = 4096;
  const std::string good = MakeDump(Records(30, 300), small);
  std::mt19937_64 rng(20261123);
  for (int round = 0; round < 3000; ++round) {
    std::string bad = good;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % bad.size();
      switch (rng() % 4) {
        case 0: bad[at] = static_cast<char>(rng()); break;                  // overwrite
        case 1: bad.erase(at, 1 + rng() % 64); break;                       // cut out
        case 2: bad.insert(at, std::string(1 + rng() % 16, '\xff')); break;  // insert
        default: bad.resize(at); break;                                     // truncate
      }
      if (bad.empty()) break;
    }
    if (bad == good) continue;
    Status s = ReadDumpBuffer(bad, [](std::string_view) { return Status::OK(); }, nullptr);
    EXPECT_FALSE(s.ok()) << "round " << round << " accepted a damaged dump";
  }
}

// ---- archives ----

std::unique_ptr<Archive> Open(const std::string& dir) {
  Options o;
  o.create_if_missing = true;
  std::unique_ptr<Archive> db;
  Status s = Archive::Open(o, dir, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return db;
}

std::map<std::string, std::string> Contents(Archive& db) {
  std::map<std::string, std::string> m;
  Status s = db.ForEachRecord([&](std::string_view rec) {
    Article a;
    EXPECT_TRUE(a.ParseFromArray(rec.data(), static_cast<int>(rec.size())));
    m[a.id()] = std::string(rec);
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return m;
}

void Fill(Archive& db, int from, int to) {
  std::vector<Article> batch;
  for (int i = from; i < to; ++i) {
    batch.emplace_back();
    std::string r = Record(i);
    ASSERT_TRUE(batch.back().ParseFromString(r));
  }
  Status s = db.PutBatch(WriteOptions(), batch);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

TEST(DumpArchive, DumpThenRestoreIntoNewArchiveGivesEveryRecordBack) {
  TempDir t;
  auto a = Open(t.Sub("a"));
  Fill(*a, 0, 2500);
  DumpStats ds;
  Status s = DumpArchive(*a, t.Sub("a.dump"), &ds);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ds.records, 2500u);
  EXPECT_EQ(ds.bytes, fs::file_size(t.Sub("a.dump")));
  DumpStats vs;
  ASSERT_TRUE(VerifyDumpFile(t.Sub("a.dump"), &vs).ok());
  EXPECT_EQ(vs.records, 2500u);

  auto b = Open(t.Sub("b"));
  DumpStats rs;
  s = RestoreArchive(*b, t.Sub("a.dump"), &rs);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(rs.records, 2500u);
  EXPECT_EQ(Contents(*a), Contents(*b));
  VerifyReport report;
  ASSERT_TRUE(b->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << (report.messages.empty() ? "" : report.messages[0]);
}

TEST(DumpArchive, DumpToPathLeavesNothingBehindWhenStopped) {
  TempDir t;
  auto a = Open(t.Sub("a"));
  Fill(*a, 0, 3000);
  DumpStats ds;
  Status s = DumpArchive(*a, t.Sub("a.dump"), &ds, [](uint64_t done) { return done < 2000; });
  EXPECT_TRUE(s.IsAborted()) << s.ToString();
  EXPECT_FALSE(fs::exists(t.Sub("a.dump")));
  for (const auto& e : fs::directory_iterator(t.path())) {
    EXPECT_EQ(e.path().filename().string().find("a.dump"), std::string::npos) << e.path();
  }
}

TEST(DumpArchive, FailedVerifyFirstRestoreLeavesMergeTargetAsItWas) {
  TempDir t;
  auto a = Open(t.Sub("a"));
  Fill(*a, 0, 3000);
  ASSERT_TRUE(DumpArchive(*a, t.Sub("a.dump"), nullptr).ok());
  // Damage the last byte: every frame is good, the trailer is not.
  {
    std::fstream f(t.Sub("a.dump"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-1, std::ios::end);
    char c = 0;
    f.get(c);
    f.seekp(-1, std::ios::end);
    f.put(static_cast<char>(c ^ 0x01));
  }
  auto b = Open(t.Sub("b"));
  Fill(*b, 2900, 2950);  // overlaps the dump's ids
  Article changed;
  ASSERT_TRUE(changed.ParseFromString(Record(2901)));
  changed.set_title("kept as it was");
  ASSERT_TRUE(b->Put(WriteOptions(), changed).ok());
  const auto before = Contents(*b);
  Status s = RestoreArchive(*b, t.Sub("a.dump"), nullptr);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_EQ(Contents(*b), before);
}

TEST(DumpArchive, MergeRestoreAddsAndReplacesById) {
  TempDir t;
  auto a = Open(t.Sub("a"));
  Fill(*a, 0, 100);
  ASSERT_TRUE(DumpArchive(*a, t.Sub("a.dump"), nullptr).ok());
  auto b = Open(t.Sub("b"));
  Fill(*b, 50, 150);
  ASSERT_TRUE(RestoreArchive(*b, t.Sub("a.dump"), nullptr).ok());
  EXPECT_EQ(Contents(*b).size(), 150u);
}

TEST(DumpArchive, RecordFailingValidationIsRefusedWithItsLocation) {
  TempDir t;
  Article no_source;
  no_source.set_id("x/1");
  std::string dump = MakeDump({Record(1), no_source.SerializeAsString()});
  {
    std::ofstream f(t.Sub("bad.dump"), std::ios::binary);
    f << dump;
  }
  Status s = VerifyDumpFile(t.Sub("bad.dump"), nullptr);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("record 2:"), std::string::npos) << s.ToString();
  auto b = Open(t.Sub("b"));
  s = RestoreArchive(*b, t.Sub("bad.dump"), nullptr);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(Contents(*b).empty());
}

// For every string of the schema (found by reflection), a dump whose second record holds
// invalid UTF-8 there is refused, and a restore into an archive leaves it as it was.
TEST(DumpArchive, RecordWithInvalidUtf8InAnyStringFieldIsRefusedAndTheTargetKept) {
  TempDir t;
  auto b = Open(t.Sub("b"));
  Fill(*b, 0, 20);
  const auto before = Contents(*b);
  const auto slots = testing::ArticleStringSlots();
  ASSERT_GE(slots.size(), 12u);
  for (const auto& slot : slots) {
    SCOPED_TRACE(slot.path);
    // Another writer's record: serialized with a marker, then the marker's bytes replaced
    // (protobuf would not serialize invalid UTF-8 without complaint).
    Article a = testing::ArticleWithEveryString("r/5");
    const std::string marker = "MARKER!";
    slot.set(&a, marker);
    std::string rec = a.SerializeAsString();
    const size_t at = rec.find(marker);
    ASSERT_NE(at, std::string::npos);
    ASSERT_EQ(rec.find(marker, at + 1), std::string::npos);
    rec.replace(at, marker.size(), std::string("ok\xed\xa0\x80ok", 7));
    const std::string file = t.Sub("bad.dump");
    {
      std::ofstream f(file, std::ios::binary | std::ios::trunc);
      f << MakeDump({Record(100), rec, Record(101)});
    }
    // The message names the record and the field.
    const std::string where = "record 2: ";
    const std::string field = "field '" + slot.path + "': ";
    Status s = VerifyDumpFile(file, nullptr);
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find(where), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find(field), std::string::npos) << s.ToString();
    s = RestoreArchive(*b, file, nullptr);
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find(where), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find(field), std::string::npos) << s.ToString();
    EXPECT_EQ(Contents(*b), before);
  }
  VerifyReport report;
  ASSERT_TRUE(b->Verify(&report).ok());
  EXPECT_TRUE(report.ok()) << (report.messages.empty() ? "" : report.messages[0]);
}

TEST(DumpArchive, RecordThatIsNotAnArticleIsCorruption) {
  TempDir t;
  std::string dump = MakeDump({"\xff\xff\xff garbage"});
  {
    std::ofstream f(t.Sub("bad.dump"), std::ios::binary);
    f << dump;
  }
  Status s = VerifyDumpFile(t.Sub("bad.dump"), nullptr);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("record 1: record does not parse"), std::string::npos);
}

TEST(DumpArchive, DumpWhileWritingIsOneConsistentSnapshot) {
  TempDir t;
  auto a = Open(t.Sub("a"));
  Fill(*a, 0, 2000);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    // Each batch adds 10 new articles atomically: a snapshot holds a multiple of 10.
    for (int i = 2000; !stop && i < 200000; i += 10) Fill(*a, i, i + 10);
  });
  DumpStats ds;
  Status s = DumpArchive(*a, t.Sub("a.dump"), &ds);
  stop = true;
  writer.join();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ds.records % 10, 0u);
  EXPECT_GE(ds.records, 2000u);
  std::set<std::string> ids;
  Article art;
  ASSERT_TRUE(ReadDumpBuffer(
                  [&] {
                    std::ifstream f(t.Sub("a.dump"), std::ios::binary);
                    return std::string(std::istreambuf_iterator<char>(f), {});
                  }(),
                  [&](std::string_view r) {
                    art.ParseFromArray(r.data(), static_cast<int>(r.size()));
                    ids.insert(art.id());
                    return Status::OK();
                  },
                  nullptr)
                  .ok());
  EXPECT_EQ(ids.size(), ds.records);  // no record twice
}

}  // namespace
}  // namespace articledb
