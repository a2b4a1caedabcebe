// Reading scenario and sweep files into toml++ tables with positions (see toml_read.hpp).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/text.hpp"
#include "scenario/embedded.hpp"
#include "scenario/load.hpp"
#include "scenario/toml_guard.hpp"

// toml++'s implementation, compiled here once for the whole loader.
#define TOML_IMPLEMENTATION
#include "scenario/toml_read.hpp"

namespace kcsim::scenario {

namespace detail {

namespace fs = std::filesystem;

namespace {
constexpr std::size_t max_file_bytes = std::size_t{16} << 20;
}  // namespace

where locate(const toml::source_region& r, const std::string& fallback) {
    where w;
    w.file = r.path ? *r.path : fallback;
    w.line = static_cast<int>(r.begin.line);
    w.column = static_cast<int>(r.begin.column);
    return w;
}

[[noreturn]] void fail(const where& w, const std::string& key, const std::string& message) {
    throw scenario_error(w.file, w.line, w.column, key, message);
}

std::string show(const toml::node& n) {
    std::ostringstream os;
    if (n.is_string()) {
        os << '"' << n.as_string()->get() << '"';
    } else if (n.is_table()) {
        os << "a table";
    } else if (n.is_array()) {
        // A short list of plain values is shown as written ([1.0, 3.0]); others by kind.
        const auto& a = *n.as_array();
        const bool plain = a.size() <= 8 && std::all_of(a.begin(), a.end(), [](const toml::node& e) {
                               return e.is_number() || e.is_string() || e.is_boolean();
                           });
        if (plain) {
            os << '[';
            for (std::size_t i = 0; i < a.size(); ++i) os << (i ? ", " : "") << show(a[i]);
            os << ']';
        } else {
            os << "an array";
        }
    } else {
        n.visit([&](const auto& v) { os << v; });
    }
    return os.str();
}

std::string type_name(const toml::node& n) {
    switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    default: return "nothing";
    }
}

std::string fmt_num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

core::date to_date(const toml::node& n) {
    const auto d = n.as_date()->get();
    return core::make_date(d.year, d.month, d.day);
}

double number(const toml::node& n) {
    return n.is_integer() ? static_cast<double>(n.as_integer()->get()) : n.as_floating_point()->get();
}

std::optional<std::string_view> find_builtin(std::string_view rel) {
    for (const auto& f : embedded_files()) {
        if (f.path == rel) return f.text;
    }
    return std::nullopt;
}

std::string default_name(const std::string& origin) {
    std::string o = origin.starts_with(builtin_prefix) ? origin.substr(builtin_prefix.size()) : origin;
    return fs::path(o).stem().string();
}

source_text read_source(const std::string& path, const where& from, const std::string& key) {
    source_text s;
    s.name = path;
    if (path.starts_with(builtin_prefix)) {
        std::string rel = fs::path(path.substr(builtin_prefix.size())).lexically_normal().generic_string();
        auto text = find_builtin(rel);
        if (!text) {
            auto names = builtin_names();
            std::string hint = core::closest_match(rel, names);
            fail(from, key,
                 "no built-in scenario '" + rel + "'" + (hint.empty() ? "" : "; did you mean 'builtin:" + hint + "'?") +
                     " (built-in: " + core::join_or(names) + ")");
        }
        s.name = std::string(builtin_prefix) + rel;
        s.text = std::string(*text);
        std::string parent = fs::path(rel).parent_path().generic_string();
        s.dir = std::string(builtin_prefix) + parent;
        return s;
    }
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        // A copy of a built-in scenario keeps its relative `extends`: point at the built-in.
        std::string builtin;
        const std::string generic = fs::path(path).lexically_normal().generic_string();
        for (const auto& n : builtin_names()) {
            if ((generic == n || generic.ends_with("/" + n)) && n.size() > builtin.size()) builtin = n;
        }
        fail(from, key,
             "scenario file '" + path + "' does not exist" +
                 (builtin.empty() ? ""
                                  : "; did you mean the built-in 'builtin:" + builtin +
                                        "'? (a copied scenario keeps "
                                        "its relative 'extends': write extends = \"builtin:" +
                                        builtin + "\")"));
    }
    if (fs::is_directory(path, ec)) {
        fail(from, key, "'" + path + "' is a directory, expected a scenario file (.toml)");
    }
    // Only regular files are read: a FIFO would block for ever, a device never end.
    if (!fs::is_regular_file(path, ec)) {
        fail(from, key,
             "'" + path + "' is not a regular file (a FIFO, socket or device); expected a scenario file (.toml)");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(from, key, "cannot read scenario file '" + path + "'");
    // A cap, so that `extends = "/dev/zero"` or a huge file is an error, not all of memory.
    std::string text(max_file_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_file_bytes) {
        fail(from, key,
             "'" + path + "' is larger than " + std::to_string(max_file_bytes >> 20) +
                 " MiB; a scenario or sweep file is a few KB");
    }
    s.text = std::move(text);
    s.dir = fs::path(path).parent_path().string();
    if (s.dir.empty()) s.dir = ".";
    return s;
}

std::string resolve_relative(const std::string& dir, const std::string& target) {
    if (target.starts_with(builtin_prefix)) return target;
    if (dir.starts_with(builtin_prefix)) {
        std::string rel = dir.substr(builtin_prefix.size());
        fs::path p = rel.empty() ? fs::path(target) : fs::path(rel) / target;
        return std::string(builtin_prefix) + p.lexically_normal().generic_string();
    }
    fs::path p(target);
    if (p.is_absolute()) return p.string();
    return (fs::path(dir) / p).lexically_normal().string();
}

toml::table parse(const source_text& s) {
    // TOML is UTF-8; a file of binary junk gets the same clear error as a syntax error.
    if (s.text.find('\0') != std::string::npos) {
        auto pos = s.text.find('\0');
        int line =
            1 + static_cast<int>(std::count(s.text.begin(), s.text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
        fail(where{s.name, line, 0}, "", "not a TOML text file (contains a NUL byte)");
    }
    // A UTF-8 byte-order mark, as some editors write, is not part of the TOML text. Line and
    // column numbers are unchanged: the mark occupies no column.
    std::string_view text = s.text;
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (const auto at = find_bare_non_ascii(text)) {
        fail(where{s.name, at->line, at->column}, "",
             "TOML syntax error: a non-ASCII character outside a quoted string or comment; quote the text");
    }
    try {
        return toml::parse(text, s.name);
    } catch (const toml::parse_error& e) {
        fail(locate(e.source(), s.name), "", "TOML syntax error: " + std::string(e.description()));
    }
}

}  // namespace detail

std::vector<std::string> builtin_names() {
    std::vector<std::string> v;
    for (const auto& f : embedded_files()) v.emplace_back(f.path);
    return v;
}

}  // namespace kcsim::scenario
