// Loading a targets file (observations.hpp): the keys of each [[target]] checked here, the
// metric names against the model's table later (analysis::check_observations).
#include "scenario/observations.hpp"

#include <algorithm>
#include <cmath>

#include "scenario/toml_read.hpp"
#include "scenario/validate.hpp"

namespace kcsim::scenario {

using namespace detail;

namespace {

observation_set build_observations(const toml::table& t, const source_text& src) {
    const std::string& file = src.name;
    static const std::vector<std::string> top_keys = {"name", "description", "target"};
    for (auto&& [k, v] : t) {
        const std::string key(k.str());
        if (std::find(top_keys.begin(), top_keys.end(), key) == top_keys.end())
            unknown_key(locate(k.source(), file), key, key, top_keys, "a targets file");
    }
    observation_set set;
    set.source = file;
    set.text = src.text;
    auto string_at = [&](const toml::table& r, const char* key, const std::string& path) -> std::string {
        const toml::node* n = r.get(key);
        if (!n->is_string())
            fail(locate(n->source(), file), path,
                 "'" + path + "' = " + show(*n) + ": expected a string, got " + type_name(*n));
        return n->as_string()->get();
    };
    for (const char* key : {"name", "description"}) {
        if (t.contains(key)) (std::string(key) == "name" ? set.name : set.description) = string_at(t, key, key);
    }
    if (set.name.empty()) set.name = default_name(file);
    const toml::node* list = t.get("target");
    if (list == nullptr) fail(where{file, 0, 0}, "target", "the targets file has no [[target]] tables");
    if (!list->is_array_of_tables())
        fail(locate(list->source(), file), "target",
             "'target' must be written [[target]] tables, got " + type_name(*list));
    static const std::vector<std::string> fields = {"name",  "metric", "date",        "from",   "to",
                                                    "value", "sd",     "discrepancy", "source", "use"};
    std::size_t i = 0;
    for (const auto& rec : *list->as_array()) {
        const auto& r = *rec.as_table();
        const std::string label = "target[" + std::to_string(i++) + "]";
        for (auto&& [k, v] : r) {
            const std::string key(k.str());
            if (std::find(fields.begin(), fields.end(), key) == fields.end())
                unknown_key(locate(k.source(), file), label + "." + key, key, fields, "[[target]]");
        }
        for (const char* need : {"name", "metric", "value", "sd", "source", "use"}) {
            if (!r.contains(need))
                fail(locate(r.source(), file), label,
                     "'" + label + "' needs '" + need + "' (name, metric, date or from/to, value, sd, source, use)");
        }
        observation o;
        o.name = string_at(r, "name", label + ".name");
        const where at = locate(r.get("name")->source(), file);
        o.line = at.line;
        o.column = at.column;
        for (const auto& other : set.targets) {
            if (other.name == o.name)
                fail(at, label + ".name",
                     "'" + label + ".name' = \"" + o.name + "\" is used twice (also at line " +
                         std::to_string(other.line) + "); give each target its own name");
        }
        o.metric = string_at(r, "metric", label + ".metric");
        auto date_at = [&](const char* key) {
            const toml::node* n = r.get(key);
            if (!n->is_date())
                fail(locate(n->source(), file), label + "." + key,
                     "'" + label + "." + key + "' = " + show(*n) + ": expected a date like 2021-03-31");
            return to_date(*n);
        };
        const bool has_date = r.contains("date"), has_from = r.contains("from"), has_to = r.contains("to");
        if (has_date == (has_from || has_to) || has_from != has_to) {
            fail(at, label,
                 "'" + label +
                     "' needs either 'date' (a stock or state at that date) or both 'from' and 'to' (a "
                     "flow summed over the period), not both");
        }
        if (has_date) {
            o.to = date_at("date");
        } else {
            o.period = true;
            o.from = date_at("from");
            o.to = date_at("to");
            if (o.to < o.from)
                fail(locate(r.get("to")->source(), file), label + ".to",
                     "'" + label + ".to' = " + core::to_iso(o.to) + " is before from = " + core::to_iso(o.from));
        }
        auto number_at = [&](const char* key, bool positive) {
            const toml::node* n = r.get(key);
            const bool num = n->is_integer() || n->is_floating_point();
            const double v = num ? number(*n) : 0.0;
            if (!num || !std::isfinite(v) || v < 0 || (positive && v == 0))
                fail(locate(n->source(), file), label + "." + key,
                     "'" + label + "." + key + "' = " + show(*n) + ": expected a " +
                         (positive ? "positive" : "non-negative") + " number");
            return v;
        };
        o.value = number_at("value", false);
        o.sd = number_at("sd", true);
        if (r.contains("discrepancy")) o.discrepancy = number_at("discrepancy", false);
        o.source = string_at(r, "source", label + ".source");
        const std::string use = string_at(r, "use", label + ".use");
        if (use != "calibrate" && use != "hold-out")
            fail(locate(r.get("use")->source(), file), label + ".use",
                 "'" + label + ".use' = \"" + use + "\": expected \"calibrate\" or \"hold-out\"");
        o.hold_out = use == "hold-out";
        set.targets.push_back(std::move(o));
    }
    if (set.targets.empty()) fail(locate(list->source(), file), "target", "the targets file has no [[target]] tables");
    return set;
}

}  // namespace

observation_set load_observations_text(std::string_view text, const std::string& origin) {
    source_text src{origin, std::string(text), "."};
    return build_observations(parse(src), src);
}

observation_set load_observations(const std::string& path) {
    source_text src = read_source(path, where{path, 0, 0}, "");
    return build_observations(parse(src), src);
}

}  // namespace kcsim::scenario
