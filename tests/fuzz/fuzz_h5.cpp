// libFuzzer target: bytes -> a file -> the readers of kcsim's HDF5 files: `kcsim verify`'s
// checks (io::verify_file) and the state-file readers behind `kcsim run --resume-from`.
// HDF5 opens files by name, so each input is written to one private temporary file.
// A kcsim::error is the expected answer to a damaged file; anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "core/error.hpp"
#include "io/state_file.hpp"
#include "io/verify.hpp"

namespace {
std::string temp_file() {
    const char* tmp = std::getenv("TMPDIR");
    return (std::filesystem::path(tmp ? tmp : "/tmp") / ("kcsim-fuzz-h5-" + std::to_string(::getpid()) + ".h5"))
        .string();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = temp_file();
    {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (!f) std::abort();
        if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
        std::fclose(f);
    }
    try {
        kcsim::io::verify_file(path);
    } catch (const kcsim::error&) {
    }
    try {
        const auto h = kcsim::io::read_state_header(path);
        if (h.replicates > 0) kcsim::io::read_state(path, 0);
    } catch (const kcsim::error&) {
    }
    std::remove(path.c_str());
    return 0;
}
