#pragma once
// A restricted unpickler for the pickles inside torch.save files (data.pkl of the zip format, and the legacy
// pre-1.6 stream). It decodes the pickle opcodes of protocols 0-5 into PickleValue data and NEVER imports or
// calls anything the file names:
//
// - GLOBAL / STACK_GLOBAL produce a Global value (a name only).
// - REDUCE / NEWOBJ / INST / OBJ (calls) are evaluated only for a fixed table of pure data constructors:
//   collections.OrderedDict and dict, torch._utils._rebuild_tensor{,_v2,_v3}, _rebuild_parameter{,_with_state},
//   torch._tensor._rebuild_from_type{,_v2}, torch.Size, _codecs.encode / bytes / bytearray (how protocol 2 stores
//   bytes). Our own code builds the result; no Python function exists here to call.
// - Every other call yields an opaque Object (class name + arguments + BUILD state kept as data).
// - Names that only make sense for running code (os.system, subprocess.*, builtins.eval/exec, importlib, runpy,
//   torch.load, …) make the whole load fail with sm::WeightsError naming them: such a file is malicious, and
//   handing back part of it as a valid checkpoint would hide that. getattr(Global, "name") (how Python 3.12
//   pickles enum members) becomes the Global "module.Class.name", checked the same way.
// - Persistent ids (BINPERSID / PERSID: torch storages) go to the caller's persistentLoad callback.
//
// Tensor rebuilds are validated before any view is made: sizes and strides must be non-negative, their counts
// equal (at most 64 dims), and the highest element addressed must lie inside the storage (checked arithmetic).
// Limits keep corrupt or hostile input from exhausting memory: lengths are checked against the remaining bytes,
// the memo is sparse, and at most kMaxPickleValues values may be created.
//
// Errors: sm::WeightsError("<source>: <problem> at byte <offset>"). Thread-safety: unpickle() is reentrant.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "io/pickle_value.h"

namespace sm::io {

/// Values (stack pushes and memo entries) one unpickling may create: about 20 per tensor in real checkpoints,
/// so this allows some 200,000 tensors while bounding a hostile pickle to roughly 600 MB.
constexpr size_t kMaxPickleValues = size_t(1) << 22;

struct UnpickleOptions {
    /// Names the pickle in error messages, e.g. "unet.ckpt:archive/data.pkl".
    std::string source;
    /// Resolves a persistent id (usually the tuple ('storage', <Global storage type>, key, location, numel)).
    /// It must return a value without containers (a Storage, Tensor, scalar, string or None); it may throw
    /// sm::WeightsError. Unset: persistent ids are refused.
    std::function<PickleValue(const PickleValue& persistentId)> persistentLoad;
};

struct UnpickleResult {
    PickleValue value;
    size_t bytesConsumed = 0;  // position after the STOP opcode (legacy files hold several pickles in a row)
};

/// Decodes one pickle starting at `data`. Throws sm::WeightsError on malformed, truncated or refused input.
UnpickleResult unpickle(const uint8_t* data, size_t size, const UnpickleOptions& options);

/// Element type of a storage class ("torch.FloatStorage", "torch.cuda.HalfStorage", "torch.UntypedStorage" →
/// uint8); nullopt for anything else (quantized storages included).
std::optional<torch::ScalarType> storageScalarType(const std::string& qualifiedName);

/// The dtype a Global like "torch.float16" names; nullopt for anything else.
std::optional<torch::ScalarType> dtypeScalarType(const std::string& qualifiedName);

/// Non-empty when a Global name is one only code execution needs: a readable description such as
/// "posix.system (os.system)"; empty when the name is not refused.
std::string refusedGlobal(const std::string& qualifiedName);

}  // namespace sm::io
