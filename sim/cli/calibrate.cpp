// kcsim calibrate: history matching in waves on direct simulation, then ABC with regression
// adjustment inside the non-implausible region, against a targets file; writes every wave, the
// posterior sample and the identifiability report to one HDF5 file (docs/calibration.md).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "analysis/calibration.hpp"
#include "analysis/sweep.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/options.hpp"
#include "cli/units.hpp"
#include "core/error.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "dist/mpi.hpp"
#include "engine/simulation.hpp"
#include "io/journal.hpp"
#include "io/run_store.hpp"
#include "scenario/load.hpp"
#include "scenario/observations.hpp"
#include "scenario/sweep.hpp"

namespace kcsim::cli {

namespace {
const job_command calibrate_job{
    .name = "kcsim calibrate",
    .usage = "Usage: kcsim calibrate TARGETS.toml --parameters PRIOR.toml [options]\n\n"
             "History matching in waves (implausibility with measurement error, model discrepancy and\n"
             "ensemble variance, on direct simulation), then ABC with regression adjustment inside the\n"
             "non-implausible region. PRIOR.toml is a sweep file: its scenario, its [[uncertain]]\n"
             "parameters (uniform priors), `samples` (design points per wave) and `replicates` (per\n"
             "point). Runs stop at the last target date. See docs/calibration.md.\n\n",
    .max_replicates = 1000,
    .replicates = "replicates per design point, for the ensemble variance (default: replicates of PRIOR.toml)",
    .seed = "base seed (default: seed of PRIOR.toml)",
    .before_out = {{"--parameters", "PRIOR.toml", "the prior: a sweep file with [[uncertain]] parameters (required)"},
                   {"--waves", "N", "history-matching waves, 1 to 20 (default 3)"},
                   {"--cutoff", "X", "implausibility cutoff (default 3)"},
                   {"--abc-runs", "N", "ABC draws from the non-implausible region (default 10 x samples)"},
                   {"--accept", "X", "share of the ABC draws accepted, 0 to 1 (default 0.1)"},
                   {"--draws", "N", "posterior draws for comparisons, resampled by weight (default 100)"}},
    .out = "output file (default: outputs/calibrate-<targets name>.h5)",
    .resume = "continue an interrupted calibration: finished waves and units are reused from FILE.h5.*.partial",
    .force = "replace the output file if it exists",
    .quiet = "no progress lines and no report",
};

double real_option(const job_args& p, const std::string& o, double def, double lo, double hi) {
    const auto v = p.get(o);
    if (!v) return def;
    char* end = nullptr;
    const double x = std::strtod(v->c_str(), &end);
    if (end == v->c_str() || *end != '\0' || !std::isfinite(x) || x <= lo || x > hi) {
        throw input_error("kcsim calibrate: option " + o + " = " + *v + ": expected a number above " +
                          core::rounded_number(lo) + " and at most " + core::rounded_number(hi));
    }
    return x;
}
}  // namespace

int calibrate_command(const std::vector<std::string>& args, const std::string& command_line) {
    const job_args p(args, calibrate_job);
    if (p.help() || p.positional.empty()) {
        p.print_help();
        return p.help() ? exit_code::ok : exit_code::bad_input;
    }
    const auto prior_path = p.get("--parameters");
    if (!prior_path)
        throw input_error("kcsim calibrate: give the prior with --parameters PRIOR.toml (a sweep file with "
                          "[[uncertain]] parameters; see docs/calibration.md)");
    const auto obs = scenario::load_observations(p.positional[0]);
    auto prior = scenario::load_sweep(*prior_path);
    if (!prior.levers.empty())
        throw input_error(
            prior.source + ":" + std::to_string(prior.levers.front().line) +
            ": a prior has no [[lever]]s: calibrate one policy, then compare policies over the posterior");
    if (prior.uncertain.empty())
        throw input_error(prior.source + ": the prior needs at least one [[uncertain]] parameter");
    const auto metric_index = analysis::check_observations(obs, *prior.base);
    prior.replicates = p.replicates(prior.replicates);
    prior.seed = p.seed(prior.seed);
    const auto full = prior.base;
    prior.base = analysis::until_last_target(*full, obs);  // runs stop at the last target date
    const std::size_t waves = static_cast<std::size_t>(p.integer("--waves", 1, 20).value_or(3));
    const double cutoff = real_option(p, "--cutoff", 3.0, 0.0, 1e6);
    const double accept = real_option(p, "--accept", 0.1, 0.0, 1.0);
    const std::size_t abc_runs = static_cast<std::size_t>(
        p.integer("--abc-runs", 10, 10000000).value_or(static_cast<std::int64_t>(10 * prior.samples)));
    const std::size_t n_draws = static_cast<std::size_t>(p.integer("--draws", 1, 100000).value_or(100));
    const std::size_t n = prior.samples, k = prior.uncertain.size(), R = prior.replicates, T = obs.targets.size();
    // Only rank 0 speaks and writes; the other ranks run units and follow the same waves.
    const bool force = p.force(), quiet = p.quiet() || !dist::coordinator();
    const int threads = p.threads();
    // The null: the same parameters with the programme off, to ask whether the data rule it out.
    const auto null_base = scenario::derive(*prior.base, "[programme]\nenabled = false\n", prior.base->name);

    const std::size_t batch = 10;  // ABC draws per journalled unit
    const std::size_t total_runs = (waves + 1) * n * R + abc_runs;
    auto estimate = estimate_job("calibrate " + obs.name, {prior.base}, total_runs,
                                 std::to_string(total_runs) + " runs (" + std::to_string(waves) +
                                     " waves + the null x " + std::to_string(n) + " points x " + std::to_string(R) +
                                     " replicates, " + std::to_string(abc_runs) + " ABC draws)",
                                 1, threads);
    estimate.disk_bytes = 1e5 + 8.0 * static_cast<double>((waves + 1) * n * (k + 3 * T) + abc_runs * (k + T + 2));
    if (p.dry_run_or_guard(estimate)) return exit_code::ok;
    const std::string out = p.output("calibrate-" + obs.name);
    check_outputs("kcsim calibrate", {{out, "--out"}}, force,
                  {{p.positional[0], "targets file"}, {*prior_path, "prior (--parameters)"}});

    const std::string inputs = core::sha256_hex(obs.text) + "\n" + core::sha256_hex(prior.text) + "\n" +
                               prior.base->hash + "\n" + std::to_string(prior.seed) + "\n" + std::to_string(R) + "\n" +
                               std::to_string(cutoff) + "\n";
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::string> journals;
    // One stage of runs (a wave, the null, the ABC draws) as a resumable job of its own.
    auto stage = [&](const std::string& tag, const std::string& label, std::size_t units, const std::string& design,
                     const std::function<engine::replicate_result(std::size_t, engine::execution_context&)>& work) {
        const std::string path = out + "." + tag;
        journals.push_back(path);
        unit_job job(p, path, "calibrate " + tag + "\n" + inputs + core::sha256_hex(design), label, units, "units");
        auto& ctx = job.ctx();
        std::vector<double> values;
        if (job.run([&](std::size_t u) { return io::journal::encode({work(u, ctx)}); })) {
            for (std::size_t u = 0; u < units; ++u) {
                const auto r = job.journal().read(u).at(0);
                values.insert(values.end(), r.summary.begin(), r.summary.end());
            }
        }
        // Under MPI the next wave's design comes from these values: every rank gets rank 0's.
        dist::broadcast(values);
        return values;
    };
    // Replicates first .. first + count - 1 of one parameter point: the targets' values, NaN if it failed.
    auto run_point = [&](const scenario::scenario& base, const std::string& overrides, std::uint64_t first,
                         std::size_t count, engine::execution_context& ctx) {
        const auto sc = scenario::derive(base, overrides, base.name);
        engine::replicate_result res;
        res.summary.assign(count * T, std::numeric_limits<double>::quiet_NaN());
        for (std::size_t r = 0; r < count; ++r) {
            engine::simulation sim(ctx, sc, prior.seed, first + r);
            try {
                sim.run(ctx, interrupt_guard::flag());
            } catch (const model_error& err) {
                res.ok = false;
                res.message = err.what();
                continue;
            }
            const auto v = analysis::target_values(*sc, sim.metrics(), obs, metric_index);
            std::copy(v.begin(), v.end(), res.summary.begin() + static_cast<std::ptrdiff_t>(r * T));
        }
        return res;
    };
    auto overrides_of = [&](const std::vector<double>& points, std::size_t i) {
        analysis::experiments ex;
        ex.count = points.size() / k;
        ex.uncertain = points;
        return ex.overrides(prior, i);
    };
    auto design_text = [](const std::vector<double>& pts) {
        std::string s;
        for (double x : pts) s += std::to_string(x) + ",";
        return s;
    };

    analysis::calibration cal;
    cal.prior = &prior;
    cal.targets = &obs;
    cal.scenario_end = core::to_iso(prior.base->cal.end);
    cal.replicates = R;
    cal.cutoff = cutoff;
    cal.accept = accept;
    cal.abc_batch = batch;
    std::vector<double> lo(k), hi(k);
    for (std::size_t j = 0; j < k; ++j) lo[j] = prior.uncertain[j].min, hi[j] = prior.uncertain[j].max;
    if (!quiet)
        std::printf(
            "calibrate %s: %zu parameters, %zu targets (%zu held out), runs to %s\n", obs.name.c_str(), k, T,
            [&] {
                std::size_t h = 0;
                for (const auto& o : obs.targets) h += o.hold_out ? 1 : 0;
                return h;
            }(),
            cal.scenario_end.c_str());
    for (std::size_t w = 0; w < waves; ++w) {
        analysis::wave wv;
        wv.lo = lo, wv.hi = hi;
        wv.points = analysis::wave_design(prior, lo, hi, n, w);
        const auto runs = stage("wave" + std::to_string(w + 1), "wave " + std::to_string(w + 1), n,
                                design_text(wv.points), [&](std::size_t i, engine::execution_context& ctx) {
                                    return run_point(*prior.base, overrides_of(wv.points, i), 0, R, ctx);
                                });
        analysis::assess(wv, runs, R, obs, cutoff);
        analysis::next_box(wv, prior, lo, hi);
        cal.runs += n * R;
        if (!quiet) {
            std::printf("wave %zu: %zu points x %zu replicates, %.1f%% non-implausible (cutoff %g)%s\n", w + 1, n, R,
                        100 * wv.fraction, cutoff,
                        wv.fallback ? "; none fits: the next wave samples the same box again" : "");
            std::fflush(stdout);
        }
        cal.waves.push_back(std::move(wv));
    }
    // The null: the first wave's points (a hypercube over the whole prior) with the programme
    // off. If some fit, some parameter values explain the data without the programme.
    {
        const auto& first = cal.waves.front();
        const auto runs = stage("null", "no programme", n, design_text(first.points),
                                [&](std::size_t i, engine::execution_context& ctx) {
                                    return run_point(*null_base, overrides_of(first.points, i), 0, R, ctx);
                                });
        analysis::wave nw;
        nw.points = first.points;
        analysis::assess(nw, runs, R, obs, cutoff);
        cal.null_max_implausibility = nw.max_implausibility;
        cal.runs += n * R;
        cal.id.null_fraction = nw.fraction;
    }
    // ABC inside the non-implausible box: one replicate per draw, each on its own stream.
    {
        const auto pts = analysis::wave_design(prior, lo, hi, abc_runs, waves);
        const std::size_t units = (abc_runs + batch - 1) / batch;
        const auto stats =
            stage("abc", "ABC", units, design_text(pts), [&](std::size_t u, engine::execution_context& ctx) {
                engine::replicate_result all;
                for (std::size_t i = u * batch; i < std::min(abc_runs, (u + 1) * batch); ++i) {
                    auto r = run_point(*prior.base, overrides_of(pts, i), i, 1, ctx);
                    all.summary.insert(all.summary.end(), r.summary.begin(), r.summary.end());
                }
                return all;
            });
        cal.runs += abc_runs;
        cal.abc = analysis::abc_regression(pts, stats, k, obs, prior, accept, prior.seed);
        cal.abc_replicate.resize(abc_runs);
        for (std::size_t i = 0; i < abc_runs; ++i) cal.abc_replicate[i] = i;
        cal.draws = analysis::resample(cal.abc.weights, n_draws, prior.seed);
    }
    cal.id = analysis::identify(prior, cal.abc, cal.waves.front().fraction, cal.id.null_fraction);
    analysis::predict(cal);
    cal.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    if (!dist::coordinator()) return exit_code::ok;
    io::run_store store(out, force, io::provenance{prior.seed, command_line, threads});
    store.write_calibration(cal);
    store.commit();
    for (const auto& j : journals) {
        std::error_code ec;
        std::filesystem::remove_all(j + ".partial", ec);  // the stages' journals, now in the file
    }
    if (!quiet) {
        std::printf("ABC: %zu draws, %zu accepted (epsilon %.3g), effective sample size %.0f; %zu posterior draws\n",
                    abc_runs, cal.abc.accepted.size(), cal.abc.epsilon, cal.abc.ess, cal.draws.size());
        std::printf("\n%s\n%s", cal.id.text.c_str(), analysis::validation_text(cal).c_str());
        std::printf("\n%zu runs in %.1f s (%.1f runs per second)\nwrote %s\n", cal.runs, cal.seconds,
                    static_cast<double>(cal.runs) / cal.seconds, out.c_str());
    }
    return exit_code::ok;
}

}  // namespace kcsim::cli
