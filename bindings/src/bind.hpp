#pragma once
#include <atomic>
#include <cstdint>
#include <functional>

#include <pybind11/pybind11.h>

namespace kcsim::py_bind {
void bind_errors(pybind11::module_& m);
void bind_scenario(pybind11::module_& m);
void bind_simulation(pybind11::module_& m);
void bind_run(pybind11::module_& m);
void bind_compare(pybind11::module_& m);
void bind_select(pybind11::module_& m);
void bind_files(pybind11::module_& m);
// Runs `job` on its own thread with the GIL released; checks Ctrl-C every 50 ms (setting the
// cancel flag and raising KeyboardInterrupt) and reports progress(done, total) when given.
void run_cancellable(const std::function<void(const std::atomic<bool>*, std::atomic<std::uint64_t>&)>& job,
                     std::uint64_t total, const pybind11::object& progress);
// The bound on threads=, the same as the CLI's --threads (sim/cli/run.cpp, compare.cpp, sweep.cpp
// parse it with p.integer("--threads", 0, 1024); that lives in sim/cli, so only the constant is
// repeated here). Beyond it TBB can fail; refused with the CLI's wording.
inline constexpr int max_threads = 1024;
// Returns `threads` or throws input_error (ValueError): "<who>: threads = 100000: expected a whole
// number from 0 to 1024".
int checked_threads(int threads, const char* who);
// Between steps of a long call: take the GIL briefly and raise KeyboardInterrupt on Ctrl-C.
void check_signals();
}  // namespace kcsim::py_bind
