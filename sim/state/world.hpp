#pragma once
// The mutable state of one replicate: agents in structure-of-arrays. Plain vectors of plain
// numbers, so a world copies, compares and saves bit-exactly (forks start from a copy).
// Agent ids are stable and never reused; new agents are numbered after a step, in a defined
// order, never by a counter inside a parallel loop.
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "state/column_memory.hpp"

namespace kcsim::state {

namespace firm_flag {
inline constexpr std::uint8_t tech = 1;         // certified tech-based firm (科技型企业)
inline constexpr std::uint8_t high_tech = 2;    // certified high-tech enterprise (高新技术企业)
inline constexpr std::uint8_t alive = 4;        // dead firms stay until the yearly compaction
inline constexpr std::uint8_t workstation = 8;  // hosts an academician / 海智 workstation
inline constexpr std::uint8_t graduate = 16;    // came out of the incubator
}  // namespace firm_flag

// One entry per firm agent (columns: column_memory.hpp). The flow columns hold what happened in the current step.
struct firms {
    column<std::uint64_t> id;
    column<std::uint16_t> district;
    column<std::uint8_t> sector;
    column<std::uint8_t> flags;
    column<float> awareness;              // of the programme, 0..1
    column<float> tech_level;             // 0..1
    column<float> absorptive;             // absorptive capacity, 0..1
    column<float> output;                 // million yuan per year
    column<std::int32_t> consortium;      // index into consortia, -1 if none
    column<std::int32_t> financed_until;  // step until which a deal's effects last, -1 if none
    // Event clocks: the rest of an Exp(1) budget that the process's hazard uses up step by step;
    // the event happens when it runs out (then a new budget is drawn). Exact for hazards that
    // change over time, and a firm needs random numbers only when something happens to it.
    column<float> clock_need;              // next technology need
    column<float> clock_exit;              // exit
    column<float> clock_innovate;          // own-research innovation
    column<float> clock_certify;           // next certification (tech-based, then high-tech)
    column<float> clock_consortium;        // joining, or for members leaving, a consortium
    column<float> clock_resolve;           // next open need solved on the market or abandoned
    column<float> clock_service;           // next expert service or visit to one of its open needs
    column<float> clock_match;             // next posted need matched into a technology contract
    column<std::uint32_t> needs_unposted;  // open needs not in the problem library
    column<std::uint32_t> needs_posted;    // open needs in the problem library
    // flows in the current step. A firm with a nonzero flow has a nonzero `events` (the metrics
    // and the clearing at the start of the next step read flows only then).
    column<std::uint16_t> raised;
    column<std::uint16_t> posted;
    column<std::uint16_t> solved_posted;    // posted needs solved (any route)
    column<std::uint16_t> solved_unposted;  // unposted needs solved (market, outreach)
    column<std::uint16_t> abandoned;        // given up, or lost when the firm exited
    column<std::uint16_t> services;         // expert services received
    column<std::uint16_t> contracts;        // technology contracts signed
    column<float> contract_value;           // million yuan
    column<float> deal_amount;              // financing received, million yuan
    column<std::uint8_t> innovations;
    column<std::uint8_t> events;  // firm_event bits, this step

