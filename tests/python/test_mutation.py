"""Mutation test of state and results files (issue 21). State files: seeded random 1-bit flips
and truncations of a small state file, each resumed with `kcsim run --resume-from`. None may crash kcsim (no signal, no
abort), and none may be accepted with changed content: a mutated file is either refused (exit 1
or 2, naming the file) or the run it gives is bit-identical to the undamaged file's (the flip hit
bytes HDF5 does not read: free space, padding, unused header room). Results files: see below."""

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


# ---- results files -------------------------------------------------------------------------------
#
# Each mutant of a small `kcsim run` file and a small `kcsim compare` file is checked by
# `kcsim verify` and by `kcsim.open_results(...).load()` in a worker process (a crash there is a
# signal seen by the test, not the end of pytest; the worker is restarted). A mutant counts as
# - refused: verify says NOT SOUND or not readable (exit 1);
# - unchanged: verify accepts it and every attribute and dataset, read back with h5py, equals the
#   original's (the flip hit bytes HDF5 never reads);
# - accepted: verify accepts it and something differs: a failure;
# - crash: a signal, an abort, "internal error" or a hang in verify or open_results: a failure.
# open_results may open a mutant verify refuses (it checks structure, not values), or raise.

RESULT_FLIPS = 200
RESULT_TRUNCATIONS = 200

_WORKER = r'''
import hashlib, json, sys
import h5py, numpy as np
import kcsim

def dump(path):
    h = hashlib.sha256()
    def attrs(obj):
        for k in sorted(obj.attrs):
            if k in ("DIMENSION_LIST", "REFERENCE_LIST"):
                continue
            h.update(repr((k, obj.attrs[k])).encode())
    with h5py.File(path, "r") as f:
        attrs(f)
        def visit(name, obj):
            h.update(name.encode())
            attrs(obj)
            if isinstance(obj, h5py.Dataset):
                v = obj.asstr()[()] if h5py.check_string_dtype(obj.dtype) else obj[()]
                h.update(repr(v.tolist() if isinstance(v, np.ndarray) else v).encode())
        f.visititems(visit)
    return h.hexdigest()

for line in sys.stdin:
    job = json.loads(line)
    out = {"label": job["label"]}
    try:
        for group in job["groups"]:
            kcsim.open_results(job["path"], group=group).load()
        out["open"] = "opened"
    except Exception as e:
        out["open"] = type(e).__name__
        out["why"] = str(e)[:300]
    if job["dump"]:
        out["dump"] = dump(job["path"])
    print(json.dumps(out), flush=True)
'''


class _Worker:
    def __init__(self):
        import sys

        self.proc = subprocess.Popen([sys.executable, "-c", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)

    def ask(self, job, timeout=60):
        import json
        import select

        try:
            self.proc.stdin.write(json.dumps(job) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if line:
            return json.loads(line)
        self.proc.kill()
        code = self.proc.wait()
        return {"label": job["label"], "open": "crash", "why": f"worker ended with {code} (signal if < 0)"}

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def results_files(kcsim_bin, repo_root, tmp_path_factory):
    folder = tmp_path_factory.mktemp("results-mutation")
    tiny = repo_root / "tests" / "fuzz" / "tiny.toml"
    other = folder / "tiny-b.toml"
    other.write_text(tiny.read_text().replace('name = "tiny"', 'name = "tiny-b"', 1).replace(
        "[population]", "[enterprise]\nneed_rate = 1.5\n[population]", 1))
    subprocess.run([kcsim_bin, "run", tiny, "--out", folder / "run.h5", "--replicates", "2", "--quiet"], check=True,
                   capture_output=True)
    subprocess.run([kcsim_bin, "compare", tiny, other, "--out", folder / "cmp.h5", "--replicates", "2", "--quiet"],
                   check=True, capture_output=True)
    return {"run": (folder / "run.h5", [None]), "compare": (folder / "cmp.h5", ["scenarios/tiny", "comparison"])}


def test_damaged_results_files_never_crash_and_are_never_silently_accepted(kcsim_bin, results_files, tmp_path):
    import time

    t0 = time.time()
    results = []
    worker = _Worker()
    for kind, (path, groups) in results_files.items():
        data = path.read_bytes()
        original = worker.ask({"label": kind, "path": str(path), "groups": groups, "dump": True})
        assert original["open"] == "opened", original
        # the run file gets every mutation; the compare file a quarter as many
        share = 1 if kind == "run" else 4
        rng = random.Random(SEED + len(kind))
        mutants = [("flip", rng.randrange(len(data) * 8)) for _ in range(RESULT_FLIPS // share)]
        mutants += [("trunc", rng.randrange(len(data))) for _ in range(RESULT_TRUNCATIONS // share)]
        for k, (how, where) in enumerate(mutants):
            label = f"{kind}-{how}{k}:{where}"
            body = bytearray(data)
            if how == "flip":
                body[where // 8] ^= 1 << (where % 8)
            else:
                del body[where:]
            src = tmp_path / f"{kind}-{k}.h5"
            src.write_bytes(bytes(body))
            proc = subprocess.run([kcsim_bin, "verify", src], capture_output=True, text=True, timeout=60)
            out = proc.stdout + proc.stderr
            if proc.returncode < 0 or proc.returncode in (134, 139) or "internal error" in out:
                results.append((label, "crash", f"verify: exit {proc.returncode}: {out[-300:]}"))
                continue
            accepted = proc.returncode == 0
            if not accepted and not (proc.returncode == 1 and ("NOT SOUND" in out or "not a readable" in out)):
                results.append((label, "unclear", f"verify: exit {proc.returncode}: {out[-300:]}"))
                continue
            answer = worker.ask({"label": label, "path": str(src), "groups": groups, "dump": accepted})
            if answer["open"] == "crash":
                results.append((label, "crash", "open_results: " + answer["why"]))
                worker = _Worker()
            elif accepted:
                same = answer.get("dump") == original["dump"]
                results.append((label, "unchanged" if same else "accepted", str(answer)[:300]))
            else:
                results.append((label, "refused", answer["open"]))
            src.unlink()
    worker.close()
    counts = {k: sum(1 for r in results if r[1] == k) for k in ("refused", "unchanged", "crash", "accepted", "unclear")}
    raised = {}
    for r in results:
        if r[1] == "refused":
            raised[r[2]] = raised.get(r[2], 0) + 1
    print(f"results-file mutations in {time.time() - t0:.0f} s:", counts, "open_results of refused files:", raised)
    bad = [r for r in results if r[1] in ("crash", "accepted", "unclear")]
    assert not bad, (counts, bad[:10])
    assert counts["refused"] >= len(results) * 3 // 4  # most damage is found, not just harmless
