// articledb query DB [FILTERS]: one page of matching articles (docs/cli.md, "query").
#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <utf8proc.h>

#include "articledb/archive.h"
#include "articledb/article.h"
#include "articledb/query.h"
#include "articledb/search.h"
#include "common.h"
#include "commands/commands.h"
#include "filters.h"

namespace articledb::cli {
namespace {

// Display width of the code point `c` in a terminal: 2 for East Asian wide and full-width
// characters, 0 for combining marks, 1 otherwise.
int CharWidth(utf8proc_int32_t c) { return std::max(0, utf8proc_charwidth(c)); }

// Cuts `s` to at most `cols` terminal columns (then "..." inside that width), counting
// wide CJK characters as two and combining marks as none; sets *width to the columns
// taken. Invalid UTF-8 (never stored: records are checked on write) counts a byte a column.
std::string Clip(const std::string& s, size_t cols, size_t* width) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  const utf8proc_ssize_t len = static_cast<utf8proc_ssize_t>(s.size());
  std::vector<std::pair<size_t, size_t>> ends;  // (byte end, width so far) per code point
  size_t w = 0;
  for (utf8proc_ssize_t at = 0; at < len;) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p + at, len - at, &c);
    if (n <= 0) {
      n = 1;
      c = 0x3F;
    }
    w += static_cast<size_t>(CharWidth(c));
    at += n;
    ends.emplace_back(static_cast<size_t>(at), w);
  }
  if (w <= cols) {
    *width = w;
    return s;
  }
  // Keep the longest start that leaves room for "...".
  const size_t room = cols >= 3 ? cols - 3 : 0;
  size_t cut = 0, cut_w = 0;
  for (const auto& [end, ew] : ends) {
    if (ew > room) break;
    cut = end;
    cut_w = ew;
  }
  *width = cut_w + 3;
  return s.substr(0, cut) + "...";
}

// The fields --format csv can print, in the order --help lists them.
constexpr const char* kCsvFields[] = {"id",    "url",     "source",  "language", "published_at",
                                      "updated_at", "title", "summary", "body", "authors",
                                      "topics", "entities"};

std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::string out;
  for (const std::string& v : values) out += (out.empty() ? "" : "; ") + v;
  return out;
}

std::string FieldText(const Article& a, const std::string& field) {
  if (field == "id") return a.id();
  if (field == "url") return a.url();
  if (field == "source") return a.source();
  if (field == "language") return a.language();
  if (field == "published_at") {
    return a.has_published_at() ? FormatTime(TimestampMicros(a.published_at())) : "";
  }
  if (field == "updated_at") {
    return a.has_updated_at() ? FormatTime(TimestampMicros(a.updated_at())) : "";
  }
  if (field == "title") return a.title();
  if (field == "summary") return a.summary();
  if (field == "body") return a.body();
  if (field == "authors") return Joined(a.authors());
  if (field == "topics") return Joined(a.topics());
  std::string out;  // entities
  for (const auto& e : a.entities()) out += (out.empty() ? "" : "; ") + e.name();
  return out;
}

// Prints articles in one of the output formats, one at a time (constant memory for
// --all); the table's columns are sized on the articles of one page.
class Printer {
 public:
  // `snippets`: a text query whose snippet (articledb/search.h) the table shows under
  // each article; empty for none.
  Printer(std::string format, std::vector<std::string> fields, std::string snippets = "")
      : format_(std::move(format)), fields_(std::move(fields)), snippets_(std::move(snippets)) {}

  void Begin() {
    if (format_ == "json") out_.Raw("{\"articles\":[");
    if (format_ == "csv") {
      std::string header;
      for (const std::string& f : fields_) header += (header.empty() ? "" : ",") + f;
      out_.Line(header);
    }
  }

  Status Add(const Article& art) {
    if (format_ == "jsonl" || format_ == "json") {
      Status j = ArticleToJson(art, &json_);
      if (!j.ok()) return j;
      if (format_ == "jsonl") {
        out_.Line(json_);
      } else {
        out_.Raw((n_ > 0 ? ",\n" : "\n") + json_);
      }
    } else if (format_ == "ids") {
      out_.Line(art.id());
    } else if (format_ == "csv") {
      std::string line;
      for (size_t i = 0; i < fields_.size(); ++i) {
        line += (i > 0 ? "," : "") + CsvCell(FieldText(art, fields_[i]));
      }
      out_.Line(line);
    } else {  // table: kept until End, to size the columns
      std::string when = art.has_published_at()
                             ? FormatTime(TimestampMicros(art.published_at()))
                             : std::string("-");
      std::string title = art.title();
      std::replace(title.begin(), title.end(), '\n', ' ');
      Row row;
      row.cells[0] = when;
      row.widths[0] = when.size();
      row.cells[1] = Clip(art.source(), 24, &row.widths[1]);
      row.cells[2] = Clip(art.id(), 40, &row.widths[2]);
      row.cells[3] = Clip(title, 72, &row.widths[3]);
      if (!snippets_.empty()) {
        SnippetOptions so;
        so.max_words = 24;
        if (Status s = MakeSnippet(snippets_, art, so, &row.snippet); !s.ok()) return s;
      }
      rows_.push_back(std::move(row));
    }
    ++n_;
    return Status::OK();
  }

