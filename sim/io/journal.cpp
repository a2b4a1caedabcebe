#include "io/journal.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/sha256.hpp"
#include "io/output_file.hpp"

namespace kcsim::io {

namespace fs = std::filesystem;

namespace {

// The last character is the format's version. 2: each result also carries its encoded metrics
// chunk. 3: and a summary (a comparison's units carry that instead of the metrics). 4: and the
// team weekly reports.
constexpr char magic[8] = {'K', 'C', 'S', 'U', 'N', 'I', 'T', '4'};

template <class T> void put(std::string& out, const T& v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }

template <class T> T get(const std::string& in, std::size_t& at) {
    if (at + sizeof(T) > in.size()) throw io_error("unit file truncated");
    T v;
    std::memcpy(&v, in.data() + at, sizeof v);
    at += sizeof v;
    return v;
}

void put_doubles(std::string& out, const std::vector<double>& v) {
    put<std::uint64_t>(out, v.size());
    if (!v.empty()) out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
}

std::vector<double> get_doubles(const std::string& in, std::size_t& at) {
    const auto n = get<std::uint64_t>(in, at);
    if (n > (in.size() - at) / sizeof(double)) throw io_error("unit file truncated");
    std::vector<double> v(n);
    if (n > 0) std::memcpy(v.data(), in.data() + at, n * sizeof(double));  // an empty vector's data() may be null
    at += n * sizeof(double);
    return v;
}

void put_bytes(std::string& out, const std::vector<unsigned char>& v) {
    put<std::uint64_t>(out, v.size());
    out.append(reinterpret_cast<const char*>(v.data()), v.size());
}

std::vector<unsigned char> get_bytes(const std::string& in, std::size_t& at) {
    const auto n = get<std::uint64_t>(in, at);
    if (n > in.size() - at) throw io_error("unit file truncated");
    std::vector<unsigned char> v(in.begin() + static_cast<std::ptrdiff_t>(at),
                                 in.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
    return v;
}

std::string unit_name(std::size_t u) { return "unit-" + std::to_string(u) + ".bin"; }

void sync_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw io_error("cannot open '" + path + "': " + std::strerror(errno));
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw io_error("cannot sync '" + path + "' to disk: " + std::strerror(errno));
}

}  // namespace

std::string journal::encode(const std::vector<engine::replicate_result>& results) {
    std::string out;
    put<std::uint64_t>(out, results.size());
    for (const auto& r : results) {
        put<std::uint64_t>(out, r.replicate);
        put<std::uint8_t>(out, r.ok ? 1 : 0);
        put<std::uint64_t>(out, r.message.size());
        out += r.message;
        put_doubles(out, r.metrics);
        put_doubles(out, r.ledger);
        put_doubles(out, r.team_reports);
        put<double>(out, r.seconds);
        put_bytes(out, r.encoded_metrics);
        put_doubles(out, r.summary);
    }
    return out;
}

std::vector<engine::replicate_result> journal::decode(const std::string& in) {
    std::size_t at = 0;
    const auto n = get<std::uint64_t>(in, at);
    std::vector<engine::replicate_result> out;
    for (std::uint64_t k = 0; k < n; ++k) {
        engine::replicate_result r;
        r.replicate = get<std::uint64_t>(in, at);
        r.ok = get<std::uint8_t>(in, at) != 0;
        const auto len = get<std::uint64_t>(in, at);
        if (len > in.size() - at) throw io_error("unit file truncated");
        r.message = in.substr(at, len);
        at += len;
        r.metrics = get_doubles(in, at);
        r.ledger = get_doubles(in, at);
        r.team_reports = get_doubles(in, at);
        r.seconds = get<double>(in, at);
        r.encoded_metrics = get_bytes(in, at);
        r.summary = get_doubles(in, at);
        out.push_back(std::move(r));
    }
    return out;
}

journal::journal(const std::string& out_path, const std::string& job_id, bool resume, bool overwrite)
    : dir_(out_path + ".partial"), job_(job_id) {
    std::error_code ec;
    const bool existed = fs::exists(fs::symlink_status(dir_, ec));
    fs::create_directories(dir_, ec);
    if (ec) throw io_error("cannot create '" + dir_ + "': " + ec.message());
    // The lock first: a folder in use by a running job is never touched, not even with --force
    // (which would delete its lock and finished units under it).
    const std::string lock = (fs::path(dir_) / "lock").string();
    lock_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_ < 0) throw io_error("cannot create '" + lock + "': " + std::strerror(errno));
    if (::flock(lock_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        // The holder wrote its pid into the lock file when it took the lock.
        char buf[32] = {};
        const ssize_t n = ::pread(lock_, buf, sizeof buf - 1, 0);
        std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
        while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
        if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) pid = "unknown";
        ::close(lock_);
        lock_ = -1;
        if (err == EWOULDBLOCK) {
            throw io_error("'" + dir_ + "' is in use by another kcsim that is still running (pid " + pid +
                           ": an interrupted job's processes, or MPI ranks left after mpirun was killed); " +
                           "wait for it or stop it, then resume (--force never breaks a running job's lock)");
        }
        throw io_error("cannot lock '" + lock + "': " + std::strerror(err));
    }
    if (existed && !resume) {
        if (!overwrite) {
            ::close(lock_);
            lock_ = -1;
            throw io_error("an interrupted run left '" + dir_ +
                           "'; add --resume to continue it, or --force to start over");
        }
        // --force: start over, keeping the lock this process now holds.
        for (const auto& entry : fs::directory_iterator(dir_)) {
            if (entry.path().filename() != "lock") fs::remove_all(entry.path(), ec);
        }
    }
    // Who holds the lock, for the message a second kcsim gets.
    const std::string me = std::to_string(::getpid()) + "\n";
    if (::ftruncate(lock_, 0) != 0 || ::pwrite(lock_, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
        // Only the message of a second kcsim depends on it; the lock itself holds.
    }
    // Units already done (a resumed run): each must belong to this job and be whole.
    for (const auto& entry : fs::directory_iterator(dir_)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with("unit-") || !name.ends_with(".bin")) continue;
        const std::size_t u = std::stoull(name.substr(5, name.size() - 9));
        read(u);  // throws if corrupt or of another job
        done_.insert(u);
    }
}

