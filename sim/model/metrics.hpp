#pragma once
// The metrics recorded per district and step: names, units and meanings in one table, which
// the HDF5 writer, the summary table and docs/output-format.md all read.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kcsim::model {

enum class metric : std::uint16_t {
    pilot_status,
    expert_teams,
    experts,
    firms,
    tech_firms,
    high_tech_firms,
    awareness,
    needs_raised,
    needs_unposted,
    problems_posted,
    problems_open,
    problems_solved,
    needs_solved,
    needs_abandoned,
    expert_services,
    tech_contracts,
    tech_contract_value,
    forum_viewers,
    consortia,
    consortium_members,
    startups_admitted,
    startups_active,
    startups_graduated,
    startups_failed,
    financing_deals,
    financing_amount,
    reward_funds,
    programme_spend,
    innovations,
    rd_spend,
    output_value,
    firm_births,
    firm_exits,
    certifications,
    workstations,
    district_effort,
    count_
};
inline constexpr std::size_t n_metrics = static_cast<std::size_t>(metric::count_);

// How district values combine into a city figure.
enum class aggregate : std::uint8_t { sum, firm_mean, count_positive, mean };

struct metric_info {
    std::string_view name;
    std::string_view unit;
    std::string_view kind;  // "stock" at step end, "flow" during the step, "state", "mean"
    aggregate city;
    std::string_view meaning;
};

const std::array<metric_info, n_metrics>& metric_table();
inline const metric_info& info(metric m) { return metric_table()[static_cast<std::size_t>(m)]; }
inline constexpr std::size_t index(metric m) { return static_cast<std::size_t>(m); }
std::vector<std::string> metric_names();  // in table order

}  // namespace kcsim::model
