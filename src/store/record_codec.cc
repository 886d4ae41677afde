// The wire format of articledb.v1.Article, read without UTF-8 validation
// (record_codec.h). Field numbers and types mirror proto/articledb/v1/article.proto.
#include "store/record_codec.h"

#include <cstdint>
#include <string>

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

}  // namespace articledb
