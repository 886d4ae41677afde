// Posting blocks (src/index/posting_block.h): the codec, the merge operator against a
// std::set model, and damaged bytes.
#include "index/posting_block.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "test_util.h"

namespace articledb::index {
namespace {

std::vector<Posting> RandomPostings(std::mt19937_64& rng, size_t n, int64_t unit) {
  std::set<Posting> s;
  std::uniform_int_distribution<int64_t> t(-1000, 100000);
  std::uniform_int_distribution<uint64_t> d(0, 5000);
  while (s.size() < n) s.insert(Posting{t(rng) * unit, d(rng)});
  return {s.begin(), s.end()};
}

std::vector<Posting> RoundTrip(const std::vector<Posting>& in) {
  std::string block;
  EncodeBlock(in, &block);
  std::vector<Posting> out;
  EXPECT_TRUE(DecodeBlock(block, &out));
  return out;
}

TEST(PostingBlock, EmptyListIsTheEmptyString) {
  std::string block = "x";
  EncodeBlock({}, &block);
  EXPECT_EQ(block, "");
  std::vector<Posting> out{{1, 1}};
  EXPECT_TRUE(DecodeBlock("", &out));
  EXPECT_TRUE(out.empty());
}

TEST(PostingBlock, RoundTripsEveryChunkBoundaryAndTimeUnit) {
  std::mt19937_64 rng(7);
  for (int64_t unit : {int64_t{1}, int64_t{1000}, int64_t{1000000}, int64_t{7}}) {
    for (size_t n : {size_t{1}, size_t{2}, size_t{127}, size_t{128}, size_t{129}, size_t{256},
                     size_t{1000}}) {
      const auto in = RandomPostings(rng, n, unit);
      EXPECT_EQ(RoundTrip(in), in) << "n=" << n << " unit=" << unit;
    }
  }
}

TEST(PostingBlock, RoundTripsExtremeTimesAndDocnos) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr uint64_t kMaxD = std::numeric_limits<uint64_t>::max();
  const std::vector<Posting> in = {{kMin, 0}, {kMin, kMaxD}, {-1, 5}, {0, kMaxD},
                                   {0 + 1, 0}, {kMax - 1, 3}, {kMax, 0}, {kMax, kMaxD}};
  EXPECT_EQ(RoundTrip(in), in);
  const std::vector<Posting> seconds = {{-62135596800000000, 1}, {253402300799000000, 2}};
  EXPECT_EQ(RoundTrip(seconds), seconds);
}

TEST(PostingBlock, WholeSecondTimesCostLessThanMicrosecondTimes) {
  std::vector<Posting> s, us;
  for (uint64_t i = 0; i < 1000; ++i) {
    s.push_back({1700000000000000 + static_cast<int64_t>(i) * 300000000, i});
    us.push_back({1700000000000000 + static_cast<int64_t>(i) * 300000001, i});
  }
  std::string bs, bus;
  EncodeBlock(s, &bs);
  EncodeBlock(us, &bus);
  EXPECT_LT(bs.size() * 3, bus.size() * 2) << bs.size() << " vs " << bus.size();
  EXPECT_LT(bs.size(), 4 * s.size());  // ~2 bytes time delta + 1 byte docno delta
}

TEST(PostingBlock, ReaderWalksChunksBackwardAndFindsTheChunkOfATarget) {
  std::mt19937_64 rng(11);
  const auto in = RandomPostings(rng, 1000, 1000000);
  std::string block;
  EncodeBlock(in, &block);
  BlockReader r;
  ASSERT_TRUE(r.Init(block));
  ASSERT_EQ(r.size(), in.size());
  ASSERT_EQ(r.chunk_count(), (in.size() + kChunkPostings - 1) / kChunkPostings);
  std::vector<Posting> backward, chunk;
  for (size_t i = r.chunk_count(); i-- > 0;) {
    ASSERT_TRUE(r.DecodeChunk(i, &chunk));
    EXPECT_EQ(chunk.front(), r.chunk_first(i));
    backward.insert(backward.end(), chunk.rbegin(), chunk.rend());
  }
  std::vector<Posting> expect(in.rbegin(), in.rend());
  EXPECT_EQ(backward, expect);
  // FindChunk: the chunk that holds the first posting >= target (or the one before it).
  for (int k = 0; k < 200; ++k) {
    const Posting target{std::uniform_int_distribution<int64_t>(-2000, 101000)(rng) * 1000000,
                         std::uniform_int_distribution<uint64_t>(0, 5000)(rng)};
    const auto want = std::lower_bound(in.begin(), in.end(), target);
    const size_t c = r.FindChunk(target);
    ASSERT_TRUE(r.DecodeChunk(c, &chunk));
    if (want == in.end()) {
      EXPECT_TRUE(chunk.back() < target);
      EXPECT_EQ(c, r.chunk_count() - 1);
    } else {
      EXPECT_TRUE(std::find(chunk.begin(), chunk.end(), *want) != chunk.end() ||
                  (c + 1 < r.chunk_count() && r.chunk_first(c + 1) == *want));
    }
  }
}

// ---- merge semantics against a std::set model ----

struct Model {
  std::set<Posting> set;
};

// Random operands over a small universe so adds and removes collide.
std::vector<std::string> RandomOperands(std::mt19937_64& rng, Model* model, size_t n) {
  std::vector<std::string> ops;
  std::uniform_int_distribution<int> pick(0, 40);
  for (size_t i = 0; i < n; ++i) {
    const Posting p{pick(rng) * 1000000LL, static_cast<uint64_t>(pick(rng) % 5)};
    if (rng() % 3 == 0) {
      ops.push_back(RemoveOperand(p));
      model->set.erase(p);
    } else {
      ops.push_back(AddOperand(p));
      model->set.insert(p);
    }
  }
  return ops;
}

std::vector<std::string_view> Views(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

// Folds operands with PartialMergeMulti in random contiguous groups until few remain.
std::vector<std::string> PartiallyMerge(std::mt19937_64& rng, std::vector<std::string> ops,
                                        const rocksdb::MergeOperator& op) {
  while (ops.size() > 1 && rng() % 4 != 0) {
    const size_t begin = rng() % ops.size();
    const size_t len = 1 + rng() % (ops.size() - begin);
    std::deque<rocksdb::Slice> group;
    for (size_t i = begin; i < begin + len; ++i) group.emplace_back(ops[i]);
    std::string merged;
    EXPECT_TRUE(op.PartialMergeMulti("k", group, &merged, nullptr));
    ops.erase(ops.begin() + static_cast<ptrdiff_t>(begin),
              ops.begin() + static_cast<ptrdiff_t>(begin + len));
    ops.insert(ops.begin() + static_cast<ptrdiff_t>(begin), merged);
  }
  return ops;
}

TEST(PostingBlockMerge, OperandsAppliedInOrderMatchASetModelWithPartialMergesInRandomGroups) {
  const auto op = NewMergeOperator();
  std::mt19937_64 rng(3);
  for (int round = 0; round < 300; ++round) {
    Model model;
    // A base block from a first batch of operands (or none).
    std::string base;
    const bool has_base = rng() % 2 == 0;
    if (has_base) {
      const auto first = RandomOperands(rng, &model, 1 + rng() % 30);
      const auto v = Views(first);
      ASSERT_TRUE(ApplyOperands(nullptr, v, &base));
    }
    const auto ops = PartiallyMerge(rng, RandomOperands(rng, &model, 1 + rng() % 60), *op);
    std::vector<rocksdb::Slice> slices(ops.begin(), ops.end());
    const rocksdb::Slice base_slice(base);
    rocksdb::MergeOperator::MergeOperationInput in("k", has_base ? &base_slice : nullptr,
                                                   slices, nullptr);
    std::string result;
    rocksdb::Slice existing_operand;
    rocksdb::MergeOperator::MergeOperationOutput out(result, existing_operand);
    ASSERT_TRUE(op->FullMergeV2(in, &out));
    std::vector<Posting> got;
    ASSERT_TRUE(DecodeBlock(result, &got));
    EXPECT_EQ(got, std::vector<Posting>(model.set.begin(), model.set.end())) << "round " << round;
  }
}

std::vector<Impact> RandomImpacts(std::mt19937_64& rng, size_t n) {
  std::vector<Impact> v(n);
  for (Impact& i : v) {
    i.tf = 1 + static_cast<uint32_t>(rng() % (rng() % 8 == 0 ? 100000 : 5));
    i.length = 1 + static_cast<uint32_t>(rng() % (rng() % 8 == 0 ? 4000000000u : 500));
  }
  return v;
}

TEST(PostingBlock, ImpactBlocksRoundTripTheirImpactsAtEveryChunkBoundary) {
  std::mt19937_64 rng(11);
  for (size_t n : {size_t{1}, size_t{2}, size_t{127}, size_t{128}, size_t{129}, size_t{1000}}) {
    const auto in = RandomPostings(rng, n, 1000000);
    const auto impacts = RandomImpacts(rng, n);
    std::string block;
    EncodeBlock(in, &block, impacts.data());
    EXPECT_EQ(block[0] & 0xf0, kImpactBlockTag);
    std::vector<Posting> out;
    std::vector<Impact> out_impacts;
    ASSERT_TRUE(DecodeBlock(block, &out, &out_impacts)) << n;
    EXPECT_EQ(out, in);
    EXPECT_EQ(out_impacts, impacts);
    ASSERT_TRUE(DecodeBlock(block, &out));  // the postings alone
    EXPECT_EQ(out, in);
    BlockReader reader;
    ASSERT_TRUE(reader.Init(block));
    EXPECT_TRUE(reader.has_impacts());
    std::vector<Impact> chunk_impacts;
    ASSERT_TRUE(reader.DecodeChunk(reader.chunk_count() - 1, &out, &chunk_impacts));
    EXPECT_EQ(chunk_impacts.back(), impacts.back());
    for (size_t c = 0; c < reader.chunk_count(); ++c) {
      Impact most = impacts[c * kChunkPostings];
      for (size_t k = c * kChunkPostings; k < std::min(n, (c + 1) * kChunkPostings); ++k) {
        most.tf = std::max(most.tf, impacts[k].tf);
        most.length = std::min(most.length, impacts[k].length);
      }
      EXPECT_EQ(reader.chunk_max(c), most) << "chunk " << c;
    }
    // A block without impacts gives zeros.
    EncodeBlock(in, &block);
    ASSERT_TRUE(DecodeBlock(block, &out, &out_impacts));
    EXPECT_EQ(out_impacts, std::vector<Impact>(n));
    ASSERT_TRUE(reader.Init(block));
    EXPECT_FALSE(reader.has_impacts());
  }
}

TEST(PostingBlock, AnImpactBlockWhoseChunkMaximaUnderstateItsImpactsIsRejected) {
  // One chunk, every varint one byte: tag, count, time, docno, tf, length, largest tf,
  // smallest length, then the other postings.
  const std::vector<Posting> in = {{0, 1}, {0, 2}, {0, 3}};
  const std::vector<Impact> impacts = {{1, 50}, {7, 40}, {2, 60}};
  std::string block;
  EncodeBlock(in, &block, impacts.data());
  ASSERT_EQ(block[6], 7);
  ASSERT_EQ(block[7], 40);
  std::vector<Posting> out;
  std::vector<Impact> out_impacts;
  ASSERT_TRUE(DecodeBlock(block, &out, &out_impacts));
  for (const auto& [at, value] : {std::pair{6, 6}, std::pair{7, 41}}) {
    std::string damaged = block;
    damaged[at] = static_cast<char>(value);
    EXPECT_FALSE(DecodeBlock(damaged, &out, &out_impacts)) << "byte " << at;
    EXPECT_FALSE(DecodeBlock(damaged, &out)) << "byte " << at << ", postings alone";
  }
}

TEST(PostingBlock, EveryTruncationOfAnImpactBlockIsRejected) {
  std::mt19937_64 rng(12);
  const auto in = RandomPostings(rng, 300, 1000000);
  const auto impacts = RandomImpacts(rng, in.size());
  std::string block;
  EncodeBlock(in, &block, impacts.data());
  std::vector<Posting> out;
  std::vector<Impact> out_impacts;
  for (size_t len = 1; len < block.size(); ++len) {
    EXPECT_FALSE(DecodeBlock(std::string_view(block).substr(0, len), &out, &out_impacts)) << len;
  }
}

TEST(PostingBlockMerge, AnAddOfAPostingAlreadyThereReplacesItsImpactThroughPartialMerges) {
  const auto op = NewMergeOperator();
  std::mt19937_64 rng(13);
  for (int round = 0; round < 200; ++round) {
    std::map<Posting, Impact> model;
    auto random_ops = [&](size_t n) {
      std::vector<std::string> ops;
      for (size_t i = 0; i < n; ++i) {
        const Posting p{static_cast<int64_t>(rng() % 20) * 1000000, rng() % 5};
        std::string o;
        if (rng() % 3 == 0) {
          EncodeOperand({}, {&p, 1}, &o);
          model.erase(p);
        } else {
          const Impact imp = RandomImpacts(rng, 1)[0];
          EncodeOperand({&p, 1}, {}, &o, &imp);
          model[p] = imp;
        }
        ops.push_back(o);
      }
      return ops;
    };
    std::string base;
    const auto first = random_ops(1 + rng() % 20);
    ASSERT_TRUE(ApplyOperands(nullptr, Views(first), &base));
    const auto ops = PartiallyMerge(rng, random_ops(1 + rng() % 40), *op);
    std::vector<std::string_view> views(ops.begin(), ops.end());
    const std::string_view base_view(base);
    std::string result;
    ASSERT_TRUE(ApplyOperands(&base_view, views, &result));
    std::vector<Posting> got;
    std::vector<Impact> got_impacts;
    ASSERT_TRUE(DecodeBlock(result, &got, &got_impacts));
    std::map<Posting, Impact> have;
    for (size_t i = 0; i < got.size(); ++i) have[got[i]] = got_impacts[i];
    EXPECT_EQ(have, model) << "round " << round;
  }
}

TEST(PostingBlockMerge, RemovingEveryPostingLeavesTheEmptyBlock) {
  const std::vector<std::string> ops = {AddOperand({5, 1}), AddOperand({6, 2}),
                                        RemoveOperand({5, 1}), RemoveOperand({6, 2})};
  const auto v = Views(ops);
  std::string result = "x";
  ASSERT_TRUE(ApplyOperands(nullptr, v, &result));
  EXPECT_EQ(result, "");
}

TEST(PostingBlockMerge, DamagedBaseOrOperandFailsTheMerge) {
  const std::vector<std::string> ops = {AddOperand({5, 1})};
  const auto v = Views(ops);
  std::string result;
  const std::string_view bad_base = "\x10\x05";  // count 5, no bytes
  EXPECT_FALSE(ApplyOperands(&bad_base, v, &result));
  const std::vector<std::string_view> bad_ops = {"\x02\x01"};
  EXPECT_FALSE(ApplyOperands(nullptr, bad_ops, &result));
  // An operand that adds and removes the same posting is not valid.
  std::string both;
  const Posting p{1, 1};
  EncodeOperand({&p, 1}, {&p, 1}, &both);
  std::vector<Posting> a, r;
  EXPECT_FALSE(DecodeOperand(both, &a, &r));
}

TEST(PostingBlockMerge, RocksDbMergesThroughFlushesAndCompactionsAndDropsEmptyBlocks) {
  testing::TempDir dir;
  rocksdb::Options options;
  options.create_if_missing = true;
  options.merge_operator = NewMergeOperator();
  options.compaction_filter_factory = NewEmptyBlockFilterFactory();
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir.path(), &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::mt19937_64 rng(5);
  std::map<std::string, Model> models;
  for (int step = 0; step < 2000; ++step) {
    const std::string key = "k" + std::to_string(rng() % 5);
    auto ops = RandomOperands(rng, &models[key], 1);
    ASSERT_TRUE(db->Merge(rocksdb::WriteOptions(), key, ops[0]).ok());
    if (step % 300 == 299) {
      ASSERT_TRUE(db->Flush(rocksdb::FlushOptions()).ok());
    }
    if (step % 700 == 699) {
      ASSERT_TRUE(db->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr).ok());
    }
  }
  // Empty "k9": its postings added then removed.
  ASSERT_TRUE(db->Merge(rocksdb::WriteOptions(), "k9", AddOperand({1, 1})).ok());
  ASSERT_TRUE(db->Merge(rocksdb::WriteOptions(), "k9", RemoveOperand({1, 1})).ok());
  for (const auto& [key, model] : models) {
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key, &value).ok());
    std::vector<Posting> got;
    ASSERT_TRUE(DecodeBlock(value, &got));
    EXPECT_EQ(got, std::vector<Posting>(model.set.begin(), model.set.end())) << key;
  }
  std::string value;
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), "k9", &value).ok());
  EXPECT_EQ(value, "");
  // Two compactions: the first writes the merged (empty) value, the second filters it.
  rocksdb::CompactRangeOptions force;
  force.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  ASSERT_TRUE(db->CompactRange(force, nullptr, nullptr).ok());
  ASSERT_TRUE(db->CompactRange(force, nullptr, nullptr).ok());
  EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), "k9", &value).IsNotFound());
}

