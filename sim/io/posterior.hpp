#pragma once
// Reading the posterior of a kcsim calibrate file (/posterior, docs/calibration.md) for
// compare --parameters: the parameter keys and the equally weighted draws.
#include <string>
#include <vector>

namespace kcsim::io {

struct posterior {
    std::string path;
    std::vector<std::string> keys;    // dotted parameter names
    std::vector<double> draws;        // [draw][key]
    std::vector<double> draw_sample;  // the weighted sample each draw repeats
    bool effect_identified = false;   // the targets rule out 'no programme'
    std::string draws_sha256;         // of the keys (newline-joined) + '\n' + the draws' bytes
    std::size_t size() const { return keys.empty() ? 0 : draws.size() / keys.size(); }
};

// Throws input_error (exit 2) naming the file when it is no kcsim calibrate output.
posterior read_posterior(const std::string& path);

// The posterior a job of `replicates` replicates runs over (replicate r: draw r), or an empty one
// when `path` is empty; throws input_error, `who` first, when it has fewer draws than that.
posterior read_posterior_for(const std::string& path, std::size_t replicates, const std::string& who);

}  // namespace kcsim::io
