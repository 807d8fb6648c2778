#include "vae/vae_blocks.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/torch.h>

#include <cmath>

#include "runtime/attention.h"

namespace sm::vae {

ResnetBlock2DImpl::ResnetBlock2DImpl(int64_t in, int64_t out, double eps, int64_t groups) {
    // Registration order = diffusers' state_dict order (norm1, conv1, norm2, conv2, conv_shortcut).
    norm1 = register_module("norm1", GroupNorm(groups, in, eps));
    conv1 = register_module("conv1", Conv2d(in, out, 3, 1, 1));
    norm2 = register_module("norm2", GroupNorm(groups, out, eps));
    conv2 = register_module("conv2", Conv2d(out, out, 3, 1, 1));
    if (in != out) {
        conv_shortcut = register_module("conv_shortcut", Conv2d(in, out, 1));
    }
}

torch::Tensor ResnetBlock2DImpl::forward(const torch::Tensor& x) {
    torch::Tensor h = conv1(torch::silu(norm1(x)));
    h = conv2(torch::silu(norm2(h)));
    return (conv_shortcut ? conv_shortcut(x) : x) + h;
}

MidBlockAttentionImpl::MidBlockAttentionImpl(int64_t channels, double eps, bool upcast, int64_t groups)
    : upcastSoftmax(upcast) {
    group_norm = register_module("group_norm", GroupNorm(groups, channels, eps));
    to_q = register_module("to_q", Linear(channels, channels));
    to_k = register_module("to_k", Linear(channels, channels));
    to_v = register_module("to_v", Linear(channels, channels));
    out_proj = Linear(channels, channels);
    to_out = register_module("to_out", torch::nn::ModuleList());
    to_out->push_back(out_proj);
}

torch::Tensor MidBlockAttentionImpl::forward(const torch::Tensor& x) {
    TORCH_CHECK(x.dim() == 4 && x.size(1) == to_q->weight.size(1), "VAE mid-block attention expects [B, ",
                to_q->weight.size(1), ", H, W], got ", x.sizes());
    const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    // Tokens are the H·W positions: [B, C, H, W] -> [B, HW, C].
    const torch::Tensor tokens = group_norm(x).reshape({b, c, h * w}).transpose(1, 2);
    torch::Tensor q = to_q(tokens).unsqueeze(1);  // [B, 1, HW, C]
    torch::Tensor k = to_k(tokens).unsqueeze(1);
    torch::Tensor v = to_v(tokens).unsqueeze(1);
    torch::Tensor attended;  // [B, 1, HW, C]
    if (q.scalar_type() == torch::kDouble && upcastSoftmax) {
        // diffusers' upcast_softmax is `scores.float()`: a float64 run (Cinemo encodes with a float64 VAE) takes
        // its softmax in float32. Same rounding here, so float64 results match the reference to ~1e-12.
        const double scale = 1.0 / std::sqrt(static_cast<double>(c));
        const torch::Tensor scores = torch::matmul(q, k.transpose(-1, -2)) * scale;  // [B, 1, HW, HW]
        attended = torch::matmul(scores.to(torch::kFloat).softmax(-1).to(torch::kDouble), v);
    } else if (q.scalar_type() == torch::kHalf || q.scalar_type() == torch::kBFloat16) {
        // Half precision always attends in float32 (even where upstream does not ask for upcast_softmax): the
        // scores over thousands of positions leave fp16's range, and the cost is small next to the convolutions.
        attended = attention(q.to(torch::kFloat), k.to(torch::kFloat), v.to(torch::kFloat)).to(q.scalar_type());
    } else {
        attended = attention(q, k, v);
    }
    attended = out_proj(attended.squeeze(1));  // [B, HW, C]
    return x + attended.transpose(1, 2).reshape({b, c, h, w});
}

Downsample2DImpl::Downsample2DImpl(int64_t channels) {
    conv = register_module("conv", Conv2d(channels, channels, 3, 2, 0));
}

torch::Tensor Downsample2DImpl::forward(const torch::Tensor& x) {
    // (left, right, top, bottom) = (0, 1, 0, 1): the original VAE pads only after the last row and column.
    return conv(torch::constant_pad_nd(x, {0, 1, 0, 1}, 0));
}

torch::Tensor upsampleNearest2x(const torch::Tensor& x) {
    namespace F = torch::nn::functional;
    return F::interpolate(
        x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest));
}

Upsample2DImpl::Upsample2DImpl(int64_t channels) {
    conv = register_module("conv", Conv2d(channels, channels, 3, 1, 1));
}

torch::Tensor Upsample2DImpl::forward(const torch::Tensor& x) {
    return conv(upsampleNearest2x(x));
}

MidBlock2DImpl::MidBlock2DImpl(int64_t channels, bool withAttention, int64_t groups) {
    // diffusers registers the attentions before the resnets; the state_dict order follows.
    attentions = register_module("attentions", torch::nn::ModuleList());
    resnets = register_module("resnets", torch::nn::ModuleList());
    if (withAttention) {
        attentionBlocks.push_back(MidBlockAttention(channels, kNormEps, true, groups));
        attentions->push_back(attentionBlocks.back());
    }
    for (int i = 0; i < 2; ++i) {
        resnetBlocks.push_back(ResnetBlock2D(channels, channels, kNormEps, groups));
        resnets->push_back(resnetBlocks.back());
    }
}

torch::Tensor MidBlock2DImpl::forward(const torch::Tensor& x) {
    torch::Tensor h = resnetBlocks[0](x);
    if (!attentionBlocks.empty()) {
        h = attentionBlocks[0](h);
    }
    return resnetBlocks[1](h);
}

DownEncoderBlock2DImpl::DownEncoderBlock2DImpl(int64_t in, int64_t out, int64_t layers, bool addDownsample,
                                               int64_t groups) {
    resnets = register_module("resnets", torch::nn::ModuleList());
    for (int64_t i = 0; i < layers; ++i) {
        resnetBlocks.push_back(ResnetBlock2D(i == 0 ? in : out, out, kNormEps, groups));
        resnets->push_back(resnetBlocks.back());
    }
    if (addDownsample) {
        downsamplers = register_module("downsamplers", torch::nn::ModuleList());
        downsampler = Downsample2D(out);
        downsamplers->push_back(downsampler);
    }
}

torch::Tensor DownEncoderBlock2DImpl::forward(const torch::Tensor& x) {
    torch::Tensor h = x;
    for (auto& block : resnetBlocks) {
        h = block(h);
    }
    return downsampler ? downsampler(h) : h;
}

UpDecoderBlock2DImpl::UpDecoderBlock2DImpl(int64_t in, int64_t out, int64_t layers, bool addUpsample,
                                           int64_t groups) {
    resnets = register_module("resnets", torch::nn::ModuleList());
    for (int64_t i = 0; i < layers; ++i) {
        resnetBlocks.push_back(ResnetBlock2D(i == 0 ? in : out, out, kNormEps, groups));
        resnets->push_back(resnetBlocks.back());
    }
    if (addUpsample) {
        upsamplers = register_module("upsamplers", torch::nn::ModuleList());
        upsampler = Upsample2D(out);
        upsamplers->push_back(upsampler);
    }
}

torch::Tensor UpDecoderBlock2DImpl::forward(const torch::Tensor& x) {
    torch::Tensor h = x;
    for (auto& block : resnetBlocks) {
        h = block(h);
    }
    return upsampler ? upsampler(h) : h;
}

}  // namespace sm::vae
