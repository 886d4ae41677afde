#include "index/posting_block.h"

#include <rocksdb/compaction_filter.h>
#include <rocksdb/merge_operator.h>

#include <algorithm>
#include <cassert>
#include <limits>

#include "codec/codec.h"

namespace articledb::index {

namespace {

constexpr int64_t kScales[] = {1, 1000, 1000000};

using codec::PutVarint64;
using codec::ZigZagDecode;
using codec::ZigZagEncode;

// Reads a varint at *p (< end) and advances *p; false when truncated or longer than 64
// bits (codec::GetVarint64 on the pointer pair the hot loops walk).
inline bool GetVarint(const char** p, const char* end, uint64_t* v) {
  std::string_view in(*p, static_cast<size_t>(end - *p));
  if (!codec::GetVarint64(&in, v)) return false;
  *p = in.data();
  return true;
}

int ChooseScale(std::span<const Posting> postings) {
  for (int s = 2; s > 0; --s) {
    const int64_t unit = kScales[s];
    bool all = true;
    for (const Posting& p : postings) {
      if (p.time % unit != 0) {
        all = false;
        break;
      }
    }
    if (all) return s;
  }
  return 0;
}

}  // namespace

namespace {

template <int64_t kScale>
void EncodeChunks(std::span<const Posting> postings, const Impact* impacts, std::string* out) {
  // Data first into a scratch string (its sizes go in the directory).
  thread_local std::string data;
  thread_local std::string dir;
  data.clear();
  dir.clear();
  for (size_t begin = 0; begin < postings.size(); begin += kChunkPostings) {
    const size_t end = std::min(postings.size(), begin + kChunkPostings);
    const size_t before = data.size();
    int64_t prev_t = postings[begin].time / kScale;
    uint64_t prev_d = postings[begin].docno;
    for (size_t i = begin + 1; i < end; ++i) {
      const int64_t t = postings[i].time / kScale;
      PutVarint64(&data, static_cast<uint64_t>(t) - static_cast<uint64_t>(prev_t));
      PutVarint64(&data, ZigZagEncode(static_cast<int64_t>(postings[i].docno - prev_d)));
      if (impacts != nullptr) {
        PutVarint64(&data, impacts[i].tf);
        PutVarint64(&data, impacts[i].length);
      }
      prev_t = t;
      prev_d = postings[i].docno;
    }
    PutVarint64(&dir, ZigZagEncode(postings[begin].time / kScale));
    PutVarint64(&dir, postings[begin].docno);
    if (impacts != nullptr) {
      PutVarint64(&dir, impacts[begin].tf);
      PutVarint64(&dir, impacts[begin].length);
      // The chunk's maxima: its largest frequency and smallest length.
      Impact most = impacts[begin];
      for (size_t i = begin + 1; i < end; ++i) {
        most.tf = std::max(most.tf, impacts[i].tf);
        most.length = std::min(most.length, impacts[i].length);
      }
      PutVarint64(&dir, most.tf);
      PutVarint64(&dir, most.length);
    }
    // The last chunk's size is what remains of the block.
    if (end < postings.size()) PutVarint64(&dir, data.size() - before);
  }
  out->append(dir);
  out->append(data);
}

// Reads an impact's two varints; false when truncated or out of range.
inline bool GetImpact(const char** p, const char* end, Impact* imp) {
  uint64_t tf = 0, length = 0;
  if (!GetVarint(p, end, &tf) || !GetVarint(p, end, &length)) return false;
  if (tf > UINT32_MAX || length > UINT32_MAX) return false;
  *imp = Impact{static_cast<uint32_t>(tf), static_cast<uint32_t>(length)};
  return true;
}

bool AnyImpact(const std::vector<Impact>& impacts) {
  return std::any_of(impacts.begin(), impacts.end(), [](const Impact& i) { return i.tf != 0; });
}

}  // namespace

void EncodeBlock(std::span<const Posting> postings, std::string* out, const Impact* impacts) {
  out->clear();
  if (postings.empty()) return;
  assert(std::is_sorted(postings.begin(), postings.end()));
  const int scale_code = ChooseScale(postings);
  const char tag = impacts != nullptr ? kImpactBlockTag : kBlockTag;
  out->push_back(static_cast<char>(tag + scale_code));
  PutVarint64(out, postings.size());
  switch (scale_code) {
    case 2: EncodeChunks<1000000>(postings, impacts, out); break;
    case 1: EncodeChunks<1000>(postings, impacts, out); break;
    default: EncodeChunks<1>(postings, impacts, out); break;
  }
}

bool BlockReader::Init(std::string_view block) {
  block_ = block;
  chunks_.clear();
  count_ = 0;
  scale_ = 1;
  impacts_ = false;
  if (block.empty()) return true;
  const char* p = block.data();
  const char* const end = p + block.size();
  const auto tag = static_cast<uint8_t>(*p++);
  impacts_ = tag >= static_cast<uint8_t>(kImpactBlockTag);
  const int scale_code = tag - (impacts_ ? kImpactBlockTag : kBlockTag);
  if (scale_code < 0 || scale_code > 2) return false;
  scale_ = kScales[scale_code];
  uint64_t count = 0;
  // Each posting takes at least two bytes, so a count above the size is damage (and
  // bounds what is allocated below).
  if (!GetVarint(&p, end, &count) || count == 0 || count > block.size()) return false;
  const int64_t min_t = std::numeric_limits<int64_t>::min() / scale_;
  const int64_t max_t = std::numeric_limits<int64_t>::max() / scale_;
  const size_t n_chunks = (count + kChunkPostings - 1) / kChunkPostings;
  chunks_.resize(n_chunks);
  uint64_t total = 0;
  for (size_t i = 0; i < n_chunks; ++i) {
    uint64_t zt = 0, docno = 0, bytes = 0;
    if (!GetVarint(&p, end, &zt) || !GetVarint(&p, end, &docno)) return false;
    Impact first_impact, most;
    if (impacts_ && (!GetImpact(&p, end, &first_impact) || !GetImpact(&p, end, &most))) {
      return false;
    }
    const bool last = i + 1 == n_chunks;
    if (!last && !GetVarint(&p, end, &bytes)) return false;
    if (last) {
      const auto rest = static_cast<uint64_t>(end - p);
      if (rest < total) return false;
      bytes = rest - total;
    }
    const int64_t t = ZigZagDecode(zt);
    if (t < min_t || t > max_t) return false;
    Chunk& c = chunks_[i];
    c.first = Posting{t * scale_, docno};
    c.first_impact = first_impact;
    c.most = most;
    if (i > 0 && !(chunks_[i - 1].first < c.first)) return false;
    c.count = i + 1 < n_chunks ? kChunkPostings : count - i * kChunkPostings;
    // Every posting after the first takes two bytes or more.
    if (bytes < 2 * (c.count - 1) || bytes > block.size()) return false;
    c.bytes = bytes;
    total += bytes;
  }
  if (total != static_cast<uint64_t>(end - p)) return false;
  size_t offset = static_cast<size_t>(p - block.data());
  for (Chunk& c : chunks_) {
    c.offset = offset;
    offset += c.bytes;
  }
  count_ = count;
  return true;
}

size_t BlockReader::FindChunk(const Posting& target) const {
  // First chunk whose first posting is > target, then one back.
  auto it = std::upper_bound(chunks_.begin(), chunks_.end(), target,
                             [](const Posting& t, const Chunk& c) { return t < c.first; });
  return it == chunks_.begin() ? 0 : static_cast<size_t>(it - chunks_.begin()) - 1;
}

bool BlockReader::DecodeChunk(size_t i, std::vector<Posting>* out,
                              std::vector<Impact>* impacts) const {
  if (i >= chunks_.size()) return false;
  const Chunk& c = chunks_[i];
  out->resize(c.count);
  Impact* imp = nullptr;
  if (impacts != nullptr) {
    impacts->assign(c.count, Impact());
    imp = impacts->data();
    imp[0] = c.first_impact;
  }
  Impact skipped;
  Impact most = c.first_impact;  // checked against the directory's maxima
  Posting* o = out->data();
  const char* p = block_.data() + c.offset;
  const char* const end = p + c.bytes;
  const uint64_t max_t = static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / scale_);
  int64_t t = c.first.time / scale_;
  uint64_t d = c.first.docno;
  o[0] = c.first;
  for (size_t k = 1; k < c.count; ++k) {
    uint64_t dt = 0, zd = 0;
    if (!GetVarint(&p, end, &dt) || !GetVarint(&p, end, &zd)) return false;
    if (impacts_) {
      Impact& got = imp != nullptr ? imp[k] : skipped;
      if (!GetImpact(&p, end, &got)) return false;
      most.tf = std::max(most.tf, got.tf);
      most.length = std::min(most.length, got.length);
    }
    // t + dt must stay <= the largest storable time.
    if (dt > max_t - static_cast<uint64_t>(t)) return false;
    const uint64_t nd = d + static_cast<uint64_t>(ZigZagDecode(zd));
    if (dt == 0 && nd <= d) return false;  // strictly ascending (time, docno)
    t = static_cast<int64_t>(static_cast<uint64_t>(t) + dt);
    d = nd;
    o[k] = Posting{t * scale_, d};
  }
  if (p != end) return false;
  if (i + 1 < chunks_.size() && !(o[c.count - 1] < chunks_[i + 1].first)) return false;
  // Pruning trusts the maxima: a block whose maxima lie is damaged.
  if (impacts_ && !(most == c.most)) return false;
  return true;
}

