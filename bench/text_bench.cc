// articledb_text_bench: text search in ArticleDB (its text index) against SQLite FTS5 and
// Xapian doing the same job on the same articles (docs/benchmarks.md, "Text search").
//
// Each engine is loaded with the whole corpus in batches of 1,000 articles (one
// transaction each), settled on disk, then asked the same queries:
//   - count: the number of articles matching a word;
//   - newest: the 10 newest articles matching a word, or a phrase, or a phrase published
//     in the 30 days around the corpus's median date;
//   - timeline: the number of articles matching a word per UTC day;
//   - ranked: the 10 best by BM25 (ArticleDB: Order::kRelevance).
// On Reuters, relevance is measured too: the 30 most frequent topics are the queries (the
// words of the topic's name in the collection's category descriptions, "Mergers
// Acquisitions" for "acq", or its code when that is a word, joined by OR: how a user types
// a topic, never tuned to the judgments) and the articles carrying a topic its relevant
// set; each engine's 100 best by BM25 give P@10, MAP@100 and nDCG@10.
// The engines:
//   - articledb: the library with its text index (Options::index_text), and once more
//     without it, for the cost the text index adds to ingest;
//   - sqlite-fts5: a table of the records (id, published, title, body) and an FTS5
//     external-content table over title and body with the `porter unicode61` tokenizer,
//     queried with MATCH, ORDER BY published DESC (newest) or bm25() (ranked);
//   - xapian: a database of the articles, title and body indexed by TermGenerator with the
//     English stemmer (positions kept, so phrases work), the id as data and the
//     publication time as a sortable value; newest by that value, ranked by BM25 (its
//     default weighting).
// Stemmers differ (Snowball English in ArticleDB and Xapian, the Porter stemmer in FTS5),
// so counts differ a little; each engine's match counts are printed beside its figures.
//
//   articledb_text_bench --corpus=reuters|synthetic:N --workdir=DIR --out=FILE.json
// FILE.json holds the figures and a "markdown" table render.py puts in docs/benchmarks.md.
#include <sqlite3.h>
#include <sys/resource.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "articledb/archive.h"
#include "corpus.h"

namespace articledb::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

// Words of Reuters-21578's topics as a user would type them, and phrases of its text.
const std::vector<std::string> kWords = {
    "earnings", "acquisition", "crude", "trade", "grain", "interest", "wheat", "ship",
    "corn", "dollar", "sugar", "coffee", "gold", "cocoa", "jobs", "copper", "reserves",
    "rice", "aluminium", "iron", "livestock", "rubber", "cotton", "tin", "gas", "soybean",
    "inflation", "housing", "retail", "zinc"};
const std::vector<std::string> kPhrases = {
    "crude oil", "interest rates", "trade deficit", "stock exchange", "central bank",
    "net loss", "money supply", "oil prices", "federal reserve", "wheat exports"};

class TextEngine {
 public:
  virtual ~TextEngine() = default;
  virtual std::string name() const = 0;
  virtual void Open(const std::string& dir) = 0;
  virtual void Add(const std::vector<Article>& batch) = 0;  // one transaction
  virtual void Settle() = 0;
  virtual void Close() = 0;
  virtual uint64_t Count(const std::string& word) = 0;
  // The ids of the 10 newest matches of a word (`phrase`: of the phrase).
  virtual size_t Newest(const std::string& text, bool phrase, std::vector<std::string>* ids) = 0;
  // The k best by BM25 for a query of words and OR.
  virtual void Ranked(const std::string& query, size_t k, std::vector<std::string>* ids) = 0;
  // The 10 newest matches of a phrase published in [lo, hi).
  virtual size_t PhraseInRange(const std::string& phrase, int64_t lo, int64_t hi,
                               std::vector<std::string>* ids) = 0;
  // Matches of a word per UTC day; returns the number of days with one, and their sum.
  virtual size_t Timeline(const std::string& word, uint64_t* total) = 0;
};

constexpr int64_t kDayMicros = 86400LL * 1000000;

void Check(const Status& s, const char* what) {
  if (!s.ok()) Fail(std::string("articledb ") + what + ": " + s.ToString());
}

