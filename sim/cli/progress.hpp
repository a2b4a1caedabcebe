#pragma once
// A one-line progress display for long runs (done/total, rate, time left) on a terminal;
// silent when stderr is not a terminal or --quiet was given. A resumed job's reused units count
// as done but not in the rate: the rate and time left are those of the units run now.
#include <chrono>
#include <cstdint>
#include <string>

namespace kcsim::cli {

class progress {
public:
    // `noun`: what is counted ("replicates", "experiments").
    progress(std::string label, std::uint64_t total, bool enabled, std::string noun = "replicates");
    ~progress() { finish(); }  // so that an error's message starts on a line of its own
    progress(const progress&) = delete;
    progress& operator=(const progress&) = delete;
    void update(std::uint64_t done);
    // `n` units were done before this run (reused on --resume): shown as done, not in the rate.
    void reused(std::uint64_t n) { base_ = n; }
    void finish();  // ends the line, if one is shown

private:
    std::string label_, noun_;
    std::uint64_t total_, base_ = 0;
    bool enabled_;
    bool shown_ = false;
    std::chrono::steady_clock::time_point start_, last_;
};

bool stderr_is_terminal();

}  // namespace kcsim::cli
