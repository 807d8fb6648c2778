#pragma once
// Loads a state dict into a module tree built from runtime/layers.h, by exact name.
//
//   sm::io::LoadReport report = sm::io::loadModuleWeights(unet, dict, "model.ckpt");   // strict: throws on mismatch
//
// Tensors are converted to each parameter's dtype; when the dtype already matches, the parameter takes the
// tensor's storage (no copy: a memory-mapped file is paged in lazily). Parameters on the meta device are
// materialised on the CPU.
#include <torch/nn/module.h>

#include <string>
#include <vector>

#include "io/state_dict.h"

namespace sm::io {

struct LoadReport {
    std::vector<std::string> missing;     // in the module, not in the dict
    std::vector<std::string> unexpected;  // in the dict, not in the module
    std::vector<std::string> mismatched;  // "key: file [a,b], model [c,d]"
    size_t loaded = 0;
    /// When the names differ only by a prefix (the file's keys are "model.diffusion_model.x" and the module
    /// wants "x"), the prefix to select with sm::io::withPrefix; empty otherwise. The summary mentions it.
    std::string prefixHint;
    /// When the module wants keys the file has with an extra prefix: the prefix to add (sm::io::addPrefix).
    std::string missingPrefixHint;

    bool ok() const { return missing.empty() && unexpected.empty() && mismatched.empty(); }
    /// A readable multi-line report listing at most `maxItems` keys per category.
    std::string summary(size_t maxItems = 8) const;
};

struct LoadOptions {
    bool strict = true;                    // throw WeightsError unless the report is ok()
    bool ignoreUnexpected = false;         // with strict: tolerate extra keys (e.g. optional position_ids)
    torch::Dtype dtype = torch::kFloat32;  // the dtype parameters end up in (buffers keep integer dtypes)
};

/// Copies `dict` into `module`'s parameters and buffers. `source` names the file in messages.
LoadReport loadModuleWeights(torch::nn::Module& module, const StateDict& dict, const std::string& source,
                             const LoadOptions& options = {});

/// The report loadModuleWeights would give, without touching the module (for manifests and for choosing among
/// key layouts before loading). Never throws for mismatches.
LoadReport checkModuleWeights(const torch::nn::Module& module, const StateDict& dict);

/// The module's parameters and buffers as a StateDict (shares storage; for saving and manifests).
StateDict moduleStateDict(const torch::nn::Module& module);

}  // namespace sm::io
