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
// A size for people: "850 kB", "12.4 MB", "3.1 GB" (decimal units, three significant figures).
std::string human_bytes(double bytes);

}  // namespace kcsim::core
