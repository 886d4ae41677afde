// articledb: the command-line tool. docs/cli.md documents every command.
//
// Exit statuses: 0 success; 1 some records were rejected or not found (or verify found
// problems); 2 failure (bad arguments, an archive that cannot be opened, a bad dump...).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <csignal>
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/article.h"
#include "articledb/dump.h"
#include "articledb/options.h"
#include "articledb/query.h"
#include "articledb/status.h"
#include "line_reader.h"
#include "sync_dir.h"

#ifdef ARTICLEDB_HAVE_SYNTH
#include "synth/synth.h"
#endif

namespace articledb::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitPartial = 1;
constexpr int kExitFailure = 2;

volatile std::sig_atomic_t g_interrupted = 0;
void OnSignal(int) { g_interrupted = 1; }

// Ctrl-C (and SIGTERM) stop long writing commands cleanly: what was read so far is
// committed, then the command reports and exits.
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

// A progress line on standard error, redrawn at most 4 times a second, only when
// standard error is a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(bool quiet) : enabled_(!quiet && ::isatty(2) != 0) {}
  ~ProgressLine() { Done(); }
  bool Due() {
    if (!enabled_) return false;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return false;
    last_ = now;
    return true;
  }
  void Show(const std::string& text) {
    if (!enabled_) return;
    std::fprintf(stderr, "\r%s\x1b[K", text.c_str());
    shown_ = true;
  }
  void Done() {
    if (shown_) std::fprintf(stderr, "\r\x1b[K");
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// Standard output through a large buffer; write errors are reported at the end.
class Out {
 public:
  Out() { std::setvbuf(stdout, nullptr, _IOFBF, 1 << 20); }
  void Line(std::string_view s) {
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fputc('\n', stdout);
  }
  // kExitOk, or kExitFailure after printing a message, when writing failed.
  int Close() {
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      return Fail("writing to standard output failed");
    }
    return kExitOk;
  }
};

// ---- Opening archives ----

enum class Mode { kReadOnly, kReadWrite, kCreate };

int OpenArchive(const std::string& path, Mode mode, std::unique_ptr<Archive>* db,
                const Limits& limits = Limits()) {
  Options options;
  options.read_only = mode == Mode::kReadOnly;
  options.create_if_missing = mode == Mode::kCreate;
  options.limits = limits;
  Status s = Archive::Open(options, path, db);
  if (s.ok()) return kExitOk;
  // (A read-only open is Busy only when the writer changed the archive during every
  // attempt: the message below is not about a lock then, the generic one says why.)
  if (s.IsBusy() && mode != Mode::kReadOnly) {
    return Fail(path + ": the archive is locked by another process writing to it; wait for "
                       "it to finish (read-only commands such as export, query and dump "
                       "work meanwhile) [" + s.ToString() + "]");
  }
  if (s.IsNotFound()) return Fail(path + ": no archive there [" + s.ToString() + "]");
  if (s.IsCorruption()) {
    return Fail(path + ": cannot open the archive: " + s.ToString() +
                " (restore the latest dump or checkpoint; without one, 'articledb salvage " +
                path + "' keeps what is intact: docs/reliability.md)");
  }
  return Fail(path + ": cannot open the archive: " + s.ToString());
}

// ---- Filters shared by export, query and count ----

struct FilterArgs {
  std::string from, to, source;
  std::vector<std::string> entities;
  bool oldest_first = false;
};

void AddFilterOptions(CLI::App* cmd, FilterArgs* f) {
  cmd->add_option("--from", f->from,
                  "Published at or after T (a date 2024-05-01, or RFC 3339 "
                  "2024-05-01T12:00:00Z)")
      ->type_name("T");
  cmd->add_option("--to", f->to, "Published before T (exclusive)")->type_name("T");
  cmd->add_option("--source", f->source, "Only this source (case and accents ignored)")
      ->type_name("NAME");
  cmd->add_option("--entity", f->entities,
                  "Only articles mentioning this entity; repeat it: all must match")
      ->type_name("NAME")
      ->allow_extra_args(false);
  cmd->add_flag("--oldest-first", f->oldest_first, "Oldest first (default: newest first)");
}

int BuildFilter(const FilterArgs& a, Filter* f) {
  if (!a.from.empty()) {
    int64_t t = 0;
    Status s = ParseTimeArgument(a.from, &t);
    if (!s.ok()) return Fail("--from '" + a.from + "': " + s.message());
    f->from_micros = t;
  }
  if (!a.to.empty()) {
    int64_t t = 0;
    Status s = ParseTimeArgument(a.to, &t);
    if (!s.ok()) return Fail("--to '" + a.to + "': " + s.message());
    f->to_micros = t;
  }
  if (!a.source.empty()) f->source = a.source;
  f->entities = a.entities;
  return kExitOk;
}

Order OrderOf(const FilterArgs& a) {
  return a.oldest_first ? Order::kOldestFirst : Order::kNewestFirst;
}

// ---- import ----

struct ImportArgs {
  std::string db;
  std::vector<std::string> files;
  std::string rejects;
  bool strict = false;
  bool sync = false;
  bool bulk = false;
  size_t batch = 1000;
  size_t max_record_bytes = Limits().max_record_bytes;
  bool quiet = false;
};

bool Blank(const std::string& line) {
  return line.find_first_not_of(" \t\r\n") == std::string::npos;
}

