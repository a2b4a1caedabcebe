#pragma once
// The registry of random-number purposes. Each purpose is its own stream: switching a process
// off (a scenario without the libraries, say) never shifts the numbers another process draws.
// Append only; never renumber: the numbers are part of every stored result.
#include <cstdint>

namespace kcsim::rng {

enum class purpose : std::uint32_t {
    test = 0,                  // unit tests only
    need_arrival = 1,          // firm: new budgets of the need clock (one per need raised)
    need_posting = 2,          // firm: whether each new need is posted to the problem library
    need_resolution = 3,       // firm: whether each open need is solved or abandoned (market)
    firm_init = 4,             // firm: initial attributes
    firm_life = 5,             // firm: new budgets of the innovation clock
    expert_service = 6,        // firm: expert services and outreach
    library_match = 7,         // firm: project-library and fair matches, contract values
    consortium = 8,            // firm: new budgets of its consortium clock
    finance = 9,               // firm or start-up: pitches, deals, amounts
    district = 10,             // district: matching fairs
    programme = 11,            // the programme: forums, visits, intakes, roadshows, consortia, workstations
    startup = 12,              // start-up: failure and graduation
    birth_init = 13,           // new firm: initial attributes
    solution_innovation = 14,  // firm: whether a solved need becomes an innovation
    offshore_startups = 15,    // district: start-ups founded through its offshore bases
    district_births = 16,      // district: how many firms are born
    certification = 17,        // firm: new budget of the certification clock
    exit_clock = 18,           // (reserved: exit needs no new budget)
    consortium_pick = 19,      // firm: which consortium it joins
    design = 20,               // analysis: experimental designs and bootstraps (agent = sample, step = dimension)
    calibration = 21,          // analysis: calibration waves (agent = wave) and posterior resampling
    selection = 22,            // analysis: kcsim select's bootstrap of the best portfolio (agent = resample)
};

// The `agent` word of the counter for agents that are not firms, in ranges firm ids never reach.
inline constexpr std::uint64_t district_agent(std::uint64_t d) { return (std::uint64_t{1} << 62) | d; }
inline constexpr std::uint64_t startup_agent(std::uint64_t id) { return (std::uint64_t{1} << 61) | id; }
inline constexpr std::uint64_t programme_agent = std::uint64_t{1} << 63;

}  // namespace kcsim::rng
