#pragma once
// Finished work units of a long job (a replicate of a comparison, an experiment of a sweep),
// one small file each in a folder beside the output ("<out>.partial"). Each file is written
// under a temporary name, synced and renamed when complete, so after a crash, even SIGKILL,
// every unit file present is whole and checksummed, and `--resume` redoes only the missing
// units. The output file is assembled from the units at the end, then the folder is removed.
#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "engine/ensemble.hpp"

namespace kcsim::io {

class journal {
public:
    // job_id identifies the job (inputs, seed, replicates): units of another job are refused.
    // Without resume an existing folder is an error (or removed with overwrite).
    // The folder is locked while the journal lives (flock on <folder>/lock, released however the
    // process ends): a second kcsim on the same output, such as a resume started while a killed
    // job's MPI ranks still run, is refused instead of mixing its units with theirs.
    journal(const std::string& out_path, const std::string& job_id, bool resume, bool overwrite);
    ~journal();
    journal(const journal&) = delete;
    journal& operator=(const journal&) = delete;

    bool has(std::size_t unit) const { return done_.contains(unit); }
    std::size_t done() const { return done_.size(); }
    const std::string& dir() const { return dir_; }

    void write(std::size_t unit, const std::vector<engine::replicate_result>& results);
    std::vector<engine::replicate_result> read(std::size_t unit) const;
    void remove();  // once the output file is committed

    // The bytes of a unit (for sending between MPI ranks) and back.
    static std::string encode(const std::vector<engine::replicate_result>& results);
    static std::vector<engine::replicate_result> decode(const std::string& bytes);

private:
    std::string dir_;
    std::string job_;
    std::set<std::size_t> done_;
    int lock_ = -1;
};

}  // namespace kcsim::io
