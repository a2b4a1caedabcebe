#include <catch2/catch.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <hdf5.h>

#include "core/error.hpp"
#include "engine/ensemble.hpp"
#include "engine/simulation.hpp"
#include "io/journal.hpp"
#include "io/run_store.hpp"
#include "io/state_file.hpp"
#include "model/metrics.hpp"
#include "model/summary.hpp"
#include "model/teams.hpp"
#include "scenario/load.hpp"
#include "temp_dir.hpp"

using namespace kcsim;
namespace fs = std::filesystem;

namespace {

engine::replicate_result fake(const scenario::scenario& sc, std::uint64_t r) {
    engine::replicate_result res;
    res.replicate = r;
    res.metrics.assign(static_cast<std::size_t>(sc.cal.steps()) * sc.districts.size() * model::n_metrics,
                       1.0 + static_cast<double>(r));
    res.ledger.assign(model::ledger_years(sc.cal).size() * model::ledger_items().size(), 2.0);
    res.team_reports.assign(
        static_cast<std::size_t>(sc.cal.steps()) * model::team_slots(sc) * model::team_report_items().size(), 3.0);
    return res;
}
}  // namespace

TEST_CASE("a committed store appears under its name and nothing else remains", "[io]") {
    temp_dir dir("kcsim_store");
    auto sc = scenario::load("builtin:plan.toml");
    const auto out = (dir.path / "run.h5").string();
    {
        io::run_store store(out, false, {1, "test", 1});
        const auto g = store.add_scenario(*sc, 2);
        CHECK_FALSE(fs::exists(out));  // only the temporary file exists while writing
        store.append(g, fake(*sc, 0));
        store.append(g, fake(*sc, 1));
        store.commit();
    }
    CHECK(fs::exists(out));
    CHECK(dir.entries() == 1);
}

TEST_CASE("an abandoned store leaves no file at all", "[io]") {
    temp_dir dir("kcsim_store");
    auto sc = scenario::load("builtin:plan.toml");
    const auto out = (dir.path / "run.h5").string();
    try {
        io::run_store store(out, false, {1, "test", 1});
        const auto g = store.add_scenario(*sc, 2);
        store.append(g, fake(*sc, 0));
        throw std::runtime_error("simulated failure mid-run");
    } catch (const std::runtime_error&) {
    }
    CHECK_FALSE(fs::exists(out));
    CHECK(dir.entries() == 0);
}

TEST_CASE("an existing file is never replaced without overwrite", "[io]") {
    temp_dir dir("kcsim_store");
    const auto out = (dir.path / "run.h5").string();
    std::ofstream(out) << "precious results";
    CHECK_THROWS_AS(io::run_store(out, false, {1, "test", 1}), io_error);
    std::ifstream in(out);
    std::string text;
    std::getline(in, text);
    CHECK(text == "precious results");
    auto sc = scenario::load("builtin:plan.toml");
    {
        io::run_store store(out, true, {1, "test", 1});
        store.add_scenario(*sc, 1);
        store.commit();
    }
    CHECK(fs::file_size(out) > 1000);
}

TEST_CASE("unwritable folders and mismatched results are clear errors", "[io]") {
    CHECK_THROWS_WITH(io::run_store("/nonexistent-dir/x.h5", false, {1, "t", 1}),
                      Catch::Matchers::Contains("does not exist"));
    temp_dir dir("kcsim_store");
    auto sc = scenario::load("builtin:plan.toml");
    io::run_store store((dir.path / "x.h5").string(), false, {1, "t", 1});
    const auto g = store.add_scenario(*sc, 1);
    engine::replicate_result bad;
    bad.metrics.assign(10, 0.0);
    CHECK_THROWS_AS(store.append(g, bad), internal_error);
}

TEST_CASE("a unit's bytes carry each result's encoded metrics chunk", "[io]") {
    // kcsim compare encodes the chunks where a unit is computed; the journal and MPI keep them.
    auto sc = scenario::load("builtin:plan.toml");
    auto a = fake(*sc, 0), b = fake(*sc, 1);
    io::run_store::prepare(a);  // b is left unprepared
    const auto back = io::journal::decode(io::journal::encode({a, b}));
    REQUIRE(back.size() == 2);
    CHECK_FALSE(a.encoded_metrics.empty());
    CHECK(back[0].encoded_metrics == a.encoded_metrics);
    CHECK(back[1].encoded_metrics.empty());
    CHECK(back[1].metrics == b.metrics);
}

