#pragma once
// Internal to the scenario loader. Checks one file's table before merging, so that every error
// points into the file that has it: top-level keys, parameters against the parameter table
// (parameters.hpp), and the [[districts]], [[sectors]] and [[events]] records against their
// field schemas.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/parameters.hpp"
#include "scenario/toml_read.hpp"

namespace kcsim::scenario::detail {

enum class ftype { text, identifier, identifier_list, choice, real, integer, date, sources, ranges };

struct field_spec {
    std::string_view name;
    ftype type;
    bool required;
    double lo = 0;
    double hi = 0;
    std::vector<std::string> choices = {};
};

const std::vector<field_spec>& district_fields();
const std::vector<field_spec>& sector_fields();
// The district attributes that may carry a [low, high] range (moved by district_data.*_shift).
const std::vector<std::string>& ranged_district_fields();

// Top-level sections and their keys, from the parameter table.
std::map<std::string, std::vector<std::string>, std::less<>> param_sections();
const param_spec* find_param(std::string_view key);

// An error for `key` (shown as `path`) with the closest valid key, or the list of them.
[[noreturn]] void unknown_key(const where& w, const std::string& path, const std::string& key,
                              const std::vector<std::string>& valid, const std::string& context);

// Checks one parameter value against its spec: type, choices, range. Throws scenario_error.
void check_param(const toml::node& v, const param_spec& spec, const std::string& fallback_file);

// The most [[districts]] and [[sectors]] a scenario may have (their indices are 16 and 8 bits).
// A file with more is refused before its records are looked at.
inline constexpr std::size_t max_districts = 65535;
inline constexpr std::size_t max_sectors = 255;

// Validates one array of tables ([[districts]] / [[events]]) in one file. With require = false only
// the keys are checked (a [[districts]] entry may override a few fields of a base entry).
void check_records(const toml::node& n, const std::string& name, const std::vector<field_spec>& fields,
                   const std::string& file, bool require);

// Validates the keys and value types of one file's table (before merging).
void check_file(const toml::table& t, const std::string& file);

}  // namespace kcsim::scenario::detail
