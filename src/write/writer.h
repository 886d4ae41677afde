// The write path: PutBatch and DeleteBatch as one atomic RocksDB batch each (records, id
// map, index entries and counters from the index contributors), docno allocation and the
// per-id locks that order writes of one id.
#ifndef ARTICLEDB_SRC_WRITE_WRITER_H_
#define ARTICLEDB_SRC_WRITE_WRITER_H_

#include <array>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "articledb/archive.h"
#include "store/store.h"

namespace articledb::write {

class Writer {
 public:
  explicit Writer(store::Store& store) : store_(store) {}

  // Document numbers continue after every one that may have been given out (at open).
  Status RecoverNextDocno();
  Status PutBatch(const WriteOptions& wo, std::span<const Article> articles, WriteStats* stats);
  Status DeleteBatch(const WriteOptions& wo, std::span<const std::string> ids,
                     WriteStats* stats);

 private:
  static constexpr size_t kStripes = 256;
  // Docnos are reserved a block at a time: one small write of the mark per block.
  static constexpr uint64_t kDocnoBlock = 4096;

  Status AllocateDocnos(size_t count, const rocksdb::WriteOptions& wo, uint64_t* first);
  std::vector<std::unique_lock<std::mutex>> LockIds(const std::vector<std::string_view>& ids);

  rocksdb::DB* db() const { return store_.db(); }
  rocksdb::ColumnFamilyHandle* cf(store::Cf c) const { return store_.cf(c); }

  store::Store& store_;
  // Docno allocation: next_docno_ < docno_reserved_, both guarded by docno_mutex_. The mark
  // (meta::kDocnoMarkKey) is written before any docno of a new block is used, so it always
  // covers every docno a committed write may carry.
  std::mutex docno_mutex_;
  uint64_t next_docno_ = 1;
  uint64_t docno_reserved_ = 0;
  std::array<std::mutex, kStripes> stripes_;
};

}  // namespace articledb::write

#endif  // ARTICLEDB_SRC_WRITE_WRITER_H_
