#include "io/safetensors.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>

#include "io/mapped_file.h"
#include "runtime/error.h"

namespace sm::io {
namespace {

// Headers beyond this are refused: real ones are a few hundred KiB, a huge value means corruption.
constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;

struct DtypeInfo {
    const char* name;
    torch::ScalarType type;
    uint64_t size;
};

constexpr DtypeInfo kDtypes[] = {
    {"F64", torch::kFloat64, 8}, {"F32", torch::kFloat32, 4}, {"F16", torch::kFloat16, 2},
    {"BF16", torch::kBFloat16, 2}, {"I64", torch::kInt64, 8}, {"I32", torch::kInt32, 4},
    {"I16", torch::kInt16, 2},   {"I8", torch::kInt8, 1},     {"U8", torch::kUInt8, 1},
    {"BOOL", torch::kBool, 1},
};

const DtypeInfo* findDtype(const std::string& name) {
    for (const auto& info : kDtypes) {
        if (name == info.name) {
            return &info;
        }
    }
    return nullptr;
}

const DtypeInfo* findDtype(torch::ScalarType type) {
    for (const auto& info : kDtypes) {
        if (type == info.type) {
            return &info;
        }
    }
    return nullptr;
}

uint64_t readLittleEndian64(const uint8_t* p) {
    uint64_t value = 0;
    for (int i = 7; i >= 0; --i) {
        value = (value << 8) | p[i];
    }
    return value;
}

// Multiplies without overflow; returns false when the product does not fit in 64 bits.
bool checkedMultiply(uint64_t a, uint64_t b, uint64_t* out) {
    if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) {
        return false;
    }
    *out = a * b;
    return true;
}

SafetensorsEntry parseEntry(const std::string& path, const std::string& name, const nlohmann::json& value,
                            uint64_t dataSize) {
    auto fail = [&](const std::string& what) { throw WeightsError(path + ": tensor '" + name + "': " + what); };
    if (!value.is_object()) {
        fail("header entry is not an object");
    }
    SafetensorsEntry entry;
    entry.name = name;
    if (!value.contains("dtype") || !value["dtype"].is_string()) {
        fail("missing or non-string \"dtype\"");
    }
    entry.dtype = value["dtype"].get<std::string>();
    const DtypeInfo* dtype = findDtype(entry.dtype);
    if (dtype == nullptr) {
        fail("unsupported dtype \"" + entry.dtype + "\" (supported: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL)");
    }
    entry.scalarType = dtype->type;
    if (!value.contains("shape") || !value["shape"].is_array()) {
        fail("missing or non-array \"shape\"");
    }
    uint64_t numel = 1;
    for (const auto& dim : value["shape"]) {
        if (!dim.is_number_unsigned() && !(dim.is_number_integer() && dim.get<int64_t>() >= 0)) {
            fail("shape " + value["shape"].dump() + " has a dimension that is not a non-negative integer");
        }
        const uint64_t d = dim.get<uint64_t>();
        if (d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) || !checkedMultiply(numel, d, &numel)) {
            fail("shape " + value["shape"].dump() + " overflows");
        }
        entry.shape.push_back(static_cast<int64_t>(d));
    }
    if (!value.contains("data_offsets") || !value["data_offsets"].is_array() || value["data_offsets"].size() != 2 ||
        !value["data_offsets"][0].is_number_unsigned() || !value["data_offsets"][1].is_number_unsigned()) {
        fail("\"data_offsets\" must be two non-negative integers");
    }
    entry.begin = value["data_offsets"][0].get<uint64_t>();
    entry.end = value["data_offsets"][1].get<uint64_t>();
    if (entry.begin > entry.end) {
        fail("data_offsets [" + std::to_string(entry.begin) + "," + std::to_string(entry.end) + ") are reversed");
    }
    if (entry.end > dataSize) {
        fail("data_offsets end " + std::to_string(entry.end) + " lies beyond the data area of " +
             std::to_string(dataSize) + " bytes (file truncated?)");
    }
    uint64_t bytes = 0;
    if (!checkedMultiply(numel, dtype->size, &bytes) || bytes != entry.end - entry.begin) {
        fail("data_offsets cover " + std::to_string(entry.end - entry.begin) + " bytes, but shape " +
             value["shape"].dump() + " of " + entry.dtype + " needs " + std::to_string(bytes));
    }
    return entry;
}

}  // namespace

