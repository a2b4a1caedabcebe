// Building the scenario from the merged, checked table.
#include "scenario/build.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "scenario/districts.hpp"
#include "scenario/events.hpp"
#include "scenario/toml_write.hpp"
#include "scenario/validate.hpp"

namespace kcsim::scenario::detail {

namespace {

template <class E> E choice(const std::string& s, std::initializer_list<std::pair<std::string_view, E>> m) {
    for (const auto& [k, v] : m) {
        if (k == s) return v;
    }
    throw internal_error("unchecked choice '" + s + "'");
}

// A merged [[districts]] or [[sectors]] record (`what` is "district" or "sector") has every
// required field: a child file may add a record without repeating what its parent gave others.
void require_fields(const toml::table& t, const std::vector<field_spec>& fields, const std::string& what,
                    const std::string& id, const std::string& origin) {
    for (const auto& f : fields) {
        if (f.required && !t.contains(f.name)) {
            fail(locate(t.source(), origin), what + "s[" + id + "]." + std::string(f.name),
                 what + " '" + id + "' is missing the required key '" + std::string(f.name) + "'");
        }
    }
}

// The merged [[districts]] or [[sectors]]: present, and no more than `most`.
const toml::array* merged_records(toml::table& merged, const std::string& name, std::size_t most, const where& top) {
    const toml::array* a = merged[name].as_array();
    if (!a || a->empty()) {
        fail(top, name,
             "the scenario has no [[" + name +
                 "]]; extend a base that has them, e.g. extends = "
                 "\"builtin:base/chongqing.toml\"");
    }
    if (a->size() > most) {
        fail(top, name,
             "the scenario has " + std::to_string(a->size()) + " [[" + name + "]]: at most " + std::to_string(most) +
                 " are allowed");
    }
    return a;
}

void fill_params(toml::table& t, params& p) {
    for (const auto& spec : parameter_specs()) {
        auto dot = spec.key.find('.');
        const std::string sec(spec.key.substr(0, dot));
        const std::string name(spec.key.substr(dot + 1));
        if (!t.contains(sec)) t.insert(sec, toml::table{});
        auto& st = *t[sec].as_table();
        std::visit(
            [&](auto field) {
                const toml::node* n = st.get(name);
                if constexpr (std::is_same_v<decltype(field), choice_field>) {
                    if (n)
                        p.*(field.field) = n->as_string()->get();
                    else
                        st.insert(name, p.*(field.field));
                    return;
                } else {
                    using T = std::remove_reference_t<decltype(p.*field)>;
                    if constexpr (std::is_same_v<T, bool>) {
                        if (n)
                            p.*field = n->as_boolean()->get();
                        else
                            st.insert(name, p.*field);
                    } else if constexpr (std::is_same_v<T, core::date>) {
                        if (n) {
                            p.*field = to_date(*n);
                        } else {
                            int y = 0, m = 0, d = 0;
                            core::to_ymd(p.*field, y, m, d);
                            st.insert(name, toml::date{y, m, d});
                        }
                    } else if constexpr (std::is_same_v<T, std::int64_t>) {
                        if (n)
                            p.*field = n->as_integer()->get();
                        else
                            st.insert(name, p.*field);
                    } else {
                        if (n)
                            p.*field = number(*n);
                        else
                            st.insert(name, p.*field);
                    }
                }
            },
            spec.field);
    }
}

}  // namespace

pilot_level to_pilot(const std::string& s) {
    return choice<pilot_level>(
        s, {{"none", pilot_level::none}, {"municipal", pilot_level::municipal}, {"national", pilot_level::national}});
}

where calendar_set_at(const toml::table& merged, const char* key, const std::string& origin) {
    const toml::node* n = merged["calendar"][key].node();
    return n ? locate(n->source(), origin) : where{origin, 0, 0};
}

std::string calendar_set_in(const toml::table& merged, const char* key, const std::string& origin) {
    const where w = calendar_set_at(merged, key, origin);
    return w.line > 0 ? " set at " + w.file + ":" + std::to_string(w.line) : std::string(" by default");
}

scenario_ptr build(toml::table merged, const std::string& origin, const std::string& name_override,
                   std::vector<std::string> parents) {
    auto s = std::make_shared<scenario>();
    s->source = origin;
    s->parents = std::move(parents);
    const where top{origin, 0, 0};

    // Name: it becomes an HDF5 group and part of output file names, so keep it path-safe.
    std::string name = name_override;
    if (name.empty()) name = merged["name"].value_or(std::string{});
    if (name.empty()) name = default_name(origin);
    const bool safe =
        !name.empty() && name.size() <= 64 && name[0] != '.' && std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
        });
    if (!safe) {
        const toml::node* n = merged.get("name");
        fail(n ? locate(n->source(), origin) : top, "name",
             "scenario name \"" + name +
                 "\" is not allowed: use 1-64 letters, digits, '-', '_' or '.', not starting with '.' "
                 "(it names the HDF5 group and the output file)");
    }
    s->name = name;
    merged.insert_or_assign("name", name);
    s->description = merged["description"].value_or(std::string{});

    s->p = default_params();
    fill_params(merged, s->p);
    const auto& p = s->p;
    auto set_at = [&](const char* key) { return calendar_set_at(merged, key, origin); };
    auto set_in = [&](const char* key) { return calendar_set_in(merged, key, origin); };
    if (p.end < p.start) {
        fail(set_at("end"), "calendar.end",
             "'calendar.end' = " + core::to_iso(p.end) + " is before 'calendar.start' = " + core::to_iso(p.start) +
                 " (" + set_in("start").substr(1) + ")");
    }
    s->cal = calendar{p.start, p.end, static_cast<int>(p.step_days)};
    // Every (min, max) pair of parameters, after merging: the error points at the bound a file
    // set (the minimum if both were set), in the file that set it.
    for (const auto& pair : range_pairs()) {
        const double lo = numeric_value(p, pair.min_key), hi = numeric_value(p, pair.max_key);
        if (lo <= hi) continue;
        auto node_of = [&](std::string_view key) -> const toml::node* {
            const auto dot = key.find('.');
            const toml::node* n = merged[key.substr(0, dot)][key.substr(dot + 1)].node();
            return n && n->source().path ? n : nullptr;
        };
        const toml::node* n = node_of(pair.min_key);
        std::string_view key = pair.min_key;
        if (!n && (n = node_of(pair.max_key))) key = pair.max_key;
        fail(n ? locate(n->source(), origin) : top, std::string(key),
             "'" + std::string(pair.min_key) + "' = " + fmt_num(lo) + " is above '" + std::string(pair.max_key) +
                 "' = " + fmt_num(hi) + ": the minimum of a range may not exceed its maximum");
    }
    if (s->cal.steps() < 1) {
        fail(set_at("end"), "calendar.end",
             "the period " + core::to_iso(p.start) + " to " + core::to_iso(p.end) + " is shorter than one step of " +
                 std::to_string(p.step_days) + " days (calendar.step_days" + set_in("step_days") + ")");
    }
    const core::date last_day = s->cal.step_last_day(s->cal.steps() - 1);

    // Districts
    // Count first (each file was counted on its own; the chain may add up to more).
    const toml::array* darr = merged_records(merged, "districts", max_districts, top);
    std::set<std::string, std::less<>> ids;
    for (const auto& rec : *darr) {
        const auto& t = *rec.as_table();
        const std::string id = t["id"].value<std::string>().value();
        require_fields(t, district_fields(), "district", id, origin);
        district d;
        d.id = t["id"].value<std::string>().value();
        const where w = locate(t["id"].node()->source(), origin);
        if (!ids.insert(d.id).second) fail(w, "districts[" + d.id + "].id", "duplicate district id '" + d.id + "'");
        d.name = t["name"].value_or(d.id);
        d.name_zh = t["name_zh"].value_or(std::string{});
        d.kind = choice<district_kind>(t["kind"].value<std::string>().value(),
                                       {{"district", district_kind::district},
                                        {"county", district_kind::county},
                                        {"autonomous_county", district_kind::autonomous_county},
                                        {"functional_zone", district_kind::functional_zone}});
        d.region = choice<subregion>(
            t["subregion"].value<std::string>().value(),
            {{"metro", subregion::metro}, {"northeast", subregion::northeast}, {"southeast", subregion::southeast}});
        d.parent = t["parent"].value_or(std::string{});
        d.gdp_2020 = number(*t.get("gdp_2020"));
        d.tech_firms_2020 = t["tech_firms_2020"].value<std::int64_t>().value();
        d.high_tech_share = number(*t.get("high_tech_share"));
        d.pilot = to_pilot(t["pilot"].value<std::string>().value());
        if (const toml::node* ps = t.get("pilot_since")) d.pilot_since = to_date(*ps);
        if (const toml::node* n = t.get("tech_firms_gdp_2020")) d.tech_firms_gdp_2020 = n->as_integer()->get();
        if (const toml::node* n = t.get("high_tech_firms_2020")) d.high_tech_firms_2020 = n->as_integer()->get();
        if (const toml::node* n = t.get("gdp_2021")) d.gdp_2021 = number(*n);
        if (const toml::node* n = t.get("rd_intensity_2020")) d.rd_intensity_2020 = number(*n);
        if (const toml::node* n = t.get("st_rank_2021")) d.st_rank_2021 = n->as_integer()->get();
        if (const toml::node* n = t.get("universities")) d.universities = n->as_integer()->get();
        if (const toml::array* a = t["leading"].as_array()) {
            for (const auto& e : *a) d.leading.push_back(e.as_string()->get());
        }
        if (const toml::table* src = t["source"].as_table()) {
            for (auto&& [k, v] : *src) d.sources.emplace_back(std::string(k.str()), v.as_string()->get());
        }
        if (const toml::table* rt = t["ranges"].as_table()) {
            for (auto&& [k, v] : *rt) {
                const auto& a = *v.as_array();
                const std::string key(k.str());
                const std::pair<double, double> r{number(a[0]), number(a[1])};
                const toml::node* at = t.get(key);
                const double point = at ? number(*at) : 0.0;
                // A range must hold the point value it is a range for.
                if (!at || point < r.first || point > r.second) {
                    fail(locate(v.source(), origin), "districts[" + d.id + "].ranges." + key,
                         "'districts[" + d.id + "].ranges." + key + "' = " + show(v) + " does not contain '" + key +
                             "' = " + (at ? show(*at) : std::string("(not given)")));
                }
                d.ranges.emplace_back(key, r);
            }
        }
        if (d.pilot != pilot_level::none && !t.contains("pilot_since")) {
            fail(locate(t.source(), origin), "districts[" + d.id + "].pilot_since",
                 "district '" + d.id + "' is a pilot but has no 'pilot_since' date");
        }
        s->districts.push_back(std::move(d));
    }

    // Sectors
    const toml::array* sarr = merged_records(merged, "sectors", max_sectors, top);
    double share_sum = 0;
    for (const auto& rec : *sarr) {
        const auto& t = *rec.as_table();
        const std::string id = t["id"].value<std::string>().value();
        require_fields(t, sector_fields(), "sector", id, origin);
        if (s->sector_index(id) != static_cast<std::size_t>(-1)) {
            fail(locate(t.source(), origin), "sectors[" + id + "].id", "duplicate sector id '" + id + "'");
        }
        s->sectors.push_back(sector{id, t["name"].value_or(id), number(*t.get("share"))});
        share_sum += s->sectors.back().share;
    }
    if (!(share_sum > 0)) fail(locate(sarr->source(), origin), "sectors", "sector shares must not all be 0");
    std::vector<std::string> sector_ids;
    for (const auto& sec : s->sectors) sector_ids.push_back(sec.id);
    for (std::size_t i = 0; i < darr->size(); ++i) {
        const auto& d = s->districts[i];
        for (std::size_t k = 0; k < d.leading.size(); ++k) {
            if (s->sector_index(d.leading[k]) != static_cast<std::size_t>(-1)) continue;
            const toml::node& n = *(*(*darr)[i].as_table())["leading"].as_array()->get(k);
            std::string hint = core::closest_match(d.leading[k], sector_ids);
            fail(locate(n.source(), origin), "districts[" + d.id + "].leading",
                 "unknown sector '" + d.leading[k] + "' in the leading industries of '" + d.id + "'" +
                     (hint.empty() ? "; expected one of " + core::join_or(sector_ids)
                                   : "; did you mean '" + hint + "'?"));
        }
    }
    std::vector<std::string> id_list = s->district_names();
    for (std::size_t i = 0; i < darr->size(); ++i) {
        const auto& d = s->districts[i];
        if (!d.parent.empty() && !ids.contains(d.parent)) {
            const auto& t = *(*darr)[i].as_table();
            std::string hint = core::closest_match(d.parent, id_list);
            fail(locate(t["parent"].node()->source(), origin), "districts[" + d.id + "].parent",
                 "unknown parent district '" + d.parent + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        }
    }

    // The incubator's district, which the parameter table cannot check.
    {
        const std::string& inc = p.incubator_district;
        const std::size_t di = s->district_index(inc);  // an id or a Chinese name
        if (di == static_cast<std::size_t>(-1)) {
            const toml::node* n = merged["incubator"]["district"].node();
            std::string hint = core::closest_match(inc, id_list);
            fail(n ? locate(n->source(), origin) : top, "incubator.district",
                 "'incubator.district' = '" + inc + "': no such district" +
                     (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        }
        s->incubator_district = static_cast<std::uint16_t>(di);
    }

    derive_districts(*s);

    // Events: dated, inside the horizon, in date order, naming known districts.
    build_events(merged, *s, id_list, last_day, origin);

    s->resolved_toml = to_toml_text(merged) + "\n";
    s->hash = core::sha256_hex(s->resolved_toml);
    return s;
}

}  // namespace kcsim::scenario::detail
