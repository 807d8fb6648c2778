#pragma once
// PyTorch checkpoints written by torch.save (.ckpt, .bin, .pt, .pth), read without Python and without running
// anything the file names.
//
//   sm::io::StateDict sd = sm::io::loadTorchCheckpoint("unet/diffusion_pytorch_model.bin");
//
//   sm::io::TorchCheckpoint ckpt = sm::io::readTorchCheckpoint("pix2gif.ckpt");   // Lightning
//   ckpt.stateDict;                       // ckpt["state_dict"]: "model.diffusion_model.…", "model_ema.…", …
//   ckpt.globalStep();                    // 25000
//   ckpt.entry("hyper_parameters");      // any other top-level entry, as PickleValue data
//
// Formats:
// - zip (torch.save since PyTorch 1.6): the container is read by LibTorch's caffe2::serialize::PyTorchStreamReader
//   over a private memory map; <archive>/data.pkl goes through our restricted unpickler (io/unpickler.h); each
//   storage <archive>/data/<key> becomes a zero-copy CPU tensor viewing the map (PyTorch aligns records to 64
//   bytes). Tensors sharing a storage share memory as in PyTorch; writing to a tensor never changes the file.
// - legacy (pre-1.6 stream: magic number, protocol, system info, the object pickle, the storage keys, raw
//   storages): read into freshly allocated storages. The older tar format is refused with a message saying how
//   to re-save the file.
// Tensors always land on the CPU whatever device they were saved from (like map_location="cpu").
//
// Which object is the state dict: the top-level dict when all its values are tensors, else its "state_dict"
// entry (PyTorch Lightning), else "module", "model" or "model_state_dict", else the top-level dict's tensor
// entries. Entries that are not tensors are listed in TorchCheckpoint::skipped, never loaded.
//
// Every size in the file is validated (records inside the file, storage bytes = numel × element size inside its
// record, views inside their storage, byte order); any problem throws sm::WeightsError naming the file. Files
// that reference code-running names (os.system, eval, …) are refused (see io/unpickler.h).
// Thread-safety: the functions are reentrant; the results are immutable values.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/pickle_value.h"
#include "io/state_dict.h"

namespace sm::io {

struct TorchCheckpoint {
    std::string path;
    bool legacyFormat = false;         // pre-1.6 stream format
    PickleValue root;                  // the whole unpickled object
    StateDict stateDict;               // CPU tensors (views into the mapped file for the zip format)
    std::string stateDictKey;          // where it was found: "" (top level), "state_dict", "module", …
    std::vector<std::string> skipped;  // "key: what it is" for state-dict entries that are not tensors

    /// A top-level entry of a dict checkpoint ("global_step", "epoch", "hyper_parameters"…).
    std::optional<PickleValue> entry(const std::string& key) const { return root.find(key); }
    /// The "global_step" entry when it is an integer.
    std::optional<int64_t> globalStep() const;
};

/// Reads the file and unpickles its top-level object (no state-dict search). Throws sm::WeightsError.
TorchCheckpoint readTorchObject(const std::string& path);

/// Reads the file and finds its state dict. Throws sm::WeightsError when there is none.
TorchCheckpoint readTorchCheckpoint(const std::string& path);

/// The state dict alone.
StateDict loadTorchCheckpoint(const std::string& path);

/// True when the file starts like a torch.save file (zip local header, or a pickle protocol 2-5 opcode) and not
/// like a safetensors file (whose 8-byte length may begin with the same bytes).
bool looksLikeTorchCheckpoint(const std::string& path);

/// Writes `tensors` as torch.save(OrderedDict) would (zip format, protocol 2, archive name "archive"), so both
/// torch.load and loadTorchCheckpoint read it. Each tensor gets its own storage, except that the same tensor
/// under several names is stored once. Written to "<path>.tmp" and renamed. Throws sm::WeightsError.
void writeTorchCheckpoint(const std::string& path, const StateDict& tensors);

}  // namespace sm::io
