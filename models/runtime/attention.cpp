#include "runtime/attention.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>

namespace sm {
namespace {

constexpr int64_t kMaxScoreBytes = 256ll * 1024 * 1024;

torch::Tensor plainAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                             const torch::Tensor& bias, bool causal, double scale) {
    const int64_t lq = q.size(-2);
    const int64_t lk = k.size(-2);
    torch::Tensor scores = torch::matmul(q * scale, k.transpose(-1, -2));  // [B, H, Lq, Lk]
    if (bias.defined()) {
        scores = scores + bias;
    }
    if (causal) {
        auto mask = torch::ones({lq, lk}, torch::TensorOptions().dtype(torch::kBool).device(q.device())).triu(1);
        scores = scores.masked_fill(mask, -std::numeric_limits<float>::infinity());
    }
    return torch::matmul(scores.softmax(-1), v);
}

}  // namespace

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& bias, bool causal, std::optional<double> scale) {
    TORCH_CHECK(q.dim() == 4 && k.dim() == 4 && v.dim() == 4, "attention expects [B, H, L, D] tensors, got q ",
                q.sizes(), ", k ", k.sizes(), ", v ", v.sizes());
    const double s = scale.value_or(1.0 / std::sqrt(static_cast<double>(q.size(-1))));
#if TORCH_VERSION_MAJOR >= 2 && TORCH_VERSION_MINOR >= 1
    // The fused kernels take an explicit scale from 2.1 on; additive bias goes in as attn_mask.
    if (!(bias.defined() && causal)) {
        return at::scaled_dot_product_attention(q, k, v, bias.defined() ? c10::optional<at::Tensor>(bias) : c10::nullopt,
                                                0.0, causal, s);
    }
#endif
    const int64_t batch = q.size(0);
    const int64_t perItem = q.size(1) * q.size(2) * k.size(2) * static_cast<int64_t>(q.element_size());
    const int64_t slice = std::max<int64_t>(1, kMaxScoreBytes / std::max<int64_t>(perItem, 1));
    if (slice >= batch) {
        return plainAttention(q, k, v, bias, causal, s);
    }
    std::vector<torch::Tensor> parts;
    for (int64_t start = 0; start < batch; start += slice) {
        const int64_t len = std::min(slice, batch - start);
        torch::Tensor b = bias;
        if (bias.defined() && bias.dim() == 4 && bias.size(0) == batch) {
            b = bias.narrow(0, start, len);
        }
        parts.push_back(plainAttention(q.narrow(0, start, len), k.narrow(0, start, len), v.narrow(0, start, len), b,
                                       causal, s));
    }
    return torch::cat(parts, 0);
}

}  // namespace sm
