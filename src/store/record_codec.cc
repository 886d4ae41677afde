// The wire format of articledb.v1.Article, read without UTF-8 validation
// (record_codec.h). Field numbers and types mirror proto/articledb/v1/article.proto.
#include "store/record_codec.h"

#include <rocksdb/write_batch.h>

#include <cstdint>
#include <string>

#include "store/keys.h"

namespace articledb {
namespace {

// What the fast reader makes of the bytes: parsed, or something for protobuf to judge
// (malformed data included: protobuf then rejects it and names nothing more).
enum class Outcome { kParsed, kAskProtobuf };

constexpr uint32_t kVarint = 0;
constexpr uint32_t kLengthDelimited = 2;

class WireReader {
 public:
  explicit WireReader(std::string_view bytes)
      : p_(reinterpret_cast<const uint8_t*>(bytes.data())), end_(p_ + bytes.size()) {}

  bool done() const { return p_ == end_; }
  const char* position() const { return reinterpret_cast<const char*>(p_); }

  // Skips the value of a field of wire type `type` (not a group).
  bool Skip(uint32_t type) {
    uint64_t v = 0;
    std::string_view s;
    switch (type) {
      case 0: return Varint(&v);
      case 2: return Bytes(&s);
      case 1: return Advance(8);
      case 5: return Advance(4);
      default: return false;
    }
  }

  // A varint of at most 10 bytes whose last byte carries no bits beyond 64; anything
  // else is left to protobuf.
  bool Varint(uint64_t* v) {
    if (p_ != end_ && *p_ < 0x80) {  // the common one-byte case
      *v = *p_++;
      return true;
    }
    uint64_t result = 0;
    for (int i = 0; i < 10; ++i) {
      if (p_ == end_) return false;
      const uint8_t b = *p_++;
      if (i == 9 && b > 1) return false;
      result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if (b < 0x80) {
        *v = result;
        return true;
      }
    }
    return false;
  }

  // A tag: field number (1 .. 2^29 - 1) and wire type.
  bool Tag(uint32_t* field, uint32_t* wire_type) {
    uint64_t tag = 0;
    if (!Varint(&tag) || tag > UINT32_MAX) return false;
    *field = static_cast<uint32_t>(tag >> 3);
    *wire_type = static_cast<uint32_t>(tag & 7);
    return *field != 0;
  }

  // The payload of a length-delimited field.
  bool Bytes(std::string_view* out) {
    uint64_t n = 0;
    if (!Varint(&n) || n > static_cast<uint64_t>(end_ - p_) || n > INT32_MAX) return false;
    *out = std::string_view(reinterpret_cast<const char*>(p_), static_cast<size_t>(n));
    p_ += n;
    return true;
  }

 private:
  bool Advance(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) return false;
    p_ += n;
    return true;
  }

