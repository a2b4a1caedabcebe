"""Python misuse that used to kill the interpreter or give silently wrong results (issue 21):
exceptions in progress callbacks, one Simulation from two threads, restore() of another run's
snapshot, override keys that inject TOML, add_team and threads beyond what the CLI and scenario
files accept. Each case must raise a Python exception and leave the interpreter usable."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import pytest

import kcsim

SHORT = "[calendar]\nend = 2021-06-27\n"


@pytest.fixture(scope="module")
def short():
    return kcsim.derive(kcsim.load_scenario("builtin:base/programme-2021.toml"), SHORT, "short")


def _in_child(code: str) -> subprocess.CompletedProcess:
    """Runs `code` in a fresh interpreter: an abort there (exit 134) cannot take pytest with it."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=300, env=dict(os.environ))


CALLS = {
    "run": "kcsim.run(sc, replicates=4, seed=1, threads=1, progress=cb)",
    "compare": "kcsim.compare([sc, kcsim.derive(sc, {'enterprise.need_rate': 1.5}, 'b')], replicates=4, seed=1, "
               "threads=1, progress=cb)",
}
CALLBACKS = {
    "raises": ("def cb(done, total):\n    raise ValueError('boom from callback')", "ValueError", "boom from callback"),
    "wrong_signature": ("def cb():\n    pass", "TypeError", ""),
    "sys_exit": ("def cb(done, total):\n    sys.exit(7)", "SystemExit", "7"),
    "ctrl_c": ("def cb(done, total):\n    raise KeyboardInterrupt", "KeyboardInterrupt", ""),
}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("kind", sorted(CALLBACKS))
def test_an_exception_in_a_progress_callback_propagates(call, kind):
    body, exc, text = CALLBACKS[kind]
    proc = _in_child(f"""
import sys, kcsim
sc = kcsim.derive(kcsim.load_scenario("builtin:base/programme-2021.toml"), {SHORT!r}, "short")
{body}
try:
    {CALLS[call]}
except BaseException as e:
    print("caught", type(e).__name__, e)
    # The interpreter is intact and kcsim usable afterwards.
    ds = kcsim.run(sc, replicates=1, seed=1, threads=1, progress=False)
    print("after", int(ds.replicate_ok.sum()))
    sys.exit(0)
print("no exception")
""")
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    assert f"caught {exc}" in proc.stdout and text in proc.stdout, proc.stdout
    assert "after 1" in proc.stdout
    assert "terminate" not in proc.stderr


def test_an_exception_in_a_sweep_progress_callback_propagates(tmp_path):
    (tmp_path / "base.toml").write_text(
        'name = "short"\nextends = "builtin:base/programme-2021.toml"\n' + SHORT, encoding="utf-8")
    (tmp_path / "sweep.toml").write_text(
        'name = "s"\nscenario = "base.toml"\ndesign = "morris"\nsamples = 2\nreplicates = 1\n'
        '[[uncertain]]\nkey = "enterprise.need_rate"\nmin = 0.5\nmax = 1.0\n', encoding="utf-8")
    proc = _in_child(f"""
import sys, kcsim
def cb(done, total):
    raise ValueError('boom from callback')
try:
    kcsim.sweep({str(tmp_path / "sweep.toml")!r}, replicates=1, threads=1, progress=cb)
except ValueError as e:
    print("caught", e)
""")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "caught boom from callback" in proc.stdout


def test_one_simulation_from_two_threads_is_refused_while_busy(short):
    sim = kcsim.Simulation(short, seed=3, threads=1)
    errors: list[BaseException] = []
    started = threading.Event()

    def stepper():
        started.set()
        try:
            sim.run()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    t = threading.Thread(target=stepper)
    t.start()
    started.wait()
    refused = {"step": 0, "snapshot": 0, "restore": 0}
    state = None
    while t.is_alive():
        for name, call in (("step", lambda: sim.step()), ("snapshot", sim.snapshot),
                           ("restore", lambda: sim.restore(state) if state is not None else sim.snapshot())):
            try:
                got = call()
                if name == "snapshot":
                    state = got
            except RuntimeError as e:
                assert "busy in another thread" in str(e)
                refused[name] += 1
    t.join()
    assert not errors, errors
    assert sum(refused.values()) > 0, refused
    # Every call that was let through ran whole (before or after the run), so finishing the
    # run gives exactly the numbers of a run alone: nothing was torn.
    sim.run()
    alone = kcsim.Simulation(short, seed=3, threads=1)
    alone.run()
    assert (sim.metrics_view == alone.metrics_view).all()


