// articledb query DB [FILTERS]: one page of matching articles (docs/cli.md, "query").
#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/article.h"
#include "articledb/query.h"
#include "common.h"
#include "commands/commands.h"
#include "filters.h"

namespace articledb::cli {
namespace {

// Cuts `s` to at most `n` bytes without splitting a UTF-8 sequence.
std::string Clip(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

int CmdQuery(const std::string& path, const FilterArgs& fa, size_t limit,
             const std::string& cursor, const std::string& format, bool summary) {
  Filter filter;
  if (int rc = BuildFilter(fa, &filter); rc != kExitOk) return rc;
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  QueryOptions qo;
  qo.order = OrderOf(fa);
  qo.limit = limit;
  qo.cursor = cursor;
  qo.projection = summary ? Projection::kSummary : Projection::kFull;
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

}  // namespace

void AddQueryCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db, cursor, format = "json";
    FilterArgs fa;
    size_t limit = 20;
    bool summary = false;
  };
  auto a = std::make_shared<Args>();
  auto* qry = app->add_subcommand(
      "query", "Print one page of matching articles, newest first; when more exist, print "
               "next_cursor=TOKEN on standard error (pass it to --cursor for the next page)");
  qry->add_option("DB", a->db, "Archive directory")->required();
  AddFilterOptions(qry, &a->fa);
  qry->add_option("--limit", a->limit, "Articles per page (1-10000)")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  qry->add_option("--cursor", a->cursor, "Continue after the page that printed this token")
      ->type_name("TOKEN");
  qry->add_option("--format", a->format, "Output: json (JSON Lines), ids (one id a line), table")
      ->capture_default_str()
      ->check(CLI::IsMember({"json", "ids", "table"}));
  qry->add_flag("--summary", a->summary,
                "Leave out each article's body and summary (what list pages show; read "
                "without touching the stored text, so faster)");
  qry->callback([ctx, a] {
    ctx->run = [a] {
      return CmdQuery(a->db, a->fa, a->limit, a->cursor, a->format, a->summary);
    };
  });
}

}  // namespace articledb::cli
