// [[events]]: schema, checks within a file, and building them from the merged scenario.
#include "scenario/events.hpp"

#include <algorithm>
#include <numeric>
#include <optional>
#include <sstream>

#include "core/text.hpp"
#include "scenario/build.hpp"

namespace kcsim::scenario::detail {

const std::vector<field_spec>& event_fields() {
    static const std::vector<field_spec> f = {
        {"date", ftype::date, true},
        {"type", ftype::choice, true, 0, 0, {"pilot", "team", "offshore_base"}},
        {"district", ftype::text, false},  // an id or a Chinese name
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

namespace {
// Fields an event type may leave out: a team without `districts` is placed where demand is, and
// without `sector` its experts' fields follow the demand it is placed at (model/teams.cpp).
bool optional_field(std::string_view type, std::string_view field) {
    return type == "team" && (field == "sector" || field == "districts");
}
}  // namespace

void check_events(const toml::node& v, const std::string& file) {
    check_records(v, "events", event_fields(), file, true);
    // Each type takes its own fields.
    for (const auto& rec : *v.as_array()) {
        const auto& ev = *rec.as_table();
        const std::string type = ev["type"].value<std::string>().value();
        const auto& need = event_type_fields().at(type);
        for (const auto& f : need) {
            if (!ev.contains(f) && !optional_field(type, f)) {
                fail(locate(ev.source(), file), "events." + f,
                     "a '" + type + "' event needs '" + f + "' (it takes " + core::join_or(need) + ")");
            }
        }
        for (auto&& [k2, fv] : ev) {
            const std::string key_name(k2.str());
            if (key_name == "date" || key_name == "type" || key_name == "note") continue;
            if (std::find(need.begin(), need.end(), key_name) == need.end()) {
                fail(locate(k2.source(), file), "events." + key_name,
                     "'" + key_name + "' does not apply to a '" + type + "' event (it takes " + core::join_or(need) +
                         ")");
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
}

void build_events(toml::table& merged, scenario& s, const std::vector<std::string>& district_ids, core::date last_day,
                  const std::string& origin) {
    const auto& p = s.p;
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
                         calendar_set_in(merged, "start", origin) + "; calendar.end" +
                         calendar_set_in(merged, "end", origin) + ")");
            }
            // Resolves an id against the districts, with a suggestion; `node` locates the error.
            auto district_of = [&](const toml::node& node, const std::string& id) {
                const std::size_t di = s.district_index(id);
                if (di == static_cast<std::size_t>(-1)) {
                    std::string hint = core::closest_match(id, district_ids);
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
                e.experts = static_cast<int>(t["experts"].value<std::int64_t>().value());
                if (t.contains("districts") && t.get("districts")->as_array()->empty()) {
                    fail(locate(t.get("districts")->source(), origin), "events.districts",
                         "a team's 'districts' is empty: name at least one, or leave the key out to have the team "
                         "placed where the problem library's open needs are");
                }
                // Without `sector` the experts' fields follow demand; without `districts` the
                // planner places the team (both at the step it is formed, model/teams.cpp).
                e.sector = event::any_sector;
                if (t.contains("sector")) {
                    const std::string sid = t["sector"].value<std::string>().value();
                    const std::size_t si = s.sector_index(sid);
                    if (si == static_cast<std::size_t>(-1)) {
                        std::vector<std::string> names;
                        for (const auto& sec : s.sectors) names.push_back(sec.id);
                        std::string hint = core::closest_match(sid, names);
                        fail(locate(t.get("sector")->source(), origin), "events.sector",
                             "event sector '" + sid + "' does not exist; " +
                                 (hint.empty() ? "sectors are " + core::join_or(names)
                                               : "did you mean '" + hint + "'?"));
                    }
                    e.sector = static_cast<std::uint8_t>(si);
                }
                if (const toml::array* ds = t.contains("districts") ? t.get("districts")->as_array() : nullptr) {
                    for (const auto& dn : *ds) {
                        const std::uint16_t di = district_of(dn, dn.as_string()->get());
                        if (std::find(e.districts.begin(), e.districts.end(), di) != e.districts.end()) {
                            fail(locate(dn.source(), origin), "events.districts",
                                 "district '" + dn.as_string()->get() + "' is listed twice in this team's districts");
                        }
                        e.districts.push_back(di);
                    }
                }
            }
            s.events.push_back(e);
        }
    }
}

}  // namespace kcsim::scenario::detail