class ArticleDbText final : public TextEngine {
 public:
  explicit ArticleDbText(bool text) : text_(text) {}
  std::string name() const override { return text_ ? "articledb" : "articledb (no text index)"; }
  void Open(const std::string& dir) override {
    Options o;
    o.create_if_missing = true;
    o.index_text = text_;
    Check(Archive::Open(o, dir, &db_), "open");
  }
  void Add(const std::vector<Article>& batch) override {
    Check(db_->PutBatch(WriteOptions(), batch), "put batch");
  }
  void Settle() override { Check(db_->Flush(), "flush"); }
  void Close() override { db_.reset(); }
  uint64_t Count(const std::string& word) override {
    Filter f;
    f.text = word;
    uint64_t n = 0;
    Check(db_->Count(f, &n), "count");
    return n;
  }
  size_t Newest(const std::string& text, bool phrase, std::vector<std::string>* ids) override {
    Filter f;
    f.text = phrase ? "\"" + text + "\"" : text;
    return FirstPage(f, ids);
  }
  size_t PhraseInRange(const std::string& phrase, int64_t lo, int64_t hi,
                       std::vector<std::string>* ids) override {
    Filter f;
    f.text = "\"" + phrase + "\"";
    f.from_micros = lo;
    f.to_micros = hi;
    return FirstPage(f, ids);
  }
  void Ranked(const std::string& query, size_t k, std::vector<std::string>* ids) override {
    Filter f;
    f.text = query;
    QueryOptions qo;
    qo.limit = k;
    qo.order = Order::kRelevance;
    qo.projection = Projection::kSummary;
    Page page;
    Check(db_->Query(f, qo, &page), "ranked query");
    ids->clear();
    for (const Article& a : page.articles) ids->push_back(a.id());
  }
  size_t Timeline(const std::string& word, uint64_t* total) override {
    Filter f;
    f.text = word;
    std::vector<TimelineEntry> days;
    Check(db_->Timeline(f, Bucket::kDay, &days), "timeline");
    *total = 0;
    size_t n = 0;
    for (const TimelineEntry& d : days) {
      *total += d.count;
      n += d.count > 0 ? 1 : 0;
    }
    return n;
  }

 private:
  // The ids of the first page of 10, newest first.
  size_t FirstPage(const Filter& f, std::vector<std::string>* ids) {
    QueryOptions qo;
    qo.limit = 10;
    qo.projection = Projection::kSummary;
    Page page;
    Check(db_->Query(f, qo, &page), "query");
    ids->clear();
    for (const Article& a : page.articles) ids->push_back(a.id());
    return ids->size();
  }

  bool text_;
  std::unique_ptr<Archive> db_;
};

