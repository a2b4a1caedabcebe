#include "analysis/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "analysis/designs.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "model/metrics.hpp"
#include "model/summary.hpp"
#include "rng/philox.hpp"
#include "scenario/load.hpp"

namespace kcsim::analysis {

namespace {

std::string at(const scenario::observation_set& obs, const scenario::observation& o) {
    return obs.source + ":" + std::to_string(o.line) + ":" + std::to_string(o.column) + ": target '" + o.name + "'";
}

// The last step ending on or before d, or -1.
int last_step_by(const scenario::calendar& cal, core::date d) {
    if (d < cal.step_last_day(0)) return -1;
    return std::min(cal.steps() - 1, (d - cal.start + 1) / cal.step_days - 1);
}

// The total variance of a target beside the ensemble's: measurement and model discrepancy.
double fixed_variance(const scenario::observation& o) { return o.sd * o.sd + o.discrepancy * o.discrepancy; }

}  // namespace

std::vector<std::size_t> check_observations(const scenario::observation_set& obs, const scenario::scenario& sc) {
    const auto names = model::metric_names();
    std::vector<std::size_t> index;
    bool calibrated = false;
    for (const auto& o : obs.targets) {
        const auto it = std::find(names.begin(), names.end(), o.metric);
        if (it == names.end()) {
            const std::string hint = core::closest_match(o.metric, names);
            throw input_error(at(obs, o) + ": metric = \"" + o.metric + "\" is no metric" +
                              (hint.empty() ? " (see kcsim metrics)" : "; did you mean '" + hint + "'?"));
        }
        const auto m = static_cast<model::metric>(it - names.begin());
        const bool flow = model::info(m).kind == "flow";
        if (flow != o.period) {
            throw input_error(at(obs, o) + ": metric '" + o.metric + "' is a " + std::string(model::info(m).kind) +
                              (flow ? ", counted over a period: give 'from' and 'to', not 'date'"
                                    : ", read at a date: give 'date', not 'from' and 'to'"));
        }
        const core::date last = sc.cal.step_last_day(sc.cal.steps() - 1);
        // A date up to a week past the last step reads that step (the last one ending by then).
        if (o.to >= last + sc.cal.step_days || last_step_by(sc.cal, o.to) < 0 ||
            (o.period && o.from < sc.cal.start + (-sc.cal.step_days))) {
            throw input_error(at(obs, o) + ": " + (o.period ? "the period " + core::to_iso(o.from) + " to " : "date ") +
                              core::to_iso(o.to) + " is outside the scenario '" + sc.name + "', which runs weeks " +
                              core::to_iso(sc.cal.start) + " to " + core::to_iso(last));
        }
        if (o.period && last_step_by(sc.cal, o.to) < 0)
            throw input_error(at(obs, o) + ": no week of the scenario ends in the period");
        calibrated = calibrated || !o.hold_out;
        index.push_back(static_cast<std::size_t>(it - names.begin()));
    }
    if (!calibrated)
        throw input_error(obs.source + ": every target is use = \"hold-out\"; calibration needs at least one "
                                       "use = \"calibrate\"");
    return index;
}

std::vector<double> target_values(const scenario::scenario& sc, std::span<const double> metrics,
                                  const scenario::observation_set& obs, const std::vector<std::size_t>& metric_index) {
    const std::size_t D = sc.districts.size(), row = D * model::n_metrics;
    const int steps = sc.cal.steps();
    std::vector<double> out;
    for (std::size_t j = 0; j < obs.targets.size(); ++j) {
        const auto& o = obs.targets[j];
        const auto m = static_cast<model::metric>(metric_index[j]);
        auto value = [&](int t) {
            return model::city_value(metrics.subspan(static_cast<std::size_t>(t) * row, row), D, m);
        };
        if (!o.period) {
            out.push_back(value(std::min(last_step_by(sc.cal, o.to), steps - 1)));
            continue;
        }
        double sum = 0;
        for (int t = 0; t < steps; ++t) {
            const auto d = sc.cal.step_last_day(t);
            if (d >= o.from && d <= o.to) sum += value(t);
        }
        out.push_back(sum);
    }
    return out;
}

scenario::scenario_ptr until_last_target(const scenario::scenario& sc, const scenario::observation_set& obs) {
    int last = 0;
    for (const auto& o : obs.targets) last = std::max(last, last_step_by(sc.cal, o.to));
    return scenario::until(sc, sc.cal.step_last_day(last));
}

std::vector<double> wave_design(const scenario::sweep& prior, const std::vector<double>& lo,
                                const std::vector<double>& hi, std::size_t n, std::size_t index) {
    const std::size_t k = prior.uncertain.size();
    // A different hypercube per wave: the sweep seed mixed with the wave (splitmix64's constant).
    auto unit = latin_hypercube(n, k, prior.seed ^ (0x9E3779B97F4A7C15ull * (index + 1)));
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < k; ++j) {
            double& x = unit[i * k + j];
            x = lo[j] + x * (hi[j] - lo[j]);
            if (prior.uncertain[j].integer) x = std::round(x);
        }
    }
    return unit;
}