SafetensorsFile::SafetensorsFile(const std::string& path) : m_path(path), m_map(std::make_shared<MappedFile>(path)) {
    const uint64_t fileSize = m_map->size();
    if (fileSize < 8) {
        throw WeightsError(path + ": file is " + std::to_string(fileSize) +
                           " bytes, too short for a safetensors header (truncated?)");
    }
    const uint64_t headerSize = readLittleEndian64(m_map->data());
    if (headerSize > kMaxHeaderBytes || headerSize > fileSize - 8) {
        throw WeightsError(path + ": header length " + std::to_string(headerSize) + " does not fit in the " +
                           std::to_string(fileSize) + "-byte file (truncated or not a safetensors file)");
    }
    m_dataOffset = 8 + headerSize;
    const uint64_t dataSize = fileSize - m_dataOffset;

    nlohmann::json header;
    try {
        header = nlohmann::json::parse(m_map->data() + 8, m_map->data() + 8 + headerSize);
    } catch (const nlohmann::json::exception& e) {
        throw WeightsError(path + ": header is not valid JSON: " + e.what());
    }
    if (!header.is_object()) {
        throw WeightsError(path + ": header is not a JSON object");
    }
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it.value().is_object()) {
                throw WeightsError(path + ": \"__metadata__\" is not an object");
            }
            for (auto m = it.value().begin(); m != it.value().end(); ++m) {
                if (!m.value().is_string()) {
                    throw WeightsError(path + ": metadata value of '" + m.key() + "' is not a string");
                }
                m_metadata[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        m_entries.push_back(parseEntry(path, it.key(), it.value(), dataSize));
    }
    std::sort(m_entries.begin(), m_entries.end(), [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    for (size_t i = 0; i < m_entries.size(); ++i) {
        if (i > 0 && m_entries[i].begin < m_entries[i - 1].end) {
            throw WeightsError(path + ": tensors '" + m_entries[i - 1].name + "' and '" + m_entries[i].name +
                               "' overlap in the data area");
        }
        m_index[m_entries[i].name] = i;
    }
}

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
    const auto it = m_index.find(name);
    if (it == m_index.end()) {
        throw WeightsError(m_path + ": no tensor named '" + name + "'");
    }
    return m_entries[it->second];
}

torch::Tensor SafetensorsFile::tensor(const std::string& name) const {
    const SafetensorsEntry& e = entry(name);
    auto keepAlive = m_map;
    void* data = m_map->data() + m_dataOffset + e.begin;
    // from_blob needs a valid pointer even for empty tensors; the deleter pins the mapping.
    return torch::from_blob(data, e.shape, [keepAlive](void*) {}, torch::TensorOptions().dtype(e.scalarType));
}

StateDict SafetensorsFile::readAll() const {
    StateDict out;
    for (const auto& e : m_entries) {
        out[e.name] = tensor(e.name);
    }
    return out;
}

StateDict readSafetensors(const std::string& path) { return SafetensorsFile(path).readAll(); }

void writeSafetensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) {
        header["__metadata__"] = metadata;
    }
    std::vector<torch::Tensor> blobs;
    uint64_t offset = 0;
    for (const auto& [name, value] : tensors) {
        const DtypeInfo* dtype = findDtype(value.scalar_type());
        if (dtype == nullptr) {
            throw WeightsError(path + ": tensor '" + name + "' has dtype " + std::string(c10::toString(value.scalar_type())) +
                               ", which safetensors cannot store");
        }
        torch::Tensor blob = value.detach().to(torch::kCPU).contiguous();
        const uint64_t bytes = static_cast<uint64_t>(blob.numel()) * dtype->size;
        header[name] = {{"dtype", dtype->name}, {"shape", blob.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
        blobs.push_back(blob);
    }
    std::string json = header.dump();
    json.append((8 - json.size() % 8) % 8, ' ');

    const std::string tmpPath = path + ".tmp";
    {
        std::ofstream out(tmpPath, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw WeightsError(tmpPath + ": cannot open for writing");
        }
        uint8_t lengthBytes[8];
        uint64_t length = json.size();
        for (int i = 0; i < 8; ++i) {
            lengthBytes[i] = static_cast<uint8_t>(length >> (8 * i));
        }
        out.write(reinterpret_cast<const char*>(lengthBytes), 8);
        out.write(json.data(), static_cast<std::streamsize>(json.size()));
        for (const auto& blob : blobs) {
            out.write(static_cast<const char*>(blob.data_ptr()),
                      static_cast<std::streamsize>(blob.numel() * blob.element_size()));
        }
        out.flush();
        if (!out) {
            std::remove(tmpPath.c_str());
            throw WeightsError(tmpPath + ": write failed (disk full?)");
        }
    }
    if (std::rename(tmpPath.c_str(), path.c_str()) != 0) {
        std::remove(tmpPath.c_str());
        throw WeightsError(path + ": cannot replace the file: " + std::strerror(errno));
    }
}

void writeSafetensors(const std::string& path, const StateDict& tensors, const std::map<std::string, std::string>& metadata) {
    std::vector<std::pair<std::string, torch::Tensor>> ordered(tensors.begin(), tensors.end());
    writeSafetensors(path, ordered, metadata);
}

}  // namespace sm::io
