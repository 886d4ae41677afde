// ArticleDB: an embeddable archive of news articles, stored as protobuf records in
// RocksDB with zstd, indexed by date, source and named entity.
//
// Include this header for the whole public API:
//   articledb/status.h   Status, the error type of every call
//   articledb/article.h  Article, JSON interchange, validation, name normalisation
//   articledb/options.h  Options (open) and WriteOptions (each write)
//   articledb/query.h    Filter, QueryOptions, Page, timelines, listings
//   articledb/search.h   snippets for text queries
//   articledb/archive.h  Archive, the engine
//   articledb/dump.h     portable dump and restore of a whole archive
#ifndef ARTICLEDB_ARTICLEDB_H_
#define ARTICLEDB_ARTICLEDB_H_

#include "articledb/archive.h"
#include "articledb/article.h"
#include "articledb/options.h"
#include "articledb/query.h"
#include "articledb/search.h"
#include "articledb/status.h"
#if __has_include("articledb/dump.h")
#include "articledb/dump.h"
#endif

#endif  // ARTICLEDB_ARTICLEDB_H_
