#include "io/output_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"

namespace kcsim::io {

namespace fs = std::filesystem;

namespace {
std::string sys_error() { return std::strerror(errno); }

void fsync_path(const std::string& path, bool directory) {
    const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
    if (fd < 0) throw io_error("cannot open '" + path + "' to sync it: " + sys_error());
    const int rc = ::fsync(fd);
    const std::string err = rc != 0 ? sys_error() : "";
    ::close(fd);
    if (rc != 0 && !directory) throw io_error("cannot sync '" + path + "' to disk: " + err);
}
}  // namespace

void write_whole_file(const std::string& path, std::string_view bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw io_error("cannot write '" + path + "': " + sys_error());
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string err = n < 0 ? sys_error() : "no space written";
            ::close(fd);
            ::unlink(path.c_str());  // never a truncated file that looks whole
            throw io_error("cannot write '" + path + "': " + err);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) {
        const std::string err = sys_error();
        ::unlink(path.c_str());
        throw io_error("cannot write '" + path + "': " + err);
    }
}

void rethrow_write_error(const std::string& path) {
    try {
        throw;
    } catch (const io_error& e) {
        const std::string msg = e.what();
        if (!msg.starts_with("HDF5: ")) throw;  // the others name their file already
        throw io_error("cannot write '" + path + "': " + msg);
    }
}

std::string not_a_regular_file(const std::string& path) {
    struct stat ls {};
    if (::lstat(path.c_str(), &ls) != 0) return "";  // nothing there
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return S_ISLNK(ls.st_mode) ? "a symbolic link to nothing" : "something kcsim cannot inspect";
    }
    if (S_ISREG(st.st_mode)) return "";
    if (S_ISDIR(st.st_mode)) return "a directory";
    if (S_ISFIFO(st.st_mode)) return "a FIFO (named pipe)";
    if (S_ISSOCK(st.st_mode)) return "a socket";
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return "a device";
    return "not a regular file";
}

void check_can_write(const std::string& path, bool overwrite) {
    std::error_code ec;
    // Only a regular file is ever replaced, even with --force: a device, FIFO, socket, folder or
    // dangling symbolic link under the output's name is refused before any work (rename() would
    // put a regular file in its place, or, for a dangling link, fail only at the very end).
    if (const std::string kind = not_a_regular_file(path); !kind.empty()) {
        throw input_error("output '" + path + "' is " + kind +
                          ", not a regular file; kcsim replaces only regular files, even with --force: give a file "
                          "name (.h5)");
    }
    if (!overwrite && fs::exists(fs::symlink_status(path, ec))) {
        throw io_error("output file '" + path +
                       "' already exists; choose another --out, or pass --force to replace it");
    }
    fs::path dir = fs::path(path).parent_path();
    if (dir.empty()) dir = ".";
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw io_error("cannot write '" + path + "': '" + dir.string() + "' is a file, not a folder");
    if (!fs::is_directory(dir, ec)) throw io_error("output folder '" + dir.string() + "' does not exist");
    if (::access(dir.c_str(), W_OK) != 0)
        throw io_error("output folder '" + dir.string() + "' is not writable: " + sys_error());
}

output_file::output_file(std::string final_path, bool overwrite)
    : final_(std::move(final_path)), overwrite_(overwrite) {
    check_can_write(final_, overwrite_);
    const fs::path p(final_);
    // Hidden, with the pid: a crashed run leaves a file that can never be mistaken for a result.
    temp_ = (p.parent_path() / ("." + p.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
}

output_file::~output_file() {
    if (!committed_) {
        std::error_code ec;
        fs::remove(temp_, ec);
    }
}

void output_file::commit() {
    fsync_path(temp_, false);
    if (overwrite_) {
        // What appeared under the name while running is replaced only if it is a regular file.
        if (const std::string kind = not_a_regular_file(final_); !kind.empty()) {
            committed_ = true;  // keep the finished results where they are
            throw io_error("output '" + final_ + "' became " + kind +
                           " while running; not replacing it (results left in '" + temp_ + "')");
        }
        if (::rename(temp_.c_str(), final_.c_str()) != 0) {
            throw io_error("cannot rename '" + temp_ + "' to '" + final_ + "': " + sys_error());
        }
    } else if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_.c_str(), RENAME_NOREPLACE) != 0) {
        if (errno == EEXIST) {
            committed_ = true;  // keep the finished results where they are
            throw io_error("output file '" + final_ + "' appeared while running; not replacing it (results left in '" +
                           temp_ + "')");
        }
        // Filesystems without renameat2: link() fails if the target exists, so no overwrite.
        if (::link(temp_.c_str(), final_.c_str()) != 0) {
            throw io_error("cannot move '" + temp_ + "' to '" + final_ + "': " + sys_error());
        }
        ::unlink(temp_.c_str());
    }
    committed_ = true;
    fs::path dir = fs::path(final_).parent_path();
    fsync_path(dir.empty() ? "." : dir.string(), true);
}

}  // namespace kcsim::io
