#include "line_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace articledb::cli {
namespace {
constexpr size_t kChunk = 1u << 20;
constexpr unsigned char kZstdMagic[4] = {0x28, 0xB5, 0x2F, 0xFD};
}  // namespace

// Reads what is available, up to n bytes (a pipe gives lines as they come, instead of
// waiting for a whole chunk). Returns the count; 0 at the end of the input.
bool LineReader::ReadSome(char* buf, size_t n, size_t* got, Status* error) {
  for (;;) {
    if (stop_ != nullptr && *stop_ != 0) {
      *error = Status::Aborted(path_ + ": reading stopped by a signal");
      return false;
    }
    ssize_t r = ::read(::fileno(file_), buf, n);
    if (r >= 0) {
      *got = static_cast<size_t>(r);
      return true;
    }
    if (errno == EINTR && !interrupt_ok_) continue;
    *error = Status::IOError(path_ + ": read error: " + std::strerror(errno));
    return false;
  }
}

LineReader::~LineReader() {
  if (own_file_ && file_ != nullptr) std::fclose(file_);
  ZSTD_freeDStream(zstd_);
}

Status LineReader::Open(const std::string& path) {
  path_ = path;
  if (path == "-") {
    file_ = stdin;
    own_file_ = false;
  } else {
    file_ = std::fopen(path.c_str(), "rb");
    if (file_ == nullptr) {
      return Status::IOError(path + ": cannot open: " + std::strerror(errno));
    }
    own_file_ = true;
    struct stat st;
    if (::fstat(::fileno(file_), &st) == 0) {
      if (S_ISDIR(st.st_mode)) return Status::IOError(path + ": is a directory");
      if (S_ISREG(st.st_mode)) size_ = static_cast<uint64_t>(st.st_size);
    }
  }
  // Look at the first bytes to tell zstd from plain text.
  // Read until 4 bytes are there (or the input ends) to see the magic bytes.
  in_.resize(kChunk);
  size_t n = 0;
  for (;;) {
    size_t got = 0;
    Status s;
    if (!ReadSome(in_.data() + n, in_.size() - n, &got, &s)) return s;
    n += got;
    if (got == 0) {
      eof_ = true;
      break;
    }
    if (n >= 4) break;
  }
  in_.resize(n);
  in_pos_ = 0;
  consumed_ = n;
  compressed_ = n >= 4 && std::memcmp(in_.data(), kZstdMagic, 4) == 0;
  if (compressed_) {
    zstd_ = ZSTD_createDStream();
    if (zstd_ == nullptr) return Status::IOError(path + ": out of memory");
    ZSTD_initDStream(zstd_);
  } else {
    text_.swap(in_);
    in_.clear();
  }
  return Status::OK();
}

bool LineReader::Fill(Status* error) {
  text_.erase(0, text_pos_);
  text_pos_ = 0;
  const size_t before = text_.size();
  while (text_.size() == before) {
    if (!compressed_) {
      if (eof_) return false;
      text_.resize(before + kChunk);
      size_t n = 0;
      if (!ReadSome(text_.data() + before, kChunk, &n, error)) {
        text_.resize(before);
        return false;
      }
      text_.resize(before + n);
      consumed_ += n;
      if (n == 0) eof_ = true;
      continue;
    }
    if (in_pos_ == in_.size() && !pending_output_) {
      if (eof_) {
        if (zstd_last_ != 0) *error = Status::Corruption(path_ + ": zstd input is truncated");
        return false;
      }
      in_.resize(kChunk);
      size_t n = 0;
      if (!ReadSome(in_.data(), kChunk, &n, error)) {
        in_.clear();
        in_pos_ = 0;
        return false;
      }
      in_.resize(n);
      in_pos_ = 0;
      consumed_ += n;
      if (n == 0) eof_ = true;
      continue;
    }
    const size_t old = text_.size();
    text_.resize(old + ZSTD_DStreamOutSize());
    ZSTD_inBuffer in{in_.data(), in_.size(), in_pos_};
    ZSTD_outBuffer out{text_.data() + old, text_.size() - old, 0};
    zstd_last_ = ZSTD_decompressStream(zstd_, &out, &in);
    in_pos_ = in.pos;
    pending_output_ = out.pos == out.size;
    text_.resize(old + out.pos);
    if (ZSTD_isError(zstd_last_)) {
      *error = Status::Corruption(path_ + ": zstd input is corrupt: " +
                                  ZSTD_getErrorName(zstd_last_));
      return false;
    }
  }
  return true;
}

bool LineReader::Next(std::string* line, bool* too_long, std::ostream* spill, Status* error) {
  line->clear();
  *too_long = false;
  bool any = false;
  for (;;) {
    if (text_pos_ == text_.size()) {
      if (!Fill(error)) {
        if (!error->ok()) return false;
        if (*too_long && spill != nullptr) *spill << '\n';
        return any;  // a last line without '\n'
      }
    }
    any = true;
    const char* start = text_.data() + text_pos_;
    const size_t avail = text_.size() - text_pos_;
    const void* nl = std::memchr(start, '\n', avail);
    const size_t take = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : avail;
    if (!*too_long && line->size() + take > max_line_bytes_) {
      *too_long = true;
      if (spill != nullptr) spill->write(line->data(), static_cast<std::streamsize>(line->size()));
      line->clear();
      line->shrink_to_fit();
    }
    if (*too_long) {
      if (spill != nullptr) spill->write(start, static_cast<std::streamsize>(take));
    } else {
      line->append(start, take);
    }
    text_pos_ += take;
    if (nl) {
      ++text_pos_;
      if (*too_long && spill != nullptr) *spill << '\n';
      return true;
    }
  }
}

}  // namespace articledb::cli
