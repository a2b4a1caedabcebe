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
    // The ledger balances: funds in = operations + rewards + unspent, nothing negative.
    for (const auto& y : c.w.ledger) {
        const double gap = y.funds_in - (y.operations + y.rewards + y.unspent);
        if (std::abs(gap) > 1e-9 * std::max(1.0, y.funds_in) || y.unspent < -1e-9 * std::max(1.0, y.funds_in) ||
            y.operations < 0 || y.rewards < 0) {
            throw model_error("the programme ledger of " + std::to_string(y.year) + " does not balance at step " +
                              std::to_string(c.step) + ": funds in " + std::to_string(y.funds_in) + ", operations " +
                              std::to_string(y.operations) + ", rewards " + std::to_string(y.rewards) + ", unspent " +
                              std::to_string(y.unspent));
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

// Firm i into its run's sums. The reference the AVX2 kernel below must match.
KCSIM_ALWAYS_INLINE void add_firm(const metric_step& x, const firm_columns& f, std::size_t i, run_sums& s) {
    if (!f.alive(i)) return;
    const unsigned tech = f.tech(i) ? 1u : 0u, high = f.high_tech(i) ? 1u : 0u;
    const unsigned financed = f.financed_until[i] >= x.step ? 1u : 0u;
    const double out = f.output[i];
    s.firms += 1;
    s.tech += tech;
    s.high += high;
    s.unposted += f.needs_unposted[i];
    s.posted += f.needs_posted[i];
    s.members += f.consortium[i] >= 0 ? 1u : 0u;
    s.pitchers += f.may_pitch(i, x.least) ? 1u : 0u;
    s.bad |= possible_state(f, i) ? 0 : 1;
    s.awareness += f.awareness[i];
    s.rd += out * x.rd[(tech + high) * 2 + financed];
    s.output += out;
}

run_sums sum_portable(const metric_step& x, const firm_columns& f, std::size_t r, std::size_t q) {
    run_sums s;
    for (std::size_t i = r; i < q; ++i) add_firm(x, f, i, s);
    return s;
}

#ifdef KCSIM_HAS_AVX2_KERNELS
// Four firms at a time: counts in vector lanes, and the sums of doubles added lane by lane in
// firm order (a dead firm's lane adds +0.0, which changes no sum: they are never -0.0).
KCSIM_AVX2 run_sums sum_avx2(const metric_step& x, const firm_columns& f, std::size_t r, std::size_t q) {
    namespace flag = state::firm_flag;
    using namespace lanes;
    run_sums s;
    const __m256d least = _mm256_set1_pd(x.least);
    const __m128 zero = _mm_setzero_ps(), one = _mm_set1_ps(1.0f);
    const __m128 most = _mm_set1_ps(std::numeric_limits<float>::max());
    const __m128i step_before = _mm_set1_epi32(x.step - 1), lowest = _mm_set1_epi32(1);
    __m256i unposted = _mm256_setzero_si256(), posted = _mm256_setzero_si256();
    std::size_t i = r;
    for (; i + 4 <= q; i += 4) {
        const __m128i fl = load4(f.flags + i);
        const int alive = flag_bits(fl, flag::alive);
        if (alive == 0) continue;
        const int tech = flag_bits(fl, flag::tech) & alive, high = flag_bits(fl, flag::high_tech) & alive;
        const __m128 a = _mm_loadu_ps(f.awareness + i), t = _mm_loadu_ps(f.tech_level + i);
        const __m128 out = _mm_loadu_ps(f.output + i);
        const __m256d a_d = widen(a);
        const int member = bits(_mm_cmpgt_epi32(load4(f.consortium + i), _mm_set1_epi32(-1)));
        const int pitch = _mm256_movemask_pd(_mm256_cmp_pd(a_d, least, _CMP_GE_OQ));
        const __m128 a_ok = _mm_and_ps(_mm_cmp_ps(a, zero, _CMP_GE_OQ), _mm_cmp_ps(a, one, _CMP_LE_OQ));
        const __m128 t_ok = _mm_and_ps(_mm_cmp_ps(t, zero, _CMP_GE_OQ), _mm_cmp_ps(t, one, _CMP_LE_OQ));
        const __m128 out_ok = _mm_and_ps(_mm_cmp_ps(out, zero, _CMP_GE_OQ), _mm_cmp_ps(out, most, _CMP_LE_OQ));
        const int possible = _mm_movemask_ps(_mm_and_ps(_mm_and_ps(a_ok, t_ok), out_ok));
        s.firms += static_cast<unsigned>(__builtin_popcount(static_cast<unsigned>(alive)));
        s.tech += static_cast<unsigned>(__builtin_popcount(static_cast<unsigned>(tech)));
        s.high += static_cast<unsigned>(__builtin_popcount(static_cast<unsigned>(high)));
        s.members += static_cast<unsigned>(__builtin_popcount(static_cast<unsigned>(alive & member)));
        s.pitchers += static_cast<unsigned>(__builtin_popcount(static_cast<unsigned>(tech & pitch)));
        s.bad |= alive & ~possible;
        const __m128i alive32 = _mm_castps_si128(lanes32(alive));
        const __m128i po = _mm_and_si128(load4(f.needs_posted + i), alive32);  // a dead firm's lane is 0
        const __m128i un = _mm_and_si128(load4(f.needs_unposted + i), alive32);
        unposted = _mm256_add_epi64(unposted, _mm256_cvtepu32_epi64(un));
        posted = _mm256_add_epi64(posted, _mm256_cvtepu32_epi64(po));
        // R&D intensity by [other, tech, high-tech][financed], as in add_firm.
        const __m128i financed = _mm_and_si128(_mm_cmpgt_epi32(load4(f.financed_until + i), step_before), lowest);
        const __m128i level = _mm_add_epi32(_mm_and_si128(_mm_castps_si128(lanes32(tech)), lowest),
                                            _mm_and_si128(_mm_castps_si128(lanes32(high)), lowest));
        const __m128i kind = _mm_add_epi32(_mm_add_epi32(level, level), financed);
        const __m256d alive64 = lanes64(alive);
        const __m256d out_d = _mm256_and_pd(widen(out), alive64);
        alignas(32) double aw[4], rd[4], ov[4];
        _mm256_store_pd(aw, _mm256_and_pd(a_d, alive64));
        _mm256_store_pd(rd, _mm256_mul_pd(out_d, lookup8(x.rd, kind)));
        _mm256_store_pd(ov, out_d);
        for (int j = 0; j < 4; ++j) {
            s.awareness += aw[j];
            s.rd += rd[j];
            s.output += ov[j];
        }
    }
    alignas(32) std::uint64_t un_sum[4], po_sum[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(un_sum), unposted);
    _mm256_store_si256(reinterpret_cast<__m256i*>(po_sum), posted);
    s.unposted += un_sum[0] + un_sum[1] + un_sum[2] + un_sum[3];
    s.posted += po_sum[0] + po_sum[1] + po_sum[2] + po_sum[3];
    for (; i < q; ++i) add_firm(x, f, i, s);
    return s;
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
        while (q < e && (f.district[q] == d || !f.alive(q))) ++q;

#ifdef KCSIM_HAS_AVX2_KERNELS
        const run_sums s = avx2 ? sum_avx2(x, f, r, q) : sum_portable(x, f, r, q);
#else
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
