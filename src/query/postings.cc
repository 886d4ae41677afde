// The index-CF leaf (postings.h).
#include "query/postings.h"

#include "query/filter.h"
#include "store/keys.h"
#include "store/store.h"

namespace articledb::query {

using store::ToSlice;

IndexLeaf::IndexLeaf(const store::ReadView& view, std::string prefix, const NormalFilter& f,
                     bool forward, uint64_t cost)
    : prefix_(std::move(prefix)), forward_(forward), cost_(cost) {
  lower_ = prefix_;
  keys::AppendTime(&lower_, f.lo);
  if (f.hi) {
    upper_ = prefix_;
    keys::AppendTime(&upper_, *f.hi);
  } else {
    upper_ = keys::PrefixSuccessor(prefix_);
  }
  // The first position of the range in the walking direction.
  start_ = forward ? Pos{f.lo, 0}
                   : Pos{f.hi && *f.hi > INT64_MIN ? *f.hi - 1 : INT64_MAX, UINT64_MAX};
  lower_slice_ = ToSlice(lower_);
  upper_slice_ = ToSlice(upper_);
  rocksdb::ReadOptions ro = view.options();
  ro.iterate_lower_bound = &lower_slice_;
  ro.iterate_upper_bound = &upper_slice_;
  ro.prefix_same_as_start = true;
  it_.reset(view.db()->NewIterator(ro, view.cf(store::kIndex)));
}

Pos IndexLeaf::Current() const {
  const rocksdb::Slice k = it_->key();
  const char* p = k.data() + k.size() - keys::kPositionBytes;
  return Pos{keys::DecodeTime(p), keys::DecodeDocno(p + 8)};
}

bool IndexLeaf::Next() {
  // The first Next seeks to a whole key (prefix and position): a seek to the bare range
  // bound lies outside the prefix extractor's domain, and with prefix_same_as_start a
  // backward walk found nothing.
  if (!positioned_) return SeekTo(start_);
  if (it_->Valid()) {
    if (forward_) {
      it_->Next();
    } else {
      it_->Prev();
    }
  }
  if (!it_->Valid()) return false;
  pos_ = Current();
  return true;
}

bool IndexLeaf::SeekTo(const Pos& t) {
  const bool forward = forward_;
  if (positioned_) {
    for (int step = 0; step < 4; ++step) {
      if (!it_->Valid()) return false;
      const Pos c = Current();
      if (forward ? c >= t : c <= t) {
        pos_ = c;
        return true;
      }
      if (forward) {
        it_->Next();
      } else {
        it_->Prev();
      }
    }
    if (!it_->Valid()) return false;
  }
  seek_key_.assign(prefix_);
  keys::AppendTime(&seek_key_, t.time);
  keys::AppendDocno(&seek_key_, t.docno);
  if (forward) {
    it_->Seek(ToSlice(seek_key_));
  } else {
    it_->SeekForPrev(ToSlice(seek_key_));
  }
  positioned_ = true;
  if (!it_->Valid()) return false;
  pos_ = Current();
  return true;
}

Status IndexLeaf::status() const { return store::FromRocks(it_->status(), "reading index"); }

}  // namespace articledb::query
