#include "index/counters.h"

#include <rocksdb/merge_operator.h>

#include <algorithm>

#include "codec/codec.h"
#include "store/store.h"

namespace articledb::counters {

std::string Encode(int64_t count, std::string_view display_name) {
  std::string out(8 + display_name.size(), '\0');
  codec::EncodeFixed64LE(out.data(), static_cast<uint64_t>(count));
  std::copy(display_name.begin(), display_name.end(), out.begin() + 8);
  return out;
}

bool Decode(std::string_view value, int64_t* count, std::string_view* display_name) {
  if (value.size() < 8) return false;
  const uint64_t u = codec::DecodeFixed64LE(value.data());
  *count = static_cast<int64_t>(u);
  *display_name = value.substr(8);
  return true;
}

namespace {

class CounterMerge : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing,
             const rocksdb::Slice& operand, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    int64_t base = 0, delta = 0;
    std::string_view base_name, operand_name;
    if (existing != nullptr &&
        !Decode(std::string_view(existing->data(), existing->size()), &base, &base_name)) {
      return false;  // reported by RocksDB as corruption
    }
    if (!Decode(std::string_view(operand.data(), operand.size()), &delta, &operand_name)) {
      return false;
    }
    const auto sum = static_cast<int64_t>(static_cast<uint64_t>(base) + static_cast<uint64_t>(delta));
    *new_value = Encode(sum, operand_name.empty() ? base_name : operand_name);
    return true;
  }
  const char* Name() const override { return "articledb.CounterMerge.v1"; }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewMergeOperator() {
  return std::make_shared<CounterMerge>();
}

Status Read(const store::ReadView& view, const std::string& key, int64_t* value) {
  rocksdb::ReadOptions ro = view.options();
  std::string v;
  rocksdb::Status s = view.db()->Get(ro, view.cf(store::kCounters), key, &v);
  *value = 0;
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok()) return store::FromRocks(s, "reading counters");
  std::string_view name;
  if (!Decode(v, value, &name)) return Status::Corruption("counter value is damaged");
  return Status::OK();
}

Status ReadMany(const store::ReadView& view, const std::vector<std::string>& keys,
                std::vector<int64_t>* values) {
  values->assign(keys.size(), 0);
  if (keys.empty()) return Status::OK();
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> got(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  view.db()->MultiGet(view.options(), view.cf(store::kCounters), keys.size(), slices.data(),
                      got.data(), statuses.data());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return store::FromRocks(statuses[i], "reading counters");
    std::string_view name;
    if (!Decode(std::string_view(got[i].data(), got[i].size()), &(*values)[i], &name)) {
      return Status::Corruption("counter value is damaged");
    }
  }
  return Status::OK();
}

}  // namespace articledb::counters