// ---- damaged input ----

TEST(PostingBlock, EveryTruncationOfABlockIsRejected) {
  std::mt19937_64 rng(9);
  const auto in = RandomPostings(rng, 300, 1000);
  std::string block;
  EncodeBlock(in, &block);
  std::vector<Posting> out;
  for (size_t n = 1; n < block.size(); ++n) {
    EXPECT_FALSE(DecodeBlock(std::string_view(block).substr(0, n), &out)) << "cut at " << n;
  }
}

TEST(PostingBlock, FlippedBytesAreRejectedOrDecodeToAStrictlyAscendingList) {
  std::mt19937_64 rng(13);
  const auto in = RandomPostings(rng, 300, 1);
  std::string block;
  EncodeBlock(in, &block);
  std::vector<Posting> out;
  size_t rejected = 0;
  for (size_t i = 0; i < block.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = block;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      if (!DecodeBlock(bad, &out)) {
        ++rejected;
        continue;
      }
      EXPECT_TRUE(std::adjacent_find(out.begin(), out.end(), [](auto& a, auto& b) {
                    return !(a < b);
                  }) == out.end());
    }
  }
  EXPECT_GT(rejected, block.size());  // most flips break a length, a count or the order
}

TEST(PostingBlock, CraftedHeadersAreRejectedWithoutAllocatingWhatTheyClaim) {
  std::vector<Posting> out;
  ASSERT_TRUE(DecodeBlock(std::string_view("\x10\x01\x02\x07", 4), &out));  // (1, 7)
  EXPECT_EQ(out, (std::vector<Posting>{{1, 7}}));
  EXPECT_FALSE(DecodeBlock(std::string_view("\x01\x01\x02\x07", 4), &out));  // unknown tag
  EXPECT_FALSE(DecodeBlock(std::string_view("\x13\x01\x02\x07", 4), &out));  // unit 10^9
  EXPECT_FALSE(DecodeBlock(std::string_view("\x10\x00\x02\x07", 4), &out));  // count 0
  EXPECT_FALSE(DecodeBlock(std::string_view("\x10\x01\x02\x07\x00", 5), &out));  // extra byte
  // A count of 2^63: larger than the bytes, refused before any allocation.
  const std::string huge("\x10\xff\xff\xff\xff\xff\xff\xff\xff\x7f\x02\x07", 12);
  EXPECT_FALSE(DecodeBlock(huge, &out));
  // An 11-byte varint.
  EXPECT_FALSE(DecodeBlock(std::string("\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12),
                           &out));
  // A time delta that would pass the largest time.
  std::string block;
  const std::vector<Posting> two = {{std::numeric_limits<int64_t>::max() - 5, 1},
                                    {std::numeric_limits<int64_t>::max(), 1}};
  EncodeBlock(two, &block);
  ASSERT_TRUE(DecodeBlock(block, &out));
  std::string bad = block;
  bad[bad.size() - 2] = 0x07;  // delta 7 > 5
  EXPECT_FALSE(DecodeBlock(bad, &out));
  // Equal postings (time delta 0, docno delta 0) break the strict order.
  bad[bad.size() - 2] = 0x00;
  bad[bad.size() - 1] = 0x00;
  EXPECT_FALSE(DecodeBlock(bad, &out));
}

}  // namespace
}  // namespace articledb::index
