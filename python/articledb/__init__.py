"""ArticleDB from Python: keep millions of articles and find them again fast.

    import articledb
    with articledb.open("news.adb", create=True) as db:
        db.put({"source": "Le Monde", "title": "...", "published_at": "2024-05-01T08:00:00Z"})
        for article in db.query(entities=["Armenia"], start="2024-05"):
            print(article["title"])
        frame = db.timeline(entity="Armenia", by="day", tz="Europe/Paris")

Articles are dicts in the interchange schema (docs/format.md). Errors raise the
exceptions of this module (NotFound, InvalidArgument, ...), with the library's message.
An Archive may be shared by any number of threads; every call that works on the archive
releases the GIL. docs/python.md has the whole guide.
"""

import datetime as _dt
import itertools as _itertools
import os as _os

from . import _native
from ._errors import (  # noqa: F401 - re-exported
    Aborted,
    Busy,
    Corruption,
    Error,
    InvalidArgument,
    IOError,
    NotFound,
    NotSupported,
)

__all__ = [
    "open", "Archive", "Query", "Error", "NotFound", "InvalidArgument", "Corruption",
    "Busy", "NotSupported", "Aborted", "normalize_name", "derive_id", "snippet",
    "parse_time", "format_time",
]

normalize_name = _native.normalize_name
derive_id = _native.derive_id
format_time = _native.format_time

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)

_pd = None  # pandas, imported on first use (it takes a while): DataFrames when installed


def _pandas():
    global _pd
    if _pd is None:
        try:
            import pandas
        except ImportError:
            _pd = False
        else:
            _pd = pandas
    return _pd


def parse_time(value):
    """Microseconds since the epoch (UTC) of a datetime, a date, or a string as the CLI
    takes it: "2024", "2024-05", "2024-05-01", RFC 3339, "@SECONDS", "now", "7d", ...
    A naive datetime is taken as UTC; a date is its first instant in UTC."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        delta = value - _EPOCH
        return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(value, _dt.date):
        return (value - _EPOCH.date()).days * 86400 * 1_000_000
    if isinstance(value, str):
        return _native.parse_time(value)
    raise InvalidArgument(
        f"time {value!r}: must be a datetime, a date or a string such as '2024-05-01', "
        f"not {type(value).__name__}")


def _names(arg, value):
    """A filter argument that takes one name or many: always a list of str."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        names = list(value)
    except TypeError:
        raise InvalidArgument(
            f"{arg}: must be a string or a list of strings, not {type(value).__name__}"
        ) from None
    for name in names:
        if not isinstance(name, str):
            raise InvalidArgument(
                f"{arg}: must be a string or a list of strings, holds {type(name).__name__}")
    return names


_FILTERS = ("source", "entities", "entity", "any_entity", "not_entity", "language", "topic",
            "author", "start", "end", "text")


def _filter(caller, filters):
    """The native filter dict of the keyword arguments every read takes."""
    for name in filters:
        if name not in _FILTERS:
            raise TypeError(f"{caller}() got an unexpected keyword argument {name!r} "
                            f"(filters: {', '.join(_FILTERS)})")
    get = filters.get
    text = get("text")
    if text is not None and not isinstance(text, str):
        raise InvalidArgument(f"text: must be a string, not {type(text).__name__}")
    start, end = get("start"), get("end")
    return {
        "sources": _names("source", get("source")),
        "entities": _names("entities", get("entities")) + _names("entity", get("entity")),
        "any_entities": _names("any_entity", get("any_entity")),
        "not_entities": _names("not_entity", get("not_entity")),
        "languages": _names("language", get("language")),
        "topics": _names("topic", get("topic")),
        "authors": _names("author", get("author")),
        "from": None if start is None else parse_time(start),
        "to": None if end is None else parse_time(end),
        "text": text or None,
    }


def _ids(caller, ids):
    if isinstance(ids, (str, bytes)):
        raise TypeError(f"{caller}() takes a list of ids, not one {type(ids).__name__}")
    ids = list(ids)
    for i in ids:
        if not isinstance(i, str):
            raise TypeError(f"{caller}(): an id must be a str, not {type(i).__name__}")
    return ids


