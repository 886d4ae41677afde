// Query operators (src/query/operators.h) against a model: random trees of AND, OR,
// AND-NOT and time ranges over in-memory posting lists, each checked against the same tree
// evaluated on std::set, in both directions, with Next, SeekTo to random targets (before,
// at, between and past the postings) and cursor resumption.
#include "query/operators.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace articledb::query {
namespace {

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();
constexpr uint64_t kMaxDocno = std::numeric_limits<uint64_t>::max();
constexpr Direction kBoth[] = {Direction::kForward, Direction::kBackward};

enum class Kind { kLeaf, kAnd, kOr, kNot, kRange };
constexpr Kind kOperators[] = {Kind::kAnd, Kind::kOr, Kind::kNot, Kind::kRange};

const char* Name(Kind k) {
  switch (k) {
    case Kind::kLeaf: return "leaf";
    case Kind::kAnd: return "and";
    case Kind::kOr: return "or";
    case Kind::kNot: return "not";
    case Kind::kRange: return "range";
  }
  return "?";
}

// A query tree, built into iterators once per direction and evaluated on sets.
struct Spec {
  Kind kind = Kind::kLeaf;
  std::vector<Pos> postings;  // kLeaf
  std::vector<Spec> children;  // kNot: {positive, negative}; kRange: {child}
  std::optional<int64_t> lo, hi;  // kRange
  int fail_after = -1;  // kLeaf: the n-th call (0-based) fails with Corruption

  std::string Describe() const {
    if (kind == Kind::kLeaf) return "leaf(" + std::to_string(postings.size()) + ")";
    std::string s = std::string(Name(kind)) + "(";
    for (size_t i = 0; i < children.size(); ++i) s += (i ? ", " : "") + children[i].Describe();
    if (kind == Kind::kRange) {
      s += ", [" + (lo ? std::to_string(*lo) : "-") + ", " + (hi ? std::to_string(*hi) : "-") + ")";
    }
    return s + ")";
  }
};

// Wraps a posting list so that its n-th call fails: what a damaged block would do.
class FailingIterator final : public PostingIterator {
 public:
  FailingIterator(IteratorPtr inner, int fail_after)
      : inner_(std::move(inner)), left_(fail_after) {}
  bool Next() override { return Call() && inner_->Next(); }
  bool SeekTo(const Pos& t) override { return Call() && inner_->SeekTo(t); }
  const Pos& pos() const override { return inner_->pos(); }
  uint64_t Cost() const override { return inner_->Cost(); }
  Status status() const override { return status_; }

