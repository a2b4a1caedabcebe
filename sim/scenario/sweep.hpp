#pragma once
// A sweep file: a base scenario, uncertain parameters (ranges), levers (value sets), a design,
// the number of samples and the replicates per sample. Loaded and validated like a scenario:
// every error names the file, line, key, the bad value and what was expected.
#include <cstdint>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace kcsim::scenario {

struct uncertain_parameter {
    std::string key;  // a numeric scenario parameter, e.g. "enterprise.need_rate"
    double min = 0, max = 0;
    bool integer = false;      // an integer parameter: sampled values are rounded
    int line = 0, column = 0;  // where the entry's `key` is in the sweep file, for messages
};

struct lever {
    std::string key;
    std::vector<std::string> values;  // TOML literals, e.g. "0.5", "true", "\"tournament\""
    int line = 0, column = 0;         // where the entry's `key` is in the sweep file, for messages
};

struct sweep {
    std::string name;
    std::string source;  // the sweep file
    scenario_ptr base;
    std::string design;         // full_factorial | latin_hypercube | sobol_sequence | saltelli | morris
    std::uint64_t samples = 0;  // design points (saltelli: base sample N; morris: trajectories)
    std::uint64_t replicates = 1;
    std::uint64_t seed = 0;
    std::uint64_t levels = 4;  // full_factorial and morris: levels per uncertain parameter
    std::vector<uncertain_parameter> uncertain;
    std::vector<lever> levers;
    std::vector<std::string> outcomes;  // metric names analysed
    std::string text;                   // the sweep file as given, for provenance
};

sweep load_sweep(const std::string& path);
sweep load_sweep_text(std::string_view text, const std::string& origin, const std::string& base_dir = ".");

}  // namespace kcsim::scenario
