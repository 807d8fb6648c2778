#include "io/unpickler.h"

#include <torch/torch.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <vector>

#include "io/state_dict.h"
#include "runtime/error.h"

namespace sm::io {
namespace {

using Kind = PickleValue::Kind;

constexpr size_t kMaxDims = 64;
constexpr int kHighestProtocol = 5;

// Opcodes, named as in CPython's Lib/pickle.py.
// clang-format off
enum Op : uint8_t {
    // protocol 0 and 1
    MARK = '(', STOP = '.', POP = '0', POP_MARK = '1', DUP = '2', FLOAT = 'F', INT = 'I', BININT = 'J',
    BININT1 = 'K', LONG = 'L', BININT2 = 'M', NONE = 'N', PERSID = 'P', BINPERSID = 'Q', REDUCE = 'R',
    STRING = 'S', BINSTRING = 'T', SHORT_BINSTRING = 'U', UNICODE = 'V', BINUNICODE = 'X', APPEND = 'a',
    BUILD = 'b', GLOBAL = 'c', DICT = 'd', EMPTY_DICT = '}', APPENDS = 'e', GET = 'g', BINGET = 'h', INST = 'i',
    LONG_BINGET = 'j', LIST = 'l', EMPTY_LIST = ']', OBJ = 'o', PUT = 'p', BINPUT = 'q', LONG_BINPUT = 'r',
    SETITEM = 's', TUPLE = 't', EMPTY_TUPLE = ')', SETITEMS = 'u', BINFLOAT = 'G',
    // protocol 2
    PROTO = 0x80, NEWOBJ = 0x81, EXT1 = 0x82, EXT2 = 0x83, EXT4 = 0x84, TUPLE1 = 0x85, TUPLE2 = 0x86,
    TUPLE3 = 0x87, NEWTRUE = 0x88, NEWFALSE = 0x89, LONG1 = 0x8a, LONG4 = 0x8b,
    // protocol 3
    BINBYTES = 'B', SHORT_BINBYTES = 'C',
    // protocol 4
    SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d, BINBYTES8 = 0x8e, EMPTY_SET = 0x8f, ADDITEMS = 0x90,
    FROZENSET = 0x91, NEWOBJ_EX = 0x92, STACK_GLOBAL = 0x93, MEMOIZE = 0x94, FRAME = 0x95,
    // protocol 5
    BYTEARRAY8 = 0x96, NEXT_BUFFER = 0x97, READONLY_BUFFER = 0x98,
};
// clang-format on

// ---- names ---------------------------------------------------------------------------------------------------

// Protocol 0-2 pickles written by Python 2 use the old module names; Python 3 maps them the same way.
std::string normaliseModule(const std::string& module) {
    if (module == "__builtin__") {
        return "builtins";
    }
    if (module == "copy_reg") {
        return "copyreg";
    }
    return module;
}

bool inModule(const std::string& qualified, const char* module) {
    const size_t n = std::strlen(module);
    return qualified.size() > n && qualified.compare(0, n, module) == 0 && qualified[n] == '.';
}

// The module itself ("torch.hub") or anything in it ("torch.hub.load").
bool isOrInModule(const std::string& qualified, const char* module) {
    return qualified == module || inModule(qualified, module);
}

struct ScalarName {
    const char* name;
    torch::ScalarType type;
};

constexpr ScalarName kStorageTypes[] = {
    {"DoubleStorage", torch::kFloat64},
    {"FloatStorage", torch::kFloat32},
    {"HalfStorage", torch::kFloat16},
    {"BFloat16Storage", torch::kBFloat16},
    {"LongStorage", torch::kInt64},
    {"IntStorage", torch::kInt32},
    {"ShortStorage", torch::kInt16},
    {"CharStorage", torch::kInt8},
    {"ByteStorage", torch::kUInt8},
    {"BoolStorage", torch::kBool},
    {"ComplexFloatStorage", torch::kComplexFloat},
    {"ComplexDoubleStorage", torch::kComplexDouble},
    {"UntypedStorage", torch::kUInt8},
};

constexpr ScalarName kDtypes[] = {
    {"float64", torch::kFloat64},
    {"double", torch::kFloat64},
    {"float32", torch::kFloat32},
    {"float", torch::kFloat32},
    {"float16", torch::kFloat16},
    {"half", torch::kFloat16},
    {"bfloat16", torch::kBFloat16},
    {"int64", torch::kInt64},
    {"long", torch::kInt64},
    {"int32", torch::kInt32},
    {"int", torch::kInt32},
    {"int16", torch::kInt16},
    {"short", torch::kInt16},
    {"int8", torch::kInt8},
    {"uint8", torch::kUInt8},
    {"bool", torch::kBool},
    {"complex64", torch::kComplexFloat},
    {"complex128", torch::kComplexDouble},
};

// Modules whose every name is refused: nothing in them is plain data, and they are what malicious pickles use.
// Names a real checkpoint may legitimately hold (pathlib.PosixPath, types.SimpleNamespace, functools.partial in
// hyper-parameters) stay opaque placeholders instead: refusing is for names that only make sense to run code.
// clang-format off
constexpr const char* kRefusedModules[] = {
    "os", "posix", "nt", "subprocess", "_posixsubprocess", "sys", "shutil", "socket", "pty", "commands",
    "runpy", "importlib", "ctypes", "code", "codeop", "pickle", "_pickle", "cPickle", "dill", "marshal",
    "multiprocessing", "signal", "webbrowser", "asyncio", "pdb", "bdb", "timeit", "trace", "profile", "cProfile",
    "urllib.request", "http.client", "ftplib", "smtplib", "telnetlib", "torch.hub", "torch.serialization",
    "torch.utils.cpp_extension", "numpy.testing", "numpy.f2py", "numpy.distutils", "numpy.ctypeslib",
    "numpy.lib.npyio",
};

// Builtins that evaluate code, change objects or touch files. getattr is not among them: Python 3.12 pickles enum
// members as getattr(EnumClass, "NAME"), so it is resolved to the attribute's name and that name is checked.
constexpr const char* kRefusedBuiltins[] = {
    "eval", "exec", "execfile", "compile", "open", "file", "__import__", "setattr", "delattr", "globals",
    "locals", "vars", "input", "raw_input", "breakpoint", "apply", "reload", "exit", "quit", "help",
};

// Single names that are gadgets for running code.
constexpr const char* kRefusedNames[] = {
    "torch.load", "torch.storage._load_from_bytes", "numpy.load", "types.FunctionType", "types.CodeType",
    "types.LambdaType", "types.MethodType", "types.ModuleType", "operator.attrgetter", "operator.methodcaller",
    "_operator.attrgetter", "_operator.methodcaller", "io.open", "io.FileIO", "_io.open", "_io.FileIO",
};
// clang-format on

// ---- small helpers -------------------------------------------------------------------------------------------

void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool checkedMul(int64_t a, int64_t b, int64_t* out) {
    if (a != 0 && b > std::numeric_limits<int64_t>::max() / a) {
        return false;
    }
    *out = a * b;
    return true;
}

bool checkedAdd(int64_t a, int64_t b, int64_t* out) {
    if (b > std::numeric_limits<int64_t>::max() - a) {
        return false;
    }
    *out = a + b;
    return true;
}

// ---- the machine ---------------------------------------------------------------------------------------------

// CPython's _Unpickler.load loop (Lib/pickle.py) over an in-memory buffer, with the calls replaced by data.
// Values on the stack, in the memo and inside containers are stored detached from the arena (see PickleNode);
// the arena is attached again only to the value finally returned.
class Machine {
public:
    Machine(const uint8_t* data, size_t size, const UnpickleOptions& options)
        : m_data(data), m_size(size), m_options(options), m_arena(std::make_shared<detail::PickleArena>()) {}

