// kcsim districts: every unit of a scenario with its attributes, their tags and ranges, and what
// the model derives from them (readiness, uptake), as a text table, Markdown or CSV.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "scenario/load.hpp"

namespace kcsim::cli {

namespace {

// One attribute column: its value as text, its tag (source / derived / assumption / default) and range.
struct cell {
    std::string value, tag, low, high;
};

// The tag is the first word of the attribute's source note: "ext"/"seed" are sources.
std::string tag_of(const scenario::district& d, std::string_view attr) {
    for (const auto& [k, note] : d.sources) {
        if (k != attr) continue;
        if (note.starts_with("ext") || note.starts_with("seed")) return "source";
        if (note.starts_with("derived")) return "derived";
        if (note.starts_with("assumption")) return "assumption";
        return "note";
    }
    return "default";
}

cell make(const scenario::district& d, std::string_view attr, std::string value) {
    cell c{std::move(value), tag_of(d, attr), "", ""};
    for (const auto& [k, r] : d.ranges) {
        if (k == attr) {
            c.low = core::shortest_number(r.first);
            c.high = core::shortest_number(r.second);
        }
    }
    return c;
}

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

// Status during 2021: the status at the start, then the pilot events dated in 2021.
std::string pilot_2021(const scenario::scenario& sc, std::size_t k) {
    const auto& d = sc.districts[k];
    std::string s(scenario::to_string(d.pilot));
    if (d.pilot != scenario::pilot_level::none) s += " since " + core::to_iso(d.pilot_since);
    for (const auto& e : sc.events) {
        if (e.type != scenario::event::kind::pilot || e.district != k) continue;
        if (e.date >= core::make_date(2022, 1, 1)) continue;
        s = std::string(scenario::to_string(e.level)) + " from " + core::to_iso(e.date);
    }
    return s;
}

const std::vector<std::string> attrs = {
    "tech_firms_2020", "high_tech_firms_2020", "high_tech_share", "gdp_2020",  "gdp_2021", "rd_intensity_2020",
    "st_rank_2021",    "universities",         "leading",         "readiness", "uptake"};

std::vector<cell> cells_of(const scenario::district& d) {
    std::string lead;
    for (const auto& l : d.leading) lead += (lead.empty() ? "" : " ") + l;
    auto model = [&](std::string v) { return cell{std::move(v), "derived", "", ""}; };
    return {make(d, "tech_firms_2020", std::to_string(d.tech_firms_2020)),
            make(d, "high_tech_firms_2020", d.high_tech_firms_2020 < 0 ? "" : std::to_string(d.high_tech_firms_2020)),
            make(d, "high_tech_share", fixed(d.high_tech_share, 3)),
            make(d, "gdp_2020", fixed(d.gdp_2020, 2)),
            make(d, "gdp_2021", fixed(d.gdp_2021, 2)),
            make(d, "rd_intensity_2020", fixed(d.rd_intensity_2020, 2)),
            make(d, "st_rank_2021", d.st_rank_2021 > 0 ? std::to_string(d.st_rank_2021) : ""),
            make(d, "universities", std::to_string(d.universities)),
            make(d, "leading", lead),
            model(fixed(d.readiness, 3)),
            model(fixed(d.uptake, 3))};
}

// Pads to `width` terminal columns: a CJK character (3 UTF-8 bytes) takes two.
std::string pad(const std::string& s, std::size_t width) {
    std::size_t cols = 0;
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80)
            cols += 1;
        else if (c >= 0xE0)
            cols += 2;
    }
    return s + std::string(cols < width ? width - cols : 0, ' ');
}

std::string csv_quote(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// "3.60 a[2.16, 5.04]": the value, the tag's initial, the range if there is one.
std::string short_cell(const cell& c) {
    if (c.value.empty()) return "-";
    std::string s = c.value + " " + c.tag.substr(0, 1);
    if (!c.low.empty()) s += "[" + c.low + "," + c.high + "]";
    return s;
}

}  // namespace

