#include "atomicfile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace keel::agent {

bool AtomicFile::write(const std::filesystem::path &file, std::string_view contents, unsigned mode,
                       std::string &problem)
{
    const std::string temporary = file.string() + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        problem = std::strerror(errno);
        return false;
    }
    ::fchmod(fd, mode); // the umask must not widen or narrow this
    std::size_t written = 0;
    while (written < contents.size()) {
        const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            problem = std::strerror(errno);
            ::close(fd);
            ::unlink(temporary.c_str());
            return false;
        }
        written += std::size_t(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const int syncErrno = errno;
    const bool closed = ::close(fd) == 0; // always, whatever fsync said
    if (!synced || !closed || ::rename(temporary.c_str(), file.c_str()) != 0) {
        problem = std::strerror(!synced ? syncErrno : errno);
        ::unlink(temporary.c_str());
        return false;
    }
    // The rename itself is durable once the directory is.
    syncDirectory(file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path());
    return true;
}

void AtomicFile::syncFile(const std::filesystem::path &file)
{
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

void AtomicFile::syncDirectory(const std::filesystem::path &directory)
{
    const int dir = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

bool AtomicFile::read(const std::filesystem::path &file, std::size_t maxBytes, std::string &contents,
                      std::string &problem)
{
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        problem = std::strerror(errno);
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || std::size_t(st.st_size) > maxBytes) {
        problem = "not a regular file of at most " + std::to_string(maxBytes) + " bytes";
        ::close(fd);
        return false;
    }
    contents.resize(std::size_t(st.st_size));
    std::size_t got = 0;
    while (got < contents.size()) {
        const ssize_t n = ::read(fd, contents.data() + got, contents.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += std::size_t(n);
    }
    ::close(fd);
    contents.resize(got);
    return true;
}

} // namespace keel::agent
