#include "io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/error.h"

namespace sm::io {

MappedFile::MappedFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw WeightsError(path + ": cannot open: " + std::strerror(errno));
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        throw WeightsError(path + ": not a regular file");
    }
    m_size = static_cast<uint64_t>(info.st_size);
    if (m_size > 0) {
        // Private + writable: tensors viewing the map may be modified in place without touching the file.
        void* addr = ::mmap(nullptr, m_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (addr == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            throw WeightsError(path + ": cannot map into memory: " + std::strerror(err));
        }
        m_data = static_cast<uint8_t*>(addr);
    }
    ::close(fd);
}

MappedFile::~MappedFile() {
    if (m_data != nullptr) {
        ::munmap(m_data, m_size);
    }
}

}  // namespace sm::io
