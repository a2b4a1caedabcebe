// kcsim select: the search for the best expansion portfolio of a decision file (analysis::select),
// each batch of runs a resumable job of its own (under mpirun, its units over the ranks); writes
// the /selection group, and the ranked table as CSV and Markdown next to the file.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include "analysis/selection.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/options.hpp"
#include "cli/units.hpp"
#include "core/error.hpp"
#include "core/sha256.hpp"
#include "dist/mpi.hpp"
#include "engine/ensemble.hpp"
#include "io/journal.hpp"
#include "io/output_file.hpp"
#include "io/posterior.hpp"
#include "io/run_store.hpp"
#include "scenario/decision.hpp"

namespace kcsim::cli {

namespace {
const job_command select_job{
    .name = "kcsim select",
    .usage = "Usage: kcsim select DECISION.toml [options]\n\n"
             "Searches the expansion portfolios of a decision file (which districts become pilots, on which\n"
             "dates, with which new teams) for the best by its objective and risk measure: every portfolio on\n"
             "the same paired replicates (and posterior draws), single districts screened, then successive\n"
             "halving that spends replicates where the ranking is close. Prints the top portfolios with\n"
             "paired contrasts against the reference plan and the best, and P(best). See docs/select.md.\n\n",
    .replicates = "replicates of each finalist (default: [search].replicates of the decision file)",
    .seed = "base seed (default: [search].seed of the decision file)",
    .before_out = {{"--fork-at", "DATE",
                    "share each replicate's run up to DATE between the portfolios (default: the first decision "
                    "date; 'none' to run each from the start)"}},
    .out = "output file (default: outputs/select-<name>.h5); the table goes to FILE.summary.csv/.md",
    .resume = "continue an interrupted search: finished batches and units are reused from FILE.h5.*.partial",
    .force = "replace the output files if they exist",
    .quiet = "no progress lines and no table",
};
}  // namespace

int select_command(const std::vector<std::string>& args, const std::string& command_line) {
    const job_args p(args, select_job);
    if (p.help() || p.positional.empty()) {
        p.print_help();
        return p.help() ? exit_code::ok : exit_code::bad_input;
    }
    auto d = scenario::load_decision(p.positional[0]);
    using scenario::override_search;
    override_search(d, p.has("--replicates") ? std::optional<std::uint64_t>(p.replicates(d.replicates)) : std::nullopt,
                    p.has("--seed") ? std::optional<std::uint64_t>(p.seed(d.seed)) : std::nullopt);
    const auto metric_index = analysis::objective_metrics(d);
    const auto post = io::read_posterior_for(d.parameters, d.replicates, d.source + ": [search].replicates");
    const auto& keys = post.keys;
    const auto& draws = post.draws;
    int fork_step = d.base->cal.step_of(analysis::first_decision_date(d));
    if (auto f = p.get("--fork-at")) {
        if (*f == "none") {
            fork_step = -1;
        } else {
            const auto day = p.date("--fork-at");
            if (*day > analysis::first_decision_date(d) || *day <= d.base->cal.start)
                throw input_error("kcsim select: option --fork-at = " + *f +
                                  ": expected a date after the base scenario's start and no later than the first "
                                  "decision date, " +
                                  core::to_iso(analysis::first_decision_date(d)) + " (or 'none')");
            fork_step = d.base->cal.step_of(*day);
        }
    }
    if (fork_step == 0) fork_step = -1;  // nothing to share
    const int threads = p.threads();
    {
        // The guard: a unit holds one replicate of one portfolio at a time; the time is that of
        // the runs the search will take, about (analysis::estimated_runs).
        const auto runs = analysis::estimated_runs(d);
        auto estimate = estimate_job("select " + d.name, {d.base}, runs,
                                     "about " + std::to_string(runs) + " runs (portfolios x replicates)", 1, threads);
        estimate.disk_bytes = 1e5 + 8.0 * static_cast<double>(d.replicates * (d.top + 16));
        if (p.dry_run_or_guard(estimate)) return exit_code::ok;
    }
    const bool force = p.force(), quiet = p.quiet() || !dist::coordinator();
    const std::string out = p.output("select-" + d.name);
    const std::string csv = sibling(out, "summary.csv"), md = sibling(out, "summary.md");
    std::vector<named_file> inputs{{p.positional[0], "decision file"}};
    if (!d.parameters.empty()) inputs.push_back({d.parameters, "posterior ([parameters] of the decision file)"});
    check_outputs("kcsim select", {{out, "--out"}, {csv, "summary (from --out)"}, {md, "summary (from --out)"}}, force,
                  inputs);

    const std::string inputs_id = core::sha256_hex(d.text) + "\n" + d.base->hash + "\n" +
                                  (d.reference ? d.reference->hash : std::string("-")) + "\n" +
                                  (d.parameters.empty() ? std::string("-") : post.draws_sha256) + "\n" + std::to_string(d.seed) +
                                  "\n" + std::to_string(d.replicates) + "\n" + std::to_string(fork_step) + "\n";
    std::vector<std::string> journals;
    const auto t0 = std::chrono::steady_clock::now();
    // A batch: its entries on replicates first.., one journalled unit per replicate. Under MPI
    // every rank runs the same search: each batch's values come from rank 0.
    const analysis::run_batch run = [&](const std::string& tag, const std::vector<analysis::batch_entry>& ps,
                                        std::uint64_t first, std::uint64_t count) {
        std::string design = tag + "\n" + std::to_string(first) + "\n";
        for (const auto& e : ps) design += analysis::label_of(d, e) + (e.reference ? "*" : "") + "\n";
        const std::string path = out + "." + tag;
        journals.push_back(path);
        unit_job job(p, path, "select\n" + inputs_id + core::sha256_hex(design),
                     "select " + tag + " (" + std::to_string(ps.size()) + " portfolios)", count, "replicates");
        auto& ctx = job.ctx();
        std::vector<double> values;
        if (job.run([&](std::size_t u) {
                engine::replicate_result res;
                std::string failure;
                res.summary = analysis::selection_unit(d, metric_index, ps, first + u, fork_step, keys, draws, ctx,
                                                       interrupt_guard::flag(), failure);
                if (!failure.empty()) {
                    res.ok = false;
                    res.message = failure;
                }
                return io::journal::encode({res});
            })) {
            for (std::size_t u = 0; u < count; ++u) {
                const auto r = job.journal().read(u).at(0);
                if (!r.ok) std::fprintf(stderr, "kcsim: %s\n", r.message.c_str());
                values.insert(values.end(), r.summary.begin(), r.summary.end());
            }
        }
        dist::broadcast(values);
        return values;
    };
    const auto result = analysis::select(d, run, keys, draws, [&](const std::string& line) {
        if (!quiet) {
            std::printf("%s\n", line.c_str());
            std::fflush(stdout);
        }
    });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!dist::coordinator()) return exit_code::ok;

