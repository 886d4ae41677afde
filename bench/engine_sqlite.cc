// SQLite doing ArticleDB's job: the same serialized record as a blob keyed by id, an
// index per access path ArticleDB has (date; source + date; entity + date through an
// article_entities table keyed like ArticleDB's entity index), a covering index of
// article_entities by docno for facets (the entities of the matching articles, counted
// with GROUP BY) and a table of entity display names (the spelling most recently
// stored, as ArticleDB's facets return), names normalised with articledb::NormalizeName,
// articles validated with ValidateArticle, upserts that replace a re-put article and its
// entity rows. WAL mode, synchronous=NORMAL, prepared statements, one transaction per
// batch, a page cache as large as ArticleDB's block cache.
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "corpus.h"
#include "engines.h"

namespace articledb::bench {
namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

class SqliteEngine final : public Engine {
 public:
  ~SqliteEngine() override { Close(); }
  const char* name() const override { return "sqlite"; }

  void Open(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const std::string path = dir + "/articles.sqlite";
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) Fail("sqlite open " + path);
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=NORMAL");
    Exec("PRAGMA cache_size=-" + std::to_string(kCacheBytes / 1024));
    Exec("CREATE TABLE IF NOT EXISTS articles ("
         " docno INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, published INTEGER NOT NULL,"
         " source_key TEXT NOT NULL, record BLOB NOT NULL)");
    Exec("CREATE INDEX IF NOT EXISTS articles_by_date ON articles(published)");
    Exec("CREATE INDEX IF NOT EXISTS articles_by_source ON articles(source_key, published)");
    Exec("CREATE TABLE IF NOT EXISTS article_entities ("
         " entity_key TEXT NOT NULL, published INTEGER NOT NULL, docno INTEGER NOT NULL,"
         " PRIMARY KEY (entity_key, published, docno)) WITHOUT ROWID");
    // Facets: from a matching docno to its entities without touching the table.
    Exec("CREATE INDEX IF NOT EXISTS article_entities_by_docno ON article_entities(docno, "
         "entity_key)");
    Exec("CREATE TABLE IF NOT EXISTS entity_names ("
         " entity_key TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID");
    find_ = Prepare("SELECT docno, published, record FROM articles WHERE id = ?1");
    insert_ = Prepare(
        "INSERT INTO articles (id, published, source_key, record) VALUES (?1, ?2, ?3, ?4)");
    update_ = Prepare(
        "UPDATE articles SET published = ?2, source_key = ?3, record = ?4 WHERE docno = ?1");
    insert_entity_ = Prepare(
        "INSERT OR IGNORE INTO article_entities (entity_key, published, docno) VALUES (?1, ?2, ?3)");
    upsert_name_ = Prepare(
        "INSERT INTO entity_names (entity_key, name) VALUES (?1, ?2) ON CONFLICT (entity_key) "
        "DO UPDATE SET name = excluded.name WHERE name <> excluded.name");
    delete_entity_ = Prepare(
        "DELETE FROM article_entities WHERE entity_key = ?1 AND published = ?2 AND docno = ?3");
    get_ = Prepare("SELECT record FROM articles WHERE id = ?1");
    count_days_ = Prepare(
        "SELECT (published - ?2) / " + std::to_string(kMicrosPerDay) +
        ", count(*) FROM article_entities WHERE entity_key = ?1 AND published >= ?2 AND "
        "published < ?3 GROUP BY 1 ORDER BY 1");
  }

  void Close() override {
    for (auto& [shape, stmt] : queries_) sqlite3_finalize(stmt);
    queries_.clear();
    for (sqlite3_stmt** s : {&find_, &insert_, &update_, &insert_entity_, &upsert_name_,
                             &delete_entity_, &get_, &count_days_}) {
      sqlite3_finalize(*s);
      *s = nullptr;
    }
    if (db_ != nullptr) sqlite3_close(db_);
    db_ = nullptr;
  }