    UnpickleResult run();

private:
    // The opcode's offset lets a user find the spot with `python -m pickletools` on the extracted data.pkl.
    [[noreturn]] void fail(const std::string& what) const {
        throw WeightsError(m_options.source + ": " + what + " at byte " + std::to_string(m_opStart));
    }

    // -- input. Every length comes from the file, so it is compared with what is left before anything is
    // allocated or read.
    const uint8_t* take(uint64_t n) {
        if (n > m_size - m_pos) {
            fail("pickle data ends inside an opcode (truncated?)");
        }
        const uint8_t* p = m_data + m_pos;
        m_pos += static_cast<size_t>(n);
        return p;
    }
    uint64_t readLE(int bytes) {
        const uint8_t* p = take(static_cast<uint64_t>(bytes));
        uint64_t v = 0;
        for (int i = bytes - 1; i >= 0; --i) {
            v = (v << 8) | p[i];
        }
        return v;
    }
    std::string readBytes(uint64_t n) {
        const uint8_t* p = take(n);
        return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    }
    std::string readLine() {
        const void* nl = std::memchr(m_data + m_pos, '\n', m_size - m_pos);
        if (nl == nullptr) {
            fail("pickle data ends inside a text argument (truncated?)");
        }
        const size_t n = static_cast<const uint8_t*>(nl) - (m_data + m_pos);
        std::string line = readBytes(n);
        ++m_pos;  // the newline
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        return line;
    }

    // -- stack
    void count() {
        if (++m_created > kMaxPickleValues) {
            fail("pickle creates more than " + std::to_string(kMaxPickleValues) + " values (corrupt or hostile)");
        }
    }
    void push(PickleValue value) {
        count();
        m_stack.push_back(value.detached());
    }
    void remember(uint64_t index) {
        count();
        m_memo[index] = top();
    }
    PickleValue pop() {
        if (m_stack.size() <= floor()) {
            fail("pickle stack underflow (corrupt data)");
        }
        PickleValue v = std::move(m_stack.back());
        m_stack.pop_back();
        return v;
    }
    PickleValue& top() {
        if (m_stack.size() <= floor()) {
            fail("pickle stack underflow (corrupt data)");
        }
        return m_stack.back();
    }
    // CPython keeps a stack of stacks (the metastack); here a MARK is the stack height it was set at, and the
    // values below the innermost mark are out of reach until POP_MARK, TUPLE, LIST, … pop it.
    size_t floor() const { return m_marks.empty() ? 0 : m_marks.back(); }
    std::vector<PickleValue> popMark() {
        if (m_marks.empty()) {
            fail("pickle has no MARK to pop to (corrupt data)");
        }
        const size_t start = m_marks.back();
        m_marks.pop_back();
        std::vector<PickleValue> items(std::make_move_iterator(m_stack.begin() + static_cast<ptrdiff_t>(start)),
                                       std::make_move_iterator(m_stack.end()));
        m_stack.resize(start);
        return items;
    }

