#pragma once
// The HDF5 run store: one file per run, one group per scenario, metrics as a labelled
// (replicate, time, district, metric) array that xarray opens with engine="h5netcdf" and h5py
// reads plainly. Layout and attributes: docs/output-format.md.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "analysis/calibration.hpp"
#include "analysis/compare.hpp"
#include "analysis/selection.hpp"
#include "analysis/sweep.hpp"
#include "engine/ensemble.hpp"
#include "scenario/scenario.hpp"

namespace kcsim::io {

struct provenance {
    std::uint64_t seed = 0;
    std::string command;  // the command line that made the file
    int threads = 0;
    // When the run continued saved states (--resume-from): the state file, its step and the
    // SHA-256 of the scenario the states were made with.
    std::string resumed_from = {};
    int resumed_step = -1;
    std::string resumed_scenario_sha256 = {};
};

class run_store {
public:
    // Creates the file under a temporary name next to `path`. Throws io_error.
    run_store(const std::string& path, bool overwrite, const provenance& prov);
    ~run_store();  // an uncommitted store leaves nothing behind
    run_store(const run_store&) = delete;
    run_store& operator=(const run_store&) = delete;

    // Adds /scenarios/<name> with its coordinates and provenance; returns its index.
    std::size_t add_scenario(const scenario::scenario& sc, std::uint64_t replicates_planned);
    // The part of append that needs no file: encodes r.metrics into r.encoded_metrics (the
    // metrics chunk as stored). Thread-safe; pass it as the ensemble's prepare, so that it runs in
    // parallel and append, in the serial stage, only writes.
    static void prepare(engine::replicate_result& r);
    // Appends one replicate (in the order given) and flushes it to the file. Writes
    // r.encoded_metrics as the metrics chunk if prepare made it, else encodes r.metrics here.
    void append(std::size_t scenario_index, const engine::replicate_result& r);
    // Adds /comparison: per replicate city figures, each scenario's summary and paired
    // difference from the first, and the probability of meeting each plan target.
    void write_comparison(const analysis::comparison& c);
    // A text attribute of a group already written (/comparison, /sweep): the posterior file and summary.
    void annotate(const std::string& group, const std::string& name, const std::string& value);
    // Adds /sweep: the sweep file, the experiments table (one row per experiment), the city
    // figures of every replicate of every experiment, and sensitivity indices per policy and
    // outcome. outcomes: [experiment][replicate][metric]; yearly: the same per calendar year,
    // [experiment][replicate][year][metric] (model::city_by_year); indices: [policy][outcome];
    // contrasts: the same for policy p - policy 0 (analysis::contrast_sensitivity).
    void write_sweep(const scenario::sweep& sw, const analysis::experiments& ex, const std::vector<double>& outcomes,
                     const std::vector<double>& yearly, const std::vector<std::string>& outcome_names,
                     const std::vector<std::vector<analysis::sensitivity>>& indices,
                     const std::vector<std::vector<analysis::sensitivity>>& contrasts);
    // Adds /calibration (the targets, every wave's design and implausibility, the ABC draws and
    // diagnostics, the identifiability report) and /posterior (the weighted sample and the
    // equally weighted draws that compare --parameters reads). Layout: docs/calibration.md.
    void write_calibration(const analysis::calibration& c);
    // Adds /selection (kcsim select): the decision file, the search's stages and every portfolio
    // it evaluated, the top portfolios with their gains, contrasts and P(best), the best's
    // per-district contributions and scenario discovery; `best` is the best portfolio's scenario
    // (its resolved TOML is kept, to run it again). Layout: docs/select.md.
    void write_selection(const scenario::decision& d, const analysis::selection_result& s,
                         const scenario::scenario& best, const std::string& table, double seconds);
    // Closes, syncs and renames the file into place.
    void commit();

    const std::string& path() const;
    double write_seconds() const;  // wall time spent in append, write_* and commit so far

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace kcsim::io
