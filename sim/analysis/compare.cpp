#include "analysis/compare.hpp"

#include <limits>

#include "analysis/paired.hpp"
#include "analysis/targets.hpp"
#include "core/error.hpp"

namespace kcsim::analysis {

using model::metric;

const std::vector<std::string>& comparison_statistics() {
    static const std::vector<std::string> s = {"mean", "p05", "p95", "diff_mean", "diff_lo95", "diff_hi95", "p_higher"};
    return s;
}

const std::vector<model::metric>& key_metrics() {
    static const std::vector<metric> m = {
        metric::needs_solved,    metric::tech_firms,         metric::high_tech_firms,     metric::problems_solved,
        metric::expert_services, metric::tech_contracts,     metric::tech_contract_value, metric::innovations,
        metric::rd_spend,        metric::startups_graduated, metric::financing_amount,    metric::programme_spend,
        metric::reward_funds,
    };
    return m;
}

namespace {
// Per (scenario, metric): mean and 90% interval over replicates, the paired difference from
// scenario 0 with its 95% interval, and the share of replicates above it. city: [s][r][metric].
std::vector<double> summarise(const std::vector<double>& city, std::size_t S, std::size_t R) {
    const std::size_t M = model::n_metrics, K = comparison_statistics().size();
    auto column = [&](std::size_t s, std::size_t m) {
        std::vector<double> v(R);
        for (std::size_t r = 0; r < R; ++r) v[r] = city[(s * R + r) * M + m];
        return v;
    };
    std::vector<double> summary(S * M * K, 0.0);
    for (std::size_t s = 0; s < S; ++s) {
        for (std::size_t m = 0; m < M; ++m) {
            const auto v = column(s, m);
            const auto base = column(0, m);
            const auto d = describe(v);
            const auto diff = paired(base, v);
            // With no replicate left there is nothing to say: NaN, not zeros that read like results.
            const double nan = std::numeric_limits<double>::quiet_NaN();
            const bool none = R == 0;
            const double stats[] = {none ? nan : d.mean,       none ? nan : d.lo,    none ? nan : d.hi,
                                    none ? nan : diff.mean,    none ? nan : diff.lo, none ? nan : diff.hi,
                                    none ? nan : diff.p_better};
            for (std::size_t k = 0; k < K; ++k) summary[(s * M + m) * K + k] = stats[k];
        }
    }
    return summary;
}
}  // namespace

const std::vector<model::metric>& area_metrics() {
    static const std::vector<metric> m = {metric::tech_firms,      metric::high_tech_firms, metric::problems_solved,
                                          metric::expert_services, metric::tech_contracts,  metric::innovations};
    return m;
}

double comparison::area_value(std::size_t a, std::size_t s, std::size_t m, std::size_t k) const {
    const std::size_t K = comparison_statistics().size(), S = scenarios.size();
    return area_summary[((a * S + s) * model::n_metrics + m) * K + k];
}

void add_areas(comparison& c, const std::vector<std::string>& areas,
               const std::vector<std::vector<std::vector<model::city_figures>>>& per_area) {
    const std::size_t S = c.scenarios.size(), R = c.replicates, M = model::n_metrics;
    if (per_area.size() != areas.size()) throw internal_error("comparison areas do not match their figures");
    c.areas = areas;
    c.area_summary.clear();
    for (const auto& area : per_area) {
        if (area.size() != S) throw internal_error("an area's figures do not match the scenarios");
        std::vector<double> city(S * R * M, 0.0);
        for (std::size_t s = 0; s < S; ++s) {
            if (area[s].size() != R) throw internal_error("an area's figures do not match the replicates");
            for (std::size_t r = 0; r < R; ++r) {
                for (std::size_t m = 0; m < M; ++m) city[(s * R + r) * M + m] = area[s][r].value[m];
            }
        }
        const auto summary = summarise(city, S, R);
        c.area_summary.insert(c.area_summary.end(), summary.begin(), summary.end());
    }
}

const std::vector<model::metric>& cost_effectiveness_metrics() {
    static const std::vector<metric> m = {metric::needs_solved, metric::tech_firms, metric::high_tech_firms,
                                          metric::tech_contracts, metric::startups_graduated};
    return m;
}

double per_million_yuan(const comparison& c, std::size_t s, std::size_t m, std::size_t stat) {
    const std::size_t diff = 3;  // comparison_statistics(): diff_mean
    const double money =
        c.value(s, model::index(metric::programme_spend), diff) + c.value(s, model::index(metric::reward_funds), diff);
    if (!(money >= 1.0)) return std::numeric_limits<double>::quiet_NaN();
    return c.value(s, m, stat) / money;
}

double comparison::value(std::size_t s, std::size_t m, std::size_t k) const {
    const std::size_t K = comparison_statistics().size();
    return summary[(s * model::n_metrics + m) * K + k];
}

comparison compare(const std::vector<std::string>& scenarios, const std::vector<std::uint64_t>& replicate_ids,
                   const std::vector<std::vector<model::city_figures>>& per_scenario,
                   const std::vector<std::vector<std::vector<double>>>& met, const std::string& fork_date) {
    comparison c;
    c.scenarios = scenarios;
    c.fork_date = fork_date;
    const std::size_t S = scenarios.size(), M = model::n_metrics;
    const std::size_t T = plan_targets().size();
    if (per_scenario.size() != S || met.size() != S)
        throw internal_error("comparison inputs do not match the scenarios");
    c.replicates = per_scenario.empty() ? 0 : per_scenario[0].size();
    c.replicate_ids = replicate_ids;
    if (c.replicate_ids.size() != c.replicates)
        throw internal_error("comparison replicate ids do not match the results");
    for (const auto& v : per_scenario) {
        if (v.size() != c.replicates) throw internal_error("scenarios with different numbers of replicates");
    }
    const std::size_t R = c.replicates;
    c.city.assign(S * R * M, 0.0);
    for (std::size_t s = 0; s < S; ++s) {
        for (std::size_t r = 0; r < R; ++r) {
            for (std::size_t m = 0; m < M; ++m) c.city[(s * R + r) * M + m] = per_scenario[s][r].value[m];
        }
    }
    c.summary = summarise(c.city, S, R);
    c.targets.assign(S * T, 0.0);
    for (std::size_t s = 0; s < S; ++s) {
        for (std::size_t r = 0; r < R; ++r) {
            for (std::size_t t = 0; t < T; ++t) c.targets[s * T + t] += met[s][r][t] / static_cast<double>(R);
        }
    }
    return c;
}

}  // namespace kcsim::analysis
