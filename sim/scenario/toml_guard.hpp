#pragma once
// A check of scenario and sweep text before toml++ parses it. toml++ 3.3 has undefined behaviour
// (it reaches __builtin_unreachable in is_non_ascii_horizontal_whitespace) on many non-ASCII
// characters met outside a string or comment: Latin-1 and Greek letters, Cyrillic, kana, ...
// Such characters are never valid TOML 1.0 there, so they are refused first, with their place.
#include <optional>
#include <string_view>

namespace kcsim::scenario {

struct text_position {
    int line = 0;    // 1-based
    int column = 0;  // 1-based, in bytes
};

// The first non-ASCII byte outside strings and comments, if any.
std::optional<text_position> find_bare_non_ascii(std::string_view text);

}  // namespace kcsim::scenario
