// Text queries over the text index (text_plan.h).
#include "query/text_plan.h"

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>

#include <map>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "index/counters.h"
#include "store/keys.h"
#include "store/store.h"
#include "text/analyzer.h"

namespace articledb::query {
namespace {

class TextPlanner {
 public:
  TextPlanner(const store::ReadView& view, Direction dir, const TextLeafFn* leaf)
      : view_(view), dir_(dir), leaf_(leaf) {}

  // The analysis groups the index holds: one seek per group, or none when the store kept
  // them from a read of the same state (the same database at the same sequence number).
  Status LoadGroups() {
    const rocksdb::Snapshot* snap = view_.snapshot();
    const uint64_t sequence =
        snap != nullptr ? snap->GetSequenceNumber() : view_.db()->GetLatestSequenceNumber();
    store::Store::TextGroups& kept = view_.store().text_groups();
    {
      std::lock_guard<std::mutex> lock(view_.store().text_groups_mu());
      if (kept.db == view_.db() && kept.sequence == sequence) {
        for (const std::string& name : kept.names) groups_.push_back(Group{name, nullptr, nullptr});
      }
    }
    if (groups_.empty()) {
      if (Status s = SeekGroups(); !s.ok()) return s;
      std::lock_guard<std::mutex> lock(view_.store().text_groups_mu());
      kept.db = view_.db();
      kept.sequence = sequence;
      kept.names.clear();
      for (const Group& g : groups_) kept.names.push_back(g.name);
    }
    for (Group& g : groups_) g.analyzer = AnalyzerOf(g.name, &g.owned);
    return Status::OK();
  }

  Status SeekGroups() {
    rocksdb::ReadOptions ro = view_.options();
    ro.total_order_seek = true;
    std::unique_ptr<rocksdb::Iterator> it(view_.db()->NewIterator(ro, view_.cf(store::kIndex)));
    std::string target(1, keys::kText);
    keys::BlockKeyParts parts;
    for (it->Seek(store::ToSlice(target)); it->Valid(); it->Seek(store::ToSlice(target))) {
      const std::string_view key = store::ToView(it->key());
      if (key.empty() || key[0] != keys::kText) break;
      if (!keys::ParseBlockKey(key, &parts)) {
        return Status::Corruption("index key " + keys::DescribeBlockKey(key) +
                                  ": malformed (run verify, then reindex)");
      }
      const size_t colon = parts.name.find(':');
      if (colon == std::string::npos) {
        return Status::Corruption("index key " + keys::DescribeBlockKey(key) +
                                  ": a text term without its group (run verify, then reindex)");
      }
      std::string group = parts.name.substr(0, colon);
      // Past every name of the group: "<group>;" sorts after each "<group>:term".
      target.assign(1, keys::kText);
      keys::AppendNamePrefix(&target, group + ";");
      groups_.push_back(Group{std::move(group), nullptr, nullptr});
    }
    return store::FromRocks(it->status(), "reading index");
  }

  // One word's count from its terms' document frequencies (text_plan.h).
  Status CountByFrequencies(const text::QueryNode& q, bool* done, uint64_t* count) {
    *done = false;
    *count = 0;
    if (q.kind != text::QueryNode::Kind::kWord || q.fields != text::kAllFields) {
      return Status::OK();
    }
    std::vector<text::Token> tokens;
    uint64_t total = 0;
    for (Group& g : groups_) {
      g.analyzer->Analyze(q.text, &tokens);
      if (tokens.empty()) continue;
      if (tokens.size() > 1) return Status::OK();
      int64_t df = 0;
      const std::string prefix =
          keys::IndexPrefix(keys::kText, keys::TextName(g.name, tokens.front().term));
      if (Status s = counters::Read(view_, prefix, &df); !s.ok()) return s;
      total += df > 0 ? static_cast<uint64_t>(df) : 0;
    }
    *count = total;
    *done = true;
    return Status::OK();
  }

  // One word's term in each group that gives it one (text_plan.h, WordLists); *single
  // false when a group gives it several.
  void WordTerms(const text::QueryNode& q, std::vector<std::string>* prefixes, bool* single) {
    prefixes->clear();
    *single = true;
    std::vector<text::Token> tokens;
    for (Group& g : groups_) {
      g.analyzer->Analyze(q.text, &tokens);
      if (tokens.empty()) continue;
      if (tokens.size() > 1) {
        *single = false;
        return;
      }
      prefixes->push_back(
          keys::IndexPrefix(keys::kText, keys::TextName(g.name, tokens.front().term)));
    }
  }

