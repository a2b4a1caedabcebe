#pragma once
// The 以奖代补 reward rule, apart from the phase so that it can be tested on its own.
#include <vector>

#include "scenario/parameters.hpp"

namespace kcsim::model {

// Shares of the reward pool for pilots with the given scores (1 = the pilots' mean), by
// p.reward_rule: proportional, tournament (top p.reward_top_k, ties to the earlier district) or
// threshold (score >= p.reward_threshold); each share of an equal split is pool / winners.
std::vector<double> share_rewards(const scenario::params& p, const std::vector<double>& score, double pool);

}  // namespace kcsim::model
