#pragma once
// City-level figures of one replicate, from its per-district metrics: flows summed over the
// horizon, stocks and states at its end. The CLI's summary table is built from these.
#include <array>
#include <span>
#include <vector>

#include "model/metrics.hpp"
#include "scenario/scenario.hpp"
#include "state/world.hpp"

namespace kcsim::model {

struct city_figures {
    std::array<double, n_metrics> value{};  // flows: total over the horizon; others: at the end
};

// metrics: [steps][districts][n_metrics]
city_figures city_summary(std::span<const double> metrics, std::size_t steps, std::size_t districts);

// The same figures over some of the districts (indices into the metrics' districts): a
// sub-region or a district the user named.
city_figures area_summary(std::span<const double> metrics, std::size_t steps, std::size_t districts,
                          std::span<const std::size_t> area);

// City figures per calendar year of the period (ledger_years): flows summed over the steps that
// end in the year, stocks and states at the year's last step. [years][n_metrics]; a sweep keeps
// them so that calibration and validation can read dated values.
std::vector<double> city_by_year(std::span<const double> metrics, const scenario::calendar& cal, std::size_t districts);

// The city value of metric m in one step row ([districts][n_metrics]).
double city_value(std::span<const double> row, std::size_t districts, metric m);

// The programme ledger as a table: one row per calendar year of the period, in the order of
// ledger_items(); years the run did not reach are zero.
std::vector<int> ledger_years(const scenario::calendar& cal);
// funds_in, cofunding, operations, rewards, unspent, unfunded, then not_done_<line> for each
// budget line (model/budget.hpp), in million yuan.
inline constexpr std::size_t n_ledger_items = 6 + state::budget_lines;
const std::array<std::string_view, n_ledger_items>& ledger_items();
std::vector<double> ledger_table(const state::world& w, const scenario::calendar& cal);

}  // namespace kcsim::model
