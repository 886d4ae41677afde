// The index types (contributor.h).
#include "index/contributor.h"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "index/counters.h"
#include "index/doc_values.h"
#include "index/posting_block.h"
#include "store/keys.h"
#include "store/store.h"
#include "text/analyzer.h"
#include "text/matcher.h"

namespace articledb::index {
namespace {

// 'D': every article, by time.
class DateIndex final : public IndexContributor {
 public:
  char type() const override { return keys::kDate; }
  const char* name() const override { return "date"; }
  void Contribute(const Article&, std::string_view pos, Derived* d) const override {
    d->index_keys.push_back(std::string(1, keys::kDate) + std::string(pos));
  }
};

// 'S': the article's source, with a counter per source.
class SourceIndex final : public IndexContributor {
 public:
  char type() const override { return keys::kSource; }
  const char* name() const override { return "source"; }
  void Contribute(const Article& a, std::string_view pos, Derived* d) const override {
    std::string key = keys::IndexPrefix(keys::kSource, NormalizeName(a.source()));
    d->names.emplace_back(key, a.source());
    d->index_keys.push_back(key + std::string(pos));
  }
};

// 'E': each distinct (normalised) entity name, with a counter per name.
class EntityIndex final : public IndexContributor {
 public:
  char type() const override { return keys::kEntity; }
  const char* name() const override { return "entity"; }
  void Contribute(const Article& a, std::string_view pos, Derived* d) const override {
    std::string key;
    std::unordered_set<std::string> seen;
    for (const Entity& e : a.entities()) {
      key = keys::IndexPrefix(keys::kEntity, NormalizeName(e.name()));
      if (!seen.insert(key).second) continue;
      d->index_keys.push_back(key + std::string(pos));
      d->names.emplace_back(key, e.name());
    }
  }
};

// Each distinct non-empty normalised name of a field, with a counter per name.
template <typename Names>
void ContributeNames(char type, const Names& names, std::string_view pos, Derived* d) {
  std::unordered_set<std::string> seen;
  for (const std::string& n : names) {
    const std::string norm = NormalizeName(n);
    if (norm.empty()) continue;
    std::string key = keys::IndexPrefix(type, norm);
    if (!seen.insert(key).second) continue;
    d->index_keys.push_back(key + std::string(pos));
    d->names.emplace_back(std::move(key), n);
  }
}

// 'L': the article's language (BCP 47 tag, normalised), when it has one.
class LanguageIndex final : public IndexContributor {
 public:
  char type() const override { return keys::kLanguage; }
  const char* name() const override { return "language"; }
  void Contribute(const Article& a, std::string_view pos, Derived* d) const override {
    const std::string one[1] = {a.language()};
    ContributeNames(keys::kLanguage, one, pos, d);
  }
};

// 'T': each distinct topic.
class TopicIndex final : public IndexContributor {
 public:
  char type() const override { return keys::kTopic; }
  const char* name() const override { return "topic"; }
  void Contribute(const Article& a, std::string_view pos, Derived* d) const override {
    ContributeNames(keys::kTopic, a.topics(), pos, d);
  }
};

// 'A': each distinct author.
class AuthorIndex final : public IndexContributor {
 public:
  char type() const override { return keys::kAuthor; }
  const char* name() const override { return "author"; }
  void Contribute(const Article& a, std::string_view pos, Derived* d) const override {
    ContributeNames(keys::kAuthor, a.authors(), pos, d);
  }
};

// 'W': each distinct term of the title, summary and body, as the article's language
// analyses them (text/analyzer.h), under its analysis group: "en:elect". Its counter
// (document frequency) orders a query's terms and counts a lone word. No day counters.
class TextIndex final : public IndexContributor {
 public:
  char type() const override { return keys::kText; }
  const char* name() const override { return "text"; }
  void Contribute(const Article& a, std::string_view pos, Derived* d) const override {
    struct Group {
      std::string name;
      std::unique_ptr<text::Analyzer> analyzer;
    };
    // One analyzer per language met, per thread (analyzers are not thread-safe, and
    // their caches of words pay off across articles).
    thread_local std::unordered_map<std::string, Group> groups;
    thread_local std::vector<text::Token> tokens;
    thread_local std::unordered_map<std::string, uint32_t> seen;  // term -> weighted count
    auto found = groups.find(a.language());
    if (found == groups.end()) {
      if (groups.size() > 256) groups.clear();
      Group g{text::AnalysisGroup(a.language()), std::make_unique<text::Analyzer>(a.language())};
      found = groups.emplace(a.language(), std::move(g)).first;
    }
    Group& g = found->second;
    seen.clear();
    // Occurrences and length weighted as the matcher weighs them (text/matcher.h), so an
    // impact gives the same BM25 as measuring the record.
    constexpr auto kTitle = static_cast<uint32_t>(text::kTitleWeight);
    uint32_t length = 0;
    for (const std::string* field : {&a.title(), &a.summary(), &a.body()}) {
      const uint32_t weight = field == &a.title() ? kTitle : 1;
      length += g.analyzer->Analyze(*field, &tokens) * weight;
      for (const text::Token& t : tokens) seen[t.term] += weight;
    }
    std::string key;
    d->text_length = length;
    d->impacts.resize(d->index_keys.size());
    for (const auto& [term, tf] : seen) {
      key = keys::IndexPrefix(keys::kText, keys::TextName(g.name, term));
      d->index_keys.push_back(key + std::string(pos));
      d->impacts.push_back(Impact{tf, length});
      d->names.emplace_back(std::move(key), term);
    }
  }
};

}  // namespace

int64_t IndexTime(const Article& a) {
  return a.has_published_at() ? TimestampMicros(a.published_at()) : keys::kUndated;
}

const std::vector<const IndexContributor*>& Contributors() {
  static const DateIndex date;
  static const SourceIndex source;
  static const EntityIndex entity;
  static const LanguageIndex language;
  static const TopicIndex topic;
  static const AuthorIndex author;
  static const TextIndex text;
  static const std::vector<const IndexContributor*> all = {&date,  &source, &entity, &language,
                                                           &topic, &author, &text};
  return all;
}

const IndexContributor* ContributorOf(char type) {
  for (const IndexContributor* c : Contributors()) {
    if (c->type() == type) return c;
  }
  return nullptr;
}

store::AllCfHooks StoreHooks() {
  store::AllCfHooks hooks;
  hooks[store::kCounters].merge_operator = counters::NewMergeOperator();
  hooks[store::kIndex].merge_operator = NewMergeOperator();
  hooks[store::kIndex].compaction_filter_factory = NewEmptyBlockFilterFactory();
  return hooks;
}

void Derive(const Article& a, uint64_t docno, Derived* d, TextIndexing text) {
  d->index_keys.clear();
  d->impacts.clear();
  d->names.clear();
  d->text_length = 0;
  const int64_t t = IndexTime(a);
  std::string pos;
  keys::AppendTime(&pos, t);
  keys::AppendDocno(&pos, docno);
  for (const IndexContributor* c : Contributors()) {
    if (text != TextIndexing::kNone || c->type() != keys::kText) c->Contribute(a, pos, d);
  }
  if (text != TextIndexing::kImpacts) {
    d->impacts.clear();
    d->text_length = 0;
  }
  d->impacts.resize(d->index_keys.size());
  d->doc_key = keys::DocnoKey(docno);
  EncodeDocValues(a, &d->doc_value);
}

void BatchMerges::AddPosting(std::string_view block_key, const Posting& p, bool add,
                             const Impact& impact) {
  auto it = blocks_.find(block_key);
  if (it == blocks_.end()) it = blocks_.emplace(std::string(block_key), std::vector<Op>()).first;
  it->second.push_back(Op{p, impact, add});
}

void BatchMerges::AddCounter(std::string_view key, int64_t delta, std::string_view display) {
  auto it = counters_.find(key);
  if (it == counters_.end()) it = counters_.emplace(std::string(key), Counter()).first;
  Counter& c = it->second;
  c.delta = static_cast<int64_t>(static_cast<uint64_t>(c.delta) + static_cast<uint64_t>(delta));
  if (!display.empty()) c.display.assign(display);
}

void BatchMerges::WriteTo(rocksdb::WriteBatch* batch, const store::Store& st) {
  WriteTo(batch, st.cf(store::kIndex), st.cf(store::kCounters));
}

void BatchMerges::WriteTo(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* index,
                          rocksdb::ColumnFamilyHandle* counters) {
  std::vector<Posting> adds, removes;
  std::vector<Impact> add_impacts;
  std::string operand;
  for (auto& [key, ops] : blocks_) {
    // The last op on a posting wins, as when the operands are merged one by one.
    std::stable_sort(ops.begin(), ops.end(), [](const Op& a, const Op& b) { return a.p < b.p; });
    adds.clear();
    removes.clear();
    add_impacts.clear();
    bool impacts = false;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (i + 1 < ops.size() && ops[i + 1].p == ops[i].p) continue;
      if (ops[i].add) {
        adds.push_back(ops[i].p);
        add_impacts.push_back(ops[i].impact);
        impacts = impacts || ops[i].impact.tf != 0;
      } else {
        removes.push_back(ops[i].p);
      }
    }
    EncodeOperand(adds, removes, &operand, impacts ? add_impacts.data() : nullptr);
    batch->Merge(index, key, operand);
  }
  for (const auto& [key, c] : counters_) {
    batch->Merge(counters, key, counters::Encode(c.delta, c.display));
  }
  blocks_.clear();
  counters_.clear();
}

