// Record reads: by id, and the pages and chunks of a query (reader.h).
#include "query/reader.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "index/contributor.h"
#include "query/cursor.h"
#include "query/filter.h"
#include "query/planner.h"
#include "query/rank.h"
#include "store/keys.h"
#include "store/record_codec.h"
#include "store/store.h"
#include "text/matcher.h"

namespace articledb::query {

using store::FromRocks;
using store::ToSlice;
using store::ToView;

namespace {

constexpr size_t kScanChunk = 256;
// Records one page of Query, or one chunk of Scan, reads: about this many bytes (the read
// that crosses it is the last), whatever the page limit (query.h).
constexpr uint64_t kPageBytes = 32u << 20;
constexpr size_t kMaxPageLimit = 10000;

// An id entry that leads to the record of another article.
Status WrongRecord(std::string_view id, std::string_view docno_key, const std::string& stored) {
  const uint64_t docno = docno_key.size() == 8 ? keys::DecodeDocno(docno_key.data()) : 0;
  return Status::Corruption("id map entry of '" + std::string(id) + "' points at record " +
                            std::to_string(docno) + ", which holds '" + stored +
                            "'; run verify, then reindex");
}

}  // namespace

Status MultiGetArticles(store::ReadView& view, std::span<const std::string> ids,
                        std::vector<Article>* articles, std::vector<Status>* statuses) {
  const size_t n = ids.size();
  articles->resize(n);  // the messages already there are reused
  for (Article& a : *articles) a.Clear();
  statuses->assign(n, Status::OK());
  if (n == 0) return Status::OK();
  if (Status s = view.Begin(); !s.ok()) return s;
  rocksdb::ReadOptions ro = view.options();
  std::vector<rocksdb::Slice> id_slices(n);
  for (size_t i = 0; i < n; ++i) id_slices[i] = ToSlice(ids[i]);
  std::vector<rocksdb::PinnableSlice> docno_values(n);
  std::vector<rocksdb::Status> st(n);
  view.db()->MultiGet(ro, view.cf(store::kIds), n, id_slices.data(), docno_values.data(),
                      st.data());
  std::vector<std::string> record_keys;
  std::vector<size_t> which;
  for (size_t i = 0; i < n; ++i) {
    if (st[i].IsNotFound()) {
      (*statuses)[i] = Status::NotFound("no article with id '" + ids[i] + "'");
    } else if (!st[i].ok()) {
      (*statuses)[i] = FromRocks(st[i], "reading id map");
    } else if (docno_values[i].size() != 8) {
      (*statuses)[i] = Status::Corruption("id map entry of '" + ids[i] + "' is damaged");
    } else {
      record_keys.push_back(keys::DocnoKey(keys::DecodeDocno(docno_values[i].data())));
      which.push_back(i);
    }
  }
  const size_t k = record_keys.size();
  std::vector<rocksdb::Slice> ks(k);
  for (size_t i = 0; i < k; ++i) ks[i] = record_keys[i];
  std::vector<rocksdb::PinnableSlice> vals(k);
  std::vector<rocksdb::Status> sts(k);
  if (k > 0) {
    view.db()->MultiGet(ro, view.cf(store::kRecords), k, ks.data(), vals.data(), sts.data());
  }
  for (size_t i = 0; i < k; ++i) {
    const size_t at = which[i];
    if (sts[i].IsNotFound()) {
      (*statuses)[at] = Status::Corruption("id '" + ids[at] + "' maps to a missing record");
    } else if (!sts[i].ok()) {
      (*statuses)[at] = FromRocks(sts[i], "reading record");
    } else if (!ParseRecord(ToView(vals[i]), &(*articles)[at])) {
      (*statuses)[at] = Status::Corruption("record of '" + ids[at] + "' cannot be parsed");
    } else if ((*articles)[at].id() != ids[at]) {
      (*statuses)[at] = WrongRecord(ids[at], ToView(ks[i]), (*articles)[at].id());
      (*articles)[at].Clear();
    }
  }
  return Status::OK();
}

Status ReadRecords(const store::ReadView& view, const std::vector<Pos>& positions,
                   std::vector<Article>* out) {
  const size_t k = positions.size();
  out->resize(k);  // the messages already there are reused
  if (k == 0) return Status::OK();
  std::vector<std::string> key_store(k);
  std::vector<rocksdb::Slice> ks(k);
  for (size_t i = 0; i < k; ++i) {
    key_store[i] = keys::DocnoKey(positions[i].docno);
    ks[i] = key_store[i];
  }
  std::vector<rocksdb::PinnableSlice> vals(k);
  std::vector<rocksdb::Status> sts(k);
  rocksdb::ReadOptions ro = view.options();
  // RocksDB stops reading values once they add up to the bound and answers the rest
  // Aborted; it reads in key order, so the page keeps its prefix up to the first of them.
  ro.value_size_soft_limit = kPageBytes;
  view.db()->MultiGet(ro, view.cf(store::kRecords), k, ks.data(), vals.data(), sts.data());
  size_t keep = k;
  for (size_t i = 0; i < k; ++i) {
    if (sts[i].IsAborted()) {
      keep = i;
      break;
    }
  }
  if (keep == 0) {  // the first record itself was left unread: read it alone
    vals[0].Reset();
    ro.value_size_soft_limit = std::numeric_limits<uint64_t>::max();
    sts[0] = view.db()->Get(ro, view.cf(store::kRecords), ks[0], &vals[0]);
    keep = 1;
  }
  for (size_t i = keep; i < k; ++i) vals[i].Reset();
  out->resize(keep);
  for (size_t i = 0; i < keep; ++i) {
    if (sts[i].IsNotFound()) {
      return Status::Corruption("index entry points to missing record " +
                                std::to_string(positions[i].docno) + "; run verify");
    }
    if (!sts[i].ok()) return FromRocks(sts[i], "reading records");
    if (!ParseRecord(ToView(vals[i]), &(*out)[i])) {
      return Status::Corruption("record " + std::to_string(positions[i].docno) +
                                " cannot be parsed; run verify");
    }
    // The index entry names the record's time: a record of another time is not the
    // article the entry was written for.
    const Article& a = (*out)[i];
    if (index::IndexTime(a) != positions[i].time) {
      return Status::Corruption("index entry for record " + std::to_string(positions[i].docno) +
                                " does not match that record ('" + a.id() +
                                "'); run verify, then reindex");
    }
  }
  return Status::OK();
}

// Two point reads from one snapshot, the record parsed straight into the caller's message
// (whose buffers a caller reading many articles reuses).
Status GetArticle(store::ReadView& view, std::string_view id, Article* article) {
  article->Clear();
  if (Status s = view.Begin(); !s.ok()) return s;
  rocksdb::ReadOptions ro = view.options();
  rocksdb::PinnableSlice docno;
  rocksdb::Status st = view.db()->Get(ro, view.cf(store::kIds), ToSlice(id), &docno);
  if (st.IsNotFound()) return Status::NotFound("no article with id '" + std::string(id) + "'");
  if (!st.ok()) return FromRocks(st, "reading id map");
  if (docno.size() != 8) {
    return Status::Corruption("id map entry of '" + std::string(id) + "' is damaged");
  }
  rocksdb::PinnableSlice record;
  st = view.db()->Get(ro, view.cf(store::kRecords),
                      keys::DocnoKey(keys::DecodeDocno(docno.data())), &record);
  if (st.IsNotFound()) {
    return Status::Corruption("id '" + std::string(id) + "' maps to a missing record");
  }
  if (!st.ok()) return FromRocks(st, "reading record");
  if (!ParseRecord(ToView(record), article)) {
    article->Clear();
    return Status::Corruption("record of '" + std::string(id) + "' cannot be parsed");
  }
  if (article->id() != id) {
    const std::string stored = article->id();
    article->Clear();
    return WrongRecord(id, ToView(docno), stored);
  }
  return Status::OK();
}

Status ReadPage(store::ReadView& view, uint64_t cursor_key, const Filter& filter,
                const QueryOptions& options, Page* page) {
  // The page's messages are parsed into again (their storage reused); a failed call
  // leaves the page empty.
  std::vector<Article> reused;
  reused.swap(page->articles);
  page->next_cursor.clear();
  if (Status s = view.Begin(); !s.ok()) return s;
  if (options.limit == 0 || options.limit > kMaxPageLimit) {
    return Status::InvalidArgument("page limit must be between 1 and " +
                                   std::to_string(kMaxPageLimit) + ", not " +
                                   std::to_string(options.limit));
  }
  NormalFilter nf;
  if (Status s = Normalize(filter, &nf); !s.ok()) return s;
  const uint64_t fingerprint = Fingerprint(nf, options.order);
  std::optional<Pos> after;
  if (!options.cursor.empty()) {
    CursorPosition cp;
    if (Status s = DecodeCursor(options.cursor, fingerprint, &cp, cursor_key); !s.ok()) return s;
    after = Pos{cp.time, cp.docno};
  }
  std::vector<Pos> positions;
  std::vector<double> scores;  // relevance order: the positions' scores
  if (options.order == Order::kRelevance) {
    std::vector<Scored> ranked;
    // A relevance cursor holds the last score (its bits: a score is never negative, so
    // they order as the scores do) and docno.
    RankTop top;
    top.k = options.limit + 1;
    if (after) top.after = Scored{std::bit_cast<double>(after->time), Pos{0, after->docno}};
    if (Status s = RankMatches(view, nf, &ranked, &top); !s.ok()) return s;
    size_t from = 0;
    if (after) {
      const Scored last = *top.after;
      from = static_cast<size_t>(
          std::partition_point(ranked.begin(), ranked.end(),
                               [&](const Scored& r) { return !RanksBefore(last, r); }) -
          ranked.begin());
    }
    for (size_t i = from; i < ranked.size() && positions.size() <= options.limit; ++i) {
      positions.push_back(ranked[i].pos);
      scores.push_back(ranked[i].score);
    }
  } else {
    std::unique_ptr<PostingIterator> matcher;
    if (Status s = Plan(view, nf, options.order, after, &matcher); !s.ok()) return s;
    while (positions.size() <= options.limit && matcher->Next()) {
      positions.push_back(matcher->pos());
    }
    if (!matcher->status().ok()) return matcher->status();
  }
  bool more = positions.size() > options.limit;
  if (more) positions.pop_back();
  if (Status s = ReadRecords(view, positions, &reused); !s.ok()) return s;
  page->articles.swap(reused);
  if (options.projection == Projection::kSummary) {
    // The stored text is read with the record today (format 2 keeps it in the record);
    // the page leaves it out.
    for (Article& a : page->articles) {
      a.clear_body();
      a.clear_summary();
    }
  }
  if (page->articles.size() < positions.size()) {  // stopped by the byte bound
    positions.resize(page->articles.size());
    more = true;
  }
  if (more) {
    const int64_t at = scores.empty() ? positions.back().time
                                      : std::bit_cast<int64_t>(scores[positions.size() - 1]);
    page->next_cursor = EncodeCursor({fingerprint, at, positions.back().docno}, cursor_key);
  }
  return Status::OK();
}

Status Scan(store::ReadView& view, const Filter& filter, Order order,
            const std::function<bool(const Article&)>& visit) {
  if (Status s = view.Begin(); !s.ok()) return s;
  NormalFilter nf;
  if (Status s = Normalize(filter, &nf); !s.ok()) return s;
  std::unique_ptr<PostingIterator> matcher;
  std::vector<Scored> ranked;  // relevance order: every match, ranked first
  size_t next_ranked = 0;
  if (order == Order::kRelevance) {
    if (Status s = RankMatches(view, nf, &ranked); !s.ok()) return s;
  } else if (Status s = Plan(view, nf, order, std::nullopt, &matcher); !s.ok()) {
    return s;
  }
  auto next = [&](Pos* p) {
    if (matcher == nullptr) {
      if (next_ranked == ranked.size()) return false;
      *p = ranked[next_ranked++].pos;
      return true;
    }
    if (!matcher->Next()) return false;
    *p = matcher->pos();
    return true;
  };
  std::vector<Pos> positions;
  std::vector<Article> chunk;
  bool more = true;
  Pos p{};
  while (more || !positions.empty()) {
    while (more && positions.size() < kScanChunk && (more = next(&p))) positions.push_back(p);
    if (matcher != nullptr && !matcher->status().ok()) return matcher->status();
    if (positions.empty()) break;
    if (Status s = ReadRecords(view, positions, &chunk); !s.ok()) return s;
    // A chunk stopped by the byte bound: the positions not read come first next time.
    positions.erase(positions.begin(), positions.begin() + static_cast<std::ptrdiff_t>(chunk.size()));
    for (const Article& a : chunk) {
      if (!visit(a)) return Status::OK();
    }
  }
  return Status::OK();
}

Status ForEachRecord(store::ReadView& view,
                     const std::function<bool(std::string_view)>& visit) {
  if (Status s = view.Begin(); !s.ok()) return s;
  rocksdb::ReadOptions ro = view.options();
  ro.fill_cache = false;
  ro.readahead_size = 2u << 20;
  std::unique_ptr<rocksdb::Iterator> it(view.db()->NewIterator(ro, view.cf(store::kRecords)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!visit(ToView(it->value()))) return Status::OK();
  }
  return FromRocks(it->status(), "reading records");
}

namespace {

// True when `a` is a match of `nf`: its time in range, and the index prefixes it implies
// (the keys index::Derive makes, without their 16-byte position) holding every name
// `nf` requires, one of each any-of list, and none of none_of. The indexes answer the
// same question, so a record matches here exactly when a query would find it.
bool MatchesInMemory(const NormalFilter& nf, const Article& a, index::Derived* scratch,
                     std::vector<std::string_view>* have) {
  const int64_t t = index::IndexTime(a);
  if (t < nf.lo || (nf.hi && t >= *nf.hi)) return false;
  *scratch = index::Derived();
  index::Derive(a, 0, scratch, index::TextIndexing::kNone);
  have->clear();
  for (const std::string& k : scratch->index_keys) {
    if (k.size() >= 16) have->push_back(std::string_view(k).substr(0, k.size() - 16));
  }
  std::sort(have->begin(), have->end());
  auto has = [&](const std::string& p) { return std::binary_search(have->begin(), have->end(), p); };
  for (const std::string& p : nf.prefixes) {
    if (!has(p)) return false;
  }
  for (const auto& group : nf.any_of) {
    if (std::none_of(group.begin(), group.end(), has)) return false;
  }
  if (std::any_of(nf.none_of.begin(), nf.none_of.end(), has)) return false;
  if (nf.text) {
    thread_local text::Matcher matcher;
    return matcher.Matches(*nf.text, a);
  }
  return true;
}

}  // namespace

Status ScanStoredAfter(store::ReadView& view, uint64_t position, const Filter& filter,
                       uint64_t* next, const std::function<bool(const Article&)>& visit) {
  NormalFilter nf;
  if (Status s = Normalize(filter, &nf); !s.ok()) return s;
  if (Status s = view.Begin(); !s.ok()) return s;
  rocksdb::ReadOptions ro = view.options();
  std::unique_ptr<rocksdb::Iterator> it(view.db()->NewIterator(ro, view.cf(store::kRecords)));
  it->SeekToLast();
  if (!it->status().ok()) return FromRocks(it->status(), "reading records");
  const uint64_t last = it->Valid() && it->key().size() == 8 ? keys::DecodeDocno(it->key().data())
                                                             : 0;
  *next = position == std::numeric_limits<uint64_t>::max() ? last : std::max(position, last);
  if (position >= last) return Status::OK();
  index::Derived scratch;
  std::vector<std::string_view> have;
  Article a;
  for (it->Seek(keys::DocnoKey(position + 1)); it->Valid(); it->Next()) {
    if (it->key().size() != 8) continue;
    const uint64_t docno = keys::DecodeDocno(it->key().data());
    if (!ParseRecord(ToView(it->value()), &a)) {
      return Status::Corruption("record " + std::to_string(docno) +
                                " cannot be parsed; run verify, then reindex");
    }
    if (MatchesInMemory(nf, a, &scratch, &have) && !visit(a)) {
      *next = docno;  // stopped: the next call goes on after this one
      return Status::OK();
    }
  }
  return FromRocks(it->status(), "reading records");
}

}  // namespace articledb::query