TEST_CASE("a result with only its encoded chunk and a summary is stored as with its metrics", "[io]") {
    // A comparison's units drop the metrics once encoded and keep a summary: the file is the same.
    temp_dir dir("kcsim_store");
    auto sc = scenario::load("builtin:plan.toml");
    auto full = fake(*sc, 0);
    io::run_store::prepare(full);
    auto lean = full;
    lean.metrics = {};
    lean.summary = {1.0, 2.0, 3.0};
    const auto back = io::journal::decode(io::journal::encode({lean}));
    REQUIRE(back.size() == 1);
    CHECK(back[0].summary == lean.summary);
    CHECK(back[0].metrics.empty());
    std::vector<std::string> files;
    for (const engine::replicate_result* r : std::array<const engine::replicate_result*, 2>{&full, &back[0]}) {
        const auto path = (dir.path / ("s" + std::to_string(files.size()) + ".h5")).string();
        io::run_store store(path, false, {1, "t", 1});
        store.append(store.add_scenario(*sc, 1), *r);
        store.commit();
        files.push_back(path);
    }
    const auto read = [](const std::string& path) {
        std::vector<double> v;
        const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
        const hid_t d = H5Dopen2(f, "scenarios/plan/metrics", H5P_DEFAULT);
        const hid_t space = H5Dget_space(d);
        v.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
        H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
        H5Sclose(space);
        H5Dclose(d);
        H5Fclose(f);
        return v;
    };
    CHECK(read(files[0]) == full.metrics);
    CHECK(read(files[1]) == full.metrics);
    engine::replicate_result neither = lean;
    neither.encoded_metrics = {};
    io::run_store store((dir.path / "x.h5").string(), false, {1, "t", 1});
    CHECK_THROWS_AS(store.append(store.add_scenario(*sc, 1), neither), internal_error);
}

TEST_CASE("a state file saves and reloads every column of the world bit-exactly", "[io][determinism]") {
    temp_dir dir("kcsim_store");
    auto sc = scenario::load("builtin:plan.toml");
    engine::execution_context ctx(2);
    engine::simulation sim(sc, 3, 1);
    sim.advance(ctx, 60);  // teams, consortia, start-ups, ledger and dead firms all exist by now
    REQUIRE(sim.world().t.size() > 0);
    REQUIRE(sim.world().s.size() > 0);
    REQUIRE_FALSE(sim.world().ledger.empty());
    const auto path = (dir.path / "state.h5").string();
    const std::size_t row = sc->districts.size() * model::n_metrics;
    const auto prefix = sim.metrics().subspan(0, 60 * row);
    {
        io::state_writer w(path, false, {sc->name, sc->resolved_toml, sc->hash, 3, 60, "2022-02-28", 1});
        w.add({1, sim.world(), std::vector<double>(prefix.begin(), prefix.end())});
        w.commit();
    }
    const auto header = io::read_state_header(path);
    CHECK(header.step == 60);
    CHECK(header.seed == 3);
    CHECK(header.scenario_sha256 == sc->hash);
    const auto back = io::read_state(path, 1);
    CHECK(back.world == sim.world());
    CHECK(std::equal(prefix.begin(), prefix.end(), back.metrics.begin(), back.metrics.end()));
    CHECK_THROWS_AS(io::read_state(path, 7), io_error);

    // Continuing from the reloaded state gives the run that never stopped.
    engine::simulation resumed(sc, 3, 1);
    resumed.resume(back.world, back.metrics);
    resumed.run(ctx);
    sim.run(ctx);
    CHECK(resumed.world() == sim.world());
    CHECK(std::equal(sim.metrics().begin(), sim.metrics().end(), resumed.metrics().begin()));
}

TEST_CASE("a file that is not a state file is refused clearly", "[io]") {
    temp_dir dir("kcsim_store");
    auto sc = scenario::load("builtin:plan.toml");
    const auto out = (dir.path / "run.h5").string();
    {
        io::run_store store(out, false, {1, "test", 1});
        store.add_scenario(*sc, 1);
        store.commit();
    }
    CHECK_THROWS_WITH(io::read_state_header(out), Catch::Matchers::Contains("not a kcsim state file"));
    CHECK_THROWS_WITH(io::read_state_header((dir.path / "missing.h5").string()),
                      Catch::Matchers::Contains("does not exist"));
}

