#pragma once
// The metrics dataset's HDF5 filter pipeline (Fletcher32, shuffle, deflate), in our own code: a
// replicate's chunk is then encoded on the worker thread that computed it, and the in-order writer
// only stores the ready bytes (H5Dwrite_chunk). Fletcher32 and shuffle give the bytes HDF5 1.10's
// own filters make (H5Zfletcher32.c, H5Zshuffle.c), and deflate(bytes, level) those of
// H5Zdeflate.c; the metrics chunk itself is deflated with zlib's run-length strategy, which any
// inflate reads (HDF5's deflate filter included) and which, on shuffled doubles, is both faster
// and smaller than level 1. tests/cpp/test_chunk_codec.cpp checks all of it against the library.
// Thread-safe, no HDF5 calls.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace kcsim::io {

// The deflate level of the metrics dataset; run_store's dataset creation uses this same constant.
inline constexpr int metrics_deflate_level = 1;

// H5_checksum_fletcher32 (H5checksum.c): big-endian 16-bit words, sums folded every 360 words.
std::uint32_t fletcher32(std::span<const unsigned char> bytes);

// The stages, as HDF5 applies them on write. Fletcher32 appends the checksum, little-endian.
// Shuffle with elements of element_size bytes: byte k of every element together, bytes left over
// at the end copied unchanged; fewer than two whole elements are left as they are. Deflate is
// zlib's compress2 into HDF5's output buffer (1.001 x + 12 bytes, more than zlib's bound, so it
// never fails for size): the result is kept even when larger than its input.
std::vector<unsigned char> append_fletcher32(std::span<const unsigned char> bytes);
std::vector<unsigned char> shuffle(std::span<const unsigned char> bytes, std::size_t element_size);
std::vector<unsigned char> deflate(std::span<const unsigned char> bytes, int level);
// Deflate with zlib's Z_RLE strategy (matches of distance 1 only): the shuffled high bytes of
// doubles come in long runs.
std::vector<unsigned char> deflate_runs(std::span<const unsigned char> bytes);

// One metrics chunk (float64, little-endian, in dataset order) through the whole pipeline, as
// stored with filter mask 0 (every filter applied).
std::vector<unsigned char> encode_metrics_chunk(std::span<const double> values);

}  // namespace kcsim::io
