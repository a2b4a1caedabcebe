#include "scenario/toml_guard.hpp"

namespace kcsim::scenario {

namespace {
// Where a quote opens a string: after = [ , { or . (a value, an array item, a quoted or dotted
// key), or first on its line. Elsewhere (`x = +"...`) toml++ scans the quote as part of a bare
// value, through the characters that follow, so those are checked like code.
bool opens_string(char prev) {
    return prev == '\n' || prev == '=' || prev == '[' || prev == ',' || prev == '{' || prev == '.';
}

// Bytes in the UTF-8 sequence that starts at text[i], or 0 if it is not valid UTF-8.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t n = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 0;
    if (n == 0 || i + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
    }
    return n;
}
}  // namespace

std::optional<text_position> find_bare_non_ascii(std::string_view text) {
    enum class in { code, comment, basic, literal, ml_basic, ml_literal };
    in state = in::code;
    char prev = '\n';  // the last character of code on this line, not counting blanks
    text_position pos{1, 1};
    auto starts = [&](std::size_t i, std::string_view s) { return text.substr(i, s.size()) == s; };
    for (std::size_t i = 0; i < text.size(); ++i, ++pos.column) {
        const char c = text[i];
        if (static_cast<unsigned char>(c) >= 0x80) {
            // Invalid UTF-8 is an error toml++ reports where it meets it, before anything after.
            const std::size_t n = utf8_length(text, i);
            if (n == 0) return std::nullopt;
            if (state == in::code) return pos;
            i += n - 1;
            pos.column += static_cast<int>(n) - 1;
            continue;
        }
        if (c == '\n') {
            // A single-line string or a comment ends at the line's end (an open string is a
            // syntax error that toml++ reports before it reads further).
            if (state == in::comment || state == in::basic || state == in::literal) state = in::code;
            if (state == in::code) prev = '\n';
            ++pos.line;
            pos.column = 0;
            continue;
        }
        switch (state) {
        case in::code:
            if (c == '#') {
                state = in::comment;
            } else if ((c == '"' || c == '\'') && opens_string(prev)) {
                const bool multi = starts(i, c == '"' ? "\"\"\"" : "'''");
                state = c == '"' ? (multi ? in::ml_basic : in::basic) : (multi ? in::ml_literal : in::literal);
                if (multi) i += 2, pos.column += 2;
            }
            if (c != ' ' && c != '\t') prev = c;
            break;
        case in::comment: break;
        case in::basic:
        case in::ml_basic:
            if (c == '\\') {
                ++i, ++pos.column;  // an escaped character, \" included (a newline is counted next)
                if (i < text.size() && text[i] == '\n') --i, --pos.column;
            } else if (state == in::basic && c == '"') {
                state = in::code;
                prev = c;
            } else if (state == in::ml_basic && starts(i, "\"\"\"")) {
                // Up to two more quotes may close the string as part of its content.
                while (starts(i + 1, "\"\"\"")) ++i, ++pos.column;
                state = in::code;
                prev = '"';
                i += 2, pos.column += 2;
            }
            break;
        case in::literal:
            if (c == '\'') state = in::code, prev = c;
            break;
        case in::ml_literal:
            if (starts(i, "'''")) {
                while (starts(i + 1, "'''")) ++i, ++pos.column;
                state = in::code;
                prev = '\'';
                i += 2, pos.column += 2;
            }
            break;
        }
    }
    return std::nullopt;
}

}  // namespace kcsim::scenario
