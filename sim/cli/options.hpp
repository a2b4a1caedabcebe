#pragma once
// A small, strict command-line parser: every option is declared, unknown ones get "did you
// mean", and values are checked with the expected form in the message (exit code 2).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/date.hpp"

namespace kcsim::cli {

struct option_spec {
    std::string name;   // "--replicates"
    std::string value;  // "N", or "" for a flag
    std::string help;
};

struct parsed {
    std::map<std::string, std::string> values;  // option -> value ("" for flags)
    std::vector<std::string> positional;
    bool has(const std::string& o) const { return values.contains(o); }
    std::optional<std::string> get(const std::string& o) const;
    // Integer option in [lo, hi]; throws input_error naming the option, value and range.
    std::optional<std::int64_t> integer(const std::string& o, std::int64_t lo, std::int64_t hi) const;
    // Date option (YYYY-MM-DD); throws input_error naming the option and the expected form.
    std::optional<core::date> date(const std::string& o) const;
    std::string command_;  // for messages
};

// Throws input_error. `command` names it in messages ("kcsim run").
parsed parse(const std::vector<std::string>& args, const std::vector<option_spec>& specs, const std::string& command,
             std::size_t max_positional);

std::string format_options(const std::vector<option_spec>& specs);

// --help, the last row of every command's table.
extern const option_spec help_option;

}  // namespace kcsim::cli
