#include "io/torch_checkpoint.h"

#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "io/mapped_file.h"
#include "io/unpickler.h"
#include "runtime/error.h"

namespace sm::io {
namespace {

using Kind = PickleValue::Kind;

// The zip local file header is at least this long; a record's data ends before the next record's header.
constexpr uint64_t kZipLocalHeaderBytes = 30;
// The smallest end-of-central-directory record, which follows the last record's data.
constexpr uint64_t kZipEndRecordBytes = 22;

// The first pickle of a legacy file holds this number (torch/serialization.py MAGIC_NUMBER), little-endian.
constexpr uint8_t kLegacyMagic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
constexpr int64_t kLegacyProtocolVersion = 1001;

constexpr const char* kResave = "re-save it with torch.save in a current PyTorch or convert it to safetensors";

std::string firstLine(const char* text) {
    std::string s(text);
    const size_t nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
}

bool checkedMul(uint64_t a, uint64_t b, uint64_t* out) {
    if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) {
        return false;
    }
    *out = a * b;
    return true;
}

// A storage tensor viewing `bytes` of the mapping. Misaligned data (possible only in files not written by
// PyTorch) is copied, since kernels may assume element alignment.
torch::Tensor storageView(const std::shared_ptr<MappedFile>& map, uint64_t offset, int64_t numel,
                          torch::ScalarType type) {
    uint8_t* data = map->data() + offset;
    const auto options = torch::TensorOptions().dtype(type);
    if (numel == 0 || data == nullptr) {
        return torch::empty({numel}, options);
    }
    if (reinterpret_cast<uintptr_t>(data) % c10::elementSize(type) != 0) {
        torch::Tensor copy = torch::empty({numel}, options);
        std::memcpy(copy.data_ptr(), data, static_cast<size_t>(numel) * c10::elementSize(type));
        return copy;
    }
    auto keepAlive = map;
    return torch::from_blob(
        data, {numel}, [keepAlive](void*) {}, options);
}

// The storage element type named by a persistent id's storage class.
torch::ScalarType storageType(const PickleValue& cls, const std::string& where) {
    if (cls.kind() == Kind::Global) {
        if (const auto type = storageScalarType(cls.qualifiedName())) {
            return *type;
        }
    }
    throw WeightsError(where + ": storage class " + cls.describe() + " is not supported");
}

// PyTorchStreamReader reads through this adapter, so the zip directory and the tensors share one mapping.
class MappedReadAdapter final : public caffe2::serialize::ReadAdapterInterface {
public:
    explicit MappedReadAdapter(std::shared_ptr<MappedFile> map) : m_map(std::move(map)) {}
    size_t size() const override { return static_cast<size_t>(m_map->size()); }
    size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/) const override {
        if (pos >= m_map->size()) {
            return 0;
        }
        n = static_cast<size_t>(std::min<uint64_t>(n, m_map->size() - pos));
        std::memcpy(buf, m_map->data() + pos, n);
        return n;
    }

private:
    std::shared_ptr<MappedFile> m_map;
};

// ---- zip format --------------------------------------------------------------------------------------------

// PyTorchStreamReader reports a corrupt archive with c10::Error, and a garbled "version" record with the
// std::stoull exceptions; every call goes through here so that all of them become WeightsError naming the file.
template <typename Fn>
auto zipCall(const std::string& path, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const c10::Error& e) {
        throw WeightsError(path + ": not a readable PyTorch zip archive (truncated or corrupt?): " +
                           firstLine(e.what_without_backtrace()));
    } catch (const std::invalid_argument& e) {
        throw WeightsError(path + ": corrupt PyTorch zip archive: " + e.what());
    } catch (const std::out_of_range& e) {
        throw WeightsError(path + ": corrupt PyTorch zip archive: " + e.what());
    }
}

