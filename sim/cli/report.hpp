#pragma once
// The comparison as tables: text for the terminal, Markdown and CSV next to the HDF5 file.
#include <string>

#include "analysis/compare.hpp"

namespace kcsim::cli {

std::string comparison_text(const analysis::comparison& c, bool markdown);
std::string comparison_csv(const analysis::comparison& c);

}  // namespace kcsim::cli
