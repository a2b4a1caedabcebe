#pragma once
// What the engine needs of a model, in the engine's own types, so that the engine includes
// nothing of sim/model: the model describes itself in one model_spec (model::spec(),
// sim/model/spec.cpp), and the layer above (the CLI's main, the Python module, the test and bench
// mains) registers it once at start, before any simulation is made. Plain data and function
// pointers: a step still calls each phase of the schedule once and nothing more.
#include <cstddef>
#include <string_view>
#include <vector>

#include "engine/execution.hpp"
#include "engine/schedule.hpp"
#include "rng/philox.hpp"
#include "scenario/scenario.hpp"
#include "state/world.hpp"

namespace kcsim::engine {

struct model_spec {
    std::string_view name;             // for messages: "programme"
    const schedule* phases = nullptr;  // one step, in order (the default of a simulation)
    std::size_t metrics = 0;           // metrics per district and step: a metrics row is [district][metric]
    // The world at the scenario start for one replicate; its firms are drawn in parallel in `ctx`
    // if given (the same bits either way).
    state::world (*initial_world)(const scenario::scenario& sc, rng::key key, execution_context* ctx) = nullptr;
    // One scenario event applied now, at step `step` (simulation::apply).
    void (*apply_event)(const scenario::scenario& sc, state::world& w, const scenario::event& e, int step) = nullptr;
    // A replicate's ledger as a table [year][item] (replicate_result::ledger).
    std::vector<double> (*ledger)(const state::world& w, const scenario::calendar& cal) = nullptr;
    // A replicate's team weekly reports as a table [step][team][item] (replicate_result::team_reports).
    std::vector<double> (*team_reports)(const state::world& w, const scenario::scenario& sc) = nullptr;
    // Single-core seconds per firm-step: the planning figure of estimate_run.
    double (*seconds_per_firm_step)() = nullptr;
};

// Makes `m` the model of every simulation, ensemble and estimate made from now on; `m` must
// outlive them (model::spec() is a static). Throws internal_error if a field is missing.
void register_model(const model_spec& m);
// The registered model; throws internal_error if none was registered.
const model_spec& registered_model();

}  // namespace kcsim::engine
