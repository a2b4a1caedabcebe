#include "cli/report.hpp"

#include <cmath>
#include <cstdio>

#include "analysis/compare.hpp"
#include "analysis/targets.hpp"
#include "cli/common.hpp"
#include "core/text.hpp"
#include "model/metrics.hpp"

namespace kcsim::cli {

namespace {

enum stat { mean, p05, p95, diff_mean, diff_lo, diff_hi, p_higher };

std::string pad(std::string s, std::size_t w) {
    // Pads by displayed characters (UTF-8 continuation bytes do not count).
    std::size_t shown = 0;
    for (char ch : s) shown += (static_cast<unsigned char>(ch) & 0xC0) != 0x80 ? 1u : 0u;
    if (shown < w) s.append(w - shown, ' ');
    return s;
}

// A CSV field, quoted when it holds a comma or a quote.
std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
}

std::string signed_fmt(double x) { return (x > 0 ? "+" : "") + fmt(x); }

// One row of a table and its newline: Markdown, or the cells padded to `widths` and joined by
// `gap`, without trailing spaces.
std::string table_row(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths, const char* gap,
                      bool md) {
    std::string line;
    if (md) {
        line = "|";
        for (const auto& cell : cells) line += " " + cell + " |";
    } else {
        for (std::size_t i = 0; i < cells.size(); ++i)
            line += pad(cells[i], widths[i]) + (i + 1 < cells.size() ? gap : "");
        while (!line.empty() && line.back() == ' ') line.pop_back();
    }
    return line + "\n";
}

}  // namespace

