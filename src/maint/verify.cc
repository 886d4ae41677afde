// Verify (verify.h): every record against the id map, the index entries and the counters
// the index contributors derive from it.
#include "maint/verify.h"

#include <algorithm>
#include <map>
#include <unordered_set>
#include <vector>
#include <memory>
#include <string>
#include <unordered_map>

#include "index/contributor.h"
#include "index/counters.h"
#include "index/posting_block.h"
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

// An order-free fingerprint of a block's postings: the sum of a mix of each.
// A posting with its impact (zeros outside the text index).
uint64_t PostingHash(const index::Posting& p, const index::Impact& i) {
  uint64_t x = static_cast<uint64_t>(p.time) * 0x9e3779b97f4a7c15ULL ^ p.docno;
  x ^= (static_cast<uint64_t>(i.tf) << 32 | i.length) * 0xd6e8feb86659fd93ULL;
  x ^= x >> 31;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 29;
  return x;
}
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
  // Pass 1: every record, its id entry and every posting it implies, summed per posting
  // block (count and an order-free hash) and per day counter.
  struct Expected {
    int64_t count = 0;
    std::string name;  // a spelling stored, for messages
  };
  struct ExpectedBlock {
    uint64_t count = 0;
    uint64_t hash = 0;
  };
  std::unordered_map<std::string, Expected> expected_counts;
  std::unordered_map<std::string, ExpectedBlock> expected_blocks;
  std::unordered_map<std::string, int64_t> expected_days;
  uint64_t found_doc_values = 0;  // doc values pass 1 found where records imply them
  int64_t record_bytes = 0;
  int64_t text_length = 0;  // the lengths the records imply (with the impacts' text index)
  std::unique_ptr<rocksdb::Iterator> it(view.db()->NewIterator(ro, view.cf(store::kRecords)));
  index::Derived d;
  Article a;
  std::string value, block_key;
  // Splits a position key into its block key and posting.
  auto split = [&block_key](const std::string& k, index::Posting* p) {
    const size_t prefix = k.size() - keys::kPositionBytes;
    *p = index::Posting{keys::DecodeTime(k.data() + prefix), keys::DecodeDocno(k.data() + prefix + 8)};
    block_key.assign(k, 0, prefix);
    keys::AppendBucket(&block_key, keys::MonthBucket(p->time));
  };
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
    index::Derive(a, docno, &d, view.store().text_indexing());
    for (size_t i = 0; i < d.index_keys.size(); ++i) {
      const std::string& k = d.index_keys[i];
      index::Posting p;
      split(k, &p);
      ExpectedBlock& b = expected_blocks[block_key];
      ++b.count;
      b.hash += PostingHash(p, d.impacts[i]);
      if (p.time != keys::kUndated && k[0] != keys::kText) {
        ++expected_days[keys::DayCounterKey(std::string_view(k).substr(0, k.size() - keys::kPositionBytes),
                                            keys::DayNumber(p.time))];
      }
    }
    text_length += static_cast<int64_t>(d.text_length);
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
  // Pass 2: posting blocks. Each is decoded and its count and hash compared with what the
  // records imply; the blocks that differ (or are missing) are then compared posting by
  // posting, with the records walked once more.
  it.reset(view.db()->NewIterator(ro, view.cf(store::kIndex)));
  std::unordered_set<std::string> differing;
  std::vector<index::Posting> postings;
  std::vector<index::Impact> impacts;
  keys::BlockKeyParts bk;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string key = it->key().ToString();
    if (!keys::ParseBlockKey(key, &bk)) {
      problem("index: malformed key");
      continue;
    }
    if (!index::DecodeBlock(ToView(it->value()), &postings, &impacts)) {
      problem("index block " + keys::DescribeBlockKey(key) + ": damaged");
      expected_blocks.erase(key);
      continue;
    }
    report->index_entries += postings.size();
    uint64_t hash = 0;
    for (size_t i = 0; i < postings.size(); ++i) hash += PostingHash(postings[i], impacts[i]);
    auto found = expected_blocks.find(key);
    if (found == expected_blocks.end()) {
      if (!postings.empty()) differing.insert(key);
      continue;
    }
    if (found->second.count != postings.size() || found->second.hash != hash) differing.insert(key);
    expected_blocks.erase(found);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading index");
  for (const auto& [key, b] : expected_blocks) differing.insert(key);
  if (!differing.empty()) {
    // The postings the records imply for the differing blocks, with who implies them.
    struct Implied {
      uint64_t docno;
      std::string id;
      index::Impact impact;
    };
    std::unordered_map<std::string, std::map<index::Posting, Implied>> want;
    for (it.reset(view.db()->NewIterator(ro, view.cf(store::kRecords))), it->SeekToFirst();
         it->Valid(); it->Next()) {
      if (it->key().size() != 8 ||
          !a.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        continue;
      }
      const uint64_t docno = keys::DecodeDocno(it->key().data());
      index::Derive(a, docno, &d, view.store().text_indexing());
      for (size_t i = 0; i < d.index_keys.size(); ++i) {
        index::Posting p;
        split(d.index_keys[i], &p);
        if (differing.count(block_key)) want[block_key][p] = Implied{docno, a.id(), d.impacts[i]};
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading records");
    std::vector<std::string> sorted(differing.begin(), differing.end());
    std::sort(sorted.begin(), sorted.end());
    for (const std::string& key : sorted) {
      keys::ParseBlockKey(key, &bk);
      const std::string what =
          std::string(1, bk.type) + (bk.name.empty() ? "" : " '" + bk.name + "'");
      postings.clear();
      rocksdb::Status s = view.db()->Get(ro, view.cf(store::kIndex), key, &value);
      if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading index");
      if (s.ok() && !index::DecodeBlock(value, &postings, &impacts)) continue;  // reported
      const auto& implied = want[key];
      for (const auto& [p, who] : implied) {
        const auto at = std::lower_bound(postings.begin(), postings.end(), p);
        if (at == postings.end() || *at != p) {
          problem("record " + std::to_string(who.docno) + " ('" + who.id +
                  "'): missing index entry " + what);
          continue;
        }
        const index::Impact& have = impacts[static_cast<size_t>(at - postings.begin())];
        if (have != who.impact) {
          problem("index entry " + what + " for record " + std::to_string(who.docno) +
                  " ('" + who.id + "'): impact (tf " + std::to_string(have.tf) + ", length " +
                  std::to_string(have.length) + ") differs from what the record implies (tf " +
                  std::to_string(who.impact.tf) + ", length " +
                  std::to_string(who.impact.length) + ")");
        }
      }
      for (const index::Posting& p : postings) {
        if (!implied.count(p)) {
          problem("index entry " + what + " for record " + std::to_string(p.docno) +
                  ": no stored record implies it");
        }
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
  bool articles_counter = false, bytes_counter = false, length_counter = false;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    int64_t count = 0;
    std::string_view name;
    const std::string key = it->key().ToString();
    articles_counter = articles_counter || key == keys::kArticlesCounter;
    bytes_counter = bytes_counter || key == keys::kRecordBytesCounter;
    length_counter = length_counter || key == keys::kTextLengthCounter;
    if (!counters::Decode(ToView(it->value()), &count, &name)) {
      problem("counter: damaged value");
      continue;
    }
    int64_t want = 0;
    if (key == keys::kArticlesCounter) {
      want = static_cast<int64_t>(report->records);
    } else if (key == keys::kRecordBytesCounter) {
      want = record_bytes;
    } else if (key == keys::kTextLengthCounter) {
      want = text_length;
    } else if (!key.empty() && key[0] == keys::kDayCounterTag) {
      auto found = expected_days.find(key);
      if (found != expected_days.end()) {
        want = found->second;
        expected_days.erase(found);
      }
      if (count != want) {
        const std::string_view prefix =
            std::string_view(key).substr(1, key.size() - 1 - std::min(key.size() - 1, keys::kBucketBytes));
        problem("day counter of " + keys::DescribeIndexPrefix(prefix) + ": " +
                std::to_string(count) + ", records imply " + std::to_string(want));
      }
      continue;
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
  if (!length_counter && text_length != 0) {
    problem("counter '" + std::string(keys::kTextLengthCounter) +
            "' is missing; records imply " + std::to_string(text_length));
  }
  for (const auto& [key, want] : expected_days) {
    problem("day counter of " +
            keys::DescribeIndexPrefix(std::string_view(key).substr(1, key.size() - 1 - keys::kBucketBytes)) +
            " is missing; records imply " + std::to_string(want));
  }
  for (const auto& [key, want] : expected_counts) {
    const index::IndexContributor* type = index::ContributorOf(key[0]);
    problem(std::string("counter of ") + (type != nullptr ? type->name() : "name") + " '" +
            want.name + "' is missing; records imply " + std::to_string(want.count));
  }
  return Status::OK();
}

}  // namespace articledb::maint
