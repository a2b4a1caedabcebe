#include "dist/mpi.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <mpi.h>
#include <mutex>
#include <thread>

#include "core/error.hpp"

namespace kcsim::dist {

namespace {

bool active = false;
constexpr int tag_request = 1;  // worker -> rank 0: "give me a unit", carrying the last result
constexpr int tag_assign = 2;   // rank 0 -> worker: a unit index, or -1 to stop

bool launched_by_mpirun() {
    return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
           std::getenv("PMIX_RANK") != nullptr;
}

void check(int rc, const char* what) {
    if (rc != MPI_SUCCESS) throw error(std::string("MPI: ") + what + " failed");
}

// A result on the wire: the unit index, then its bytes.
std::string pack(std::size_t unit, const std::string& bytes) {
    std::string msg(sizeof(std::uint64_t), '\0');
    const std::uint64_t u = unit;
    std::memcpy(msg.data(), &u, sizeof u);
    return msg + bytes;
}

}  // namespace

session::session(int& argc, char**& argv) {
    if (!launched_by_mpirun()) return;
    int provided = 0;
    // Only the main thread calls MPI; TBB threads and rank 0's local worker never do.
    check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    active = true;
}

session::~session() {
    if (active) MPI_Finalize();
}

int rank() {
    if (!active) return 0;
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int size() {
    if (!active) return 1;
    int s = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

void on_coordinator(const std::function<void()>& check) {
    if (!active || size() == 1) {
        check();
        return;
    }
    int code = 0;  // 0 ok, 1 io_error or other failure, 2 input_error
    std::string message;
    std::exception_ptr held;
    if (rank() == 0) {
        try {
            check();
        } catch (const input_error& e) {
            code = 2, message = e.what(), held = std::current_exception();
        } catch (const std::exception& e) {
            code = 1, message = e.what(), held = std::current_exception();
        }
    }
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (held) std::rethrow_exception(held);
    if (code != 0) throw refused_by_coordinator(code);
}

void broadcast(std::vector<double>& values) {
    if (!active || size() == 1) return;
    std::uint64_t n = values.size();
    check(MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
    values.resize(static_cast<std::size_t>(n));
    // In pieces below INT_MAX elements, MPI's count type.
    constexpr std::uint64_t piece = 1u << 30;
    for (std::uint64_t at = 0; at < n; at += piece) {
        const int count = static_cast<int>(std::min(piece, n - at));
        check(MPI_Bcast(values.data() + at, count, MPI_DOUBLE, 0, MPI_COMM_WORLD), "MPI_Bcast");
    }
}

void run_units(const std::vector<std::size_t>& todo, const std::function<std::string(std::size_t)>& work,
               const std::function<void(std::size_t, std::string&&)>& on_result,
               const std::function<bool()>& cancelled) {
    if (!active || size() == 1) {
        for (std::size_t u : todo) {
            if (cancelled()) throw kcsim::cancelled();
            on_result(u, work(u));
        }
        return;
    }
    if (rank() != 0) {
        // Worker: ask for a unit (handing in the previous result), run it, repeat until told to stop.
        std::string outbox;
        for (;;) {
            check(MPI_Send(outbox.data(), static_cast<int>(outbox.size()), MPI_BYTE, 0, tag_request, MPI_COMM_WORLD),
                  "MPI_Send");
            std::int64_t unit = -1;
            check(MPI_Recv(&unit, 1, MPI_INT64_T, 0, tag_assign, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
            if (unit < 0) return;
            outbox = pack(static_cast<std::size_t>(unit), work(static_cast<std::size_t>(unit)));
        }
    }

    // Rank 0: hands out units on request and also computes them on a local thread.
    std::mutex m;
    std::condition_variable cv;
    std::size_t next = 0;
    std::deque<std::pair<std::size_t, std::string>> local_results;
    std::exception_ptr local_error;
    bool stop = false;
    auto take = [&]() -> std::int64_t {
        std::lock_guard<std::mutex> lock(m);
        if (stop || next >= todo.size()) return -1;
        return static_cast<std::int64_t>(todo[next++]);
    };
    std::thread local([&] {
        try {
            for (;;) {
                const std::int64_t u = take();
                if (u < 0) break;
                auto bytes = work(static_cast<std::size_t>(u));
                std::lock_guard<std::mutex> lock(m);
                local_results.emplace_back(static_cast<std::size_t>(u), std::move(bytes));
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(m);
            local_error = std::current_exception();
        }
        cv.notify_all();
    });

    const int workers = size() - 1;
    int stopped = 0;
    std::size_t received = 0;
    std::map<int, std::int64_t> in_flight;  // worker rank -> unit
    try {
        while (received < todo.size() || stopped < workers) {
            bool busy = false;
            {
                std::unique_lock<std::mutex> lock(m);
                if (local_error) std::rethrow_exception(local_error);
                while (!local_results.empty()) {
                    auto item = std::move(local_results.front());
                    local_results.pop_front();
                    lock.unlock();
                    on_result(item.first, std::move(item.second));
                    ++received;
                    busy = true;
                    lock.lock();
                }
            }
            if (cancelled()) {
                std::string units;
                for (const auto& [r, u] : in_flight)
                    units += " " + std::to_string(u) + " (rank " + std::to_string(r) + ")";
                throw kcsim::cancelled("units still running when stopped:" +
                                       (units.empty() ? std::string(" none") : units));
            }
            int flag = 0;
            MPI_Status st;
            check(MPI_Iprobe(MPI_ANY_SOURCE, tag_request, MPI_COMM_WORLD, &flag, &st), "MPI_Iprobe");
            if (flag) {
                int count = 0;
                MPI_Get_count(&st, MPI_BYTE, &count);
                std::string msg(static_cast<std::size_t>(count), '\0');
                check(MPI_Recv(msg.data(), count, MPI_BYTE, st.MPI_SOURCE, tag_request, MPI_COMM_WORLD,
                               MPI_STATUS_IGNORE),
                      "MPI_Recv");
                if (!msg.empty()) {
                    std::uint64_t u = 0;
                    std::memcpy(&u, msg.data(), sizeof u);
                    on_result(static_cast<std::size_t>(u), msg.substr(sizeof u));
                    ++received;
                }
                const std::int64_t unit = take();
                if (unit < 0) {
                    ++stopped;
                    in_flight.erase(st.MPI_SOURCE);
                } else {
                    in_flight[st.MPI_SOURCE] = unit;
                }
                check(MPI_Send(&unit, 1, MPI_INT64_T, st.MPI_SOURCE, tag_assign, MPI_COMM_WORLD), "MPI_Send");
                busy = true;
            }
            // Polling with a short sleep: a blocking MPI_Recv would spin a core at 100% (OpenMPI).
            if (!busy) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    } catch (...) {
        {
            std::lock_guard<std::mutex> lock(m);
            stop = true;
        }
        local.join();
        throw;
    }
    local.join();
}

}  // namespace kcsim::dist
