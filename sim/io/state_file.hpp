#pragma once
// State files: the world of every replicate at one step, with the metrics recorded so far, so a
// run can continue later (`kcsim run --resume-from`) bit-exactly, or other scenarios can start
// from it. One file: root attributes (provenance, the scenario, seed, step), /states/<replicate>.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"
#include "state/world.hpp"

namespace kcsim::io {

struct saved_state {
    std::uint64_t replicate = 0;
    state::world world;
    std::vector<double> metrics;  // the metrics rows up to world.step
};

struct state_header {
    std::string scenario_name;
    std::string scenario_toml;  // the resolved scenario the states were made with
    std::string scenario_sha256;
    std::uint64_t seed = 0;
    int step = 0;  // every state is at the start of this step
    std::string date;
    std::uint64_t replicates = 0;
};

class state_writer {
public:
    state_writer(const std::string& path, bool overwrite, const state_header& header);
    ~state_writer();
    state_writer(const state_writer&) = delete;
    state_writer& operator=(const state_writer&) = delete;
    void add(const saved_state& s);
    void commit();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

state_header read_state_header(const std::string& path);
saved_state read_state(const std::string& path, std::uint64_t replicate);

}  // namespace kcsim::io
