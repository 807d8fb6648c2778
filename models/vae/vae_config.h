#pragma once
// Configuration shared by the SD AutoencoderKL and the SVD AutoencoderKLTemporalDecoder, in diffusers terms.
// ldm terms map as blockOutChannels[i] = ch · ch_mult[i], layersPerBlock = num_res_blocks,
// latentChannels = z_channels = embed_dim (the engine requires them equal, as every SD checkpoint has them).
#include <string>
#include <vector>

#include "io/state_dict.h"

namespace sm::vae {

struct VaeConfig {
    int64_t inChannels = 3;                                     // image channels in
    int64_t outChannels = 3;                                    // image channels out
    std::vector<int64_t> blockOutChannels{128, 256, 512, 512};  // per resolution level, highest resolution first
    int64_t layersPerBlock = 2;                                 // encoder resnets per level (the decoder has one more)
    int64_t latentChannels = 4;
    bool midBlockAttention = true;  // every SD / SVD VAE has it; tiny test models may not
    /// GroupNorm groups of every norm (diffusers norm_num_groups). 32 in every released SD / SVD VAE; not visible
    /// in the weights, so it comes from a config (our safetensors metadata, a diffusers config.json). A small VAE
    /// needs fewer: with 32 channels, 32 groups normalise each channel on its own, and the last norm before
    /// conv_out then removes each channel's mean, so a flat colour cannot be decoded (the demo VAE uses 1).
    int64_t normGroups = 32;
    /// Latent scale of the diffusion models (SD 1.x and SVD: 0.18215). Kept here for the callers: encode() and
    /// decode() never apply it. Diffusion latents are `mode_or_sample · scalingFactor`; decode `z / scalingFactor`.
    double scalingFactor = 0.18215;

    /// Pixels per latent pixel along each axis: 2^(levels - 1) (8 for SD).
    int64_t downsampleFactor() const;

    /// From an ldm ddconfig: ch, ch_mult, num_res_blocks, z_channels (in/out channels 3).
    static VaeConfig fromLdm(int64_t ch, const std::vector<int64_t>& chMult, int64_t numResBlocks, int64_t zChannels);
};

/// Throws sm::ArgumentError unless the config can be built: at least one level, every width a positive multiple
/// of normGroups (≥ 1), layersPerBlock >= 1, positive channel counts.
void checkConfig(const VaeConfig& config);

/// "[128,256,512,512] x2, latent 4, mid attention" — for logs and error messages.
std::string describe(const VaeConfig& config);

/// Reads the encoder part of the config (levels, widths, layers per block, in channels, latent channels, mid-block
/// attention) from a state dict in diffusers naming (see normalizeVaeStateDict). Decoder widths are checked by
/// the callers. Throws sm::WeightsError naming `source` and the missing or inconsistent key.
VaeConfig encoderConfigFromWeights(const io::StateDict& dict, const std::string& source);

/// The tensor `key` of `dict`, or sm::WeightsError "<source>: key <key> is missing (<why>)".
const torch::Tensor& requireKey(const io::StateDict& dict, const std::string& key, const std::string& source,
                                const std::string& why);

}  // namespace sm::vae
