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
// Runs `job` on its own thread with the GIL released; checks Ctrl-C every 50 ms (setting the
// cancel flag and raising KeyboardInterrupt) and reports progress(done, total) when given.
void run_cancellable(const std::function<void(const std::atomic<bool>*, std::atomic<std::uint64_t>&)>& job,
                     std::uint64_t total, const pybind11::object& progress);
// Between steps of a long call: take the GIL briefly and raise KeyboardInterrupt on Ctrl-C.
void check_signals();
}  // namespace kcsim::py_bind
