#pragma once
// Plumbing the run-like commands share: Ctrl-C handling, default output paths, the resource guard.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "scenario/scenario.hpp"

namespace kcsim::cli {

// While alive, SIGINT and SIGTERM set `flag()` instead of killing the process, so a run stops
// at the next step and removes its temporary file.
class interrupt_guard {
public:
    interrupt_guard();
    ~interrupt_guard();
    interrupt_guard(const interrupt_guard&) = delete;
    interrupt_guard& operator=(const interrupt_guard&) = delete;
    static const std::atomic<bool>* flag();
};

// What a job (run, compare, sweep) needs, from engine::estimate_run of its scenarios.
struct job_estimate {
    std::string what;        // the job's size: agents, districts, steps, replicates, threads
    std::string state;       // bytes per firm and per replicate (or per unit of work)
    std::string in_memory;   // what is held at once, for the refusal: "4 replicates of 66400 firms"
    double peak_bytes = 0;   // memory at the peak
    double seconds = 0;      // rough run time
    std::string time_basis;  // how `seconds` was reckoned
};
// `units` units of work (replicates, or a sweep's experiments), each holding one replicate of
// every scenario of `per_unit` at once and running `repeats` of them in turn; up to two units per
// thread are in memory together. `units_text` names them: "20 replicates".
job_estimate estimate_job(const std::string& label, const std::vector<scenario::scenario_ptr>& per_unit,
                          std::uint64_t units, const std::string& units_text, std::uint64_t repeats, int threads);
// The resource guard shared by run, compare and sweep. With --dry-run prints the estimate and
// returns true: the command stops there, having written nothing. Otherwise throws input_error
// (exit 2, before any work) when the peak memory exceeds 80% of the machine's, unless
// --allow-large-memory; returns false to go on.
bool dry_run_or_guard(const parsed& p, const std::string& command, const job_estimate& e);
// The two options of the guard, for the commands' option tables.
extern const option_spec dry_run_option, allow_large_memory_option;

// outputs/<stem>.h5, creating outputs/ when needed.
std::string default_output(const std::string& stem);
// FILE.h5 -> FILE.<suffix> (e.g. summary.csv).
std::string sibling(const std::string& h5_path, const std::string& suffix);
// A number for a table: thousands without decimals, small values with a few.
std::string fmt(double x);

}  // namespace kcsim::cli
