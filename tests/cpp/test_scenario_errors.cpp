// One test per kind of scenario error: each asserts the location, the key, the value and what
// was expected, as a user would read them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "scenario/load.hpp"
#include "scenario/toml_guard.hpp"

using namespace kcsim;
using Catch::Matchers::Contains;

namespace {
const std::string scenarios_dir = std::string(KCSIM_SOURCE_DIR) + "/scenarios";
const std::string head = "extends = \"plan.toml\"\n";

scenario_error error_of(const std::string& text, const std::string& origin = "bad.toml") {
    try {
        scenario::load_text(text, origin, scenarios_dir);
    } catch (const scenario_error& e) {
        return e;
    }
    FAIL("no scenario_error for:\n" << text);
    throw;
}
}  // namespace

TEST_CASE("unknown key: location and did-you-mean", "[unit][scenario][errors]") {
    auto e = error_of(head + "[enterprise]\nneed_rte = 1.0\n");
    CHECK(e.file == "bad.toml");
    CHECK(e.line == 3);
    CHECK(e.column == 1);
    CHECK(e.key == "enterprise.need_rte");
    CHECK_THAT(e.what(), Contains("bad.toml:3:1") && Contains("did you mean 'need_rate'?"));
}

TEST_CASE("unknown key with nothing close lists the valid keys", "[unit][scenario][errors]") {
    auto e = error_of(head + "[calendar]\nzzzzzzzz = 1\n");
    CHECK_THAT(e.what(), Contains("start") && Contains("step_days"));
}

TEST_CASE("unknown section", "[unit][scenario][errors]") {
    auto e = error_of(head + "[enterprises]\nneed_rate = 1.0\n");
    CHECK(e.line == 2);
    CHECK_THAT(e.what(), Contains("did you mean 'enterprise'?"));
}

TEST_CASE("wrong type names the value and the expected type", "[unit][scenario][errors]") {
    auto e = error_of(head + "[enterprise]\nneed_rate = \"high\"\n");
    CHECK(e.line == 3);
    CHECK(e.key == "enterprise.need_rate");
    CHECK_THAT(e.what(), Contains("\"high\"") && Contains("expected a number") && Contains("got a string"));
    auto i = error_of(head + "[population]\ntech_firms = 2.5\n");
    CHECK_THAT(i.what(), Contains("expected a whole number"));
    auto b = error_of(head + "[programme]\nenabled = 1\n");
    CHECK_THAT(b.what(), Contains("expected true or false"));
}

TEST_CASE("out of range names the range and the unit", "[unit][scenario][errors]") {
    auto e = error_of(head + "[enterprise]\nneed_rate = -1\n");
    CHECK_THAT(e.what(),
               Contains("-1") && Contains("out of range") && Contains("0 to 365") && Contains("per firm per year"));
    auto p = error_of(head + "[programme]\npost_share_aware = 1.5\n");
    CHECK_THAT(p.what(), Contains("0 to 1"));
    auto n = error_of(head + "[enterprise]\nneed_rate = nan\n");
    CHECK_THAT(n.what(), Contains("finite"));
    auto huge = error_of(head + "[population]\ntech_firms = 9223372036854775807\n");
    CHECK_THAT(huge.what(), Contains("out of range"));
}

TEST_CASE("dates: quoted, outside the range, end before start", "[unit][scenario][errors]") {
    auto q = error_of(head + "[calendar]\nstart = \"2021-01-04\"\n");
    CHECK_THAT(q.what(), Contains("without quotes"));
    auto r = error_of(head + "[calendar]\nend = 2020-06-01\n");
    CHECK_THAT(r.what(), Contains("before 'calendar.start'"));
    auto shortp = error_of(head + "[calendar]\nend = 2021-01-06\n");
    CHECK_THAT(shortp.what(), Contains("shorter than one step of 7 days"));
    // Moving the start past the base's events names the file that moved it.
    auto moved = error_of(head + "[calendar]\nstart = 2022-01-03\n", "mine.toml");
    CHECK_THAT(moved.what(), Contains("outside the simulated period") && Contains("calendar.start set at mine.toml:3"));
}

