#pragma once
// A targets file (scenarios/targets/*.toml): observed quantities the model is calibrated
// against or validated on. Each has a metric, a date (a stock or state at that date) or a period
// (a flow summed over it), the observed value, its measurement uncertainty and model discrepancy
// (standard deviations), its source, and whether it is used to calibrate or held out. Loaded like
// a sweep file: every error names the file, line, key, the bad value and what was expected.
// Whether the metric exists and matches date or period is checked by analysis::check_observations
// (the metric table is the model's, above this layer).
#include <string>
#include <vector>

#include "core/date.hpp"

namespace kcsim::scenario {

struct observation {
    std::string name;         // unique within the file, e.g. "tech_firms_2021q1"
    std::string metric;       // a metric name (kcsim metrics)
    bool period = false;      // true: a flow over [from, to]; false: a value at `to`
    core::date from{}, to{};  // `date` is stored in `to`
    double value = 0, sd = 0, discrepancy = 0;
    std::string source;
    bool hold_out = false;     // use = "hold-out": reported as validation, not fitted
    int line = 0, column = 0;  // where the entry's `name` is, for messages
};

struct observation_set {
    std::string name, description;
    std::string source;  // the file
    std::string text;    // the file as given, for provenance
    std::vector<observation> targets;
};

observation_set load_observations(const std::string& path);
observation_set load_observations_text(std::string_view text, const std::string& origin);

}  // namespace kcsim::scenario
