#include "query/operators.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace articledb::query {

namespace {

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();
constexpr uint64_t kMaxDocno = std::numeric_limits<uint64_t>::max();

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return a > kMaxDocno - b ? kMaxDocno : a + b;
}

}  // namespace

std::optional<Pos> After(const Pos& p, Direction d) {
  if (d == Direction::kForward) {
    if (p.docno != kMaxDocno) return Pos{p.time, p.docno + 1};
    if (p.time == kMaxTime) return std::nullopt;
    return Pos{p.time + 1, 0};
  }
  if (p.docno != 0) return Pos{p.time, p.docno - 1};
  if (p.time == kMinTime) return std::nullopt;
  return Pos{p.time - 1, kMaxDocno};
}

Pos First(Direction d) {
  return d == Direction::kForward ? Pos{kMinTime, 0} : Pos{kMaxTime, kMaxDocno};
}

// ---- VectorIterator ----

VectorIterator::VectorIterator(std::vector<Pos> postings, Direction d,
                               std::optional<uint64_t> cost)
    : postings_(std::move(postings)), dir_(d) {
  std::sort(postings_.begin(), postings_.end());
  postings_.erase(std::unique(postings_.begin(), postings_.end()), postings_.end());
  if (d == Direction::kBackward) std::reverse(postings_.begin(), postings_.end());
  cost_ = cost.value_or(postings_.size());
}

bool VectorIterator::Next() {
  if (done_) return false;
  if (started_) {
    ++at_;
  } else {
    started_ = true;
    at_ = 0;
  }
  if (at_ >= postings_.size()) done_ = true;
  return !done_;
}

bool VectorIterator::SeekTo(const Pos& target) {
  if (done_) return false;
  size_t from = 0;
  if (started_) {
    if (!Before(postings_[at_], target, dir_)) return true;
    from = at_ + 1;
  }
  started_ = true;
  // Gallop from the current position, then search the last step's span: a seek to a near
  // target costs a few comparisons, a far one log(distance).
  const size_t n = postings_.size();
  size_t lo = from;
  size_t step = 1;
  size_t hi = from;
  while (hi < n && Before(postings_[hi], target, dir_)) {
    lo = hi + 1;
    hi = from + step;
    step *= 2;
  }
  hi = std::min(hi, n);
  at_ = static_cast<size_t>(
      std::lower_bound(postings_.begin() + static_cast<std::ptrdiff_t>(lo),
                       postings_.begin() + static_cast<std::ptrdiff_t>(hi), target,
                       [this](const Pos& a, const Pos& b) { return Before(a, b, dir_); }) -
      postings_.begin());
  if (at_ >= n) done_ = true;
  return !done_;
}

// ---- AndIterator ----

AndIterator::AndIterator(std::vector<IteratorPtr> children, Direction d)
    : children_(std::move(children)), dir_(d) {
  std::stable_sort(children_.begin(), children_.end(),
                   [](const IteratorPtr& a, const IteratorPtr& b) { return a->Cost() < b->Cost(); });
  cost_ = children_.empty() ? 0 : children_.front()->Cost();
  if (children_.empty()) done_ = true;
}

bool AndIterator::Stop(PostingIterator& child) {
  done_ = true;
  status_ = child.status();
  return false;
}

bool AndIterator::Converge(Pos target) {
  PostingIterator& lead = *children_[0];
  size_t i = 1;
  while (i < children_.size()) {
    PostingIterator& c = *children_[i];
    if (!c.SeekTo(target)) return Stop(c);
    if (c.pos() == target) {
      ++i;
      continue;
    }
    // `c` landed further: the lead catches up, and every other child is checked again.
    if (!lead.SeekTo(c.pos())) return Stop(lead);
    target = lead.pos();
    i = 1;
  }
  pos_ = target;
  return true;
}

bool AndIterator::Next() {
  if (done_) return false;
  started_ = true;
  PostingIterator& lead = *children_[0];
  if (!lead.Next()) return Stop(lead);
  return Converge(lead.pos());
}

bool AndIterator::SeekTo(const Pos& target) {
  if (done_) return false;
  if (started_ && !Before(pos_, target, dir_)) return true;
  started_ = true;
  PostingIterator& lead = *children_[0];
  if (!lead.SeekTo(target)) return Stop(lead);
  return Converge(lead.pos());
}

// ---- OrIterator ----

OrIterator::OrIterator(std::vector<IteratorPtr> children, Direction d)
    : children_(std::move(children)), dir_(d) {
  cost_ = 0;
  for (const IteratorPtr& c : children_) cost_ = SaturatingAdd(cost_, c->Cost());
  heap_.reserve(children_.size());
  if (children_.empty()) done_ = true;
}

bool OrIterator::HeapLess(size_t a, size_t b) const {
  // std's heaps keep the greatest on top: "greatest" is the first in the direction.
  return Before(children_[b]->pos(), children_[a]->pos(), dir_);
}

