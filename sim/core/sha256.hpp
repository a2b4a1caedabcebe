#pragma once
// SHA-256 (FIPS 180-4), used to fingerprint resolved scenarios and results in provenance.
#include <string>
#include <string_view>

namespace kcsim::core {
std::string sha256_hex(std::string_view data);
}
