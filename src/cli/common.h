// Helpers shared by the commands of the articledb tool: exit statuses, error messages,
// interrupts, progress lines, buffered standard output and opening archives.
#ifndef ARTICLEDB_CLI_COMMON_H_
#define ARTICLEDB_CLI_COMMON_H_

#include <chrono>
#include <csignal>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "articledb/archive.h"
#include "articledb/options.h"
#include "articledb/query.h"

namespace articledb::cli {

// Exit statuses: 0 success; 1 some records were rejected or not found (or verify found
// problems); 2 failure (bad arguments, an archive that cannot be opened, a bad dump...).
constexpr int kExitOk = 0;
constexpr int kExitPartial = 1;
constexpr int kExitFailure = 2;

// Set by SIGINT / SIGTERM once CatchInterrupts() ran.
extern volatile std::sig_atomic_t g_interrupted;

// Ctrl-C (and SIGTERM) stop long writing commands cleanly: what was read so far is
// committed, then the command reports and exits.
void CatchInterrupts();

// Prints "articledb: MESSAGE" on standard error (after flushing standard output) and
// returns kExitFailure.
int Fail(const std::string& message);

double Seconds(std::chrono::steady_clock::time_point since);

std::string HumanBytes(double b);

// One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string CsvCell(const std::string& v);

// A progress line on standard error, redrawn at most 4 times a second, only when
// standard error is a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(bool quiet);
  ~ProgressLine() { Done(); }
  bool Due();
  void Show(const std::string& text);
  void Done();

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// A ProgressFn that shows "WHAT: N records" on `line`; it asks to stop after an interrupt
// when `stop_on_interrupt`.
ProgressFn MakeProgress(ProgressLine* line, const char* what, bool stop_on_interrupt);

// Standard output through a large buffer; write errors are reported at the end.
class Out {
 public:
  Out();
  void Line(std::string_view s);
  void Raw(std::string_view s);  // without a line break
  // kExitOk, or kExitFailure after printing a message, when writing failed.
  int Close();
};

// Prints NAME<TAB>COUNT lines.
int PrintNames(const std::vector<NameCount>& names);

// ---- Opening archives ----

enum class Mode { kReadOnly, kReadWrite, kCreate };

// Writers that meet an archive locked by another writer wait for it up to `seconds`
// (0, the default: refused at once). Set from --busy-timeout.
void SetBusyTimeout(double seconds);

// Opens the archive at `path`; on failure prints why (and what to do) and returns
// kExitFailure.
// Whether a new archive, or a reindex, builds the text index (Options::index_text), or a
// reindex drops it (Options::drop_text_index); kKeep: neither.
enum class TextIndexChoice { kKeep, kBuild, kDrop };
int OpenArchive(const std::string& path, Mode mode, std::unique_ptr<Archive>* db,
                const Limits& limits = Limits(), TextIndexChoice text = TextIndexChoice::kKeep);

// Notes on standard error, when `f` has a text query and the archive no text index, that
// the query reads records and how to build the index.
void NoteTextIndex(const Archive& db, const std::string& path, const Filter& f);

// Refuses work that needs about `need` free bytes on the file system of `path` when there
// is less: a command that runs out of space half-way leaves the disk full for everything
// else. kExitOk when there is room (or the figure cannot be read).
int CheckRoom(const std::string& what, const std::string& path, uint64_t need,
              const std::string& why);

constexpr uint64_t kWorkMargin = 4u << 20;

}  // namespace articledb::cli

#endif  // ARTICLEDB_CLI_COMMON_H_