void assess(wave& w, std::span<const double> runs, std::size_t replicates, const scenario::observation_set& obs,
            double cutoff) {
    const std::size_t T = obs.targets.size(), R = replicates, n = runs.size() / (R * T);
    w.mean.assign(n * T, 0.0);
    w.var.assign(n * T, 0.0);
    w.implausibility.assign(n * T, 0.0);
    w.max_implausibility.assign(n, 0.0);
    w.plausible.assign(n, 0);
    // Each point's mean and ensemble variance per target; a few replicates estimate a variance
    // poorly (by chance near 0), so each target's variance is at least the median over the wave.
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < T; ++j) {
            double sum = 0, sq = 0;
            for (std::size_t r = 0; r < R; ++r) sum += runs[(i * R + r) * T + j];
            const double mean = sum / static_cast<double>(R);
            for (std::size_t r = 0; r < R; ++r) sq += std::pow(runs[(i * R + r) * T + j] - mean, 2);
            w.mean[i * T + j] = mean;
            w.var[i * T + j] = R > 1 ? sq / static_cast<double>(R - 1) : 0.0;
        }
    }
    std::vector<double> floor(T, 0.0);
    for (std::size_t j = 0; j < T && n > 0; ++j) {
        std::vector<double> v;
        for (std::size_t i = 0; i < n; ++i)
            if (!std::isnan(w.var[i * T + j])) v.push_back(w.var[i * T + j]);
        if (v.empty()) continue;
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
        floor[j] = v[v.size() / 2];
    }
    std::size_t count = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double worst = 0;
        for (std::size_t j = 0; j < T; ++j) {
            const auto& o = obs.targets[j];
            const double mean = w.mean[i * T + j], var = std::max(w.var[i * T + j], floor[j]);
            const double total = fixed_variance(o) + var * (1.0 + 1.0 / static_cast<double>(R));
            const double imp = std::isnan(mean) ? INFINITY : std::abs(o.value - mean) / std::sqrt(total);
            w.implausibility[i * T + j] = imp;
            if (!o.hold_out) worst = std::max(worst, imp);
        }
        w.max_implausibility[i] = worst;
        w.plausible[i] = worst <= cutoff ? 1 : 0;
        count += w.plausible[i];
    }
    w.fraction = n > 0 ? static_cast<double>(count) / static_cast<double>(n) : 0.0;
}

void next_box(wave& w, const scenario::sweep& prior, std::vector<double>& lo, std::vector<double>& hi) {
    const std::size_t k = prior.uncertain.size(), n = w.plausible.size();
    std::vector<std::size_t> keep;
    for (std::size_t i = 0; i < n; ++i)
        if (w.plausible[i]) keep.push_back(i);
    w.fallback = keep.empty();
    if (keep.empty()) {  // nothing to narrow to: the next wave samples the same box afresh
        lo = w.lo;
        hi = w.hi;
        return;
    }
    for (std::size_t j = 0; j < k; ++j) {
        double a = INFINITY, b = -INFINITY;
        for (auto i : keep) {
            a = std::min(a, w.points[i * k + j]);
            b = std::max(b, w.points[i * k + j]);
        }
        // Half the typical spacing of n points in k dimensions (n^(-1/k) of the box): the
        // neighbourhood a design point speaks for. One stratum (1/n) would miss a thin region.
        const double pad = 0.5 * (w.hi[j] - w.lo[j]) *
                           std::pow(static_cast<double>(std::max<std::size_t>(n, 1)), -1.0 / static_cast<double>(k));
        lo[j] = std::max(prior.uncertain[j].min, a - pad);
        hi[j] = std::min(prior.uncertain[j].max, b + pad);
        if (!(lo[j] < hi[j])) {  // one value left (an integer parameter): keep a sliver around it
            lo[j] = std::max(prior.uncertain[j].min, a - pad - 0.5);
            hi[j] = std::min(prior.uncertain[j].max, b + pad + 0.5);
        }
    }
}

