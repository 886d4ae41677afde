#!/usr/bin/env python3
"""End-to-end tests of the articledb command-line tool.

Usage: cli_test.py --articledb PATH [--damage PATH] --corpora DIR CASE

Each CASE is one ctest test (tests/cli/CMakeLists.txt). Exit status 0: passed; 1: failed;
77: skipped (the Reuters corpus is not there).
"""
import argparse
import collections
import csv
import datetime
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
ARTICLEDB = None
DAMAGE = None  # the articledb_damage_archive helper
CORPORA = None
WORK = None


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def run(*args, stdin=None, input_bytes=None, expect=None):
    """Runs articledb with args; returns (rc, stdout bytes, stderr text)."""
    p = subprocess.run([ARTICLEDB, *map(str, args)], input=input_bytes, stdin=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    err = p.stderr.decode("utf-8", "replace")
    if expect is not None and p.returncode != expect:
        raise Failure("articledb %s: exit %d, expected %d\nstderr: %s" %
                      (" ".join(map(str, args)), p.returncode, expect, err[-3000:]))
    return p.returncode, p.stdout, err


def ok(*args, **kw):
    return run(*args, expect=0, **kw)


def path(name):
    return os.path.join(WORK, name)


def jsonl(records):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def write(name, text_or_bytes):
    p = path(name)
    with open(p, "wb") as f:
        f.write(text_or_bytes.encode() if isinstance(text_or_bytes, str) else text_or_bytes)
    return p


def parse_lines(out):
    return [json.loads(l) for l in out.decode("utf-8").splitlines() if l.strip()]


def export(db, *filters):
    return parse_lines(ok("export", db, *filters)[1])


def one_line_error(err, *needles):
    lines = [l for l in err.splitlines() if l.strip()]
    check(len(lines) >= 1, "no error message")
    last = lines[-1]
    check(last.startswith("articledb: "), "error is not an 'articledb: ' line: %r" % last)
    for n in needles:
        check(n in last, "error %r lacks %r" % (last, n))
    return last


def synthetic(n, seed=7, body=120):
    """n articles with dates spread over 2024, three sources, a few entities."""
    rng = random.Random(seed)
    sources = ["Le Monde", "Reuters", "Armenpress"]
    names = ["Armenia", "France", "Nikol Pashinyan", "UN", "Yerevan", "Paris"]
    kinds = ["LOCATION", "LOCATION", "PERSON", "ORGANIZATION", "LOCATION", "LOCATION"]
    base = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    out = []
    for i in range(n):
        t = base + datetime.timedelta(seconds=rng.randrange(366 * 86400))
        ents = sorted(rng.sample(range(len(names)), rng.randrange(0, 4)))
        words = " ".join("w%d" % rng.randrange(5000) for _ in range(body // 6))
        a = {
            "id": "s/%d" % i,
            "source": sources[rng.randrange(3)],
            "language": "en",
            "published_at": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "title": "Title %d" % i,
            "body": words,
        }
        if ents:
            a["entities"] = [{"name": names[e], "kind": kinds[e]} for e in ents]
        out.append(a)
    return out


def cursors(err):
    """The tokens of the next_cursor= lines a page printed on stderr."""
    return [l[len("next_cursor="):] for l in err.splitlines() if l.startswith("next_cursor=")]


def make_archive(name, records):
    db = path(name)
    src = write(name + ".jsonl", jsonl(records))
    ok("import", "-q", db, src)
    return db


def summary(err):
    for line in err.splitlines():
        if line.startswith("read "):
            return line
    raise Failure("no summary line in: " + err)


# ---------------------------------------------------------------------------------------

COMMANDS = ["import", "export", "get", "delete", "query", "search", "count", "facets", "sources", "entities",
            "dump", "restore", "verify-dump", "stats", "verify", "reindex", "compact",
            "checkpoint", "salvage", "quarantine"]


def help_on_every_command():
    rc, out, _ = ok("--help")
    text = out.decode()
    for c in COMMANDS:
        check(c in text, "--help does not list " + c)
    check("Exit status" in text, "--help does not document exit statuses")
    for c in COMMANDS:
        rc, out, _ = ok(c, "--help")
        check(("articledb " + c) in out.decode(), c + " --help has no usage line")
        check("Exit status" in out.decode(), c + " --help lacks exit statuses")


def usage_errors_exit_2():
    for args, needle in [((), "command"), (("frobnicate",), "frobnicate"),
                         (("query",), "DB"), (("query", path("x"), "--format", "xml"), "xml"),
                         (("count", path("x"), "--by", "fortnight"), "fortnight"),
                         (("import", path("x"), "--batch", "0"), "batch")]:
        rc, _, err = run(*args)
        check(rc == 2, "%s: exit %d, expected 2" % (args, rc))
        one_line_error(err, needle)
    db = make_archive("db", synthetic(5))
    rc, _, err = run("export", db, "--from", "last tuesday")
    check(rc == 2, "bad --from accepted")
    one_line_error(err, "--from")
    rc, _, err = run("export", path("nothing-here"))
    check(rc == 2, "missing archive: exit %d" % rc)
    one_line_error(err, "no archive there")
    check(not os.path.exists(path("nothing-here")), "a read command created an archive")
    rc, _, err = run("query", db, "--cursor", "not-a-cursor")
    check(rc == 2, "damaged cursor accepted")
    one_line_error(err, "query")


def time_arguments_take_years_months_epochs_and_relative_forms():
    recs = synthetic(300)
    db = make_archive("db", recs)
    # Each short form means the same instant as its long form, in every command.
    for short, long in [(("--from", "2024-03", "--to", "@1719835200"),
                         ("--from", "2024-03-01", "--to", "2024-07-01T12:00:00Z")),
                        (("--from", "2024", "--to", "2024-02"),
                         ("--from", "2024-01-01", "--to", "2024-02-01T00:00:00Z"))]:
        want = export(db, *long)
        check(len(want) > 0, "no articles in %s" % (long,))
        check(export(db, *short) == want, "export %s differs from %s" % (short, long))
        check(ok("count", db, *short)[1] == ok("count", db, *long)[1],
              "count %s differs from %s" % (short, long))
        check(ok("facets", db, *short, "--by", "source")[1] ==
              ok("facets", db, *long, "--by", "source")[1],
              "facets %s differs from %s" % (short, long))
    # The corpus is of 2024: everything is before 'now' and before '1d', nothing after '2w'.
    dated = len([r for r in recs if r.get("published_at")])
    check(int(ok("count", db, "--to", "now")[1]) == dated, "--to now")
    check(int(ok("count", db, "--to", "1d")[1]) == dated, "--to 1d")
    check(int(ok("count", db, "--from", "2w")[1]) == 0, "--from 2w")
    for bad in ("2024-13", "@12x", "7y", "last tuesday"):
        rc, out, err = run("count", db, "--from", bad)
        check(rc == 2 and out == b"", "--from %s accepted" % bad)
        one_line_error(err, "--from", bad)


def export_writes_markup_and_utf8_as_is():
    title = "STANDARD OIL <SRD> & Co été Армения \\u003c"
    rec = {"id": "m/1", "source": "Le Monde", "language": "fr",
           "published_at": "2024-05-09T14:05:00Z", "title": title, "body": "a < b > c\n"}
    db = make_archive("db", [rec])
    for args in (["export", db], ["get", db, "m/1"], ["query", db, "--format", "jsonl"]):
        out = ok(*args)[1]
        text = out.decode("utf-8")
        check("<SRD>" in text and "\\u003c" not in text.replace("\\\\u003c", ""),
              "%s escapes markup: %r" % (args[0], text))
        check("été Арм" in text, "%s escapes UTF-8: %r" % (args[0], text))
        got = parse_lines(out)
        check(got[0]["title"] == title and got[0]["body"] == rec["body"],
              "%s does not give the stored text back: %r" % (args[0], got[0]))


def unknown_commands_and_bad_options_point_at_the_right_help():
    for word, near in (("cuont", "count"), ("exprot", "export"), ("imprt", "import"),
                       ("fac", "facets"), ("verfy", "verify")):
        rc, out, err = run(word, path("x"))
        check(rc == 2 and out == b"", "%s: exit %d" % (word, rc))
        one_line_error(err, "unknown command '%s'" % word, "did you mean '%s'?" % near)
    rc, _, err = run("frobnicate")
    check(rc == 2 and "did you mean" not in err, "a suggestion for a word near no command")
    rc, _, err = run("count", path("x"), "--by", "fortnight")
    check(rc == 2, "count --by fortnight: exit %d" % rc)
    one_line_error(err, "fortnight", "articledb count --help")


def stats_json_matches_the_text_form_and_compact_reports_space_saved():
    db = make_archive("db", synthetic(400, body=600))
    text = dict(l.split("\t", 1) for l in ok("stats", db)[1].decode().splitlines())
    got = json.loads(ok("stats", db, "--format", "json")[1])
    for key in ("articles", "sources", "entities", "record_bytes", "record_disk_bytes",
                "total_disk_bytes"):
        check(str(got[key]) == text[key], "stats json %s: %r, text %r" % (key, got[key], text[key]))
    check(got["oldest"] == text["oldest"] and got["newest"] == text["newest"], "date range")
    check(float(text["compression_ratio"]) > 1.0,
          "compression ratio %s below 1" % text["compression_ratio"])
    check(got["compression_ratio"] == float(text["compression_ratio"]), "ratio differs")
    check(set(got["column_families"]) == {k[3:] for k in text if k.startswith("cf.")},
          "column families differ")
    # Replace every article: compaction then drops the old versions.
    ok("import", "-q", db, "-", input_bytes=jsonl(synthetic(400, seed=8, body=600)).encode())
    _, _, err = ok("compact", db)
    m = re.search(r"compacted .* in [0-9.]+ s: ([0-9.]+) MB on disk before, ([0-9.]+) MB after "
                  r"\(([-+][0-9.]+) %\)", err)
    check(m is not None, "compact does not report the space: %r" % err)
    before, after = float(m.group(1)), float(m.group(2))
    check(after < before, "compact: %s MB before, %s after" % (before, after))
    now = json.loads(ok("stats", db, "--format", "json")[1])["total_disk_bytes"] / 1e6
    check(abs(now - after) < 0.05, "compact said %s MB after, stats %s" % (after, now))


def query_all_streams_every_match_and_formats_suit_scripts():
    recs = synthetic(300)
    recs[0]["title"] = 'A "quoted", title\nover two lines'
    db = make_archive("db", recs)
    for filters in [(), ("--source", "le monde"), ("--oldest-first", "--entity", "armenia")]:
        want = [a["id"] for a in export(db, *filters)]
        _, out, err = ok("query", db, *filters, "--all", "--format", "ids")
        check(out.decode().split() == want, "query --all %s differs from export" % (filters,))
        check("next_cursor" not in err, "query --all printed a cursor")
    # jsonl (the default) is one article a line; json one object with the cursor in it.
    _, lines, err = ok("query", db, "--limit", "7")
    check(ok("query", db, "--limit", "7", "--format", "jsonl")[1] == lines, "jsonl is not the default")
    _, out, err2 = ok("query", db, "--limit", "7", "--format", "json")
    page = json.loads(out)
    check(page["articles"] == parse_lines(lines), "json articles differ from jsonl")
    cursor = cursors(err2)
    check(cursor and page["next_cursor"] == cursor[0], "json next_cursor %r" % page["next_cursor"])
    last = json.loads(ok("query", db, "--all", "--format", "json")[1])
    check(last["next_cursor"] is None and len(last["articles"]) == len(export(db)),
          "query --all --format json")
    # CSV: a header, then the fields asked for, quoted where needed.
    _, out, _ = ok("query", db, "--all", "--oldest-first", "--format", "csv", "--fields",
                   "id,title,entities,published_at")
    rows = list(csv.reader(io.StringIO(out.decode("utf-8"), newline="")))
    check(rows[0] == ["id", "title", "entities", "published_at"], "csv header %r" % rows[0])
    byid = {a["id"]: a for a in export(db)}
    check([r[0] for r in rows[1:]] == [a["id"] for a in export(db, "--oldest-first")],
          "csv rows are not every article in order")
    for r in rows[1:]:
        a = byid[r[0]]
        check(r[1] == a.get("title", "") and
              r[2] == "; ".join(e["name"] for e in a.get("entities", [])) and
              r[3] == a.get("published_at", ""), "csv row %r, article %r" % (r, a))
    check(any(r[1] == recs[0]["title"] for r in rows), "the quoted title did not survive")
    for args, needles in [(("--all", "--limit", "5"), ("--all", "--limit")),
                          (("--all", "--cursor", "00"), ("--all", "--cursor")),
                          (("--format", "csv", "--fields", "id,colour"), ("colour",)),
                          (("--fields", "id"), ("--fields", "csv"))]:
        rc, out, err = run("query", db, *args)
        check(rc == 2 and out == b"", "query %s: exit %d" % (args, rc))
        one_line_error(err, *needles)


def delete_by_query_removes_exactly_the_matches_and_dry_run_removes_none():
    recs = synthetic(300)
    db = make_archive("db", recs)
    filters = ("--source", "le monde", "--from", "2024-03", "--to", "2024-06")
    want = expected_ids(recs, filters)
    check(len(want) > 5, "too few matches to test with")
    _, out, err = ok("delete", db, *filters, "--dry-run")
    check(set(out.decode().split()) == want, "dry run lists other ids")
    check("would delete %d articles" % len(want) in err, err)
    check(len(export(db)) == len(recs), "a dry run deleted articles")
    _, _, err = ok("delete", db, *filters)
    check("deleted %d matching articles" % len(want) in err, err)
    left = {a["id"] for a in export(db)}
    check(left == {r["id"] for r in recs} - want, "delete by query removed other articles")
    check(export(db, *filters) == [], "matches remain after delete by query")
    out = ok("verify", db)[1].decode()
    check(" 0 problems" in out, out)
    # Ids and filters together, or neither, are refused; nothing changes.
    for args, needles in [(("s/1", "--source", "reuters"), ("ids or filters",)),
                          ((), ("ids", "filters"))]:
        rc, _, err = run("delete", db, *args)
        check(rc == 2, "delete %s: exit %d" % (args, rc))
        one_line_error(err, *needles)
    check({a["id"] for a in export(db)} == left, "a refused delete changed the archive")
    some = sorted(left)[:2]
    _, _, err = run("delete", db, some[0], some[1], "nope", "--dry-run")
    check("would delete 2 of 3" in err and len(export(db)) == len(left), err)


def table_cuts_and_aligns_by_display_width():
    import unicodedata

    def width(text):
        return sum(0 if unicodedata.combining(ch) else
                   2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    long_ru = "Премьер-министр Армении Никол Пашинян заявил, что переговоры о мире продолжатся"
    recs = [{"id": "t/1", "source": "Le Monde", "published_at": "2024-05-03T10:00:00Z",
             "title": "Short English title"},
            {"id": "t/2", "source": "Известия", "published_at": "2024-05-02T10:00:00Z",
             "title": long_ru},
            {"id": "t/3", "source": "人民日报", "published_at": "2024-05-01T10:00:00Z",
             "title": "亚美尼亚总理帕希尼扬表示和平谈判将继续进行亚美尼亚总理帕希尼扬表示和平谈判将继续进行" * 2}]
    db = make_archive("db", recs)
    lines = ok("query", db, "--format", "table")[1].decode("utf-8").splitlines()
    check(len(lines) == 4, "table: %r" % lines)
    # The TITLE column starts at the same display column on every line.
    starts = set()
    for line, title in zip(lines, ["TITLE"] + [r["title"] for r in recs]):
        prefix = title[:5]
        at = line.find(prefix)
        check(at > 0, "title %r not in %r" % (prefix, line))
        starts.add(width(line[:at]))
    check(len(starts) == 1, "titles start at display columns %s" % sorted(starts))
    for line, r in zip(lines[1:], recs):
        shown = line[line.find(r["title"][:5]):]
        check(width(shown) <= 72, "title wider than 72 columns: %d" % width(shown))
        if width(r["title"]) > 72:
            check(shown.endswith("...") and width(shown) >= 70,
                  "a long title is cut short: %d columns, %r" % (width(shown), shown))
        else:
            check(shown == r["title"], "a short title was cut: %r" % shown)


IMPORT_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "import")


def sorted_export(db):
    return sorted((json.dumps(r, ensure_ascii=False, sort_keys=True) for r in export(db)))


def import_samples_as_expected(db, files, n, expected_name):
    """Imports `files` into db, checks that all n were stored as tests/data/import/
    expected_name says (sorted, keys sorted); returns those lines."""
    _, _, err = ok("import", db, *files)
    check("stored %d (new %d / updated 0), unchanged 0, rejected 0" % (n, n) in summary(err), summary(err))
    with open(os.path.join(IMPORT_DATA, expected_name), encoding="utf-8") as f:
        expected = sorted(line.rstrip("\n") for line in f)
    check(sorted_export(db) == expected, "stored articles differ from " + expected_name)
    return expected


def import_reads_feed_formats_and_json_arrays_by_their_mappings():
    # tests/data/import: NewsAPI, news-please and a JSON array, found by content.
    files = [os.path.join(IMPORT_DATA, f) for f in
             ("newsapi.json", "news-please-1.json", "news-please-2.json", "articles.json")]
    db = path("db")
    expected = import_samples_as_expected(db, files, 8, "expected.jsonl")
    # Round trip: the export imports back to the same articles.
    again = path("again")
    ok("import", again, write("export.jsonl", ok("export", db)[1]))
    check(sorted_export(again) == expected, "export did not import back the same")
    # Named formats give the same; a file in another format is refused, nothing stored.
    named = path("named")
    ok("import", "--format", "newsapi", named, files[0])
    ok("import", "--format", "news-please", named, files[1], files[2])
    ok("import", "--format", "json", named, files[3])
    check(sorted_export(named) == expected, "named formats differ from auto")
    rc, _, err = run("import", "--format", "news-please", path("wrong"), files[0])
    check(rc == 1 and "field 'source': required, and missing" in err and "stored 0" in summary(err),
          "newsapi file as news-please: %s" % err)
    # --assume-tz: news-please's zone-less dates in Paris time (UTC+2 in May).
    paris = path("paris")
    ok("import", "--assume-tz", "Europe/Paris", paris, files[1])
    check(export(paris)[0]["published_at"] == "2024-05-09T12:05:00Z", "--assume-tz")
    rc, _, err = run("import", "--assume-tz", "Mars/Olympus", paris, files[1])
    check(rc == 2 and "unknown time zone 'Mars/Olympus'" in err, "bad zone: %s" % err)


def import_names_every_unknown_field_and_keeps_them_on_request():
    src = os.path.join(IMPORT_DATA, "unknown-fields.jsonl")
    db = path("db")
    rc, _, err = run("import", db, src)
    check(rc == 1, "exit %d" % rc)
    check("unknown-fields.jsonl:1: fields 'section', 'wordcount' are not in the schema" in err, err)
    check([a["id"] for a in export(db)] == ["u/2"], "the good line not stored alone")
    kept = path("kept")
    ok("import", "--keep-unknown", kept, src)
    u1 = [a for a in export(kept) if a["id"] == "u/1"][0]
    check(u1["attributes"] == {"section": "world", "wordcount": "412"}, str(u1))
    # The feed formats keep by default; --refuse-unknown refuses, naming each field.
    np = os.path.join(IMPORT_DATA, "news-please-1.json")
    rc, _, err = run("import", "--refuse-unknown", path("refused"), np)
    check(rc == 1 and "fields 'date_download', 'filename', 'image_url' are not in the schema" in err,
          err)
    # Each bad value of a NewsAPI response is named by its place and field; the others stay.
    resp = {"status": "ok", "totalResults": 3, "articles": [
        {"source": {"name": "X"}, "title": "t", "publishedAt": "yesterday", "url": "u1"},
        {"source": {"name": "Y"}, "title": ["x"], "url": "u2"},
        {"source": {"name": "Z"}, "title": "ok", "url": "u3",
         "publishedAt": "Thu, 09 May 2024 14:05:00 GMT"}]}
    rc, _, err = run("import", path("na"), write("na.json", json.dumps(resp, indent=2)))
    check(rc == 1, "exit %d" % rc)
    check("na.json:1: articles[0]: field 'publishedAt': unreadable date 'yesterday'" in err, err)
    check("na.json:1: articles[1]: field 'title': expected a string, got an array" in err, err)
    got = export(path("na"))
    check([(a["source"], a["published_at"]) for a in got] == [("Z", "2024-05-09T14:05:00Z")],
          str(got))
    # A NewsAPI error response says NewsAPI's message.
    rc, _, err = run("import", path("e"), write("e.json", json.dumps(
        {"status": "error", "code": "apiKeyInvalid", "message": "Your API key is invalid."})))
    check(rc == 1 and "a NewsAPI error response (apiKeyInvalid): Your API key is invalid." in err,
          err)
    # A JSON array cut off: what came before it is stored, the break is named.
    rc, _, err = run("import", path("cut"), write("cut.json",
                     '[{"id":"a","source":"s"},\n{"id":"b","source":"s"},\n{"id":"c",'))
    check(rc == 1 and "cut.json:3: the value starting on line 3 is not closed" in err, err)
    check(sorted(a["id"] for a in export(path("cut"))) == ["a", "b"], "articles before the cut")


def import_reads_csv_by_its_header_and_map():
    db = path("db")
    _, _, err = ok("import", db, os.path.join(IMPORT_DATA, "articles.csv"))
    check("stored 2 (new 2 / updated 0), unchanged 0, rejected 0" in summary(err), summary(err))
    maps = ["--map", "Headline=title", "--map", "Outlet=source", "--map", "Date=published_at",
            "--map", "Text=body", "--map", "Link=url", "--map", "Words=-"]
    ok("import", db, *maps, os.path.join(IMPORT_DATA, "mapped.csv"))
    with open(os.path.join(IMPORT_DATA, "expected-csv.jsonl"), encoding="utf-8") as f:
        expected = sorted(line.rstrip("\n") for line in f)
    check(sorted_export(db) == expected, "stored articles differ from expected-csv.jsonl")
    # Round trip: query's CSV imports back to the same articles (attributes are not a
    # CSV field of query's).
    fields = "id,url,source,language,published_at,updated_at,title,summary,body,authors,topics,entities"
    csv_out = ok("query", db, "--all", "--format", "csv", "--fields", fields)[1]
    again = path("again")
    ok("import", again, write("again.csv", csv_out))
    strip = lambda rows: sorted(json.dumps({k: v for k, v in r.items() if k != "attributes"},
                                           ensure_ascii=False, sort_keys=True) for r in rows)
    check(strip(export(again)) == strip(export(db)), "CSV round trip differs")
    # Bad cells are rejected naming the line and column; the other rows are stored.
    bad = write("bad.csv", "source,published_at,title\nS,2024-05-01,ok\nS,someday,bad date\n"
                           "S,2024-05-02\n\"S\"x,2024-05-03,after quote\n")
    rc, _, err = run("import", path("bad"), bad)
    check(rc == 1 and "stored 1 " in summary(err) and "rejected 3" in summary(err), summary(err))
    for needle in ("bad.csv:3: column 'published_at' (published_at): 'someday' is not a date",
                   "bad.csv:4: the record has 2 cells, the header 3",
                   "bad.csv:5: CSV line 5, column 4: text after a closing quote"):
        check(needle in err, "missing %r in %s" % (needle, err))
    # Unknown columns: refused on request, naming them, nothing stored; --map errors.
    rc, _, err = run("import", "--refuse-unknown", path("refused"),
                     os.path.join(IMPORT_DATA, "articles.csv"))
    check(rc == 1 and "field 'section' is not in the schema" in err and "stored 0" in summary(err),
          "refuse-unknown: %s" % err)
    rc, _, err = run("import", "--map", "Headline=headline", path("x"),
                     os.path.join(IMPORT_DATA, "mapped.csv"))
    check(rc == 2, "--map to no field: exit %d" % rc)
    one_line_error(err, "no field 'headline'")
    rc, _, err = run("import", "--map", "Nope=title", path("y"), os.path.join(IMPORT_DATA, "mapped.csv"))
    check(rc == 1 and "the header has no column 'Nope'" in err, "--map of no column: %s" % err)


def import_reads_rss_and_atom_feeds_item_by_item():
    files = [os.path.join(IMPORT_DATA, f) for f in ("rss.xml", "atom.xml")]
    db = path("db")
    expected = import_samples_as_expected(db, files, 4, "expected-feeds.jsonl")
    # From standard input, named: the same articles.
    named = path("named")
    with open(files[0], "rb") as rss, open(files[1], "rb") as atom:
        ok("import", "--format", "rss", named, "-", stdin=rss)
        ok("import", "--format", "rss", named, "-", stdin=atom)
    check(sorted_export(named) == expected, "rss from stdin differs")
    # A bad date refuses its item only (written to --rejects as JSON); broken XML stops
    # the file at the line it breaks, keeping the items before it.
    bad = write("bad.xml", "<rss><channel><title>T</title>\n"
                "<item><title>a</title><link>https://t.example/a</link></item>\n"
                "<item><title>b</title><pubDate>soon</pubDate></item>\n"
                "<item><title>c</title></chanel></rss>\n")
    rc, _, err = run("import", "--rejects", path("rej.jsonl"), path("bad"), bad)
    check(rc == 1, "exit %d" % rc)
    check("bad.xml:3: field 'pubDate': unreadable date 'soon'" in err, err)
    check("bad.xml:4: line 4, column" in err and "mismatched tag" in err, err)
    check([a["title"] for a in export(path("bad"))] == ["a"], "items before the break")
    with open(path("rej.jsonl"), encoding="utf-8") as f:
        check(json.loads(f.read()) == {"source": "T", "title": "b"}, "rejects file")
    rc, _, err = run("import", path("html"), write("page.xml", "<html><p>x</p></html>\n"))
    check(rc == 1 and "not an RSS or Atom feed (its root element is <html>)" in err, err)


def tail_follow_prints_new_matching_articles_as_another_process_stores_them():
    recs = synthetic(30)
    for i, r in enumerate(recs):
        r["source"] = "Watched" if i % 2 == 0 else "Other"
    db = make_archive("db", recs)
    newest = sorted((r for r in recs if r["source"] == "Watched"),
                    key=lambda r: r["published_at"])[-3:]
    p = subprocess.Popen([ARTICLEDB, "tail", db, "--source", "watched", "-n", "3", "--follow",
                          "--interval", "0.1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         bufsize=0)  # unbuffered: select() sees every line not yet read
    lines = []

    def read_lines(count, seconds):
        import select
        deadline = time.monotonic() + seconds
        while len(lines) < count and time.monotonic() < deadline:
            ready, _, _ = select.select([p.stdout], [], [], 0.2)
            if ready:
                line = p.stdout.readline()
                if not line:
                    break
                lines.append(json.loads(line))
    try:
        read_lines(3, 30)
        check([a["id"] for a in lines] == [r["id"] for r in newest],
              "the newest three, oldest of them first: %s" % [a["id"] for a in lines])
        # Another process stores two matching articles, one other, and updates a watched
        # one: tail prints the two new matching ones, in the order they were stored.
        new = [dict(recs[0], id="new/1", published_at="2025-01-01T00:00:01Z"),
               dict(recs[1], id="new/x", published_at="2025-01-01T00:00:03Z"),
               dict(recs[0], id="new/2", published_at="2025-01-01T00:00:02Z"),
               dict(recs[2], title="updated")]
        ok("import", db, write("new.jsonl", jsonl(new)))
        read_lines(5, 30)
        check([a["id"] for a in lines[3:]] == ["new/1", "new/2"],
              "followed: %s" % [a["id"] for a in lines[3:]])
        time.sleep(0.5)
        read_lines(6, 0.5)
        check(len(lines) == 5, "printed more than the new articles: %s" % lines[5:])
    finally:
        p.send_signal(2)  # Ctrl-C
        rc = p.wait(timeout=30)
    check(rc == 0, "tail --follow after Ctrl-C: exit %d" % rc)
    # Without --follow: the newest two by publication time, the newest last.
    _, out, _ = ok("tail", db, "--source", "watched", "-n", "2", "--ids")
    check(out.decode().split() == ["new/1", "new/2"], out.decode())


def import_keeps_tagger_labels_through_export_dump_and_restore():
    line = {"id": "l/1", "source": "Reuters", "published_at": "2024-05-01T00:00:00Z",
            "entities": [{"name": "Paris", "kind": "gpe"}, {"name": "Kurds", "kind": "NORP"},
                         {"name": "Le Monde", "kind": "ORGANIZATION"},
                         {"name": "Lyon", "kind": "LOC", "label": "B-LOC"}]}
    db = path("db")
    ok("import", "-q", db, write("labels.jsonl", json.dumps(line) + "\n"))
    want = [{"name": "Paris", "kind": "LOCATION", "label": "GPE"},
            {"name": "Kurds", "kind": "OTHER", "label": "NORP"},
            {"name": "Le Monde", "kind": "ORGANIZATION"},
            {"name": "Lyon", "kind": "LOCATION", "label": "B-LOC"}]
    got = export(db)[0]["entities"]
    check(got == want, "exported entities: %s" % got)
    check([a["id"] for a in export(db, "--entity", "kurds")] == ["l/1"], "entity query")
    ok("dump", db, path("labels.dump"))
    ok("restore", path("copy"), path("labels.dump"))
    got = export(path("copy"))[0]["entities"]
    check(got == want, "restored entities: %s" % got)
    # Exported lines import back to the same records: nothing is written again.
    out = ok("export", db)[1]
    _, _, err = ok("import", db, write("again.jsonl", out))
    check("unchanged 1" in summary(err), "re-import of the export: " + summary(err))


def import_reports_each_bad_line_kind():
    good = synthetic(3)
    bad_lines = [
        ("malformed JSON", b'{"id": "b1", "source": "Reuters", "title": '),
        ("wrong type", b'{"id": "b2", "source": "Reuters", "title": 17}'),
        ("invalid UTF-8", b'{"id": "b3", "source": "Reuters", "title": "caf\xc3\x28"}'),
        ("unknown entity kind",
         b'{"id": "b4", "source": "Reuters", "entities": [{"name": "X", "kind": "PLANET"}]}'),
        ("unparseable date", b'{"id": "b5", "source": "Reuters", "published_at": "1987-13-45"}'),
        ("missing source", b'{"id": "b6", "title": "no source"}'),
        ("too large", b'{"id": "b7", "source": "Reuters", "body": "' + b"x" * 5000 + b'"}'),
        ("not an object", b'[1, 2, 3]'),
    ]
    lines = [json.dumps(good[0]).encode()]
    expected_rejects = []
    for _, l in bad_lines:
        lines.append(l)
        expected_rejects.append(l)
    lines += [b"", json.dumps(good[1]).encode(), json.dumps(good[2]).encode()]
    src = write("bad.jsonl", b"\n".join(lines) + b"\n")
    db = path("db")
    rc, _, err = run("import", db, src, "--rejects", path("rejects.jsonl"),
                     "--max-record-bytes", "2000")
    check(rc == 1, "exit %d, expected 1 (some lines rejected)\n%s" % (rc, err))
    for i, (kind, _) in enumerate(bad_lines):
        prefix = "%s:%d: " % (src, i + 2)
        check(any(l.startswith(prefix) for l in err.splitlines()),
              "no '%s' report for the %s line in:\n%s" % (prefix, kind, err))
    check("too large" in [l for l in err.splitlines() if l.startswith(src + ":8:")][0],
          "the too-large line is not reported as too large")
    with open(path("rejects.jsonl"), "rb") as f:
        check(f.read() == b"".join(l + b"\n" for l in expected_rejects),
              "--rejects file does not hold the bad lines verbatim")
    s = summary(err)
    check("read 11, stored 3 (new 3 / updated 0), unchanged 0, rejected 8" in s, "summary: " + s)
    got = sorted(a["id"] for a in export(db))
    check(got == ["s/0", "s/1", "s/2"], "stored ids: %s" % got)
    ok("verify", db)

    # A record over the default 16 MiB limit, without any option.
    big = b'{"id": "huge", "source": "Reuters", "body": "' + b"y" * (17 << 20) + b'"}\n'
    rc, _, err = run("import", "-q", db, write("big.jsonl", big))
    check(rc == 1, "a 17 MiB record was not rejected (exit %d)" % rc)
    check("big.jsonl:1: " in err and "too large" in err, err[-500:])


def import_strict_stops_at_first_bad_line():
    good = synthetic(4)
    lines = [json.dumps(good[0]), json.dumps(good[1]), '{"id": "bad"', json.dumps(good[2])]
    db = path("db")
    rc, _, err = run("import", "--strict", db, write("s.jsonl", "\n".join(lines) + "\n"))
    check(rc == 1, "strict: exit %d" % rc)
    check(sorted(a["id"] for a in export(db)) == ["s/0", "s/1"],
          "strict import stored the wrong lines")


def import_reads_stdin_and_zstd():
    recs = synthetic(3000)
    text = jsonl(recs).encode()
    db = path("db")
    ok("import", "-q", db, "-", input_bytes=text)
    check(len(export(db)) == 3000, "stdin import")
    zst = path("in.jsonl.zst")
    subprocess.run(["zstd", "-q", "-19", "-o", zst], input=text, check=True)
    db2 = path("db2")
    _, _, err = ok("import", db2, zst)
    check("read 3000, stored 3000" in summary(err), summary(err))
    db3 = path("db3")
    with open(zst, "rb") as f:
        ok("import", "-q", db3, "-", stdin=f)
    check(export(db2) == export(db) == export(db3), "zstd import differs from plain import")
    # A truncated .zst fails (exit 2), and whatever was committed before stays stored.
    with open(zst, "rb") as f:
        data = f.read()
    cut = write("cut.jsonl.zst", data[: len(data) * 2 // 3])
    db4 = path("db4")
    rc, _, err = run("import", "--batch", "100", db4, cut)
    check(rc == 2, "truncated zstd input: exit %d" % rc)
    one_line_error(err, "truncated")
    stored = export(db4)
    check(500 < len(stored) < 3000, "after a truncated input, %d stored" % len(stored))
    ok("verify", db4)


def import_skips_a_byte_order_mark_at_the_start_of_a_file():
    recs = synthetic(20)
    bom = b"\xef\xbb\xbf"
    db = path("db")
    _, _, err = ok("import", db, write("bom.jsonl", bom + jsonl(recs).encode()))
    check("read 20, stored 20" in summary(err) and "rejected 0" in summary(err), summary(err))
    check(export(db, "--oldest-first") == export(make_archive("plain", recs), "--oldest-first"),
          "a file with a BOM imports differently")
    # Only at the start of a file: elsewhere it is a bad line, named as such.
    rc, _, err = run("import", db, write("mid.jsonl", jsonl(recs[:2]).encode() + bom + b"{}\n"))
    check(rc == 1 and "rejected 1" in summary(err), summary(err))


def import_summary_counts_and_names_ids_repeated_within_the_input():
    recs = synthetic(30)
    dup = dict(recs[3], title="a later version")
    nourl = {"source": "Le Monde", "title": "no id, no url", "body": "same text"}
    lines = recs + [dup, nourl, dict(nourl)]
    db = path("db")
    _, _, err = ok("import", db, write("in.jsonl", jsonl(lines)))
    check("repeated ids 2" in summary(err), summary(err))
    check(re.search(r"in\.jsonl:31: id 's/3' was on .*in\.jsonl:4 too; the later article is kept",
                    err), err)
    check(re.search(r"in\.jsonl:33: id 'hash:[0-9a-f]+' was on .*in\.jsonl:32 too", err), err)
    stored = export(db)
    check(len(stored) == 31, "%d articles stored" % len(stored))
    check([a["title"] for a in stored if a["id"] == "s/3"] == ["a later version"],
          "the later article was not the one kept")
    # Across files of one import too; a second import of the same file repeats nothing.
    _, _, err = ok("import", db, write("a.jsonl", jsonl(recs[:5])), write("b.jsonl", jsonl(recs[:2])))
    check("repeated ids 2" in summary(err), summary(err))
    _, _, err = ok("import", db, path("in.jsonl"))
    check("repeated ids 2" in summary(err) and "new 0 /" in summary(err), summary(err))


def import_is_an_upsert():
    recs = synthetic(500)
    db = make_archive("db", recs)
    recs[7]["title"] = "Changed"
    _, _, err = ok("import", db, write("again.jsonl", jsonl(recs)))
    # Only the changed article is written; the 499 others equal what is stored.
    check("stored 1 (new 0 / updated 1), unchanged 499, rejected 0" in summary(err), summary(err))
    check(ok("count", db)[1].strip() == b"500", "count after re-import")
    got = json.loads(ok("get", db, "s/7")[1])
    check(got["title"] == "Changed", "re-import did not update")


def bulk_import_survives_and_flushes():
    recs = synthetic(2000)
    db = path("db")
    ok("import", "--bulk", "-q", db, write("b.jsonl", jsonl(recs)))
    check(len(export(db)) == 2000, "bulk import lost records")
    ok("verify", db)
    db2 = path("db2")
    ok("import", "--sync", "--batch", "250", "-q", db2, path("b.jsonl"))
    check(export(db2) == export(db), "sync import differs")


def get_and_delete_report_missing_ids():
    db = make_archive("db", synthetic(10))
    rc, out, err = run("get", db, "s/1", "missing/1", "s/2")
    check(rc == 1, "get with a missing id: exit %d" % rc)
    check([a["id"] for a in parse_lines(out)] == ["s/1", "s/2"], "get output")
    check("missing/1" in err, "missing id not named")
    rc, _, err = run("delete", db, "s/1", "missing/2")
    check(rc == 1, "delete with a missing id: exit %d" % rc)
    check("missing/2" in err, "missing id not named")
    check(run("get", db, "s/1")[0] == 1, "deleted article still there")
    ok("delete", db, "s/2")
    check(ok("count", db)[1].strip() == b"8", "count after deletes")
    ok("verify", db)


def expected_ids(recs, filters):
    """The ids of `recs` matching command-line filters, computed from the JSON."""
    args = list(filters)
    src, ents, lo, hi = None, [], None, None
    while args:
        a = args.pop(0)
        if a == "--source":
            src = args.pop(0).lower()
        elif a == "--entity":
            ents.append(args.pop(0).lower())
        elif a == "--from":
            lo = args.pop(0)
        elif a == "--to":
            hi = args.pop(0)
    out = set()
    for r in recs:
        t = r.get("published_at")
        if (lo or hi) and t is None:
            continue
        if lo and t < lo:
            continue
        if hi and t >= hi:
            continue
        if src and r["source"].lower() != src:
            continue
        names = {e["name"].lower() for e in r.get("entities", [])}
        if not set(ents) <= names:
            continue
        out.add(r["id"])
    return out


def search_finds_words_phrases_and_refuses_bad_queries():
    recs = [
        {"id": "en1", "source": "Reuters", "language": "en", "published_at": "2024-05-01T10:00:00Z",
         "title": "Elections in Armenia", "body": "Climate change talks stalled before the vote."},
        {"id": "en2", "source": "Reuters", "language": "en", "published_at": "2024-05-02T10:00:00Z",
         "title": "Peace talks", "body": "The ministers elected a chair; change of climate."},
        {"id": "fr1", "source": "Le Monde", "language": "fr", "published_at": "2024-05-03T10:00:00Z",
         "title": "L'Arménie vote", "body": "Les élections et le changement climatique."},
        {"id": "fr2", "source": "Le Monde", "language": "fr", "published_at": "2024-06-01T10:00:00Z",
         "title": "Économie", "body": "La paix, aujourd'hui."},
    ]
    # Without a text index (the default): answers from the records, with a note saying so.
    db = make_archive("db", recs)
    check("text_index\tno" in ok("stats", db)[1].decode(), "stats without the index")
    check_search(db)
    for args in (["search", db, "vote"], ["count", db, "--text", "vote"],
                 ["facets", db, "--by", "source", "--text", "vote"]):
        err = ok(*args)[2]
        check("has no text index" in err and "reindex --text-index" in err, "no note: %s" % err)
    ok("reindex", db)  # keeps what the archive has
    check("text_index\tno" in ok("stats", db)[1].decode(), "reindex built an index")
    # With one (import --text-index, or reindex --text-index): the same answers, no note.
    indexed = path("indexed")
    write("indexed.jsonl", jsonl(recs))
    ok("import", "--text-index", indexed, path("indexed.jsonl"))
    check("text_index\tyes" in ok("stats", indexed)[1].decode(), "import --text-index")
    check("note:" not in ok("search", indexed, "vote")[2], "a note with a text index")
    check_search(indexed)
    ok("reindex", "--text-index", db)
    check("text_index\tyes" in ok("stats", db)[1].decode(), "reindex --text-index")
    check_search(db)
    ok("reindex", indexed)
    check("text_index\tyes" in ok("stats", indexed)[1].decode(), "reindex dropped the index")
    ok("reindex", "--no-text-index", indexed)
    check(json.loads(ok("stats", indexed, "--format", "json")[1])["text_index"] is False,
          "stats json after reindex --no-text-index")
    check_search(indexed)
    rc, _, err = run("reindex", "--text-index", "--no-text-index", indexed)
    check(rc == 2 and "contradict" in err, "both reindex flags: exit %d %s" % (rc, err))


def search_orders_by_relevance_with_pages():
    recs = [
        {"id": "many", "source": "S", "language": "en", "published_at": "2024-05-01T10:00:00Z",
         "title": "Zebra crossing", "body": "A zebra, then another zebra."},
        {"id": "once", "source": "S", "language": "en", "published_at": "2024-05-02T10:00:00Z",
         "title": "Roads", "body": "A zebra was seen near the long road out of the town."},
        {"id": "none", "source": "S", "language": "en", "published_at": "2024-05-03T10:00:00Z",
         "title": "Town", "body": "Nothing here."},
    ]
    plain = make_archive("plain", recs)
    indexed = path("indexed")
    write("indexed.jsonl", jsonl(recs))
    ok("import", "-q", "--text-index", indexed, path("indexed.jsonl"))
    for db in (plain, indexed):
        def ids(*args):
            return ok("search", db, *args, "--format", "ids")[1].decode().split()

        check(ids("zebra") == ["once", "many"], "newest: %s" % ids("zebra"))
        check(ids("zebra", "--order", "relevance") == ["many", "once"],
              "relevance: %s" % ids("zebra", "--order", "relevance"))
        check(ids("zebra", "--order", "relevance", "--all") == ["many", "once"], "--all")
        _, out, err = ok("search", db, "zebra", "--order", "relevance", "--limit", "1",
                         "--format", "ids")
        cursor = cursors(err)
        check(out.decode().split() == ["many"] and len(cursor) == 1, "first page: %s" % out)
        check(ids("zebra", "--order", "relevance", "--limit", "1", "--cursor", cursor[0]) ==
              ["once"], "second page")
        # A cursor of the newest-first order is not one of relevance order.
        _, _, err = ok("search", db, "zebra", "--limit", "1", "--format", "ids")
        newest = cursors(err)[0]
        rc, _, err = run("search", db, "zebra", "--order", "relevance", "--cursor", newest)
        check(rc != 0 and "cursor" in err, "a newest-first cursor in relevance order: %s" % err)
        rc, _, err = run("search", db, "zebra", "--order", "best")
        check(rc == 2 and "relevance" in err, "unknown order: %s" % err)


def check_search(db):
    def ids(*args):
        return ok("search", db, *args, "--format", "ids")[1].decode().split()

    # Words match other forms of their stem in each article's language, newest first.
    # Accents are folded: the French and the English forms find one another.
    check(ids("election") == ["fr1", "en2", "en1"], "election: %s" % ids("election"))
    check(ids("élection") == ["fr1", "en2", "en1"], "élection: %s" % ids("élection"))
    check(ids("vote") == ["fr1", "en1"], "vote: %s" % ids("vote"))
    check(ids("arménie") == ["fr1"], "elision: %s" % ids("arménie"))
    check(ids('"climate change"') == ["en1"], "phrase: %s" % ids('"climate change"'))
    check(ids("climat* -talks") == ["fr1"], "prefix and NOT: %s" % ids("climat* -talks"))
    check(ids("title:talks OR paix", "--order", "oldest") == ["en2", "fr2"], "OR, order")
    check(ids("vote", "--source", "le monde") == ["fr1"], "with --source")
    check(ids("vote OR paix", "--from", "2024-06") == ["fr2"], "with --from")
    # Pages with a cursor cover the matches.
    _, out, err = ok("search", db, "election OR élection", "--limit", "2", "--format", "ids")
    cursor = cursors(err)
    check(out.decode().split() == ["fr1", "en2"] and len(cursor) == 1, "first page")
    _, out, _ = ok("search", db, "election OR élection", "--limit", "2", "--format", "ids",
                   "--cursor", cursor[0])
    check(out.decode().split() == ["en1"], "second page: %s" % out)
    # The table shows the matches, each with its best passage, matched words marked.
    out = ok("search", db, "peace")[1].decode()
    check("Peace talks" in out and "Économie" not in out, "table: %s" % out)
    lines = ok("search", db, "climate vote")[1].decode().splitlines()
    check(len(lines) == 5 and lines[1].endswith("L'Arménie vote") and
          lines[2] == "    Les élections et le changement [climatique]." and
          lines[3].endswith("Elections in Armenia") and
          lines[4] == "    [Climate] change talks stalled before the [vote].", "snippet: %r" % lines)
    # --text in the other commands.
    check(ok("count", db, "--text", "talks")[1].decode().split() == ["2"], "count --text")
    out = ok("facets", db, "--by", "source", "--text", "vote OR talks")[1].decode()
    check(out.splitlines() == ["Reuters\t2", "Le Monde\t1"], "facets --text: %r" % out)
    check([a["id"] for a in export(db, "--text", "paix")] == ["fr2"], "export --text")
    # A query that does not parse: its problem and column, exit 2, nothing printed.
    rc, out, err = run("search", db, "talks AND (vote")
    check(rc == 2 and out == b"", "bad query: exit %d" % rc)
    one_line_error(err, "unbalanced '('", "column 11")
    rc, _, err = run("count", db, "--text", "NOT talks")
    check(rc == 2, "pure NOT accepted")
    one_line_error(err, "nothing to subtract from")
    rc, _, err = run("search", db)
    check(rc == 2, "search without a query: exit %d" % rc)
    one_line_error(err, "QUERY")


def query_pages_with_cursor_cover_every_match():
    recs = synthetic(400)
    db = make_archive("db", recs)
    for filters in [(), ("--source", "le monde"), ("--entity", "armenia", "--entity", "UN"),
                    ("--from", "2024-03-01", "--to", "2024-07-01T12:00:00Z"),
                    ("--oldest-first", "--source", "Reuters", "--entity", "Paris")]:
        want = [a["id"] for a in export(db, *filters)]
        got, cursor, pages = [], None, 0
        while True:
            args = ["query", db, *filters, "--limit", "7", "--format", "ids"]
            if cursor:
                args += ["--cursor", cursor]
            _, out, err = ok(*args)
            got += out.decode().split()
            pages += 1
            cursor = None
            for line in err.splitlines():
                if line.startswith("next_cursor="):
                    cursor = line[len("next_cursor="):]
            if not cursor:
                break
            check(pages < 1000, "paging does not end")
        check(got == want, "paged query %s differs from export" % (filters,))
        check(set(got) == expected_ids(recs, filters),
              "query %s does not return the matching articles" % (filters,))
        # count has no order: it takes the filters without --oldest-first.
        n = int(ok("count", db, *[f for f in filters if f != "--oldest-first"])[1])
        check(n == len(want), "count %s: %d, export %d" % (filters, n, len(want)))
    # Newest first by default, and the filters mean what they say, against the JSON.
    want = sorted((a for a in recs if a["source"] == "Le Monde" and
                   any(e["name"] == "France" for e in a.get("entities", []))),
                  key=lambda a: a["published_at"], reverse=True)
    got = export(db, "--source", "LE MONDE", "--entity", "france")
    check([a["published_at"] for a in got] == [a["published_at"] for a in want],
          "filtered export is not the matching articles newest first")
    # --oldest-first reverses the order, in export and in query.
    got = export(db, "--oldest-first", "--source", "LE MONDE", "--entity", "france")
    check([a["published_at"] for a in got] == [a["published_at"] for a in reversed(want)],
          "export --oldest-first is not the matching articles oldest first")
    _, out, _ = ok("query", db, "--oldest-first", "--source", "LE MONDE", "--entity", "france",
                   "--limit", "3", "--format", "ids")
    check(out.decode().split() == [a["id"] for a in got[:3]], "query --oldest-first: %r" % out)
    rc, out, _ = ok("query", db, "--limit", "5", "--format", "table")
    check(out.decode().splitlines()[0].startswith("PUBLISHED"), "table has no header")
    check(len(out.decode().splitlines()) == 6, "table rows")
    rc, out, _ = ok("query", db, "--limit", "3")
    check(len(parse_lines(out)) == 3, "json format")


def start_blocked_import(db):
    """An import reading from a pipe we keep open: it holds the writer's lock.

    Returns once the lock is known to be held, whatever the load: the import commits its
    first batch (5 lines, --batch 5) and then waits for more input, holding the archive
    open for writing. Seeing those 5 articles through a read-only `count` proves it has
    opened the archive, so the lock is taken; it keeps it until its input ends."""
    before = int(ok("count", db)[1])
    p = subprocess.Popen([ARTICLEDB, "import", "-q", "--batch", "5", db, "-"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(jsonl(synthetic(5, seed=99)).encode().replace(b'"s/', b'"new/'))
    p.stdin.flush()
    deadline = time.time() + 120
    while int(ok("count", db)[1]) != before + 5:
        if p.poll() is not None:
            raise Failure("the import ended early: %s" % p.stderr.read().decode())
        if time.time() > deadline:
            p.kill()
            raise Failure("the running import never committed its first batch")
        time.sleep(0.05)
    rc, _, err = run("compact", db)
    check(rc == 2, "compact while an import runs: exit %d" % rc)
    return p, err


def writer_lock_is_reported_as_busy():
    db = make_archive("db", synthetic(50))
    p, err = start_blocked_import(db)
    try:
        line = one_line_error(err, "locked by another process", "--busy-timeout")
        check(line.count("locked") == 1, "the message repeats itself: %r" % line)
        for args in [("delete", db, "s/1"), ("import", db, path("db.jsonl")),
                     ("reindex", db), ("checkpoint", db, path("cp"))]:
            rc, _, err = run(*args)
            check(rc == 2, "%s while locked: exit %d" % (args[0], rc))
            one_line_error(err, "locked by another process")
        # A short wait runs out and says so; a long one outlasts the other writer.
        t0 = time.time()
        rc, _, err = run("--busy-timeout", "0.5", "delete", db, "s/1")
        check(rc == 2 and time.time() - t0 >= 0.5, "--busy-timeout 0.5: exit %d" % rc)
        one_line_error(err, "locked by another process", "after waiting 0.5 s")
        waiter = subprocess.Popen([ARTICLEDB, "delete", "--busy-timeout", "120", db, "s/2"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.5)
        check(waiter.poll() is None, "the waiting writer did not wait")
    finally:
        p.stdin.close()
        check(p.wait(timeout=60) == 0, "the blocked import failed")
    out, err = waiter.communicate(timeout=120)
    check(waiter.returncode == 0, "the waiting writer failed: %s" % err.decode())
    check(ok("count", db)[1].strip() == b"54", "count after the import and the delete")


def read_only_commands_work_while_import_runs():
    db = make_archive("db", synthetic(300))
    p, _ = start_blocked_import(db)
    try:
        check(len(export(db)) >= 300, "export while locked")
        ok("get", db, "s/1")
        ok("query", db, "--limit", "5")
        ok("count", db, "--by", "month")
        ok("sources", db)
        ok("entities", db, "--prefix", "arm")
        ok("stats", db)
        ok("verify", db)
        ok("dump", db, path("while.dump"))
        ok("verify-dump", path("while.dump"))
    finally:
        p.stdin.close()
        check(p.wait(timeout=60) == 0, "the blocked import failed")


def dump_restore_round_trip():
    recs = synthetic(1500)
    db = make_archive("db", recs)
    _, _, err = ok("dump", db, path("a.dump"))
    check("dumped 1500 records" in err, err)
    ok("verify-dump", path("a.dump"))
    _, _, err = ok("restore", path("restored"), path("a.dump"))
    check("restored 1500 records" in err, err)
    check(export(path("restored")) == export(db), "restored archive differs")
    ok("verify", path("restored"))
    check(not [n for n in os.listdir(WORK) if ".partial-" in n or ".tmp-" in n],
          "temporary files left behind: %s" % os.listdir(WORK))
    # An existing empty directory may be the target too.
    os.mkdir(path("empty"))
    ok("restore", path("empty"), path("a.dump"))
    check(export(path("empty")) == export(db), "restore into an empty directory")
    # Dump to standard output.
    with open(path("b.dump"), "wb") as f:
        subprocess.run([ARTICLEDB, "dump", db, "-"], stdout=f, stderr=subprocess.PIPE, check=True)
    ok("verify-dump", path("b.dump"))


def restore_refuses_non_empty_archive_without_merge():
    db = make_archive("db", synthetic(100))
    ok("dump", db, path("a.dump"))
    other = make_archive("other", [dict(a, id="o/" + a["id"]) for a in synthetic(30, seed=3)])
    before = export(other)
    rc, _, err = run("restore", other, path("a.dump"))
    check(rc == 2, "restore into a non-empty archive: exit %d" % rc)
    one_line_error(err, "--merge")
    check(export(other) == before, "refused restore changed the archive")
    ok("restore", "--merge", other, path("a.dump"))
    check(len(export(other)) == 130, "merge did not add the dump's records")
    ok("verify", other)
    # One article is enough to make an archive non-empty.
    single = make_archive("single", synthetic(1, seed=5))
    before = export(single)
    rc, _, err = run("restore", single, path("a.dump"))
    check(rc == 2, "restore into an archive of one article: exit %d" % rc)
    one_line_error(err, "--merge")
    check(export(single) == before, "refused restore changed the one-article archive")


def damaged_dumps_are_refused():
    recs = synthetic(4000, body=700)  # several 1 MiB frames
    db = make_archive("db", recs)
    ok("dump", db, path("good.dump"))
    with open(path("good.dump"), "rb") as f:
        good = f.read()
    size = len(good)
    # The first frame's stored length, from its header (docs/dump-format.md).
    first_stored = int.from_bytes(good[24 + 8:24 + 12], "little")
    end_first = 24 + 32 + first_stored
    check(end_first < size - 64, "the test dump has only one frame")

    def flipped(at):
        b = bytearray(good)
        b[at] ^= 0x10
        return bytes(b)

    version2 = bytearray(good)
    version2[8] = 2
    cases = {
        "empty file": b"",
        "cut in the magic": good[:5],
        "cut in the header": good[:20],
        "cut after the header": good[:24],
        "cut in a frame header": good[:40],
        "cut in a frame payload": good[:24 + 32 + first_stored // 2],
        "cut after the first frame": good[:end_first],
        "cut in the trailer": good[:size - 10],
        "cut before the last byte": good[:size - 1],
        "flip in the file header": flipped(17),
        "flip in a frame header": flipped(24 + 5),
        "flip in a frame payload": flipped(24 + 32 + 100),
        "flip in the last frame": flipped(size - 64 - 50),
        "flip in the trailer": flipped(size - 3),
        "wrong magic": b"PK\x03\x04" + good[4:],
        "future version": bytes(version2),
        "JSON lines": jsonl(recs[:3]).encode(),
        "trailing garbage": good + b"\n",
    }
    merge = make_archive("merge", [dict(a, id="m/" + a["id"]) for a in synthetic(40, seed=5)])
    merge_before = export(merge)
    for name, data in cases.items():
        f = write("bad.dump", data)
        target = path("target")
        rc, _, err = run("restore", target, f)
        check(rc == 2, "%s: restore exit %d" % (name, rc))
        line = one_line_error(err, "byte offset", "record")
        if name == "wrong magic" or name == "JSON lines":
            check("not an ArticleDB dump" in line, name + ": " + line)
        if name == "future version":
            check("version 2 is not supported" in line, name + ": " + line)
        if name.startswith("cut") or name == "empty file":
            check("truncated" in line or "empty" in line, name + ": " + line)
        check(not os.path.exists(target), name + ": a failed restore left " + target)
        check(not [n for n in os.listdir(WORK) if ".partial-" in n],
              name + ": a failed restore left a partial directory")
        rc, _, err = run("restore", "--merge", merge, f)
        check(rc == 2, "%s: restore --merge exit %d" % (name, rc))
        check(export(merge) == merge_before, name + ": failed --merge changed the archive")
        rc, _, err = run("verify-dump", f)
        check(rc == 2, "%s: verify-dump exit %d" % (name, rc))
    ok("verify", merge)


def interrupted_import_keeps_what_it_read():
    recs = synthetic(2500)
    db = make_archive("db", recs[:1])
    p = subprocess.Popen([ARTICLEDB, "import", "--batch", "1000", db, "-"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(jsonl(recs).encode())
    p.stdin.flush()
    # Two batches are committed; the last 500 lines wait in the third when Ctrl-C comes.
    deadline = time.time() + 60
    while int(ok("count", db)[1]) < 2000:
        check(time.time() < deadline, "the import did not commit its first batches")
        time.sleep(0.1)
    time.sleep(0.3)
    p.send_signal(2)  # SIGINT
    _, err = p.communicate(timeout=60)
    err = err.decode()
    check(p.returncode == 130, "interrupted import: exit %d\n%s" % (p.returncode, err))
    check("(interrupted)" in summary(err), summary(err))
    check(int(ok("count", db)[1]) == 2500, "lines read before Ctrl-C were not all stored")
    ok("verify", db)


def interrupt_within_a_second(args, sig, what):
    """Starts articledb with args, sends sig after 1.5 s; checks it ends within 1 s with
    status 130 and its summary line. Returns its standard error."""
    p = subprocess.Popen([ARTICLEDB, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    check(p.poll() is None, "%s: ended before the signal (exit %s)" % (what, p.poll()))
    p.send_signal(sig)
    sent = time.time()
    try:
        _, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise Failure("%s: still running 10 s after signal %d" % (what, sig))
    took = time.time() - sent
    err = err.decode("utf-8", "replace")
    check(took < 1.0, "%s: ended %.2f s after signal %d (more than 1 s)" % (what, took, sig))
    check(p.returncode == 130, "%s: exit %d after signal %d, expected 130\n%s" %
          (what, p.returncode, sig, err[-500:]))
    check(summary(err) is not None and "(interrupted)" in summary(err),
          "%s: no summary line: %r" % (what, err[-500:]))
    return err


def import_stops_within_a_second_of_a_signal_while_rejecting_lines():
    db = path("db")
    interrupt_within_a_second(["import", "-q", db, "/dev/zero"], 2, "import /dev/zero, SIGINT")
    interrupt_within_a_second(["import", "-q", db, "/dev/zero"], 15, "import /dev/zero, SIGTERM")
    bad = path("bad.jsonl")
    with open(bad, "wb") as f:
        f.write(b"{not json}\n" * 3000000)
    err = interrupt_within_a_second(["import", "-q", db, bad], 2, "import of 3M bad lines, SIGINT")
    check(" rejected " in summary(err), summary(err))
    check(ok("count", db)[1].strip() == b"0", "bad lines were stored")


def import_refuses_a_directory_that_is_not_an_archive():
    src = write("in.jsonl", jsonl(synthetic(20)))
    home = path("home")
    os.mkdir(home)
    write("home/notes.txt", "my notes\n")
    before = sorted(os.listdir(home))
    rc, _, err = run("import", "-q", home, src)
    check(rc == 2, "import into a directory of other files: exit %d" % rc)
    one_line_error(err, home, "not an ArticleDB archive")
    check(sorted(os.listdir(home)) == before,
          "import wrote among the user's files: %s" % sorted(os.listdir(home)))
    check(open(os.path.join(home, "notes.txt")).read() == "my notes\n", "notes changed")
    # An empty directory is a fine place for a new archive.
    empty = path("empty")
    os.mkdir(empty)
    ok("import", "-q", empty, src)
    check(ok("count", empty)[1].strip() == b"20", "import into an empty directory")
    # A missing input file is found before anything is created.
    fresh = path("fresh")
    rc, _, err = run("import", "-q", fresh, path("no-such.jsonl"))
    check(rc == 2, "import of a missing file: exit %d" % rc)
    one_line_error(err, "no-such.jsonl")
    check(not os.path.exists(fresh), "an archive was created for a missing input file")


def wait_until_open(proc, file):
    """Waits until proc has `file` open (polled in /proc); False if it ended first."""
    want = os.path.realpath(file)
    fd_dir = "/proc/%d/fd" % proc.pid
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        try:
            for fd in os.listdir(fd_dir):
                try:
                    if os.readlink(os.path.join(fd_dir, fd)) == want:
                        return True
                except OSError:
                    pass
        except OSError:
            pass
        time.sleep(0.001)
    return False


def restore_merge_interrupted_while_checking_merges_nothing():
    db = make_archive("db", synthetic(50))
    src = path("incoming.jsonl")
    with open(src, "wb") as f:
        subprocess.run([ARTICLEDB, "generate", "10000", "--seed", "5"], stdout=f, check=True)
    ok("import", "-q", path("incoming"), src)
    dump = path("incoming.dump")
    ok("dump", "-q", path("incoming"), dump)
    before = export(db)
    # The dump is read twice: checked whole first, then merged. Ctrl-C while the first
    # read runs (the first time the file is open) must leave the archive as it was.
    p = subprocess.Popen([ARTICLEDB, "-q", "restore", "--merge", db, dump],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(wait_until_open(p, dump), "restore never opened the dump")
    p.send_signal(2)
    _, err = p.communicate(timeout=60)
    err = err.decode()
    after = export(db)
    check(len(after) == len(before),
          "Ctrl-C while checking the dump merged %d records:\n%s" %
          (len(after) - len(before), err))
    check(after == before, "Ctrl-C while checking the dump changed the archive")
    check(p.returncode == 130, "interrupted restore: exit %d, expected 130\n%s" % (p.returncode, err))
    one_line_error(err, "nothing was merged")
    ok("verify", db)


def readers_leave_no_scratch_files_and_never_abort():
    db = make_archive("db", synthetic(3000))
    scratch = path("tmp")
    os.mkdir(scratch)
    env = dict(os.environ, TMPDIR=scratch)
    cmds = [["export", db], ["query", db, "--limit", "5"], ["count", db], ["get", db, "s/1"],
            ["sources", db], ["entities", db], ["verify", db], ["stats", db],
            ["dump", db, path("d.dump")]]

    def leftovers():
        """Reader scratch directories in TMPDIR, and those in /tmp made for this test's
        archive (their info log names it: other processes on the machine may leave their
        own)."""
        found = [os.path.join(scratch, n) for n in os.listdir(scratch)]
        for n in os.listdir("/tmp"):
            if not n.startswith("articledb-reader"):
                continue
            try:
                with open(os.path.join("/tmp", n, "LOG"), "rb") as f:
                    mine = db.encode() in f.read()
            except OSError:
                mine = False
            if mine:
                found.append(os.path.join("/tmp", n))
        return found

    old = set(leftovers())
    for c in cmds:
        p = subprocess.run([ARTICLEDB, *c], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        check(p.returncode == 0, "%s: exit %d %s" % (c[0], p.returncode, p.stderr[-300:]))
    # export | head -1: SIGPIPE; then SIGINT and SIGTERM in the middle of an export.
    p = subprocess.run("'%s' export '%s' | head -1" % (ARTICLEDB, db), shell=True, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(len(p.stdout.splitlines()) == 1, "export | head -1")
    for sig in (2, 15):
        e = subprocess.Popen([ARTICLEDB, "export", db], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        e.stdout.read(1)  # it has opened the archive and started writing
        e.send_signal(sig)
        e.communicate(timeout=60)
        check(e.returncode != -6 and e.returncode != 134, "export aborted on signal %d" % sig)
    new = set(leftovers()) - old
    check(not new, "readers left scratch directories behind: %s" % sorted(new))
    check(os.listdir(scratch) == [], "readers wrote into TMPDIR: %s" % os.listdir(scratch))


def info_logs(db):
    return {n: open(os.path.join(db, n), "rb").read() for n in os.listdir(db)
            if n == "LOG" or n.startswith("LOG.old")}


def writers_refused_by_the_lock_keep_the_running_writers_log():
    db = make_archive("db", synthetic(50))
    earlier = sorted(info_logs(db))
    p, _ = start_blocked_import(db)
    try:
        # The running writer starts its own log once it holds the lock: wait for it.
        deadline = time.time() + 30
        while sorted(info_logs(db)) == earlier and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        logs = info_logs(db)
        check("LOG" in logs, "the running writer has no info log")
        for args in [("delete", db, "s/1"), ("compact", db), ("reindex", db), ("compact", db),
                     ("import", db, path("db.jsonl")), ("checkpoint", db, path("cp"))]:
            rc, _, err = run(*args)
            check(rc == 2, "%s while locked: exit %d" % (args[0], rc))
        now = info_logs(db)
        check(now == logs, "writers refused by the lock changed the info logs: %s -> %s" %
              (sorted(logs), sorted(now)))
    finally:
        p.stdin.close()
        check(p.wait(timeout=60) == 0, "the blocked import failed")


def wal_bytes(db):
    return sum(os.path.getsize(os.path.join(db, n)) for n in os.listdir(db) if n.endswith(".log"))


def restore_merge_ends_with_a_flush():
    db = make_archive("db", synthetic(50))
    src = write("more.jsonl", jsonl(synthetic(3000, seed=8)).replace('"s/', '"m/'))
    ok("import", "-q", path("more"), src)
    ok("dump", "-q", path("more"), path("more.dump"))
    ok("restore", "-q", "--merge", db, path("more.dump"))
    # Everything merged sits in table files: the next open has no log to replay.
    check(wal_bytes(db) < 64 * 1024, "restore --merge left %d bytes of write-ahead log to "
          "replay at the next open" % wal_bytes(db))
    check(ok("count", db)[1].strip() == b"3050", "count after the merge")


def maintenance_commands_keep_the_archive_sound():
    recs = synthetic(800)
    db = make_archive("db", recs)
    before = export(db)
    _, out, _ = ok("stats", db)
    st = dict(l.split("\t", 1) for l in out.decode().splitlines())
    check(st["articles"] == "800" and st["sources"] == "3", "stats: %s" % st)
    check(st["oldest"].startswith("2024-") and st["newest"].startswith("202"), "stats dates")
    check(int(st["record_bytes"]) > int(st["record_disk_bytes"]) > 0, "stats bytes: %s" % st)
    check("cf.records" in st and "cf.index" in st, "stats lacks column families")
    ok("delete", db, "s/1", "s/2")
    ok("compact", db)
    ok("reindex", db)
    _, out, _ = ok("verify", db)
    check("sound" in out.decode() and " 0 problems" in out.decode(), out.decode())
    ok("checkpoint", db, path("copy"))
    check(export(path("copy")) == [a for a in before if a["id"] not in ("s/1", "s/2")],
          "checkpoint differs")
    ok("verify", path("copy"))
    rc, _, err = run("checkpoint", db, path("copy"))
    check(rc == 2, "checkpoint over an existing directory: exit %d" % rc)
    one_line_error(err, "checkpoint")
    _, out, _ = ok("entities", db, "--prefix", "ARM", "--limit", "5")
    check(out.decode().splitlines() == ["Armenia\t%d" % sum(
        1 for a in recs if a["id"] not in ("s/1", "s/2") and
        any(e["name"] == "Armenia" for e in a.get("entities", [])))],
        "entities --prefix ARM: %r" % out)
    _, out, _ = ok("sources", db, "--prefix", "LE", "--limit", "5")
    check(out.decode().splitlines() == ["Le Monde\t%d" % sum(
        1 for a in recs if a["id"] not in ("s/1", "s/2") and a["source"] == "Le Monde")],
        "sources --prefix LE: %r" % out)
    _, out, _ = ok("sources", db, "--limit", "1")
    check(len(out.decode().splitlines()) == 1, "sources --limit 1: %r" % out)


def verify_reports_damage_and_reindex_repairs_it():
    db = make_archive("db", synthetic(200))
    before = export(db)
    p = subprocess.run([DAMAGE, db, "drop-index-entry"], stderr=subprocess.PIPE)
    check(p.returncode == 0, "damaging the archive failed: %s" % p.stderr.decode())
    rc, out, err = run("verify", db)
    out = out.decode()
    check(rc == 1, "verify of a damaged archive: exit %d\n%s%s" % (rc, out, err))
    check("missing index entry" in out and "NOT SOUND" in out and " 1 problems" in out, out)
    ok("reindex", db)
    _, out, _ = ok("verify", db)
    check(" 0 problems" in out.decode(), out.decode())
    check(export(db) == before, "reindex changed the records")


V1_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "v1")


def upgrade_converts_a_format_1_archive_and_answers_as_before():
    # tests/data/v1: a format-1 archive and what format-1 code answered on it (README).
    db = path("v1")
    shutil.copytree(os.path.join(V1_DATA, "archive"), db)
    rc, _, err = run("count", db)
    check(rc != 0, "count of a format-1 archive: exit 0")
    check("format 1" in err and "articledb upgrade " + db in err, err)
    _, _, err = ok("upgrade", db)
    check("upgraded " + db in err, err)
    expected = os.path.join(V1_DATA, "expected")
    for name, args in (("export.jsonl", ["export", db, "--oldest-first"]),
                       ("count.txt", ["count", db]),
                       ("months.tsv", ["count", db, "--by", "month"]),
                       ("sources.tsv", ["sources", db]),
                       ("entities.tsv", ["entities", db])):
        _, out, _ = ok(*args)
        with open(os.path.join(expected, name), "rb") as f:
            want = f.read()
        if name.endswith(".jsonl"):
            # The same records; the spelling of the JSON may differ (format-1 code wrote
            # '<' as \u003c, the export now writes it as is).
            out, want = parse_lines(out), parse_lines(want)
        check(out == want, "%s after upgrade differs from format-1 answers (%d vs %d)" %
              (name, len(out), len(want)))
    _, out, _ = ok("verify", db)
    check(" 0 problems" in out.decode(), out.decode())
    # Again: nothing to do.
    ok("upgrade", db)
    check(export(db, "--oldest-first") ==
          parse_lines(open(os.path.join(expected, "export.jsonl"), "rb").read()),
          "a second upgrade changed the records")


def upgrade_killed_at_random_moments_is_finished_by_the_next():
    expected = os.path.join(V1_DATA, "expected")
    want = parse_lines(open(os.path.join(expected, "export.jsonl"), "rb").read())
    rng = random.Random(11)
    # Kill moments are drawn within the time a whole upgrade takes on this machine (so
    # most kills land during the work, idle machine or loaded), measured first.
    db = path("v1-timed")
    shutil.copytree(os.path.join(V1_DATA, "archive"), db)
    t0 = time.monotonic()
    ok("-q", "upgrade", db)
    whole = time.monotonic() - t0
    killed = 0
    for i in range(8):
        db = path("v1-%d" % i)
        shutil.copytree(os.path.join(V1_DATA, "archive"), db)
        proc = subprocess.Popen([ARTICLEDB, "-q", "upgrade", db], stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.0, 0.9 * whole))
        proc.kill()
        proc.wait()
        killed += proc.returncode != 0
        rc, _, err = run("count", db)
        if rc != 0:  # killed before the end: still format 1, refused with the command
            check("format 1" in err and "articledb upgrade" in err, err)
            ok("upgrade", db)
        check(export(db, "--oldest-first") == want, "records differ after a killed upgrade")
        _, out, _ = ok("verify", db)
        check(" 0 problems" in out.decode(), out.decode())
    check(killed > 0, "no upgrade was killed before it ended")


def generate_writes_importable_articles():
    rc, out, err = run("generate", "--help")
    if rc != 0:
        print("SKIPPED: this build has no synthetic generator")
        sys.exit(SKIP)
    _, a, _ = ok("generate", "300", "--seed", "5")
    _, b, _ = ok("generate", "300", "--seed", "5")
    _, c, _ = ok("generate", "300", "--seed", "6")
    # Compared parsed: the order of keys in `attributes` may differ from run to run.
    check(parse_lines(a) == parse_lines(b) and parse_lines(a) != parse_lines(c),
          "generate is not deterministic per seed")
    check(len(parse_lines(a)) == 300, "generate 300")
    db = path("db")
    _, _, err = ok("import", db, "-", input_bytes=a)
    check("read 300, stored 300" in summary(err) and "rejected 0" in summary(err), summary(err))


def read_dump_as_documented(data):
    """An independent reader of docs/dump-format.md; returns the records' ids."""
    import ctypes
    import ctypes.util
    import struct
    xxh = ctypes.CDLL(ctypes.util.find_library("xxhash") or "libxxhash.so.0")
    xxh.XXH3_64bits.restype = ctypes.c_uint64
    xxh.XXH3_64bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    zstd = ctypes.CDLL(ctypes.util.find_library("zstd") or "libzstd.so.1")
    zstd.ZSTD_decompress.restype = ctypes.c_size_t
    zstd.ZSTD_decompress.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
                                     ctypes.c_size_t]
    h64 = lambda b: xxh.XXH3_64bits(bytes(b), len(b))

    check(data[:8] == b"\x89ADBDUMP", "magic")
    version, flags, hsum = struct.unpack_from("<IIQ", data, 8)
    check(version == 1 and flags == 0 and h64(data[:16]) == hsum, "file header")
    pos, ids, frames, raw_total = 24, [], 0, 0
    while True:
        kind, count, stored, raw, psum, fsum = struct.unpack_from("<IIIIQQ", data, pos)
        check(h64(data[pos:pos + 24]) == fsum, "frame header checksum at %d" % pos)
        payload = data[pos + 32:pos + 32 + stored]
        check(len(payload) == stored and h64(payload) == psum, "payload at %d" % pos)
        if kind == 2:
            n, nf, nraw, whole = struct.unpack("<QQQQ", payload)
            check((n, nf, nraw) == (len(ids), frames, raw_total), "trailer totals")
            check(h64(data[:pos]) == whole, "whole-file checksum")
            check(pos + 32 + stored == len(data), "bytes after the trailer")
            return ids
        check(kind == 1 and 0 < raw <= 64 << 20 and 0 < count <= raw, "frame bounds")
        body = ctypes.create_string_buffer(raw)
        got = zstd.ZSTD_decompress(body, raw, payload, stored)
        check(got == raw, "frame at %d decompresses to %d bytes, not %d" % (pos, got, raw))
        body = body.raw
        i = 0
        for _ in range(count):
            length = shift = 0
            while True:
                b = body[i]
                i += 1
                length |= (b & 0x7F) << shift
                shift += 7
                if b < 0x80:
                    break
            rec = body[i:i + length]
            i += length
            # Field 1 (id) of articledb.v1.Article: tag 0x0A, varint length, bytes.
            check(rec[0] == 0x0A and rec[1] < 0x80, "record does not start with its id")
            ids.append(rec[2:2 + rec[1]].decode())
        check(i == raw, "frame holds bytes after its records")
        frames += 1
        raw_total += raw
        pos += 32 + stored


def dump_file_follows_the_documented_layout():
    recs = synthetic(3000, body=700)
    db = make_archive("db", recs)
    ok("dump", db, path("a.dump"))
    with open(path("a.dump"), "rb") as f:
        ids = read_dump_as_documented(f.read())
    check(sorted(ids) == sorted(a["id"] for a in recs), "ids in the dump")
    empty = make_archive("empty", [])
    ok("dump", empty, path("e.dump"))
    with open(path("e.dump"), "rb") as f:
        data = f.read()
    check(len(data) == 88 and read_dump_as_documented(data) == [], "empty dump")


# ---- the Reuters corpus ----

def reuters():
    src = os.path.join(CORPORA, "reuters21578.jsonl.zst")
    if not os.path.exists(src):
        print("SKIPPED: the Reuters corpus is not at %s (set ARTICLEDB_CORPORA_DIR)" % src)
        sys.exit(SKIP)
    if shutil.which("zstd") is None:
        print("SKIPPED: the zstd program is needed to read the corpus in this test")
        sys.exit(SKIP)
    text = subprocess.run(["zstd", "-dc", src], stdout=subprocess.PIPE, check=True).stdout
    records = [json.loads(l) for l in text.decode("utf-8").splitlines()]
    return src, records


def import_reuters(name, src):
    db = path(name)
    t = time.time()
    _, _, err = ok("import", db, src)
    s = summary(err)
    check(s.startswith("read 21578, stored 21578 (new 21578 / updated 0), unchanged 0, rejected 0"), s)
    print("import: %s (wall %.2f s)" % (s, time.time() - t))
    return db


def same_records(exported, records, what):
    by_id = {r["id"]: r for r in records}
    check(len(exported) == len(records), "%s: %d records, expected %d" %
          (what, len(exported), len(records)))
    seen = set()
    for e in exported:
        check(e["id"] not in seen, "%s: %s twice" % (what, e["id"]))
        seen.add(e["id"])
        check(e["id"] in by_id, "%s: unknown id %s" % (what, e["id"]))
        if e != by_id[e["id"]]:
            diff = {k: (by_id[e["id"]].get(k), e.get(k)) for k in set(e) | set(by_id[e["id"]])
                    if e.get(k) != by_id[e["id"]].get(k)}
            raise Failure("%s: record %s differs: %s" % (what, e["id"], str(diff)[:1000]))


def reuters_import_export_round_trip():
    src, records = reuters()
    db = import_reuters("reuters", src)
    same_records(export(db), records, "export")
    _, out, _ = ok("verify", db)
    print(out.decode().strip())
    _, out, _ = ok("stats", db)
    print(out.decode().strip())


def reuters_dump_restore_round_trip():
    src, records = reuters()
    db = import_reuters("reuters", src)
    t = time.time()
    _, _, err = ok("dump", db, path("reuters.dump"))
    print("dump: %s; %d bytes (wall %.2f s)" % (err.strip(), os.path.getsize(path("reuters.dump")),
                                                time.time() - t))
    t = time.time()
    _, _, err = ok("restore", path("restored"), path("reuters.dump"))
    print("restore: %s (wall %.2f s)" % (err.strip(), time.time() - t))
    same_records(export(path("restored")), records, "export after restore")
    ok("verify", db)
    ok("verify", path("restored"))


def reuters_counts_match_the_json():
    src, records = reuters()
    db = import_reuters("reuters", src)
    check(int(ok("count", db)[1]) == len(records), "total count")

    by_source = collections.Counter(r["source"] for r in records)
    got = dict(l.split("\t") for l in ok("sources", db)[1].decode().splitlines())
    check({k: int(v) for k, v in got.items()} == dict(by_source), "sources: %s" % got)

    by_entity = collections.Counter()
    for r in records:
        for n in {e["name"].lower() for e in r.get("entities", [])}:
            by_entity[n] += 1
    lines = ok("entities", db)[1].decode().splitlines()
    got = collections.Counter()
    for l in lines:
        name, n = l.rsplit("\t", 1)
        got[name.lower()] += int(n)
    check(got == by_entity, "entity counts differ: %s" %
          {k: (by_entity[k], got[k]) for k in set(got) | set(by_entity)
           if got[k] != by_entity[k]})
    counts = [int(l.rsplit("\t", 1)[1]) for l in lines]
    check(counts == sorted(counts, reverse=True), "entities are not most first")
    top = ok("entities", db, "--limit", "3")[1].decode().splitlines()
    check(top == lines[:3], "entities --limit 3")

    for name, n in by_entity.most_common(25):
        got_n = int(ok("count", db, "--entity", name.upper())[1])
        check(got_n == n, "count --entity %s: %d, expected %d" % (name, got_n, n))

    by_month = collections.Counter(r["published_at"][:7] for r in records if "published_at" in r)
    out = ok("count", db, "--by", "month")[1].decode().splitlines()
    check([l.split("\t")[0] for l in out] == sorted(by_month), "month buckets: %s" % out)
    check({l.split("\t")[0]: int(l.split("\t")[1]) for l in out} == dict(by_month),
          "month counts differ")
    by_day = collections.Counter(r["published_at"][:10] for r in records if "published_at" in r)
    out = ok("count", db, "--by", "day", "--entity", "usa")[1].decode().splitlines()
    usa_day = collections.Counter(r["published_at"][:10] for r in records
                                  if "published_at" in r and
                                  any(e["name"].lower() == "usa" for e in r.get("entities", [])))
    check({l.split("\t")[0]: int(l.split("\t")[1]) for l in out} == dict(usa_day),
          "daily usa counts differ")
    check(sum(by_day.values()) == len(records) - 1, "one Reuters article has no date")

    march = [r for r in records if "1987-03-01" <= r.get("published_at", "") < "1987-04-01"]
    check(int(ok("count", db, "--from", "1987-03-01", "--to", "1987-04-01")[1]) == len(march),
          "count of March 1987")
    both = [r for r in march if {"usa", "uk"} <= {e["name"].lower() for e in r.get("entities", [])}]
    _, out, _ = ok("query", db, "--from", "1987-03-01", "--to", "1987-04-01", "--entity", "usa",
                   "--entity", "uk", "--limit", "10000", "--format", "ids")
    ids = out.decode().split()
    check(sorted(ids) == sorted(r["id"] for r in both), "query usa+uk in March")
    by_id = {r["id"]: r for r in records}
    times = [by_id[i]["published_at"] for i in ids]
    check(times == sorted(times, reverse=True), "query is not newest first")


def count_by_week_gives_iso_weeks_in_utc():
    records = synthetic(300, seed=11)
    db = make_archive("db", records)

    def weeks(recs):
        c = collections.Counter()
        for r in recs:
            t = datetime.datetime.strptime(r["published_at"], "%Y-%m-%dT%H:%M:%SZ")
            y, w, _ = t.isocalendar()
            c["%04d-W%02d" % (y, w)] += 1
        return c

    for filters, recs in [((), records),
                          (("--source", "le monde"), [r for r in records
                                                      if r["source"] == "Le Monde"])]:
        out = ok("count", db, "--by", "week", *filters)[1].decode().splitlines()
        want = weeks(recs)
        labels = [l.split("\t")[0] for l in out]
        check(labels == sorted(want), "count --by week %s: buckets %s, expected %s"
              % (filters, labels, sorted(want)))
        got = {l.split("\t")[0]: int(l.split("\t")[1]) for l in out}
        check(got == dict(want), "count --by week %s: counts differ" % (filters,))
    # 2024-12-30, a Monday, starts 2025-W01: a week is in the ISO year of its Thursday.
    edge = [{"id": "e/1", "source": "S", "published_at": "2024-12-29T23:59:59Z"},
            {"id": "e/2", "source": "S", "published_at": "2024-12-30T00:00:00Z"},
            {"id": "e/3", "source": "S", "published_at": "2025-01-05T23:59:59Z"}]
    edb = make_archive("edge", edge)
    out = ok("count", edb, "--by", "week")[1].decode().splitlines()
    check(out == ["2024-W52\t1", "2025-W01\t2"], "ISO week edges: %s" % out)


def filter_and_facet_options_are_checked_before_the_archive_is_read():
    missing = path("no-archive")
    for args, needles in [
            (("facets", missing, "--by", "entity", "--limit", "0"), ("--limit", "0")),
            (("facets", missing, "--by", "entity", "--limit", "10001"), ("--limit", "10001")),
            (("facets", missing, "--by", "planet"), ("--by", "planet")),
            (("facets", missing), ("--by",)),
            (("facets", missing, "--by", "source", "--oldest-first"), ("--oldest-first",)),
            (("count", missing, "--oldest-first"), ("--oldest-first",)),
            (("count", missing, "--tz", "Europe/Paris"), ("--tz", "--by")),
            (("count", missing, "--zero-fill"), ("--zero-fill", "--by")),
            (("count", missing, "--by", "fortnight"), ("--by", "fortnight")),
            (("export", missing, "--language"), ("--language",)),
            (("export", missing, "--any-entity", "a", "b"), ("b",))]:
        rc, out, err = run(*args)
        check(rc == 2, "%s: exit %d, expected 2" % (args, rc))
        check(out == b"", "%s: wrote to standard output" % (args,))
        one_line_error(err, *needles)
        check("no archive there" not in err, "%s: the archive was opened before the "
              "options were checked" % (args,))
    check(not os.path.exists(missing), "a refused command created an archive")
    # Well-formed options reach the archive (here: there is none).
    for args in [("facets", missing, "--by", "topic", "--limit", "10000", "--source", "a",
                  "--source", "b", "--any-entity", "x", "--not-entity", "y", "--language",
                  "en", "--topic", "t", "--author", "z"),
                 ("count", missing, "--by", "week", "--tz", "Europe/Paris", "--zero-fill"),
                 ("query", missing, "--summary", "--entity", "a", "--entity", "b")]:
        rc, _, err = run(*args)
        check(rc == 2, "%s: exit %d" % (args, rc))
        one_line_error(err, "no archive there")


def one_source_and_repeated_entities_keep_their_meaning():
    records = synthetic(200, seed=5)
    db = make_archive("db", records)
    want = sorted(r["id"] for r in records if r["source"] == "Reuters" and
                  {"Armenia", "France"} <= {e["name"] for e in r.get("entities", [])})
    check(want, "the corpus has no article for the check")
    got = sorted(a["id"] for a in export(db, "--source", "REUTERS", "--entity", "armenia",
                                         "--entity", "france"))
    check(got == want, "export --source --entity --entity: %s, expected %s" % (got, want))
    n = int(ok("count", db, "--source", "reuters", "--entity", "armenia", "--entity",
               "france")[1])
    check(n == len(want), "count: %d, expected %d" % (n, len(want)))


def v2_filters_counts_pages_and_facets_match_the_json():
    """Repeated --source, --any-entity, --not-entity, --language, --topic, --author on
    export, count and query pages, and facets --by each field, against the records."""
    records = synthetic(300, seed=11)
    rng = random.Random(3)
    langs, topics, authors = ["en", "fr", "hy"], ["Politics", "Economy", "Sport"], ["Ann Lee", "Bo Chen"]
    for r in records:
        r["language"] = langs[rng.randrange(3)]
        r["topics"] = sorted(rng.sample(topics, rng.randrange(0, 3)))
        r["authors"] = sorted(rng.sample(authors, rng.randrange(0, 3)))
    db = make_archive("db", records)

    def ents(r):
        return {e["name"] for e in r.get("entities", [])}
    cases = [
        (["--source", "le monde", "--source", "REUTERS"],
         lambda r: r["source"] in ("Le Monde", "Reuters")),
        (["--any-entity", "armenia", "--any-entity", "paris"],
         lambda r: bool(ents(r) & {"Armenia", "Paris"})),
        (["--not-entity", "France", "--not-entity", "UN"],
         lambda r: not ents(r) & {"France", "UN"}),
        (["--language", "FR", "--language", "hy"], lambda r: r["language"] in ("fr", "hy")),
        (["--topic", "politics", "--topic", "SPORT"],
         lambda r: {"Politics", "Sport"} <= set(r["topics"])),
        (["--author", "ann lee"], lambda r: "Ann Lee" in r["authors"]),
        (["--source", "Armenpress", "--source", "Reuters", "--any-entity", "Yerevan",
          "--any-entity", "Armenia", "--not-entity", "France", "--language", "en",
          "--language", "fr", "--author", "Bo Chen"],
         lambda r: r["source"] in ("Armenpress", "Reuters") and
         bool(ents(r) & {"Yerevan", "Armenia"}) and "France" not in ents(r) and
         r["language"] in ("en", "fr") and "Bo Chen" in r["authors"]),
    ]
    for flags, match in cases:
        hits = [r for r in records if match(r)]
        check(hits, "%s: the corpus has no article for the check" % flags)
        want = [r["id"] for r in sorted(hits, key=lambda r: r["published_at"])]
        got = [a["id"] for a in export(db, *flags, "--oldest-first")]
        check(got == want, "export %s: %d ids, expected %d" % (flags, len(got), len(want)))
        n = int(ok("count", db, *flags)[1])
        check(n == len(want), "count %s: %d, expected %d" % (flags, n, len(want)))
        # Pages of 7, newest first, followed with their cursors.
        ids, cursor = [], None
        for _ in range(1000):
            args = ["query", db, *flags, "--limit", "7", "--format", "ids"]
            _, out, err = ok(*args + (["--cursor", cursor] if cursor else []))
            ids += out.decode().split()
            cursor = next((l[len("next_cursor="):] for l in err.splitlines()
                           if l.startswith("next_cursor=")), None)
            if not cursor:
                break
        check(ids == want[::-1], "query %s pages: %d ids, expected %d" % (flags, len(ids), len(want)))
        for by, values in [("source", lambda r: [r["source"]]), ("entity", lambda r: ents(r)),
                           ("topic", lambda r: r["topics"]), ("language", lambda r: [r["language"]]),
                           ("author", lambda r: r["authors"])]:
            counts = {}
            for r in hits:
                for v in set(values(r)):
                    counts[v] = counts.get(v, 0) + 1
            top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
            out = ok("facets", db, *flags, "--by", by, "--limit", "2")[1].decode().splitlines()
            check(out == ["%s\t%d" % kv for kv in top], "facets %s --by %s: %s, expected %s" %
                  (flags, by, out, top))


CASES = {f.__name__: f for f in [
    help_on_every_command, usage_errors_exit_2, import_reports_each_bad_line_kind,
    import_keeps_tagger_labels_through_export_dump_and_restore,
    import_reads_feed_formats_and_json_arrays_by_their_mappings,
    import_names_every_unknown_field_and_keeps_them_on_request,
    import_reads_rss_and_atom_feeds_item_by_item, import_reads_csv_by_its_header_and_map,
    tail_follow_prints_new_matching_articles_as_another_process_stores_them,
    import_strict_stops_at_first_bad_line, import_reads_stdin_and_zstd, import_is_an_upsert,
    bulk_import_survives_and_flushes, get_and_delete_report_missing_ids,
    query_pages_with_cursor_cover_every_match,
    search_finds_words_phrases_and_refuses_bad_queries, search_orders_by_relevance_with_pages,
    writer_lock_is_reported_as_busy,
    read_only_commands_work_while_import_runs, dump_restore_round_trip,
    damaged_dumps_are_refused, restore_refuses_non_empty_archive_without_merge,
    interrupted_import_keeps_what_it_read,
    import_stops_within_a_second_of_a_signal_while_rejecting_lines,
    import_refuses_a_directory_that_is_not_an_archive,
    restore_merge_interrupted_while_checking_merges_nothing,
    readers_leave_no_scratch_files_and_never_abort,
    writers_refused_by_the_lock_keep_the_running_writers_log,
    restore_merge_ends_with_a_flush,
    maintenance_commands_keep_the_archive_sound, verify_reports_damage_and_reindex_repairs_it,
    upgrade_converts_a_format_1_archive_and_answers_as_before,
    upgrade_killed_at_random_moments_is_finished_by_the_next,
    generate_writes_importable_articles,
    dump_file_follows_the_documented_layout,
    reuters_import_export_round_trip, reuters_dump_restore_round_trip,
    reuters_counts_match_the_json, count_by_week_gives_iso_weeks_in_utc,
    filter_and_facet_options_are_checked_before_the_archive_is_read,
    one_source_and_repeated_entities_keep_their_meaning,
    v2_filters_counts_pages_and_facets_match_the_json,
    time_arguments_take_years_months_epochs_and_relative_forms,
    export_writes_markup_and_utf8_as_is,
    unknown_commands_and_bad_options_point_at_the_right_help,
    stats_json_matches_the_text_form_and_compact_reports_space_saved,
    query_all_streams_every_match_and_formats_suit_scripts,
    delete_by_query_removes_exactly_the_matches_and_dry_run_removes_none,
    table_cuts_and_aligns_by_display_width,
    import_skips_a_byte_order_mark_at_the_start_of_a_file,
    import_summary_counts_and_names_ids_repeated_within_the_input]}


def main():
    global ARTICLEDB, CORPORA, WORK, DAMAGE
    ap = argparse.ArgumentParser()
    ap.add_argument("--articledb", required=True)
    ap.add_argument("--damage", default="")
    ap.add_argument("--corpora", default="")
    ap.add_argument("case", choices=sorted(CASES))
    a = ap.parse_args()
    ARTICLEDB, CORPORA = os.path.abspath(a.articledb), a.corpora
    DAMAGE = os.path.abspath(a.damage) if a.damage else None
    WORK = tempfile.mkdtemp(prefix="articledb-cli-test-")
    try:
        CASES[a.case]()
    except Failure as e:
        print("FAILED: %s" % e)
        return 1
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    print("PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
