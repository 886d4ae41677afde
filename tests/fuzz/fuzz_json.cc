// Fuzz target: the JSON record parser and validator. Any input is either refused with
// InvalidArgument or parsed; an input the fast (simdjson) path takes is read by protobuf's
// parser as the same record; a parsed article that validates prints to JSON that parses
// back to the same message, and its derived id and normalised names are computed safely.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "article_json.h"
#include "articledb/article.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  if (articledb::IsValidUtf8(json)) {
    articledb::Article fast;
    if (articledb::internal::FastParseArticleJson(json, &fast)) {
      google::protobuf::util::JsonParseOptions options;
      options.case_insensitive_enum_parsing = true;
      articledb::Article slow;
      const auto st = google::protobuf::util::JsonStringToMessage(
          google::protobuf::StringPiece(json.data(), json.size()), &slow, options);
      if (!st.ok()) {
        std::fprintf(stderr, "fast path took what protobuf refuses: %s\n",
                     std::string(st.message()).c_str());
        std::abort();
      }
      articledb::internal::KeepKindLabels(json, &slow);  // as ParseArticleJson does
      FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(fast, slow));
    }
  }
  articledb::Article a;
  const articledb::Status s = articledb::ParseArticleJson(json, &a);
  if (!s.ok()) {
    FUZZ_CHECK(s.IsInvalidArgument());
    FUZZ_CHECK(!s.message().empty());
    return 0;
  }
  const articledb::Status v = articledb::ValidateArticle(a, articledb::Limits());
  if (!v.ok()) {
    FUZZ_CHECK(v.IsInvalidArgument());
    return 0;
  }
  std::string out;
  FUZZ_CHECK(articledb::ArticleToJson(a, &out).ok());
  articledb::Article back;
  const articledb::Status r = articledb::ParseArticleJson(out, &back);
  if (!r.ok()) {
    std::fprintf(stderr, "printed JSON does not parse back: %s\n%s\n", r.ToString().c_str(),
                 out.c_str());
    std::abort();
  }
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(a, back));
  std::string again;
  FUZZ_CHECK(articledb::ArticleToJson(back, &again).ok());
  FUZZ_CHECK(again == out);  // deterministic output
  const std::string id = articledb::DeriveArticleId(a);
  FUZZ_CHECK(id.rfind("url:", 0) == 0 || id.rfind("hash:", 0) == 0);
  FUZZ_CHECK(!articledb::NormalizeName(a.source()).empty());
  for (const auto& e : a.entities()) {
    const std::string n = articledb::NormalizeName(e.name());
    FUZZ_CHECK(articledb::IsValidUtf8(n));
    FUZZ_CHECK(articledb::NormalizeName(n) == n);  // normalising is idempotent
  }
  return 0;
}
