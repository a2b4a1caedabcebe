#include "state/column_memory.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <pthread.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define KCSIM_PLAIN_COLUMNS 1  // AddressSanitizer sees only operator new's blocks: keep them all
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KCSIM_PLAIN_COLUMNS 1
#endif
#endif

namespace kcsim::state::column_memory {

namespace {

#ifndef KCSIM_PLAIN_COLUMNS
constexpr std::size_t huge = std::size_t{2} << 20;  // a transparent huge page
constexpr std::size_t granule = 64 * 1024;
constexpr std::size_t page = 4096;

// Columns start at staggered offsets within their first page: blocks are page-aligned, and
// columns read at the same index would otherwise all fall into the same L1 cache sets.
std::size_t next_colour() {
    static std::atomic<std::size_t> n{0};
    return (n.fetch_add(1, std::memory_order_relaxed) % 31) * 128;
}

// Sizes are rounded so that nearly equal requests (columns of one scenario) share blocks; a page
// more leaves room for the offset.
std::size_t block_size(std::size_t bytes) {
    const std::size_t unit = bytes + page >= huge ? huge : granule;
    return (bytes + page + unit - 1) / unit * unit;
}

void* map_block(std::size_t size) {
    if (size < huge) {
        // Populated in one call: much cheaper than one fault per page.
        void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        return p;
    }
    // Aligned to 2 MiB so that the whole block can be huge pages: map more, unmap the ends.
    void* raw = mmap(nullptr, size + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + huge - 1) / huge * huge;
    if (aligned > start) munmap(raw, aligned - start);
    const std::uintptr_t tail = aligned + size, end = start + size + huge;
    if (end > tail) munmap(reinterpret_cast<void*>(tail), end - tail);
    void* p = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE);  // advice only: without THP the block is ordinary pages
#endif
    return p;
}
#endif

struct cache {
    std::mutex m;
    std::multimap<std::size_t, void*> blocks;  // by size
    std::size_t bytes = 0;
};

cache& the_cache() {
    static cache* c = [] {
        auto* made = new cache;  // never destroyed: worlds may be freed during static destruction
        // A fork (Python's multiprocessing) while another thread is inside the cache would leave
        // the child's lock held for ever: the lock is taken around fork, as malloc takes its own.
        pthread_atfork([] { the_cache().m.lock(); }, [] { the_cache().m.unlock(); }, [] { the_cache().m.unlock(); });
        return made;
    }();
    return *c;
}

// Made (and the fork handlers registered) while the program loads, before any thread: a fork
// while another thread was making it on first use would leave the child waiting for ever on the
// static's initialisation guard.
[[maybe_unused]] const cache& made_at_load = the_cache();

}  // namespace

void* allocate(std::size_t bytes) {
#ifndef KCSIM_PLAIN_COLUMNS
    if (bytes >= threshold) {
        const std::size_t size = block_size(bytes);
        void* block = nullptr;
        auto& c = the_cache();
        {
            const std::lock_guard lock(c.m);
            if (auto it = c.blocks.find(size); it != c.blocks.end()) {
                block = it->second;
                c.blocks.erase(it);
                c.bytes -= size;
            }
        }
        if (block == nullptr) block = map_block(size);
        return static_cast<char*>(block) + next_colour();
    }
#endif
    return ::operator new(bytes);
}

void deallocate(void* p, [[maybe_unused]] std::size_t bytes) noexcept {
    if (p == nullptr) return;
#ifndef KCSIM_PLAIN_COLUMNS
    if (bytes >= threshold) {
        const std::size_t size = block_size(bytes);
        p = reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(p) / page * page);  // the block
        auto& c = the_cache();
        {
            const std::lock_guard lock(c.m);
            if (c.bytes + size <= cache_limit) {
                try {
                    c.blocks.emplace(size, p);
                    c.bytes += size;
                    return;
                } catch (const std::bad_alloc&) {  // no room to note it: unmapped below
                }
            }
        }
        munmap(p, size);
        return;
    }
#endif
    ::operator delete(p);
}

bool recycles() {
#ifdef KCSIM_PLAIN_COLUMNS
    return false;
#else
    return true;
#endif
}

std::size_t cached_bytes() {
    auto& c = the_cache();
    const std::lock_guard lock(c.m);
    return c.bytes;
}

}  // namespace kcsim::state::column_memory
