#include "unet/spatial_transformer.h"

#include <torch/torch.h>

#include "runtime/attention.h"
#include "unet/indexed_container.h"

namespace sm::unet {
namespace {

// ldm's Normalize(): the SpatialTransformer's GroupNorm has eps 1e-6, not GroupNorm32's 1e-5.
constexpr double kSpatialNormEps = 1e-6;

// [B, N, heads·dimHead] -> [B, heads, N, dimHead]
torch::Tensor splitHeads(const torch::Tensor& t, int64_t heads, int64_t dimHead) {
    return t.view({t.size(0), t.size(1), heads, dimHead}).transpose(1, 2);
}

}  // namespace

CrossAttentionImpl::CrossAttentionImpl(int64_t queryDim, int64_t contextDim, int64_t heads, int64_t dimHead)
    : m_heads(heads), m_dimHead(dimHead), m_contextDim(contextDim) {
    const int64_t inner = heads * dimHead;
    m_toQ = register_module("to_q", Linear(queryDim, inner, /*bias=*/false));
    m_toK = register_module("to_k", Linear(contextDim, inner, /*bias=*/false));
    m_toV = register_module("to_v", Linear(contextDim, inner, /*bias=*/false));
    // to_out is nn.Sequential(Linear, Dropout): only index 0 has weights.
    auto toOut = register_module("to_out", IndexedContainer());
    m_toOut = toOut->add(0, Linear(inner, queryDim));
}

torch::Tensor CrossAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    const torch::Tensor& source = context.defined() ? context : x;
    TORCH_CHECK(x.dim() == 3, "CrossAttention: x must be [B, N, C], got ", x.sizes());
    TORCH_CHECK(source.dim() == 3 && source.size(0) == x.size(0) && source.size(2) == m_contextDim,
                "CrossAttention: context must be [", x.size(0), ", L, ", m_contextDim, "], got ", source.sizes());
    const torch::Tensor q = splitHeads(m_toQ(x), m_heads, m_dimHead);       // [B, H, N, D]
    const torch::Tensor k = splitHeads(m_toK(source), m_heads, m_dimHead);  // [B, H, L, D]
    const torch::Tensor v = splitHeads(m_toV(source), m_heads, m_dimHead);  // [B, H, L, D]
    // Upstream scales the scores after q·kᵀ; sm::attention scales q first: equal up to fp32 rounding.
    torch::Tensor out = sm::attention(q, k, v);                                      // [B, H, N, D], scale D^-0.5
    out = out.transpose(1, 2).reshape({x.size(0), x.size(1), m_heads * m_dimHead});  // [B, N, H·D]
    return m_toOut(out);
}

GegluFeedForwardImpl::GegluFeedForwardImpl(int64_t dim, int64_t mult) {
    const int64_t inner = dim * mult;
    // net = Sequential(GEGLU, Dropout, Linear): weights at net.0.proj and net.2.
    auto net = register_module("net", IndexedContainer());
    auto geglu = net->add(0, IndexedContainer());
    m_proj = geglu->register_module("proj", Linear(dim, inner * 2));
    m_out = net->add(2, Linear(inner, dim));
}

torch::Tensor GegluFeedForwardImpl::forward(const torch::Tensor& x) {
    const auto halves = m_proj(x).chunk(2, -1);  // value, gate: [..., inner] each
    // F.gelu's default is the exact erf form (approximate="none").
    return m_out(halves[0] * torch::gelu(halves[1]));
}

BasicTransformerBlockImpl::BasicTransformerBlockImpl(int64_t dim, int64_t heads, int64_t dimHead, int64_t contextDim) {
    // Registration follows upstream's __init__ order (attn1, ff, attn2, norms) so parameter order matches.
    m_attn1 = register_module("attn1", CrossAttention(dim, dim, heads, dimHead));
    m_ff = register_module("ff", GegluFeedForward(dim));
    m_attn2 = register_module("attn2", CrossAttention(dim, contextDim, heads, dimHead));
    m_norm1 = register_module("norm1", LayerNorm(std::vector<int64_t>{dim}));
    m_norm2 = register_module("norm2", LayerNorm(std::vector<int64_t>{dim}));
    m_norm3 = register_module("norm3", LayerNorm(std::vector<int64_t>{dim}));
}

torch::Tensor BasicTransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    torch::Tensor h = m_attn1(m_norm1(x)) + x;
    h = m_attn2(m_norm2(h), context) + h;
    return m_ff(m_norm3(h)) + h;
}

SpatialTransformerImpl::SpatialTransformerImpl(int64_t channels, int64_t heads, int64_t dimHead, int64_t depth,
                                               int64_t contextDim, int64_t normGroups)
    : m_channels(channels), m_contextDim(contextDim) {
    const int64_t inner = heads * dimHead;
    m_norm = register_module("norm", GroupNorm(normGroups, channels, kSpatialNormEps));
    m_projIn = register_module("proj_in", Conv2d(channels, inner, 1));
    auto blocks = register_module("transformer_blocks", IndexedContainer());
    for (int64_t d = 0; d < depth; ++d) {
        m_blocks.push_back(blocks->add(d, BasicTransformerBlock(inner, heads, dimHead, contextDim)));
    }
    m_projOut = register_module("proj_out", Conv2d(inner, channels, 1));
}

torch::Tensor SpatialTransformerImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    TORCH_CHECK(x.dim() == 4 && x.size(1) == m_channels, "SpatialTransformer: x must be [B, ", m_channels,
                ", H, W], got ", x.sizes());
    const int64_t b = x.size(0), h = x.size(2), w = x.size(3);
    // The residual is the input before the GroupNorm; proj_in/proj_out are 1×1 convs (SD-1.x), not Linears.
    torch::Tensor t = m_projIn(m_norm(x));  // [B, inner, H, W]
    const int64_t inner = t.size(1);
    t = t.flatten(2).transpose(1, 2);  // [B, H·W, inner]: einops 'b c h w -> b (h w) c', row-major positions
    for (auto& block : m_blocks) {
        t = block(t, context);
    }
    t = t.transpose(1, 2).reshape({b, inner, h, w});  // [B, inner, H, W]
    return m_projOut(t) + x;
}

}  // namespace sm::unet
