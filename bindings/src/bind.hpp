#pragma once
#include <pybind11/pybind11.h>

namespace kcsim::py_bind {
void bind_errors(pybind11::module_& m);
void bind_scenario(pybind11::module_& m);
void bind_simulation(pybind11::module_& m);
void bind_run(pybind11::module_& m);
void bind_compare(pybind11::module_& m);
// Between steps of a long call: take the GIL briefly and raise KeyboardInterrupt on Ctrl-C.
void check_signals();
}  // namespace kcsim::py_bind
