"""kcsim verify trusts nothing it can recompute or checksum (issue 21, "files kcsim reads"), and
damaged or absurd results files are refused before anything large is allocated, by verify and by
kcsim.open_results, never a crash. docs/reliability.md, "Checking a results file"."""

from __future__ import annotations

import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest

GROUP = "scenarios/tiny"


@pytest.fixture(scope="module")
def tiny_run(kcsim_bin, repo_root, tmp_path_factory):
    folder = tmp_path_factory.mktemp("verify")
    out = folder / "tiny.h5"
    subprocess.run([kcsim_bin, "run", repo_root / "tests" / "fuzz" / "tiny.toml", "--out", out, "--replicates", "3",
                    "--quiet"], check=True, capture_output=True)
    return out


def _copy(src, tmp_path, name="altered.h5"):
    dst = tmp_path / name
    shutil.copyfile(src, dst)
    return dst


def _verify(run_kcsim, path):
    proc = run_kcsim("verify", path)
    assert "internal error" not in proc.stdout + proc.stderr
    return proc


def test_a_sound_file_carries_a_content_checksum_and_passes(run_kcsim, tiny_run):
    with h5py.File(tiny_run, "r") as f:
        assert f.attrs["schema_version"] == 2
        assert len(f.attrs["content_sha256"]) == 64
    proc = _verify(run_kcsim, tiny_run)
    assert proc.returncode == 0, proc.stdout
    assert "sound" in proc.stdout and "note:" not in proc.stdout


def _edit_scenario_toml(g):
    g.attrs["scenario_toml"] = g.attrs["scenario_toml"].replace("need_rate = ", "need_rate = 1", 1)


def _flip_ok(g):
    ok = g["replicate_ok"][()]
    ok[1] = 0
    g["replicate_ok"][...] = ok


def _shift_time(g):
    t = g["time"][()]
    g["time"][...] = t + 7


def _renumber(g):
    r = g["replicate"][()]
    g["replicate"][...] = r[::-1]


def _ledger_balanced(g):
    led = g["ledger"][()]
    led[0, 0, 0] += 1.0  # funds_in and unspent alike: the identity still holds
    led[0, 0, 3] += 1.0
    g["ledger"][...] = led


def _ledger_unbalanced(g):
    led = g["ledger"][()]
    led[2, 0, 1] += 0.5
    g["ledger"][...] = led


def _unit_text(g):
    u = g["metric_unit"].asstr()[()]
    u[0] = "furlongs"
    g["metric_unit"][...] = u.astype(object)


def _root_seed(f_group):
    f_group.file.attrs["seed"] = np.uint64(99)


@pytest.mark.parametrize("edit,words", [
    (_edit_scenario_toml, "scenario_toml does not match its scenario_sha256"),
    (_flip_ok, "replicate_ok disagrees with replicate_message"),
    (_shift_time, "time or date values are not the stored scenario's calendar"),
    (_renumber, "replicate numbers are not 0..2 in order"),
    (_ledger_balanced, "does not match its content_sha256"),
    (_ledger_unbalanced, "funds_in + cofunding differs from operations + rewards + unspent"),
    (_unit_text, "metric coordinates are not this kcsim's metrics"),
    (_root_seed, "does not match its content_sha256"),
])
def test_verify_refuses_an_altered_file(run_kcsim, tiny_run, tmp_path, edit, words):
    altered = _copy(tiny_run, tmp_path)
    with h5py.File(altered, "r+") as f:
        edit(f[GROUP])
    proc = _verify(run_kcsim, altered)
    assert proc.returncode == 1, proc.stdout
    assert "NOT SOUND" in proc.stdout and words in proc.stdout, proc.stdout


def test_an_older_schema_file_is_checked_for_structure_and_says_so(run_kcsim, tiny_run, tmp_path):
    old = _copy(tiny_run, tmp_path, "old.h5")
    with h5py.File(old, "r+") as f:
        f.attrs["schema_version"] = np.int64(1)
        del f.attrs["content_sha256"]
    proc = _verify(run_kcsim, old)
    assert proc.returncode == 0, proc.stdout
    assert "sound" in proc.stdout
    assert "note: schema_version 1: this file has no content checksum" in proc.stdout
    newer = _copy(tiny_run, tmp_path, "newer.h5")
    with h5py.File(newer, "r+") as f:
        f.attrs["schema_version"] = np.int64(3)
    proc = _verify(run_kcsim, newer)
    assert proc.returncode == 1 and "schema_version 3 is not one this kcsim reads" in proc.stdout


def _declare_replicates(path, n):
    with h5py.File(path, "r+") as f:
        g = f[GROUP]
        for name in ("metrics", "replicate", "replicate_ok", "replicate_message", "ledger"):
            d = g[name]
            d.resize((n,) + d.shape[1:])
        g.attrs["replicates_planned"] = np.uint64(n)


def _open_in_subprocess(path, verify=False):
    code = f"import kcsim; kcsim.open_results({str(path)!r}, verify={verify}).load(); print('opened')"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_a_file_declaring_a_billion_replicates_is_refused_before_allocating(run_kcsim, tiny_run, tmp_path):
    huge = _copy(tiny_run, tmp_path, "huge.h5")
    _declare_replicates(huge, 10**9)
    assert huge.stat().st_size < 200_000
    proc = _verify(run_kcsim, huge)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "replicates_planned = 1000000000 is outside 1..1000000" in proc.stdout
    many = _copy(tiny_run, tmp_path, "many.h5")
    _declare_replicates(many, 1000)
    proc = _verify(run_kcsim, many)
    assert proc.returncode == 1 and "metrics stores 3 of its 1000 replicates" in proc.stdout, proc.stdout
    for path in (huge, many):
        proc = _open_in_subprocess(path)
        assert proc.returncode == 1, proc.stderr[-500:]
        assert "OSError" in proc.stderr and str(path) in proc.stderr and "not a sound kcsim results file" in proc.stderr


def test_open_results_refuses_a_damaged_string_heap_instead_of_crashing(tiny_run, tmp_path):
    # A string reference of 'district' whose length no longer matches its heap object: before,
    # open_results read 'a' for 'alpha' silently; HDF5 1.10.8 copies the heap object's length into
    # a buffer of the reference's, which overflows when the heap object is the longer.
    data = bytearray(tiny_run.read_bytes())
    with h5py.File(tiny_run, "r") as f:
        offset = f[GROUP]["district"].id.get_offset()
    data[offset] = 1  # the first reference's length: 5 ("alpha") -> 1
    bad = tmp_path / "heap.h5"
    bad.write_bytes(bytes(data))
    proc = _open_in_subprocess(bad)
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-500:])
    assert "points to no string of its length" in proc.stderr


def test_open_results_opens_a_sound_file_and_can_verify_it_fully(tiny_run, tmp_path):
    assert _open_in_subprocess(tiny_run).stdout.strip() == "opened"
    assert _open_in_subprocess(tiny_run, verify=True).stdout.strip() == "opened"
    altered = _copy(tiny_run, tmp_path)
    with h5py.File(altered, "r+") as f:
        _ledger_balanced(f[GROUP])
    assert _open_in_subprocess(altered).stdout.strip() == "opened"  # structure only: values are not read
    proc = _open_in_subprocess(altered, verify=True)
    assert proc.returncode == 1 and "does not match its content_sha256" in proc.stderr
