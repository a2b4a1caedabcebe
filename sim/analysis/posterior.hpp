#pragma once
// Comparisons over a posterior (compare --parameters): replicate r of every scenario runs with
// posterior draw r and seed r, so each contrast is paired draw by draw; its spread then mixes
// parameter uncertainty and Monte Carlo noise, which posterior_contrasts separates.
#include <span>
#include <string>
#include <vector>

#include "analysis/compare.hpp"
#include "scenario/scenario.hpp"

namespace kcsim::analysis {

// Draw r of a posterior ([draw][key]) as scenario overrides (TOML), written as a sweep's
// experiment would be (experiments::overrides): integer parameters as integers.
std::string draw_overrides(const std::vector<std::string>& keys, std::span<const double> draws, std::size_t r);

// Each scenario with draw r's values (its name kept): replicate r of a comparison over a posterior.
std::vector<scenario::scenario_ptr> with_draw(const std::vector<scenario::scenario_ptr>& scs,
                                              const std::vector<std::string>& keys, std::span<const double> draws,
                                              std::size_t r);

// One contrast (scenario - baseline) of one metric over the draws.
struct posterior_contrast {
    std::size_t scenario = 0;
    model::metric metric{};
    double median = 0, lo = 0, hi = 0;  // median and 90% interval (5% and 95% quantiles) of the differences
    double p_higher = 0;                // share of draws where the scenario is higher (ties half)
    // Share of the differences' variance due to parameter uncertainty: 1 - (pooled variance
    // among draws that repeat one posterior sample, i.e. Monte Carlo noise) / (total variance).
    // NaN when fewer than 3 samples are repeated.
    double parameter_share = 0;
};

// sample[r]: the posterior sample replicate r's draw repeats (for the noise estimate).
std::vector<posterior_contrast> posterior_contrasts(const comparison& c, const std::vector<double>& sample);

// The table, and one line saying that the result rests on the prior when the calibration could
// not tell the programme's effect from none.
std::string posterior_text(const comparison& c, const std::vector<posterior_contrast>& rows, const std::string& path,
                           bool effect_identified);

}  // namespace kcsim::analysis
