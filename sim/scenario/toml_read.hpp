#pragma once
// Internal to the scenario loader (sim/scenario/*.cpp): never include it elsewhere. Reading
// scenario and sweep files, from disk or built in, into toml++ tables that keep each value's
// file, line and column, and the helpers that turn a bad value into a scenario_error there.
//
// toml++ is slow to compile and nothing outside sim/scenario needs it, so only the loader's
// files include it, through this header. Its implementation is compiled once, in
// toml_read.cpp (TOML_IMPLEMENTATION); the other files see its declarations and templates.
#include <optional>
#include <string>
#include <string_view>

#include "core/date.hpp"

#define TOML_EXCEPTIONS 1
#define TOML_HEADER_ONLY 0
#include <toml++/toml.h>

namespace kcsim::scenario::detail {

// ---------------------------------------------------------------------------------------------
// Locations and messages

struct where {
    std::string file;
    int line = 0;
    int column = 0;
};

where locate(const toml::source_region& r, const std::string& fallback);

[[noreturn]] void fail(const where& w, const std::string& key, const std::string& message);

// A value as the user wrote it ("text" quoted), and the kind of value it is ("an integer").
std::string show(const toml::node& n);
std::string type_name(const toml::node& n);

// Enough digits that a seed or a count reads back exactly (1e15 > 9.0072e+15 confuses).
std::string fmt_num(double v);

// Values already checked: a date, a number written as an integer or a float.
core::date to_date(const toml::node& n);
double number(const toml::node& n);

// ---------------------------------------------------------------------------------------------
// Reading files (disk or builtin)

struct source_text {
    std::string name;  // shown in errors: the path as given, or "builtin:x.toml"
    std::string text;
    std::string dir;  // where relative `extends` resolve; "builtin:" + dir for embedded files
};

std::optional<std::string_view> find_builtin(std::string_view rel);

// The scenario's name when it gives none: its file name without folder and extension.
std::string default_name(const std::string& origin);

// Reads a file on disk or "builtin:<path>"; an error points at `from` and `key` (the `extends`
// or `scenario` that named it).
source_text read_source(const std::string& path, const where& from, const std::string& key);

// `target` as named in a file of folder `dir` (on disk or "builtin:...").
std::string resolve_relative(const std::string& dir, const std::string& target);

// Parses the text; a syntax error is a scenario_error at its place.
toml::table parse(const source_text& s);

}  // namespace kcsim::scenario::detail
