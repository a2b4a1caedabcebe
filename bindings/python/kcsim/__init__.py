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
    load_scenario,
    load_scenario_text,
    metric_names,
    schema_version,
)
from . import plots  # matplotlib is imported inside its functions, not here
from .results import compare, derive, open_results, run, simulation_metrics, sweep

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
    "load_scenario",
    "load_scenario_text",
    "metric_names",
    "open_results",
    "plots",
    "run",
    "schema_version",
    "simulation_metrics",
    "sweep",
]
