"""The Python binding measured from Python (docs/python.md, "Speed"), one run:

  - against Python's own sqlite3 doing the same work: articles as dicts in and out, a
    table of records (JSON text) with indexes by id, date and source, and an entity table
    (the schema of the C++ harness's SQLite engine, bench/engine_sqlite.cc);
  - against the same library calls timed in C++ in the same process (the binding's
    overhead: converting dicts, crossing into Python);
  - memory: RSS before and after a million get() calls, and the peak.

    PYTHONPATH=build/python python3 bench/python/bench_python.py --cli build/src/cli/articledb \
        [--articles 100000] [--out bench/results/python.json]
"""
import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata

import articledb
from articledb import _native

MICROS_PER_DAY = 86400 * 10**6


def status_mb(field):
    """A field of /proc/self/status in MB: VmRSS (now) or VmHWM (peak; unlike
    ru_maxrss, not carried over an exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_mb():
    return status_mb("VmRSS")


def peak_mb():
    return status_mb("VmHWM")


def key(name):
    """What ArticleDB's names match on, in Python: NFKC, case folded, marks removed."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return unicodedata.normalize(
        "NFKC", "".join(c for c in decomposed if not unicodedata.combining(c))).strip()


def micros(iso):
    return articledb.parse_time(iso) if iso else 0


