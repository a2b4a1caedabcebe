#pragma once
// The 以奖代补 reward rule and the districts' choice of effort, apart from the phase so that they
// can be tested on their own.
#include <vector>

#include "scenario/parameters.hpp"

namespace kcsim::model {

// Shares of the reward pool for pilots with the given scores (1 = the pilots' mean), by
// p.reward_rule: proportional, tournament (top p.reward_top_k, ties to the earlier district) or
// threshold (score >= p.reward_threshold); each share of an equal split is pool / winners.
std::vector<double> share_rewards(const scenario::params& p, const std::vector<double>& score, double pool);

// The effort pilot j chooses after an evaluation, from its current effort and purse, given all
// pilots' scores and the pool (funding.cpp says how).
double choose_effort(const scenario::params& p, const std::vector<double>& score, std::size_t j, double pool,
                     double effort, double purse);

}  // namespace kcsim::model
