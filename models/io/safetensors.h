#pragma once
// safetensors reader (memory-mapped, zero-copy) and writer.
//
// Format: 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end)} (offsets relative to the data area), an optional
// "__metadata__" string map, then the raw little-endian row-major data.
//
//   sm::io::SafetensorsFile file("weights.safetensors");   // throws sm::WeightsError on any corruption
//   torch::Tensor w = file.tensor("conv_in.weight");        // view into the mapping; file must outlive? no:
//                                                           // the tensor keeps the mapping alive itself.
//
// Every header field is validated (length, JSON, dtype, shape, offsets inside the file, no overlaps, byte count
// equal to numel × element size, no integer overflow); errors name the file and the problem.
// Thread-safety: a SafetensorsFile is immutable after construction; tensor() may be called from any thread.
#include "io/state_dict.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sm::io {

struct SafetensorsEntry {
    std::string name;
    std::string dtype;  // as written in the file: "F32", "F16", "BF16", "I64", ...
    torch::ScalarType scalarType = torch::kFloat;
    std::vector<int64_t> shape;
    uint64_t begin = 0;  // byte offsets relative to the data area, [begin, end)
    uint64_t end = 0;
};

class MappedFile;

class SafetensorsFile {
public:
    /// Maps and validates the file. Throws sm::WeightsError naming the file and the problem.
    explicit SafetensorsFile(const std::string& path);

    const std::string& path() const { return m_path; }
    /// Tensor names in data order.
    const std::vector<SafetensorsEntry>& entries() const { return m_entries; }
    bool contains(const std::string& name) const { return m_index.count(name) != 0; }
    const SafetensorsEntry& entry(const std::string& name) const;
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }

    /// A CPU tensor viewing the mapped bytes (copy-on-write: writing to it never touches the file).
    /// The tensor keeps the mapping alive. Throws sm::WeightsError for an unknown name.
    torch::Tensor tensor(const std::string& name) const;

    /// Every tensor, as views.
    StateDict readAll() const;

private:
    std::string m_path;
    std::shared_ptr<MappedFile> m_map;
    uint64_t m_dataOffset = 0;
    std::vector<SafetensorsEntry> m_entries;
    std::map<std::string, size_t> m_index;
    std::map<std::string, std::string> m_metadata;
};

/// Reads every tensor of a safetensors file (views into the mapping).
StateDict readSafetensors(const std::string& path);

/// Writes tensors in the given order (contiguous CPU copies are made as needed) atomically: the data goes to
/// "<path>.tmp" first and is renamed over <path> only when complete. Throws sm::WeightsError on I/O errors.
void writeSafetensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

/// Same, from a StateDict (name order).
void writeSafetensors(const std::string& path, const StateDict& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace sm::io
