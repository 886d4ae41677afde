// Posting blocks: the values of the index column family in format 2 (docs/storage.md).
//
// A block holds the postings of one index key (type | name | time bucket): (time, docno)
// pairs, strictly ascending in (time, docno). Internal.
//
// Block layout (every integer a LEB128 varint unless said otherwise):
//
//   ""                                         the empty block (no postings)
//   tag count chunk-directory chunk-data
//     tag         one byte, 0x10 + scale: times are stored divided by 10^(3*scale)
//                 (0: microseconds, 1: milliseconds, 2: seconds); the largest unit that
//                 divides every time of the block, so whole-second times (most news)
//                 cost 2-3 bytes less
//     chunks      ceil(count / 128) chunks of 128 postings (the last one may be shorter),
//                 each decodable alone, so a reader can start at any chunk, in either
//                 direction, without decoding the ones before it
//     directory   per chunk: zigzag(first time) first-docno data-bytes, without
//                 data-bytes for the last chunk (the rest of the block), so a block of
//                 one posting is tag, count, time, docno
//     data        per chunk, per posting after its first: time delta, zigzag(docno delta)
//
// A block of the text index (tag 0x20 + scale: an impact block) also holds, with each
// posting, its Impact: the term's frequency in the article and the article's length, two
// varints after the posting's docno (in the directory for a chunk's first posting, in the
// data for the others); and in the directory, after the first posting's impact, the
// chunk's maxima: its largest frequency and its smallest length (two varints), checked
// when the chunk is decoded. They are what relevance ranking needs without reading the
// record, and what lets it skip a chunk that cannot score enough.
//
// Decoding checks every length, count, delta and the strict order against the bytes it
// has, so damaged or crafted bytes give `false`, never a crash, and never an allocation
// larger than the block's own size allows (each posting takes at least two bytes).
//
// Merge operands (the only way the archive writes the index column family, so one article
// write stays one WriteBatch with no read): an operand adds and removes postings.
//
//   0x02 varint(len(adds)) adds removes       adds, removes: blocks as above, disjoint
//
// Applying operands in order, the last operation on a posting wins: the merge of a base
// block B with operands o1..on is (B \ R) ∪ A where, for each posting, A holds it when its
// last operation was an add and R when it was a remove. Combining operands (partial merge)
// keeps that per-posting last operation, so flushes and compactions shrink the operand
// stack without reading the base. A merge that leaves no posting writes the empty block,
// which the compaction filter (NewEmptyBlockFilterFactory) drops.
#ifndef ARTICLEDB_SRC_INDEX_POSTING_BLOCK_H_
#define ARTICLEDB_SRC_INDEX_POSTING_BLOCK_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rocksdb {
class CompactionFilterFactory;
class MergeOperator;
}  // namespace rocksdb

