#pragma once
// An output written under a temporary name beside its final name, and renamed into place only
// when complete; never overwrites an existing file unless asked. Removed if never committed.
#include <string>

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

// Refuses early, before any work, when `path` exists and overwrite is false.
void check_can_write(const std::string& path, bool overwrite);

}  // namespace kcsim::io
