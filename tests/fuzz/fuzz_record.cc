// Fuzz target: the stored-record parser (src/store/record_codec.h) against protobuf's.
//  - Any bytes are handled without a crash, as one record and split in two parts.
//  - What protobuf accepts, ParseRecord accepts with the same content.
//  - What only ParseRecord accepts holds invalid UTF-8 (the one check it leaves out).
//  - Two parts parse as their concatenation does (or, cut inside a field, as protobuf
//    parses the concatenation).
//  - A record SplitRecord splits is one ParseRecord accepts, and its summary and text
//    parts parse back to it.
#include <google/protobuf/util/message_differencer.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "record_check.h"
#include "store/record_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using google::protobuf::util::MessageDifferencer;
  google::protobuf::LogSilencer silence;  // protobuf logs every invalid UTF-8 string
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  static articledb::Article fast;  // reused across inputs, as the archive reuses messages
  articledb::Article strict;
  const bool strict_ok = strict.ParseFromArray(data, static_cast<int>(size));
  const bool fast_ok = articledb::ParseRecord(bytes, &fast);
  if (strict_ok) {
    FUZZ_CHECK(fast_ok);
    FUZZ_CHECK(MessageDifferencer::Equals(strict, fast));
  } else if (fast_ok) {
    FUZZ_CHECK(!articledb::InvalidUtf8InRecord(bytes).empty());
  }
  const size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  articledb::Article parts;
  const bool parts_ok = articledb::ParseRecord({bytes.substr(0, cut), bytes.substr(cut)}, &parts);
  if (parts_ok) {
    FUZZ_CHECK(fast_ok);
    FUZZ_CHECK(MessageDifferencer::Equals(fast, parts));
  } else if (fast_ok) {
    // A cut inside a field leaves the parts to protobuf, which checks UTF-8.
    FUZZ_CHECK(!articledb::InvalidUtf8InRecord(bytes).empty());
  }
  std::string summary, text;
  if (articledb::SplitRecord(bytes, &summary, &text)) {
    FUZZ_CHECK(fast_ok);
    articledb::Article joined;
    FUZZ_CHECK(articledb::ParseRecord({summary, text}, &joined));
    FUZZ_CHECK(MessageDifferencer::Equals(fast, joined));
  }
  return 0;
}