int CmdImport(const ImportArgs& a) {
  Limits limits;
  limits.max_record_bytes = a.max_record_bytes;
  // Every record byte takes at most 6 bytes of JSON ("\u0001"): a longer line cannot hold
  // an acceptable record, and is rejected without being held in memory.
  const size_t max_line = 6 * limits.max_record_bytes + (64u << 10);

  // The inputs are checked before the archive is opened: a missing or unreadable file
  // creates nothing. (Pipes and devices are not opened here: that could take their data.)
  for (const auto& f : a.files) {
    if (f == "-") continue;
    struct stat st;
    if (::stat(f.c_str(), &st) != 0) {
      return Fail("import: " + f + ": cannot open: " + std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) return Fail("import: " + f + ": is a directory");
    if (S_ISREG(st.st_mode)) {
      const int fd = ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return Fail("import: " + f + ": cannot open: " + std::strerror(errno));
      ::close(fd);
    }
  }

  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(a.db, Mode::kCreate, &db, limits); rc != kExitOk) return rc;

  std::ofstream rejects;
  if (!a.rejects.empty()) {
    rejects.open(a.rejects, std::ios::binary | std::ios::trunc);
    if (!rejects) return Fail(a.rejects + ": cannot open the rejects file");
  }
  CatchInterrupts();

  WriteOptions wo;
  wo.sync = a.sync;
  wo.disable_wal = a.bulk;

  uint64_t total_size = 0;
  bool size_known = true;
  for (const auto& f : a.files) {
    std::error_code ec;
    if (f == "-" || !std::filesystem::is_regular_file(f, ec)) {
      size_known = false;
    } else {
      total_size += std::filesystem::file_size(f, ec);
    }
  }

  const auto start = std::chrono::steady_clock::now();
  ProgressLine progress(a.quiet);
  uint64_t read = 0, inserted = 0, updated = 0, rejected = 0, done_bytes = 0;
  struct Origin {
    const std::string* file;
    uint64_t line;
  };
  std::vector<Article> batch;
  std::vector<Origin> origins;
  batch.reserve(a.batch);
  origins.reserve(a.batch);
  std::string fatal;

  auto reject = [&](const std::string& file, uint64_t line_no, const std::string& reason,
                    const std::string* raw) {
    ++rejected;
    progress.Done();
    std::fprintf(stderr, "%s:%" PRIu64 ": %s\n", file == "-" ? "<stdin>" : file.c_str(),
                 line_no, reason.c_str());
    if (raw != nullptr && rejects.is_open()) {
      rejects.write(raw->data(), static_cast<std::streamsize>(raw->size()));
      rejects.put('\n');
    }
  };

  // Writes the batch. Each article was validated with the archive's limits already, so
  // PutBatch fails only when the engine refuses one anyway (then each is retried alone,
  // and only the refused ones are rejected) or when the archive fails (fatal).
  auto commit = [&]() -> bool {
    if (batch.empty()) return true;
    WriteStats ws;
    Status s = db->PutBatch(wo, batch, &ws);
    if (s.IsInvalidArgument()) {
      ws = WriteStats();
      for (size_t i = 0; i < batch.size(); ++i) {
        Status one = db->Put(wo, batch[i], &ws);
        if (one.IsInvalidArgument()) {
          std::string json;
          reject(*origins[i].file, origins[i].line, one.message(), nullptr);
          if (rejects.is_open() && ArticleToJson(batch[i], &json).ok()) {
            rejects << json << '\n';
          }
        } else if (!one.ok()) {
          s = one;
          break;
        }
      }
      if (s.IsInvalidArgument()) s = Status::OK();
    }
    if (!s.ok()) {
      fatal = "import: write failed: " + s.ToString();
      return false;
    }
    inserted += ws.inserted;
    updated += ws.updated;
    batch.clear();
    origins.clear();
    return true;
  };

  bool stop = false;
  std::string line;
  Article article;
  for (const std::string& file : a.files) {
    if (stop) break;
    LineReader reader(max_line);
    reader.set_interruptible(true);
    reader.set_stop_flag(&g_interrupted);
    Status s = reader.Open(file);
    if (!s.ok() && g_interrupted) break;
    if (!s.ok()) {
      fatal = s.message();
      break;
    }
    uint64_t line_no = 0;
    bool too_long = false;
    Status err;
    // The interrupt is looked at for every line (rejected ones too), and by the reader
    // for every read: Ctrl-C ends an import of endless bad input within a second.
    while (!stop && !g_interrupted &&
           reader.Next(&line, &too_long, rejects.is_open() ? &rejects : nullptr, &err)) {
      ++line_no;
      if (too_long) {
        ++read;
        reject(file, line_no,
               "line too large: more than " + std::to_string(max_line) +
                   " bytes, the most a record of max_record_bytes " +
                   std::to_string(limits.max_record_bytes) + " can take as JSON",
               nullptr);
        if (a.strict) stop = true;
        continue;
      }
      if (Blank(line)) continue;
      ++read;
      Status ps = ParseArticleJson(line, &article);
      if (ps.ok()) ps = ValidateArticle(article, limits);
      if (!ps.ok()) {
        reject(file, line_no, ps.message(), &line);
        if (a.strict) stop = true;
        continue;
      }
      batch.push_back(std::move(article));
      article.Clear();
      origins.push_back({&file, line_no});
      if (batch.size() >= a.batch && !commit()) {
        stop = true;
        break;
      }
      if (g_interrupted) stop = true;
      if (progress.Due()) {
        const double secs = Seconds(start);
        const uint64_t bytes = done_bytes + reader.consumed();
        std::string text = "import: " + std::to_string(read) + " articles, " +
                           std::to_string(static_cast<uint64_t>(read / std::max(secs, 1e-3))) +
                           " articles/s, " + HumanBytes(static_cast<double>(bytes));
        if (size_known && total_size > 0) {
          text += ", " + std::to_string(std::min<uint64_t>(100, bytes * 100 / total_size)) + "%";
        }
        progress.Show(text);
      }
    }
    done_bytes += reader.consumed();
    if (!err.ok() && g_interrupted) break;  // a read cut short by Ctrl-C: not a failure
    if (!err.ok()) {
      fatal = err.message();
      break;
    }
    if (g_interrupted) stop = true;
  }
  if (fatal.empty() || batch.size() > 0) {
    const std::string saved = fatal;
    if (!commit() && !saved.empty()) fatal = saved + "; then " + fatal;
  }
  // End with a flush: it ends a --bulk import safely, and leaves the records in table
  // files (so `stats` shows settled figures and the write-ahead log is trimmed).
  Status fs = db->Flush();
  if (!fs.ok() && fatal.empty()) fatal = "import: flush failed: " + fs.ToString();
  db.reset();
  progress.Done();

  const double secs = Seconds(start);
  std::fprintf(stderr,
               "read %" PRIu64 ", stored %" PRIu64 " (new %" PRIu64 " / updated %" PRIu64
               "), rejected %" PRIu64 ", %.2f s, %.0f articles/s%s\n",
               read, inserted + updated, inserted, updated, rejected, secs,
               static_cast<double>(read) / std::max(secs, 1e-6),
               g_interrupted ? " (interrupted)" : "");
  if (rejects.is_open()) {
    rejects.flush();
    if (!rejects) return Fail(a.rejects + ": writing the rejects file failed");
  }
  if (!fatal.empty()) return Fail(fatal);
  if (g_interrupted) return 130;
  return rejected > 0 ? kExitPartial : kExitOk;
}

