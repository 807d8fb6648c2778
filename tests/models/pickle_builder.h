#pragma once
// Test helper: hand-written pickles and torch.save-style zip archives, for checkpoints that torch.save would
// write (every storage type, protocol 4 opcodes) and for ones it never would (hostile or corrupt). Header-only;
// used by test_checkpoints.cpp, test_weight_map.cpp and test_tensor_file_fuzz.cpp.
#include <caffe2/serialize/inline_container.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace sm::test {

class PickleBuilder {
public:
    PickleBuilder& op(char code) {
        m_out += code;
        return *this;
    }
    PickleBuilder& raw(const std::string& bytes) {
        m_out += bytes;
        return *this;
    }
    PickleBuilder& proto(int version) { return op('\x80').op(static_cast<char>(version)); }
    /// FRAME announcing `length` bytes (the caller makes them follow).
    PickleBuilder& frame(uint64_t length) { return op('\x95').le(length, 8); }
    PickleBuilder& global(const std::string& module, const std::string& name) {
        return raw("c" + module + "\n" + name + "\n");
    }
    PickleBuilder& stackGlobal(const std::string& module, const std::string& name) {
        return shortStr(module).shortStr(name).op('\x93');
    }
    PickleBuilder& str(const std::string& text) { return op('X').le(text.size(), 4).raw(text); }
    PickleBuilder& shortStr(const std::string& text) { return op('\x8c').le(text.size(), 1).raw(text); }
    PickleBuilder& bytes(const std::string& data) { return op('B').le(data.size(), 4).raw(data); }
    PickleBuilder& integer(int64_t value) {
        if (value >= 0 && value < 256) {
            return op('K').le(static_cast<uint64_t>(value), 1);
        }
        if (value >= INT32_MIN && value <= INT32_MAX) {
            return op('J').le(static_cast<uint64_t>(static_cast<uint32_t>(value)), 4);
        }
        return op('\x8a').le(8, 1).le(static_cast<uint64_t>(value), 8);
    }
    PickleBuilder& floating(double value) {
        uint64_t bits = 0;
        std::memcpy(&bits, &value, 8);
        op('G');
        for (int i = 7; i >= 0; --i) {
            m_out += static_cast<char>((bits >> (8 * i)) & 0xff);
        }
        return *this;
    }
    PickleBuilder& none() { return op('N'); }
    PickleBuilder& boolean(bool value) { return op(value ? '\x88' : '\x89'); }
    PickleBuilder& mark() { return op('('); }
    PickleBuilder& tuple() { return op('t'); }
    PickleBuilder& emptyTuple() { return op(')'); }
    PickleBuilder& emptyDict() { return op('}'); }
    PickleBuilder& emptyList() { return op(']'); }
    PickleBuilder& setItem() { return op('s'); }
    PickleBuilder& setItems() { return op('u'); }
    PickleBuilder& append() { return op('a'); }
    PickleBuilder& appends() { return op('e'); }
    PickleBuilder& reduce() { return op('R'); }
    PickleBuilder& build() { return op('b'); }
    PickleBuilder& newObj() { return op('\x81'); }
    PickleBuilder& persistentId() { return op('Q'); }
    PickleBuilder& put(uint32_t index) { return index < 256 ? op('q').le(index, 1) : op('r').le(index, 4); }
    PickleBuilder& get(uint32_t index) { return index < 256 ? op('h').le(index, 1) : op('j').le(index, 4); }
    PickleBuilder& memoize() { return op('\x94'); }
    PickleBuilder& pop() { return op('0'); }
    PickleBuilder& stop() { return op('.'); }
    PickleBuilder& ints(const std::vector<int64_t>& values) {
        mark();
        for (const int64_t v : values) {
            integer(v);
        }
        return tuple();
    }
    /// Pushes torch._utils._rebuild_tensor_v2(storage <key>, offset, sizes, strides, False, OrderedDict()).
    PickleBuilder& tensor(const std::string& storageClass, const std::string& key, int64_t numel, int64_t offset,
                          const std::vector<int64_t>& sizes, const std::vector<int64_t>& strides) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        storageId(storageClass, key, numel);
        integer(offset).ints(sizes).ints(strides).boolean(false);
        global("collections", "OrderedDict").emptyTuple().reduce();
        return tuple().reduce();
    }
    /// Pushes the persistent storage ('storage', torch.<class>, key, 'cpu', numel).
    PickleBuilder& storageId(const std::string& storageClass, const std::string& key, int64_t numel) {
        mark().str("storage").global("torch", storageClass).str(key).str("cpu").integer(numel).tuple();
        return persistentId();
    }
    const std::string& data() const { return m_out; }

    PickleBuilder& le(uint64_t value, int n) {
        for (int i = 0; i < n; ++i) {
            m_out += static_cast<char>((value >> (8 * i)) & 0xff);
        }
        return *this;
    }

private:
    std::string m_out;
};

/// Writes a torch.save-style zip: <archive>/data.pkl = `pickle`, plus `records` ("data/0" → bytes).
inline void writeTorchZip(const std::string& path, const std::string& pickle,
                          const std::map<std::string, std::string>& records) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    caffe2::serialize::PyTorchStreamWriter writer([&out](const void* buf, size_t n) -> size_t {
        out.write(static_cast<const char*>(buf), static_cast<std::streamsize>(n));
        return n;
    });
    writer.writeRecord("data.pkl", pickle.data(), pickle.size());
    for (const auto& [name, bytes] : records) {
        writer.writeRecord(name, bytes.data(), bytes.size());
    }
    writer.writeEndOfFile();
}

/// `count` little-endian float32 values 0, 1, 2, …
inline std::string floatBytes(int count, float start = 0) {
    std::string out(static_cast<size_t>(count) * 4, '\0');
    for (int i = 0; i < count; ++i) {
        const float v = start + static_cast<float>(i);
        std::memcpy(&out[static_cast<size_t>(i) * 4], &v, 4);
    }
    return out;
}

inline void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace sm::test
