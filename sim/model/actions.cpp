// The firm pass of a step: for each firm in turn, its needs (awareness, market resolution, new
// needs), expert services, matches, consortium membership, roadshow pitches and its life
// (innovation, growth, certification, exit), then its part of the step's metrics, a check that
// its state is possible, and its open needs counted for the next step's service allocation. The
// processes are the per-firm functions of needs.hpp, experts.hpp, matching.hpp, consortia.hpp,
// finance.hpp, firms.hpp and collect.hpp, in that order; each reads only its own firm and the
// step's shared rates and chances, so one pass gives the same result as one pass per process,
// and a firm's columns come through the cache once a step instead of once a process.
#include <algorithm>

#include "engine/execution.hpp"
#include "model/collect.hpp"
#include "model/common.hpp"
#include "model/consortia.hpp"
#include "model/experts.hpp"
#include "model/finance.hpp"
#include "model/firms.hpp"
#include "model/matching.hpp"
#include "model/needs.hpp"
#include "model/phases.hpp"
#include "model/quiet.hpp"

namespace kcsim::model::phases {

namespace {
// The columns a busy firm's processes write that the quiet pass did not bring into the cache:
// requested a few firms ahead, so that the processes do not wait for them one firm at a time.
KCSIM_ALWAYS_INLINE void prefetch_busy(const firm_columns& f, std::size_t i) {
    f.prefetch_flows(i);
    __builtin_prefetch(f.id + i, 0);
    __builtin_prefetch(f.absorptive + i, 0);
}
}  // namespace

void firm_step(engine::step_context& c) {
    auto& w = c.w;
    const std::size_t nd = w.d.size(), ns = c.sc.sectors.size();
    const auto needs = needs_step::of(c);
    const auto services = service_step::of(c);
    const auto matches = match_step::of(c);
    const auto membership = consortium_step::of(c);
    const auto pitches = finance_step::of(c);
    const auto life = life_step::of(c);
    const auto quiet = quiet_step::of(needs, services, matches, membership, pitches, life, c.key);
    const auto metrics = metric_step::of(c);
    const auto key = c.key;
    const auto step = static_cast<std::uint64_t>(c.step);

    // Per block: the metrics [district][metric], then the needs experts solved and the first
    // firm in an impossible state (or none); and as integers (exact in any order) the change of
    // the open needs [district][sector][posted, unposted] and the firms that may pitch, for the
    // next step.
    const std::size_t rows = nd * n_metrics, width = rows + 2, ncounts = nd * ns * 2 + 1;
    const std::size_t nb = engine::block_count(w.f.size(), block);
    constexpr double none = -1;
    std::vector<double> partial(std::max<std::size_t>(nb, 1) * width, 0.0);
    std::vector<std::int64_t> partial_counts(std::max<std::size_t>(nb, 1) * ncounts, 0);
    const firm_columns cols = columns(w.f);
    engine::for_blocks(w.f.size(), block, [&](std::size_t b, std::size_t e) {
        const firm_columns f = cols;
        double* part = partial.data() + (b / block) * width;
        std::int64_t* open = partial_counts.data() + (b / block) * ncounts;
        double solved = 0, bad = none;
        clear_last_flows(f, b, e);
        // Most firms are quiet this step (quiet.hpp); the others go through the processes in turn.
        std::uint32_t busy[block];
        const std::size_t n_busy = quiet_firms(quiet, f, b, e, busy);
        for (std::size_t j = 0; j < n_busy; ++j) {
            const std::size_t i = busy[j];
            if (j + 4 < n_busy) prefetch_busy(f, busy[j + 4]);
            const auto before = open_needs::of(f, i);
            firm_needs(needs, f, i, key, step);
            if (services.any) solved += serve_needs(services, f, i, key, step);
            if (matches.any) match_needs(matches, f, i, key, step);
            if (membership.any) consortium_membership(membership, f, i, key, step);
            roadshow_pitch(pitches, f, i, key, step);
            firm_life(life, f, i, key);
            add_flows(f, i, part);  // only firms with an event have flows
            // Only here do a firm's open needs change: the counts move by the difference.
            const auto after = open_needs::of(f, i);
            std::int64_t* cell = open + (f.district[i] * ns + f.sector[i]) * 2;
            cell[0] += after.posted - before.posted;
            cell[1] += after.unposted - before.unposted;
        }
        const auto counts = add_stocks(metrics, f, b, e, part);
        if (counts.bad != stock_counts::none) bad = static_cast<double>(counts.bad);
        part[rows] = solved;
        part[rows + 1] = bad;
        open[ncounts - 1] = static_cast<std::int64_t>(counts.pitchers);
    });
    // Combine blocks in block order: the same sums, bit for bit, on any number of threads.
    std::fill(c.row.begin(), c.row.end(), 0.0);
    double solved = 0;
    for (std::size_t k = 0; k < nb; ++k) {
        const double* part = partial.data() + k * width;
        if (part[rows + 1] != none) impossible_state(c, static_cast<std::size_t>(part[rows + 1]));
        for (std::size_t j = 0; j < rows; ++j) c.row[j] += part[j];
        solved += part[rows];
    }
    report_services(c, solved);
    // The open needs counted at the start (initial_world) and moved by every change since: integers
    // in doubles, exact in any order.
    w.pitch_eligible = 0;
    for (std::size_t k = 0; k < nb; ++k) {
        const std::int64_t* open = partial_counts.data() + k * ncounts;
        for (std::size_t j = 0; j < nd * ns; ++j) {
            w.d.open_posted[j] += static_cast<double>(open[2 * j]);
            w.d.open_unposted[j] += static_cast<double>(open[2 * j + 1]);
        }
        w.pitch_eligible += static_cast<std::int64_t>(open[ncounts - 1]);
    }
}

}  // namespace kcsim::model::phases
