#include "core/error.hpp"

#include <utility>

namespace kcsim {

namespace {
std::string locate(const std::string& file, int line, int column, const std::string& message) {
    std::string s = file;
    if (line > 0) {
        s += ":" + std::to_string(line);
        if (column > 0) s += ":" + std::to_string(column);
    }
    return s + ": " + message;
}
}  // namespace

scenario_error::scenario_error(std::string file_, int line_, int column_, std::string key_, std::string message_)
    : input_error(locate(file_, line_, column_, message_)), file(std::move(file_)), line(line_), column(column_),
      key(std::move(key_)), message(std::move(message_)) {}

}  // namespace kcsim
