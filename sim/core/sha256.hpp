#pragma once
// SHA-256 (FIPS 180-4), used to fingerprint resolved scenarios and results in provenance.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kcsim::core {

std::string sha256_hex(std::string_view data);

// The same, fed in pieces (the content checksum of a results file, io/content_hash.cpp).
class sha256 {
public:
    sha256();
    void update(const void* data, std::size_t n);
    void update_u64(std::uint64_t v);      // 8 bytes, little-endian
    void update_text(std::string_view s);  // its length (update_u64), then its bytes
    std::string hex() const;               // of everything so far; the object can go on

private:
    std::array<std::uint32_t, 8> h_;
    std::array<unsigned char, 64> buf_{};
    std::size_t used_ = 0;
    std::uint64_t total_ = 0;
};

}  // namespace kcsim::core
