// kcsim verify FILE.h5: is a results file whole and sound? Structure and sizes, the string heap,
// the stored scenario against its hash, coordinates against its calendar, replicate numbers and
// status, values, the ledger identity, HDF5's checksums and the file's content_sha256
// (io/verify.cpp). Prints what it checked and every problem; exit 0 if sound, 1 if not.
#include "io/verify.hpp"

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"

namespace kcsim::cli {

int verify_command(const std::vector<std::string>& args) {
    auto p = parse(args, {help_option}, "kcsim verify", 1);
    if (p.has("--help") || p.positional.empty()) {
        std::printf(
            "Usage: kcsim verify FILE.h5\n\nChecks a kcsim results file: structure and sizes, provenance, the stored "
            "scenario against\nits SHA-256, time and district coordinates against its calendar, replicate numbers "
            "and status,\nno missing or negative values, the ledger, HDF5's checksums and the file's "
            "content_sha256\n(files of schema 1 have none: their content beyond that is not checked).\n"
            "Exit 0 if it is sound, 1 if not.\n");
        return p.has("--help") ? exit_code::ok : exit_code::bad_input;
    }
    const std::string path = p.positional[0];
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw input_error("kcsim verify: '" + path + "' is a folder, not a results file (.h5)");
    if (!std::filesystem::exists(path, ec)) throw input_error("kcsim verify: '" + path + "' does not exist");
    if (!std::filesystem::is_regular_file(path, ec))
        throw input_error("kcsim verify: '" + path + "' is not a regular file, not a results file (.h5)");
    const auto r = io::verify_file(path);
    if (!r.readable) {
        std::printf("%s: not a readable HDF5 file (truncated, damaged, or still being written)\n  problem: %s\n",
                    path.c_str(), r.problems.empty() ? "" : r.problems.front().c_str());
        return exit_code::failure;
    }
    std::printf("%s: %d checks, %zu scenario group(s)%s\n", path.c_str(), r.checks, r.scenarios,
                r.sweep ? ", a sweep" : "");
    for (const auto& problem : r.problems) std::printf("  problem: %s\n", problem.c_str());
    for (const auto& note : r.notes) std::printf("  note: %s\n", note.c_str());
    std::printf("%s\n", r.problems.empty() ? "sound" : "NOT SOUND");
    return r.problems.empty() ? exit_code::ok : exit_code::failure;
}

}  // namespace kcsim::cli
