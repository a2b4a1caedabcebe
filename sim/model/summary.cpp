#include "model/summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kcsim::model {

double city_value(std::span<const double> row, std::size_t districts, metric m) {
    const std::size_t k = index(m);
    double sum = 0, firms = 0;
    for (std::size_t d = 0; d < districts; ++d) {
        const double v = row[d * n_metrics + k];
        switch (info(m).city) {
        case aggregate::sum:
        case aggregate::mean: sum += v; break;
        case aggregate::count_positive: sum += v > 0 ? 1 : 0; break;
        case aggregate::firm_mean: {
            const double n = row[d * n_metrics + index(metric::firms)];
            sum += v * n;
            firms += n;
            break;
        }
        }
    }
    if (info(m).city == aggregate::firm_mean) return firms > 0 ? sum / firms : 0.0;
    if (info(m).city == aggregate::mean) return districts > 0 ? sum / static_cast<double>(districts) : 0.0;
    return sum;
}

city_figures city_summary(std::span<const double> metrics, std::size_t steps, std::size_t districts) {
    city_figures out;
    const std::size_t row = districts * n_metrics;
    for (std::size_t k = 0; k < n_metrics; ++k) {
        const auto m = static_cast<metric>(k);
        if (info(m).kind == "flow") {
            double total = 0;
            for (std::size_t t = 0; t < steps; ++t) total += city_value(metrics.subspan(t * row, row), districts, m);
            out.value[k] = total;
        } else {
            out.value[k] = city_value(metrics.subspan((steps - 1) * row, row), districts, m);
        }
    }
    return out;
}

city_figures area_summary(std::span<const double> metrics, std::size_t steps, std::size_t districts,
                          std::span<const std::size_t> area) {
    const std::size_t M = n_metrics;
    std::vector<double> part(steps * area.size() * M);
    for (std::size_t t = 0; t < steps; ++t) {
        for (std::size_t j = 0; j < area.size(); ++j) {
            std::copy_n(metrics.begin() + static_cast<std::ptrdiff_t>((t * districts + area[j]) * M), M,
                        part.begin() + static_cast<std::ptrdiff_t>((t * area.size() + j) * M));
        }
    }
    return city_summary(part, steps, area.size());
}

std::vector<double> city_by_year(std::span<const double> metrics, const scenario::calendar& cal,
                                 std::size_t districts) {
    const auto years = ledger_years(cal);
    const std::size_t row = districts * n_metrics;
    std::vector<double> out(years.size() * n_metrics, 0.0);
    std::size_t y = 0;
    for (int t = 0; t < cal.steps(); ++t) {
        int year = 0, mo = 0, d = 0;
        core::to_ymd(cal.step_last_day(t), year, mo, d);
        while (years[y] != year) ++y;
        const auto r = metrics.subspan(static_cast<std::size_t>(t) * row, row);
        for (std::size_t k = 0; k < n_metrics; ++k) {
            const auto m = static_cast<metric>(k);
            const double v = city_value(r, districts, m);
            if (info(m).kind == "flow")
                out[y * n_metrics + k] += v;
            else
                out[y * n_metrics + k] = v;
        }
    }
    return out;
}

std::vector<int> ledger_years(const scenario::calendar& cal) {
    std::vector<int> years;
    for (int t = 0; t < cal.steps(); ++t) {
        int y = 0, m = 0, d = 0;
        core::to_ymd(cal.step_last_day(t), y, m, d);
        if (years.empty() || years.back() != y) years.push_back(y);
    }
    return years;
}

const std::array<std::string_view, n_ledger_items>& ledger_items() {
    static const std::array<std::string_view, n_ledger_items> items = {"funds_in",
                                                                       "cofunding",
                                                                       "operations",
                                                                       "rewards",
                                                                       "unspent",
                                                                       "unfunded",
                                                                       "not_done_platform",
                                                                       "not_done_teams",
                                                                       "not_done_incubator",
                                                                       "not_done_consortia",
                                                                       "not_done_forums",
                                                                       "not_done_roadshows",
                                                                       "not_done_fairs"};
    return items;
}

std::vector<double> ledger_table(const state::world& w, const scenario::calendar& cal) {
    const auto years = ledger_years(cal);
    const std::size_t n = ledger_items().size();
    std::vector<double> t(years.size() * n, 0.0);
    for (const auto& y : w.ledger) {
        const auto it = std::find(years.begin(), years.end(), y.year);
        if (it == years.end()) continue;
        double* row = t.data() + static_cast<std::size_t>(it - years.begin()) * n;
        const double head[] = {y.funds_in, y.cofunding, y.operations, y.rewards, y.unspent, y.unfunded};
        std::copy(std::begin(head), std::end(head), row);
        std::copy(y.not_done.begin(), y.not_done.end(), row + std::size(head));
    }
    return t;
}

}  // namespace kcsim::model