    PickleValue newContainer(Kind kind) { return PickleValue::container(m_arena, kind).detached(); }
    PickleValue makeTuple(std::vector<PickleValue> items) {
        PickleValue t = newContainer(Kind::Tuple);
        t.node()->elements = std::move(items);
        return t;
    }
    PickleValue makeObject(std::string className, PickleValue args) {
        return PickleValue::object(m_arena, std::move(className), std::move(args)).detached();
    }

    // -- containers
    void setItem(PickleValue& target, PickleValue key, PickleValue value);
    void appendItem(PickleValue& target, PickleValue value, const char* op);

    // -- globals and calls
    PickleValue makeGlobal(const std::string& module, const std::string& name);
    PickleValue call(const PickleValue& callable, const PickleValue& args, int depth = 0);
    PickleValue rebuildTensor(const std::string& fn, const std::vector<PickleValue>& args);
    PickleValue makeDict(const std::string& fn, const std::vector<PickleValue>& args);
    PickleValue encodeBytes(const std::string& fn, const std::vector<PickleValue>& args);
    std::vector<int64_t> intList(const PickleValue& value, const std::string& what);
    std::vector<PickleValue> argList(const PickleValue& args, const std::string& fn);

    PickleValue persistent(const PickleValue& pid);
    PickleValue decodeLong(const uint8_t* bytes, size_t n);
    PickleValue textInt(const std::string& line, bool isLong);
    std::string decodeQuoted(const std::string& line);
    std::string decodeRawUnicodeEscape(const std::string& line);

    const uint8_t* m_data;
    size_t m_size;
    size_t m_pos = 0;
    size_t m_opStart = 0;
    const UnpickleOptions& m_options;
    std::shared_ptr<detail::PickleArena> m_arena;
    std::vector<PickleValue> m_stack;
    std::vector<size_t> m_marks;
    std::unordered_map<uint64_t, PickleValue> m_memo;  // sparse: a hostile index must not allocate
    size_t m_created = 0;
};

void Machine::setItem(PickleValue& target, PickleValue key, PickleValue value) {
    detail::PickleNode* node = target.node();
    if (node == nullptr || (node->kind != Kind::Dict && node->kind != Kind::Object)) {
        fail("SETITEM on " + target.describe() + ", which is not a dict");
    }
    // Python replaces the value of an existing key. Keys without an index (tuples, objects) are appended: at worst
    // a duplicate survives, which no state dict relies on.
    const std::string index = detail::indexKey(key);
    if (!index.empty()) {
        auto& positions = node->ext().index;
        const auto it = positions.find(index);
        if (it != positions.end()) {
            node->entries[it->second].second = std::move(value);
            return;
        }
        positions.emplace(index, node->entries.size());
    }
    node->entries.emplace_back(std::move(key), std::move(value));
}

void Machine::appendItem(PickleValue& target, PickleValue value, const char* op) {
    detail::PickleNode* node = target.node();
    // Placeholders accept items too: list subclasses pickle their contents with APPENDS after NEWOBJ.
    if (node == nullptr || (node->kind != Kind::List && node->kind != Kind::Object)) {
        fail(std::string(op) + " on " + target.describe() + ", which is not a list");
    }
    node->elements.push_back(std::move(value));
}

// Refusing at the reference (not only at the call) also catches names used as BUILD targets or arguments.
PickleValue Machine::makeGlobal(const std::string& rawModule, const std::string& name) {
    const std::string qualified = normaliseModule(rawModule) + "." + name;
    const std::string refused = refusedGlobal(qualified);
    if (!refused.empty()) {
        fail("refers to " + refused +
             ", which Python would run while loading: refusing this file (it is corrupt or malicious)");
    }
    return PickleValue::global(m_arena, qualified).detached();
}

std::vector<PickleValue> Machine::argList(const PickleValue& args, const std::string& fn) {
    if (!args.isSequence()) {
        fail(fn + " called with " + args.describe() + " instead of an argument tuple");
    }
    return args.node()->elements;
}

std::vector<int64_t> Machine::intList(const PickleValue& value, const std::string& what) {
    if (!value.isSequence()) {
        fail(what + " is " + value.describe() + ", expected a tuple of integers");
    }
    std::vector<int64_t> out;
    for (const auto& element : value.node()->elements) {
        if (element.kind() != Kind::Int) {
            fail(what + " holds " + element.describe() + ", expected integers");
        }
        out.push_back(element.toInt());
    }
    return out;
}

PickleValue Machine::rebuildTensor(const std::string& fn, const std::vector<PickleValue>& args) {
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, dtype for v3][, metadata]);
    // requires_grad, hooks and metadata do not matter for inference weights.
    const bool v3 = fn == "torch._utils._rebuild_tensor_v3";
    const size_t minArgs = fn == "torch._utils._rebuild_tensor" ? 4 : (v3 ? 7 : 6);
    if (args.size() < minArgs) {
        fail(fn + " called with " + std::to_string(args.size()) + " arguments, expected " + std::to_string(minArgs));
    }
    if (args[0].kind() != Kind::Storage) {
        fail(fn + ": argument 0 is " + args[0].describe() + ", expected a storage");
    }
    torch::Tensor storage = args[0].toTensor();
    if (args[1].kind() != Kind::Int) {
        fail(fn + ": storage offset is " + args[1].describe() + ", expected an integer");
    }
    const int64_t offset = args[1].toInt();
    const std::vector<int64_t> sizes = intList(args[2], fn + ": size");
    const std::vector<int64_t> strides = intList(args[3], fn + ": stride");

