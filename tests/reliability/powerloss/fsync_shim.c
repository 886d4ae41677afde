// The recorder of the power-loss test (powerloss_test.py): an LD_PRELOAD library that, at
// every successful fsync(2) or fdatasync(2) of a file or directory below a root directory,
// copies what the call made durable into a shadow store. After the process is killed, the
// test rebuilds a "crash image" of the root from the shadow store alone: what a machine
// would find after a power loss at that moment, if the file system kept exactly what was
// synced and nothing else.
//
// It only records; the rules of the image are in powerloss_test.py (rebuild_image):
//   - a directory holds the entries it had at its last fsync (none if it was never
//     synced), so a created, renamed or unlinked name is durable only once its
//     directory was synced;
//   - a regular file holds the bytes it had at its last fsync or fdatasync (nothing if
//     it was never synced); the contents belong to the inode, so every hard link of a
//     file shows the same bytes.
//
// Environment:
//   ARTICLEDB_PL_ROOT      absolute, canonical path of the root; calls on other files
//                          and directories are passed through unrecorded
//   ARTICLEDB_PL_SHADOW    the shadow store (outside the root), with subdirectories
//                          f/ (file contents), d/ (directory listings) and tmp/
//   ARTICLEDB_PL_BASELINE  when set, records the whole root at load time as synced (the
//                          state before the command under test), and the root's
//                          identity in SHADOW/root; run it with a program that does
//                          nothing (/bin/true)
//
// Store: an inode is named by an identity "DEV-INO-BIRTHSEC.BIRTHNSEC" (statx birth time,
// so a reused inode number is a new identity). SHADOW/f/ID holds the file's synced bytes;
// SHADOW/d/ID one line per entry, "TYPE ID HEXNAME" (TYPE f, d or l). Each is written to
// tmp/ first and renamed into place, so a process killed while recording leaves the
// previous record whole. SHADOW/events gets "F ID PATH" or "D ID PATH" per recorded call
// (for counting and debugging; the baseline writes none). Calls are recorded one at a time (a mutex), after the
// real call succeeded, so a record never holds less than what the call made durable;
// it may hold bytes written by another thread meanwhile, which a real disk may also
// have kept.
//
// What RocksDB 7.8 calls, as strace shows for import, restore, reindex and checkpoint:
// fdatasync on the write-ahead log (synced writes), fsync on tables, MANIFEST, CURRENT,
// OPTIONS and IDENTITY files (each temporary file synced before its rename), fsync on the
// archive's directory; no O_SYNC, O_DSYNC or O_DIRECT opens. Not recorded, on purpose:
// sync_file_range(2), which makes nothing durable (RocksDB calls it with flags 0 to probe
// support, and to start writeback every bytes_per_sync), and sync(2)/syncfs(2), which
// neither calls. A program relying on O_SYNC writes would look less durable here than it
// is, never more.
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long g_counter;
static int g_baseline;  // recording the baseline: no events

static const char* Root(void) { return getenv("ARTICLEDB_PL_ROOT"); }
static const char* Shadow(void) { return getenv("ARTICLEDB_PL_SHADOW"); }

static void Fatal(const char* what, const char* path) {
  // A recorder that silently drops a record would make the test pass for the wrong reason.
  char msg[PATH_MAX + 200];
  int n = snprintf(msg, sizeof msg, "fsync_shim: %s %s: %s\n", what, path ? path : "",
                   strerror(errno));
  if (n > 0) {
    ssize_t w = write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
    (void)w;
  }
  _exit(97);
}

static void Identity(const struct statx* st, char* out, size_t size) {
  snprintf(out, size, "%u.%u-%llu-%lld.%u", st->stx_dev_major, st->stx_dev_minor,
           (unsigned long long)st->stx_ino,
           (st->stx_mask & STATX_BTIME) ? (long long)st->stx_btime.tv_sec : 0LL,
           (st->stx_mask & STATX_BTIME) ? st->stx_btime.tv_nsec : 0u);
}

// True when `path` is the root or below it.
static int UnderRoot(const char* path) {
  const char* root = Root();
  if (root == NULL || root[0] == '\0') return 0;
  const size_t n = strlen(root);
  return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static void TmpName(char* out, size_t size) {
  snprintf(out, size, "%s/tmp/%d.%lu", Shadow(), (int)getpid(), ++g_counter);
}

static void Place(const char* tmp, const char* kind, const char* id) {
  char dst[PATH_MAX];
  snprintf(dst, sizeof dst, "%s/%s/%s", Shadow(), kind, id);
  if (rename(tmp, dst) != 0) Fatal("cannot rename into", dst);
}

static void Event(char kind, const char* id, const char* path) {
  if (g_baseline) return;
  char file[PATH_MAX], line[2 * PATH_MAX];
  snprintf(file, sizeof file, "%s/events", Shadow());
  const int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) Fatal("cannot open", file);
  const int n = snprintf(line, sizeof line, "%c %s %s\n", kind, id, path);
  if (write(fd, line, (size_t)n) != n) Fatal("cannot write", file);
  close(fd);
}

