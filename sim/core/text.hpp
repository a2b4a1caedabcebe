#pragma once
// Small text helpers for error messages.
#include <span>
#include <string>
#include <string_view>

namespace kcsim::core {

// The closest candidate by edit distance, or "" when none is close enough to be a typo.
std::string closest_match(std::string_view word, std::span<const std::string> candidates);
// "a, b or c"
std::string join_or(std::span<const std::string> words);

}  // namespace kcsim::core
