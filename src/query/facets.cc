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

// Counts the names of `field` in the doc values of `docnos` (sorted, distinct). The doc
// values are read in docno order with one iterator: a docno near the last one read is
// reached with Next (the matches of a query are often close together: docnos follow
// the order articles were stored in, and a bulk load gives them in time order), a far
// one with Seek.
Status CountDocValues(const store::ReadView& view, const std::vector<uint64_t>& docnos,
                      index::DocField field, Counts* counts) {
  if (docnos.empty()) return Status::OK();
  constexpr uint64_t kNextRather = 16;  // Next up to this many keys rather than Seek
  rocksdb::ReadOptions ro = view.options();
  const std::string lower = keys::DocnoKey(docnos.front());
  const std::string upper = keys::DocnoKey(docnos.back() + 1);
  const rocksdb::Slice lower_slice = ToSlice(lower), upper_slice = ToSlice(upper);
  ro.iterate_lower_bound = &lower_slice;
  if (docnos.back() != UINT64_MAX) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(view.db()->NewIterator(ro, view.cf(store::kFacets)));
  std::vector<std::string_view> names;
  std::string key;
  bool positioned = false;
  for (uint64_t d : docnos) {
    key = keys::DocnoKey(d);
    if (positioned && it->Valid() && it->key().size() == 8) {
      const uint64_t at = keys::DecodeDocno(it->key().data());
      if (at < d && d - at <= kNextRather) {
        for (uint64_t steps = 0; it->Valid() && it->key().compare(ToSlice(key)) < 0 &&
                                 steps <= kNextRather;
             ++steps) {
          it->Next();
        }
      }
      if (!it->Valid() || it->key().compare(ToSlice(key)) < 0) it->Seek(ToSlice(key));
    } else {
      it->Seek(ToSlice(key));
    }
    positioned = true;
    if (!it->Valid() || it->key() != ToSlice(key)) {
      if (!it->status().ok()) return FromRocks(it->status(), "reading doc values");
      return Status::Corruption("record " + std::to_string(d) +
                                " has no doc value in column family 'facets'; run verify, "
                                "then reindex");
    }
    if (!index::DocValueNames(ToView(it->value()), field, &names)) {
      return Status::Corruption("doc value of record " + std::to_string(d) +
                                " is damaged; run verify, then reindex");
    }
    for (std::string_view name : names) {
      if (auto c = counts->find(name); c != counts->end()) {
        ++c->second;
      } else {
        counts->emplace(std::string(name), 1);
      }
    }
  }
  return FromRocks(it->status(), "reading doc values");
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
  // Matches in chunks (bounded memory), each read in docno order.
  constexpr size_t kChunk = 1u << 16;
  Counts counts;
  std::vector<uint64_t> docnos;
  bool more = true;
  while (more) {
    docnos.clear();
    while (docnos.size() < kChunk && (more = matches->Next())) docnos.push_back(matches->pos().docno);
    if (!matches->status().ok()) return matches->status();
    std::sort(docnos.begin(), docnos.end());
    docnos.erase(std::unique(docnos.begin(), docnos.end()), docnos.end());
    if (Status s = CountDocValues(view, docnos, field, &counts); !s.ok()) return s;
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