TEST_CASE("TOML syntax errors carry line and column", "[unit][scenario][errors]") {
    auto e = error_of("name = \"x\"\n[enterprise\nneed_rate = 1\n");
    CHECK(e.line == 2);
    CHECK_THAT(e.what(), Contains("bad.toml:2") && Contains("TOML syntax error"));
}

TEST_CASE("binary junk and empty files", "[unit][scenario][errors]") {
    auto junk = error_of(std::string("\x7f"
                                     "ELF\x02\x01\x01\0\0\0",
                                     10));
    CHECK_THAT(junk.what(), Contains("NUL byte"));
    auto empty = error_of("");
    CHECK_THAT(empty.what(), Contains("no [[districts]]"));
}

TEST_CASE("extends: missing file, missing builtin, circular chain", "[unit][scenario][errors]") {
    auto missing = error_of("extends = \"nowhere.toml\"\n");
    CHECK(missing.line == 1);
    CHECK_THAT(missing.what(), Contains("nowhere.toml") && Contains("does not exist"));
    auto builtin = error_of("extends = \"builtin:plann.toml\"\n");
    CHECK_THAT(builtin.what(), Contains("did you mean 'builtin:plan.toml'?"));

    const auto dir = std::filesystem::temp_directory_path() / "kcsim_circular";
    std::filesystem::create_directories(dir);
    std::ofstream((dir / "a.toml").string()) << "extends = \"b.toml\"\n";
    std::ofstream((dir / "b.toml").string()) << "extends = \"a.toml\"\n";
    try {
        scenario::load((dir / "a.toml").string());
        FAIL("circular extends accepted");
    } catch (const scenario_error& e) {
        CHECK_THAT(e.what(), Contains("circular 'extends'") && Contains("a.toml -> ") && Contains("b.toml"));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("events: unknown district, outside the horizon, out of order, bad level", "[unit][scenario][errors]") {
    auto unknown = error_of(
        head + "[[events]]\ndate = 2022-03-01\ntype = \"pilot\"\ndistrict = \"yongchaun\"\nlevel = \"national\"\n");
    CHECK(unknown.line == 5);
    CHECK_THAT(unknown.what(), Contains("does not exist") && Contains("did you mean 'yongchuan'?"));
    auto outside =
        error_of(head + "[[events]]\ndate = 2025-03-01\ntype = \"pilot\"\ndistrict = \"dazu\"\nlevel = \"national\"\n");
    CHECK_THAT(outside.what(), Contains("outside the simulated period"));
    const std::string ev = "[[events]]\ntype = \"pilot\"\ndistrict = \"dazu\"\nlevel = \"national\"\n";
    auto order =
        error_of("extends = \"base/chongqing.toml\"\n" + ev + "date = 2022-03-01\n" + ev + "date = 2021-03-01\n");
    CHECK_THAT(order.what(), Contains("earlier than the event before it"));
    auto level =
        error_of(head + "[[events]]\ndate = 2022-03-01\ntype = \"pilot\"\ndistrict = \"dazu\"\nlevel = \"natinal\"\n");
    CHECK_THAT(level.what(), Contains("did you mean 'national'?"));
    auto missing = error_of(head + "[[events]]\ndate = 2022-03-01\ntype = \"pilot\"\ndistrict = \"dazu\"\n");
    CHECK_THAT(missing.what(), Contains("a 'pilot' event needs 'level'"));
    auto extra = error_of(
        head +
        "[[events]]\ndate = 2022-03-01\ntype = \"pilot\"\ndistrict = \"dazu\"\nlevel = \"national\"\nexperts = 5\n");
    CHECK_THAT(extra.what(), Contains("'experts' does not apply to a 'pilot' event"));
    auto team = error_of(
        head +
        "[[events]]\ndate = 2022-03-01\ntype = \"team\"\nsector = \"digitl\"\ndistricts = [\"dazu\"]\nexperts = 5\n");
    CHECK_THAT(team.what(), Contains("did you mean 'digital'?"));
    auto twice = error_of(head + "[[events]]\ndate = 2022-03-01\ntype = \"team\"\nsector = \"digital\"\ndistricts = "
                                 "[\"dazu\", \"dazu\"]\nexperts = 5\n");
    CHECK_THAT(twice.what(), Contains("listed twice"));
}

TEST_CASE("districts: duplicates, unknown parent, unknown field", "[unit][scenario][errors]") {
    const std::string d = "[[sectors]]\nid = \"x\"\nshare = 1.0\n[[districts]]\nid = \"a\"\nkind = "
                          "\"district\"\nsubregion = \"metro\"\ngdp_2020 = 1.0\n"
                          "tech_firms_2020 = 10\nhigh_tech_share = 0.1\npilot = \"none\"\n";
    auto dup = error_of(d + d);
    CHECK_THAT(dup.what(), Contains("duplicate district id 'a'"));
    auto parent = error_of(d + "parent = \"b\"\n");
    CHECK_THAT(parent.what(), Contains("unknown parent district 'b'"));
    auto field = error_of(d + "gdp_2022 = 1.0\n");
    CHECK_THAT(field.what(), Contains("districts[a].gdp_2022") && Contains("did you mean 'gdp_2020'?"));
    // Issue 15 attributes: a leading sector must exist, a range must be [low, high] and hold its value.
    auto lead = error_of(d + "leading = [\"y\"]\n");
    CHECK(lead.key == "districts[a].leading");
    CHECK_THAT(lead.what(), Contains("unknown sector 'y'") && Contains(":12:"));
    auto bad_range = error_of(d + "rd_intensity_2020 = 2.0\nranges = { rd_intensity_2020 = [3.0, 1.0] }\n");
    CHECK_THAT(bad_range.what(), Contains("districts[a].ranges.rd_intensity_2020") && Contains("low <= high"));
    auto outside = error_of(d + "rd_intensity_2020 = 5.0\nranges = { rd_intensity_2020 = [1.0, 3.0] }\n");
    CHECK(outside.key == "districts[a].ranges.rd_intensity_2020");
    CHECK_THAT(outside.what(), Contains("does not contain 'rd_intensity_2020' = 5.0"));
    auto unranged = error_of(d + "ranges = { tech_firms_2020 = [5, 20] }\n");
    CHECK_THAT(unranged.what(), Contains("districts[a].ranges.tech_firms_2020"));
}

TEST_CASE("unsafe scenario names are refused", "[unit][scenario][errors]") {
    auto e = error_of(head + "name = \"../../etc/x\"\n");
    CHECK(e.key == "name");
    CHECK_THAT(e.what(), Contains("not allowed"));
}

TEST_CASE("non-ASCII characters outside strings are refused before toml++ sees them", "[unit][scenario][errors]") {
    // toml++ 3.3 has undefined behaviour on many of them (Latin-1, Greek, Cyrillic, kana).
    using scenario::find_bare_non_ascii;
    CHECK_FALSE(find_bare_non_ascii("name = \"渝中区 é ×\" # 注释 é\nx = 'ü'\n"));
    CHECK_FALSE(
        find_bare_non_ascii("a = \"\"\"\né \\\"\"\" ü\n\"\"\"\nb = '''\n''ü'''\n[\"é\".'ü']\nc = [\n  \"ñ\",\n]\n"));
    CHECK_FALSE(find_bare_non_ascii("a = { b = \"é\", c.\"ü\" = 1 }\n\"key é\" = 2\n"));
    const auto bare = find_bare_non_ascii("name = \"x\"\n[population]\nother_firms = 1\xc3\x97"
                                          "000\n");
    REQUIRE(bare);
    CHECK(bare->line == 3);
    CHECK(bare->column == 16);
    // A quote that cannot open a string (after a sign) does not hide what follows it.
    CHECK(find_bare_non_ascii("scenario =+\"builtin:\xef\xbb\xbd\""));
    CHECK(find_bare_non_ascii("a = \"x\" é\n"));
    const auto err = error_of("name = \"x\"\n[calendar]\nstart = 2021-01-04\xc3\xa9\n");
    CHECK_THAT(err.what(), Contains("bad.toml:3:19") && Contains("non-ASCII character outside a quoted string"));
}
