// District attributes -> what the model uses (districts.hpp).
#include "scenario/districts.hpp"

#include <algorithm>
#include <cmath>

namespace kcsim::scenario {

namespace {

// A value moved within its [low, high] range: -1 is low, 0 the point value, +1 high.
double shifted(double point, std::pair<double, double> range, double shift) {
    return shift >= 0 ? point + shift * (range.second - point) : point + shift * (point - range.first);
}

const std::pair<double, double>* range_of(const district& d, std::string_view attr) {
    for (const auto& [k, r] : d.ranges) {
        if (k == attr) return &r;
    }
    return nullptr;
}

}  // namespace

readiness_parts readiness_components(const district& d, std::int64_t lowest_rank) {
    readiness_parts r;
    // Saturating ratios against the city references: 0.5 at the city's level, so no component
    // depends on which other districts a scenario has.
    r.rd = d.rd_intensity_2020 / (d.rd_intensity_2020 + 2.11);
    r.high_tech = d.high_tech_share / (d.high_tech_share + 0.148);
    r.universities = static_cast<double>(d.universities) / (static_cast<double>(d.universities) + 3.0);
    r.rank = d.st_rank_2021 > 0 && lowest_rank > 1
                 ? static_cast<double>(lowest_rank - d.st_rank_2021) / static_cast<double>(lowest_rank - 1)
                 : 0.5;
    return r;
}

void derive_districts(scenario& s) {
    const auto& p = s.p;
    // Assumed attributes move within their ranges (one shift per attribute group).
    for (auto& d : s.districts) {
        if (const auto* r = range_of(d, "rd_intensity_2020")) {
            d.rd_intensity_2020 = shifted(d.rd_intensity_2020, *r, p.rd_intensity_shift);
        }
        if (const auto* r = range_of(d, "high_tech_share")) {
            d.high_tech_share = std::clamp(shifted(d.high_tech_share, *r, p.high_tech_share_shift), 0.0, 1.0);
        }
        if (const auto* r = range_of(d, "st_rank_2021")) {
            d.st_rank_2021 = std::llround(shifted(static_cast<double>(d.st_rank_2021), *r, p.st_rank_shift));
        }
        if (const auto* r = range_of(d, "universities")) {
            d.universities = std::llround(shifted(static_cast<double>(d.universities), *r, p.universities_shift));
        }
    }
    const bool on = p.differentiate;
    std::int64_t lowest_rank = 0;
    double firms = 0, ht_firms = 0;
    for (auto& d : s.districts) {
        lowest_rank = std::max(lowest_rank, d.st_rank_2021);
        d.firms_weight = on || d.tech_firms_gdp_2020 < 0 ? d.tech_firms_2020 : d.tech_firms_gdp_2020;
        firms += static_cast<double>(d.firms_weight);
        ht_firms += static_cast<double>(d.firms_weight) * d.high_tech_share;
    }
    const double city_ht = firms > 0 ? ht_firms / firms : 0.0;
    // Readiness and the R&D component, then their firm-weighted means (so the city's mean uptake
    // and technology level stay where the parameters put them).
    double mean_r = 0, mean_rd = 0;
    std::vector<readiness_parts> parts;
    const double wsum = p.readiness_weight_rd + p.readiness_weight_high_tech + p.readiness_weight_universities +
                        p.readiness_weight_rank;
    for (auto& d : s.districts) {
        const readiness_parts r = readiness_components(d, lowest_rank);
        parts.push_back(r);
        d.readiness = wsum > 0 ? (p.readiness_weight_rd * r.rd + p.readiness_weight_high_tech * r.high_tech +
                                  p.readiness_weight_universities * r.universities + p.readiness_weight_rank * r.rank) /
                                     wsum
                               : 0.5;
        const double w = firms > 0 ? static_cast<double>(d.firms_weight) / firms : 0.0;
        mean_r += w * d.readiness;
        mean_rd += w * r.rd;
    }
    const std::size_t ns = s.sectors.size();
    for (std::size_t k = 0; k < s.districts.size(); ++k) {
        auto& d = s.districts[k];
        d.uptake = on ? std::exp(p.uptake_elasticity * (d.readiness - mean_r)) : 1.0;
        d.tech_level_offset = on ? 2 * p.tech_level_shift * (parts[k].rd - mean_rd) : 0.0;
        d.high_tech_share_used = on ? d.high_tech_share : city_ht;
        d.sector_shares.assign(ns, 0.0);
        double total = 0;
        for (std::size_t j = 0; j < ns; ++j) {
            const bool lead = on && std::find(d.leading.begin(), d.leading.end(), s.sectors[j].id) != d.leading.end();
            d.sector_shares[j] = s.sectors[j].share * (lead ? p.leading_sector_weight : 1.0);
            total += d.sector_shares[j];
        }
        for (auto& x : d.sector_shares) x = total > 0 ? x / total : 1.0 / static_cast<double>(ns);
    }
}

}  // namespace kcsim::scenario
