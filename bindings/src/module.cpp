// kcsim._core: conversion only. Each area of the C++ core has a bind_<area>() in its own file,
// called here in order; no model logic lives in the bindings.
#include <pybind11/pybind11.h>

#include "bind.hpp"
#include "core/version.hpp"
#include "engine/model_spec.hpp"
#include "model/spec.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
    m.doc() = "kcsim compiled core (use the kcsim package, not this module)";
    kcsim::engine::register_model(kcsim::model::spec());  // the model every simulation runs
    m.attr("__version__") = std::string(kcsim::version());
    m.attr("git_commit") = std::string(kcsim::git_commit());
    m.attr("schema_version") = kcsim::schema_version;
    kcsim::py_bind::bind_errors(m);
    kcsim::py_bind::bind_scenario(m);
    kcsim::py_bind::bind_simulation(m);
    kcsim::py_bind::bind_run(m);
    kcsim::py_bind::bind_compare(m);
    kcsim::py_bind::bind_select(m);
    kcsim::py_bind::bind_files(m);
}
