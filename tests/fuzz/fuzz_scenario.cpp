// libFuzzer target: scenario text -> kcsim::scenario::load_text (TOML parse, `extends`, every
// check). A kcsim::error (exit 2 or 1 in the program) is the expected answer to bad input;
// any other exception, a crash, a sanitizer report, a leak or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "scenario/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        // Relative `extends` resolve among the built-in files, as in scenarios/.
        kcsim::scenario::load_text(text, "fuzz.toml", "builtin:");
    } catch (const kcsim::error&) {
    }
    return 0;
}
