// Relevance order (rank.h).
#include "query/rank.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "articledb/article.h"
#include "index/counters.h"
#include "query/planner.h"
#include "query/reader.h"
#include "query/text_plan.h"
#include "store/keys.h"
#include "store/store.h"
#include "text/matcher.h"

namespace articledb::query {
namespace {

// Records read and measured at a time.
constexpr size_t kChunk = 256;

std::atomic<bool> measure_records{false};  // MeasureRecordsForTesting
std::atomic<uint64_t> chunks_skipped{0};     // ChunksSkippedForTesting

bool SameLeaf(const text::QueryNode& a, const text::QueryNode& b) {
  return a.kind == b.kind && a.fields == b.fields && a.text == b.text;
}

// The words, phrases and prefixes of `q` outside any NOT, each once.
void PositiveLeaves(const text::QueryNode& q, std::vector<const text::QueryNode*>* out) {
  using Kind = text::QueryNode::Kind;
  switch (q.kind) {
    case Kind::kWord:
    case Kind::kPhrase:
    case Kind::kPrefix:
      if (std::none_of(out->begin(), out->end(),
                       [&](const text::QueryNode* n) { return SameLeaf(*n, q); })) {
        out->push_back(&q);
      }
      return;
    case Kind::kNot: return;
    case Kind::kAnd:
    case Kind::kOr:
      for (const text::QueryNode& c : q.children) PositiveLeaves(c, out);
      return;
  }
}

// The query is one word, or words joined by OR (each in every field).
bool OnlyWordsJoinedByOr(const text::QueryNode& q) {
  using Kind = text::QueryNode::Kind;
  if (q.kind == Kind::kWord) return q.fields == text::kAllFields;
  return q.kind == Kind::kOr && std::all_of(q.children.begin(), q.children.end(),
                                            [](const text::QueryNode& c) {
                                              return OnlyWordsJoinedByOr(c);
                                            });
}

// The scoring of one query: its positive leaves' idf and the average length.
struct Bm25 {
  std::vector<double> idf;
  double average = 1;
  // The score of a match whose leaves occur tf[0..nl) times in `length` words; every path
  // scores with this, in this order, so equal measures give bit-equal scores.
  double Score(const float* tf, float length) const {
    const double norm = Norm(length);
    double score = 0;
    for (size_t l = 0; l < idf.size(); ++l) score += Term(l, tf[l], norm);
    return score;
  }
  // What leaf l adds at most in an article whose impact is at most `m` (the largest tf,
  // the smallest length): a bound for pruning.
  double Bound(size_t l, const index::Impact& m) const {
    return Term(l, m.tf, Norm(static_cast<float>(m.length)));
  }

