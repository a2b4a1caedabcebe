"""Scenario input (issue 21): what kcsim reads is checked before any work, and refused at once.

- only regular files are read (an `extends`, the scenario given, a sweep file that is a FIFO is
  refused at once instead of hanging);
- a UTF-8 byte-order mark is accepted, with line and column numbers unchanged;
- every (min, max) pair of parameters is checked after merging, with the file and line of the key.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

TINY = Path(__file__).resolve().parents[1] / "fuzz" / "tiny.toml"


def one_line_error(proc, code: int = 2) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.startswith("kcsim: error: ") and proc.stderr.count("\n") == 1, proc.stderr
    return proc.stderr


@pytest.mark.parametrize("where", ["extends", "scenario", "sweep", "sweep-scenario"])
def test_a_fifo_is_refused_at_once_instead_of_hanging(run_kcsim, tmp_path, where):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    if where == "extends":
        (tmp_path / "s.toml").write_text(f'extends = "{fifo.name}"\nname = "s"\n', encoding="utf-8")
        args = ["check", "s.toml"]
    elif where == "scenario":
        args = ["run", fifo.name, "--out", "x.h5"]
    elif where == "sweep":
        args = ["sweep", fifo.name, "--out", "x.h5"]
    else:
        (tmp_path / "sw.toml").write_text(
            f'name = "w"\nscenario = "{fifo.name}"\ndesign = "latin_hypercube"\nsamples = 2\nreplicates = 1\n'
            '[[uncertain]]\nkey = "enterprise.need_rate"\nmin = 0.5\nmax = 1.5\n', encoding="utf-8")
        args = ["sweep", "sw.toml", "--out", "x.h5"]
    t0 = time.time()
    proc = run_kcsim(*args, cwd=tmp_path)  # before the fix: hangs until the 300 s timeout
    assert time.time() - t0 < 20
    assert "pipe.toml' is not a regular file" in one_line_error(proc)
    assert not (tmp_path / "x.h5").exists() and not (tmp_path / "outputs").exists()


def test_a_byte_order_mark_is_accepted_and_positions_are_unchanged(run_kcsim, tmp_path):
    text = TINY.read_text(encoding="utf-8")
    plain, bom = tmp_path / "plain.toml", tmp_path / "bom.toml"
    plain.write_text(text, encoding="utf-8")
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode())
    a, b = run_kcsim("check", plain), run_kcsim("check", bom)
    assert b.returncode == 0, b.stderr
    assert a.stdout.replace("plain", "bom") == b.stdout.replace("plain", "bom")
    # An error on line 1 and later lines: the same line and column with and without the mark.
    for bad in ('nmae = "x"\n' + text, text + "\n[population]\ntech_firms = -3\n"):
        plain.write_text(bad, encoding="utf-8")
        bom.write_bytes(b"\xef\xbb\xbf" + bad.encode())
        ea, eb = one_line_error(run_kcsim("check", plain)), one_line_error(run_kcsim("check", bom))
        assert ea.replace("plain.toml", "bom.toml") == eb
    # A mark anywhere else is still an error.
    bom.write_bytes(text.encode() + b"\n\xef\xbb\xbf\n")
    assert "non-ASCII" in one_line_error(run_kcsim("check", bom))


def range_pairs(run_kcsim) -> list[tuple[str, str, float]]:
    """(min key, max key, upper end of the range) for every *_min parameter."""
    out = run_kcsim("params").stdout
    # Ranges are printed for people ("0 .. 1,000,000,000"): drop the thousands separators.
    keys = dict(re.findall(r"^([a-z_]+\.[a-z0-9_]+) = \S+\s+\[[^;\]]*; [-0-9.e,]+ \.\. ([-0-9.e,]+)\]", out, flags=re.M))
    pairs = [(k, k[:-4] + "_max", float(v.replace(",", ""))) for k, v in keys.items() if k.endswith("_min")]
    assert len(pairs) >= 2
    for lo, hi, _ in pairs:
        assert hi in keys, f"{lo} has no {hi}"
    return pairs


def test_every_inverted_min_max_pair_is_refused_where_it_is_set(run_kcsim, tmp_path):
    for lo, hi, top in range_pairs(run_kcsim):
        lo_sec, lo_name = lo.split(".")
        hi_name = hi.split(".")[1]
        # Both in one file: the error points at the minimum.
        f = tmp_path / "one.toml"
        f.write_text(f'extends = "{TINY}"\nname = "one"\n[{lo_sec}]\n{lo_name} = {top}\n{hi_name} = 0\n',
                     encoding="utf-8")
        msg = one_line_error(run_kcsim("check", f))
        assert "one.toml:4:" in msg and lo in msg and hi in msg and "above" in msg, msg
        # The maximum set by a child below the parent's minimum: the error points at the child's key.
        parent, child = tmp_path / "parent.toml", tmp_path / "child.toml"
        parent.write_text(f'extends = "{TINY}"\nname = "p"\n[{lo_sec}]\n{lo_name} = {top / 2}\n', encoding="utf-8")
        child.write_text(f'extends = "parent.toml"\nname = "c"\n\n[{lo_sec}]\n{hi_name} = 0\n', encoding="utf-8")
        msg = one_line_error(run_kcsim("check", child))
        assert "parent.toml:4:" in msg or "child.toml:5:" in msg, msg
        # Equal bounds are a valid (degenerate) range.
        f.write_text(f'extends = "{TINY}"\nname = "one"\n[{lo_sec}]\n{lo_name} = 1\n{hi_name} = 1\n',
                     encoding="utf-8")
        assert run_kcsim("check", f).returncode == 0


# ---------------------------------------------------------------------------------------------
# Misleading messages


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_an_option_value_that_is_an_option_is_refused(run_kcsim, tmp_path, command):
    args = {"run": ["run", TINY], "compare": ["compare", TINY, TINY], "sweep": ["sweep", "s.toml"]}[command]
    msg = one_line_error(run_kcsim(*args, "--out", "--quiet", cwd=tmp_path))
    assert "--out needs a file name, got the option --quiet" in msg, msg
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_verify_on_a_folder_says_it_is_a_folder(run_kcsim, tmp_path):
    msg = one_line_error(run_kcsim("verify", tmp_path))
    assert "is a folder" in msg and "does not exist" not in msg, msg
    assert "does not exist" in one_line_error(run_kcsim("verify", tmp_path / "none.h5"))


def test_dry_run_time_counts_only_the_cores_there_are(run_kcsim, tmp_path):
    def seconds(threads):
        proc = run_kcsim("run", "--replicates", "2000", "--threads", threads, "--dry-run", "--out",
                         tmp_path / "x.h5")
        assert proc.returncode == 0, proc.stderr
        return float(re.search(r"time: about ([0-9.e+]+) s", proc.stdout).group(1)), proc.stdout

    cores = len(os.sched_getaffinity(0))
    at_cores, _ = seconds(str(cores))
    at_1024, text = seconds("1024")
    assert "on 1024 threads" in text
    assert at_cores > 100
    assert at_1024 == at_cores, (at_1024, at_cores)  # no faster than one thread per core


def test_a_sweep_that_draws_an_inverted_pair_names_the_sweep_and_writes_nothing(run_kcsim, tmp_path):
    (tmp_path / "sw.toml").write_text(
        f'name = "w"\nscenario = "{TINY}"\ndesign = "latin_hypercube"\nsamples = 4\nreplicates = 1\n'
        '[[uncertain]]\nkey = "rewards.effort_min"\nmin = 0.5\nmax = 9\n', encoding="utf-8")
    msg = one_line_error(run_kcsim("sweep", "sw.toml", cwd=tmp_path))  # the default output: outputs/
    # The file, line and column of the entry's key (line 7: key = "rewards.effort_min").
    assert msg.startswith("kcsim: error: sw.toml:7:7: experiment ") and "<overrides>" not in msg, msg
    assert "rewards.effort_min" in msg and "[[uncertain]]" in msg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sw.toml"]  # no outputs/ folder


@pytest.mark.parametrize("case", ["lever", "max-below-the-scenario-min"])
def test_a_sweep_that_draws_an_inverted_pair_names_the_line_of_the_entry(run_kcsim, tmp_path, case):
    head = f'name = "w"\nscenario = "{TINY}"\ndesign = "latin_hypercube"\nsamples = 4\nreplicates = 1\n'
    if case == "lever":
        # An uncertain parameter first, then the lever that makes the pair inverted.
        body = ('[[uncertain]]\nkey = "enterprise.need_rate"\nmin = 0.5\nmax = 1\n\n'
                '[[lever]]\n  key = "rewards.effort_max"\n  values = [2.0, 0.1]\n')
        line, col, swept = 12, 9, "rewards.effort_max"
    else:
        # Only the maximum is swept; the minimum (0.5) comes from the scenario.
        body = '[[uncertain]]\nkey = "rewards.effort_max"\nmin = 0\nmax = 0.4\n'
        line, col, swept = 7, 7, "rewards.effort_max"
    (tmp_path / "sw.toml").write_text(head + body, encoding="utf-8")
    msg = one_line_error(run_kcsim("sweep", "sw.toml", cwd=tmp_path))
    assert msg.startswith(f"kcsim: error: sw.toml:{line}:{col}: experiment "), msg
    assert msg.rstrip().endswith(f"entry of {swept}"), msg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sw.toml"]


# ---------------------------------------------------------------------------------------------
# Many districts: counted first, merged in linear time


def districts_file(path: Path, n: int, extends: str, first: int = 0) -> None:
    """A scenario extending `extends` with n more [[districts]] (ids d<first>...)."""
    rec = ('[[districts]]\nid = "d{i}"\nkind = "district"\nsubregion = "metro"\ngdp_2020 = 1.0\n'
           'tech_firms_2020 = 1\nhigh_tech_share = 0.1\npilot = "none"\n\n')
    path.write_text(f'extends = "{extends}"\nname = "many"\n\n' + "".join(rec.format(i=i) for i in range(first, first + n)),
                    encoding="utf-8")


def test_a_file_with_too_many_districts_is_refused_at_once(run_kcsim, tmp_path):
    districts_file(tmp_path / "many.toml", 70_000, str(TINY))
    start = time.monotonic()
    msg = one_line_error(run_kcsim("check", tmp_path / "many.toml"))
    took = time.monotonic() - start
    assert "many.toml:" in msg and "70000" in msg and "at most 65535" in msg, msg
    assert took < 10, took  # about 1 s; minutes before districts were counted first and merged by id
    # Two files under the limit that add up to more than it: refused after merging, also quickly.
    districts_file(tmp_path / "half.toml", 40_000, str(TINY))
    districts_file(tmp_path / "more.toml", 40_000, "half.toml", first=40_000)
    start = time.monotonic()
    msg = one_line_error(run_kcsim("check", tmp_path / "more.toml"))
    took = time.monotonic() - start
    assert "80002 [[districts]]" in msg and "at most 65535" in msg, msg
    assert took < 10, took


@pytest.mark.parametrize("n", [5_000, 60_000])
def test_a_file_with_thousands_of_districts_loads_quickly(run_kcsim, tmp_path, n):
    districts_file(tmp_path / "many.toml", n, str(TINY))
    start = time.monotonic()
    proc = run_kcsim("check", tmp_path / "many.toml")
    took = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    # 0.2 s and 1.6 s; 0.65 s and about a minute when each record searched the base (quadratic)
    assert took < 10, took