// Copies the bytes of the open file `in` to the shadow store as the record of `id`.
static void RecordFile(int in, const char* id, const char* path) {
  char tmp[PATH_MAX];
  TmpName(tmp, sizeof tmp);
  const int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) Fatal("cannot create", tmp);
  char buf[1 << 16];
  off_t off = 0;
  for (;;) {
    const ssize_t n = pread(in, buf, sizeof buf, off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Fatal("cannot read", path);
    if (n == 0) break;
    if (write(out, buf, (size_t)n) != n) Fatal("cannot write", tmp);
    off += n;
  }
  close(out);
  Place(tmp, "f", id);
  Event('F', id, path);
}

// Writes the listing of the open directory `dirfd_in` as the record of `id`.
static void RecordDir(int dirfd_in, const char* id, const char* path) {
  const int fd = dup(dirfd_in);
  if (fd < 0) Fatal("cannot dup", path);
  DIR* d = fdopendir(fd);
  if (d == NULL) Fatal("cannot list", path);
  rewinddir(d);
  char tmp[PATH_MAX];
  TmpName(tmp, sizeof tmp);
  FILE* out = fopen(tmp, "we");
  if (out == NULL) Fatal("cannot create", tmp);
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    struct statx st;
    if (statx(dirfd(d), e->d_name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME,
              &st) != 0) {
      if (errno == ENOENT) continue;  // removed meanwhile
      Fatal("cannot stat an entry of", path);
    }
    const char type = S_ISDIR(st.stx_mode) ? 'd' : S_ISREG(st.stx_mode) ? 'f'
                      : S_ISLNK(st.stx_mode) ? 'l' : '?';
    if (type == '?') continue;
    char eid[128];
    Identity(&st, eid, sizeof eid);
    fprintf(out, "%c %s ", type, eid);
    for (const unsigned char* p = (const unsigned char*)e->d_name; *p; ++p) {
      fprintf(out, "%02x", *p);
    }
    fputc('\n', out);
  }
  if (fclose(out) != 0) Fatal("cannot write", tmp);
  closedir(d);
  Place(tmp, "d", id);
  Event('D', id, path);
}

// Records what a successful fsync/fdatasync of `fd` made durable, if it is below the root.
static void Record(int fd) {
  const char* shadow = Shadow();
  if (shadow == NULL || shadow[0] == '\0') return;
  char link[64], path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, path, sizeof path - 1);
  if (n < 0) return;
  path[n] = '\0';
  if (!UnderRoot(path)) return;  // also skips "... (deleted)" files outside a listing
  struct statx st;
  if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_BTIME, &st) != 0) {
    Fatal("cannot stat", path);
  }
  char id[128];
  Identity(&st, id, sizeof id);
  const int saved = errno;
  pthread_mutex_lock(&g_lock);
  if (S_ISDIR(st.stx_mode)) {
    RecordDir(fd, id, path);
  } else if (S_ISREG(st.stx_mode)) {
    // The fd may be write-only: read the same inode through /proc.
    const int in = open(link, O_RDONLY | O_CLOEXEC);
    if (in < 0) Fatal("cannot reopen", path);
    RecordFile(in, id, path);
    close(in);
  }
  pthread_mutex_unlock(&g_lock);
  errno = saved;
}

typedef int (*SyncFn)(int);

static int Call(const char* name, int fd) {
  void* sym = dlsym(RTLD_NEXT, name);
  SyncFn real;
  memcpy(&real, &sym, sizeof real);  // POSIX: a function's address, as an object pointer
  if (sym == NULL) {
    errno = ENOSYS;
    return -1;
  }
  const int rc = real(fd);
  if (rc == 0) Record(fd);
  return rc;
}

int fsync(int fd) { return Call("fsync", fd); }
int fdatasync(int fd) { return Call("fdatasync", fd); }

// ---- the baseline: everything below the root as it is before the command runs ----

static void Baseline(const char* path) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) Fatal("cannot open", path);
  struct statx st;
  if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_BTIME, &st) != 0) {
    Fatal("cannot stat", path);
  }
  char id[128];
  Identity(&st, id, sizeof id);
  if (S_ISREG(st.stx_mode)) {
    RecordFile(fd, id, path);
  } else if (S_ISDIR(st.stx_mode)) {
    RecordDir(fd, id, path);
    DIR* d = opendir(path);
    if (d == NULL) Fatal("cannot list", path);
    struct dirent* e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      char child[PATH_MAX];
      snprintf(child, sizeof child, "%s/%s", path, e->d_name);
      struct stat cs;
      if (lstat(child, &cs) == 0 && (S_ISREG(cs.st_mode) || S_ISDIR(cs.st_mode))) {
        Baseline(child);
      }
    }
    closedir(d);
  }
  close(fd);
}

__attribute__((constructor)) static void Init(void) {
  const char* base = getenv("ARTICLEDB_PL_BASELINE");
  if (base == NULL || base[0] == '\0' || Root() == NULL || Shadow() == NULL) return;
  g_baseline = 1;
  Baseline(Root());
  g_baseline = 0;
  struct statx st;
  if (statx(AT_FDCWD, Root(), 0, STATX_BASIC_STATS | STATX_BTIME, &st) != 0) {
    Fatal("cannot stat", Root());
  }
  char id[128], file[PATH_MAX];
  Identity(&st, id, sizeof id);
  snprintf(file, sizeof file, "%s/root", Shadow());
  FILE* f = fopen(file, "we");
  if (f == NULL || fprintf(f, "%s\n", id) < 0 || fclose(f) != 0) Fatal("cannot write", file);
}
