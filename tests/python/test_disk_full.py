"""A full disk or an unwritable output: `kcsim run` and `kcsim compare` stop with exit code 1 and a
one-line message naming the file and the system's reason, and leave nothing under the output's
name and no temporary file (a comparison keeps its finished units in FILE.h5.partial, whole, for
--resume).

Two ways to run out of space: a 512 KB tmpfs (needs root; skipped otherwise), and, everywhere, a
file-size limit (RLIMIT_FSIZE) with SIGXFSZ ignored, so that writes past it fail with EFBIG."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
from pathlib import Path

import pytest

TINY = Path(__file__).resolve().parents[1] / "fuzz" / "tiny.toml"
# Bigger outputs than the limits below: plan-sized states, a few replicates.
SMALL_PLAN = '''extends = "builtin:base/programme-2021.toml"
name = "{name}"
[calendar]
end = 2021-06-30
'''


def run_limited(kcsim_bin: Path, args, cwd: Path, max_file_bytes: int | None = None):
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    return subprocess.run([str(kcsim_bin), *map(str, args)], cwd=str(cwd), text=True, capture_output=True,
                          timeout=300, preexec_fn=limit if max_file_bytes else None)


def assert_clean_failure(proc, out: Path, reason: str, named: str | None = None):
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr  # one line, no trace
    assert lines[0].startswith("kcsim: error: ")
    assert (named or out.name) in lines[0] and reason in lines[0], lines[0]
    assert "Traceback" not in proc.stderr and "HDF5-DIAG" not in proc.stderr
    folder = out.parent
    assert not out.exists()
    assert not [p.name for p in folder.iterdir() if ".tmp" in p.name]
    for sibling in (out.with_suffix(".summary.csv"), out.with_suffix(".summary.md"), out.with_suffix(".state.h5")):
        assert not sibling.exists(), sibling


def write_scenarios(folder: Path):
    for name in ("small-a", "small-b"):
        (folder / f"{name}.toml").write_text(SMALL_PLAN.format(name=name), encoding="utf-8")
    return folder / "small-a.toml", folder / "small-b.toml"


def test_run_hits_the_file_size_limit(kcsim_bin, tmp_path):
    out = tmp_path / "run.h5"
    proc = run_limited(kcsim_bin, ["run", TINY, "--out", out, "--quiet"], tmp_path, max_file_bytes=20_000)
    assert_clean_failure(proc, out, "File too large")


def test_run_with_a_state_file_hits_the_limit_and_leaves_neither(kcsim_bin, tmp_path):
    out = tmp_path / "run.h5"
    proc = run_limited(kcsim_bin, ["run", TINY, "--out", out, "--save-state", "2021-01-11", "--quiet"], tmp_path,
                       max_file_bytes=50_000)
    # The state file is finished first, so the results never appear without it.
    assert_clean_failure(proc, out, "File too large", named="run.state.h5")


def test_compare_hits_the_limit_and_keeps_only_whole_units(kcsim_bin, tmp_path):
    a, b = write_scenarios(tmp_path)
    out = tmp_path / "out" / "cmp.h5"
    out.parent.mkdir()
    proc = run_limited(kcsim_bin, ["compare", a, b, "--replicates", 2, "--threads", 2, "--out", out, "--quiet"],
                       tmp_path, max_file_bytes=200_000)
    assert_clean_failure(proc, out, "File too large")
    partial = out.parent / "cmp.h5.partial"
    # Whatever finished is kept for --resume, each unit whole; never a temporary file (the empty
    # lock file marks a running job, and locks nothing once its process has ended).
    assert all(p.name == "lock" or (p.name.startswith("unit-") and p.name.endswith(".bin")) for p in partial.iterdir())


def test_run_and_compare_on_a_full_filesystem(kcsim_bin, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        a, b = write_scenarios(tmp_path)
        out = mnt / "run.h5"
        proc = run_limited(kcsim_bin, ["run", a, "--replicates", 8, "--threads", 2, "--out", out, "--quiet"],
                           tmp_path)
        assert_clean_failure(proc, out, "No space left on device")
        assert list(mnt.iterdir()) == []

        out = mnt / "cmp.h5"
        proc = run_limited(kcsim_bin, ["compare", a, b, "--replicates", 4, "--threads", 2, "--out", out, "--quiet"],
                           tmp_path)
        assert_clean_failure(proc, out, "No space left on device")
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_run_output_under_a_regular_file_is_refused_at_once(kcsim_bin, tmp_path):
    # Root ignores permissions, so the folder that cannot be written is one that is a file.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    proc = run_limited(kcsim_bin, ["run", TINY, "--out", blocker / "out.h5", "--quiet"], tmp_path)
    assert proc.returncode == 1, proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line and "not-a-folder" in line and "is a file, not a folder" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_compare_output_under_a_regular_file_is_refused_at_once(kcsim_bin, tmp_path):
    a, b = write_scenarios(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    proc = run_limited(kcsim_bin, ["compare", a, b, "--out", blocker / "cmp.h5", "--quiet"], tmp_path)
    assert proc.returncode == 1, proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line and "is a file, not a folder" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder", "small-a.toml", "small-b.toml"]