// ---- export, get, delete, query, count, listings ----

int CmdExport(const std::string& path, const FilterArgs& fa) {
  Filter filter;
  if (int rc = BuildFilter(fa, &filter); rc != kExitOk) return rc;
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  Out out;
  std::string json;
  Status inner;
  Status s = db->Scan(filter, OrderOf(fa), [&](const Article& art) {
    inner = ArticleToJson(art, &json);
    if (!inner.ok()) return false;
    out.Line(json);
    return !std::ferror(stdout);
  });
  if (!inner.ok()) return Fail("export: " + inner.ToString());
  if (!s.ok()) return Fail("export: " + s.ToString());
  return out.Close();
}

int CmdGet(const std::string& path, const std::vector<std::string>& ids) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  std::vector<Article> articles;
  std::vector<Status> statuses;
  Status s = db->MultiGet(ids, &articles, &statuses);
  if (!s.ok()) return Fail("get: " + s.ToString());
  Out out;
  int rc = kExitOk;
  std::string json;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      std::fflush(stdout);
      std::fprintf(stderr, "articledb: no article with id '%s'\n", ids[i].c_str());
      rc = kExitPartial;
      continue;
    }
    if (!statuses[i].ok()) return Fail("get '" + ids[i] + "': " + statuses[i].ToString());
    Status j = ArticleToJson(articles[i], &json);
    if (!j.ok()) return Fail("get '" + ids[i] + "': " + j.ToString());
    out.Line(json);
  }
  if (int c = out.Close(); c != kExitOk) return c;
  return rc;
}

int CmdDelete(const std::string& path, const std::vector<std::string>& ids) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadWrite, &db); rc != kExitOk) return rc;
  int rc = kExitOk;
  uint64_t deleted = 0;
  for (const std::string& id : ids) {
    Status s = db->Delete(WriteOptions(), id);
    if (s.IsNotFound()) {
      std::fprintf(stderr, "articledb: no article with id '%s'\n", id.c_str());
      rc = kExitPartial;
    } else if (!s.ok()) {
      return Fail("delete '" + id + "': " + s.ToString());
    } else {
      ++deleted;
    }
  }
  std::fprintf(stderr, "deleted %" PRIu64 " of %zu\n", deleted, ids.size());
  return rc;
}

// Cuts `s` to at most `n` bytes without splitting a UTF-8 sequence.
std::string Clip(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

int CmdQuery(const std::string& path, const FilterArgs& fa, size_t limit,
             const std::string& cursor, const std::string& format) {
  Filter filter;
  if (int rc = BuildFilter(fa, &filter); rc != kExitOk) return rc;
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  QueryOptions qo;
  qo.order = OrderOf(fa);
  qo.limit = limit;
  qo.cursor = cursor;
  Page page;
  Status s = db->Query(filter, qo, &page);
  if (!s.ok()) return Fail("query: " + s.ToString());
  Out out;
  std::string json;
  if (format == "json") {
    for (const Article& art : page.articles) {
      Status j = ArticleToJson(art, &json);
      if (!j.ok()) return Fail("query: " + j.ToString());
      out.Line(json);
    }
  } else if (format == "ids") {
    for (const Article& art : page.articles) out.Line(art.id());
  } else {  // table
    std::vector<std::array<std::string, 4>> rows;
    rows.push_back({"PUBLISHED", "SOURCE", "ID", "TITLE"});
    for (const Article& art : page.articles) {
      std::string when = art.has_published_at()
                             ? FormatTime(TimestampMicros(art.published_at()))
                             : std::string("-");
      std::string title = art.title();
      std::replace(title.begin(), title.end(), '\n', ' ');
      rows.push_back({when, Clip(art.source(), 24), Clip(art.id(), 40), Clip(title, 72)});
    }
    size_t w[3] = {0, 0, 0};
    for (const auto& r : rows) {
      for (int c = 0; c < 3; ++c) w[c] = std::max(w[c], r[static_cast<size_t>(c)].size());
    }
    for (const auto& r : rows) {
      std::string text;
      for (int c = 0; c < 3; ++c) {
        text += r[static_cast<size_t>(c)];
        text.append(w[c] + 2 - r[static_cast<size_t>(c)].size(), ' ');
      }
      text += r[3];
      out.Line(text);
    }
  }
  if (int c = out.Close(); c != kExitOk) return c;
  if (!page.next_cursor.empty()) {
    std::fprintf(stderr, "next_cursor=%s\n", page.next_cursor.c_str());
  }
  return kExitOk;
}

int CmdCount(const std::string& path, const FilterArgs& fa, const std::string& by) {
  Filter filter;
  if (int rc = BuildFilter(fa, &filter); rc != kExitOk) return rc;
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  Out out;
  if (by.empty()) {
    uint64_t n = 0;
    Status s = db->Count(filter, &n);
    if (!s.ok()) return Fail("count: " + s.ToString());
    out.Line(std::to_string(n));
    return out.Close();
  }
  const Bucket bucket = by == "day" ? Bucket::kDay : by == "month" ? Bucket::kMonth : Bucket::kYear;
  std::vector<TimelineEntry> entries;
  Status s = db->Timeline(filter, bucket, &entries);
  if (!s.ok()) return Fail("count: " + s.ToString());
  for (const auto& e : entries) out.Line(e.label + "\t" + std::to_string(e.count));
  return out.Close();
}

int PrintNames(const std::vector<NameCount>& names) {
  Out out;
  for (const auto& n : names) out.Line(n.name + "\t" + std::to_string(n.count));
  return out.Close();
}

int CmdSources(const std::string& path) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  std::vector<NameCount> names;
  Status s = db->ListSources(&names);
  if (!s.ok()) return Fail("sources: " + s.ToString());
  return PrintNames(names);
}