PickleValue readZip(const std::string& path, const std::shared_ptr<MappedFile>& map) {
    using caffe2::serialize::PyTorchStreamReader;
    auto reader =
        zipCall(path, [&] { return std::make_unique<PyTorchStreamReader>(std::make_shared<MappedReadAdapter>(map)); });
    auto hasRecord = [&](const std::string& name) { return zipCall(path, [&] { return reader->hasRecord(name); }); };
    if (!hasRecord("data.pkl")) {
        if (hasRecord("constants.pkl") || hasRecord("model.json")) {
            throw WeightsError(path +
                               ": a TorchScript archive (torch.jit.save), not a torch.save checkpoint; "
                               "save the model's state_dict() with torch.save or as safetensors");
        }
        throw WeightsError(path + ": zip archive without data.pkl: not a torch.save checkpoint");
    }
    if (hasRecord("byteorder")) {
        auto [data, size] = zipCall(path, [&] { return reader->getRecord("byteorder"); });
        const std::string order(static_cast<const char*>(data.get()), size);
        if (order != "little") {
            throw WeightsError(path + ": saved with byte order '" + order.substr(0, 16) +
                               "'; only little-endian checkpoints are supported");
        }
    }

    // How far each record's data may reach: up to the next record's data minus the fixed part of its local header
    // (the name and padding that follow are not known here), or up to the end-of-directory record. A corrupt size
    // in data.pkl thus cannot make a storage read past the next record or the end of the file.
    std::vector<std::pair<uint64_t, std::string>> starts;
    for (const std::string& name : zipCall(path, [&] { return reader->getAllRecords(); })) {
        starts.emplace_back(zipCall(path, [&] { return reader->getRecordOffset(name); }), name);
    }
    std::sort(starts.begin(), starts.end());
    std::unordered_map<std::string, std::pair<uint64_t, uint64_t>> extents;  // name → [begin, limit)
    for (size_t i = 0; i < starts.size(); ++i) {
        uint64_t limit = 0;
        if (i + 1 < starts.size()) {
            limit = starts[i + 1].first >= kZipLocalHeaderBytes ? starts[i + 1].first - kZipLocalHeaderBytes : 0;
        } else {
            limit = map->size() >= kZipEndRecordBytes ? map->size() - kZipEndRecordBytes : 0;
        }
        extents[starts[i].second] = {starts[i].first, std::min<uint64_t>(limit, map->size())};
    }

    auto [pickleData, pickleSize] = zipCall(path, [&] { return reader->getRecord("data.pkl"); });
    const std::string source = path + ":data.pkl";
    std::map<std::string, torch::Tensor> storages;

    UnpickleOptions options;
    options.source = source;
    options.persistentLoad = [&](const PickleValue& pid) -> PickleValue {
        // ('storage', storage class, key, location, numel)
        if (!pid.isSequence() || pid.size() < 5 || pid.at(0).kind() != Kind::String || pid.at(0).toStr() != "storage") {
            throw WeightsError(source + ": unsupported persistent id " + pid.describe());
        }
        const torch::ScalarType type = storageType(pid.at(1), source);
        const PickleValue keyValue = pid.at(2);
        const PickleValue numelValue = pid.at(4);
        if (keyValue.kind() != Kind::String || numelValue.kind() != Kind::Int || numelValue.toInt() < 0) {
            throw WeightsError(source + ": malformed storage id (key " + keyValue.describe() + ", numel " +
                               numelValue.describe() + ")");
        }
        const std::string& key = keyValue.toStr();
        const int64_t numel = numelValue.toInt();
        const auto cached = storages.find(key);
        if (cached != storages.end()) {
            if (cached->second.scalar_type() != type || cached->second.numel() != numel) {
                throw WeightsError(source + ": storage " + key + " is used with two different types or sizes");
            }
            return PickleValue::storage(cached->second);
        }
        const std::string record = "data/" + key;
        const auto extent = extents.find(record);
        if (extent == extents.end()) {
            throw WeightsError(path + ": storage record " + record + " is missing (truncated or corrupt file)");
        }
        uint64_t bytes = 0;
        const auto [begin, limit] = extent->second;
        if (!checkedMul(static_cast<uint64_t>(numel), c10::elementSize(type), &bytes) || begin > limit ||
            bytes > limit - begin) {
            throw WeightsError(path + ": storage " + record + " should hold " + std::to_string(numel) + " " +
                               std::string(c10::toString(type)) + " elements, more than its record in the file " +
                               "(truncated or corrupt file)");
        }
        torch::Tensor storage = storageView(map, begin, numel, type);
        storages.emplace(key, storage);
        return PickleValue::storage(storage);
    };
    return unpickle(static_cast<const uint8_t*>(pickleData.get()), pickleSize, options).value;
}

// ---- legacy format -----------------------------------------------------------------------------------------