int districts_command(const std::vector<std::string>& args) {
    const std::vector<option_spec> opts = {{"--markdown", "", "print a Markdown table"},
                                           {"--csv", "", "print CSV: value, tag, low and high per attribute"},
                                           help_option};
    auto p = parse(args, opts, "kcsim districts", 1);
    if (p.has("--help")) {
        std::printf("Usage: kcsim districts [SCENARIO.toml] [--markdown | --csv]\n\n"
                    "Lists every district of the scenario (default: the built-in plan): id, English and Chinese\n"
                    "names, sub-region, kind, parent zone, pilot status in 2021 and the attributes the model uses,\n"
                    "each tagged source (a document), derived (a formula), assumption (with its range) or\n"
                    "default (not in the file), then the readiness index and uptake multiplier derived from them.\n"
                    "The notes behind each tag are the districts' `source` tables (docs/data-districts.md).\n\n"
                    "Options:\n%s",
                    format_options(opts).c_str());
        return exit_code::ok;
    }
    if (p.has("--markdown") && p.has("--csv")) throw input_error("kcsim districts: give --markdown or --csv, not both");
    const auto sc = scenario::load(p.positional.empty() ? std::string("builtin:plan.toml") : p.positional[0]);
    const std::vector<std::string> head = {"id", "name", "name_zh", "subregion", "kind", "parent", "pilot_2021"};
    if (p.has("--csv")) {
        std::string line;
        for (const auto& h : head) line += h + ",";
        for (const auto& a : attrs) line += a + "," + a + "_tag," + a + "_low," + a + "_high,";
        line.back() = '\n';
        std::fputs(line.c_str(), stdout);
        for (std::size_t k = 0; k < sc->districts.size(); ++k) {
            const auto& d = sc->districts[k];
            const std::vector<std::string> first = {d.id,
                                                    d.name,
                                                    d.name_zh,
                                                    std::string(scenario::to_string(d.region)),
                                                    std::string(scenario::to_string(d.kind)),
                                                    d.parent,
                                                    pilot_2021(*sc, k)};
            line.clear();
            for (const auto& f : first) line += csv_quote(f) + ",";
            for (const auto& c : cells_of(d))
                line += csv_quote(c.value) + "," + c.tag + "," + c.low + "," + c.high + ",";
            line.back() = '\n';
            std::fputs(line.c_str(), stdout);
        }
        return exit_code::ok;
    }
    const bool md = p.has("--markdown");
    if (md) {
        std::string h = "|", rule = "|";
        for (const auto& x : head) h += " " + x + " |", rule += "---|";
        for (const auto& a : attrs) h += " " + a + " |", rule += "---|";
        std::printf("%s\n%s\n", h.c_str(), rule.c_str());
    } else {
        std::printf(
            "Tags: s = source, d = derived, a = assumption [its range], n = note, default = not in the file.\n");
        std::printf("%-15s %s %-9s %-17s %-26s", "id", pad("name_zh", 22).c_str(), "subregion", "kind", "pilot_2021");
        for (const auto& a : attrs) std::printf(" | %s", a.c_str());
        std::printf("\n");
    }
    for (std::size_t k = 0; k < sc->districts.size(); ++k) {
        const auto& d = sc->districts[k];
        const auto cells = cells_of(d);
        if (md) {
            std::string row = "| `" + d.id + "` | " + d.name + " | " + d.name_zh + " | " +
                              std::string(scenario::to_string(d.region)) + " | " +
                              std::string(scenario::to_string(d.kind)) + " | " + d.parent + " | " + pilot_2021(*sc, k) +
                              " |";
            for (const auto& c : cells) {
                row += " " + c.value + (c.value.empty() ? "" : " *" + c.tag + "*");
                if (!c.low.empty()) row += " [" + c.low + ", " + c.high + "]";
                row += " |";
            }
            std::printf("%s\n", row.c_str());
        } else {
            std::printf("%-15s %s %-9s %-17s %-26s", d.id.c_str(), pad(d.name_zh, 22).c_str(),
                        std::string(scenario::to_string(d.region)).c_str(),
                        std::string(scenario::to_string(d.kind)).c_str(), pilot_2021(*sc, k).c_str());
            for (const auto& c : cells) std::printf(" | %s", short_cell(c).c_str());
            std::printf("\n");
        }
    }
    return exit_code::ok;
}

}  // namespace kcsim::cli