int CmdEntities(const std::string& path, const std::string& prefix, size_t limit) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  std::vector<NameCount> names;
  Status s = db->ListEntities(prefix, limit, &names);
  if (!s.ok()) return Fail("entities: " + s.ToString());
  return PrintNames(names);
}

// ---- dump, restore ----

ProgressFn MakeProgress(ProgressLine* line, const char* what, bool stop_on_interrupt) {
  return [line, what, stop_on_interrupt](uint64_t done) {
    if (line->Due()) line->Show(std::string(what) + ": " + std::to_string(done) + " records");
    return !(stop_on_interrupt && g_interrupted);
  };
}

int CmdDump(const std::string& path, const std::string& file, int level, bool quiet) {
  if (file == "-" && ::isatty(1)) {
    return Fail("dump: refusing to write a binary dump to a terminal; give a file name");
  }
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  CatchInterrupts();
  const auto start = std::chrono::steady_clock::now();
  ProgressLine line(quiet);
  DumpStats stats;
  DumpOptions options;
  options.compression_level = level;
  Status s = file == "-" ? DumpArchive(*db, std::cout, &stats, MakeProgress(&line, "dump", true),
                                       options)
                         : DumpArchive(*db, file, &stats, MakeProgress(&line, "dump", true),
                                       options);
  line.Done();
  if (!s.ok()) return Fail(s.ToString());
  std::fprintf(stderr, "dumped %" PRIu64 " records, %" PRIu64 " bytes, %.2f s\n", stats.records,
               stats.bytes, Seconds(start));
  return kExitOk;
}

int CmdRestore(const std::string& path, const std::string& file, bool merge,
               size_t max_record_bytes, bool quiet) {
  namespace fs = std::filesystem;
  RestoreOptions ro;
  ro.limits.max_record_bytes = max_record_bytes;
  const auto start = std::chrono::steady_clock::now();
  ProgressLine line(quiet);
  CatchInterrupts();
  DumpStats stats;
  std::error_code ec;
  const bool exists = fs::exists(path, ec);
  const bool empty_dir = exists && fs::is_directory(path, ec) && fs::is_empty(path, ec);
  if (!exists || empty_dir) {
    // A new archive: restore into a sibling directory, rename it into place only when
    // the whole dump was read and checked; on failure remove it.
    std::string partial = fs::path(path).lexically_normal().string();
    while (partial.size() > 1 && partial.back() == '/') partial.pop_back();
    partial += ".partial-XXXXXX";
    if (::mkdtemp(partial.data()) == nullptr) {
      return Fail("restore: cannot create " + partial + ": " + std::strerror(errno));
    }
    std::unique_ptr<Archive> db;
    Options options;
    options.create_if_missing = true;
    options.limits = ro.limits;
    Status s = Archive::Open(options, partial, &db);
    if (s.ok()) {
      ro.verify_first = false;    // the directory is thrown away on failure
      ro.write.disable_wal = true;  // likewise; Flush() below makes it durable
      s = RestoreArchive(*db, file, &stats, MakeProgress(&line, "restore", true), ro);
      if (s.ok()) s = db->Flush();
      db.reset();
    }
    line.Done();
    // Every entry of the new archive durable before it is renamed into place, and the
    // rename itself durable (the parent directory synced) before restore reports success:
    // otherwise a power loss after exit 0 could leave no archive, or a partial one.
    if (s.ok()) s = internal::SyncDirectory(partial);
    if (s.ok() && empty_dir) fs::remove(path, ec);
    if (s.ok() && ::rename(partial.c_str(), path.c_str()) != 0) {
      s = Status::IOError("cannot rename " + partial + " to " + path + ": " +
                          std::strerror(errno));
    }
    if (!s.ok()) {
      fs::remove_all(partial, ec);
      return Fail("restore " + file + ": " + s.ToString() + " (nothing was created at " +
                  path + ")");
    }
    if (Status ds = internal::SyncParentDirectory(path); !ds.ok()) {
      return Fail("restore " + file + ": the archive is complete at " + path +
                  " but a power loss could still undo its creation: " + ds.ToString());
    }
  } else {
    std::unique_ptr<Archive> db;
    if (int rc = OpenArchive(path, Mode::kReadWrite, &db, ro.limits); rc != kExitOk) return rc;
    Stats st;
    Status s = db->GetStats(&st);
    if (!s.ok()) return Fail("restore: " + s.ToString());
    if (st.articles > 0 && !merge) {
      return Fail("restore: " + path + " already holds " + std::to_string(st.articles) +
                  " articles; restore fills a new or empty archive (add --merge to add the "
                  "dump's records to it)");
    }
    ro.verify_first = true;  // a bad dump must leave the archive as it was
    s = RestoreArchive(*db, file, &stats, MakeProgress(&line, "restore", true), ro);
    // Ends with a flush, like import: the next open has no write-ahead log to replay.
    if (s.ok()) s = db->Flush();
    line.Done();
    if (!s.ok()) {
      // Say exactly what the archive holds now: stats.stored records were committed.
      const std::string what =
          stats.stored == 0
              ? " (nothing was merged: the archive was not changed)"
              : "; " + std::to_string(stats.stored) +
                    " records of the dump were merged before that (they replaced records "
                    "with the same ids; the others were not stored: run the same restore "
                    "--merge again to finish, it upserts)";
      Fail("restore " + file + ": " + s.ToString() + what);
      return s.IsAborted() && g_interrupted ? 130 : kExitFailure;
    }
    // The merged records went through the write-ahead log unsynced: flush them to synced
    // table files before exit 0, so that a power loss afterwards keeps them.
    if (Status fl = db->Flush(); !fl.ok()) {
      return Fail("restore " + file + ": the dump's records were merged but could not be "
                  "made durable (a power loss could undo part of the merge): " + fl.ToString());
    }
  }
  std::fprintf(stderr, "restored %" PRIu64 " records, %" PRIu64 " bytes, %.2f s\n",
               stats.records, stats.bytes, Seconds(start));
  return kExitOk;
}

