// Status: the result of every ArticleDB operation that can fail.
//
// ArticleDB never throws across its API. Each fallible call returns a Status; check
// ok() before using any output argument. The message is one line of text meant for a
// person: it names the record, the field and the reason where those apply.
#ifndef ARTICLEDB_STATUS_H_
#define ARTICLEDB_STATUS_H_

#include <string>
#include <utility>

namespace articledb {

class [[nodiscard]] Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kNotFound,         // the article, archive or file asked for does not exist
    kInvalidArgument,  // bad input: a record, a query, a cursor, an option
    kCorruption,       // stored or dumped data failed a check; nothing was guessed
    kIOError,          // the file system failed (full disk, permissions, ...)
    kBusy,             // the archive is locked by another process
    kNotSupported,     // e.g. a write to an archive opened read-only
    kAborted,          // stopped on request (a callback asked to stop)
  };

  Status() = default;  // OK
  static Status OK() { return Status(); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status Busy(std::string msg) { return Status(Code::kBusy, std::move(msg)); }
  static Status NotSupported(std::string msg) {
    return Status(Code::kNotSupported, std::move(msg));
  }
  static Status Aborted(std::string msg) { return Status(Code::kAborted, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsBusy() const { return code_ == Code::kBusy; }
  bool IsNotSupported() const { return code_ == Code::kNotSupported; }
  bool IsAborted() const { return code_ == Code::kAborted; }

  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "OK", or "<code name>: <message>", e.g. "Invalid argument: article 'x': field 'source' ...".
  std::string ToString() const;
  static const char* CodeName(Code code);

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace articledb

#endif  // ARTICLEDB_STATUS_H_
