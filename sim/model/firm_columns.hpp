#pragma once
// Raw pointers to the firm columns, for the per-firm loops. A loop copies this struct into a
// local first: the compiler then knows that a store to a uint8_t column (which may alias
// anything) cannot move the other columns, and keeps their addresses in registers instead of
// reloading them from the vectors after every such store.
#include <algorithm>
#include <array>
#include <cstdint>

#include "model/lanes.hpp"
#include "state/world.hpp"

namespace kcsim::model {

struct firm_columns {
    const std::uint64_t* id;
    const std::uint16_t* district;
    const std::uint8_t* sector;
    std::uint8_t* flags;
    float* awareness;
    float* tech_level;
    float* absorptive;
    float* output;
    std::int32_t* consortium;
    std::int32_t* financed_until;
    float* clock_need;
    float* clock_exit;
    float* clock_innovate;
    float* clock_certify;
    float* clock_consortium;
    float* clock_resolve;
    float* clock_service;
    float* clock_match;
    std::uint32_t* needs_unposted;
    std::uint32_t* needs_posted;
    std::uint16_t* raised;
    std::uint16_t* posted;
    std::uint16_t* solved_posted;
    std::uint16_t* solved_unposted;
    std::uint16_t* abandoned;
    std::uint16_t* services;
    std::uint16_t* contracts;
    float* contract_value;
    float* deal_amount;
    std::uint8_t* innovations;
    std::uint8_t* events;

    bool alive(std::size_t i) const { return (flags[i] & state::firm_flag::alive) != 0; }
    bool tech(std::size_t i) const { return (flags[i] & state::firm_flag::tech) != 0; }
    bool high_tech(std::size_t i) const { return (flags[i] & state::firm_flag::high_tech) != 0; }
    // May pitch at roadshows: tech-based, with at least the awareness `least` (a threshold made
    // float by float_at_least, lanes.hpp).
    bool may_pitch(std::size_t i, float least) const { return scalar::may_pitch(tech(i), awareness[i], least); }
    // The flow columns of 16-bit counts.
    std::array<std::uint16_t*, 7> flow_counts() const {
        return {raised, posted, solved_posted, solved_unposted, abandoned, services, contracts};
    }
    // Clears the flows and events of firms [b, e), a column at a time.
    void clear_flows(std::size_t b, std::size_t e) const {
        for (auto* c : flow_counts()) std::fill(c + b, c + e, std::uint16_t{0});
        std::fill(contract_value + b, contract_value + e, 0.0f);
        std::fill(deal_amount + b, deal_amount + e, 0.0f);
        std::fill(innovations + b, innovations + e, std::uint8_t{0});
        std::fill(events + b, events + e, std::uint8_t{0});
    }
    // Clears firm i's flows and events.
    void clear_flows(std::size_t i) const {
        raised[i] = posted[i] = solved_posted[i] = solved_unposted[i] = abandoned[i] = services[i] = contracts[i] = 0;
        contract_value[i] = deal_amount[i] = 0.0f;
        innovations[i] = events[i] = 0;
    }
    // Asks the cache for firm i's flow columns, which a firm with events writes.
    void prefetch_flows(std::size_t i) const {
        for (auto* c : flow_counts()) __builtin_prefetch(c + i, 1);
        __builtin_prefetch(contract_value + i, 1);
        __builtin_prefetch(deal_amount + i, 1);
        __builtin_prefetch(innovations + i, 1);
    }
    // Marks that firm i has a flow this step: the metrics read its flow columns only then.
    void mark_flow(std::size_t i) const { events[i] |= state::firm_event::flow; }
};

inline firm_columns columns(state::firms& f) {
    return {f.id.data(),
            f.district.data(),
            f.sector.data(),
            f.flags.data(),
            f.awareness.data(),
            f.tech_level.data(),
            f.absorptive.data(),
            f.output.data(),
            f.consortium.data(),
            f.financed_until.data(),
            f.clock_need.data(),
            f.clock_exit.data(),
            f.clock_innovate.data(),
            f.clock_certify.data(),
            f.clock_consortium.data(),
            f.clock_resolve.data(),
            f.clock_service.data(),
            f.clock_match.data(),
            f.needs_unposted.data(),
            f.needs_posted.data(),
            f.raised.data(),
            f.posted.data(),
            f.solved_posted.data(),
            f.solved_unposted.data(),
            f.abandoned.data(),
            f.services.data(),
            f.contracts.data(),
            f.contract_value.data(),
            f.deal_amount.data(),
            f.innovations.data(),
            f.events.data()};
}

}  // namespace kcsim::model
