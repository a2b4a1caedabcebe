#pragma once
// Running a job's work units (a comparison's replicates, a sweep's experiments) so that each
// finished unit is durable at once: the units missing from the journal run on this process's
// threads, and each result is written to the journal as it arrives.
#include <functional>
#include <optional>
#include <string>

#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "engine/execution.hpp"
#include "io/journal.hpp"

namespace kcsim::cli {

// Under mpirun every rank calls it; only rank 0 has the journal (the others pass nullptr and
// just compute the units rank 0 hands them).
void run_missing_units(std::size_t units, io::journal* jr, engine::execution_context& ctx,
                       const std::function<std::string(std::size_t)>& work, progress& bar);

// What compare and sweep share around their units: the journal of finished units on the rank
// that writes (--resume, --force), the execution context (--threads), Ctrl-C, the progress line.
class unit_job {
public:
    // `description`: the text that identifies the job's inputs (its job_id names the journal);
    // `label` heads the progress line; `noun` names the units ("replicates", "experiments").
    unit_job(const job_args& a, const std::string& out, const std::string& description, const std::string& label,
             std::size_t units, const std::string& noun);
    engine::execution_context& ctx() { return ctx_; }
    // Runs the units missing from the journal, on every rank. True on the rank that writes, which
    // then assembles the output from journal(); the others are done. Interrupted, it throws
    // cancelled saying how many units are kept and how to resume.
    bool run(const std::function<std::string(std::size_t)>& work);
    io::journal& journal() { return *jr_; }

private:
    std::size_t units_;
    std::string out_, noun_;
    engine::execution_context ctx_;
    interrupt_guard guard_;
    progress bar_;
    std::optional<io::journal> jr_;
};

// SHA-256 of the text that identifies a job (its inputs), for the journal.
std::string job_id(const std::string& description);

}  // namespace kcsim::cli