class Fts5 final : public TextEngine {
 public:
  ~Fts5() override { Close(); }
  std::string name() const override { return "sqlite-fts5"; }
  void Open(const std::string& dir) override {
    std::filesystem::create_directories(dir);
    if (sqlite3_open((dir + "/fts.sqlite").c_str(), &db_) != SQLITE_OK) Fail("sqlite open");
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=NORMAL");
    Exec("PRAGMA cache_size=-262144");
    Exec("CREATE TABLE articles (docno INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
         "published INTEGER NOT NULL, title TEXT, body TEXT)");
    Exec("CREATE INDEX articles_by_date ON articles(published)");
    Exec("CREATE VIRTUAL TABLE fts USING fts5(title, body, content='articles', "
         "content_rowid='docno', tokenize='porter unicode61')");
    insert_ = Prepare("INSERT INTO articles (id, published, title, body) VALUES (?1, ?2, ?3, ?4)");
    insert_fts_ = Prepare("INSERT INTO fts (rowid, title, body) VALUES (?1, ?2, ?3)");
    count_ = Prepare("SELECT count(*) FROM fts WHERE fts MATCH ?1");
    newest_ = Prepare("SELECT a.id FROM fts JOIN articles a ON a.docno = fts.rowid "
                      "WHERE fts MATCH ?1 ORDER BY a.published DESC LIMIT 10");
    ranked_ = Prepare("SELECT a.id FROM fts JOIN articles a ON a.docno = fts.rowid "
                      "WHERE fts MATCH ?1 ORDER BY bm25(fts, 2.0, 1.0) LIMIT ?2");
    in_range_ = Prepare("SELECT a.id FROM fts JOIN articles a ON a.docno = fts.rowid "
                        "WHERE fts MATCH ?1 AND a.published >= ?2 AND a.published < ?3 "
                        "ORDER BY a.published DESC LIMIT 10");
    timeline_ = Prepare("SELECT a.published / " + std::to_string(kDayMicros) +
                        ", count(*) FROM fts JOIN articles a ON a.docno = fts.rowid "
                        "WHERE fts MATCH ?1 GROUP BY 1");
  }
  size_t PhraseInRange(const std::string& phrase, int64_t lo, int64_t hi,
                       std::vector<std::string>* ids) override {
    sqlite3_bind_int64(in_range_, 2, lo);
    sqlite3_bind_int64(in_range_, 3, hi);
    return Ids(in_range_, "\"" + phrase + "\"", ids);
  }
  size_t Timeline(const std::string& word, uint64_t* total) override {
    Bind(timeline_, word);
    size_t n = 0;
    *total = 0;
    while (sqlite3_step(timeline_) == SQLITE_ROW) {
      ++n;
      *total += static_cast<uint64_t>(sqlite3_column_int64(timeline_, 1));
    }
    sqlite3_reset(timeline_);
    return n;
  }
  void Add(const std::vector<Article>& batch) override {
    Exec("BEGIN");
    for (const Article& a : batch) {
      sqlite3_bind_text(insert_, 1, a.id().data(), static_cast<int>(a.id().size()), SQLITE_STATIC);
      sqlite3_bind_int64(insert_, 2, a.has_published_at() ? TimestampMicros(a.published_at()) : 0);
      sqlite3_bind_text(insert_, 3, a.title().data(), static_cast<int>(a.title().size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(insert_, 4, a.body().data(), static_cast<int>(a.body().size()),
                        SQLITE_STATIC);
      Step(insert_);
      sqlite3_bind_int64(insert_fts_, 1, sqlite3_last_insert_rowid(db_));
      sqlite3_bind_text(insert_fts_, 2, a.title().data(), static_cast<int>(a.title().size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(insert_fts_, 3, a.body().data(), static_cast<int>(a.body().size()),
                        SQLITE_STATIC);
      Step(insert_fts_);
    }
    Exec("COMMIT");
  }
  void Settle() override { Exec("PRAGMA wal_checkpoint(TRUNCATE)"); }
  void Close() override {
    for (sqlite3_stmt** s :
         {&insert_, &insert_fts_, &count_, &newest_, &ranked_, &in_range_, &timeline_}) {
      sqlite3_finalize(*s);
      *s = nullptr;
    }
    if (db_ != nullptr) sqlite3_close(db_);
    db_ = nullptr;
  }
  uint64_t Count(const std::string& word) override {
    Bind(count_, word);
    uint64_t n = 0;
    if (sqlite3_step(count_) == SQLITE_ROW) n = static_cast<uint64_t>(sqlite3_column_int64(count_, 0));
    sqlite3_reset(count_);
    return n;
  }
  size_t Newest(const std::string& text, bool phrase, std::vector<std::string>* ids) override {
    return Ids(newest_, phrase ? "\"" + text + "\"" : text, ids);
  }
  void Ranked(const std::string& query, size_t k, std::vector<std::string>* ids) override {
    sqlite3_bind_int64(ranked_, 2, static_cast<int64_t>(k));
    Ids(ranked_, query, ids);
  }

 private:
  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      Fail("sqlite: " + sql + ": " + (err ? err : "?"));
    }
  }
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      Fail("sqlite prepare: " + sql + ": " + sqlite3_errmsg(db_));
    }
    return s;
  }
  void Step(sqlite3_stmt* s) {
    if (sqlite3_step(s) != SQLITE_DONE) Fail(std::string("sqlite step: ") + sqlite3_errmsg(db_));
    sqlite3_reset(s);
  }
  void Bind(sqlite3_stmt* s, const std::string& text) {
    sqlite3_bind_text(s, 1, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  size_t Ids(sqlite3_stmt* s, const std::string& match, std::vector<std::string>* ids) {
    Bind(s, match);
    ids->clear();
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      ids->emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    }
    if (rc != SQLITE_DONE) Fail("sqlite: " + std::string(sqlite3_errmsg(db_)) + " for " + match);
    sqlite3_reset(s);
    return ids->size();
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt *insert_ = nullptr, *insert_fts_ = nullptr, *count_ = nullptr,
               *newest_ = nullptr, *ranked_ = nullptr, *in_range_ = nullptr,
               *timeline_ = nullptr;
};

class XapianText final : public TextEngine {
 public:
  std::string name() const override { return "xapian"; }
  void Open(const std::string& dir) override {
    db_ = std::make_unique<Xapian::WritableDatabase>(dir, Xapian::DB_CREATE_OR_OPEN);
    indexer_.set_stemmer(Xapian::Stem("english"));
    parser_.set_stemmer(Xapian::Stem("english"));
    parser_.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  }
  void Add(const std::vector<Article>& batch) override {
    for (const Article& a : batch) {
      Xapian::Document doc;
      indexer_.set_document(doc);
      indexer_.index_text(a.title(), 2);  // the title counts twice, as in FTS5's bm25 above
      indexer_.increase_termpos();
      indexer_.index_text(a.body());
      doc.set_data(a.id());
      const int64_t t = a.has_published_at() ? TimestampMicros(a.published_at()) : 0;
      doc.add_value(0, Xapian::sortable_serialise(static_cast<double>(t)));
      doc.add_boolean_term("Q" + a.id());
      db_->replace_document("Q" + a.id(), doc);
    }
    db_->commit();
  }
  void Settle() override { db_->commit(); }
  void Close() override { db_.reset(); }
  uint64_t Count(const std::string& word) override {
    Xapian::Enquire enquire(*db_);
    enquire.set_query(Parse(word));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    const Xapian::MSet m = enquire.get_mset(0, 0, db_->get_doccount());
    return m.get_matches_estimated();
  }
  size_t Newest(const std::string& text, bool phrase, std::vector<std::string>* ids) override {
    Xapian::Enquire enquire(*db_);
    enquire.set_query(Parse(phrase ? "\"" + text + "\"" : text));
    enquire.set_sort_by_value(0, true);
    return Collect(enquire, ids);
  }
  void Ranked(const std::string& query, size_t k, std::vector<std::string>* ids) override {
    Xapian::Enquire enquire(*db_);
    enquire.set_query(parser_.parse_query(
        query, Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN));
    Collect(enquire, ids, k);
  }
  size_t PhraseInRange(const std::string& phrase, int64_t lo, int64_t hi,
                       std::vector<std::string>* ids) override {
    Xapian::Enquire enquire(*db_);
    const Xapian::Query range(Xapian::Query::OP_VALUE_RANGE, 0,
                              Xapian::sortable_serialise(static_cast<double>(lo)),
                              Xapian::sortable_serialise(static_cast<double>(hi - 1)));
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Parse("\"" + phrase + "\""), range));
    enquire.set_sort_by_value(0, true);
    return Collect(enquire, ids);
  }
  size_t Timeline(const std::string& word, uint64_t* total) override {
    Xapian::Enquire enquire(*db_);
    enquire.set_query(Parse(word));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    const Xapian::MSet m = enquire.get_mset(0, db_->get_doccount());
    std::map<int64_t, uint64_t> days;
    for (auto it = m.begin(); it != m.end(); ++it) {
      const double t = Xapian::sortable_unserialise(it.get_document().get_value(0));
      ++days[static_cast<int64_t>(t) / kDayMicros];
    }
    *total = m.size();
    return days.size();
  }

