"""The reference docs that are generated from the program stay identical to what it prints."""

from __future__ import annotations


def table_of(path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "".join(lines[start:end])


def test_parameters_doc_is_current(repo_root, run_kcsim):
    proc = run_kcsim("params", "--markdown")
    assert proc.returncode == 0
    assert table_of(repo_root / "docs" / "parameters.md") == proc.stdout, (
        "docs/parameters.md is stale: regenerate it with the command in its header"
    )


def test_metrics_table_in_output_format_is_current(repo_root, run_kcsim):
    proc = run_kcsim("metrics", "--markdown")
    assert proc.returncode == 0
    doc = (repo_root / "docs" / "output-format.md").read_text(encoding="utf-8")
    assert proc.stdout in doc, "docs/output-format.md: paste `kcsim metrics --markdown` into its metric table"


def test_every_parameter_is_documented_with_a_source(run_kcsim):
    rows = [r for r in run_kcsim("params", "--markdown").stdout.splitlines()[2:] if r.startswith("|")]
    assert len(rows) > 10
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 6, row
        key, unit, default, rng, meaning, source = cells
        assert unit and default and rng and meaning and source, row


def test_architecture_names_only_files_and_functions_that_exist(repo_root):
    # The map for newcomers stays true: every source file it names exists, and every function
    # its parameter walk-through names is defined in the file it is said to be in.
    import re

    text = (repo_root / "docs" / "architecture.md").read_text()
    named = set(re.findall(r"`((?:sim|bindings|tests|scripts|scenarios|bench|cmake)/[\w./-]+\.\w+)`", text))
    assert len(named) > 20
    missing = sorted(p for p in named if not (repo_root / p).exists())
    assert not missing, f"docs/architecture.md names files that do not exist: {missing}"
    walk = text[text.index("### One parameter from the TOML file"):text.index("## Data flow")]
    for func, path in [
        ("read_source", "sim/scenario/toml_read.cpp"),
        ("load_chain", "sim/scenario/extends.cpp"),
        ("check_file", "sim/scenario/validate.cpp"),
        ("merge_into", "sim/scenario/extends.cpp"),
        ("fill_params", "sim/scenario/build.cpp"),
        ("arrival_hazard", "sim/model/firm_arithmetic.inc"),
        ("run_down", "sim/model/firm_arithmetic.inc"),
        ("firm_needs", "sim/model/needs.hpp"),
    ]:
        assert f"`{func}`" in walk or f"::{func}`" in walk, func
        assert re.search(rf"\b{func}\(", (repo_root / path).read_text()), f"{func} is not in {path}"


def test_readme_command_summary_names_every_command_and_option(repo_root, run_kcsim):
    # Every subcommand `kcsim --help` lists, and every option each one's --help lists, appears in
    # the README's command summary, on the line(s) of that command.
    import re

    readme = (repo_root / "README.md").read_text()
    block = readme[readme.index("## Command line"):]
    block = block[block.index("```text") + 7:]
    block = block[:block.index("```")]
    usage = run_kcsim("--help").stdout
    commands = re.findall(r"^  kcsim ([a-z]+) ", usage, re.M)
    assert {"run", "compare", "sweep", "verify", "check", "params", "metrics", "schedule"} <= set(commands)
    # The summary's lines per command: a line starting "kcsim CMD" and its indented continuations.
    per_command, current = {}, None
    for line in block.splitlines():
        m = re.match(r"kcsim ([a-z-]+)", line)
        if m:
            current = m.group(1)
        if current:
            per_command[current] = per_command.get(current, "") + line + "\n"
    for command in commands:
        assert command in per_command, f"README's command summary lacks 'kcsim {command}'"
        options = set(re.findall(r"^\s+(--[a-z-]+)", run_kcsim(command, "--help").stdout, re.M)) - {"--help"}
        missing = sorted(o for o in options if o not in per_command[command])
        assert not missing, f"README's summary of 'kcsim {command}' lacks {missing}"
    for flag in ("--version", "--help"):
        assert flag in block


def _python_md_scenarios_examples(repo_root):
    """The code of docs/python.md's "Scenarios" section: the example column of its table (the
    first code span of the last cell) and its python blocks."""
    import re

    text = (repo_root / "docs" / "python.md").read_text(encoding="utf-8")
    section = text[text.index("### Scenarios"):text.index("### Ensembles, comparisons and sweeps")]
    examples = []
    for row in section.splitlines():
        if row.startswith("| `") and not row.startswith("|---"):
            spans = re.findall(r"`([^`]+)`", row.rstrip().rstrip("|").rsplit(" | ", 1)[-1])
            if spans and not spans[0].startswith("except"):  # a fragment of a try statement
                examples.append(spans[0])
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    return examples, blocks


def test_python_md_scenario_examples_run(repo_root, monkeypatch):
    # Every example of the Scenarios section runs as written, the derive ones included (they
    # once derived a plan that ended before its own events, and named variants like the parent).
    import pandas as pd

    import kcsim

    monkeypatch.chdir(repo_root)
    examples, blocks = _python_md_scenarios_examples(repo_root)
    assert len(examples) >= 6 and any("derive" in e for e in examples)
    assert blocks and any("kcsim.derive" in b for b in blocks)
    namespace = {"kcsim": kcsim, "pd": pd, "plan": kcsim.load_scenario("builtin:plan.toml")}
    for code in examples:
        try:
            eval(compile(code, "<docs/python.md>", "eval"), namespace)
        except Exception as err:  # noqa: BLE001 - report which example failed
            raise AssertionError(f"docs/python.md example fails: {code}\n{type(err).__name__}: {err}") from err
    for code in blocks:
        exec(compile(code, "<docs/python.md>", "exec"), namespace)
    text = (repo_root / "docs" / "python.md").read_text(encoding="utf-8")
    assert "cannot hold a TOML date" not in text and "without quotes" not in text
