#pragma once
// An output written under a temporary name beside its final name, and renamed into place only
// when complete; never overwrites an existing file unless asked. Removed if never committed.
#include <string>
#include <string_view>

namespace kcsim::io {

class output_file {
public:
    // Throws io_error if `final_path` exists and !overwrite, or its folder cannot be written.
    output_file(std::string final_path, bool overwrite);
    ~output_file();  // removes the temporary file if commit() did not happen
    output_file(const output_file&) = delete;
    output_file& operator=(const output_file&) = delete;

    const std::string& temp_path() const { return temp_; }
    const std::string& final_path() const { return final_; }
    // fsync the file, rename it into place (refusing to replace unless overwrite), fsync the folder.
    void commit();

private:
    std::string final_;
    std::string temp_;
    bool overwrite_;
    bool committed_ = false;
};

// Refuses early, before any work: with input_error (exit 2) when `path` exists and is not a
// regular file (a directory, device, FIFO, socket, dangling symbolic link), whatever overwrite
// says; with io_error when it exists and overwrite is false, or its folder cannot be written.
void check_can_write(const std::string& path, bool overwrite);

// What `path` is when something other than a regular file (or a link to one) is there: "a
// directory", "a FIFO (named pipe)", "a symbolic link to nothing", ...; "" when it is a regular
// file or absent.
std::string not_a_regular_file(const std::string& path);

// Writes `bytes` to `path` (created or truncated); on failure removes what was written and throws
// io_error "cannot write 'path': <system reason>" (No space left on device, File too large, ...).
void write_whole_file(const std::string& path, std::string_view bytes);

// In a catch block: rethrows an HDF5 failure while writing the output `path` as "cannot write
// 'path': HDF5: ... failed: <system reason>", so that every writer names the file it was writing.
[[noreturn]] void rethrow_write_error(const std::string& path);

}  // namespace kcsim::io