std::string comparison_text(const analysis::comparison& c, bool md) {
    std::string out;
    const std::string& base = c.scenarios.front();
    out += (md ? "## " : "") + std::string("Comparison of ") + std::to_string(c.scenarios.size()) + " scenarios over " +
           std::to_string(c.replicates) + " paired replicates; baseline " + base +
           (c.fork_date.empty() ? "" : "; all forked from " + base + " on " + c.fork_date) + "\n\n";
    out += md ? "Flows are totals over the period; stocks are at its end. Mean and 90% interval over replicates; the "
                "difference from the baseline is paired (common random numbers) with a 95% confidence interval; "
                "P(higher) is the share of replicates in which the scenario is higher than the baseline.\n\n"
              : "";
    // The lead: the needs the programme solves that would not have been solved without it.
    out += (md ? "## " : "") + std::string("Additional needs solved against ") + base + " (95% CI)\n\n";
    const auto needs = model::index(model::metric::needs_solved);
    for (std::size_t s = 1; s < c.scenarios.size(); ++s) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%.2f", c.value(s, needs, p_higher));
        out += (md ? "- " : "  ") + pad(c.scenarios[s], 20) + " " + signed_fmt(c.value(s, needs, diff_mean)) + " (" +
               fmt(c.value(s, needs, diff_lo)) + " – " + fmt(c.value(s, needs, diff_hi)) + ") needs, P(higher) " + buf +
               "\n";
    }
    out += "\n";
    const std::vector<std::string> head = {
        "metric", "unit", "scenario", "mean", "90% interval", "vs " + base + " (95% CI)", "P(higher)"};
    const std::vector<std::size_t> w = {28, 13, 20, 12, 26, 34, 9};
    auto row = [&](const std::vector<std::string>& cells) { out += table_row(cells, w, " ", md); };
    row(head);
    if (md) row({"---", "---", "---", "---:", "---", "---", "---:"});
    for (const auto m : analysis::key_metrics()) {
        const auto& mi = model::info(m);
        const std::string label = std::string(mi.name) + (mi.kind == "flow" ? " (total)" : " (end)");
        for (std::size_t s = 0; s < c.scenarios.size(); ++s) {
            const auto k = model::index(m);
            const std::string interval = fmt(c.value(s, k, p05)) + " – " + fmt(c.value(s, k, p95));
            std::string diff, prob;
            if (s > 0) {
                diff = signed_fmt(c.value(s, k, diff_mean)) + " (" + fmt(c.value(s, k, diff_lo)) + " – " +
                       fmt(c.value(s, k, diff_hi)) + ")";
                char buf[16];
                std::snprintf(buf, sizeof buf, "%.2f", c.value(s, k, p_higher));
                prob = buf;
            }
            row({s == 0 ? label : "", s == 0 ? std::string(mi.unit) : "", c.scenarios[s], fmt(c.value(s, k, mean)),
                 interval, diff, prob});
        }
    }
    if (!c.areas.empty()) {
        // The breakdown: the baseline's mean, and each scenario's paired difference from it.
        out += "\n" + std::string(md ? "## " : "") + "By sub-region and district: " + base +
               ", and each scenario's difference from it (95% CI)\n\n";
        std::vector<std::string> ah = {"metric", "unit", "area", base};
        std::vector<std::size_t> aw = {28, 13, 14, 12};
        for (std::size_t s = 1; s < c.scenarios.size(); ++s) {
            ah.push_back(c.scenarios[s]);
            aw.push_back(30);
        }
        out += table_row(ah, aw, " ", md);
        if (md) {
            std::vector<std::string> sep = {"---", "---", "---", "---:"};
            for (std::size_t s = 1; s < c.scenarios.size(); ++s) sep.emplace_back("---");
            out += table_row(sep, aw, " ", md);
        }
        for (const auto m : analysis::area_metrics()) {
            const auto& mi = model::info(m);
            const auto k = model::index(m);
            for (std::size_t a = 0; a < c.areas.size(); ++a) {
                std::vector<std::string> cells = {
                    a == 0 ? std::string(mi.name) + (mi.kind == "flow" ? " (total)" : " (end)") : "",
                    a == 0 ? std::string(mi.unit) : "", c.areas[a], fmt(c.area_value(a, 0, k, mean))};
                for (std::size_t s = 1; s < c.scenarios.size(); ++s) {
                    cells.push_back(signed_fmt(c.area_value(a, s, k, diff_mean)) + " (" +
                                    fmt(c.area_value(a, s, k, diff_lo)) + " – " + fmt(c.area_value(a, s, k, diff_hi)) +
                                    ")");
                }
                out += table_row(cells, aw, " ", md);
            }
        }
    }
    // Cost-effectiveness: extra outcome per extra million yuan of programme money.
    out += "\n" + std::string(md ? "## " : "") + "Cost-effectiveness: difference from " + base +
           " per million yuan of extra programme money (operations + rewards), 95% CI\n\n";
    {
        std::vector<std::string> ch = {"outcome"};
        for (std::size_t s = 1; s < c.scenarios.size(); ++s) ch.push_back(c.scenarios[s]);
        std::vector<std::size_t> cw(ch.size(), 30);
        cw[0] = 28;
        out += table_row(ch, cw, " ", md);
        if (md) {
            std::vector<std::string> sep = {"---"};
            for (std::size_t s = 1; s < c.scenarios.size(); ++s) sep.emplace_back("---");
            out += table_row(sep, cw, " ", md);
        }
        std::vector<std::string> money = {"extra money (M yuan)"};
        for (std::size_t s = 1; s < c.scenarios.size(); ++s) {
            money.push_back(signed_fmt(c.value(s, model::index(model::metric::programme_spend), diff_mean) +
                                       c.value(s, model::index(model::metric::reward_funds), diff_mean)));
        }
        out += table_row(money, cw, " ", md);
        for (const auto m : analysis::cost_effectiveness_metrics()) {
            const auto k = model::index(m);
            std::vector<std::string> cells = {std::string(model::info(m).name) + " / M yuan"};
            for (std::size_t s = 1; s < c.scenarios.size(); ++s) {
                const double x = analysis::per_million_yuan(c, s, k, diff_mean);
                cells.push_back(std::isnan(x)
                                    ? std::string("n/a (no extra money)")
                                    : signed_fmt(x) + " (" + fmt(analysis::per_million_yuan(c, s, k, diff_lo)) + " – " +
                                          fmt(analysis::per_million_yuan(c, s, k, diff_hi)) + ")");
            }
            out += table_row(cells, cw, " ", md);
        }
    }
    const auto& targets = analysis::plan_targets();
    std::vector<std::string> th = {"target"};
    for (const auto& s : c.scenarios) th.push_back(s);
    std::vector<std::size_t> tw(th.size(), 20);
    tw[0] = 26;
    // One table of targets of one kind, a cell per scenario from the share of replicates met.
    auto target_table = [&](const std::string& title, analysis::target_kind kind, auto cell) {
        out += "\n" + std::string(md ? "## " : "") + title + "\n\n";
        out += table_row(th, tw, " ", md);
        if (md) {
            std::vector<std::string> sep = {"---"};
            for (std::size_t s = 0; s < c.scenarios.size(); ++s) sep.emplace_back("---:");
            out += table_row(sep, tw, " ", md);
        }
        for (std::size_t t = 0; t < targets.size(); ++t) {
            if (targets[t].kind != kind) continue;
            std::vector<std::string> cells = {std::string(targets[t].name)};
            for (std::size_t s = 0; s < c.scenarios.size(); ++s)
                cells.push_back(cell(c.targets[s * targets.size() + t]));
            out += table_row(cells, tw, " ", md);
        }
    };
    target_table("Probability of meeting the outcome targets", analysis::target_kind::outcome, [](double share) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%.2f", share);
        return std::string(buf);
    });
    // Inputs the scenario schedules: delivered or not, not a probability (a budget can stop one).
    const auto reps = static_cast<double>(c.replicates);
    target_table("Inputs delivered as scheduled", analysis::target_kind::input, [&](double share) {
        const double met = std::round(share * reps);  // replicates
        return met >= reps ? std::string("delivered")
               : met <= 0  ? std::string("not delivered")
                           : "in " + fmt(met) + " of " + fmt(reps) + " replicates";
    });
    out += "\n";
    for (const auto& t : targets) {
        out += (md ? "- `" : "  ") + std::string(t.name) + (md ? "`: " : ": ") + std::string(t.meaning) + " (" +
               std::string(t.source) + ")\n";
    }
    return out;
}

