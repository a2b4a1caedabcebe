// The world at the scenario start: districts, and one agent per firm with its attributes.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "engine/execution.hpp"
#include "model/common.hpp"
#include "model/firm_columns.hpp"
#include "model/schedule.hpp"

namespace kcsim::model {

namespace {

// Largest-remainder apportionment of n agents to districts by weight: deterministic and exact.
std::vector<std::uint64_t> apportion(std::uint64_t n, const std::vector<double>& w) {
    std::vector<std::uint64_t> out(w.size(), 0);
    const double total = std::accumulate(w.begin(), w.end(), 0.0);
    if (n == 0) return out;
    if (total <= 0) throw input_error("cannot place firms: every district has tech_firms_2020 = 0");
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

float clamp01(double x) { return static_cast<float>(std::clamp(x, 0.0, 1.0)); }

}  // namespace

// A firm's attributes from its own stream: sector, technology level, absorptive capacity, output.
void init_firm(const scenario::scenario& sc, const std::vector<double>& cdf, state::firms& f, std::size_t i, bool tech,
               const scenario::district& d, rng::stream& s) {
    const auto& p = sc.p;
    f.sector[i] = draw_sector(cdf, s.uniform());
    std::uint8_t flags = state::firm_flag::alive;
    double level = p.tech_level_other + d.tech_level_offset;
    if (tech) {
        flags |= state::firm_flag::tech;
        level = p.tech_level_tech + d.tech_level_offset;
        if (s.uniform() < d.high_tech_share_used) {
            flags |= state::firm_flag::high_tech;
            level += p.high_tech_level_bonus;
        }
    }
    f.flags[i] = flags;
    const double t = std::clamp(level + p.tech_level_spread * (2 * s.uniform() - 1), 0.01, 1.0);
    f.tech_level[i] = static_cast<float>(t);
    f.absorptive[i] = clamp01(t + p.absorptive_spread * (2 * s.uniform() - 1));
    f.output[i] = static_cast<float>(s.lognormal(tech ? p.output_tech : p.output_other, p.output_sigma));
    f.consortium[i] = -1;
    f.financed_until[i] = -1;
    f.clock_need[i] = static_cast<float>(s.exp1());
    f.clock_exit[i] = static_cast<float>(s.exp1());
    f.clock_innovate[i] = static_cast<float>(s.exp1());
    f.clock_certify[i] = static_cast<float>(s.exp1());
    f.clock_consortium[i] = static_cast<float>(s.exp1());
    f.clock_resolve[i] = static_cast<float>(s.exp1());
    f.clock_service[i] = static_cast<float>(s.exp1());
    f.clock_match[i] = static_cast<float>(s.exp1());
}

state::world initial_world(const scenario::scenario& sc, rng::key key, engine::execution_context* ctx) {
    const auto& p = sc.p;
    state::world w;
    const std::size_t nd = sc.districts.size();
    w.d.resize(nd, sc.sectors.size());
    for (std::size_t d = 0; d < nd; ++d) {
        w.d.pilot[d] = p.programme ? static_cast<std::uint8_t>(sc.districts[d].pilot) : 0;
    }

    std::vector<double> weights(nd);
    for (std::size_t d = 0; d < nd; ++d) weights[d] = static_cast<double>(sc.districts[d].firms_weight);
    const auto tech = apportion(static_cast<std::uint64_t>(p.tech_firms), weights);
    const auto other = apportion(static_cast<std::uint64_t>(p.other_firms), weights);
    const std::size_t n = static_cast<std::size_t>(p.tech_firms + p.other_firms);
    // Room for the firms born before the first year-end compaction (births are a few percent a
    // year): without it the first birth would move every column.
    w.f.reserve(n + n / 8);
    w.f.resize(n);
    const auto cdfs = district_sector_cdfs(sc);

    // Open needs start at the no-programme steady state: Poisson with mean rate / exit hazard
    // (the stationary law of an M/M/inf queue), so there is no burn-in transient.
    const double exit_rate = p.self_solve_rate + p.abandon_rate;
    // Firms are placed district by district, tech firms first: one run of firms per district
    // and kind, drawn in blocks from each firm's own stream (the same bits in any order).
    struct run {
        std::size_t begin;
        std::uint16_t district;
        bool tech;
        float aware;
        double need_rate;
    };
    std::vector<run> runs;
    std::size_t begin = 0;
    for (std::size_t d = 0; d < nd; ++d) {
        const auto& dist = sc.districts[d];
        // Pilots start with the awareness their exposure built since they became pilots.
        const bool pilot = p.programme && dist.pilot != scenario::pilot_level::none;
        const double exposure = pilot ? exposure_rate(p, dist.pilot) * dist.uptake : 0.0;
        const double years = pilot ? std::max(0.0, (p.start - dist.pilot_since) / 365.25) : 0.0;
        // The closed form of the weekly update (needs.cpp) run from awareness_initial for `years`.
        const double h = exposure + p.awareness_decay;
        const double target = h > 0 ? exposure / h : 0.0;
        const double aware = target + (p.awareness_initial - target) * std::exp(-h * years);
        for (int kind = 0; kind < 2; ++kind) {
            const std::uint64_t count = kind == 0 ? tech[d] : other[d];
            const double rate = kind == 0 ? p.need_rate : p.need_rate * p.other_need_factor;
            runs.push_back({begin, static_cast<std::uint16_t>(d), kind == 0, static_cast<float>(aware), rate});
            begin += count;
        }
    }
    const auto place = [&](std::size_t b, std::size_t e) {
        auto r = std::upper_bound(runs.begin(), runs.end(), b, [](std::size_t i, const run& x) { return i < x.begin; });
        for (std::size_t i = b; i < e; ++i) {
            while (r != runs.end() && r->begin <= i) ++r;
            const run& x = *(r - 1);
            w.f.id[i] = i;
            w.f.district[i] = x.district;
            rng::stream s(key, i, 0, rng::purpose::firm_init);
            init_firm(sc, cdfs[x.district], w.f, i, x.tech, sc.districts[x.district], s);
            w.f.awareness[i] = x.aware;
            w.f.needs_unposted[i] = exit_rate > 0 ? s.poisson(x.need_rate / exit_rate) : 0;
        }
    };
    if (ctx) {
        ctx->execute([&] { engine::for_blocks(n, block, place); });
    } else {
        place(0, n);
    }
    w.next_firm_id = n;
    // What the first step's service allocation and roadshows start from (the firm pass keeps
    // these for the steps after).
    const std::size_t ns = sc.sectors.size();
    const firm_columns f = columns(w.f);
    const float least = float_at_least(p.pitch_awareness);
    for (std::size_t j = 0; j < n; ++j) {
        w.d.open_posted[f.district[j] * ns + f.sector[j]] += f.needs_posted[j];
        w.d.open_unposted[f.district[j] * ns + f.sector[j]] += f.needs_unposted[j];
        w.pitch_eligible += f.may_pitch(j, least) ? 1 : 0;
    }
    return w;
}

}  // namespace kcsim::model
