#pragma once
// One exception hierarchy for kcsim. Each kind maps to a CLI exit code and a Python exception:
// input_error (exit 2, ValueError), io_error (exit 1, OSError), model_error (exit 1,
// RuntimeError), internal_error (exit 1: a bug in kcsim), cancelled (exit 130, KeyboardInterrupt).
#include <stdexcept>
#include <string>

namespace kcsim {

struct error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Bad input from the user: a scenario file, a command-line option, an API argument.
struct input_error : error {
    using error::error;
};

// A scenario file problem, located in the file. what() is the full "file:line:col: ..." text.
struct scenario_error : input_error {
    scenario_error(std::string file, int line, int column, std::string key, std::string message);
    std::string file;
    int line;
    int column;
    std::string key;
    std::string message;  // without the location prefix
};

// Reading or writing files failed (permissions, disk full, a corrupt file).
struct io_error : error {
    using error::error;
};

// The model reached an impossible state (NaN, negative count): a modelling or parameter problem.
struct model_error : error {
    using error::error;
};

// A bug in kcsim itself.
struct internal_error : std::logic_error {
    using std::logic_error::logic_error;
};

// The user asked to stop (Ctrl-C, KeyboardInterrupt). `what_was_kept` says what survives the
// stop (finished units and how to resume); empty when nothing was written.
struct cancelled : error {
    explicit cancelled(std::string kept = {})
        : error(kept.empty() ? "cancelled" : kept), what_was_kept(std::move(kept)) {}
    std::string what_was_kept;
};

namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int failure = 1;    // runtime or I/O failure
inline constexpr int bad_input = 2;  // scenario or usage error: nothing was written
inline constexpr int interrupted = 130;
}  // namespace exit_code

}  // namespace kcsim
