#pragma once
// The values our restricted unpickler (io/unpickler.h) produces: plain data only, never live Python objects.
//
//   sm::io::PickleValue root = ...;                       // e.g. TorchCheckpoint::root
//   if (auto step = root.find("global_step")) { int64_t n = step->toInt(); }
//   for (const auto& [key, value] : root.find("state_dict")->items()) { ... value.toTensor() ... }
//
// Kinds: None, Bool, Int, Float, String, Bytes, List, Tuple, Dict, Tensor, Storage, Global and Object.
// - Tensor: a CPU torch::Tensor (usually a view into the memory-mapped checkpoint).
// - Storage: a 1-D tensor holding a whole torch storage (what tensors are rebuilt from).
// - Global: a reference to a Python name ("torch.FloatStorage"); it is never imported.
// - Object: an opaque placeholder for anything the file would construct by calling a class or function we do not
//   know (pytorch_lightning callbacks, argparse.Namespace, sets, complex numbers, numpy scalars…). It keeps the
//   class name, the arguments and the BUILD state as data; nothing named in the file is ever imported or called.
//
// Containers (List, Tuple, Dict, Global, Object) live in an arena shared by every value of one unpickling, so
// copying a PickleValue is cheap, self-references (which pickles can express) cannot leak or recurse, and
// destroying a deeply nested value never recurses. A PickleValue keeps its arena alive.
//
// Thread-safety: values are immutable once the unpickler returns them; any number of threads may read them.
// Accessors throw sm::WeightsError when the kind does not match ("expected Int, got String").
#include <torch/types.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sm::io {

namespace detail {
struct PickleNode;
struct PickleArena;
}  // namespace detail

class PickleValue {
public:
    enum class Kind : uint8_t {
        None,
        Bool,
        Int,
        Float,
        String,
        Bytes,
        List,
        Tuple,
        Dict,
        Tensor,
        Storage,
        Global,
        Object
    };

    /// None.
    PickleValue() = default;

    static PickleValue boolean(bool value);
    static PickleValue integer(int64_t value);
    static PickleValue floating(double value);
    static PickleValue string(std::string value);
    static PickleValue bytes(std::string value);
    static PickleValue tensor(torch::Tensor value);
    /// A whole storage as a 1-D tensor of its element type.
    static PickleValue storage(torch::Tensor value);

    Kind kind() const { return m_kind; }
    static const char* kindName(Kind kind);
    bool isNone() const { return m_kind == Kind::None; }
    bool isTensor() const { return m_kind == Kind::Tensor; }
    bool isDict() const { return m_kind == Kind::Dict; }
    bool isObject() const { return m_kind == Kind::Object; }
    /// List or Tuple.
    bool isSequence() const { return m_kind == Kind::List || m_kind == Kind::Tuple; }

    bool toBool() const;
    int64_t toInt() const;
    /// Float, or Int converted.
    double toDouble() const;
    /// String (UTF-8 as stored in the file).
    const std::string& toStr() const;
    /// Bytes (raw).
    const std::string& toBytes() const;
    /// Tensor or Storage.
    const torch::Tensor& toTensor() const;

    /// Elements of a List or Tuple, entries of a Dict.
    size_t size() const;
    /// Element `index` of a List or Tuple (throws WeightsError when out of range).
    PickleValue at(size_t index) const;
    std::vector<PickleValue> elements() const;
    /// Dict entries in insertion order.
    std::vector<std::pair<PickleValue, PickleValue>> items() const;
    /// The value stored under a String key of a Dict; nullopt when absent or when this is not a Dict.
    std::optional<PickleValue> find(const std::string& key) const;

    /// Global: "module.name" (Python 2 names mapped: "__builtin__" → "builtins"). Object: the class or function
    /// that would have built it, e.g. "argparse.Namespace".
    const std::string& qualifiedName() const;
    /// Object: the arguments the file passes to its constructor (a Tuple, or None).
    PickleValue objectArgs() const;
    /// Object: the BUILD state (usually a Dict of attributes), None when the file sets none.
    PickleValue objectState() const;
    /// Object: items the file appended (list subclasses, sets) and set (dict subclasses).
    std::vector<PickleValue> objectItems() const;
    std::vector<std::pair<PickleValue, PickleValue>> objectEntries() const;

    /// A short Python-like rendering for messages ("OrderedDict(3 entries)", "'abc'", "Tensor F32 [2,3]").
    std::string describe() const;

    // Construction used by the unpickler. A value may only be inserted into containers of its own arena.
    static PickleValue container(const std::shared_ptr<detail::PickleArena>& arena, Kind kind);
    static PickleValue global(const std::shared_ptr<detail::PickleArena>& arena, std::string qualifiedName);
    static PickleValue object(const std::shared_ptr<detail::PickleArena>& arena, std::string className,
                              PickleValue args);
    detail::PickleNode* node() const { return m_node; }
    const std::shared_ptr<detail::PickleArena>& arena() const { return m_arena; }
    /// This value without (or with) its reference to the arena: values stored inside arena containers hold none,
    /// since a container referring to its own arena would keep it alive forever.
    PickleValue detached() const;
    PickleValue attached(const std::shared_ptr<detail::PickleArena>& arena) const;

private:
    void expect(Kind kind) const;

    Kind m_kind = Kind::None;
    union {
        int64_t m_int = 0;  // Bool and Int
        double m_float;     // Float
    };
    std::shared_ptr<const std::string> m_text;  // String and Bytes: shared so memo lookups never copy
    torch::Tensor m_tensor;                     // Tensor and Storage
    detail::PickleNode* m_node = nullptr;       // containers: owned by m_arena
    std::shared_ptr<detail::PickleArena> m_arena;
};

namespace detail {

// Values stored inside the arena hold no reference to the arena itself (that would be a cycle); the public
// accessors re-attach the arena when they hand an element out. Nodes are kept small (hostile pickles may create
// millions of empty lists): what only dicts, globals and objects need lives in `extra`.
struct PickleNode {
    struct Extra {
        std::string name;                               // Global / Object: qualified name
        PickleValue args;                               // Object
        PickleValue state;                              // Object
        std::unordered_map<std::string, size_t> index;  // Dict / Object entries: indexKey → position
    };

    PickleValue::Kind kind = PickleValue::Kind::List;
    std::vector<PickleValue> elements;                         // List, Tuple; Object items
    std::vector<std::pair<PickleValue, PickleValue>> entries;  // Dict; Object entries
    std::unique_ptr<Extra> extra;

    Extra& ext() {
        if (!extra) {
            extra = std::make_unique<Extra>();
        }
        return *extra;
    }
};

struct PickleArena {
    std::deque<PickleNode> nodes;  // a deque keeps node addresses stable while it grows
};

/// Dict index key for String and Int keys; empty for keys that cannot be indexed.
std::string indexKey(const PickleValue& key);

}  // namespace detail

}  // namespace sm::io
