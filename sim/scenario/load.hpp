#pragma once
// Loading a scenario: read TOML, follow `extends`, validate every key against the parameter
// table and the district/event schemas, fill defaults, and freeze. Every failure is a
// kcsim::scenario_error naming file, line, column, key, the bad value and what was expected.
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace kcsim::scenario {

// `path` is a file on disk or "builtin:<name>". Throws scenario_error.
scenario_ptr load(const std::string& path);

// Same, from text (for tests and the Python API); `origin` names it in errors, and relative
// `extends` resolve against `base_dir`.
scenario_ptr load_text(std::string_view text, const std::string& origin, const std::string& base_dir = ".");

// A variant: the base scenario's resolved TOML with `overrides` (TOML text) merged on top,
// validated like a file. The variant's name is `name` if not empty.
scenario_ptr derive(const scenario& base, std::string_view overrides, const std::string& name);

// The scenario run only up to `end` (calendar.end set, events after it dropped): calibration
// stops its runs at the last target date. The name stays the base's.
scenario_ptr until(const scenario& base, core::date end);

// Names of the built-in scenarios (without the "builtin:" prefix), for help texts.
std::vector<std::string> builtin_names();

}  // namespace kcsim::scenario
