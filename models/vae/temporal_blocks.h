#pragma once
// Blocks of Stable Video Diffusion's temporal VAE decoder (diffusers v0.24 resnet.py TemporalResnetBlock,
// SpatioTemporalResBlock, AlphaBlender; unet_3d_blocks.py MidBlockTemporalDecoder, UpBlockTemporalDecoder).
//
// Frames travel as a flat batch [B·F, C, H, W] (frame index fastest) and every block is told F; the temporal
// parts view them as [B, C, F, H, W]. Spatial norms work per frame; the temporal GroupNorms pool their statistics
// over all F frames of a video (upstream applies nn.GroupNorm to the 5-D tensor).
//
// Thread-safety: as vae/vae_blocks.h (stateless forward).
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <vector>

#include "runtime/layers.h"
#include "vae/vae_blocks.h"

namespace sm::vae {

/// GroupNorm eps of the temporal resnets (temporal_eps); the spatial resnets keep kNormEps (1e-6).
inline constexpr double kTemporalNormEps = 1e-5;

/// Conv3d with kernel (3, 1, 1) and padding (1, 0, 0): mixes each pixel with the same pixel of the neighbouring
/// frames (zero-padded at the first and last frame). [B, in, F, H, W] -> [B, out, F, H, W].
Conv3d temporalConv(int64_t in, int64_t out);

/// Resnet over time: GroupNorm -> swish -> Conv3d (3,1,1) twice, residual add. [B, C, F, H, W] -> same shape.
/// (Upstream always builds it with in == out, so it never has a conv_shortcut.)
struct TemporalResnetBlockImpl : torch::nn::Module {
    explicit TemporalResnetBlockImpl(int64_t channels, double eps = kTemporalNormEps);
    torch::Tensor forward(const torch::Tensor& x);

    GroupNorm norm1{nullptr}, norm2{nullptr};
    Conv3d conv1{nullptr}, conv2{nullptr};
};
TORCH_MODULE(TemporalResnetBlock);

/// AlphaBlender with merge_strategy "learned" and switch_spatial_to_temporal_mix (the VAE's setting):
/// a = sigmoid(mix_factor); out = (1 - a)·spatial + a·temporal. mix_factor is a learned [1] parameter.
struct AlphaBlenderImpl : torch::nn::Module {
    AlphaBlenderImpl();
    torch::Tensor forward(const torch::Tensor& spatial, const torch::Tensor& temporal);

    torch::Tensor mix_factor;  // [1]
};
TORCH_MODULE(AlphaBlender);

/// SpatioTemporalResBlock: spatial ResnetBlock2D per frame, then a TemporalResnetBlock over the frames of each
/// video, blended by the AlphaBlender. [B·F, in, H, W] -> [B·F, out, H, W].
struct SpatioTemporalResBlockImpl : torch::nn::Module {
    SpatioTemporalResBlockImpl(int64_t in, int64_t out);
    torch::Tensor forward(const torch::Tensor& x, int64_t numFrames);

    ResnetBlock2D spatial_res_block{nullptr};
    TemporalResnetBlock temporal_res_block{nullptr};
    AlphaBlender time_mixer{nullptr};
};
TORCH_MODULE(SpatioTemporalResBlock);

/// MidBlockTemporalDecoder: resnets.0 -> attentions.0 -> resnets.1 (upstream zips resnets[1:] with its single
/// attention, so resnets beyond the second are built but never run; the SVD VAE has exactly two).
struct MidBlockTemporalDecoderImpl : torch::nn::Module {
    MidBlockTemporalDecoderImpl(int64_t channels, int64_t layers);
    torch::Tensor forward(const torch::Tensor& x, int64_t numFrames);  // [B·F, C, H, W] -> same

    torch::nn::ModuleList attentions{nullptr}, resnets{nullptr};
    std::vector<MidBlockAttention> attentionBlocks;
    std::vector<SpatioTemporalResBlock> resnetBlocks;
};
TORCH_MODULE(MidBlockTemporalDecoder);

/// UpBlockTemporalDecoder: `layers` SpatioTemporalResBlocks (the first maps in -> out), optional Upsample2D.
struct UpBlockTemporalDecoderImpl : torch::nn::Module {
    UpBlockTemporalDecoderImpl(int64_t in, int64_t out, int64_t layers, bool addUpsample);
    torch::Tensor forward(const torch::Tensor& x, int64_t numFrames);  // [B·F, in, H, W] -> [B·F, out, 2H|H, 2W|W]

    torch::nn::ModuleList resnets{nullptr}, upsamplers{nullptr};
    std::vector<SpatioTemporalResBlock> resnetBlocks;
    Upsample2D upsampler{nullptr};
};
TORCH_MODULE(UpBlockTemporalDecoder);

}  // namespace sm::vae
