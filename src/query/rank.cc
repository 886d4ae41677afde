// Relevance order (rank.h).
#include "query/rank.h"

#include <algorithm>
#include <cmath>
#include <memory>
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

// The measures of every match from the impacts of its words' postings (rank.h): *done
// when the archive keeps impacts, every leaf is a word in every field that analysis makes
// one term, and each match was met in a list (so its length is known). `dfs`: the words'
// document frequencies.
Status MeasureFromImpacts(const store::ReadView& view, const NormalFilter& nf,
                          const std::vector<const text::QueryNode*>& leaves,
                          const std::vector<Pos>& positions, std::vector<float>* tf,
                          std::vector<float>* length, std::vector<uint64_t>* dfs, bool* done) {
  *done = false;
  if (view.store().text_indexing() != store::TextIndexing::kImpacts) return Status::OK();
  for (const text::QueryNode* leaf : leaves) {
    if (leaf->kind != text::QueryNode::Kind::kWord || leaf->fields != text::kAllFields) {
      return Status::OK();
    }
  }
  std::vector<std::vector<std::string>> prefixes;
  bool single = false;
  if (Status s = WordLists(view, leaves, &prefixes, dfs, &single); !s.ok() || !single) return s;
  const size_t n = positions.size(), nl = leaves.size();
  std::unordered_map<uint64_t, uint32_t> match;  // docno -> index in positions
  match.reserve(n);
  for (size_t i = 0; i < n; ++i) match.emplace(positions[i].docno, static_cast<uint32_t>(i));
  std::vector<char> known(n, 0);
  std::vector<FetchedBlock> blocks;
  index::BlockReader reader;
  std::vector<index::Posting> chunk;
  std::vector<index::Impact> impacts;
  for (size_t l = 0; l < nl; ++l) {
    for (const std::string& prefix : prefixes[l]) {
      if (Status s = ScanBlocks(view, prefix, nf, &blocks); !s.ok()) return s;
      for (const FetchedBlock& b : blocks) {
        if (!reader.Init(store::ToView(b.bytes))) {
          return Status::Corruption("index block " +
                                    keys::DescribeBlockKey(keys::BlockKey(prefix, b.bucket)) +
                                    ": damaged (run verify, then reindex)");
        }
        for (size_t c = 0; c < reader.chunk_count(); ++c) {
          if (!reader.DecodeChunk(c, &chunk, &impacts)) {
            return Status::Corruption("index block " +
                                      keys::DescribeBlockKey(keys::BlockKey(prefix, b.bucket)) +
                                      ": damaged (run verify, then reindex)");
          }
          for (size_t k = 0; k < chunk.size(); ++k) {
            const auto found = match.find(chunk[k].docno);
            if (found == match.end() || positions[found->second].time != chunk[k].time) continue;
            const uint32_t i = found->second;
            (*tf)[i * nl + l] += static_cast<float>(impacts[k].tf);
            (*length)[i] = static_cast<float>(impacts[k].length);
            known[i] = 1;
          }
        }
      }
    }
  }
  *done = std::all_of(known.begin(), known.end(), [](char k) { return k != 0; });
  return Status::OK();
}

}  // namespace

Status RankMatches(const store::ReadView& view, const NormalFilter& nf, std::vector<Scored>* out) {
  out->clear();
  if (!nf.text) return Status::InvalidArgument("relevance order needs a text query");
  std::unique_ptr<PostingIterator> matches;
  if (Status s = Plan(view, nf, Order::kNewestFirst, std::nullopt, &matches); !s.ok()) return s;
  std::vector<Pos> positions;
  while (matches->Next()) positions.push_back(matches->pos());
  if (!matches->status().ok()) return matches->status();
  if (positions.empty()) return Status::OK();

  std::vector<const text::QueryNode*> leaves;
  PositiveLeaves(*nf.text, &leaves);
  const size_t n = positions.size();
  const size_t nl = leaves.size();
  std::vector<float> tf(n * nl);  // row i: the leaves' weights in match i
  std::vector<float> length(n);
  std::vector<uint64_t> word_dfs;
  bool from_impacts = false;
  if (Status s = MeasureFromImpacts(view, nf, leaves, positions, &tf, &length, &word_dfs,
                                    &from_impacts);
      !s.ok()) {
    return s;
  }
  if (!from_impacts) {
    std::fill(tf.begin(), tf.end(), 0.0f);
    std::fill(length.begin(), length.end(), 0.0f);
  }
  text::Matcher matcher;
  std::vector<Article> chunk;
  std::vector<Pos> wanted;
  std::vector<float> weights;
  for (size_t done = from_impacts ? n : 0; done < n;) {
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

  int64_t articles = 0;
  if (Status s = counters::Read(view, std::string(keys::kArticlesCounter), &articles); !s.ok()) {
    return s;
  }
  const double total = std::max<double>(static_cast<double>(articles), static_cast<double>(n));
  std::vector<double> idf(nl);
  for (size_t l = 0; l < nl; ++l) {
    const text::QueryNode& leaf = *leaves[l];
    bool known = from_impacts;
    uint64_t df = from_impacts ? word_dfs[l] : 0;
    if (!known && leaf.kind == text::QueryNode::Kind::kWord && view.store().text_index()) {
      text::QueryNode word = leaf;
      word.fields = text::kAllFields;  // a field limit does not change the document frequency
      if (Status s = CountByFrequencies(view, word, &known, &df); !s.ok()) return s;
    }
    if (!known) {
      df = 0;
      for (size_t i = 0; i < n; ++i) df += tf[i * nl + l] > 0 ? 1 : 0;
    }
    const double d = std::min(static_cast<double>(df), total);
    idf[l] = std::log(1.0 + (total - d + 0.5) / (d + 0.5));
  }
  double sum = 0;
  for (float len : length) sum += len;
  const double average = std::max(1.0, sum / static_cast<double>(n));
  out->resize(n);
  for (size_t i = 0; i < n; ++i) {
    const double norm = kBm25K1 * (1.0 - kBm25B + kBm25B * length[i] / average);
    double score = 0;
    for (size_t l = 0; l < nl; ++l) {
      const double f = tf[i * nl + l];
      if (f > 0) score += idf[l] * f * (kBm25K1 + 1.0) / (f + norm);
    }
    (*out)[i] = Scored{score, positions[i]};
  }
  std::sort(out->begin(), out->end(), RanksBefore);
  return Status::OK();
}

}  // namespace articledb::query
