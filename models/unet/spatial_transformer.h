#pragma once
// The SD-1.x cross-attention stack of the ldm UNet (ldm/modules/attention.py, as vendored by InstructPix2Pix and
// Pix2Gif): SpatialTransformer → BasicTransformerBlock → CrossAttention / GEGLU FeedForward.
//
// Key names (relative to the SpatialTransformer, e.g. "input_blocks.1.1."):
//   norm.{weight,bias}                         GroupNorm(32, C, eps 1e-6)
//   proj_in.{weight,bias}                      1×1 Conv2d C → heads·dimHead
//   transformer_blocks.N.attn1.to_{q,k,v}.weight, .attn1.to_out.0.{weight,bias}    self-attention
//   transformer_blocks.N.ff.net.0.proj.{weight,bias}, .ff.net.2.{weight,bias}       GEGLU feed-forward (×4)
//   transformer_blocks.N.attn2.…                                                     cross-attention on context
//   transformer_blocks.N.norm{1,2,3}.{weight,bias}                                   LayerNorm eps 1e-5
//   proj_out.{weight,bias}                     1×1 Conv2d heads·dimHead → C
// Parameters are registered in upstream order, so named_parameters() lists them like the PyTorch state_dict.
//
// Maths notes: attention scale is dimHead^-0.5; GELU is the exact erf form (F.gelu default); the SpatialTransformer
// GroupNorm uses eps 1e-6 (ldm's Normalize), unlike the UNet's GroupNorm32 (eps 1e-5). Dropout is absent (the
// model runs in inference; upstream's dropout rate is 0 anyway).
// Thread-safety: forward() only reads parameters; concurrent calls on one instance are safe.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <vector>

#include "runtime/layers.h"

namespace sm::unet {

/// Multi-head attention with separate q/k/v projections (no bias) and an output projection (with bias).
class CrossAttentionImpl : public torch::nn::Module {
public:
    /// contextDim: width of the keys/values' source (equal to queryDim for self-attention).
    CrossAttentionImpl(int64_t queryDim, int64_t contextDim, int64_t heads, int64_t dimHead);

    /// x: [B, N, queryDim]; context: [B, L, contextDim], or undefined for self-attention on x.
    /// Returns [B, N, queryDim].
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context = {});

    int64_t heads() const { return m_heads; }
    int64_t dimHead() const { return m_dimHead; }

private:
    int64_t m_heads;
    int64_t m_dimHead;
    int64_t m_contextDim;
    Linear m_toQ{nullptr}, m_toK{nullptr}, m_toV{nullptr}, m_toOut{nullptr};
};
TORCH_MODULE(CrossAttention);

/// FeedForward(dim, glu=True): net.0 = GEGLU(dim → 4·dim), net.2 = Linear(4·dim → dim).
class GegluFeedForwardImpl : public torch::nn::Module {
public:
    explicit GegluFeedForwardImpl(int64_t dim, int64_t mult = 4);
    torch::Tensor forward(const torch::Tensor& x);  // [..., dim] -> [..., dim]

private:
    Linear m_proj{nullptr};  // net.0.proj: dim -> 2·inner (value half first, gate half second)
    Linear m_out{nullptr};   // net.2
};
TORCH_MODULE(GegluFeedForward);

/// Pre-LN block: x += attn1(norm1(x)); x += attn2(norm2(x), context); x += ff(norm3(x)).
class BasicTransformerBlockImpl : public torch::nn::Module {
public:
    BasicTransformerBlockImpl(int64_t dim, int64_t heads, int64_t dimHead, int64_t contextDim);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);  // [B, N, dim]

private:
    CrossAttention m_attn1{nullptr}, m_attn2{nullptr};
    GegluFeedForward m_ff{nullptr};
    LayerNorm m_norm1{nullptr}, m_norm2{nullptr}, m_norm3{nullptr};
};
TORCH_MODULE(BasicTransformerBlock);

/// Transformer over the H·W positions of a feature map, cross-attending to a context sequence.
class SpatialTransformerImpl : public torch::nn::Module {
public:
    SpatialTransformerImpl(int64_t channels, int64_t heads, int64_t dimHead, int64_t depth, int64_t contextDim,
                           int64_t normGroups = 32);

    /// x: [B, C, H, W]; context: [B, L, contextDim]. Returns x + transformer(x), [B, C, H, W].
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);

    int64_t channels() const { return m_channels; }
    int64_t contextDim() const { return m_contextDim; }

private:
    int64_t m_channels;
    int64_t m_contextDim;
    GroupNorm m_norm{nullptr};
    Conv2d m_projIn{nullptr}, m_projOut{nullptr};
    std::vector<BasicTransformerBlock> m_blocks;
};
TORCH_MODULE(SpatialTransformer);

}  // namespace sm::unet
