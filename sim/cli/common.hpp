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
    double disk_bytes = 0;   // the output file(s), about
};
// `units` units of work (replicates, or a sweep's experiments), each holding one replicate of
// every scenario of `per_unit` at once and running `repeats` of them in turn; up to two units per
// thread are in memory together. `units_text` names them: "20 replicates".
job_estimate estimate_job(const std::string& label, const std::vector<scenario::scenario_ptr>& per_unit,
                          std::uint64_t units, const std::string& units_text, std::uint64_t repeats, int threads);
// Warns (stderr, rank 0) of the scenario's events that change nothing: a district made a pilot
// at a level it already has (scenario::expansion_of).
void warn_idle_events(const scenario::scenario& sc);
// The size of a results file with `replicates` replicates of each of `scenarios`, about.
double results_file_bytes(const std::vector<scenario::scenario_ptr>& scenarios, std::uint64_t replicates);

// A job command (run, compare, sweep): the options they share, in this command's words, around
// its own. The help lists them in this order: --replicates, --seed, --threads, before_out, --out,
// after_out, --resume (if the command has it), --dry-run, --allow-large-memory, --force, --quiet,
// --help.
struct job_command {
    std::string name{};   // "kcsim run", for messages
    std::string usage{};  // the help up to its list of options
    std::size_t max_positional = 1;
    std::int64_t max_replicates = 1000000;
    std::string replicates{}, seed{};  // the help of --replicates and --seed
    std::vector<option_spec> before_out{};
    std::string out{};  // the help of --out
    std::vector<option_spec> after_out{};
    std::string resume{};  // the help of --resume; empty: the command has no --resume
    std::string force{}, quiet{};
    std::vector<option_spec> options() const;
};

// A job command's arguments, parsed strictly against its options (throws input_error, exit 2).
// The shared options are read where the command needs them, so that its checks keep their order.
class job_args : public parsed {
public:
    job_args(const std::vector<std::string>& args, const job_command& c);
    const job_command& command() const { return c_; }
    bool help() const { return has("--help"); }
    void print_help() const;
    std::uint64_t replicates(std::uint64_t def) const;  // --replicates N, 1..max_replicates
    std::uint64_t seed(std::uint64_t def) const;        // --seed S, 0..2^53-1
    int threads() const;                                // --threads T, 0..1024 (0: one per core)
    bool force() const { return has("--force"); }
    bool quiet() const { return has("--quiet"); }
    bool resume() const { return has("--resume"); }
    // --out, or outputs/<stem>.h5 (creating outputs/ on the process that writes).
    std::string output(const std::string& stem) const;
    // The resource guard. With --dry-run prints the estimate and returns true: the command stops
    // there, having written nothing. Otherwise throws input_error (exit 2, before any work) when
    // the peak memory exceeds 80% of the machine's, unless --allow-large-memory; returns false
    // to go on.
    bool dry_run_or_guard(const job_estimate& e) const;

private:
    const job_command& c_;
};

// A file a command reads or writes, and what it is in the command's words ("--out", "the
// scenario file"), for messages.
struct named_file {
    std::string path;
    std::string what;
    bool replace = false;  // an output that may be replaced without --force (compare --resume's summaries)
};

// Throws (on every rank, from rank 0's check) unless each output may be written: an existing
// output that is not a regular file (even with --force, exit 2), an existing one without --force
// (exit 1), an output that is one of `inputs` or another output (the same file by device and
// inode, or by real path; exit 2). Also makes a write past a file-size limit fail with EFBIG
// instead of killing the process (SIGXFSZ ignored), so it is reported like a full disk.
// `command` names the command in messages ("kcsim run").
void check_outputs(const std::string& command, const std::vector<named_file>& outputs, bool force,
                   const std::vector<named_file>& inputs);

// outputs/<stem>.h5, creating outputs/ when needed.
std::string default_output(const std::string& stem);
// FILE.h5 -> FILE.<suffix> (e.g. summary.csv).
std::string sibling(const std::string& h5_path, const std::string& suffix);
// A number for a table of results (core::rounded_number): "47,623", "48.3", "0.0512".
std::string fmt(double x);

}  // namespace kcsim::cli
