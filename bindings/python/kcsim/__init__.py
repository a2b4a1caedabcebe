"""kcsim: agent-based scenario planning for the Sci-Tech China programme in Chongqing.

The compiled core is ``kcsim._core`` (thin conversions of the C++ library); this package
re-exports it and adds what is natural in Python: xarray results and plain-Python overrides.

Quick start::

    import kcsim
    plan = kcsim.load_scenario("builtin:plan.toml")
    ds = kcsim.run(plan, replicates=4)            # xarray Dataset, labelled like kcsim's HDF5 files
    sim = kcsim.Simulation(plan, seed=1)
    sim.run_until("2022-06-30")
    sim.set_pilot("kaizhou", "municipal")          # a lever pulled mid-run
    sim.run()
    kcsim.plots.fan_chart(ds, "tech_firms")       # matplotlib; see docs/python.md
    kcsim.report(ds, out="plan.html")             # one self-contained HTML page; docs/report.md
"""

from __future__ import annotations

from ._core import (
    ScenarioError,
    Scenario,
    Simulation,
    State,
    __version__,
    builtin_scenarios,
    git_commit,
    ledger_items,
    team_report_items,
    load_scenario,
    load_scenario_text,
    metric_names,
    schema_version,
)
from . import plots  # matplotlib is imported inside its functions, not here
from .results import compare, derive, open_results, run, select, simulation_metrics, sweep
from .reporting import report  # kcsim report: one HTML page for a results file (docs/report.md)


def program_path() -> str:
    """The ``kcsim`` program to run from Python: ``$KCSIM_BIN`` if set, else the ``bin/kcsim`` of
    the build this package belongs to (``build/python/kcsim`` lies beside ``build/bin``), else
    ``kcsim`` on the ``PATH``. Raises ``FileNotFoundError`` when there is none."""
    import os
    import shutil
    from pathlib import Path

    env = os.environ.get("KCSIM_BIN")
    if env:
        return env
    own = Path(__file__).resolve().parents[2] / "bin" / "kcsim"
    if own.is_file() and os.access(own, os.X_OK):
        return str(own)
    found = shutil.which("kcsim")
    if found:
        return found
    raise FileNotFoundError(f"no kcsim program: not at {own} (make build) nor on the PATH; set KCSIM_BIN")


def add_team(self, sector: str, districts, experts: int) -> None:
    """A lever: a new expert team of ``experts`` in ``sector``, serving ``districts`` (a list of
    district ids), from the next step."""
    import numbers

    if not isinstance(sector, str):
        raise TypeError(f"add_team: sector={sector!r}: expected a sector id (str), e.g. 'manufacturing'")
    ids = None
    if not isinstance(districts, (str, bytes)):
        try:
            ids = list(districts)
        except TypeError:
            pass
    if ids is None or not all(isinstance(d, str) for d in ids):
        raise TypeError(f"add_team: districts={districts!r}: expected a list of district ids, "
                        "e.g. ['kaizhou', 'yunyang']")
    if isinstance(experts, bool) or not isinstance(experts, numbers.Integral):
        raise TypeError(f"add_team: experts={experts!r}: expected a whole number of experts, e.g. 15")
    _core_add_team(self, sector, ids, int(experts))


# Readable argument errors ("Simulation.add_team() missing 1 required positional argument:
# 'experts'") instead of pybind11's "incompatible function arguments" and its overload list.
_core_add_team = Simulation.add_team
add_team.__qualname__ = "Simulation.add_team"
Simulation.add_team = add_team
del add_team

__all__ = [
    "Scenario",
    "ScenarioError",
    "Simulation",
    "State",
    "__version__",
    "builtin_scenarios",
    "compare",
    "derive",
    "git_commit",
    "ledger_items",
    "team_report_items",
    "load_scenario",
    "load_scenario_text",
    "metric_names",
    "open_results",
    "plots",
    "program_path",
    "report",
    "run",
    "select",
    "schema_version",
    "simulation_metrics",
    "sweep",
]
