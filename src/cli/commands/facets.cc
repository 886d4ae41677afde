// articledb facets DB [FILTERS] --by FIELD: the most frequent sources, entities, topics,
// languages or authors among the matching articles (docs/cli.md, "facets").
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "articledb/archive.h"
#include "articledb/query.h"
#include "commands/commands.h"
#include "common.h"
#include "filters.h"

namespace articledb::cli {
namespace {

const std::map<std::string, FacetField> kFields = {
    {"entity", FacetField::kEntity}, {"source", FacetField::kSource},
    {"topic", FacetField::kTopic},   {"language", FacetField::kLanguage},
    {"author", FacetField::kAuthor}};

int CmdFacets(const std::string& path, const FilterArgs& fa, const std::string& by,
              size_t limit) {
  Filter filter;
  if (int rc = BuildFilter(fa, &filter); rc != kExitOk) return rc;
  std::unique_ptr<Archive> db;
  if (int rc = OpenArchive(path, Mode::kReadOnly, &db); rc != kExitOk) return rc;
  NoteTextIndex(*db, path, filter);
  FacetOptions fo;
  fo.by = kFields.at(by);
  fo.limit = limit;
  std::vector<NameCount> names;
  Status s = db->Facets(filter, fo, &names);
  if (!s.ok()) return Fail("facets: " + s.ToString());
  return PrintNames(names);
}

}  // namespace

void AddFacetsCommand(CLI::App* app, Context* ctx) {
  struct Args {
    std::string db, by;
    FilterArgs fa;
    size_t limit = 20;
  };
  auto a = std::make_shared<Args>();
  auto* fct = app->add_subcommand(
      "facets", "Among the matching articles, the most frequent values of one field with the "
                "number of matching articles that carry each, most first (NAME<TAB>COUNT); "
                "counted from the indexes, without reading articles");
  fct->add_option("DB", a->db, "Archive directory")->required();
  AddFilterOptions(fct, &a->fa, /*with_order=*/false);
  fct->add_option("--by", a->by, "The field counted: entity, source, topic, language or author")
      ->required()
      ->check(CLI::IsMember({"entity", "source", "topic", "language", "author"}));
  fct->add_option("--limit", a->limit, "At most N values (1-10000)")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{10000}));
  fct->callback([ctx, a] {
    ctx->run = [a] { return CmdFacets(a->db, a->fa, a->by, a->limit); };
  });
}

}  // namespace articledb::cli
