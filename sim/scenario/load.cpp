// Loading a scenario (load.hpp): the entry points. The parts are toml_read (files, positions,
// messages), validate (one file against the parameter table and the record schemas), events,
// extends (following and merging the chain), build (the scenario from the merged table);
// sweep.cpp loads sweep files with them.
#include "scenario/load.hpp"

#include <filesystem>

#include "core/sha256.hpp"
#include "scenario/build.hpp"
#include "scenario/embedded.hpp"
#include "scenario/extends.hpp"
#include "scenario/toml_read.hpp"
#include "scenario/validate.hpp"

namespace kcsim::scenario {

namespace fs = std::filesystem;
using namespace detail;

scenario_ptr load(const std::string& path) {
    std::vector<std::string> chain, parents;
    std::string origin;
    const std::string root = path.starts_with(builtin_prefix) ? path : fs::path(path).lexically_normal().string();
    toml::table t = load_chain(root, where{path, 0, 0}, "", chain, &origin, &parents);
    return build(std::move(t), origin, "", std::move(parents));
}

scenario_ptr load_text(std::string_view text, const std::string& origin, const std::string& base_dir) {
    std::vector<std::string> chain, parents;
    std::string loaded_as;  // given, so that the text is named and described as a top-level file is
    toml::table t = load_source(source_text{origin, std::string(text), base_dir}, chain, &loaded_as, &parents);
    return build(std::move(t), origin, "", std::move(parents));
}

scenario_ptr derive(const scenario& base, std::string_view overrides, const std::string& name) {
    toml::table merged = parse(source_text{base.source, base.resolved_toml, "."});
    source_text over{"<overrides>", std::string(overrides), "."};
    toml::table t = parse(over);
    if (t.contains("extends")) fail(where{over.name, 0, 0}, "extends", "overrides cannot use 'extends'");
    check_file(t, over.name);
    // A variant needs a name of its own: results are labelled by name, and compare refuses two
    // scenarios with the same one. Without a name (here or in the overrides), the parent's name
    // and a short hash of the overrides: the same overrides give the same name.
    const bool named = !name.empty() || t.contains("name");
    merge_into(merged, std::move(t));
    if (!named) merged.insert_or_assign("name", base.name + "-" + core::sha256_hex(overrides).substr(0, 8));
    return build(std::move(merged), base.source, name);
}

scenario_ptr until(const scenario& base, core::date end) {
    toml::table t = parse(source_text{base.source, base.resolved_toml, "."});
    if (auto* cal = t["calendar"].as_table())
        cal->insert_or_assign("end", toml::date{[&] {
                                  int y = 0, m = 0, d = 0;
                                  core::to_ymd(end, y, m, d);
                                  return toml::date{static_cast<std::uint16_t>(y), static_cast<std::uint8_t>(m),
                                                    static_cast<std::uint8_t>(d)};
                              }()});
    if (auto* events = t["events"].as_array()) {
        for (std::size_t i = events->size(); i-- > 0;) {
            const auto* e = (*events)[i].as_table();
            const toml::node* d = e ? e->get("date") : nullptr;
            if (d && d->is_date() && to_date(*d) > end) events->erase(events->begin() + static_cast<std::ptrdiff_t>(i));
        }
    }
    return build(std::move(t), base.source, base.name);
}

}  // namespace kcsim::scenario