// torch/serialization.py _legacy_save wrote, back to back: pickle(MAGIC_NUMBER), pickle(PROTOCOL_VERSION),
// pickle(sys_info), pickle(obj) with storages as persistent ids, pickle(storage keys), then for each key an int64
// element count followed by the raw little-endian elements.
PickleValue readLegacy(const std::string& path, const std::shared_ptr<MappedFile>& map) {
    const uint8_t* data = map->data();
    const uint64_t size = map->size();
    uint64_t pos = 0;
    UnpickleOptions plain;
    plain.source = path;
    auto next = [&](const UnpickleOptions& options) {
        UnpickleResult r = unpickle(data + pos, static_cast<size_t>(size - pos), options);
        pos += r.bytesConsumed;
        return r.value;
    };

    const PickleValue magic = next(plain);
    const bool magicOk =
        magic.isObject() && magic.qualifiedName() == "builtins.int" && magic.objectArgs().kind() == Kind::Bytes &&
        magic.objectArgs().toBytes() == std::string(reinterpret_cast<const char*>(kLegacyMagic), sizeof kLegacyMagic);
    if (!magicOk) {
        throw WeightsError(path + ": a pickle without torch.save's magic number: not a PyTorch checkpoint");
    }
    const PickleValue protocol = next(plain);
    if (protocol.kind() != Kind::Int || protocol.toInt() != kLegacyProtocolVersion) {
        throw WeightsError(path + ": legacy (pre-1.6) PyTorch format with unsupported protocol version " +
                           protocol.describe() + "; " + kResave);
    }
    const PickleValue sysInfo = next(plain);
    const auto littleEndian = sysInfo.find("little_endian");
    if (!littleEndian || littleEndian->kind() != Kind::Bool || !littleEndian->toBool()) {
        throw WeightsError(path + ": legacy PyTorch file saved on a big-endian machine; " + kResave);
    }

    // Storages are described inside the object pickle but their bytes follow after it, so they are allocated
    // here (bounded by the file size) and filled once the key list is known.
    std::map<std::string, torch::Tensor> roots;
    std::map<std::string, torch::Tensor> views;
    UnpickleOptions options;
    options.source = path;
    options.persistentLoad = [&](const PickleValue& pid) -> PickleValue {
        if (!pid.isSequence() || pid.size() < 1 || pid.at(0).kind() != Kind::String) {
            throw WeightsError(path + ": unsupported persistent id " + pid.describe());
        }
        if (pid.at(0).toStr() == "module") {
            return PickleValue();  // source code of a pickled nn.Module class: not needed for weights
        }
        // ('storage', storage class, root key, location, numel, view metadata)
        if (pid.at(0).toStr() != "storage" || pid.size() < 6) {
            throw WeightsError(path + ": unsupported persistent id " + pid.describe());
        }
        const torch::ScalarType type = storageType(pid.at(1), path);
        const PickleValue rootKey = pid.at(2);
        const PickleValue numelValue = pid.at(4);
        if (rootKey.kind() != Kind::String || numelValue.kind() != Kind::Int || numelValue.toInt() < 0) {
            throw WeightsError(path + ": malformed storage id " + pid.describe());
        }
        const int64_t numel = numelValue.toInt();
        auto root = roots.find(rootKey.toStr());
        if (root == roots.end()) {
            uint64_t bytes = 0;
            if (!checkedMul(static_cast<uint64_t>(numel), c10::elementSize(type), &bytes) || bytes > size) {
                throw WeightsError(path + ": storage " + rootKey.toStr() + " claims " + std::to_string(numel) +
                                   " elements, more than the file holds (corrupt file)");
            }
            root = roots.emplace(rootKey.toStr(), torch::empty({numel}, torch::TensorOptions().dtype(type))).first;
        } else if (root->second.scalar_type() != type || root->second.numel() != numel) {
            throw WeightsError(path + ": storage " + rootKey.toStr() + " is used with two different types or sizes");
        }
        const PickleValue viewMeta = pid.at(5);
        if (viewMeta.isNone()) {
            return PickleValue::storage(root->second);
        }
        // (view key, offset, view size): a storage slice, from PyTorch versions that had storage views.
        if (!viewMeta.isSequence() || viewMeta.size() != 3 || viewMeta.at(0).kind() != Kind::String ||
            viewMeta.at(1).kind() != Kind::Int || viewMeta.at(2).kind() != Kind::Int) {
            throw WeightsError(path + ": malformed storage view " + viewMeta.describe());
        }
        const int64_t offset = viewMeta.at(1).toInt();
        const int64_t length = viewMeta.at(2).toInt();
        if (offset < 0 || length < 0 || offset > numel || length > numel - offset) {
            throw WeightsError(path + ": storage view [" + std::to_string(offset) + ", +" + std::to_string(length) +
                               ") lies outside its storage of " + std::to_string(numel));
        }
        auto view = views.find(viewMeta.at(0).toStr());
        if (view == views.end()) {
            view = views.emplace(viewMeta.at(0).toStr(), root->second.narrow(0, offset, length)).first;
        }
        return PickleValue::storage(view->second);
    };
    const PickleValue result = next(options);

    const PickleValue keys = next(plain);
    if (!keys.isSequence()) {
        throw WeightsError(path + ": storage key list is " + keys.describe() + " (corrupt file)");
    }
    std::set<std::string> filled;
    for (const PickleValue& key : keys.elements()) {
        if (key.kind() != Kind::String || roots.count(key.toStr()) == 0) {
            throw WeightsError(path + ": storage key " + key.describe() + " was never described (corrupt file)");
        }
        torch::Tensor& storage = roots[key.toStr()];
        if (size - pos < 8) {
            throw WeightsError(path + ": file ends before storage " + key.toStr() + " (truncated?)");
        }
        int64_t count = 0;
        std::memcpy(&count, data + pos, 8);  // little-endian, checked above
        pos += 8;
        const uint64_t bytes = static_cast<uint64_t>(storage.numel()) * storage.element_size();
        if (count != storage.numel() || bytes > size - pos) {
            throw WeightsError(path + ": storage " + key.toStr() + " holds " + std::to_string(count) +
                               " elements in the file, expected " + std::to_string(storage.numel()) +
                               " (truncated or corrupt file)");
        }
        std::memcpy(storage.data_ptr(), data + pos, static_cast<size_t>(bytes));
        pos += bytes;
        filled.insert(key.toStr());
    }
    for (const auto& [key, storage] : roots) {
        if (filled.count(key) == 0) {
            throw WeightsError(path + ": storage " + key + " has no data (truncated or corrupt file)");
        }
    }
    return result;
}

