// Which build of the firm pass's vector kernels runs (lanes.hpp).
#include "model/lanes.hpp"

#include <atomic>

namespace kcsim::model {

namespace {
std::atomic<bool> portable_only{false};
}

void use_portable_kernels(bool on) { portable_only = on; }

bool use_avx2() {
#ifdef KCSIM_HAS_AVX2_KERNELS
    static const bool avx2 = __builtin_cpu_supports("avx2");
    return avx2 && !portable_only.load(std::memory_order_relaxed);
#else
    return false;
#endif
}

}  // namespace kcsim::model
