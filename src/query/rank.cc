// Relevance order (rank.h).
#include "query/rank.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

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

  int64_t articles = 0;
  if (Status s = counters::Read(view, std::string(keys::kArticlesCounter), &articles); !s.ok()) {
    return s;
  }
  const double total = std::max<double>(static_cast<double>(articles), static_cast<double>(n));
  std::vector<double> idf(nl);
  for (size_t l = 0; l < nl; ++l) {
    const text::QueryNode& leaf = *leaves[l];
    bool known = false;
    uint64_t df = 0;
    if (leaf.kind == text::QueryNode::Kind::kWord && view.store().text_index()) {
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
