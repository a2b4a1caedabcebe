#pragma once
// Many replicates of one scenario, in parallel on the execution context, handed to a sink in
// replicate order as they finish; at most a few are in memory at once, whatever their number.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/execution.hpp"
#include "engine/schedule.hpp"
#include "scenario/scenario.hpp"
#include "state/world.hpp"

namespace kcsim::engine {

// A replicate's state at the start of a step, with the metrics recorded before it.
struct snapshot {
    state::world world;
    std::vector<double> metrics;
};
using resume_source = std::function<snapshot(std::uint64_t replicate)>;

struct replicate_result {
    std::uint64_t replicate = 0;
    bool ok = true;
    std::string message;               // why it failed, if it did
    std::vector<double> metrics;       // [steps][districts][metrics]
    std::vector<double> ledger;        // [years][ledger items] (the model_spec's ledger)
    std::vector<double> team_reports;  // [steps][team slots][items] (the model_spec's team_reports)
    double seconds = 0;
    std::optional<snapshot> saved;  // the state at the snapshot step, when one was asked for
    // The metrics encoded as the file stores them, if the options' prepare made them (the CLI's:
    // io::run_store::prepare); else empty. The engine only carries them.
    std::vector<unsigned char> encoded_metrics;
    // What a caller derived from the metrics when it does not carry the metrics themselves (a
    // comparison's units keep the encoded chunk and these figures instead); else empty.
    std::vector<double> summary;
};

// Runs on each result in the parallel stage, on the thread that computed it, before the in-order
// sink: the sink's work that needs no order (encoding for the file) goes here.
using prepare_fn = std::function<void(replicate_result&)>;

struct ensemble_options {
    std::uint64_t seed = 0;
    std::uint64_t first_replicate = 0;
    std::uint64_t replicates = 1;
    const std::atomic<bool>* cancel = nullptr;  // set to stop: run_ensemble throws cancelled
    const schedule* phases = nullptr;           // nullptr: the registered model's schedule
    int snapshot_step = -1;                     // >= 0: keep each replicate's state at that step
    resume_source resume{};                     // set: each replicate continues from its saved state
    prepare_fn prepare{};                       // set: called on each result before the sink
};

// Several scenarios on the same replicates: replicate r of every scenario uses the same random
// streams (common random numbers), so their differences are paired. With fork_step >= 0, each
// replicate first runs the first scenario up to that step, and every scenario continues from
// that same state. sink gets one result per scenario, in scenario order, replicate by replicate.
struct paired_options {
    std::uint64_t seed = 0;
    std::uint64_t first_replicate = 0;
    std::uint64_t replicates = 1;
    int fork_step = -1;
    const std::atomic<bool>* cancel = nullptr;
    const schedule* phases = nullptr;  // nullptr: the registered model's schedule
    int snapshot_step = -1;            // >= 0: keep each replicate's state at that step
    resume_source resume{};            // set: each replicate continues from its saved state
    prepare_fn prepare{};              // set: called on each result before the sink
};
void run_paired(const std::vector<scenario::scenario_ptr>& scs, const paired_options& opt, execution_context& ctx,
                const std::function<void(std::vector<replicate_result>&&)>& sink);

// Independent units of work (a sweep's experiments): work(u) runs in parallel, at most a few
// units in flight; sink(u, result) is called in unit order, never concurrently.
// A unit's result is bytes (io::journal::encode), so it can be journalled or sent between ranks.
void run_units(std::size_t units, execution_context& ctx, const std::atomic<bool>* cancel,
               const std::function<std::string(std::size_t)>& work,
               const std::function<void(std::size_t, std::string&&)>& sink);

// One replicate of every scenario (forked if asked): the unit of work of run_paired.
std::vector<replicate_result> run_replicate(const std::vector<scenario::scenario_ptr>& scs, const paired_options& opt,
                                            std::uint64_t r, execution_context& ctx);

// The same for scenarios made one at a time: make(i) gives scenario i (0 is the trunk when
// forking), and each(i, result) takes its result before the next is made, so a batch of hundreds
// of scenarios holds one scenario and one result at once.
void run_replicate_each(std::size_t count, const std::function<scenario::scenario_ptr(std::size_t)>& make,
                        const paired_options& opt, std::uint64_t r, execution_context& ctx,
                        const std::function<void(std::size_t, replicate_result&&)>& each);

// Throws input_error unless the scenarios share calendar, districts and sectors (and so can be
// compared step by step and district by district, or forked from one another).
void check_comparable(const std::vector<scenario::scenario_ptr>& scs);

// sink is called once per replicate, in replicate order, never concurrently.
void run_ensemble(const scenario::scenario_ptr& sc, const ensemble_options& opt, execution_context& ctx,
                  const std::function<void(replicate_result&&)>& sink);

}  // namespace kcsim::engine
