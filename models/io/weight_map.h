#pragma once
// Turning whatever weights a user has into the StateDict a module expects.
//
//   sm::io::StateDict ckpt = sm::io::openWeights(path);                 // .safetensors / .ckpt / .bin / folder
//   sm::io::EmaFoldResult ema = sm::io::foldEma(ckpt);                  // ldm: UNet weights from model_ema.*
//   sm::io::StateDict unet = sm::io::withPrefix(ema.weights, "model.diffusion_model.");
//   sm::io::StateDict vae  = sm::io::withPrefix(ckpt, "first_stage_model.");
//   int64_t inChannels = sm::io::dimOf(unet, "input_blocks.0.0.weight", 1, path);   // 12 for Pix2Gif
//
// Every function is pure (it returns a new map sharing the tensors; no tensor data is copied unless a dtype
// conversion is asked for) and reentrant. Errors: sm::WeightsError naming the source, the key, expected and
// actual values.
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "io/state_dict.h"

namespace sm::io {

// ---- formats -------------------------------------------------------------------------------------------------

enum class WeightsFormat {
    Safetensors,      // .safetensors
    TorchZip,         // torch.save since 1.6: .ckpt .bin .pt .pth
    TorchLegacy,      // torch.save before 1.6
    ShardIndex,       // *.safetensors.index.json / *.bin.index.json
    DiffusersFolder,  // a component folder (unet/, vae/, text_encoder/, …)
    Unknown,
};

/// "safetensors", "PyTorch zip checkpoint", … for messages.
const char* formatName(WeightsFormat format);

/// Decides by content (magic bytes), not by extension; a folder is a DiffusersFolder, a ".json" file a
/// ShardIndex. Throws sm::WeightsError when the path does not exist.
WeightsFormat detectWeightsFormat(const std::string& path);

/// Opens any supported weights: a safetensors file, a torch.save checkpoint (its state dict, see
/// io/torch_checkpoint.h), a shard index or a diffusers component folder. No prefix stripping or EMA folding:
/// the keys are as stored. Throws sm::WeightsError (unknown format, corrupt file, no state dict).
StateDict openWeights(const std::string& path);

// ---- key maps ------------------------------------------------------------------------------------------------

/// The entries whose key starts with `prefix`, with the prefix removed ("first_stage_model.",
/// "cond_stage_model.transformer.", "model.diffusion_model."). An empty prefix returns the dict unchanged.
StateDict withPrefix(const StateDict& dict, const std::string& prefix);

/// The dict without the entries whose key starts with any of `prefixes`.
StateDict withoutPrefixes(const StateDict& dict, const std::vector<std::string>& prefixes);

/// Key prefixes of the trainer state a training checkpoint stores next to the weights (training/trainer_core.h):
/// pending gradients and the optimizer's moments, each under its parameter's own name.
inline constexpr const char* kGradientPrefix = "grad.";
inline constexpr const char* kOptimizerPrefix = "optimizer.";
/// The dict without that trainer state: the weights alone (a model file passes through unchanged).
StateDict withoutTrainerState(const StateDict& dict);

/// Every key with `prefix` put in front.
StateDict addPrefix(const StateDict& dict, const std::string& prefix);

/// True when some key starts with `prefix`.
bool hasPrefix(const StateDict& dict, const std::string& prefix);

/// "model (1374), first_stage_model (248), cond_stage_model (197), …": key counts per first name component,
/// largest first, for error messages that must tell the user what a file holds.
std::string describeKeyGroups(const StateDict& dict, size_t maxGroups = 8);

// ---- EMA -----------------------------------------------------------------------------------------------------

/// ldm's LitEma stores the EMA of module `model` as buffers named emaPrefix + (parameter name with every dot
/// removed): model.diffusion_model.input_blocks.0.0.weight → model_ema.diffusion_modelinput_blocks00weight.
struct EmaOptions {
    std::string modelPrefix = "model.";    // keys of the module the EMA tracks
    std::string emaPrefix = "model_ema.";  // LitEma's buffers, plus its "decay" and "num_updates"
    bool dropEma = true;                   // remove emaPrefix keys from the result
};

struct EmaFoldResult {
    StateDict weights;                   // the input with modelPrefix tensors replaced by their EMA
    size_t fromEma = 0;                  // modelPrefix keys that took their EMA value
    std::vector<std::string> plainKeys;  // modelPrefix keys without an EMA entry: kept as they were
    std::vector<std::string> ambiguous;  // keys whose dot-less names collide: kept plain, never guessed
};

/// The EMA key for `key`, or "" when `key` does not start with options.modelPrefix.
std::string emaKeyFor(const std::string& key, const EmaOptions& options = {});

/// Replaces every modelPrefix tensor by its EMA copy when the file has one, falling back to the plain weight.
/// Throws sm::WeightsError when an EMA tensor's shape differs from the weight it stands for.
EmaFoldResult foldEma(const StateDict& dict, const EmaOptions& options = {});

// ---- dtypes --------------------------------------------------------------------------------------------------

/// Floating-point tensors converted to `dtype` (no copy when already there); integer and bool tensors unchanged.
StateDict toFloatingDtype(const StateDict& dict, torch::Dtype dtype);

// ---- shape queries for config detection ----------------------------------------------------------------------

/// The tensor under `key`; throws sm::WeightsError "<source>: key <key> not found …" when absent.
const torch::Tensor& tensorAt(const StateDict& dict, const std::string& key, const std::string& source = "weights");

/// Shape of `key` (throws like tensorAt).
std::vector<int64_t> shapeOf(const StateDict& dict, const std::string& key, const std::string& source = "weights");

/// Size of `key` along `axis` (negative counts from the end). Throws sm::WeightsError naming the key, its shape
/// and the axis when the key is absent or the axis out of range.
int64_t dimOf(const StateDict& dict, const std::string& key, int64_t axis, const std::string& source = "weights");

/// 1 + the highest N among keys "<prefix>N.…" (e.g. countIndexed(unet, "input_blocks.") == 12); 0 when none.
int64_t countIndexed(const StateDict& dict, const std::string& prefix);

}  // namespace sm::io