 private:
  Xapian::Query Parse(const std::string& text) {
    return parser_.parse_query(text, Xapian::QueryParser::FLAG_PHRASE);
  }
  size_t Collect(Xapian::Enquire& enquire, std::vector<std::string>* ids, size_t k = 10) {
    ids->clear();
    const Xapian::MSet m = enquire.get_mset(0, static_cast<Xapian::doccount>(k));
    for (auto it = m.begin(); it != m.end(); ++it) ids->push_back(it.get_document().get_data());
    return ids->size();
  }

  std::unique_ptr<Xapian::WritableDatabase> db_;
  Xapian::TermGenerator indexer_;
  Xapian::QueryParser parser_;
};

// Runs `fn` over `queries` round after round for at least `min_seconds`; queries/s.
double Rate(const std::vector<std::string>& queries, double min_seconds,
            const std::function<void(const std::string&)>& fn) {
  const auto start = Clock::now();
  uint64_t done = 0;
  do {
    for (const std::string& q : queries) fn(q);
    done += queries.size();
  } while (Seconds(start) < min_seconds);
  return static_cast<double>(done) / Seconds(start);
}

// The 30 days around the corpus's median publication time: "a month".
void MiddleMonth(const Corpus& corpus, int64_t* lo, int64_t* hi) {
  std::vector<int64_t> times;
  for (size_t i = 0; i < corpus.size(); ++i) {
    if (corpus.published(i) != kNoDate) times.push_back(corpus.published(i));
  }
  if (times.empty()) times.push_back(0);
  std::nth_element(times.begin(), times.begin() + static_cast<long>(times.size() / 2), times.end());
  const int64_t mid = times[times.size() / 2];
  *lo = mid - 15 * kDayMicros;
  *hi = mid + 15 * kDayMicros;
}

