#include "model/metrics.hpp"

namespace kcsim::model {

std::vector<std::string> metric_names() {
    std::vector<std::string> v;
    for (const auto& m : metric_table()) v.emplace_back(m.name);
    return v;
}

const std::array<metric_info, n_metrics>& metric_table() {
    // clang-format off
    static const std::array<metric_info, n_metrics> t = {{
        {"pilot_status", "level", "state", aggregate::count_positive,
         "Programme status at step end: 0 none, 1 municipal pilot district, 2 national pilot city. The city figure counts the pilots."},
        {"expert_teams", "teams", "stock", aggregate::sum, "Expert service teams serving the district, each team split equally over its districts (sums to the city's teams)."},
        {"experts", "experts", "stock", aggregate::sum, "Experts in those teams, split the same way."},
        {"firms", "firms", "stock", aggregate::sum, "Firm agents alive at step end."},
        {"tech_firms", "firms", "stock", aggregate::sum, "Certified tech-based firms (科技型企业) at step end."},
        {"high_tech_firms", "firms", "stock", aggregate::sum, "Certified high-tech enterprises (高新技术企业) at step end."},
        {"awareness", "share", "mean", aggregate::firm_mean, "Mean awareness of the programme among the district's firms, 0..1."},
        {"needs_raised", "needs", "flow", aggregate::sum, "Technology needs raised by firms during the step."},
        {"needs_unposted", "needs", "stock", aggregate::sum, "Open needs not posted to the problem library, at step end."},
        {"problems_posted", "needs", "flow", aggregate::sum, "Needs posted to the problem library (问题库) during the step, by firms or after an expert visit."},
        {"problems_open", "needs", "stock", aggregate::sum, "Posted needs still open at step end."},
        {"problems_solved", "needs", "flow", aggregate::sum, "Posted needs solved during the step (experts, contracts or the market)."},
        {"needs_solved", "needs", "flow", aggregate::sum, "All needs solved during the step, posted or not."},
        {"needs_abandoned", "needs", "flow", aggregate::sum, "Needs given up unsolved during the step, or lost when their firm exited."},
        {"expert_services", "services", "flow", aggregate::sum, "Expert services delivered in the district during the step: solution attempts and diagnosis visits."},
        {"tech_contracts", "contracts", "flow", aggregate::sum, "Technology contracts signed during the step (project library, fairs, forum agreements)."},
        {"tech_contract_value", "million yuan", "flow", aggregate::sum, "Value of those contracts."},
        {"forum_viewers", "viewers", "flow", aggregate::sum, "Online viewers of forums hosted by the district during the step."},
        {"consortia", "consortia", "stock", aggregate::sum, "Active innovation consortia anchored in the district."},
        {"consortium_members", "firms", "stock", aggregate::sum, "Firms of the district that are consortium members."},
        {"startups_admitted", "teams", "flow", aggregate::sum, "Start-up teams admitted during the step (incubator and offshore bases)."},
        {"startups_active", "teams", "stock", aggregate::sum, "Active start-up teams at step end."},
        {"startups_graduated", "teams", "flow", aggregate::sum, "Start-ups that graduated into firms during the step."},
        {"startups_failed", "teams", "flow", aggregate::sum, "Start-ups that failed during the step."},
        {"financing_deals", "deals", "flow", aggregate::sum, "Financing deals from roadshows and the financial platform during the step."},
        {"financing_amount", "million yuan", "flow", aggregate::sum, "Amount of those deals."},
        {"reward_funds", "million yuan", "flow", aggregate::sum, "以奖代补 rewards paid to the district (at the annual evaluation)."},
        {"programme_spend", "million yuan", "flow", aggregate::sum, "Programme operating funds spent in the district during the step (rewards not included)."},
        {"innovations", "innovations", "flow", aggregate::sum, "Innovations by the district's firms during the step."},
        {"rd_spend", "million yuan", "flow", aggregate::sum, "R&D spending of the district's firms during the step."},
        {"output_value", "million yuan", "flow", aggregate::sum, "Output (revenue) of the district's firms during the step."},
        {"firm_births", "firms", "flow", aggregate::sum, "New firms during the step, including graduated start-ups."},
        {"firm_exits", "firms", "flow", aggregate::sum, "Firms that exited during the step."},
        {"certifications", "firms", "flow", aggregate::sum, "Firms newly certified tech-based during the step."},
        {"workstations", "workstations", "stock", aggregate::sum, "Academician and 海智 workstations hosted in the district."},
        {"district_effort", "ratio", "state", aggregate::mean, "The district's programme effort (1 = neutral), adapted to 以奖代补 rewards."},
    }};
    // clang-format on
    return t;
}

}  // namespace kcsim::model