// ---- state dict search ---------------------------------------------------------------------------------------

size_t tensorCount(const PickleValue& dict) {
    size_t n = 0;
    for (const auto& entry : dict.node()->entries) {
        n += entry.second.isTensor() ? 1 : 0;
    }
    return n;
}

// The search order follows what people save: model.state_dict() itself, Lightning's {"state_dict": …},
// DeepSpeed/fairseq-style {"module": …} / {"model": …}, training scripts' {"model_state_dict": …}.
void extractStateDict(TorchCheckpoint& ckpt) {
    const PickleValue& root = ckpt.root;
    if (!root.isDict()) {
        throw WeightsError(ckpt.path + ": the file holds " + root.describe() +
                           ", not a dict of tensors (a whole pickled model? save model.state_dict() instead)");
    }
    std::optional<PickleValue> chosen;
    if (root.size() > 0 && tensorCount(root) == root.size()) {
        chosen = root;
    }
    for (const char* key : {"state_dict", "module", "model", "model_state_dict"}) {
        if (chosen) {
            break;
        }
        const auto candidate = root.find(key);
        if (candidate && candidate->isDict() && tensorCount(*candidate) > 0) {
            chosen = candidate;
            ckpt.stateDictKey = key;
        }
    }
    if (!chosen && tensorCount(root) > 0) {
        chosen = root;
    }
    if (!chosen) {
        std::string keys;
        size_t listed = 0;
        for (const auto& [key, value] : root.items()) {
            if (listed++ == 12) {
                keys += ", …";
                break;
            }
            keys += (keys.empty() ? "" : ", ") + (key.kind() == Kind::String ? key.toStr() : key.describe());
        }
        throw WeightsError(ckpt.path +
                           ": no state_dict found (no tensors at the top level nor under \"state_dict\", "
                           "\"module\" or \"model\"); top-level keys: " +
                           keys);
    }
    for (const auto& [key, value] : chosen->items()) {
        if (key.kind() != Kind::String) {
            ckpt.skipped.push_back(key.describe() + ": key is not a string");
        } else if (!value.isTensor()) {
            ckpt.skipped.push_back(key.toStr() + ": " + value.describe());
        } else {
            ckpt.stateDict[key.toStr()] = value.toTensor();
        }
    }
}

