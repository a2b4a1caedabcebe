#pragma once
// Running a job's work units (a comparison's replicates, a sweep's experiments) so that each
// finished unit is durable at once: the units missing from the journal run on this process's
// threads, and each result is written to the journal as it arrives.
#include <functional>
#include <string>

#include "cli/progress.hpp"
#include "engine/execution.hpp"
#include "io/journal.hpp"

namespace kcsim::cli {

// Under mpirun every rank calls it; only rank 0 has the journal (the others pass nullptr and
// just compute the units rank 0 hands them).
void run_missing_units(std::size_t units, io::journal* jr, engine::execution_context& ctx,
                       const std::function<std::string(std::size_t)>& work, progress& bar);

// SHA-256 of the text that identifies a job (its inputs), for the journal.
std::string job_id(const std::string& description);

}  // namespace kcsim::cli