def _id(caller, article_id):
    if not isinstance(article_id, str):
        raise TypeError(f"{caller}(): an id must be a str, not {type(article_id).__name__}")
    return article_id


def _message_class():
    from .v1 import article_pb2  # generated by protoc at build time; needs python3-protobuf
    return article_pb2.Article


class Query:
    """The articles matching a filter, in time (or relevance) order, read lazily page by page.

    A Query is an iterator: it yields articles (dicts, or messages with as_message=True)
    once, and iterating it again goes on where the last loop stopped. Each page is read
    from the archive with a cursor, so iteration survives writes made meanwhile: it goes
    on right after the last article of the page before. `cursor` is the position after
    the last page read (None once the result is exhausted): pass it to
    Archive.query(cursor=...) with the same filters to read the next pages later (the
    articles of a page you stopped in the middle of are not after it).
    """

    def __init__(self, archive, filt, order, page_size, cursor, summary, as_message, limit):
        if order not in ("newest", "oldest", "relevance"):
            raise InvalidArgument(
                f"order {order!r}: must be 'newest', 'oldest' or 'relevance'")
        if not isinstance(page_size, int) or not 1 <= page_size <= 10000:
            raise InvalidArgument(f"page_size {page_size!r}: must be 1..10000")
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise InvalidArgument(f"limit {limit!r}: must be a count of articles (0 or more)")
        self._archive = archive
        self._filter = filt
        self._order = order
        self._page_size = page_size
        self._summary = summary
        self._as_message = as_message
        self._left = limit  # articles still to return; None: all
        self.cursor = cursor or b""
        self._done = False
        self._page = []
        self._at = 0

    def _read_page(self):
        """Reads the next page into the buffer; False when there is none."""
        if self._done or (self._left is not None and self._left <= 0):
            return False
        size = self._page_size if self._left is None else min(self._left, self._page_size)
        articles, cursor = self._archive._query_page(
            self._filter, self._order, size, self.cursor, self._summary, self._as_message)
        self.cursor = cursor or None
        if not cursor:
            self._done = True
        if self._as_message and articles:
            cls = _message_class()
            articles = [cls.FromString(b) for b in articles]
        self._page, self._at = articles, 0
        return bool(articles)

    def __iter__(self):
        return self

    def __next__(self):
        while self._at >= len(self._page):
            if not self._read_page():
                raise StopIteration
        article = self._page[self._at]
        self._page[self._at] = None
        self._at += 1
        if self._left is not None:
            self._left -= 1
        return article

    def pages(self):
        """Yields the rest of the result page by page: lists of articles (the rest of the
        page being read first, when a loop stopped in its middle)."""
        if self._at < len(self._page):
            rest = self._page[self._at:]
            self._page, self._at = [], 0
            if self._left is not None:
                self._left -= len(rest)
            yield rest
        while self._read_page():
            page = self._page
            self._page, self._at = [], 0
            if self._left is not None:
                self._left -= len(page)
            yield page

    def to_list(self):
        """Every remaining article, in a list."""
        return list(self)

    def to_frame(self):
        """The remaining articles as a pandas DataFrame, a row per article."""
        if not _pandas():
            raise ImportError("to_frame needs pandas (Debian: python3-pandas)")
        return _pd.DataFrame.from_records(list(self))


