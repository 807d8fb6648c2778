#pragma once
// Scaled dot-product attention behind one helper, so the rest of models/ compiles against LibTorch 1.13
// (no torch::scaled_dot_product_attention) and 2.x (fused kernels) alike.
#include <torch/types.h>

#include <optional>

namespace sm {

/// softmax(q·kᵀ·scale + bias [+ causal mask]) · v.
/// q: [B, H, Lq, D]; k, v: [B, H, Lk, D(v)]; bias: broadcastable to [B, H, Lq, Lk] or undefined;
/// scale defaults to D^-0.5. Returns [B, H, Lq, Dv]. The plain path processes the batch in slices so the
/// score matrix never exceeds ~256 MiB (Cinemo's 2560-token spatial attention over 32 frames).
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& bias = {}, bool causal = false,
                        std::optional<double> scale = std::nullopt);

}  // namespace sm
