"""Type stubs for kcsim._core, the compiled core (bindings/src/bind_*.cpp). Names with a leading
underscore exist only here, for type checkers.

Use the kcsim package rather than this module: it re-exports the classes and wraps the array
functions (run_ensemble, compare_scenarios, run_sweep) into labelled xarray Datasets.
"""

from typing import Any, Callable, Literal, Optional, Sequence, TypedDict, Union

import numpy as np
import numpy.typing as npt

__version__: str
"""kcsim version, e.g. '0.1.0'."""
git_commit: str
"""The commit kcsim was built from ('-dirty' with uncommitted changes, 'unknown' without git)."""
schema_version: int
"""The HDF5 layout version kcsim writes (docs/output-format.md)."""

_ProgressCallback = Callable[[int, int], object]
"""progress(done, total), called from the calling thread (with the GIL) as work completes."""

_ParamValue = Union[bool, int, float, str]

class ScenarioError(ValueError):
    """A bad scenario or sweep file or override; str(err) is 'file:line:column: message'."""

    file: str
    line: int
    column: int
    key: str
    message: str

class Scenario:
    """An immutable, validated scenario."""

    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def source(self) -> str:
        """The file it was loaded from, e.g. 'builtin:plan.toml'."""
    @property
    def resolved_toml(self) -> str:
        """The complete scenario as TOML (extends merged, defaults filled in)."""
    @property
    def sha256(self) -> str:
        """SHA-256 (hex) of resolved_toml."""
    @property
    def steps(self) -> int:
        """Number of steps of the calendar (156 weekly steps for 2021-2023)."""
    @property
    def step_days(self) -> int: ...
    @property
    def dates(self) -> list[str]:
        """Last day of each step, ISO text."""
    @property
    def districts(self) -> list[str]:
        """District ids in scenario order."""
    @property
    def district_table(self) -> list[dict[str, Any]]:
        """One dict per district, in order: id, name, name_zh, kind, subregion, parent, pilot,
        pilot_since, tech_firms_2020, gdp_2020, high_tech_share."""
    @property
    def params(self) -> dict[str, _ParamValue]:
        """Every parameter by its dotted key ('enterprise.need_rate'); dates as ISO text."""
    def derive(self, overrides: str, name: str = "") -> "Scenario":
        """A validated variant: TOML overrides on the resolved scenario."""
    def __repr__(self) -> str: ...

def load_scenario(path: str) -> Scenario:
    """Load and validate a scenario file (or 'builtin:plan.toml')."""

def load_scenario_text(text: str, origin: str = "<text>", base_dir: str = ".") -> Scenario:
    """Load and validate a scenario from TOML text; `origin` names it in errors, relative
    `extends` paths start at `base_dir`."""

def builtin_scenarios() -> list[str]:
    """The scenario and sweep files compiled into the program ('plan.toml', 'sweeps/...')."""

class State:
    """A saved simulation state (opaque); restore it with Simulation.restore."""

    @property
    def step(self) -> int:
        """Steps completed when the state was saved."""

class Simulation:
    """One replicate of a scenario, stepped from Python. Long calls release the GIL and stop
    with KeyboardInterrupt on Ctrl-C between steps."""

    def __init__(self, scenario: Scenario, seed: Optional[int] = None, replicate: int = 0, threads: int = 0) -> None:
        """seed: default run.seed of the scenario; threads: 0 means one per core."""
    def step(self, n: int = 1) -> None:
        """Advance n steps (fewer at the end of the period)."""
    def run(self) -> None:
        """Run to the end of the period."""
    def run_until(self, date: str) -> None:
        """Run through the step that contains `date` (ISO text, e.g. '2022-06-30')."""
    @property
    def steps_done(self) -> int: ...
    @property
    def steps_total(self) -> int: ...
    @property
    def done(self) -> bool: ...
    @property
    def scenario(self) -> Scenario: ...
    @property
    def metrics_view(self) -> npt.NDArray[np.float64]:
        """(step, district, metric), read-only and shared with C++ (no copy): steps not yet run
        are NaN, and the array fills in as the simulation steps. It keeps the simulation alive."""
    def firm_view(self, name: str) -> npt.NDArray[Any]:
        """A read-only view of a firm column, sharing memory with C++. While any such view is
        alive, step/run/run_until raise ValueError (a step can add firms and move the column)."""
        ...
    @property
    def firm_views_alive(self) -> int: ...
    def firm_column(self, name: str) -> npt.NDArray[Any]:
        """A copy of one firm column ('awareness', 'district', 'output', ...)."""
    def set_pilot(self, district: str, level: Literal["none", "municipal", "national"]) -> None:
        """A mid-run lever: the district's pilot status from the next step."""
    def add_team(self, sector: str, districts: Sequence[str], experts: int) -> None:
        """A mid-run lever: a new expert team of `experts` in `sector` serving `districts`."""
    def snapshot(self) -> State:
        """The state now, bit-exact."""
    def restore(self, state: State) -> None:
        """Continue from a saved state (of the same scenario and seed)."""
    @property
    def phase_seconds(self) -> dict[str, float]:
        """Wall time spent so far in each phase of the step."""

