#include "scenario/load.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "scenario/embedded.hpp"
#include "scenario/sweep.hpp"
#include "scenario/toml_guard.hpp"

// toml++ is included in this file only: it is slow to compile and no other part needs it.
#define TOML_EXCEPTIONS 1
#define TOML_HEADER_ONLY 1
#include <toml++/toml.h>

namespace kcsim::scenario {

namespace fs = std::filesystem;

namespace {

constexpr int max_extends_depth = 16;
constexpr std::size_t max_file_bytes = std::size_t{16} << 20;

// ---------------------------------------------------------------------------------------------
// Locations and messages

struct where {
    std::string file;
    int line = 0;
    int column = 0;
};

where locate(const toml::source_region& r, const std::string& fallback) {
    where w;
    w.file = r.path ? *r.path : fallback;
    w.line = static_cast<int>(r.begin.line);
    w.column = static_cast<int>(r.begin.column);
    return w;
}

[[noreturn]] void fail(const where& w, const std::string& key, const std::string& message) {
    throw scenario_error(w.file, w.line, w.column, key, message);
}

std::string show(const toml::node& n) {
    std::ostringstream os;
    if (n.is_string()) {
        os << '"' << n.as_string()->get() << '"';
    } else if (n.is_table()) {
        os << "a table";
    } else if (n.is_array()) {
        os << "an array";
    } else {
        n.visit([&](const auto& v) { os << v; });
    }
    return os.str();
}

std::string type_name(const toml::node& n) {
    switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    default: return "nothing";
    }
}

// Enough digits that a seed or a count reads back exactly (1e15 > 9.0072e+15 confuses).
std::string fmt_num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

// ---------------------------------------------------------------------------------------------
// Reading files (disk or builtin) and following `extends`

struct source_text {
    std::string name;  // shown in errors: the path as given, or "builtin:x.toml"
    std::string text;
    std::string dir;  // where relative `extends` resolve; "builtin:" + dir for embedded files
};

std::optional<std::string_view> find_builtin(std::string_view rel) {
    for (const auto& f : embedded_files()) {
        if (f.path == rel) return f.text;
    }
    return std::nullopt;
}

std::string default_name(const std::string& origin) {
    std::string o = origin.starts_with(builtin_prefix) ? origin.substr(builtin_prefix.size()) : origin;
    return fs::path(o).stem().string();
}

source_text read_source(const std::string& path, const where& from, const std::string& key) {
    source_text s;
    s.name = path;
    if (path.starts_with(builtin_prefix)) {
        std::string rel = fs::path(path.substr(builtin_prefix.size())).lexically_normal().generic_string();
        auto text = find_builtin(rel);
        if (!text) {
            auto names = builtin_names();
            std::string hint = core::closest_match(rel, names);
            fail(from, key,
                 "no built-in scenario '" + rel + "'" + (hint.empty() ? "" : "; did you mean 'builtin:" + hint + "'?") +
                     " (built-in: " + core::join_or(names) + ")");
        }
        s.name = std::string(builtin_prefix) + rel;
        s.text = std::string(*text);
        std::string parent = fs::path(rel).parent_path().generic_string();
        s.dir = std::string(builtin_prefix) + parent;
        return s;
    }
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        fail(from, key, "scenario file '" + path + "' does not exist");
    }
    if (fs::is_directory(path, ec)) {
        fail(from, key, "'" + path + "' is a directory, expected a scenario file (.toml)");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(from, key, "cannot read scenario file '" + path + "'");
    // A cap, so that `extends = "/dev/zero"` or a huge file is an error, not all of memory.
    std::string text(max_file_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_file_bytes) {
        fail(from, key,
             "'" + path + "' is larger than " + std::to_string(max_file_bytes >> 20) +
                 " MiB; a scenario or sweep file is a few KB");
    }
    s.text = std::move(text);
    s.dir = fs::path(path).parent_path().string();
    if (s.dir.empty()) s.dir = ".";
    return s;
}

std::string resolve_relative(const std::string& dir, const std::string& target) {
    if (target.starts_with(builtin_prefix)) return target;
    if (dir.starts_with(builtin_prefix)) {
        std::string rel = dir.substr(builtin_prefix.size());
        fs::path p = rel.empty() ? fs::path(target) : fs::path(rel) / target;
        return std::string(builtin_prefix) + p.lexically_normal().generic_string();
    }
    fs::path p(target);
    if (p.is_absolute()) return p.string();
    return (fs::path(dir) / p).lexically_normal().string();
}

toml::table parse(const source_text& s) {
    // TOML is UTF-8; a file of binary junk gets the same clear error as a syntax error.
    if (s.text.find('\0') != std::string::npos) {
        auto pos = s.text.find('\0');
        int line =
            1 + static_cast<int>(std::count(s.text.begin(), s.text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
        fail(where{s.name, line, 0}, "", "not a TOML text file (contains a NUL byte)");
    }
    if (const auto at = find_bare_non_ascii(s.text)) {
        fail(where{s.name, at->line, at->column}, "",
             "TOML syntax error: a non-ASCII character outside a quoted string or comment; quote the text");
    }
    try {
        return toml::parse(s.text, s.name);
    } catch (const toml::parse_error& e) {
        fail(locate(e.source(), s.name), "", "TOML syntax error: " + std::string(e.description()));
    }
}

// ---------------------------------------------------------------------------------------------
// Schemas of the tables

enum class ftype { text, identifier, identifier_list, choice, real, integer, date, sources };

struct field_spec {
    std::string_view name;
    ftype type;
    bool required;
    double lo = 0;
    double hi = 0;
    std::vector<std::string> choices = {};
};

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
        {"pilot", ftype::choice, true, 0, 0, {"none", "municipal", "national"}},
        {"pilot_since", ftype::date, false},
        {"source", ftype::sources, false},
    };
    return f;
}

// Fields of every event type; which ones a type needs is event_type_fields().
const std::vector<field_spec>& event_fields() {
    static const std::vector<field_spec> f = {
        {"date", ftype::date, true},
        {"type", ftype::choice, true, 0, 0, {"pilot", "team", "offshore_base"}},
        {"district", ftype::identifier, false},
        {"level", ftype::choice, false, 0, 0, {"none", "municipal", "national"}},
        {"sector", ftype::identifier, false},
        {"districts", ftype::identifier_list, false},
        {"experts", ftype::integer, false, 1, 10000},
        {"note", ftype::text, false},
    };
    return f;
}

const std::map<std::string, std::vector<std::string>, std::less<>>& event_type_fields() {
    static const std::map<std::string, std::vector<std::string>, std::less<>> m = {
        {"pilot", {"district", "level"}},
        {"team", {"sector", "districts", "experts"}},
        {"offshore_base", {"district"}},
    };
    return m;
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

const std::vector<std::string>& top_level_keys() {
    static const std::vector<std::string> k = [] {
        std::vector<std::string> v = {"name", "description", "extends", "districts", "sectors", "events"};
        for (const auto& [sec, keys] : param_sections()) v.push_back(sec);
        return v;
    }();
    return k;
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

// Checks one scalar parameter value; returns nothing, throws with a precise message.
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

// Validates one array of tables ([[districts]] / [[events]]) in one file. With require = false only
// the keys are checked (a [[districts]] entry may override a few fields of a base entry).
void check_records(const toml::node& n, const std::string& name, const std::vector<field_spec>& fields,
                   const std::string& file, bool require) {
    const where w = locate(n.source(), file);
    if (!n.is_array_of_tables()) {
        fail(w, name, "'" + name + "' must be an array of tables written [[" + name + "]], got " + type_name(n));
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

// Validates the keys and value types of one file's table (before merging), so that every error
// points into the file that has it.
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
            check_records(v, key, event_fields(), file, true);
            // Each type takes its own fields.
            for (const auto& rec : *v.as_array()) {
                const auto& ev = *rec.as_table();
                const std::string type = ev["type"].value<std::string>().value();
                const auto& need = event_type_fields().at(type);
                for (const auto& f : need) {
                    if (!ev.contains(f)) {
                        fail(locate(ev.source(), file), "events." + f,
                             "a '" + type + "' event needs '" + f + "' (it takes " + core::join_or(need) + ")");
                    }
                }
                for (auto&& [k2, fv] : ev) {
                    const std::string key_name(k2.str());
                    if (key_name == "date" || key_name == "type" || key_name == "note") continue;
                    if (std::find(need.begin(), need.end(), key_name) == need.end()) {
                        fail(locate(k2.source(), file), "events." + key_name,
                             "'" + key_name + "' does not apply to a '" + type + "' event (it takes " +
                                 core::join_or(need) + ")");
                    }
                }
            }
            // Within a file, events are listed in date order (a base's and a child's are merged by date).
            std::optional<toml::date> prev;
            std::size_t i = 0;
            for (const auto& rec : *v.as_array()) {
                const toml::node* d = rec.as_table()->get("date");
                const auto date = d->as_date()->get();
                if (prev && date < *prev) {
                    const std::string label = "events[" + std::to_string(i) + "].date";
                    std::ostringstream os;
                    os << "'" << label << "' = " << date << " is earlier than the event before it (" << *prev
                       << "); list events in date order";
                    fail(locate(d->source(), file), label, os.str());
                }
                prev = date;
                ++i;
            }
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

// Moves `over` onto `base`: tables merge key by key; [[events]] are added to the base's;
// [[districts]] merge by id (a known id overrides fields, a new id is added); any other value
// or array replaces. Moving keeps toml++'s source positions, so errors point into the right file.
void merge_into(toml::table& base, toml::table&& over, bool top = true) {
    for (auto&& [k, v] : over) {
        if (v.is_table()) {
            if (auto* bt = base[k].as_table()) {
                merge_into(*bt, std::move(*v.as_table()), false);
                continue;
            }
        }
        toml::array* barr = top ? base[k].as_array() : nullptr;
        if (barr && v.is_array() && k.str() == "events") {
            for (auto& e : *v.as_array()) barr->push_back(std::move(e));
            continue;
        }
        if (barr && v.is_array() && (k.str() == "districts" || k.str() == "sectors")) {
            for (auto& e : *v.as_array()) {
                auto& et = *e.as_table();
                const auto id = et["id"].value<std::string>();
                auto same = std::find_if(barr->begin(), barr->end(), [&](toml::node& b) {
                    return b.as_table()->get("id")->value<std::string>() == id;
                });
                if (same != barr->end()) {
                    merge_into(*same->as_table(), std::move(et), false);
                } else {
                    barr->push_back(std::move(e));
                }
            }
            continue;
        }
        base.insert_or_assign(k, std::move(v));
    }
}

// Loads `path` and everything it extends, merged, each file validated on its own.
toml::table load_chain(const std::string& path, const where& from, const std::string& key,
                       std::vector<std::string>& chain, std::string* origin) {
    if (std::find(chain.begin(), chain.end(), path) != chain.end()) {
        std::string cycle;
        for (const auto& c : chain) cycle += c + " -> ";
        fail(from, key, "circular 'extends': " + cycle + path);
    }
    if (chain.size() >= max_extends_depth) {
        fail(from, key, "'extends' nested more than " + std::to_string(max_extends_depth) + " deep");
    }
    source_text src = read_source(path, from, key);
    if (origin) *origin = src.name;
    chain.push_back(src.name);
    toml::table t = parse(src);
    check_file(t, src.name);
    // The scenario loaded is named after its own file unless it names itself: a file that extends
    // plan.toml must not write to plan's output.
    if (origin && !t.contains("name")) t.insert("name", default_name(src.name));
    toml::table merged;
    if (auto ext = t["extends"].value<std::string>()) {
        const where w = locate(t["extends"].node()->source(), src.name);
        merged = load_chain(resolve_relative(src.dir, *ext), w, "extends", chain, nullptr);
    }
    t.erase("extends");
    merge_into(merged, std::move(t));
    chain.pop_back();
    return merged;
}

// ---------------------------------------------------------------------------------------------
// Building the scenario from the merged, checked table

template <class E> E choice(const std::string& s, std::initializer_list<std::pair<std::string_view, E>> m) {
    for (const auto& [k, v] : m) {
        if (k == s) return v;
    }
    throw internal_error("unchecked choice '" + s + "'");
}

pilot_level to_pilot(const std::string& s) {
    return choice<pilot_level>(
        s, {{"none", pilot_level::none}, {"municipal", pilot_level::municipal}, {"national", pilot_level::national}});
}

core::date to_date(const toml::node& n) {
    const auto d = n.as_date()->get();
    return core::make_date(d.year, d.month, d.day);
}

double number(const toml::node& n) {
    return n.is_integer() ? static_cast<double>(n.as_integer()->get()) : n.as_floating_point()->get();
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

scenario_ptr build(toml::table merged, const std::string& origin, const std::string& name_override) {
    auto s = std::make_shared<scenario>();
    s->source = origin;
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
    // Where the calendar was set, so a period error points at the file that changed it.
    auto set_at = [&](const char* key) {
        const toml::node* n = merged["calendar"][key].node();
        return n ? locate(n->source(), origin) : where{origin, 0, 0};
    };
    auto set_in = [&](const char* key) {
        const where w = set_at(key);
        return w.line > 0 ? " set at " + w.file + ":" + std::to_string(w.line) : std::string(" by default");
    };
    if (p.end < p.start) {
        fail(set_at("end"), "calendar.end",
             "'calendar.end' = " + core::to_iso(p.end) + " is before 'calendar.start' = " + core::to_iso(p.start) +
                 " (" + set_in("start").substr(1) + ")");
    }
    s->cal = calendar{p.start, p.end, static_cast<int>(p.step_days)};
    if (p.viewers_min > p.viewers_max) {
        const toml::node* n = merged["forums"]["viewers_min"].node();
        fail(n ? locate(n->source(), origin) : top, "forums.viewers_min",
             "'forums.viewers_min' = " + fmt_num(p.viewers_min) +
                 " is above 'forums.viewers_max' = " + fmt_num(p.viewers_max));
    }
    if (s->cal.steps() < 1) {
        fail(set_at("end"), "calendar.end",
             "the period " + core::to_iso(p.start) + " to " + core::to_iso(p.end) + " is shorter than one step of " +
                 std::to_string(p.step_days) + " days (calendar.step_days" + set_in("step_days") + ")");
    }
    const core::date last_day = s->cal.step_last_day(s->cal.steps() - 1);

    // Districts
    const toml::array* darr = merged["districts"].as_array();
    if (!darr || darr->empty()) {
        fail(top, "districts",
             "the scenario has no [[districts]]; extend a base that has them, e.g. extends = "
             "\"builtin:base/chongqing.toml\"");
    }
    std::set<std::string, std::less<>> ids;
    for (const auto& rec : *darr) {
        const auto& t = *rec.as_table();
        const std::string id = t["id"].value<std::string>().value();
        for (const auto& f : district_fields()) {
            if (f.required && !t.contains(f.name)) {
                fail(locate(t.source(), origin), "districts[" + id + "]." + std::string(f.name),
                     "district '" + id + "' is missing the required key '" + std::string(f.name) + "'");
            }
        }
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
        if (d.pilot != pilot_level::none && !t.contains("pilot_since")) {
            fail(locate(t.source(), origin), "districts[" + d.id + "].pilot_since",
                 "district '" + d.id + "' is a pilot but has no 'pilot_since' date");
        }
        s->districts.push_back(std::move(d));
    }
    if (s->districts.size() > 65535) fail(top, "districts", "more than 65535 districts");

    // Sectors
    const toml::array* sarr = merged["sectors"].as_array();
    if (!sarr || sarr->empty()) {
        fail(top, "sectors",
             "the scenario has no [[sectors]]; extend a base that has them, e.g. extends = "
             "\"builtin:base/chongqing.toml\"");
    }
    if (sarr->size() > 255) fail(top, "sectors", "more than 255 sectors");
    double share_sum = 0;
    for (const auto& rec : *sarr) {
        const auto& t = *rec.as_table();
        const std::string id = t["id"].value<std::string>().value();
        for (const auto& f : sector_fields()) {
            if (f.required && !t.contains(f.name)) {
                fail(locate(t.source(), origin), "sectors[" + id + "]." + std::string(f.name),
                     "sector '" + id + "' is missing the required key '" + std::string(f.name) + "'");
            }
        }
        if (s->sector_index(id) != static_cast<std::size_t>(-1)) {
            fail(locate(t.source(), origin), "sectors[" + id + "].id", "duplicate sector id '" + id + "'");
        }
        s->sectors.push_back(sector{id, t["name"].value_or(id), number(*t.get("share"))});
        share_sum += s->sectors.back().share;
    }
    if (!(share_sum > 0)) fail(locate(sarr->source(), origin), "sectors", "sector shares must not all be 0");
    std::vector<std::string> id_list(ids.begin(), ids.end());
    for (std::size_t i = 0; i < darr->size(); ++i) {
        const auto& d = s->districts[i];
        if (!d.parent.empty() && !ids.contains(d.parent)) {
            const auto& t = *(*darr)[i].as_table();
            std::string hint = core::closest_match(d.parent, id_list);
            fail(locate(t["parent"].node()->source(), origin), "districts[" + d.id + "].parent",
                 "unknown parent district '" + d.parent + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        }
    }

    // Events: dated, inside the horizon, in date order, naming known districts.
    {
        const std::string& inc = p.incubator_district;
        const std::size_t di = s->district_index(inc);
        if (di == static_cast<std::size_t>(-1)) {
            const toml::node* n = merged["incubator"]["district"].node();
            std::string hint = core::closest_match(inc, id_list);
            fail(n ? locate(n->source(), origin) : top, "incubator.district",
                 "'incubator.district' = '" + inc + "': no such district" +
                     (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        }
        s->incubator_district = static_cast<std::uint16_t>(di);
    }

    // A child's events join the base's in date order (stable: same-day events keep file order),
    // so the resolved text lists them sorted and reloads to the same scenario.
    if (toml::array* unsorted = merged["events"].as_array()) {
        std::vector<std::size_t> order(unsorted->size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        auto date_of = [&](std::size_t i) { return (*unsorted)[i].as_table()->get("date")->as_date()->get(); };
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return date_of(a) < date_of(b); });
        toml::array sorted;
        for (std::size_t i : order) sorted.push_back(std::move((*unsorted)[i]));
        merged.insert_or_assign("events", std::move(sorted));
    }
    if (const toml::array* earr = merged["events"].as_array()) {
        for (std::size_t i = 0; i < earr->size(); ++i) {
            const auto& t = *(*earr)[i].as_table();
            // Merged events have no file index any more; the location says which one it is.
            const std::string label = "events";
            event e;
            e.date = to_date(*t.get("date"));
            const where wd = locate(t.get("date")->source(), origin);
            if (e.date < p.start || e.date > last_day) {
                fail(wd, label + ".date",
                     "event date " + core::to_iso(e.date) + " is outside the simulated period " +
                         core::to_iso(p.start) + " to " + core::to_iso(last_day) + " (calendar.start" +
                         set_in("start") + "; calendar.end" + set_in("end") + ")");
            }
            // Resolves an id against the districts, with a suggestion; `node` locates the error.
            auto district_of = [&](const toml::node& node, const std::string& id) {
                const std::size_t di = s->district_index(id);
                if (di == static_cast<std::size_t>(-1)) {
                    std::string hint = core::closest_match(id, id_list);
                    fail(locate(node.source(), origin), label + ".district",
                         "event district '" + id + "' does not exist" +
                             (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
                }
                return static_cast<std::uint16_t>(di);
            };
            const std::string type = t["type"].value<std::string>().value();
            if (type == "pilot" || type == "offshore_base") {
                e.type = type == "pilot" ? event::kind::pilot : event::kind::offshore_base;
                e.district = district_of(*t.get("district"), t["district"].value<std::string>().value());
                if (type == "pilot") e.level = to_pilot(t["level"].value<std::string>().value());
            } else {
                e.type = event::kind::team;
                const std::string sid = t["sector"].value<std::string>().value();
                const std::size_t si = s->sector_index(sid);
                if (si == static_cast<std::size_t>(-1)) {
                    std::vector<std::string> names;
                    for (const auto& sec : s->sectors) names.push_back(sec.id);
                    std::string hint = core::closest_match(sid, names);
                    fail(locate(t.get("sector")->source(), origin), "events.sector",
                         "event sector '" + sid + "' does not exist; " +
                             (hint.empty() ? "sectors are " + core::join_or(names) : "did you mean '" + hint + "'?"));
                }
                e.sector = static_cast<std::uint8_t>(si);
                for (const auto& dn : *t.get("districts")->as_array()) {
                    const std::uint16_t di = district_of(dn, dn.as_string()->get());
                    if (std::find(e.districts.begin(), e.districts.end(), di) != e.districts.end()) {
                        fail(locate(dn.source(), origin), "events.districts",
                             "district '" + dn.as_string()->get() + "' is listed twice in this team's districts");
                    }
                    e.districts.push_back(di);
                }
                e.experts = static_cast<int>(t["experts"].value<std::int64_t>().value());
            }
            s->events.push_back(e);
        }
    }

    std::ostringstream os;
    os << toml::toml_formatter(merged,
                               toml::toml_formatter::default_flags & ~toml::format_flags::allow_literal_strings);
    s->resolved_toml = os.str() + "\n";
    s->hash = core::sha256_hex(s->resolved_toml);
    return s;
}

}  // namespace

std::vector<std::string> builtin_names() {
    std::vector<std::string> v;
    for (const auto& f : embedded_files()) v.emplace_back(f.path);
    return v;
}

namespace {

bool sweepable(const param_spec& spec) {
    // Calendar and run settings would make the experiments incomparable or are the sweep's own.
    return !spec.key.starts_with("calendar.") && !spec.key.starts_with("run.");
}

std::vector<std::string> sweepable_keys() {
    std::vector<std::string> v;
    for (const auto& s : parameter_specs()) {
        if (sweepable(s)) v.emplace_back(s.key);
    }
    return v;
}

const param_spec& sweep_param(const toml::node& key_node, const std::string& path, const std::string& file) {
    const where w = locate(key_node.source(), file);
    if (!key_node.is_string())
        fail(w, path,
             "'" + path + "' = " + show(key_node) + ": expected a parameter name like \"enterprise.need_rate\"");
    const std::string key = key_node.as_string()->get();
    const param_spec* spec = find_param(key);
    if (!spec || !sweepable(*spec)) {
        const auto keys = sweepable_keys();
        std::string hint = core::closest_match(key, keys);
        fail(w, path,
             "'" + path + "' = \"" + key +
                 "\": " + (spec ? std::string("calendar and run settings cannot be swept") : "no such parameter") +
                 (hint.empty() ? "; see kcsim params" : "; did you mean '" + hint + "'?"));
    }
    return *spec;
}

sweep build_sweep(const toml::table& t, const source_text& src) {
    const std::string& file = src.name;
    const where top{file, 0, 0};
    static const std::vector<std::string> top_keys = {"name",     "description", "scenario", "design",
                                                      "samples",  "replicates",  "seed",     "levels",
                                                      "outcomes", "uncertain",   "lever"};
    for (auto&& [k, v] : t) {
        const std::string key(k.str());
        if (std::find(top_keys.begin(), top_keys.end(), key) == top_keys.end())
            unknown_key(locate(k.source(), file), key, key, top_keys, "a sweep file");
    }
    sweep sw;
    sw.source = file;
    sw.text = src.text;
    auto text_of = [&](const char* key, bool required) -> std::string {
        const toml::node* n = t.get(key);
        if (!n) {
            if (required) fail(top, key, "the sweep file needs '" + std::string(key) + "'");
            return {};
        }
        if (!n->is_string())
            fail(locate(n->source(), file), key,
                 "'" + std::string(key) + "' = " + show(*n) + ": expected a string, got " + type_name(*n));
        return n->as_string()->get();
    };
    auto int_of = [&](const char* key, std::int64_t def, std::int64_t lo, std::int64_t hi) -> std::uint64_t {
        const toml::node* n = t.get(key);
        if (!n) return static_cast<std::uint64_t>(def);
        if (!n->is_integer())
            fail(locate(n->source(), file), key,
                 "'" + std::string(key) + "' = " + show(*n) + ": expected a whole number, got " + type_name(*n));
        const auto v = n->as_integer()->get();
        if (v < lo || v > hi) {
            fail(locate(n->source(), file), key,
                 "'" + std::string(key) + "' = " + show(*n) + " is out of range: expected " + std::to_string(lo) +
                     " to " + std::to_string(hi));
        }
        return static_cast<std::uint64_t>(v);
    };
    sw.name = text_of("name", false);
    if (sw.name.empty()) sw.name = default_name(file);
    const std::string base = text_of("scenario", true);
    {
        const toml::node* n = t.get("scenario");
        std::vector<std::string> chain;
        toml::table bt =
            load_chain(resolve_relative(src.dir, base), locate(n->source(), file), "scenario", chain, nullptr);
        sw.base = build(std::move(bt), base, "");
    }
    sw.design = text_of("design", true);
    const std::vector<std::string> designs = {"full_factorial", "latin_hypercube", "sobol_sequence", "saltelli",
                                              "morris"};
    if (std::find(designs.begin(), designs.end(), sw.design) == designs.end()) {
        std::string hint = core::closest_match(sw.design, designs);
        fail(locate(t.get("design")->source(), file), "design",
             "'design' = \"" + sw.design + "\": expected " + core::join_or(designs) +
                 (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
    }
    sw.samples = int_of("samples", 16, 1, 1000000);
    sw.replicates = int_of("replicates", 1, 1, 100000);
    sw.seed = int_of("seed", static_cast<std::int64_t>(sw.base->p.seed), 0, (std::int64_t{1} << 53) - 1);
    sw.levels = int_of("levels", 4, 2, 1000);
    if (sw.design == "morris" && sw.levels % 2 != 0) {
        fail(locate(t.get("levels")->source(), file), "levels",
             "'levels' = " + std::to_string(sw.levels) +
                 ": the morris design needs an even number of levels (4 is usual)");
    }

    std::vector<std::string> seen;
    auto claim = [&](const std::string& key, const toml::node& at, const std::string& path) {
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
            fail(locate(at.source(), file), path,
                 "parameter '" + key + "' is swept twice (as an uncertain parameter or a lever)");
        }
        seen.push_back(key);
    };
    if (const toml::node* un = t.get("uncertain")) {
        if (!un->is_array_of_tables())
            fail(locate(un->source(), file), "uncertain",
                 "'uncertain' must be written [[uncertain]] tables, got " + type_name(*un));
        std::size_t i = 0;
        for (const auto& rec : *un->as_array()) {
            const auto& u = *rec.as_table();
            const std::string label = "uncertain[" + std::to_string(i++) + "]";
            for (auto&& [k, v] : u) {
                const std::string key(k.str());
                static const std::vector<std::string> allowed = {"key", "min", "max"};
                if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
                    unknown_key(locate(k.source(), file), label + "." + key, key, allowed, "[[uncertain]]");
            }
            if (!u.contains("key") || !u.contains("min") || !u.contains("max")) {
                fail(locate(u.source(), file), label, "'" + label + "' needs key, min and max");
            }
            const param_spec& spec = sweep_param(*u.get("key"), label + ".key", file);
            const bool numeric = std::holds_alternative<double params::*>(spec.field) ||
                                 std::holds_alternative<std::int64_t params::*>(spec.field);
            if (!numeric) {
                fail(locate(u.get("key")->source(), file), label + ".key",
                     "'" + std::string(spec.key) + "' is not a number: sweep it as a [[lever]] with a list of values");
            }
            uncertain_parameter up;
            up.key = std::string(spec.key);
            up.integer = std::holds_alternative<std::int64_t params::*>(spec.field);
            claim(up.key, *u.get("key"), label + ".key");
            for (const char* bound : {"min", "max"}) {
                const toml::node& b = *u.get(bound);
                check_param(b, spec, file);  // a number in the parameter's own range
                (std::string(bound) == "min" ? up.min : up.max) = number(b);
            }
            if (!(up.min < up.max)) {
                fail(locate(u.get("max")->source(), file), label + ".max",
                     "'" + label + ".max' = " + fmt_num(up.max) + " must be greater than min = " + fmt_num(up.min));
            }
            sw.uncertain.push_back(up);
        }
    }
    if (const toml::node* lv = t.get("lever")) {
        if (!lv->is_array_of_tables())
            fail(locate(lv->source(), file), "lever",
                 "'lever' must be written [[lever]] tables, got " + type_name(*lv));
        std::size_t i = 0;
        for (const auto& rec : *lv->as_array()) {
            const auto& l = *rec.as_table();
            const std::string label = "lever[" + std::to_string(i++) + "]";
            for (auto&& [k, v] : l) {
                const std::string key(k.str());
                static const std::vector<std::string> allowed = {"key", "values"};
                if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
                    unknown_key(locate(k.source(), file), label + "." + key, key, allowed, "[[lever]]");
            }
            if (!l.contains("key") || !l.contains("values"))
                fail(locate(l.source(), file), label, "'" + label + "' needs key and values");
            const param_spec& spec = sweep_param(*l.get("key"), label + ".key", file);
            claim(std::string(spec.key), *l.get("key"), label + ".key");
            const toml::node& vals = *l.get("values");
            if (!vals.is_array() || vals.as_array()->empty()) {
                fail(locate(vals.source(), file), label + ".values",
                     "'" + label + ".values' = " + show(vals) + ": expected a non-empty list of values");
            }
            lever lvr;
            lvr.key = std::string(spec.key);
            for (const auto& v : *vals.as_array()) {
                check_param(v, spec, file);
                lvr.values.push_back(show(v));
            }
            sw.levers.push_back(lvr);
        }
    }
    if (sw.uncertain.empty() && sw.levers.empty())
        fail(top, "uncertain", "the sweep has neither [[uncertain]] parameters nor [[lever]]s");
    if (sw.uncertain.empty() && sw.design != "full_factorial") {
        fail(locate(t.get("design")->source(), file), "design",
             "design \"" + sw.design +
                 "\" needs at least one [[uncertain]] parameter; with levers only use \"full_factorial\"");
    }
    if (const toml::node* oc = t.get("outcomes")) {
        if (!oc->is_array() || oc->as_array()->empty())
            fail(locate(oc->source(), file), "outcomes",
                 "'outcomes' = " + show(*oc) + ": expected a non-empty list of metric names");
        for (const auto& v : *oc->as_array()) {
            if (!v.is_string())
                fail(locate(v.source(), file), "outcomes", "'outcomes' has " + show(v) + ": expected metric names");
            sw.outcomes.push_back(v.as_string()->get());
        }
    }
    return sw;
}

}  // namespace

sweep load_sweep_text(std::string_view text, const std::string& origin, const std::string& base_dir) {
    source_text src{origin, std::string(text), base_dir};
    const toml::table t = parse(src);
    return build_sweep(t, src);
}

sweep load_sweep(const std::string& path) {
    source_text src = read_source(path, where{path, 0, 0}, "");
    const toml::table t = parse(src);
    return build_sweep(t, src);
}

scenario_ptr load(const std::string& path) {
    std::vector<std::string> chain;
    std::string origin;
    const std::string root = path.starts_with(builtin_prefix) ? path : fs::path(path).lexically_normal().string();
    toml::table t = load_chain(root, where{path, 0, 0}, "", chain, &origin);
    return build(std::move(t), origin, "");
}

scenario_ptr load_text(std::string_view text, const std::string& origin, const std::string& base_dir) {
    source_text src{origin, std::string(text), base_dir};
    toml::table t = parse(src);
    check_file(t, origin);
    if (!t.contains("name")) t.insert("name", default_name(origin));
    toml::table merged;
    if (auto ext = t["extends"].value<std::string>()) {
        std::vector<std::string> chain{origin};
        merged = load_chain(resolve_relative(base_dir, *ext), locate(t["extends"].node()->source(), origin), "extends",
                            chain, nullptr);
    }
    t.erase("extends");
    merge_into(merged, std::move(t));
    return build(std::move(merged), origin, "");
}

scenario_ptr derive(const scenario& base, std::string_view overrides, const std::string& name) {
    toml::table merged = parse(source_text{base.source, base.resolved_toml, "."});
    source_text over{"<overrides>", std::string(overrides), "."};
    toml::table t = parse(over);
    if (t.contains("extends")) fail(where{over.name, 0, 0}, "extends", "overrides cannot use 'extends'");
    check_file(t, over.name);
    merge_into(merged, std::move(t));
    return build(std::move(merged), base.source, name);
}

std::size_t scenario::sector_index(std::string_view id) const {
    for (std::size_t i = 0; i < sectors.size(); ++i) {
        if (sectors[i].id == id) return i;
    }
    return static_cast<std::size_t>(-1);
}

std::size_t scenario::district_index(std::string_view id) const {
    for (std::size_t i = 0; i < districts.size(); ++i) {
        if (districts[i].id == id) return i;
    }
    return static_cast<std::size_t>(-1);
}

std::string_view to_string(pilot_level v) {
    switch (v) {
    case pilot_level::none: return "none";
    case pilot_level::municipal: return "municipal";
    case pilot_level::national: return "national";
    }
    return "?";
}
std::string_view to_string(subregion v) {
    switch (v) {
    case subregion::metro: return "metro";
    case subregion::northeast: return "northeast";
    case subregion::southeast: return "southeast";
    }
    return "?";
}
std::string_view to_string(district_kind v) {
    switch (v) {
    case district_kind::district: return "district";
    case district_kind::county: return "county";
    case district_kind::autonomous_county: return "autonomous_county";
    case district_kind::functional_zone: return "functional_zone";
    }
    return "?";
}

}  // namespace kcsim::scenario
