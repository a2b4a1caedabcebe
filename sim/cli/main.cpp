// kcsim: the command-line program. Dispatches to a command and maps errors to exit codes:
// 0 success, 1 runtime or I/O failure, 2 bad input (nothing written), 130 interrupted.
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/version.hpp"
#include "dist/mpi.hpp"
#include "engine/model_spec.hpp"
#include "io/h5.hpp"
#include "model/spec.hpp"

namespace {

const char* usage = R"(kcsim - agent-based scenario planning for the Sci-Tech China (科创中国) programme in Chongqing

Usage:
  kcsim run [SCENARIO.toml] [options]   run replicates of a scenario and write them to HDF5
                                        (no file: the built-in default, the 2021-2023 plan)
  kcsim compare A.toml B.toml [...]     run scenarios on the same seeds and compare them with the
                                        first: paired differences, intervals, plan targets
  kcsim sweep SWEEP.toml                a design over uncertain parameters and levers, with
                                        Sobol' or Morris sensitivity indices
  kcsim calibrate TARGETS.toml --parameters PRIOR.toml
                                        history matching, then ABC, against observed targets:
                                        a posterior for compare --parameters
  kcsim select DECISION.toml            search which districts should become pilots next (and where
                                        new teams go) for the best plan, robust to what is uncertain
  kcsim verify FILE.h5                  check a results file: structure, checksums, completeness
  kcsim report FILE.h5                  one self-contained HTML page: summary, charts, district map
  kcsim check SCENARIO.toml             validate a scenario and print it fully resolved
  kcsim params [--markdown]             every scenario parameter: unit, default, range, source
  kcsim metrics [--markdown]            every recorded metric: unit and meaning
  kcsim schedule                        the phases of one step, in order
  kcsim districts [SCENARIO.toml]       every district: names, pilot status, attributes with their
                                        sources or ranges, readiness (--markdown, --csv)
  kcsim --version                       version and git commit
  kcsim COMMAND --help                  help on one command

Exit codes: 0 success, 1 runtime or I/O failure, 2 bad input (nothing written), 130 interrupted.
Documentation: docs/ in the source tree (start with docs/README.md).
)";

}  // namespace

int main(int argc, char** argv) {
    kcsim::io::h5::skip_exit_cleanup();    // before any other HDF5 call
    kcsim::dist::session mpi(argc, argv);  // only under mpirun
    kcsim::engine::register_model(kcsim::model::spec());
    // A write past RLIMIT_FSIZE raises SIGXFSZ, which kills the process and leaves its temporary
    // file; ignored, the write fails with EFBIG and is reported like a full disk (exit 1).
    std::signal(SIGXFSZ, SIG_IGN);
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string command_line = "kcsim";
    for (const auto& a : args) command_line += " " + a;
    try {
        if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
            std::fputs(usage, stdout);
            return args.empty() ? kcsim::exit_code::bad_input : kcsim::exit_code::ok;
        }
        if (args[0] == "--version" || args[0] == "-V") {
            std::printf("kcsim %s (git %s, output schema %d)\n", std::string(kcsim::version()).c_str(),
                        std::string(kcsim::git_commit()).c_str(), kcsim::schema_version);
            return kcsim::exit_code::ok;
        }
        const std::string cmd = args[0];
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        if (cmd == "run") return kcsim::cli::run_command(rest, command_line);
        if (cmd == "compare") return kcsim::cli::compare_command(rest, command_line);
        if (cmd == "sweep") return kcsim::cli::sweep_command(rest, command_line);
        if (cmd == "calibrate") return kcsim::cli::calibrate_command(rest, command_line);
        if (cmd == "select") return kcsim::cli::select_command(rest, command_line);
        if (cmd == "verify") return kcsim::cli::verify_command(rest);
        if (cmd == "report") return kcsim::cli::report_command(rest);
        if (cmd == "check") return kcsim::cli::check_command(rest);
        if (cmd == "params") return kcsim::cli::params_command(rest);
        if (cmd == "metrics") return kcsim::cli::metrics_command(rest);
        if (cmd == "schedule") return kcsim::cli::schedule_command(rest);
        if (cmd == "districts") return kcsim::cli::districts_command(rest);
        const std::vector<std::string> known = {"run",    "compare", "sweep",  "calibrate", "select",   "verify",
                                                "report", "check",   "params", "metrics",   "schedule", "districts"};
        std::string hint = kcsim::core::closest_match(cmd, known);
        throw kcsim::input_error("unknown command '" + cmd + "'" +
                                 (hint.empty() ? "" : "; did you mean '" + hint + "'?") + " (see kcsim --help)");
    } catch (const kcsim::cancelled& e) {
        // Once per job: under mpirun only rank 0 speaks (the others stop with the same code).
        if (kcsim::dist::rank() == 0) {
            std::fprintf(stderr, "kcsim: interrupted; %s\n",
                         e.what_was_kept.empty() ? "no output written" : e.what_was_kept.c_str());
        }
        return kcsim::exit_code::interrupted;
    } catch (const kcsim::dist::refused_by_coordinator& e) {
        return e.exit_code;  // rank 0 says why
    } catch (const kcsim::input_error& e) {
        // Every rank reads the same inputs and fails the same way: rank 0 speaks for all.
        if (kcsim::dist::rank() == 0) std::fprintf(stderr, "kcsim: error: %s\n", e.what());
        return kcsim::exit_code::bad_input;
    } catch (const kcsim::error& e) {
        if (kcsim::dist::rank() == 0)
            std::fprintf(stderr, "kcsim: error: %s\n", e.what());
        else
            std::fprintf(stderr, "kcsim (rank %d): error: %s\n", kcsim::dist::rank(), e.what());
        return kcsim::exit_code::failure;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "kcsim: internal error (please report): %s\n", e.what());
        return kcsim::exit_code::failure;
    }
}
