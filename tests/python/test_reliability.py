"""Resource guards and result checks: --dry-run, the memory guard, and kcsim verify."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path


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


def _huge(tmp_path, name):
    path = tmp_path / f"{name}.toml"
    path.write_text(f'extends = "builtin:plan.toml"\nname = "{name}"\n[population]\nother_firms = 50000000\n',
                    encoding="utf-8")
    return path


def test_compare_and_sweep_dry_runs_say_what_they_need_and_write_nothing(run_kcsim, scenarios_dir, tmp_path):
    proc = run_kcsim("compare", scenarios_dir / "plan.toml", scenarios_dir / "plan-low.toml", "--dry-run",
                     "--replicates", 10, "--threads", 2, "--out", tmp_path / "c.h5")
    assert proc.returncode == 0, proc.stderr
    # Two scenarios of 66,400 firms each make one unit of work.
    assert "132800 firm agents in 41 districts" in proc.stdout and "10 paired replicates of 2 scenarios" in proc.stdout
    assert "peak memory" in proc.stdout and "time: about" in proc.stdout

    proc = run_kcsim("sweep", scenarios_dir / "sweeps" / "plan-screening.toml", "--dry-run", "--threads", 2,
                     "--out", tmp_path / "s.h5")
    assert proc.returncode == 0, proc.stderr
    assert "36 experiments x 2 replicates on 2 threads" in proc.stdout and "peak memory" in proc.stdout
    assert list(tmp_path.iterdir()) == []


def test_compare_and_sweep_too_big_for_the_machine_are_refused_before_they_start(run_kcsim, tmp_path):
    a, b = _huge(tmp_path, "huge-a"), _huge(tmp_path, "huge-b")
    t0 = time.time()
    proc = run_kcsim("compare", a, b, "--threads", 2, "--out", tmp_path / "c.h5")
    assert proc.returncode == 2, proc.stderr
    assert "kcsim compare: the job needs about" in proc.stderr and "--allow-large-memory" in proc.stderr

    sweep = tmp_path / "sweep.toml"
    sweep.write_text('scenario = "huge-a.toml"\ndesign = "latin_hypercube"\nsamples = 4\n'
                     '[[uncertain]]\nkey = "experts.solve_prob"\nmin = 0.3\nmax = 0.7\n', encoding="utf-8")
    proc = run_kcsim("sweep", sweep, "--threads", 2, "--out", tmp_path / "s.h5")
    assert proc.returncode == 2, proc.stderr
    assert "kcsim sweep: the job needs about" in proc.stderr and "--allow-large-memory" in proc.stderr
    assert time.time() - t0 < 30  # refused at once, nothing allocated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge-a.toml", "huge-b.toml", "sweep.toml"]


def test_allow_large_memory_lets_a_job_past_the_guard(run_kcsim, tmp_path):
    # Past the guard a job goes on to its next check, the output folder, which here is a file:
    # the refusal is then about the folder (exit 1), not the memory (exit 2), and nothing runs.
    a, b = _huge(tmp_path, "huge-a"), _huge(tmp_path, "huge-b")
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    refused = run_kcsim("compare", a, b, "--threads", 2, "--out", blocker / "c.h5")
    assert refused.returncode == 2 and "--allow-large-memory" in refused.stderr
    allowed = run_kcsim("compare", a, b, "--threads", 2, "--allow-large-memory", "--out", blocker / "c.h5")
    assert allowed.returncode == 1, allowed.stderr
    assert "is a file, not a folder" in allowed.stderr and "GB" not in allowed.stderr


def test_verify_refuses_a_file_without_metadata_checksums(run_kcsim, tmp_path):
    # h5py's default format (superblock 0) has no metadata checksums: HDF5 would parse damaged
    # metadata unchecked, so kcsim refuses to read such a file rather than risk it.
    import h5py

    old = tmp_path / "old.h5"
    with h5py.File(old, "w", libver="earliest") as f:
        f.attrs["schema_version"] = 1
    proc = run_kcsim("verify", old)
    assert proc.returncode == 1
    assert "no metadata checksums (HDF5 superblock version 0)" in proc.stdout


def test_a_scenario_that_extends_an_endless_file_is_refused(run_kcsim, tmp_path):
    bad = tmp_path / "zero.toml"
    bad.write_text('extends = "/dev/zero"\n', encoding="utf-8")
    t0 = time.time()
    proc = run_kcsim("run", bad, "--out", tmp_path / "x.h5")
    assert time.time() - t0 < 20
    assert proc.returncode == 2, proc.stderr
    assert "zero.toml:1:11" in proc.stderr and "'/dev/zero' is not a regular file" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zero.toml"]


def test_commands_never_start_a_program_or_open_a_socket(kcsim_bin, tmp_path):
    # strace records every execve (a shell, a helper) and socket of the process and its threads:
    # only kcsim's own start may appear. (MPI opens sockets, but only under mpirun.)
    tiny = Path(__file__).resolve().parents[1] / "fuzz" / "tiny.toml"
    other = tmp_path / "other.toml"
    other.write_text(f'extends = "{tiny}"\nname = "other"\n[programme]\nlibraries = false\n', encoding="utf-8")
    log = tmp_path / "trace"
    for args, code in ((["run", tiny, "--out", tmp_path / "r.h5", "--save-state", "2021-01-11", "--quiet"], 0),
                       (["compare", tiny, other, "--out", tmp_path / "c.h5", "--quiet"], 0),
                       (["verify", tmp_path / "r.h5"], 0),
                       (["run", tmp_path / "missing.toml"], 2)):
        proc = subprocess.run(["strace", "-f", "-qq", "-e", "trace=execve,execveat,socket,connect", "-o", str(log),
                               str(kcsim_bin), *map(str, args)], capture_output=True, text=True, timeout=300)
        assert proc.returncode == code, proc.stderr
        calls = [line for line in log.read_text().splitlines() if line.strip()]
        assert len(calls) == 1 and f'execve("{kcsim_bin}"' in calls[0], calls


def test_dry_runs_estimate_the_disk_and_leave_no_folder_behind(kcsim_bin, scenarios_dir, tmp_path):
    # Without --out a job's default is outputs/<name>.h5; a dry run must not make that folder.
    # The disk estimate is checked against the file a real run then writes.
    cases = [
        ["run", scenarios_dir / "plan.toml", "--replicates", "3"],
        ["compare", scenarios_dir / "no-programme.toml", scenarios_dir / "plan.toml", "--replicates", "3"],
        ["sweep", scenarios_dir / "sweeps" / "plan-screening.toml"],
    ]
    units = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}
    for args in cases:
        proc = subprocess.run([str(kcsim_bin), *map(str, args), "--dry-run", "--threads", "2"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert list(tmp_path.iterdir()) == [], f"kcsim {args[0]} --dry-run wrote {list(tmp_path.iterdir())}"
        line = next(l for l in proc.stdout.splitlines() if l.startswith("disk: about "))
        value, unit = line.split()[2:4]
        estimate = float(value) * units[unit]
        if args[0] != "sweep":  # a real sweep takes a minute; its outcomes are a few kB either way
            proc = subprocess.run([str(kcsim_bin), *map(str, args), "--threads", "2", "--quiet", "--out", "x.h5"],
                                  cwd=tmp_path, capture_output=True, text=True, timeout=300)
            assert proc.returncode == 0, proc.stderr
            size = (tmp_path / "x.h5").stat().st_size
            assert 0.5 * size < estimate < 2 * size, (args[0], estimate, size)
            for f in tmp_path.iterdir():
                f.unlink()


def _interrupt_when_units_exist(cmd, partial, cwd):
    """Starts cmd, sends SIGINT once a unit is durable, returns (returncode, stderr)."""
    proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if partial.is_dir() and list(partial.glob("unit-*.bin")):
            proc.send_signal(signal.SIGINT)
            break
        time.sleep(0.02)
    _, err = proc.communicate(timeout=240)
    return proc.returncode, err


def test_an_interrupted_batch_says_what_it_kept_and_a_resume_what_it_reuses(kcsim_bin, scenarios_dir, tmp_path):
    out = tmp_path / "c.h5"
    args = [kcsim_bin, "compare", scenarios_dir / "no-programme.toml", scenarios_dir / "plan.toml",
            "--replicates", "6", "--threads", "1", "--out", out]
    code, err = _interrupt_when_units_exist(args, tmp_path / "c.h5.partial", tmp_path)
    if code == 0:
        return  # finished before the signal: nothing to say
    assert code == 130, err
    kept = len(list((tmp_path / "c.h5.partial").glob("unit-*.bin")))
    assert "no output written" not in err
    assert f"interrupted; {kept} of 6 replicates finished and kept in '{out}.partial'" in err, err
    assert "--resume" in err and err.count("kcsim: interrupted") == 1
    proc = subprocess.run([*map(str, args), "--resume"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert f"resuming: {kept} of 6 replicates reused from '{out}.partial', {6 - kept} to run" in proc.stderr
