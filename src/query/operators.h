// Query operators over posting iterators (src/query/postings.h): AND, OR, AND-NOT and a
// time range, each a PostingIterator itself, so a query is a tree of them over the
// index's posting sources. Internal.
//
// Every operator walks in the direction given when it is made, which must be the
// direction of its children. Semantics shared by all (see PostingIterator):
//   - Next() moves to the next match; the first call positions on the first.
//   - SeekTo(t) moves to the first match at/after t in the direction, never back: an
//     operator already at/after t stays. A cursor resumes with SeekTo(After(last, dir)).
//   - once Next or SeekTo returned false, every later call returns false; status() says
//     whether the end was reached or a child failed (its status is passed up).
//   - Cost(): AND the smallest child cost, OR the sum, AND-NOT its positive side, a time
//     range its child's (or a smaller estimate given by the planner).
#ifndef ARTICLEDB_SRC_QUERY_OPERATORS_H_
#define ARTICLEDB_SRC_QUERY_OPERATORS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "query/postings.h"

namespace articledb::query {

enum class Direction { kForward, kBackward };  // ascending (oldest first) / descending

// True when `a` comes strictly before `b` when walking in direction `d`.
inline bool Before(const Pos& a, const Pos& b, Direction d) {
  return d == Direction::kForward ? a < b : b < a;
}

// The position right after `p` in direction `d`, or nullopt when `p` is the last
// position there is. Resuming after a cursor position `p` is SeekTo(*After(p, d)).
std::optional<Pos> After(const Pos& p, Direction d);

// The first position in direction `d`: every posting is at/after it.
Pos First(Direction d);

using IteratorPtr = std::unique_ptr<PostingIterator>;

// A posting list held in memory: sorted, distinct positions (the constructor sorts and
// removes duplicates). Cost: its size unless given.
class VectorIterator final : public PostingIterator {
 public:
  VectorIterator(std::vector<Pos> postings, Direction d, std::optional<uint64_t> cost = {});
  bool Next() override;
  bool SeekTo(const Pos& target) override;
  const Pos& pos() const override { return postings_[at_]; }
  uint64_t Cost() const override { return cost_; }
  Status status() const override { return Status::OK(); }

 private:
  std::vector<Pos> postings_;  // in walking order
  Direction dir_;
  uint64_t cost_;
  size_t at_ = 0;
  bool started_ = false;
  bool done_ = false;
};

// Matches nothing (a name no article carries). Cost 0.
class EmptyIterator final : public PostingIterator {
 public:
  bool Next() override { return false; }
  bool SeekTo(const Pos&) override { return false; }
  const Pos& pos() const override { return none_; }
  uint64_t Cost() const override { return 0; }
  Status status() const override { return Status::OK(); }

 private:
  Pos none_{0, 0};
};

// Postings every child holds. Children are walked cheapest first (leapfrog: the cheapest
// leads, the others SeekTo its candidate; one that lands further makes the new candidate).
class AndIterator final : public PostingIterator {
 public:
  // `children` not empty.
  AndIterator(std::vector<IteratorPtr> children, Direction d);
  bool Next() override;
  bool SeekTo(const Pos& target) override;
  const Pos& pos() const override { return pos_; }
  uint64_t Cost() const override { return cost_; }
  Status status() const override { return status_; }

 private:
  bool Converge(Pos target);  // from the lead's position `target`
  bool Stop(PostingIterator& child);

  std::vector<IteratorPtr> children_;  // cheapest first; [0] leads
  Direction dir_;
  uint64_t cost_;
  Pos pos_{0, 0};
  bool started_ = false;
  bool done_ = false;
  Status status_;
};

// Postings any child holds, each once. A heap of the children by their position.
class OrIterator final : public PostingIterator {
 public:
  // `children` not empty.
  OrIterator(std::vector<IteratorPtr> children, Direction d);
  bool Next() override;
  bool SeekTo(const Pos& target) override;
  const Pos& pos() const override { return pos_; }
  uint64_t Cost() const override { return cost_; }
  Status status() const override { return status_; }

 private:
  // Pushes a child that just returned `valid` onto the heap; false on a child's error.
  bool Push(size_t child, bool valid);
  bool Settle();  // sets pos_ from the heap's top
  bool HeapLess(size_t a, size_t b) const;

  std::vector<IteratorPtr> children_;
  std::vector<size_t> heap_;  // live children; top: the one with the first position
  Direction dir_;
  uint64_t cost_;
  Pos pos_{0, 0};
  bool started_ = false;
  bool done_ = false;
  Status status_;
};

// Postings of `positive` that `negative` does not hold.
class AndNotIterator final : public PostingIterator {
 public:
  AndNotIterator(IteratorPtr positive, IteratorPtr negative, Direction d);
  bool Next() override;
  bool SeekTo(const Pos& target) override;
  const Pos& pos() const override { return positive_->pos(); }
  uint64_t Cost() const override { return positive_->Cost(); }
  Status status() const override { return status_; }

 private:
  bool Exclude(bool valid);  // from the positive side's new position

  IteratorPtr positive_, negative_;
  Direction dir_;
  bool negative_live_ = true;  // false once the negative side is exhausted
  bool started_ = false;
  bool done_ = false;
  Status status_;
};

// Postings of `child` whose time is in [lo, hi) (an unset bound: no bound). The child is
// sought straight to the range's first position.
class TimeRangeIterator final : public PostingIterator {
 public:
  TimeRangeIterator(IteratorPtr child, std::optional<int64_t> lo, std::optional<int64_t> hi,
                    Direction d, std::optional<uint64_t> cost = {});
  bool Next() override;
  bool SeekTo(const Pos& target) override;
  const Pos& pos() const override { return child_->pos(); }
  uint64_t Cost() const override { return cost_; }
  Status status() const override { return status_; }

 private:
  bool Check(bool valid);  // ends at the first position past the range

  IteratorPtr child_;
  std::optional<int64_t> lo_, hi_;
  Direction dir_;
  uint64_t cost_;
  Pos start_{0, 0};     // the range's first position in the direction
  bool empty_ = false;  // the range holds no time
  bool started_ = false;
  bool done_ = false;
  Status status_;
};

// `child` from `start` on: the first Next is a SeekTo(start), and no SeekTo goes before
// it. A page after a cursor at position p walks StartAtIterator(tree, *After(p, dir)).
class StartAtIterator final : public PostingIterator {
 public:
  StartAtIterator(IteratorPtr child, const Pos& start, Direction d)
      : child_(std::move(child)), start_(start), dir_(d) {}
  bool Next() override;
  bool SeekTo(const Pos& target) override;
  const Pos& pos() const override { return child_->pos(); }
  uint64_t Cost() const override { return child_->Cost(); }
  Status status() const override { return child_->status(); }

 private:
  IteratorPtr child_;
  Pos start_;
  Direction dir_;
  bool started_ = false;
};

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_OPERATORS_H_
