// RSS and Atom feeds for `articledb import --format rss` (docs/import.md, "RSS and Atom"),
// read with expat as the text arrives: each <item> or <entry> becomes an Article.
#ifndef ARTICLEDB_CLI_FEED_READER_H_
#define ARTICLEDB_CLI_FEED_READER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "articledb/article.h"
#include "articledb/status.h"
#include "import_formats.h"

namespace articledb::cli {

class FeedReader {
 public:
  // `each(status, article, line)`: one call per item or entry, in document order, with the
  // line it starts on; a refused one has an error status (the article, mapped as far as it
  // went, is still given for --rejects).
  using Each = std::function<void(Status, Article*, uint64_t)>;
  FeedReader(const ConvertOptions& options, Each each);
  ~FeedReader();
  FeedReader(const FeedReader&) = delete;
  FeedReader& operator=(const FeedReader&) = delete;

  // Feeds the next piece of the document (`last` on the final one). A non-OK status is
  // XML that is not well-formed, or a document that is neither RSS nor Atom, with its
  // line; the reader is done after it.
  Status Feed(std::string_view text, bool last);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace articledb::cli

#endif  // ARTICLEDB_CLI_FEED_READER_H_
