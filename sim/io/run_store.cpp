#include "io/run_store.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <limits>

#include <hdf5_hl.h>

#include "analysis/targets.hpp"
#include "core/error.hpp"
#include "core/version.hpp"
#include "io/chunk_codec.hpp"
#include "io/content.hpp"
#include "io/h5.hpp"
#include "io/output_file.hpp"
#include "model/metrics.hpp"
#include "model/summary.hpp"
#include "model/teams.hpp"

namespace kcsim::io {

namespace {

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

struct scenario_group {
    h5::handle group;
    h5::handle metrics;
    h5::handle ledger;
    hsize_t years = 0;
    h5::handle team_reports;
    hsize_t teams = 0;
    h5::handle replicate;
    h5::handle status;
    h5::handle message;
    hsize_t steps = 0, districts = 0, count = 0;
    std::string path;            // "scenarios/<name>"
    core::sha256 stored_chunks;  // of the metrics chunks so far, as content_sha256 folds them in
};

}  // namespace

struct run_store::impl {
    output_file out;
    h5::quiet_errors quiet;
    h5::handle file;
    h5::handle scenarios;
    std::vector<scenario_group> groups;
    double write_seconds = 0;

    impl(const std::string& path, bool overwrite) : out(path, overwrite) {}
};

run_store::run_store(const std::string& path, bool overwrite, const provenance& prov) try
    : impl_(std::make_unique<impl>(path, overwrite)) {
    auto& s = *impl_;
    s.file = h5::handle(H5Fcreate(s.out.temp_path().c_str(), H5F_ACC_EXCL, H5P_DEFAULT, h5::file_access()), H5Fclose,
                        "creating '" + s.out.temp_path() + "'");
    h5::write_attr(s.file, "kcsim_version", std::string(version()));
    h5::write_attr(s.file, "schema_version", static_cast<std::int64_t>(schema_version));
    h5::write_attr(s.file, "git_commit", std::string(git_commit()));
    h5::write_attr(s.file, "created", utc_now());
    h5::write_attr(s.file, "seed", prov.seed);
    h5::write_attr(s.file, "command", prov.command);
    h5::write_attr(s.file, "threads", static_cast<std::int64_t>(prov.threads));
    if (!prov.resumed_from.empty()) {
        h5::write_attr(s.file, "resumed_from", prov.resumed_from);
        h5::write_attr(s.file, "resumed_step", static_cast<std::int64_t>(prov.resumed_step));
        h5::write_attr(s.file, "resumed_scenario_sha256", prov.resumed_scenario_sha256);
    }
    h5::write_attr(
        s.file, "rng",
        std::string("Philox4x64-10 (Random123); key (seed, replicate); counter (agent, step, purpose, draw)"));
    h5::write_attr(s.file, "title", std::string("kcsim run: Sci-Tech China programme in Chongqing"));
    s.scenarios = h5::create_group(s.file, "scenarios");
} catch (const io_error&) {
    rethrow_write_error(path);
}

run_store::~run_store() {
    // Close every HDF5 handle before output_file removes the temporary file.
    if (impl_) {
        impl_->groups.clear();
        impl_->scenarios.reset();
        impl_->file.reset();
    }
}

std::size_t run_store::add_scenario(const scenario::scenario& sc, std::uint64_t replicates_planned) try {
    h5::quiet_errors quiet;  // per thread: the sink may run on a worker thread
    auto& s = *impl_;
    scenario_group g;
    g.group = h5::create_group(s.scenarios, sc.name);
    g.path = "scenarios/" + sc.name;
    h5::write_attr(g.group, "scenario_name", sc.name);
    h5::write_attr(g.group, "scenario_description", sc.description);
    h5::write_attr(g.group, "scenario_source", sc.source);
    h5::write_attr(g.group, "scenario_toml", sc.resolved_toml);
    h5::write_attr(g.group, "scenario_sha256", sc.hash);
    h5::write_attr(g.group, "replicates_planned", replicates_planned);

    const auto& cal = sc.cal;
    g.steps = static_cast<hsize_t>(cal.steps());
    g.districts = sc.districts.size();
    const hsize_t M = model::n_metrics;

    // Coordinates. time: the last day of each step, as days since 1970-01-01 (CF units, so
    // xarray decodes datetime64); date: the same as ISO text for plain h5py readers.
    std::vector<std::int32_t> days;
    std::vector<std::string> dates;
    for (int k = 0; k < cal.steps(); ++k) {
        days.push_back(cal.step_last_day(k).days);
        dates.push_back(core::to_iso(cal.step_last_day(k)));
    }
    auto time = h5::write_ints(g.group, "time", days);
    h5::write_attr(time, "units", std::string("days since 1970-01-01"));
    h5::write_attr(time, "calendar", std::string("proleptic_gregorian"));
    h5::write_attr(time, "long_name", std::string("last day of the step"));
    h5::make_scale(time, "time");

    std::vector<std::string> ids, en, zh, region, kind;
    for (const auto& d : sc.districts) {
        ids.push_back(d.id);
        en.push_back(d.name);
        zh.push_back(d.name_zh);
        region.emplace_back(scenario::to_string(d.region));
        kind.emplace_back(scenario::to_string(d.kind));
    }
    auto district = h5::write_strings(g.group, "district", ids);
    h5::make_scale(district, "district");

    std::vector<std::string> names, units, kinds;
    for (const auto& m : model::metric_table()) {
        names.emplace_back(m.name);
        units.emplace_back(m.unit);
        kinds.emplace_back(m.kind);
    }
    auto metric = h5::write_strings(g.group, "metric", names);
    h5::make_scale(metric, "metric");

    // replicate: extendible, grown with metrics as replicates arrive.
    {
        const hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = 256;
        h5::handle space(H5Screate_simple(1, &zero, &unlimited), H5Sclose, "dataspace");
        h5::handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "property list");
        h5::check(H5Pset_chunk(dcpl, 1, &chunk), "chunking 'replicate'");
        g.replicate = h5::handle(H5Dcreate2(g.group, "replicate", H5T_STD_U64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                                 H5Dclose, "creating 'replicate'");
        h5::make_scale(g.replicate, "replicate");
        g.status = h5::handle(H5Dcreate2(g.group, "replicate_ok", H5T_STD_I8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                              H5Dclose, "creating 'replicate_ok'");
        h5::write_attr(g.status, "long_name", std::string("1 if the replicate completed, 0 if it failed"));
        auto text = h5::utf8_string_type();
        g.message = h5::handle(H5Dcreate2(g.group, "replicate_message", text, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                               H5Dclose, "creating 'replicate_message'");
        h5::write_attr(g.message, "long_name", std::string("why the replicate failed, empty if it completed"));
    }

    // metrics: one chunk per replicate (whole chunks are written, so no chunk cache is needed),
    // shuffle + deflate level 1 for size (level 4: 10% smaller, 1.5x the write time), Fletcher32
    // so corruption is detected on read. append writes chunks encoded by io/chunk_codec.cpp, which
    // implements exactly this pipeline: change both together.
    {
        const hsize_t dims[4] = {0, g.steps, g.districts, M};
        const hsize_t maxd[4] = {H5S_UNLIMITED, g.steps, g.districts, M};
        const hsize_t chunk[4] = {1, g.steps, g.districts, M};
        h5::handle space(H5Screate_simple(4, dims, maxd), H5Sclose, "dataspace");
        h5::handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "property list");
        h5::check(H5Pset_chunk(dcpl, 4, chunk), "chunking 'metrics'");
        h5::check(H5Pset_fletcher32(dcpl), "checksum filter");
        h5::check(H5Pset_shuffle(dcpl), "shuffle filter");
        h5::check(H5Pset_deflate(dcpl, metrics_deflate_level), "deflate filter");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        h5::check(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan), "fill value");
        g.metrics = h5::handle(H5Dcreate2(g.group, "metrics", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                               H5Dclose, "creating 'metrics'");
        h5::write_attr(g.metrics, "long_name",
                       std::string("programme metrics per replicate, step, district and metric"));
        h5::write_attr(
            g.metrics, "coordinates",
            std::string("date district_name district_name_zh subregion district_kind metric_unit metric_kind"));
        h5::attach_scale(g.metrics, g.replicate, 0);
        h5::attach_scale(g.metrics, time, 1);
        h5::attach_scale(g.metrics, district, 2);
        h5::attach_scale(g.metrics, metric, 3);
        h5::attach_scale(g.status, g.replicate, 0);
        h5::attach_scale(g.message, g.replicate, 0);
    }

    // ledger: (replicate, year, item), the programme's money per calendar year.
    {
        const auto years = model::ledger_years(cal);
        g.years = years.size();
        std::vector<std::int32_t> ys(years.begin(), years.end());
        auto year = h5::write_ints(g.group, "year", ys);
        h5::write_attr(year, "long_name", std::string("calendar year"));
        h5::make_scale(year, "year");
        std::vector<std::string> items(model::ledger_items().begin(), model::ledger_items().end());
        auto item = h5::write_strings(g.group, "ledger_item", items);
        h5::make_scale(item, "ledger_item");
        const hsize_t L = items.size();
        const hsize_t dims[3] = {0, g.years, L};
        const hsize_t maxd[3] = {H5S_UNLIMITED, g.years, L};
        const hsize_t chunk[3] = {1, g.years, L};
        h5::handle space(H5Screate_simple(3, dims, maxd), H5Sclose, "dataspace");
        h5::handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "property list");
        h5::check(H5Pset_chunk(dcpl, 3, chunk), "chunking 'ledger'");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        h5::check(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan), "fill value");
        g.ledger = h5::handle(H5Dcreate2(g.group, "ledger", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                              H5Dclose, "creating 'ledger'");
        h5::write_attr(
            g.ledger, "long_name",
            std::string("programme funds per calendar year, million yuan: funds_in + cofunding = operations + rewards "
                        "+ unspent; unfunded (the cost of what was not done) = the sum of the not_done items"));
        h5::write_attr(g.ledger, "units", std::string("million yuan"));
        h5::attach_scale(g.ledger, g.replicate, 0);
        h5::attach_scale(g.ledger, year, 1);
        h5::attach_scale(g.ledger, item, 2);
    }

    // team_reports: (replicate, time, team, team_report_item), the teams' weekly reports.
    {
        g.teams = model::team_slots(sc);
        std::vector<std::int32_t> index(g.teams);
        for (std::size_t k = 0; k < index.size(); ++k) index[k] = static_cast<std::int32_t>(k);
        auto team = h5::write_ints(g.group, "team", index);
        h5::write_attr(team, "long_name",
                       std::string("expert team, in the order the scenario's team events form them"));
        h5::make_scale(team, "team");
        std::vector<std::string> items(model::team_report_items().begin(), model::team_report_items().end());
        auto item = h5::write_strings(g.group, "team_report_item", items);
        h5::make_scale(item, "team_report_item");
        const hsize_t I = items.size();
        // HDF5 wants chunks of at least 1 and within a fixed extent: a scenario without teams
        // gets a team axis of 0 that could grow.
        const hsize_t dims[4] = {0, g.steps, g.teams, I};
        const hsize_t maxd[4] = {H5S_UNLIMITED, g.steps, g.teams > 0 ? g.teams : H5S_UNLIMITED, I};
        const hsize_t chunk[4] = {1, g.steps, std::max<hsize_t>(g.teams, 1), I};
        h5::handle space(H5Screate_simple(4, dims, maxd), H5Sclose, "dataspace");
        h5::handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "property list");
        h5::check(H5Pset_chunk(dcpl, 4, chunk), "chunking 'team_reports'");
        h5::check(H5Pset_fletcher32(dcpl), "checksum filter");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        h5::check(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan), "fill value");
        g.team_reports =
            h5::handle(H5Dcreate2(g.group, "team_reports", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                       H5Dclose, "creating 'team_reports'");
        h5::write_attr(g.team_reports, "long_name",
                       std::string("expert teams' weekly reports: services delivered and needs solved per step; NaN "
                                   "before a team is formed"));
        h5::write_attr(g.team_reports, "coordinates", std::string("date"));
        h5::attach_scale(g.team_reports, g.replicate, 0);
        h5::attach_scale(g.team_reports, time, 1);
        h5::attach_scale(g.team_reports, team, 2);
        h5::attach_scale(g.team_reports, item, 3);
    }

