// Durable directory entries. A name created, renamed or removed in a directory survives a
// power loss only once that directory was synced (POSIX leaves it to fsync(2) on the
// directory); RocksDB syncs the archive's own directory, never the one holding it.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "articledb/status.h"

namespace articledb::internal {

// fsync(2) of the directory `dir`: its entries as they are now survive a power loss.
inline Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return Status::IOError("cannot open directory '" + dir + "' to sync it: " +
                           std::strerror(errno));
  }
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) {
    return Status::IOError("cannot sync directory '" + dir + "': " + std::strerror(err));
  }
  return Status::OK();
}

// The directory holding `path` ("." for a bare name; trailing slashes ignored).
inline std::string ParentDirectory(const std::string& path) {
  std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  const std::filesystem::path parent = p.parent_path();
  return parent.empty() ? "." : parent.string();
}

// Makes the entry of `path` in its directory durable (after creating or renaming it).
inline Status SyncParentDirectory(const std::string& path) {
  return SyncDirectory(ParentDirectory(path));
}

}  // namespace articledb::internal
