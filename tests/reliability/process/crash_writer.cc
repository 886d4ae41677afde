// The writer of the crash-safety test (crash_test.py): upserts and deletes articles of a
// fixed pool of ids with synced writes, forever, logging what it does to an append-only
// log so the test can check the archive after killing it with SIGKILL.
//
//   crash_writer DB LOG SEED
//
// Log lines, each written with one write(2) (a killed process loses none it wrote):
//   B <n>                    a write of n operations is about to be made
//   P <id> <json>            ... an upsert in it (the article as ArticleToJson prints it)
//   D <id>                   ... a delete in it
//   A                        the write returned OK: acknowledged
// So after a kill, every batch up to the last "A" is acknowledged, and at most one batch
// (the last, without its "A") was in flight: it must be entirely there or entirely absent.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "articledb/articledb.h"

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "crash_writer: %s\n", what.c_str());
  std::exit(2);
}

void Log(int fd, const std::string& line) {
  const std::string l = line + "\n";
  if (::write(fd, l.data(), l.size()) != static_cast<ssize_t>(l.size())) Die("log write failed");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) Die("usage: crash_writer DB LOG SEED");
  const std::string path = argv[1];
  const int log = ::open(argv[2], O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (log < 0) Die("cannot open log");
  std::mt19937_64 rng(std::strtoull(argv[3], nullptr, 10));

  articledb::Options options;
  options.create_if_missing = true;
  options.write_buffer_bytes = 1u << 20;  // small memtables: flushes happen while writing
  std::unique_ptr<articledb::Archive> db;
  articledb::Status s = articledb::Archive::Open(options, path, &db);
  if (!s.ok()) Die("open: " + s.ToString());
  articledb::WriteOptions wo;
  wo.sync = true;

  const char* const sources[] = {"Le Monde", "Reuters", "Agence France-Presse", "Die Zeit"};
  const char* const names[] = {"Nikol Pachinian", "Arménie", "Azerbaïdjan", "Bakou", "Erevan",
                               "Union européenne", "OTAN", "Moscou"};
  std::string filler;
  for (uint64_t version = 0;; ++version) {
    const int kind = static_cast<int>(rng() % 10);
    const size_t n = kind < 3 ? 1 : 1 + rng() % 40;
    std::set<std::string> ids;
    while (ids.size() < n) ids.insert("c" + std::to_string(rng() % 2000));
    Log(log, "B " + std::to_string(n));
    if (kind == 9) {
      std::vector<std::string> del(ids.begin(), ids.end());
      for (const auto& id : del) Log(log, "D " + id);
      s = db->DeleteBatch(wo, del);
    } else {
      std::vector<articledb::Article> batch;
      for (const auto& id : ids) {
        articledb::Article a;
        a.set_id(id);
        a.set_source(sources[rng() % 4]);
        a.mutable_published_at()->set_seconds(1704067200 + static_cast<int64_t>(rng() % 31536000));
        a.set_title(id + " version " + std::to_string(version));
        filler.assign(200 + rng() % 3000, static_cast<char>('a' + rng() % 26));
        a.set_body(filler);
        const size_t k = rng() % 4;
        for (size_t j = 0; j < k; ++j) {
          auto* e = a.add_entities();
          e->set_name(names[rng() % 8]);
          e->set_kind(articledb::Entity::LOCATION);
        }
        (*a.mutable_attributes())["version"] = std::to_string(version);
        std::string json;
        if (!(s = articledb::ArticleToJson(a, &json)).ok()) Die("json: " + s.ToString());
        Log(log, "P " + id + " " + json);
        batch.push_back(std::move(a));
      }
      s = batch.size() == 1 ? db->Put(wo, batch[0]) : db->PutBatch(wo, batch);
    }
    if (!s.ok()) Die("write: " + s.ToString());
    Log(log, "A");
  }
}
