"""Dependencies point down: a folder of sim/ (and bindings/) includes only its own headers and
those of folders below it, as docs/architecture.md's table of rooms says. Reads the #include lines
of the sources as text; needs no build.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# The rank of each folder: a folder may include its own headers and those of a folder of lower
# rank, never one of the same or a higher rank. The same table is in docs/architecture.md.
RANKS = {
    "core": 0,      # errors, dates, text, SHA-256, version
    "rng": 1,       # counter-based random streams
    "scenario": 2,  # the validated, immutable input
    "state": 3,     # the world of one replicate
    "engine": 4,    # execution, schedule, simulation, ensemble, estimate; runs a registered model_spec
    "model": 5,     # the programme model: phases, metrics, initial world; fills model::spec()
    "analysis": 6,  # statistics over results: comparisons, targets, sweeps, sensitivity
    "io": 7,        # HDF5 run store, state files, journal of work units
    "dist": 7,      # MPI distribution of work units
    "cli": 8,       # the kcsim program
    "bindings": 8,  # the Python module
}

# Third-party headers each belong to one folder (or a few); nobody else includes them.
LIBRARIES = {
    "hdf5": ("io",),
    "H5": ("io",),
    "mpi.h": ("dist",),
    "toml++": ("scenario",),
    "oneapi/tbb": ("engine",),
    "tbb/": ("engine",),
    "pybind11": ("bindings",),
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.MULTILINE)


def sources():
    for root, room_of in ((REPO_ROOT / "sim", None), (REPO_ROOT / "bindings" / "src", "bindings")):
        for path in sorted(root.rglob("*")):
            if path.suffix in (".hpp", ".cpp", ".h", ".cc") and path.is_file():
                room = room_of or path.relative_to(root).parts[0]
                yield path, room


def includes(path):
    return INCLUDE.findall(path.read_text(encoding="utf-8"))


def test_every_folder_has_a_rank():
    folders = {p.name for p in (REPO_ROOT / "sim").iterdir() if p.is_dir()}
    missing = sorted(folders - RANKS.keys())
    assert not missing, f"give sim/{missing[0]} a rank in RANKS here and in docs/architecture.md"


def test_includes_point_down():
    wrong = []
    for path, room in sources():
        for kind, target in includes(path):
            if kind != '"' or "/" not in target:
                continue  # a system header, or one next to the file
            other = target.split("/", 1)[0]
            if other == room:
                continue
            if other not in RANKS:
                wrong.append(f"{path.relative_to(REPO_ROOT)}: #include \"{target}\": {other}/ has no rank")
            elif RANKS[other] >= RANKS[room]:
                wrong.append(
                    f"{path.relative_to(REPO_ROOT)}: #include \"{target}\": {room} (rank {RANKS[room]}) "
                    f"may not include {other} (rank {RANKS[other]})"
                )
    assert not wrong, "dependencies must point down:\n" + "\n".join(wrong)


def test_engine_includes_nothing_of_the_model():
    # Said on its own because it is the rule most easily broken: the model hands the engine what
    # it needs through engine::model_spec (sim/engine/model_spec.hpp).
    for path in sorted((REPO_ROOT / "sim" / "engine").glob("*")):
        for _, target in includes(path):
            assert not target.startswith("model/"), f"{path.relative_to(REPO_ROOT)} includes {target}"


def test_libraries_stay_in_their_folder():
    wrong = []
    for path, room in sources():
        for kind, target in includes(path):
            if kind != "<":
                continue
            for prefix, rooms in LIBRARIES.items():
                if target.startswith(prefix) and room not in rooms:
                    wrong.append(f"{path.relative_to(REPO_ROOT)}: #include <{target}> belongs in {', '.join(rooms)}")
    assert not wrong, "\n".join(wrong)


def test_the_table_in_architecture_md_matches():
    text = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    documented = {}
    for rank, cell in re.findall(r"^\|\s*(\d+)\s*\|([^|]*)\|", text, re.MULTILINE):
        for folder in re.findall(r"`([a-z]+)/?`", cell):
            documented[folder] = int(rank)
    if not documented:
        pytest.fail("docs/architecture.md has no table of ranks (| rank | `folder` | ...): keep one")
    assert documented == RANKS, "docs/architecture.md's table of ranks differs from RANKS in this test"
