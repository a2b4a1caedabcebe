// Loading a sweep file (sweep.hpp): its own keys, then its base scenario through the same
// loader as `kcsim run`, and each swept parameter checked against the parameter table.
#include "scenario/sweep.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "scenario/build.hpp"
#include "scenario/extends.hpp"
#include "scenario/toml_read.hpp"
#include "scenario/validate.hpp"

namespace kcsim::scenario {

using namespace detail;

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
    // Each [[name]] table, its keys checked against `fields` (all of them required), to `read`
    // with its label ("uncertain[0]").
    auto each_record = [&](const std::string& name, const std::vector<std::string>& fields, const std::string& needs,
                           auto&& read) {
        const toml::node* n = t.get(name);
        if (n == nullptr) return;
        if (!n->is_array_of_tables())
            fail(locate(n->source(), file), name,
                 "'" + name + "' must be written [[" + name + "]] tables, got " + type_name(*n));
        std::size_t i = 0;
        for (const auto& rec : *n->as_array()) {
            const auto& r = *rec.as_table();
            const std::string label = name + "[" + std::to_string(i++) + "]";
            for (auto&& [k, v] : r) {
                const std::string key(k.str());
                if (std::find(fields.begin(), fields.end(), key) == fields.end())
                    unknown_key(locate(k.source(), file), label + "." + key, key, fields, "[[" + name + "]]");
            }
            for (const auto& field : fields) {
                if (!r.contains(field)) fail(locate(r.source(), file), label, "'" + label + "' needs " + needs);
            }
            read(r, label);
        }
    };
    each_record(
        "uncertain", {"key", "min", "max"}, "key, min and max", [&](const toml::table& u, const std::string& label) {
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
            const where at = locate(u.get("key")->source(), file);
            up.line = at.line;
            up.column = at.column;
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
        });
    each_record("lever", {"key", "values"}, "key and values", [&](const toml::table& l, const std::string& label) {
        const param_spec& spec = sweep_param(*l.get("key"), label + ".key", file);
        claim(std::string(spec.key), *l.get("key"), label + ".key");
        const toml::node& vals = *l.get("values");
        if (!vals.is_array() || vals.as_array()->empty()) {
            fail(locate(vals.source(), file), label + ".values",
                 "'" + label + ".values' = " + show(vals) + ": expected a non-empty list of values");
        }
        lever lvr;
        lvr.key = std::string(spec.key);
        const where at = locate(l.get("key")->source(), file);
        lvr.line = at.line;
        lvr.column = at.column;
        for (const auto& v : *vals.as_array()) {
            check_param(v, spec, file);
            lvr.values.push_back(show(v));
        }
        sw.levers.push_back(lvr);
    });
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

}  // namespace kcsim::scenario