  // The tree of `q` (nullptr: no lists), and whether it is exact.
  Status Plan(const text::QueryNode& q, IteratorPtr* out, bool* exact) {
    out->reset();
    *exact = true;
    using Kind = text::QueryNode::Kind;
    switch (q.kind) {
      case Kind::kWord:
      case Kind::kPhrase: return Terms(q, out, exact);
      case Kind::kPrefix: return Prefix(q, out, exact);
      case Kind::kAnd: return And(q, out, exact);
      case Kind::kOr: {
        std::vector<IteratorPtr> children;
        for (const text::QueryNode& c : q.children) {
          IteratorPtr it;
          bool e = true;
          if (Status s = Plan(c, &it, &e); !s.ok()) return s;
          if (it == nullptr) {  // one side unknown: so is the OR
            *exact = false;
            return Status::OK();
          }
          *exact = *exact && e;
          children.push_back(std::move(it));
        }
        *out = Combine(std::move(children), /*all=*/false);
        return Status::OK();
      }
      case Kind::kNot:  // only under an AND (the parser sees to it)
        *exact = false;
        return Status::OK();
    }
    return Status::OK();
  }

 private:
  struct Group {
    std::string name;
    text::Analyzer* analyzer = nullptr;
    std::unique_ptr<text::Analyzer> owned;  // when the thread's cache is full
  };

  // The analyzer of a group, kept per thread across queries (making one costs tens of
  // microseconds: ICU's word breaker); planners of one thread run one after the other.
  static text::Analyzer* AnalyzerOf(const std::string& group,
                                    std::unique_ptr<text::Analyzer>* owned) {
    constexpr size_t kMaxCached = 64;
    thread_local std::unordered_map<std::string, std::unique_ptr<text::Analyzer>> cache;
    auto it = cache.find(group);
    if (it != cache.end()) return it->second.get();
    if (cache.size() >= kMaxCached) {
      *owned = std::make_unique<text::Analyzer>(group);
      return owned->get();
    }
    return cache.emplace(group, std::make_unique<text::Analyzer>(group)).first->second.get();
  }

  Status Leaf(const Group& g, const std::string& term, IteratorPtr* out) {
    const std::string prefix = keys::IndexPrefix(keys::kText, keys::TextName(g.name, term));
    int64_t df = 0;
    if (Status s = counters::Read(view_, prefix, &df); !s.ok()) return s;
    if (df <= 0) {  // no article holds the term
      *out = std::make_unique<EmptyIterator>();
      return Status::OK();
    }
    return (*leaf_)(prefix, static_cast<uint64_t>(df), out);
  }

  IteratorPtr Combine(std::vector<IteratorPtr> children, bool all) {
    if (children.empty()) return std::make_unique<EmptyIterator>();
    if (children.size() == 1) return std::move(children[0]);
    if (all) return std::make_unique<AndIterator>(std::move(children), dir_);
    return std::make_unique<OrIterator>(std::move(children), dir_);
  }

  // A word or phrase: per group, its terms (the AND of several: approximate).
  Status Terms(const text::QueryNode& q, IteratorPtr* out, bool* exact) {
    *exact = q.fields == text::kAllFields;
    std::vector<IteratorPtr> per_group;
    std::vector<text::Token> tokens;
    for (Group& g : groups_) {
      g.analyzer->Analyze(q.text, &tokens);
      if (tokens.empty()) continue;  // nothing to match in this group
      if (tokens.size() > 1) *exact = false;
      std::map<std::string, bool> distinct;
      std::vector<IteratorPtr> terms;
      for (const text::Token& t : tokens) {
        if (!distinct.emplace(t.term, true).second) continue;
        IteratorPtr it;
        if (Status s = Leaf(g, t.term, &it); !s.ok()) return s;
        terms.push_back(std::move(it));
      }
      per_group.push_back(Combine(std::move(terms), /*all=*/true));
    }
    *out = Combine(std::move(per_group), /*all=*/false);
    return Status::OK();
  }