  void Put(const Article& a) override {
    Exec("BEGIN");
    PutOne(a);
    Exec("COMMIT");
  }
  void PutBatch(std::span<const Article> batch) override {
    Exec("BEGIN");
    for (const Article& a : batch) PutOne(a);
    Exec("COMMIT");
  }
  void Settle() override { Exec("PRAGMA wal_checkpoint(TRUNCATE)"); }
  void Compact() override {
    Exec("VACUUM");
    Exec("ANALYZE");
    Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  bool Get(const std::string& id, Article* out) override {
    Bind(get_, 1, id);
    const int rc = sqlite3_step(get_);
    bool found = false;
    if (rc == SQLITE_ROW) {
      ParseBlob(get_, 0, out);
      found = true;
    } else if (rc != SQLITE_DONE) {
      Fail("sqlite get: " + std::string(sqlite3_errmsg(db_)));
    }
    sqlite3_reset(get_);
    return found;
  }

  // SQLite has no batched point lookup: one prepared statement, many steps. Fresh
  // articles each call, as ArticleDB's MultiGet returns.
  size_t MultiGet(std::span<const std::string> ids, std::vector<Article>* out) override {
    out->clear();
    out->resize(ids.size());
    size_t found = 0;
    for (size_t i = 0; i < ids.size(); ++i) found += Get(ids[i], &(*out)[i]);
    return found;
  }

  bool Query(const QuerySpec& q, std::vector<Hit>* hits) override {
    sqlite3_stmt* stmt = Statement(q, false);
    hits->clear();
    // The caller gets a page of articles, as from ArticleDB's Query.
    page_.clear();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      Article& a = page_.emplace_back();
      ParseBlob(stmt, 1, &a);
      hits->push_back(Hit{sqlite3_column_int64(stmt, 0), a.id()});
    }
    if (rc != SQLITE_DONE) Fail("sqlite query: " + std::string(sqlite3_errmsg(db_)));
    sqlite3_reset(stmt);
    return true;
  }