    std::size_t size() const { return id.size(); }
    void resize(std::size_t n);
    void reserve(std::size_t n);  // room for n firms: births then append without moving the columns
    void erase_dead();            // keeps order; ids unchanged
    // The same, one job per column: `run(n, job)` must call job(0) ... job(n - 1), in any order
    // or at once (the columns are independent).
    void erase_dead(const std::function<void(std::size_t, const std::function<void(std::size_t)>&)>& run);
    bool operator==(const firms&) const = default;
};

namespace firm_event {
inline constexpr std::uint8_t certified_tech = 1;
inline constexpr std::uint8_t certified_high_tech = 2;
inline constexpr std::uint8_t exited = 4;
inline constexpr std::uint8_t born = 8;
inline constexpr std::uint8_t financed = 16;
inline constexpr std::uint8_t joined = 32;
inline constexpr std::uint8_t flow = 64;  // some flow column is nonzero (the metrics read them only then)
}  // namespace firm_event

// Experts (专家), one entry per expert agent: a field (a sector of the scenario), a home
// institution, a weekly capacity and a district of residence; each belongs to one team.
namespace expert_home {
inline constexpr std::uint8_t university = 0;
inline constexpr std::uint8_t institute = 1;
inline constexpr std::uint8_t society = 2;  // a municipal learned society (学会)
inline constexpr std::uint8_t firm = 3;
}  // namespace expert_home

struct experts {
    std::vector<std::uint8_t> field;      // sector index
    std::vector<std::uint8_t> home;       // expert_home
    std::vector<float> capacity;          // services per week
    std::vector<std::uint16_t> district;  // of residence
    std::vector<std::int32_t> team;       // index into teams
    std::size_t size() const { return field.size(); }
    bool operator==(const experts&) const = default;
};

// Expert service teams (专家服务队), made of experts (their capacity and fields are the experts').
struct teams {
    std::vector<std::uint8_t> sector;                   // the field most of its experts have
    std::vector<std::vector<std::uint16_t>> districts;  // districts the team serves
    std::vector<std::int32_t> experts;
    std::vector<std::int32_t> formed_step;
    std::vector<std::uint8_t> placed;  // 1: placed by the planner from demand (may be reallocated)
    // since the last quarterly review: services delivered and capacity offered
    std::vector<double> quarter_services, quarter_capacity;
    // weekly report of the current step
    std::vector<double> services;
    std::vector<double> solved;
    std::size_t size() const { return sector.size(); }
    bool operator==(const teams&) const = default;
};

// The teams' weekly reports (每周工作报告), one row per team and step, in step then team order.
struct team_reports {
    std::vector<std::int32_t> step;
    std::vector<std::int32_t> team;
    std::vector<std::uint16_t> district;  // the team's first district that step
    std::vector<double> services;
    std::vector<double> solved;
    std::size_t size() const { return step.size(); }
    bool operator==(const team_reports&) const = default;
};

struct consortia {
    std::vector<std::uint8_t> sector;
    std::vector<std::uint16_t> anchor;  // district
    std::vector<std::uint8_t> active;
    std::vector<std::int32_t> formed_step;
    std::size_t size() const { return sector.size(); }
    bool operator==(const consortia&) const = default;
};

namespace startup_status {
inline constexpr std::uint8_t active = 0;
inline constexpr std::uint8_t graduated = 1;
inline constexpr std::uint8_t failed = 2;
}  // namespace startup_status

struct startups {
    std::vector<std::uint64_t> id;
    std::vector<std::uint16_t> district;
    std::vector<std::uint8_t> sector;
    std::vector<std::uint8_t> status;
    std::vector<std::uint8_t> incubated;  // 1: in the 菁英 centre; 0: a returnee start-up
    std::vector<std::int32_t> admitted_step;
    std::vector<std::int32_t> ended_step;  // when it graduated or failed, -1 while active
    std::vector<std::int32_t> financed_until;
    std::size_t size() const { return id.size(); }
    bool operator==(const startups&) const = default;
};

// District state and the district-level flows of the current step.
struct districts {
    std::vector<std::uint8_t> pilot;  // scenario::pilot_level
    std::vector<double> effort;       // adapts to 以奖代补 rewards; 1 = neutral
    std::vector<double> purse;        // rewards not yet spent, million yuan: pays effort above 1, and fairs
    std::vector<std::int32_t> offshore_bases;
    std::vector<std::int32_t> workstations;
    // flows this step (cleared at the start of each step)
    std::vector<double> forum_viewers;
    std::vector<double> spend;   // programme operations, million yuan
    std::vector<double> reward;  // 以奖代补 paid, million yuan
    std::vector<double> contracts;
    std::vector<double> contract_value;
    std::vector<double> services;  // expert services delivered (incl. outreach)
    std::vector<double> startups_admitted, startups_graduated, startups_failed;
    std::vector<double> deals, deal_amount;
    std::vector<std::uint8_t> fair;  // a matching fair is held this step
    // this calendar year, for the annual evaluation
    std::vector<double> year_solved, year_contracts, year_certified;
    // [district][sector] open needs at the end of the last step, over which the teams share out
    // their capacity (model/experts.cpp); what the programme offers this step: the expected
    // services to an open posted need and visits about an unposted one, and the teams' best
    // sector fit; per district, the chance that a posted need is matched.
    std::vector<double> open_posted, open_unposted, serve_chance, visit_chance, fit;
    std::vector<double> match_chance;
    std::size_t size() const { return pilot.size(); }
    void resize(std::size_t n, std::size_t sectors);
    void clear_flows();
    bool operator==(const districts&) const = default;
};

// The budget's lines, in the order they are paid (model/budget.hpp names them).
inline constexpr std::size_t budget_lines = 7;

// Programme funds by calendar year: funds_in + cofunding = operations + rewards + unspent (exactly).
struct ledger_year {
    int year = 0;
    double funds_in = 0;
    double cofunding = 0;   // the pilot districts' matching funds
    double operations = 0;  // disbursed for running the programme
    double rewards = 0;     // disbursed as 以奖代补
    double unfunded = 0;    // cost of the activities not done for want of money
    double unspent = 0;
    std::array<double, budget_lines> not_done{};  // unfunded by budget line
    bool operator==(const ledger_year&) const = default;
};

struct world {
    int step = 0;  // steps completed
    std::uint64_t next_firm_id = 0;
    std::uint64_t next_startup_id = 0;
    std::int64_t forums_held = 0;
    std::int64_t consortia_formed = 0;
    double cases = 0;  // published in the case library so far
    // programme decisions of the current step (model/programme.cpp)
    std::int32_t visit_district = -1;  // a national service group visits this district
    std::int32_t roadshows = 0;
    double pitch_chance = 0;          // that an eligible firm pitches at this step's roadshows
    std::int64_t pitch_eligible = 0;  // firms that may pitch, at the end of the last step
    // Share of the step's cost of each running budget line that the funds paid (model/budget.cpp);
    // what is not paid is not done.
    double funded_platform = 1, funded_teams = 1, funded_incubator = 1, funded_consortia = 1;
    double citywide_spend = 0;  // paid this step for the platform and roadshows, spread by funding()
    double services_expected = 0;     // by all service units this step (model/experts.cpp)
    firms f;
    districts d;
    teams t;
    experts x;
    team_reports r;
    consortia c;
    startups s;
    std::vector<ledger_year> ledger;
    bool operator==(const world&) const = default;
};

}  // namespace kcsim::state
