#include "scenario/toml_write.hpp"

#include <sstream>
#include <vector>

namespace kcsim::scenario {

namespace {

constexpr auto flags = toml::toml_formatter::default_flags & ~toml::format_flags::allow_literal_strings;

std::string formatted(const toml::node& n) {
    std::ostringstream os;
    os << toml::toml_formatter(n, flags);
    return os.str();
}

std::string key_text(const std::string& k) {
    bool bare = !k.empty();
    for (char c : k)
        bare = bare &&
               ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
    return bare ? k : formatted(toml::value<std::string>(k));
}

// One value on one line: scalars as toml++ prints them, arrays "[ a, b ]" as toml++ does when
// they fit, tables inline.
std::string inline_text(const toml::node& n) {
    if (const auto* a = n.as_array()) {
        if (a->empty()) return "[]";
        std::string s = "[ ";
        for (std::size_t i = 0; i < a->size(); ++i) s += (i ? ", " : "") + inline_text(*a->get(i));
        return s + " ]";
    }
    if (const auto* t = n.as_table()) {
        if (t->empty()) return "{}";
        std::string s = "{ ";
        bool first = true;
        for (const auto& [k, v] : *t) {
            s += (first ? "" : ", ") + key_text(std::string(k.str())) + " = " + inline_text(v);
            first = false;
        }
        return s + " }";
    }
    return formatted(n);
}

// Replaces every array that toml++ would print element by element (not an array of tables,
// which it prints as [[headers]]) with a placeholder string, keeping its text in `texts`.
void take_arrays(toml::table& t, std::vector<std::string>& texts, const std::string& mark) {
    std::vector<std::string> taken;
    for (auto&& [k, v] : t) {
        if (auto* sub = v.as_table()) {
            take_arrays(*sub, texts, mark);
        } else if (auto* a = v.as_array()) {
            if (!a->empty() && a->is_array_of_tables()) {
                for (auto& e : *a) take_arrays(*e.as_table(), texts, mark);
            } else {
                taken.emplace_back(k.str());
            }
        }
    }
    for (const auto& k : taken) {
        texts.push_back(inline_text(*t.get(k)));
        t.insert_or_assign(k, mark + std::to_string(texts.size() - 1) + mark);
    }
}

}  // namespace

std::string to_toml_text(const toml::table& t) {
    toml::table copy = t;
    std::vector<std::string> texts;
    // A control character: toml++ escapes it in any string, so a user's text never matches.
    const std::string mark = "\x01";
    take_arrays(copy, texts, mark);
    std::string out = formatted(copy);
    const std::string open = formatted(toml::value<std::string>(mark));  // "\u0001" quoted
    const std::string esc = open.substr(1, open.size() - 2);
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const std::string token = "\"" + esc + std::to_string(i) + esc + "\"";
        const auto at = out.find(token);
        if (at != std::string::npos) out.replace(at, token.size(), texts[i]);
    }
    return out;
}

}  // namespace kcsim::scenario
