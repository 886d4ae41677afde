// articledb delete DB ID... | FILTERS: deletes articles by id or by query (docs/cli.md,
// "delete").
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/options.h"
#include "articledb/query.h"
#include "common.h"
#include "commands/commands.h"
#include "filters.h"

namespace articledb::cli {
namespace {

bool HasFilter(const FilterArgs& f) {
  return !f.from.empty() || !f.to.empty() || !f.sources.empty() || !f.entities.empty() ||
         !f.any_entities.empty() || !f.not_entities.empty() || !f.languages.empty() ||
         !f.topics.empty() || !f.authors.empty() || !f.text.empty();
}

// Deletes every article matching the filters: their ids are read from one snapshot
// (the writer's lock is held, so no other process changes the matches meanwhile), then
// deleted in atomic batches.
int DeleteMatching(Archive* db, const std::string& path, const Filter& filter, bool dry_run,
                   bool quiet) {
  std::vector<std::string> ids;
  Status s = db->Scan(filter, Order::kOldestFirst, [&](const Article& a) {
    ids.push_back(a.id());
    return true;
  });
  if (!s.ok()) return Fail("delete: " + s.ToString());
  if (dry_run) {
    Out out;
    for (const std::string& id : ids) out.Line(id);
    if (int rc = out.Close(); rc != kExitOk) return rc;
    std::fprintf(stderr, "would delete %zu articles of %s (dry run: nothing was deleted)\n",
                 ids.size(), path.c_str());
    return kExitOk;
  }
  constexpr size_t kBatch = 1000;
  ProgressLine line(quiet);
  const auto start = std::chrono::steady_clock::now();
  uint64_t deleted = 0;
  for (size_t at = 0; at < ids.size(); at += kBatch) {
    const size_t n = std::min(kBatch, ids.size() - at);
    WriteStats ws;
    s = db->DeleteBatch(WriteOptions(), std::span<const std::string>(ids.data() + at, n), &ws);
    if (!s.ok()) {
      return Fail("delete: " + s.ToString() + " (" + std::to_string(deleted) +
                  " matching articles were deleted before; the others are intact)");
    }
    deleted += ws.deleted;
    if (line.Due()) {
      line.Show("delete: " + std::to_string(deleted) + " of " + std::to_string(ids.size()));
    }
  }
  line.Done();
  std::fprintf(stderr, "deleted %" PRIu64 " matching articles of %s in %.2f s\n", deleted,
               path.c_str(), Seconds(start));
  return kExitOk;
}

int CmdDelete(const std::string& path, const std::vector<std::string>& ids, const FilterArgs& fa,
              bool dry_run, bool quiet) {
  const bool by_filter = HasFilter(fa);
  if (by_filter && !ids.empty()) {
    return Fail("delete: give ids or filters, not both (run 'articledb delete --help')");
  }
  if (!by_filter && ids.empty()) {
    return Fail("delete: give the ids to delete, or filters (--source, --from, --entity...) "
                "to delete every matching article (run 'articledb delete --help')");
  }
  Filter filter;
  if (by_filter) {
    if (int rc = BuildFilter(fa, &filter); rc != kExitOk) return rc;
  }
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, dry_run ? Mode::kReadOnly : Mode::kReadWrite, &db);
      rc != kExitOk) {
    return rc;
  }
  NoteTextIndex(*db, path, filter);
  if (by_filter) return DeleteMatching(db.get(), path, filter, dry_run, quiet);
  int rc = kExitOk;
  uint64_t deleted = 0;
  for (const std::string& id : ids) {
    Article stored;  // a dry run only looks the id up
    Status s = dry_run ? db->Get(id, &stored) : db->Delete(WriteOptions(), id);
    if (s.IsNotFound()) {
      std::fprintf(stderr, "articledb: no article with id '%s'\n", id.c_str());
      rc = kExitPartial;
    } else if (!s.ok()) {
      return Fail("delete '" + id + "': " + s.ToString());
    } else {
      ++deleted;
    }
  }
  std::fprintf(stderr, dry_run ? "would delete %" PRIu64 " of %zu (dry run: nothing was deleted)\n"
                               : "deleted %" PRIu64 " of %zu\n",
               deleted, ids.size());
  return rc;
}

}  // namespace

void AddDeleteCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db;
    std::vector<std::string> ids;
    FilterArgs fa;
    bool dry_run = false;
  };
  auto a = std::make_shared<Args>();
  auto* del = app->add_subcommand(
      "delete", "Delete the articles with these ids, or every article matching the filters");
  del->add_option("DB", a->db, "Archive directory")->required();
  del->add_option("ID", a->ids, "Article ids (or filters instead, not both)");
  AddFilterOptions(del, &a->fa, /*with_order=*/false);
  del->add_flag("--dry-run", a->dry_run,
                "Delete nothing: with filters, print the ids that would be deleted (one a "
                "line) and their number; with ids, say how many are stored");
  del->callback([ctx, a] {
    ctx->run = [ctx, a] { return CmdDelete(a->db, a->ids, a->fa, a->dry_run, ctx->quiet); };
  });
}

}  // namespace articledb::cli
