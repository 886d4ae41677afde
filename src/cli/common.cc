#include "common.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

namespace articledb::cli {

volatile std::sig_atomic_t g_interrupted = 0;

namespace {

void OnSignal(int) { g_interrupted = 1; }

// Bytes free for unprivileged writers on the file system of `path`; nullopt if unknown.
std::optional<uint64_t> FreeBytes(const std::string& path) {
  struct statvfs st;
  if (::statvfs(path.c_str(), &st) != 0) return std::nullopt;
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

}  // namespace

void CatchInterrupts() {
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int Fail(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "articledb: %s\n", message.c_str());
  return kExitFailure;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::string CsvCell(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string HumanBytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

ProgressLine::ProgressLine(bool quiet) : enabled_(!quiet && ::isatty(2) != 0) {}

bool ProgressLine::Due() {
  if (!enabled_) return false;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(250)) return false;
  last_ = now;
  return true;
}

void ProgressLine::Show(const std::string& text) {
  if (!enabled_) return;
  std::fprintf(stderr, "\r%s\x1b[K", text.c_str());
  shown_ = true;
}

void ProgressLine::Done() {
  if (shown_) std::fprintf(stderr, "\r\x1b[K");
  shown_ = false;
}

ProgressFn MakeProgress(ProgressLine* line, const char* what, bool stop_on_interrupt) {
  return [line, what, stop_on_interrupt](uint64_t done) {
    if (line->Due()) line->Show(std::string(what) + ": " + std::to_string(done) + " records");
    return !(stop_on_interrupt && g_interrupted);
  };
}

Out::Out() { std::setvbuf(stdout, nullptr, _IOFBF, 1 << 20); }

void Out::Line(std::string_view s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fputc('\n', stdout);
}

void Out::Raw(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }

int Out::Close() {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    return Fail("writing to standard output failed");
  }
  return kExitOk;
}

int PrintNames(const std::vector<NameCount>& names) {
  Out out;
  for (const auto& n : names) out.Line(n.name + "\t" + std::to_string(n.count));
  return out.Close();
}

namespace {
double busy_timeout_seconds = 0;
}  // namespace

std::string FormatSeconds(double seconds);

void SetBusyTimeout(double seconds) { busy_timeout_seconds = seconds; }

void NoteTextIndex(const Archive& db, const std::string& path, const Filter& f) {
  if (f.text.empty() || db.HasTextIndex()) return;
  std::fprintf(stderr,
               "articledb: note: %s has no text index: the text query reads the record of "
               "every article the other filters select (slow on a large archive); "
               "'articledb reindex --text-index %s' builds the index\n",
               path.c_str(), path.c_str());
}

int OpenArchive(const std::string& path, Mode mode, std::unique_ptr<Archive>* db,
                const Limits& limits, TextIndexChoice text) {
  Options options;
  options.index_text = text == TextIndexChoice::kBuild;
  options.drop_text_index = text == TextIndexChoice::kDrop;
  options.read_only = mode == Mode::kReadOnly;
  options.create_if_missing = mode == Mode::kCreate;
  options.limits = limits;
  Status s = Archive::Open(options, path, db);
  if (s.IsBusy() && mode != Mode::kReadOnly && busy_timeout_seconds > 0) {
    // Another writer holds the lock: try again every 100 ms until the timeout.
    const auto start = std::chrono::steady_clock::now();
    std::fprintf(stderr, "articledb: %s is locked by another writer; waiting up to %g s\n",
                 path.c_str(), busy_timeout_seconds);
    while (s.IsBusy() && Seconds(start) < busy_timeout_seconds && g_interrupted == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      s = Archive::Open(options, path, db);
    }
  }
  if (s.ok()) return kExitOk;
  // (A read-only open is Busy only when the writer changed the archive during every
  // attempt: the message below is not about a lock then, the generic one says why.)
  if (s.IsBusy() && mode != Mode::kReadOnly) {
    return Fail(path + ": the archive is locked by another process writing to it" +
                (busy_timeout_seconds > 0
                     ? " (still, after waiting " + FormatSeconds(busy_timeout_seconds) + " s)"
                     : std::string()) +
                "; wait for it to finish, or pass --busy-timeout SECONDS to wait for it "
                "(read-only commands such as export, query and dump work meanwhile)");
  }
  if (s.IsNotFound()) return Fail(path + ": no archive there [" + s.ToString() + "]");
  if (s.IsCorruption()) {
    return Fail(path + ": cannot open the archive: " + s.ToString() +
                " (restore the latest dump or checkpoint; without one, 'articledb salvage " +
                path + "' keeps what is intact: docs/reliability.md)");
  }
  return Fail(path + ": cannot open the archive: " + s.ToString());
}

std::string FormatSeconds(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", seconds);
  return buf;
}

int CheckRoom(const std::string& what, const std::string& path, uint64_t need,
              const std::string& why) {
  const auto free_bytes = FreeBytes(path);
  if (!free_bytes || *free_bytes >= need) return kExitOk;
  return Fail(what + ": not enough space on the file system of " + path + ": " +
              std::to_string(*free_bytes) + " bytes free, about " + std::to_string(need) +
              " needed (" + why + "); free some space and run it again (nothing was changed)");
}

}  // namespace articledb::cli
