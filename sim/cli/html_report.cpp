// kcsim report: the HTML page is made by the Python package's kcsim.reporting (one generator
// for the command and for kcsim.report() in Python; docs/report.md says why). This command only
// finds that package and the interpreter the build was configured with, and hands over.
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "dist/mpi.hpp"

#ifndef KCSIM_PYTHON_EXECUTABLE
#define KCSIM_PYTHON_EXECUTABLE ""
#endif
#ifndef KCSIM_PYTHON_PACKAGE_DIR
#define KCSIM_PYTHON_PACKAGE_DIR ""
#endif

namespace kcsim::cli {

namespace {

namespace fs = std::filesystem;

bool has_reporting(const fs::path& dir) {
    std::error_code ec;
    return !dir.empty() && fs::is_regular_file(dir / "kcsim" / "reporting" / "__init__.py", ec);
}

// The package beside this program (build/bin/kcsim -> build/python), else the configured one.
fs::path package_dir() {
    if (const char* env = std::getenv("KCSIM_PYTHONPATH"); env && *env) return env;
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec && has_reporting(self.parent_path().parent_path() / "python"))
        return self.parent_path().parent_path() / "python";
    return KCSIM_PYTHON_PACKAGE_DIR;
}

}  // namespace

int report_command(const std::vector<std::string>& args) {
    if (dist::size() > 1) throw input_error("kcsim report runs as one process, not under mpirun");
    const char* env_python = std::getenv("KCSIM_PYTHON");
    const std::string python = env_python && *env_python ? env_python : KCSIM_PYTHON_EXECUTABLE;
    const fs::path pkg = package_dir();
    if (python.empty() || access(python.c_str(), X_OK) != 0)
        throw kcsim::error("kcsim report needs the Python interpreter this build was configured with ('" + python +
                           "' is not there); build with `make`, or set KCSIM_PYTHON");
    if (!has_reporting(pkg))
        throw kcsim::error("kcsim report needs the kcsim Python package (kcsim/reporting), not found in '" +
                           pkg.string() + "'; build with `make`, or set KCSIM_PYTHONPATH");
    const char* old = std::getenv("PYTHONPATH");
    const std::string path = pkg.string() + (old && *old ? ":" + std::string(old) : "");
    setenv("PYTHONPATH", path.c_str(), 1);
    std::vector<std::string> argv_s = {python, "-m", "kcsim.reporting"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::fflush(stdout);
    std::fflush(stderr);
    execv(python.c_str(), argv.data());
    throw kcsim::error("kcsim report: cannot run '" + python + "': " + std::strerror(errno));
}

}  // namespace kcsim::cli
