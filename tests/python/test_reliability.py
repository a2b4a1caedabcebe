"""Resource guards and result checks: --dry-run, the memory guard, and kcsim verify."""

from __future__ import annotations

import os
import signal
import subprocess
import time


def test_dry_run_says_what_a_run_needs_and_writes_nothing(run_kcsim, tmp_path):
    proc = run_kcsim("run", "builtin:plan.toml", "--dry-run", "--replicates", "100", "--threads", "2",
                     "--out", tmp_path / "x.h5")
    assert proc.returncode == 0, proc.stderr
    assert "66400 firm agents in 41 districts" in proc.stdout
    assert "bytes per firm" in proc.stdout and "peak memory" in proc.stdout and "time: about" in proc.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_run_too_big_for_the_machine_is_refused_before_it_starts(run_kcsim, tmp_path):
    huge = tmp_path / "huge.toml"
    huge.write_text('extends = "builtin:plan.toml"\n[population]\nother_firms = 50000000\n', encoding="utf-8")
    t0 = time.time()
    proc = run_kcsim("run", huge, "--threads", "2", "--out", tmp_path / "x.h5")
    assert time.time() - t0 < 20  # refused at once, nothing allocated
    assert proc.returncode == 2, proc.stderr
    assert "GB" in proc.stderr and "--allow-large-memory" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge.toml"]


def test_verify_accepts_a_sound_file_and_finds_damage(run_kcsim, session_runs, scenarios_dir, tmp_path):
    good = session_runs("verify", "run", scenarios_dir / "plan.toml", "--replicates", 2, "--threads", 2)
    proc = run_kcsim("verify", good)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "sound" in proc.stdout

    damaged = tmp_path / "damaged.h5"
    data = bytearray(good.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4096] = bytes(4096)  # zero a block inside the compressed metrics
    damaged.write_bytes(bytes(data))
    proc = run_kcsim("verify", damaged)
    assert proc.returncode == 1
    assert "NOT SOUND" in proc.stdout and "cannot be read" in proc.stdout

    truncated = tmp_path / "truncated.h5"
    truncated.write_bytes(good.read_bytes()[:100_000])
    proc = run_kcsim("verify", truncated)
    assert proc.returncode == 1 and "not a readable HDF5 file" in proc.stdout

    assert run_kcsim("verify", tmp_path / "missing.h5").returncode == 2


def test_a_killed_run_leaves_no_file_under_its_name(kcsim_bin, tmp_path):
    out = tmp_path / "run.h5"
    proc = subprocess.Popen([str(kcsim_bin), "run", "builtin:plan.toml", "--replicates", "200", "--threads", "2",
                             "--out", str(out), "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()  # never a file that looks complete
    leftovers = [p for p in tmp_path.iterdir()]
    assert all(p.name.startswith(".run.h5.tmp-") for p in leftovers)
    # What is left is recognisably partial: verify refuses it.
    for p in leftovers:
        assert subprocess.run([str(kcsim_bin), "verify", str(p)], capture_output=True).returncode == 1