 private:
  double Norm(float length) const {
    return kBm25K1 * (1.0 - kBm25B + kBm25B * length / average);
  }
  double Term(size_t l, double f, double norm) const {
    return f > 0 ? idf[l] * f * (kBm25K1 + 1.0) / (f + norm) : 0.0;
  }
};

// The words' lists, when relevance can be read from impacts (rank.h): the archive keeps
// them and every leaf is a word in every field that analysis makes one term in each
// group. `prefixes[l]`: leaf l's term in each group; `dfs[l]`: its document frequency.
struct WordPlan {
  bool usable = false;
  std::vector<std::vector<std::string>> prefixes;
  std::vector<uint64_t> dfs;
};

Status PlanWords(const store::ReadView& view, const std::vector<const text::QueryNode*>& leaves,
                 WordPlan* out) {
  out->usable = false;
  if (view.store().text_indexing() != store::TextIndexing::kImpacts || leaves.empty()) {
    return Status::OK();
  }
  for (const text::QueryNode* leaf : leaves) {
    if (leaf->kind != text::QueryNode::Kind::kWord || leaf->fields != text::kAllFields) {
      return Status::OK();
    }
  }
  bool single = false;
  if (Status s = WordLists(view, leaves, &out->prefixes, &out->dfs, &single); !s.ok()) return s;
  out->usable = single;
  return Status::OK();
}

Status Damaged(const std::string& prefix, uint32_t bucket) {
  return Status::Corruption("index block " +
                            keys::DescribeBlockKey(keys::BlockKey(prefix, bucket)) +
                            ": damaged (run verify, then reindex)");
}

// Every match's measures from the impacts of its words' postings in the filter's time
// range (a match met in no list has none of the words: tf 0).
Status MeasureFromImpacts(const store::ReadView& view, const NormalFilter& nf,
                          const WordPlan& words, const std::vector<Pos>& positions,
                          std::vector<float>* tf, std::vector<float>* length) {
  const size_t n = positions.size(), nl = words.prefixes.size();
  std::unordered_map<uint64_t, uint32_t> match;  // docno -> index in positions
  match.reserve(n);
  for (size_t i = 0; i < n; ++i) match.emplace(positions[i].docno, static_cast<uint32_t>(i));
  std::vector<FetchedBlock> blocks;
  index::BlockReader reader;
  std::vector<index::Posting> chunk;
  std::vector<index::Impact> impacts;
  for (size_t l = 0; l < nl; ++l) {
    for (const std::string& prefix : words.prefixes[l]) {
      if (Status s = ScanBlocks(view, prefix, nf, &blocks); !s.ok()) return s;
      for (const FetchedBlock& b : blocks) {
        if (!reader.Init(store::ToView(b.bytes))) return Damaged(prefix, b.bucket);
        for (size_t c = 0; c < reader.chunk_count(); ++c) {
          if (!reader.DecodeChunk(c, &chunk, &impacts)) return Damaged(prefix, b.bucket);
          for (size_t k = 0; k < chunk.size(); ++k) {
            const auto found = match.find(chunk[k].docno);
            if (found == match.end() || positions[found->second].time != chunk[k].time) continue;
            const uint32_t i = found->second;
            (*tf)[i * nl + l] += static_cast<float>(impacts[k].tf);
            (*length)[i] = static_cast<float>(impacts[k].length);
          }
        }
      }
    }
  }
  return Status::OK();
}

// One word's postings in a time range with their impacts, read from its fetched blocks,
// forward, a chunk decoded at a time, with the chunk's maxima to skip it whole.
class ImpactCursor {
 public:
  ImpactCursor(std::string prefix, std::vector<FetchedBlock> blocks, const NormalFilter& f)
      : prefix_(std::move(prefix)), blocks_(std::move(blocks)), lo_(f.lo), hi_(f.hi) {}

  // Positions on the first posting in the range.
  Status Start() {
    b_ = 0;
    if (Status s = EnterBlock(); !s.ok()) return s;
    return Settle();
  }
  bool live() const { return live_; }
  const Pos& pos() const { return pos_; }
  const index::Impact& impact() const { return impacts_[k_]; }
  // The current chunk's maxima (the largest tf, the smallest length).
  index::Impact chunk_max() const { return reader_.chunk_max(c_); }
  // The maxima of every chunk of every block, for the list's bound.
  Status ForEachChunkMax(const std::function<void(const index::Impact&)>& fn) const {
    index::BlockReader r;
    for (const FetchedBlock& b : blocks_) {
      if (!r.Init(store::ToView(b.bytes))) return Damaged(prefix_, b.bucket);
      for (size_t c = 0; c < r.chunk_count(); ++c) fn(r.chunk_max(c));
    }
    return Status::OK();
  }
  Status Next() {
    ++k_;
    return Settle();
  }
  // To the first posting of the next chunk.
  Status NextChunk() {
    k_ = buf_.size();
    return Settle();
  }
  // To the first posting at or after t (never back).
  Status SeekTo(const Pos& t) {
    if (!live_ || !(pos_ < t)) return Status::OK();
    const index::Posting target{t.time, t.docno};
    const uint32_t bucket = keys::MonthBucket(t.time);
    if (blocks_[b_].bucket < bucket) {
      while (b_ < blocks_.size() && blocks_[b_].bucket < bucket) ++b_;
      if (Status s = EnterBlock(); !s.ok()) return s;
      if (!live_) return Status::OK();
    }
    // The chunk that may hold t, not before the current one.
    const size_t c = std::max(c_, reader_.FindChunk(target));
    if (c != c_) {
      if (Status s = LoadChunk(c); !s.ok()) return s;
    }
    k_ = static_cast<size_t>(std::lower_bound(buf_.begin() + static_cast<std::ptrdiff_t>(k_),
                                              buf_.end(), target) -
                             buf_.begin());
    return Settle();
  }

