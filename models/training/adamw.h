#pragma once
// AdamW exactly as torch.optim.AdamW's single-tensor path (amsgrad off, maximize off), with named state so a
// checkpoint can hold it in a version-independent layout (LibTorch's own optimizer keys its state by tensor
// address, differently in 1.13 and 2.x):
//   step += 1;  p *= 1 − lr·wd;  m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²
//   p −= lr / (1 − β1^step) · m / (sqrt(v) / sqrt(1 − β2^step) + eps)
// Parameters without a gradient are skipped (and their step count does not advance), as in torch.
//
// Checkpoint keys (prefix "optimizer."): "<prefix><name>.exp_avg", ".exp_avg_sq" (the parameter's dtype),
// ".step" (int64 scalar). State is created lazily on a parameter's first step, as in torch.
// Thread-safety: none; use from the training thread.
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "io/state_dict.h"

namespace sm::training {

struct AdamWOptions {
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1.0e-8;
    double weightDecay = 0.01;
};

class AdamW {
public:
    /// Throws sm::ArgumentError for duplicate names or betas outside [0, 1).
    AdamW(std::vector<std::pair<std::string, torch::Tensor>> params, AdamWOptions options = {});

    /// One update with learning rate `lr` from each parameter's .grad().
    void step(double lr);
    /// Drops every gradient (set_to_none, torch 2.x's default).
    void zeroGrad();

    const std::vector<std::pair<std::string, torch::Tensor>>& params() const { return m_params; }
    /// Step count of parameter `name` (0 before its first update).
    int64_t stepCount(const std::string& name) const;

    /// Adds the state under `prefix` (CPU clones).
    void save(io::StateDict& out, const std::string& prefix = "optimizer.") const;
    /// Restores the state saved by save(); parameters without saved state start fresh. Throws sm::WeightsError
    /// naming `source` and the key for a shape mismatch or a half-saved entry.
    void load(const io::StateDict& dict, const std::string& source, const std::string& prefix = "optimizer.");

private:
    struct State {
        torch::Tensor expAvg, expAvgSq;
        int64_t step = 0;
    };
    std::vector<std::pair<std::string, torch::Tensor>> m_params;
    std::vector<State> m_state;
    AdamWOptions m_options;
};

}  // namespace sm::training
