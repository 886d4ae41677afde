// Raw RocksDB: the same serialized records put and got by id, no index, no id map,
// no validation. Table settings as ArticleDB's records column family (zstd level 3
// with a 64 KiB trained dictionary, 16 KiB blocks, whole-key Bloom filter, one
// 256 MiB block cache): the floor under ArticleDB's costs.
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "articledb/options.h"
#include "corpus.h"
#include "engines.h"

namespace articledb::bench {
namespace {

void Check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) Fail(std::string("rocksdb_raw ") + what + ": " + s.ToString());
}

class RocksDbRawEngine final : public Engine {
 public:
  const char* name() const override { return "rocksdb_raw"; }
  bool has_indexes() const override { return false; }

  void Open(const std::string& dir) override {
    const Options defaults;  // ArticleDB's defaults, mirrored here
    rocksdb::Options o;
    o.create_if_missing = true;
    o.max_background_jobs = defaults.background_threads;
    o.bytes_per_sync = 1u << 20;
    o.keep_log_file_num = 4;
    o.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
    o.level_compaction_dynamic_level_bytes = true;
    o.write_buffer_size = defaults.write_buffer_bytes;
    o.compression = rocksdb::kZSTD;
    o.compression_opts.level = defaults.compression_level;
    o.compression_opts.max_dict_bytes = defaults.dictionary_bytes;
    o.compression_opts.zstd_max_train_bytes = defaults.dictionary_bytes * 100;
    o.compression_opts.enabled = true;
    o.bottommost_compression = rocksdb::kZSTD;
    o.bottommost_compression_opts = o.compression_opts;
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = rocksdb::NewLRUCache(kCacheBytes);
    t.block_size = defaults.record_block_bytes;
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    t.whole_key_filtering = true;
    t.cache_index_and_filter_blocks = true;
    t.pin_l0_filter_and_index_blocks_in_cache = true;
    t.format_version = 5;
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    rocksdb::DB* db = nullptr;
    Check(rocksdb::DB::Open(o, dir, &db), "open");
    db_.reset(db);
  }
  void Close() override {
    pinned_.Reset();  // pinned blocks belong to the cache of the db closed here
    values_.clear();
    db_.reset();
  }

  void Put(const Article& a) override {
    if (!a.SerializeToString(&value_)) Fail("rocksdb_raw: cannot serialize " + a.id());
    Check(db_->Put(rocksdb::WriteOptions(), a.id(), value_), "put");
  }
  void PutBatch(std::span<const Article> batch) override {
    rocksdb::WriteBatch wb;
    for (const Article& a : batch) {
      if (!a.SerializeToString(&value_)) Fail("rocksdb_raw: cannot serialize " + a.id());
      Check(wb.Put(a.id(), value_), "batch put");
    }
    Check(db_->Write(rocksdb::WriteOptions(), &wb), "write");
  }
  void Settle() override { Check(db_->Flush(rocksdb::FlushOptions()), "flush"); }
  void Compact() override {
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
    Check(db_->CompactRange(co, nullptr, nullptr), "compact");
  }

  bool Get(const std::string& id, Article* out) override {
    const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), id, &pinned_value());
    if (s.IsNotFound()) return false;
    Check(s, "get");
    if (!out->ParseFromArray(pinned_.data(), static_cast<int>(pinned_.size())))
      Fail("rocksdb_raw: unreadable record " + id);
    return true;
  }
  size_t MultiGet(std::span<const std::string> ids, std::vector<Article>* out) override {
    keys_.assign(ids.begin(), ids.end());
    values_.resize(ids.size());
    statuses_.resize(ids.size());
    db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), keys_.size(), keys_.data(),
                  values_.data(), statuses_.data());
    out->clear();  // fresh articles each call, as ArticleDB's MultiGet returns
    out->resize(ids.size());
    size_t found = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (statuses_[i].IsNotFound()) continue;
      Check(statuses_[i], "multiget");
      if (!(*out)[i].ParseFromArray(values_[i].data(), static_cast<int>(values_[i].size())))
        Fail("rocksdb_raw: unreadable record " + ids[i]);
      ++found;
    }
    return found;
  }

  bool Query(const QuerySpec&, std::vector<Hit>*) override {
    Fail("rocksdb_raw has no indexes to query");
  }
  bool CountDays(const std::string&, int64_t, int64_t, DayCounts*) override {
    Fail("rocksdb_raw has no indexes to count");
  }
  bool Facets(const QuerySpec&, NameCounts*) override {
    Fail("rocksdb_raw has no indexes to count");
  }

 private:
  rocksdb::PinnableSlice& pinned_value() {
    pinned_.Reset();
    return pinned_;
  }
  std::unique_ptr<rocksdb::DB> db_;
  std::string value_;
  rocksdb::PinnableSlice pinned_;
  std::vector<rocksdb::Slice> keys_;
  std::vector<rocksdb::PinnableSlice> values_;
  std::vector<rocksdb::Status> statuses_;
};

}  // namespace

std::unique_ptr<Engine> NewRocksDbRawEngine() { return std::make_unique<RocksDbRawEngine>(); }

}  // namespace articledb::bench