// Relevance judgments: Reuters-21578's 30 most frequent topics, each a query (its words
// joined by OR) and the articles carrying it.
struct Judgments {
  std::vector<std::string> topics, queries;
  std::vector<std::set<std::string>> relevant;
};

// The names Reuters-21578 gives its topics (the collection's category descriptions), for
// the topics whose code is not a word a user would type ("acq"); other topics are typed
// as their code ("crude", "wheat").
const std::map<std::string, std::string> kTopicNames = {
    {"earn", "Earnings and Earnings Forecasts"},
    {"acq", "Mergers Acquisitions"},
    {"money-fx", "Money Foreign Exchange"},
    {"crude", "Crude Oil"},
    {"interest", "Interest Rates"},
    {"ship", "Shipping"},
    {"dlr", "US Dollar"},
    {"oilseed", "Oilseeds"},
    {"money-supply", "Money Supply"},
    {"gnp", "Gross National Domestic Product"},
    {"veg-oil", "Vegetable Oils"},
    {"nat-gas", "Natural Gas"},
    {"bop", "Balance of Payments"},
    {"cpi", "Consumer Price Index"},
    {"jobs", "Employment"},
    {"yen", "Japanese Yen"},
    {"iron-steel", "Iron Steel"},
    {"ipi", "Industrial Production Index"},
    {"lei", "Leading Economic Indicators"},
    {"wpi", "Wholesale Price Index"},
};