def run_ensemble(
    scenario: Scenario,
    replicates: int,
    seed: Optional[int] = None,
    threads: int = 0,
    progress: Optional[_ProgressCallback] = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.int8], list[str],
           npt.NDArray[np.float64]]:
    """Run replicates in parallel; returns (metrics[R,T,D,M], ledger[R,Y,L], ok[R], messages,
    team_reports[R,T,K,I]). Use kcsim.run()."""

def metric_names() -> list[str]:
    """The metric names, in the order of the metric axis."""
def metric_units() -> list[str]:
    """The unit of each metric, in the order of the metric axis."""
def metric_kinds() -> list[str]:
    """The kind of each metric (stock, flow, state, mean), in the order of the metric axis."""

def team_report_items() -> list[str]:
    """The items of a team's weekly report: services, needs_solved."""

def ledger_items() -> list[str]:
    """The ledger items: funds_in, cofunding, operations, rewards, unspent, unfunded, not_done_<line> per budget line."""

class _CompareResult(TypedDict):
    metrics: npt.NDArray[np.float64]  # (scenario, replicate, time, district, metric)
    ledger: npt.NDArray[np.float64]  # (scenario, replicate, year, ledger_item)
    replicate_ok: npt.NDArray[np.int8]  # (scenario, replicate)
    kept: list[int]  # replicates that completed in every scenario
    city: npt.NDArray[np.float64]  # (scenario, kept, metric)
    summary: npt.NDArray[np.float64]  # (scenario, metric, statistic)
    targets: npt.NDArray[np.float64]  # (scenario, target)
    statistics: list[str]
    target_names: list[str]
    fork_date: str

def compare_scenarios(
    scenarios: Sequence[Scenario],
    replicates: int,
    seed: int,
    threads: int = 0,
    fork_step: int = -1,
    progress: Optional[_ProgressCallback] = None,
) -> _CompareResult:
    """Scenarios on the same seeds, as `kcsim compare`; the first is the baseline. Use kcsim.compare()."""

class _SweepIndices(TypedDict):
    s1: list[float]
    s1_lo: list[float]
    s1_hi: list[float]
    st: list[float]
    st_lo: list[float]
    st_hi: list[float]
    mu: list[float]
    mu_star: list[float]
    sigma: list[float]

class _SweepResult(TypedDict):
    name: str
    design: str
    outcomes: npt.NDArray[np.float64]  # (experiment, replicate, metric)
    uncertain: list[str]
    levers: list[str]
    uncertain_values: npt.NDArray[np.float64]  # (experiment, uncertain)
    lever_values: list[str]  # [experiment * levers + lever], TOML literals
    policy: list[int]
    sample: list[int]
    outcome_names: list[str]
    indices: list[list[_SweepIndices]]  # [policy][outcome], one value per uncertain parameter

def select_decision(
    path: str,
    replicates: Optional[int] = None,
    seed: Optional[int] = None,
    threads: int = 0,
    progress: Optional[_ProgressCallback] = None,
    fork: bool = True,
) -> dict[str, Any]:
    """A decision file searched as `kcsim select` searches it. Use kcsim.select()."""

def run_sweep(
    path: str,
    replicates: Optional[int] = None,
    seed: Optional[int] = None,
    threads: int = 0,
    progress: Optional[_ProgressCallback] = None,
) -> _SweepResult:
    """A sweep file run as `kcsim sweep` runs it. Use kcsim.sweep()."""

class _CheckResult(TypedDict):
    checks: int
    schema_version: int
    content_checked: bool
    notes: list[str]

def check_results(path: str, full: bool = False) -> _CheckResult:
    """Checks a results file as `kcsim verify` does (full=True) or its structure only; raises OSError."""
