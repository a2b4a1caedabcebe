#include "state/world.hpp"

#include <algorithm>

namespace kcsim::state {

namespace {
template <class... Columns> void resize_all(std::size_t n, Columns&... c) { (c.resize(n), ...); }

template <class T> void keep(std::vector<T>& v, const std::vector<std::uint8_t>& flags) {
    std::size_t out = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (flags[i] & firm_flag::alive) v[out++] = v[i];
    }
    v.resize(out);
}
}  // namespace

void firms::resize(std::size_t n) {
    resize_all(n, id, district, sector, flags, awareness, tech_level, absorptive, output, consortium, financed_until,
               clock_need, clock_exit, clock_innovate, clock_certify, clock_consortium, clock_resolve, clock_service,
               clock_match, needs_unposted, needs_posted, raised, posted, solved_posted, solved_unposted, abandoned,
               services, contracts, contract_value, deal_amount, innovations, events);
}

void firms::erase_dead() {
    // flags last: the others are filtered by it.
    const std::vector<std::uint8_t> f = flags;
    keep(id, f), keep(district, f), keep(sector, f), keep(awareness, f), keep(tech_level, f), keep(absorptive, f);
    keep(output, f), keep(consortium, f), keep(financed_until, f), keep(needs_unposted, f), keep(needs_posted, f);
    keep(clock_need, f), keep(clock_exit, f), keep(clock_innovate, f), keep(clock_certify, f),
        keep(clock_consortium, f);
    keep(clock_resolve, f), keep(clock_service, f), keep(clock_match, f);
    keep(raised, f), keep(posted, f), keep(solved_posted, f), keep(solved_unposted, f), keep(abandoned, f);
    keep(services, f), keep(contracts, f), keep(contract_value, f), keep(deal_amount, f), keep(innovations, f);
    keep(events, f);
    keep(flags, f);
}

void districts::resize(std::size_t n, std::size_t sectors) {
    pilot.resize(n);
    effort.assign(n, 1.0);
    offshore_bases.resize(n);
    workstations.resize(n);
    resize_all(n, forum_viewers, spend, reward, contracts, contract_value, services, startups_admitted,
               startups_graduated, startups_failed, deals, deal_amount, fair, year_solved, year_contracts,
               year_certified, match_chance);
    resize_all(n * sectors, open_posted, open_unposted, serve_chance, visit_chance, fit);
}

void districts::clear_flows() {
    for (auto* v : {&forum_viewers, &spend, &reward, &contracts, &contract_value, &services, &startups_admitted,
                    &startups_graduated, &startups_failed, &deals, &deal_amount}) {
        std::fill(v->begin(), v->end(), 0.0);
    }
    std::fill(fair.begin(), fair.end(), std::uint8_t{0});
}

}  // namespace kcsim::state
