#pragma once
// The scenario: everything a run needs, loaded from TOML, validated, then never changed.
// Simulations hold a shared_ptr<const scenario>; a variant is a new scenario, not an edit.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/date.hpp"
#include "scenario/parameters.hpp"

namespace kcsim::scenario {

enum class pilot_level : std::uint8_t { none = 0, municipal = 1, national = 2 };
enum class subregion : std::uint8_t { metro = 0, northeast = 1, southeast = 2 };
enum class district_kind : std::uint8_t { district, county, autonomous_county, functional_zone };

std::string_view to_string(pilot_level);
std::string_view to_string(subregion);
std::string_view to_string(district_kind);

// One county-level unit or functional zone (scenarios/base/chongqing.toml).
struct district {
    std::string id;  // stable key used in events and outputs
    std::string name;
    std::string name_zh;
    district_kind kind = district_kind::district;
    subregion region = subregion::metro;
    std::string parent;                     // functional zones: the district they lie in
    double gdp_2020 = 0;                    // 亿元 (1e8 yuan)
    std::int64_t tech_firms_2020 = 0;       // 科技型企业 at end of 2020; weights the firm allocation
    double high_tech_share = 0;             // share of tech firms certified 高新技术企业
    pilot_level pilot = pilot_level::none;  // status at the scenario start
    core::date pilot_since{};
    // Issue 15 attributes (docs/data-districts.md); each has a default for files that omit it.
    std::int64_t tech_firms_gdp_2020 = -1;   // the old GDP-share allocation (-1: same as tech_firms_2020)
    std::int64_t high_tech_firms_2020 = -1;  // -1: not given
    double gdp_2021 = 0;                     // 亿元
    double rd_intensity_2020 = 2.11;         // R&D spending / GDP, percent (city 2020 by default)
    std::int64_t st_rank_2021 = 0;           // S&T competitiveness rank, 1 = best; 0 = unranked
    std::int64_t universities = 0;           // higher-education institutions (expert-supply proxy)
    std::vector<std::string> leading;        // sector ids of the district's leading industries
    // Per attribute: its source note, and for assumptions the [low, high] range the
    // district_data.*_shift parameters move it in (after the shift, the values above are the
    // shifted ones).
    std::vector<std::pair<std::string, std::string>> sources;
    std::vector<std::pair<std::string, std::pair<double, double>>> ranges;
    // Derived when the scenario is built (scenario/districts.cpp):
    std::vector<double> sector_shares;  // of the district's firms, one per scenario sector, sum 1
    double readiness = 0.5;             // 0..1 index of absorptive capacity (docs/model.md)
    double uptake = 1;                  // multiplier on a pilot's exposure rate
    double tech_level_offset = 0;       // added to its firms' mean initial technology level
    double high_tech_share_used = 0;    // the share the model draws with
    std::int64_t firms_weight = 0;      // the allocation weight the model places firms by
};

// An industry sector (scenarios/base/chongqing.toml): firms belong to one, teams and consortia
// focus on one, forums take one as their theme.
struct sector {
    std::string id;
    std::string name;
    double share = 0;  // of the firm population (normalised over sectors)
};

// A dated policy lever, applied at the start of the step that contains `date`:
// pilot: `district` becomes a pilot of `level`; team: an expert team with `experts` experts in
// `sector` starts serving `districts` (no districts: the planner places it where the problem
// library's open needs are; any_sector: its experts' fields follow that demand); offshore_base:
// an offshore innovation base opens in `district`.
struct event {
    enum class kind : std::uint8_t { pilot, team, offshore_base };
    static constexpr std::uint8_t any_sector = 255;
    core::date date{};
    kind type = kind::pilot;
    std::uint32_t district = 0;  // index into scenario::districts
    pilot_level level = pilot_level::none;
    std::uint8_t sector = 0;  // index into scenario::sectors
    std::vector<std::uint16_t> districts;
    int experts = 0;
};

// Weekly (or other fixed-length) steps from `start`: whole steps only, the last one ending on or
// before `end` (the loader refuses a period shorter than one step).
struct calendar {
    core::date start{};
    core::date end{};
    int step_days = 7;
    int steps() const { return (end - start + 1) / step_days; }
    core::date step_start(int k) const { return start + k * step_days; }
    core::date step_last_day(int k) const { return start + ((k + 1) * step_days - 1); }
    int step_of(core::date d) const { return (d - start) / step_days; }
    double step_years() const { return step_days / 365.25; }
};

struct scenario {
    std::string name;
    std::string description;
    std::string source;                // the file it was loaded from ("builtin:plan.toml" if embedded)
    std::vector<std::string> parents;  // the files it extends, nearest first (empty for a derived variant)
    std::string resolved_toml;         // after `extends` and defaults: the complete scenario
    std::string hash;                  // SHA-256 of resolved_toml
    calendar cal;
    params p;  // every numeric model parameter (parameters.hpp)
    std::vector<district> districts;
    std::vector<sector> sectors;
    std::vector<event> events;  // sorted by date
    std::uint16_t incubator_district = 0;
    std::size_t sector_index(std::string_view id) const;  // npos if absent

    // A district by its id or its Chinese name (万州区); npos if absent.
    std::size_t district_index(std::string_view id) const;
    // Every id and Chinese name, for did-you-mean suggestions.
    std::vector<std::string> district_names() const;
};

using scenario_ptr = std::shared_ptr<const scenario>;

}  // namespace kcsim::scenario