int CmdVerifyDump(const std::string& file) {
  DumpStats stats;
  Status s = VerifyDumpFile(file, &stats);
  if (!s.ok()) return Fail("verify-dump " + file + ": " + s.ToString());
  std::printf("%s: sound, %" PRIu64 " records, %" PRIu64 " bytes\n", file.c_str(),
              stats.records, stats.bytes);
  return kExitOk;
}

// ---- maintenance ----

std::string Ratio(uint64_t a, uint64_t b) {
  if (b == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(a) / static_cast<double>(b));
  return buf;
}

int CmdStats(const std::string& path) {
  // Read-only, like every command that only reads: it works while another process
  // writes, on a read-only file system and on a full disk. Records still in the
  // write-ahead log only (not yet flushed) are in the cf.NAME memtable_bytes figures, not
  // in the disk figures.
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  Stats st;
  Status s = db->GetStats(&st);
  if (!s.ok()) return Fail("stats: " + s.ToString());
  std::printf("articles\t%" PRIu64 "\n", st.articles);
  std::printf("sources\t%" PRIu64 "\n", st.sources);
  std::printf("entities\t%" PRIu64 "\n", st.entities);
  std::printf("oldest\t%s\n", st.oldest_micros ? FormatTime(*st.oldest_micros).c_str() : "-");
  std::printf("newest\t%s\n", st.newest_micros ? FormatTime(*st.newest_micros).c_str() : "-");
  std::printf("record_bytes\t%" PRIu64 "\n", st.record_bytes);
  std::printf("record_disk_bytes\t%" PRIu64 "\n", st.record_disk_bytes);
  std::printf("compression_ratio\t%s\n", Ratio(st.record_bytes, st.record_disk_bytes).c_str());
  std::printf("total_disk_bytes\t%" PRIu64 "\n", st.total_disk_bytes);
  std::printf("unicode_version\t%s\n", st.unicode_version.empty() ? "-" : st.unicode_version.c_str());
  for (const auto& cf : st.column_families) {
    std::printf("cf.%s\tsst_bytes=%" PRIu64 " memtable_bytes=%" PRIu64
                " estimated_keys=%" PRIu64 "\n",
                cf.name.c_str(), cf.sst_bytes, cf.memtable_bytes, cf.estimated_keys);
  }
  for (const std::string& w : st.warnings) {
    std::fprintf(stderr, "articledb: warning: %s\n", w.c_str());
  }
  uint64_t in_memory = 0;
  for (const auto& cf : st.column_families) in_memory += cf.memtable_bytes;
  if (in_memory > 0) {
    std::fprintf(stderr, "articledb: note: %" PRIu64 " bytes of %s are in memory tables (not "
                         "yet flushed to table files) and not in the disk figures\n",
                 in_memory, path.c_str());
  }
  return Out().Close();
}

int CmdVerify(const std::string& path, bool quiet) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  ProgressLine line(quiet);
  VerifyReport report;
  Status s = db->Verify(&report, MakeProgress(&line, "verify", false));
  line.Done();
  if (!s.ok()) return Fail("verify: " + s.ToString());
  for (const auto& m : report.messages) std::printf("%s\n", m.c_str());
  if (report.problems > report.messages.size()) {
    std::printf("... and %" PRIu64 " more problems\n", report.problems - report.messages.size());
  }
  std::printf("%s: %s: %" PRIu64 " records, %" PRIu64 " index entries, %" PRIu64
              " problems\n",
              path.c_str(), report.ok() ? "sound" : "NOT SOUND", report.records,
              report.index_entries, report.problems);
  if (report.quarantined > 0) {
    std::printf("note: %" PRIu64 " records in the quarantine (set aside by reindex: another "
                "record had the same id); see 'articledb quarantine %s'\n",
                report.quarantined, path.c_str());
  }
  if (int c = Out().Close(); c != kExitOk) return c;
  return report.ok() ? kExitOk : kExitPartial;
}