// ---- writing ---------------------------------------------------------------------------------------------------

// Emits protocol-2 pickle opcodes for writeTorchCheckpoint.
class PickleWriter {
public:
    void proto() { m_out += "\x80\x02"; }
    void global(const std::string& module, const std::string& name) { m_out += "c" + module + "\n" + name + "\n"; }
    void mark() { m_out += '('; }
    void tuple() { m_out += 't'; }
    void emptyTuple() { m_out += ')'; }
    void reduce() { m_out += 'R'; }
    void setItems() { m_out += 'u'; }
    void persistentId() { m_out += 'Q'; }
    void boolean(bool value) { m_out += value ? '\x88' : '\x89'; }
    void stop() { m_out += '.'; }
    void string(const std::string& text) {
        m_out += 'X';
        appendLE(text.size(), 4);
        m_out += text;
    }
    void integer(int64_t value) {
        if (value >= std::numeric_limits<int32_t>::min() && value <= std::numeric_limits<int32_t>::max()) {
            m_out += 'J';
            appendLE(static_cast<uint64_t>(static_cast<uint32_t>(value)), 4);
        } else {
            m_out += "\x8a\x08";
            appendLE(static_cast<uint64_t>(value), 8);
        }
    }
    void integers(at::IntArrayRef values) {
        mark();
        for (const int64_t v : values) {
            integer(v);
        }
        tuple();
    }
    const std::string& bytes() const { return m_out; }

private:
    void appendLE(uint64_t value, int n) {
        for (int i = 0; i < n; ++i) {
            m_out += static_cast<char>((value >> (8 * i)) & 0xff);
        }
    }
    std::string m_out;
};

const char* storageClassName(torch::ScalarType type) {
    switch (type) {
        case torch::kFloat64:
            return "DoubleStorage";
        case torch::kFloat32:
            return "FloatStorage";
        case torch::kFloat16:
            return "HalfStorage";
        case torch::kBFloat16:
            return "BFloat16Storage";
        case torch::kInt64:
            return "LongStorage";
        case torch::kInt32:
            return "IntStorage";
        case torch::kInt16:
            return "ShortStorage";
        case torch::kInt8:
            return "CharStorage";
        case torch::kUInt8:
            return "ByteStorage";
        case torch::kBool:
            return "BoolStorage";
        case torch::kComplexFloat:
            return "ComplexFloatStorage";
        case torch::kComplexDouble:
            return "ComplexDoubleStorage";
        default:
            return nullptr;
    }
}

}  // namespace

std::optional<int64_t> TorchCheckpoint::globalStep() const {
    const auto step = entry("global_step");
    if (step && step->kind() == Kind::Int) {
        return step->toInt();
    }
    return std::nullopt;
}

bool looksLikeTorchCheckpoint(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    uint8_t head[16] = {};
    in.read(reinterpret_cast<char*>(head), sizeof head);
    const auto n = static_cast<size_t>(in.gcount());
    // A safetensors header length can start with 0x80 0x02 too; its JSON then begins at byte 8.
    if (n > 8 && head[8] == '{') {
        return false;
    }
    const bool zip = n >= 4 && std::memcmp(head, "PK\x03\x04", 4) == 0;
    const bool pickle = n >= 2 && head[0] == 0x80 && head[1] >= 2 && head[1] <= 5;
    return zip || pickle;
}

TorchCheckpoint readTorchObject(const std::string& path) {
    TorchCheckpoint ckpt;
    ckpt.path = path;
    const auto map = std::make_shared<MappedFile>(path);
    const uint8_t* data = map->data();
    const uint64_t size = map->size();
    try {
        if (size >= 4 && std::memcmp(data, "PK\x03\x04", 4) == 0) {
            ckpt.root = readZip(path, map);
        } else if (size >= 262 && std::memcmp(data + 257, "ustar", 5) == 0) {
            throw WeightsError(path + ": legacy (pre-1.6) PyTorch format (tar); " + kResave);
        } else if (size >= 2 && data[0] == 0x80) {
            ckpt.legacyFormat = true;
            ckpt.root = readLegacy(path, map);
        } else {
            throw WeightsError(path + ": not a PyTorch checkpoint (neither a zip archive nor a pickle)");
        }
    } catch (const c10::Error& e) {
        // Tensor operations on impossible inputs; the checks above should leave none, but a file must never
        // surface as anything other than WeightsError.
        throw WeightsError(path + ": corrupt PyTorch checkpoint: " + firstLine(e.what_without_backtrace()));
    }
    return ckpt;
}