    auto aux = [&](const std::string& name, const std::vector<std::string>& v, hid_t scale) {
        auto d = h5::write_strings(g.group, name, v);
        h5::attach_scale(d, scale, 0);
    };
    aux("date", dates, time);
    aux("district_name", en, district);
    aux("district_name_zh", zh, district);
    aux("subregion", region, district);
    aux("district_kind", kind, district);
    aux("metric_unit", units, metric);
    aux("metric_kind", kinds, metric);

    s.groups.push_back(std::move(g));
    return s.groups.size() - 1;
} catch (const io_error&) {
    rethrow_write_error(impl_->out.final_path());
}

void run_store::prepare(engine::replicate_result& r) { r.encoded_metrics = encode_metrics_chunk(r.metrics); }

void run_store::append(std::size_t index, const engine::replicate_result& r) try {
    h5::quiet_errors quiet;  // per thread: the sink may run on a worker thread
    const auto t0 = std::chrono::steady_clock::now();
    auto& g = impl_->groups.at(index);
    const hsize_t M = model::n_metrics;
    // Either the metrics, or (units of a comparison) only their encoded chunk.
    if (r.metrics.empty() ? r.encoded_metrics.empty() : r.metrics.size() != g.steps * g.districts * M) {
        throw internal_error("replicate result has " + std::to_string(r.metrics.size()) + " values, expected " +
                             std::to_string(g.steps * g.districts * M));
    }
    const hsize_t n = g.count + 1;
    const hsize_t dims[4] = {n, g.steps, g.districts, M};
    h5::check(H5Dset_extent(g.metrics, dims), "extending 'metrics'");
    h5::check(H5Dset_extent(g.replicate, dims), "extending 'replicate'");
    h5::check(H5Dset_extent(g.status, dims), "extending 'replicate_ok'");
    h5::check(H5Dset_extent(g.message, dims), "extending 'replicate_message'");
    const hsize_t L = model::ledger_items().size();
    const hsize_t ldims[3] = {n, g.years, L};
    h5::check(H5Dset_extent(g.ledger, ldims), "extending 'ledger'");
    const hsize_t I = model::team_report_items().size();
    const hsize_t tdims[4] = {n, g.steps, g.teams, I};
    h5::check(H5Dset_extent(g.team_reports, tdims), "extending 'team_reports'");

    auto write_row = [&](hid_t dset, int rank, hid_t memtype, const void* data, const char* what) {
        h5::handle fspace(H5Dget_space(dset), H5Sclose, "dataspace");
        hsize_t start[4] = {g.count, 0, 0, 0};
        hsize_t count[4] = {1, g.steps, g.districts, M};
        h5::check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr), what);
        h5::handle mspace(H5Screate_simple(rank, count, nullptr), H5Sclose, "dataspace");
        h5::check(H5Dwrite(dset, memtype, mspace, fspace, H5P_DEFAULT, data), what);
    };
    {
        // The chunk bypasses HDF5's filters: it went through the same ones in chunk_codec.
        std::vector<unsigned char> here;
        if (r.encoded_metrics.empty()) here = encode_metrics_chunk(r.metrics);
        const auto& chunk = r.encoded_metrics.empty() ? here : r.encoded_metrics;
        const hsize_t offset[4] = {g.count, 0, 0, 0};
        h5::check(H5Dwrite_chunk(g.metrics, H5P_DEFAULT, 0, offset, chunk.size(), chunk.data()), "writing metrics");
        add_stored_chunk(g.stored_chunks, 0, chunk.data(), chunk.size());
    }
    if (r.ledger.size() != g.years * L) {
        throw internal_error("replicate ledger has " + std::to_string(r.ledger.size()) + " values, expected " +
                             std::to_string(g.years * L));
    }
    {
        h5::handle fspace(H5Dget_space(g.ledger), H5Sclose, "dataspace");
        const hsize_t start[3] = {g.count, 0, 0};
        const hsize_t count[3] = {1, g.years, L};
        h5::check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr), "selecting ledger");
        h5::handle mspace(H5Screate_simple(3, count, nullptr), H5Sclose, "dataspace");
        h5::check(H5Dwrite(g.ledger, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, r.ledger.data()),
                  "writing ledger");
    }
    if (r.team_reports.size() != g.steps * g.teams * I) {
        throw internal_error("replicate team reports have " + std::to_string(r.team_reports.size()) +
                             " values, expected " + std::to_string(g.steps * g.teams * I));
    }
    if (g.teams > 0) {
        h5::handle fspace(H5Dget_space(g.team_reports), H5Sclose, "dataspace");
        const hsize_t start[4] = {g.count, 0, 0, 0};
        const hsize_t count[4] = {1, g.steps, g.teams, I};
        h5::check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr),
                  "selecting team reports");
        h5::handle mspace(H5Screate_simple(4, count, nullptr), H5Sclose, "dataspace");
        h5::check(H5Dwrite(g.team_reports, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, r.team_reports.data()),
                  "writing team reports");
    }
    const std::uint64_t rep = r.replicate;
    write_row(g.replicate, 1, H5T_NATIVE_UINT64, &rep, "writing replicate");
    const std::int8_t ok = r.ok ? 1 : 0;
    write_row(g.status, 1, H5T_NATIVE_INT8, &ok, "writing replicate_ok");
    {
        auto text = h5::utf8_string_type();
        const char* msg = r.message.c_str();
        write_row(g.message, 1, text, &msg, "writing replicate_message");
    }
    g.count = n;
    // Each finished replicate reaches the file before the next one arrives.
    h5::check(H5Fflush(impl_->file, H5F_SCOPE_LOCAL), "flushing the file");
    impl_->write_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
} catch (const io_error&) {
    rethrow_write_error(impl_->out.final_path());
}

