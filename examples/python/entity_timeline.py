#!/usr/bin/python3
"""How often an entity is in the news, month by month: ArticleDB from Python.

Loads the Reuters-21578 corpus into an archive with put_many, shows a few reads (count,
facets, a query with filters, a text search with snippets), then plots the number of
articles naming one entity per month, from Archive.timeline, to a PNG file.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/entity_timeline.py
    PYTHONPATH=build/python /usr/bin/python3 examples/python/entity_timeline.py \\
        --entity japan -o japan.png --archive /tmp/reuters.adb

Needs the articledb package (docs/python.md, "Installing"), pandas and matplotlib
(Debian: python3-pandas, python3-matplotlib) and the zstd tool.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

# The project's root is two folders above this file; the shared corpora sit beside it.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_CORPUS = os.path.join(ROOT, "..", "shared", "corpora", "reuters21578.jsonl.zst")


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[1],
        epilog="The articledb package must be importable: run from the project's root with "
               "PYTHONPATH=build/python after scripts/test or scripts/demo built it, or "
               "install it (docs/python.md).",
    )
    parser.add_argument(
        "corpus", nargs="?", default=os.path.normpath(DEFAULT_CORPUS),
        help="the Reuters-21578 corpus as JSON Lines compressed with zstd "
             "(default: ../shared/corpora/reuters21578.jsonl.zst beside the project, "
             "here %(default)s)")
    parser.add_argument(
        "--entity", default="usa",
        help="the entity whose monthly counts are plotted, matched ignoring case and "
             "accents (default: %(default)s, the most frequent in Reuters)")
    parser.add_argument(
        "-o", "--output", default="entity_timeline.png",
        help="the PNG file to write (default: %(default)s, in the current directory)")
    parser.add_argument(
        "--archive", metavar="DIR",
        help="the archive directory to load the corpus into: a new or empty directory, "
             "or an archive made by an earlier run; it is kept at the end (default: a "
             "temporary directory, removed at the end unless --keep)")
    parser.add_argument(
        "--keep", action="store_true",
        help="keep the temporary archive and print its path")
    return parser.parse_args()


def read_jsonl_zst(path):
    """Yields the articles of a .jsonl.zst file one by one, as dicts in the interchange
    schema (docs/format.md): put_many takes them as they are."""
    try:
        proc = subprocess.Popen(["zstd", "-dc", "--", path], stdout=subprocess.PIPE)
    except FileNotFoundError:
        sys.exit("entity_timeline.py: the zstd tool is missing (Debian: apt-get install zstd)")
    with proc:
        for line in proc.stdout:
            yield json.loads(line)
    if proc.returncode != 0:
        sys.exit(f"entity_timeline.py: zstd could not read {path} (exit {proc.returncode})")


def main():
    args = parse_args()
    if not os.path.isfile(args.corpus):
        sys.exit(f"entity_timeline.py: corpus not found: {args.corpus}\n"
                 "Give the path of reuters21578.jsonl.zst as the first argument.")
    try:
        import articledb
    except ImportError as e:
        sys.exit(f"entity_timeline.py: cannot import articledb ({e}). Build it with "
                 "scripts/test and run with PYTHONPATH=build/python, or install it "
                 "(docs/python.md).")
    try:
        import pandas  # noqa: F401 - articledb returns DataFrames when pandas is there
        import matplotlib
    except ImportError as e:
        sys.exit(f"entity_timeline.py: {e} (Debian: apt-get install python3-pandas "
                 "python3-matplotlib)")
    matplotlib.use("Agg")  # draw to files only: no display needed

    # The archive: the directory given, else a new temporary one. open(create=True) makes
    # an archive in a new or empty directory, and opens the archive a directory holds
    # (loading the same corpus into it again stores nothing: every article is unchanged).
    directory = args.archive or tempfile.mkdtemp(prefix="entity-timeline-")
    try:
        with articledb.open(directory, create=True) as db:
            run(db, args)
    except articledb.Error as e:  # e.g. DIR holds files that are not an archive
        sys.exit(f"entity_timeline.py: {e}")
    finally:
        if not args.archive:
            if args.keep:
                print(f"\nThe archive is kept in {directory}")
            else:
                shutil.rmtree(directory, ignore_errors=True)


def run(db, args):
    import articledb  # found in main(), which says what to do when it is not

    # ---- 1. Load the corpus -------------------------------------------------------------
    # put_many reads any iterable lazily, 1,000 articles at a time, and stores each batch in
    # one atomic write. Articles are upserted by id: loading the corpus twice changes
    # nothing. (bulk=True writes sorted table files instead: the fast way for millions.)
    print(f"== load {args.corpus}")
    started = time.perf_counter()
    counts = db.put_many(read_jsonl_zst(args.corpus), batch_size=1000)
    print(f"{counts['inserted']} inserted, {counts['updated']} updated, "
          f"{counts['unchanged']} unchanged in {time.perf_counter() - started:.1f} s")

    # ---- 2. Count -----------------------------------------------------------------------
    # count() takes the filters of query() and answers from the indexes alone.
    print("\n== count")
    print(f"{db.count()} articles, {db.count(entity=args.entity)} naming {args.entity!r}")

    # ---- 3. Facets as a DataFrame -------------------------------------------------------
    # The most frequent topics among the articles naming the entity, with their counts.
    # With pandas installed the answer is a DataFrame (columns topic and count); pass
    # as_frame=False for a list of (name, count) tuples.
    print(f"\n== facets: the topics of the articles naming {args.entity!r}")
    topics = db.facets(by="topic", limit=8, entity=args.entity)
    print(topics.to_string(index=False))

    # ---- 4. A query with filters --------------------------------------------------------
    # Articles naming the entity, with topic "crude", in March 1987, oldest first. query()
    # returns a lazy iterator that reads pages from the archive as it goes; limit stops it
    # after 5 articles, summary=True leaves out body and summary. Articles are dicts.
    print(f"\n== query: {args.entity!r}, topic crude, March 1987, oldest first")
    for article in db.query(entity=args.entity, topic="crude", start="1987-03",
                            end="1987-04", order="oldest", limit=5, summary=True):
        print(article["published_at"], article.get("title", "(no title)"))

    # ---- 5. A text search with snippets -------------------------------------------------
    # search() takes a text query (docs/search.md) and the same filters; snippet() gives
    # the passage of an article that shows why it matched, matched words in [brackets].
    query = '"crude oil" AND price*'
    print(f"\n== search: {query} among the articles naming {args.entity!r}")
    for article in db.search(query, entity=args.entity, limit=3):
        print(article["published_at"], article.get("title", "(no title)"))
        print("   ", articledb.snippet(query, article, max_words=20))

    # ---- 6. The monthly timeline, plotted -----------------------------------------------
    # timeline() counts the matching articles per day, week, month or year (here in UTC;
    # tz="Europe/Paris" would cut months at Paris midnight). zero_fill=True also lists the
    # months without any article, so gaps in the corpus show as empty months. The
    # DataFrame has the columns label ("1987-03"), start (the first instant of the month,
    # a time-zone-aware timestamp) and count.
    frame = db.timeline(by="month", entity=args.entity, zero_fill=True)
    if frame.empty:
        top = ", ".join(name for name, _ in db.entities(limit=10, as_frame=False))
        sys.exit(f"entity_timeline.py: no dated article names {args.entity!r}; "
                 f"the most frequent entities are: {top}")
    print(f"\n== timeline: articles naming {args.entity!r} per month")
    print(frame.to_string(index=False))
    plot(frame, args.entity, db.count(), args.output)
    print(f"\nwrote {args.output}")


def plot(frame, entity, total, path):
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    import pandas

    # matplotlib wants plain dates: drop the time zone (the starts are in UTC).
    starts = frame["start"].dt.tz_localize(None)
    fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    bars = ax.bar(starts, frame["count"], width=20, align="edge", color="#3b6ea5")
    ax.bar_label(bars, padding=2, fontsize=9)  # the count above each month's bar
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    # From a few days before the first month to the end of the last month's bar.
    ax.set_xlim(starts.iloc[0] - pandas.Timedelta(days=6),
                starts.iloc[-1] + pandas.Timedelta(days=26))
    ax.margins(y=0.12)
    ax.set_title(f"Reuters-21578: articles naming {entity!r} per month "
                 f"({frame['count'].sum():,} of {total:,} articles)")
    ax.set_xlabel("month of publication (UTC)")
    ax.set_ylabel("articles")
    ax.grid(axis="y", alpha=0.3)
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    main()
