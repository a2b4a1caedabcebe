// Checks of one scenario file's table against the parameter table and the record schemas.
#include "scenario/validate.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/text.hpp"
#include "scenario/events.hpp"

namespace kcsim::scenario::detail {

namespace {

const std::vector<std::string>& top_level_keys() {
    static const std::vector<std::string> k = [] {
        std::vector<std::string> v = {"name", "description", "extends", "districts", "sectors", "events"};
        for (const auto& [sec, keys] : param_sections()) v.push_back(sec);
        return v;
    }();
    return k;
}

std::vector<std::string> split_choices(std::string_view s) {
    std::vector<std::string> out;
    while (!s.empty()) {
        const auto bar = s.find('|');
        out.emplace_back(s.substr(0, bar));
        if (bar == std::string_view::npos) break;
        s.remove_prefix(bar + 1);
    }
    return out;
}

void check_field(const toml::node& v, const field_spec& f, const std::string& path, const std::string& file) {
    const where w = locate(v.source(), file);
    auto expect = [&](bool ok, const std::string& what) {
        if (!ok) fail(w, path, "'" + path + "' = " + show(v) + ": expected " + what + ", got " + type_name(v));
    };
    switch (f.type) {
    case ftype::text: expect(v.is_string(), "a string"); break;
    case ftype::identifier: {
        expect(v.is_string(), "a string");
        const auto& s = v.as_string()->get();
        bool ok = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        });
        if (!ok)
            fail(w, path, "'" + path + "' = " + show(v) + ": expected an id of lower-case letters, digits and '_'");
        break;
    }
    case ftype::identifier_list: {
        expect(v.is_array() && !v.as_array()->empty(), "a non-empty list of ids, e.g. [\"yubei\", \"beibei\"]");
        for (const auto& e : *v.as_array()) {
            if (!e.is_string()) {
                fail(locate(e.source(), file), path, "'" + path + "' has " + show(e) + ": expected ids (strings)");
            }
        }
        break;
    }
    case ftype::choice: {
        expect(v.is_string(), "one of " + core::join_or(f.choices));
        const auto& s = v.as_string()->get();
        if (std::find(f.choices.begin(), f.choices.end(), s) == f.choices.end()) {
            std::string hint = core::closest_match(s, f.choices);
            fail(w, path,
                 "'" + path + "' = " + show(v) + ": expected " + core::join_or(f.choices) +
                     (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        }
        break;
    }
    case ftype::real: {
        expect(v.is_number(), "a number");
        double x = v.is_integer() ? static_cast<double>(v.as_integer()->get()) : v.as_floating_point()->get();
        if (!std::isfinite(x) || x < f.lo || x > f.hi) {
            fail(w, path,
                 "'" + path + "' = " + show(v) + " is out of range: expected " + fmt_num(f.lo) + " to " +
                     fmt_num(f.hi));
        }
        break;
    }
    case ftype::integer: {
        expect(v.is_integer(), "a whole number");
        double x = static_cast<double>(v.as_integer()->get());
        if (x < f.lo || x > f.hi) {
            fail(w, path,
                 "'" + path + "' = " + show(v) + " is out of range: expected " + fmt_num(f.lo) + " to " +
                     fmt_num(f.hi));
        }
        break;
    }
    case ftype::date: expect(v.is_date(), "a date like 2021-01-04"); break;
    case ftype::ranges: {
        // { attribute = [low, high], ... } over the attributes the district_data shifts move.
        expect(v.is_table(), "a table of [low, high] ranges, e.g. { rd_intensity_2020 = [1.0, 2.0] }");
        for (auto&& [k, r] : *v.as_table()) {
            const std::string key(k.str());
            const std::string sub = path + "." + key;
            const auto& names = ranged_district_fields();
            if (std::find(names.begin(), names.end(), key) == names.end())
                unknown_key(locate(k.source(), file), sub, key, names, "a district's ranges");
            const toml::array* a = r.as_array();
            const bool pair = a && a->size() == 2 && (*a)[0].is_number() && (*a)[1].is_number();
            if (!pair || number((*a)[0]) > number((*a)[1])) {
                fail(locate(r.source(), file), sub,
                     "'" + sub + "' = " + show(r) + ": expected [low, high], two numbers with low <= high");
            }
        }
        break;
    }
    case ftype::sources: {
        expect(v.is_table(), "a table of source notes, e.g. { gdp_2020 = \"ext: ...\" }");
        for (auto&& [k, s] : *v.as_table()) {
            const std::string sub = path + "." + std::string(k.str());
            if (!s.is_string()) {
                fail(locate(s.source(), file), sub,
                     "'" + sub + "' = " + show(s) + ": expected a string, got " + type_name(s));
            }
        }
        break;
    }
    }
}

}  // namespace

const std::vector<field_spec>& district_fields() {
    static const std::vector<field_spec> f = {
        {"id", ftype::identifier, true},
        {"name", ftype::text, false},
        {"name_zh", ftype::text, false},
        {"kind", ftype::choice, true, 0, 0, {"district", "county", "autonomous_county", "functional_zone"}},
        {"subregion", ftype::choice, true, 0, 0, {"metro", "northeast", "southeast"}},
        {"parent", ftype::text, false},
        {"gdp_2020", ftype::real, true, 0, 1e6},
        {"tech_firms_2020", ftype::integer, true, 0, 1e8},
        {"high_tech_share", ftype::real, true, 0, 1},
        {"tech_firms_gdp_2020", ftype::integer, false, 0, 1e8},
        {"high_tech_firms_2020", ftype::integer, false, 0, 1e8},
        {"gdp_2021", ftype::real, false, 0, 1e6},
        {"rd_intensity_2020", ftype::real, false, 0, 100},
        {"st_rank_2021", ftype::integer, false, 0, 1000},
        {"universities", ftype::integer, false, 0, 10000},
        {"leading", ftype::identifier_list, false},
        {"ranges", ftype::ranges, false},
        {"pilot", ftype::choice, true, 0, 0, {"none", "municipal", "national"}},
        {"pilot_since", ftype::date, false},
        {"source", ftype::sources, false},
    };
    return f;
}

const std::vector<std::string>& ranged_district_fields() {
    // gdp_2020 enters the model only through the firm allocation (scripts/district_data.py), so its
    // range is recorded for planners but has no shift parameter.
    static const std::vector<std::string> f = {"rd_intensity_2020", "high_tech_share", "st_rank_2021", "universities",
                                               "gdp_2020"};
    return f;
}

const std::vector<field_spec>& sector_fields() {
    static const std::vector<field_spec> f = {
        {"id", ftype::identifier, true},
        {"name", ftype::text, false},
        {"share", ftype::real, true, 0, 1},
        {"source", ftype::sources, false},
    };
    return f;
}

// Top-level sections and their keys, from the parameter table.
std::map<std::string, std::vector<std::string>, std::less<>> param_sections() {
    std::map<std::string, std::vector<std::string>, std::less<>> m;
    for (const auto& s : parameter_specs()) {
        auto dot = s.key.find('.');
        m[std::string(s.key.substr(0, dot))].emplace_back(s.key.substr(dot + 1));
    }
    return m;
}

const param_spec* find_param(std::string_view key) {
    for (const auto& s : parameter_specs()) {
        if (s.key == key) return &s;
    }
    return nullptr;
}

[[noreturn]] void unknown_key(const where& w, const std::string& path, const std::string& key,
                              const std::vector<std::string>& valid, const std::string& context) {
    std::string hint = core::closest_match(key, valid);
    std::string msg = "unknown key '" + path + "'";
    if (!hint.empty()) {
        msg += "; did you mean '" + hint + "'?";
    } else {
        msg += "; " + context + " takes " + core::join_or(valid);
    }
    fail(w, path, msg);
}

void check_param(const toml::node& v, const param_spec& spec, const std::string& fallback_file) {
    const where w = locate(v.source(), fallback_file);
    const std::string key(spec.key);
    if (const auto* c = std::get_if<choice_field>(&spec.field)) {
        if (!v.is_string()) fail(w, key, "'" + key + "' = " + show(v) + ": expected a string, got " + type_name(v));
        const auto& s = v.as_string()->get();
        const auto choices = split_choices(c->choices);
        if (!choices.empty() && std::find(choices.begin(), choices.end(), s) == choices.end()) {
            std::string hint = core::closest_match(s, choices);
            fail(w, key,
                 "'" + key + "' = " + show(v) + ": expected " + core::join_or(choices) +
                     (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        }
        return;
    }
    std::visit(
        [&](auto field) {
            if constexpr (!std::is_same_v<decltype(field), choice_field>) {
                using T = std::remove_reference_t<decltype(std::declval<params&>().*field)>;
                if constexpr (std::is_same_v<T, bool>) {
                    if (!v.is_boolean()) {
                        fail(w, key, "'" + key + "' = " + show(v) + ": expected true or false, got " + type_name(v));
                    }
                } else if constexpr (std::is_same_v<T, core::date>) {
                    if (!v.is_date()) {
                        std::string hint;
                        if (v.is_string() && core::parse_date(v.as_string()->get()))
                            hint = " (write the date without quotes)";
                        fail(w, key,
                             "'" + key + "' = " + show(v) + ": expected a date like 2021-01-04, got " + type_name(v) +
                                 hint);
                    }
                    const auto d = v.as_date()->get();
                    const double days = core::make_date(d.year, d.month, d.day).days;
                    if (days < spec.lo || days > spec.hi) {
                        fail(w, key,
                             "'" + key + "' = " + show(v) + " is out of range: expected a date from " +
                                 core::to_iso(core::date{static_cast<int>(spec.lo)}) + " to " +
                                 core::to_iso(core::date{static_cast<int>(spec.hi)}));
                    }
                } else {
                    double x = 0;
                    if constexpr (std::is_same_v<T, std::int64_t>) {
                        if (!v.is_integer()) {
                            fail(w, key,
                                 "'" + key + "' = " + show(v) + ": expected a whole number (" + std::string(spec.unit) +
                                     "), got " + type_name(v));
                        }
                        x = static_cast<double>(v.as_integer()->get());
                    } else {
                        if (!v.is_number()) {
                            fail(w, key,
                                 "'" + key + "' = " + show(v) + ": expected a number (" + std::string(spec.unit) +
                                     "), got " + type_name(v));
                        }
                        x = v.is_integer() ? static_cast<double>(v.as_integer()->get()) : v.as_floating_point()->get();
                        if (!std::isfinite(x))
                            fail(w, key, "'" + key + "' = " + show(v) + ": expected a finite number");
                    }
                    if (x < spec.lo || x > spec.hi) {
                        fail(w, key,
                             "'" + key + "' = " + show(v) + " is out of range: expected " + fmt_num(spec.lo) + " to " +
                                 fmt_num(spec.hi) + " (" + std::string(spec.unit) + ")");
                    }
                }
            }
        },
        spec.field);
}

// the keys are checked (a [[districts]] entry may override a few fields of a base entry).
void check_records(const toml::node& n, const std::string& name, const std::vector<field_spec>& fields,
                   const std::string& file, bool require) {
    const where w = locate(n.source(), file);
    if (!n.is_array_of_tables()) {
        fail(w, name, "'" + name + "' must be an array of tables written [[" + name + "]], got " + type_name(n));
    }
    // Count first: a file of a million records is refused at once, not after checking them all.
    const std::size_t most = name == "districts" ? max_districts : name == "sectors" ? max_sectors : 0;
    if (most > 0 && n.as_array()->size() > most) {
        fail(w, name,
             "'" + name + "' has " + std::to_string(n.as_array()->size()) + " entries: a scenario may have at most " +
                 std::to_string(most) + " [[" + name + "]]");
    }
    std::vector<std::string> names;
    for (const auto& f : fields) names.emplace_back(f.name);
    std::size_t i = 0;
    std::set<std::string, std::less<>> ids;  // within one file an id appears once
    for (const auto& rec : *n.as_array()) {
        const auto& t = *rec.as_table();
        std::string label = name + "[" + std::to_string(i) + "]";
        if (auto id = t["id"].value<std::string>(); id && !ids.insert(*id).second) {
            fail(locate(t["id"].node()->source(), file), name + "[" + *id + "].id",
                 "duplicate " + name.substr(0, name.size() - 1) + " id '" + *id + "' in this file");
        }
        if (auto id = t["id"].value<std::string>()) label = name + "[" + *id + "]";
        for (auto&& [k, v] : t) {
            const std::string key(k.str());
            auto it = std::find_if(fields.begin(), fields.end(), [&](const field_spec& f) { return f.name == key; });
            if (it == fields.end()) {
                unknown_key(locate(k.source(), file), label + "." + key, key, names, "[[" + name + "]]");
            }
            check_field(v, *it, label + "." + key, file);
        }
        for (const auto& f : fields) {
            if ((require || f.name == "id") && f.required && !t.contains(f.name)) {
                fail(locate(t.source(), file), label + "." + std::string(f.name),
                     "'" + label + "' is missing the required key '" + std::string(f.name) + "'");
            }
        }
        ++i;
    }
}

void check_file(const toml::table& t, const std::string& file) {
    static const auto sections = param_sections();
    for (auto&& [k, v] : t) {
        const std::string key(k.str());
        const where w = locate(k.source(), file);
        if (key == "name" || key == "description" || key == "extends") {
            if (!v.is_string())
                fail(locate(v.source(), file), key,
                     "'" + key + "' = " + show(v) + ": expected a string, got " + type_name(v));
            continue;
        }
        if (key == "districts") {
            check_records(v, key, district_fields(), file, false);
            continue;
        }
        if (key == "sectors") {
            check_records(v, key, sector_fields(), file, false);
            continue;
        }
        if (key == "events") {
            check_events(v, file);
            continue;
        }
        auto sec = sections.find(key);
        if (sec == sections.end()) unknown_key(w, key, key, top_level_keys(), "a scenario");
        if (!v.is_table()) {
            fail(locate(v.source(), file), key, "'" + key + "' must be a table ([" + key + "]), got " + type_name(v));
        }
        for (auto&& [sk, sv] : *v.as_table()) {
            const std::string path = key + "." + std::string(sk.str());
            const param_spec* spec = find_param(path);
            if (!spec)
                unknown_key(locate(sk.source(), file), path, std::string(sk.str()), sec->second, "[" + key + "]");
            check_param(sv, *spec, file);
        }
    }
}

}  // namespace kcsim::scenario::detail
