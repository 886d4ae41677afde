// The dump format: writer, reader, and archive dump/restore on top of them.
// docs/dump-format.md is the specification; the constants below follow it.
#include "articledb/dump.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <istream>
#include <ostream>
#include <utility>
#include <vector>

#include "codec/codec.h"
#include "record_check.h"

namespace articledb {
namespace {

// ---- Layout (docs/dump-format.md) ----
constexpr std::array<unsigned char, 8> kMagic = {0x89, 'A', 'D', 'B', 'D', 'U', 'M', 'P'};
// Fuzz builds (scripts/fuzz) skip the checksum comparisons so that the fuzzer reaches the
// code behind them: lengths, zstd frames, varints and the trailer's counts. Every bound is
// still checked; ordinary builds check every checksum.
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
constexpr bool kCheckSums = false;
#else
constexpr bool kCheckSums = true;
#endif

constexpr size_t kFileHeaderBytes = 24;   // magic 8, version 4, flags 4, checksum 8
constexpr size_t kFrameHeaderBytes = 32;  // kind 4, count 4, stored 4, raw 4, 2 checksums
constexpr size_t kTrailerPayloadBytes = 32;
constexpr uint32_t kKindRecords = 1;
constexpr uint32_t kKindTrailer = 2;
constexpr size_t kMinFrameBytes = 4096;
// Largest stored (compressed) payload of a record frame a reader accepts.
constexpr size_t kMaxStoredBytes = ZSTD_COMPRESSBOUND(kDumpMaxFrameBytes);
// Payloads are read in pieces of this size, so a length field that promises more than
// the file holds never makes the reader allocate more than the file gives.
constexpr size_t kReadChunk = 1u << 20;

// The dump's fixed-width fields are little-endian (docs/dump-format.md).
void PutU32(unsigned char* p, uint32_t v) { codec::EncodeFixed32LE(p, v); }
void PutU64(unsigned char* p, uint64_t v) { codec::EncodeFixed64LE(p, v); }
uint32_t GetU32(const unsigned char* p) { return codec::DecodeFixed32LE(p); }
uint64_t GetU64(const unsigned char* p) { return codec::DecodeFixed64LE(p); }
const unsigned char* U(const char* p) { return reinterpret_cast<const unsigned char*>(p); }
const char* C(const unsigned char* p) { return reinterpret_cast<const char*>(p); }

std::string ErrnoText(int err) { return std::strerror(err); }

// ---------------------------------------------------------------------------------------
// Writer

}  // namespace

struct DumpWriter::Impl {
  DumpSink sink;
  DumpOptions options;
  ZSTD_CCtx* cctx = nullptr;
  XXH3_state_t* file_hash = nullptr;
  std::string raw;         // records of the frame being gathered
  std::string compressed;  // reused output buffer
  uint32_t frame_records = 0;
  uint64_t records = 0;
  uint64_t frames = 0;
  uint64_t raw_total = 0;
  uint64_t bytes = 0;
  bool started = false;
  bool finished = false;
  Status error;  // sticky: once a write failed, every later call returns it

  Status Emit(const void* data, size_t n) {
    if (n == 0) return Status::OK();
    Status s = sink(std::string_view(static_cast<const char*>(data), n));
    if (!s.ok()) return s;
    XXH3_64bits_update(file_hash, data, n);
    bytes += n;
    return Status::OK();
  }

  Status EmitFrame(uint32_t kind, uint32_t count, std::string_view payload, size_t raw_bytes) {
    unsigned char h[kFrameHeaderBytes];
    PutU32(h + 0, kind);
    PutU32(h + 4, count);
    PutU32(h + 8, static_cast<uint32_t>(payload.size()));
    PutU32(h + 12, static_cast<uint32_t>(raw_bytes));
    PutU64(h + 16, XXH3_64bits(payload.data(), payload.size()));
    PutU64(h + 24, XXH3_64bits(h, 24));
    Status s = Emit(h, sizeof h);
    if (s.ok()) s = Emit(payload.data(), payload.size());
    return s;
  }

