"""The binding on real articles: Reuters-21578 loaded from Python agrees with the CLI."""
import json
import subprocess

import pytest

import articledb


def cli_lines(cli, *args):
    out = subprocess.run([cli, "-q", *args], check=True, capture_output=True, text=True)
    return [line.split("\t") for line in out.stdout.splitlines()]


@pytest.fixture(scope="module")
def archives(reuters_jsonl, cli, tmp_path_factory):
    root = tmp_path_factory.mktemp("archives")
    with open(reuters_jsonl, encoding="utf-8") as f:
        articles = [json.loads(line) for line in f]
    with articledb.open(root / "py", create=True) as db:
        stats = db.put_many(articles)
    subprocess.run([cli, "-q", "import", str(root / "cli"), str(reuters_jsonl)], check=True)
    return root / "py", root / "cli", len(articles), stats


def test_put_many_of_reuters_stores_every_article(archives):
    py_path, _, n, stats = archives
    assert stats["inserted"] == n
    with articledb.open(py_path, read_only=True) as db:
        assert db.count() == n
        assert db.verify()["ok"]


def test_timeline_frame_equals_the_cli_counts(archives, cli):
    py_path, cli_path, _, _ = archives
    pd = pytest.importorskip("pandas")
    for filters, args in [({}, []), ({"entity": "usa"}, ["--entity", "usa"]),
                          ({"source": "Reuters", "topic": "crude"},
                           ["--source", "Reuters", "--topic", "crude"])]:
        expected = [(label, int(count)) for label, count in
                    cli_lines(cli, "count", str(cli_path), "--by", "month", *args)]
        assert expected, filters
        for path in (py_path, cli_path):
            with articledb.open(path, read_only=True) as db:
                frame = db.timeline(by="month", **filters)
                assert isinstance(frame, pd.DataFrame)
                got = list(zip(frame["label"], frame["count"].astype(int)))
                assert got == expected, (path, filters)


def test_facets_and_articles_equal_the_cli(archives, cli):
    py_path, cli_path, _, _ = archives
    expected = [(name, int(count)) for name, count in
                cli_lines(cli, "facets", str(cli_path), "--by", "topic", "--limit", "15")]
    with articledb.open(py_path, read_only=True) as db:
        assert db.facets(by="topic", limit=15, as_frame=False) == expected
        out = subprocess.run([cli, "-q", "export", str(cli_path), "--topic", "gold"],
                             check=True, capture_output=True, text=True).stdout
        exported = [json.loads(line) for line in out.splitlines()]
        assert [a for a in db.query(topic="gold", page_size=37)] == exported
