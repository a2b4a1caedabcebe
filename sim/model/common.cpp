#include "model/common.hpp"

#include <algorithm>

namespace kcsim::model {

int year_of(const scenario::calendar& cal, int t) {
    int y = 0, m = 0, d = 0;
    core::to_ymd(cal.step_last_day(t), y, m, d);
    return y;
}

bool year_end(const scenario::calendar& cal, int t) {
    return t + 1 >= cal.steps() || year_of(cal, t + 1) != year_of(cal, t);
}

double year_fraction(const scenario::calendar& cal, int year) {
    const core::date first = std::max(cal.start, core::make_date(year, 1, 1));
    const core::date last = std::min(cal.step_last_day(cal.steps() - 1), core::make_date(year, 12, 31));
    const int days_in_year = core::make_date(year + 1, 1, 1) - core::make_date(year, 1, 1);
    return last < first ? 0.0 : static_cast<double>(last - first + 1) / days_in_year;
}

double exposure_rate(const scenario::params& p, scenario::pilot_level level) {
    if (!p.programme) return 0.0;
    switch (level) {
    case scenario::pilot_level::national: return p.exposure_national;
    case scenario::pilot_level::municipal: return p.exposure_municipal;
    case scenario::pilot_level::none: return p.exposure_other;
    }
    return 0.0;
}

std::vector<double> sector_cdf(const scenario::scenario& sc) {
    std::vector<double> cdf;
    double total = 0;
    for (const auto& s : sc.sectors) total += s.share;
    double acc = 0;
    for (const auto& s : sc.sectors) {
        acc += s.share / total;
        cdf.push_back(acc);
    }
    cdf.back() = 1.0;
    return cdf;
}

std::vector<std::vector<double>> district_sector_cdfs(const scenario::scenario& sc) {
    std::vector<std::vector<double>> out;
    for (const auto& d : sc.districts) {
        std::vector<double> cdf;
        double acc = 0;
        for (const double x : d.sector_shares) cdf.push_back(acc += x);
        if (cdf.empty()) return {};
        cdf.back() = 1.0;
        out.push_back(std::move(cdf));
    }
    return out;
}

std::uint8_t draw_sector(const std::vector<double>& cdf, double u) {
    const auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
    return static_cast<std::uint8_t>(
        std::min<std::ptrdiff_t>(it - cdf.begin(), static_cast<std::ptrdiff_t>(cdf.size()) - 1));
}

int evenly_spaced(double per_year, double years, int step) {
    if (!(per_year > 0)) return 0;
    // Offset by half an interval so the first event is not on day one.
    const auto k = [&](int t) { return static_cast<int>(std::floor(per_year * years * t + 0.5)); };
    return k(step + 1) - k(step);
}

std::vector<std::uint16_t> pilot_districts(const state::districts& d) {
    std::vector<std::uint16_t> out;
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (d.pilot[i] > 0) out.push_back(static_cast<std::uint16_t>(i));
    }
    return out;
}

}  // namespace kcsim::model