  Status FlushFrame() {
    if (frame_records == 0) return Status::OK();
    compressed.resize(ZSTD_compressBound(raw.size()));
    size_t n = ZSTD_compressCCtx(cctx, compressed.data(), compressed.size(), raw.data(),
                                 raw.size(), options.compression_level);
    if (ZSTD_isError(n)) {
      return Status::IOError(std::string("dump: zstd compression failed: ") +
                             ZSTD_getErrorName(n));
    }
    Status s = EmitFrame(kKindRecords, frame_records, std::string_view(compressed.data(), n),
                         raw.size());
    if (!s.ok()) return s;
    ++frames;
    raw_total += raw.size();
    raw.clear();
    frame_records = 0;
    return Status::OK();
  }
};

DumpWriter::DumpWriter(DumpSink sink, const DumpOptions& options)
    : impl_(std::make_unique<Impl>()) {
  impl_->sink = std::move(sink);
  impl_->options = options;
  impl_->options.compression_level = std::clamp(options.compression_level, 1, 19);
  impl_->options.frame_bytes =
      std::clamp<size_t>(options.frame_bytes, kMinFrameBytes, kDumpMaxFrameBytes);
  impl_->cctx = ZSTD_createCCtx();
  impl_->file_hash = XXH3_createState();
  if (impl_->cctx == nullptr || impl_->file_hash == nullptr) {
    impl_->error = Status::IOError("dump: out of memory creating the compressor");
  } else {
    XXH3_64bits_reset(impl_->file_hash);
  }
}

DumpWriter::~DumpWriter() {
  ZSTD_freeCCtx(impl_->cctx);
  XXH3_freeState(impl_->file_hash);
}

Status DumpWriter::Start() {
  Impl& w = *impl_;
  if (!w.error.ok()) return w.error;
  if (w.started) return Status::OK();
  w.started = true;
  unsigned char h[kFileHeaderBytes];
  std::memcpy(h, kMagic.data(), kMagic.size());
  PutU32(h + 8, kDumpFormatVersion);
  PutU32(h + 12, 0);  // flags: none defined in version 1
  PutU64(h + 16, XXH3_64bits(h, 16));
  w.error = w.Emit(h, sizeof h);
  return w.error;
}

Status DumpWriter::Add(std::string_view serialized) {
  Impl& w = *impl_;
  if (w.finished) return Status::InvalidArgument("dump: Add after Finish");
  Status s = Start();
  if (!s.ok()) return s;
  const size_t need = codec::VarintLength(serialized.size()) + serialized.size();
  if (need > kDumpMaxFrameBytes) {
    return Status::InvalidArgument("dump: record " + std::to_string(w.records + 1) + " of " +
                                   std::to_string(serialized.size()) +
                                   " bytes is larger than a dump frame can hold (" +
                                   std::to_string(kDumpMaxFrameBytes) + " bytes)");
  }
  if (w.frame_records > 0 && w.raw.size() + need > w.options.frame_bytes) {
    w.error = w.FlushFrame();
    if (!w.error.ok()) return w.error;
  }
  codec::PutVarint64(&w.raw, serialized.size());
  w.raw.append(serialized);
  ++w.frame_records;
  ++w.records;
  if (w.raw.size() >= w.options.frame_bytes) w.error = w.FlushFrame();
  return w.error;
}

Status DumpWriter::Finish(DumpStats* stats) {
  Impl& w = *impl_;
  if (w.finished) return Status::InvalidArgument("dump: Finish called twice");
  Status s = Start();
  if (!s.ok()) return s;
  w.error = w.FlushFrame();
  if (!w.error.ok()) return w.error;
  unsigned char t[kTrailerPayloadBytes];
  PutU64(t + 0, w.records);
  PutU64(t + 8, w.frames);
  PutU64(t + 16, w.raw_total);
  PutU64(t + 24, XXH3_64bits_digest(w.file_hash));
  w.error = w.EmitFrame(kKindTrailer, 0, std::string_view(C(t), sizeof t), sizeof t);
  if (!w.error.ok()) return w.error;
  w.finished = true;
  if (stats != nullptr) {
    stats->records = w.records;
    stats->bytes = w.bytes;
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------------------
// Reader

namespace {

class Source {
 public:
  virtual ~Source() = default;
  // Reads up to n bytes into buf; *got < n only at the end of the input.
  virtual Status Read(char* buf, size_t n, size_t* got) = 0;
};

class BufferSource : public Source {
 public:
  explicit BufferSource(std::string_view data) : data_(data) {}
  Status Read(char* buf, size_t n, size_t* got) override {
    *got = std::min(n, data_.size() - pos_);
    if (*got > 0) std::memcpy(buf, data_.data() + pos_, *got);
    pos_ += *got;
    return Status::OK();
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

class StreamSource : public Source {
 public:
  explicit StreamSource(std::istream& in) : in_(in) {}
  Status Read(char* buf, size_t n, size_t* got) override {
    in_.read(buf, static_cast<std::streamsize>(n));
    *got = static_cast<size_t>(in_.gcount());
    if (in_.bad()) return Status::IOError("dump: read error on input stream");
    return Status::OK();
  }

 private:
  std::istream& in_;
};

class FdSource : public Source {
 public:
  FdSource(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Status Read(char* buf, size_t n, size_t* got) override {
    *got = 0;
    while (*got < n) {
      ssize_t r = ::read(fd_, buf + *got, n - *got);
      if (r < 0) {
        if (errno == EINTR) continue;
        return Status::IOError("dump " + path_ + ": read: " + ErrnoText(errno));
      }
      if (r == 0) break;
      *got += static_cast<size_t>(r);
    }
    return Status::OK();
  }

 private:
  int fd_;
  std::string path_;
};

class Reader {
 public:
  Reader(Source* src, const DumpVisitor& visit) : src_(src), visit_(visit) {
    dctx_ = ZSTD_createDCtx();
    hash_ = XXH3_createState();
    if (hash_ != nullptr) XXH3_64bits_reset(hash_);
  }
  ~Reader() {
    ZSTD_freeDCtx(dctx_);
    XXH3_freeState(hash_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  Status Run(DumpStats* stats) {
    Status s = RunInner();
    if (stats != nullptr) {
      stats->records = records_;
      stats->bytes = offset_;
    }
    return s;
  }

 private:
  std::string Where(uint64_t offset) const {
    return "dump: byte offset " + std::to_string(offset) + ", after record " +
           std::to_string(records_) + ": ";
  }
  Status Bad(uint64_t offset, const std::string& what) const {
    return Status::Corruption(Where(offset) + what);
  }
  Status Truncated(uint64_t offset, const std::string& what, size_t got, size_t want) const {
    return Status::Corruption(Where(offset) + "the file is truncated: it ends inside " + what +
                              " (" + std::to_string(got) + " of " + std::to_string(want) +
                              " bytes)");
  }

  // Reads exactly n bytes (n is already bounded by the caller) into *out, growing it
  // piece by piece; *got is how many arrived.
  Status ReadInto(std::string* out, size_t n, size_t* got) {
    out->clear();
    *got = 0;
    while (*got < n) {
      const size_t piece = std::min(kReadChunk, n - *got);
      out->resize(*got + piece);
      size_t r = 0;
      Status s = src_->Read(out->data() + *got, piece, &r);
      if (!s.ok()) return s;
      *got += r;
      if (r < piece) break;
    }
    out->resize(*got);
    XXH3_64bits_update(hash_, out->data(), *got);
    return Status::OK();
  }

  Status RunInner() {
    if (dctx_ == nullptr || hash_ == nullptr) {
      return Status::IOError("dump: out of memory creating the decompressor");
    }
    // File header.
    std::string buf;
    size_t got = 0;
    Status s = ReadInto(&buf, kFileHeaderBytes, &got);
    if (!s.ok()) return s;
    const unsigned char* h = U(buf.data());
    if (got == 0) return Bad(0, "the file is empty");
    const size_t magic_got = std::min(got, kMagic.size());
    if (std::memcmp(h, kMagic.data(), magic_got) != 0) {
      return Status::InvalidArgument(
          Where(0) + "not an ArticleDB dump (the file does not start with the magic bytes "
                     "89 41 44 42 44 55 4D 50)");
    }
    if (got < kFileHeaderBytes) {
      offset_ = got;
      return Truncated(0, "the file header", got, kFileHeaderBytes);
    }
    const uint32_t version = GetU32(h + 8);
    if (version != kDumpFormatVersion) {
      offset_ = got;
      return Status::NotSupported(Where(8) + "dump format version " + std::to_string(version) +
                                  " is not supported (this reader reads version " +
                                  std::to_string(kDumpFormatVersion) + ")");
    }
    if (GetU64(h + 16) != XXH3_64bits(h, 16) && kCheckSums) {
      offset_ = got;
      return Bad(16, "file header checksum mismatch");
    }
    if (GetU32(h + 12) != 0) {
      offset_ = got;
      return Status::NotSupported(Where(12) + "unknown dump flags " +
                                  std::to_string(GetU32(h + 12)) +
                                  " (this reader knows none)");
    }
    offset_ = kFileHeaderBytes;

    std::string payload;
    std::string raw;
    uint64_t frames = 0;
    uint64_t raw_total = 0;
    for (;;) {
      const uint64_t frame_offset = offset_;
      const uint64_t hash_before = XXH3_64bits_digest(hash_);
      s = ReadInto(&buf, kFrameHeaderBytes, &got);
      if (!s.ok()) return s;
      offset_ += got;
      if (got == 0) {
        return Bad(frame_offset, "the file is truncated: it ends after " +
                                     std::to_string(frames) +
                                     " frames without the trailer");
      }
      if (got < kFrameHeaderBytes) {
        return Truncated(frame_offset, "a frame header", got, kFrameHeaderBytes);
      }
      h = U(buf.data());
      if (GetU64(h + 24) != XXH3_64bits(h, 24) && kCheckSums) {
        return Bad(frame_offset, "frame header checksum mismatch");
      }
      const uint32_t kind = GetU32(h + 0);
      const uint32_t count = GetU32(h + 4);
      const uint32_t stored = GetU32(h + 8);
      const uint32_t raw_bytes = GetU32(h + 12);
      const uint64_t payload_sum = GetU64(h + 16);
      if (kind == kKindTrailer) {
        if (count != 0 || stored != kTrailerPayloadBytes || raw_bytes != kTrailerPayloadBytes) {
          return Bad(frame_offset, "malformed trailer frame header");
        }
      } else if (kind == kKindRecords) {
        if (count == 0 || raw_bytes == 0 || raw_bytes > kDumpMaxFrameBytes ||
            count > raw_bytes || stored == 0 || stored > kMaxStoredBytes) {
          return Bad(frame_offset, "frame lengths out of bounds (records " +
                                       std::to_string(count) + ", stored bytes " +
                                       std::to_string(stored) + ", raw bytes " +
                                       std::to_string(raw_bytes) + ")");
        }
      } else {
        return Bad(frame_offset, "unknown frame kind " + std::to_string(kind));
      }
      s = ReadInto(&payload, stored, &got);
      if (!s.ok()) return s;
      offset_ += got;
      if (got < stored) {
        return Truncated(frame_offset, "a frame payload", got, stored);
      }
      if (XXH3_64bits(payload.data(), payload.size()) != payload_sum && kCheckSums) {
        return Bad(frame_offset, "frame payload checksum mismatch");
      }

      if (kind == kKindTrailer) {
        const unsigned char* t = U(payload.data());
        if (GetU64(t + 0) != records_ || GetU64(t + 8) != frames ||
            GetU64(t + 16) != raw_total) {
          return Bad(frame_offset,
                     "the trailer counts " + std::to_string(GetU64(t + 0)) + " records in " +
                         std::to_string(GetU64(t + 8)) + " frames, the file holds " +
                         std::to_string(records_) + " in " + std::to_string(frames));
        }
        if (GetU64(t + 24) != hash_before && kCheckSums) {
          return Bad(frame_offset, "whole-file checksum mismatch");
        }
        char extra = 0;
        s = src_->Read(&extra, 1, &got);
        if (!s.ok()) return s;
        if (got != 0) {
          return Bad(offset_, "unexpected bytes after the trailer");
        }
        return Status::OK();
      }

      // A record frame: one zstd frame holding exactly raw_bytes.
      const size_t zframe = ZSTD_findFrameCompressedSize(payload.data(), payload.size());
      if (ZSTD_isError(zframe) || zframe != payload.size()) {
        return Bad(frame_offset, "frame payload is not one zstd frame");
      }
      const unsigned long long content =
          ZSTD_getFrameContentSize(payload.data(), payload.size());
      if (content != raw_bytes) {
        return Bad(frame_offset, "frame payload's zstd content size disagrees with the frame "
                                 "header");
      }
      raw.resize(raw_bytes);
      const size_t n =
          ZSTD_decompressDCtx(dctx_, raw.data(), raw.size(), payload.data(), payload.size());
      if (ZSTD_isError(n) || n != raw_bytes) {
        return Bad(frame_offset, std::string("frame payload does not decompress: ") +
                                     (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short output"));
      }
      // Split into records before visiting any of them.
      spans_.clear();
      size_t pos = 0;
      for (uint32_t i = 0; i < count; ++i) {
        uint64_t len = 0;
        std::string_view rest(raw.data() + pos, raw.size() - pos);
        // A record length is a varint of at most 5 bytes.
        if (!codec::GetVarint64(&rest, &len) || raw.size() - pos - rest.size() > 5) {
          return Located(Status::Code::kCorruption, frame_offset, records_ + i + 1,
                         "malformed record length");
        }
        pos = raw.size() - rest.size();
        if (len > raw.size() - pos) {
          return Located(Status::Code::kCorruption, frame_offset, records_ + i + 1,
                         "record length " + std::to_string(len) +
                             " runs past the end of its frame");
        }
        spans_.emplace_back(pos, static_cast<size_t>(len));
        pos += static_cast<size_t>(len);
      }
      if (pos != raw.size()) {
        return Bad(frame_offset, "frame holds " + std::to_string(raw.size() - pos) +
                                     " bytes after its " + std::to_string(count) + " records");
      }
      for (const auto& [start, len] : spans_) {
        if (visit_) {
          s = visit_(std::string_view(raw.data() + start, len));
          if (!s.ok()) {
            return Located(s.code(), frame_offset, records_ + 1, s.message());
          }
        }
        ++records_;
      }
      ++frames;
      raw_total += raw_bytes;
    }
  }

  // A status of `code` naming the record's location in front of `msg`.
  static Status Located(Status::Code code, uint64_t offset, uint64_t record,
                        const std::string& msg) {
    std::string full = "dump: byte offset " + std::to_string(offset) + ", record " +
                       std::to_string(record) + ": " + msg;
    switch (code) {
      case Status::Code::kNotFound: return Status::NotFound(full);
      case Status::Code::kInvalidArgument: return Status::InvalidArgument(full);
      case Status::Code::kIOError: return Status::IOError(full);
      case Status::Code::kBusy: return Status::Busy(full);
      case Status::Code::kNotSupported: return Status::NotSupported(full);
      case Status::Code::kAborted: return Status::Aborted(full);
      default: return Status::Corruption(full);
    }
  }

  Source* src_;
  const DumpVisitor& visit_;
  ZSTD_DCtx* dctx_ = nullptr;
  XXH3_state_t* hash_ = nullptr;
  uint64_t offset_ = 0;
  uint64_t records_ = 0;
  std::vector<std::pair<size_t, size_t>> spans_;
};

// Parses and validates one record of a dump.
Status CheckRecord(std::string_view serialized, const Limits& limits, Article* article) {
  if (!article->ParseFromArray(serialized.data(), static_cast<int>(serialized.size()))) {
    const std::string why = InvalidUtf8InRecord(serialized);
    return Status::Corruption("record does not parse as an articledb.v1.Article" +
                              (why.empty() ? std::string() : ": " + why));
  }
  return ValidateArticle(*article, limits);
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Status ReadFile(const std::string& path, const DumpVisitor& visit, DumpStats* stats) {
  int f = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f < 0) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound("dump " + path + ": no such file");
    return Status::IOError("dump " + path + ": open: " + ErrnoText(err));
  }
  Fd fd(f);
  FdSource src(fd.get(), path);
  Reader reader(&src, visit);
  return reader.Run(stats);
}

}  // namespace

Status ReadDump(std::istream& in, const DumpVisitor& visit, DumpStats* stats) {
  StreamSource src(in);
  Reader reader(&src, visit);
  return reader.Run(stats);
}

Status ReadDumpBuffer(std::string_view data, const DumpVisitor& visit, DumpStats* stats) {
  BufferSource src(data);
  Reader reader(&src, visit);
  return reader.Run(stats);
}

Status VerifyDumpFile(const std::string& path, DumpStats* stats, const Limits& limits) {
  Article article;
  return ReadFile(
      path,
      [&](std::string_view rec) { return CheckRecord(rec, limits, &article); },
      stats);
}

// ---------------------------------------------------------------------------------------
// Archive dump and restore

namespace {

Status DumpTo(Archive& archive, DumpWriter* writer, DumpStats* stats,
              const ProgressFn& progress) {
  Status s = writer->Start();
  if (!s.ok()) return s;
  Status inner;
  uint64_t n = 0;
  Status scan = archive.ForEachRecord([&](std::string_view rec) {
    inner = writer->Add(rec);
    if (!inner.ok()) return false;
    ++n;
    if (progress && n % 1000 == 0 && !progress(n)) {
      inner = Status::Aborted("dump stopped on request after " + std::to_string(n) +
                              " records");
      return false;
    }
    return true;
  });
  if (!inner.ok()) return inner;
  if (!scan.ok()) return scan;
  s = writer->Finish(stats);
  if (s.ok() && progress) progress(n);
  return s;
}

Status WriteAll(int fd, const std::string& path, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t w = ::write(fd, bytes.data(), bytes.size());
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("dump " + path + ": write: " + ErrnoText(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(w));
  }
  return Status::OK();
}

std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Status DumpArchive(Archive& archive, const std::string& path, DumpStats* stats,
                   const ProgressFn& progress, const DumpOptions& options) {
  std::string tmp = path + ".tmp-XXXXXX";
  int f = ::mkstemp(tmp.data());
  if (f < 0) {
    return Status::IOError("dump " + path + ": cannot create " + tmp + ": " +
                           ErrnoText(errno));
  }
  Fd fd(f);
  ::fchmod(fd.get(), 0644);
  DumpWriter writer([&](std::string_view b) { return WriteAll(fd.get(), path, b); }, options);
  Status s = DumpTo(archive, &writer, stats, progress);
  if (s.ok() && ::fsync(fd.get()) != 0) {
    s = Status::IOError("dump " + path + ": fsync: " + ErrnoText(errno));
  }
  if (s.ok() && ::close(fd.release()) != 0) {
    s = Status::IOError("dump " + path + ": close: " + ErrnoText(errno));
  }
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = Status::IOError("dump " + path + ": rename from " + tmp + ": " + ErrnoText(errno));
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  int dir = ::open(DirName(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);  // best effort: makes the rename durable
    ::close(dir);
  }
  return Status::OK();
}

Status DumpArchive(Archive& archive, std::ostream& out, DumpStats* stats,
                   const ProgressFn& progress, const DumpOptions& options) {
  DumpWriter writer(
      [&](std::string_view b) {
        out.write(b.data(), static_cast<std::streamsize>(b.size()));
        if (!out) return Status::IOError("dump: write to output stream failed");
        return Status::OK();
      },
      options);
  Status s = DumpTo(archive, &writer, stats, progress);
  if (s.ok()) {
    out.flush();
    if (!out) s = Status::IOError("dump: flush of output stream failed");
  }
  return s;
}

Status RestoreArchive(Archive& archive, const std::string& path, DumpStats* stats,
                      const ProgressFn& progress, const RestoreOptions& options) {
  const size_t batch_size = std::max<size_t>(1, options.batch_records);
  uint64_t written = 0;
  DumpStats local;
  if (stats == nullptr) stats = &local;
  struct SetStored {
    DumpStats* stats;
    const uint64_t* written;
    ~SetStored() { stats->stored = *written; }
  } set_stored{stats, &written};
  if (options.verify_first) {
    Article article;
    uint64_t checked = 0;
    Status s = ReadFile(
        path,
        [&](std::string_view rec) -> Status {
          if (Status c = CheckRecord(rec, options.limits, &article); !c.ok()) return c;
          if (progress && ++checked % 1000 == 0 && !progress(0)) {
            return Status::Aborted("restore stopped on request while checking the dump, "
                                   "before writing anything");
          }
          return Status::OK();
        },
        stats);
    if (!s.ok()) return s;
  }
  std::vector<Article> batch;
  batch.reserve(batch_size);
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::OK();
    Status s = archive.PutBatch(options.write, batch);
    if (!s.ok()) return s;
    written += batch.size();
    batch.clear();
    if (progress && !progress(written)) {
      return Status::Aborted("restore stopped on request after " + std::to_string(written) +
                             " records");
    }
    return Status::OK();
  };
  Status s = ReadFile(
      path,
      [&](std::string_view rec) -> Status {
        batch.emplace_back();
        Status c = CheckRecord(rec, options.limits, &batch.back());
        if (!c.ok()) return c;
        if (batch.size() >= batch_size) return flush();
        return Status::OK();
      },
      stats);
  if (s.ok()) s = flush();
  return s;
}

}  // namespace articledb
