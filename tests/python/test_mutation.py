"""Mutation test of state files (issue 21): seeded random 1-bit flips and truncations of a small
state file, each resumed with `kcsim run --resume-from`. None may crash kcsim (no signal, no
abort), and none may be accepted with changed content: a mutated file is either refused (exit 1
or 2, naming the file) or the run it gives is bit-identical to the undamaged file's (the flip hit
bytes HDF5 does not read: free space, padding, unused header room)."""

from __future__ import annotations

import random
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import h5py
import numpy as np
import pytest

FLIPS = 200
TRUNCATIONS = 200
SEED = 21


def _content(path: Path):
    with h5py.File(path, "r") as f:
        (name,) = list(f["scenarios"])
        g = f["scenarios"][name]
        return g["metrics"][()].tobytes(), g["ledger"][()].tobytes(), g["replicate_ok"][()].tobytes()


@pytest.fixture(scope="module")
def state_file(kcsim_bin, repo_root, tmp_path_factory):
    folder = tmp_path_factory.mktemp("mutation")
    tiny = repo_root / "tests" / "fuzz" / "tiny.toml"
    subprocess.run([kcsim_bin, "run", tiny, "--out", folder / "r.h5", "--save-state", "2021-01-11", "--state-out",
                    folder / "s.h5", "--replicates", "2", "--quiet"], check=True, capture_output=True)
    subprocess.run([kcsim_bin, "run", "--resume-from", folder / "s.h5", "--out", folder / "base.h5", "--quiet"],
                   check=True, capture_output=True)
    return folder / "s.h5", _content(folder / "base.h5")


def _mutants(data: bytes):
    rng = random.Random(SEED)
    for k in range(FLIPS):
        bit = rng.randrange(len(data) * 8)
        b = bytearray(data)
        b[bit // 8] ^= 1 << (bit % 8)
        yield f"flip{k}:bit{bit}", bytes(b)
    for k in range(TRUNCATIONS):
        n = rng.randrange(len(data))
        yield f"trunc{k}:{n}", data[:n]


def test_damaged_state_files_never_crash_and_are_never_silently_accepted(kcsim_bin, state_file, tmp_path):
    path, base = state_file
    data = path.read_bytes()

    def attempt(item):
        label, body = item
        src = tmp_path / f"{label.split(':')[0]}.h5"
        out = tmp_path / f"{label.split(':')[0]}-out.h5"
        src.write_bytes(body)
        proc = subprocess.run([kcsim_bin, "run", "--resume-from", src, "--out", out, "--quiet"], capture_output=True,
                              text=True, timeout=120)
        if proc.returncode < 0 or proc.returncode in (134, 139):
            return label, "crash", f"signal/abort {proc.returncode}: {proc.stderr[-300:]}"
        if proc.returncode == 0:
            same = _content(out) == base
            return label, "unchanged" if same else "accepted", ""
        if proc.returncode in (1, 2) and str(src) in proc.stderr:
            return label, "refused", ""
        return label, "unclear", f"exit {proc.returncode}: {proc.stderr[-300:]}"

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(attempt, _mutants(data)))
    bad = [r for r in results if r[1] in ("crash", "accepted", "unclear")]
    counts = {k: sum(1 for r in results if r[1] == k) for k in ("refused", "unchanged", "crash", "accepted", "unclear")}
    print("state-file mutations:", counts)
    assert not bad, (counts, bad[:10])
    assert counts["refused"] >= (FLIPS + TRUNCATIONS) // 2  # most damage is found, not just harmless
