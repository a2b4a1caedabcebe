#pragma once
// kcsim select: the search for the best expansion portfolio of a decision file (docs/select.md).
// Every portfolio runs on common random numbers (replicate r: seed r and, over a posterior, draw
// r), so gains and contrasts are paired. The search screens single districts, builds a pool of
// sets (every set when the space is small), then spends replicates by successive halving with a
// guard that keeps any set not clearly worse than the leader; the finalists are ranked with a
// paired bootstrap probability of being best.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "analysis/discovery.hpp"
#include "engine/execution.hpp"
#include "scenario/decision.hpp"

namespace kcsim::analysis {

// A portfolio: positions in decision::candidates, ascending (= readiness order). Empty: the base.
using portfolio = std::vector<std::uint16_t>;

// What one run keeps (selection_row): the objective's city value, its value in each sub-region,
// the firms of each sub-region and the city at the end, the programme money spent, and two
// headline figures.
inline constexpr std::size_t row_width = 11;
enum row_item : std::size_t {
    row_city = 0,
    row_region = 1,        // 3 sub-regions
    row_region_firms = 4,  // 3 sub-regions
    row_firms = 7,
    row_spend = 8,
    row_needs_solved = 9,
    row_tech_firms = 10
};

// The objective's metric indices (among model::metric_names()); throws input_error naming the
// decision file, line and key for an unknown metric.
std::vector<std::size_t> objective_metrics(const scenario::decision& d);

// The row of one run from its metrics ([steps][districts][metrics]).
std::vector<double> selection_row(const scenario::decision& d, const std::vector<std::size_t>& metric_index,
                                  std::span<const double> metrics);

// An entry of a batch: a portfolio, or the decision's reference scenario in place of one.
struct batch_entry {
    portfolio set;
    bool reference = false;
};
std::string label_of(const scenario::decision& d, const batch_entry& e);
// The entry's scenario (named after its label), with posterior draw r when `keys` is not empty.
scenario::scenario_ptr entry_scenario(const scenario::decision& d, const batch_entry& e,
                                      const std::vector<std::string>& keys, std::span<const double> draws,
                                      std::size_t r);

// One unit of a batch: replicate r of every entry (forked from the first, the base, at
// fork_step if >= 0), each with posterior draw r when `keys` is not empty. The scenarios are
// made here, one at a time (a batch may hold hundreds of portfolios). Rows, entry by entry; NaN
// rows for a run that failed (its message in `failure`).
std::vector<double> selection_unit(const scenario::decision& d, const std::vector<std::size_t>& metric_index,
                                   const std::vector<batch_entry>& entries, std::uint64_t r, int fork_step,
                                   const std::vector<std::string>& keys, std::span<const double> draws,
                                   engine::execution_context& ctx, const std::atomic<bool>* cancel,
                                   std::string& failure);

// Runs batch `tag`: every entry of `ps` (ps[0] is the base) on replicates first .. first+count-1.
// Returns [replicate][entry][row_width]. The CLI journals and distributes the units; Python runs them.
using run_batch = std::function<std::vector<double>(const std::string& tag, const std::vector<batch_entry>& ps,
                                                    std::uint64_t first, std::uint64_t count)>;

struct selection_result {
    std::string method;               // "exhaustive" or "screening"
    std::size_t space = 0;            // portfolios within the count and the budget
    std::size_t runs = 0;             // simulation runs the search spent (base and reference included)
    double exhaustive_runs = 0;       // what every portfolio at the finalists' replicates would cost
    std::size_t replicates = 0;       // of each finalist
    std::vector<std::string> stages;  // one line per stage, for the log and the file
    // Screening (method "screening"): each candidate alone against the base.
    std::vector<std::string> screen_district;
    std::vector<double> screen_gain, screen_lo, screen_hi;
    // Every portfolio evaluated: its label, replicates and score at the end of its last round.
    std::vector<std::string> evaluated;
    std::vector<std::size_t> evaluated_replicates;
    std::vector<double> evaluated_score;
    // The top portfolios, best first.
    std::vector<std::string> label;                   // "yubei+beibei+..."
    std::vector<std::vector<std::string>> districts;  // their ids, in joining order
    std::vector<double> score;                        // the risk measure of the gain (the ranking)
    std::vector<double> gain_mean, gain_lo, gain_hi;  // mean gain over the base, 95% CI (Monte Carlo)
    std::vector<double> gain_q05, gain_q95;           // spread of the per-replicate gain (posterior + noise)
    std::vector<double> cost, spend;                  // static cost; simulated money spent (mean)
    std::vector<double> needs_solved, tech_firms;     // means, for the table
    std::vector<double> p_best;                       // paired bootstrap probability of being best
    // Paired contrasts on the objective: against the reference (plan as written) and the best.
    bool has_reference = false;
    std::string reference_name;
    std::vector<double> ref_mean, ref_lo, ref_hi, ref_q05, ref_q95, ref_p_better;
    std::vector<double> best_mean, best_lo, best_hi, best_q05, best_q95;
    std::vector<double> per_replicate;  // [top][replicate]: the gain
    // Why the best: each of its districts' leave-one-out contribution (gain of the best minus the
    // gain without it), mean and 95% CI.
    std::vector<std::string> contribution_district;
    std::vector<double> contribution, contribution_lo, contribution_hi;
    // Which uncertain parameters make the best lose to the runner-up (over a posterior).
    discovery disc;
};

// The finalists' figures, one value per portfolio, as the file, Python and the CSV name them.
struct selection_column {
    const char* name;                               // "gain_lo95"
    std::vector<double> selection_result::*values;  // &selection_result::gain_lo
    const char* long_name;                          // the HDF5 dataset's description
    bool reference;                                 // a contrast with the reference: only when there is one
    bool csv;                                       // in FILE.summary.csv (in this order)
};
const std::vector<selection_column>& selection_columns();

// `draw_keys`/`draws`: the posterior the runs use ([draw][key]; empty without one), for the
// scenario discovery. `say`: a line of progress (the stage, the current best and its gap).
selection_result select(const scenario::decision& d, const run_batch& run, const std::vector<std::string>& draw_keys,
                        std::span<const double> draws, const std::function<void(const std::string&)>& say);

// The runs a search of `d` will take, about (its stages' sizes without the guard's extra sets):
// the total of a progress bar.
std::size_t estimated_runs(const scenario::decision& d);

// The ranked table a planner reads, and the same as CSV.
std::string selection_text(const scenario::decision& d, const selection_result& s);
std::string selection_csv(const selection_result& s);

// The first date a decision changes anything (its earliest pilot or team date): forks start there.
core::date first_decision_date(const scenario::decision& d);

}  // namespace kcsim::analysis
