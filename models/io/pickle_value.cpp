#include "io/pickle_value.h"

#include <torch/torch.h>

#include "io/state_dict.h"
#include "runtime/error.h"

namespace sm::io {
namespace {

// Rendering long strings in messages helps nobody; cut them.
std::string quoted(const std::string& text) {
    constexpr size_t kMaxChars = 60;
    std::string out = "'";
    for (size_t i = 0; i < text.size() && i < kMaxChars; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out += (c >= 0x20 && c != 0x7f) ? static_cast<char>(c) : '?';
    }
    return out + (text.size() > kMaxChars ? "'…" : "'");
}

// Read-only view of a node's extra fields; never allocates, so concurrent readers stay safe.
const detail::PickleNode::Extra& extraOf(const detail::PickleNode* node) {
    static const detail::PickleNode::Extra kNone;
    return node->extra ? *node->extra : kNone;
}

}  // namespace

PickleValue PickleValue::boolean(bool value) {
    PickleValue v;
    v.m_kind = Kind::Bool;
    v.m_int = value ? 1 : 0;
    return v;
}

PickleValue PickleValue::integer(int64_t value) {
    PickleValue v;
    v.m_kind = Kind::Int;
    v.m_int = value;
    return v;
}

PickleValue PickleValue::floating(double value) {
    PickleValue v;
    v.m_kind = Kind::Float;
    v.m_float = value;
    return v;
}

PickleValue PickleValue::string(std::string value) {
    PickleValue v;
    v.m_kind = Kind::String;
    v.m_text = std::make_shared<const std::string>(std::move(value));
    return v;
}

PickleValue PickleValue::bytes(std::string value) {
    PickleValue v;
    v.m_kind = Kind::Bytes;
    v.m_text = std::make_shared<const std::string>(std::move(value));
    return v;
}

PickleValue PickleValue::tensor(torch::Tensor value) {
    PickleValue v;
    v.m_kind = Kind::Tensor;
    v.m_tensor = std::move(value);
    return v;
}

PickleValue PickleValue::storage(torch::Tensor value) {
    PickleValue v;
    v.m_kind = Kind::Storage;
    v.m_tensor = std::move(value);
    return v;
}

// Containers are born attached to their arena; the unpickler detaches them while it works (see PickleNode).
PickleValue PickleValue::container(const std::shared_ptr<detail::PickleArena>& arena, Kind kind) {
    PickleValue v;
    v.m_kind = kind;
    v.m_arena = arena;
    arena->nodes.emplace_back();
    v.m_node = &arena->nodes.back();
    v.m_node->kind = kind;
    return v;
}

PickleValue PickleValue::global(const std::shared_ptr<detail::PickleArena>& arena, std::string qualifiedName) {
    PickleValue v = container(arena, Kind::Global);
    v.m_node->ext().name = std::move(qualifiedName);
    return v;
}

PickleValue PickleValue::object(const std::shared_ptr<detail::PickleArena>& arena, std::string className,
                                PickleValue args) {
    PickleValue v = container(arena, Kind::Object);
    v.m_node->ext().name = std::move(className);
    v.m_node->ext().args = args.detached();
    return v;
}

const char* PickleValue::kindName(Kind kind) {
    switch (kind) {
        case Kind::None:
            return "None";
        case Kind::Bool:
            return "Bool";
        case Kind::Int:
            return "Int";
        case Kind::Float:
            return "Float";
        case Kind::String:
            return "String";
        case Kind::Bytes:
            return "Bytes";
        case Kind::List:
            return "List";
        case Kind::Tuple:
            return "Tuple";
        case Kind::Dict:
            return "Dict";
        case Kind::Tensor:
            return "Tensor";
        case Kind::Storage:
            return "Storage";
        case Kind::Global:
            return "Global";
        case Kind::Object:
            return "Object";
    }
    return "?";
}

void PickleValue::expect(Kind kind) const {
    if (m_kind != kind) {
        throw WeightsError(std::string("pickle value: expected ") + kindName(kind) + ", got " + describe());
    }
}

bool PickleValue::toBool() const {
    expect(Kind::Bool);
    return m_int != 0;
}

int64_t PickleValue::toInt() const {
    expect(Kind::Int);
    return m_int;
}

// Python code stores hyper-parameters like lr=1 or lr=1.0 interchangeably; readers want a number either way.
double PickleValue::toDouble() const {
    if (m_kind == Kind::Int) {
        return static_cast<double>(m_int);
    }
    expect(Kind::Float);
    return m_float;
}

const std::string& PickleValue::toStr() const {
    expect(Kind::String);
    return *m_text;
}

const std::string& PickleValue::toBytes() const {
    expect(Kind::Bytes);
    return *m_text;
}

const torch::Tensor& PickleValue::toTensor() const {
    if (m_kind != Kind::Storage) {
        expect(Kind::Tensor);
    }
    return m_tensor;
}

size_t PickleValue::size() const {
    if (m_kind == Kind::Dict) {
        return m_node->entries.size();
    }
    if (!isSequence()) {
        throw WeightsError(std::string("pickle value: expected List, Tuple or Dict, got ") + describe());
    }
    return m_node->elements.size();
}

// Both copy the handles only: strings, tensors and nodes are shared, never duplicated.
PickleValue PickleValue::detached() const {
    PickleValue out = *this;
    out.m_arena.reset();
    return out;
}

PickleValue PickleValue::attached(const std::shared_ptr<detail::PickleArena>& arena) const {
    PickleValue out = *this;
    if (out.m_node != nullptr) {
        out.m_arena = arena;
    }
    return out;
}

PickleValue PickleValue::at(size_t index) const {
    if (!isSequence()) {
        throw WeightsError(std::string("pickle value: expected List or Tuple, got ") + describe());
    }
    if (index >= m_node->elements.size()) {
        throw WeightsError("pickle value: index " + std::to_string(index) + " out of range for " + describe());
    }
    return m_node->elements[index].attached(m_arena);
}

std::vector<PickleValue> PickleValue::elements() const {
    if (!isSequence()) {
        throw WeightsError(std::string("pickle value: expected List or Tuple, got ") + describe());
    }
    std::vector<PickleValue> out;
    out.reserve(m_node->elements.size());
    for (const auto& element : m_node->elements) {
        out.push_back(element.attached(m_arena));
    }
    return out;
}

std::vector<std::pair<PickleValue, PickleValue>> PickleValue::items() const {
    expect(Kind::Dict);
    std::vector<std::pair<PickleValue, PickleValue>> out;
    out.reserve(m_node->entries.size());
    for (const auto& [key, value] : m_node->entries) {
        out.emplace_back(key.attached(m_arena), value.attached(m_arena));
    }
    return out;
}

std::optional<PickleValue> PickleValue::find(const std::string& key) const {
    if (m_kind != Kind::Dict) {
        return std::nullopt;
    }
    if (!m_node->extra) {
        return std::nullopt;
    }
    const auto& index = m_node->extra->index;
    const auto it = index.find(detail::indexKey(PickleValue::string(key)));
    if (it == index.end()) {
        return std::nullopt;
    }
    return m_node->entries[it->second].second.attached(m_arena);
}

const std::string& PickleValue::qualifiedName() const {
    if (m_kind != Kind::Global && m_kind != Kind::Object) {
        throw WeightsError(std::string("pickle value: expected Global or Object, got ") + describe());
    }
    return extraOf(m_node).name;
}

PickleValue PickleValue::objectArgs() const {
    expect(Kind::Object);
    return extraOf(m_node).args.attached(m_arena);
}

PickleValue PickleValue::objectState() const {
    expect(Kind::Object);
    return extraOf(m_node).state.attached(m_arena);
}

std::vector<PickleValue> PickleValue::objectItems() const {
    expect(Kind::Object);
    std::vector<PickleValue> out;
    for (const auto& element : m_node->elements) {
        out.push_back(element.attached(m_arena));
    }
    return out;
}

std::vector<std::pair<PickleValue, PickleValue>> PickleValue::objectEntries() const {
    expect(Kind::Object);
    std::vector<std::pair<PickleValue, PickleValue>> out;
    for (const auto& [key, value] : m_node->entries) {
        out.emplace_back(key.attached(m_arena), value.attached(m_arena));
    }
    return out;
}

// Never recursive and never long: it ends up in error messages about hostile files.
std::string PickleValue::describe() const {
    switch (m_kind) {
        case Kind::None:
            return "None";
        case Kind::Bool:
            return m_int ? "True" : "False";
        case Kind::Int:
            return std::to_string(m_int);
        case Kind::Float:
            return std::to_string(m_float);
        case Kind::String:
            return quoted(*m_text);
        case Kind::Bytes:
            return "b" + quoted(*m_text);
        case Kind::List:
            return "list(" + std::to_string(m_node->elements.size()) + " elements)";
        case Kind::Tuple:
            return "tuple(" + std::to_string(m_node->elements.size()) + " elements)";
        case Kind::Dict:
            return "dict(" + std::to_string(m_node->entries.size()) + " entries)";
        case Kind::Tensor:
            return "tensor " + dtypeName(m_tensor.scalar_type()) + " " + shapeString(m_tensor.sizes());
        case Kind::Storage:
            return "storage " + dtypeName(m_tensor.scalar_type()) + " of " + std::to_string(m_tensor.numel());
        case Kind::Global:
            return "global " + extraOf(m_node).name;
        case Kind::Object:
            return "object " + extraOf(m_node).name;
    }
    return "?";
}

namespace detail {

// One string per hashable key kind, prefixed so that 1 and "1" stay different keys (as in Python).
std::string indexKey(const PickleValue& key) {
    switch (key.kind()) {
        // Python hashes True and 1 alike, so they are the same dict key.
        case PickleValue::Kind::Bool:
            return "i" + std::to_string(key.toBool() ? 1 : 0);
        case PickleValue::Kind::Int:
            return "i" + std::to_string(key.toInt());
        case PickleValue::Kind::String:
            return "s" + key.toStr();
        case PickleValue::Kind::Bytes:
            return "b" + key.toBytes();
        case PickleValue::Kind::None:
            return "n";
        default:
            return {};
    }
}

}  // namespace detail

}  // namespace sm::io