def test_concurrent_steps_give_the_undisturbed_result(short):
    sim = kcsim.Simulation(short, seed=5, threads=1)
    busy = []

    def stepper():
        while not sim.done:
            try:
                sim.step()
            except RuntimeError as e:
                assert "busy in another thread" in str(e)
                busy.append(1)

    threads = [threading.Thread(target=stepper) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    alone = kcsim.Simulation(short, seed=5, threads=1)
    alone.run()
    assert sim.steps_done == alone.steps_done
    assert (sim.metrics_view == alone.metrics_view).all()


@pytest.mark.parametrize("other", ["seed", "replicate", "scenario"])
def test_restore_refuses_another_runs_snapshot(short, other):
    sim = kcsim.Simulation(short, seed=1, replicate=0, threads=1)
    sim.step(2)
    if other == "seed":
        src = kcsim.Simulation(short, seed=2, replicate=0, threads=1)
    elif other == "replicate":
        src = kcsim.Simulation(short, seed=1, replicate=1, threads=1)
    else:
        src = kcsim.Simulation(kcsim.derive(short, {"enterprise.need_rate": 1.5}, "other"), seed=1, threads=1)
    src.step(1)
    with pytest.raises(ValueError, match=other if other != "scenario" else "scenario 'other'"):
        sim.restore(src.snapshot())
    assert sim.steps_done == 2
    own = sim.snapshot()
    sim.step(1)
    sim.restore(own)  # its own snapshot still restores
    assert sim.steps_done == 2


@pytest.mark.parametrize("key", [
    "programme.forums = false\n[programme]\nenabled",
    "enterprise.need_rate\nprogramme.enabled",
    "enterprise.need rate",
    'enterprise."need_rate"',
    "enterprise.",
    ".need_rate",
    "enterprise..need_rate",
    "need_rate",
])
def test_derive_refuses_keys_that_are_not_dotted_bare_keys(short, key):
    with pytest.raises(ValueError, match="override key"):
        kcsim.derive(short, {key: 1.5})


def test_derive_escapes_string_values(short):
    # A value cannot end its string and add a line either: refused by the scenario checks as a bad value.
    with pytest.raises(kcsim.ScenarioError):
        kcsim.derive(short, {"rewards.rule": 'tournament"\nenabled = false\n#'})


@pytest.mark.parametrize("experts,districts,message", [
    (2**31 - 1, ["yuzhong"], "'experts' = 2147483647 is out of range: expected 1 to 10000"),
    (0, ["yuzhong"], "'experts' = 0 is out of range: expected 1 to 10000"),
    (3, ["yuzhong", "yuzhong"], "district 'yuzhong' is listed twice in this team's districts"),
    (3, [], "at least one district"),
])
def test_add_team_checks_what_a_scenario_files_team_event_checks(short, experts, districts, message):
    sim = kcsim.Simulation(short, seed=1, threads=1)
    with pytest.raises(ValueError) as e:
        sim.add_team("manufacturing", districts, experts)
    assert message in str(e.value)


@pytest.mark.parametrize("threads", [100000, 1025, -1])
def test_threads_beyond_the_clis_bound_are_refused(short, threads):
    msg = f"threads = {threads}: expected a whole number from 0 to 1024"
    with pytest.raises(ValueError, match=msg):
        kcsim.Simulation(short, threads=threads)
    with pytest.raises(ValueError, match=msg):
        kcsim.run(short, replicates=1, threads=threads, progress=False)
    with pytest.raises(ValueError, match=msg):
        kcsim.compare([short, kcsim.derive(short, {"enterprise.need_rate": 1.5}, "b")], replicates=1,
                      threads=threads, progress=False)
