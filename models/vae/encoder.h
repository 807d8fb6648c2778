#pragma once
// The SD KL-f8 encoder (diffusers vae.Encoder == ldm model.Encoder), shared by AutoencoderKL and the SVD
// AutoencoderKLTemporalDecoder. Keys under it: conv_in, down_blocks.N.{resnets.M, downsamplers.0},
// mid_block.{attentions.0, resnets.0/1}, conv_norm_out, conv_out.
//
// Thread-safety: as the blocks in vae/vae_blocks.h (forward is stateless).
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <vector>

#include "runtime/layers.h"
#include "vae/vae_blocks.h"
#include "vae/vae_config.h"

namespace sm::vae {

struct EncoderImpl : torch::nn::Module {
    explicit EncoderImpl(const VaeConfig& config);

    /// Image [B, in, H, W] -> mean and logvar stacked, [B, 2·latent, H/f, W/f] (f = config.downsampleFactor()).
    torch::Tensor forward(const torch::Tensor& image);

    /// The features before the output head: conv_in, down blocks and mid block, [B, C_last, H/f, W/f].
    torch::Tensor features(const torch::Tensor& image);
    /// The output head: swish(conv_norm_out(features)) -> conv_out.
    torch::Tensor head(const torch::Tensor& features);

    Conv2d conv_in{nullptr};
    torch::nn::ModuleList down_blocks{nullptr};
    std::vector<DownEncoderBlock2D> downBlocks;  // typed views of down_blocks
    MidBlock2D mid_block{nullptr};
    GroupNorm conv_norm_out{nullptr};
    Conv2d conv_out{nullptr};
};
TORCH_MODULE(Encoder);

}  // namespace sm::vae