    if (v3) {
        // _rebuild_tensor_v3 names the dtype explicitly; the storage may be untyped bytes.
        const auto dtype = args[6].kind() == Kind::Global ? dtypeScalarType(args[6].qualifiedName()) : std::nullopt;
        if (!dtype) {
            fail(fn + ": dtype is " + args[6].describe() + ", which is not a supported torch dtype");
        }
        if (*dtype != storage.scalar_type()) {
            const int64_t bytes = storage.numel() * static_cast<int64_t>(storage.element_size());
            const auto itemSize = static_cast<int64_t>(c10::elementSize(*dtype));
            if (storage.dim() != 1 || !storage.is_contiguous() || bytes % itemSize != 0) {
                fail(fn + ": storage of " + std::to_string(bytes) + " bytes cannot hold " +
                     std::string(c10::toString(*dtype)) + " elements");
            }
            storage = storage.view(*dtype);
        }
    }

    // Everything below is checked before as_strided, which would otherwise read outside the storage.
    const std::string shape = shapeString(sizes);
    if (sizes.size() != strides.size()) {
        fail(fn + ": size " + shape + " and stride " + shapeString(strides) + " differ in length");
    }
    if (sizes.size() > kMaxDims) {
        fail(fn + ": " + std::to_string(sizes.size()) + " dimensions (at most " + std::to_string(kMaxDims) + ")");
    }
    if (offset < 0) {
        fail(fn + ": negative storage offset " + std::to_string(offset));
    }
    int64_t numel = 1;
    int64_t lastIndex = offset;
    for (size_t i = 0; i < sizes.size(); ++i) {
        if (sizes[i] < 0 || strides[i] < 0) {
            fail(fn + ": size " + shape + " / stride " + shapeString(strides) + " has a negative entry");
        }
        int64_t span = 0;
        if (!checkedMul(numel, sizes[i], &numel) || (sizes[i] > 0 && (!checkedMul(sizes[i] - 1, strides[i], &span) ||
                                                                      !checkedAdd(lastIndex, span, &lastIndex)))) {
            fail(fn + ": size " + shape + " / stride " + shapeString(strides) + " overflows");
        }
    }
    const int64_t available = storage.numel();
    if (numel > 0 ? lastIndex >= available : offset > available) {
        fail(fn + ": a tensor of size " + shape + ", stride " + shapeString(strides) + " at offset " +
             std::to_string(offset) + " needs " +
             std::to_string(numel > 0 ? static_cast<uint64_t>(lastIndex) + 1 : static_cast<uint64_t>(offset)) +
             " elements, but its storage has " + std::to_string(available));
    }
    return PickleValue::tensor(storage.as_strided(sizes, strides, storage.storage_offset() + offset));
}

PickleValue Machine::makeDict(const std::string& fn, const std::vector<PickleValue>& args) {
    PickleValue dict = newContainer(Kind::Dict);
    if (args.empty() || args[0].isNone()) {
        return dict;
    }
    // OrderedDict([(k, v), ...]) or dict(other_dict).
    if (args[0].isDict()) {
        for (const auto& [key, value] : args[0].node()->entries) {
            setItem(dict, key, value);
        }
        return dict;
    }
    if (!args[0].isSequence()) {
        fail(fn + " called with " + args[0].describe() + ", expected key/value pairs");
    }
    for (const auto& pair : args[0].node()->elements) {
        if (!pair.isSequence() || pair.node()->elements.size() != 2) {
            fail(fn + " called with " + pair.describe() + " where a (key, value) pair belongs");
        }
        setItem(dict, pair.node()->elements[0], pair.node()->elements[1]);
    }
    return dict;
}

// Protocol 2 has no bytes opcode: Python 3 writes bytes as _codecs.encode(text, 'latin1').
PickleValue Machine::encodeBytes(const std::string& fn, const std::vector<PickleValue>& args) {
    if (args.empty()) {
        return PickleValue::bytes({});
    }
    if (args[0].kind() == Kind::Bytes) {
        return PickleValue::bytes(args[0].toBytes());
    }
    if (args[0].isSequence()) {  // bytes([1, 2, 3])
        std::string out;
        for (const auto& element : args[0].node()->elements) {
            if (element.kind() != Kind::Int || element.toInt() < 0 || element.toInt() > 255) {
                fail(fn + " called with a list holding " + element.describe() + ", expected bytes 0..255");
            }
            out += static_cast<char>(element.toInt());
        }
        return PickleValue::bytes(out);
    }
    if (args[0].kind() != Kind::String) {
        fail(fn + " called with " + args[0].describe() + ", expected a string");
    }
    const std::string& text = args[0].toStr();
    std::string encoding = args.size() > 1 && args[1].kind() == Kind::String ? args[1].toStr() : "utf-8";
    for (auto& c : encoding) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (encoding == "utf-8" || encoding == "utf8") {
        return PickleValue::bytes(text);
    }
    if (encoding != "latin1" && encoding != "latin-1" && encoding != "iso-8859-1" && encoding != "ascii") {
        fail(fn + ": unsupported encoding '" + encoding + "'");
    }
    // The string is UTF-8 here; latin-1 maps code points 0..255 to single bytes.
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if ((c & 0xe0) == 0xc0 && i + 1 < text.size() && c <= 0xc3) {
            out += static_cast<char>(((c & 0x1f) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3f));
            ++i;
        } else {
            fail(fn + ": string has a character outside latin-1");
        }
    }
    return PickleValue::bytes(out);
}

