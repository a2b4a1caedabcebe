// What the programme does at city level in a step: forums and annual events, national service
// visits, matching fairs and roadshows, consortium formation, academician workstations.
#include <algorithm>
#include <cmath>

#include "engine/execution.hpp"
#include "model/budget.hpp"
#include "model/common.hpp"
#include "model/lanes.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

namespace {

// Which firms a pulse reaches: those of one sector, of one district, or all.
struct audience {
    enum { sector, district, all } by;
    unsigned value;
    bool has(const state::firms& f, std::size_t i) const {
        return by == all || (by == sector ? f.sector[i] : f.district[i]) == value;
    }
};

#ifdef KCSIM_HAS_AVX2_KERNELS
// Eight firms at a time, the same arithmetic (pulsed, lanes.hpp) as the portable loop below.
KCSIM_AVX2 void pulse_avx2(state::firms& f, double gain, audience who, std::size_t b, std::size_t e) {
    using namespace avx2;
    const auto value = static_cast<std::int32_t>(who.value);
    std::size_t i = b;
    for (; i + 8 <= e; i += 8) {
        mask reached = has_flag(load(f.flags.data() + i), state::firm_flag::alive);
        if (who.by != audience::all) {
            const i32 key = who.by == audience::sector ? load(f.sector.data() + i) : load(f.district.data() + i);
            reached = reached && key == value;
        }
        if (bits(reached) == 0) continue;
        const f32 a = load(f.awareness.data() + i);
        store(f.awareness.data() + i, select(reached, pulsed(a, gain), a));
    }
    for (; i < e; ++i) {
        if (alive(f, i) && who.has(f, i)) f.awareness[i] = scalar::pulsed(f.awareness[i], gain);
    }
}
#endif

// Raises the awareness of the living firms `who` reaches by `gain` times their gap to 1.
void awareness_pulse(state::firms& f, double gain, audience who) {
    if (!(gain > 0)) return;
    const bool avx2 = use_avx2();
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
#ifdef KCSIM_HAS_AVX2_KERNELS
        if (avx2) return pulse_avx2(f, gain, who, b, e);
#endif
        for (std::size_t i = b; i < e; ++i) {
            if (alive(f, i) && who.has(f, i)) f.awareness[i] = scalar::pulsed(f.awareness[i], gain);
        }
    });
    (void)avx2;
}

void forums(engine::step_context& c, rng::stream& s) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    const int n = evenly_spaced(p.forums_per_year, c.years, c.step);
    const auto pilots = pilot_districts(w.d);
    for (int k = 0; k < n && !pilots.empty(); ++k) {
        // Hosts rotate over the current pilots, themes over the sectors.
        const std::uint16_t host = pilots[static_cast<std::size_t>(w.forums_held) % pilots.size()];
        const auto theme = static_cast<std::uint8_t>(static_cast<std::size_t>(w.forums_held) % c.sc.sectors.size());
        const double viewers = p.viewers_min + (p.viewers_max - p.viewers_min) * s.uniform();
        // A forum the budget cannot pay is not held (the ledger records it as not done).
        if (!budget::pay(c, budget::line::forums, p.cost_per_forum, host)) continue;
        w.d.forum_viewers[host] += viewers;
        const double gain = std::min(1.0, p.forum_awareness * viewers / 1e5);
        awareness_pulse(w.f, gain, {audience::sector, theme});
        awareness_pulse(w.f, p.host_awareness, {audience::district, host});
        const std::uint32_t agreements = s.poisson(p.forum_agreements);
        for (std::uint32_t a = 0; a < agreements; ++a) {
            w.d.contracts[host] += 1;
            w.d.contract_value[host] += s.lognormal(p.contract_value, p.contract_value_sigma);
        }
        ++w.forums_held;
    }
    const int events = evenly_spaced(p.annual_events, c.years, c.step);
    for (int k = 0; k < events; ++k) {
        awareness_pulse(w.f, p.annual_event_awareness, {audience::all, 0});
    }
}

void consortia(engine::step_context& c, rng::stream& s, bool funded) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    for (std::size_t k = 0; k < w.c.size(); ++k) {
        if (w.c.active[k] && s.uniform() < rng::hazard_prob(p.dissolve_rate, c.years)) w.c.active[k] = 0;
    }
    const std::uint32_t n =
        c.step == 0 ? static_cast<std::uint32_t>(p.consortia_initial) : s.poisson(p.consortia_per_year * c.years);
    const auto pilots = pilot_districts(w.d);
    if (n == 0 || pilots.empty() || !funded) return;
    // "One industry, one society, one institute, ...": each consortium has one sector, in turn,
    // anchored where that sector's tech firms are: the pilot with most of them per consortium of
    // the sector it already anchors (a highest-averages rule), so a sector's second consortium
    // goes to its second centre when that has more than half the first's firms.
    const std::size_t ns = c.sc.sectors.size(), nd = w.d.size();
    std::vector<std::uint32_t> count(nd * ns, 0), anchored(nd * ns, 0);
    for (std::size_t i = 0; i < w.f.size(); ++i) {
        if (alive(w.f, i) && is_tech(w.f, i)) ++count[w.f.district[i] * ns + w.f.sector[i]];
    }
    for (std::size_t k = 0; k < w.c.size(); ++k) {
        if (w.c.active[k]) ++anchored[w.c.anchor[k] * ns + w.c.sector[k]];
    }
    // count / (1 + anchored), compared without division: a/(1+x) > b/(1+y) <=> a(1+y) > b(1+x).
    const auto better = [&](std::size_t a, std::size_t b) {
        return std::uint64_t{count[a]} * (1u + anchored[b]) > std::uint64_t{count[b]} * (1u + anchored[a]);
    };
    for (std::uint32_t k = 0; k < n; ++k) {
        const auto sector = static_cast<std::uint8_t>(static_cast<std::size_t>(w.consortia_formed) % ns);
        std::uint16_t anchor = pilots.front();
        for (auto d : pilots) {
            if (better(d * ns + sector, anchor * ns + sector)) anchor = d;
        }
        ++anchored[anchor * ns + sector];
        w.c.sector.push_back(sector);
        w.c.anchor.push_back(anchor);
        w.c.active.push_back(1);
        w.c.formed_step.push_back(c.step);
        ++w.consortia_formed;
    }
}