void run_store::write_comparison(const analysis::comparison& c) try {
    h5::quiet_errors quiet;  // per thread: the sink may run on a worker thread
    auto& s = *impl_;
    const auto t0 = std::chrono::steady_clock::now();
    auto g = h5::create_group(s.file, "comparison");
    h5::write_attr(g, "baseline", c.scenarios.empty() ? std::string() : c.scenarios.front());
    h5::write_attr(g, "fork_date", c.fork_date);
    h5::write_attr(g, "replicates", static_cast<std::uint64_t>(c.replicates));
    h5::write_attr(
        g, "description",
        std::string("city figures per replicate (flows: total over the period; others: at its end), each "
                    "scenario's mean and 90% interval, its paired difference from the baseline with a 95% "
                    "confidence interval, the share of replicates where it is higher, and the probability of "
                    "meeting each plan target"));
    auto scen = h5::string_scale(g, "scenario", c.scenarios);
    // The numbers of the replicates kept (those that completed in every scenario).
    std::vector<std::int32_t> reps;
    for (auto r : c.replicate_ids) reps.push_back(static_cast<std::int32_t>(r));
    auto rep = h5::int_scale(g, "replicate", reps);
    const auto names = model::metric_names();
    auto met = h5::string_scale(g, "metric", names);
    auto stat = h5::string_scale(g, "statistic", analysis::comparison_statistics());
    std::vector<std::string> tnames, tmeaning;
    for (const auto& t : analysis::plan_targets()) {
        tnames.emplace_back(t.name);
        tmeaning.emplace_back(std::string(t.meaning) + " (" + std::string(t.source) + ")");
    }
    auto tgt = h5::string_scale(g, "target", tnames);
    auto tm = h5::write_strings(g, "target_meaning", tmeaning);
    h5::attach_scale(tm, tgt, 0);

    const hsize_t S = c.scenarios.size(), R = c.replicates, M = names.size(),
                  K = analysis::comparison_statistics().size(), T = tnames.size();
    h5::write_doubles(g, "city", {S, R, M}, c.city.data(), {scen, rep, met},
                      "city figure per scenario, replicate and metric");
    h5::write_doubles(g, "summary", {S, M, K}, c.summary.data(), {scen, met, stat},
                      "summary statistics per scenario and metric");
    h5::write_doubles(g, "targets", {S, T}, c.targets.data(), {scen, tgt}, "probability of meeting each plan target");
    s.write_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
} catch (const io_error&) {
    rethrow_write_error(impl_->out.final_path());
}