    const std::string text = analysis::selection_text(d, result);
    io::run_store store(out, force, io::provenance{d.seed, command_line, threads});
    // The best portfolio's own scenario, so that it can be run or compared as a file.
    analysis::batch_entry best;
    for (const auto& id : result.districts.front()) {
        for (std::size_t i = 0; i < d.candidates.size(); ++i)
            if (d.base->districts[d.candidates[i]].id == id) best.set.push_back(static_cast<std::uint16_t>(i));
    }
    std::sort(best.set.begin(), best.set.end());
    store.write_selection(d, result, *analysis::entry_scenario(d, best, {}, {}, 0), text, seconds);
    if (!d.parameters.empty()) store.annotate("selection", "parameters_file", d.parameters);
    io::output_file csv_file(csv, force), md_file(md, force);
    io::write_whole_file(csv_file.temp_path(), analysis::selection_csv(result));
    io::write_whole_file(md_file.temp_path(), "# kcsim select\n\n`" + command_line + "`\n\n```text\n" + text + "```\n");
    csv_file.commit();
    md_file.commit();
    store.commit();
    for (const auto& j : journals) {
        std::error_code ec;
        std::filesystem::remove_all(j + ".partial", ec);  // the batches' journals, now in the file
    }
    if (!quiet) std::printf("\n%s\nwrote %s, %s and %s\n", text.c_str(), out.c_str(), csv.c_str(), md.c_str());
    return exit_code::ok;
}

}  // namespace kcsim::cli
