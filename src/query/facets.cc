// Facets (facets.h).
#include "query/facets.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "index/counters.h"
#include "index/doc_values.h"
#include "query/filter.h"
#include "query/planner.h"
#include "store/keys.h"
#include "store/store.h"

namespace articledb::query {

using store::FromRocks;
using store::ToSlice;
using store::ToView;

namespace {

constexpr size_t kMaxFacetLimit = 10000;
// Doc values read with one MultiGet.
constexpr size_t kBatch = 256;

struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
// Normalised name -> matching articles carrying it.
using Counts = std::unordered_map<std::string, uint64_t, ViewHash, std::equal_to<>>;

bool FieldOf(FacetField f, index::DocField* field) {
  switch (f) {
    case FacetField::kSource: *field = index::kDocSource; return true;
    case FacetField::kEntity: *field = index::kDocEntities; return true;
    case FacetField::kTopic: *field = index::kDocTopics; return true;
    case FacetField::kLanguage: *field = index::kDocLanguage; return true;
    case FacetField::kAuthor: *field = index::kDocAuthors; return true;
  }
  return false;
}

// Counts the names of `field` in the doc values of `docnos`.
Status CountBatch(const store::ReadView& view, const std::vector<uint64_t>& docnos,
                  index::DocField field, Counts* counts) {
  const size_t n = docnos.size();
  if (n == 0) return Status::OK();
  std::vector<std::string> key_store(n);
  std::vector<rocksdb::Slice> ks(n);
  for (size_t i = 0; i < n; ++i) {
    key_store[i] = keys::DocnoKey(docnos[i]);
    ks[i] = ToSlice(key_store[i]);
  }
  std::vector<rocksdb::PinnableSlice> vals(n);
  std::vector<rocksdb::Status> sts(n);
  rocksdb::ReadOptions ro = view.options();
  view.db()->MultiGet(ro, view.cf(store::kFacets), n, ks.data(), vals.data(), sts.data());
  std::vector<std::string_view> names;
  for (size_t i = 0; i < n; ++i) {
    if (sts[i].IsNotFound()) {
      return Status::Corruption("record " + std::to_string(docnos[i]) +
                                " has no doc value in column family 'facets'; run verify, "
                                "then reindex");
    }
    if (!sts[i].ok()) return FromRocks(sts[i], "reading doc values");
    if (!index::DocValueNames(ToView(vals[i]), field, &names)) {
      return Status::Corruption("doc value of record " + std::to_string(docnos[i]) +
                                " is damaged; run verify, then reindex");
    }
    for (std::string_view name : names) {
      if (auto it = counts->find(name); it != counts->end()) {
        ++it->second;
      } else {
        counts->emplace(std::string(name), 1);
      }
    }
  }
  return Status::OK();
}

}  // namespace

Status Facets(store::ReadView& view, const Filter& filter, const FacetOptions& options,
              std::vector<NameCount>* facets) {
  facets->clear();
  if (options.limit == 0 || options.limit > kMaxFacetLimit) {
    return Status::InvalidArgument("facet limit must be between 1 and " +
                                   std::to_string(kMaxFacetLimit) + ", not " +
                                   std::to_string(options.limit));
  }
  index::DocField field;
  if (!FieldOf(options.by, &field)) {
    return Status::InvalidArgument("facet field " + std::to_string(static_cast<int>(options.by)) +
                                   " is not one of source, entity, topic, language, author");
  }
  if (Status s = view.Begin(); !s.ok()) return s;
  NormalFilter nf;
  if (Status s = Normalize(filter, &nf); !s.ok()) return s;
  std::unique_ptr<PostingIterator> matches;
  if (Status s = Plan(view, nf, Order::kOldestFirst, std::nullopt, &matches); !s.ok()) return s;
  Counts counts;
  std::vector<uint64_t> docnos;
  docnos.reserve(kBatch);
  bool more = true;
  while (more) {
    docnos.clear();
    while (docnos.size() < kBatch && (more = matches->Next())) docnos.push_back(matches->pos().docno);
    if (!matches->status().ok()) return matches->status();
    if (Status s = CountBatch(view, docnos, field, &counts); !s.ok()) return s;
  }
  // The names that can make the top: all when they fit, else those counted at least as
  // often as the limit-th (ties there are broken by display name, read below).
  std::vector<std::pair<uint64_t, const std::string*>> ranked;
  ranked.reserve(counts.size());
  for (const auto& [name, n] : counts) ranked.emplace_back(n, &name);
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  if (ranked.size() > options.limit) {
    const uint64_t floor = ranked[options.limit - 1].first;
    size_t keep = options.limit;
    while (keep < ranked.size() && ranked[keep].first == floor) ++keep;
    ranked.resize(keep);
  }
  // Display names: the spelling most recently stored, from the name counters.
  const size_t n = ranked.size();
  const char type = index::DocFieldType(field);
  std::vector<std::string> key_store(n);
  std::vector<rocksdb::Slice> ks(n);
  for (size_t i = 0; i < n; ++i) {
    key_store[i] = keys::CounterKey(type, *ranked[i].second);
    ks[i] = ToSlice(key_store[i]);
  }
  std::vector<rocksdb::PinnableSlice> vals(n);
  std::vector<rocksdb::Status> sts(n);
  if (n > 0) {
    rocksdb::ReadOptions ro = view.options();
    view.db()->MultiGet(ro, view.cf(store::kCounters), n, ks.data(), vals.data(), sts.data());
  }
  facets->reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string_view display;
    int64_t total = 0;
    if (sts[i].ok()) {
      if (!counters::Decode(ToView(vals[i]), &total, &display)) {
        return Status::Corruption("counter value is damaged");
      }
    } else if (!sts[i].IsNotFound()) {
      return FromRocks(sts[i], "reading counters");
    }
    facets->push_back(NameCount{std::string(display.empty() ? std::string_view(*ranked[i].second)
                                                            : display),
                                ranked[i].first});
  }
  std::sort(facets->begin(), facets->end(), [](const NameCount& a, const NameCount& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  });
  if (facets->size() > options.limit) facets->resize(options.limit);
  return Status::OK();
}

}  // namespace articledb::query
