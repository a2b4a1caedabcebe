// Per-district metrics of the step: the district-level values (the firms' are reduced in the
// firm pass, collect.hpp), and the numeric checks.
#include "model/collect.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "core/error.hpp"
#include "engine/execution.hpp"
#include "model/common.hpp"
#include "model/lanes.hpp"
#include "model/metrics.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

void collect_metrics(engine::step_context& c) {
    // The firms' part of the row is in already (firm_actions, then births); the district-level
    // values and the programme's own counts are added here.
    const auto& w = c.w;
    const std::size_t nd = w.d.size();
    constexpr std::size_t M = n_metrics;
    auto at = [&](std::size_t d, metric m) -> double& { return c.row[d * M + index(m)]; };
    for (std::size_t d = 0; d < nd; ++d) {
        const double n = at(d, metric::firms);
        at(d, metric::awareness) = n > 0 ? at(d, metric::awareness) / n : 0.0;
        at(d, metric::pilot_status) = w.d.pilot[d];
        at(d, metric::tech_contracts) += w.d.contracts[d];
        at(d, metric::tech_contract_value) += w.d.contract_value[d];
        at(d, metric::forum_viewers) = w.d.forum_viewers[d];
        at(d, metric::startups_admitted) = w.d.startups_admitted[d];
        at(d, metric::startups_graduated) = w.d.startups_graduated[d];
        at(d, metric::startups_failed) = w.d.startups_failed[d];
        at(d, metric::financing_deals) += w.d.deals[d];
        at(d, metric::financing_amount) += w.d.deal_amount[d];
        at(d, metric::reward_funds) = w.d.reward[d];
        at(d, metric::programme_spend) = w.d.spend[d];
        at(d, metric::workstations) = w.d.workstations[d];
        at(d, metric::district_effort) = w.d.effort[d];
    }
    for (std::size_t k = 0; k < w.t.size(); ++k) {
        const double share = 1.0 / static_cast<double>(w.t.districts[k].size());
        for (auto d : w.t.districts[k]) {
            at(d, metric::expert_teams) += share;
            at(d, metric::experts) += w.t.experts[k] * share;
        }
    }
    for (std::size_t k = 0; k < w.c.size(); ++k) at(w.c.anchor[k], metric::consortia) += w.c.active[k] ? 1 : 0;
    for (std::size_t k = 0; k < w.s.size(); ++k) {
        at(w.s.district[k], metric::startups_active) += w.s.status[k] == state::startup_status::active ? 1 : 0;
    }
}

void check_invariants(engine::step_context& c) {
    const std::size_t nd = c.w.d.size();
    for (std::size_t d = 0; d < nd; ++d) {
        for (std::size_t m = 0; m < n_metrics; ++m) {
            const double v = c.row[d * n_metrics + m];
            if (!std::isfinite(v) || v < 0) {
                throw model_error("metric '" + std::string(metric_table()[m].name) + "' of district '" +
                                  c.sc.districts[d].id + "' is " + std::to_string(v) + " at step " +
                                  std::to_string(c.step) + " (" + core::to_iso(c.sc.cal.step_start(c.step)) +
                                  "): metrics must be finite and non-negative");
            }
        }
    }
    // The ledger balances: funds in + co-funding = operations + rewards + unspent, nothing negative.
    for (const auto& y : c.w.ledger) {
        const double in = y.funds_in + y.cofunding;
        const double gap = in - (y.operations + y.rewards + y.unspent);
        if (std::abs(gap) > 1e-9 * std::max(1.0, in) || y.unspent < -1e-9 * std::max(1.0, in) || y.operations < 0 ||
            y.rewards < 0) {
            throw model_error("the programme ledger of " + std::to_string(y.year) + " does not balance at step " +
                              std::to_string(c.step) + ": funds in " + std::to_string(y.funds_in) + ", co-funding " +
                              std::to_string(y.cofunding) + ", operations " + std::to_string(y.operations) +
                              ", rewards " + std::to_string(y.rewards) + ", unspent " + std::to_string(y.unspent));
        }
    }
}

}  // namespace kcsim::model::phases

