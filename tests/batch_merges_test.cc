// BatchMerges (src/index/contributor.h): the one operand per key it writes means what the
// operands it replaces mean, one by one, in order.
#include <gtest/gtest.h>
#include <rocksdb/write_batch.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "index/contributor.h"
#include "index/counters.h"
#include "index/posting_block.h"

namespace articledb::index {
namespace {

// The merges of a batch, by key, in order.
class Merges : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
    by_key[key.ToString()].push_back(value.ToString());
    return rocksdb::Status::OK();
  }
  std::map<std::string, std::vector<std::string>> by_key;
};

// What the counters' merge operator makes of operands in order (counters.cc).
std::pair<int64_t, std::string> FoldCounters(const std::vector<std::string>& operands) {
  int64_t sum = 0;
  std::string display;
  for (const std::string& op : operands) {
    int64_t delta = 0;
    std::string_view name;
    EXPECT_TRUE(counters::Decode(op, &delta, &name));
    sum = static_cast<int64_t>(static_cast<uint64_t>(sum) + static_cast<uint64_t>(delta));
    if (!name.empty()) display.assign(name);
  }
  return {sum, display};
}

TEST(BatchMergesTest, OneOperandPerKeyMeansWhatTheOperandsInOrderMean) {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 200; ++round) {
    BatchMerges merges;
    std::map<std::string, std::vector<std::string>> one_by_one;
    // A stored block the operands apply to.
    std::vector<Posting> stored;
    for (int i = 0; i < 20; ++i) stored.push_back(Posting{int64_t(i) * 10, uint64_t(i)});
    std::string base;
    EncodeBlock(stored, &base);
    const int ops = 1 + static_cast<int>(rng() % 60);
    for (int i = 0; i < ops; ++i) {
      if (rng() % 3 == 0) {
        const std::string key = std::string("#c") + char('0' + rng() % 3);
        const int64_t delta = static_cast<int64_t>(rng() % 5) - 2;
        const std::string display = rng() % 2 ? "" : "Name" + std::to_string(rng() % 4);
        merges.AddCounter(key, delta, display);
        one_by_one[key].push_back(counters::Encode(delta, display));
      } else {
        const std::string key = std::string("E") + char('a' + rng() % 3);
        const Posting p{int64_t(rng() % 8) * 10, rng() % 8};  // few: adds and removes collide
        const bool add = rng() % 3 != 0;
        merges.AddPosting(key, p, add);
        one_by_one[key].push_back(add ? AddOperand(p) : RemoveOperand(p));
      }
    }
    rocksdb::WriteBatch batch;
    merges.WriteTo(&batch, nullptr, nullptr);
    EXPECT_TRUE(merges.empty());
    Merges written;
    ASSERT_TRUE(batch.Iterate(&written).ok());
    ASSERT_EQ(written.by_key.size(), one_by_one.size()) << "round " << round;
    for (const auto& [key, ops_in_order] : one_by_one) {
      const auto& got = written.by_key[key];
      ASSERT_EQ(got.size(), 1u) << key;
      if (key[0] == '#') {
        EXPECT_EQ(FoldCounters(got), FoldCounters(ops_in_order)) << key << " round " << round;
        continue;
      }
      std::vector<std::string_view> want_ops(ops_in_order.begin(), ops_in_order.end());
      const std::vector<std::string_view> got_ops(got.begin(), got.end());
      const std::string* const bases[] = {nullptr, &base};
      for (const std::string* b : bases) {
        const std::string_view bv = b ? std::string_view(*b) : std::string_view();
        std::string want_block, got_block;
        ASSERT_TRUE(ApplyOperands(b ? &bv : nullptr, want_ops, &want_block));
        ASSERT_TRUE(ApplyOperands(b ? &bv : nullptr, got_ops, &got_block));
        std::vector<Posting> want_p, got_p;
        ASSERT_TRUE(DecodeBlock(want_block, &want_p));
        ASSERT_TRUE(DecodeBlock(got_block, &got_p));
        EXPECT_EQ(got_p, want_p) << key << " round " << round << (b ? " on a block" : " alone");
      }
    }
  }
}

}  // namespace
}  // namespace articledb::index
