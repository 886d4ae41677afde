"""Threads: one archive shared by a pool of readers and a writer (the GIL released)."""
import concurrent.futures as cf
import threading

import articledb
from conftest import article


def test_readers_in_a_thread_pool_see_whole_articles_while_a_writer_writes(db):
    db.put_many(article(i) for i in range(2000))
    stop = threading.Event()

    def writer():
        n = 0
        while not stop.is_set():
            db.put_many([article(i, title=f"v{n}") for i in range(0, 2000, 7)])
            n += 1
        return n

    def reader(k):
        checked = 0
        for i in range(k, 2000, 8):
            a = db.get(f"a/{i}")
            assert a["id"] == f"a/{i}" and a["source"] == article(i)["source"]
            checked += 1
        total = sum(1 for _ in db.query(entity="Nikol Pashinyan", page_size=500))
        assert total == 1000
        assert db.count(source="BBC") == len(range(1, 2000, 3))
        return checked

    with cf.ThreadPoolExecutor(max_workers=9) as pool:
        w = pool.submit(writer)
        results = list(pool.map(reader, range(8)))
        stop.set()
        assert w.result() >= 1
    assert sum(results) == 2000
    assert db.verify()["ok"]


def test_close_while_other_threads_read_lets_them_finish_or_fail_cleanly(tmp_path):
    db = articledb.open(tmp_path / "a", create=True)
    db.put_many(article(i) for i in range(500))
    errors = []

    def reader():
        try:
            for _ in range(50):
                for a in db.query(page_size=50):
                    assert a["source"]
        except articledb.InvalidArgument as e:  # closed meanwhile: refused, no crash
            errors.append(str(e))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    db.close()
    for t in threads:
        t.join()
    assert all("is closed" in e for e in errors)
