"""Builds the articledb package for pip (docs/python.md, "Installing").

    python3 -m venv --system-site-packages env && . env/bin/activate
    pip install --no-build-isolation ./python

The native module is built by the project's CMake build (ARTICLEDB_BUILD_PYTHON=ON) in
python/build-pip, or in the build tree named by ARTICLEDB_BUILD_DIR (an existing build
is reused: only what changed is rebuilt), then copied into the wheel. When this folder
was copied out of the source tree, ARTICLEDB_SOURCE_DIR names the tree.
"""

import os
import shutil
import subprocess
import sys

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
# The project's source tree: python/.. (or ARTICLEDB_SOURCE_DIR when this folder was
# copied elsewhere to be built).
ROOT = os.environ.get("ARTICLEDB_SOURCE_DIR") or os.path.dirname(HERE)


class BinaryDistribution(Distribution):
    def has_ext_modules(self):  # a platform wheel: it holds a native module
        return True


class BuildWithCMake(build_py):
    def run(self):
        build = os.environ.get("ARTICLEDB_BUILD_DIR") or os.path.join(HERE, "build-pip")
        jobs = str(os.cpu_count() or 2)
        if not os.path.exists(os.path.join(build, "CMakeCache.txt")):
            subprocess.check_call([
                "cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                "-DARTICLEDB_BUILD_PYTHON=ON", "-DARTICLEDB_BUILD_TESTS=OFF",
                "-DARTICLEDB_BUILD_BENCH=OFF", "-DARTICLEDB_BUILD_TOOLS=OFF",
                f"-DPython_EXECUTABLE={sys.executable}"])
        else:
            subprocess.check_call(["cmake", "-S", ROOT, "-B", build,
                                   "-DARTICLEDB_BUILD_PYTHON=ON"])
        subprocess.check_call(["cmake", "--build", build, "--target", "articledb_python",
                               "-j", jobs])
        super().run()
        target = os.path.join(self.build_lib, "articledb")
        if os.path.exists(target):
            shutil.rmtree(target)
        shutil.copytree(os.path.join(build, "python", "articledb"), target,
                        ignore=shutil.ignore_patterns("__pycache__"))


setup(
    name="articledb",
    version="0.1.0",
    description="ArticleDB: an embeddable storage engine for article archives",
    python_requires=">=3.9",
    packages=["articledb"],
    cmdclass={"build_py": BuildWithCMake},
    distclass=BinaryDistribution,
    zip_safe=False,
)
