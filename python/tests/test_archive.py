"""The Python binding: every call, its errors, and what it returns (docs/python.md)."""
import datetime as dt

import pytest

import articledb
from conftest import article


def test_put_then_get_returns_the_article_in_the_interchange_schema(db):
    a = article(0, url="https://example.org/0", summary="Sum", authors=["A. Writer"],
                attributes={"section": "World"}, updated_at="2024-05-02T10:00:00.5Z")
    assert db.put(a) == "a/0"
    got = db.get("a/0")
    expected = dict(a)
    expected["updated_at"] = "2024-05-02T10:00:00.500Z"
    assert got == expected


def test_put_without_id_returns_the_derived_id(db):
    a = article(1)
    del a["id"]
    new_id = db.put(a)
    assert new_id == articledb.derive_id(a)
    assert new_id.startswith("hash:")
    assert db.get(new_id)["title"] == "Article 1"


def test_put_accepts_datetimes_dates_and_camel_case_fields(db):
    paris = dt.timezone(dt.timedelta(hours=2))
    db.put(article(1, published_at=dt.datetime(2024, 5, 3, 14, 30, tzinfo=paris)))
    db.put(article(2, published_at=dt.date(2024, 5, 4)))
    db.put(article(3, published_at=None, publishedAt=dt.datetime(2024, 5, 5, 1, 2, 3)))
    assert db.get("a/1")["published_at"] == "2024-05-03T12:30:00Z"
    assert db.get("a/2")["published_at"] == "2024-05-04T00:00:00Z"
    assert db.get("a/3")["published_at"] == "2024-05-05T01:02:03Z"  # naive: UTC


def test_entities_take_names_kinds_and_tagger_labels_which_are_kept(db):
    db.put(article(1, entities=["Armenia", {"name": "UN", "kind": "org"},
                                {"name": "Paris", "kind": 3}, {"name": "X", "kind": None}]))
    assert db.get("a/1")["entities"] == [
        {"name": "Armenia"}, {"name": "UN", "kind": "ORGANIZATION", "label": "ORG"},
        {"name": "Paris", "kind": "LOCATION"}, {"name": "X"}]
    db.put(article(2, entities=[{"name": "Kurds", "kind": "norp"},
                                {"name": "B", "kind": "gpe", "label": "B-LOC"}]))
    assert db.get("a/2")["entities"] == [
        {"name": "Kurds", "kind": "OTHER", "label": "NORP"},
        {"name": "B", "kind": "LOCATION", "label": "B-LOC"}]


