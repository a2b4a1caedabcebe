"""Results as xarray, labelled exactly like the HDF5 files kcsim writes (docs/output-format.md)."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Union

import numpy as np

from . import _core


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        text = repr(float(value))
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(f"cannot write {value!r} ({type(value).__name__}) as a scenario value")


def derive(scenario: _core.Scenario, overrides: Union[str, Mapping[str, Any]], name: str = "") -> _core.Scenario:
    """A validated variant of ``scenario``.

    ``overrides`` is TOML text or a mapping of dotted keys to values, e.g.
    ``{"enterprise.need_rate": 1.5, "rewards.rule": "tournament"}``. Errors are ScenarioError.
    """
    if not isinstance(overrides, str):
        sections: dict[str, list[str]] = {}
        for key, value in overrides.items():
            section, _, name_ = key.partition(".")
            if not name_:
                raise ValueError(f"override key {key!r}: expected 'section.name', e.g. 'enterprise.need_rate'")
            sections.setdefault(section, []).append(f"{name_} = {_toml_value(value)}")
        overrides = "".join(f"[{s}]\n" + "\n".join(lines) + "\n" for s, lines in sections.items())
    return scenario.derive(overrides, name)


def _coords(scenario: _core.Scenario):
    import pandas as pd

    return {
        "time": pd.to_datetime(scenario.dates),
        "district": scenario.districts,
        "metric": _core.metric_names(),
    }


def run(
    scenario: Union[_core.Scenario, str],
    replicates: Optional[int] = None,
    seed: Optional[int] = None,
    threads: int = 0,
    progress: Optional[Callable[[int, int], None]] = None,
):
    """Run replicates of a scenario in parallel (GIL released; Ctrl-C stops it cleanly).

    Returns an xarray Dataset with ``metrics(replicate, time, district, metric)``,
    ``ledger(replicate, year, ledger_item)`` and ``replicate_ok(replicate)``, the same labels as
    ``kcsim run`` writes. ``scenario`` may be a Scenario or a path (``builtin:plan.toml``).
    """
    import xarray as xr

    if isinstance(scenario, str):
        scenario = _core.load_scenario(scenario)
    reps = int(replicates if replicates is not None else scenario.params["run.replicates"])
    metrics, ledger, ok, messages = _core.run_ensemble(scenario, reps, seed, threads, progress)
    years = sorted({int(d[:4]) for d in scenario.dates})
    ds = xr.Dataset(
        {
            "metrics": (("replicate", "time", "district", "metric"), metrics),
            "ledger": (("replicate", "year", "ledger_item"), ledger),
            "replicate_ok": (("replicate",), ok),
            "replicate_message": (("replicate",), np.array(messages, dtype=object)),
        },
        coords={**_coords(scenario), "replicate": np.arange(reps, dtype=np.uint64), "year": years,
                "ledger_item": _core.ledger_items()},
        attrs={
            "scenario_name": scenario.name,
            "scenario_toml": scenario.resolved_toml,
            "scenario_sha256": scenario.sha256,
            "seed": int(seed if seed is not None else scenario.params["run.seed"]),
            "kcsim_version": _core.__version__,
            "git_commit": _core.git_commit,
        },
    )
    return ds


def simulation_metrics(sim: _core.Simulation):
    """The simulation's metrics so far as a labelled DataArray (time, district, metric).

    It wraps ``sim.metrics_view`` without copying: the numbers change as the simulation steps.
    """
    import xarray as xr

    return xr.DataArray(sim.metrics_view, dims=("time", "district", "metric"), coords=_coords(sim.scenario))


def open_results(path: str, group: Optional[str] = None):
    """Open a kcsim HDF5 file as xarray.

    Without ``group``: the only scenario of a ``kcsim run`` file, else the ``comparison`` or
    ``sweep`` group; name it to choose (``scenarios/plan``, ``comparison``, ``sweep``).
    """
    import h5py
    import xarray as xr

    if group is None:
        with h5py.File(path, "r") as f:
            names = list(f["scenarios"]) if "scenarios" in f else []
            if "comparison" in f:
                group = "comparison"
            elif "sweep" in f:
                group = "sweep"
            elif len(names) == 1:
                group = "scenarios/" + names[0]
            else:
                raise ValueError(f"{path}: choose a group: " + ", ".join("scenarios/" + n for n in names))
    return xr.open_dataset(path, group=group, engine="h5netcdf")
