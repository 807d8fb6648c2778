#pragma once
// Building blocks of the SD KL-f8 autoencoder (diffusers v0.24 vae.py / unet_2d_blocks.py / resnet.py /
// attention_processor.py, identical maths to the CompVis ldm model.py). Parameter names are the diffusers ones
// so a state dict in diffusers naming loads by name (ldm checkpoints are renamed first, see vae/key_map.h).
//
// Common choices of the SD VAE: GroupNorm with 32 groups and eps 1e-6, swish (x·sigmoid(x)) activation,
// no time embedding, dropout 0 (inference only).
//
// Thread-safety: forward() keeps no state, so one module may serve several threads once its weights are loaded;
// loading weights or moving the module must not overlap with forward().
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <vector>

#include "runtime/layers.h"

namespace sm::vae {

/// GroupNorm groups and eps of every VAE norm (ldm Normalize(), diffusers resnet_groups / resnet_eps). The groups
/// are VaeConfig::normGroups for the SD VAE (32 in every released one; our small demo VAE uses fewer, see there).
inline constexpr int64_t kNormGroups = 32;
inline constexpr double kNormEps = 1e-6;

/// diffusers ResnetBlock2D without time embedding (ldm ResnetBlock with temb_channels 0):
/// x + conv2(swish(norm2(conv1(swish(norm1(x)))))), the skip through a 1x1 conv_shortcut when in != out.
struct ResnetBlock2DImpl : torch::nn::Module {
    ResnetBlock2DImpl(int64_t in, int64_t out, double eps = kNormEps, int64_t groups = kNormGroups);
    torch::Tensor forward(const torch::Tensor& x);  // [B, in, H, W] -> [B, out, H, W]

    GroupNorm norm1{nullptr}, norm2{nullptr};
    Conv2d conv1{nullptr}, conv2{nullptr};
    Conv2d conv_shortcut{nullptr};  // only when in != out (ldm: nin_shortcut)
};
TORCH_MODULE(ResnetBlock2D);

/// The mid-block self-attention: one head of width C over the H·W positions, with its own GroupNorm and a
/// residual connection. Projections are Linear [C, C] (ldm stores them as 1x1 convs; the key map reshapes).
/// Half-precision inputs always attend in float32. `upcast` is diffusers' upcast_softmax flag (true in the SD VAE's
/// UNetMidBlock2D, false in the SVD MidBlockTemporalDecoder): upstream implements it as `scores.float()`, so a
/// float64 run takes its softmax in float32; this module does the same to match float64 references.
struct MidBlockAttentionImpl : torch::nn::Module {
    explicit MidBlockAttentionImpl(int64_t channels, double eps = kNormEps, bool upcast = true,
                                   int64_t groups = kNormGroups);
    torch::Tensor forward(const torch::Tensor& x);  // [B, C, H, W] -> [B, C, H, W]

    GroupNorm group_norm{nullptr};
    Linear to_q{nullptr}, to_k{nullptr}, to_v{nullptr};
    torch::nn::ModuleList to_out{nullptr};  // to_out.0 = Linear (diffusers keeps a Dropout at index 1)
    Linear out_proj{nullptr};               // the same module as to_out[0]
    bool upcastSoftmax = true;
};
TORCH_MODULE(MidBlockAttention);

/// Downsample2D of the VAE encoder: pad right and bottom by one (the asymmetric (0,1,0,1) padding of ldm and
/// diffusers with padding=0), then a 3x3 stride-2 conv. [B, C, H, W] -> [B, C, H/2, W/2] for even H, W.
struct Downsample2DImpl : torch::nn::Module {
    explicit Downsample2DImpl(int64_t channels);
    torch::Tensor forward(const torch::Tensor& x);

    Conv2d conv{nullptr};
};
TORCH_MODULE(Downsample2D);

/// Upsample2D: nearest-neighbour x2, then a 3x3 conv. [B, C, H, W] -> [B, C, 2H, 2W].
struct Upsample2DImpl : torch::nn::Module {
    explicit Upsample2DImpl(int64_t channels);
    torch::Tensor forward(const torch::Tensor& x);

    Conv2d conv{nullptr};
};
TORCH_MODULE(Upsample2D);

/// Nearest x2 upsampling of [N, C, H, W] (diffusers F.interpolate(scale_factor=2, mode="nearest")).
torch::Tensor upsampleNearest2x(const torch::Tensor& x);

/// UNetMidBlock2D of the VAE: resnets.0 -> attentions.0 (when present) -> resnets.1, all at `channels`.
struct MidBlock2DImpl : torch::nn::Module {
    MidBlock2DImpl(int64_t channels, bool withAttention, int64_t groups = kNormGroups);
    torch::Tensor forward(const torch::Tensor& x);  // [B, C, H, W] -> [B, C, H, W]

    torch::nn::ModuleList attentions{nullptr}, resnets{nullptr};
    std::vector<MidBlockAttention> attentionBlocks;  // typed views of `attentions` (0 or 1 entry)
    std::vector<ResnetBlock2D> resnetBlocks;         // typed views of `resnets` (2 entries)
};
TORCH_MODULE(MidBlock2D);

/// DownEncoderBlock2D: `layers` resnets (the first maps in -> out), then an optional Downsample2D.
struct DownEncoderBlock2DImpl : torch::nn::Module {
    DownEncoderBlock2DImpl(int64_t in, int64_t out, int64_t layers, bool addDownsample, int64_t groups = kNormGroups);
    torch::Tensor forward(const torch::Tensor& x);  // [B, in, H, W] -> [B, out, H/2 or H, W/2 or W]

    torch::nn::ModuleList resnets{nullptr}, downsamplers{nullptr};
    std::vector<ResnetBlock2D> resnetBlocks;
    Downsample2D downsampler{nullptr};
};
TORCH_MODULE(DownEncoderBlock2D);

/// UpDecoderBlock2D: `layers` resnets (the first maps in -> out), then an optional Upsample2D.
struct UpDecoderBlock2DImpl : torch::nn::Module {
    UpDecoderBlock2DImpl(int64_t in, int64_t out, int64_t layers, bool addUpsample, int64_t groups = kNormGroups);
    torch::Tensor forward(const torch::Tensor& x);  // [B, in, H, W] -> [B, out, 2H or H, 2W or W]

    torch::nn::ModuleList resnets{nullptr}, upsamplers{nullptr};
    std::vector<ResnetBlock2D> resnetBlocks;
    Upsample2D upsampler{nullptr};
};
TORCH_MODULE(UpDecoderBlock2D);

}  // namespace sm::vae
