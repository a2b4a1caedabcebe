#include "cli/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace kcsim::cli {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

progress::progress(std::string label, std::uint64_t total, bool enabled, std::string noun)
    : label_(std::move(label)), noun_(std::move(noun)), total_(total), enabled_(enabled),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void progress::update(std::uint64_t done) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total_ && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double now_done = done > base_ ? static_cast<double>(done - base_) : 0.0;
    const double rate = secs > 0 ? now_done / secs : 0.0;
    const double left = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
    std::fprintf(stderr, "\r%s: %llu/%llu %s  %.1f/s  %s %.0fs   ", label_.c_str(),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_), noun_.c_str(), rate,
                 done < total_ ? "about" : "took", done < total_ ? left : secs);
    std::fflush(stderr);
    shown_ = true;
}

void progress::finish() {
    if (enabled_ && shown_) {
        std::fputc('\n', stderr);
        shown_ = false;
    }
}

}  // namespace kcsim::cli