namespace {

// Solves A x = b (A n x n, row-major) by Gaussian elimination with partial pivoting; false if singular.
bool solve(std::vector<double> a, std::vector<double>& b, std::size_t n) {
    for (std::size_t c = 0; c < n; ++c) {
        std::size_t p = c;
        for (std::size_t r = c + 1; r < n; ++r)
            if (std::abs(a[r * n + c]) > std::abs(a[p * n + c])) p = r;
        if (std::abs(a[p * n + c]) < 1e-12) return false;
        if (p != c) {
            for (std::size_t j = 0; j < n; ++j) std::swap(a[p * n + j], a[c * n + j]);
            std::swap(b[p], b[c]);
        }
        for (std::size_t r = c + 1; r < n; ++r) {
            const double f = a[r * n + c] / a[c * n + c];
            for (std::size_t j = c; j < n; ++j) a[r * n + j] -= f * a[c * n + j];
            b[r] -= f * b[c];
        }
    }
    for (std::size_t c = n; c-- > 0;) {
        for (std::size_t j = c + 1; j < n; ++j) b[c] -= a[c * n + j] * b[j];
        b[c] /= a[c * n + c];
    }
    return true;
}

}  // namespace

abc_result abc_regression(std::span<const double> points, std::span<const double> stats, std::size_t k,
                          const scenario::observation_set& obs, const scenario::sweep& prior, double accept,
                          std::uint64_t seed) {
    abc_result a;
    const std::size_t T = obs.targets.size(), n = points.size() / k;
    a.points.assign(points.begin(), points.end());
    a.stats.assign(stats.begin(), stats.end());
    std::vector<std::size_t> cal;
    for (std::size_t j = 0; j < T; ++j)
        if (!obs.targets[j].hold_out) cal.push_back(j);
    // Scaled residuals of the calibrate targets: (s - z) / sqrt(sd^2 + discrepancy^2).
    std::vector<double> res(n * cal.size());
    a.distance.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        double d2 = 0;
        for (std::size_t c = 0; c < cal.size(); ++c) {
            const auto& o = obs.targets[cal[c]];
            // Noisy ABC (Wilkinson 2013): the draw's value plus measurement error and model
            // discrepancy, so the posterior carries both and not only the model's own noise.
            rng::stream noise(rng::key{seed, 1}, i, cal[c], rng::purpose::calibration);
            const double sim = stats[i * T + cal[c]] + std::sqrt(fixed_variance(o)) * noise.normal();
            const double e = (sim - o.value) / std::sqrt(fixed_variance(o));
            res[i * cal.size() + c] = e;
            d2 += e * e;
        }
        a.distance[i] = std::isnan(d2) ? INFINITY : std::sqrt(d2);
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return a.distance[x] < a.distance[y]; });
    const std::size_t m = std::clamp<std::size_t>(static_cast<std::size_t>(std::ceil(accept * static_cast<double>(n))),
                                                  std::min<std::size_t>(n, 2), n);
    a.accepted.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(m));
    // epsilon just above the farthest accepted, so that it keeps a positive kernel weight.
    a.epsilon = a.distance[a.accepted.back()] * (1 + 1e-9) + 1e-300;
    a.acceptance = static_cast<double>(m) / static_cast<double>(n);
    std::vector<double> w(m);
    double wsum = 0;
    for (std::size_t i = 0; i < m; ++i) {
        const double u = a.distance[a.accepted[i]] / a.epsilon;
        w[i] = std::isfinite(u) ? std::max(0.0, 1 - u * u) : 0.0;
        wsum += w[i];
    }
    if (!(wsum > 0)) std::fill(w.begin(), w.end(), 1.0), wsum = static_cast<double>(m);
    for (auto& x : w) x /= wsum;
    a.weights = w;
    double sq = 0;
    for (double x : w) sq += x * x;
    a.ess = 1.0 / sq;
    // theta_adj = theta - beta' (s - z), beta from the weighted least squares of theta on (1, s - z).
    const std::size_t p = cal.size() + 1;
    a.adjusted.resize(m * k);
    for (std::size_t j = 0; j < k; ++j) {
        std::vector<double> xtx(p * p, 0.0), xty(p, 0.0);
        const auto& u = prior.uncertain[j];
        // On the logit scale of the prior's range, so that adjusted values stay inside it
        // without piling up on its bounds (as the abc package's "logit" transformation).
        const double span = u.max - u.min, eps = 1e-6;
        auto to_logit = [&](double v) {
            const double q = std::clamp((v - u.min) / span, eps, 1 - eps);
            return std::log(q / (1 - q));
        };
        auto from_logit = [&](double z) { return u.min + span / (1 + std::exp(-z)); };
        for (std::size_t i = 0; i < m; ++i) {
            std::vector<double> x(p, 1.0);
            for (std::size_t c = 0; c < cal.size(); ++c) x[c + 1] = res[a.accepted[i] * cal.size() + c];
            const double y = to_logit(points[a.accepted[i] * k + j]);
            for (std::size_t r = 0; r < p; ++r) {
                xty[r] += w[i] * x[r] * y;
                for (std::size_t c = 0; c < p; ++c) xtx[r * p + c] += w[i] * x[r] * x[c];
            }
        }
        for (std::size_t r = 1; r < p; ++r) xtx[r * p + r] += 1e-9;  // a touch of ridge for collinear targets
        const bool ok = m > p && solve(xtx, xty, p);
        for (std::size_t i = 0; i < m; ++i) {
            double z = to_logit(points[a.accepted[i] * k + j]);
            if (ok) {
                for (std::size_t c = 0; c < cal.size(); ++c) z -= xty[c + 1] * res[a.accepted[i] * cal.size() + c];
            }
            double v = ok ? std::clamp(from_logit(z), u.min, u.max) : points[a.accepted[i] * k + j];
            if (u.integer) v = std::round(v);
            a.adjusted[i * k + j] = v;
        }
    }
    return a;
}