namespace articledb::index {

struct Posting {
  int64_t time = 0;
  uint64_t docno = 0;
  friend bool operator==(const Posting&, const Posting&) = default;
  friend auto operator<=>(const Posting& a, const Posting& b) {
    if (a.time != b.time) return a.time <=> b.time;
    return a.docno <=> b.docno;
  }
};

// What a text posting says of its term in its article (text index format 2): `tf`, the
// term's occurrences, a title occurrence counting text::kTitleWeight; `length`, the
// article's words, weighted the same way. Zero in postings of blocks without impacts.
struct Impact {
  uint32_t tf = 0;
  uint32_t length = 0;
  friend bool operator==(const Impact&, const Impact&) = default;
};

inline constexpr size_t kChunkPostings = 128;
inline constexpr char kBlockTag = 0x10;        // + scale (0..2)
inline constexpr char kImpactBlockTag = 0x20;  // + scale: a block with impacts
inline constexpr char kOperandTag = 0x02;

// Replaces *out with the block of `postings`, which must be strictly ascending (checked in
// debug builds only; callers sort). An empty span gives the empty block "". With
// `impacts` (one per posting), an impact block.
void EncodeBlock(std::span<const Posting> postings, std::string* out,
                 const Impact* impacts = nullptr);

// Replaces *out with every posting of `block`; false (and *out unspecified) when the
// bytes are not a valid block. `impacts`, when given, gets one per posting (zeros for a
// block without them).
bool DecodeBlock(std::string_view block, std::vector<Posting>* out,
                 std::vector<Impact>* impacts = nullptr);

// Reads a block chunk by chunk. Init checks the header and the chunk directory;
// DecodeChunk checks the chunk's data. The reader keeps a view of the bytes: they must
// outlive it. Reusable: Init again for another block (no allocation once warm).
class BlockReader {
 public:
  // False when the header or the directory is damaged.
  bool Init(std::string_view block);
  size_t size() const { return count_; }
  // The block holds impacts (its tag is kImpactBlockTag + scale).
  bool has_impacts() const { return impacts_; }
  size_t chunk_count() const { return chunks_.size(); }
  // The first posting of chunk i (from the directory: no decoding).
  Posting chunk_first(size_t i) const { return chunks_[i].first; }
  // Chunk i's maxima (impact blocks): its largest tf and smallest length.
  Impact chunk_max(size_t i) const { return chunks_[i].most; }
  // The last chunk whose first posting is <= target (0 if none): where a forward seek
  // to `target` starts. O(log chunks).
  size_t FindChunk(const Posting& target) const;
  // Replaces *out with the postings of chunk i, ascending; false when damaged. `impacts`,
  // when given, gets theirs (zeros for a block without them).
  bool DecodeChunk(size_t i, std::vector<Posting>* out,
                   std::vector<Impact>* impacts = nullptr) const;

 private:
  struct Chunk {
    Posting first;
    Impact first_impact;
    Impact most;
    size_t offset = 0;  // of its data in block_
    size_t bytes = 0;
    size_t count = 0;
  };
  std::string_view block_;
  size_t count_ = 0;
  int64_t scale_ = 1;
  bool impacts_ = false;
  std::vector<Chunk> chunks_;
};

// Merge operands. `adds` and `removes` strictly ascending and disjoint; `add_impacts`, one
// per add, makes the adds an impact block (an add of a posting already there replaces
// its impact).
void EncodeOperand(std::span<const Posting> adds, std::span<const Posting> removes,
                   std::string* out, const Impact* add_impacts = nullptr);
inline std::string AddOperand(const Posting& p) {
  std::string s;
  EncodeOperand({&p, 1}, {}, &s);
  return s;
}
inline std::string RemoveOperand(const Posting& p) {
  std::string s;
  EncodeOperand({}, {&p, 1}, &s);
  return s;
}
bool DecodeOperand(std::string_view operand, std::vector<Posting>* adds,
                   std::vector<Posting>* removes, std::vector<Impact>* add_impacts = nullptr);

// What the merge operator computes, for callers and tests without RocksDB:
// CombineOperands folds operands (oldest first) into one (adds, removes) pair;
// ApplyOperands merges them into a base block (nullptr: none), an impact block when any
// posting of the result has an impact. False when any input is damaged.
bool CombineOperands(std::span<const std::string_view> operands, std::vector<Posting>* adds,
                     std::vector<Posting>* removes, std::vector<Impact>* add_impacts = nullptr);
bool ApplyOperands(const std::string_view* base, std::span<const std::string_view> operands,
                   std::string* result);

// The index column family's merge operator ("articledb.PostingBlockMerge.v2") and its
// compaction filter factory (drops empty blocks).
std::shared_ptr<rocksdb::MergeOperator> NewMergeOperator();
std::shared_ptr<rocksdb::CompactionFilterFactory> NewEmptyBlockFilterFactory();

}  // namespace articledb::index

#endif  // ARTICLEDB_SRC_INDEX_POSTING_BLOCK_H_