void ApplyDerived(rocksdb::WriteBatch* batch, BatchMerges* merges, const store::Store& st,
                  const Derived& d, int sign, const Derived* other) {
  // The other version's keys, with their impacts: a key both versions have is left alone,
  // unless its impact changed, when the stored version (sign > 0) adds it again with its
  // own (the add replaces the impact) and the removed one leaves it.
  std::unordered_map<std::string_view, Impact> keep_keys;
  std::unordered_set<std::string_view> keep_names;
  if (other != nullptr) {
    for (size_t i = 0; i < other->index_keys.size(); ++i) {
      keep_keys.emplace(other->index_keys[i], other->impacts[i]);
    }
    for (const auto& n : other->names) keep_names.insert(n.first);
  }
  // Each position key (prefix | time | docno) becomes a merge on its posting block
  // (prefix | month) and on its day counter ('#' | prefix | day): no read, one batch.
  std::string block_key;
  for (size_t i = 0; i < d.index_keys.size(); ++i) {
    const std::string& k = d.index_keys[i];
    if (auto kept = keep_keys.find(k);
        kept != keep_keys.end() && (sign < 0 || kept->second == d.impacts[i])) {
      continue;
    }
    const std::string_view prefix(k.data(), k.size() - keys::kPositionBytes);
    const char* pos = k.data() + prefix.size();
    const Posting p{keys::DecodeTime(pos), keys::DecodeDocno(pos + 8)};
    block_key.assign(prefix);
    keys::AppendBucket(&block_key, keys::MonthBucket(p.time));
    merges->AddPosting(block_key, p, sign > 0, sign > 0 ? d.impacts[i] : Impact());
    if (p.time != keys::kUndated && prefix[0] != keys::kText) {
      merges->AddCounter(keys::DayCounterKey(prefix, keys::DayNumber(p.time)), sign, "");
    }
  }
  for (const auto& [key, display] : d.names) {
    if (keep_names.count(key)) {
      // Same name in both versions: count unchanged, keep the newest spelling.
      if (sign > 0) merges->AddCounter(key, 0, display);
      continue;
    }
    merges->AddCounter(key, sign, sign > 0 ? display : std::string_view());
  }
  if (d.text_length != 0) {
    merges->AddCounter(keys::kTextLengthCounter,
                       sign * static_cast<int64_t>(d.text_length), "");
  }
  // The doc value: put with each version stored, deleted with the last one removed.
  if (sign > 0) {
    batch->Put(st.cf(store::kFacets), d.doc_key, d.doc_value);
  } else if (other == nullptr) {
    batch->Delete(st.cf(store::kFacets), d.doc_key);
  }
}

}  // namespace articledb::index
