// kcsim sweep: a design over uncertain parameters crossed with lever values, every experiment
// run on the same seeds, the outcomes stored beside the experiments table, and sensitivity
// indices (Sobol' for a saltelli design, Morris for a morris design) printed as a ranking.
#include "analysis/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "cli/units.hpp"
#include "core/error.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "dist/mpi.hpp"
#include "engine/ensemble.hpp"
#include "io/journal.hpp"
#include "io/output_file.hpp"
#include "io/posterior.hpp"
#include "io/run_store.hpp"
#include "model/summary.hpp"
#include "scenario/load.hpp"
#include "scenario/sweep.hpp"

namespace kcsim::cli {

namespace {
const job_command sweep_job{
    .name = "kcsim sweep",
    .usage = "Usage: kcsim sweep SWEEP.toml [options]\n\n"
             "Runs a design over the sweep's uncertain parameters, crossed with every combination of\n"
             "its levers, on common random numbers; stores the experiments table and the outcomes, and\n"
             "ranks the parameters by sensitivity (designs saltelli and morris), on levels and on\n"
             "contrasts between policies. With --parameters, over a posterior. See docs/sweeps.md.\n\n",
    .max_replicates = 100000,
    .replicates = "replicates per experiment (default: replicates in the sweep file)",
    .seed = "base seed (default: seed in the sweep file)",
    .before_out = {{"--parameters", "POSTERIOR.h5",
                    "over a posterior (kcsim calibrate): replicate r uses draw r for the parameters the "
                    "sweep does not vary"}},
    .out = "output file (default: outputs/sweep-<name>.h5)",
    .resume = "continue an interrupted sweep: run only the experiments missing from FILE.h5.partial",
    .force = "replace the output file if it exists",
    .quiet = "no progress line and no ranking",
};
}  // namespace

int sweep_command(const std::vector<std::string>& args, const std::string& command_line) {
    const job_args p(args, sweep_job);
    if (p.help() || p.positional.empty()) {
        p.print_help();
        return p.help() ? exit_code::ok : exit_code::bad_input;
    }
    auto sw = scenario::load_sweep(p.positional[0]);
    sw.replicates = p.replicates(sw.replicates);
    sw.seed = p.seed(sw.seed);
    // Over a posterior, replicate r of every experiment runs with draw r (and seed r), so the
    // experiments stay paired; the sweep's own uncertain parameters and levers win over the draws.
    std::optional<io::posterior> post;
    analysis::sweep_draws draws;
    if (auto path = p.get("--parameters")) {
        post = io::read_posterior(*path);
        draws = analysis::draws_for_sweep(sw, post->keys, post->draws, post->path);
    }
    const auto outcome_index = analysis::outcome_indices(sw);
    const int threads = p.threads();
    const bool force = p.force(), quiet = p.quiet();
    const auto ex = analysis::plan_experiments(sw);
    // Every experiment's scenario must load: check them all before any run (errors exit 2). The
    // largest (most firms) sizes the resource guard: one experiment runs its replicates in turn.
    scenario::scenario_ptr largest = sw.base;
    for (std::size_t e = 0; e < ex.count; ++e) {
        scenario::scenario_ptr sc;
        const std::string overrides = ex.overrides(sw, e);
        try {
            sc = scenario::derive(*sw.base, overrides, sw.name);
        } catch (const scenario_error& err) {
            // The overrides are kcsim's own text: name the sweep file, the parameter and the
            // combination the design drew, not "<overrides>:4:15".
            std::string combination;
            for (char c : overrides) combination += c == '\n' ? ' ' : c;
            // The entry to narrow, by the line of its key: the one sweeping the key of the error
            // or, when the other key of a pair comes from the scenario, a swept key the message names.
            std::string at, entry = err.key;
            for (int exact = 1; exact >= 0 && at.empty(); --exact) {
                auto consider = [&](const std::string& key, int line, int column) {
                    const bool named = exact ? key == err.key : err.message.find("'" + key + "'") != std::string::npos;
                    if (!at.empty() || !named || line <= 0) return;
                    at = ":" + std::to_string(line) + ":" + std::to_string(column);
                    entry = key;
                };
                for (const auto& u : sw.uncertain) consider(u.key, u.line, u.column);
                for (const auto& l : sw.levers) consider(l.key, l.line, l.column);
            }
            throw input_error(sw.source + at + ": experiment " + std::to_string(e) +
                              " of the design makes an invalid " + "scenario (" + err.key + "): " + err.message +
                              "; the values drawn: " + combination +
                              "; narrow the [[uncertain]] or [[lever]] entry of " + entry);
        }
        if (sc->p.tech_firms + sc->p.other_firms > largest->p.tech_firms + largest->p.other_firms) largest = sc;
    }
    // Only now, with every experiment valid, the default output (which creates outputs/).
    const std::string out = p.output("sweep-" + sw.name);
    auto estimate =
        estimate_job("sweep " + sw.name, {largest}, ex.count,
                     std::to_string(ex.count) + " experiments x " + std::to_string(sw.replicates) + " replicates",
                     sw.replicates, threads);
    // A sweep keeps each replicate's outcomes (one value per metric), not the metrics over time.
    estimate.disk_bytes = 90e3 + 8.0 * static_cast<double>(ex.count * sw.replicates * model::n_metrics *
                                                           (1 + model::ledger_years(sw.base->cal).size()));
    if (p.dry_run_or_guard(estimate)) return exit_code::ok;
    check_outputs("kcsim sweep", {{out, "--out"}}, force,
                  {{p.positional[0], "sweep file"}, {sw.base->source, "scenario file (of the sweep)"}});

    // The units are the experiments; each finished one goes to <out>.partial at once (--resume).
    const std::string description = "sweep\n" + core::sha256_hex(sw.text) + "\n" + sw.base->hash + "\n" +
                                    std::to_string(sw.seed) + "\n" + std::to_string(sw.replicates) + "\n" +
                                    (post ? "posterior " + post->draws_sha256 + "\n" : "");
    unit_job job(p, out, description, "sweep " + sw.name, ex.count, "experiments");
    auto& ctx = job.ctx();
    const std::size_t R = sw.replicates, M = model::n_metrics;
    std::vector<double> outcomes(ex.count * R * M, std::numeric_limits<double>::quiet_NaN());
    const std::size_t Y = model::ledger_years(sw.base->cal).size();
    std::vector<double> yearly(ex.count * R * Y * M, std::numeric_limits<double>::quiet_NaN());
    std::size_t failed = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const bool writer = job.run([&](std::size_t e) {
        // Each experiment: its scenario, its replicates on the sweep's seeds (common random numbers).
        return io::journal::encode(
            {analysis::run_experiment(sw, ex, e, ctx, interrupt_guard::flag(), post ? &draws : nullptr)});
    });
    if (!writer) return exit_code::ok;
    io::run_store store(out, force, io::provenance{sw.seed, command_line, ctx.threads()});
    for (std::size_t e = 0; e < ex.count; ++e) {
        const auto unit = job.journal().read(e).at(0);
        const auto& figs = unit.metrics;
        std::copy(unit.summary.begin(), unit.summary.end(),
                  yearly.begin() + static_cast<std::ptrdiff_t>(e * R * Y * M));
        for (std::size_t r = 0; r < R; ++r) failed += std::isnan(figs[r * M]) ? 1u : 0u;
        std::copy(figs.begin(), figs.end(), outcomes.begin() + static_cast<std::ptrdiff_t>(e * R * M));
    }
    {
        // Sensitivity per policy and outcome, on the mean over replicates of each design row.
        const auto indices = analysis::sweep_sensitivity(sw, ex, outcomes, outcome_index);
        const auto contrasts = analysis::contrast_sensitivity(sw, ex, outcomes, outcome_index);
        store.write_sweep(sw, ex, outcomes, yearly, sw.outcomes, indices, contrasts);
        if (post) {
            auto lines = [](const std::vector<std::string>& keys) {
                std::string text;
                for (const auto& k : keys) text += (text.empty() ? "" : "\n") + k;
                return text;
            };
            store.annotate("sweep", "parameters_file", post->path);
            store.annotate("sweep", "parameters_sha256", post->draws_sha256);
            store.annotate("sweep", "parameters_applied", lines(draws.keys));
            store.annotate("sweep", "parameters_overridden_by_sweep", lines(draws.dropped));
        }
        store.commit();
        job.journal().remove();
        if (!quiet) {
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::printf("\nsweep %s: %zu experiments (%zu policies x %zu design points, design %s) x %zu replicates in "
                        "%.1f s\n",
                        sw.name.c_str(), ex.count, ex.policies, ex.samples, sw.design.c_str(), R, secs);
            // " (policy 1: rewards.rule = "tournament")": what a policy is, in the ranking's title.
            auto policy_label = [&](std::size_t pol) {
                std::string label = " (policy " + std::to_string(pol) + ":";
                const std::size_t e = pol * ex.samples, L = sw.levers.size();
                for (std::size_t l = 0; l < L; ++l)
                    label += " " + sw.levers[l].key + " = " + ex.lever_values[e * L + l];
                return label + ")";
            };
            if (post) {
                std::printf("over the posterior %s: replicate r of every experiment uses draw r (%zu of %zu draws) "
                            "for %zu parameter(s)",
                            post->path.c_str(), R, post->size(), draws.keys.size());
                if (!draws.dropped.empty()) {
                    std::printf("; the sweep's own values win for");
                    for (const auto& k : draws.dropped) std::printf(" %s", k.c_str());
                }
                std::printf("\n");
            }
            // One ranking: the parameters by total Sobol' index or Morris mu*, largest first.
            auto print_ranking = [&](const std::string& title, const analysis::sensitivity& s) {
                const bool sobol = !s.st.empty(), morris = !s.mu_star.empty();
                if (!sobol && !morris) return;
                std::printf("\n%s: parameters ranked by %s\n", title.c_str(),
                            sobol ? "total Sobol' index (first-order and total, 95% bootstrap intervals)"
                                  : "Morris mu* (mean absolute elementary effect) and sigma");
                const auto& key = sobol ? s.st : s.mu_star;
                std::vector<std::size_t> order(key.size());
                std::iota(order.begin(), order.end(), std::size_t{0});
                std::stable_sort(order.begin(), order.end(),
                                 [&](std::size_t a, std::size_t b) { return key[a] > key[b]; });
                for (auto k : order) {
                    if (sobol) {
                        std::printf("  %-40s S1 %6.3f [%6.3f, %6.3f]   ST %6.3f [%6.3f, %6.3f]\n",
                                    sw.uncertain[k].key.c_str(), s.s1[k], s.s1_lo[k], s.s1_hi[k], s.st[k], s.st_lo[k],
                                    s.st_hi[k]);
                    } else {
                        std::printf("  %-40s mu* %12s   sigma %12s\n", sw.uncertain[k].key.c_str(),
                                    fmt(s.mu_star[k]).c_str(), fmt(s.sigma[k]).c_str());
                    }
                }
            };
            for (std::size_t pol = 0; pol < ex.policies; ++pol) {
                for (std::size_t o = 0; o < outcome_index.size(); ++o)
                    print_ranking(sw.outcomes[o] + (ex.policies > 1 ? policy_label(pol) : ""), indices[pol][o]);
            }
            // The same on contrasts: which parameters decide how much a policy changes an outcome.
            bool explained = false;
            for (std::size_t pol = 1; pol < ex.policies; ++pol) {
                for (std::size_t o = 0; o < outcome_index.size(); ++o) {
                    const auto& s = contrasts[pol][o];
                    if (s.st.empty() && s.mu_star.empty()) continue;
                    if (!explained) {
                        std::printf("\nOn contrasts: the same indices of (policy p - policy 0) at each design point:\n"
                                    "which parameters decide how much a policy changes the outcome, not its level.\n");
                        explained = true;
                    }
                    // "tech_firms, policy 1 - policy 0 (policy 1: k = v; policy 0: k = w)"
                    const std::string these = policy_label(pol), base = policy_label(0);
                    print_ranking(sw.outcomes[o] + ", policy " + std::to_string(pol) + " - policy 0" +
                                      these.substr(0, these.size() - 1) + "; " + base.substr(2),
                                  s);
                }
            }
            if (failed > 0)
                std::printf("\n%zu replicate(s) failed (NaN in outcomes); no indices were computed\n", failed);
            std::printf("\nwrote %s\n", out.c_str());
        }
    }
    return failed > 0 ? exit_code::failure : exit_code::ok;
}

}  // namespace kcsim::cli
