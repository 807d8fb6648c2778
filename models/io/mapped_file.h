#pragma once
// A read-only file mapped privately into memory (copy-on-write), shared by the tensors that view it.
#include <cstddef>
#include <cstdint>
#include <string>

namespace sm::io {

class MappedFile {
public:
    /// Maps the whole file. Throws sm::WeightsError ("<path>: cannot open: <reason>") on failure.
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    uint8_t* data() const { return m_data; }
    uint64_t size() const { return m_size; }

private:
    uint8_t* m_data = nullptr;
    uint64_t m_size = 0;
};

}  // namespace sm::io
