// Reads JSON Lines input for `articledb import`: a file or standard input, plain or
// zstd-compressed (recognised by the zstd magic bytes, so `.zst` files and compressed
// pipes both work), one line at a time, in bounded memory.
#ifndef ARTICLEDB_CLI_LINE_READER_H_
#define ARTICLEDB_CLI_LINE_READER_H_

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>

#include <zstd.h>

#include "articledb/status.h"

namespace articledb::cli {

class LineReader {
 public:
  // Lines longer than max_line_bytes are not kept in memory (see Next).
  explicit LineReader(size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // `path` "-" reads standard input.
  Status Open(const std::string& path);

  // Reads the next line, without its '\n'. Returns false at the end of the input or on
  // an error (then *error is set). A line longer than max_line_bytes is consumed but not
  // kept: *too_long is set, *line is empty, and when `spill` is given the whole line
  // (and its '\n') is copied to it as it goes by.
  bool Next(std::string* line, bool* too_long, std::ostream* spill, Status* error);

  // When set, a read interrupted by a signal (EINTR) ends the input with an error
  // instead of being retried: lets Ctrl-C stop an import waiting on a pipe.
  void set_interruptible(bool on) { interrupt_ok_ = on; }
  // When set, every read first looks at *flag: once it is non-zero (a signal handler set
  // it), the input ends with an Aborted error, even while one endless line (/dev/zero)
  // is being skipped.
  void set_stop_flag(const volatile std::sig_atomic_t* flag) { stop_ = flag; }

  // Bytes read from the file so far (compressed bytes for zstd input).
  uint64_t consumed() const { return consumed_; }
  // Size of the file when it is a regular file.
  std::optional<uint64_t> size() const { return size_; }

 private:
  bool Fill(Status* error);  // refills text_, false at the end of the input
  bool ReadSome(char* buf, size_t n, size_t* got, Status* error);

  size_t max_line_bytes_;
  std::string path_;
  FILE* file_ = nullptr;
  bool own_file_ = false;
  bool compressed_ = false;
  bool eof_ = false;
  bool interrupt_ok_ = false;
  const volatile std::sig_atomic_t* stop_ = nullptr;
  ZSTD_DStream* zstd_ = nullptr;
  size_t zstd_last_ = 0;  // last ZSTD_decompressStream result (0: at a frame boundary)
  bool pending_output_ = false;  // the last call filled its output: more may be waiting
  std::string in_;        // raw bytes read from the file
  size_t in_pos_ = 0;
  std::string text_;      // decompressed (or plain) text not yet split into lines
  size_t text_pos_ = 0;
  uint64_t consumed_ = 0;
  std::optional<uint64_t> size_;
};

}  // namespace articledb::cli

#endif  // ARTICLEDB_CLI_LINE_READER_H_
