#!/usr/bin/env bash
# The two ways to install the Python package (docs/python.md, "Installing"):
#  1. `cmake --install` into a prefix puts it in lib/python3.X/dist-packages, where
#     Debian's python3 finds it (here: with PYTHONPATH at the temporary prefix);
#  2. `pip install --no-build-isolation ./python` into a virtualenv made with
#     --system-site-packages (no network), reusing the build tree (ARTICLEDB_BUILD_DIR).
# Each install then opens an archive from outside the source tree and finds an article.
#   install_test.sh SOURCE_DIR BUILD_DIR PYTHON
set -euo pipefail
src=$1 build=$2 python=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
probe='
import articledb, sys, os
assert not articledb.__file__.startswith(sys.argv[1]), articledb.__file__
with articledb.open(sys.argv[2], create=True) as db:
    db.put({"id": "x", "source": "Le Monde", "title": "Arménie", "entities": ["Arménie"]})
    assert [a["title"] for a in db.query(entity="ARMENIE")] == ["Arménie"]
print("ok", os.path.dirname(articledb.__file__))
'
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
site=$(find "$tmp/prefix" -type d -path '*/dist-packages/articledb' | head -1)
[ -n "$site" ] || { echo "cmake --install put no articledb package under dist-packages" >&2; exit 1; }
for f in __init__.py __init__.pyi py.typed _errors.py v1/article_pb2.py; do
  [ -f "$site/$f" ] || { echo "not installed: $f" >&2; exit 1; }
done
ls "$site"/_native*.so >/dev/null
(cd "$tmp" && PYTHONPATH=$(dirname "$site") "$python" -c "$probe" "$src" "$tmp/a1")

"$python" -m venv --system-site-packages "$tmp/venv"
# The package is copied out of the source tree to build it, as pip does for a wheel.
cp -r "$src/python" "$tmp/python-src"
rm -rf "$tmp/python-src/build" "$tmp/python-src/build-pip" "$tmp/python-src"/*.egg-info
ARTICLEDB_BUILD_DIR=$build ARTICLEDB_SOURCE_DIR=$src "$tmp/venv/bin/pip" install -q \
  --no-build-isolation --no-index "$tmp/python-src" >"$tmp/pip.log" 2>&1 ||
  { cat "$tmp/pip.log" >&2; exit 1; }
(cd "$tmp" && "$tmp/venv/bin/python" -c "$probe" "$src" "$tmp/a2") | tee "$tmp/out"
grep -q "$tmp/venv/" "$tmp/out" || { echo "pip did not install into the virtualenv" >&2; exit 1; }
