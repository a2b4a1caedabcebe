#include "model/metrics.hpp"

namespace kcsim::model {

const std::array<metric_info, n_metrics>& metric_table() {
    // clang-format off
    static const std::array<metric_info, n_metrics> t = {{
        {"pilot_status", "level", "state", aggregate::count_positive,
         "Programme status of the district at step end: 0 none, 1 municipal pilot, 2 national pilot city. "
         "The city figure counts the pilots."},
        {"firms", "firms", "stock", aggregate::sum, "Firm agents alive at step end."},
        {"tech_firms", "firms", "stock", aggregate::sum, "Certified tech-based firms (科技型企业) at step end."},
        {"high_tech_firms", "firms", "stock", aggregate::sum, "Certified high-tech enterprises (高新技术企业) at step end."},
        {"awareness", "share", "mean", aggregate::firm_mean, "Mean awareness of the programme among the district's firms, 0..1."},
        {"needs_raised", "needs", "flow", aggregate::sum, "Technology needs raised by firms during the step."},
        {"needs_unposted", "needs", "stock", aggregate::sum, "Open needs not posted to the problem library, at step end."},
        {"problems_posted", "needs", "flow", aggregate::sum, "Needs posted to the problem library (问题库) during the step."},
        {"problems_open", "needs", "stock", aggregate::sum, "Posted needs still open in the problem library at step end."},
        {"problems_solved", "needs", "flow", aggregate::sum, "Posted needs solved during the step."},
        {"needs_solved", "needs", "flow", aggregate::sum, "All needs solved during the step, posted or not."},
        {"needs_abandoned", "needs", "flow", aggregate::sum, "Needs given up unsolved during the step."},
    }};
    // clang-format on
    return t;
}

} // namespace kcsim::model