  // Ends the output; `next_cursor` goes into the JSON object (null when empty).
  void End(const std::string& next_cursor) {
    if (format_ == "json") {
      std::string tail = n_ > 0 ? "\n]" : "]";
      tail += ",\"next_cursor\":";
      tail += next_cursor.empty() ? std::string("null") : "\"" + next_cursor + "\"";
      out_.Line(tail + "}");
    }
    if (format_ != "table") return;
    Row head;
    head.cells = {"PUBLISHED", "SOURCE", "ID", "TITLE"};
    head.widths = {9, 6, 2, 5};
    rows_.insert(rows_.begin(), std::move(head));
    size_t w[3] = {0, 0, 0};  // columns aligned by display width, not bytes
    for (const Row& r : rows_) {
      for (size_t c = 0; c < 3; ++c) w[c] = std::max(w[c], r.widths[c]);
    }
    for (const Row& r : rows_) {
      std::string text;
      for (size_t c = 0; c < 3; ++c) {
        text += r.cells[c];
        text.append(w[c] + 2 - r.widths[c], ' ');
      }
      text += r.cells[3];
      out_.Line(text);
      if (!r.snippet.empty()) out_.Line("    " + r.snippet);
    }
  }

  int Close() { return out_.Close(); }

 private:
  std::string format_;
  std::vector<std::string> fields_;
  std::string snippets_;
  Out out_;
  std::string json_;
  struct Row {
    std::array<std::string, 4> cells;
    std::array<size_t, 4> widths{};  // terminal columns of each cell
    std::string snippet;
  };
  std::vector<Row> rows_;
  size_t n_ = 0;
};

int CmdQuery(const char* name, const std::string& path, const FilterArgs& fa, size_t limit,
             bool all,
             const std::string& cursor, const std::string& format, const std::string& fields_arg,
             bool summary) {
  Filter filter;
  if (int rc = BuildFilter(fa, &filter); rc != kExitOk) return rc;
  std::vector<std::string> fields;
  if (format == "csv") {
    std::string list = fields_arg.empty() ? "id,published_at,source,title" : fields_arg;
    size_t at = 0;
    while (at <= list.size()) {
      const size_t comma = std::min(list.find(',', at), list.size());
      std::string f = list.substr(at, comma - at);
      if (std::find(std::begin(kCsvFields), std::end(kCsvFields), f) == std::end(kCsvFields)) {
        std::string known;
        for (const char* k : kCsvFields) known += (known.empty() ? "" : ",") + std::string(k);
        return Fail(std::string(name) + ": --fields: no field '" + f + "' (fields: " + known + ")");
      }
      fields.push_back(std::move(f));
      at = comma + 1;
    }
  } else if (!fields_arg.empty()) {
    return Fail(std::string(name) + ": --fields goes with --format csv");
  }
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  NoteTextIndex(*db, path, filter);
  // search's table shows each match's best passage.
  Printer printer(format, std::move(fields), std::string(name) == "search" ? fa.text : "");
  printer.Begin();
  std::string next_cursor;
  if (all) {
    // Every match, streamed from one snapshot in constant memory (like export).
    Status inner;
    Status s = db->Scan(filter, OrderOf(fa), [&](const Article& art) {
      if (summary) {
        Article a = art;
        a.clear_body();
        a.clear_summary();
        inner = printer.Add(a);
      } else {
        inner = printer.Add(art);
      }
      return inner.ok() && !std::ferror(stdout);
    });
    if (!inner.ok()) return Fail(std::string(name) + ": " + inner.ToString());
    if (!s.ok()) return Fail(std::string(name) + ": " + s.ToString());
  } else {
    QueryOptions qo;
    qo.order = OrderOf(fa);
    qo.limit = limit;
    qo.cursor = cursor;
    qo.projection = summary ? Projection::kSummary : Projection::kFull;
    Page page;
    Status s = db->Query(filter, qo, &page);
    if (!s.ok()) return Fail(std::string(name) + ": " + s.ToString());
    for (const Article& art : page.articles) {
      if (Status j = printer.Add(art); !j.ok()) return Fail(std::string(name) + ": " + j.ToString());
    }
    next_cursor = page.next_cursor;
  }
  printer.End(next_cursor);
  if (int c = printer.Close(); c != kExitOk) return c;
  if (!next_cursor.empty()) std::fprintf(stderr, "next_cursor=%s\n", next_cursor.c_str());
  return kExitOk;
}

