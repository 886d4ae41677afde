// Record reads: Get and MultiGet by id, the pages of Query, the chunks of Scan, and
// every record (ForEachRecord). Each takes a ReadView not yet begun and begins it.
#ifndef ARTICLEDB_SRC_QUERY_READER_H_
#define ARTICLEDB_SRC_QUERY_READER_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "articledb/archive.h"
#include "query/postings.h"

namespace articledb::store {
class ReadView;
}

namespace articledb::query {

Status GetArticle(store::ReadView& view, std::string_view id, Article* article);
Status MultiGetArticles(store::ReadView& view, std::span<const std::string> ids,
                        std::vector<Article>* articles, std::vector<Status>* statuses);
// One page of Query; `cursor_key` signs the cursors (meta::kCursorKeyKey).
Status ReadPage(store::ReadView& view, uint64_t cursor_key, const Filter& filter,
                const QueryOptions& options, Page* page);
Status Scan(store::ReadView& view, const Filter& filter, Order order,
            const std::function<bool(const Article&)>& visit);
Status ForEachRecord(store::ReadView& view, const std::function<bool(std::string_view)>& visit);
// Archive::ScanStoredAfter: records after docno `position`, in docno order, matched against
// the filter in memory by the index keys the article implies (index::Derive).
Status ScanStoredAfter(store::ReadView& view, uint64_t position, const Filter& filter,
                       uint64_t* next, const std::function<bool(const Article&)>& visit);

// Reads the records of `positions` in order, stopping once about 32 MiB have been read
// (always at least one): *out holds the first out->size() of them. `view` has begun.
Status ReadRecords(const store::ReadView& view, const std::vector<Pos>& positions,
                   std::vector<Article>* out);

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_READER_H_
