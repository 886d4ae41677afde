// Index contributors: each index type derives, from one stored version of an article, its
// index keys and its named counters. The registry lists them; writes, verify and reindex
// all go through Derive and ApplyDerived, so they agree on what an article implies.
#ifndef ARTICLEDB_SRC_INDEX_CONTRIBUTOR_H_
#define ARTICLEDB_SRC_INDEX_CONTRIBUTOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "articledb/article.h"
#include "index/posting_block.h"
#include "store/store.h"

namespace rocksdb {
class ColumnFamilyHandle;
class WriteBatch;
}
namespace articledb::store {
class Store;
}

namespace articledb::index {

// Everything one stored version of an article contributes besides its record.
struct Derived {
  std::vector<std::string> index_keys;
  // One per index key: a text posting's impact (index/posting_block.h) when the archive's
  // text index keeps them, zeros otherwise.
  std::vector<Impact> impacts;
  // Counter key -> display name, one per distinct normalised name (source, entity,
  // language, topic, author; a text term's counter, its document frequency, shows the
  // term).
  std::vector<std::pair<std::string, std::string>> names;
  // The article's doc value (index/doc_values.h) under its docno key in `facets`.
  std::string doc_key, doc_value;
  // The article's length in words as the text index counts it (the impacts' length), or 0
  // without the text index: added to keys::kTextLengthCounter.
  uint64_t text_length = 0;
};

// The time an article is indexed at: its publication time, or keys::kUndated.
int64_t IndexTime(const Article& a);

class IndexContributor {
 public:
  virtual ~IndexContributor() = default;
  // The key type byte (keys::kDate, kSource, kEntity, kLanguage, kTopic, kAuthor, kText).
  virtual char type() const = 0;
  // What the type indexes, for messages: "date", "source", "entity", "language", ...
  virtual const char* name() const = 0;
  // Appends to `d` the index keys (prefix + `pos`) and the named counters of `a`.
  // `pos` is the article's position: time(8) | docno(8). A contributor whose postings
  // carry impacts (the text index) appends them to d->impacts, one per key; the others
  // leave it to Derive.
  virtual void Contribute(const Article& a, std::string_view pos, Derived* d) const = 0;
};

// The registry: every index type, in the order their keys are derived.
const std::vector<const IndexContributor*>& Contributors();
// The contributor of key type `type`, or nullptr.
const IndexContributor* ContributorOf(char type);

// What the index layer sets on the store's column families: the counters' merge operator,
// the posting blocks' merge operator and compaction filter (index/posting_block.h).
store::AllCfHooks StoreHooks();

using store::TextIndexing;

// The index keys and counters of `a` stored under `docno`, from every contributor (the
// text index's only when the archive keeps one, Store::text_indexing), and its doc value.
void Derive(const Article& a, uint64_t docno, Derived* d, TextIndexing text);

// The merges of many articles' index and counter updates, gathered and written as one
// operand per key: what the merge operators would make of them anyway (a posting's last
// add or remove wins; counter deltas add up and the last display name given stays), so
// a batch of 1,000 articles puts one operand on the month's date block and on each
// day's date counter instead of hundreds, and the memtable holds that many fewer entries.
class BatchMerges {
 public:
  void AddPosting(std::string_view block_key, const Posting& p, bool add,
                  const Impact& impact = Impact());
  void AddCounter(std::string_view key, int64_t delta, std::string_view display);
  // Adds one merge per key gathered to `batch` and starts over.
  void WriteTo(rocksdb::WriteBatch* batch, const store::Store& store);
  // The same, with the column families named (tests).
  void WriteTo(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* index,
               rocksdb::ColumnFamilyHandle* counters);
  bool empty() const { return blocks_.empty() && counters_.empty(); }

 private:
  struct Op {
    Posting p;
    Impact impact;
    bool add;
  };
  struct Counter {
    int64_t delta = 0;
    std::string display;
  };
  // Looked up by string_view (no string made for a key already there).
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, std::vector<Op>, Hash, std::equal_to<>> blocks_;
  std::unordered_map<std::string, Counter, Hash, std::equal_to<>> counters_;
};

// Adds to `merges` (index and counter merges) and `batch` (the doc value) what storing
// (sign +1) or removing (sign -1) a version does to the indexes, counters and doc values;
// `other` holds keys that stay (shared with the other version: the doc value of a
// version replaced is overwritten by the new one's). `merges` must be written to the same
// batch before it is committed.
void ApplyDerived(rocksdb::WriteBatch* batch, BatchMerges* merges, const store::Store& store,
                  const Derived& d, int sign, const Derived* other);

}  // namespace articledb::index

#endif  // ARTICLEDB_SRC_INDEX_CONTRIBUTOR_H_
