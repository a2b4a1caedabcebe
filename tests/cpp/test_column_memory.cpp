// The firm columns' memory (state/column_memory.hpp): blocks are recycled between worlds, columns
// start where they do not share cache sets, and a recycled block carries nothing over.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "state/column_memory.hpp"
#include "state/columns.hpp"
#include "state/world.hpp"

using namespace kcsim;
namespace cm = state::column_memory;

namespace {
std::uintptr_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }
}  // namespace

TEST_CASE("a freed column block is used again, and a new column starts at zero", "[columns]") {
    constexpr std::size_t n = 300'000;  // 1.2 MB of floats: from the cache
    std::uintptr_t page = 0;
    {
        state::column<float> a(n);
        std::fill(a.begin(), a.end(), 7.0f);
        page = address(a.data()) / 4096;
    }
    if (!cm::recycles()) {
        WARN("column blocks are not recycled in this build (AddressSanitizer)");
        return;
    }
    const std::size_t cached = cm::cached_bytes();
    CHECK(cached >= n * sizeof(float));
    state::column<float> b(n);
    CHECK(address(b.data()) / 4096 == page);  // the same block
    CHECK(cm::cached_bytes() < cached);
    CHECK(std::all_of(b.begin(), b.end(), [](float x) { return x == 0.0f; }));
}

TEST_CASE("firm columns are aligned and start at different offsets in their pages", "[columns]") {
    state::firms f;
    f.resize(100'000);
    std::set<std::uintptr_t> offsets;
    std::size_t columns = 0;
    state::world w;
    w.f = f;
    state::for_each_column(w, [&](const char* name, const auto& v) {
        if (std::string_view(name).starts_with("firms/")) {
            CHECK(address(v.data()) % 64 == 0);
            offsets.insert(address(v.data()) % 4096);
            ++columns;
        }
    });
    REQUIRE(columns > 20);
    if (cm::recycles()) CHECK(offsets.size() >= columns - 1);  // 31 offsets in turn
}

TEST_CASE("big column blocks are aligned for huge pages", "[columns]") {
    if (!cm::recycles()) return;
    state::column<double> big(1'000'000);                            // 8 MB
    const std::uintptr_t block = address(big.data()) / 4096 * 4096;  // under the column's offset
    CHECK(block % (std::uintptr_t{2} << 20) == 0);
    big[999'999] = 1.0;
    CHECK(big[999'999] == 1.0);
}

TEST_CASE("a world with its columns copies and compares as before", "[columns]") {
    state::firms f;
    f.resize(70'000);
    f.awareness[69'999] = 0.5f;
    state::firms g = f;
    CHECK(g == f);
    g.awareness[69'999] = 0.25f;
    CHECK_FALSE(g == f);
}

TEST_CASE("a process forked while another thread uses the column memory can use it too", "[columns]") {
    // Python's multiprocessing forks; without the fork handlers the child could inherit the
    // cache's lock held by a thread that does not exist in the child, and hang at its first column.
    // Likewise if the cache were made on first use: a fork while the busy thread below made it
    // left the child waiting on the static's guard (4 runs of this test in 10 hung that way).
    if (!cm::recycles()) return;
    std::atomic<bool> stop{false};
    std::thread busy([&] {
        while (!stop) state::column<float> c(100'000);  // allocate and free, over and over
    });
    int hung = 0, failed = 0;
    for (int k = 0; k < 40; ++k) {
        const pid_t child = fork();
        if (child == 0) {
            state::column<float> c(100'000);
            _exit(c.size() == 100'000 ? 0 : 1);
        }
        REQUIRE(child > 0);
        int status = 0;
        pid_t done = 0;
        for (int wait = 0; wait < 500 && done == 0; ++wait) {  // up to 5 s
            done = waitpid(child, &status, WNOHANG);
            if (done == 0) usleep(10'000);
        }
        if (done == 0) {
            ++hung;
            kill(child, SIGKILL);
            waitpid(child, &status, 0);
        } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            ++failed;
        }
    }
    stop = true;
    busy.join();
    CHECK(hung == 0);
    CHECK(failed == 0);
}
