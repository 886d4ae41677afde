// Opens (or creates) an archive, stores a few articles, and finds them again: by id, by
// entity and source in a month, newest first, and as a count per day.
//
//   quickstart DIR
#include <articledb/articledb.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

int Fail(const char* what, const articledb::Status& s) {
  std::fprintf(stderr, "quickstart: %s: %s\n", what, s.ToString().c_str());
  return 1;
}

// Articles come from JSON Lines in the interchange schema, or are built field by field.
const char* const kArticles[] = {
    R"({"url":"https://example.org/lm/1","source":"Le Monde","language":"fr",
        "published_at":"2024-05-02T08:00:00Z","title":"Nikol Pachinian à Paris",
        "entities":[{"name":"Nikol Pachinian","kind":"PERSON"},{"name":"Arménie","kind":"LOCATION"}]})",
    R"({"url":"https://example.org/lm/2","source":"Le Monde","language":"fr",
        "published_at":"2024-05-20T18:30:00Z","title":"Erevan et Bakou reprennent les discussions",
        "entities":[{"name":"Nikol Pachinian","kind":"PERSON"},{"name":"Azerbaïdjan","kind":"LOCATION"}]})",
    R"({"url":"https://example.org/lm/3","source":"Le Monde","language":"fr",
        "published_at":"2024-06-01T07:00:00Z","title":"Juin : le calendrier diplomatique",
        "entities":[{"name":"Nikol Pachinian","kind":"PERSON"}]})",
    R"({"url":"https://example.org/ft/1","source":"Financial Times","language":"en",
        "published_at":"2024-05-03T12:00:00Z","title":"Armenia looks west",
        "entities":[{"name":"Nikol Pachinian","kind":"PERSON"},{"name":"Armenia","kind":"LOCATION"}]})",
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: quickstart DIR\n");
    return 2;
  }
  articledb::Options options;
  options.create_if_missing = true;
  std::unique_ptr<articledb::Archive> db;
  articledb::Status s = articledb::Archive::Open(options, argv[1], &db);
  if (!s.ok()) return Fail("open", s);

  // Store: each article gets an id derived from its URL, so running this again updates
  // the same four articles instead of adding copies.
  std::vector<articledb::Article> batch;
  for (const char* json : kArticles) {
    articledb::Article a;
    if (!(s = articledb::ParseArticleJson(json, &a)).ok()) return Fail("parse", s);
    batch.push_back(std::move(a));
  }
  articledb::WriteStats ws;
  if (!(s = db->PutBatch(articledb::WriteOptions(), batch, &ws)).ok()) return Fail("put", s);
  std::printf("stored %zu articles (%llu new, %llu updated, %llu unchanged)\n", batch.size(),
              static_cast<unsigned long long>(ws.inserted),
              static_cast<unsigned long long>(ws.updated),
              static_cast<unsigned long long>(ws.unchanged));

  // Query: "Pachinian" (any case, any accents) from "le monde" in May 2024, newest first.
  articledb::Filter filter;
  filter.source = "le monde";
  filter.entities = {"nikol pachinian"};
  int64_t from = 0, to = 0;
  if (!(s = articledb::ParseTimeArgument("2024-05-01", &from)).ok()) return Fail("time", s);
  if (!(s = articledb::ParseTimeArgument("2024-06-01", &to)).ok()) return Fail("time", s);
  filter.from_micros = from;
  filter.to_micros = to;
  articledb::QueryOptions qo;
  qo.limit = 10;
  articledb::Page page;
  if (!(s = db->Query(filter, qo, &page)).ok()) return Fail("query", s);
  std::printf("Le Monde, May 2024, mentioning Nikol Pachinian, newest first:\n");
  for (const articledb::Article& a : page.articles) {
    std::printf("  %s  %s\n", articledb::FormatTime(articledb::TimestampMicros(a.published_at())).c_str(),
                a.title().c_str());
  }

  // Get by id, and the record back as JSON.
  if (!page.articles.empty()) {
    articledb::Article a;
    if (!(s = db->Get(page.articles.front().id(), &a)).ok()) return Fail("get", s);
    std::string json;
    if (!(s = articledb::ArticleToJson(a, &json)).ok()) return Fail("to json", s);
    std::printf("by id %s:\n  %s\n", a.id().c_str(), json.c_str());
  }

  // Counts per month of every article naming him, computed from index keys only.
  articledb::Filter all;
  all.entities = {"NIKOL PACHINIAN"};
  std::vector<articledb::TimelineEntry> months;
  if (!(s = db->Timeline(all, articledb::Bucket::kMonth, &months)).ok()) return Fail("timeline", s);
  std::printf("articles naming him, by month:\n");
  for (const auto& m : months) {
    std::printf("  %s  %llu\n", m.label.c_str(), static_cast<unsigned long long>(m.count));
  }
  return 0;
}