std::string comparison_csv(const analysis::comparison& c) {
    // Values as the shortest text that reads back as the same double; the unit of each row's
    // values (the probability's for p_higher) in its own column.
    std::string out = "scenario,metric,unit,measure,mean,p05,p95,diff_mean,diff_lo95,diff_hi95,p_higher\n";
    for (std::size_t s = 0; s < c.scenarios.size(); ++s) {
        for (std::size_t k = 0; k < model::n_metrics; ++k) {
            const auto& mi = model::metric_table()[k];
            out += c.scenarios[s] + "," + std::string(mi.name) + "," + csv_field(std::string(mi.unit)) + "," +
                   (mi.kind == "flow" ? "total" : "end");
            for (const stat st : {mean, p05, p95, diff_mean, diff_lo, diff_hi, p_higher})
                out += "," + core::shortest_number(c.value(s, k, st));
            out += "\n";
        }
        const auto& targets = analysis::plan_targets();
        for (std::size_t t = 0; t < targets.size(); ++t) {
            out += c.scenarios[s] + ",target:" + std::string(targets[t].name) + ",probability,probability," +
                   core::shortest_number(c.targets[s * targets.size() + t]) + ",,,,,,\n";
        }
        if (s > 0) {
            for (const auto m : analysis::cost_effectiveness_metrics()) {
                const auto k = model::index(m);
                out += c.scenarios[s] + ",per_million_yuan:" + std::string(model::info(m).name) + "," +
                       csv_field(std::string(model::info(m).unit) + " per million yuan") + ",paired difference,,,," +
                       core::shortest_number(analysis::per_million_yuan(c, s, k, diff_mean)) + "," +
                       core::shortest_number(analysis::per_million_yuan(c, s, k, diff_lo)) + "," +
                       core::shortest_number(analysis::per_million_yuan(c, s, k, diff_hi)) + ",\n";
            }
        }
    }
    return out;
}

}  // namespace kcsim::cli
