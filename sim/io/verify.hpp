#pragma once
// The checks behind `kcsim verify FILE.h5`, as a library function so that tests, the fuzzer
// (tests/fuzz/fuzz_h5.cpp) and kcsim.open_results can run them: structure and sizes (against the
// file's own declarations and sane limits, before anything is allocated), HDF5's string heap
// (before any string is read), then content: the stored scenario against its hash, coordinates
// against its calendar, districts and metrics, replicate numbers, replicate_ok against
// replicate_message, missing or negative values, the ledger identity, HDF5's checksums, and the
// file's content_sha256 (schema 2).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kcsim::io {

struct verify_report {
    bool readable = false;  // false: HDF5 could not open the file at all (problems says why)
    int checks = 0;
    std::vector<std::string> problems;  // empty: the file is sound
    std::vector<std::string> notes;     // what could not be checked (an older schema)
    std::size_t scenarios = 0;          // /scenarios/<name> groups
    bool sweep = false;                 // has a /sweep group
    std::int64_t schema = 0;            // the file's schema_version
    bool content_checked = false;       // content_sha256 was recomputed
};

enum class verify_depth {
    structure,  // fast, before opening with other readers: shapes, sizes, the string heap; no data
    full,       // everything, content_sha256 included (kcsim verify)
};

// Throws only for kcsim::error kinds; damage inside the file is reported as problems.
verify_report verify_file(const std::string& path, verify_depth depth = verify_depth::full);

}  // namespace kcsim::io