namespace kcsim::model {

namespace {

// The sums of one run of firms.
struct run_sums {
    std::uint64_t firms = 0, tech = 0, high = 0, unposted = 0, posted = 0, members = 0, pitchers = 0;
    int bad = 0;  // some living firm is in an impossible state
    double awareness = 0, rd = 0, output = 0;
};

// The sums of doubles (awareness, R&D, output) have a fixed shape, which the AVX2 kernel below
// computes in vector lanes: eight firms at a time from the start of the run, firm j of a group
// added with firm j + 4 into partial sum j (of 4); then (p0 + p2) + (p1 + p3); then the last
// firms of the run one by one. A dead firm adds +0.0, which changes no sum (they are never -0.0).
struct lane_sums {
    double p[4] = {0, 0, 0, 0};
    double total() const { return (p[0] + p[2]) + (p[1] + p[3]); }
};

// Firm i's counts into its run's sums, and its awareness, R&D and output (0 if it is dead): the
// scalar form of the arithmetic sum_avx2 below does eight firms at a time (lanes.hpp).
KCSIM_ALWAYS_INLINE void add_firm(const metric_step& x, const firm_columns& f, std::size_t i, run_sums& s,
                                  double value[3]) {
    value[0] = value[1] = value[2] = 0.0;
    if (!f.alive(i)) return;
    const bool tech = f.tech(i), high = f.high_tech(i), financed = f.financed_until[i] >= x.step;
    s.firms += 1;
    s.tech += tech ? 1u : 0u;
    s.high += high ? 1u : 0u;
    s.unposted += f.needs_unposted[i];
    s.posted += f.needs_posted[i];
    s.members += f.consortium[i] >= 0 ? 1u : 0u;
    s.pitchers += scalar::may_pitch(tech, f.awareness[i], x.least) ? 1u : 0u;
    s.bad |= scalar::possible(f.awareness[i], f.tech_level[i], f.output[i]) ? 0 : 1;
    value[0] = f.awareness[i];
    value[1] = scalar::rd_spend(f.output[i], x.rd, tech, high, financed);
    value[2] = f.output[i];
}

// The firms [i, q) one by one, after the groups of eight.
void add_rest(const metric_step& x, const firm_columns& f, std::size_t i, std::size_t q, run_sums& s) {
    for (; i < q; ++i) {
        double v[3];
        add_firm(x, f, i, s, v);
        s.awareness += v[0];
        s.rd += v[1];
        s.output += v[2];
    }
}

run_sums sum_portable(const metric_step& x, const firm_columns& f, std::size_t r, std::size_t q) {
    run_sums s;
    lane_sums sums[3];
    std::size_t i = r;
    for (; i + 8 <= q; i += 8) {
        double v[8][3];
        for (std::size_t j = 0; j < 8; ++j) add_firm(x, f, i + j, s, v[j]);
        for (std::size_t k = 0; k < 3; ++k) {
            for (std::size_t j = 0; j < 4; ++j) sums[k].p[j] += v[j][k] + v[j + 4][k];
        }
    }
    s.awareness = sums[0].total();
    s.rd = sums[1].total();
    s.output = sums[2].total();
    add_rest(x, f, i, q, s);
    return s;
}

#ifdef KCSIM_HAS_AVX2_KERNELS
// Eight firms at a time: the same arithmetic as add_firm, counts in vector lanes, the sums of
// doubles in the shape lane_sums describes.
KCSIM_AVX2 run_sums sum_avx2(const metric_step& x, const firm_columns& f, std::size_t r, std::size_t q) {
    namespace flag = state::firm_flag;
    using namespace avx2;
    // Counts: 32-bit lanes (a run is at most a block); open needs: 64-bit lanes.
    i32 firms{}, tech_n{}, high_n{}, members{}, pitchers{};
    i64x4 unposted{}, posted{};
    f64x4 aware{}, rd{}, output{};
    int bad = 0;
    std::size_t i = r;
    for (; i + 8 <= q; i += 8) {
        const i32 fl = load(f.flags + i);
        const mask alive = has_flag(fl, flag::alive);
        if (bits(alive) == 0) continue;
        const mask tech = has_flag(fl, flag::tech) && alive, high = has_flag(fl, flag::high_tech) && alive;
        const mask financed = load(f.financed_until + i) >= x.step;
        const f32 a = load(f.awareness + i), out = load(f.output + i);
        bad |= bits(alive) & ~bits(possible(a, load(f.tech_level + i), out));
        firms -= alive;  // a true lane is -1
        tech_n -= tech;
        high_n -= high;
        members -= (load(f.consortium + i) >= 0) && alive;
        pitchers -= may_pitch(tech, a, x.least);
        // A dead firm's lanes are 0 (+0.0 changes no sum: the values are never -0.0).
        const u32 live = reinterpret_cast<u32>(alive);
        posted += wide_pairs(load(f.needs_posted + i) & live);
        unposted += wide_pairs(load(f.needs_unposted + i) & live);
        const f32 zero = splat(0.0f), out_alive = select(alive, out, zero);
        const f64 v[3] = {to_f64(select(alive, a, zero)), rd_spend(out_alive, x.rd, tech, high, financed),
                          to_f64(out_alive)};
        aware += v[0].low + v[0].high;
        rd += v[1].low + v[1].high;
        output += v[2].low + v[2].high;
    }
    run_sums s;
    s.firms = total(firms);
    s.tech = total(tech_n);
    s.high = total(high_n);
    s.members = total(members);
    s.pitchers = total(pitchers);
    s.unposted = total(unposted);
    s.posted = total(posted);
    s.bad = bad != 0 ? 1 : 0;
    lane_sums sums[3];
    for (int j = 0; j < 4; ++j) {
        sums[0].p[j] = aware[j];
        sums[1].p[j] = rd[j];
        sums[2].p[j] = output[j];
    }
    s.awareness = sums[0].total();
    s.rd = sums[1].total();
    s.output = sums[2].total();
    add_rest(x, f, i, q, s);
    return s;
}

// The end of the run from q on: the first living firm of another district than d.
KCSIM_AVX2 std::size_t run_end_avx2(const firm_columns& f, std::size_t q, std::size_t e, std::size_t d) {
    const __m256i district = _mm256_set1_epi16(static_cast<short>(d));
    const __m128i alive = _mm_set1_epi8(static_cast<char>(state::firm_flag::alive));
    for (; q + 16 <= e; q += 16) {
        const __m256i same =
            _mm256_cmpeq_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(f.district + q)), district);
        const __m128i dead = _mm_cmpeq_epi8(
            _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(f.flags + q)), alive), _mm_setzero_si128());
        // One bit per firm: the district test gives two bytes per firm, packed to one.
        const __m128i same8 = _mm_packs_epi16(_mm256_castsi256_si128(same), _mm256_extracti128_si256(same, 1));
        const auto stays = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(same8, dead)));
        if (stays != 0xffff) return q + static_cast<std::size_t>(__builtin_ctz(~stays));
    }
    while (q < e && (f.district[q] == d || !f.alive(q))) ++q;
    return q;
}
#endif

}  // namespace