 private:
  // Loads block b_ (its first chunk), or ends the walk past the last one.
  Status EnterBlock() {
    for (; b_ < blocks_.size(); ++b_) {
      if (!reader_.Init(store::ToView(blocks_[b_].bytes))) {
        return Damaged(prefix_, blocks_[b_].bucket);
      }
      if (reader_.chunk_count() > 0) return LoadChunk(0);  // (an empty block: none)
    }
    live_ = false;
    return Status::OK();
  }
  Status LoadChunk(size_t c) {
    if (!reader_.DecodeChunk(c, &buf_, &impacts_)) return Damaged(prefix_, blocks_[b_].bucket);
    c_ = c;
    k_ = 0;
    return Status::OK();
  }
  // From k_ on: the first posting in the range, moving through chunks and blocks.
  Status Settle() {
    for (;;) {
      if (!live_) return Status::OK();
      while (k_ < buf_.size() && buf_[k_].time < lo_) ++k_;
      if (k_ < buf_.size()) {
        if (hi_ && buf_[k_].time >= *hi_) {
          live_ = false;
          return Status::OK();
        }
        pos_ = Pos{buf_[k_].time, buf_[k_].docno};
        return Status::OK();
      }
      if (c_ + 1 < reader_.chunk_count()) {
        if (Status s = LoadChunk(c_ + 1); !s.ok()) return s;
      } else {
        ++b_;
        if (Status s = EnterBlock(); !s.ok()) return s;
      }
    }
  }

