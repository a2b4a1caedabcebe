#include "analysis/posterior.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "analysis/paired.hpp"
#include "analysis/sweep.hpp"
#include "core/text.hpp"
#include "scenario/load.hpp"
#include "scenario/parameters.hpp"

namespace kcsim::analysis {

std::string draw_overrides(const std::vector<std::string>& keys, std::span<const double> draws, std::size_t r) {
    scenario::sweep sw;
    experiments ex;
    ex.count = 1;
    for (std::size_t j = 0; j < keys.size(); ++j) {
        scenario::uncertain_parameter u;
        u.key = keys[j];
        for (const auto& spec : scenario::parameter_specs()) {
            if (spec.key == keys[j]) u.integer = std::holds_alternative<std::int64_t scenario::params::*>(spec.field);
        }
        sw.uncertain.push_back(u);
        ex.uncertain.push_back(draws[r * keys.size() + j]);
    }
    return ex.overrides(sw, 0);
}

std::vector<scenario::scenario_ptr> with_draw(const std::vector<scenario::scenario_ptr>& scs,
                                              const std::vector<std::string>& keys, std::span<const double> draws,
                                              std::size_t r) {
    const std::string over = draw_overrides(keys, draws, r);
    std::vector<scenario::scenario_ptr> out;
    for (const auto& sc : scs) out.push_back(scenario::derive(*sc, over, sc->name));
    return out;
}

std::vector<posterior_contrast> posterior_contrasts(const comparison& c, const std::vector<double>& sample) {
    const std::size_t R = c.replicates, M = model::n_metrics;
    std::vector<posterior_contrast> rows;
    for (std::size_t s = 1; s < c.scenarios.size(); ++s) {
        for (const auto m : key_metrics()) {
            const std::size_t k = model::index(m);
            std::vector<double> d(R);
            for (std::size_t r = 0; r < R; ++r) d[r] = c.city[(s * R + r) * M + k] - c.city[r * M + k];
            posterior_contrast row;
            row.scenario = s;
            row.metric = m;
            row.median = quantile(d, 0.5);
            row.lo = quantile(d, 0.05);
            row.hi = quantile(d, 0.95);
            double higher = 0, mean = 0;
            for (double x : d) higher += x > 0 ? 1.0 : x == 0 ? 0.5 : 0.0, mean += x;
            row.p_higher = R > 0 ? higher / static_cast<double>(R) : NAN;
            mean /= static_cast<double>(std::max<std::size_t>(R, 1));
            double total = 0;
            for (double x : d) total += (x - mean) * (x - mean);
            total /= static_cast<double>(std::max<std::size_t>(R, 2) - 1);
            // Draws repeating one sample differ only by their seeds: their spread is Monte Carlo noise.
            std::map<double, std::vector<double>> groups;
            for (std::size_t r = 0; r < R; ++r) groups[sample[r]].push_back(d[r]);
            double within = 0, dof = 0;
            std::size_t repeated = 0;
            for (const auto& [key, g] : groups) {
                if (g.size() < 2) continue;
                ++repeated;
                double gm = 0;
                for (double x : g) gm += x;
                gm /= static_cast<double>(g.size());
                for (double x : g) within += (x - gm) * (x - gm);
                dof += static_cast<double>(g.size() - 1);
            }
            row.parameter_share = NAN;
            if (repeated >= 3 && dof > 0) {
                row.parameter_share = total > 0 ? std::clamp(1.0 - (within / dof) / total, 0.0, 1.0) : 0.0;
            }
            rows.push_back(row);
        }
    }
    return rows;
}

std::string posterior_text(const comparison& c, const std::vector<posterior_contrast>& rows, const std::string& path,
                           bool effect_identified) {
    std::string out = "Over the posterior " + path + " (" + std::to_string(c.replicates) +
                      " draws; replicate r uses draw r and seed r): each scenario minus " + c.scenarios.front() + "\n";
    char buf[512];
    std::snprintf(buf, sizeof buf, "  %-16s %-20s %12s %25s %9s %11s\n", "scenario", "metric", "median",
                  "90% interval over draws", "P(higher)", "parameters");
    out += buf;
    for (const auto& r : rows) {
        const std::string share = std::isnan(r.parameter_share)
                                      ? "n/a"
                                      : std::to_string(static_cast<int>(std::lround(100 * r.parameter_share))) + "%";
        std::snprintf(buf, sizeof buf, "  %-16s %-20s %12s %25s %9.2f %11s\n", c.scenarios[r.scenario].c_str(),
                      std::string(model::info(r.metric).name).c_str(), core::rounded_number(r.median).c_str(),
                      ("[" + core::rounded_number(r.lo) + ", " + core::rounded_number(r.hi) + "]").c_str(), r.p_higher,
                      share.c_str());
        out += buf;
    }
    out += "  (parameters: the share of the spread due to parameter uncertainty, the rest Monte Carlo noise,\n"
           "   from draws that repeat a posterior sample; n/a when fewer than 3 do)\n";
    if (!effect_identified)
        out += "Note: the calibration targets cannot tell the programme's effect from none, so these contrasts rest "
               "on the prior.\n";
    return out;
}

}  // namespace kcsim::analysis
