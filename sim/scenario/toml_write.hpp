#pragma once
// The resolved scenario as TOML text. toml++ 3.3's array printer sizes each element with
// static_cast<size_t>(log10(|x|)) (toml_formatter.inl), undefined behaviour for a float in
// (-1, 1) such as a district's range [0.07, 0.13]; so arrays are written here and the rest by
// toml++.
#include <string>

#include <toml++/toml.h>

namespace kcsim::scenario {

std::string to_toml_text(const toml::table& t);

}  // namespace kcsim::scenario
