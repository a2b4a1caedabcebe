"""The bad-input corpus (tests/data/bad): every malformed scenario gets exit code 2, a one-line
message with the fragment listed in EXPECTED.tsv, no crash or trace, and no output written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad"


def expectations():
    rows = []
    for line in (CORPUS / "EXPECTED.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, fragment = line.split("\t", 1)
        rows.append(pytest.param(name, fragment, id=name))
    return rows


def test_every_file_in_the_corpus_has_an_expectation():
    listed = {row.values[0] for row in expectations()}
    present = {p.name for p in CORPUS.glob("*.toml")}
    assert listed == present
    assert len(present) >= 40


@pytest.mark.parametrize("name,fragment", expectations())
def test_bad_scenario(run_kcsim, tmp_path, name, fragment):
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(CORPUS / name, work / name)
    out = work / "out.h5"
    for command in (["run", name, "--out", out.name], ["check", name]):
        proc = run_kcsim(*command, cwd=work)
        assert proc.returncode == 2, (command, proc.stdout, proc.stderr)
        assert fragment in proc.stderr, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("kcsim: error: "), proc.stderr  # no trace, no dump
        assert "Traceback" not in proc.stderr and "terminate called" not in proc.stderr
    assert sorted(p.name for p in work.iterdir()) == [name]  # nothing written
