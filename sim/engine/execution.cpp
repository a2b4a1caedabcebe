#include "engine/execution.hpp"

#include <sched.h>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include "core/error.hpp"

namespace kcsim::engine {

struct execution_context::impl {
    explicit impl(int n) : arena(n) {}
    tbb::task_arena arena;
};

int available_cores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    return tbb::this_task_arena::max_concurrency();
}

execution_context::execution_context(int threads) {
    if (threads < 0) throw input_error("threads must be 0 (all cores) or positive, got " + std::to_string(threads));
    impl_ = std::make_unique<impl>(threads == 0 ? available_cores() : threads);
}

execution_context::~execution_context() = default;

int execution_context::threads() const { return impl_->arena.max_concurrency(); }

void execution_context::execute(const std::function<void()>& f) { impl_->arena.execute(f); }

void for_blocks(std::size_t n, std::size_t block, const std::function<void(std::size_t, std::size_t)>& f) {
    if (n == 0) return;
    const std::size_t nblocks = block_count(n, block);
    if (nblocks == 1) {
        f(0, n);
        return;
    }
    // Isolation: a thread waiting here must not pick up another replicate's outer task.
    tbb::this_task_arena::isolate([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nblocks, 1),
                          [&](const tbb::blocked_range<std::size_t>& r) {
                              for (std::size_t b = r.begin(); b != r.end(); ++b) {
                                  f(b * block, std::min(n, (b + 1) * block));
                              }
                          });
    });
}

}  // namespace kcsim::engine
