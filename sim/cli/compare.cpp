// kcsim compare: several scenarios on the same seeds (paired), optionally forked from a shared
// state, into one HDF5 file with a comparison group; the summary is printed and written as CSV
// and Markdown next to the file.
#include "analysis/compare.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>

#include "analysis/posterior.hpp"
#include "analysis/targets.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "cli/report.hpp"
#include "cli/units.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "dist/mpi.hpp"
#include "engine/ensemble.hpp"
#include "io/journal.hpp"
#include "io/output_file.hpp"
#include "io/posterior.hpp"
#include "io/run_store.hpp"
#include "model/summary.hpp"
#include "scenario/load.hpp"

namespace kcsim::cli {

namespace {
const job_command compare_job{
    .name = "kcsim compare",
    .usage = "Usage: kcsim compare A.toml B.toml [C.toml ...] [options]\n\n"
             "Runs every scenario on the same replicates (common random numbers), so that their\n"
             "differences are paired, and reports each against the baseline (the first, or --baseline).\n\n",
    .max_positional = 64,
    .replicates = "paired replicates per scenario (default: run.replicates of the first)",
    .seed = "base seed, the same for every scenario (default: run.seed of the first)",
    .before_out = {{"--baseline", "NAME", "the scenario (by name) the others are compared with (default: the first)"},
                   {"--districts", "A,B,...",
                    "also break the summary down for these districts (ids), after the sub-regions"},
                   {"--fork-at", "DATE", "run the baseline to DATE, then every scenario from that same state"},
                   {"--parameters", "POSTERIOR.h5",
                    "compare over a posterior (kcsim calibrate): replicate r of every scenario uses draw r"}},
    .out = "output file (default: outputs/compare-<names>.h5); the summary goes to FILE.summary.csv/.md",
    .resume = "continue an interrupted comparison: run only the replicates missing from FILE.h5.partial",
    .force = "replace the output files if they exist",
    .quiet = "no progress line and no table",
};
}  // namespace

namespace {
// An area of the summary's breakdown: a sub-region, or a district the user named.
struct area {
    std::string name;
    std::vector<std::size_t> districts;
};

// The sub-regions (in their order), then the districts of --districts.
std::vector<area> summary_areas(const scenario::scenario& sc, const std::optional<std::string>& named) {
    std::vector<area> areas;
    for (const auto region :
         {scenario::subregion::metro, scenario::subregion::northeast, scenario::subregion::southeast}) {
        area a{std::string(scenario::to_string(region)), {}};
        for (std::size_t d = 0; d < sc.districts.size(); ++d)
            if (sc.districts[d].region == region) a.districts.push_back(d);
        if (!a.districts.empty()) areas.push_back(std::move(a));
    }
    if (!named) return areas;
    std::vector<std::string> ids;
    for (const auto& d : sc.districts) ids.push_back(d.id);
    std::size_t from = 0;
    for (std::string list = *named + ","; from < list.size();) {
        const std::size_t comma = list.find(',', from);
        const std::string id = list.substr(from, comma - from);
        from = comma + 1;
        const auto d = sc.district_index(id);
        if (d == static_cast<std::size_t>(-1)) {
            const std::string hint = core::closest_match(id, ids);
            throw input_error("kcsim compare: option --districts names '" + id + "', which is no district" +
                              (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                              " (the ids are listed by kcsim check, in [[districts]])");
        }
        areas.push_back({id, {d}});
    }
    return areas;
}

// What the comparison needs of a replicate's metrics: its city figures (model::n_metrics), which
// plan targets it met, then the figures of each area's districts (n_metrics each).
std::vector<double> unit_summary(const scenario::scenario& sc, std::span<const double> metrics,
                                 const std::vector<area>& areas) {
    const auto steps = static_cast<std::size_t>(sc.cal.steps()), D = sc.districts.size();
    const auto f = model::city_summary(metrics, steps, D);
    std::vector<double> out(f.value.begin(), f.value.end());
    const auto met = analysis::targets_met(sc, metrics);
    out.insert(out.end(), met.begin(), met.end());
    for (const auto& a : areas) {
        const auto af = model::area_summary(metrics, steps, D, a.districts);
        out.insert(out.end(), af.value.begin(), af.value.end());
    }
    return out;
}

std::string join_names(const std::vector<scenario::scenario_ptr>& scs) {
    std::string s;
    for (const auto& sc : scs) s += (s.empty() ? "" : ", ") + sc->name;
    return s;
}
}  // namespace

int compare_command(const std::vector<std::string>& args, const std::string& command_line) {
    const job_args p(args, compare_job);
    if (p.help()) {
        p.print_help();
        return exit_code::ok;
    }
    if (p.positional.size() < 2)
        throw input_error("kcsim compare: give at least two scenario files (see kcsim compare --help)");
    std::vector<scenario::scenario_ptr> scs;
    std::set<std::string> names;
    for (const auto& path : p.positional) {
        scs.push_back(scenario::load(path));
        warn_idle_events(*scs.back());
        if (!names.insert(scs.back()->name).second) {
            throw input_error("kcsim compare: two scenarios are named '" + scs.back()->name +
                              "'; give each its own `name` (it names its HDF5 group)");
        }
    }
    if (auto base = p.get("--baseline")) {
        // The baseline goes first: the comparison, the file's group order and --fork-at's trunk follow it.
        const auto it = std::find_if(scs.begin(), scs.end(), [&](const auto& sc) { return sc->name == *base; });
        if (it == scs.end()) {
            const std::vector<std::string> all(names.begin(), names.end());
            const std::string hint = core::closest_match(*base, all);
            throw input_error("kcsim compare: option --baseline = " + *base + " names no scenario of the comparison" +
                              (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                              " (the scenarios: " + core::join_or(all) + ")");
        }
        std::rotate(scs.begin(), it, it + 1);
    }
    engine::check_comparable(scs);
    const auto& first = *scs.front();
    // Over a posterior, replicate r of every scenario runs with draw r (and seed r): all draws by default.
    std::optional<io::posterior> post;
    if (auto path = p.get("--parameters")) post = io::read_posterior(*path);
    const auto replicates =
        p.replicates(post ? static_cast<std::uint64_t>(post->size()) : static_cast<std::uint64_t>(first.p.replicates));
    if (post && replicates > post->size()) {
        throw input_error("kcsim compare: --replicates " + std::to_string(replicates) + " is more than the " +
                          std::to_string(post->size()) + " draws of " + post->path +
                          " (replicate r uses draw r); give at most that many");
    }
    // Each scenario with draw r's parameters, by the sweep machinery's overrides.
    auto with_draw = [&](const std::vector<scenario::scenario_ptr>& base, std::size_t r) {
        return post ? analysis::with_draw(base, post->keys, post->draws, r) : base;
    };
    if (post) {
        for (std::size_t r = 0; r < replicates; ++r) {
            try {
                (void)with_draw(scs, r);
            } catch (const scenario_error& err) {
                throw input_error("kcsim compare: draw " + std::to_string(r) + " of " + post->path +
                                  " makes an invalid scenario: " + err.message);
            }
        }
    }
    const auto seed = p.seed(static_cast<std::uint64_t>(first.p.seed));
    const int threads = p.threads();
    int fork_step = -1;
    std::string fork_date;
    if (auto d = p.date("--fork-at")) {
        const std::string text = *p.get("--fork-at");
        const core::date last = first.cal.step_last_day(first.cal.steps() - 1);
        if (*d <= first.cal.start || *d > last) {
            throw input_error("kcsim compare: option --fork-at = " + text +
                              " is outside the simulated period: expected a date after " +
                              core::to_iso(first.cal.start) + " and up to " + core::to_iso(last));
        }
        fork_step = first.cal.step_of(*d);
        if (fork_step == 0) {
            throw input_error("kcsim compare: option --fork-at = " + text +
                              " falls in the first week, so nothing is shared; " + "expected a date from " +
                              core::to_iso(first.cal.step_start(1)));
        }
        fork_date = core::to_iso(first.cal.step_start(fork_step));
    }
    {
        // Resource guard: a replicate of every scenario (and the shared trunk when forking) is one unit.
        auto per_unit = scs;
        if (fork_step >= 0) per_unit.push_back(scs.front());
        const std::string units = std::to_string(replicates) + " paired replicates of " + std::to_string(scs.size()) +
                                  " scenarios" + (fork_step >= 0 ? " forked at " + fork_date : "");
        auto estimate = estimate_job("compare " + join_names(scs), per_unit, replicates, units, 1, threads);
        estimate.disk_bytes = results_file_bytes(scs, replicates);
        if (p.dry_run_or_guard(estimate)) return exit_code::ok;
    }
    const bool force = p.force(), quiet = p.quiet();
    std::string stem = "compare";
    for (const auto& sc : scs) stem += "-" + sc->name;
    const std::string out = p.output(stem.substr(0, 120));
    const std::string csv = sibling(out, "summary.csv"), md = sibling(out, "summary.md");
    std::vector<named_file> inputs;
    for (const auto& path : p.positional) inputs.push_back({path, "scenario file"});
    // The .h5 appears last (below). Summaries without it, with the job's units in FILE.h5.partial,
    // are what a comparison killed while renaming its files left: --resume makes them again.
    std::error_code ec;
    const bool redo_summaries = p.resume() && !std::filesystem::exists(std::filesystem::symlink_status(out, ec)) &&
                                std::filesystem::is_directory(out + ".partial", ec);
    check_outputs(
        "kcsim compare",
        {{out, "--out"}, {csv, "summary (from --out)", redo_summaries}, {md, "summary (from --out)", redo_summaries}},
        force, inputs);

    // The job's units are its replicates; each finished one goes to <out>.partial at once, so an
    // interrupted comparison resumes (--resume) with only the missing replicates.
    const auto areas = summary_areas(first, p.get("--districts"));
    std::string description = "compare\n" + std::to_string(seed) + "\n" + std::to_string(replicates) + "\n" +
                              std::to_string(fork_step) + "\n";
    for (const auto& a : areas) description += "area " + a.name + "\n";  // the units' summaries hold them
    for (const auto& sc : scs) description += sc->hash + "\n";
    if (post) {
        for (std::size_t r = 0; r < replicates; ++r)
            description += analysis::draw_overrides(post->keys, post->draws, r);
    }
    unit_job job(p, out, description, "compare " + std::to_string(scs.size()) + " scenarios", replicates, "replicates");
    auto& ctx = job.ctx();
    engine::paired_options opt{
        .seed = seed, .replicates = replicates, .fork_step = fork_step, .cancel = interrupt_guard::flag()};
    // A unit carries its metrics chunks already encoded (on the thread or rank that computed
    // them), so that assembling the output below only writes.
    const bool writer = job.run([&](std::size_t r) {
        const auto run_scs = with_draw(scs, r);
        auto rs = engine::run_replicate(run_scs, opt, r, ctx);
        for (std::size_t s = 0; s < rs.size(); ++s) {
            // The unit keeps the encoded chunk for the file and, of the metrics themselves,
            // only what the comparison needs: about a fifth of the size.
            io::run_store::prepare(rs[s]);
            if (rs[s].ok) rs[s].summary = unit_summary(*run_scs[s], rs[s].metrics, areas);
            rs[s].metrics = {};
        }
        return io::journal::encode(rs);
    });

    if (!writer) return exit_code::ok;
    // Assemble the output from the units, in replicate order.
    io::run_store store(out, force, io::provenance{seed, command_line, ctx.threads()});
    std::vector<std::size_t> groups;
    for (const auto& sc : scs) groups.push_back(store.add_scenario(*sc, replicates));
    std::vector<std::vector<model::city_figures>> figs(scs.size());
    std::vector<std::vector<std::vector<model::city_figures>>> area_figs(
        areas.size(), std::vector<std::vector<model::city_figures>>(scs.size()));
    const std::size_t n_targets = analysis::plan_targets().size();
    std::vector<std::vector<std::vector<double>>> met(scs.size());
    std::vector<std::uint64_t> kept;  // replicates that completed in every scenario
    std::size_t failed = 0;
    for (std::size_t r = 0; r < replicates; ++r) {
        const auto rs = job.journal().read(r);
        bool all_ok = true;
        for (std::size_t s = 0; s < rs.size(); ++s) {
            store.append(groups[s], rs[s]);
            if (!rs[s].ok) {
                all_ok = false;
                std::fprintf(stderr, "kcsim: replicate %llu of '%s' failed: %s\n",
                             static_cast<unsigned long long>(rs[s].replicate), scs[s]->name.c_str(),
                             rs[s].message.c_str());
            }
        }
        // Paired statistics need the replicate in every scenario: a failure drops it from all.
        if (all_ok) {
            kept.push_back(rs.front().replicate);
            for (std::size_t s = 0; s < rs.size(); ++s) {
                const auto& sc = *scs[s];
                const auto& u = rs[s].summary;
                const std::size_t M = model::n_metrics;
                if (u.size() != M + n_targets + areas.size() * M)
                    throw internal_error("a unit of '" + sc.name + "' has no summary of its size");
                model::city_figures f;
                std::copy_n(u.begin(), M, f.value.begin());
                figs[s].push_back(f);
                const auto targets_end = u.begin() + static_cast<std::ptrdiff_t>(M + n_targets);
                met[s].emplace_back(u.begin() + static_cast<std::ptrdiff_t>(M), targets_end);
                for (std::size_t a = 0; a < areas.size(); ++a) {
                    std::copy_n(targets_end + static_cast<std::ptrdiff_t>(a * M), M, f.value.begin());
                    area_figs[a][s].push_back(f);
                }
            }
        } else {
            ++failed;
        }
    }
    std::vector<std::string> scenario_names;
    for (const auto& sc : scs) scenario_names.push_back(sc->name);
    auto c = analysis::compare(scenario_names, kept, figs, met, fork_date);
    std::vector<std::string> area_names;
    for (const auto& a : areas) area_names.push_back(a.name);
    analysis::add_areas(c, area_names, area_figs);
    store.write_comparison(c);
    std::string over_posterior;
    if (post) {
        std::vector<double> sample;
        for (auto r : kept) sample.push_back(post->draw_sample[r]);
        const auto rows = analysis::posterior_contrasts(c, sample);
        over_posterior = analysis::posterior_text(c, rows, post->path, post->effect_identified);
        store.annotate("comparison", "parameters_file", post->path);
        store.annotate("comparison", "posterior_summary", over_posterior);
    }
    // The three files appear whole, the .h5 last: each is written whole under its temporary name
    // first (a full disk fails here and leaves nothing), then the summaries are renamed, then the
    // .h5. Killed between the renames, FILE.h5 is missing (a batch script that waits for it is
    // right) and --resume makes the set again from the units kept in FILE.h5.partial.
    io::output_file csv_file(csv, force || redo_summaries), md_file(md, force || redo_summaries);
    io::write_whole_file(csv_file.temp_path(), comparison_csv(c));
    io::write_whole_file(md_file.temp_path(),
                         "# kcsim comparison\n\n`" + command_line + "`\n\n" + comparison_text(c, true) +
                             (over_posterior.empty() ? "" : "\n```text\n" + over_posterior + "```\n"));
    csv_file.commit();
    md_file.commit();
    store.commit();
    job.journal().remove();
    if (!quiet) {
        std::printf("\n%s", comparison_text(c, false).c_str());
        if (!over_posterior.empty()) std::printf("\n%s", over_posterior.c_str());
        if (failed > 0)
            std::printf("\n%zu replicate(s) failed in some scenario and were left out of the comparison\n", failed);
        std::printf("\nwrote %s, %s and %s\n", out.c_str(), csv.c_str(), md.c_str());
    }
    return failed > 0 ? exit_code::failure : exit_code::ok;
}

}  // namespace kcsim::cli
