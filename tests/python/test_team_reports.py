"""The expert teams' weekly reports (issue 16): written by `kcsim run` as the dataset
`team_reports`, the same values `kcsim.run()` returns, and consistent with the metrics."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

import kcsim

SCENARIO = """name = "teams-small"
extends = "builtin:base/programme-2021.toml"
[calendar]
end = 2021-06-30
[population]
tech_firms = 6000
other_firms = 3000

[[events]]
date = 2021-03-01
type = "team"
experts = 16
note = "formed where local demand is"
"""


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("teams") / "teams-small.toml"
    path.write_text(SCENARIO)
    return path


@pytest.fixture(scope="module")
def cli_file(run_kcsim, scenario_file):
    out = scenario_file.parent / "teams-small.h5"
    proc = run_kcsim("run", scenario_file, "--replicates", 2, "--threads", 1, "--seed", 5, "--out", out, "--quiet")
    assert proc.returncode == 0, proc.stderr
    return out


def test_the_file_holds_the_weekly_reports_by_team_and_week(cli_file):
    with h5py.File(cli_file, "r") as f:
        g = f["scenarios/teams-small"]
        tr = g["team_reports"][...]
        assert tr.shape == (2, g["time"].shape[0], 14, 2)  # 13 teams of the base and the new one
        assert [s.decode() for s in g["team_report_item"][...]] == ["services", "needs_solved"]
        assert list(g["team"][...]) == list(range(14))
        formed = list(g["date"].asstr()[...]).index("2021-03-07")  # the week of 2021-03-01
        # The new team reports nothing before it is formed, and serves from then on.
        assert np.isnan(tr[:, :formed, 13, :]).all()
        assert (tr[:, formed:, 13, 0] > 0).all()
        assert (tr[:, :, :13, :] >= 0).all()
        # The needs the teams solved are part of the needs solved in the step (by any route).
        metrics = list(g["metric"].asstr()[...])
        solved = g["metrics"][:, :, :, metrics.index("needs_solved")].sum(axis=2)
        assert (np.nansum(tr[:, :, :, 1], axis=2) <= solved * (1 + 1e-9) + 1e-9).all()
        assert np.nansum(tr[:, :, :, 1]) > 0


def test_python_run_returns_the_same_reports_as_the_file(cli_file, scenario_file):
    ds = kcsim.run(str(scenario_file), replicates=2, seed=5, threads=1)
    assert ds.team_reports.dims == ("replicate", "time", "team", "team_report_item")
    assert list(ds.team_report_item.values) == ["services", "needs_solved"]
    opened = kcsim.open_results(cli_file)
    np.testing.assert_array_equal(ds.team_reports.values, opened.team_reports.values)
    solved = ds.team_reports.sel(team_report_item="needs_solved").sum("time")
    assert float(solved.sel(team=13).min()) > 0
