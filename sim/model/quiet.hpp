#pragma once
// The quiet part of the firm pass (actions.cpp). Most weeks nothing happens to a firm: its event
// clocks run down without running out, its awareness drifts and its output grows. quiet_firms
// does exactly that for a block of firms, eight at a time in vector registers (the per-firm
// arithmetic is in float, needs.hpp); a firm to which something would happen (a clock runs out,
// it may pitch, its consortium is dissolved) is left as it was and listed, and the firm pass
// takes it through the processes one by one (needs.hpp ... firms.hpp). A quiet firm gets the
// same arithmetic as the processes would give it, the functions of firm_arithmetic.inc in their
// eight-firm form (lanes.hpp), so the results are the same bits either way.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/consortia.hpp"
#include "model/experts.hpp"
#include "model/finance.hpp"
#include "model/firm_columns.hpp"
#include "model/firms.hpp"
#include "model/matching.hpp"
#include "model/needs.hpp"

namespace kcsim::model {

// The step's rates for the quiet pass, gathered from the processes' own step structs.
struct quiet_step {
    const float* target;  // [district] awareness target and keep factor (needs_step)
    const float* keep;
    float h_posted, h_unposted, arrive[2];
    bool services;  // service_step::any
    const float* serve;
    const float* visit;
    std::size_t sectors;
    bool matches;  // match_step::any
    const float* match;
    bool consortia;  // consortium_step::any
    bool dissolved;  // some consortium's members must leave this step
    const float* join;
    float leave;
    finance_step finance;  // a firm that may pitch draws its pitch here: it stays quiet without a deal
    rng::key key;
    const float* exit;  // life_step's tables of eight
    const float* innovate;
    const float* certify;
    const float* certify_aware;
    double growth;
    // With at most 8 sectors: [district][serve, visit, join][sector], zero-padded to 8 sectors,
    // so that eight firms of one district look their rates up in registers.
    std::vector<float> by_sector;
    std::int32_t step;
    static quiet_step of(const needs_step& n, const service_step& s, const match_step& m, const consortium_step& c,
                         const finance_step& p, const life_step& l, rng::key key);
};

// Clears the last step's flows of the firms [b, e). The AVX2 kernel clears only firms with
// events: no other firm has any (a flow marks its firm, firm_columns::mark_flow), so a quiet
// week costs no writes.
void clear_last_flows(const firm_columns& f, std::size_t b, std::size_t e);

// Runs the quiet step for the living firms of [b, e) to which nothing happens, and writes the
// others (living firms to which something happens), in order, to `busy`; returns their number.
// Without the AVX2 kernels (lanes.hpp) it lists every living firm, and the processes do all the
// work: the same bits, more slowly.
std::size_t quiet_firms(const quiet_step& x, const firm_columns& f, std::size_t b, std::size_t e, std::uint32_t* busy);

}  // namespace kcsim::model
