#include "scenario/scenario.hpp"

namespace kcsim::scenario {

std::size_t scenario::sector_index(std::string_view id) const {
    for (std::size_t i = 0; i < sectors.size(); ++i) {
        if (sectors[i].id == id) return i;
    }
    return static_cast<std::size_t>(-1);
}

std::size_t scenario::district_index(std::string_view id) const {
    for (std::size_t i = 0; i < districts.size(); ++i) {
        if (districts[i].id == id) return i;
    }
    for (std::size_t i = 0; i < districts.size(); ++i) {
        if (!districts[i].name_zh.empty() && districts[i].name_zh == id) return i;
    }
    return static_cast<std::size_t>(-1);
}

std::vector<std::string> scenario::district_names() const {
    std::vector<std::string> v;
    for (const auto& d : districts) v.push_back(d.id);
    for (const auto& d : districts) {
        if (!d.name_zh.empty()) v.push_back(d.name_zh);
    }
    return v;
}

std::string_view to_string(pilot_level v) {
    switch (v) {
    case pilot_level::none: return "none";
    case pilot_level::municipal: return "municipal";
    case pilot_level::national: return "national";
    }
    return "?";
}
std::string_view to_string(subregion v) {
    switch (v) {
    case subregion::metro: return "metro";
    case subregion::northeast: return "northeast";
    case subregion::southeast: return "southeast";
    }
    return "?";
}
std::string_view to_string(district_kind v) {
    switch (v) {
    case district_kind::district: return "district";
    case district_kind::county: return "county";
    case district_kind::autonomous_county: return "autonomous_county";
    case district_kind::functional_zone: return "functional_zone";
    }
    return "?";
}

}  // namespace kcsim::scenario