void journal::write(std::size_t unit, const std::vector<engine::replicate_result>& results) {
    const std::string payload = encode(results);
    std::string file(magic, sizeof magic);
    file += job_;
    put<std::uint64_t>(file, unit);
    put<std::uint64_t>(file, payload.size());
    file += payload;
    file += core::sha256_hex(payload);
    const std::string final_path = (fs::path(dir_) / unit_name(unit)).string();
    const std::string temp = final_path + ".tmp";
    write_whole_file(temp, file);
    sync_file(temp);
    if (::rename(temp.c_str(), final_path.c_str()) != 0) {
        throw io_error("cannot rename '" + temp + "': " + std::strerror(errno));
    }
    done_.insert(unit);
}

std::vector<engine::replicate_result> journal::read(std::size_t unit) const {
    const std::string path = (fs::path(dir_) / unit_name(unit)).string();
    std::ifstream f(path, std::ios::binary);
    if (!f) throw io_error("cannot read '" + path + "'");
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string file = ss.str();
    const std::size_t head = sizeof magic + job_.size() + 16;
    if (file.size() >= head + 64 && file.compare(0, sizeof magic - 1, magic, sizeof magic - 1) == 0 &&
        file[sizeof magic - 1] != magic[sizeof magic - 1]) {
        throw input_error("'" + path + "' was written by another version of kcsim; use --force to start over " +
                          "instead of --resume");
    }
    if (file.size() < head + 64 || file.compare(0, sizeof magic, magic, sizeof magic) != 0) {
        throw io_error("'" + path + "' is not a kcsim unit file or is damaged; remove it and resume");
    }
    if (file.compare(sizeof magic, job_.size(), job_) != 0) {
        throw input_error("'" + path +
                          "' belongs to a different job (other scenarios, seed or replicates); "
                          "use --force to start over instead of --resume");
    }
    std::size_t at = sizeof magic + job_.size();
    if (get<std::uint64_t>(file, at) != unit) throw io_error("'" + path + "' holds another unit");
    const auto size = get<std::uint64_t>(file, at);
    if (file.size() != at + size + 64) throw io_error("'" + path + "' is damaged (wrong length); remove it and resume");
    const std::string payload = file.substr(at, size);
    if (core::sha256_hex(payload) != file.substr(at + size)) {
        throw io_error("'" + path + "' is damaged (checksum); remove it and resume");
    }
    return decode(payload);
}

journal::~journal() {
    if (lock_ >= 0) ::close(lock_);
}

void journal::remove() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

}  // namespace kcsim::io
