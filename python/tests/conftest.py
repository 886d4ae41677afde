import os
import shutil
import subprocess

import pytest

import articledb


@pytest.fixture
def db(tmp_path):
    with articledb.open(tmp_path / "archive", create=True) as archive:
        yield archive


def article(i, **fields):
    """A small valid article; fields override."""
    a = {
        "id": f"a/{i}",
        "source": ["Le Monde", "BBC", "Reuters"][i % 3],
        "language": ["fr", "en", "en"][i % 3],
        "published_at": f"2024-05-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
        "title": f"Article {i}",
        "body": f"Body of article {i} about elections in Armenia.",
        "entities": [{"name": "Armenia", "kind": "LOCATION"}] + (
            [{"name": "Nikol Pashinyan", "kind": "PERSON"}] if i % 2 == 0 else []),
        "topics": ["politics"] if i % 4 == 0 else [],
    }
    a.update(fields)
    return a


@pytest.fixture(scope="session")
def reuters_jsonl(tmp_path_factory):
    """Reuters-21578 as a JSON Lines file, when the shared corpora are beside the project."""
    corpora = os.environ.get("ARTICLEDB_CORPORA_DIR", "")
    path = os.path.join(corpora, "reuters21578.jsonl.zst")
    if not corpora or not os.path.exists(path):
        pytest.skip("the Reuters corpus is not available (ARTICLEDB_CORPORA_DIR)")
    out = tmp_path_factory.mktemp("reuters") / "reuters.jsonl"
    with open(out, "wb") as f:
        subprocess.run(["zstd", "-dc", path], stdout=f, check=True)
    return out


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("ARTICLEDB_CLI") or shutil.which("articledb")
    if not path:
        pytest.skip("the articledb tool is not built (ARTICLEDB_CLI)")
    return path