PickleValue Machine::call(const PickleValue& callable, const PickleValue& args, int depth) {
    if (callable.kind() != Kind::Global) {
        // Calling the result of another call: keep it opaque, named after what was called.
        return makeObject("call of " + callable.describe(), args);
    }
    const std::string& fn = callable.qualifiedName();
    if (fn == "collections.OrderedDict" || fn == "builtins.dict") {
        return makeDict(fn, argList(args, fn));
    }
    if (fn == "torch._utils._rebuild_tensor" || fn == "torch._utils._rebuild_tensor_v2" ||
        fn == "torch._utils._rebuild_tensor_v3") {
        return rebuildTensor(fn, argList(args, fn));
    }
    if (fn == "torch._utils._rebuild_parameter" || fn == "torch._utils._rebuild_parameter_with_state") {
        const auto list = argList(args, fn);
        if (list.empty() || !list[0].isTensor()) {
            fail(fn + " called without a tensor");
        }
        return list[0];
    }
    if (fn == "torch._tensor._rebuild_from_type_v2" || fn == "torch._tensor._rebuild_from_type") {
        // (func, type, args, state): a tensor subclass; rebuild the plain tensor through func, drop the type.
        const auto list = argList(args, fn);
        if (list.size() < 3) {
            fail(fn + " called with " + std::to_string(list.size()) + " arguments, expected 4");
        }
        if (depth > 4) {  // real files nest once; a self-referencing argument list would recurse forever
            fail(fn + " nested too deeply");
        }
        return call(list[0], list[2], depth + 1);
    }
    if (fn == "torch.Size" || fn == "builtins.tuple" || fn == "builtins.list") {
        const auto list = argList(args, fn);
        PickleValue out = newContainer(fn == "builtins.list" ? Kind::List : Kind::Tuple);
        if (!list.empty() && list[0].isSequence()) {
            out.node()->elements = list[0].node()->elements;
        }
        return out;
    }
    if (fn == "_codecs.encode" || fn == "builtins.bytes" || fn == "builtins.bytearray") {
        return encodeBytes(fn, argList(args, fn));
    }
    if (fn == "builtins.getattr") {
        // getattr(SomeClass, "NAME") is an attribute reference: a Global named "SomeClass.NAME", checked like any.
        const auto list = argList(args, fn);
        if (list.size() == 2 && list[0].kind() == Kind::Global && list[1].kind() == Kind::String) {
            const std::string qualified = list[0].qualifiedName() + "." + list[1].toStr();
            const std::string refused = refusedGlobal(qualified);
            if (!refused.empty()) {
                fail("reaches " + refused +
                     " through getattr, which Python would run while loading: refusing this file (it is corrupt "
                     "or malicious)");
            }
            return PickleValue::global(m_arena, qualified).detached();
        }
    }
    if (fn == "copyreg._reconstructor" || fn == "copyreg.__newobj__") {
        // Generic object reconstruction: name the placeholder after the class it would build.
        const auto list = argList(args, fn);
        if (!list.empty() && list[0].kind() == Kind::Global) {
            std::vector<PickleValue> rest(list.begin() + 1, list.end());
            return makeObject(list[0].qualifiedName(), makeTuple(std::move(rest)));
        }
    }
    return makeObject(fn, args);
}

PickleValue Machine::persistent(const PickleValue& pid) {
    if (!m_options.persistentLoad) {
        fail("persistent id " + pid.describe() + " but no storage loader");
    }
    PickleValue value = m_options.persistentLoad(pid.attached(m_arena));
    if (value.node() != nullptr) {
        fail("persistent id resolved to a container");  // a programming error in the callback
    }
    return value;
}

// Little-endian two's complement of any length; ints beyond 64 bits become an opaque "builtins.int" holding the
// raw bytes (the legacy format's magic number is one).
PickleValue Machine::decodeLong(const uint8_t* bytes, size_t n) {
    if (n == 0) {
        return PickleValue::integer(0);
    }
    const bool negative = (bytes[n - 1] & 0x80) != 0;
    for (size_t i = 8; i < n; ++i) {
        if (bytes[i] != (negative ? 0xff : 0x00)) {
            return makeObject("builtins.int", PickleValue::bytes(std::string(reinterpret_cast<const char*>(bytes), n)));
        }
    }
    if (n >= 8 && ((bytes[7] & 0x80) != 0) != negative) {
        return makeObject("builtins.int", PickleValue::bytes(std::string(reinterpret_cast<const char*>(bytes), n)));
    }
    uint64_t v = negative ? ~uint64_t(0) : 0;
    for (size_t i = 0; i < n && i < 8; ++i) {
        v &= ~(uint64_t(0xff) << (8 * i));
        v |= uint64_t(bytes[i]) << (8 * i);
    }
    return PickleValue::integer(static_cast<int64_t>(v));
}

PickleValue Machine::textInt(const std::string& line, bool isLong) {
    std::string digits = line;
    if (isLong && !digits.empty() && digits.back() == 'L') {
        digits.pop_back();
    }
    if (!isLong && (digits == "00" || digits == "01")) {  // protocol 0 booleans
        return PickleValue::boolean(digits == "01");
    }
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec == std::errc::result_out_of_range) {
        return makeObject("builtins.int", PickleValue::string(digits));
    }
    if (ec != std::errc() || end != digits.data() + digits.size()) {
        fail("malformed integer '" + digits.substr(0, 40) + "'");
    }
    return PickleValue::integer(v);
}

