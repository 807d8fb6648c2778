#include "vae/autoencoder_kl.h"

#include <torch/torch.h>

#include <algorithm>

#include "io/module_loader.h"
#include "runtime/error.h"
#include "vae/key_map.h"

namespace sm::vae {
namespace {

// Blend weights along one axis for a tile covering pixels [begin, begin + size) of [0, total): a linear ramp of
// `ramp` pixels on every side that borders another tile, 1 elsewhere. Sampled at pixel centres so that two
// tiles overlapping by exactly `ramp` pixels get weights summing to 1; other overlaps are normalised later.
torch::Tensor axisWeights(int64_t begin, int64_t size, int64_t total, int64_t ramp,
                          const torch::TensorOptions& options) {
    torch::Tensor weights = torch::ones({size}, options);
    if (ramp <= 0) {
        return weights;
    }
    const torch::Tensor centre = torch::arange(size, options) + 0.5;
    if (begin > 0) {
        weights = torch::minimum(weights, centre / static_cast<double>(ramp));
    }
    if (begin + size < total) {
        weights = torch::minimum(weights, (static_cast<double>(size) - centre) / static_cast<double>(ramp));
    }
    return weights;
}

void checkLatent(const torch::Tensor& z, const VaeConfig& config) {
    TORCH_CHECK(z.dim() == 4 && z.size(1) == config.latentChannels, "VAE decode expects a latent [B, ",
                config.latentChannels, ", h, w] (unscaled: divide diffusion latents by ", config.scalingFactor,
                " first), got ", z.sizes());
}

}  // namespace

std::vector<int64_t> tileOrigins(int64_t length, const TiledDecodeOptions& options) {
    if (length <= options.tile) {
        return {0};
    }
    const int64_t stride = std::max<int64_t>(1, options.tile - options.overlap);
    std::vector<int64_t> origins;
    for (int64_t origin = 0;; origin += stride) {
        if (origin + options.tile >= length) {
            origins.push_back(length - options.tile);
            return origins;
        }
        origins.push_back(origin);
    }
}

DecoderImpl::DecoderImpl(const VaeConfig& config) {
    const auto& widths = config.blockOutChannels;
    checkConfig(config);
    // Registration order = diffusers' state_dict order: conv_in, up_blocks, mid_block, conv_norm_out, conv_out.
    conv_in = register_module("conv_in", Conv2d(config.latentChannels, widths.back(), 3, 1, 1));
    up_blocks = register_module("up_blocks", torch::nn::ModuleList());
    const std::vector<int64_t> reversed(widths.rbegin(), widths.rend());
    for (size_t i = 0; i < reversed.size(); ++i) {
        const int64_t in = i == 0 ? reversed[0] : reversed[i - 1];
        const bool last = i + 1 == reversed.size();
        upBlocks.push_back(UpDecoderBlock2D(in, reversed[i], config.layersPerBlock + 1, !last, config.normGroups));
        up_blocks->push_back(upBlocks.back());
    }
    mid_block = register_module("mid_block", MidBlock2D(widths.back(), config.midBlockAttention, config.normGroups));
    conv_norm_out = register_module("conv_norm_out", GroupNorm(config.normGroups, widths[0], kNormEps));
    conv_out = register_module("conv_out", Conv2d(widths[0], config.outChannels, 3, 1, 1));
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& z) {
    torch::Tensor h = mid_block(conv_in(z));
    for (auto& block : upBlocks) {
        h = block(h);
    }
    return conv_out(torch::silu(conv_norm_out(h)));
}

AutoencoderKLImpl::AutoencoderKLImpl(VaeConfig config) : m_config(std::move(config)) {
    encoder = register_module("encoder", Encoder(m_config));
    decoder = register_module("decoder", Decoder(m_config));
    const int64_t moments = 2 * m_config.latentChannels;
    quant_conv = register_module("quant_conv", Conv2d(moments, moments, 1));
    post_quant_conv = register_module("post_quant_conv", Conv2d(m_config.latentChannels, m_config.latentChannels, 1));
}

torch::Tensor AutoencoderKLImpl::encode(const torch::Tensor& image) {
    const int64_t f = m_config.downsampleFactor();
    TORCH_CHECK(image.dim() == 4 && image.size(1) == m_config.inChannels, "VAE encode expects an image [B, ",
                m_config.inChannels, ", H, W] with values in [-1, 1], got ", image.sizes());
    TORCH_CHECK(image.size(2) % f == 0 && image.size(3) % f == 0, "VAE encode: image height and width must be ",
                "multiples of ", f, ", got ", image.size(2), "x", image.size(3), "; resize or crop the image first");
    return quant_conv(encoder(image));
}

DiagonalGaussian AutoencoderKLImpl::encodeDistribution(const torch::Tensor& image) {
    return DiagonalGaussian(encode(image));
}

torch::Tensor AutoencoderKLImpl::decode(const torch::Tensor& z) {
    checkLatent(z, m_config);
    return decoder(post_quant_conv(z));
}

void AutoencoderKLImpl::pinPosteriorToMean(double logvar) {
    torch::NoGradGuard noGrad;
    const int64_t c = m_config.latentChannels;
    quant_conv->weight.narrow(0, c, c).zero_();
    quant_conv->bias.narrow(0, c, c).fill_(logvar);
}

torch::Tensor AutoencoderKLImpl::decodeTiled(const torch::Tensor& z, const TiledDecodeOptions& options) {
    checkLatent(z, m_config);
    if (options.tile < 1 || options.overlap < 0 || options.overlap >= options.tile) {
        throw ArgumentError("VAE tiled decode: tile " + std::to_string(options.tile) + " and overlap " +
                            std::to_string(options.overlap) + " latent pixels; need tile >= 1 and 0 <= overlap < tile");
    }
    const int64_t h = z.size(2), w = z.size(3);
    if (h <= options.tile && w <= options.tile) {
        return decode(z);
    }
    const int64_t f = m_config.downsampleFactor();
    const int64_t ramp = options.overlap * f;
    const int64_t tileH = std::min(options.tile, h), tileW = std::min(options.tile, w);
    // Half-precision models accumulate in float32; the normalising division is done once at the end.
    const torch::Dtype accType = z.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat;
    const auto accOptions = z.options().dtype(accType);
    torch::Tensor sum = torch::zeros({z.size(0), m_config.outChannels, h * f, w * f}, accOptions);
    torch::Tensor weightSum = torch::zeros({1, 1, h * f, w * f}, accOptions);
    for (const int64_t y : tileOrigins(h, options)) {
        const torch::Tensor wy = axisWeights(y * f, tileH * f, h * f, ramp, accOptions);
        for (const int64_t x : tileOrigins(w, options)) {
            const torch::Tensor wx = axisWeights(x * f, tileW * f, w * f, ramp, accOptions);
            const torch::Tensor weight = (wy.unsqueeze(1) * wx.unsqueeze(0)).reshape({1, 1, tileH * f, tileW * f});
            const torch::Tensor pixels = decode(z.narrow(2, y, tileH).narrow(3, x, tileW)).to(accType);
            sum.narrow(2, y * f, tileH * f).narrow(3, x * f, tileW * f).add_(pixels * weight);
            weightSum.narrow(2, y * f, tileH * f).narrow(3, x * f, tileW * f).add_(weight);
        }
    }
    return (sum / weightSum).to(z.scalar_type());
}

VaeConfig configFromWeights(const io::StateDict& dict, const std::string& source) {
    VaeConfig config = encoderConfigFromWeights(dict, source);
    const auto levels = static_cast<int64_t>(config.blockOutChannels.size());
    const torch::Tensor& convIn = requireKey(dict, "decoder.conv_in.weight", source, "decoder input conv");
    if (convIn.dim() != 4 || convIn.size(0) != config.blockOutChannels.back() ||
        convIn.size(1) != config.latentChannels) {
        throw WeightsError(source + ": key decoder.conv_in.weight has shape " + io::shapeString(convIn.sizes()) +
                           ", expected [" + std::to_string(config.blockOutChannels.back()) + "," +
                           std::to_string(config.latentChannels) + ",3,3] from the encoder");
    }
    const std::string lastLevel = "decoder.up_blocks." + std::to_string(levels - 1) + ".resnets.0.conv1.weight";
    requireKey(dict, lastLevel, source, "the decoder must have as many levels as the encoder");
    if (dict.count("decoder.up_blocks." + std::to_string(levels) + ".resnets.0.conv1.weight")) {
        throw WeightsError(source + ": the decoder has more than the encoder's " + std::to_string(levels) +
                           " levels (key decoder.up_blocks." + std::to_string(levels) + ".*)");
    }
    config.outChannels = requireKey(dict, "decoder.conv_out.weight", source, "decoder output conv").size(0);
    requireKey(dict, "post_quant_conv.weight", source, "the SD autoencoder has a post_quant_conv");
    return config;
}

AutoencoderKL loadAutoencoderKL(const io::StateDict& dict, const std::string& source, torch::Dtype dtype) {
    const io::StateDict named = normalizeVaeStateDict(dict, source);
    const VaeConfig config = configFromWeights(named, source);
    // Parameters are overwritten right away: no random initialisation.
    ParameterInitScope scope(ParameterInit::Uninitialized);
    AutoencoderKL vae(config);
    io::LoadOptions options;
    options.dtype = dtype;
    io::loadModuleWeights(*vae, named, source, options);
    vae->eval();
    return vae;
}

io::StateDict exportLdmStateDict(const AutoencoderKL& vae) {
    return diffusersToLdm(io::moduleStateDict(*vae), "AutoencoderKL");
}

}  // namespace sm::vae