Judgments TopicJudgments(const Corpus& corpus) {
  std::map<std::string, std::set<std::string>> by_topic;
  auto reader = corpus.Read();
  Article a;
  while (reader->Next(&a)) {
    for (const std::string& t : a.topics()) by_topic[t].insert(a.id());
  }
  std::vector<std::pair<size_t, std::string>> sizes;
  for (const auto& [topic, ids] : by_topic) sizes.emplace_back(ids.size(), topic);
  std::sort(sizes.begin(), sizes.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  Judgments j;
  for (size_t i = 0; i < sizes.size() && i < 30; ++i) {
    const std::string& topic = sizes[i].second;
    const auto name = kTopicNames.find(topic);
    const std::string words = name == kTopicNames.end() ? topic : name->second;
    std::string query;  // the distinct words joined by OR (a word: letters and digits)
    std::set<std::string> seen;
    std::string word;
    for (size_t at = 0; at <= words.size(); ++at) {
      const char c = at < words.size() ? words[at] : ' ';
      if (std::isalnum(static_cast<unsigned char>(c))) {
        word += c;
      } else if (!word.empty()) {
        if (seen.insert(word).second) query += (query.empty() ? "" : " OR ") + word;
        word.clear();
      }
    }
    j.topics.push_back(topic);
    j.queries.push_back(query);
    j.relevant.push_back(by_topic[topic]);
  }
  return j;
}

struct Quality {
  double p10 = 0, map100 = 0, ndcg10 = 0;
};

// P@10, MAP@100 and nDCG@10 (binary gains) of the engine's 100 best per query, averaged.
Quality Evaluate(TextEngine& e, const Judgments& j) {
  Quality q;
  std::vector<std::string> ids;
  for (size_t i = 0; i < j.queries.size(); ++i) {
    e.Ranked(j.queries[i], 100, &ids);
    const std::set<std::string>& rel = j.relevant[i];
    double hits = 0, ap = 0, dcg = 0, idcg = 0;
    for (size_t r = 0; r < ids.size(); ++r) {
      if (rel.count(ids[r]) == 0) continue;
      hits += 1;
      ap += hits / static_cast<double>(r + 1);
      if (r < 10) dcg += 1.0 / std::log2(static_cast<double>(r) + 2.0);
    }
    for (size_t r = 0; r < std::min<size_t>(10, rel.size()); ++r) {
      idcg += 1.0 / std::log2(static_cast<double>(r) + 2.0);
    }
    size_t top10 = 0;
    for (size_t r = 0; r < ids.size() && r < 10; ++r) top10 += rel.count(ids[r]);
    q.p10 += static_cast<double>(top10) / 10.0;
    q.map100 += ap / static_cast<double>(std::min<size_t>(100, rel.size()));
    q.ndcg10 += idcg > 0 ? dcg / idcg : 0;
  }
  const double n = static_cast<double>(std::max<size_t>(1, j.queries.size()));
  q.p10 /= n;
  q.map100 /= n;
  q.ndcg10 /= n;
  return q;
}

struct Figures {
  std::string engine;
  Quality quality;
  bool judged = false;
  double ingest_per_s = 0;
  uint64_t disk_bytes = 0;
  double count_qps = 0, newest_qps = 0, phrase_qps = 0, ranked_qps = 0, range_qps = 0,
         timeline_qps = 0;
  uint64_t matches = 0, phrase_hits = 0;  // summed over the queries: what each engine found
};

Figures Measure(TextEngine& e, const Corpus& corpus, const std::string& dir, double min_seconds,
                bool queries, const Judgments& judgments) {
  Figures f;
  f.engine = e.name();
  std::filesystem::remove_all(dir);
  e.Open(dir);
  auto reader = corpus.Read();
  std::vector<Article> batch;
  Article a;
  const auto start = Clock::now();
  bool more = true;
  while (more) {
    batch.clear();
    while (batch.size() < 1000 && (more = reader->Next(&a))) batch.push_back(a);
    if (!batch.empty()) e.Add(batch);
  }
  e.Settle();
  f.ingest_per_s = static_cast<double>(corpus.size()) / Seconds(start);
  f.disk_bytes = DirBytes(dir);
  if (queries) {
    std::vector<std::string> ids;
    for (const std::string& w : kWords) f.matches += e.Count(w);
    for (const std::string& p : kPhrases) f.phrase_hits += e.Newest(p, true, &ids);
    f.count_qps = Rate(kWords, min_seconds, [&](const std::string& q) { e.Count(q); });
    f.newest_qps = Rate(kWords, min_seconds, [&](const std::string& q) { e.Newest(q, false, &ids); });
    f.phrase_qps = Rate(kPhrases, min_seconds, [&](const std::string& q) { e.Newest(q, true, &ids); });
    int64_t lo = 0, hi = 0;
    MiddleMonth(corpus, &lo, &hi);
    f.range_qps = Rate(kPhrases, min_seconds,
                       [&](const std::string& q) { e.PhraseInRange(q, lo, hi, &ids); });
    uint64_t total = 0;
    f.timeline_qps = Rate(kWords, min_seconds, [&](const std::string& q) { e.Timeline(q, &total); });
    f.ranked_qps =
        Rate(kWords, min_seconds, [&](const std::string& q) { e.Ranked(q, 10, &ids); });
    if (!judgments.queries.empty()) {
      f.quality = Evaluate(e, judgments);
      f.judged = true;
    }
  }
  e.Close();
  std::filesystem::remove_all(dir);
  std::fprintf(stderr, "%s: %.0f articles/s, %.1f MB, count %.0f q/s, newest %.0f q/s, "
               "phrase %.0f q/s, phrase in a month %.0f q/s, timeline %.0f q/s, ranked %.0f "
               "q/s, matches %" PRIu64 "\n",
               f.engine.c_str(), f.ingest_per_s, static_cast<double>(f.disk_bytes) / 1e6,
               f.count_qps, f.newest_qps, f.phrase_qps, f.range_qps, f.timeline_qps,
               f.ranked_qps, f.matches);
  return f;
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

int Main(int argc, char** argv) {
  std::string corpus_arg = "reuters", workdir = "text-bench-work", out = "text.json";
  double min_seconds = 0.5;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* flag) -> const char* {
      const size_t n = std::strlen(flag);
      return arg.compare(0, n, flag) == 0 ? argv[i] + n : nullptr;
    };
    if (const char* v = value("--corpus=")) {
      corpus_arg = v;
    } else if (const char* w = value("--workdir=")) {
      workdir = w;
    } else if (const char* o = value("--out=")) {
      out = o;
    } else if (const char* m = value("--min_seconds=")) {
      min_seconds = std::atof(m);
    } else {
      std::fprintf(stderr, "usage: articledb_text_bench [--corpus=reuters|synthetic:N] "
                           "[--workdir=DIR] [--out=FILE.json] [--min_seconds=S]\n");
      return 2;
    }
  }
  CorpusSpec spec;
  if (corpus_arg == "reuters") {
    spec.kind = "reuters";
    spec.reuters_path = std::string(ARTICLEDB_CORPORA_DIR) + "/reuters21578.jsonl.zst";
  } else if (corpus_arg.rfind("synthetic:", 0) == 0) {
    spec.kind = "synthetic";
    spec.synthetic_count = std::stoull(corpus_arg.substr(10));
  } else {
    Fail("unknown corpus " + corpus_arg);
  }
  std::filesystem::create_directories(workdir);
  auto corpus = Corpus::Prepare(spec, workdir);
  const Judgments judgments = spec.kind == "reuters" ? TopicJudgments(*corpus) : Judgments();
  ArticleDbText with(true), without(false);
  Fts5 fts;
  XapianText xapian;
  std::vector<Figures> all;
  all.push_back(Measure(with, *corpus, workdir + "/articledb", min_seconds, true, judgments));
  all.push_back(
      Measure(without, *corpus, workdir + "/articledb-plain", min_seconds, false, judgments));
  all.push_back(Measure(fts, *corpus, workdir + "/fts5", min_seconds, true, judgments));
  all.push_back(Measure(xapian, *corpus, workdir + "/xapian", min_seconds, true, judgments));
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);

  const Figures& adb = all[0];
  const Figures& plain = all[1];
  auto ratio = [](double a, double b) { return b > 0 ? Fixed(a / b, 2) : std::string("-"); };
  std::string md;
  md += "On " + corpus->description() + ", one run (`bench/text_bench.cc`; 30 topic words, 10 "
        "phrases; queries per second, one thread). Peak RSS of the whole run: " +
        Fixed(static_cast<double>(ru.ru_maxrss) / 1024, 0) + " MB.\n\n";
  md += "| engine | ingest (articles/s) | disk (MB) | count (q/s) | newest 10 (q/s) | "
        "phrase, newest 10 (q/s) | phrase in a month (q/s) | timeline by day (q/s) | "
        "ranked top 10 (q/s) | matches of the 30 words |\n";
  md += "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const Figures& f : all) {
    const bool q = f.count_qps > 0;
    md += "| " + f.engine + " | " + Fixed(f.ingest_per_s, 0) + " | " +
          Fixed(static_cast<double>(f.disk_bytes) / 1e6, 1) + " | " +
          (q ? Fixed(f.count_qps, 0) : "-") + " | " + (q ? Fixed(f.newest_qps, 0) : "-") +
          " | " + (q ? Fixed(f.phrase_qps, 0) : "-") + " | " +
          (q ? Fixed(f.range_qps, 0) : "-") + " | " + (q ? Fixed(f.timeline_qps, 0) : "-") +
          " | " +
          (f.ranked_qps > 0 ? Fixed(f.ranked_qps, 0) : "-") + " | " +
          (q ? std::to_string(f.matches) : "-") + " |\n";
  }
  const Figures& a = all[2];
  const Figures& x = all[3];
  const double best_count = std::max(a.count_qps, x.count_qps);
  const double best_newest = std::max(a.newest_qps, x.newest_qps);
  const double best_phrase = std::max(a.phrase_qps, x.phrase_qps);
  const double best_range = std::max(a.range_qps, x.range_qps);
  const double best_timeline = std::max(a.timeline_qps, x.timeline_qps);
  const double best_ranked = std::max(a.ranked_qps, x.ranked_qps);
  md += "\nArticleDB over the faster of FTS5 and Xapian: count " + ratio(adb.count_qps, best_count) +
        "x, newest 10 " + ratio(adb.newest_qps, best_newest) + "x, phrase " +
        ratio(adb.phrase_qps, best_phrase) + "x, phrase in a month " +
        ratio(adb.range_qps, best_range) + "x, timeline by day " +
        ratio(adb.timeline_qps, best_timeline) + "x, ranked top 10 " +
        ratio(adb.ranked_qps, best_ranked) + "x; archive size " +
        ratio(static_cast<double>(adb.disk_bytes), static_cast<double>(a.disk_bytes)) +
        "x FTS5's database; ingest " + ratio(adb.ingest_per_s, a.ingest_per_s) +
        "x FTS5's, and the text index makes ingest " + ratio(plain.ingest_per_s, adb.ingest_per_s) +
        "x slower than without it.\n";

  if (!judgments.queries.empty()) {
    md += "\nRelevance, Reuters topics as judgments (the 30 most frequent topics; query: the "
          "words of the topic's name joined by OR; relevant: the articles carrying the topic; each "
          "engine's 100 best by BM25):\n\n| engine | P@10 | MAP@100 | nDCG@10 |\n"
          "| --- | --- | --- | --- |\n";
    for (const Figures& g : all) {
      if (!g.judged) continue;
      md += "| " + g.engine + " | " + Fixed(g.quality.p10, 3) + " | " +
            Fixed(g.quality.map100, 3) + " | " + Fixed(g.quality.ndcg10, 3) + " |\n";
    }
    std::string list;
    for (const std::string& q : judgments.queries) list += (list.empty() ? "" : "; ") + q;
    md += "\nThe queries: " + list + ".\n";
  }

  std::FILE* f = std::fopen(out.c_str(), "w");
  if (f == nullptr) Fail("cannot write " + out);
  std::fprintf(f, "{\"corpus\": \"%s\", \"engines\": [", JsonEscape(corpus->description()).c_str());
  for (size_t i = 0; i < all.size(); ++i) {
    const Figures& g = all[i];
    std::fprintf(f,
                 "%s{\"engine\": \"%s\", \"ingest_per_s\": %.1f, \"disk_bytes\": %" PRIu64
                 ", \"count_qps\": %.1f, \"newest_qps\": %.1f, \"phrase_qps\": %.1f, "
                 "\"ranked_qps\": %.1f, \"range_qps\": %.1f, \"timeline_qps\": %.1f, "
                 "\"matches\": %" PRIu64 ", \"p10\": %.4f, \"map100\": %.4f, "
                 "\"ndcg10\": %.4f}",
                 i ? ", " : "", g.engine.c_str(), g.ingest_per_s, g.disk_bytes, g.count_qps,
                 g.newest_qps, g.phrase_qps, g.ranked_qps, g.range_qps, g.timeline_qps,
                 g.matches, g.quality.p10, g.quality.map100, g.quality.ndcg10);
  }
  std::fprintf(f, "], \"peak_rss_kb\": %ld, \"markdown\": \"%s\"}\n", ru.ru_maxrss,
               JsonEscape(md).c_str());
  std::fclose(f);
  std::printf("%s", md.c_str());
  return 0;
}

}  // namespace
}  // namespace articledb::bench

int main(int argc, char** argv) { return articledb::bench::Main(argc, argv); }
