#include "cli/options.hpp"

#include <algorithm>
#include <charconv>

#include "core/error.hpp"
#include "core/text.hpp"

namespace kcsim::cli {

std::optional<std::string> parsed::get(const std::string& o) const {
    auto it = values.find(o);
    if (it == values.end()) return std::nullopt;
    return it->second;
}

std::optional<std::int64_t> parsed::integer(const std::string& o, std::int64_t lo, std::int64_t hi) const {
    auto v = get(o);
    if (!v) return std::nullopt;
    std::int64_t x = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), x);
    if (r.ec != std::errc{} || r.ptr != v->data() + v->size() || x < lo || x > hi) {
        throw input_error(command_ + ": option " + o + " = '" + *v + "': expected a whole number from " +
                          std::to_string(lo) + " to " + std::to_string(hi));
    }
    return x;
}

std::optional<core::date> parsed::date(const std::string& o) const {
    auto v = get(o);
    if (!v) return std::nullopt;
    const auto d = core::parse_date(*v);
    if (!d) throw input_error(command_ + ": option " + o + " = '" + *v + "': expected a date like 2022-01-03");
    return d;
}

const option_spec help_option{"--help", "", "this help"};

parsed parse(const std::vector<std::string>& args, const std::vector<option_spec>& specs, const std::string& command,
             std::size_t max_positional) {
    parsed p;
    p.command_ = command;
    std::vector<std::string> names;
    for (const auto& s : specs) names.push_back(s.name);
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i];
        if (a.size() > 1 && a[0] == '-' && a != "-") {
            std::string value;
            bool inline_value = false;
            if (auto eq = a.find('='); eq != std::string::npos) {
                value = a.substr(eq + 1);
                a = a.substr(0, eq);
                inline_value = true;
            }
            auto it = std::find_if(specs.begin(), specs.end(), [&](const option_spec& s) { return s.name == a; });
            if (it == specs.end()) {
                std::string hint = core::closest_match(a, names);
                throw input_error(command + ": unknown option '" + a + "'" +
                                  (hint.empty() ? "" : "; did you mean '" + hint + "'?") + " (see " + command +
                                  " --help)");
            }
            if (it->value.empty()) {
                if (inline_value) throw input_error(command + ": option " + a + " takes no value");
            } else if (!inline_value) {
                if (i + 1 >= args.size()) throw input_error(command + ": option " + a + " needs a value " + it->value);
                value = args[++i];
                // `--out --quiet` is a forgotten value, not a file named "--quiet". (A value that
                // must start with "--" can be given as --out=--name.)
                if (value.size() > 2 && value.starts_with("--")) {
                    const bool file = it->value.find("FILE") != std::string::npos;
                    throw input_error(command + ": " + a + " needs " +
                                      (file ? std::string("a file name") : "a value " + it->value) +
                                      ", got the option " + value);
                }
            }
            if (p.values.contains(a)) throw input_error(command + ": option " + a + " given twice");
            if (!it->value.empty() && value.empty()) {
                throw input_error(command + ": option " + a + " needs a non-empty value " + it->value);
            }
            p.values[a] = value;
        } else {
            p.positional.push_back(a);
        }
    }
    if (p.positional.size() > max_positional) {
        throw input_error(command + ": unexpected argument '" + p.positional[max_positional] + "' (see " + command +
                          " --help)");
    }
    return p;
}

std::string format_options(const std::vector<option_spec>& specs) {
    std::string s;
    for (const auto& o : specs) {
        std::string left = "  " + o.name + (o.value.empty() ? "" : " " + o.value);
        if (left.size() < 24)
            left.resize(24, ' ');
        else
            left += "  ";
        s += left + o.help + "\n";
    }
    return s;
}

}  // namespace kcsim::cli
