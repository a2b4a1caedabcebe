#pragma once
// Distribution over MPI ranks (OpenMPI): a job's units are handed out dynamically by rank 0,
// which also computes, collects every result and is the only rank that writes files. Results
// are the same bytes as on one process, so the output is bitwise identical for any number of
// ranks. Without mpirun (no MPI environment), kcsim never initialises MPI.
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kcsim::dist {

// Initialises MPI for the life of the program when started under mpirun.
class session {
public:
    session(int& argc, char**& argv);
    ~session();
    session(const session&) = delete;
    session& operator=(const session&) = delete;
};

int rank();  // 0 without MPI
int size();  // 1 without MPI
inline bool coordinator() { return rank() == 0; }

// Runs `check` on rank 0 only (e.g. "may the output be written?") and tells every rank the
// outcome: if it throws, rank 0 rethrows its error and every other rank throws
// refused_by_coordinator with the same exit code, so no rank waits forever for work that will
// never come and only rank 0 tells the user why. Without MPI it just runs `check`.
void on_coordinator(const std::function<void()>& check);

// On a rank other than 0: rank 0 refused the job and says why; this rank stops quietly.
struct refused_by_coordinator : std::runtime_error {
    explicit refused_by_coordinator(int code) : std::runtime_error("rank 0 refused the job"), exit_code(code) {}
    int exit_code;
};

// Rank 0's `values` on every rank (sizes included); without MPI it does nothing. For jobs whose
// next stage depends on the last one's results (kcsim calibrate's waves): every rank then
// computes the same next design from the same numbers.
void broadcast(std::vector<double>& values);

// Runs the units `todo` across the ranks. Every rank calls it with the same arguments; on rank
// 0, on_result(unit, bytes) is called for each finished unit, from rank 0's main thread, in
// the order they finish; on other ranks never. `cancelled` is polled on rank 0.
void run_units(const std::vector<std::size_t>& todo, const std::function<std::string(std::size_t)>& work,
               const std::function<void(std::size_t, std::string&&)>& on_result,
               const std::function<bool()>& cancelled);

}  // namespace kcsim::dist
