#pragma once
// The quiet part of the firm pass (actions.cpp). Most weeks nothing happens to a firm: its event
// clocks run down without running out, its awareness drifts and its output grows. quiet_firms
// does exactly that for a block of firms, four at a time in vector registers; a firm to which
// something would happen (a clock runs out, it may pitch, its consortium is dissolved) is left
// as it was and listed, and the firm pass takes it through the processes one by one
// (needs.hpp ... firms.hpp). A quiet firm gets the same arithmetic, in the same order, as the
// processes would give it, so the results are the same bits either way.
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
    const double* target;  // [district] awareness target and keep factor (needs_step)
    const double* keep;
    double h_posted, h_unposted, arrive[2];
    bool services;  // service_step::any
    const double* serve;
    const double* visit;
    std::size_t sectors;
    bool matches;  // match_step::any
    const double* match;
    bool consortia;  // consortium_step::any
    bool dissolved;  // some consortium's members must leave this step
    const double* join;
    double leave;
    finance_step finance;  // a firm that may pitch draws its pitch here: it stays quiet without a deal
    rng::key key;
    float exit[4];                                             // [tech][financed], as firm_life subtracts it (in float)
    double innovate[8], certify[4], certify_aware[4], growth;  // certify*[3]: padding
    // With at most 8 sectors: [district][serve, visit, join][sector], zero-padded to 8 sectors,
    // so that four firms of one district look their rates up in registers.
    std::vector<double> by_sector;
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