std::vector<std::size_t> resample(std::span<const double> weights, std::size_t n, std::uint64_t seed) {
    rng::stream s(rng::key{seed, 0}, 0, 0, rng::purpose::calibration);
    const double u = s.uniform();
    double total = 0;
    for (double w : weights) total += w;
    std::vector<std::size_t> out;
    double cum = weights.empty() ? 0 : weights[0] / total;
    std::size_t i = 0;
    for (std::size_t r = 0; r < n; ++r) {
        const double target = (static_cast<double>(r) + u) / static_cast<double>(n);
        while (cum < target && i + 1 < weights.size()) cum += weights[++i] / total;
        out.push_back(i);
    }
    // Systematic resampling lists each sample's copies together; shuffled, any first k draws are
    // a sample of the posterior (a comparison or a search on k < n replicates uses draws 0..k-1).
    rng::stream shuffle(rng::key{seed, 0}, 1, 0, rng::purpose::calibration);
    for (std::size_t r = out.size(); r > 1; --r) {
        const auto j = std::min(r - 1, static_cast<std::size_t>(shuffle.uniform() * static_cast<double>(r)));
        std::swap(out[r - 1], out[j]);
    }
    return out;
}

double weighted_quantile(std::vector<double> xs, std::vector<double> ws, double q) {
    std::vector<std::size_t> order(xs.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return xs[a] < xs[b]; });
    double total = 0;
    for (double w : ws) total += w;
    double cum = 0;
    for (auto i : order) {
        cum += ws[i] / total;
        if (cum >= q - 1e-12) return xs[i];
    }
    return order.empty() ? NAN : xs[order.back()];
}

