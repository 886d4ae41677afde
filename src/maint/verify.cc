// Verify (verify.h): every record against the id map, the index entries and the counters
// the index contributors derive from it.
#include "maint/verify.h"

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>

#include "index/contributor.h"
#include "index/counters.h"
#include "record_check.h"
#include "store/keys.h"
#include "store/meta.h"
#include "store/store.h"

namespace articledb::maint {

using store::FromRocks;
using store::ToSlice;
using store::ToView;

namespace {
constexpr size_t kMaxMessages = 1000;
}  // namespace

Status Verify(store::ReadView& view, const std::string& unicode_warning, VerifyReport* report,
              const ProgressFn& progress) {
  *report = VerifyReport();
  if (Status s = view.Begin(); !s.ok()) return s;
  auto problem = [report](std::string msg) {
    ++report->problems;
    if (report->messages.size() < kMaxMessages) report->messages.push_back(std::move(msg));
  };
  rocksdb::ReadOptions ro = view.options();
  ro.fill_cache = false;
  ro.total_order_seek = true;
  if (!unicode_warning.empty()) problem(unicode_warning);
  // Pass 1: every record, its id entry and every index entry it implies.
  struct Expected {
    int64_t count = 0;
    std::string name;  // a spelling stored, for messages
  };
  std::unordered_map<std::string, Expected> expected_counts;
  // Entries records imply that were found: more entries than these are extras (counting
  // those implied, a missing entry would hide an extra one from the totals).
  uint64_t found_entries = 0;
  uint64_t found_doc_values = 0;
  int64_t record_bytes = 0;
  std::unique_ptr<rocksdb::Iterator> it(view.db()->NewIterator(ro, view.cf(store::kRecords)));
  index::Derived d;
  Article a;
  std::string value;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report->records;
    if (progress && report->records % 10000 == 0 && !progress(report->records)) {
      return Status::Aborted("verify stopped");
    }
    if (it->key().size() != 8) {
      problem("records: key of " + std::to_string(it->key().size()) + " bytes (expected 8)");
      continue;
    }
    const uint64_t docno = keys::DecodeDocno(it->key().data());
    const std::string where = "record " + std::to_string(docno);
    if (!a.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      const std::string why = InvalidUtf8InRecord(ToView(it->value()));
      problem(where + ": cannot be parsed" + (why.empty() ? "" : ": " + why));
      continue;
    }
    if (Status s = ValidateArticle(a, Limits{SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX}); !s.ok()) {
      problem(where + ": " + s.message());
    }
    record_bytes += static_cast<int64_t>(it->value().size());
    rocksdb::Status s = view.db()->Get(ro, view.cf(store::kIds), a.id(), &value);
    if (s.IsNotFound()) {
      problem(where + " ('" + a.id() + "'): id has no entry in the id map");
    } else if (!s.ok()) {
      return FromRocks(s, "reading id map");
    } else if (value.size() != 8 || keys::DecodeDocno(value.data()) != docno) {
      problem(where + " ('" + a.id() + "'): id map points elsewhere");
    }
    index::Derive(a, docno, &d);
    for (const std::string& k : d.index_keys) {
      s = view.db()->Get(ro, view.cf(store::kIndex), k, &value);
      if (s.ok()) ++found_entries;
      if (s.IsNotFound()) {
        keys::IndexKey ik;
        keys::ParseIndexKey(k, &ik);
        problem(where + " ('" + a.id() + "'): missing index entry " + std::string(1, ik.type) +
                (ik.name.empty() ? "" : " '" + ik.name + "'"));
      } else if (!s.ok()) {
        return FromRocks(s, "reading index");
      }
    }
    // The doc value facets count.
    s = view.db()->Get(ro, view.cf(store::kFacets), d.doc_key, &value);
    if (s.ok()) ++found_doc_values;
    if (s.IsNotFound()) {
      problem(where + " ('" + a.id() + "'): missing doc value (facets)");
    } else if (!s.ok()) {
      return FromRocks(s, "reading doc values");
    } else if (value != d.doc_value) {
      problem(where + " ('" + a.id() + "'): doc value (facets) differs from what the record implies");
    }
    for (const auto& n : d.names) {
      Expected& e = expected_counts[n.first];
      ++e.count;
      e.name = n.second;
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading records");
  // Pass 2: index entries. As many as pass 1 found mean there is no extra entry;
  // otherwise find the extras.
  it.reset(view.db()->NewIterator(ro, view.cf(store::kIndex)));
  keys::IndexKey ik;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report->index_entries;
    if (!keys::ParseIndexKey(ToView(it->key()), &ik)) problem("index: malformed key");
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading index");
  if (report->index_entries != found_entries) {
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (!keys::ParseIndexKey(ToView(it->key()), &ik)) continue;
      std::string record;
      rocksdb::Status s =
          view.db()->Get(ro, view.cf(store::kRecords), keys::DocnoKey(ik.docno), &record);
      bool found = false;
      if (s.ok() && a.ParseFromString(record)) {
        index::Derive(a, ik.docno, &d);
        found = std::find(d.index_keys.begin(), d.index_keys.end(), ToView(it->key())) !=
                d.index_keys.end();
      }
      if (!found) {
        problem("index entry " + std::string(1, ik.type) +
                (ik.name.empty() ? "" : " '" + ik.name + "'") + " for record " +
                std::to_string(ik.docno) + ": no stored record implies it");
      }
    }
  }
  // Pass 2b: doc values. More than were found above: name those of no stored record.
  it.reset(view.db()->NewIterator(ro, view.cf(store::kFacets)));
  uint64_t doc_values = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++doc_values;
  if (!it->status().ok()) return FromRocks(it->status(), "reading doc values");
  if (doc_values != found_doc_values) {
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->key().size() != 8) {
        problem("facets: key of " + std::to_string(it->key().size()) + " bytes (expected 8)");
        continue;
      }
      const uint64_t docno = keys::DecodeDocno(it->key().data());
      std::string record;
      rocksdb::Status s = view.db()->Get(ro, view.cf(store::kRecords), keys::DocnoKey(docno), &record);
      if (s.IsNotFound() || (s.ok() && !a.ParseFromString(record))) {
        problem("doc value (facets) of record " + std::to_string(docno) +
                ": no stored record implies it");
      } else if (!s.ok()) {
        return FromRocks(s, "reading records");
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading doc values");
  }
  // Pass 3: the id map holds one entry per record and nothing else.
  it.reset(view.db()->NewIterator(ro, view.cf(store::kIds)));
  uint64_t id_entries = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++id_entries;
  if (!it->status().ok()) return FromRocks(it->status(), "reading id map");
  if (id_entries != report->records) {
    problem("id map: " + std::to_string(id_entries) + " entries for " +
            std::to_string(report->records) + " records");
    // Name the entries that point at no record, or at a record holding another id (a
    // record whose own entry is missing or points elsewhere was named in pass 1).
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string id = it->key().ToString();
      if (it->value().size() != 8) {
        problem("id map entry '" + id + "': damaged value");
        continue;
      }
      const uint64_t docno = keys::DecodeDocno(it->value().data());
      std::string record;
      rocksdb::Status s = view.db()->Get(ro, view.cf(store::kRecords), keys::DocnoKey(docno), &record);
      if (s.IsNotFound()) {
        problem("id map entry '" + id + "' points at record " + std::to_string(docno) +
                ", which is not stored");
      } else if (!s.ok()) {
        return FromRocks(s, "reading records");
      } else if (a.ParseFromString(record) && a.id() != id) {
        problem("id map entry '" + id + "' points at record " + std::to_string(docno) +
                ", which holds '" + a.id() + "'");
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading id map");
  }
  // Pass 4: counters agree with what the records imply.
  it.reset(view.db()->NewIterator(ro, view.cf(store::kCounters)));
  bool articles_counter = false, bytes_counter = false;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    int64_t count = 0;
    std::string_view name;
    const std::string key = it->key().ToString();
    articles_counter = articles_counter || key == keys::kArticlesCounter;
    bytes_counter = bytes_counter || key == keys::kRecordBytesCounter;
    if (!counters::Decode(ToView(it->value()), &count, &name)) {
      problem("counter: damaged value");
      continue;
    }
    int64_t want = 0;
    if (key == keys::kArticlesCounter) {
      want = static_cast<int64_t>(report->records);
    } else if (key == keys::kRecordBytesCounter) {
      want = record_bytes;
    } else {
      auto found = expected_counts.find(key);
      if (found != expected_counts.end()) {
        want = found->second.count;
        expected_counts.erase(found);
      }
    }
    if (count != want) {
      problem("counter '" + std::string(name.empty() ? key : std::string(name)) + "': " +
              std::to_string(count) + ", records imply " + std::to_string(want));
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading counters");
  // The quarantine: counted, not a problem.
  it.reset(view.db()->NewIterator(ro, view.cf(store::kDefault)));
  for (it->Seek(ToSlice(meta::kQuarantinePrefix));
       it->Valid() && it->key().starts_with(ToSlice(meta::kQuarantinePrefix)); it->Next()) {
    ++report->quarantined;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the quarantine");
  // Counters found nowhere: the archive-wide ones, then one per name the records hold.
  if (!articles_counter && report->records != 0) {
    problem("counter '" + std::string(keys::kArticlesCounter) + "' is missing; records imply " +
            std::to_string(report->records));
  }
  if (!bytes_counter && record_bytes != 0) {
    problem("counter '" + std::string(keys::kRecordBytesCounter) +
            "' is missing; records imply " + std::to_string(record_bytes));
  }
  for (const auto& [key, want] : expected_counts) {
    const index::IndexContributor* type = index::ContributorOf(key[0]);
    problem(std::string("counter of ") + (type != nullptr ? type->name() : "name") + " '" +
            want.name + "' is missing; records imply " + std::to_string(want.count));
  }
  return Status::OK();
}

}  // namespace articledb::maint
