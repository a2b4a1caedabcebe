#include "io/chunk_codec.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <new>
#include <string>

#define ZLIB_CONST  // next_in is a pointer to const
#include <zlib.h>

#include "core/error.hpp"

namespace kcsim::io {

std::uint32_t fletcher32(std::span<const unsigned char> bytes) {
    // HDF5's exact order of additions and folds: the result is not always the textbook
    // Fletcher-32 (0xffff and 0 are not folded into one), and readers compare it bit for bit.
    const unsigned char* data = bytes.data();
    std::size_t len = bytes.size() / 2;
    std::uint32_t sum1 = 0, sum2 = 0;
    while (len) {
        std::size_t tlen = len > 360 ? 360 : len;
        len -= tlen;
        do {
            sum1 += (std::uint32_t{data[0]} << 8) | std::uint32_t{data[1]};
            data += 2;
            sum2 += sum1;
        } while (--tlen);
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    if (bytes.size() % 2) {
        sum1 += std::uint32_t{*data} << 8;
        sum2 += sum1;
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    return (sum2 << 16) | sum1;
}

std::vector<unsigned char> append_fletcher32(std::span<const unsigned char> bytes) {
    const std::uint32_t sum = fletcher32(bytes);
    std::vector<unsigned char> out(bytes.size() + 4);
    std::copy(bytes.begin(), bytes.end(), out.begin());
    for (std::size_t k = 0; k < 4; ++k) out[bytes.size() + k] = static_cast<unsigned char>(sum >> (8 * k));
    return out;
}

std::vector<unsigned char> shuffle(std::span<const unsigned char> bytes, std::size_t element_size) {
    const std::size_t n = element_size > 0 ? bytes.size() / element_size : 0;
    if (element_size <= 1 || n <= 1) return {bytes.begin(), bytes.end()};
    std::vector<unsigned char> out(bytes.size());
    for (std::size_t k = 0; k < element_size; ++k) {
        unsigned char* to = out.data() + k * n;
        const unsigned char* from = bytes.data() + k;
        for (std::size_t e = 0; e < n; ++e) to[e] = from[e * element_size];
    }
    std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(n * element_size), bytes.end(),
              out.begin() + static_cast<std::ptrdiff_t>(n * element_size));
    return out;
}

std::vector<unsigned char> deflate(std::span<const unsigned char> bytes, int level) {
    // H5Z_DEFLATE_SIZE_ADJUST: at least compressBound, so compress2 has room for any input.
    auto size = static_cast<uLongf>(std::ceil(static_cast<double>(bytes.size()) * 1.001) + 12);
    std::vector<unsigned char> out(size);
    const int status = compress2(out.data(), &size, bytes.data(), static_cast<uLong>(bytes.size()), level);
    if (status == Z_MEM_ERROR) throw std::bad_alloc();
    if (status != Z_OK) throw internal_error("deflate of a chunk failed: zlib status " + std::to_string(status));
    out.resize(size);
    return out;
}

std::vector<unsigned char> deflate_runs(std::span<const unsigned char> bytes) {
    // HDF5 chunks are under 4 GiB; zlib counts in 32 bits.
    if (bytes.size() > std::numeric_limits<uInt>::max() / 2) throw internal_error("metrics chunk too large to deflate");
    z_stream z{};
    int status = deflateInit2(&z, metrics_deflate_level, Z_DEFLATED, 15, 8, Z_RLE);
    if (status == Z_MEM_ERROR) throw std::bad_alloc();
    if (status != Z_OK) throw internal_error("deflate of a chunk failed: zlib status " + std::to_string(status));
    std::vector<unsigned char> out(deflateBound(&z, static_cast<uLong>(bytes.size())));
    z.next_in = bytes.data();
    z.avail_in = static_cast<uInt>(bytes.size());
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    status = deflate(&z, Z_FINISH);  // one call: the bound leaves room for all of it
    const auto size = z.total_out;
    deflateEnd(&z);
    if (status != Z_STREAM_END)
        throw internal_error("deflate of a chunk failed: zlib status " + std::to_string(status));
    out.resize(size);
    return out;
}

std::vector<unsigned char> encode_metrics_chunk(std::span<const double> values) {
    // HDF5 would convert native doubles to the file's IEEE float64 little-endian; here they are that.
    static_assert(std::endian::native == std::endian::little, "metrics chunks are stored little-endian");
    const std::span<const unsigned char> raw(reinterpret_cast<const unsigned char*>(values.data()),
                                             values.size_bytes());
    // The pipeline's order (run_store): the checksum covers the data, and its 4 bytes are the
    // shuffle's leftover (8 n + 4 bytes), so they stay at the end before deflate.
    return deflate_runs(shuffle(append_fletcher32(raw), sizeof(double)));
}

}  // namespace kcsim::io
