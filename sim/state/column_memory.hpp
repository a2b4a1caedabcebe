#pragma once
// Memory for the firm columns. Every replicate allocates and frees them all, and fresh pages cost
// a page fault each: on the 2-core VMs kcsim is benchmarked on about 16 µs per 4 KiB page, which
// made the columns' first touch (plan.toml: 8 MB, 15-35 ms) cost more than drawing the firms.
// So big column blocks are kept when freed and handed to the next replicate that asks for the
// same size (an ensemble's replicates all do), and blocks of 2 MiB and more are backed by
// transparent huge pages (one fault per 2 MiB). Contents are never carried over: std::vector
// initialises what it uses.
#include <cstddef>
#include <new>
#include <vector>

namespace kcsim::state {

namespace column_memory {

// Blocks from `threshold` bytes up come from (and go back to) the cache; smaller ones are
// ordinary operator new.
inline constexpr std::size_t threshold = 64 * 1024;
// What the cache keeps at most; a block that would exceed it is returned to the system.
inline constexpr std::size_t cache_limit = std::size_t{1} << 30;

void* allocate(std::size_t bytes);
void deallocate(void* p, std::size_t bytes) noexcept;

// The bytes the cache holds now, and whether blocks are cached at all: not under
// AddressSanitizer, which checks only operator new's blocks (tests).
std::size_t cached_bytes();
bool recycles();

}  // namespace column_memory

template <class T> struct column_allocator {
    using value_type = T;
    column_allocator() = default;
    template <class U> column_allocator(const column_allocator<U>&) noexcept {}
    T* allocate(std::size_t n) {
        if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
        return static_cast<T*>(column_memory::allocate(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t n) noexcept { column_memory::deallocate(p, n * sizeof(T)); }
    template <class U> bool operator==(const column_allocator<U>&) const noexcept { return true; }
};

// A firm column: a std::vector with the allocator above.
template <class T> using column = std::vector<T, column_allocator<T>>;

}  // namespace kcsim::state
