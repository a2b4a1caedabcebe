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
// An integer with thousands separators: "47,623", "-1,200".
std::string with_separators(long long v);
// A number for people, exact: integers with separators ("50,000,000"), other values with up to
// six significant digits ("0.05", "1.5e-05"). For parameter values and ranges.
std::string exact_number(double v);
// A number for a table of results, rounded to what can be read: thousands and more as integers
// with separators ("47,623"), then 3 significant figures ("252", "48.3", "1.95", "0.0512"), 0 as "0".
std::string rounded_number(double v);
// The shortest text that reads back as the same double (std::to_chars): for CSV files.
std::string shortest_number(double v);
// A size for people: "850 kB", "12.4 MB", "3.1 GB" (decimal units, three significant figures).
std::string human_bytes(double bytes);

}  // namespace kcsim::core
