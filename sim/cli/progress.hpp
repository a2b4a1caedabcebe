#pragma once
// A one-line progress display for long runs (done/total, rate, time left) on a terminal;
// silent when stderr is not a terminal or --quiet was given.
#include <chrono>
#include <cstdint>
#include <string>

namespace kcsim::cli {

class progress {
public:
    progress(std::string label, std::uint64_t total, bool enabled);
    ~progress() { finish(); }  // so that an error's message starts on a line of its own
    progress(const progress&) = delete;
    progress& operator=(const progress&) = delete;
    void update(std::uint64_t done);
    void finish();  // ends the line, if one is shown

private:
    std::string label_;
    std::uint64_t total_;
    bool enabled_;
    bool shown_ = false;
    std::chrono::steady_clock::time_point start_, last_;
};

bool stderr_is_terminal();

}  // namespace kcsim::cli
