#pragma once
// What a results file holds, checked beyond HDF5's own checksums (docs/output-format.md,
// "Content checksum"; docs/reliability.md):
//
// - content_sha256: one SHA-256 over every object of the file, in name order: each group's and
//   dataset's path, every attribute's name and value (but the root's content_sha256 itself and
//   the dimension-scale bookkeeping DIMENSION_LIST and REFERENCE_LIST, which hold file addresses),
//   every dataset's type class, shape and values (strings as text, integers as 64-bit, floats as
//   float64), and, for a dataset stored through filters (metrics), its stored chunks byte for byte
//   in chunk order. kcsim writes it at commit as the root attribute `content_sha256`.
// - check_string_heaps: variable-length strings live in HDF5's global heap, which has no
//   checksum; HDF5 1.10.8 loops forever or copies past its buffer on a damaged one. This walks
//   every heap collection of the file as HDF5 would and checks every string reference stored in a
//   dataset against it, before anything reads a string.
#include <cstdint>
#include <map>
#include <string>

#include <hdf5.h>

#include "core/sha256.hpp"

namespace kcsim::io {

// The digest of a filtered dataset's stored chunks, as content_sha256 folds it in: per chunk
// in order, its filter mask and size (update_u64) and its bytes. The writer keeps one per
// metrics dataset as it appends chunks, so commit need not read them back.
void add_stored_chunk(core::sha256& h, std::uint32_t filter_mask, const void* data, std::size_t size);

// Object path ("scenarios/plan/metrics") -> its stored-chunk digest (hex), known beforehand.
using chunk_digests = std::map<std::string, std::string>;

// Throws io_error when the file cannot be read or a dataset is larger than any kcsim file
// (more than 2^27 values read as values, 2^24 chunks).
std::string content_sha256(hid_t file, const chunk_digests& known = {});

// Throws io_error naming the damage. `path` is the file behind `file`.
void check_string_heaps(const std::string& path, hid_t file);

}  // namespace kcsim::io
