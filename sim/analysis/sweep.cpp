#include "analysis/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "analysis/posterior.hpp"
#include "analysis/sensitivity.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "engine/simulation.hpp"
#include "model/metrics.hpp"
#include "model/summary.hpp"
#include "scenario/load.hpp"

namespace kcsim::analysis {

namespace {

// Unit-cube rows of the design over the uncertain parameters.
std::vector<double> unit_design(const scenario::sweep& sw, experiments& ex) {
    const std::size_t k = sw.uncertain.size();
    if (k == 0) return {};
    if (sw.design == "full_factorial") {
        auto idx = full_factorial(std::vector<std::size_t>(k, sw.levels));
        for (auto& x : idx) x /= static_cast<double>(sw.levels - 1);
        return idx;
    }
    if (sw.design == "latin_hypercube") return latin_hypercube(sw.samples, k, sw.seed);
    if (sw.design == "sobol_sequence") return sobol_sequence(sw.samples, k, 1);
    if (sw.design == "saltelli") {
        auto d = saltelli(sw.samples, k, sw.seed);
        auto pts = d.points;
        ex.design = std::move(d);
        return pts;
    }
    if (sw.design == "morris") {
        auto d = morris(sw.samples, k, sw.levels, sw.seed);
        auto pts = d.points;
        ex.design = std::move(d);
        return pts;
    }
    throw internal_error("unknown design '" + sw.design + "'");
}

}  // namespace

experiments plan_experiments(const scenario::sweep& sw) {
    experiments ex;
    const std::size_t k = sw.uncertain.size(), nl = sw.levers.size();
    const auto unit = unit_design(sw, ex);
    ex.samples = k == 0 ? 1 : unit.size() / k;
    for (const auto& l : sw.levers) ex.policies *= l.values.size();
    ex.count = ex.policies * ex.samples;
    for (std::size_t pol = 0; pol < ex.policies; ++pol) {
        // Lever values of this policy: a mixed-radix count over the levers, last lever fastest.
        std::vector<std::size_t> pick(nl);
        std::size_t rest = pol;
        for (std::size_t j = nl; j-- > 0;) {
            pick[j] = rest % sw.levers[j].values.size();
            rest /= sw.levers[j].values.size();
        }
        for (std::size_t s = 0; s < ex.samples; ++s) {
            for (std::size_t i = 0; i < k; ++i) {
                const auto& u = sw.uncertain[i];
                double v = u.min + unit[s * k + i] * (u.max - u.min);
                if (u.integer) v = std::round(v);
                ex.uncertain.push_back(v);
            }
            for (std::size_t j = 0; j < nl; ++j) ex.lever_values.push_back(sw.levers[j].values[pick[j]]);
            ex.policy.push_back(pol);
            ex.sample.push_back(s);
        }
    }
    return ex;
}

std::string experiments::overrides(const scenario::sweep& sw, std::size_t e) const {
    // TOML allows each [section] once, so group the keys by section.
    std::map<std::string, std::string> sections;
    auto add = [&](const std::string& key, const std::string& value) {
        const auto dot = key.find('.');
        sections[key.substr(0, dot)] += key.substr(dot + 1) + " = " + value + "\n";
    };
    const std::size_t k = sw.uncertain.size(), nl = sw.levers.size();
    for (std::size_t i = 0; i < k; ++i) {
        char buf[64];
        const double v = uncertain[e * k + i];
        std::string text;
        if (sw.uncertain[i].integer) {
            std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
            text = buf;
        } else {
            std::snprintf(buf, sizeof buf, "%.17g", v);  // round-trips the double exactly
            text = buf;
            if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
        }
        add(sw.uncertain[i].key, text);
    }
    for (std::size_t j = 0; j < nl; ++j) add(sw.levers[j].key, lever_values[e * nl + j]);
    std::string text;
    for (const auto& [sec, body] : sections) text += "[" + sec + "]\n" + body;
    return text;
}

sensitivity analyse(const experiments& ex, std::span<const double> y, std::uint64_t seed) {
    sensitivity out;
    if (const auto* d = std::get_if<saltelli_design>(&ex.design)) {
        const auto s = sobol_analyze(*d, y, 200, seed);
        out.s1 = s.s1, out.s1_lo = s.s1_lo, out.s1_hi = s.s1_hi, out.st = s.st, out.st_lo = s.st_lo,
        out.st_hi = s.st_hi;
    } else if (const auto* m = std::get_if<morris_design>(&ex.design)) {
        const auto s = morris_analyze(*m, y);
        out.mu = s.mu, out.mu_star = s.mu_star, out.sigma = s.sigma;
    }
    return out;
}

std::vector<std::size_t> outcome_indices(scenario::sweep& sw) {
    if (sw.outcomes.empty()) {
        sw.outcomes = {"tech_firms",      "high_tech_firms", "problems_solved",
                       "expert_services", "tech_contracts",  "innovations"};
    }
    const auto names = model::metric_names();
    std::vector<std::size_t> out;
    for (const auto& o : sw.outcomes) {
        auto it = std::find(names.begin(), names.end(), o);
        if (it == names.end()) {
            const std::string hint = core::closest_match(o, names);
            throw input_error(sw.source + ": 'outcomes' has \"" + o + "\": no such metric" +
                              (hint.empty() ? " (see kcsim metrics)" : "; did you mean '" + hint + "'?"));
        }
        out.push_back(static_cast<std::size_t>(it - names.begin()));
    }
    return out;
}

sweep_draws draws_for_sweep(const scenario::sweep& sw, const std::vector<std::string>& keys,
                            std::span<const double> draws, const std::string& path) {
    sweep_draws out;
    std::vector<std::size_t> kept;
    for (std::size_t j = 0; j < keys.size(); ++j) {
        const bool swept =
            std::any_of(sw.uncertain.begin(), sw.uncertain.end(), [&](const auto& u) { return u.key == keys[j]; }) ||
            std::any_of(sw.levers.begin(), sw.levers.end(), [&](const auto& l) { return l.key == keys[j]; });
        (swept ? out.dropped : out.keys).push_back(keys[j]);
        if (!swept) kept.push_back(j);
    }
    const std::size_t n = keys.empty() ? 0 : draws.size() / keys.size();
    if (sw.replicates > n) {
        throw input_error(path + ": " + std::to_string(sw.replicates) +
                          " replicates per experiment are more than its " + std::to_string(n) +
                          " draws (replicate r uses draw r); give " + std::to_string(n) + " replicates or fewer");
    }
    for (std::size_t r = 0; r < n; ++r)
        for (const auto j : kept) out.values.push_back(draws[r * keys.size() + j]);
    for (std::size_t r = 0; r < sw.replicates && !out.keys.empty(); ++r) {
        try {
            (void)with_draw({sw.base}, out.keys, out.values, r);
        } catch (const scenario_error& err) {
            throw input_error(path + ": draw " + std::to_string(r) + " makes an invalid scenario of " + sw.source +
                              ": " + err.message);
        }
    }
    return out;
}

engine::replicate_result run_experiment(const scenario::sweep& sw, const experiments& ex, std::size_t e,
                                        engine::execution_context& ctx, const std::atomic<bool>* cancel,
                                        const sweep_draws* post) {
    const std::string overrides = ex.overrides(sw, e);
    const auto sc = scenario::derive(*sw.base, overrides, sw.name);
    // Over a posterior, replicate r's scenario: the base with draw r, then the experiment's values.
    auto replicate_scenario = [&](std::size_t r) {
        if (!post || post->keys.empty()) return sc;
        const auto drawn = with_draw({sw.base}, post->keys, post->values, r).front();
        return scenario::derive(*drawn, overrides, sw.name);
    };
    const std::size_t M = model::n_metrics;
    engine::replicate_result res;
    res.replicate = e;
    res.metrics.assign(sw.replicates * M, std::numeric_limits<double>::quiet_NaN());
    const std::size_t Y = model::ledger_years(sc->cal).size();
    res.summary.assign(sw.replicates * Y * M, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t r = 0; r < sw.replicates; ++r) {
        engine::simulation sim(ctx, replicate_scenario(r), sw.seed, r);
        try {
            sim.run(ctx, cancel);
        } catch (const model_error& err) {
            if (res.ok) res.message = err.what();
            res.ok = false;
            continue;  // left as NaN
        }
        const auto f =
            model::city_summary(sim.metrics(), static_cast<std::size_t>(sc->cal.steps()), sc->districts.size());
        std::copy(f.value.begin(), f.value.end(), res.metrics.begin() + static_cast<std::ptrdiff_t>(r * M));
        const auto yearly = model::city_by_year(sim.metrics(), sc->cal, sc->districts.size());
        std::copy(yearly.begin(), yearly.end(), res.summary.begin() + static_cast<std::ptrdiff_t>(r * Y * M));
    }
    return res;
}

namespace {

// The mean over replicates of outcome m in each design row of policy pol.
std::vector<double> row_means(const scenario::sweep& sw, const experiments& ex, std::span<const double> outcomes,
                              std::size_t pol, std::size_t m) {
    const std::size_t R = sw.replicates, M = model::n_metrics;
    std::vector<double> y(ex.samples);
    for (std::size_t s = 0; s < ex.samples; ++s) {
        const std::size_t e = pol * ex.samples + s;
        double sum = 0;
        for (std::size_t r = 0; r < R; ++r) sum += outcomes[(e * R + r) * M + m];
        y[s] = sum / static_cast<double>(R);
    }
    return y;
}

bool any_failed(std::span<const double> outcomes) {
    bool failed = false;
    for (std::size_t k = 0; k < outcomes.size(); k += model::n_metrics) failed = failed || std::isnan(outcomes[k]);
    return failed;
}

}  // namespace

std::vector<std::vector<sensitivity>> sweep_sensitivity(const scenario::sweep& sw, const experiments& ex,
                                                        std::span<const double> outcomes,
                                                        const std::vector<std::size_t>& outcome_index) {
    const bool failed = any_failed(outcomes);
    std::vector<std::vector<sensitivity>> indices(ex.policies);
    for (std::size_t pol = 0; pol < ex.policies; ++pol) {
        for (const std::size_t m : outcome_index)
            indices[pol].push_back(failed ? sensitivity{} : analyse(ex, row_means(sw, ex, outcomes, pol, m), sw.seed));
    }
    return indices;
}

std::vector<std::vector<sensitivity>> contrast_sensitivity(const scenario::sweep& sw, const experiments& ex,
                                                           std::span<const double> outcomes,
                                                           const std::vector<std::size_t>& outcome_index) {
    const bool failed = any_failed(outcomes);
    std::vector<std::vector<sensitivity>> indices(ex.policies);
    for (std::size_t pol = 1; pol < ex.policies; ++pol) {
        for (const std::size_t m : outcome_index) {
            auto y = row_means(sw, ex, outcomes, pol, m);
            const auto base = row_means(sw, ex, outcomes, 0, m);
            for (std::size_t s = 0; s < y.size(); ++s) y[s] -= base[s];
            indices[pol].push_back(failed ? sensitivity{} : analyse(ex, y, sw.seed));
        }
    }
    return indices;
}

}  // namespace kcsim::analysis
