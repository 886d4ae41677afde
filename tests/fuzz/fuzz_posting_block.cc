// Fuzz target: the posting-block codec and its merge (src/index/posting_block.h).
//  - Any bytes given to DecodeBlock, BlockReader and DecodeOperand are handled without a
//    crash or an allocation beyond the input's size; what decodes is strictly ascending,
//    agrees chunk by chunk with the reader, and re-encodes to a block that decodes to the
//    same postings (and impacts, for a block of the text index).
//  - The input cut into pieces (at 0xFE 0xFE) is a base block and merge operands: when
//    the merge succeeds, its result equals applying each decoded operand in order to a
//    std::set, and a partial merge of the operands first gives the same result.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "index/posting_block.h"

namespace ix = articledb::index;

namespace {

bool StrictlyAscending(const std::vector<ix::Posting>& v) {
  for (size_t i = 1; i < v.size(); ++i) {
    if (!(v[i - 1] < v[i])) return false;
  }
  return true;
}

void CheckBlock(std::string_view bytes) {
  std::vector<ix::Posting> all;
  const bool ok = ix::DecodeBlock(bytes, &all);
  ix::BlockReader reader;
  const bool init = reader.Init(bytes);
  if (!ok) {
    if (!init) return;
    // The directory was sound: some chunk must be damaged.
    std::vector<ix::Posting> chunk;
    bool any_bad = false;
    for (size_t i = 0; i < reader.chunk_count(); ++i) any_bad |= !reader.DecodeChunk(i, &chunk);
    FUZZ_CHECK(any_bad);
    return;
  }
  FUZZ_CHECK(init);
  FUZZ_CHECK(all.size() <= bytes.size());
  FUZZ_CHECK(StrictlyAscending(all));
  FUZZ_CHECK(reader.size() == all.size());
  std::vector<ix::Posting> chunk, joined;
  for (size_t i = 0; i < reader.chunk_count(); ++i) {
    FUZZ_CHECK(reader.DecodeChunk(i, &chunk));
    FUZZ_CHECK(!chunk.empty() && chunk.front() == reader.chunk_first(i));
    joined.insert(joined.end(), chunk.begin(), chunk.end());
  }
  FUZZ_CHECK(joined == all);
  std::string again;
  ix::EncodeBlock(all, &again);
  std::vector<ix::Posting> back;
  FUZZ_CHECK(ix::DecodeBlock(again, &back));
  FUZZ_CHECK(back == all);
  FUZZ_CHECK(again.size() <= bytes.size() + 2);
  // Impacts (zeros for a block without them) decode alike and survive a re-encoding.
  std::vector<ix::Impact> impacts, back_impacts;
  FUZZ_CHECK(ix::DecodeBlock(bytes, &back, &impacts));
  FUZZ_CHECK(back == all && impacts.size() == all.size());
  if (reader.has_impacts()) {
    ix::EncodeBlock(all, &again, impacts.data());
    FUZZ_CHECK(ix::DecodeBlock(again, &back, &back_impacts));
    FUZZ_CHECK(back == all && back_impacts == impacts);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckBlock(bytes);
  std::vector<ix::Posting> adds, removes;
  if (ix::DecodeOperand(bytes, &adds, &removes)) {
    FUZZ_CHECK(StrictlyAscending(adds) && StrictlyAscending(removes));
  }

  // Pieces: base block, then operands.
  std::vector<std::string_view> pieces;
  size_t start = 0;
  for (size_t i = 0; i + 1 < size; ++i) {
    if (data[i] == 0xFE && data[i + 1] == 0xFE) {
      pieces.push_back(bytes.substr(start, i - start));
      start = i + 2;
      ++i;
    }
  }
  pieces.push_back(bytes.substr(start));
  if (pieces.size() < 2) return 0;
  const std::string_view base = pieces[0];
  const std::vector<std::string_view> ops(pieces.begin() + 1, pieces.end());
  std::string merged;
  if (!ix::ApplyOperands(&base, ops, &merged)) return 0;
  // The model: every piece decoded, applied one by one.
  std::vector<ix::Posting> b;
  FUZZ_CHECK(ix::DecodeBlock(base, &b));
  std::set<ix::Posting> model(b.begin(), b.end());
  for (std::string_view op : ops) {
    FUZZ_CHECK(ix::DecodeOperand(op, &adds, &removes));
    for (const auto& p : adds) model.insert(p);
    for (const auto& p : removes) model.erase(p);
  }
  std::vector<ix::Posting> got;
  FUZZ_CHECK(ix::DecodeBlock(merged, &got));
  FUZZ_CHECK(got == std::vector<ix::Posting>(model.begin(), model.end()));
  // Partial merge of all operands, then the full merge: the same result.
  FUZZ_CHECK(ix::CombineOperands(ops, &adds, &removes));
  std::string combined, merged2;
  ix::EncodeOperand(adds, removes, &combined);
  const std::string_view one[] = {combined};
  FUZZ_CHECK(ix::ApplyOperands(&base, one, &merged2));
  FUZZ_CHECK(merged2 == merged);
  return 0;
}
