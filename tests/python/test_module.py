"""The Python package `kcsim` is the one built with the program, and agrees with it."""

from __future__ import annotations

import re
from pathlib import Path

VERSION_RE = re.compile(r"^kcsim (\S+) \(git (\S+), output schema (\d+)\)$")


def test_import_matches_the_program(run_kcsim):
    import kcsim

    proc = run_kcsim("--version")
    assert proc.returncode == 0, proc.stderr
    m = VERSION_RE.match(proc.stdout.strip())
    assert m, proc.stdout
    assert kcsim.__version__ == m.group(1)
    assert kcsim.git_commit == m.group(2)
    assert kcsim.schema_version == int(m.group(3))
    assert set(kcsim.__all__) >= {"__version__", "git_commit", "schema_version"}


def test_package_comes_from_the_same_build(kcsim_bin):
    import kcsim
    import kcsim._core

    # build/bin/kcsim and build/python/kcsim: the package next to the binary, not a stale copy.
    build_python = kcsim_bin.parent.parent / "python"
    assert Path(kcsim.__file__).resolve().parent == (build_python / "kcsim").resolve()
    assert Path(kcsim._core.__file__).resolve().parent == (build_python / "kcsim").resolve()
