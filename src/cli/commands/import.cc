// articledb import DB FILE...: JSON Lines into an archive (docs/cli.md, "import").
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <CLI/CLI.hpp>
#include <xxhash.h>

#include "articledb/archive.h"
#include "articledb/article.h"
#include "articledb/dump.h"
#include "articledb/options.h"
#include "common.h"
#include "commands/commands.h"
#include "feed_reader.h"
#include "import_formats.h"
#include "line_reader.h"

namespace articledb::cli {
namespace {

// `s` cut to at most 80 bytes (without splitting a UTF-8 sequence), for messages.
std::string Shorten(const std::string& s) {
  if (s.size() <= 80) return s;
  size_t cut = 77;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

struct ImportArgs {
  std::string db;
  std::vector<std::string> files;
  std::string rejects;
  bool strict = false;
  bool sync = false;
  bool bulk = false;
  bool text_index = false;
  size_t batch = 1000;
  size_t max_record_bytes = Limits().max_record_bytes;
  bool quiet = false;
  InputFormat format = InputFormat::kAuto;
  ConvertOptions convert;
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
  if (int rc = OpenArchive(a.db, Mode::kCreate, &db, limits,
                           a.text_index ? TextIndexChoice::kBuild : TextIndexChoice::kKeep);
      rc != kExitOk) {
    return rc;
  }

  std::ofstream rejects;
  if (!a.rejects.empty()) {
    rejects.open(a.rejects, std::ios::binary | std::ios::trunc);
    if (!rejects) return Fail(a.rejects + ": cannot open the rejects file");
  }
  CatchInterrupts();

  WriteOptions wo;
  wo.sync = a.sync;
  // --bulk: a BulkLoader (sorted table files ingested run by run; docs/cli.md).
  std::unique_ptr<BulkLoader> bulk;
  if (a.bulk) {
    Status s = db->NewBulkLoader(BulkLoadOptions(), &bulk);
    if (!s.ok()) return Fail("import: " + s.ToString());
  }
  auto put_batch = [&](std::span<const Article> articles, WriteStats* ws) {
    return bulk ? bulk->Add(articles) : db->PutBatch(wo, articles, ws);
  };

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
  uint64_t read = 0, inserted = 0, updated = 0, unchanged = 0, rejected = 0, done_bytes = 0;
  struct Origin {
    const std::string* file;
    uint64_t line;
  };
  std::vector<Article> batch;
  std::vector<Origin> origins;
  // Ids met in this input, by a 64-bit hash (about 40 bytes of heap each; a collision,
  // about one in 10^8 for a million ids, would only miscount a repeat), with where each
  // was last.
  std::unordered_map<uint64_t, Origin> seen;
  uint64_t repeated = 0;
  constexpr uint64_t kRepeatsNamed = 10;  // the first ones get a line each
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
    Status s = put_batch(batch, &ws);
    if (s.IsInvalidArgument()) {
      ws = WriteStats();
      for (size_t i = 0; i < batch.size(); ++i) {
        Status one = put_batch(std::span<const Article>(&batch[i], 1), &ws);
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
    unchanged += ws.unchanged;
    batch.clear();
    origins.clear();
    return true;
  };

  bool stop = false;
  std::string line;
  Article article;
  // One article (or the refusal of one) from `file`, starting on line `line_no`: validated,
  // its id tracked, batched; the batch written when full. `raw` is its input text, for
  // --rejects.
  auto take = [&](const std::string& file, uint64_t line_no, Status ps, Article* parsed,
                  std::string_view raw) {
    if (stop) return;
    ++read;
    if (ps.ok()) ps = ValidateArticle(*parsed, limits);
    if (!ps.ok()) {
      // One line in the rejects file, whatever the input's layout (JSON text holds no
      // raw newline inside a string, so this changes no value).
      std::string text(raw);
      std::replace(text.begin(), text.end(), '\n', ' ');
      reject(file, line_no, ps.message(), &text);
      if (a.strict) stop = true;
      return;
    }
    {
      // An id met before in this input: the later article replaces the earlier (an
      // upsert), and the summary says how often that happened.
      const std::string derived = parsed->id().empty() ? DeriveArticleId(*parsed) : std::string();
      const std::string& id = parsed->id().empty() ? derived : parsed->id();
      const auto [at, fresh] =
          seen.try_emplace(XXH3_64bits(id.data(), id.size()), Origin{&file, line_no});
      if (!fresh) {
        if (++repeated <= kRepeatsNamed) {
          progress.Done();
          std::fprintf(stderr, "%s:%" PRIu64 ": id '%s' was on %s:%" PRIu64
                               " too; the later article is kept\n",
                       file == "-" ? "<stdin>" : file.c_str(), line_no, Shorten(id).c_str(),
                       *at->second.file == "-" ? "<stdin>" : at->second.file->c_str(),
                       at->second.line);
        }
        at->second = Origin{&file, line_no};
      }
    }
    batch.push_back(std::move(*parsed));
    parsed->Clear();
    origins.push_back({&file, line_no});
    if (batch.size() >= a.batch && !commit()) stop = true;
  };

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
    // The file's format: named, or found from its first non-blank line. JSON Lines go a
    // line at a time; the other formats through the splitter, a value at a time.
    InputFormat format = a.format;
    bool format_known = a.format != InputFormat::kAuto;
    JsonValueSplitter splitter(max_line);
    CsvSplitter csv(max_line);
    std::optional<CsvColumns> columns;  // from the CSV header, once read
    Status header_error;
    std::unique_ptr<FeedReader> feed;
    std::string feed_text;
    std::string rejected_json;
    auto each_item = [&](Status ps, Article* item, uint64_t item_line) {
      rejected_json.clear();
      if (!ps.ok()) (void)ArticleToJson(*item, &rejected_json);  // for --rejects, as JSON
      take(file, item_line, ps, item, rejected_json);
    };
    bool file_failed = false;
    auto emit_csv = [&](const std::vector<std::string>& cells, uint64_t first_line) {
      if (!columns) {
        columns.emplace();
        header_error = MapCsvColumns(cells, a.convert, &*columns);
        return;
      }
      if (cells.size() == 1 && cells[0].empty()) return;  // a blank line
      Status ps = ConvertCsvRecord(*columns, cells, a.convert, &article);
      std::string raw;  // the record as one CSV line, for --rejects
      for (size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) raw += ',';
        raw += CsvCell(cells[i]);
      }
      take(file, first_line, ps, &article, raw);
    };
    auto emit = [&](std::string_view value, uint64_t first_line) {
      ConvertValue(format, value, a.convert, [&](Status ps, Article* parsed, std::string_view raw) {
        take(file, first_line, ps, parsed != nullptr ? parsed : &article, raw);
      });
    };
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
        if (format_known && format != InputFormat::kJsonl) {
          file_failed = true;  // a value cut off: the rest of the file cannot be split
          break;
        }
        continue;
      }
      // A byte order mark at the start of a file (Windows tools write one) is not text.
      if (line_no == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
      if (!format_known) {
        if (Blank(line)) continue;
        format = DetectFormat(line);
        // Columns named by --map: a CSV header even without a field's name.
        if (format == InputFormat::kAuto && !a.convert.csv_map.empty() &&
            line.find_first_not_of(" \t") != std::string::npos &&
            line[line.find_first_not_of(" \t")] != '{' && line[line.find_first_not_of(" \t")] != '[') {
          format = InputFormat::kCsv;
        }
        format_known = true;
      }
      if (format == InputFormat::kJsonl) {
        if (Blank(line)) continue;
        Status ps = ParseInterchange(line, a.convert.unknown, &article);
        take(file, line_no, ps, &article, line);
      } else if (format == InputFormat::kCsv) {
        if (Status fs = csv.Feed(line, line_no, emit_csv); !fs.ok()) {
          ++read;
          reject(file, line_no, fs.message(), nullptr);
          if (a.strict) stop = true;
        }
        if (!header_error.ok()) {
          ++read;
          reject(file, line_no, "CSV header: " + header_error.message() +
                                    "; the rest of the file is skipped", nullptr);
          if (a.strict) stop = true;
          file_failed = true;
          break;
        }
      } else if (format == InputFormat::kRss) {
        if (!feed) feed = std::make_unique<FeedReader>(a.convert, each_item);
        feed_text.assign(line).push_back('\n');
        if (Status fs = feed->Feed(feed_text, false); !fs.ok()) {
          ++read;
          reject(file, line_no, fs.message() + "; the rest of the file is skipped", nullptr);
          if (a.strict) stop = true;
          file_failed = true;
          break;
        }
      } else if (Status fs = splitter.Feed(line, line_no, emit); !fs.ok()) {
        ++read;
        reject(file, line_no, "not JSON values: " + fs.message() + "; the rest of the file is skipped",
               nullptr);
        if (a.strict) stop = true;
        file_failed = true;
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
    if (!file_failed && !stop && !g_interrupted && format == InputFormat::kRss) {
      if (!feed) feed = std::make_unique<FeedReader>(a.convert, each_item);
      if (Status fs = feed->Feed("", true); !fs.ok()) {
        ++read;
        reject(file, line_no, fs.message(), nullptr);
        if (a.strict) stop = true;
      }
    } else if (!file_failed && !stop && !g_interrupted && format == InputFormat::kCsv) {
      if (Status fs = csv.Finish(); !fs.ok()) {
        ++read;
        reject(file, line_no, fs.message(), nullptr);
        if (a.strict) stop = true;
      }
    } else if (!file_failed && !stop && !g_interrupted && format != InputFormat::kJsonl) {
      if (Status fs = splitter.Finish(); !fs.ok()) {
        ++read;
        reject(file, line_no, fs.message(), nullptr);
        if (a.strict) stop = true;
      }
    }
    if (g_interrupted) stop = true;
  }
  if (fatal.empty() || batch.size() > 0) {
    const std::string saved = fatal;
    if (!commit() && !saved.empty()) fatal = saved + "; then " + fatal;
  }
  if (bulk && fatal.empty()) {
    WriteStats ws;
    Status s = bulk->Finish(&ws);
    if (!s.ok()) fatal = "import: write failed: " + s.ToString();
    inserted += ws.inserted;
    updated += ws.updated;
    unchanged += ws.unchanged;
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
               "), unchanged %" PRIu64 ", rejected %" PRIu64 ", repeated ids %" PRIu64
               ", %.2f s, %.0f articles/s%s\n",
               read, inserted + updated, inserted, updated, unchanged, rejected, repeated, secs,
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

}  // namespace

void AddImportCommand(CLI::App* app, Context* ctx) {
  auto ia = std::make_shared<ImportArgs>();
  auto* imp = app->add_subcommand(
      "import", "Import articles into DB, creating it if needed: JSON Lines of the "
                "interchange schema, a JSON array, NewsAPI responses, news-please files, "
                "RSS and Atom feeds, or CSV with a header. "
                "Articles are upserts by id.");
  imp->add_option("DB", ia->db, "Archive directory")->required();
  imp->add_option("FILE", ia->files,
                  "Input files, plain or zstd-compressed (.zst); - for standard input")
      ->required();
  imp->add_option_function<std::string>(
         "--format",
         [ia](const std::string& name) {
           if (!ParseInputFormat(name, &ia->format)) {
             throw CLI::ValidationError("--format", "unknown format '" + name +
                                                        "' (auto, jsonl, json, newsapi, news-please, rss, csv)");
           }
         },
         "Input format: jsonl (one interchange article a line), json (an array of them), "
         "newsapi (NewsAPI responses), news-please (its article files), rss (RSS and Atom "
         "feeds), csv (a header line naming the columns, as fields or with --map), or auto "
         "(the default: found from the content of each file, and each JSON value by its "
         "fields). docs/import.md maps each format's fields")
      ->type_name("FORMAT");
  imp->add_option_function<std::vector<std::string>>(
         "--map",
         [ia](const std::vector<std::string>& pairs) {
           for (const std::string& p : pairs) {
             const size_t eq = p.rfind('=');
             if (eq == std::string::npos || eq == 0 || eq + 1 == p.size()) {
               throw CLI::ValidationError("--map", "'" + p + "' is not COLUMN=FIELD");
             }
             const std::string field = p.substr(eq + 1);
             const auto& known = CsvFieldNames();
             if (field != "-" && std::find(known.begin(), known.end(), field) == known.end()) {
               throw CLI::ValidationError("--map", "'" + p + "': no field '" + field +
                                                       "' (see --help for the fields, or - "
                                                       "to ignore the column)");
             }
             ia->convert.csv_map.emplace_back(p.substr(0, eq), field);
           }
         },
         "CSV: fill FIELD from the column COLUMN of the header (repeat it); FIELD is one of "
         "id, url, source, language, published_at, updated_at, title, summary, body, "
         "authors, topics, entities (lists separated by ';'), or - to ignore the column. "
         "Columns named as a field need no --map")
      ->type_name("COLUMN=FIELD")
      ->allow_extra_args(false);
  imp->add_flag_callback(
      "--keep-unknown", [ia] { ia->convert.unknown = ConvertOptions::Unknown::kKeep; },
      "Store fields the schema lacks in attributes (strings as they are, other values as "
      "JSON); the default for newsapi, news-please, rss and csv");
  imp->add_flag_callback(
      "--refuse-unknown", [ia] { ia->convert.unknown = ConvertOptions::Unknown::kRefuse; },
      "Refuse an article with fields the schema lacks, naming them all; the default for "
      "jsonl and json");
  imp->add_option_function<std::string>(
         "--assume-tz",
         [ia](const std::string& name) {
           if (!cctz::load_time_zone(name, &ia->convert.assume_tz)) {
             throw CLI::ValidationError("--assume-tz", "unknown time zone '" + name +
                                                           "' (an IANA name: Europe/Paris, UTC)");
           }
         },
         "Zone of dates written without one in newsapi, news-please and rss input "
         "('2024-05-09 14:05:00'); default UTC")
      ->type_name("ZONE");
  imp->add_option("--rejects", ia->rejects, "Write every rejected line, verbatim, to PATH")
      ->type_name("PATH");
  imp->add_flag("--strict", ia->strict,
                "Stop at the first bad line (lines before it are stored)");
  imp->add_flag("--sync", ia->sync,
                "Synced writes: fsync the write-ahead log after every batch (survives a "
                "power failure; slower)");
  imp->add_flag("--bulk", ia->bulk,
                "Bulk load: articles sorted by time and written as table files, ingested "
                "run by run (48 MiB each); no write-ahead log, no compaction afterwards. A "
                "crash (or kill -9) keeps the runs ingested before it, whole; Ctrl-C is "
                "safe. Re-run the import after a crash: it upserts, so nothing doubles");
  imp->add_flag("--text-index", ia->text_index,
                "When the import creates DB, give it a text index: text queries walk "
                "posting lists instead of reading records; imports get 4-8x slower. An "
                "existing archive keeps what it has ('articledb reindex --text-index' "
                "builds it)");
  imp->add_option("--batch", ia->batch, "Articles per write batch")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  imp->add_option("--max-record-bytes", ia->max_record_bytes,
                  "Reject records whose serialized size exceeds N bytes")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{kDumpMaxFrameBytes - 16}));
  imp->callback([ctx, ia] {
    ia->quiet = ctx->quiet;
    ctx->run = [ia] { return CmdImport(*ia); };
  });
}

}  // namespace articledb::cli