  // A prefix: per group, the OR of the terms beginning with it.
  Status Prefix(const text::QueryNode& q, IteratorPtr* out, bool* exact) {
    *exact = q.fields == text::kAllFields;
    std::vector<IteratorPtr> alternatives;
    rocksdb::ReadOptions ro = view_.options();
    ro.total_order_seek = true;
    std::unique_ptr<rocksdb::Iterator> it(view_.db()->NewIterator(ro, view_.cf(store::kIndex)));
    keys::BlockKeyParts parts;
    for (Group& g : groups_) {
      const std::string folded = g.analyzer->Fold(q.text, /*stem=*/false);
      if (folded.empty()) continue;
      std::string start(1, keys::kText);
      keys::AppendNamePrefix(&start, keys::TextName(g.name, folded));
      std::vector<std::string> terms;
      for (it->Seek(store::ToSlice(start)); it->Valid();) {
        const std::string_view key = store::ToView(it->key());
        if (!key.starts_with(start)) break;
        if (!keys::ParseBlockKey(key, &parts)) {
          return Status::Corruption("index key " + keys::DescribeBlockKey(key) +
                                    ": malformed (run verify, then reindex)");
        }
        if (terms.size() == kMaxPrefixTerms) {  // too wide to walk as lists
          *exact = false;
          return Status::OK();
        }
        terms.push_back(parts.name.substr(g.name.size() + 1));
        it->Seek(store::ToSlice(
            keys::PrefixSuccessor(keys::IndexPrefix(keys::kText, parts.name))));
      }
      if (!it->status().ok()) return store::FromRocks(it->status(), "reading index");
      for (const std::string& term : terms) {
        IteratorPtr leaf;
        if (Status s = Leaf(g, term, &leaf); !s.ok()) return s;
        alternatives.push_back(std::move(leaf));
      }
    }
    *out = Combine(std::move(alternatives), /*all=*/false);
    return Status::OK();
  }

  // An AND: its positive children's lists, then AND-NOT the exact negative ones'.
  Status And(const text::QueryNode& q, IteratorPtr* out, bool* exact) {
    std::vector<IteratorPtr> positives, negatives;
    for (const text::QueryNode& c : q.children) {
      const bool negative = c.kind == text::QueryNode::Kind::kNot;
      IteratorPtr it;
      bool e = true;
      if (Status s = Plan(negative ? c.children.front() : c, &it, &e); !s.ok()) return s;
      if (it == nullptr || (negative && !e)) {  // left out: the tree gives more
        *exact = false;
        continue;
      }
      *exact = *exact && e;
      (negative ? negatives : positives).push_back(std::move(it));
    }
    if (positives.empty()) {
      *exact = false;
      return Status::OK();
    }
    IteratorPtr root = Combine(std::move(positives), /*all=*/true);
    if (!negatives.empty()) {
      root = std::make_unique<AndNotIterator>(std::move(root),
                                              Combine(std::move(negatives), /*all=*/false), dir_);
    }
    *out = std::move(root);
    return Status::OK();
  }

  const store::ReadView& view_;
  Direction dir_;
  const TextLeafFn* leaf_;  // null when only counting
  std::vector<Group> groups_;
};

}  // namespace

Status PlanText(const store::ReadView& view, const text::QueryNode& query, Direction dir,
                const TextLeafFn& leaf, IteratorPtr* out, bool* exact) {
  TextPlanner planner(view, dir, &leaf);
  if (Status s = planner.LoadGroups(); !s.ok()) return s;
  return planner.Plan(query, out, exact);
}

Status WordLists(const store::ReadView& view, const std::vector<const text::QueryNode*>& words,
                 std::vector<std::vector<std::string>>* prefixes, std::vector<uint64_t>* dfs,
                 bool* single) {
  *single = true;
  prefixes->assign(words.size(), {});
  dfs->assign(words.size(), 0);
  TextPlanner planner(view, Direction::kForward, nullptr);
  if (Status s = planner.LoadGroups(); !s.ok()) return s;
  std::vector<std::string> all;
  for (size_t i = 0; i < words.size(); ++i) {
    planner.WordTerms(*words[i], &(*prefixes)[i], single);
    if (!*single) return Status::OK();
    all.insert(all.end(), (*prefixes)[i].begin(), (*prefixes)[i].end());
  }
  // The terms' document frequencies with one MultiGet; a term no article holds in a
  // group has no list there.
  std::vector<int64_t> counts;
  if (Status s = counters::ReadMany(view, all, &counts); !s.ok()) return s;
  size_t k = 0;
  for (size_t i = 0; i < words.size(); ++i) {
    std::vector<std::string> kept;
    for (std::string& prefix : (*prefixes)[i]) {
      const int64_t count = counts[k++];
      if (count <= 0) continue;
      (*dfs)[i] += static_cast<uint64_t>(count);
      kept.push_back(std::move(prefix));
    }
    (*prefixes)[i] = std::move(kept);
  }
  return Status::OK();
}

Status CountByFrequencies(const store::ReadView& view, const text::QueryNode& query,
                          bool* done, uint64_t* count) {
  *done = false;
  if (query.kind != text::QueryNode::Kind::kWord) return Status::OK();
  TextPlanner planner(view, Direction::kForward, nullptr);
  if (Status s = planner.LoadGroups(); !s.ok()) return s;
  return planner.CountByFrequencies(query, done, count);
}

}  // namespace articledb::query