stock_counts add_stocks(const metric_step& x, const firm_columns& f, std::size_t b, std::size_t e, double* rows) {
    const bool avx2 = use_avx2();
    stock_counts out;
    for (std::size_t r = b; r < e;) {
        // The run: from r, the firms up to the next living firm of another district (dead firms
        // do not end a run).
        std::size_t d = f.district[r], q = r;
        while (q < e && !f.alive(q)) ++q;
        if (q < e) d = f.district[q];
#ifdef KCSIM_HAS_AVX2_KERNELS
        if (avx2) {
            q = run_end_avx2(f, q, e, d);
        } else {
            while (q < e && (f.district[q] == d || !f.alive(q))) ++q;
        }
        // A run shorter than a group (newborns of mixed districts) skips the kernel's set-up: same sums.
        const run_sums s = avx2 && q - r >= 8 ? sum_avx2(x, f, r, q) : sum_portable(x, f, r, q);
#else
        while (q < e && (f.district[q] == d || !f.alive(q))) ++q;
        const run_sums s = sum_portable(x, f, r, q);
#endif
        out.pitchers += s.pitchers;
        for (std::size_t i = r; s.bad != 0 && i < q && out.bad == stock_counts::none; ++i) {
            if (f.alive(i) && !possible_state(f, i)) out.bad = i;
        }
        double* row = rows + d * n_metrics;
        row[index(metric::firms)] += static_cast<double>(s.firms);
        row[index(metric::tech_firms)] += static_cast<double>(s.tech);
        row[index(metric::high_tech_firms)] += static_cast<double>(s.high);
        row[index(metric::needs_unposted)] += static_cast<double>(s.unposted);
        row[index(metric::problems_open)] += static_cast<double>(s.posted);
        row[index(metric::consortium_members)] += static_cast<double>(s.members);
        row[index(metric::awareness)] += s.awareness;
        row[index(metric::rd_spend)] += s.rd * x.years;
        row[index(metric::output_value)] += s.output * x.years;
        r = q;
    }
    (void)avx2;
    return out;
}

void impossible_state(const engine::step_context& c, std::size_t i) {
    const auto& f = c.w.f;
    throw model_error("firm " + std::to_string(f.id[i]) + " is in an impossible state at step " +
                      std::to_string(c.step) + ": awareness " + std::to_string(f.awareness[i]) + ", technology level " +
                      std::to_string(f.tech_level[i]) + ", output " + std::to_string(f.output[i]) +
                      " (expected 0..1, 0..1 and a finite non-negative value)");
}

}  // namespace kcsim::model
