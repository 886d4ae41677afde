#include "test_util.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace articledb::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/articledb-test-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void SetPublished(Article* a, int64_t micros) {
  int64_t secs = micros / 1000000, rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --secs;
  }
  a->mutable_published_at()->set_seconds(secs);
  a->mutable_published_at()->set_nanos(static_cast<int32_t>(rem * 1000));
}

Article MakeArticle(const std::string& id, const std::string& source,
                    std::optional<int64_t> micros, std::initializer_list<std::string> entities,
                    const std::string& body) {
  Article a;
  a.set_id(id);
  a.set_source(source);
  if (micros) SetPublished(&a, *micros);
  for (const std::string& e : entities) {
    Entity* ent = a.add_entities();
    ent->set_name(e);
    ent->set_kind(Entity::PERSON);
  }
  a.set_title("Title of " + id);
  a.set_body(body.empty() ? "Body of " + id : body);
  return a;
}

std::unique_ptr<Archive> OpenOrDie(const std::string& dir, Options options) {
  options.create_if_missing = true;
  std::unique_ptr<Archive> db;
  Status s = Archive::Open(options, dir, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return db;
}

std::vector<std::string> Ids(const std::vector<Article>& articles) {
  std::vector<std::string> ids;
  for (const Article& a : articles) ids.push_back(a.id());
  return ids;
}

std::string ReutersPath() {
  const std::string p = std::string(ARTICLEDB_CORPORA_DIR) + "/reuters21578.jsonl.zst";
  return std::filesystem::exists(p) ? p : "";
}

bool ForEachZstdLine(const std::string& path, const std::function<void(const std::string&)>& line) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  ZSTD_DStream* ds = ZSTD_createDStream();
  std::vector<char> in(ZSTD_DStreamInSize()), out(ZSTD_DStreamOutSize());
  std::string pending;
  bool ok = true;
  size_t n;
  while ((n = std::fread(in.data(), 1, in.size(), f)) > 0) {
    ZSTD_inBuffer ib{in.data(), n, 0};
    while (ib.pos < ib.size) {
      ZSTD_outBuffer ob{out.data(), out.size(), 0};
      if (ZSTD_isError(ZSTD_decompressStream(ds, &ob, &ib))) {
        ok = false;
        break;
      }
      pending.append(out.data(), ob.pos);
      size_t start = 0, nl;
      while ((nl = pending.find('\n', start)) != std::string::npos) {
        line(pending.substr(start, nl - start));
        start = nl + 1;
      }
      pending.erase(0, start);
    }
    if (!ok) break;
  }
  if (ok && !pending.empty()) line(pending);
  ZSTD_freeDStream(ds);
  std::fclose(f);
  return ok;
}

std::string VerifyProblems(Archive& archive) {
  VerifyReport report;
  Status s = archive.Verify(&report);
  if (!s.ok()) return "verify failed to run: " + s.ToString();
  std::string out;
  for (const std::string& m : report.messages) out += m + "\n";
  if (!report.ok() && out.empty()) out = std::to_string(report.problems) + " problems";
  return out;
}

}  // namespace articledb::testing