class Archive(_native.NativeArchive):
    """An open archive. Use articledb.open() to get one; close it (or use `with`).

    Every method is thread-safe; reads and writes release the GIL while the library
    works, so threads of readers run in parallel."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        state = "closed" if self.closed else "open"
        return f"<articledb.Archive {self.path!r} {state}>"

    def close(self):
        """Closes the archive (idempotent): new calls raise InvalidArgument at once, calls
        running in other threads finish first (close waits for them), then the archive is
        closed and may be opened again."""
        self._close()

    def checkpoint(self, directory):
        """A consistent copy of the archive in the new directory `directory` (hard links
        where it can), synced: it survives a power loss once this returns."""
        self._checkpoint(_os.fspath(directory))

    # ---- writes ----

    def put(self, article):
        """Stores one article (a dict in the interchange schema, or an
        articledb.v1.Article message), replacing any stored article with its id; returns
        the id (derived from the url or content when the article has none). A bad article
        raises InvalidArgument naming the field, and nothing is stored."""
        return self._put(article)

    def put_many(self, articles, batch_size=1000, bulk=False, sync=False):
        """Stores the articles of an iterable, batch_size at a time, each batch in one
        atomic write (the GIL released while it is written). Returns the counts:
        {"inserted", "updated", "unchanged", ...}.

        A bad article raises InvalidArgument naming it by its position in the input (from
        0) and the field; nothing of its batch is stored, the batches before it stay.
        bulk=True loads through sorted table files (the fast way for large loads,
        docs/storage.md): runs of about 48 MiB are ingested whole, and a bad article
        drops the run in progress."""
        if batch_size < 1:
            raise InvalidArgument(f"batch_size {batch_size}: must be at least 1")
        it = iter(articles)
        position = 0
        totals = {"inserted": 0, "updated": 0, "unchanged": 0, "deleted": 0, "not_found": 0}
        loader = _native.NativeBulkLoader(self) if bulk else None
        while True:
            batch = list(_itertools.islice(it, batch_size))
            if not batch:
                break
            if loader is not None:
                loader.add(batch, position)
            else:
                stats = self._put_batch(batch, position, sync)
                for key, value in stats.items():
                    totals[key] += value
            position += len(batch)
        if loader is not None:
            totals = loader.finish()
        return totals

    def delete(self, article_id):
        """Removes the article `article_id` and its index entries; NotFound when it is not
        stored."""
        self._delete(_id("delete", article_id))

    def delete_many(self, ids):
        """Removes many articles in one atomic write; returns {"deleted", "not_found"...}."""
        return self._delete_many(_ids("delete_many", ids))

    # ---- reads by id ----

    # get(article_id, default=..., as_message=False) is the native module's, whole in C++
    # (the call made most often): the article stored under the id, as a dict (or a
    # message); NotFound when there is none, unless `default` is given.

    def __contains__(self, article_id):
        return self.get_many([article_id])[0] is not None

    def get_many(self, ids, as_message=False):
        """The articles of `ids` in one read, in the same order; None for ids not stored."""
        articles = self._get_many(_ids("get_many", ids), as_message)
        if as_message:
            cls = _message_class()
            articles = [None if a is None else cls.FromString(a) for a in articles]
        return articles

    # ---- queries ----

    def query(self, *, source=None, entities=None, entity=None, any_entity=None,
              not_entity=None, language=None, topic=None, author=None, start=None, end=None,
              text=None, order="newest", page_size=100, limit=None, cursor=None,
              summary=False, as_message=False):
        """The matching articles, newest first (order="oldest" for the other way, or
        order="relevance" with text: best match first by BM25), as a lazy Query iterator
        reading page_size articles at a time.

        source, language, topic and author take one name or a list (any of the sources or
        languages; all of the topics and authors); entities/entity must all be mentioned,
        any_entity at least one, not_entity none. start (inclusive) and end (exclusive)
        take a datetime, a date or a string ("2024-05", "2024-05-01T12:00:00Z", "7d").
        text is a text query (docs/search.md). limit stops after that many articles;
        summary=True leaves out body and summary. Names match case- and
        accent-insensitively."""
        filt = _filter("query", {
            "source": source, "entities": entities, "entity": entity, "any_entity": any_entity,
            "not_entity": not_entity, "language": language, "topic": topic, "author": author,
            "start": start, "end": end, "text": text})
        if isinstance(cursor, str):
            cursor = cursor.encode()
        return Query(self, filt, order, page_size, cursor, summary, as_message, limit)

    def search(self, text, **filters):
        """Articles matching the text query `text` (words, "phrases", prefix*, AND, OR,
        NOT, title:, docs/search.md), with the other filters of query()."""
        return self.query(text=text, **filters)

    def count(self, **filters):
        """The number of articles matching the filters of query()."""
        return self._count(_filter("count", filters))

    def timeline(self, by="day", tz=None, zero_fill=False, as_frame=None, **filters):
        """Matching articles counted per day, week (ISO), month or year in time zone `tz`
        (IANA name, default UTC), oldest first; zero_fill lists empty buckets too.

        A pandas DataFrame with columns label, start (tz-aware) and count when pandas is
        installed (as_frame=False for a list of (label, start, count) tuples, start a
        datetime)."""
        frame = _want_frame(as_frame)
        rows = self._timeline(_filter("timeline", filters), by, tz or "", zero_fill, frame)
        if frame:
            pd = _pandas()
            import numpy as np  # pandas needs it
            labels, starts, counts = rows
            start = pd.DatetimeIndex(np.array(starts, dtype="datetime64[us]"), tz="UTC")
            if tz:
                start = start.tz_convert(tz)
            return pd.DataFrame({"label": labels, "start": start,
                                 "count": np.array(counts, dtype=np.int64)}, copy=False)
        if tz:
            zone = _zone(tz)
            rows = [(label, start.astimezone(zone), count) for label, start, count in rows]
        return rows

    def facets(self, by="entity", limit=20, as_frame=None, **filters):
        """The most frequent values of one field (source, entity, topic, language or
        author) among the matching articles, with their counts, most first."""
        return _name_counts(self._facets(_filter("facets", filters), by, limit), by, as_frame)

    def sources(self, prefix="", limit=0, as_frame=None):
        """Sources (starting with `prefix` after normalisation) with their article counts,
        most first; limit 0 lists all."""
        return _name_counts(self._sources(prefix, limit), "source", as_frame)

    def entities(self, prefix="", limit=0, as_frame=None):
        """Entity names (starting with `prefix` after normalisation) with their article
        counts, most first; limit 0 lists all."""
        return _name_counts(self._entities(prefix, limit), "entity", as_frame)

    # ---- maintenance ----

    def stats(self):
        """Counts and sizes of the archive (articles, sources, entities, bytes on disk...)."""
        return self._stats()

    def verify(self, progress=None):
        """Reads every record and index entry and checks that they agree. Returns a report
        dict whose "ok" is True when no problem was found. progress(records_done) is
        called now and then; returning False stops it (Aborted)."""
        return self._verify(progress)

    def dump(self, path, progress=None):
        """Writes every article to the dump file `path` (written whole or not at all)."""
        return self._dump(_os.fspath(path), progress)

    def restore(self, path, progress=None):
        """Stores every article of the dump file `path` (upserts). The file is checked
        whole first, so a damaged file changes nothing (Corruption)."""
        return self._restore(_os.fspath(path), progress)


def _zone(tz):
    import zoneinfo  # the system's tzdata, as the library's zones
    return zoneinfo.ZoneInfo(tz)


def _want_frame(as_frame):
    if as_frame is None:
        return bool(_pandas())
    if as_frame and not _pandas():
        raise ImportError("as_frame=True needs pandas (Debian: python3-pandas)")
    return bool(as_frame)


def _name_counts(rows, by, as_frame):
    if _want_frame(as_frame):
        return _pd.DataFrame({
            by: [r[0] for r in rows],
            "count": _pd.array([r[1] for r in rows], dtype="int64"),
        })
    return rows


def open(path, create=False, read_only=False, cache_bytes=0, index_text=False):  # noqa: A001
    """Opens the archive in directory `path` (a str or os.PathLike).

    create=True makes a new archive when the directory holds none. read_only=True opens
    without the writer's lock, so another process may keep writing (refresh() catches
    up). cache_bytes sets the block cache (default 256 MiB). index_text=True gives a new
    archive a text index (text queries walk posting lists; writes get slower). Raises NotFound (no archive), Busy (another process writes it),
    InvalidArgument (not an archive)."""
    return Archive(_os.fspath(path), create, read_only, cache_bytes, index_text)


def snippet(query, article, max_words=30, mark=("[", "]")):
    """The passage of `article` that best shows why it matches the text query `query`,
    with the matched words between the marks (docs/search.md, "Snippets")."""
    return _native.snippet(query, article, max_words, mark[0], mark[1])
