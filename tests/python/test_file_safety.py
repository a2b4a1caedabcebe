"""Safety of the user's files (issue 21): what kcsim writes never destroys what is not its own.

- an output path that exists and is not a regular file (FIFO, socket, folder, dangling symbolic
  link) is refused with exit 2 before any work, even with --force, for every output of every
  command (--out, --state-out, compare's FILE.summary.csv/.md, sweep's --out);
- an output that is an input (the scenario, a compared scenario, the sweep file, the
  --resume-from state file; same inode or same real path) or another output is refused (exit 2);
- --force never breaks the lock of a running job, and says which process holds it;
- compare renames FILE.h5 last, and --resume completes summaries left without it;
- a file-size limit (SIGXFSZ not ignored by the caller) is reported like a full disk: exit 1,
  one line, no temporary file.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import kill_session, start_job_holding_its_lock

TINY = Path(__file__).resolve().parents[1] / "fuzz" / "tiny.toml"
SWEEP = """\
name = "s"
scenario = "a.toml"
design = "latin_hypercube"
samples = 2
replicates = 1
[[uncertain]]
key = "enterprise.need_rate"
min = 0.5
max = 1.5
"""


def two_scenarios(folder: Path) -> tuple[Path, Path]:
    a, b = folder / "a.toml", folder / "b.toml"
    text = TINY.read_text(encoding="utf-8")
    a.write_text(text.replace('name = "tiny"', 'name = "a"'), encoding="utf-8")
    b.write_text(text.replace('name = "tiny"', 'name = "b"'), encoding="utf-8")
    return a, b


def make_special(kind: str, path: Path, keep: list):
    """Makes `path` a FIFO, a socket, a folder or a dangling symbolic link."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(path))
        keep.append(s)
    elif kind == "directory":
        path.mkdir()
    elif kind == "dangling-symlink":
        path.symlink_to(path.parent / "nowhere.h5")
    else:
        raise AssertionError(kind)


def same_kind(kind: str, path: Path) -> bool:
    import stat

    st = os.lstat(path)
    return {
        "fifo": stat.S_ISFIFO,
        "socket": stat.S_ISSOCK,
        "directory": stat.S_ISDIR,
        "dangling-symlink": stat.S_ISLNK,
    }[kind](st.st_mode)


def one_line_error(proc, code: int) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.startswith("kcsim: error: ") and proc.stderr.count("\n") == 1, proc.stderr
    return proc.stderr


KINDS = ["fifo", "socket", "directory", "dangling-symlink"]


@pytest.mark.parametrize("kind", KINDS)
def test_force_never_replaces_what_is_not_a_regular_file(run_kcsim, tmp_path, kind):
    a, b = two_scenarios(tmp_path)
    (tmp_path / "s.toml").write_text(SWEEP, encoding="utf-8")
    keep: list = []
    cases = [
        # (the special file, the command's arguments)
        ("run.h5", ["run", a, "--out", "run.h5"]),
        ("st.h5", ["run", a, "--out", "r2.h5", "--save-state", "2021-01-11", "--state-out", "st.h5"]),
        ("c.summary.csv", ["compare", a, b, "--out", "c.h5"]),
        ("c2.summary.md", ["compare", a, b, "--out", "c2.h5"]),
        ("sw.h5", ["sweep", "s.toml", "--out", "sw.h5"]),
    ]
    for name, _ in cases:
        make_special(kind, tmp_path / name, keep)
    before = sorted(p.name for p in tmp_path.iterdir())
    for name, args in cases:
        proc = run_kcsim(*args, "--force", "--quiet", "--threads", "1", cwd=tmp_path)
        msg = one_line_error(proc, 2)
        assert name in msg and "not a regular file" in msg, msg
        assert same_kind(kind, tmp_path / name), name
    # Refused before any work: nothing else was written, not even a temporary file.
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not (tmp_path / "nowhere.h5").exists()
    for s in keep:
        s.close()