  std::string prefix_;
  std::vector<FetchedBlock> blocks_;
  int64_t lo_;
  std::optional<int64_t> hi_;
  size_t b_ = 0, c_ = 0, k_ = 0;
  index::BlockReader reader_;
  std::vector<index::Posting> buf_;
  std::vector<index::Impact> impacts_;
  bool live_ = true;
  Pos pos_{0, 0};
};

// The `top.k` best matches ranking after `top.after`, by MaxScore (Turtle and Flood, 1995)
// with chunk maxima (block-max, Ding and Suel, 2011) over the words' lists. A list can add
// to a score at most its bound: BM25 of the largest tf and smallest length among its
// chunks' maxima. The lists whose bounds add up to less than the k-th best score so far
// (the non-essential ones) no longer propose articles, and are only probed, best bound
// first, for an article the others propose, until what is left of the bounds cannot lift
// it into the best; a proposing list skips a whole chunk whose maxima, with every other
// list's bound, cannot reach it. An article that could enter is checked against the query
// and filter (the planner's tree, sought forward), unless the query is words joined by OR
// with nothing but a time range. *out in relevance order; fewer than k when fewer matches
// have a word.
Status TopFromImpacts(const store::ReadView& view, const NormalFilter& nf,
                      const WordPlan& words, const Bm25& bm25, const RankTop& top,
                      std::vector<Scored>* out) {
  out->clear();
  struct List {
    std::unique_ptr<ImpactCursor> it;
    size_t leaf = 0;
    double bound = 0;
  };
  std::vector<List> lists;
  // Every block of every list in the range, read ahead (one iterator).
  std::vector<std::string> all_prefixes;
  for (const auto& p : words.prefixes) all_prefixes.insert(all_prefixes.end(), p.begin(), p.end());
  std::vector<std::vector<FetchedBlock>> all_blocks;
  if (Status s = ScanBlocks(view, all_prefixes, nf, &all_blocks); !s.ok()) return s;
  size_t next_prefix = 0;
  for (size_t l = 0; l < words.prefixes.size(); ++l) {
    for (const std::string& prefix : words.prefixes[l]) {
      List list;
      list.it = std::make_unique<ImpactCursor>(prefix, std::move(all_blocks[next_prefix++]), nf);
      list.leaf = l;
      if (Status s = list.it->ForEachChunkMax([&](const index::Impact& m) {
            list.bound = std::max(list.bound, bm25.Bound(l, m));
          });
          !s.ok()) {
        return s;
      }
      if (Status s = list.it->Start(); !s.ok()) return s;
      lists.push_back(std::move(list));
    }
  }
  std::sort(lists.begin(), lists.end(),
            [](const List& a, const List& b) { return a.bound < b.bound; });
  const size_t m = lists.size();
  std::vector<double> below(m + 1, 0);  // below[i]: the bounds of lists[0..i) added up
  for (size_t i = 0; i < m; ++i) below[i + 1] = below[i] + lists[i].bound;

  std::unique_ptr<PostingIterator> matches;
  const bool all_match = OnlyWordsJoinedByOr(*nf.text) && nf.prefixes.empty() &&
                         nf.any_of.empty() && nf.none_of.empty();
  if (!all_match) {
    if (Status s = Plan(view, nf, Order::kOldestFirst, std::nullopt, &matches); !s.ok()) {
      return s;
    }
  }
  // A min-heap of the best so far: front() ranks last.
  std::vector<Scored> best;
  const auto worse = [](const Scored& a, const Scored& b) { return RanksBefore(a, b); };
  const size_t nl = words.prefixes.size();
  std::vector<float> tf(nl);
  size_t essential = 0;  // lists[essential..m) propose articles
  for (;;) {
    // The bar an article must pass, loosened by a relative 1e-9 for rounding: bounds
    // are added in another order than scores.
    const double bar =
        best.size() < top.k ? -1.0 : best.front().score - 1e-9 * best.front().score;
    while (essential < m && below[essential + 1] < bar) ++essential;
    if (essential == m) break;
    const Pos* next = nullptr;
    for (size_t i = essential; i < m; ++i) {
      List& list = lists[i];
      // A chunk none of whose articles can pass, whatever the other lists add: skipped.
      while (list.it->live() &&
             bm25.Bound(list.leaf, list.it->chunk_max()) + (below[m] - list.bound) < bar) {
        if (Status s = list.it->NextChunk(); !s.ok()) return s;
        chunks_skipped.fetch_add(1, std::memory_order_relaxed);
      }
      if (list.it->live() && (next == nullptr || list.it->pos() < *next)) {
        next = &list.it->pos();
      }
    }
    if (next == nullptr) break;
    const Pos at = *next;
    std::fill(tf.begin(), tf.end(), 0.0f);
    float length = 0;
    for (size_t i = essential; i < m; ++i) {
      List& list = lists[i];
      if (!list.it->live() || list.it->pos() != at) continue;
      tf[list.leaf] += static_cast<float>(list.it->impact().tf);
      length = static_cast<float>(list.it->impact().length);
      if (Status s = list.it->Next(); !s.ok()) return s;
    }
    double score = bm25.Score(tf.data(), length);
    for (size_t i = essential; i-- > 0;) {
      if (score + below[i + 1] < bar) break;  // the rest cannot lift it over the bar
      List& list = lists[i];
      if (Status s = list.it->SeekTo(at); !s.ok()) return s;
      if (!list.it->live() || list.it->pos() != at) continue;
      tf[list.leaf] += static_cast<float>(list.it->impact().tf);
      score = bm25.Score(tf.data(), length);
    }
    const Scored candidate{score, at};
    if (best.size() == top.k && !RanksBefore(candidate, best.front())) continue;
    if (top.after && !RanksBefore(*top.after, candidate)) continue;
    if (matches != nullptr) {
      if (!matches->SeekTo(at)) {
        if (Status s = matches->status(); !s.ok()) return s;
        break;  // no match from here on
      }
      if (matches->pos() != at) continue;
    }
    best.push_back(candidate);
    std::push_heap(best.begin(), best.end(), worse);
    if (best.size() > top.k) {
      std::pop_heap(best.begin(), best.end(), worse);
      best.pop_back();
    }
  }
  std::sort(best.begin(), best.end(), RanksBefore);
  *out = std::move(best);
  return Status::OK();
}

}  // namespace

uint64_t ChunksSkippedForTesting() { return chunks_skipped.load(std::memory_order_relaxed); }

void MeasureRecordsForTesting(bool on) { measure_records.store(on, std::memory_order_relaxed); }

Status RankMatches(const store::ReadView& view, const NormalFilter& nf, std::vector<Scored>* out,
                   const RankTop* top) {
  out->clear();
  if (!nf.text) return Status::InvalidArgument("relevance order needs a text query");
  std::vector<const text::QueryNode*> leaves;
  PositiveLeaves(*nf.text, &leaves);
  const size_t nl = leaves.size();
  WordPlan words;
  if (Status s = PlanWords(view, leaves, &words); !s.ok()) return s;
  if (measure_records.load(std::memory_order_relaxed)) words.usable = false;

  // N, and the lengths of the archive's articles added up: with impacts, the average
  // length is the archive's, else the matches'.
  std::vector<int64_t> totals;
  if (Status s = counters::ReadMany(view, {std::string(keys::kArticlesCounter),
                                           std::string(keys::kTextLengthCounter)},
                                    &totals);
      !s.ok()) {
    return s;
  }
  const int64_t articles = totals[0];
  const bool impacts = view.store().text_indexing() == store::TextIndexing::kImpacts;
  Bm25 bm25;
  if (impacts) {
    bm25.average = std::max(1.0, static_cast<double>(totals[1]) /
                                     std::max<double>(1.0, static_cast<double>(articles)));
  }
  auto idf_of = [&](uint64_t df, double total) {
    const double d = std::min(static_cast<double>(df), total);
    return std::log(1.0 + (total - d + 0.5) / (d + 0.5));
  };
  if (words.usable && top != nullptr && top->k > 0) {
    const double total = std::max(1.0, static_cast<double>(articles));
    for (size_t l = 0; l < nl; ++l) bm25.idf.push_back(idf_of(words.dfs[l], total));
    if (Status s = TopFromImpacts(view, nf, words, bm25, *top, out); !s.ok()) return s;
    // Fewer than asked: matches holding none of the words may follow (score 0), or the
    // counters and lists disagree on N; the full ranking says.
    if (out->size() == top->k) return Status::OK();
    out->clear();
    bm25.idf.clear();
  }

  std::unique_ptr<PostingIterator> matches;
  if (Status s = Plan(view, nf, Order::kNewestFirst, std::nullopt, &matches); !s.ok()) return s;
  std::vector<Pos> positions;
  while (matches->Next()) positions.push_back(matches->pos());
  if (!matches->status().ok()) return matches->status();
  if (positions.empty()) return Status::OK();

  const size_t n = positions.size();
  std::vector<float> tf(n * nl);  // row i: the leaves' weights in match i
  std::vector<float> length(n);
  if (words.usable) {
    if (Status s = MeasureFromImpacts(view, nf, words, positions, &tf, &length); !s.ok()) {
      return s;
    }
  } else {
    text::Matcher matcher;
    std::vector<Article> chunk;
    std::vector<Pos> wanted;
    std::vector<float> weights;
    for (size_t done = 0; done < n;) {
      wanted.assign(positions.begin() + static_cast<std::ptrdiff_t>(done),
                    positions.begin() + static_cast<std::ptrdiff_t>(std::min(n, done + kChunk)));
      if (Status s = ReadRecords(view, wanted, &chunk); !s.ok()) return s;
      for (const Article& a : chunk) {  // ReadRecords read at least one
        matcher.Measure(leaves, a, &weights, &length[done]);
        std::copy(weights.begin(), weights.end(),
                  tf.begin() + static_cast<std::ptrdiff_t>(done * nl));
        ++done;
      }
    }
  }

  const double total = std::max<double>(static_cast<double>(articles), static_cast<double>(n));
  for (size_t l = 0; l < nl; ++l) {
    const text::QueryNode& leaf = *leaves[l];
    bool known = words.usable;
    uint64_t df = words.usable ? words.dfs[l] : 0;
    if (!known && leaf.kind == text::QueryNode::Kind::kWord && view.store().text_index()) {
      text::QueryNode word = leaf;
      word.fields = text::kAllFields;  // a field limit does not change the document frequency
      if (Status s = CountByFrequencies(view, word, &known, &df); !s.ok()) return s;
    }
    if (!known) {
      df = 0;
      for (size_t i = 0; i < n; ++i) df += tf[i * nl + l] > 0 ? 1 : 0;
    }
    bm25.idf.push_back(idf_of(df, total));
  }
  if (!impacts) {
    double sum = 0;
    for (float len : length) sum += len;
    bm25.average = std::max(1.0, sum / static_cast<double>(n));
  }
  out->resize(n);
  for (size_t i = 0; i < n; ++i) (*out)[i] = Scored{bm25.Score(&tf[i * nl], length[i]), positions[i]};
  std::sort(out->begin(), out->end(), RanksBefore);
  return Status::OK();
}

}  // namespace articledb::query
