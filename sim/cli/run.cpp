// kcsim run: replicates of one scenario, streamed to one HDF5 file, with a summary table.
#include <cstdio>
#include <filesystem>
#include <optional>

#include "analysis/paired.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "engine/ensemble.hpp"
#include "io/output_file.hpp"
#include "io/run_store.hpp"
#include "io/state_file.hpp"
#include "model/summary.hpp"
#include "scenario/embedded.hpp"
#include "scenario/load.hpp"

namespace kcsim::cli {

namespace {

const job_command& run_job() {
    static const job_command c{
        .name = "kcsim run",
        .usage = "Usage: kcsim run [SCENARIO.toml] [options]\n\nRuns replicates of a scenario in parallel and writes "
                 "them to one HDF5 file.\nWithout SCENARIO, runs the built-in default (" +
                 std::string(scenario::default_scenario) + ").\n\n",
        .replicates = "replicates to run (default: run.replicates in the scenario)",
        .seed = "base seed (default: run.seed in the scenario)",
        .out = "output file (default: outputs/<scenario name>.h5)",
        .after_out = {{"--save-state", "DATE", "also save every replicate's state at the start of the week of DATE"},
                      {"--state-out", "FILE.h5", "where --save-state writes (default: <out>.state.h5)"},
                      {"--resume-from", "FILE.h5",
                       "continue the replicates saved in a state file (its seed and replicates)"}},
        .force = "replace the output file if it exists",
        .quiet = "no progress line and no summary table",
    };
    return c;
}

void print_summary(const scenario::scenario& sc, const std::vector<model::city_figures>& figs, std::uint64_t seed,
                   std::size_t failed) {
    std::printf("\n%s: %zu replicates, seed %llu, %d steps of %d days from %s to %s, %zu districts\n", sc.name.c_str(),
                figs.size(), static_cast<unsigned long long>(seed), sc.cal.steps(), sc.cal.step_days,
                core::to_iso(sc.cal.start).c_str(), core::to_iso(sc.cal.step_last_day(sc.cal.steps() - 1)).c_str(),
                sc.districts.size());
    if (failed > 0) std::printf("FAILED replicates: %zu (their rows are marked replicate_ok = 0)\n", failed);
    std::printf("%-20s %-7s %13s %13s %13s  %s\n", "city metric", "measure", "mean", "5%", "95%", "unit");
    for (std::size_t k = 0; k < model::n_metrics; ++k) {
        const auto& mi = model::metric_table()[k];
        std::vector<double> v;
        for (const auto& f : figs) v.push_back(f.value[k]);
        const auto d = analysis::describe(v);
        const char* measure = mi.kind == "flow" ? "total" : "at end";
        std::printf("%-20s %-7s %13s %13s %13s  %s\n", std::string(mi.name).c_str(), measure, fmt(d.mean).c_str(),
                    fmt(d.lo).c_str(), fmt(d.hi).c_str(), std::string(mi.unit).c_str());
    }
}

}  // namespace

int run_command(const std::vector<std::string>& args, const std::string& command_line) {
    const job_args p(args, run_job());
    if (p.help()) {
        p.print_help();
        return exit_code::ok;
    }
    // Validate everything before any work, so bad input never leaves output behind.
    // Without a scenario: the built-in default, or when resuming, the scenario the state was saved with.
    scenario::scenario_ptr sc;
    if (p.positional.empty() && p.has("--resume-from")) {
        const std::string from = *p.get("--resume-from");
        sc = scenario::load_text(io::read_state_header(from).scenario_toml, from + " (saved scenario)", ".");
    } else {
        sc = scenario::load(p.positional.empty() ? std::string(scenario::default_scenario) : p.positional[0]);
    }
    warn_idle_events(*sc);
    auto replicates = p.replicates(static_cast<std::uint64_t>(sc->p.replicates));
    auto seed = p.seed(static_cast<std::uint64_t>(sc->p.seed));

    // Resuming: the state file fixes the seed and the replicates, and its scenario must be
    // comparable (same calendar, districts and sectors) with the one given.
    std::optional<io::state_header> resume;
    if (auto from = p.get("--resume-from")) {
        if (p.has("--save-state")) throw input_error("kcsim run: --resume-from and --save-state cannot be combined");
        resume = io::read_state_header(*from);
        if (p.has("--seed") && seed != resume->seed) {
            throw input_error("kcsim run: --seed " + std::to_string(seed) + " differs from the seed " +
                              std::to_string(resume->seed) + " the state file '" + *from + "' was made with");
        }
        seed = resume->seed;
        if (p.has("--replicates") && replicates > resume->replicates) {
            throw input_error("kcsim run: --replicates " + std::to_string(replicates) + ": the state file '" + *from +
                              "' holds " + std::to_string(resume->replicates));
        }
        if (!p.has("--replicates")) replicates = resume->replicates;
        auto saved = scenario::load_text(resume->scenario_toml, *from + " (saved scenario)", ".");
        engine::check_comparable({saved, sc});
    }
    int snapshot_step = -1;
    std::string state_out;
    if (p.has("--state-out") && !p.has("--save-state"))
        throw input_error("kcsim run: --state-out needs --save-state DATE");
    if (auto d = p.date("--save-state")) {
        const core::date last = sc->cal.step_last_day(sc->cal.steps() - 1);
        if (*d < sc->cal.start || *d > last) {
            throw input_error("kcsim run: option --save-state = " + *p.get("--save-state") +
                              " is outside the simulated period " + core::to_iso(sc->cal.start) + " to " +
                              core::to_iso(last));
        }
        snapshot_step = sc->cal.step_of(*d);
    }
    const int threads = p.threads();
    // Resource guard: say what the run needs; refuse one that cannot fit before any work.
    auto estimate = estimate_job(sc->name, {sc}, replicates, std::to_string(replicates) + " replicates", 1, threads);
    estimate.disk_bytes = results_file_bytes({sc}, replicates);
    if (p.dry_run_or_guard(estimate)) return exit_code::ok;
    const bool force = p.force();
    const bool quiet = p.quiet();
    const std::string out = p.output(sc->name);
    std::vector<named_file> outputs{{out, "--out"}}, inputs;
    if (snapshot_step >= 0) {
        state_out = p.get("--state-out").value_or(sibling(out, "state.h5"));
        outputs.push_back({state_out, "--state-out"});
    }
    if (!p.positional.empty()) inputs.push_back({p.positional[0], "scenario file"});
    if (auto from = p.get("--resume-from")) inputs.push_back({*from, "--resume-from"});
    check_outputs("kcsim run", outputs, force, inputs);

    engine::execution_context ctx(threads);
    io::provenance prov{seed, command_line, ctx.threads()};
    if (resume) {
        prov.resumed_from = *p.get("--resume-from");
        prov.resumed_step = resume->step;
        prov.resumed_scenario_sha256 = resume->scenario_sha256;
    }
    io::run_store store(out, force, prov);
    const std::size_t g = store.add_scenario(*sc, replicates);
    std::optional<io::state_writer> states;
    if (snapshot_step >= 0) {
        states.emplace(state_out, force,
                       io::state_header{sc->name, sc->resolved_toml, sc->hash, seed, snapshot_step,
                                        core::to_iso(sc->cal.step_start(snapshot_step)), replicates});
    }

    interrupt_guard guard;
    progress bar(sc->name, replicates, !quiet && stderr_is_terminal());
    std::vector<model::city_figures> figs;
    std::size_t failed = 0, done = 0;
    const auto t0 = std::chrono::steady_clock::now();
    // Each replicate's metrics chunk is encoded on the worker that computed it; the sink only writes.
    engine::ensemble_options opt{.seed = seed,
                                 .replicates = replicates,
                                 .cancel = interrupt_guard::flag(),
                                 .snapshot_step = snapshot_step,
                                 .prepare = io::run_store::prepare};
    if (resume) {
        const std::string from = *p.get("--resume-from");
        opt.resume = [from](std::uint64_t r) {
            auto s = io::read_state(from, r);
            return engine::snapshot{std::move(s.world), std::move(s.metrics)};
        };
    }
    engine::run_ensemble(sc, opt, ctx, [&](engine::replicate_result&& r) {
        store.append(g, r);
        if (states && r.saved) states->add(io::saved_state{r.replicate, r.saved->world, r.saved->metrics});
        if (r.ok) {
            figs.push_back(
                model::city_summary(r.metrics, static_cast<std::size_t>(sc->cal.steps()), sc->districts.size()));
        } else {
            ++failed;
            std::fprintf(stderr, "\nkcsim: replicate %llu failed: %s\n", static_cast<unsigned long long>(r.replicate),
                         r.message.c_str());
        }
        bar.update(++done);
    });
    // The state file first: a disk that fills while finishing it leaves no results either.
    if (states) states->commit();
    store.commit();
    bar.finish();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!quiet) {
        print_summary(*sc, figs, seed, failed);
        std::error_code ec;
        const auto bytes = std::filesystem::file_size(out, ec);
        std::printf("\nwrote %s (%s) in %.2f s on %d thread%s; HDF5 writing %.1f%% of the time\n", out.c_str(),
                    core::human_bytes(static_cast<double>(bytes)).c_str(), secs, ctx.threads(),
                    ctx.threads() == 1 ? "" : "s", 100.0 * store.write_seconds() / secs);
    }
    return failed > 0 ? exit_code::failure : exit_code::ok;
}

}  // namespace kcsim::cli