TorchCheckpoint readTorchCheckpoint(const std::string& path) {
    TorchCheckpoint ckpt = readTorchObject(path);
    extractStateDict(ckpt);
    return ckpt;
}

StateDict loadTorchCheckpoint(const std::string& path) {
    return readTorchCheckpoint(path).stateDict;
}

// The pickle mirrors torch.save(OrderedDict) at protocol 2, opcode for opcode where it matters, so that Python's
// torch.load (weights_only included) accepts it: OrderedDict() + SETITEMS of _rebuild_tensor_v2 calls whose
// storages are persistent ids into data/<n>.
void writeTorchCheckpoint(const std::string& path, const StateDict& tensors) {
    PickleWriter pickle;
    std::vector<torch::Tensor> storages;
    std::map<const void*, size_t> storageOf;  // TensorImpl → storage key, so aliases are stored once
    pickle.proto();
    pickle.global("collections", "OrderedDict");
    pickle.emptyTuple();
    pickle.reduce();
    pickle.mark();
    for (const auto& [name, tensor] : tensors) {
        const char* storageClass = storageClassName(tensor.scalar_type());
        if (storageClass == nullptr) {
            throw WeightsError(path + ": tensor '" + name + "' has dtype " +
                               std::string(c10::toString(tensor.scalar_type())) + ", which cannot be saved");
        }
        const void* impl = tensor.unsafeGetTensorImpl();
        auto found = storageOf.find(impl);
        if (found == storageOf.end()) {
            found = storageOf.emplace(impl, storages.size()).first;
            storages.push_back(tensor.detach().to(torch::kCPU).contiguous());
        }
        const torch::Tensor& stored = storages[found->second];
        pickle.string(name);
        pickle.global("torch._utils", "_rebuild_tensor_v2");
        pickle.mark();
        pickle.mark();
        pickle.string("storage");
        pickle.global("torch", storageClass);
        pickle.string(std::to_string(found->second));
        pickle.string("cpu");
        pickle.integer(stored.numel());
        pickle.tuple();
        pickle.persistentId();
        pickle.integer(0);
        pickle.integers(stored.sizes());
        pickle.integers(stored.strides());
        pickle.boolean(false);
        pickle.global("collections", "OrderedDict");
        pickle.emptyTuple();
        pickle.reduce();
        pickle.tuple();
        pickle.reduce();
    }
    pickle.setItems();
    pickle.stop();

    const std::string tmpPath = path + ".tmp";
    try {
        std::ofstream out(tmpPath, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw WeightsError(tmpPath + ": cannot open for writing");
        }
        {
            caffe2::serialize::PyTorchStreamWriter writer([&out](const void* buf, size_t n) -> size_t {
                out.write(static_cast<const char*>(buf), static_cast<std::streamsize>(n));
                return out ? n : 0;
            });
            writer.writeRecord("data.pkl", pickle.bytes().data(), pickle.bytes().size());
            for (size_t i = 0; i < storages.size(); ++i) {
                const size_t bytes = static_cast<size_t>(storages[i].numel()) * storages[i].element_size();
                writer.writeRecord("data/" + std::to_string(i), bytes ? storages[i].data_ptr() : "", bytes);
            }
            writer.writeEndOfFile();
        }
        out.flush();
        if (!out) {
            throw WeightsError(tmpPath + ": write failed (disk full?)");
        }
    } catch (const c10::Error& e) {
        std::remove(tmpPath.c_str());
        throw WeightsError(tmpPath + ": write failed: " + firstLine(e.what_without_backtrace()));
    } catch (...) {
        std::remove(tmpPath.c_str());
        throw;
    }
    if (std::rename(tmpPath.c_str(), path.c_str()) != 0) {
        std::remove(tmpPath.c_str());
        throw WeightsError(path + ": cannot replace the file: " + std::strerror(errno));
    }
}

}  // namespace sm::io