 private:
  bool Call() {
    if (!status_.ok()) return false;
    if (left_-- == 0) status_ = Status::Corruption("posting block damaged");
    return status_.ok();
  }
  IteratorPtr inner_;
  int left_;
  Status status_;
};

IteratorPtr Build(const Spec& s, Direction d) {
  switch (s.kind) {
    case Kind::kLeaf: {
      IteratorPtr it = std::make_unique<VectorIterator>(s.postings, d);
      if (s.fail_after >= 0) it = std::make_unique<FailingIterator>(std::move(it), s.fail_after);
      return it;
    }
    case Kind::kAnd:
    case Kind::kOr: {
      std::vector<IteratorPtr> children;
      for (const Spec& c : s.children) children.push_back(Build(c, d));
      if (s.kind == Kind::kAnd) return std::make_unique<AndIterator>(std::move(children), d);
      return std::make_unique<OrIterator>(std::move(children), d);
    }
    case Kind::kNot:
      return std::make_unique<AndNotIterator>(Build(s.children[0], d), Build(s.children[1], d), d);
    case Kind::kRange:
      return std::make_unique<TimeRangeIterator>(Build(s.children[0], d), s.lo, s.hi, d);
  }
  return nullptr;
}

std::set<Pos> Model(const Spec& s) {
  switch (s.kind) {
    case Kind::kLeaf:
      return std::set<Pos>(s.postings.begin(), s.postings.end());
    case Kind::kAnd: {
      std::set<Pos> out = Model(s.children[0]);
      for (size_t i = 1; i < s.children.size(); ++i) {
        const std::set<Pos> c = Model(s.children[i]);
        std::erase_if(out, [&c](const Pos& p) { return !c.count(p); });
      }
      return out;
    }
    case Kind::kOr: {
      std::set<Pos> out;
      for (const Spec& c : s.children) out.merge(Model(c));
      return out;
    }
    case Kind::kNot: {
      std::set<Pos> out = Model(s.children[0]);
      for (const Pos& p : Model(s.children[1])) out.erase(p);
      return out;
    }
    case Kind::kRange: {
      std::set<Pos> out = Model(s.children[0]);
      std::erase_if(out, [&s](const Pos& p) {
        return (s.lo && p.time < *s.lo) || (s.hi && p.time >= *s.hi);
      });
      return out;
    }
  }
  return {};
}

uint64_t ExpectedCost(const Spec& s) {
  switch (s.kind) {
    case Kind::kLeaf: {
      return std::set<Pos>(s.postings.begin(), s.postings.end()).size();
    }
    case Kind::kAnd: {
      uint64_t c = UINT64_MAX;
      for (const Spec& ch : s.children) c = std::min(c, ExpectedCost(ch));
      return c;
    }
    case Kind::kOr: {
      uint64_t c = 0;
      for (const Spec& ch : s.children) c += ExpectedCost(ch);
      return c;
    }
    case Kind::kNot:
    case Kind::kRange:
      return ExpectedCost(s.children[0]);
  }
  return 0;
}

// The model's postings in walking order.
std::vector<Pos> Ordered(const std::set<Pos>& m, Direction d) {
  std::vector<Pos> v(m.begin(), m.end());
  if (d == Direction::kBackward) std::reverse(v.begin(), v.end());
  return v;
}

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {
    // A universe of postings: few distinct times (ties broken by docno), the undated time,
    // and now and then the extreme positions, where After() has nothing left.
    const int n = Uniform(1, 120);
    const int64_t base = Uniform(-3, 3) * 1000;
    std::set<uint64_t> docnos;
    for (int i = 0; i < n; ++i) {
      int64_t t;
      const int r = Uniform(0, 19);
      if (r == 0) {
        t = kMinTime;
      } else if (r == 1) {
        t = kMaxTime;
      } else {
        t = base + Uniform(0, 12) * 10;
      }
      uint64_t docno = static_cast<uint64_t>(Uniform(1, 400));
      if (Uniform(0, 30) == 0) docno = Uniform(0, 1) ? 0 : kMaxDocno;
      if (!docnos.insert(docno).second) continue;
      universe_.push_back(Pos{t, docno});
      times_.push_back(t);
    }
    std::sort(universe_.begin(), universe_.end());
  }

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  Spec Leaf() {
    Spec s;
    const int density = Uniform(0, 10);  // 0: empty, 10: everything
    for (const Pos& p : universe_) {
      if (Uniform(1, 10) <= density) s.postings.push_back(p);
    }
    std::shuffle(s.postings.begin(), s.postings.end(), rng_);
    return s;
  }

  std::optional<int64_t> Bound() {
    switch (Uniform(0, 5)) {
      case 0: return std::nullopt;
      case 1: return kMinTime + Uniform(0, 1);
      case 2: return kMaxTime - Uniform(0, 1);
      default: {
        if (times_.empty()) return 0;
        // A time next to one of the postings' (never past the ends of int64).
        const int64_t t = times_[Uniform(0, int(times_.size()) - 1)];
        const int d = Uniform(-1, 1);
        if ((d < 0 && t == std::numeric_limits<int64_t>::min()) ||
            (d > 0 && t == std::numeric_limits<int64_t>::max())) {
          return t;
        }
        return t + d;
      }
    }
  }

  // An operator `kind` whose first child is `first` (a chain of operators) or leaves.
  Spec Op(Kind kind, std::optional<Spec> first) {
    Spec s;
    s.kind = kind;
    int n = 1;
    if (kind == Kind::kAnd || kind == Kind::kOr) n = Uniform(1, 4);
    if (kind == Kind::kNot) n = 2;
    for (int i = 0; i < n; ++i) s.children.push_back(Leaf());
    if (first) s.children[Uniform(0, n - 1)] = std::move(*first);
    if (kind == Kind::kRange) {
      s.lo = Bound();
      s.hi = Bound();
    }
    return s;
  }

