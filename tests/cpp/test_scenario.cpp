#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "core/error.hpp"
#include "core/sha256.hpp"
#include "scenario/embedded.hpp"
#include "scenario/load.hpp"

using namespace kcsim;
using namespace kcsim::scenario;

namespace {
const std::string scenarios_dir = std::string(KCSIM_SOURCE_DIR) + "/scenarios";
}

TEST_CASE("the built-in plan loads with the Chongqing districts", "[unit][scenario]") {
    auto sc = load("builtin:plan.toml");
    CHECK(sc->name == "plan");
    CHECK(sc->source == "builtin:plan.toml");
    CHECK(sc->districts.size() == 41);
    CHECK(sc->cal.steps() == 156);
    CHECK(sc->cal.step_days == 7);
    CHECK(core::to_iso(sc->cal.start) == "2021-01-04");
    std::int64_t firms = 0;
    for (const auto& d : sc->districts) firms += d.tech_firms_2020;
    CHECK(firms == 26400);
    CHECK(sc->districts[sc->district_index("yongchuan")].pilot == pilot_level::national);
    CHECK(sc->events.size() == 36);  // 27 for the programme in 2021, 9 for the plan's expansion
    CHECK(sc->sectors.size() == 7);
    CHECK(sc->hash == core::sha256_hex(sc->resolved_toml));
}

TEST_CASE("the file on disk and the embedded copy resolve identically", "[unit][scenario]") {
    auto disk = load(scenarios_dir + "/plan.toml");
    auto builtin = load("builtin:plan.toml");
    CHECK(disk->resolved_toml == builtin->resolved_toml);
    CHECK(disk->hash == builtin->hash);
}

TEST_CASE("extends merges tables key by key and fills every default", "[unit][scenario]") {
    auto sc =
        load_text("name = \"x\"\nextends = \"plan.toml\"\n[enterprise]\nneed_rate = 2.5\n", "x.toml", scenarios_dir);
    CHECK(sc->p.need_rate == 2.5);
    CHECK(sc->p.self_solve_rate == default_params().self_solve_rate);  // untouched key keeps its value
    CHECK(sc->events.size() == 36);                                    // arrays come from the base
    // The resolved text names every parameter, so it reproduces the run without the base files.
    for (const auto& spec : parameter_specs()) {
        auto dot = spec.key.find('.');
        CHECK(sc->resolved_toml.find("[" + std::string(spec.key.substr(0, dot)) + "]") != std::string::npos);
        CHECK(sc->resolved_toml.find(std::string(spec.key.substr(dot + 1)) + " = ") != std::string::npos);
    }
    auto again = load_text(sc->resolved_toml, "resolved.toml", ".");
    CHECK(again->resolved_toml == sc->resolved_toml);
    CHECK(again->p.need_rate == 2.5);
}

TEST_CASE("derive makes a validated variant without touching the base", "[unit][scenario]") {
    auto base = load("builtin:plan.toml");
    auto v = derive(*base, "[programme]\nenabled = false\n", "off");
    CHECK(v->name == "off");
    CHECK_FALSE(v->p.programme);
    CHECK(base->p.programme);
    CHECK(v->hash != base->hash);
    CHECK_THROWS_AS(derive(*base, "[programme]\nenabeld = false\n", "bad"), scenario_error);
}

TEST_CASE("no-programme switches the programme off and keeps the rest", "[unit][scenario]") {
    auto plan = load("builtin:plan.toml");
    auto off = load("builtin:no-programme.toml");
    CHECK_FALSE(off->p.programme);
    CHECK(off->p.need_rate == plan->p.need_rate);
    CHECK(off->districts.size() == plan->districts.size());
}

TEST_CASE("every parameter has a meaning, unit, source and a default inside its range", "[unit][scenario]") {
    std::set<std::string_view> keys;
    const auto defaults = default_params();
    for (const auto& s : parameter_specs()) {
        INFO(s.key);
        CHECK(keys.insert(s.key).second);
        CHECK(s.key.find('.') != std::string_view::npos);
        CHECK_FALSE(s.meaning.empty());
        CHECK_FALSE(s.unit.empty());
        CHECK_FALSE(s.source.empty());
        CHECK(s.lo <= s.def);
        CHECK(s.def <= s.hi);
    }
    CHECK(defaults.step_days == 7);
}

TEST_CASE("builtin names list the embedded scenarios", "[unit][scenario]") {
    auto names = builtin_names();
    CHECK(std::find(names.begin(), names.end(), "plan.toml") != names.end());
    CHECK(std::find(names.begin(), names.end(), "base/chongqing.toml") != names.end());
}

