#include "articledb/status.h"

namespace articledb {

const char* Status::CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kNotFound: return "Not found";
    case Code::kInvalidArgument: return "Invalid argument";
    case Code::kCorruption: return "Corruption";
    case Code::kIOError: return "I/O error";
    case Code::kBusy: return "Busy";
    case Code::kNotSupported: return "Not supported";
    case Code::kAborted: return "Aborted";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s = CodeName(code_);
  s += ": ";
  s += message_;
  return s;
}

}  // namespace articledb