bool OrIterator::Push(size_t child, bool valid) {
  if (valid) {
    heap_.push_back(child);
    std::push_heap(heap_.begin(), heap_.end(),
                   [this](size_t a, size_t b) { return HeapLess(a, b); });
    return true;
  }
  Status s = children_[child]->status();
  if (s.ok()) return true;  // exhausted: leaves the heap
  status_ = std::move(s);
  done_ = true;
  return false;
}

bool OrIterator::Settle() {
  if (heap_.empty()) {
    done_ = true;
    return false;
  }
  pos_ = children_[heap_.front()]->pos();
  return true;
}

bool OrIterator::Next() {
  if (done_) return false;
  const auto less = [this](size_t a, size_t b) { return HeapLess(a, b); };
  if (!started_) {
    started_ = true;
    for (size_t i = 0; i < children_.size(); ++i) {
      if (!Push(i, children_[i]->Next())) return false;
    }
    return Settle();
  }
  // Every child at the current position moves on: duplicates are returned once.
  while (!heap_.empty() && children_[heap_.front()]->pos() == pos_) {
    std::pop_heap(heap_.begin(), heap_.end(), less);
    const size_t i = heap_.back();
    heap_.pop_back();
    if (!Push(i, children_[i]->Next())) return false;
  }
  return Settle();
}

bool OrIterator::SeekTo(const Pos& target) {
  if (done_) return false;
  const auto less = [this](size_t a, size_t b) { return HeapLess(a, b); };
  if (!started_) {
    started_ = true;
    for (size_t i = 0; i < children_.size(); ++i) {
      if (!Push(i, children_[i]->SeekTo(target))) return false;
    }
    return Settle();
  }
  if (!Before(pos_, target, dir_)) return true;
  while (!heap_.empty() && Before(children_[heap_.front()]->pos(), target, dir_)) {
    std::pop_heap(heap_.begin(), heap_.end(), less);
    const size_t i = heap_.back();
    heap_.pop_back();
    if (!Push(i, children_[i]->SeekTo(target))) return false;
  }
  return Settle();
}

// ---- AndNotIterator ----

AndNotIterator::AndNotIterator(IteratorPtr positive, IteratorPtr negative, Direction d)
    : positive_(std::move(positive)), negative_(std::move(negative)), dir_(d) {}

bool AndNotIterator::Exclude(bool valid) {
  while (true) {
    if (!valid) {
      done_ = true;
      status_ = positive_->status();
      return false;
    }
    if (!negative_live_) return true;
    const Pos p = positive_->pos();
    if (!negative_->SeekTo(p)) {
      status_ = negative_->status();
      if (!status_.ok()) {
        done_ = true;
        return false;
      }
      negative_live_ = false;  // nothing more to exclude
      return true;
    }
    if (negative_->pos() != p) return true;
    valid = positive_->Next();
  }
}

bool AndNotIterator::Next() {
  if (done_) return false;
  started_ = true;
  return Exclude(positive_->Next());
}

bool AndNotIterator::SeekTo(const Pos& target) {
  if (done_) return false;
  if (started_ && !Before(positive_->pos(), target, dir_)) return true;
  started_ = true;
  return Exclude(positive_->SeekTo(target));
}

// ---- TimeRangeIterator ----

TimeRangeIterator::TimeRangeIterator(IteratorPtr child, std::optional<int64_t> lo,
                                     std::optional<int64_t> hi, Direction d,
                                     std::optional<uint64_t> cost)
    : child_(std::move(child)), lo_(lo), hi_(hi), dir_(d) {
  cost_ = child_->Cost();
  if (cost) cost_ = std::min(cost_, *cost);
  empty_ = (hi_ && *hi_ == kMinTime) || (lo_ && hi_ && *hi_ <= *lo_);
  if (empty_) {
    done_ = true;
    return;
  }
  start_ = d == Direction::kForward
               ? Pos{lo_.value_or(kMinTime), 0}
               : Pos{hi_ ? *hi_ - 1 : kMaxTime, kMaxDocno};
}

bool TimeRangeIterator::Check(bool valid) {
  if (!valid) {
    done_ = true;
    status_ = child_->status();
    return false;
  }
  const int64_t t = child_->pos().time;
  const bool past = dir_ == Direction::kForward ? (hi_ && t >= *hi_) : (lo_ && t < *lo_);
  if (past) done_ = true;
  return !done_;
}

bool TimeRangeIterator::Next() {
  if (done_) return false;
  if (!started_) {
    started_ = true;
    return Check(child_->SeekTo(start_));
  }
  return Check(child_->Next());
}

bool TimeRangeIterator::SeekTo(const Pos& target) {
  if (done_) return false;
  started_ = true;
  return Check(child_->SeekTo(Before(target, start_, dir_) ? start_ : target));
}

// ---- StartAtIterator ----

bool StartAtIterator::Next() {
  if (started_) return child_->Next();
  started_ = true;
  return child_->SeekTo(start_);
}

bool StartAtIterator::SeekTo(const Pos& target) {
  started_ = true;
  return child_->SeekTo(Before(target, start_, dir_) ? start_ : target);
}

}  // namespace articledb::query