@pytest.mark.parametrize("fields, message", [
    ({"title": 5}, "field 'title': must be a string, not int"),
    ({"titel": "x"}, "unknown field 'titel'"),
    ({"source": ""}, "field 'source'"),
    ({"published_at": "yesterday"}, "field 'published_at': 'yesterday' is not an RFC 3339"),
    ({"published_at": 1714550400}, "field 'published_at': must be an RFC 3339 string"),
    ({"topics": "politics"}, "field 'topics': must be a list of strings, not str"),
    ({"authors": ["ok", 3]}, "field 'authors[1]': must be a string, not int"),
    ({"entities": [{"name": "A", "kind": "PLANET"}]}, "field 'entities[0].kind': 'PLANET'"),
    ({"entities": [{"name": "A", "role": "x"}]}, "unknown key 'role'"),
    ({"entities": [{"name": " "}]}, "entities[0].name"),
    ({"attributes": {"k": 1}}, "field 'attributes.k': must be a string, not int"),
    ({"title": "bad \ud800 surrogate"}, "field 'title': is not valid Unicode"),
])
def test_bad_article_raises_invalid_argument_naming_the_field_and_stores_nothing(
        db, fields, message):
    db.put(article(0))
    before = db.get("a/0")
    bad = article(0, **fields)
    with pytest.raises(articledb.InvalidArgument, match=message.replace("(", r"\(")
                       .replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")):
        db.put(bad)
    assert db.get("a/0") == before
    assert db.count() == 1


def test_put_refuses_what_is_not_an_article(db):
    with pytest.raises(articledb.InvalidArgument, match="must be a dict"):
        db.put("not an article")
    with pytest.raises(articledb.InvalidArgument, match="must be a dict"):
        db.put([("source", "x")])


def test_invalid_argument_is_also_a_value_error_and_not_found_a_key_error(db):
    with pytest.raises(ValueError):
        db.put({"title": "no source"})
    with pytest.raises(KeyError):
        db.get("missing")


def test_put_many_counts_inserts_updates_and_unchanged(db):
    stats = db.put_many(article(i) for i in range(2500))
    assert stats["inserted"] == 2500
    stats = db.put_many([article(1, title="changed"), article(2)], batch_size=1)
    assert (stats["updated"], stats["unchanged"], stats["inserted"]) == (1, 1, 0)
    assert db.count() == 2500


def test_put_many_names_a_bad_article_by_position_and_keeps_earlier_batches(db):
    articles = [article(i) for i in range(10)]
    articles[7] = article(7, source=None)
    with pytest.raises(articledb.InvalidArgument,
                       match=r"^at position 7: article 'a/7': field 'source': required"):
        db.put_many(articles, batch_size=5)
    assert db.count() == 5  # the first batch; nothing of the batch holding #7
    assert db.get("a/4") and db.get("a/5", None) is None


def test_bulk_put_many_gives_what_put_many_gives(db, tmp_path):
    stats = db.put_many((article(i) for i in range(3000)), bulk=True)
    assert stats["inserted"] == 3000
    with articledb.open(tmp_path / "other", create=True) as other:
        other.put_many(article(i) for i in range(3000))
        assert [a["id"] for a in db.query(entity="Pashinyan")] == \
            [a["id"] for a in other.query(entity="Pashinyan")]
    assert db.verify()["ok"]


def test_get_raises_not_found_or_returns_the_default(db):
    with pytest.raises(articledb.NotFound, match="no article with id 'x'"):
        db.get("x")
    assert db.get("x", None) is None
    assert "x" not in db
    db.put(article(1))
    assert "a/1" in db


def test_get_many_answers_in_order_with_none_for_missing_ids(db):
    db.put_many(article(i) for i in range(5))
    got = db.get_many(["a/3", "nope", "a/0"])
    assert [g and g["id"] for g in got] == ["a/3", None, "a/0"]


def test_get_as_message_returns_a_protobuf_article(db):
    db.put(article(1))
    m = db.get("a/1", as_message=True)
    assert m.title == "Article 1" and m.entities[0].name == "Armenia"
    m.title = "From a message"
    m.id = "a/2"
    db.put(m)
    assert db.get("a/2")["title"] == "From a message"
    assert [x.id for x in db.get_many(["a/2"], as_message=True)] == ["a/2"]


def test_delete_and_delete_many(db):
    db.put_many(article(i) for i in range(5))
    db.delete("a/0")
    with pytest.raises(articledb.NotFound):
        db.delete("a/0")
    stats = db.delete_many(["a/1", "a/2", "zzz"])
    assert (stats["deleted"], stats["not_found"]) == (2, 1)
    assert db.count() == 2
    assert db.count(entity="Armenia") == 2


def test_query_filters_by_every_keyword(db):
    db.put_many(article(i) for i in range(60))
    everything = [article(i) for i in range(60)]

    def ids(**filters):
        return sorted(a["id"] for a in db.query(**filters))

    def expect(pred):
        return sorted(a["id"] for a in everything if pred(a))

    def has(a, name):
        return any(e["name"] == name for e in a["entities"])

    assert ids(source="bbc") == expect(lambda a: a["source"] == "BBC")
    assert ids(source=["BBC", "le monde"]) == expect(lambda a: a["source"] != "Reuters")
    assert ids(entities=["Armenia", "nikol pashinyan"]) == expect(
        lambda a: has(a, "Nikol Pashinyan"))
    assert ids(entity="Nikol Pashinyan", source="Reuters") == expect(
        lambda a: has(a, "Nikol Pashinyan") and a["source"] == "Reuters")
    assert ids(any_entity=["Nobody", "Nikol Pashinyan"]) == expect(
        lambda a: has(a, "Nikol Pashinyan"))
    assert ids(not_entity="Nikol Pashinyan") == expect(lambda a: not has(a, "Nikol Pashinyan"))
    assert ids(language="FR") == expect(lambda a: a["language"] == "fr")
    assert ids(topic="politics") == expect(lambda a: a["topics"] == ["politics"])
    assert ids(start="2024-05-10", end=dt.date(2024, 5, 12)) == expect(
        lambda a: "2024-05-10" <= a["published_at"][:10] < "2024-05-12")
    assert ids(start=dt.datetime(2024, 5, 27, tzinfo=dt.timezone.utc)) == expect(
        lambda a: a["published_at"][:10] >= "2024-05-27")
    assert ids(text="elections", source="BBC") == expect(lambda a: a["source"] == "BBC")
    assert ids(text="title:\"article 7\"") == ["a/7"]


def test_query_orders_pages_and_limits(db):
    db.put_many(article(i) for i in range(50))
    newest = [a["published_at"] for a in db.query(page_size=7)]
    assert newest == sorted(newest, reverse=True) and len(newest) == 50
    oldest = [a["published_at"] for a in db.query(order="oldest", page_size=3)]
    assert oldest == sorted(oldest)
    q = db.query(page_size=4, limit=10)
    assert [len(p) for p in q.pages()] == [4, 4, 2]
    assert q.cursor  # more articles exist: resume from here
    rest = list(db.query(page_size=4, cursor=q.cursor))
    assert len(rest) == 40
    assert all("body" not in a for a in db.query(summary=True, limit=3))
    with pytest.raises(articledb.InvalidArgument, match="order 'sideways'"):
        db.query(order="sideways")
    with pytest.raises(articledb.InvalidArgument, match="cursor"):
        list(db.query(cursor=b"garbage"))


def test_query_iterator_survives_concurrent_writes(db):
    db.put_many(article(i) for i in range(100))
    last_day = {f"a/{i}" for i in range(100) if i % 28 == 27}  # 2024-05-28, read last
    seen, ahead = [], set()
    for n, a in enumerate(db.query(page_size=10, order="oldest")):
        seen.append(a["id"])
        if n == 0:
            db.delete_many(sorted(last_day))  # not reached yet: never returned
        if n % 10 == 5 and n < 90:  # before the last page is read
            ahead.add(db.put(article(1000 + n, published_at="2030-01-01T00:00:00Z")))
            db.put(article(2000 + n, published_at="2000-01-01T00:00:00Z"))  # behind it
    assert len(seen) == len(set(seen))
    assert {x for x in seen if int(x[2:]) < 100} == {f"a/{i}" for i in range(100)} - last_day
    assert not [x for x in seen if x.startswith("a/2") and len(x) == 6]
    assert {x for x in seen if x.startswith("a/1") and len(x) == 6} == ahead


def test_search_and_snippet(db):
    db.put(article(1, body="The climate change summit opened in Paris.", language="en"))
    db.put(article(2, body="Nothing to see.", language="en"))
    found = list(db.search('"climate change"'))
    assert [a["id"] for a in found] == ["a/1"]
    assert articledb.snippet('"climate change"', found[0]) == \
        "The [climate change] summit opened in Paris."
    with pytest.raises(articledb.InvalidArgument, match="column"):
        db.count(text="(unbalanced")


def test_archives_with_and_without_a_text_index_answer_text_queries_alike(tmp_path):
    with articledb.open(tmp_path / "plain", create=True) as plain:
        plain.put(article(1, body="Peace talks in Paris.", language="en"))
        plain.put(article(2, body="Nothing to see.", language="en"))
        assert plain.stats()["text_index"] is False
        assert [a["id"] for a in plain.search("talk")] == ["a/1"]
        assert plain.count(text="paris OR nothing") == 2
    with articledb.open(tmp_path / "indexed", create=True, index_text=True) as indexed:
        indexed.put(article(1, body="Peace talks in Paris.", language="en"))
        indexed.put(article(2, body="Nothing to see.", language="en"))
        assert indexed.stats()["text_index"] is True
        assert [a["id"] for a in indexed.search("talk")] == ["a/1"]
        assert indexed.count(text="paris OR nothing") == 2


def test_search_in_relevance_order_puts_the_best_match_first_and_pages_with_cursors(tmp_path):
    for index_text in (False, True):
        with articledb.open(tmp_path / str(index_text), create=True,
                            index_text=index_text) as db:
            db.put(article(1, title="Zebra crossing", body="A zebra, then another zebra.",
                           language="en"))
            db.put(article(2, title="Roads", body="A zebra seen near the long road out of town.",
                           language="en"))
            db.put(article(3, title="Town", body="Nothing here.", language="en"))
            assert [a["id"] for a in db.search("zebra")] == ["a/2", "a/1"]
            ranked = db.search("zebra", order="relevance", page_size=1)
            assert [a["id"] for a in ranked] == ["a/1", "a/2"]
            with pytest.raises(articledb.InvalidArgument, match="text query"):
                list(db.query(source="BBC", order="relevance"))
            with pytest.raises(articledb.InvalidArgument, match="relevance"):
                db.search("zebra", order="best")


def test_count_facets_sources_entities_and_stats(db):
    db.put_many(article(i) for i in range(30))
    assert db.count(source="BBC") == 10
    facets = db.facets(by="source", as_frame=False)
    assert sorted(facets) == [("BBC", 10), ("Le Monde", 10), ("Reuters", 10)]
    assert db.facets(by="entity", entity="Armenia", as_frame=False)[0] == ("Armenia", 30)
    assert db.sources(as_frame=False)[0][1] == 10
    assert db.entities(prefix="nik", as_frame=False) == [("Nikol Pashinyan", 15)]
    stats = db.stats()
    assert stats["articles"] == 30 and stats["sources"] == 3
    assert stats["oldest"] == "2024-05-01T00:00:00Z"
    with pytest.raises(articledb.InvalidArgument, match="by 'colour'"):
        db.facets(by="colour")


def test_timeline_as_list_and_frame(db):
    db.put_many(article(i) for i in range(56))  # two per day, 2024-05-01..28
    rows = db.timeline(by="week", as_frame=False)
    assert [r[0] for r in rows] == ["2024-W18", "2024-W19", "2024-W20", "2024-W21",
                                    "2024-W22"]
    assert sum(r[2] for r in rows) == 56
    assert rows[1][1] == dt.datetime(2024, 5, 6, tzinfo=dt.timezone.utc)
    pd = pytest.importorskip("pandas")
    frame = db.timeline(by="day", tz="Europe/Paris", entity="Nikol Pashinyan")
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["label", "start", "count"]
    assert frame["count"].sum() == 28
    assert str(frame["start"].dt.tz) == "Europe/Paris"
    with pytest.raises(articledb.InvalidArgument, match="Mars/Olympus"):
        db.timeline(tz="Mars/Olympus")


def test_verify_dump_and_restore(db, tmp_path):
    db.put_many(article(i) for i in range(40))
    calls = []
    report = db.verify(progress=lambda n: calls.append(n))
    assert report["ok"] and report["records"] == 40 and report["problems"] == 0
    dumped = db.dump(tmp_path / "backup.adbdump")
    assert dumped["records"] == 40
    with articledb.open(tmp_path / "copy", create=True) as copy:
        assert copy.restore(tmp_path / "backup.adbdump")["stored"] == 40
        assert copy.get_many([f"a/{i}" for i in range(40)]) == \
            db.get_many([f"a/{i}" for i in range(40)])
        (tmp_path / "other.txt").write_bytes(b"not a dump at all")
        with pytest.raises(articledb.InvalidArgument, match="not an ArticleDB dump"):
            copy.restore(tmp_path / "other.txt")
        data = bytearray((tmp_path / "backup.adbdump").read_bytes())
        data[len(data) // 2] ^= 0xFF
        (tmp_path / "bad.adbdump").write_bytes(bytes(data))
        copy.delete("a/3")
        with pytest.raises(articledb.Corruption):
            copy.restore(tmp_path / "bad.adbdump")
        assert copy.count() == 39  # checked whole first: nothing restored


def test_progress_returning_false_aborts(db, tmp_path):
    db.put_many(article(i) for i in range(3000))
    with pytest.raises(articledb.Aborted):
        db.dump(tmp_path / "x.adbdump", progress=lambda n: False)
    assert not (tmp_path / "x.adbdump").exists()


def test_open_errors_and_read_only(tmp_path):
    with pytest.raises(articledb.NotFound):
        articledb.open(tmp_path / "none")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "file.txt").write_text("hello")
    with pytest.raises(articledb.InvalidArgument):
        articledb.open(tmp_path / "notes", create=True)
    with articledb.open(tmp_path / "a", create=True) as db:
        db.put(article(1))
        db.flush()
        with articledb.open(tmp_path / "a", read_only=True) as ro:
            assert ro.get("a/1")["title"] == "Article 1"
            with pytest.raises(articledb.NotSupported):
                ro.put(article(2))
            db.put(article(2))
            assert ro.get("a/2", None) is None
            ro.refresh()
            assert ro.get("a/2")["id"] == "a/2"


def test_closed_archive_refuses_calls(tmp_path):
    db = articledb.open(tmp_path / "a", create=True)
    db.close()
    db.close()
    assert db.closed
    with pytest.raises(articledb.InvalidArgument, match="is closed"):
        db.count()
    assert "closed" in repr(db)


def test_parse_time_forms():
    assert articledb.parse_time("2024-05") == 1714521600 * 10**6
    assert articledb.parse_time(dt.date(2024, 5, 1)) == 1714521600 * 10**6
    assert articledb.parse_time(dt.datetime(2024, 5, 1, 2, tzinfo=dt.timezone(
        dt.timedelta(hours=2)))) == 1714521600 * 10**6
    with pytest.raises(articledb.InvalidArgument):
        articledb.parse_time("next tuesday")
    with pytest.raises(articledb.InvalidArgument, match="not int"):
        articledb.parse_time(5)
    with pytest.raises(articledb.InvalidArgument, match="source: must be a string or a list"):
        articledb._filter("query", {"source": 5})


def test_times_come_back_formatted_as_protobuf_formats_them():
    from articledb import _native
    rng = __import__("random").Random(3)
    cases = [(0, 0), (-1, 0), (-62135596800, 0), (253402300799, 999999999),
             (1714550400, 5000000),
             (1714550400, 120000), (1714550400, 7), (-86401, 1000), (951782400, 0)]
    cases += [(rng.randrange(-62135596800, 253402300800), rng.choice([0, rng.randrange(10**9)]))
              for _ in range(2000)]
    for seconds, nanos in cases:
        ours, protobufs = _native._format_timestamp(seconds, nanos)
        assert ours == protobufs, (seconds, nanos)


def test_query_is_an_iterator_that_goes_on_where_a_loop_stopped(db):
    db.put_many(article(i) for i in range(50))
    q = db.query(page_size=4, order="oldest")
    first = next(q)
    seen = [first["id"]]
    for a in q:
        seen.append(a["id"])
        if len(seen) == 6:  # in the middle of the second page
            break
    seen += [a["id"] for a in q]
    assert len(seen) == 50 and len(set(seen)) == 50
    assert q.cursor is None  # exhausted
    assert list(q) == []


def test_query_limit_counts_across_loops_and_pages(db):
    db.put_many(article(i) for i in range(50))
    q = db.query(page_size=3, limit=5)
    assert len([a for _, a in zip(range(2), q)]) == 2
    rest = [len(p) for p in q.pages()]
    assert rest == [1, 2]  # the rest of the page read, then up to the limit
    assert list(q) == []


def test_bytes_and_bool_kinds_are_refused_as_invalid_articles(db):
    with pytest.raises(articledb.InvalidArgument, match="must be a dict"):
        db.put(b"x")
    with pytest.raises(articledb.InvalidArgument, match=r"entities\[0\].kind': must be a kind"):
        db.put(article(1, entities=[{"name": "n", "kind": True}]))
    assert db.count() == 0


def test_wrong_argument_types_raise_type_error_naming_the_public_call(db):
    with pytest.raises(TypeError, match=r"^get\(\): an id must be a str, not int"):
        db.get(5)
    with pytest.raises(TypeError, match=r"get_many\(\) takes a list of ids, not one str"):
        db.get_many("12")
    with pytest.raises(TypeError, match=r"delete_many\(\) takes a list of ids"):
        db.delete_many("a/1")
    with pytest.raises(TypeError, match=r"count\(\) got an unexpected keyword argument 'order'"):
        db.count(order="newest")


def test_an_exception_in_a_progress_callback_is_raised_and_leaves_no_file(db, tmp_path):
    db.put_many(article(i) for i in range(3000))

    def boom(n):
        raise ValueError(f"boom at {n}")

    with pytest.raises(ValueError, match="boom at 1000"):
        db.dump(tmp_path / "x.adbdump", progress=boom)
    with pytest.raises(articledb.Aborted):
        db.dump(tmp_path / "x.adbdump", progress=lambda n: "")  # falsy: stop
    assert list(tmp_path.iterdir()) == [tmp_path / "archive"]


def test_a_stopped_restore_says_how_many_records_it_stored(db, tmp_path):
    db.put_many(article(i) for i in range(3000))
    db.dump(tmp_path / "all.adbdump")
    with articledb.open(tmp_path / "copy", create=True) as copy:
        with pytest.raises(articledb.Aborted, match=r"\(2000 records were stored before it\)"):
            copy.restore(tmp_path / "all.adbdump", progress=lambda n: n < 2000)
        assert copy.count() == 2000


def test_close_waits_for_calls_in_other_threads_and_the_archive_opens_again(tmp_path):
    import threading
    import time
    db = articledb.open(tmp_path / "a", create=True)
    db.put_many(article(i) for i in range(3000))
    started = threading.Event()
    finished = []

    def slow(n):
        started.set()
        time.sleep(0.3)

    t = threading.Thread(target=lambda: finished.append(db.dump(tmp_path / "d", progress=slow)))
    t.start()
    started.wait()
    db.close()  # waits for the dump
    assert finished and finished[0]["records"] == 3000
    with articledb.open(tmp_path / "a") as again:  # not Busy: closed for good
        assert again.count() == 3000
    t.join()


def test_checkpoint_dump_and_restore_take_path_objects(db, tmp_path):
    db.put(article(1))
    db.checkpoint(tmp_path / "cp")
    with articledb.open(tmp_path / "cp", read_only=True) as cp:
        assert cp.get("a/1")["id"] == "a/1"