TEST_CASE("a state whose indices or lengths do not fit the scenario is refused, checksum or not", "[io]") {
    temp_dir dir("kcsim_store");
    auto sc = scenario::load("builtin:plan.toml");
    engine::execution_context ctx(2);
    engine::simulation sim(sc, 3, 0);
    sim.advance(ctx, 60);
    const std::size_t row = sc->districts.size() * model::n_metrics;
    const auto prefix = sim.metrics().subspan(0, 60 * row);
    const std::vector<double> metrics(prefix.begin(), prefix.end());
    int k = 0;
    // state_writer checksums what it is given, so only the checks against the scenario can refuse these.
    auto refused = [&](const state::world& w, const std::vector<double>& m, const std::string& fragment) {
        const auto path = (dir.path / ("bad" + std::to_string(k++) + ".h5")).string();
        {
            io::state_writer wr(path, false, {sc->name, sc->resolved_toml, sc->hash, 3, 60, "2022-02-28", 1});
            wr.add({0, w, m});
            wr.commit();
        }
        CHECK_THROWS_WITH(io::read_state(path, 0), Catch::Matchers::Contains("is damaged") &&
                                                       Catch::Matchers::Contains(path) &&
                                                       Catch::Matchers::Contains(fragment));
    };
    auto w = sim.world();
    REQUIRE(w.f.size() > 10);
    w.f.district[5] = static_cast<std::uint16_t>(sc->districts.size());
    refused(w, metrics, "firms/district[5]");
    w = sim.world();
    w.f.sector[3] = 200;
    refused(w, metrics, "firms/sector[3]");
    w = sim.world();
    w.f.consortium[2] = static_cast<std::int32_t>(w.c.size());
    refused(w, metrics, "firms/consortium[2]");
    w = sim.world();
    w.f.output.pop_back();  // a short column
    refused(w, metrics, "firms/output has");
    w = sim.world();
    REQUIRE(w.t.size() > 0);
    w.t.districts[0].push_back(999);
    refused(w, metrics, "teams/district_list[0]");
    w = sim.world();
    w.d.effort.push_back(1.0);
    refused(w, metrics, "districts/effort has");
    w = sim.world();
    w.step = 61;
    refused(w, metrics, "step 61");
    refused(sim.world(), std::vector<double>(metrics.begin(), metrics.end() - 1), "metrics has");
}

TEST_CASE("a state file's header is checked: its checksum, the scenario hash, step and date", "[io]") {
    temp_dir dir("kcsim_store");
    auto sc = scenario::load("builtin:plan.toml");
    engine::simulation sim(sc, 3, 0);
    const std::string path = (dir.path / "s.h5").string();
    auto write = [&](const io::state_header& h, const std::string& p) {
        io::state_writer wr(p, false, h);
        wr.add({0, sim.world(), {}});
        wr.commit();
    };
    write({sc->name, sc->resolved_toml + "\n# edited", sc->hash, 3, 0, "2021-01-04", 1}, path);
    CHECK_THROWS_WITH(io::read_state_header(path), Catch::Matchers::Contains("scenario's SHA-256"));
    const std::string p2 = (dir.path / "s2.h5").string();
    write({sc->name, sc->resolved_toml, sc->hash, 3, 0, "2021-02-01", 1}, p2);
    CHECK_THROWS_WITH(io::read_state_header(p2), Catch::Matchers::Contains("is not the start of step 0"));
    const std::string p3 = (dir.path / "s3.h5").string();
    write({sc->name, sc->resolved_toml, sc->hash, 3, 100000, "2021-01-04", 1}, p3);
    CHECK_THROWS_WITH(io::read_state_header(p3), Catch::Matchers::Contains("outside the saved scenario"));
    // An edit after writing (any attribute) no longer matches the header checksum.
    const std::string p4 = (dir.path / "s4.h5").string();
    write({sc->name, sc->resolved_toml, sc->hash, 3, 0, "2021-01-04", 1}, p4);
    {
        hid_t f = H5Fopen(p4.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        REQUIRE(f >= 0);
        hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
        const std::uint64_t other = 4;
        REQUIRE(H5Awrite(a, H5T_NATIVE_UINT64, &other) >= 0);
        H5Aclose(a);
        H5Fclose(f);
    }
    CHECK_THROWS_WITH(io::read_state_header(p4), Catch::Matchers::Contains("does not match its checksum"));
}
