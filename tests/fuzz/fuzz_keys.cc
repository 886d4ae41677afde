// Fuzz target: the index key decoder and the name encoding.
//  - Any bytes given to ParseIndexKey, ConsumeName and the prefix extractor are handled
//    without a crash; a key that parses re-encodes to the same bytes, and the prefix
//    extractor cuts it exactly before its position.
//  - Two names cut from the input encode so that key order is name order and neither
//    key is a prefix of the other; each decodes back to its name.
#include <rocksdb/slice.h>
#include <rocksdb/slice_transform.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "keys.h"

namespace keys = articledb::keys;

namespace {

int Sign(int v) { return (v > 0) - (v < 0); }

void CheckName(std::string_view name) {
  std::string k;
  keys::AppendName(&k, name);
  k += "tail";
  std::string_view in = k;
  std::string back;
  FUZZ_CHECK(keys::ConsumeName(&in, &back));
  FUZZ_CHECK(back == name);
  FUZZ_CHECK(in == "tail");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<const rocksdb::SliceTransform> extractor(
      keys::NewIndexPrefixExtractor());
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // Arbitrary bytes as a key.
  keys::IndexKey ik;
  if (keys::ParseIndexKey(bytes, &ik)) {
    std::string again = keys::IndexPrefix(ik.type, ik.name);
    keys::AppendTime(&again, ik.time);
    keys::AppendDocno(&again, ik.docno);
    FUZZ_CHECK(again == bytes);
    const rocksdb::Slice key(bytes.data(), bytes.size());
    FUZZ_CHECK(extractor->InDomain(key));
    FUZZ_CHECK(extractor->Transform(key).ToString() == keys::IndexPrefix(ik.type, ik.name));
  } else if (extractor->InDomain(rocksdb::Slice(bytes.data(), bytes.size()))) {
    const rocksdb::Slice p = extractor->Transform(rocksdb::Slice(bytes.data(), bytes.size()));
    FUZZ_CHECK(p.size() <= size);
  }
  std::string_view in = bytes;
  std::string name;
  if (keys::ConsumeName(&in, &name)) FUZZ_CHECK(in.size() < size);

  // Arbitrary bytes as two names (split at the first byte's value).
  const size_t cut = size == 0 ? 0 : data[0] % size;
  const std::string_view a = bytes.substr(0, cut), b = bytes.substr(cut);
  CheckName(a);
  CheckName(b);
  std::string ka, kb;
  keys::AppendName(&ka, a);
  keys::AppendName(&kb, b);
  FUZZ_CHECK(Sign(a.compare(b)) == Sign(std::string_view(ka).compare(kb)));
  if (a != b) {
    FUZZ_CHECK(kb.compare(0, ka.size(), ka) != 0 || kb.size() < ka.size());
    FUZZ_CHECK(ka.compare(0, kb.size(), kb) != 0 || ka.size() < kb.size());
  }
  return 0;
}
