#pragma once
// Exponential moving average of parameters with ldm's LitEma semantics (ldm/modules/ema.py), which Pix2Gif keeps
// for the UNet only (decay 0.9999, use_num_upates on):
//   n += 1;  decay = min(maxDecay, (1 + n) / (10 + n));  shadow -= (1 − decay) · (shadow − param)
// n counts the updates INCLUDING the current one (LitEma increments num_updates before computing the decay), so
// the first update uses 2/11. Shadows start as copies of the parameters.
//
// Checkpoint layout (LitEma's buffers): "<emaPrefix><key without dots>" per tracked parameter, for the UNet
// "model_ema.diffusion_modelinput_blocks00weight" (io::emaKeyFor of the Lightning key), plus
// "model_ema.decay" (float32 scalar) and "model_ema.num_updates" (int32 scalar). io::foldEma / loadPix2GifModel
// read this layout directly.
//
// Thread-safety: none; use from the training thread.
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "io/state_dict.h"

namespace sm::training {

/// LitEma's decay for update number n (1-based, see above): min(maxDecay, (1 + n) / (10 + n)).
double litEmaDecay(int64_t n, double maxDecay = 0.9999);

class EmaTracker {
public:
    /// params: (EMA key, live parameter) pairs; the key is the full checkpoint name of the shadow
    /// ("model_ema.diffusion_modelinput_blocks00weight"). emaPrefix names decay / num_updates ("model_ema.").
    /// Throws sm::ArgumentError when two keys collide.
    EmaTracker(std::vector<std::pair<std::string, torch::Tensor>> params, double maxDecay = 0.9999,
               std::string emaPrefix = "model_ema.");

    /// One LitEma update towards the current parameter values (no autograd).
    void update();

    int64_t numUpdates() const { return m_numUpdates; }
    double maxDecay() const { return m_maxDecay; }
    /// Shadow of the parameter stored under `emaKey` (throws sm::ArgumentError for an unknown key).
    const torch::Tensor& shadow(const std::string& emaKey) const;
    size_t size() const { return m_entries.size(); }

    /// Adds the shadows (cloned to the CPU when `cloneToCpu`, else shared), "decay" and "num_updates" to `out`.
    void save(io::StateDict& out, bool cloneToCpu = false) const;
    /// Restores shadows and num_updates from `dict`. Throws sm::WeightsError naming `source` and the key when a
    /// shadow is missing or has another shape.
    void load(const io::StateDict& dict, const std::string& source);

private:
    struct Entry {
        std::string key;
        torch::Tensor param;
        torch::Tensor shadow;
    };
    std::vector<Entry> m_entries;
    double m_maxDecay;
    std::string m_prefix;
    int64_t m_numUpdates = 0;
};

}  // namespace sm::training
