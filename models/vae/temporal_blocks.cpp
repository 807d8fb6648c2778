#include "vae/temporal_blocks.h"

#include <torch/torch.h>

namespace sm::vae {
namespace {

// [B·F, C, H, W] -> [B, C, F, H, W]
torch::Tensor framesToVideo(const torch::Tensor& x, int64_t numFrames) {
    const int64_t batch = x.size(0) / numFrames;
    return x.reshape({batch, numFrames, x.size(1), x.size(2), x.size(3)}).permute({0, 2, 1, 3, 4});
}

// [B, C, F, H, W] -> [B·F, C, H, W]
torch::Tensor videoToFrames(const torch::Tensor& x) {
    return x.permute({0, 2, 1, 3, 4}).reshape({x.size(0) * x.size(2), x.size(1), x.size(3), x.size(4)});
}

}  // namespace

Conv3d temporalConv(int64_t in, int64_t out) {
    return Conv3d(in, out, std::vector<int64_t>{3, 1, 1}, std::vector<int64_t>{1, 0, 0});
}

TemporalResnetBlockImpl::TemporalResnetBlockImpl(int64_t channels, double eps) {
    norm1 = register_module("norm1", GroupNorm(kNormGroups, channels, eps));
    conv1 = register_module("conv1", temporalConv(channels, channels));
    norm2 = register_module("norm2", GroupNorm(kNormGroups, channels, eps));
    conv2 = register_module("conv2", temporalConv(channels, channels));
}

torch::Tensor TemporalResnetBlockImpl::forward(const torch::Tensor& x) {
    torch::Tensor h = conv1(torch::silu(norm1(x)));
    h = conv2(torch::silu(norm2(h)));
    return x + h;
}

AlphaBlenderImpl::AlphaBlenderImpl() {
    mix_factor = register_parameter("mix_factor", newParameterTensor({1}));
    if (currentParameterInit() != ParameterInit::Meta) {
        // Upstream initialises it to merge_factor 0.0 (an even blend); checkpoints overwrite it.
        torch::NoGradGuard noGrad;
        mix_factor.zero_();
    }
}

torch::Tensor AlphaBlenderImpl::forward(const torch::Tensor& spatial, const torch::Tensor& temporal) {
    // "learned" strategy: alpha = sigmoid(mix_factor); switch_spatial_to_temporal_mix swaps it to 1 - alpha.
    const torch::Tensor alpha = 1.0 - torch::sigmoid(mix_factor).to(spatial.scalar_type());
    return alpha * spatial + (1.0 - alpha) * temporal;
}

SpatioTemporalResBlockImpl::SpatioTemporalResBlockImpl(int64_t in, int64_t out) {
    spatial_res_block = register_module("spatial_res_block", ResnetBlock2D(in, out, kNormEps));
    temporal_res_block = register_module("temporal_res_block", TemporalResnetBlock(out, kTemporalNormEps));
    time_mixer = register_module("time_mixer", AlphaBlender());
}

torch::Tensor SpatioTemporalResBlockImpl::forward(const torch::Tensor& x, int64_t numFrames) {
    TORCH_CHECK(x.dim() == 4 && numFrames > 0 && x.size(0) % numFrames == 0,
                "SpatioTemporalResBlock expects [B*F, C, H, W] with F = ", numFrames, " dividing the batch, got ",
                x.sizes());
    const torch::Tensor spatial = framesToVideo(spatial_res_block(x), numFrames);  // [B, C, F, H, W]
    const torch::Tensor temporal = temporal_res_block(spatial);
    return videoToFrames(time_mixer(spatial, temporal));
}

MidBlockTemporalDecoderImpl::MidBlockTemporalDecoderImpl(int64_t channels, int64_t layers) {
    // attentions registered first, as upstream: the state_dict lists them before the resnets.
    attentions = register_module("attentions", torch::nn::ModuleList());
    resnets = register_module("resnets", torch::nn::ModuleList());
    // One head of width C (attention_head_dim = C), GroupNorm eps 1e-6, residual: the SD mid-block attention,
    // but built without upcast_softmax upstream (it only matters for float64 runs).
    attentionBlocks.push_back(MidBlockAttention(channels, kNormEps, /*upcastSoftmax=*/false));
    attentions->push_back(attentionBlocks.back());
    for (int64_t i = 0; i < layers; ++i) {
        resnetBlocks.push_back(SpatioTemporalResBlock(channels, channels));
        resnets->push_back(resnetBlocks.back());
    }
}

torch::Tensor MidBlockTemporalDecoderImpl::forward(const torch::Tensor& x, int64_t numFrames) {
    torch::Tensor h = resnetBlocks[0](x, numFrames);
    // zip(resnets[1:], attentions) in upstream: as many (attention, resnet) pairs as the shorter list.
    for (size_t i = 0; i + 1 < resnetBlocks.size() && i < attentionBlocks.size(); ++i) {
        h = attentionBlocks[i](h);
        h = resnetBlocks[i + 1](h, numFrames);
    }
    return h;
}

UpBlockTemporalDecoderImpl::UpBlockTemporalDecoderImpl(int64_t in, int64_t out, int64_t layers, bool addUpsample) {
    resnets = register_module("resnets", torch::nn::ModuleList());
    for (int64_t i = 0; i < layers; ++i) {
        resnetBlocks.push_back(SpatioTemporalResBlock(i == 0 ? in : out, out));
        resnets->push_back(resnetBlocks.back());
    }
    if (addUpsample) {
        upsamplers = register_module("upsamplers", torch::nn::ModuleList());
        upsampler = Upsample2D(out);
        upsamplers->push_back(upsampler);
    }
}

torch::Tensor UpBlockTemporalDecoderImpl::forward(const torch::Tensor& x, int64_t numFrames) {
    torch::Tensor h = x;
    for (auto& block : resnetBlocks) {
        h = block(h, numFrames);
    }
    return upsampler ? upsampler(h) : h;
}

}  // namespace sm::vae