// Lists the quarantine as DOCNO<TAB>JSON lines, or drops one record of it.
int CmdQuarantine(const std::string& path, const std::optional<uint64_t>& drop) {
  std::unique_ptr<Archive> db;
  if (drop) {
    if (int rc = OpenArchive(path, Mode::kReadWrite, &db); rc != kExitOk) return rc;
    Status s = db->DropQuarantined(*drop);
    if (!s.ok()) return Fail("quarantine --drop: " + s.ToString());
    return kExitOk;
  }
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  std::vector<QuarantinedRecord> records;
  Status s = db->ListQuarantine(&records);
  if (!s.ok()) return Fail("quarantine: " + s.ToString());
  Out out;
  std::string json;
  for (const QuarantinedRecord& r : records) {
    if (Status j = ArticleToJson(r.article, &json); !j.ok()) {
      return Fail("quarantine: record " + std::to_string(r.docno) + ": " + j.ToString());
    }
    out.Line(std::to_string(r.docno) + "\t" + json);
  }
  return out.Close();
}


// Bytes free for unprivileged writers on the file system of `path`; nullopt if unknown.
std::optional<uint64_t> FreeBytes(const std::string& path) {
  struct statvfs st;
  if (::statvfs(path.c_str(), &st) != 0) return std::nullopt;
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

// Refuses work that needs about `need` free bytes on the file system of `path` when there
// is less: a command that runs out of space half-way leaves the disk full for everything
// else. kExitOk when there is room (or the figure cannot be read).
int CheckRoom(const std::string& what, const std::string& path, uint64_t need,
              const std::string& why) {
  const auto free_bytes = FreeBytes(path);
  if (!free_bytes || *free_bytes >= need) return kExitOk;
  return Fail(what + ": not enough space on the file system of " + path + ": " +
              std::to_string(*free_bytes) + " bytes free, about " + std::to_string(need) +
              " needed (" + why + "); free some space and run it again (nothing was changed)");
}

constexpr uint64_t kWorkMargin = 4u << 20;

int CmdReindex(const std::string& path, bool quiet) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadWrite, &db); rc != kExitOk) return rc;
  {
    // The rebuild writes the id map, indexes and counters anew (through the write-ahead
    // log, then table files) while the old ones take their space until compacted.
    Stats st;
    Status s = db->GetStats(&st);
    if (!s.ok()) return Fail("reindex: " + s.ToString());
    uint64_t derived = 0;
    for (const auto& cf : st.column_families) {
      if (cf.name != "records" && cf.name != "default") derived += cf.sst_bytes + cf.memtable_bytes;
    }
    if (int rc = CheckRoom("reindex", path, 3 * derived + kWorkMargin,
                           "three times the " + std::to_string(derived) +
                               " bytes of the id map, indexes and counters, plus 4 MiB");
        rc != kExitOk) {
      return rc;
    }
  }
  ProgressLine line(quiet);
  const auto start = std::chrono::steady_clock::now();
  Status s = db->Reindex(MakeProgress(&line, "reindex", false));
  line.Done();
  if (!s.ok()) return Fail("reindex: " + s.ToString());
  std::fprintf(stderr, "reindexed %s in %.2f s\n", path.c_str(), Seconds(start));
  return kExitOk;
}

int CmdUpgrade(const std::string& path, bool quiet) {
  // The archive is not opened first: Open refuses an older format.
  ProgressLine line(quiet);
  const auto start = std::chrono::steady_clock::now();
  Status s = Archive::Upgrade(path, MakeProgress(&line, "upgrade", false));
  line.Done();
  if (!s.ok()) return Fail("upgrade: " + s.ToString());
  std::fprintf(stderr, "upgraded %s in %.2f s\n", path.c_str(), Seconds(start));
  return kExitOk;
}

int CmdCompact(const std::string& path) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadWrite, &db); rc != kExitOk) return rc;
  {
    // Compaction writes each column family's tables anew before deleting the old ones.
    Stats st;
    Status s = db->GetStats(&st);
    if (!s.ok()) return Fail("compact: " + s.ToString());
    uint64_t largest = 0;
    for (const auto& cf : st.column_families) {
      largest = std::max(largest, cf.sst_bytes + cf.memtable_bytes);
    }
    if (int rc = CheckRoom("compact", path, largest + kWorkMargin,
                           "the " + std::to_string(largest) +
                               " bytes of the largest column family, plus 4 MiB");
        rc != kExitOk) {
      return rc;
    }
  }
  Status s = db->Compact();
  if (!s.ok()) return Fail("compact: " + s.ToString());
  return kExitOk;
}

int CmdSalvage(const std::string& path) {
  SalvageReport r;
  Status s = SalvageArchive(path, &r);
  if (!s.ok()) return Fail("salvage: " + s.ToString());
  if (r.logs_rewritten == 0) {
    std::fprintf(stderr, "salvage: %llu write-ahead logs read, none damaged\n",
                 static_cast<unsigned long long>(r.logs_read));
  } else {
    std::fprintf(stderr,
                 "salvage: %llu of %llu write-ahead logs damaged and rewritten: %llu writes "
                 "kept, at least %llu lost, %llu bytes unreadable; originals in %s/lost/\n",
                 static_cast<unsigned long long>(r.logs_rewritten),
                 static_cast<unsigned long long>(r.logs_read),
                 static_cast<unsigned long long>(r.writes_kept),
                 static_cast<unsigned long long>(r.writes_lost),
                 static_cast<unsigned long long>(r.bytes_lost), path.c_str());
  }
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadWrite, &db); rc != kExitOk) return rc;
  std::fprintf(stderr, "salvage: the archive opens; now run 'articledb verify %s', and "
                       "'articledb reindex %s' if it finds problems\n",
               path.c_str(), path.c_str());
  return kExitOk;
}

int CmdCheckpoint(const std::string& path, const std::string& dir) {
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadWrite, &db); rc != kExitOk) return rc;
  Status s = db->Checkpoint(dir);
  if (!s.ok()) return Fail("checkpoint: " + s.ToString());
  return kExitOk;
}