void run_store::write_sweep(const scenario::sweep& sw, const analysis::experiments& ex,
                            const std::vector<double>& outcomes, const std::vector<double>& yearly,
                            const std::vector<std::string>& outcome_names,
                            const std::vector<std::vector<analysis::sensitivity>>& indices,
                            const std::vector<std::vector<analysis::sensitivity>>& contrasts) try {
    h5::quiet_errors quiet;  // per thread: the sink may run on a worker thread
    auto& s = *impl_;
    const auto t0 = std::chrono::steady_clock::now();
    auto g = h5::create_group(s.file, "sweep");
    h5::write_attr(g, "sweep_name", sw.name);
    h5::write_attr(g, "sweep_toml", sw.text);
    h5::write_attr(g, "sweep_source", sw.source);
    h5::write_attr(g, "design", sw.design);
    h5::write_attr(g, "samples", static_cast<std::uint64_t>(sw.samples));
    h5::write_attr(g, "replicates", static_cast<std::uint64_t>(sw.replicates));
    h5::write_attr(g, "seed", static_cast<std::uint64_t>(sw.seed));
    h5::write_attr(g, "scenario_name", sw.base->name);
    h5::write_attr(g, "scenario_toml", sw.base->resolved_toml);
    h5::write_attr(g, "scenario_sha256", sw.base->hash);

    const hsize_t E = ex.count, R = sw.replicates, M = model::n_metrics, K = sw.uncertain.size(), L = sw.levers.size();
    const hsize_t P = ex.policies, O = outcome_names.size();
    std::vector<std::int32_t> ids(E);
    for (std::size_t e = 0; e < E; ++e) ids[e] = static_cast<std::int32_t>(e);
    auto exp = h5::int_scale(g, "experiment", ids);
    std::vector<std::int32_t> reps(R);
    for (std::size_t r = 0; r < R; ++r) reps[r] = static_cast<std::int32_t>(r);
    auto rep = h5::int_scale(g, "replicate", reps);
    auto met = h5::string_scale(g, "metric", model::metric_names());
    std::vector<std::int32_t> pol(P);
    for (std::size_t p = 0; p < P; ++p) pol[p] = static_cast<std::int32_t>(p);
    auto polh = h5::int_scale(g, "policy", pol);
    auto outh = h5::string_scale(g, "outcome", outcome_names);

    // The experiments table: one column per uncertain parameter and lever, plus policy and sample.
    std::vector<double> pcol(E), scol(E);
    for (std::size_t e = 0; e < E; ++e) {
        pcol[e] = static_cast<double>(ex.policy[e]);
        scol[e] = static_cast<double>(ex.sample[e]);
    }
    h5::write_doubles(g, "experiment_policy", {E}, pcol.data(), {exp}, "lever combination of the experiment");
    if (L > 0) {
        // What each policy is: its lever values, (policy, lever) as TOML text.
        auto lever_names = std::vector<std::string>();
        for (const auto& l : sw.levers) lever_names.push_back(l.key);
        auto lev = h5::string_scale(g, "lever", lever_names);
        std::vector<std::string> table(P * L);
        for (std::size_t e = 0; e < E; ++e) {
            for (std::size_t l = 0; l < L; ++l) table[ex.policy[e] * L + l] = ex.lever_values[e * L + l];
        }
        auto text = h5::utf8_string_type();
        const hsize_t dims[2] = {P, L};
        h5::handle space(H5Screate_simple(2, dims, nullptr), H5Sclose, "dataspace");
        h5::handle d(H5Dcreate2(g, "policy_levers", text, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
                     "creating 'policy_levers'");
        std::vector<const char*> ptrs;
        for (const auto& t : table) ptrs.push_back(t.c_str());
        h5::check(H5Dwrite(d, text, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "writing 'policy_levers'");
        h5::attach_scale(d, polh, 0);
        h5::attach_scale(d, lev, 1);
        h5::write_attr(d, "long_name", std::string("the lever values of each policy, as TOML text"));
    }
    h5::write_doubles(g, "experiment_sample", {E}, scol.data(), {exp}, "design row of the experiment");
    std::vector<std::string> unc_names;
    for (std::size_t k = 0; k < K; ++k) {
        unc_names.push_back(sw.uncertain[k].key);
        std::vector<double> col(E);
        for (std::size_t e = 0; e < E; ++e) col[e] = ex.uncertain[e * K + k];
        h5::write_doubles(g, sw.uncertain[k].key, {E}, col.data(), {exp},
                          "uncertain parameter (experiments table column)");
    }
    for (std::size_t l = 0; l < L; ++l) {
        std::vector<std::string> col(E);
        for (std::size_t e = 0; e < E; ++e) col[e] = ex.lever_values[e * L + l];
        auto d = h5::write_strings(g, sw.levers[l].key, col);
        h5::attach_scale(d, exp, 0);
        h5::write_attr(d, "long_name", std::string("lever (experiments table column), as TOML text"));
    }
    h5::write_doubles(
        g, "outcomes", {E, R, M}, outcomes.data(), {exp, rep, met},
        "city figure per experiment, replicate and metric (flows: total over the period; others: at its end)");
    {
        // Dated values: the same figures per calendar year, for calibration and validation.
        const auto years = model::ledger_years(sw.base->cal);
        const hsize_t Y = years.size();
        if (yearly.size() != E * R * Y * M) throw internal_error("write_sweep: yearly outcomes of the wrong size");
        std::vector<std::int32_t> yv(years.begin(), years.end());
        auto yh = h5::int_scale(g, "year", yv);
        h5::write_doubles(g, "yearly_outcomes", {E, R, Y, M}, yearly.data(), {exp, rep, yh, met},
                          "city figure per experiment, replicate, calendar year and metric (flows: total over the "
                          "weeks ending in the year; others: at the year's last week)");
    }
    if (K > 0) {
        auto par = h5::string_scale(g, "parameter", unc_names);
        auto gather = [&](const std::vector<std::vector<analysis::sensitivity>>& table, auto field) {
            std::vector<double> v(P * O * K, std::numeric_limits<double>::quiet_NaN());
            for (std::size_t p = 0; p < P && p < table.size(); ++p) {
                for (std::size_t o = 0; o < O && o < table[p].size(); ++o) {
                    const auto& x = field(table[p][o]);
                    for (std::size_t k = 0; k < x.size() && k < K; ++k) v[(p * O + o) * K + k] = x[k];
                }
            }
            return v;
        };
        using S = analysis::sensitivity;
        const std::vector<std::pair<std::string, std::vector<double> S::*>> fields =
            sw.design == "saltelli"
                ? std::vector<std::pair<std::string, std::vector<double> S::*>>{{"sobol_s1", &S::s1},
                                                                                {"sobol_s1_lo", &S::s1_lo},
                                                                                {"sobol_s1_hi", &S::s1_hi},
                                                                                {"sobol_st", &S::st},
                                                                                {"sobol_st_lo", &S::st_lo},
                                                                                {"sobol_st_hi", &S::st_hi}}
            : sw.design == "morris"
                ? std::vector<std::pair<std::string, std::vector<double> S::*>>{{"morris_mu", &S::mu},
                                                                                {"morris_mu_star", &S::mu_star},
                                                                                {"morris_sigma", &S::sigma}}
                : std::vector<std::pair<std::string, std::vector<double> S::*>>{};
        for (const auto& field : fields) {
            // Not a structured binding: clang 14 cannot capture one in a lambda (the fuzz build).
            const auto member = field.second;
            const auto v = gather(indices, [&](const S& x) -> const std::vector<double>& { return x.*member; });
            h5::write_doubles(
                g, field.first, {P, O, K}, v.data(), {polh, outh, par},
                "sensitivity index per policy, outcome and uncertain parameter (of the mean over replicates)");
            if (P > 1) {
                const auto c = gather(contrasts, [&](const S& x) -> const std::vector<double>& { return x.*member; });
                h5::write_doubles(g, "contrast_" + field.first, {P, O, K}, c.data(), {polh, outh, par},
                                  "sensitivity index of the contrast policy - policy 0 per design row (NaN for "
                                  "policy 0), per outcome and uncertain parameter");
            }
        }
    }
    s.write_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
} catch (const io_error&) {
    rethrow_write_error(impl_->out.final_path());
}

void run_store::annotate(const std::string& group, const std::string& name, const std::string& value) try {
    h5::quiet_errors quiet;
    h5::handle g(H5Gopen2(impl_->file, group.c_str(), H5P_DEFAULT), H5Gclose, "opening '/" + group + "'");
    h5::write_attr(g, name, value);
} catch (const io_error&) {
    rethrow_write_error(impl_->out.final_path());
}

void run_store::write_calibration(const analysis::calibration& c) try {
    h5::quiet_errors quiet;
    auto& s = *impl_;
    const auto t0 = std::chrono::steady_clock::now();
    const auto& prior = *c.prior;
    const auto& obs = *c.targets;
    const hsize_t K = prior.uncertain.size(), T = obs.targets.size();
    auto g = h5::create_group(s.file, "calibration");
    h5::write_attr(g, "targets_name", obs.name);
    h5::write_attr(g, "targets_toml", obs.text);
    h5::write_attr(g, "targets_source", obs.source);
    h5::write_attr(g, "prior_toml", prior.text);
    h5::write_attr(g, "prior_source", prior.source);
    h5::write_attr(g, "scenario_name", prior.base->name);
    h5::write_attr(g, "scenario_toml", prior.base->resolved_toml);
    h5::write_attr(g, "scenario_sha256", prior.base->hash);
    h5::write_attr(g, "scenario_end", c.scenario_end);
    h5::write_attr(g, "seed", static_cast<std::uint64_t>(prior.seed));
    h5::write_attr(g, "replicates", static_cast<std::uint64_t>(c.replicates));
    h5::write_attr(g, "cutoff", c.cutoff);
    h5::write_attr(g, "accept", c.accept);
    h5::write_attr(g, "waves", static_cast<std::uint64_t>(c.waves.size()));
    h5::write_attr(g, "runs", static_cast<std::uint64_t>(c.runs));
    h5::write_attr(g, "seconds", c.seconds);
    h5::write_attr(g, "method",
                   std::string("history matching on direct simulation (implausibility: |z - mean| / sqrt(sd^2 + "
                               "discrepancy^2 + var (1 + 1/R)), max over calibrate targets), then ABC rejection "
                               "with local-linear regression adjustment (Beaumont 2002) in the last box"));
    h5::write_attr(g, "identifiability_report", c.id.text);
    h5::write_attr(g, "validation_report", analysis::validation_text(c));
    h5::write_attr(g, "programme_effect_identified", static_cast<std::int64_t>(c.id.effect_identified ? 1 : 0));
    h5::write_attr(g, "plan_fraction", c.id.plan_fraction);
    h5::write_attr(g, "null_fraction", c.id.null_fraction);
    std::vector<std::string> tnames, pnames, use, metric;
    std::vector<double> value, sd, disc;
    for (const auto& o : obs.targets) {
        tnames.push_back(o.name);
        use.emplace_back(o.hold_out ? "hold-out" : "calibrate");
        metric.push_back(o.metric);
        value.push_back(o.value);
        sd.push_back(o.sd);
        disc.push_back(o.discrepancy);
    }
    for (const auto& u : prior.uncertain) pnames.push_back(u.key);
    auto th = h5::string_scale(g, "target", tnames);
    auto ph = h5::string_scale(g, "parameter", pnames);
    auto strings = [&](hid_t grp, const std::string& name, const std::vector<std::string>& v, hid_t scale,
                       const std::string& long_name) {
        auto d = h5::write_strings(grp, name, v);
        h5::attach_scale(d, scale, 0);
        h5::write_attr(d, "long_name", long_name);
    };
    strings(g, "target_use", use, th, "calibrate or hold-out");
    strings(g, "target_metric", metric, th, "the metric of the target");
    h5::write_doubles(g, "target_value", {T}, value.data(), {th}, "observed value");
    h5::write_doubles(g, "target_sd", {T}, sd.data(), {th}, "measurement uncertainty (one standard deviation)");
    h5::write_doubles(g, "target_discrepancy", {T}, disc.data(), {th}, "model discrepancy (one standard deviation)");
    h5::write_doubles(g, "predicted_q05", {T}, c.predicted_q05.data(), {th}, "posterior predictive 5% quantile");
    h5::write_doubles(g, "predicted_q50", {T}, c.predicted_q50.data(), {th}, "posterior predictive median");
    h5::write_doubles(g, "predicted_q95", {T}, c.predicted_q95.data(), {th}, "posterior predictive 95% quantile");
    std::vector<double> fractions;
    for (std::size_t w = 0; w < c.waves.size(); ++w) {
        const auto& wv = c.waves[w];
        fractions.push_back(wv.fraction);
        auto wg = h5::create_group(g, "wave_" + std::to_string(w + 1));
        const hsize_t N = wv.plausible.size();
        h5::write_attr(wg, "non_implausible_fraction", wv.fraction);
        h5::write_attr(wg, "fallback", static_cast<std::int64_t>(wv.fallback ? 1 : 0));
        std::vector<std::int32_t> ids(N);
        for (std::size_t i = 0; i < N; ++i) ids[i] = static_cast<std::int32_t>(i);
        auto pt = h5::int_scale(wg, "point", ids);
        auto wpar = h5::string_scale(wg, "parameter", pnames);
        auto wtar = h5::string_scale(wg, "target", tnames);
        h5::write_doubles(wg, "box_lo", {K}, wv.lo.data(), {wpar}, "lower bound of the box sampled");
        h5::write_doubles(wg, "box_hi", {K}, wv.hi.data(), {wpar}, "upper bound of the box sampled");
        h5::write_doubles(wg, "design", {N, K}, wv.points.data(), {pt, wpar}, "parameter values of each point");
        h5::write_doubles(wg, "mean", {N, T}, wv.mean.data(), {pt, wtar}, "mean over replicates of each target");
        h5::write_doubles(wg, "variance", {N, T}, wv.var.data(), {pt, wtar}, "ensemble variance (one run)");
        h5::write_doubles(wg, "implausibility", {N, T}, wv.implausibility.data(), {pt, wtar},
                          "implausibility of each target at each point");
        h5::write_doubles(wg, "max_implausibility", {N}, wv.max_implausibility.data(), {pt},
                          "largest implausibility over the calibrate targets");
        std::vector<double> ok(wv.plausible.begin(), wv.plausible.end());
        h5::write_doubles(wg, "non_implausible", {N}, ok.data(), {pt}, "1 if max_implausibility <= cutoff");
        if (w == 0 && !c.null_max_implausibility.empty()) {
            h5::write_doubles(wg, "null_max_implausibility", {N}, c.null_max_implausibility.data(), {pt},
                              "the same, with the programme switched off (programme.enabled = false)");
        }
    }
    h5::write_doubles(g, "non_implausible_fraction", {fractions.size()}, fractions.data(), {},
                      "share of each wave's points that are non-implausible");
    {
        const auto& a = c.abc;
        auto ag = h5::create_group(g, "abc");
        const hsize_t N = a.distance.size();
        h5::write_attr(ag, "epsilon", a.epsilon);
        h5::write_attr(ag, "acceptance", a.acceptance);
        h5::write_attr(ag, "effective_sample_size", a.ess);
        std::vector<std::int32_t> ids(N);
        for (std::size_t i = 0; i < N; ++i) ids[i] = static_cast<std::int32_t>(i);
        auto dr = h5::int_scale(ag, "draw", ids);
        auto apar = h5::string_scale(ag, "parameter", pnames);
        auto atar = h5::string_scale(ag, "target", tnames);
        h5::write_doubles(ag, "design", {N, K}, a.points.data(), {dr, apar}, "parameter values of each ABC draw");
        h5::write_doubles(ag, "statistics", {N, T}, a.stats.data(), {dr, atar}, "the targets' values of each draw");
        h5::write_doubles(ag, "distance", {N}, a.distance.data(), {dr}, "scaled distance to the calibrate targets");
        std::vector<double> rep(c.abc_replicate.begin(), c.abc_replicate.end());
        h5::write_doubles(ag, "replicate", {N}, rep.data(), {dr},
                          "random-stream replicate of the draw (seed: attribute)");
    }
    {
        const auto& a = c.abc;
        auto pg = h5::create_group(s.file, "posterior");
        const hsize_t A = a.accepted.size(), D = c.draws.size();
        h5::write_attr(pg, "seed", static_cast<std::uint64_t>(prior.seed));
        h5::write_attr(pg, "effective_sample_size", a.ess);
        h5::write_attr(pg, "acceptance", a.acceptance);
        h5::write_attr(pg, "programme_effect_identified", static_cast<std::int64_t>(c.id.effect_identified ? 1 : 0));
        std::string keys;
        for (const auto& k : pnames) keys += k + "\n";
        h5::write_fixed_attr(pg, "parameter_keys", keys);  // read back by io::read_posterior
        auto ppar = h5::string_scale(pg, "parameter", pnames);
        std::vector<std::int32_t> ids(A);
        for (std::size_t i = 0; i < A; ++i) ids[i] = static_cast<std::int32_t>(i);
        auto sh = h5::int_scale(pg, "sample", ids);
        h5::write_doubles(pg, "parameters", {A, K}, a.adjusted.data(), {sh, ppar},
                          "the weighted posterior sample (accepted ABC draws, regression-adjusted)");
        h5::write_doubles(pg, "weights", {A}, a.weights.data(), {sh}, "normalised weight of each sample");
        std::vector<double> seed(A, static_cast<double>(prior.seed)), rep(A), src(A);
        for (std::size_t i = 0; i < A; ++i) {
            rep[i] = static_cast<double>(c.abc_replicate[a.accepted[i]]);
            src[i] = static_cast<double>(a.accepted[i]);
        }
        h5::write_doubles(pg, "seed", {A}, seed.data(), {sh}, "seed of the run that gave the sample");
        h5::write_doubles(pg, "replicate", {A}, rep.data(), {sh}, "its random-stream replicate");
        h5::write_doubles(pg, "abc_draw", {A}, src.data(), {sh}, "its index in /calibration/abc");
        std::vector<std::int32_t> did(D);
        for (std::size_t i = 0; i < D; ++i) did[i] = static_cast<std::int32_t>(i);
        auto dh = h5::int_scale(pg, "draw", did);
        std::vector<double> draws(D * K), from(D);
        for (std::size_t d = 0; d < D; ++d) {
            from[d] = static_cast<double>(c.draws[d]);
            for (std::size_t j = 0; j < K; ++j) draws[d * K + j] = a.adjusted[c.draws[d] * K + j];
        }
        h5::write_doubles(pg, "draws", {D, K}, draws.data(), {dh, ppar},
                          "equally weighted posterior draws (systematic resampling by weight): compare --parameters "
                          "gives replicate r draw r");
        h5::write_doubles(pg, "draw_sample", {D}, from.data(), {dh}, "the sample each draw repeats");
        const auto& id = c.id;
        h5::write_doubles(pg, "prior_lo", {K}, id.prior_lo.data(), {ppar}, "prior lower bound (uniform)");
        h5::write_doubles(pg, "prior_hi", {K}, id.prior_hi.data(), {ppar}, "prior upper bound (uniform)");
        h5::write_doubles(pg, "q05", {K}, id.post_q05.data(), {ppar}, "posterior 5% quantile");
        h5::write_doubles(pg, "q50", {K}, id.post_q50.data(), {ppar}, "posterior median");
        h5::write_doubles(pg, "q95", {K}, id.post_q95.data(), {ppar}, "posterior 95% quantile");
        h5::write_doubles(pg, "width_ratio", {K}, id.width_ratio.data(), {ppar},
                          "posterior 90% interval width / prior 90% interval width");
        strings(pg, "verdict", id.verdict, ppar, "constrained (ratio < 0.5), weakly constrained (< 0.8) or not");
    }
    s.write_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
} catch (const io_error&) {
    rethrow_write_error(impl_->out.final_path());
}

void run_store::write_selection(const scenario::decision& d, const analysis::selection_result& s,
                                const scenario::scenario& best, const std::string& table, double seconds) try {
    h5::quiet_errors quiet;
    auto& st = *impl_;
    const auto t0 = std::chrono::steady_clock::now();
    auto g = h5::create_group(st.file, "selection");
    h5::write_attr(g, "decision_name", d.name);
    h5::write_attr(g, "decision_toml", d.text);
    h5::write_attr(g, "decision_source", d.source);
    h5::write_attr(g, "scenario_name", d.base->name);
    h5::write_attr(g, "scenario_toml", d.base->resolved_toml);
    h5::write_attr(g, "scenario_sha256", d.base->hash);
    if (d.reference) {
        h5::write_attr(g, "reference_name", d.reference->name);
        h5::write_attr(g, "reference_toml", d.reference->resolved_toml);
        h5::write_attr(g, "reference_sha256", d.reference->hash);
    }
    h5::write_attr(g, "best_scenario_toml", best.resolved_toml);
    h5::write_attr(g, "seed", static_cast<std::uint64_t>(d.seed));
    h5::write_attr(g, "method", s.method);
    h5::write_attr(g, "space", static_cast<std::uint64_t>(s.space));
    h5::write_attr(g, "runs", static_cast<std::uint64_t>(s.runs));
    h5::write_attr(g, "exhaustive_runs", s.exhaustive_runs);
    h5::write_attr(g, "replicates", static_cast<std::uint64_t>(s.replicates));
    h5::write_attr(g, "seconds", seconds);
    std::string stages;
    for (const auto& line : s.stages) stages += line + "\n";
    h5::write_attr(g, "stages", stages);
    h5::write_attr(g, "table", table);
    h5::write_attr(g, "discovery_report", s.disc.text);
    const hsize_t T = s.label.size(), R = s.replicates;
    auto ph = h5::string_scale(g, "portfolio", s.label);
    std::vector<std::int32_t> reps(R);
    for (std::size_t r = 0; r < R; ++r) reps[r] = static_cast<std::int32_t>(r);
    auto rh = h5::int_scale(g, "replicate", reps);
    for (const auto& c : analysis::selection_columns()) {
        if (!c.reference || s.has_reference) h5::write_doubles(g, c.name, {T}, (s.*c.values).data(), {ph}, c.long_name);
    }
    std::vector<std::string> joined;
    for (const auto& ids : s.districts) {
        std::string j;
        for (const auto& id : ids) j += (j.empty() ? "" : ",") + id;
        joined.push_back(j);
    }
    auto dd = h5::write_strings(g, "districts", joined);
    h5::attach_scale(dd, ph, 0);
    h5::write_attr(dd, "long_name", std::string("the portfolio's new pilot districts, in joining order"));
    h5::write_doubles(g, "gain", {T, R}, s.per_replicate.data(), {ph, rh}, "gain over the base in each replicate");
    if (!s.contribution_district.empty()) {
        auto cg = h5::create_group(g, "contributions");
        const hsize_t C = s.contribution_district.size();
        auto ch = h5::string_scale(cg, "district", s.contribution_district);
        h5::write_doubles(cg, "contribution", {C}, s.contribution.data(), {ch},
                          "the best's objective minus its objective without the district (paired mean)");
        h5::write_doubles(cg, "contribution_lo95", {C}, s.contribution_lo.data(), {ch}, "95% CI, lower end");
        h5::write_doubles(cg, "contribution_hi95", {C}, s.contribution_hi.data(), {ch}, "95% CI, upper end");
    }
    if (!s.screen_district.empty()) {
        auto sg = h5::create_group(g, "screening");
        const hsize_t N = s.screen_district.size();
        auto sh = h5::string_scale(sg, "district", s.screen_district);
        h5::write_doubles(sg, "gain_mean", {N}, s.screen_gain.data(), {sh},
                          "the district alone: mean gain over the base");
        h5::write_doubles(sg, "gain_lo95", {N}, s.screen_lo.data(), {sh}, "95% CI, lower end");
        h5::write_doubles(sg, "gain_hi95", {N}, s.screen_hi.data(), {sh}, "95% CI, upper end");
    }
    {
        auto eg = h5::create_group(g, "evaluated");
        const hsize_t E = s.evaluated.size();
        auto eh = h5::string_scale(eg, "portfolio", s.evaluated);
        std::vector<double> n(s.evaluated_replicates.begin(), s.evaluated_replicates.end());
        h5::write_doubles(eg, "replicates", {E}, n.data(), {eh}, "replicates the portfolio was run on");
        h5::write_doubles(eg, "score", {E}, s.evaluated_score.data(), {eh}, "its score on them");
    }
    if (!s.disc.parameters.empty()) {
        auto dg = h5::create_group(g, "discovery");
        const hsize_t K = s.disc.parameters.size();
        auto kh = h5::string_scale(dg, "parameter", s.disc.parameters);
        h5::write_doubles(dg, "spearman", {K}, s.disc.spearman.data(), {kh},
                          "rank correlation of the parameter with best - runner-up over the replicates");
        h5::write_doubles(dg, "box_lo", {K}, s.disc.box.lo.data(), {kh}, "PRIM box where the best loses, lower bound");
        h5::write_doubles(dg, "box_hi", {K}, s.disc.box.hi.data(), {kh}, "PRIM box, upper bound");
        std::vector<double> restricted(s.disc.box.restricted.begin(), s.disc.box.restricted.end());
        h5::write_doubles(dg, "box_restricted", {K}, restricted.data(), {kh}, "1 if the box restricts the parameter");
        h5::write_attr(dg, "box_coverage", s.disc.box.coverage);
        h5::write_attr(dg, "box_density", s.disc.box.density);
        h5::write_attr(dg, "box_support", s.disc.box.support);
        h5::write_attr(dg, "losses", static_cast<std::uint64_t>(s.disc.losses));
    }
    st.write_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
} catch (const io_error&) {
    rethrow_write_error(impl_->out.final_path());
}

void run_store::commit() try {
    h5::quiet_errors quiet;  // per thread: the sink may run on a worker thread
    auto& s = *impl_;
    const auto t0 = std::chrono::steady_clock::now();
    // The content checksum over everything written (io/content.hpp); the metrics chunks were
    // folded in as they were appended, so only the small datasets are read back.
    chunk_digests known;
    for (const auto& g : s.groups) known[g.path + "/metrics"] = g.stored_chunks.hex();
    h5::write_fixed_attr(s.file, "content_sha256", content_sha256(s.file, known));
    h5::check(H5Fflush(s.file, H5F_SCOPE_GLOBAL), "flushing the file");
    s.groups.clear();
    s.scenarios.reset();
    s.file.reset();
    s.out.commit();
    s.write_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
} catch (const io_error&) {
    rethrow_write_error(impl_->out.final_path());
}

const std::string& run_store::path() const { return impl_->out.final_path(); }
double run_store::write_seconds() const { return impl_->write_seconds; }

}  // namespace kcsim::io
