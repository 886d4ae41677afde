// SalvageArchive: rewrites damaged write-ahead logs keeping their intact writes
// (the log format in wal_salvage.h).
#include <fcntl.h>
#include <unistd.h>

#include <rocksdb/env.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "articledb/archive.h"
#include "wal_salvage.h"

namespace articledb {
namespace {

namespace fs = std::filesystem;

Status Errno(const std::string& what) {
  return Status::IOError(what + ": " + std::strerror(errno));
}

Status ReadFile(const fs::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::IOError("cannot read '" + p.string() + "'");
  *out = std::move(ss).str();
  return Status::OK();
}

Status WriteFileSynced(const fs::path& p, const std::string& data) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create '" + p.string() + "'");
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status s = Errno("cannot write '" + p.string() + "'");
      ::close(fd);
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status s = Errno("cannot sync '" + p.string() + "'");
    ::close(fd);
    return s;
  }
  if (::close(fd) != 0) return Errno("cannot close '" + p.string() + "'");
  return Status::OK();
}

Status SyncDir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open '" + dir.string() + "'");
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::OK() : Errno("cannot sync '" + dir.string() + "'");
}

// Replaces the log at `log` with `data`, keeping the original as lost/<name>[.N]. A crash
// at any point leaves either the original or the rewritten log in place, never neither.
Status ReplaceLog(const fs::path& dir, const fs::path& log, const std::string& data) {
  const fs::path lost = dir / "lost";
  std::error_code ec;
  fs::create_directories(lost, ec);
  if (ec) return Status::IOError("cannot create '" + lost.string() + "': " + ec.message());
  fs::path keep = lost / log.filename();
  for (int n = 1; fs::exists(keep); ++n) {
    keep = lost / (log.filename().string() + "." + std::to_string(n));
  }
  if (::link(log.c_str(), keep.c_str()) != 0) {
    return Errno("cannot keep '" + log.string() + "' as '" + keep.string() + "'");
  }
  Status s = SyncDir(lost);
  if (!s.ok()) return s;
  const fs::path tmp = log.string() + ".salvage";
  s = WriteFileSynced(tmp, data);
  if (!s.ok()) return s;
  if (::rename(tmp.c_str(), log.c_str()) != 0) {
    return Errno("cannot replace '" + log.string() + "'");
  }
  return SyncDir(dir);
}

// The write-ahead log format this salvage reads is RocksDB's of the 7.x releases (Debian
// 12 ships 7.8.3; tested byte for byte against it). Every OPTIONS-* file records the
// version of RocksDB that last opened the archive: logs written by another major version
// are not touched.
constexpr int kLogFormatMajor = 7;

Status CheckRocksDbVersion(const fs::path& dir) {
  fs::path newest;
  uint64_t newest_number = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with("OPTIONS-") || name.ends_with(".dbtmp")) continue;
    const uint64_t number = std::strtoull(name.c_str() + 8, nullptr, 10);
    if (newest.empty() || number > newest_number) {
      newest = e.path();
      newest_number = number;
    }
  }
  if (newest.empty()) {
    return Status::NotSupported("salvage of '" + dir.string() + "': no OPTIONS file tells "
                                "which RocksDB version wrote its write-ahead logs; nothing was "
                                "changed");
  }
  std::string text;
  if (Status s = ReadFile(newest, &text); !s.ok()) return s;
  const std::string key = "rocksdb_version=";
  const size_t at = text.find(key);
  const std::string version =
      at == std::string::npos ? "" : text.substr(at + key.size(), text.find_first_of("\r\n", at) - at - key.size());
  const int major = version.empty() ? -1 : std::atoi(version.c_str());
  if (major != kLogFormatMajor) {
    return Status::NotSupported(
        "salvage of '" + dir.string() + "': its write-ahead logs were written by RocksDB " +
        (version.empty() ? std::string("of an unknown version") : version) + " (" +
        newest.filename().string() + "), and this salvage reads only the log format of "
        "RocksDB " + std::to_string(kLogFormatMajor) + ".x; nothing was changed (restore a "
        "dump or checkpoint, or use the salvage of a matching ArticleDB)");
  }
  return Status::OK();
}

}  // namespace

Status SalvageArchive(const std::string& path, SalvageReport* report) {
  *report = SalvageReport();
  const fs::path dir(path);
  if (!fs::exists(dir / "CURRENT")) return Status::NotFound("no archive at '" + path + "'");
  // The lock RocksDB takes for a writer: no process may have the archive open meanwhile.
  rocksdb::Env* env = rocksdb::Env::Default();
  rocksdb::FileLock* lock = nullptr;
  const rocksdb::Status ls = env->LockFile((dir / "LOCK").string(), &lock);
  if (!ls.ok()) {
    const std::string text = ls.ToString();
    if (text.find("While lock file") != std::string::npos ||
        text.find("lock hold by current process") != std::string::npos) {
      return Status::Busy("archive '" + path + "' is open in another process (" + text +
                          "); close it before salvaging");
    }
    // The lock file could not even be opened: a read-only file system, no permission.
    return Status::IOError("archive '" + path + "' cannot be salvaged: its lock file cannot "
                           "be opened for writing (" + text + ")" +
                           (text.find("Read-only file system") != std::string::npos
                                ? "; it is on a read-only file system"
                                : ""));
  }
  std::vector<fs::path> logs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".log") logs.push_back(e.path());
  }
  std::sort(logs.begin(), logs.end());
  Status s = ec ? Status::IOError("cannot list '" + path + "': " + ec.message()) : Status::OK();
  if (s.ok()) s = CheckRocksDbVersion(dir);
  // First pass: a record of a type this reader does not know means a log format it was
  // not written for; refuse before anything is changed rather than drop such records.
  for (const fs::path& log : logs) {
    if (!s.ok()) break;
    std::string data;
    s = ReadFile(log, &data);
    if (!s.ok()) break;
    const wal::ScanResult scan = wal::Scan(data);
    if (scan.unknown_records > 0) {
      s = Status::NotSupported(
          "salvage of '" + path + "': write-ahead log " + log.filename().string() + " holds " +
          std::to_string(scan.unknown_records) + " intact records of type " +
          std::to_string(scan.first_unknown_type) + ", which this salvage does not know (a "
          "log format newer than RocksDB " + std::to_string(kLogFormatMajor) +
          ".x's, or options ArticleDB does not set); nothing was changed");
    }
  }
  for (const fs::path& log : logs) {
    if (!s.ok()) break;
    std::string data;
    s = ReadFile(log, &data);
    if (!s.ok()) break;
    ++report->logs_read;
    wal::ScanResult scan = wal::Scan(data);
    if (scan.clean) continue;
    s = ReplaceLog(dir, log, wal::Encode(scan.writes));
    if (!s.ok()) break;
    ++report->logs_rewritten;
    report->writes_kept += scan.writes.size();
    report->writes_lost += scan.writes_lost;
    report->bytes_lost += scan.bytes_lost;
  }
  const rocksdb::Status us = env->UnlockFile(lock);
  if (s.ok() && !us.ok()) s = Status::IOError("cannot unlock '" + path + "': " + us.ToString());
  return s;
}

}  // namespace articledb