  bool Facets(const QuerySpec& q, NameCounts* facets) override {
    sqlite3_stmt* stmt = Statement(q, true);
    facets->clear();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      facets->emplace_back(std::string(name, static_cast<size_t>(sqlite3_column_bytes(stmt, 0))),
                           static_cast<uint64_t>(sqlite3_column_int64(stmt, 1)));
    }
    if (rc != SQLITE_DONE) Fail("sqlite facets: " + std::string(sqlite3_errmsg(db_)));
    sqlite3_reset(stmt);
    return true;
  }

  bool CountDays(const std::string& entity, int64_t from, int64_t to, DayCounts* days) override {
    Bind(count_days_, 1, NormalizeName(entity));
    sqlite3_bind_int64(count_days_, 2, from);
    sqlite3_bind_int64(count_days_, 3, to);
    days->clear();
    int rc;
    while ((rc = sqlite3_step(count_days_)) == SQLITE_ROW) {
      days->emplace_back(from + sqlite3_column_int64(count_days_, 0) * kMicrosPerDay,
                         static_cast<uint64_t>(sqlite3_column_int64(count_days_, 1)));
    }
    if (rc != SQLITE_DONE) Fail("sqlite count: " + std::string(sqlite3_errmsg(db_)));
    sqlite3_reset(count_days_);
    return true;
  }

  // The sources of a query: `source` and `sources`, any of.
  static std::vector<std::string> Sources(const QuerySpec& q) {
    std::vector<std::string> all = q.sources;
    if (q.source) all.insert(all.begin(), *q.source);
    return all;
  }

  // The statement of the query's shape (prepared once per shape), with its parameters
  // bound: entities first (?1..?k), then sources, not-entities, from, to, limit.
  sqlite3_stmt* Statement(const QuerySpec& q, bool facets) {
    const std::vector<std::string> sources = Sources(q);
    std::string shape = facets ? "F" : "Q";
    shape += q.from_micros ? 'f' : '-';
    shape += q.to_micros ? 't' : '-';
    for (size_t n : {sources.size(), q.entities.size(), q.not_entities.size()}) {
      shape += '/';
      shape += std::to_string(n);
    }
    sqlite3_stmt*& stmt = queries_[shape];
    if (stmt == nullptr) stmt = Prepare(QuerySql(q, facets));
    int p = 1;
    // The first entity drives the join: the harness lists the rarest first.
    for (const std::string& e : q.entities) Bind(stmt, p++, NormalizeName(e));
    for (const std::string& s : sources) Bind(stmt, p++, NormalizeName(s));
    for (const std::string& e : q.not_entities) Bind(stmt, p++, NormalizeName(e));
    if (q.from_micros) sqlite3_bind_int64(stmt, p++, *q.from_micros);
    if (q.to_micros) sqlite3_bind_int64(stmt, p++, *q.to_micros);
    sqlite3_bind_int64(stmt, p++, static_cast<int64_t>(q.limit));
    return stmt;
  }

  // Queries select the newest `limit` matching articles, (date, record). Facets group
  // the entities of every matching article (through the covering index by docno) and
  // return the `limit` most frequent, (display name, count), most first.
  static std::string QuerySql(const QuerySpec& q, bool facets) {
    const std::vector<std::string> sources = Sources(q);
    auto param = [](size_t p) { return "?" + std::to_string(p); };
    size_t p = q.entities.size() + 1;
    std::string tables;
    std::string where;
    std::string t;      // the date column
    std::string docno;  // the docno column
    if (q.entities.empty()) {
      tables = " FROM articles a";
      where = " WHERE 1";
      t = "a.published";
      docno = "a.docno";
    } else {
      tables = " FROM article_entities e0";
      for (size_t k = 1; k < q.entities.size(); ++k) {
        const std::string e = "e" + std::to_string(k);
        tables += " JOIN article_entities " + e + " ON " + e + ".entity_key = " + param(k + 1) +
                  " AND " + e + ".published = e0.published AND " + e + ".docno = e0.docno";
      }
      // Records are read for pages; facets need the articles only to check sources.
      if (!facets || !sources.empty()) tables += " JOIN articles a ON a.docno = e0.docno";
      where = " WHERE e0.entity_key = ?1";
      t = "e0.published";
      docno = "e0.docno";
    }
    if (sources.size() == 1) {
      where += " AND a.source_key = " + param(p++);
    } else if (!sources.empty()) {
      where += " AND a.source_key IN (";
      for (size_t k = 0; k < sources.size(); ++k) where += (k > 0 ? ", " : "") + param(p++);
      where += ")";
    }
    for (size_t k = 0; k < q.not_entities.size(); ++k) {
      where += " AND NOT EXISTS (SELECT 1 FROM article_entities n WHERE n.entity_key = " +
               param(p++) + " AND n.published = " + t + " AND n.docno = " + docno + ")";
    }
    if (q.from_micros) where += " AND " + t + " >= " + param(p++);
    if (q.to_micros) where += " AND " + t + " < " + param(p++);
    const std::string limit = param(p++);
    if (facets) {
      return "SELECT coalesce(names.name, top.entity_key), top.c FROM (SELECT f.entity_key AS "
             "entity_key, count(*) AS c" +
             tables + " JOIN article_entities f ON f.docno = " + docno + where +
             " GROUP BY f.entity_key ORDER BY c DESC, f.entity_key LIMIT " + limit +
             ") top LEFT JOIN entity_names names ON names.entity_key = top.entity_key "
             "ORDER BY top.c DESC, top.entity_key";
    }
    return "SELECT " + t + ", a.record" + tables + where + " ORDER BY " + t + " DESC, " + docno +
           " DESC LIMIT " + limit;
  }

 private:
  void PutOne(const Article& a) {
    const Status v = ValidateArticle(a, Limits());
    if (!v.ok()) Fail("sqlite put: " + v.ToString());
    if (!a.SerializeToString(&record_)) Fail("sqlite: cannot serialize " + a.id());
    const int64_t published = a.has_published_at() ? TimestampMicros(a.published_at()) : kNoDate;
    const std::string source_key = NormalizeName(a.source());

    // An article already stored under this id: replace it and its entity rows.
    int64_t docno = -1;
    Bind(find_, 1, a.id());
    int rc = sqlite3_step(find_);
    if (rc == SQLITE_ROW) {
      docno = sqlite3_column_int64(find_, 0);
      const int64_t old_published = sqlite3_column_int64(find_, 1);
      Article old;
      ParseBlob(find_, 2, &old);
      for (const Entity& e : old.entities()) {
        Bind(delete_entity_, 1, NormalizeName(e.name()));
        sqlite3_bind_int64(delete_entity_, 2, old_published);
        sqlite3_bind_int64(delete_entity_, 3, docno);
        Step(delete_entity_, "delete entity");
      }
    } else if (rc != SQLITE_DONE) {
      Fail("sqlite find: " + std::string(sqlite3_errmsg(db_)));
    }
    sqlite3_reset(find_);

    sqlite3_stmt* write = docno < 0 ? insert_ : update_;
    if (docno < 0) {
      Bind(write, 1, a.id());
    } else {
      sqlite3_bind_int64(write, 1, docno);
    }
    sqlite3_bind_int64(write, 2, published);
    Bind(write, 3, source_key);
    sqlite3_bind_blob(write, 4, record_.data(), static_cast<int>(record_.size()), SQLITE_STATIC);
    Step(write, "write article");
    if (docno < 0) docno = sqlite3_last_insert_rowid(db_);
    for (const Entity& e : a.entities()) {
      const std::string key = NormalizeName(e.name());
      Bind(insert_entity_, 1, key);
      sqlite3_bind_int64(insert_entity_, 2, published);
      sqlite3_bind_int64(insert_entity_, 3, docno);
      Step(insert_entity_, "insert entity");
      Bind(upsert_name_, 1, key);
      Bind(upsert_name_, 2, e.name());
      Step(upsert_name_, "store entity name");
    }
  }

  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err != nullptr ? err : "?";
      sqlite3_free(err);
      Fail("sqlite: " + sql + ": " + msg);
    }
  }
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) !=
        SQLITE_OK) {
      Fail("sqlite prepare: " + sql + ": " + sqlite3_errmsg(db_));
    }
    return s;
  }
  static void Bind(sqlite3_stmt* s, int i, const std::string& text) {
    sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void Step(sqlite3_stmt* s, const char* what) {
    if (sqlite3_step(s) != SQLITE_DONE) Fail(std::string("sqlite ") + what + ": " + sqlite3_errmsg(db_));
    sqlite3_reset(s);
  }
  static void ParseBlob(sqlite3_stmt* s, int col, Article* out) {
    const void* p = sqlite3_column_blob(s, col);
    const int n = sqlite3_column_bytes(s, col);
    if (!out->ParseFromArray(p, n)) Fail("sqlite: unreadable record");
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* find_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* update_ = nullptr;
  sqlite3_stmt* insert_entity_ = nullptr;
  sqlite3_stmt* upsert_name_ = nullptr;
  sqlite3_stmt* delete_entity_ = nullptr;
  sqlite3_stmt* get_ = nullptr;
  sqlite3_stmt* count_days_ = nullptr;
  std::map<std::string, sqlite3_stmt*> queries_;
  std::string record_;
  std::vector<Article> page_;
};

}  // namespace

uint64_t Engine::Dump(const std::string&, uint64_t*) { Fail(std::string(name()) + ": no dump"); }
uint64_t Engine::Restore(const std::string&, uint64_t*) {
  Fail(std::string(name()) + ": no restore");
}

std::unique_ptr<Engine> NewSqliteEngine() { return std::make_unique<SqliteEngine>(); }

}  // namespace articledb::bench
