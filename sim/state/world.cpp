#include "state/world.hpp"

namespace kcsim::state {

void firms::resize(std::size_t n) {
    id.resize(n);
    district.resize(n);
    flags.resize(n);
    awareness.resize(n);
    needs_unposted.resize(n);
    needs_posted.resize(n);
    raised.resize(n);
    posted.resize(n);
    solved_posted.resize(n);
    solved_unposted.resize(n);
    abandoned.resize(n);
}

} // namespace kcsim::state
