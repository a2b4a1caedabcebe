// Loading a decision file (decision.hpp): its own sections and keys, the base and reference
// scenarios through the scenario loader, the candidates against the base's districts.
#include "scenario/decision.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/text.hpp"
#include "scenario/build.hpp"
#include "scenario/extends.hpp"
#include "scenario/toml_read.hpp"
#include "scenario/validate.hpp"

namespace kcsim::scenario {

using namespace detail;

namespace {

// A section's keys checked against `keys`, with the closest one suggested.
void check_keys(const toml::table& t, const std::vector<std::string>& keys, const std::string& prefix,
                const std::string& file, const std::string& context) {
    for (auto&& [k, v] : t) {
        const std::string key(k.str());
        if (std::find(keys.begin(), keys.end(), key) == keys.end())
            unknown_key(locate(k.source(), file), prefix + key, key, keys, context);
    }
}

struct reader {
    const toml::table& t;
    std::string prefix, file;
    where at(const toml::node& n) const { return locate(n.source(), file); }
    std::string path(const char* key) const { return prefix + key; }
    [[noreturn]] void bad(const toml::node& n, const char* key, const std::string& expected) const {
        fail(at(n), path(key), "'" + path(key) + "' = " + show(n) + ": expected " + expected);
    }
    const toml::node* get(const char* key) const { return t.get(key); }
    std::string text(const char* key, const std::string& def) const {
        const toml::node* n = get(key);
        if (!n) return def;
        if (!n->is_string()) bad(*n, key, "a string, got " + type_name(*n));
        return n->as_string()->get();
    }
    std::int64_t integer(const char* key, std::int64_t def, std::int64_t lo, std::int64_t hi) const {
        const toml::node* n = get(key);
        if (!n) return def;
        if (!n->is_integer()) bad(*n, key, "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
        const auto v = n->as_integer()->get();
        if (v < lo || v > hi) bad(*n, key, "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
        return v;
    }
    double real(const char* key, double def, double lo, double hi, bool open_lo = false) const {
        const toml::node* n = get(key);
        if (!n) return def;
        if (!n->is_number()) bad(*n, key, "a number, got " + type_name(*n));
        const double v = number(*n);
        if (!std::isfinite(v) || v < lo || v > hi || (open_lo && v <= lo)) {
            bad(*n, key,
                std::string("a number ") + (open_lo ? "above " : "from ") + fmt_num(lo) +
                    (open_lo ? " up to " : " to ") + fmt_num(hi));
        }
        return v;
    }
    bool boolean(const char* key, bool def) const {
        const toml::node* n = get(key);
        if (!n) return def;
        if (!n->is_boolean()) bad(*n, key, "true or false, got " + type_name(*n));
        return n->as_boolean()->get();
    }
    std::string choice(const char* key, const std::string& def, const std::vector<std::string>& options) const {
        const std::string v = text(key, def);
        if (std::find(options.begin(), options.end(), v) == options.end()) {
            const std::string hint = core::closest_match(v, options);
            bad(*get(key), key, core::join_or(options) + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        }
        return v;
    }
    // One date or a list of dates, in order, each inside the base's period after its first week.
    std::vector<core::date> dates(const char* key, const calendar& cal) const {
        const toml::node* n = get(key);
        std::vector<const toml::node*> items;
        if (n->is_array()) {
            for (const auto& e : *n->as_array()) items.push_back(&e);
        } else {
            items.push_back(n);
        }
        if (items.empty()) bad(*n, key, "a date or a non-empty list of dates");
        std::vector<core::date> out;
        const core::date first = cal.step_start(1), last = cal.step_last_day(cal.steps() - 1);
        for (const auto* e : items) {
            if (!e->is_date()) bad(*e, key, "a date like 2022-01-03 (no quotes), got " + type_name(*e));
            const core::date d = to_date(*e);
            if (d < first || d > last) {
                fail(at(*e), path(key),
                     "'" + path(key) + "' has " + show(*e) +
                         ", outside the base scenario's period: expected a date from " + core::to_iso(first) + " to " +
                         core::to_iso(last));
            }
            if (!out.empty() && d < out.back())
                fail(at(*e), path(key),
                     "'" + path(key) + "' has " + show(*e) + " after a later date: list them in order");
            out.push_back(d);
        }
        return out;
    }
};

const toml::table& section(const toml::table& t, const char* name, const std::string& file, bool required) {
    static const toml::table empty;
    const toml::node* n = t.get(name);
    if (!n) {
        if (required) fail(where{file, 0, 0}, name, "the decision file needs a [" + std::string(name) + "] section");
        return empty;
    }
    if (!n->is_table())
        fail(locate(n->source(), file), name, "'" + std::string(name) + "' must be a [" + name + "] section");
    return *n->as_table();
}

scenario_ptr load_named(const toml::table& t, const char* key, const source_text& src) {
    const toml::node* n = t.get(key);
    if (!n) return nullptr;
    if (!n->is_string())
        fail(locate(n->source(), src.name), key,
             "'" + std::string(key) + "' = " + show(*n) + ": expected the path of a scenario file");
    std::vector<std::string> chain;
    const std::string path = n->as_string()->get();
    toml::table bt = load_chain(resolve_relative(src.dir, path), locate(n->source(), src.name), key, chain, nullptr);
    return build(std::move(bt), path, "");
}

// Districts that are pilots at the start, or become pilots by the base's events.
std::vector<bool> pilots_of(const scenario& sc) {
    std::vector<bool> is(sc.districts.size(), false);
    for (std::size_t i = 0; i < sc.districts.size(); ++i) is[i] = sc.districts[i].pilot != pilot_level::none;
    for (const auto& e : sc.events)
        if (e.type == event::kind::pilot) is[e.district] = true;
    return is;
}

decision build_decision(const toml::table& t, const source_text& src) {
    const std::string& file = src.name;
    check_keys(t,
               {"name", "description", "scenario", "reference", "parameters", "pilots", "teams", "budget", "objective",
                "search"},
               "", file, "a decision file");
    decision d;
    d.source = file;
    d.text = src.text;
    const reader top{t, "", file};
    d.name = top.text("name", default_name(file));
    d.description = top.text("description", "");
    if (!t.get("scenario"))
        fail(where{file, 0, 0}, "scenario", "the decision file needs 'scenario': the base scenario's file");
    d.base = load_named(t, "scenario", src);
    d.reference = load_named(t, "reference", src);
    if (const auto* n = t.get("parameters")) {
        if (!n->is_string()) top.bad(*n, "parameters", "the path of a posterior file (kcsim calibrate)");
        d.parameters = resolve_relative(src.dir, n->as_string()->get());
    }
    const scenario& base = *d.base;
    if (d.reference) {
        const auto& ref = *d.reference;
        bool same = ref.cal.start == base.cal.start && ref.cal.end == base.cal.end &&
                    ref.cal.step_days == base.cal.step_days && ref.districts.size() == base.districts.size();
        for (std::size_t i = 0; same && i < base.districts.size(); ++i)
            same = ref.districts[i].id == base.districts[i].id;
        if (!same)
            fail(locate(t.get("reference")->source(), file), "reference",
                 "the reference scenario must have the base scenario's calendar and districts, to be run on the same "
                 "replicates");
    }

    // [pilots]
    const auto& pt = section(t, "pilots", file, true);
    check_keys(pt, {"candidates", "count", "dates", "level"}, "pilots.", file, "[pilots]");
    const reader pr{pt, "pilots.", file};
    const auto is_pilot = pilots_of(base);
    std::vector<std::uint16_t> cands;
    const toml::node* cn = pt.get("candidates");
    if (!cn) fail(locate(pt.source(), file), "pilots.candidates", "[pilots] needs 'candidates'");
    if (cn->is_string()) {
        const std::string what = cn->as_string()->get();
        const std::vector<std::string> kinds = {"all non-pilots", "metro", "northeast", "southeast"};
        if (std::find(kinds.begin(), kinds.end(), what) == kinds.end())
            pr.bad(*cn, "candidates",
                   "a list of districts, \"all non-pilots\" or a sub-region (\"metro\", \"northeast\", \"southeast\")");
        for (std::size_t i = 0; i < base.districts.size(); ++i) {
            if (is_pilot[i]) continue;
            if (what == "all non-pilots" || to_string(base.districts[i].region) == what)
                cands.push_back(static_cast<std::uint16_t>(i));
        }
    } else if (cn->is_array()) {
        for (const auto& e : *cn->as_array()) {
            if (!e.is_string()) pr.bad(e, "candidates", "district ids or Chinese names, got " + type_name(e));
            const std::string id = e.as_string()->get();
            const std::size_t i = base.district_index(id);
            if (i == static_cast<std::size_t>(-1)) {
                const std::string hint = core::closest_match(id, base.district_names());
                fail(locate(e.source(), file), "pilots.candidates",
                     "'pilots.candidates' names '" + id + "', which is no district of the base scenario" +
                         (hint.empty() ? "" : "; did you mean '" + hint + "'?") + " (kcsim districts lists them)");
            }
            if (is_pilot[i])
                fail(locate(e.source(), file), "pilots.candidates",
                     "'pilots.candidates' names '" + id +
                         "', which is already a pilot in the base scenario (at its start or by its events)");
            if (std::find(cands.begin(), cands.end(), i) != cands.end())
                fail(locate(e.source(), file), "pilots.candidates", "'pilots.candidates' names '" + id + "' twice");
            cands.push_back(static_cast<std::uint16_t>(i));
        }
    } else {
        pr.bad(*cn, "candidates", "a list of districts, \"all non-pilots\" or a sub-region");
    }
    if (cands.empty())
        fail(locate(cn->source(), file), "pilots.candidates",
             "'pilots.candidates' = " + show(*cn) + " leaves no candidate district: expected at least one non-pilot");
    // Readiness order: the most ready district of a portfolio joins first (docs/select.md).
    std::stable_sort(cands.begin(), cands.end(),
                     [&](auto a, auto b) { return base.districts[a].readiness > base.districts[b].readiness; });
    d.candidates = cands;
    const toml::node* count = pt.get("count");
    if (!count) fail(locate(pt.source(), file), "pilots.count", "[pilots] needs 'count': a number or [min, max]");
    {
        std::vector<const toml::node*> c;
        if (count->is_array()) {
            for (const auto& e : *count->as_array()) c.push_back(&e);
        } else {
            c.push_back(count);
        }
        const bool ok = (c.size() == 1 || c.size() == 2) &&
                        std::all_of(c.begin(), c.end(), [](const toml::node* e) { return e->is_integer(); });
        if (!ok) pr.bad(*count, "count", "a whole number or [min, max]");
        const auto lo = c.front()->as_integer()->get(), hi = c.back()->as_integer()->get();
        if (lo < 1 || hi < lo || static_cast<std::size_t>(hi) > cands.size())
            pr.bad(*count, "count",
                   "at least 1, min <= max, and at most the " + std::to_string(cands.size()) + " candidate districts");
        d.count_min = static_cast<std::size_t>(lo);
        d.count_max = static_cast<std::size_t>(hi);
    }
    if (!pt.get("dates"))
        fail(locate(pt.source(), file), "pilots.dates",
             "[pilots] needs 'dates': one date, or a date for each new pilot in turn");
    d.dates = pr.dates("dates", base.cal);
    if (d.dates.size() == 1) d.dates.assign(d.count_max, d.dates.front());
    if (d.dates.size() < d.count_max)
        fail(pr.at(*pt.get("dates")), "pilots.dates",
             "'pilots.dates' has " + std::to_string(d.dates.size()) + " dates for up to " +
                 std::to_string(d.count_max) + " new pilots: give one date, or one for each");
    d.level = to_pilot(pr.choice("level", "municipal", {"municipal", "national"}));

    // [teams]
    const auto& tt = section(t, "teams", file, false);
    check_keys(tt, {"count", "experts", "dates", "placement"}, "teams.", file, "[teams]");
    const reader tr{tt, "teams.", file};
    d.teams = static_cast<std::size_t>(tr.integer("count", 0, 0, 100));
    d.team_experts = static_cast<int>(tr.integer("experts", 15, 1, 10000));
    d.teams_with_pilots = tr.choice("placement", "by demand", {"by demand", "with pilots"}) == "with pilots";
    d.team_dates = tt.get("dates") ? tr.dates("dates", base.cal) : d.dates;
    if (d.team_dates.size() == 1) d.team_dates.assign(std::max<std::size_t>(d.teams, 1), d.team_dates.front());
    if (d.team_dates.size() < d.teams)
        fail(tt.get("dates") ? tr.at(*tt.get("dates")) : tr.at(*tt.get("count")), "teams.dates",
             "there are " + std::to_string(d.team_dates.size()) + " team dates for " + std::to_string(d.teams) +
                 " teams: give [teams].dates, one date or one for each team");
    d.team_dates.resize(d.teams);

    // [budget]
    const auto& bt = section(t, "budget", file, false);
    check_keys(bt, {"limit", "pilot_cost"}, "budget.", file, "[budget]");
    const reader br{bt, "budget.", file};
    d.pilot_cost = br.real("pilot_cost", 1.0, 0, 1e6);
    d.team_cost = d.team_experts * base.p.cost_per_expert_year;
    d.budget_limit = br.real("limit", 0, 0, 1e9);
    if (d.budget_limit > 0 && portfolio_cost(d, d.count_min) > d.budget_limit) {
        fail(br.at(*bt.get("limit")), "budget.limit",
             "'budget.limit' = " + fmt_num(d.budget_limit) +
                 " million yuan is less than the cheapest portfolio costs (" +
                 core::rounded_number(portfolio_cost(d, d.count_min)) + " million yuan for " +
                 std::to_string(d.count_min) + " new pilot" + (d.count_min == 1 ? "" : "s") + " and " +
                 std::to_string(d.teams) + (d.teams == 1 ? " team" : " teams") +
                 "): raise it, or lower [pilots].count or the costs");
    }

    // [objective]
    const auto& ot = section(t, "objective", file, false);
    check_keys(ot, {"metrics", "per_million_yuan", "equity", "risk", "quantile"}, "objective.", file, "[objective]");
    const reader orr{ot, "objective.", file};
    if (const toml::node* m = ot.get("metrics")) {
        if (m->is_string()) {
            const where w = orr.at(*m);
            d.terms.push_back({m->as_string()->get(), 1.0, w.line, w.column});
        } else if (m->is_table()) {
            for (auto&& [k, v] : *m->as_table()) {
                const where w = locate(k.source(), file);
                if (!v.is_number() || !std::isfinite(number(v)) || number(v) == 0)
                    fail(locate(v.source(), file), "objective.metrics." + std::string(k.str()),
                         "'objective.metrics." + std::string(k.str()) + "' = " + show(v) +
                             ": expected a non-zero weight");
                d.terms.push_back({std::string(k.str()), number(v), w.line, w.column});
            }
        } else {
            orr.bad(*m, "metrics", "a metric name or a table of weights like { needs_solved = 1.0 }");
        }
        if (d.terms.empty()) orr.bad(*m, "metrics", "at least one metric");
    } else {
        d.terms.push_back({"needs_solved", 1.0, 0, 0});  // the plan's headline: additional needs solved
    }
    d.per_million_yuan = orr.boolean("per_million_yuan", false);
    if (d.per_million_yuan && d.pilot_cost <= 0)
        fail(orr.at(*ot.get("per_million_yuan")), "objective.per_million_yuan",
             "'objective.per_million_yuan' needs a cost: [budget].pilot_cost is 0");
    d.equity = orr.real("equity", 0, 0, 100);
    d.quantile_risk = orr.choice("risk", "mean", {"mean", "quantile"}) == "quantile";
    d.quantile = orr.real("quantile", 0.1, 0, 0.5, true);

    // [search]
    const auto& st = section(t, "search", file, false);
    check_keys(
        st,
        {"seed", "top", "replicates", "screening_replicates", "first_replicates", "exhaustive_limit", "pool", "method"},
        "search.", file, "[search]");
    const reader sr{st, "search.", file};
    d.seed = static_cast<std::uint64_t>(sr.integer("seed", base.p.seed, 0, (std::int64_t{1} << 53) - 1));
    d.top = static_cast<std::size_t>(sr.integer("top", 10, 1, 1000));
    d.replicates = static_cast<std::size_t>(sr.integer("replicates", 40, 2, 100000));
    d.screening_replicates = static_cast<std::size_t>(sr.integer("screening_replicates", 8, 2, 100000));
    d.first_replicates = static_cast<std::size_t>(sr.integer("first_replicates", 4, 2, 100000));
    if (d.first_replicates > d.replicates)
        fail(sr.at(*st.get("first_replicates")), "search.first_replicates",
             "'search.first_replicates' = " + std::to_string(d.first_replicates) +
                 " is more than search.replicates = " + std::to_string(d.replicates));
    d.exhaustive_limit = static_cast<std::size_t>(sr.integer("exhaustive_limit", 200, 1, 1000000));
    d.pool = static_cast<std::size_t>(
        sr.integer("pool", 10, static_cast<std::int64_t>(d.count_max), static_cast<std::int64_t>(cands.size()) + 1000));
    d.method = sr.choice("method", "auto", {"auto", "exhaustive", "screening"});
    return d;
}

}  // namespace

void override_search(decision& d, std::optional<std::uint64_t> replicates, std::optional<std::uint64_t> seed) {
    if (replicates) {
        if (*replicates < 2)
            throw input_error("replicates = " + std::to_string(*replicates) +
                              ": expected at least 2 (a paired interval and P(best) need two)");
        d.replicates = *replicates;
    }
    if (seed) d.seed = *seed;
    d.first_replicates = std::min(d.first_replicates, d.replicates);
}

std::size_t choose(std::size_t n, std::size_t k) {
    if (k > n) return 0;
    k = std::min(k, n - k);
    std::size_t c = 1;
    for (std::size_t i = 1; i <= k; ++i) {
        const std::size_t num = n - k + i;
        if (c > std::numeric_limits<std::size_t>::max() / num) return std::numeric_limits<std::size_t>::max();
        c = c * num / i;  // exact: c * num is divisible by i after i steps
    }
    return c;
}

double portfolio_cost(const decision& d, std::size_t k) {
    const core::date end = d.base->cal.step_last_day(d.base->cal.steps() - 1);
    auto years = [&](core::date from) { return static_cast<double>(end - from + 1) / 365.25; };
    double cost = 0;
    for (std::size_t i = 0; i < k && i < d.dates.size(); ++i) cost += d.pilot_cost * years(d.dates[i]);
    for (const auto day : d.team_dates) cost += d.team_cost * years(day);
    return cost;
}

std::string portfolio_events(const decision& d, const std::vector<std::uint16_t>& positions) {
    std::vector<std::uint16_t> pos(positions);
    std::sort(pos.begin(), pos.end());  // readiness order: the candidates are held in it
    // One file's events must be in date order: pilots and teams, each with its date.
    std::vector<std::pair<core::date, std::string>> events;
    for (std::size_t k = 0; k < pos.size(); ++k) {
        events.emplace_back(d.dates.at(k), "[[events]]\ndate = " + core::to_iso(d.dates.at(k)) +
                                               "\ntype = \"pilot\"\ndistrict = \"" +
                                               d.base->districts[d.candidates.at(pos[k])].id + "\"\nlevel = \"" +
                                               std::string(to_string(d.level)) + "\"\n");
    }
    for (std::size_t k = 0; k < d.teams; ++k) {
        std::string e = "[[events]]\ndate = " + core::to_iso(d.team_dates[k]) +
                        "\ntype = \"team\"\nexperts = " + std::to_string(d.team_experts) + "\n";
        if (d.teams_with_pilots && k < pos.size())
            e += "districts = [\"" + d.base->districts[d.candidates[pos[k]]].id + "\"]\n";
        events.emplace_back(d.team_dates[k], e);
    }
    std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string text;
    for (const auto& e : events) text += e.second;
    return text;
}

decision load_decision(const std::string& path) {
    const source_text src = read_source(path, where{path, 0, 0}, "");
    return build_decision(parse(src), src);
}

decision load_decision_text(std::string_view text, const std::string& origin, const std::string& base_dir) {
    const source_text src{origin, std::string(text), base_dir};
    return build_decision(parse(src), src);
}

}  // namespace kcsim::scenario