  const uint8_t* p_;
  const uint8_t* end_;
};

Outcome ReadTimestamp(std::string_view bytes, google::protobuf::Timestamp* out) {
  WireReader r(bytes);
  while (!r.done()) {
    uint32_t field = 0, type = 0;
    uint64_t v = 0;
    if (!r.Tag(&field, &type) || type != kVarint || !r.Varint(&v)) return Outcome::kAskProtobuf;
    if (field == 1) {
      out->set_seconds(static_cast<int64_t>(v));
    } else if (field == 2) {
      out->set_nanos(static_cast<int32_t>(static_cast<uint32_t>(v)));
    } else {
      return Outcome::kAskProtobuf;
    }
  }
  return Outcome::kParsed;
}

Outcome ReadEntity(std::string_view bytes, v1::Entity* out) {
  WireReader r(bytes);
  while (!r.done()) {
    uint32_t field = 0, type = 0;
    if (!r.Tag(&field, &type)) return Outcome::kAskProtobuf;
    if (field == 1 && type == kLengthDelimited) {
      std::string_view s;
      if (!r.Bytes(&s)) return Outcome::kAskProtobuf;
      out->mutable_name()->assign(s.data(), s.size());
    } else if (field == 2 && type == kVarint) {
      uint64_t v = 0;
      if (!r.Varint(&v)) return Outcome::kAskProtobuf;
      const auto kind = static_cast<int32_t>(static_cast<uint32_t>(v));
      if (!v1::Entity_Kind_IsValid(kind)) return Outcome::kAskProtobuf;
      out->set_kind(static_cast<v1::Entity_Kind>(kind));
    } else if (field == 3 && type == kLengthDelimited) {
      std::string_view s;
      if (!r.Bytes(&s)) return Outcome::kAskProtobuf;
      out->mutable_label()->assign(s.data(), s.size());
    } else {
      return Outcome::kAskProtobuf;
    }
  }
  return Outcome::kParsed;
}

Outcome ReadAttribute(std::string_view bytes, Article* out) {
  WireReader r(bytes);
  std::string_view key, value;
  while (!r.done()) {
    uint32_t field = 0, type = 0;
    if (!r.Tag(&field, &type) || type != kLengthDelimited) return Outcome::kAskProtobuf;
    std::string_view s;
    if (!r.Bytes(&s)) return Outcome::kAskProtobuf;
    if (field == 1) {
      key = s;
    } else if (field == 2) {
      value = s;
    } else {
      return Outcome::kAskProtobuf;
    }
  }
  (*out->mutable_attributes())[std::string(key)].assign(value.data(), value.size());
  return Outcome::kParsed;
}

// Merges one serialized Article into *out, as protobuf's MergeFrom of the parsed bytes
// would: singular fields replaced, repeated ones appended, timestamps merged.
Outcome MergeArticle(std::string_view bytes, Article* out) {
  WireReader r(bytes);
  while (!r.done()) {
    uint32_t field = 0, type = 0;
    std::string_view s;
    // Every field of an Article is length-delimited.
    if (!r.Tag(&field, &type) || type != kLengthDelimited || !r.Bytes(&s)) {
      return Outcome::kAskProtobuf;
    }
    std::string* target = nullptr;
    switch (field) {
      case 1: target = out->mutable_id(); break;
      case 2: target = out->mutable_url(); break;
      case 3: target = out->mutable_source(); break;
      case 4: target = out->mutable_language(); break;
      case 7: target = out->mutable_title(); break;
      case 8: target = out->mutable_summary(); break;
      case 9: target = out->mutable_body(); break;
      case 10: target = out->add_authors(); break;
      case 11: target = out->add_topics(); break;
      case 5:
        if (ReadTimestamp(s, out->mutable_published_at()) != Outcome::kParsed) {
          return Outcome::kAskProtobuf;
        }
        break;
      case 6:
        if (ReadTimestamp(s, out->mutable_updated_at()) != Outcome::kParsed) {
          return Outcome::kAskProtobuf;
        }
        break;
      case 12:
        if (ReadEntity(s, out->add_entities()) != Outcome::kParsed) return Outcome::kAskProtobuf;
        break;
      case 13:
        if (ReadAttribute(s, out) != Outcome::kParsed) return Outcome::kAskProtobuf;
        break;
      default:
        return Outcome::kAskProtobuf;  // a field of a newer schema: kept as unknown
    }
    if (target != nullptr) target->assign(s.data(), s.size());
  }
  return Outcome::kParsed;
}

}  // namespace

bool ParseRecord(std::string_view bytes, Article* out) {
  out->Clear();
  if (MergeArticle(bytes, out) == Outcome::kParsed) return true;
  return bytes.size() <= INT32_MAX &&
         out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

bool ParseRecord(std::initializer_list<std::string_view> parts, Article* out) {
  out->Clear();
  bool parsed = true;
  for (std::string_view part : parts) {
    if (MergeArticle(part, out) != Outcome::kParsed) {
      parsed = false;
      break;
    }
  }
  if (parsed) return true;
  std::string joined;
  for (std::string_view part : parts) joined.append(part);
  return out->ParseFromString(joined);
}

bool SplitRecord(std::string_view record, std::string* summary, std::string* text) {
  summary->clear();
  text->clear();
  WireReader r(record);
  bool walked = true;
  while (!r.done()) {
    const char* start = r.position();
    uint32_t field = 0, type = 0;
    if (!r.Tag(&field, &type) || !r.Skip(type)) {
      walked = false;
      break;
    }
    std::string* to = (type == kLengthDelimited && (field == 8 || field == 9)) ? text : summary;
    to->append(start, static_cast<size_t>(r.position() - start));
  }
  if (walked) {
    // The walk checked the framing of the top-level fields only; their contents too.
    Article check;
    return ParseRecord({*summary, *text}, &check);
  }
  // Left to protobuf: split the parsed message (unknown fields stay in the summary part).
  Article whole;
  if (record.size() > INT32_MAX ||
      !whole.ParseFromArray(record.data(), static_cast<int>(record.size()))) {
    return false;
  }
  Article body_part;
  body_part.mutable_summary()->swap(*whole.mutable_summary());
  body_part.mutable_body()->swap(*whole.mutable_body());
  return whole.SerializeToString(summary) && body_part.SerializeToString(text);
}

Status AppendSplitRecord(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* summary_cf,
                         rocksdb::ColumnFamilyHandle* text_cf, uint64_t docno,
                         std::string_view record) {
  std::string summary, text;
  if (!SplitRecord(record, &summary, &text)) {
    return Status::Corruption("record " + std::to_string(docno) +
                              " cannot be parsed; run verify");
  }
  const std::string key = keys::DocnoKey(docno);
  rocksdb::Status s = batch->Put(summary_cf, key, summary);
  if (s.ok()) s = batch->Put(text_cf, key, text);
  if (!s.ok()) return Status::IOError("record " + std::to_string(docno) + ": " + s.ToString());
  return Status::OK();
}

}  // namespace articledb