// STRING argument: a Python repr, 'text' or "text", with backslash escapes.
std::string Machine::decodeQuoted(const std::string& line) {
    if (line.size() < 2 || (line.front() != '\'' && line.front() != '"') || line.back() != line.front()) {
        fail("STRING argument is not quoted");
    }
    std::string out;
    for (size_t i = 1; i + 1 < line.size(); ++i) {
        char c = line[i];
        if (c != '\\' || i + 2 >= line.size()) {
            out += c;
            continue;
        }
        c = line[++i];
        switch (c) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'x':
                if (i + 2 < line.size() - 1 && hexDigit(line[i + 1]) >= 0 && hexDigit(line[i + 2]) >= 0) {
                    out += static_cast<char>(hexDigit(line[i + 1]) * 16 + hexDigit(line[i + 2]));
                    i += 2;
                } else {
                    fail("bad \\x escape in STRING argument");
                }
                break;
            default:
                if (c >= '0' && c <= '7') {
                    int v = c - '0';
                    for (int k = 0; k < 2 && i + 1 < line.size() - 1 && line[i + 1] >= '0' && line[i + 1] <= '7'; ++k) {
                        v = v * 8 + (line[++i] - '0');
                    }
                    out += static_cast<char>(v & 0xff);
                } else {
                    out += c;  // \\ \' \" and unknown escapes keep the character
                }
        }
    }
    return out;
}

// UNICODE argument: raw-unicode-escape (latin-1 bytes plus \uXXXX / \UXXXXXXXX), returned as UTF-8.
std::string Machine::decodeRawUnicodeEscape(const std::string& line) {
    std::string out;
    for (size_t i = 0; i < line.size(); ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        if (c == '\\' && i + 1 < line.size() && (line[i + 1] == 'u' || line[i + 1] == 'U')) {
            const size_t digits = line[i + 1] == 'u' ? 4 : 8;
            if (i + 2 + digits > line.size()) {
                fail("truncated \\u escape in UNICODE argument");
            }
            uint32_t cp = 0;
            for (size_t k = 0; k < digits; ++k) {
                const int d = hexDigit(line[i + 2 + k]);
                if (d < 0) {
                    fail("bad \\u escape in UNICODE argument");
                }
                cp = cp * 16 + static_cast<uint32_t>(d);
            }
            if (cp > 0x10ffff) {
                fail("\\U escape beyond Unicode in UNICODE argument");
            }
            appendUtf8(out, cp);
            i += 1 + digits;
        } else {
            appendUtf8(out, c);
        }
    }
    return out;
}