  Spec Random(int depth) {
    if (depth == 0 || Uniform(0, 3) == 0) return Leaf();
    Spec s = Op(kOperators[Uniform(0, 3)], std::nullopt);
    for (Spec& c : s.children) {
      if (Uniform(0, 1)) c = Random(depth - 1);
    }
    return s;
  }

  // A target for SeekTo: a posting, a neighbour of one, anywhere, or the ends.
  Pos Target() {
    switch (Uniform(0, 6)) {
      case 0: return Pos{kMinTime, 0};
      case 1: return Pos{kMaxTime, kMaxDocno};
      case 2: return Pos{kMaxTime, Uniform(0, 1) ? 0 : kMaxDocno};
      case 3: return Pos{kMinTime, kMaxDocno};
      default: break;
    }
    if (universe_.empty()) return Pos{0, 0};
    const Pos p = universe_[Uniform(0, int(universe_.size()) - 1)];
    switch (Uniform(0, 3)) {
      case 0: return p;
      case 1: return Pos{p.time, p.docno + (p.docno == kMaxDocno ? 0 : 1)};
      case 2: return Pos{p.time, p.docno - (p.docno == 0 ? 0 : 1)};
      default: return Pos{p.time + Uniform(-5, 5) * (p.time > kMinTime + 5 && p.time < kMaxTime - 5), p.docno};
    }
  }

 private:
  std::mt19937 rng_;
  std::vector<Pos> universe_;
  std::vector<int64_t> times_;
};

std::string Show(const Pos& p) {
  return "(" + std::to_string(p.time) + ", " + std::to_string(p.docno) + ")";
}

// Walks `it` with Next to the end.
std::vector<Pos> Drain(PostingIterator& it) {
  std::vector<Pos> out;
  while (it.Next()) out.push_back(it.pos());
  return out;
}

// Every check of one tree in one direction.
void CheckTree(const Spec& spec, Direction d, Gen& gen) {
  SCOPED_TRACE(spec.Describe() + (d == Direction::kForward ? " forward" : " backward"));
  const std::vector<Pos> want = Ordered(Model(spec), d);

  // Next to the end; the end is sticky.
  {
    IteratorPtr it = Build(spec, d);
    EXPECT_EQ(it->Cost(), ExpectedCost(spec));
    EXPECT_EQ(Drain(*it), want);
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    EXPECT_FALSE(it->Next());
    EXPECT_FALSE(it->SeekTo(First(d)));
  }

  // Random Next / SeekTo against a cursor into the model: SeekTo lands on the first
  // posting at/after the target and at/after the current one (never moves back).
  for (int round = 0; round < 4; ++round) {
    IteratorPtr it = Build(spec, d);
    std::optional<size_t> at;  // model index of the current posting
    bool ended = false;
    for (int step = 0; step < 24; ++step) {
      bool got;
      if (gen.Uniform(0, 2) == 0) {
        got = it->Next();
        if (!ended) {
          at = at ? *at + 1 : 0;
          ended = *at >= want.size();
        }
        SCOPED_TRACE("step " + std::to_string(step) + ": Next");
        ASSERT_EQ(got, !ended);
      } else {
        const Pos t = gen.Target();
        got = it->SeekTo(t);
        if (!ended) {
          size_t i = at.value_or(0);
          while (i < want.size() && Before(want[i], t, d)) ++i;
          at = i;
          ended = i >= want.size();
        }
        SCOPED_TRACE("step " + std::to_string(step) + ": SeekTo " + Show(t));
        ASSERT_EQ(got, !ended);
      }
      if (got) {
        ASSERT_EQ(it->pos(), want[*at]) << "step " << step;
      }
    }
    EXPECT_TRUE(it->status().ok());
  }

  // Cursors: a fresh tree resumed with SeekTo(After(p)) returns exactly what follows p.
  for (size_t k = 0; k < want.size(); k += 1 + want.size() / 6) {
    IteratorPtr it = Build(spec, d);
    const std::optional<Pos> next = After(want[k], d);
    std::vector<Pos> rest;
    if (next && it->SeekTo(*next)) {
      rest.push_back(it->pos());
      for (Pos p : Drain(*it)) rest.push_back(p);
    }
    EXPECT_EQ(rest, std::vector<Pos>(want.begin() + static_cast<std::ptrdiff_t>(k) + 1, want.end()))
        << "resumed after " << Show(want[k]);
    // The same through StartAtIterator, as the planner resumes pages.
    if (next) {
      StartAtIterator from(Build(spec, d), *next, d);
      EXPECT_EQ(Drain(from), rest) << "started after " << Show(want[k]);
    }
  }
}

