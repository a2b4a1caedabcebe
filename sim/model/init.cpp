#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "model/schedule.hpp"
#include "scenario/scenario.hpp"

namespace kcsim::model {

namespace {

// Largest-remainder apportionment of n agents to districts by weight: deterministic and exact.
std::vector<std::uint64_t> apportion(std::uint64_t n, const std::vector<double>& w) {
    std::vector<std::uint64_t> out(w.size(), 0);
    const double total = std::accumulate(w.begin(), w.end(), 0.0);
    if (n == 0 || total <= 0) {
        if (n > 0) throw input_error("cannot place firms: every district has tech_firms_2020 = 0");
        return out;
    }
    std::vector<std::pair<double, std::size_t>> rem;
    std::uint64_t given = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
        const double exact = static_cast<double>(n) * w[i] / total;
        out[i] = static_cast<std::uint64_t>(std::floor(exact));
        given += out[i];
        rem.emplace_back(exact - std::floor(exact), i);
    }
    // Ties broken by district order, so the result is a pure function of the inputs.
    std::stable_sort(rem.begin(), rem.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; given < n; ++k, ++given) out[rem[k % rem.size()].second] += 1;
    return out;
}

} // namespace

state::world initial_world(const scenario::scenario& sc, rng::key key) {
    const auto& p = sc.p;
    state::world w;
    const std::size_t nd = sc.districts.size();
    w.d.pilot.resize(nd);
    for (std::size_t d = 0; d < nd; ++d) {
        w.d.pilot[d] = p.programme ? static_cast<std::uint8_t>(sc.districts[d].pilot) : 0;
    }

    std::vector<double> weights(nd);
    for (std::size_t d = 0; d < nd; ++d) weights[d] = static_cast<double>(sc.districts[d].tech_firms_2020);
    const auto tech = apportion(static_cast<std::uint64_t>(p.tech_firms), weights);
    const auto other = apportion(static_cast<std::uint64_t>(p.other_firms), weights);
    const std::size_t n = static_cast<std::size_t>(p.tech_firms + p.other_firms);
    w.f.resize(n);

    // Open needs start at the no-programme steady state: Poisson with mean rate / exit hazard
    // (the stationary law of an M/M/inf queue), so there is no burn-in transient.
    const double exit_rate = p.self_solve_rate + p.abandon_rate;
    std::size_t i = 0;
    for (std::size_t d = 0; d < nd; ++d) {
        const auto& dist = sc.districts[d];
        const double exposure = !p.programme                                     ? 0.0
                                : dist.pilot == scenario::pilot_level::national  ? p.exposure_national
                                : dist.pilot == scenario::pilot_level::municipal ? p.exposure_municipal
                                                                                 : 0.0;
        const double years =
            dist.pilot == scenario::pilot_level::none ? 0.0 : std::max(0.0, (p.start - dist.pilot_since) / 365.25);
        const double aware = 1.0 - (1.0 - p.awareness_initial) * std::exp(-exposure * years);
        for (int kind = 0; kind < 2; ++kind) {
            const std::uint64_t count = kind == 0 ? tech[d] : other[d];
            const double rate = kind == 0 ? p.need_rate : p.need_rate * p.other_need_factor;
            for (std::uint64_t k = 0; k < count; ++k, ++i) {
                w.f.id[i] = i;
                w.f.district[i] = static_cast<std::uint16_t>(d);
                rng::stream s(key, i, 0, rng::purpose::firm_init);
                std::uint8_t flags = 0;
                if (kind == 0) {
                    flags |= state::firm_flag::tech;
                    if (s.uniform() < dist.high_tech_share) flags |= state::firm_flag::high_tech;
                }
                w.f.flags[i] = flags;
                w.f.awareness[i] = static_cast<float>(aware);
                w.f.needs_unposted[i] = exit_rate > 0 ? s.poisson(rate / exit_rate) : 0;
            }
        }
    }
    w.next_firm_id = n;
    return w;
}

} // namespace kcsim::model
