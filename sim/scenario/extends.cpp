// Following `extends` and merging the chain of files.
#include "scenario/extends.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>

#include "scenario/validate.hpp"

namespace kcsim::scenario::detail {

void merge_into(toml::table& base, toml::table&& over, bool top) {
    for (auto&& [k, v] : over) {
        if (v.is_table()) {
            if (auto* bt = base[k].as_table()) {
                merge_into(*bt, std::move(*v.as_table()), false);
                continue;
            }
        }
        toml::array* barr = top ? base[k].as_array() : nullptr;
        if (barr && v.is_array() && k.str() == "events") {
            for (auto& e : *v.as_array()) barr->push_back(std::move(e));
            continue;
        }
        if (barr && v.is_array() && (k.str() == "districts" || k.str() == "sectors")) {
            // Records are merged by id through a hash map: linear in the number of records (a
            // search of the base for each record was quadratic, minutes for 70,000 districts).
            std::unordered_map<std::string, std::size_t> index;
            index.reserve(barr->size() + v.as_array()->size());
            for (std::size_t j = 0; j < barr->size(); ++j) {
                if (auto id = (*barr)[j].as_table()->get("id")->value<std::string>()) index.emplace(*id, j);
            }
            for (auto& e : *v.as_array()) {
                auto& et = *e.as_table();
                const auto id = et["id"].value<std::string>().value_or(std::string{});
                if (auto same = index.find(id); same != index.end()) {
                    merge_into(*(*barr)[same->second].as_table(), std::move(et), false);
                } else {
                    index.emplace(id, barr->size());
                    barr->push_back(std::move(e));
                }
            }
            continue;
        }
        base.insert_or_assign(k, std::move(v));
    }
}

toml::table load_chain(const std::string& path, const where& from, const std::string& key,
                       std::vector<std::string>& chain, std::string* origin, std::vector<std::string>* parents) {
    if (std::find(chain.begin(), chain.end(), path) != chain.end()) {
        std::string cycle;
        for (const auto& c : chain) cycle += c + " -> ";
        fail(from, key, "circular 'extends': " + cycle + path);
    }
    if (chain.size() >= max_extends_depth) {
        fail(from, key, "'extends' nested more than " + std::to_string(max_extends_depth) + " deep");
    }
    return load_source(read_source(path, from, key), chain, origin, parents);
}

toml::table load_source(const source_text& src, std::vector<std::string>& chain, std::string* origin,
                        std::vector<std::string>* parents) {
    if (origin) *origin = src.name;
    chain.push_back(src.name);
    toml::table t = parse(src);
    check_file(t, src.name);
    // The scenario loaded is named after its own file unless it names itself: a file that extends
    // plan.toml must not write to plan's output.
    if (origin && !t.contains("name")) t.insert("name", default_name(src.name));
    toml::table merged;
    if (auto ext = t["extends"].value<std::string>()) {
        const where w = locate(t["extends"].node()->source(), src.name);
        const std::string parent = resolve_relative(src.dir, *ext);
        if (parents) parents->push_back(parent);
        merged = load_chain(parent, w, "extends", chain, nullptr, parents);
    }
    t.erase("extends");
    // A scenario that does not describe itself is not its parent: say what it derives from.
    std::optional<std::string> derived_from;
    if (origin && !t.contains("description") && merged.contains("name")) {
        derived_from = "derived from " + merged["name"].value_or(std::string()) + ": " +
                       merged["description"].value_or(std::string());
    }
    merge_into(merged, std::move(t));
    if (derived_from) merged.insert_or_assign("description", *derived_from);
    chain.pop_back();
    return merged;
}

}  // namespace kcsim::scenario::detail
