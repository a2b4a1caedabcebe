#pragma once
// Plumbing the run-like commands share: Ctrl-C handling, default output paths, small text files
// written atomically next to the HDF5 output.
#include <atomic>
#include <string>

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

// outputs/<stem>.h5, creating outputs/ when needed.
std::string default_output(const std::string& stem);
// FILE.h5 -> FILE.<suffix> (e.g. summary.csv).
std::string sibling(const std::string& h5_path, const std::string& suffix);
// Writes `text` to `path` under a temporary name and renames it into place (io::output_file).
void write_text_file(const std::string& path, const std::string& text, bool overwrite);
// A number for a table: thousands without decimals, small values with a few.
std::string fmt(double x);

}  // namespace kcsim::cli