void workstations(engine::step_context& c, rng::stream& s) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    const std::uint32_t n = s.poisson(p.workstations_per_year * c.years);
    if (n == 0) return;
    // High-tech firms in pilot districts without a station, in index order: found block by block
    // in parallel, the blocks' lists joined in block order.
    const std::size_t nb = engine::block_count(w.f.size(), block);
    std::vector<std::vector<std::size_t>> found(nb);
    engine::for_blocks(w.f.size(), block, [&](std::size_t b, std::size_t e) {
        auto& mine = found[b / block];
        for (std::size_t i = b; i < e; ++i) {
            const std::uint8_t fl = w.f.flags[i];
            if ((fl & state::firm_flag::alive) && (fl & state::firm_flag::high_tech) &&
                !(fl & state::firm_flag::workstation) && w.d.pilot[w.f.district[i]] > 0) {
                mine.push_back(i);
            }
        }
    });
    std::vector<std::size_t> hosts;
    for (const auto& mine : found) hosts.insert(hosts.end(), mine.begin(), mine.end());
    for (std::uint32_t k = 0; k < n && !hosts.empty(); ++k) {
        const auto pick = static_cast<std::size_t>(s.uniform() * static_cast<double>(hosts.size()));
        const std::size_t i = hosts[std::min(pick, hosts.size() - 1)];
        w.f.flags[i] |= state::firm_flag::workstation;
        w.d.workstations[w.f.district[i]] += 1;
        hosts.erase(hosts.begin() + static_cast<std::ptrdiff_t>(std::min(pick, hosts.size() - 1)));
    }
}

}  // namespace

void programme_calendar(engine::step_context& c) {
    const auto& p = c.sc.p;
    if (!p.programme) return;
    auto& w = c.w;
    // The running lines first: what the funds leave for the platform, the teams, the incubator
    // and the consortia this step (budget.hpp); the events below are paid as they happen.
    budget::pay_running(c);
    // One programme stream per step; each activity draws in a fixed order, and each is skipped
    // entirely (not just its effect) only when its switch is off, so the others keep their draws.
    rng::stream forum_s(c.key, rng::programme_agent, static_cast<std::uint64_t>(c.step), rng::purpose::programme);
    if (p.forums) forums(c, forum_s);

    rng::stream visit_s(c.key, rng::programme_agent + 1, static_cast<std::uint64_t>(c.step), rng::purpose::programme);
    const auto pilots = pilot_districts(w.d);
    if (!pilots.empty() && visit_s.uniform() < rng::hazard_prob(p.national_visits_per_year, c.years)) {
        const auto pick = static_cast<std::size_t>(visit_s.uniform() * static_cast<double>(pilots.size()));
        w.visit_district = pilots[std::min(pick, pilots.size() - 1)];
    }

    // Matching fairs in pilot districts, more often where the district puts in more effort.
    for (auto d : pilots) {
        rng::stream ds(c.key, rng::district_agent(d), static_cast<std::uint64_t>(c.step), rng::purpose::district);
        const double rate = p.fairs_per_year * effort_factor(p, w.d.effort[d]);
        if (ds.uniform() < rng::hazard_prob(rate, c.years)) {
            // Paid by the programme's fairs line, or else from the district's purse (its rewards):
            // a rewarded district can hold fairs the programme can no longer pay for.
            if (budget::pay(c, budget::line::fairs, p.cost_per_fair, d)) {
                w.d.fair[d] = 1;
            } else if (w.d.purse[d] >= p.cost_per_fair) {
                w.d.purse[d] -= p.cost_per_fair;
                w.d.fair[d] = 1;
            }
        }
    }

    rng::stream finance_s(c.key, rng::programme_agent + 2, static_cast<std::uint64_t>(c.step), rng::purpose::programme);
    if (p.finance) {
        // Each roadshow the budget cannot pay is not held.
        const std::uint32_t planned = finance_s.poisson(p.roadshows_per_year * c.years);
        w.roadshows = 0;
        for (std::uint32_t k = 0; k < planned; ++k)
            w.roadshows += budget::pay(c, budget::line::roadshows, p.cost_per_roadshow, -1) ? 1 : 0;
    }

    rng::stream consortia_s(c.key, rng::programme_agent + 3, static_cast<std::uint64_t>(c.step),
                            rng::purpose::programme);
    // New consortia only while the existing ones' support is paid in full.
    if (p.consortia) consortia(c, consortia_s, w.funded_consortia >= 1.0);

    rng::stream station_s(c.key, rng::programme_agent + 4, static_cast<std::uint64_t>(c.step), rng::purpose::programme);
    if (p.incubator) workstations(c, station_s);
}

}  // namespace kcsim::model::phases