UnpickleResult Machine::run() {
    while (true) {
        m_opStart = m_pos;
        if (m_pos >= m_size) {
            fail("pickle data ends before STOP (truncated?)");
        }
        const uint8_t op = m_data[m_pos++];
        switch (op) {
            case PROTO: {
                const uint8_t proto = *take(1);
                if (proto > kHighestProtocol) {
                    fail("pickle protocol " + std::to_string(proto) + " is newer than 5");
                }
                break;
            }
            case FRAME: {
                // Frames only group opcodes for buffered readers; the whole pickle is in memory already.
                const uint64_t length = readLE(8);
                if (length > m_size - m_pos) {
                    fail("FRAME of " + std::to_string(length) + " bytes runs past the end (truncated?)");
                }
                break;
            }
            case STOP: {
                PickleValue result = pop();
                return {result.attached(m_arena), m_pos};
            }
            case MARK:
                m_marks.push_back(m_stack.size());
                break;
            case POP:
                if (m_stack.size() > floor()) {
                    m_stack.pop_back();
                } else {
                    popMark();  // CPython pops a mark when the stack above it is empty
                }
                break;
            case POP_MARK:
                popMark();
                break;
            case DUP:
                push(top());
                break;

            // -- scalars
            case NONE:
                push(PickleValue());
                break;
            case NEWTRUE:
                push(PickleValue::boolean(true));
                break;
            case NEWFALSE:
                push(PickleValue::boolean(false));
                break;
            case BININT:
                push(PickleValue::integer(static_cast<int32_t>(static_cast<uint32_t>(readLE(4)))));
                break;
            case BININT1:
                push(PickleValue::integer(static_cast<int64_t>(readLE(1))));
                break;
            case BININT2:
                push(PickleValue::integer(static_cast<int64_t>(readLE(2))));
                break;
            case LONG1: {
                const size_t n = static_cast<size_t>(readLE(1));
                push(decodeLong(take(n), n));
                break;
            }
            case LONG4: {
                const auto n = static_cast<int32_t>(static_cast<uint32_t>(readLE(4)));
                if (n < 0) {
                    fail("LONG4 with negative length");
                }
                push(decodeLong(take(static_cast<uint64_t>(n)), static_cast<size_t>(n)));
                break;
            }
            case INT:
                push(textInt(readLine(), false));
                break;
            case LONG:
                push(textInt(readLine(), true));
                break;
            case BINFLOAT: {
                const uint8_t* p = take(8);
                uint64_t bits = 0;
                for (int i = 0; i < 8; ++i) {
                    bits = (bits << 8) | p[i];  // big-endian
                }
                double v = 0;
                std::memcpy(&v, &bits, sizeof v);
                push(PickleValue::floating(v));
                break;
            }
            case FLOAT: {
                const std::string line = readLine();
                double v = 0;
                const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), v);
                if (ec != std::errc() || end != line.data() + line.size()) {
                    fail("malformed float '" + line.substr(0, 40) + "'");
                }
                push(PickleValue::floating(v));
                break;
            }

            // -- strings and bytes
            case BINUNICODE:
                push(PickleValue::string(readBytes(readLE(4))));
                break;
            case SHORT_BINUNICODE:
                push(PickleValue::string(readBytes(readLE(1))));
                break;
            case BINUNICODE8:
                push(PickleValue::string(readBytes(readLE(8))));
                break;
            case UNICODE:
                push(PickleValue::string(decodeRawUnicodeEscape(readLine())));
                break;
            // Python 2 str: decoded as text, like torch.load's default encoding does for old checkpoints.
            case STRING:
                push(PickleValue::string(decodeQuoted(readLine())));
                break;
            case BINSTRING: {
                const auto n = static_cast<int32_t>(static_cast<uint32_t>(readLE(4)));
                if (n < 0) {
                    fail("BINSTRING with negative length");
                }
                push(PickleValue::string(readBytes(static_cast<uint64_t>(n))));
                break;
            }
            case SHORT_BINSTRING:
                push(PickleValue::string(readBytes(readLE(1))));
                break;
            case BINBYTES:
                push(PickleValue::bytes(readBytes(readLE(4))));
                break;
            case SHORT_BINBYTES:
                push(PickleValue::bytes(readBytes(readLE(1))));
                break;
            case BINBYTES8:
            case BYTEARRAY8:
                push(PickleValue::bytes(readBytes(readLE(8))));
                break;

            // -- containers
            case EMPTY_TUPLE:
                push(newContainer(Kind::Tuple));
                break;
            case TUPLE1:
            case TUPLE2:
            case TUPLE3: {
                const size_t n = op - TUPLE1 + 1;
                std::vector<PickleValue> items(n);
                for (size_t i = n; i-- > 0;) {
                    items[i] = pop();
                }
                push(makeTuple(std::move(items)));
                break;
            }
            case TUPLE:
                push(makeTuple(popMark()));
                break;
            case EMPTY_LIST:
                push(newContainer(Kind::List));
                break;
            case LIST: {
                PickleValue list = newContainer(Kind::List);
                list.node()->elements = popMark();
                push(list);
                break;
            }
            case APPEND: {
                PickleValue value = pop();
                appendItem(top(), std::move(value), "APPEND");
                break;
            }
            case APPENDS: {
                std::vector<PickleValue> items = popMark();
                for (auto& item : items) {
                    appendItem(top(), std::move(item), "APPENDS");
                }
                break;
            }
            case EMPTY_DICT:
                push(newContainer(Kind::Dict));
                break;
            case DICT: {
                std::vector<PickleValue> items = popMark();
                if (items.size() % 2 != 0) {
                    fail("DICT with an odd number of items");
                }
                PickleValue dict = newContainer(Kind::Dict);
                for (size_t i = 0; i < items.size(); i += 2) {
                    setItem(dict, std::move(items[i]), std::move(items[i + 1]));
                }
                push(dict);
                break;
            }
            case SETITEM: {
                PickleValue value = pop();
                PickleValue key = pop();
                setItem(top(), std::move(key), std::move(value));
                break;
            }
            case SETITEMS: {
                std::vector<PickleValue> items = popMark();
                if (items.size() % 2 != 0) {
                    fail("SETITEMS with an odd number of items");
                }
                for (size_t i = 0; i < items.size(); i += 2) {
                    setItem(top(), std::move(items[i]), std::move(items[i + 1]));
                }
                break;
            }
            // Sets have no kind of their own: no state dict holds one, so they stay placeholders with their items.
            case EMPTY_SET:
                push(makeObject("builtins.set", PickleValue()));
                break;
            case ADDITEMS: {
                std::vector<PickleValue> items = popMark();
                PickleValue& set = top();
                if (!set.isObject()) {
                    fail("ADDITEMS on " + set.describe() + ", which is not a set");
                }
                for (auto& item : items) {
                    set.node()->elements.push_back(std::move(item));
                }
                break;
            }
            case FROZENSET: {
                PickleValue set = makeObject("builtins.frozenset", PickleValue());
                set.node()->elements = popMark();
                push(set);
                break;
            }

            // -- memo
            // The memo lets later opcodes refer to a value again (shared tensors, repeated globals).
            case PUT: {
                const PickleValue index = textInt(readLine(), true);
                if (index.kind() != Kind::Int || index.toInt() < 0) {
                    fail("PUT with a bad index");
                }
                remember(static_cast<uint64_t>(index.toInt()));
                break;
            }
            case BINPUT:
                remember(readLE(1));
                break;
            case LONG_BINPUT:
                remember(readLE(4));
                break;
            case MEMOIZE:
                remember(m_memo.size());
                break;
            case GET:
            case BINGET:
            case LONG_BINGET: {
                uint64_t index = 0;
                if (op == GET) {
                    const PickleValue parsed = textInt(readLine(), true);
                    if (parsed.kind() != Kind::Int || parsed.toInt() < 0) {
                        fail("GET with a bad index");
                    }
                    index = static_cast<uint64_t>(parsed.toInt());
                } else {
                    index = readLE(op == BINGET ? 1 : 4);
                }
                const auto it = m_memo.find(index);
                if (it == m_memo.end()) {
                    fail("memo entry " + std::to_string(index) + " was never stored (corrupt data)");
                }
                push(it->second);
                break;
            }

            // -- globals, calls, objects
            case GLOBAL: {
                const std::string module = readLine();
                const std::string name = readLine();
                push(makeGlobal(module, name));
                break;
            }
            case STACK_GLOBAL: {
                const PickleValue name = pop();
                const PickleValue module = pop();
                if (module.kind() != Kind::String || name.kind() != Kind::String) {
                    fail("STACK_GLOBAL with non-string module or name");
                }
                push(makeGlobal(module.toStr(), name.toStr()));
                break;
            }
            case REDUCE: {
                PickleValue args = pop();
                PickleValue callable = pop();
                push(call(callable, args));
                break;
            }
            case NEWOBJ: {
                PickleValue args = pop();
                PickleValue cls = pop();
                push(call(cls, args));
                break;
            }
            // cls.__new__(cls, *args, **kwargs): the keyword arguments are kept as the placeholder's state.
            case NEWOBJ_EX: {
                PickleValue kwargs = pop();
                PickleValue args = pop();
                PickleValue cls = pop();
                PickleValue result = call(cls, args);
                if (result.isObject() && !kwargs.isNone()) {
                    result.node()->ext().state = kwargs;
                }
                push(result);
                break;
            }
            // INST and OBJ are protocol 0/1 spellings of "call a class with these arguments".
            case INST: {
                const std::string module = readLine();
                const std::string name = readLine();
                PickleValue cls = makeGlobal(module, name);
                push(call(cls, makeTuple(popMark())));
                break;
            }
            case OBJ: {
                std::vector<PickleValue> items = popMark();
                if (items.empty()) {
                    fail("OBJ without a class");
                }
                PickleValue cls = items.front();
                items.erase(items.begin());
                push(call(cls, makeTuple(std::move(items))));
                break;
            }
            case BUILD: {
                PickleValue state = pop();
                PickleValue& target = top();
                // Only placeholders keep their state. A dict's state is OrderedDict's _metadata, a tensor's is a
                // Parameter's attributes: neither matters for weights.
                if (target.isObject()) {
                    detail::PickleNode* node = target.node();
                    PickleValue& current = node->ext().state;
                    if (current.isDict() && state.isDict()) {
                        for (const auto& [key, value] : state.node()->entries) {
                            setItem(current, key, value);
                        }
                    } else {
                        current = state;
                    }
                }
                break;
            }
            // Persistent ids are how torch.save keeps storages out of the pickle.
            case BINPERSID: {
                PickleValue pid = pop();
                push(persistent(pid));
                break;
            }
            case PERSID:
                push(persistent(PickleValue::string(readLine())));
                break;
            case EXT1:
            case EXT2:
            case EXT4:
                fail("uses the copyreg extension registry (EXT opcodes), which is not supported");
            case NEXT_BUFFER:
            case READONLY_BUFFER:
                fail("uses out-of-band buffers (pickle protocol 5), which are not supported");
            default: {
                char hex[8];
                std::snprintf(hex, sizeof hex, "0x%02x", op);
                fail(std::string("unknown pickle opcode ") + hex + " (corrupt data)");
            }
        }
    }
}

}  // namespace

