#pragma once
// Internal to the scenario loader. Following `extends`: each file of the chain is read and
// checked on its own, then merged onto the file it extends.
#include <string>
#include <vector>

#include "scenario/toml_read.hpp"

namespace kcsim::scenario::detail {

// The longest chain of `extends` a scenario may have.
inline constexpr std::size_t max_extends_depth = 16;

// Moves `over` onto `base`: tables merge key by key; [[events]] are added to the base's;
// [[districts]] merge by id (a known id overrides fields, a new id is added); any other value
// or array replaces. Moving keeps toml++'s source positions, so errors point into the right file.
void merge_into(toml::table& base, toml::table&& over, bool top = true);

// Loads `path` and everything it extends, merged, each file validated on its own. `chain` holds
// the files being loaded (to refuse cycles); `origin`, if given, receives the file's name, and
// the file is then named after itself unless it names itself, and described as derived from its
// parent unless it describes itself; `parents`, if given, receives the files it extends, nearest
// first.
toml::table load_chain(const std::string& path, const where& from, const std::string& key,
                       std::vector<std::string>& chain, std::string* origin,
                       std::vector<std::string>* parents = nullptr);
// The same for a file already read (scenario::load_text).
toml::table load_source(const source_text& src, std::vector<std::string>& chain, std::string* origin,
                        std::vector<std::string>* parents = nullptr);

}  // namespace kcsim::scenario::detail