def test_output_that_is_an_input_is_refused(run_kcsim, tmp_path):
    a, b = two_scenarios(tmp_path)
    (tmp_path / "s.toml").write_text(SWEEP, encoding="utf-8")
    (tmp_path / "link.toml").symlink_to("b.toml")
    os.link(a, tmp_path / "hard.toml")
    proc = run_kcsim("run", a, "--out", "state-run.h5", "--save-state", "2021-01-11", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    state = tmp_path / "state-run.state.h5"
    originals = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    cases = [
        (["run", "a.toml", "--out", "a.toml"], "scenario file"),
        (["run", "a.toml", "--out", "./hard.toml"], "scenario file"),  # a hard link: same inode
        (["run", "b.toml", "--out", "link.toml"], "scenario file"),  # a symbolic link to it
        (["compare", "a.toml", "b.toml", "--out", "b.toml"], "scenario file"),
        (["compare", "a.toml", "b.toml", "--out", "../" + tmp_path.name + "/link.toml"], "scenario file"),
        (["run", "--resume-from", state.name, "--out", state.name], "--resume-from"),
        (["run", "a.toml", "--resume-from", state.name, "--out", state.name], "--resume-from"),
        (["sweep", "s.toml", "--out", "s.toml"], "sweep file"),
        (["sweep", "s.toml", "--out", "a.toml"], "scenario file"),
    ]
    for args, what in cases:
        proc = run_kcsim(*args, "--force", "--quiet", cwd=tmp_path)
        msg = one_line_error(proc, 2)
        assert "is the input" in msg and what in msg, (args, msg)
    # Two outputs that are one file: exit 2 before any work (it was exit 1, "file exists", at the end).
    proc = run_kcsim("run", "a.toml", "--save-state", "2021-01-11", "--out", "x.h5", "--state-out", "./x.h5",
                     "--quiet", cwd=tmp_path)
    msg = one_line_error(proc, 2)
    assert "are the same file" in msg
    now = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert now == originals


def test_force_never_breaks_the_lock_of_a_running_job(kcsim_bin, scenarios_dir, tmp_path):
    out, partial = tmp_path / "c.h5", tmp_path / "c.h5.partial"
    first, args = start_job_holding_its_lock(kcsim_bin, scenarios_dir, out)
    try:
        lock_inode = (partial / "lock").stat().st_ino
        second = subprocess.run([*map(str, args), "--force"], capture_output=True, text=True, timeout=120)
        assert second.returncode == 1, second.stderr
        assert "in use by another kcsim" in second.stderr and f"pid {first.pid}" in second.stderr, second.stderr
        assert first.poll() is None  # undisturbed: its folder and lock are still its own
        assert (partial / "lock").stat().st_ino == lock_inode
    finally:
        kill_session(first)
    assert partial.is_dir() and not out.exists()


def test_compare_renames_the_h5_last(kcsim_bin, tmp_path):
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed")
    a, b = two_scenarios(tmp_path)
    out = tmp_path / "c.h5"
    proc = subprocess.run(["strace", "-f", "-e", "trace=rename,renameat,renameat2,link", "-o", str(tmp_path / "trace"),
                           str(kcsim_bin), "compare", str(a), str(b), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, cwd=tmp_path)
    if proc.returncode != 0 and "ptrace" in proc.stderr:
        pytest.skip("ptrace is not allowed here")
    assert proc.returncode == 0, proc.stderr
    targets = re.findall(r'"[^"]*\.tmp-\d+", [^"]*"([^"]+)"', (tmp_path / "trace").read_text())
    names = [Path(t).name for t in targets]
    assert sorted(names) == ["c.h5", "c.summary.csv", "c.summary.md"], names
    assert names[-1] == "c.h5", names  # a batch script that sees c.h5 finds its summaries too


def test_resume_completes_summaries_left_without_the_h5(kcsim_bin, tmp_path):
    # The state a kill between compare's renames leaves: every unit in FILE.h5.partial, the
    # summaries renamed, FILE.h5 not yet. Made here with a file-size limit that stops the
    # assembly of the .h5 (the units are small), and summaries put in place by hand.
    a, b = two_scenarios(tmp_path)
    out = tmp_path / "c.h5"
    args = [str(kcsim_bin), "compare", str(a), str(b), "--out", str(out), "--quiet", "--threads", "1"]

    def limit():
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (12_000, 12_000))

    proc = subprocess.run(args, capture_output=True, text=True, preexec_fn=limit, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    partial = tmp_path / "c.h5.partial"
    assert len(list(partial.glob("unit-*.bin"))) == 2, proc.stderr
    (tmp_path / "c.summary.csv").write_text("left by a killed run\n")
    (tmp_path / "c.summary.md").write_text("left by a killed run\n")
    proc = subprocess.run([*args, "--resume"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert out.exists() and not partial.exists()
    ref = tmp_path / "ref.h5"
    proc = subprocess.run([*args[:-5], "--out", str(ref), "--quiet", "--threads", "1"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "c.summary.csv").read_text() == (tmp_path / "ref.summary.csv").read_text()
    assert "left by a killed run" not in (tmp_path / "c.summary.md").read_text()
    # Without --resume, summaries are never replaced silently.
    for p in ("c.h5",):
        (tmp_path / p).unlink()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1 and "already exists" in proc.stderr, proc.stderr


@pytest.mark.parametrize("command", ["run", "compare"])
def test_a_file_size_limit_is_reported_like_a_full_disk(kcsim_bin, tmp_path, command):
    # The caller does NOT ignore SIGXFSZ (a shell with `ulimit -f`): kcsim must.
    a, b = two_scenarios(tmp_path)
    out = tmp_path / "o" / "x.h5"
    out.parent.mkdir()
    args = ["run", a] if command == "run" else ["compare", a, b]

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (12_000, 12_000))

    proc = subprocess.run([str(kcsim_bin), *map(str, args), "--out", str(out), "--quiet"], capture_output=True,
                          text=True, preexec_fn=limit, cwd=tmp_path, timeout=300)
    msg = one_line_error(proc, 1)
    assert "File too large" in msg and "x.h5" in msg, msg
    assert not out.exists()
    assert not [p.name for p in out.parent.iterdir() if ".tmp" in p.name]