TEST(OperatorsTest, EveryChainOfThreeOperatorsMatchesTheSetModelInBothDirections) {
  for (Kind a : kOperators) {
    for (Kind b : kOperators) {
      for (Kind c : kOperators) {
        for (uint32_t seed = 0; seed < 6; ++seed) {
          Gen gen(seed * 1000003u + static_cast<uint32_t>(a) * 100 + static_cast<uint32_t>(b) * 10 +
                  static_cast<uint32_t>(c));
          const Spec spec = gen.Op(a, gen.Op(b, gen.Op(c, std::nullopt)));
          for (Direction d : kBoth) CheckTree(spec, d, gen);
          if (HasFatalFailure()) return;
        }
      }
    }
  }
}

TEST(OperatorsTest, RandomTreesUpToDepthThreeMatchTheSetModelInBothDirections) {
  for (uint32_t seed = 0; seed < 600; ++seed) {
    Gen gen(seed);
    const Spec spec = gen.Random(3);
    for (Direction d : kBoth) CheckTree(spec, d, gen);
    if (HasFatalFailure()) return;
  }
}

TEST(OperatorsTest, DuplicatesAcrossOrChildrenAreReturnedOnce) {
  const std::vector<Pos> a = {{1, 1}, {1, 2}, {3, 7}}, b = {{1, 2}, {2, 5}, {3, 7}};
  for (Direction d : kBoth) {
    std::vector<IteratorPtr> ch;
    ch.push_back(std::make_unique<VectorIterator>(a, d));
    ch.push_back(std::make_unique<VectorIterator>(b, d));
    ch.push_back(std::make_unique<VectorIterator>(a, d));
    OrIterator it(std::move(ch), d);
    EXPECT_EQ(Drain(it), Ordered({{1, 1}, {1, 2}, {2, 5}, {3, 7}}, d));
  }
}

TEST(OperatorsTest, AndLeadsWithTheCheapestChildAndCostsItsCost) {
  // The expensive child's cost is a lie (far larger than its postings): if AND walked it
  // with Next, its count of calls would show; the cheap child leads instead.
  class Counting final : public PostingIterator {
   public:
    Counting(std::vector<Pos> p, uint64_t cost, int* nexts)
        : inner_(std::move(p), Direction::kForward, cost), nexts_(nexts) {}
    bool Next() override { ++*nexts_; return inner_.Next(); }
    bool SeekTo(const Pos& t) override { return inner_.SeekTo(t); }
    const Pos& pos() const override { return inner_.pos(); }
    uint64_t Cost() const override { return inner_.Cost(); }
    Status status() const override { return Status::OK(); }
   private:
    VectorIterator inner_;
    int* nexts_;
  };
  std::vector<Pos> big, small = {{50, 50}, {900, 900}};
  for (uint64_t i = 0; i < 1000; ++i) big.push_back(Pos{static_cast<int64_t>(i), i});
  int big_nexts = 0, small_nexts = 0;
  std::vector<IteratorPtr> ch;
  ch.push_back(std::make_unique<Counting>(big, 1000, &big_nexts));
  ch.push_back(std::make_unique<Counting>(small, 2, &small_nexts));
  AndIterator it(std::move(ch), Direction::kForward);
  EXPECT_EQ(it.Cost(), 2u);
  EXPECT_EQ(Drain(it), small);
  EXPECT_EQ(big_nexts, 0);
  EXPECT_EQ(small_nexts, 3);
}