bool DecodeBlock(std::string_view block, std::vector<Posting>* out,
                 std::vector<Impact>* impacts) {
  thread_local BlockReader reader;
  thread_local std::vector<Posting> chunk;
  thread_local std::vector<Impact> chunk_impacts;
  out->clear();
  if (impacts != nullptr) impacts->clear();
  if (!reader.Init(block)) return false;
  out->reserve(reader.size());
  for (size_t i = 0; i < reader.chunk_count(); ++i) {
    if (!reader.DecodeChunk(i, &chunk, impacts != nullptr ? &chunk_impacts : nullptr)) {
      return false;
    }
    out->insert(out->end(), chunk.begin(), chunk.end());
    if (impacts != nullptr) {
      impacts->insert(impacts->end(), chunk_impacts.begin(), chunk_impacts.end());
    }
  }
  return true;
}

void EncodeOperand(std::span<const Posting> adds, std::span<const Posting> removes,
                   std::string* out, const Impact* add_impacts) {
  thread_local std::string a, r;
  EncodeBlock(adds, &a, add_impacts);
  EncodeBlock(removes, &r);
  out->clear();
  out->push_back(kOperandTag);
  PutVarint64(out, a.size());
  out->append(a);
  out->append(r);
}

bool DecodeOperand(std::string_view operand, std::vector<Posting>* adds,
                   std::vector<Posting>* removes, std::vector<Impact>* add_impacts) {
  const char* p = operand.data();
  const char* const end = p + operand.size();
  if (p == end || *p++ != kOperandTag) return false;
  uint64_t len = 0;
  if (!GetVarint(&p, end, &len) || len > static_cast<uint64_t>(end - p)) return false;
  const std::string_view a(p, len);
  const std::string_view r(p + len, static_cast<size_t>(end - p) - len);
  if (!DecodeBlock(a, adds, add_impacts) || !DecodeBlock(r, removes)) return false;
  // Disjoint: a posting both added and removed by one operand has no meaning.
  auto ai = adds->begin();
  for (const Posting& x : *removes) {
    while (ai != adds->end() && *ai < x) ++ai;
    if (ai != adds->end() && *ai == x) return false;
  }
  return true;
}

