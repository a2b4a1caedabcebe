#include <catch2/catch.hpp>

#include "core/date.hpp"

using namespace kcsim::core;

TEST_CASE("dates convert to and from ISO text", "[unit][date]") {
    CHECK(make_date(1970, 1, 1).days == 0);
    CHECK(to_iso(make_date(2021, 1, 4)) == "2021-01-04");
    CHECK(to_iso(make_date(2024, 2, 29)) == "2024-02-29");
    CHECK(parse_date("2023-12-31") == make_date(2023, 12, 31));
    CHECK_FALSE(parse_date("2023-02-29").has_value());
    CHECK_FALSE(parse_date("2021-1-4").has_value());
    CHECK_FALSE(parse_date("2021-13-01").has_value());
    for (int d = -1000; d < 30000; d += 37) CHECK(parse_date(to_iso(date{d}))->days == d);
}

TEST_CASE("the plan's default calendar has 156 weekly steps", "[unit][date]") {
    const date start = make_date(2021, 1, 4);
    CHECK(weekday(start) == 1);  // ISO week 1 of 2021 starts on Monday 4 January
    CHECK((make_date(2023, 12, 31) - start) / 7 + 1 == 156);
    CHECK(weekday(make_date(2023, 12, 31)) == 7);
}