TEST(OperatorsTest, AChildsErrorStopsEveryOperatorWithItsStatus) {
  const std::vector<Pos> all = {{1, 1}, {2, 2}, {3, 3}, {4, 4}};
  for (Direction d : kBoth) {
    for (Kind k : kOperators) {
      for (size_t failing = 0; failing < (k == Kind::kNot ? 2u : 1u); ++failing) {
        SCOPED_TRACE(std::string(Name(k)) + " child " + std::to_string(failing));
        Spec s;
        s.kind = k;
        s.children.resize(k == Kind::kRange ? 1 : 2);
        for (Spec& c : s.children) c.postings = all;
        if (k == Kind::kNot) s.children[1].postings = {{2, 2}};
        s.children[failing].fail_after = 1;  // the second call fails
        IteratorPtr it = Build(s, d);
        std::vector<Pos> got = Drain(*it);
        EXPECT_TRUE(it->status().IsCorruption()) << it->status().ToString();
        EXPECT_LE(got.size(), 1u);
        EXPECT_FALSE(it->Next());
      }
    }
  }
}

TEST(OperatorsTest, ErrorsAnywhereInRandomTreesEndTheWalkWithAPrefixOfTheAnswer) {
  for (uint32_t seed = 0; seed < 300; ++seed) {
    Gen gen(seed + 77777);
    Spec spec = gen.Random(3);
    // Fail one leaf, chosen by walking down a random path.
    Spec* leaf = &spec;
    while (leaf->kind != Kind::kLeaf) {
      leaf = &leaf->children[gen.Uniform(0, int(leaf->children.size()) - 1)];
    }
    leaf->fail_after = gen.Uniform(0, 6);
    for (Direction d : kBoth) {
      SCOPED_TRACE(spec.Describe());
      const std::vector<Pos> want = Ordered(Model(spec), d);
      IteratorPtr it = Build(spec, d);
      const std::vector<Pos> got = Drain(*it);
      ASSERT_LE(got.size(), want.size());
      EXPECT_TRUE(std::equal(got.begin(), got.end(), want.begin()));
      if (it->status().ok()) {
        EXPECT_EQ(got.size(), want.size());
      } else {
        EXPECT_TRUE(it->status().IsCorruption());
      }
    }
  }
}

TEST(OperatorsTest, TimeRangeBoundsAreInclusiveThenExclusiveAndEmptyRangesMatchNothing) {
  const std::vector<Pos> p = {{kMinTime, 1}, {10, 2}, {20, 3}, {20, 4}, {30, 5}};
  auto run = [&p](std::optional<int64_t> lo, std::optional<int64_t> hi, Direction d) {
    TimeRangeIterator it(std::make_unique<VectorIterator>(p, d), lo, hi, d);
    return Drain(it);
  };
  for (Direction d : kBoth) {
    EXPECT_EQ(run(20, 30, d), Ordered({{20, 3}, {20, 4}}, d));
    EXPECT_EQ(run(std::nullopt, 20, d), Ordered({{kMinTime, 1}, {10, 2}}, d));
    EXPECT_EQ(run(kMinTime + 1, std::nullopt, d), Ordered({{10, 2}, {20, 3}, {20, 4}, {30, 5}}, d));
    EXPECT_TRUE(run(20, 20, d).empty());
    EXPECT_TRUE(run(30, 10, d).empty());
    EXPECT_TRUE(run(std::nullopt, kMinTime, d).empty());
  }
}

TEST(OperatorsTest, AfterTheLastPossiblePositionThereIsNothing) {
  EXPECT_EQ(After(Pos{kMaxTime, kMaxDocno}, Direction::kForward), std::nullopt);
  EXPECT_EQ(After(Pos{kMinTime, 0}, Direction::kBackward), std::nullopt);
  EXPECT_EQ(After(Pos{5, kMaxDocno}, Direction::kForward), (Pos{6, 0}));
  EXPECT_EQ(After(Pos{5, 0}, Direction::kBackward), (Pos{4, kMaxDocno}));
  EXPECT_EQ(After(Pos{5, 7}, Direction::kForward), (Pos{5, 8}));
  EXPECT_EQ(After(Pos{5, 7}, Direction::kBackward), (Pos{5, 6}));
}

}  // namespace
}  // namespace articledb::query
