// Posting iterators: the interface every posting source and query operator implements
// (docs/storage.md, "Queries"). Internal.
//
// A posting is the position of one article in an index: (time, docno), ordered by time,
// then docno. An iterator walks its postings in one direction, fixed when it is created:
// ascending (oldest first) or descending (newest first).
#ifndef ARTICLEDB_SRC_QUERY_POSTINGS_H_
#define ARTICLEDB_SRC_QUERY_POSTINGS_H_

#include <compare>
#include <cstdint>

#include "articledb/status.h"

namespace articledb::query {

struct Pos {
  int64_t time;
  uint64_t docno;
  auto operator<=>(const Pos&) const = default;  // order: (time, docno)
};

class PostingIterator {  // one direction, fixed at creation
 public:
  virtual ~PostingIterator() = default;
  // Moves to the next posting; the first call positions on the first. False at the end
  // (and on an error: see status()); every later call is false too.
  virtual bool Next() = 0;
  // Moves to the first posting at/after `target` in the iterator's direction; never
  // moves back: an iterator already at/after `target` stays where it is. Works before
  // the first Next. False at the end or on an error.
  virtual bool SeekTo(const Pos& target) = 0;
  // The current posting; only after Next or SeekTo returned true.
  virtual const Pos& pos() const = 0;
  // Estimated number of postings (from counters), for the planner.
  virtual uint64_t Cost() const = 0;
  // OK, or why the iterator stopped early.
  virtual Status status() const = 0;
};

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_POSTINGS_H_
