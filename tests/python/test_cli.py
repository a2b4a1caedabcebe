"""The kcsim command line: exit codes, error messages, and that bad input never writes output.

Exit codes (sim/cli/main.cpp): 0 success, 1 runtime or I/O failure, 2 bad input.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

import h5py
import pytest

VERSION_RE = re.compile(r"^kcsim (\d+\.\d+\.\d+\S*) \(git (\S+), output schema (\d+)\)$")
PARAM_SECTIONS = (
    "calendar", "run", "population", "enterprise", "programme", "experts", "libraries", "forums",
    "consortia", "incubator", "finance", "funding", "rewards",
)


def assert_nothing_written(folder: Path) -> None:
    """The output folder holds nothing: no result and no hidden .x.h5.tmp-<pid> left behind."""
    left = sorted(p.name for p in folder.iterdir())
    assert left == [], f"bad input left files behind: {left}"


def assert_no_temp_files(folder: Path) -> None:
    temps = [p.name for p in folder.iterdir() if ".tmp-" in p.name]
    assert temps == [], f"temporary files left behind: {temps}"


def assert_error(proc, code: int = 2) -> str:
    assert proc.returncode == code, f"exit {proc.returncode}, expected {code}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert proc.stderr.startswith("kcsim: error: "), proc.stderr
    assert proc.stderr.count("\n") == 1, f"expected a one-line message, got:\n{proc.stderr}"
    return proc.stderr


# ---------------------------------------------------------------------------------------------
# Help and version


def test_help_exits_0_and_lists_every_command(run_kcsim):
    for flag in ("--help", "-h", "help"):
        proc = run_kcsim(flag)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("kcsim - ")
        for cmd in ("run", "compare", "sweep", "check", "params", "metrics", "schedule", "--version"):
            assert f"kcsim {cmd}" in proc.stdout
        assert "Exit codes: 0 success, 1 runtime or I/O failure, 2 bad input" in proc.stdout
        assert proc.stderr == ""


def test_no_arguments_prints_usage_and_exits_2(run_kcsim):
    proc = run_kcsim()
    assert proc.returncode == 2
    assert "Usage:" in proc.stdout
    assert "kcsim run [SCENARIO.toml]" in proc.stdout


def test_version_prints_version_commit_and_schema(run_kcsim):
    proc = run_kcsim("--version")
    assert proc.returncode == 0, proc.stderr
    m = VERSION_RE.match(proc.stdout.strip())
    assert m, proc.stdout
    assert int(m.group(3)) >= 1
    assert run_kcsim("-V").stdout == proc.stdout


def test_run_and_check_help_exit_0(run_kcsim):
    proc = run_kcsim("run", "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: kcsim run [SCENARIO.toml] [options]")
    for opt in ("--replicates", "--seed", "--threads", "--out", "--force", "--quiet"):
        assert opt in proc.stdout
    proc = run_kcsim("check", "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: kcsim check SCENARIO.toml")


@pytest.mark.parametrize("command", ["params", "metrics", "schedule"])
def test_info_command_accepts_help(run_kcsim, command):
    # These accept --help and exit 0 (they currently print their normal output, not a usage).
    proc = run_kcsim(command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() != ""


# ---------------------------------------------------------------------------------------------
# Bad command lines: exit 2, a precise message, and nothing written


def test_unknown_command_suggests_the_closest(run_kcsim, out_dir):
    proc = run_kcsim("rn", cwd=out_dir)
    msg = assert_error(proc)
    assert "unknown command 'rn'" in msg
    assert "did you mean 'run'?" in msg
    proc = run_kcsim("chek", "x.toml", cwd=out_dir)
    assert "did you mean 'check'?" in assert_error(proc)
    assert_nothing_written(out_dir)


BAD_OPTIONS = [
    (["--replicate", "3"], ["unknown option '--replicate'", "did you mean '--replicates'?"]),
    (["--sead", "3"], ["unknown option '--sead'", "did you mean '--seed'?"]),
    (["--replicates", "0"], ["--replicates", "'0'", "from 1 to 1000000"]),
    (["--replicates", "abc"], ["--replicates", "'abc'", "from 1 to 1000000"]),
    (["--replicates", "-1"], ["--replicates", "'-1'", "from 1 to 1000000"]),
    (["--replicates", "1000001"], ["--replicates", "from 1 to 1000000"]),
    (["--replicates", "2x"], ["--replicates", "'2x'", "from 1 to 1000000"]),
    (["--replicates=0"], ["--replicates", "'0'", "from 1 to 1000000"]),
    (["--threads", "-1"], ["--threads", "from 0 to 1024"]),
    (["--threads", "1025"], ["--threads", "from 0 to 1024"]),
    (["--seed", "-5"], ["--seed", "'-5'", "from 0 to"]),
    (["--replicates"], ["option --replicates needs a value N"]),
    (["--replicates", "1", "--replicates", "2"], ["option --replicates given twice"]),
    (["--force=yes"], ["option --force takes no value"]),
    (["a.toml", "b.toml"], ["unexpected argument 'b.toml'"]),
]


@pytest.mark.parametrize("args, fragments", BAD_OPTIONS, ids=[" ".join(a) for a, _ in BAD_OPTIONS])
def test_bad_run_options_exit_2(run_kcsim, out_dir, args, fragments):
    # Run inside the empty output folder so that even the default outputs/ would be seen.
    out = out_dir / "x.h5"
    proc = run_kcsim("run", "--out", out, *args, cwd=out_dir)
    msg = assert_error(proc)
    for frag in fragments:
        assert frag in msg
    assert not out.exists()
    assert_nothing_written(out_dir)


def test_missing_scenario_file_exits_2(run_kcsim, out_dir):
    out = out_dir / "x.h5"
    proc = run_kcsim("run", "nope.toml", "--out", out, cwd=out_dir)
    msg = assert_error(proc)
    assert "nope.toml" in msg and "does not exist" in msg
    assert_nothing_written(out_dir)


def test_scenario_that_is_a_directory_exits_2(run_kcsim, tmp_path, out_dir):
    d = tmp_path / "dir.toml"
    d.mkdir()
    proc = run_kcsim("run", d, "--out", out_dir / "x.h5")
    msg = assert_error(proc)
    assert "is a directory" in msg
    assert_nothing_written(out_dir)


def test_unknown_option_of_info_commands_exits_2(run_kcsim):
    proc = run_kcsim("params", "--markdwn")
    assert "did you mean '--markdown'?" in assert_error(proc)
    proc = run_kcsim("schedule", "extra")
    assert "unexpected argument 'extra'" in assert_error(proc)


def test_check_without_scenario_exits_2(run_kcsim):
    proc = run_kcsim("check")
    assert proc.returncode == 2
    assert "Usage: kcsim check SCENARIO.toml" in proc.stdout


# ---------------------------------------------------------------------------------------------
# Bad scenario files. Each case: the files to write, the one to run, the file and line the
# message must point at (None: no line), and text the message must contain.

PLAN = 'extends = "builtin:plan.toml"\n'

EVENT = """
[[events]]
date = {date}
type = "pilot"
district = "{district}"
level = "{level}"
"""


@dataclass
class Case:
    files: dict[str, str | bytes]
    fragments: list[str]
    line: int | None  # line the message must name, in `where`
    where: str = "case.toml"
    run: str = "case.toml"
    column: int | None = None


BAD_SCENARIOS = {
    "unknown key": Case(
        {"case.toml": PLAN + "\n[enterprise]\nneed_rte = 1.0\n"},
        ["unknown key 'enterprise.need_rte'", "did you mean 'need_rate'?"],
        line=4,
        column=1,
    ),
    "unknown section": Case(
        {"case.toml": PLAN + "[enterprize]\nneed_rate = 1.0\n"},
        ["unknown key 'enterprize'", "did you mean 'enterprise'?"],
        line=2,
    ),
    "wrong type": Case(
        {"case.toml": PLAN + "[enterprise]\nneed_rate = \"high\"\n"},
        ["'enterprise.need_rate' = \"high\"", "expected a number", "got a string"],
        line=3,
        column=13,
    ),
    "out of range": Case(
        {"case.toml": PLAN + "[enterprise]\nneed_rate = -1\n"},
        ["'enterprise.need_rate' = -1", "out of range", "0 to 365"],
        line=3,
    ),
    "integer expected": Case(
        {"case.toml": PLAN + "[run]\nreplicates = 2.5\n"},
        ["'run.replicates' = 2.5", "whole number"],
        line=3,
    ),
    "boolean expected": Case(
        {"case.toml": PLAN + "[programme]\nenabled = 1\n"},
        ["'programme.enabled' = 1", "expected true or false"],
        line=3,
    ),
    "quoted date": Case(
        {"case.toml": PLAN + "[calendar]\nstart = \"2021-01-04\"\n"},
        ["'calendar.start'", "write the date without quotes"],
        line=3,
    ),
    "end before start": Case(
        {"case.toml": PLAN + "[calendar]\nend = 2020-06-30\n"},
        ["'calendar.end' = 2020-06-30 is before 'calendar.start' = 2021-01-04"],
        line=3,
    ),
    "syntax error": Case(
        {"case.toml": PLAN + "\n[enterprise\nneed_rate = 1\n"},
        ["TOML syntax error"],
        line=3,
    ),
    "syntax error in a copy of plan.toml": Case(
        {},  # filled in by the test from scenarios/plan.toml
        ["TOML syntax error"],
        line=None,
        where="plan.toml",
        run="plan.toml",
    ),
    "circular extends": Case(
        {"a.toml": 'extends = "b.toml"\n', "b.toml": '# b\nextends = "a.toml"\n'},
        ["circular 'extends'", "a.toml -> ", "b.toml -> ", "a.toml"],
        line=2,
        where="b.toml",
        run="a.toml",
    ),
    "extends itself": Case(
        {"case.toml": 'name = "x"\nextends = "case.toml"\n'},
        ["circular 'extends'"],
        line=2,
    ),
    "missing extends target": Case(
        {"case.toml": '# nothing here\nextends = "missing.toml"\n'},
        ["missing.toml", "does not exist"],
        line=2,
    ),
    "missing builtin": Case(
        {"case.toml": 'extends = "builtin:plan.tom"\n'},
        ["no built-in scenario 'plan.tom'", "did you mean 'builtin:plan.toml'?"],
        line=1,
    ),
    "error in the extended file": Case(
        {"case.toml": 'extends = "sub/base.toml"\n', "sub/base.toml": PLAN + "[population]\ntech_firms = -3\n"},
        ["'population.tech_firms' = -3", "out of range"],
        line=3,
        where="base.toml",
    ),
    "event with unknown district": Case(
        {"case.toml": PLAN + EVENT.format(date="2022-01-03", district="yongchuen", level="national")},
        ["event district 'yongchuen' does not exist", "did you mean 'yongchuan'?"],
        line=6,
    ),
    "event with unknown level": Case(
        {"case.toml": PLAN + EVENT.format(date="2022-01-03", district="yongchuan", level="nationl")},
        ["'events[0].level'", "did you mean 'national'?"],
        line=7,
    ),
    "event after the horizon": Case(
        {"case.toml": PLAN + EVENT.format(date="2025-01-06", district="dazu", level="national")},
        ["event date 2025-01-06", "outside the simulated period 2021-01-04 to 2023-12-31"],
        line=4,
    ),
    "event before the horizon": Case(
        {"case.toml": PLAN + EVENT.format(date="2020-12-28", district="dazu", level="national")},
        ["event date 2020-12-28", "outside the simulated period"],
        line=4,
    ),
    "events out of date order": Case(
        {
            "case.toml": PLAN
            + EVENT.format(date="2022-01-03", district="dazu", level="national")
            + EVENT.format(date="2021-06-07", district="wanzhou", level="municipal")
        },
        ["'events[1].date' = 2021-06-07", "earlier than the event before it (2022-01-03)", "date order"],
        line=10,
    ),
    "district missing a key": Case(
        {"case.toml": PLAN + '\n[[districts]]\nid = "x"\nkind = "district"\n'},
        ["district 'x' is missing the required key 'subregion'"],
        line=3,
    ),
    "unsafe name": Case(
        {"case.toml": PLAN + 'name = "../evil"\n'},
        ['scenario name "../evil" is not allowed'],
        line=2,
    ),
    "empty file": Case({"case.toml": ""}, ["the scenario has no [[districts]]"], line=None),
    "binary junk with NUL": Case(
        {"case.toml": b"\x89HDF\r\n\x1a\n\x00\x00\x00\x00\x00\x08\x08\x00\x04\x00\x10\x00"},
        ["not a TOML text file (contains a NUL byte)"],
        line=3,  # the NUL follows the second line break
    ),
    "binary junk, invalid UTF-8": Case(
        {"case.toml": bytes(range(0x80, 0x100))},
        ["TOML syntax error", "utf-8"],
        line=1,
    ),
}


def write_case(case: Case, folder: Path, repo_root: Path) -> Case:
    if not case.files:  # the copy of plan.toml with a broken line
        shutil.copytree(repo_root / "scenarios" / "base", folder / "base")
        lines = (repo_root / "scenarios" / "plan.toml").read_text(encoding="utf-8").splitlines(keepends=True)
        k = next(i for i, s in enumerate(lines) if s.startswith('district = "'))
        lines[k] = lines[k].rstrip().removesuffix('"') + "\n"  # unterminated string
        (folder / "plan.toml").write_text("".join(lines), encoding="utf-8")
        case = Case({"plan.toml": ""}, case.fragments, k + 1, case.where, case.run)
        return case
    for name, text in case.files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")
    return case


@pytest.mark.parametrize("name", list(BAD_SCENARIOS))
def test_bad_scenario_exits_2_pointing_at_file_and_line(run_kcsim, repo_root, tmp_path, out_dir, name):
    scen = tmp_path / "scen"
    scen.mkdir()
    case = write_case(BAD_SCENARIOS[name], scen, repo_root)
    out = out_dir / "x.h5"

    proc = run_kcsim("run", case.run, "--out", out, "--replicates", "1", cwd=scen)
    msg = assert_error(proc)
    for frag in case.fragments:
        assert frag in msg, f"{frag!r} not in {msg!r}"
    stem = re.escape(Path(case.where).stem)
    if case.line is None:
        assert re.search(rf"{stem}\.toml(:\d+)?: ", msg), msg
    else:
        assert re.search(rf"{stem}\.toml:\d+", msg), msg
        m = re.search(rf"{stem}\.toml:(\d+)(?::(\d+))?: ", msg)
        assert m and int(m.group(1)) == case.line, f"expected line {case.line}: {msg}"
        if case.column is not None:
            assert m.group(2) is not None and int(m.group(2)) == case.column, msg
    assert not out.exists()
    assert_nothing_written(out_dir)
    # No output of any kind next to the scenario either (the default outputs/ folder).
    assert not (scen / "outputs").exists()

    # `kcsim check` reports the same error.
    chk = run_kcsim("check", case.run, cwd=scen)
    assert chk.returncode == 2
    assert chk.stderr == proc.stderr
    assert chk.stdout == ""


# ---------------------------------------------------------------------------------------------
# Output files: never overwritten without --force; replaced with it


def test_existing_output_is_kept_without_force_and_replaced_with_it(run_kcsim, out_dir):
    out = out_dir / "x.h5"
    original = b"precious results, not HDF5\n" * 10
    out.write_bytes(original)

    proc = run_kcsim("run", "--replicates", "1", "--threads", "1", "--out", out, "--quiet", cwd=out_dir)
    msg = assert_error(proc, code=1)
    assert "already exists" in msg and "--force" in msg
    assert out.read_bytes() == original
    assert sorted(p.name for p in out_dir.iterdir()) == ["x.h5"]

    proc = run_kcsim("run", "--replicates", "1", "--threads", "1", "--seed", "7", "--out", out, "--quiet", "--force",
                     cwd=out_dir)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""  # --quiet
    assert out.read_bytes() != original
    with h5py.File(out, "r") as f:
        assert f.attrs["seed"] == 7
        assert f["scenarios/plan/metrics"].shape[0] == 1
    assert sorted(p.name for p in out_dir.iterdir()) == ["x.h5"]
    assert_no_temp_files(out_dir)


def test_output_that_is_a_directory_exits_2_or_in_a_missing_folder_exits_1(run_kcsim, out_dir):
    proc = run_kcsim("run", "--replicates", "1", "--out", out_dir, "--quiet")
    assert "is a directory" in assert_error(proc, code=2)  # bad input, refused before any work
    proc = run_kcsim("run", "--replicates", "1", "--out", out_dir / "no" / "x.h5", "--quiet")
    assert "does not exist" in assert_error(proc, code=1)
    assert_nothing_written(out_dir)


def test_run_without_quiet_prints_summary(run_kcsim, out_dir):
    out = out_dir / "s.h5"
    proc = run_kcsim("run", "--replicates", "2", "--threads", "2", "--out", out, cwd=out_dir)
    assert proc.returncode == 0, proc.stderr
    assert "plan: 2 replicates, seed 20210104, 156 steps of 7 days from 2021-01-04 to 2023-12-31, 41 districts" in proc.stdout
    assert "problems_posted" in proc.stdout
    assert f"wrote {out}" in proc.stdout
    assert sorted(p.name for p in out_dir.iterdir()) == ["s.h5"]


# ---------------------------------------------------------------------------------------------
# check / params / metrics / schedule


def param_keys(run_kcsim) -> list[str]:
    proc = run_kcsim("params")
    assert proc.returncode == 0, proc.stderr
    keys = re.findall(r"^([a-z_]+\.[a-z0-9_]+) = ", proc.stdout, flags=re.M)
    assert len(keys) >= 10
    return keys


def test_check_prints_the_resolved_scenario(run_kcsim, repo_root):
    proc = run_kcsim("check", repo_root / "scenarios" / "plan.toml")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split("\n", 2)
    assert lines[0] == f"# scenario plan, resolved from {repo_root / 'scenarios' / 'plan.toml'}"
    m = re.fullmatch(r"# sha256 ([0-9a-f]{64})", lines[1])
    assert m, lines[1]
    body = lines[2]
    assert hashlib.sha256(body.encode("utf-8")).hexdigest() == m.group(1)

    doc = tomllib.loads(body)
    assert doc["name"] == "plan"
    assert "extends" not in doc
    for section in PARAM_SECTIONS:
        assert section in doc, f"[{section}] missing from the resolved scenario"
    for key in param_keys(run_kcsim):  # every parameter, default or not, is written out
        sec, name = key.split(".")
        assert name in doc[sec], f"{key} missing from the resolved scenario"
    assert doc["run"]["seed"] == 20210104
    assert str(doc["calendar"]["start"]) == "2021-01-04"
    assert len(doc["districts"]) == 41
    # The plan's own round is added to its first three (shared with plan-low and plan-high) and to
    # the events of the programme as it stood in 2021.
    plan = tomllib.loads((repo_root / "scenarios" / "plan.toml").read_text(encoding="utf-8"))
    first = tomllib.loads((repo_root / "scenarios" / "base" / "plan-2021-2022.toml").read_text(encoding="utf-8"))
    base = tomllib.loads((repo_root / "scenarios" / "base" / "programme-2021.toml").read_text(encoding="utf-8"))
    assert len(doc["events"]) == len(plan["events"]) + len(first["events"]) + len(base["events"]) == 2 + 7 + 27
    dates = [str(e["date"]) for e in doc["events"]]
    assert dates == sorted(dates)


def test_check_resolves_the_counterfactual(run_kcsim, repo_root):
    proc = run_kcsim("check", "no-programme.toml", cwd=repo_root / "scenarios")
    assert proc.returncode == 0, proc.stderr
    doc = tomllib.loads(proc.stdout.split("\n", 2)[2])
    assert doc["name"] == "no-programme"
    assert doc["programme"]["enabled"] is False
    assert len(doc["districts"]) == 41


def test_params_plain_and_markdown(run_kcsim):
    keys = param_keys(run_kcsim)
    for section in PARAM_SECTIONS:
        assert any(k.startswith(section + ".") for k in keys)
    assert "enterprise.need_rate" in keys
    proc = run_kcsim("params", "--markdown")
    assert proc.returncode == 0, proc.stderr
    rows = proc.stdout.splitlines()
    assert rows[0].startswith("| key | unit | default | range |")
    assert re.fullmatch(r"\|(---\|)+", rows[1])
    assert [re.match(r"\| `([^`]+)` \|", r).group(1) for r in rows[2:]] == keys


def test_metrics_plain_and_markdown(run_kcsim):
    proc = run_kcsim("metrics")
    assert proc.returncode == 0, proc.stderr
    names = [line.split()[0] for line in proc.stdout.splitlines()]
    assert "problems_posted" in names and "pilot_status" in names
    assert len(names) == len(set(names))
    md = run_kcsim("metrics", "--markdown")
    assert md.returncode == 0, md.stderr
    rows = md.stdout.splitlines()
    assert rows[0] == "| metric | unit | kind | meaning |"
    assert [re.match(r"\| `([^`]+)` \|", r).group(1) for r in rows[2:]] == names


def test_schedule_lists_numbered_phases(run_kcsim):
    proc = run_kcsim("schedule")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) >= 2
    for i, line in enumerate(lines, start=1):
        assert re.match(rf"^\s*{i}\. \S+", line), line


def _pilot_events(districts, date="2021-07-05"):
    return "".join(f'[[events]]\ndate = {date}\ntype = "pilot"\ndistrict = "{d}"\nlevel = "municipal"\n\n'
                   for d in districts)


def test_check_counts_the_expansion_and_warns_when_the_plan_is_doubled(run_kcsim, tmp_path):
    # The README's old advice: extend the plan and add your own pilots. That adds them to the
    # plan's four, and check says so.
    doubled = tmp_path / "doubled.toml"
    doubled.write_text('name = "doubled"\nextends = "builtin:plan.toml"\n\n' +
                       _pilot_events(["kaizhou", "xiushan", "tongnan", "wulong"]), encoding="utf-8")
    proc = run_kcsim("check", doubled)
    assert proc.returncode == 0, proc.stderr
    assert "# expansion: beyond its parent builtin:plan.toml: pilot districts +4, expert teams +0" in proc.stderr
    assert "pilot districts +8" in proc.stderr and "# expansion" not in proc.stdout
    assert "warning: the scenario adds 8 pilot districts beyond the 2021 base; the plan asks for 3-5" in proc.stderr
    # The template for "the plan with other districts" adds 4 and 4, and nothing to warn about.
    proc = run_kcsim("check", "builtin:templates/plan-other-districts.toml")
    assert proc.returncode == 0 and "warning" not in proc.stderr, proc.stderr
    assert "beyond the 2021 base builtin:base/programme-2021.toml: pilot districts +4, expert teams +4" in proc.stderr


def test_a_pilot_event_for_a_district_already_a_pilot_is_warned_about(run_kcsim, tmp_path):
    f = tmp_path / "again.toml"
    f.write_text('name = "again"\nextends = "builtin:plan.toml"\n\n' + _pilot_events(["yubei"], "2022-03-07"),
                 encoding="utf-8")
    expected = ("warning: scenario 'again': 2022-03-07: 'yubei' is already a municipal pilot (since 2021-07-05), "
                "so this pilot event changes nothing")
    proc = run_kcsim("check", f)
    assert proc.returncode == 0 and expected.replace("scenario 'again': ", "") in proc.stderr, proc.stderr
    proc = run_kcsim("run", f, "--dry-run")
    assert proc.returncode == 0 and expected in proc.stderr, proc.stderr
    # An upgrade is not idle: the High-tech Zone becomes a national pilot in the 2021 base.
    assert "high_tech_zone" not in run_kcsim("check", "builtin:plan.toml").stderr


def test_tables_have_units_and_numbers_for_people(run_kcsim, out_dir, repo_root):
    # No 2.73442e+06, no 0.050000000000000003, no "1 threads"; every metric row names its unit.
    proc = run_kcsim("run", "builtin:plan.toml", "--replicates", "2", "--threads", "1", "--out", out_dir / "r.h5")
    assert proc.returncode == 0, proc.stderr
    rows = [l for l in proc.stdout.splitlines() if l.startswith(("forum_viewers ", "output_value ", "programme_spend "))]
    assert len(rows) == 3 and rows[0].split()[-1] == "viewers" and rows[2].endswith("million yuan"), rows
    assert "e+" not in proc.stdout and "on 1 thread;" in proc.stdout
    assert re.search(r"forum_viewers\s+total\s+\d{1,3}(,\d{3})+ ", proc.stdout), rows[0]
    proc = run_kcsim("params")
    assert "e+15" not in proc.stdout and "0 .. 9,007,199,254,740,991" in proc.stdout
    proc = run_kcsim("run", "builtin:plan.toml", "--dry-run", "--threads", "1")
    assert "on 1 thread\n" in proc.stdout, proc.stdout


def test_a_copied_builtin_scenario_is_pointed_at_the_builtin_it_extends(run_kcsim, repo_root, tmp_path):
    copy = tmp_path / "plan-equity.toml"
    copy.write_text((repo_root / "scenarios" / "plan-equity.toml").read_text(encoding="utf-8"), encoding="utf-8")
    proc = run_kcsim("check", copy)
    assert proc.returncode == 2
    assert "does not exist; did you mean the built-in 'builtin:base/programme-2021.toml'?" in proc.stderr, proc.stderr
    assert 'extends = "builtin:base/programme-2021.toml"' in proc.stderr


def test_a_child_scenario_does_not_inherit_its_parents_description(run_kcsim, tmp_path):
    child = tmp_path / "child.toml"
    child.write_text('extends = "builtin:plan.toml"\n[funding]\nannual_budget = 20\n', encoding="utf-8")
    body = run_kcsim("check", child).stdout.split("\n", 2)[2]
    doc = tomllib.loads(body)
    assert doc["name"] == "child"
    assert doc["description"].startswith("derived from plan: The 2021-2023 plan as written"), doc["description"]
    child.write_text('extends = "builtin:plan.toml"\ndescription = "mine"\n', encoding="utf-8")
    assert tomllib.loads(run_kcsim("check", child).stdout.split("\n", 2)[2])["description"] == "mine"
