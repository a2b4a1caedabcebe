# kcsim: the two commands a newcomer needs are `make demo` and `make test`; both install the
# missing Debian packages first (scripts/install-deps.sh), so each is the whole set-up.
# `make` alone builds; `make bench` runs the benchmarks. Details: docs/building.md.

BUILD   := build
VENV    := .venv
PYTHON  := $(VENV)/bin/python
KCSIM   := $(BUILD)/bin/kcsim
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS      ?= 60
FUZZ_TEST_SECONDS ?= 20

.PHONY: all build deps venv configure demo posterior bench-calibrate bench-select test sanitize tsan fuzz bench notebook format format-check clean distclean help

all: build

help:
	@echo "make          build everything (build/bin/kcsim, the Python module, tests)"
	@echo "make demo     install what is missing, build, compare no-programme, plan-low, plan, plan-high; report to outputs/demo.html"
	@echo "make bench-calibrate  a calibration of 10,080 runs, timed (issue 17's benchmark)"
	@echo "make bench-select     kcsim select: 4 of the 27 non-pilots + 4 teams, timed (issue 18's benchmark)"
	@echo "make posterior regenerate scenarios/posterior/plan.h5 with kcsim calibrate (after a model change)"
	@echo "make test     install what is missing, build, run every test (ASan+UBSan, TSan, fuzz, then ctest: Catch2, pytest, notebooks, MPI)"
	@echo "make tsan     the [tsan] C++ tests under ThreadSanitizer (part of make test)"
	@echo "make fuzz     replay the fuzz corpora, then fuzz each loader FUZZ_SECONDS (default $(FUZZ_SECONDS)) s"
	@echo "make bench    build and run the benchmarks"
	@echo "make notebook build, then open Jupyter on notebooks/ with kcsim importable (needs jupyter-notebook)"
	@echo "make format   clang-format the C++ sources"

deps:
	@bash scripts/install-deps.sh

# The venv sees Debian's numpy/h5py/xarray (--system-site-packages) and the freshly built
# package through a .pth file; pyenv's python3 on PATH has no numpy, so it is never used.
$(VENV)/.kcsim-ready:
	/usr/bin/python3 -m venv --system-site-packages $(VENV)
	echo "$(abspath $(BUILD))/python" > $$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/kcsim-build.pth
	touch $@

venv: $(VENV)/.kcsim-ready

$(BUILD)/build.ninja: | venv
	cmake --preset release

configure: $(BUILD)/build.ninja

build: venv configure
	cmake --build $(BUILD) -j $(JOBS)

# The demo compares the counterfactual with the plan at its low, middle and high end on the same
# seeds, over the shipped posterior (replicate r uses posterior draw r: docs/calibration.md);
# outputs/demo.h5 (+ demo.summary.csv/.md, and the page demo.html, docs/report.md) is the demo's
# own file, replaced each time.
demo: deps
	@$(MAKE) --no-print-directory build
	$(KCSIM) compare scenarios/no-programme.toml scenarios/plan-low.toml scenarios/plan.toml \
		scenarios/plan-high.toml --parameters scenarios/posterior/plan.h5 --replicates 40 \
		--out outputs/demo.h5 --force
	$(KCSIM) report outputs/demo.h5 --out outputs/demo.html --force > /dev/null
	@echo "demo report: $(abspath outputs/demo.html)"

# The shipped posterior, made again by kcsim calibrate (the command is in the file): one command
# after a model change, a few minutes on 2 cores.
posterior: build
	KCSIM=$(KCSIM) sh scripts/calibrate-posterior.sh

# The calibration benchmark of issue 17: the shipped targets and prior at 10,080 runs (3 waves +
# the null x 60 points x 2 replicates, 9,600 ABC draws); it prints runs per second at the end.
bench-calibrate: build
	$(KCSIM) calibrate scenarios/targets/chongqing-2021-2022.toml --parameters scenarios/targets/plan-prior.toml \
		--waves 3 --abc-runs 9600 --out outputs/bench-calibrate.h5 --force

# The selection benchmark of issue 18: the best 4 of the 27 non-pilot districts (17,550 sets) plus
# 4 teams by demand, over the posterior, 40 replicates per finalist; prints the runs it spent
# against exhaustive enumeration's, and the time.
bench-select: build
	@start=$$(date +%s); $(KCSIM) select scenarios/decisions/next-pilots.toml --out outputs/bench-select.h5 --force \
		&& echo "bench-select: $$(( $$(date +%s) - start )) s wall on $$(nproc) cores"

test: deps
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory sanitize
	@$(MAKE) --no-print-directory tsan
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_TEST_SECONDS)
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The C++ tests again under AddressSanitizer + UndefinedBehaviorSanitizer (all but the slow
# [behaviour] ones); any report fails the run.
sanitize: venv
	cmake --preset asan > /dev/null
	cmake --build build-asan -j $(JOBS) --target kcsim_tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		build-asan/bin/kcsim_tests "~[behaviour]" --reporter compact

# The [tsan] Catch2 cases (parallel loops, 1 vs 2 threads, an ensemble, sweep units) under
# ThreadSanitizer, linked against oneTBB rebuilt with TSan (scripts/build-tsan-tbb.sh, once), so
# that TBB's own synchronisation is seen; tests/tsan.supp suppresses nothing. Any report fails.
tsan: venv
	@bash scripts/build-tsan-tbb.sh build-tsan/onetbb
	cmake --preset tsan > /dev/null
	cmake --build build-tsan -j $(JOBS) --target kcsim_thread_tests
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(abspath tests/tsan.supp) \
		build-tsan/bin/kcsim_thread_tests "[tsan]" --reporter compact

# libFuzzer (clang, ASan + UBSan) on the scenario loader, the sweep loader and the HDF5 readers:
# replays tests/fuzz/corpus and tests/fuzz/regressions, then fuzzes each FUZZ_SECONDS seconds
# (make test: FUZZ_TEST_SECONDS). Any crash, report, leak or hang fails. See scripts/fuzz.sh.
fuzz: venv
	cmake --preset fuzz > /dev/null
	cmake --build build-fuzz -j $(JOBS) --target fuzz_scenario fuzz_sweep fuzz_decision fuzz_h5
	bash scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

bench: build
	bash scripts/bench.sh $(BUILD)

# Jupyter on notebooks/, its kernel the venv (which imports the build): Debian's python3 kernel
# spec runs /usr/bin/python3, so the build writes a spec for the venv to build/jupyter
# (bindings/CMakeLists.txt), put first on JUPYTER_PATH here.
# Jupyter itself is not installed by `make deps`; the notebooks also run in `make test`.
notebook: build
	@bash scripts/install-deps.sh jupyter-notebook
	@if command -v jupyter-notebook >/dev/null; then \
		JUPYTER_PATH=$(abspath $(BUILD))/jupyter/share/jupyter $(PYTHON) -m jupyter notebook --notebook-dir=notebooks; \
	else \
		JUPYTER_PATH=$(abspath $(BUILD))/jupyter/share/jupyter $(PYTHON) -m notebook --notebook-dir=notebooks; \
	fi

format:
	git ls-files '*.cpp' '*.hpp' '*.inc' | xargs clang-format -i

format-check:
	git ls-files '*.cpp' '*.hpp' '*.inc' | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(VENV) build-debug build-asan build-tsan build-fuzz
