#pragma once
// The SD KL-f8 autoencoder (ldm AutoencoderKL == diffusers AutoencoderKL): one implementation for both key layouts.
//
// Loading:
//   // Pix2Gif: a full ldm checkpoint dict (first_stage_model.* keys among UNet/CLIP keys) or a bare ldm VAE dict
//   sm::vae::AutoencoderKL vae = sm::vae::loadAutoencoderKL(ckptDict, "pix2gif.ckpt");
//   // Cinemo vae/: the dict of vae/diffusion_pytorch_model.{bin,safetensors} (diffusers names, old or new)
//   sm::vae::AutoencoderKL vae = sm::vae::loadAutoencoderKL(folderDict, "vae/diffusion_pytorch_model.bin");
//
// Use (callers own the NoGradGuard / InferenceMode):
//   torch::Tensor moments = vae->encode(image);            // image [B, 3, H, W] in [-1, 1] -> [B, 8, H/8, W/8]
//   sm::vae::DiagonalGaussian posterior(moments);          // mean / logvar / std / mode() / sample()
//   torch::Tensor image = vae->decode(z);                  // z [B, 4, h, w] -> [B, 3, 8h, 8w], roughly [-1, 1]
//
// The latent scale (config().scalingFactor, 0.18215) is NOT applied by encode() or decode(): Pix2Gif uses the
// posterior mode unscaled as image conditioning and decodes decode(z / 0.18215); Cinemo multiplies samples by it.
//
// Tensors with the wrong layout are refused by TORCH_CHECK (c10::Error) naming the expected layout; bad options by
// sm::ArgumentError; weights that do not fit by sm::WeightsError.
//
// Internal module names are the diffusers ones; ldm checkpoints are renamed on load (vae/key_map.h), and
// exportLdmStateDict() gives the ldm names back.
//
// Thread-safety: encode/decode keep no state; several threads may call them on one loaded instance. Loading,
// to(device) and friends must not overlap with them.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

#include "io/state_dict.h"
#include "runtime/layers.h"
#include "vae/diagonal_gaussian.h"
#include "vae/encoder.h"
#include "vae/vae_blocks.h"
#include "vae/vae_config.h"

namespace sm::vae {

/// The SD decoder (diffusers vae.Decoder == ldm model.Decoder). Keys: conv_in, up_blocks.N (lowest resolution
/// first; ldm up.(L-1-N)), mid_block, conv_norm_out, conv_out.
struct DecoderImpl : torch::nn::Module {
    explicit DecoderImpl(const VaeConfig& config);

    /// Latent after post_quant_conv [B, latent, h, w] -> image [B, out, h·f, w·f].
    torch::Tensor forward(const torch::Tensor& z);

    Conv2d conv_in{nullptr};
    torch::nn::ModuleList up_blocks{nullptr};
    std::vector<UpDecoderBlock2D> upBlocks;  // typed views of up_blocks
    MidBlock2D mid_block{nullptr};
    GroupNorm conv_norm_out{nullptr};
    Conv2d conv_out{nullptr};
};
TORCH_MODULE(Decoder);

/// Tiling of decodeTiled(), in latent pixels. Each tile is decoded on its own; neighbouring tiles overlap by
/// `overlap` latent pixels and are blended with linear ramps across the overlap (weights normalised to sum 1).
struct TiledDecodeOptions {
    int64_t tile = 64;     // tile edge: 64 latents = 512 pixels for SD
    int64_t overlap = 16;  // must be < tile; 16 latents = 128 pixels of blending
};

/// Where decodeTiled() places its tiles along an axis of `length` latent pixels: 0, s, 2s, ... (s = tile - overlap)
/// while a tile still ends inside, then one last tile ending exactly at `length`; a single {0} when the axis
/// fits in one tile. Each tile spans min(tile, length) latent pixels from its origin.
std::vector<int64_t> tileOrigins(int64_t length, const TiledDecodeOptions& options);

struct AutoencoderKLImpl : torch::nn::Module {
    /// Builds the tree with the current sm::ParameterInit mode (Uninitialized by default: load weights next).
    /// Throws sm::ArgumentError for an unbuildable config (see checkConfig).
    explicit AutoencoderKLImpl(VaeConfig config);

    const VaeConfig& config() const { return m_config; }

    /// Image [B, in, H, W], values in [-1, 1], H and W multiples of config().downsampleFactor()
    /// -> moments [B, 2·latent, H/f, W/f] (mean and logvar, i.e. quant_conv(encoder(image))).
    torch::Tensor encode(const torch::Tensor& image);
    /// encode() wrapped in the posterior.
    DiagonalGaussian encodeDistribution(const torch::Tensor& image);

    /// Latent [B, latent, h, w] (unscaled) -> image [B, out, h·f, w·f] = decoder(post_quant_conv(z)).
    torch::Tensor decode(const torch::Tensor& z);

    /// decode() in overlapping tiles for images whose single-pass decode would not fit in memory (the mid-block
    /// attention alone needs (h·w)² scores). Falls back to decode() when z fits in one tile. Tiles see less
    /// context (GroupNorm statistics and attention are per tile), so the result is close to, not equal to,
    /// decode(). Throws sm::ArgumentError for tile < 1 or overlap outside [0, tile).
    torch::Tensor decodeTiled(const torch::Tensor& z, const TiledDecodeOptions& options = {});

    /// Makes the posterior a point mass at its mean: the log-variance half of quant_conv gets zero weights and the
    /// bias `logvar` (σ = exp(logvar / 2), 4.5e-5 for the default), so sampling it returns the mean. For a VAE
    /// trained as a plain autoencoder (decoding the mean, a negligible KL weight), whose σ never learned anything
    /// and stays near 1 (the size of the means themselves): a diffusion trainer that samples the posterior, as
    /// ldm's get_first_stage_encoding does, would otherwise learn to draw that noise.
    void pinPosteriorToMean(double logvar = -20.0);

    Encoder encoder{nullptr};
    Decoder decoder{nullptr};
    Conv2d quant_conv{nullptr}, post_quant_conv{nullptr};

private:
    VaeConfig m_config;
};
TORCH_MODULE(AutoencoderKL);

/// The config a state dict in diffusers naming implies (see normalizeVaeStateDict): widths, layers per block,
/// latent and image channels, mid-block attention. The decoder's widths are checked against the encoder's.
/// scalingFactor stays at its default (it is not stored in the weights; a diffusers config.json may override it).
/// Throws sm::WeightsError naming `source` and the offending key.
VaeConfig configFromWeights(const io::StateDict& diffusersDict, const std::string& source);

/// normalizeVaeStateDict + configFromWeights + build + strict load (float32 unless `dtype` says otherwise).
/// `dict` may be a full ldm checkpoint (first_stage_model.*), a bare ldm VAE, or a diffusers VAE (old or new
/// attention names). Throws sm::WeightsError naming `source` on any mismatch.
AutoencoderKL loadAutoencoderKL(const io::StateDict& dict, const std::string& source,
                                torch::Dtype dtype = torch::kFloat32);

/// The module's weights under ldm names (bare, without the first_stage_model. prefix).
io::StateDict exportLdmStateDict(const AutoencoderKL& vae);

}  // namespace sm::vae
