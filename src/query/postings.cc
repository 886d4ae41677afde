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

IndexLeaf::IndexLeaf(const store::ReadView& view, std::string prefix, const NormalFilter& f,
                     bool forward, uint64_t cost)
    : prefix_(std::move(prefix)), lo_(f.lo), hi_(f.hi), forward_(forward), cost_(cost) {
  lower_ = keys::BlockKey(prefix_, keys::MonthBucket(lo_));
  if (hi_ && *hi_ <= lo_) {
    done_ = true;  // an empty range
    upper_ = lower_;
  } else if (hi_) {
    upper_ = keys::BlockKey(prefix_, keys::MonthBucket(*hi_ - 1) + 1);
  } else {
    upper_ = keys::PrefixSuccessor(prefix_);
  }
  lower_slice_ = ToSlice(lower_);
  upper_slice_ = ToSlice(upper_);
  rocksdb::ReadOptions ro = view.options();
  ro.iterate_lower_bound = &lower_slice_;
  ro.iterate_upper_bound = &upper_slice_;
  ro.prefix_same_as_start = true;
  it_.reset(view.db()->NewIterator(ro, view.cf(store::kIndex)));
}

bool IndexLeaf::Fail(const std::string& what) {
  status_ = Status::Corruption("index block " + keys::DescribeBlockKey(ToView(it_->key())) +
                               ": " + what + " (run verify, then reindex)");
  done_ = true;
  return false;
}

bool IndexLeaf::LoadBlock() {
  const rocksdb::Slice key = it_->key();
  if (key.size() != prefix_.size() + keys::kBucketBytes) return Fail("malformed key");
  bucket_ = keys::DecodeBucket(key.data() + prefix_.size());
  block_.assign(it_->value().data(), it_->value().size());
  if (!reader_.Init(block_)) return Fail("damaged");
  return true;
}

bool IndexLeaf::LoadChunk(size_t c) {
  if (!reader_.DecodeChunk(c, &buf_)) return Fail("damaged");
  chunk_ = c;
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

bool IndexLeaf::SettleFrom(const Pos& target, bool loaded) {
  const index::Posting t = ToPosting(target);
  for (;; loaded = false) {
    if (!loaded) {
      if (!it_->Valid()) {
        done_ = true;
        return false;
      }
      if (!LoadBlock()) return false;
    }
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
    if (forward_) {
      it_->Next();
    } else {
      it_->Prev();
    }
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
    it_->Next();
    return SettleFrom(kFirst, false);
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
  it_->Prev();
  return SettleFrom(kLast, false);
}

bool IndexLeaf::SeekTo(const Pos& target) {
  if (done_) return false;
  Pos t = target;
  // The range's near end.
  if (forward_ && t.time < lo_) t = Pos{lo_, 0};
  if (!forward_ && hi_ && t.time >= *hi_) t = Pos{*hi_ - 1, kLast.docno};
  const uint32_t bucket = keys::MonthBucket(t.time);
  if (started_) {
    if (forward_ ? pos_ >= t : pos_ <= t) return true;
    // In the block at hand: found in memory (or in the blocks that follow).
    if (bucket == bucket_) return SettleFrom(t, true);
  }
  started_ = true;
  seek_key_.assign(prefix_);
  keys::AppendBucket(&seek_key_, bucket);
  if (forward_) {
    it_->Seek(ToSlice(seek_key_));
  } else {
    it_->SeekForPrev(ToSlice(seek_key_));
  }
  return SettleFrom(t, false);
}

Status IndexLeaf::status() const {
  if (!status_.ok()) return status_;
  return store::FromRocks(it_->status(), "reading index");
}

}  // namespace articledb::query