#ifdef ARTICLEDB_HAVE_SYNTH
int CmdGenerate(uint64_t n, uint64_t seed) {
  synth::CorpusOptions options;
  options.seed = seed;
  synth::Generator gen(options);
  Out out;
  Article art;
  std::string json;
  for (uint64_t i = 0; i < n; ++i) {
    gen.Make(i, &art);
    Status s = ArticleToJson(art, &json);
    if (!s.ok()) return Fail("generate: " + s.ToString());
    out.Line(json);
    if (std::ferror(stdout)) break;
  }
  return out.Close();
}
#endif

const char* kExitFooter =
    "Exit status: 0 success; 1 some records were rejected or not found (or verify found "
    "problems); 2 failure.\nDocumentation: man articledb; " ARTICLEDB_DOC_DIR "/cli.md";

int Main(int argc, char** argv) {
  CLI::App app{"articledb: store, query, dump and restore news-article archives.\n"
               "Commands take the archive directory DB first: articledb COMMAND DB [ARGS...]"};
  app.name("articledb");
  app.footer(kExitFooter);
  app.require_subcommand(1);
  app.fallthrough();  // -q works after the command name too
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "No progress lines on standard error");
  app.set_version_flag("--version", "articledb 0.1.0");

  std::function<int()> run;
  std::string db, file, dir, cursor, format = "json", by, prefix;
  FilterArgs fa;
  size_t limit = 0;

  // import
  ImportArgs ia;
  auto* imp = app.add_subcommand(
      "import", "Import JSON Lines articles (interchange schema) into DB, creating it if "
                "needed. Articles are upserts by id.");
  imp->add_option("DB", ia.db, "Archive directory")->required();
  imp->add_option("FILE", ia.files,
                  "Input files: JSON Lines, plain or zstd-compressed (.zst); - for "
                  "standard input")
      ->required();
  imp->add_option("--rejects", ia.rejects, "Write every rejected line, verbatim, to PATH")
      ->type_name("PATH");
  imp->add_flag("--strict", ia.strict,
                "Stop at the first bad line (lines before it are stored)");
  imp->add_flag("--sync", ia.sync,
                "Synced writes: fsync the write-ahead log after every batch (survives a "
                "power failure; slower)");
  imp->add_flag("--bulk", ia.bulk,
                "Bulk mode: no write-ahead log, one flush at the end. Faster, but a crash "
                "(or kill -9) before the end loses everything this import wrote; Ctrl-C is "
                "safe. Re-run the import after a crash: it upserts, so nothing doubles");
  imp->add_option("--batch", ia.batch, "Articles per write batch")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  imp->add_option("--max-record-bytes", ia.max_record_bytes,
                  "Reject records whose serialized size exceeds N bytes")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{kDumpMaxFrameBytes - 16}));
  imp->callback([&] {
    ia.quiet = quiet;
    run = [&] { return CmdImport(ia); };
  });

  auto* exp = app.add_subcommand(
      "export", "Write every matching article as JSON Lines to standard output "
                "(newest first unless --oldest-first)");
  exp->add_option("DB", db, "Archive directory")->required();
  AddFilterOptions(exp, &fa);
  exp->callback([&] { run = [&] { return CmdExport(db, fa); }; });

  std::vector<std::string> ids;
  auto* get = app.add_subcommand("get", "Print the articles with these ids as JSON Lines");
  get->add_option("DB", db, "Archive directory")->required();
  get->add_option("ID", ids, "Article ids")->required();
  get->callback([&] { run = [&] { return CmdGet(db, ids); }; });

  auto* del = app.add_subcommand("delete", "Delete the articles with these ids");
  del->add_option("DB", db, "Archive directory")->required();
  del->add_option("ID", ids, "Article ids")->required();
  del->callback([&] { run = [&] { return CmdDelete(db, ids); }; });

  auto* qry = app.add_subcommand(
      "query", "Print one page of matching articles, newest first; when more exist, print "
               "next_cursor=TOKEN on standard error (pass it to --cursor for the next page)");
  qry->add_option("DB", db, "Archive directory")->required();
  AddFilterOptions(qry, &fa);
  limit = 20;
  qry->add_option("--limit", limit, "Articles per page (1-10000)")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  qry->add_option("--cursor", cursor, "Continue after the page that printed this token")
      ->type_name("TOKEN");
  qry->add_option("--format", format, "Output: json (JSON Lines), ids (one id a line), table")
      ->capture_default_str()
      ->check(CLI::IsMember({"json", "ids", "table"}));
  qry->callback([&] { run = [&] { return CmdQuery(db, fa, limit, cursor, format); }; });

  auto* cnt = app.add_subcommand(
      "count", "Print the number of matching articles, or with --by one BUCKET<TAB>N line "
               "per bucket, oldest first (articles without a date are not in buckets)");
  cnt->add_option("DB", db, "Archive directory")->required();
  AddFilterOptions(cnt, &fa);
  cnt->add_option("--by", by, "Count per day, month or year (UTC)")
      ->check(CLI::IsMember({"day", "month", "year"}));
  cnt->callback([&] { run = [&] { return CmdCount(db, fa, by); }; });

  auto* src = app.add_subcommand("sources", "List sources with their article counts, most "
                                            "first (NAME<TAB>COUNT)");
  src->add_option("DB", db, "Archive directory")->required();
  src->callback([&] { run = [&] { return CmdSources(db); }; });

  size_t ent_limit = 0;
  auto* ent = app.add_subcommand("entities", "List entity names with their article counts, "
                                             "most first (NAME<TAB>COUNT)");
  ent->add_option("DB", db, "Archive directory")->required();
  ent->add_option("--prefix", prefix, "Only names starting with P (case and accents ignored)")
      ->type_name("P");
  ent->add_option("--limit", ent_limit, "At most N names (0: all)")
      ->type_name("N")
      ->capture_default_str();
  ent->callback([&] { run = [&] { return CmdEntities(db, prefix, ent_limit); }; });

  int level = 3;
  auto* dmp = app.add_subcommand(
      "dump", "Write a portable, checksummed backup of DB to FILE (one snapshot; writers may "
              "go on). FILE is written whole or not at all; - writes to standard output");
  dmp->add_option("DB", db, "Archive directory")->required();
  dmp->add_option("FILE", file, "Dump file")->required();
  dmp->add_option("--level", level, "zstd level 1-19")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 19));
  dmp->callback([&] { run = [&] { return CmdDump(db, file, level, quiet); }; });

  bool merge = false;
  size_t restore_max = Limits().max_record_bytes;
  auto* rst = app.add_subcommand(
      "restore", "Restore a dump into DB. DB must not exist or be empty (a failed restore "
                 "leaves nothing there); with --merge its records are added to (and "
                 "replace same-id records of) an existing archive, after the whole dump "
                 "was checked, so a bad dump changes nothing");
  rst->add_option("DB", db, "Archive directory")->required();
  rst->add_option("FILE", file, "Dump file")->required();
  rst->add_flag("--merge", merge, "Add to a non-empty archive");
  rst->add_option("--max-record-bytes", restore_max,
                  "Reject records whose serialized size exceeds N bytes")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{kDumpMaxFrameBytes - 16}));
  rst->callback([&] { run = [&] { return CmdRestore(db, file, merge, restore_max, quiet); }; });

  auto* vdm = app.add_subcommand("verify-dump",
                                 "Check every frame, checksum and record of a dump file "
                                 "without restoring it");
  vdm->add_option("FILE", file, "Dump file")->required();
  vdm->callback([&] { run = [&] { return CmdVerifyDump(file); }; });

  auto* sts = app.add_subcommand(
      "stats", "Print counts, date range, bytes before and after compression and bytes on "
               "disk by column family");
  sts->add_option("DB", db, "Archive directory")->required();
  sts->callback([&] { run = [&] { return CmdStats(db); }; });

  auto* ver = app.add_subcommand(
      "verify", "Check that records, indexes, the id map and counters agree; print each "
                "problem. Exit 0 only when the archive is sound (1: problems found)");
  ver->add_option("DB", db, "Archive directory")->required();
  ver->callback([&] { run = [&] { return CmdVerify(db, quiet); }; });

  auto* qua = app.add_subcommand(
      "quarantine", "List the records reindex set aside because another record had the same "
                    "id, one per line: DOCNO, a tab, the article as JSON; or drop one");
  qua->add_option("DB", db, "Archive directory")->required();
  std::optional<uint64_t> drop_docno;
  qua->add_option("--drop", drop_docno, "Delete the quarantined record DOCNO for good");
  qua->callback([&] { run = [&] { return CmdQuarantine(db, drop_docno); }; });

  auto* rix = app.add_subcommand("reindex", "Rebuild the id map, every index and every "
                                            "counter from the records");
  rix->add_option("DB", db, "Archive directory")->required();
  rix->callback([&] { run = [&] { return CmdReindex(db, quiet); }; });

  auto* upg = app.add_subcommand("upgrade", "Convert an archive of an older on-disk format "
                                            "to this version's, in place (resumable)");
  upg->add_option("DB", db, "Archive directory")->required();
  upg->callback([&] { run = [&] { return CmdUpgrade(db, quiet); }; });

  auto* cmp = app.add_subcommand("compact", "Compact the archive fully (reclaims the space "
                                            "of replaced and deleted records)");
  cmp->add_option("DB", db, "Archive directory")->required();
  cmp->callback([&] { run = [&] { return CmdCompact(db); }; });

  auto* slv = app.add_subcommand(
      "salvage", "Rescue an archive refused because its write-ahead log is damaged: keep "
                 "every intact write, drop the damaged ones (originals kept in DB/lost/); "
                 "then run verify, and reindex if it finds problems");
  slv->add_option("DB", db, "Archive directory")->required();
  slv->callback([&] { run = [&] { return CmdSalvage(db); }; });

  auto* chk = app.add_subcommand("checkpoint", "Make a consistent copy of DB in the new "
                                               "directory DIR (hard links where possible)");
  chk->add_option("DB", db, "Archive directory")->required();
  chk->add_option("DIR", dir, "New directory")->required();
  chk->callback([&] { run = [&] { return CmdCheckpoint(db, dir); }; });

#ifdef ARTICLEDB_HAVE_SYNTH
  uint64_t gen_n = 0, seed = 1;
  auto* gen = app.add_subcommand("generate", "Write N synthetic articles as JSON Lines to "
                                             "standard output (deterministic for a seed)");
  gen->add_option("N", gen_n, "Number of articles")->required();
  gen->add_option("--seed", seed, "Corpus seed")->capture_default_str();
  gen->callback([&] { run = [&] { return CmdGenerate(gen_n, seed); }; });
#endif

  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) sub->footer(kExitFooter);

  // The first word that is not an option names the command.
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (!word.empty() && word[0] == '-') continue;
    bool known = false;
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      known = known || sub->get_name() == word;
    }
    if (!known) return Fail("unknown command '" + word + "' (run 'articledb --help')");
    break;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Fail(std::string(e.what()) + " (run 'articledb --help')");
  }
  if (!run) return Fail("no command given (run 'articledb --help')");
  return run();
}

}  // namespace
}  // namespace articledb::cli

int main(int argc, char** argv) { return articledb::cli::Main(argc, argv); }