identifiability identify(const scenario::sweep& prior, const abc_result& abc, double plan_fraction,
                         double null_fraction) {
    identifiability id;
    const std::size_t k = prior.uncertain.size(), m = abc.accepted.size();
    char buf[512];
    id.text = "Identifiability: what the calibrate targets constrain (posterior 90% interval against the prior)\n";
    for (std::size_t j = 0; j < k; ++j) {
        const auto& u = prior.uncertain[j];
        std::vector<double> xs(m);
        for (std::size_t i = 0; i < m; ++i) xs[i] = abc.adjusted[i * k + j];
        id.prior_lo.push_back(u.min);
        id.prior_hi.push_back(u.max);
        id.post_q05.push_back(weighted_quantile(xs, abc.weights, 0.05));
        id.post_q50.push_back(weighted_quantile(xs, abc.weights, 0.5));
        id.post_q95.push_back(weighted_quantile(xs, abc.weights, 0.95));
        // The prior's own 90% interval is 90% of its range (uniform).
        const double ratio = (id.post_q95.back() - id.post_q05.back()) / (0.9 * (u.max - u.min));
        id.width_ratio.push_back(ratio);
        id.verdict.emplace_back(ratio < 0.5 ? "constrained" : ratio < 0.8 ? "weakly constrained" : "not constrained");
        std::snprintf(buf, sizeof buf, "  %-44s prior [%s, %s]  posterior %s [%s, %s]  width %3.0f%%  %s\n",
                      u.key.c_str(), core::rounded_number(u.min).c_str(), core::rounded_number(u.max).c_str(),
                      core::rounded_number(id.post_q50.back()).c_str(),
                      core::rounded_number(id.post_q05.back()).c_str(),
                      core::rounded_number(id.post_q95.back()).c_str(), 100 * ratio, id.verdict.back().c_str());
        id.text += buf;
    }
    id.plan_fraction = plan_fraction;
    id.null_fraction = null_fraction;
    if (null_fraction < 0) {
        id.text += "Programme effect: not assessed (no counterfactual was run)\n";
    } else {
        id.effect_identified = plan_fraction > 0 && null_fraction < 0.01;
        std::snprintf(buf, sizeof buf,
                      "Programme effect: of the first wave's design points (over the whole prior), %.0f%% fit the "
                      "targets with the programme and %.0f%% without it (programme.enabled = false).\n",
                      100 * plan_fraction, 100 * null_fraction);
        id.text += buf;
        id.text += id.effect_identified
                       ? "  The targets rule out 'no programme': the data can tell the programme's effect from none.\n"
                       : "  The targets do not rule out 'no programme': the data cannot tell the programme's effect "
                         "from none, so a comparison's programme effect rests on the prior.\n";
    }
    return id;
}

void predict(calibration& c) {
    const std::size_t T = c.targets->targets.size(), m = c.abc.accepted.size();
    c.predicted_q05.clear(), c.predicted_q50.clear(), c.predicted_q95.clear();
    for (std::size_t j = 0; j < T; ++j) {
        std::vector<double> xs(m);
        for (std::size_t i = 0; i < m; ++i) xs[i] = c.abc.stats[c.abc.accepted[i] * T + j];
        c.predicted_q05.push_back(weighted_quantile(xs, c.abc.weights, 0.05));
        c.predicted_q50.push_back(weighted_quantile(xs, c.abc.weights, 0.5));
        c.predicted_q95.push_back(weighted_quantile(xs, c.abc.weights, 0.95));
    }
}

std::string validation_text(const calibration& c) {
    std::string text = "Targets against the posterior (median and 90% interval of the accepted draws):\n";
    char buf[512];
    for (std::size_t j = 0; j < c.targets->targets.size(); ++j) {
        const auto& o = c.targets->targets[j];
        const double half = 1.645 * std::sqrt(fixed_variance(o));
        const bool inside = o.value >= c.predicted_q05[j] - half && o.value <= c.predicted_q95[j] + half;
        std::snprintf(buf, sizeof buf, "  %-9s %-24s observed %10s  model %10s [%s, %s]  %s\n",
                      o.hold_out ? "hold-out" : "calibrate", o.name.c_str(), core::rounded_number(o.value).c_str(),
                      core::rounded_number(c.predicted_q50[j]).c_str(),
                      core::rounded_number(c.predicted_q05[j]).c_str(),
                      core::rounded_number(c.predicted_q95[j]).c_str(),
                      inside ? "consistent" : "MISSED (beyond the interval widened by sd and discrepancy)");
        text += buf;
    }
    return text;
}

}  // namespace kcsim::analysis