bool CombineOperands(std::span<const std::string_view> operands, std::vector<Posting>* adds,
                     std::vector<Posting>* removes, std::vector<Impact>* add_impacts) {
  adds->clear();
  removes->clear();
  if (add_impacts != nullptr) add_impacts->clear();
  if (operands.size() == 1) return DecodeOperand(operands[0], adds, removes, add_impacts);
  struct Op {
    Posting p;
    Impact impact;
    uint32_t seq;
    bool add;
  };
  thread_local std::vector<Op> ops;
  thread_local std::vector<Posting> a, r;
  thread_local std::vector<Impact> ai;
  ops.clear();
  for (size_t i = 0; i < operands.size(); ++i) {
    if (!DecodeOperand(operands[i], &a, &r, &ai)) return false;
    for (size_t k = 0; k < a.size(); ++k) {
      ops.push_back({a[k], ai[k], static_cast<uint32_t>(i), true});
    }
    for (const Posting& x : r) ops.push_back({x, Impact(), static_cast<uint32_t>(i), false});
  }
  std::sort(ops.begin(), ops.end(), [](const Op& x, const Op& y) {
    if (x.p != y.p) return x.p < y.p;
    return x.seq < y.seq;
  });
  for (size_t i = 0; i < ops.size(); ++i) {
    if (i + 1 < ops.size() && ops[i + 1].p == ops[i].p) continue;  // a later op wins
    if (ops[i].add) {
      adds->push_back(ops[i].p);
      if (add_impacts != nullptr) add_impacts->push_back(ops[i].impact);
    } else {
      removes->push_back(ops[i].p);
    }
  }
  return true;
}

