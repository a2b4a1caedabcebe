#pragma once
// The mutable state of one replicate: agent columns in structure-of-arrays. Plain vectors of
// plain numbers, so a world copies, compares and saves bit-exactly (forks start from a copy).
// Agent ids are stable and never reused; births are numbered from next_firm_id after a step,
// in a defined order, never by a counter inside a parallel loop.
#include <cstdint>
#include <vector>

namespace kcsim::state {

namespace firm_flag {
inline constexpr std::uint8_t tech = 1;      // certified tech-based firm (科技型企业)
inline constexpr std::uint8_t high_tech = 2; // certified high-tech enterprise (高新技术企业)
} // namespace firm_flag

// One entry per firm agent. Flow columns hold what happened in the current step.
struct firms {
    std::vector<std::uint64_t> id;
    std::vector<std::uint16_t> district;
    std::vector<std::uint8_t> flags;
    std::vector<float> awareness;              // of the programme, 0..1
    std::vector<std::uint32_t> needs_unposted; // open needs not in the problem library
    std::vector<std::uint32_t> needs_posted;   // open needs in the problem library
    // flows in the current step
    std::vector<std::uint16_t> raised;
    std::vector<std::uint16_t> posted;
    std::vector<std::uint16_t> solved_posted;
    std::vector<std::uint16_t> solved_unposted;
    std::vector<std::uint16_t> abandoned;

    std::size_t size() const { return id.size(); }
    void resize(std::size_t n);
    bool operator==(const firms&) const = default;
};

struct districts {
    std::vector<std::uint8_t> pilot; // scenario::pilot_level
    std::size_t size() const { return pilot.size(); }
    bool operator==(const districts&) const = default;
};

struct world {
    int step = 0; // steps completed
    std::uint64_t next_firm_id = 0;
    firms f;
    districts d;
    bool operator==(const world&) const = default;
};

} // namespace kcsim::state
