// The index-CF leaf over posting blocks (postings.h).
#include "query/postings.h"

#include <algorithm>
#include <limits>

#include "query/filter.h"
#include "store/keys.h"
#include "store/store.h"

namespace articledb::query {

using store::ToSlice;
using store::ToView;

namespace {

constexpr Pos kFirst{std::numeric_limits<int64_t>::min(), 0};
constexpr Pos kLast{std::numeric_limits<int64_t>::max(), std::numeric_limits<uint64_t>::max()};

index::Posting ToPosting(const Pos& p) { return index::Posting{p.time, p.docno}; }

}  // namespace

namespace {

uint32_t LastBucket(const NormalFilter& f) {
  if (f.hi && *f.hi <= f.lo) return keys::MonthBucket(f.lo);
  if (f.hi) return keys::MonthBucket(*f.hi - 1);
  return std::numeric_limits<uint32_t>::max();
}

}  // namespace

std::vector<uint32_t> RangeBuckets(const NormalFilter& f, size_t max) {
  std::vector<uint32_t> out;
  const uint32_t first = keys::MonthBucket(f.lo);
  const uint32_t last = LastBucket(f);
  if (f.hi && *f.hi <= f.lo) return out;
  if (last - first >= max) return out;
  for (uint32_t b = first;; ++b) {
    out.push_back(b);
    if (b == last) break;
  }
  return out;
}

Status FetchBlocks(const store::ReadView& view, const std::string& prefix,
                   std::span<const uint32_t> buckets, std::vector<FetchedBlock>* blocks) {
  blocks->clear();
  if (buckets.empty()) return Status::OK();
  std::vector<std::string> block_keys(buckets.size());
  std::vector<rocksdb::Slice> slices(buckets.size());
  for (size_t i = 0; i < buckets.size(); ++i) {
    block_keys[i] = keys::BlockKey(prefix, buckets[i]);
    slices[i] = ToSlice(block_keys[i]);
  }
  std::vector<rocksdb::PinnableSlice> values(buckets.size());
  std::vector<rocksdb::Status> statuses(buckets.size());
  view.db()->MultiGet(view.options(), view.cf(store::kIndex), slices.size(), slices.data(),
                      values.data(), statuses.data(), /*sorted_input=*/true);
  for (size_t i = 0; i < buckets.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return store::FromRocks(statuses[i], "reading index");
    blocks->push_back(FetchedBlock{buckets[i], std::move(values[i])});
  }
  return Status::OK();
}

namespace {
// Appends the block under `it` (a key of `prefix` and a bucket) to *blocks.
Status TakeBlock(const rocksdb::Iterator& it, const std::string& prefix,
                 std::vector<FetchedBlock>* blocks) {
  const rocksdb::Slice key = it.key();
  if (key.size() != prefix.size() + keys::kBucketBytes) {
    return Status::Corruption("index key " + keys::DescribeBlockKey(ToView(key)) +
                              ": malformed (run verify, then reindex)");
  }
  FetchedBlock b;
  b.bucket = keys::DecodeBucket(key.data() + prefix.size());
  b.bytes.PinSelf(it.value());
  blocks->push_back(std::move(b));
  return Status::OK();
}
}  // namespace

Status ScanBlocks(const store::ReadView& view, const std::string& prefix, const NormalFilter& f,
                  std::vector<FetchedBlock>* blocks) {
  blocks->clear();
  if (f.hi && *f.hi <= f.lo) return Status::OK();
  const std::string lower = keys::BlockKey(prefix, keys::MonthBucket(f.lo));
  const std::string upper =
      f.hi ? keys::BlockKey(prefix, LastBucket(f) + 1) : keys::PrefixSuccessor(prefix);
  const rocksdb::Slice lower_slice = ToSlice(lower), upper_slice = ToSlice(upper);
  rocksdb::ReadOptions ro = view.options();
  ro.iterate_lower_bound = &lower_slice;
  ro.iterate_upper_bound = &upper_slice;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(view.db()->NewIterator(ro, view.cf(store::kIndex)));
  for (it->Seek(lower_slice); it->Valid(); it->Next()) {
    if (Status s = TakeBlock(*it, prefix, blocks); !s.ok()) return s;
  }
  return store::FromRocks(it->status(), "reading index");
}

Status ScanBlocks(const store::ReadView& view, const std::vector<std::string>& prefixes,
                  const NormalFilter& f, std::vector<std::vector<FetchedBlock>>* out) {
  out->clear();
  out->resize(prefixes.size());
  if (prefixes.empty() || (f.hi && *f.hi <= f.lo)) return Status::OK();
  // Making an iterator costs more than seeking one: one for every prefix, in total order
  // (the prefixes differ), each walk stopped at its prefix's upper key.
  rocksdb::ReadOptions ro = view.options();
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(view.db()->NewIterator(ro, view.cf(store::kIndex)));
  for (size_t i = 0; i < prefixes.size(); ++i) {
    const std::string& prefix = prefixes[i];
    const std::string lower = keys::BlockKey(prefix, keys::MonthBucket(f.lo));
    const std::string upper =
        f.hi ? keys::BlockKey(prefix, LastBucket(f) + 1) : keys::PrefixSuccessor(prefix);
    for (it->Seek(ToSlice(lower)); it->Valid(); it->Next()) {
      if (!upper.empty() && ToView(it->key()) >= upper) break;
      if (Status s = TakeBlock(*it, prefix, &(*out)[i]); !s.ok()) return s;
    }
    if (!it->status().ok()) return store::FromRocks(it->status(), "reading index");
  }
  return Status::OK();
}

IndexLeaf::IndexLeaf(const store::ReadView& view, std::string prefix, const NormalFilter& f,
                     bool forward, uint64_t cost)
    : view_(view), prefix_(std::move(prefix)), lo_(f.lo), hi_(f.hi),
      first_bucket_(keys::MonthBucket(f.lo)), last_bucket_(LastBucket(f)), forward_(forward),
      cost_(cost) {
  if (hi_ && *hi_ <= lo_) done_ = true;  // an empty range
}

IndexLeaf::IndexLeaf(const store::ReadView& view, std::string prefix, const NormalFilter& f,
                     bool forward, std::vector<FetchedBlock> blocks)
    : IndexLeaf(view, std::move(prefix), f, forward, 0) {
  fetched_ = true;
  blocks_ = std::move(blocks);
  for (const FetchedBlock& b : blocks_) {
    if (!reader_.Init(ToView(b.bytes))) {
      bucket_ = b.bucket;
      Fail("damaged");
      return;
    }
    cost_ += reader_.size();
  }
  if (blocks_.empty()) done_ = true;
}

bool IndexLeaf::Fail(const std::string& what) {
  status_ = Status::Corruption("index block " +
                               keys::DescribeBlockKey(keys::BlockKey(prefix_, bucket_)) + ": " +
                               what + " (run verify, then reindex)");
  done_ = true;
  return false;
}

bool IndexLeaf::UseBlock(std::string_view bytes, uint32_t bucket) {
  bucket_ = bucket;
  have_block_ = true;
  chunk_loaded_ = false;
  if (!reader_.Init(bytes)) return Fail("damaged");
  return true;
}

bool IndexLeaf::LoadBucket(uint32_t b) {
  key_.assign(prefix_);
  keys::AppendBucket(&key_, b);
  pinned_.Reset();
  const rocksdb::Status s =
      view_.db()->Get(view_.options(), view_.cf(store::kIndex), ToSlice(key_), &pinned_);
  if (s.IsNotFound()) return false;
  if (!s.ok()) {
    status_ = store::FromRocks(s, "reading index");
    done_ = true;
    return false;
  }
  it_on_block_ = false;
  return UseBlock(ToView(pinned_), b);
}

bool IndexLeaf::LoadFromIterator() {
  const rocksdb::Slice key = it_->key();
  if (key.size() != prefix_.size() + keys::kBucketBytes) {
    status_ = Status::Corruption("index key " + keys::DescribeBlockKey(ToView(key)) +
                                 ": malformed (run verify, then reindex)");
    done_ = true;
    return false;
  }
  block_.assign(it_->value().data(), it_->value().size());
  it_on_block_ = true;
  return UseBlock(block_, keys::DecodeBucket(key.data() + prefix_.size()));
}

bool IndexLeaf::FindFetched(uint32_t b, bool strict) {
  const auto less = [](const FetchedBlock& x, uint32_t y) { return x.bucket < y; };
  const auto at = std::lower_bound(blocks_.begin(), blocks_.end(), b, less);
  size_t k;
  if (forward_) {
    k = static_cast<size_t>(at - blocks_.begin());
    if (strict && at != blocks_.end() && at->bucket == b) ++k;
    if (k >= blocks_.size()) {
      done_ = true;
      return false;
    }
  } else {
    // The last block with bucket <= b (< b when strict).
    size_t n = static_cast<size_t>(at - blocks_.begin());  // blocks below b
    if (!strict && at != blocks_.end() && at->bucket == b) ++n;
    if (n == 0) {
      done_ = true;
      return false;
    }
    k = n - 1;
  }
  return UseBlock(ToView(blocks_[k].bytes), blocks_[k].bucket);
}

bool IndexLeaf::FindFrom(uint32_t b) {
  if (fetched_) return FindFetched(b, false);
  if (!InRange(b)) {
    done_ = true;
    return false;
  }
  if (LoadBucket(b)) return true;
  if (done_) return false;
  return StepFrom(b);
}

bool IndexLeaf::StepFrom(uint32_t b) {
  if (fetched_) return FindFetched(b, true);
  if (it_on_block_ && have_block_ && bucket_ == b) {
    if (forward_) {
      it_->Next();
    } else {
      it_->Prev();
    }
  } else {
    if (forward_ ? b >= last_bucket_ : b <= first_bucket_) {
      done_ = true;
      return false;
    }
    if (!it_) {
      lower_ = keys::BlockKey(prefix_, first_bucket_);
      upper_ = hi_ ? keys::BlockKey(prefix_, last_bucket_ + 1) : keys::PrefixSuccessor(prefix_);
      lower_slice_ = ToSlice(lower_);
      upper_slice_ = ToSlice(upper_);
      rocksdb::ReadOptions ro = view_.options();
      ro.iterate_lower_bound = &lower_slice_;
      ro.iterate_upper_bound = &upper_slice_;
      ro.prefix_same_as_start = true;
      it_.reset(view_.db()->NewIterator(ro, view_.cf(store::kIndex)));
    }
    key_.assign(prefix_);
    keys::AppendBucket(&key_, forward_ ? b + 1 : b - 1);
    if (forward_) {
      it_->Seek(ToSlice(key_));
    } else {
      it_->SeekForPrev(ToSlice(key_));
    }
  }
  if (!it_->Valid()) {
    if (!it_->status().ok()) status_ = store::FromRocks(it_->status(), "reading index");
    done_ = true;
    return false;
  }
  return LoadFromIterator();
}

bool IndexLeaf::LoadChunk(size_t c) {
  // Seeks that stay in one chunk (an AND probing a long stream) decode it once.
  if (chunk_loaded_ && chunk_ == c) return true;
  if (!reader_.DecodeChunk(c, &buf_)) {
    chunk_loaded_ = false;
    return Fail("damaged");
  }
  chunk_ = c;
  chunk_loaded_ = true;
  return true;
}

bool IndexLeaf::Emit() {
  const index::Posting& p = buf_[idx_];
  pos_ = Pos{p.time, p.docno};
  if (forward_ ? (hi_ && pos_.time >= *hi_) : pos_.time < lo_) {
    done_ = true;
    return false;
  }
  return true;
}

bool IndexLeaf::SettleFrom(const Pos& target) {
  const index::Posting t = ToPosting(target);
  for (;;) {
    if (reader_.size() > 0) {
      size_t c = reader_.FindChunk(t);
      if (forward_) {
        for (; c < reader_.chunk_count(); ++c) {
          if (!LoadChunk(c)) return false;
          const auto at = std::lower_bound(buf_.begin(), buf_.end(), t);
          if (at != buf_.end()) {
            idx_ = static_cast<size_t>(at - buf_.begin());
            return Emit();
          }
        }
      } else if (!(t < reader_.chunk_first(c))) {
        if (!LoadChunk(c)) return false;
        const auto after = std::upper_bound(buf_.begin(), buf_.end(), t);
        idx_ = static_cast<size_t>(after - buf_.begin()) - 1;  // the chunk's first is <= t
        return Emit();
      }
    }
    if (!StepFrom(bucket_)) return false;
  }
}

bool IndexLeaf::Next() {
  if (done_) return false;
  if (!started_) return SeekTo(forward_ ? kFirst : kLast);
  if (forward_) {
    if (++idx_ < buf_.size()) return Emit();
    if (chunk_ + 1 < reader_.chunk_count()) {
      if (!LoadChunk(chunk_ + 1)) return false;
      idx_ = 0;
      return Emit();
    }
    if (!StepFrom(bucket_)) return false;
    return SettleFrom(kFirst);
  }
  if (idx_ > 0) {
    --idx_;
    return Emit();
  }
  if (chunk_ > 0) {
    if (!LoadChunk(chunk_ - 1)) return false;
    idx_ = buf_.size() - 1;
    return Emit();
  }
  if (!StepFrom(bucket_)) return false;
  return SettleFrom(kLast);
}

bool IndexLeaf::SeekTo(const Pos& target) {
  if (done_) return false;
  Pos t = target;
  // The range's near end.
  if (forward_ && t.time < lo_) t = Pos{lo_, 0};
  if (!forward_ && hi_ && t.time >= *hi_) t = Pos{*hi_ - 1, kLast.docno};
  uint32_t bucket = keys::MonthBucket(t.time);
  // A target outside the range's buckets (an unbounded end) starts at the range's end.
  if (bucket < first_bucket_) bucket = first_bucket_;
  if (bucket > last_bucket_) bucket = last_bucket_;
  if (started_) {
    if (forward_ ? pos_ >= t : pos_ <= t) return true;
    // In the block at hand: found in memory (or in the blocks that follow).
    if (have_block_ && bucket == bucket_) return SettleFrom(t);
  }
  started_ = true;
  if (!FindFrom(bucket)) return false;
  return SettleFrom(t);
}

Status IndexLeaf::status() const {
  if (!status_.ok()) return status_;
  if (it_) return store::FromRocks(it_->status(), "reading index");
  return Status::OK();
}

}  // namespace articledb::query
