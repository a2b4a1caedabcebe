#include "cli/common.hpp"

#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "io/output_file.hpp"

namespace kcsim::cli {

namespace {
std::atomic<bool> interrupted{false};
extern "C" void on_signal(int) { interrupted.store(true); }
using handler = void (*)(int);
handler old_int = nullptr, old_term = nullptr;
}  // namespace

interrupt_guard::interrupt_guard() {
    interrupted = false;
    old_int = std::signal(SIGINT, on_signal);
    old_term = std::signal(SIGTERM, on_signal);
}

interrupt_guard::~interrupt_guard() {
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
}

const std::atomic<bool>* interrupt_guard::flag() { return &interrupted; }

std::string default_output(const std::string& stem) {
    std::filesystem::create_directories("outputs");
    return "outputs/" + stem + ".h5";
}

std::string sibling(const std::string& h5_path, const std::string& suffix) {
    std::filesystem::path p(h5_path);
    p.replace_extension(suffix);
    return p.string();
}

void write_text_file(const std::string& path, const std::string& text, bool overwrite) {
    io::output_file out(path, overwrite);
    {
        std::ofstream f(out.temp_path(), std::ios::binary);
        f << text;
        f.flush();
        if (!f) throw io_error("cannot write '" + out.temp_path() + "'");
    }
    out.commit();
}

std::string fmt(double x) {
    char buf[64];
    const double a = std::abs(x);
    if (!std::isfinite(x)) return "nan";
    if (a >= 1e7) {
        std::snprintf(buf, sizeof buf, "%.3e", x);
    } else if (a >= 100) {
        std::snprintf(buf, sizeof buf, "%.0f", x);
    } else if (a >= 1) {
        std::snprintf(buf, sizeof buf, "%.2f", x);
    } else {
        std::snprintf(buf, sizeof buf, "%.3f", x);
    }
    return buf;
}

}  // namespace kcsim::cli
