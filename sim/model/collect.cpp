// Per-district metrics of the step, reduced deterministically, and the numeric checks.
#include <cmath>
#include <string>

#include "core/error.hpp"
#include "engine/execution.hpp"
#include "model/metrics.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

namespace {
constexpr std::size_t block = 16384; // fixed: the partial sums must not depend on threads
}

void collect_metrics(engine::step_context& c) {
    const auto& f = c.w.f;
    const std::size_t nd = c.w.d.size();
    const std::size_t nb = (f.size() + block - 1) / block;
    constexpr std::size_t M = n_metrics;
    std::vector<double> partial(std::max<std::size_t>(nb, 1) * nd * M, 0.0);
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        double* part = partial.data() + (b / block) * nd * M;
        for (std::size_t i = b; i < e; ++i) {
            double* r = part + f.district[i] * M;
            r[index(metric::firms)] += 1;
            r[index(metric::tech_firms)] += (f.flags[i] & state::firm_flag::tech) ? 1 : 0;
            r[index(metric::high_tech_firms)] += (f.flags[i] & state::firm_flag::high_tech) ? 1 : 0;
            r[index(metric::awareness)] += f.awareness[i];
            r[index(metric::needs_raised)] += f.raised[i];
            r[index(metric::needs_unposted)] += f.needs_unposted[i];
            r[index(metric::problems_posted)] += f.posted[i];
            r[index(metric::problems_open)] += f.needs_posted[i];
            r[index(metric::problems_solved)] += f.solved_posted[i];
            r[index(metric::needs_solved)] += f.solved_posted[i] + f.solved_unposted[i];
            r[index(metric::needs_abandoned)] += f.abandoned[i];
        }
    });
    // Combine blocks in block order: the same sums, bit for bit, on any number of threads.
    std::fill(c.row.begin(), c.row.end(), 0.0);
    for (std::size_t b = 0; b < nb; ++b) {
        const double* part = partial.data() + b * nd * M;
        for (std::size_t k = 0; k < nd * M; ++k) c.row[k] += part[k];
    }
    for (std::size_t d = 0; d < nd; ++d) {
        double* r = c.row.data() + d * M;
        const double n = r[index(metric::firms)];
        r[index(metric::awareness)] = n > 0 ? r[index(metric::awareness)] / n : 0.0;
        r[index(metric::pilot_status)] = c.w.d.pilot[d];
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
    const auto& f = c.w.f;
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (!(f.awareness[i] >= 0.0f && f.awareness[i] <= 1.0f)) {
            throw model_error("firm " + std::to_string(f.id[i]) + " has awareness " + std::to_string(f.awareness[i]) +
                              " at step " + std::to_string(c.step) + ": expected 0..1");
        }
    }
}

} // namespace kcsim::model::phases