class SqliteStore:
    """Python's sqlite3 doing what the archive does."""

    def __init__(self, path, create=True):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.executescript("PRAGMA cache_size=-262144;")
        if not create:
            return
        self.db.executescript("""
            PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;
            CREATE TABLE articles (docno INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
                published INTEGER NOT NULL, source_key TEXT NOT NULL, record TEXT NOT NULL);
            CREATE INDEX articles_by_date ON articles(published);
            CREATE INDEX articles_by_source ON articles(source_key, published);
            CREATE TABLE article_entities (entity_key TEXT NOT NULL,
                published INTEGER NOT NULL, docno INTEGER NOT NULL,
                PRIMARY KEY (entity_key, published, docno)) WITHOUT ROWID;
        """)

    def put_many(self, articles):
        cur = self.db.cursor()
        cur.execute("BEGIN")
        for a in articles:
            published = micros(a.get("published_at"))
            cur.execute("INSERT INTO articles (id, published, source_key, record) "
                        "VALUES (?, ?, ?, ?)",
                        (a["id"], published, key(a["source"]), json.dumps(a)))
            docno = cur.lastrowid
            cur.executemany("INSERT OR IGNORE INTO article_entities VALUES (?, ?, ?)",
                            [(key(e["name"]), published, docno)
                             for e in a.get("entities", [])])
        cur.execute("COMMIT")

    def get(self, article_id):
        row = self.db.execute("SELECT record FROM articles WHERE id = ?",
                              (article_id,)).fetchone()
        return json.loads(row[0])

    def page(self, entity, limit):
        rows = self.db.execute(
            "SELECT a.record FROM article_entities e JOIN articles a ON a.docno = e.docno "
            "WHERE e.entity_key = ? ORDER BY e.published DESC, e.docno DESC LIMIT ?",
            (key(entity), limit)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def timeline(self, entity):
        rows = self.db.execute(
            "SELECT published / ?, count(*) FROM article_entities WHERE entity_key = ? "
            "GROUP BY 1 ORDER BY 1", (MICROS_PER_DAY, key(entity))).fetchall()
        return [(time.strftime("%Y-%m-%d", time.gmtime(day * 86400)), n) for day, n in rows]


def timed(fn, *args):
    t0 = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - t0, result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", help="the articledb tool (for `generate`); required")
    ap.add_argument("--articles", type=int, default=100000)
    ap.add_argument("--gets", type=int, default=50000)
    ap.add_argument("--leak-gets", type=int, default=1000000)
    ap.add_argument("--out", default="")
    ap.add_argument("--workdir", default="")
    ap.add_argument("--reads", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reads:
        reads(args.reads, args.leak_gets)
        return
    if not args.cli:
        ap.error("--cli is required")

    work = args.workdir or tempfile.mkdtemp(prefix="articledb-pybench-")
    os.makedirs(work, exist_ok=True)
    out = subprocess.run([args.cli, "generate", str(args.articles)], check=True,
                         capture_output=True, text=True).stdout
    articles = [json.loads(line) for line in out.splitlines()]
    del out
    batches = [articles[i:i + 1000] for i in range(0, len(articles), 1000)]
    results = {"articles": len(articles)}
    n_articles = len(articles)
    print(f"{len(articles)} synthetic articles; RSS {rss_mb():.0f} MB")

    # ---- ingest ----
    lite = SqliteStore(os.path.join(work, "bench.sqlite"))
    sqlite_s = sum(timed(lite.put_many, b)[0] for b in batches)
    db = articledb.open(os.path.join(work, "bench.adb"), create=True, index_text=False)
    adb_s = sum(timed(db.put_many, b)[0] for b in batches)
    cpp = articledb.open(os.path.join(work, "cpp.adb"), create=True, index_text=False)
    cpp_s = sum(_native._cpp_put_batch_seconds(cpp, b) for b in batches)
    cpp.close()
    bulk = articledb.open(os.path.join(work, "bulk.adb"), create=True, index_text=False)
    bulk_s, _ = timed(bulk.put_many, articles, 1000, True)
    bulk.close()
    results["ingest"] = {"articledb_per_s": n_articles / adb_s,
                         "sqlite3_per_s": n_articles / sqlite_s,
                         "cpp_put_batch_per_s": n_articles / cpp_s,
                         "articledb_bulk_per_s": n_articles / bulk_s}

    # Settled stores, as an archive is read after a load: ArticleDB compacted (its
    # memtables flushed, one sorted run), SQLite's WAL checkpointed.
    compact_s, _ = timed(db.compact)
    lite.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    results["compact_seconds"] = compact_s

    rng = random.Random(7)
    ids = [articles[rng.randrange(len(articles))]["id"] for _ in range(args.gets)]
    del articles, batches
    db.close()
    lite.db.close()
    with open(os.path.join(work, "ids.json"), "w") as f:
        json.dump(ids, f)
    # The reads in a new process, as a program reading an existing archive: no corpus in
    # its memory, caches as an open leaves them.
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--reads", work,
                          "--leak-gets", str(args.leak_gets)],
                         check=True, capture_output=True, text=True).stdout
    r = json.loads(out)
    rows = [row("put_many (per article)", adb_s, sqlite_s, cpp_s, n_articles)] + r["rows"]
    results["rows"] = rows
    results["leak"] = r["leak"]
    results["threads"] = r["threads"]
    results["peak_rss_mb"] = {"load": peak_mb(), "reads": r["peak_rss_mb"]}
    before, after, n = r["leak"]["rss_before_mb"], r["leak"]["rss_after_mb"], args.leak_gets
    md = [f"{n_articles:,} synthetic articles (`articledb generate`), one run of "
          "`bench/python/bench_python.py`. Both stores take and give dicts; times per "
          "operation; ArticleDB compacted after the load, SQLite's WAL checkpointed.", "",
          "| operation | ArticleDB from Python (µs) | sqlite3 (µs) | same calls in C++ (µs) "
          "| ArticleDB ÷ sqlite3 speed (target ≥ 2) | Python ÷ C++ time (target ≤ 1.5) |",
          "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for x in rows:
        md.append(f"| {x['op']} | {x['articledb_us']:.1f} | {x['sqlite3_us']:.1f} | "
                  f"{x['cpp_us']:.1f} | {x['vs_sqlite3']:.2f}× | {x['binding_overhead']:.2f} |")
    ing = results["ingest"]
    md += ["", f"`put_many(bulk=True)`: {ing['articledb_bulk_per_s']:,.0f} articles/s "
           f"({ing['articledb_bulk_per_s'] / ing['sqlite3_per_s']:.2f}× sqlite3). "
           f"`get` from a pool of 2 threads: {r['threads']['speedup']:.2f}× the throughput of "
           f"one thread ({r['threads']['cpus']} CPUs). "
           f"{n:,} `get` calls: RSS {before:.1f} MB before, {after:.1f} MB after "
           f"({after - before:+.1f} MB). Peak RSS: "
           f"{results['peak_rss_mb']['load']:,.0f} MB while loading (the corpus held as dicts), "
           f"{results['peak_rss_mb']['reads']:,.0f} MB in the reading process."]
    results["markdown"] = "\n".join(md)
    print()
    print(results["markdown"])
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


def row(name, adb_s, lite_s, cpp_s, n):
    return {"op": name, "articledb_us": 1e6 * adb_s / n, "sqlite3_us": 1e6 * lite_s / n,
            "cpp_us": 1e6 * cpp_s / n, "vs_sqlite3": lite_s / adb_s,
            "binding_overhead": adb_s / cpp_s}


def reads(work, leak_gets):
    """The read half, in its own process; prints its results as JSON."""
    with open(os.path.join(work, "ids.json")) as f:
        ids = json.load(f)
    db = articledb.open(os.path.join(work, "bench.adb"))
    lite = SqliteStore(os.path.join(work, "bench.sqlite"), create=False)
    __import__("pandas")  # imported before the clock runs
    # ---- get: each article is read, then dropped, as a loop that processes them does ----
    get = db.get
    lite_get = lite.get

    def adb_gets():
        for i in ids:
            get(i)

    def lite_gets():
        for i in ids:
            lite_get(i)

    adb_gets()  # a first pass for each, so that both are timed with warm caches
    lite_gets()
    adb_get_s, _ = timed(adb_gets)
    lite_get_s, _ = timed(lite_gets)
    cpp_get = _native._cpp_get_seconds(db, ids)

    # ---- query pages and timelines: the 11th to 50th most frequent entities ----
    entities = [name for name, _ in db.entities(limit=50, as_frame=False)][10:50]
    page_reps = 5

    def adb_pages():
        for _ in range(page_reps):
            for e in entities:
                list(db.query(entity=e, limit=100))

    def lite_pages():
        for _ in range(page_reps):
            for e in entities:
                lite.page(e, 100)

    adb_pages()
    lite_pages()
    adb_page_s, _ = timed(adb_pages)
    lite_page_s, _ = timed(lite_pages)
    pages = page_reps * len(entities)
    cpp_page = sum(_native._cpp_page_seconds(db, {"entities": [e]}, 100, page_reps)
                   for e in entities)
    adb_tl_s, _ = timed(lambda: [db.timeline(entity=e, as_frame=False) for e in entities])
    adb_tl_frame_s, _ = timed(lambda: [db.timeline(entity=e) for e in entities])
    lite_tl_s, _ = timed(lambda: [lite.timeline(e) for e in entities])
    cpp_tl = sum(_native._cpp_timeline_seconds(db, {"entities": [e]}, 1) for e in entities)

    # ---- threads: the same gets split over a pool of 2 readers (the GIL released) ----
    import concurrent.futures as cf

    def chunk(part):
        for i in part:
            get(i)

    halves = [ids[0::2], ids[1::2]]
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(chunk, halves))  # warm the threads
        threads_s, _ = timed(lambda: list(pool.map(chunk, halves)))
    threads = {"threads": 2, "speedup": adb_get_s / threads_s,
               "cpus": os.cpu_count()}

    rows = [
        row("get", adb_get_s, lite_get_s, cpp_get, len(ids)),
        row("query page (100 articles)", adb_page_s, lite_page_s, cpp_page, pages),
        row("timeline by day (list)", adb_tl_s, lite_tl_s, cpp_tl, len(entities)),
        row("timeline by day (DataFrame)", adb_tl_frame_s, lite_tl_s, cpp_tl, len(entities)),
    ]
    # ---- a million gets: RSS must stay flat ----
    for i in range(min(leak_gets, 100000)):
        get(ids[i % len(ids)])
    before = rss_mb()
    for i in range(leak_gets):
        get(ids[i % len(ids)])
    after = rss_mb()
    print(json.dumps({"rows": rows, "peak_rss_mb": peak_mb(), "threads": threads,
                      "leak": {"gets": leak_gets, "rss_before_mb": before,
                               "rss_after_mb": after}}))


if __name__ == "__main__":
    main()