TEST_CASE("the calendar has whole steps only, ending on or before calendar.end", "[unit][scenario]") {
    auto base = load("builtin:plan.toml");
    auto longer = derive(*base, "[calendar]\nend = 2024-01-05\n", "x");
    CHECK(longer->cal.steps() == 156);
    CHECK(core::to_iso(longer->cal.step_last_day(155)) == "2023-12-31");
    auto monthly = derive(*base, "[calendar]\nstep_days = 30\n", "m");
    CHECK(monthly->cal.steps() == 36);
    CHECK(monthly->cal.step_last_day(35) <= monthly->cal.end);
}

TEST_CASE("a child adds events in date order and overrides districts by id", "[unit][scenario]") {
    const std::string child =
        "extends = \"plan.toml\"\n"
        "[[events]]\ndate = 2022-07-04\ntype = \"pilot\"\ndistrict = \"yubei\"\nlevel = \"municipal\"\n"
        "[[districts]]\nid = \"dazu\"\ngdp_2020 = 999.0\n"
        "[[districts]]\nid = \"newzone\"\nkind = \"functional_zone\"\nsubregion = \"metro\"\n"
        "gdp_2020 = 1.0\ntech_firms_2020 = 20\nhigh_tech_share = 0.1\npilot = \"none\"\n";
    auto sc = load_text(child, "child.toml", scenarios_dir);
    CHECK(sc->name == "child");  // named after its own file, not the base's name
    REQUIRE(sc->events.size() == 37);
    for (std::size_t i = 1; i < sc->events.size(); ++i) CHECK(sc->events[i - 1].date <= sc->events[i].date);
    const bool added = std::any_of(sc->events.begin(), sc->events.end(), [&](const event& e) {
        return e.type == event::kind::pilot && e.district == sc->district_index("yubei") &&
               e.date == core::make_date(2022, 7, 4);
    });
    CHECK(added);
    CHECK(sc->districts.size() == 42);
    const auto& dazu = sc->districts[sc->district_index("dazu")];
    CHECK(dazu.gdp_2020 == 999.0);
    CHECK(dazu.name_zh == "大足区");  // other fields kept from the base entry
    // The resolved text reloads to the same scenario.
    auto again = load_text(sc->resolved_toml, "child.toml", ".");
    CHECK(again->hash == sc->hash);
}

TEST_CASE("districts differ as the data say: sector mix, readiness, uptake, shifts", "[unit][scenario]") {
    auto sc = load("builtin:base/programme-2021.toml");
    const auto& sp = sc->districts[sc->district_index("shapingba")];
    const auto& wx = sc->districts[sc->district_index("巫溪县")];  // a Chinese name finds it too
    CHECK(wx.id == "wuxi");
    // Sector mix: the leading industry (digital) above the city share, shares sum to 1.
    const std::size_t digital = sc->sector_index("digital");
    CHECK(sp.sector_shares[digital] > sc->sectors[digital].share);
    double sum = 0;
    for (double x : sp.sector_shares) sum += x;
    CHECK(sum == Approx(1.0).epsilon(1e-12));
    // Readiness: the university district with high R&D is readier than a remote county, and its
    // firms take up the programme faster; the firm-weighted mean uptake is near 1.
    CHECK(sp.readiness > wx.readiness + 0.4);
    CHECK(sp.uptake > 1.0);
    CHECK(wx.uptake < 0.4);
    double firms = 0, mean_log_uptake = 0;
    for (const auto& d : sc->districts) {
        firms += static_cast<double>(d.firms_weight);
        mean_log_uptake += static_cast<double>(d.firms_weight) * std::log(d.uptake);
    }
    CHECK(std::abs(mean_log_uptake / firms) < 1e-12);
    // The size-only model: city mix, one high-tech share, no readiness, the GDP allocation.
    auto old = load_text("extends = \"builtin:base/programme-2021.toml\"\n[district_data]\ndifferentiate = false\n",
                         "old.toml");
    for (const auto& d : old->districts) {
        CHECK(d.uptake == 1.0);
        CHECK(d.tech_level_offset == 0.0);
        CHECK(d.sector_shares[digital] == Approx(0.22).epsilon(1e-12));
        CHECK(d.firms_weight == d.tech_firms_gdp_2020);
        CHECK(d.high_tech_share_used == old->districts[0].high_tech_share_used);
    }
    // A shift moves assumed values within their ranges, not sourced ones.
    auto low = load_text("extends = \"builtin:base/programme-2021.toml\"\n[district_data]\nrd_intensity_shift = -1\n",
                         "low.toml");
    const auto& lo_sp = low->districts[low->district_index("shapingba")];
    double rd_low = -1;
    for (const auto& [attr, range] : sp.ranges) {
        if (attr == "rd_intensity_2020") rd_low = range.first;
    }
    CHECK(lo_sp.rd_intensity_2020 == Approx(rd_low));
    CHECK(low->districts[low->district_index("dadukou")].rd_intensity_2020 == 3.98);  // sourced
    CHECK(lo_sp.readiness < sp.readiness);
}