// The options of query and search that page through the matches and print them.
struct PageArgs {
  std::string db, cursor, fields;
  std::string format;
  FilterArgs fa;
  size_t limit = 20;
  bool all = false;
};

void AddPageOptions(CLI::App* cmd, PageArgs* p) {
  auto* limit = cmd->add_option("--limit", p->limit, "Articles per page (1-10000)")
                    ->type_name("N")
                    ->capture_default_str()
                    ->check(CLI::Range(1, 10000));
  auto* cursor =
      cmd->add_option("--cursor", p->cursor, "Continue after the page that printed this token")
          ->type_name("TOKEN");
  cmd->add_flag("--all", p->all,
                "Every match, not one page: streamed from one snapshot in constant memory, "
                "for pipes (no --limit, no --cursor)")
      ->excludes(limit)
      ->excludes(cursor);
  cmd->add_option("--fields", p->fields,
                  "With --format csv: the columns, comma-separated, from id, url, source, "
                  "language, published_at, updated_at, title, summary, body, authors, topics, "
                  "entities (lists joined with '; '); default id,published_at,source,title")
      ->type_name("LIST");
}

}  // namespace

void AddQueryCommand(CLI::App* app, Context* ctx) {
  struct Args : PageArgs {
    bool summary = false;
  };
  auto a = std::make_shared<Args>();
  a->format = "jsonl";
  auto* qry = app->add_subcommand(
      "query", "Print one page of matching articles, newest first; when more exist, print "
               "next_cursor=TOKEN on standard error (pass it to --cursor for the next page)");
  qry->add_option("DB", a->db, "Archive directory")->required();
  AddFilterOptions(qry, &a->fa);
  AddPageOptions(qry, a.get());
  qry->add_option("--format", a->format,
                  "Output: jsonl (one article a line), json (one object: articles and "
                  "next_cursor), ids (one id a line), csv (a header line, then --fields), "
                  "table")
      ->capture_default_str()
      ->check(CLI::IsMember({"jsonl", "json", "ids", "csv", "table"}));
  qry->add_flag("--summary", a->summary,
                "Leave out each article's body and summary (what list pages show; read "
                "without touching the stored text, so faster)");
  qry->callback([ctx, a] {
    ctx->run = [a] {
      return CmdQuery("query", a->db, a->fa, a->limit, a->all, a->cursor, a->format, a->fields,
                      a->summary);
    };
  });
}

void AddSearchCommand(CLI::App* app, Context* ctx) {
  struct Args : PageArgs {
    std::string order = "newest";
  };
  auto a = std::make_shared<Args>();
  a->format = "table";
  auto* cmd = app->add_subcommand(
      "search",
      "Print the articles matching a text query (words, \"phrases\", prefix*, AND, OR, "
      "NOT or -word, ( ), title:word; docs/search.md) and the filters, newest first (or "
      "--order); when "
      "more exist, print next_cursor=TOKEN on standard error. The archive's text index "
      "answers it; an archive without one (see 'articledb stats') reads every article the "
      "filters select");
  cmd->add_option("DB", a->db, "Archive directory")->required();
  cmd->add_option("QUERY", a->fa.text, "The text query; quote it for the shell")->required();
  AddFilterOptions(cmd, &a->fa, /*with_order=*/false, /*with_text=*/false);
  cmd->add_option("--order", a->order,
                  "newest or oldest first, or relevance: best match first by BM25 (the "
                  "title counts twice; words are scored from the text index, phrases and "
                  "prefixes from each match's record: docs/search.md)")
      ->capture_default_str()
      ->check(CLI::IsMember({"newest", "oldest", "relevance"}));
  AddPageOptions(cmd, a.get());
  cmd->add_option("--format", a->format,
                  "Output: table (each article's best passage under its row, matched words "
                  "in brackets), jsonl (one article a line), json (one object: articles and "
                  "next_cursor), ids (one id a line), csv (a header line, then --fields)")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "jsonl", "json", "ids", "csv"}));
  cmd->callback([ctx, a] {
    ctx->run = [a] {
      a->fa.oldest_first = a->order == "oldest";
      a->fa.relevance = a->order == "relevance";
      return CmdQuery("search", a->db, a->fa, a->limit, a->all, a->cursor, a->format,
                      a->fields, /*summary=*/false);
    };
  });
}

}  // namespace articledb::cli
