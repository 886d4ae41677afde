// Helpers shared by the library tests.
#ifndef ARTICLEDB_TESTS_TEST_UTIL_H_
#define ARTICLEDB_TESTS_TEST_UTIL_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "articledb/archive.h"

namespace articledb::testing {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// An article with the given fields; `micros` empty means no published_at.
Article MakeArticle(const std::string& id, const std::string& source,
                    std::optional<int64_t> micros,
                    std::initializer_list<std::string> entities = {},
                    const std::string& body = "");

void SetPublished(Article* a, int64_t micros);

// Opens (creating) an archive in `dir`; fails the test on error.
std::unique_ptr<Archive> OpenOrDie(const std::string& dir, Options options = Options());

// Ids of a page's or vector's articles, in order.
std::vector<std::string> Ids(const std::vector<Article>& articles);

// Path of the Reuters-21578 corpus, or "" when the shared corpora folder is absent.
std::string ReutersPath();

// Calls `line` for each line of a zstd-compressed file; false when the file cannot be read.
bool ForEachZstdLine(const std::string& path, const std::function<void(const std::string&)>& line);

// Runs Verify and returns its messages joined (empty when the archive is sound).
std::string VerifyProblems(Archive& archive);

}  // namespace articledb::testing

#endif  // ARTICLEDB_TESTS_TEST_UTIL_H_
