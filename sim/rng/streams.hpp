#pragma once
// The registry of random-number purposes. Each purpose is its own stream: switching a process
// off (a scenario without the problem library, say) never shifts the numbers another process
// draws. Append only; never renumber: the numbers are part of every stored result.
#include <cstdint>

namespace kcsim::rng {

enum class purpose : std::uint32_t {
    test = 0,            // unit tests only
    need_arrival = 1,    // how many needs a firm raises in a step
    need_posting = 2,    // whether each new need is posted to the problem library
    need_resolution = 3, // whether each open need is solved or abandoned in a step
    firm_init = 4,       // initial firm attributes
};

} // namespace kcsim::rng
