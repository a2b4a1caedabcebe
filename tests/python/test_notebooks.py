"""The notebooks in notebooks/ run top to bottom, and they are committed clean (no outputs, no
execution counts).

Each notebook runs in a fresh kernel of this interpreter (the venv, which imports the kcsim
just built): Debian's python3 kernel spec points at /usr/bin/python3, so the test writes its
own spec into a temporary folder first on JUPYTER_PATH. Plots use the Agg backend.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 600  # seconds per cell
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # IPython colours its tracebacks


def test_the_notebooks_are_there():
    names = [p.name for p in NOTEBOOKS]
    for expected in (
        "01-quickstart.ipynb", "02-next-pilots.ipynb", "03-sensitivity.ipynb", "04-intervention.ipynb",
        "05-calibration.ipynb", "06-next-pilots.ipynb",
    ):
        assert expected in names, f"notebooks/{expected} is missing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_without_outputs(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", f"{path.name}: kernel should be python3"
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.get("outputs") == [], f"{path.name}: cell {index} has outputs; clear them before committing"
        assert cell.get("execution_count") is None, f"{path.name}: cell {index} has an execution count; clear it"


@pytest.fixture(scope="session")
def kernel_home(tmp_path_factory) -> Path:
    """A folder with a 'python3' kernel spec that runs this interpreter."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable]
    if sys.version_info >= (3, 11):
        argv.append("-Xfrozen_modules=off")  # quiets the debugger's warning about frozen modules
    argv += ["-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "Python 3 (kcsim test)", "language": "python"}), encoding="utf-8")
    return root


@pytest.fixture
def kernel_env(kernel_home: Path, monkeypatch):
    """The environment the kernel inherits: our spec first, Agg, kcsim importable, and no files
    written into the home folder or the source tree."""
    import kcsim

    package_root = str(Path(kcsim.__file__).resolve().parents[1])
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_home))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    monkeypatch.setenv("IPYTHONDIR", str(kernel_home / "ipython"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(kernel_home / "runtime"))
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[0] == sys.executable, f"the python3 kernel would run {spec.argv[0]}, not {sys.executable}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, kernel_env):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    start = time.perf_counter()
    failure = None
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
                failure = (index, cell, err)
                break
    if failure is not None:
        index, cell, err = failure
        source = "\n".join("    " + line for line in cell.source.splitlines()[:15])
        what = f"{err.ename}: {err.evalue}" if isinstance(err, CellExecutionError) else f"{type(err).__name__}: {err}"
        detail = ANSI.sub("", getattr(err, "traceback", "") or str(err))
        pytest.fail(f"notebooks/{path.name}: cell {index} (counting from 0, markdown cells included) failed: {what}\n{source}\n\n{detail}", pytrace=False)
    elapsed = time.perf_counter() - start
    print(f"notebooks/{path.name}: {elapsed:.1f} s")
    # The notebooks are meant to be quick (few replicates); a notebook that takes minutes has
    # grown beyond its purpose.
    assert elapsed < CELL_TIMEOUT, f"notebooks/{path.name} took {elapsed:.0f} s"
