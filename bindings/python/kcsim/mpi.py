"""Driving kcsim from mpi4py: the replicates of a run spread over MPI ranks, gathered on rank 0
as the same Dataset ``kcsim.run`` returns, bit for bit (each replicate is a pure function of
scenario, seed and replicate number, whichever rank runs it).

Run it under mpirun::

    mpirun -n 4 --bind-to none .venv/bin/python -c "
    import kcsim.mpi
    ds = kcsim.mpi.run('builtin:plan.toml', replicates=40)
    if ds is not None: ds.to_netcdf('plan.nc', engine='h5netcdf')"

For comparisons and sweeps, run the command under mpirun instead: ``mpirun -n 4 kcsim compare
...`` (docs/batch.md); it resumes after a crash and writes the same HDF5 file.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from . import _core
from .results import _coords


def run(scenario, replicates: Optional[int] = None, seed: Optional[int] = None, threads: int = 1, comm=None):
    """Replicates handed out dynamically over the ranks of ``comm`` (mpi4py's MPICommExecutor);
    returns the Dataset on rank 0 and None on the other ranks."""
    import xarray as xr
    from mpi4py import MPI
    from mpi4py.futures import MPICommExecutor

    comm = comm or MPI.COMM_WORLD
    if isinstance(scenario, str):
        scenario = _core.load_scenario(scenario)
    reps = int(replicates if replicates is not None else scenario.params["run.replicates"])
    s = int(seed if seed is not None else scenario.params["run.seed"])
    toml = scenario.resolved_toml

    with MPICommExecutor(comm, root=0) as pool:
        if pool is None:  # a worker rank: it served the pool and is done
            return None
        results = list(pool.map(_one, [(toml, s, r, threads) for r in range(reps)]))

    metrics = np.stack([m for m, _ in results])
    ok = np.array([flag for _, flag in results], dtype=np.int8)
    return xr.Dataset(
        {"metrics": (("replicate", "time", "district", "metric"), metrics), "replicate_ok": (("replicate",), ok)},
        coords={**_coords(scenario), "replicate": np.arange(reps, dtype=np.uint64)},
        attrs={"scenario_name": scenario.name, "scenario_sha256": scenario.sha256, "seed": s, "ranks": comm.Get_size()},
    )


def _one(job):
    toml, seed, replicate, threads = job
    sc = _core.load_scenario_text(toml, "<mpi job>")
    sim = _core.Simulation(sc, seed=seed, replicate=replicate, threads=threads)
    try:
        sim.run()
        ok = 1
    except RuntimeError:
        ok = 0
    return np.array(sim.metrics_view, copy=True), ok