UnpickleResult unpickle(const uint8_t* data, size_t size, const UnpickleOptions& options) {
    Machine machine(data, size, options);
    return machine.run();
}

std::optional<torch::ScalarType> storageScalarType(const std::string& qualifiedName) {
    std::string name;
    if (inModule(qualifiedName, "torch.cuda")) {
        name = qualifiedName.substr(std::strlen("torch.cuda."));
    } else if (inModule(qualifiedName, "torch.storage")) {
        name = qualifiedName.substr(std::strlen("torch.storage."));
    } else if (inModule(qualifiedName, "torch")) {
        name = qualifiedName.substr(std::strlen("torch."));
    } else {
        return std::nullopt;
    }
    for (const auto& entry : kStorageTypes) {
        if (name == entry.name) {
            return entry.type;
        }
    }
    return std::nullopt;
}

std::optional<torch::ScalarType> dtypeScalarType(const std::string& qualifiedName) {
    if (!inModule(qualifiedName, "torch")) {
        return std::nullopt;
    }
    const std::string name = qualifiedName.substr(std::strlen("torch."));
    for (const auto& entry : kDtypes) {
        if (name == entry.name) {
            return entry.type;
        }
    }
    return std::nullopt;
}

std::string refusedGlobal(const std::string& qualifiedName) {
    for (const char* name : kRefusedNames) {
        if (qualifiedName == name) {
            return qualifiedName;
        }
    }
    if (inModule(qualifiedName, "builtins")) {
        const std::string name = qualifiedName.substr(std::strlen("builtins."));
        for (const char* refused : kRefusedBuiltins) {
            if (name == refused) {
                return qualifiedName;
            }
        }
        return {};
    }
    for (const char* module : kRefusedModules) {
        if (isOrInModule(qualifiedName, module)) {
            // posix/nt are what os.* functions pickle as; name the function the way users know it.
            if (inModule(qualifiedName, "posix") || inModule(qualifiedName, "nt")) {
                return qualifiedName + " (os." + qualifiedName.substr(qualifiedName.find('.') + 1) + ")";
            }
            return qualifiedName;
        }
    }
    return {};
}

}  // namespace sm::io
