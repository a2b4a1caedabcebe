#pragma once
// The checks behind `kcsim verify FILE.h5`, as a library function so that tests and the fuzzer
// (tests/fuzz/fuzz_h5.cpp) can run them: structure, provenance, checksums, completeness of every
// replicate, no missing or negative values, and the ledger identity.
#include <cstddef>
#include <string>
#include <vector>

namespace kcsim::io {

struct verify_report {
    bool readable = false;  // false: HDF5 could not open the file at all (problems says why)
    int checks = 0;
    std::vector<std::string> problems;  // empty: the file is sound
    std::size_t scenarios = 0;          // /scenarios/<name> groups
    bool sweep = false;                 // has a /sweep group
};

// Throws only for kcsim::error kinds; damage inside the file is reported as problems.
verify_report verify_file(const std::string& path);

}  // namespace kcsim::io
