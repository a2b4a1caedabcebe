#include "state/world.hpp"

#include <algorithm>

namespace kcsim::state {

namespace {
template <class... Columns> void resize_all(std::size_t n, Columns&... c) { (c.resize(n), ...); }

template <class C> void keep(C& v, const std::vector<std::uint8_t>& flags) {
    std::size_t out = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        v[out] = v[i];  // without a branch: the dead are scattered, a branch would mispredict
        out += (flags[i] & firm_flag::alive) ? 1u : 0u;
    }
    v.resize(out);
}

// Every firm column, flags last (erase_dead filters the others by it).
template <class F> void each_column(firms& x, F f) {
    f(x.id), f(x.district), f(x.sector), f(x.awareness), f(x.tech_level), f(x.absorptive), f(x.output);
    f(x.consortium), f(x.financed_until), f(x.clock_need), f(x.clock_exit), f(x.clock_innovate), f(x.clock_certify);
    f(x.clock_consortium), f(x.clock_resolve), f(x.clock_service), f(x.clock_match), f(x.needs_unposted);
    f(x.needs_posted), f(x.raised), f(x.posted), f(x.solved_posted), f(x.solved_unposted), f(x.abandoned);
    f(x.services), f(x.contracts), f(x.contract_value), f(x.deal_amount), f(x.innovations), f(x.events);
    f(x.flags);
}
}  // namespace

void firms::resize(std::size_t n) {
    each_column(*this, [n](auto& c) { c.resize(n); });
}

void firms::reserve(std::size_t n) {
    each_column(*this, [n](auto& c) { c.reserve(n); });
}

void firms::erase_dead() {
    erase_dead([](std::size_t n, const std::function<void(std::size_t)>& job) {
        for (std::size_t k = 0; k < n; ++k) job(k);
    });
}

void firms::erase_dead(const std::function<void(std::size_t, const std::function<void(std::size_t)>&)>& run) {
    const std::vector<std::uint8_t> kept(flags.begin(), flags.end());
    std::vector<std::function<void()>> jobs;
    each_column(*this, [&](auto& c) { jobs.emplace_back([&c, &kept] { keep(c, kept); }); });
    run(jobs.size(), [&](std::size_t k) { jobs[k](); });
}

void districts::resize(std::size_t n, std::size_t sectors) {
    pilot.resize(n);
    effort.assign(n, 1.0);
    purse.assign(n, 0.0);
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