bool ApplyOperands(const std::string_view* base, std::span<const std::string_view> operands,
                   std::string* result) {
  thread_local std::vector<Posting> have, adds, removes, merged;
  thread_local std::vector<Impact> have_i, adds_i, merged_i;
  have.clear();
  have_i.clear();
  if (base != nullptr && !DecodeBlock(*base, &have, &have_i)) return false;
  if (!CombineOperands(operands, &adds, &removes, &adds_i)) return false;
  merged.clear();
  merged_i.clear();
  merged.reserve(have.size() + adds.size());
  merged_i.reserve(have.size() + adds.size());
  size_t ai = 0, ri = 0;
  for (size_t k = 0; k < have.size(); ++k) {
    const Posting& x = have[k];
    while (ai < adds.size() && adds[ai] < x) {
      merged.push_back(adds[ai]);
      merged_i.push_back(adds_i[ai++]);
    }
    Impact impact = have_i[k];
    if (ai < adds.size() && adds[ai] == x) impact = adds_i[ai++];  // added again: its impact
    while (ri < removes.size() && removes[ri] < x) ++ri;
    if (ri < removes.size() && removes[ri] == x) continue;
    merged.push_back(x);
    merged_i.push_back(impact);
  }
  while (ai < adds.size()) {
    merged.push_back(adds[ai]);
    merged_i.push_back(adds_i[ai++]);
  }
  EncodeBlock(merged, result, AnyImpact(merged_i) ? merged_i.data() : nullptr);
  return true;
}

namespace {

class PostingBlockMerge : public rocksdb::MergeOperator {
 public:
  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override {
    thread_local std::vector<std::string_view> ops;
    ops.clear();
    for (const rocksdb::Slice& s : in.operand_list) ops.emplace_back(s.data(), s.size());
    std::string_view base;
    if (in.existing_value != nullptr) {
      base = std::string_view(in.existing_value->data(), in.existing_value->size());
    }
    return ApplyOperands(in.existing_value != nullptr ? &base : nullptr, ops,
                         &out->new_value);
  }

  bool PartialMergeMulti(const rocksdb::Slice& /*key*/,
                         const std::deque<rocksdb::Slice>& operand_list,
                         std::string* new_value, rocksdb::Logger* /*logger*/) const override {
    thread_local std::vector<std::string_view> ops;
    thread_local std::vector<Posting> adds, removes;
    thread_local std::vector<Impact> add_impacts;
    ops.clear();
    for (const rocksdb::Slice& s : operand_list) ops.emplace_back(s.data(), s.size());
    if (!CombineOperands(ops, &adds, &removes, &add_impacts)) return false;
    EncodeOperand(adds, removes, new_value,
                  AnyImpact(add_impacts) ? add_impacts.data() : nullptr);
    return true;
  }

  bool PartialMerge(const rocksdb::Slice& key, const rocksdb::Slice& left,
                    const rocksdb::Slice& right, std::string* new_value,
                    rocksdb::Logger* logger) const override {
    return PartialMergeMulti(key, std::deque<rocksdb::Slice>{left, right}, new_value, logger);
  }

  const char* Name() const override { return "articledb.PostingBlockMerge.v2"; }
};

class EmptyBlockFilter : public rocksdb::CompactionFilter {
 public:
  bool Filter(int /*level*/, const rocksdb::Slice& /*key*/,
              const rocksdb::Slice& existing_value, std::string* /*new_value*/,
              bool* /*value_changed*/) const override {
    // The empty block means "no postings", as a missing key does. Damaged blocks are
    // kept for verify to report.
    return existing_value.empty();
  }
  const char* Name() const override { return "articledb.EmptyBlockFilter"; }
};

class EmptyBlockFilterFactory : public rocksdb::CompactionFilterFactory {
 public:
  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& /*context*/) override {
    return std::make_unique<EmptyBlockFilter>();
  }
  const char* Name() const override { return "articledb.EmptyBlockFilterFactory"; }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewMergeOperator() {
  return std::make_shared<PostingBlockMerge>();
}

std::shared_ptr<rocksdb::CompactionFilterFactory> NewEmptyBlockFilterFactory() {
  return std::make_shared<EmptyBlockFilterFactory>();
}

}  // namespace articledb::index
