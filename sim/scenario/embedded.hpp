#pragma once
// The scenarios/ folder compiled into the program (cmake/KcsimEmbed.cmake), addressed as
// "builtin:<relative path>", so the default scenario runs without the source tree.
#include <span>
#include <string_view>

namespace kcsim::scenario {

struct embedded_file {
    std::string_view path;  // relative to scenarios/, e.g. "plan.toml"
    std::string_view text;
};

std::span<const embedded_file> embedded_files();

inline constexpr std::string_view builtin_prefix = "builtin:";
inline constexpr std::string_view default_scenario = "builtin:plan.toml";

}  // namespace kcsim::scenario
