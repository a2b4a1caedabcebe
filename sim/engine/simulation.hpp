#pragma once
// One replicate of one scenario: the world, the schedule that steps it, and the metrics it
// has recorded so far. Python's Simulation wraps exactly this.
#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/execution.hpp"
#include "engine/model_spec.hpp"
#include "engine/schedule.hpp"
#include "scenario/scenario.hpp"
#include "state/world.hpp"

namespace kcsim::engine {

class simulation {
public:
    // The registered model (engine::register_model) builds the world and steps it. `phases`
    // defaults to its schedule; a caller may pass its own list, e.g. the model's phases plus an
    // observer.
    simulation(scenario::scenario_ptr sc, std::uint64_t seed, std::uint64_t replicate,
               const schedule* phases = nullptr);
    // The same world, its firms drawn in parallel in `ctx`.
    simulation(execution_context& ctx, scenario::scenario_ptr sc, std::uint64_t seed, std::uint64_t replicate,
               const schedule* phases = nullptr);

    const model_spec& model() const { return *model_; }
    const scenario::scenario& scene() const { return *sc_; }
    const scenario::scenario_ptr& scenario_ptr() const { return sc_; }
    rng::key key() const { return key_; }
    int steps_done() const { return w_.step; }
    int steps_total() const { return steps_; }
    bool done() const { return w_.step >= steps_; }

    // Advance n steps (fewer if the horizon ends first). `cancel` is polled between steps.
    void advance(execution_context& ctx, int n = 1, const std::atomic<bool>* cancel = nullptr);
    void run(execution_context& ctx, const std::atomic<bool>* cancel = nullptr);

    const state::world& world() const { return w_; }
    // [steps_total][districts][metrics]; rows not yet simulated are NaN.
    std::span<const double> metrics() const { return metrics_; }
    std::vector<double> take_metrics() { return std::move(metrics_); }

    // A fork: scenario `sc` from `trunk`'s state and recorded metrics on (same seed and
    // replicate); from here on this scenario's processes and its events dated after the current
    // step apply. The scenarios must have the same calendar, districts and sectors
    // (check_comparable). No world of its own is built first.
    simulation(const simulation& trunk, scenario::scenario_ptr sc, const schedule* phases = nullptr);

    // A policy lever pulled now, before the next step (e.g. a district becomes a pilot).
    void apply(const scenario::event& e);

    // Continues from a saved state and the metrics recorded up to it (state files).
    void resume(const state::world& w, std::span<const double> metrics_so_far);

    // Bit-exact save and restore of the state (forks share a snapshot).
    state::world snapshot() const { return w_; }
    void restore(const state::world& w);

    // Wall time spent in each phase so far, seconds, in schedule order.
    std::span<const double> phase_seconds() const { return phase_seconds_; }
    const schedule& phases() const { return *schedule_; }

private:
    simulation(scenario::scenario_ptr sc, std::uint64_t seed, std::uint64_t replicate, const schedule* phases,
               execution_context* ctx);

    const model_spec* model_;
    scenario::scenario_ptr sc_;
    rng::key key_;
    int steps_;
    const schedule* schedule_;
    state::world w_;
    std::vector<double> metrics_;
    std::vector<double> phase_seconds_;
};

}  // namespace kcsim::engine
