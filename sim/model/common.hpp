#pragma once
// Small helpers the phases share: calendar tests, exposure and effort, sector draws.
#include <cmath>
#include <vector>

#include "engine/schedule.hpp"
#include "model/lanes.hpp"
#include "state/world.hpp"

namespace kcsim::model {

// Agents per parallel block. Fixed: per-block partial sums must not depend on the thread count.
inline constexpr std::size_t block = 4096;

inline bool alive(const state::firms& f, std::size_t i) { return (f.flags[i] & state::firm_flag::alive) != 0; }
inline bool is_tech(const state::firms& f, std::size_t i) { return (f.flags[i] & state::firm_flag::tech) != 0; }

// The events of an event clock (state/world.hpp) whose budget ran out in this step (`left` <= 0
// is what remains after the step's hazard): each event adds a new Exp(1) budget from `s`, until
// the clock is positive again or `max_events` happened. Stores the clock; returns the events.
inline std::uint32_t clock_events(float& clock, double left, std::uint32_t max_events, rng::stream& s) {
    std::uint32_t n = 0;
    while (left <= 0 && n < max_events) {
        ++n;
        left += s.exp1();
    }
    if (left <= 0) left = s.exp1();  // capped: the clock restarts
    clock = static_cast<float>(left);
    return n;
}

// Runs an event clock for one step that uses up `used` of its budget (in float, as the quiet
// pass does it): returns how many events happened (at most `max_events`), drawing each new
// budget from the stream that `make_stream` creates, only when an event happens.
template <class MakeStream>
std::uint32_t run_clock(float& clock, float used, std::uint32_t max_events, MakeStream make_stream) {
    const float left = scalar::run_down(clock, used);
    if (!scalar::exhausted(left)) {
        clock = left;
        return 0;
    }
    auto s = make_stream();
    return clock_events(clock, left, max_events, s);
}

// Calendar year of step t (the year of its last day).
int year_of(const scenario::calendar& cal, int t);
// The last step of a calendar year, or of the run.
bool year_end(const scenario::calendar& cal, int t);
// Fraction of calendar year `year` covered by the simulated period.
double year_fraction(const scenario::calendar& cal, int year);

// Programme exposure rate (per year) of a district's firms, before the district's effort.
double exposure_rate(const scenario::params& p, scenario::pilot_level level);
// How a district's effort scales its exposure, outreach and fairs.
inline double effort_factor(const scenario::params& p, double effort) { return std::pow(effort, p.effort_elasticity); }

// Whether the platform and its libraries run this step: switched on, and paid (model/budget.hpp).
inline bool platform_runs(const scenario::params& p, const state::world& w) {
    return p.programme && p.libraries && w.funded_platform >= 1.0;
}

// Cumulative sector shares, for drawing a sector with one uniform: the city's, or one per
// district from its sector mix (scenario::district::sector_shares).
std::vector<double> sector_cdf(const scenario::scenario& sc);
std::vector<std::vector<double>> district_sector_cdfs(const scenario::scenario& sc);
std::uint8_t draw_sector(const std::vector<double>& cdf, double u);

// A new firm's attributes (sector, flags, technology, absorptive capacity, output) from its
// stream: sector from its district's mix (`cdf`), high-tech status and level from its district.
void init_firm(const scenario::scenario& sc, const std::vector<double>& cdf, state::firms& f, std::size_t i, bool tech,
               const scenario::district& d, rng::stream& s);

// Events of a yearly rate that fall in one step: evenly spaced (the k-th at k / rate years).
int evenly_spaced(double per_year, double years, int step);

// Count of pilots (level > 0) and their indices in district order.
std::vector<std::uint16_t> pilot_districts(const state::districts& d);

}  // namespace kcsim::model
