// Test helper of cli_test.py: damages an archive beneath the library, as a bug or a bad
// disk could, so that the tool's verify and reindex are tested on a damaged archive.
//
//   articledb_damage_archive DB drop-index-entry   removes the first posting of the first
//                                                  entity posting block
//
// Exit status 0 when the damage was done, 2 otherwise.
#include <rocksdb/db.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "counters.h"
#include "index/posting_block.h"
#include "store/store.h"

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[2]) != "drop-index-entry") {
    std::fprintf(stderr, "usage: %s DB drop-index-entry\n", argv[0]);
    return 2;
  }
  rocksdb::DBOptions options;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const char* name : articledb::store::kCfNames) {
    cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  // The counters column family cannot be opened without its merge operator.
  cfs[articledb::store::kCounters].options.merge_operator = articledb::counters::NewMergeOperator();
    cfs[articledb::store::kIndex].options.merge_operator = articledb::index::NewMergeOperator();
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, argv[1], cfs, &handles, &db);
  if (!s.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", argv[1], s.ToString().c_str());
    return 2;
  }
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[3]));
  it->Seek("E");  // entity posting blocks start with 'E' (src/store/keys.h)
  std::vector<articledb::index::Posting> postings;
  if (it->Valid() && it->key().starts_with("E") &&
      articledb::index::DecodeBlock(it->value().ToString(), &postings) && !postings.empty()) {
    s = db->Merge(rocksdb::WriteOptions(), handles[3], it->key(),
                  articledb::index::RemoveOperand(postings.front()));
  } else {
    s = it->status().ok() ? rocksdb::Status::NotFound("no entity index entry") : it->status();
  }
  it.reset();
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  if (!s.ok()) {
    std::fprintf(stderr, "drop-index-entry: %s\n", s.ToString().c_str());
    return 2;
  }
  return 0;
}
