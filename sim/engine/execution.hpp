#pragma once
// The one owner of parallelism: a TBB task arena with an explicit thread count. Every parallel
// loop in kcsim runs inside execute(); TBB types stay out of this header.
#include <cstddef>
#include <functional>
#include <memory>

namespace kcsim::engine {

class execution_context {
public:
    // threads = 0 means one per available core (the process affinity mask).
    explicit execution_context(int threads = 0);
    ~execution_context();
    execution_context(const execution_context&) = delete;
    execution_context& operator=(const execution_context&) = delete;

    int threads() const;
    void execute(const std::function<void()>& f);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

int available_cores();

// Runs f(begin, end) over [0, n) in fixed blocks of `block` items, in parallel. Blocks never
// depend on the thread count, so per-block partial results combined in block order are
// bitwise identical for any number of threads. Must be called inside execute().
void for_blocks(std::size_t n, std::size_t block, const std::function<void(std::size_t, std::size_t)>& f);
// The number of blocks for_blocks makes of n items: block k is [k * block, min(n, (k + 1) * block)).
inline std::size_t block_count(std::size_t n, std::size_t block) { return (n + block - 1) / block; }

}  // namespace kcsim::engine
