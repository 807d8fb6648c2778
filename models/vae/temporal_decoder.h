#pragma once
// Stable Video Diffusion's AutoencoderKLTemporalDecoder (diffusers v0.24), Cinemo's default VAE
// (vae_temporal_decoder/diffusion_pytorch_model.safetensors): the SD KL-f8 encoder + quant_conv, and a decoder
// whose resnets also mix neighbouring frames. There is no post_quant_conv.
//
//   sm::vae::AutoencoderKLTemporalDecoder vae = sm::vae::loadTemporalDecoderVae(dict, "vae_temporal_decoder/...");
//   sm::vae::DiagonalGaussian posterior(vae->encode(image));     // as AutoencoderKL: [B, 3, H, W] -> [B, 8, h, w]
//   torch::Tensor frames = vae->decode(z, 14);                   // z [B·14, 4, h, w] -> [B·14, 3, 8h, 8w]
//   auto video = sm::vae::decodeCinemoLatents(*vae, latents, baseContent);   // Cinemo's decode step
//
// Like AutoencoderKL, encode/decode never apply config().scalingFactor (0.18215). Tensors with the wrong layout
// are refused by TORCH_CHECK (c10::Error) with the expected layout in the message; bad frame counts and chunk
// sizes by sm::ArgumentError.
// Thread-safety: encode/decode keep no state; concurrent calls on one loaded instance are fine.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

#include "io/state_dict.h"
#include "runtime/layers.h"
#include "vae/diagonal_gaussian.h"
#include "vae/encoder.h"
#include "vae/temporal_blocks.h"
#include "vae/vae_config.h"

namespace sm::vae {

/// Frames per decode call in Cinemo's pipeline (decode_chunk_size; SVD was trained on 14-frame clips).
inline constexpr int64_t kTemporalDecodeChunk = 14;

/// diffusers TemporalDecoder. Keys: conv_in, mid_block, up_blocks.N (lowest resolution first), conv_norm_out,
/// conv_out, time_conv_out (Conv3d (3,1,1) over the output frames).
struct TemporalDecoderImpl : torch::nn::Module {
    explicit TemporalDecoderImpl(const VaeConfig& config);

    /// Latents [B·F, latent, h, w] (frame index fastest) -> frames [B·F, out, h·f, w·f].
    torch::Tensor forward(const torch::Tensor& z, int64_t numFrames);
    /// The per-frame part: everything up to conv_out, before time_conv_out. [B·F, out, h·f, w·f].
    torch::Tensor framesBeforeTimeConv(const torch::Tensor& z, int64_t numFrames);
    /// time_conv_out over each video of F frames: [B·F, out, H, W] -> same.
    torch::Tensor timeConvOut(const torch::Tensor& frames, int64_t numFrames);

    Conv2d conv_in{nullptr};
    MidBlockTemporalDecoder mid_block{nullptr};
    torch::nn::ModuleList up_blocks{nullptr};
    std::vector<UpBlockTemporalDecoder> upBlocks;  // typed views of up_blocks
    GroupNorm conv_norm_out{nullptr};
    Conv2d conv_out{nullptr};
    Conv3d time_conv_out{nullptr};
};
TORCH_MODULE(TemporalDecoder);

struct AutoencoderKLTemporalDecoderImpl : torch::nn::Module {
    /// Builds the tree with the current sm::ParameterInit mode; sm::ArgumentError for an unbuildable config.
    /// The temporal decoder always has its mid-block attention; config.midBlockAttention applies to the encoder.
    explicit AutoencoderKLTemporalDecoderImpl(VaeConfig config);

    const VaeConfig& config() const { return m_config; }

    /// Image [B, in, H, W] in [-1, 1] (H, W multiples of config().downsampleFactor()) -> moments [B, 2·latent, h, w].
    torch::Tensor encode(const torch::Tensor& image);
    DiagonalGaussian encodeDistribution(const torch::Tensor& image);

    /// Latents [N, latent, h, w] holding N / numFrames videos of numFrames consecutive frames each
    /// -> frames [N, out, h·f, w·f]. numFrames must divide N (throws sm::ArgumentError otherwise).
    torch::Tensor decode(const torch::Tensor& z, int64_t numFrames);

    /// Cinemo's chunked decode: consecutive slices of `chunk` latents (the last one shorter), each decoded with
    /// numFrames = its own length, concatenated. Chunks run along the flat N axis whatever the video boundaries,
    /// exactly as upstream (for B > 1 a chunk may span two videos). [N, latent, h, w] -> [N, out, h·f, w·f].
    torch::Tensor decodeChunked(const torch::Tensor& z, int64_t chunk = kTemporalDecodeChunk);

    Encoder encoder{nullptr};
    TemporalDecoder decoder{nullptr};
    Conv2d quant_conv{nullptr};

private:
    VaeConfig m_config;
};
TORCH_MODULE(AutoencoderKLTemporalDecoder);

/// The config implied by a diffusers-named AutoencoderKLTemporalDecoder state dict (encoder part as the SD VAE;
/// the decoder's levels and widths are checked). Throws sm::WeightsError naming `source` and the key.
VaeConfig temporalConfigFromWeights(const io::StateDict& dict, const std::string& source);

/// normalizeVaeStateDict + temporalConfigFromWeights + build + strict load, in `dtype`.
AutoencoderKLTemporalDecoder loadTemporalDecoderVae(const io::StateDict& dict, const std::string& source,
                                                    torch::Dtype dtype = torch::kFloat32);

/// Result of decodeCinemoLatents().
struct CinemoVideo {
    torch::Tensor frames;  // [B·(F+1), out, H, W] float: the concatenated decoder outputs, roughly [-1, 1]
    torch::Tensor video;   // [B, F+1, H, W, out] uint8 on the CPU: trunc((frames/2 + 0.5).clamp(0, 1) · 255)
};

/// Cinemo's decode_latents_with_temporal_decoder: with s = config().scalingFactor,
/// z = cat_F(base/s, base/s + latents/s) -> [B·(F+1), 4, h, w] (frame fastest) -> decodeChunked(z, chunk)
/// -> uint8 by truncation. latents [B, 4, F, h, w] are the residual frames, baseContent [B, 4, 1, h, w] the
/// first-frame latent (both in diffusion scale). Throws sm::ArgumentError on shape mismatch.
CinemoVideo decodeCinemoLatents(AutoencoderKLTemporalDecoderImpl& vae, const torch::Tensor& latents,
                                const torch::Tensor& baseContent, int64_t chunk = kTemporalDecodeChunk);

}  // namespace sm::vae
