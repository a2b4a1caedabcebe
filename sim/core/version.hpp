#pragma once
#include <string_view>

namespace kcsim {
std::string_view version();     // from CMakeLists.txt project(VERSION)
std::string_view git_commit();  // commit the program was built from, "-dirty" if modified
// Bumped whenever the HDF5 layout changes in a way readers must know (docs/output-format.md).
// 2: the root attribute content_sha256 (io/content.hpp), checked by kcsim verify.
inline constexpr int schema_version = 2;
}  // namespace kcsim
