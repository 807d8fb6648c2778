#include "vae/temporal_decoder.h"

#include <torch/torch.h>

#include <algorithm>

#include "io/module_loader.h"
#include "runtime/error.h"
#include "vae/key_map.h"

namespace sm::vae {

TemporalDecoderImpl::TemporalDecoderImpl(const VaeConfig& config) {
    const auto& widths = config.blockOutChannels;
    checkConfig(config);
    // Registration order = upstream state_dict order (mid_block before up_blocks here, unlike the SD decoder).
    conv_in = register_module("conv_in", Conv2d(config.latentChannels, widths.back(), 3, 1, 1));
    mid_block = register_module("mid_block", MidBlockTemporalDecoder(widths.back(), config.layersPerBlock));
    up_blocks = register_module("up_blocks", torch::nn::ModuleList());
    const std::vector<int64_t> reversed(widths.rbegin(), widths.rend());
    for (size_t i = 0; i < reversed.size(); ++i) {
        const int64_t in = i == 0 ? reversed[0] : reversed[i - 1];
        const bool last = i + 1 == reversed.size();
        upBlocks.push_back(UpBlockTemporalDecoder(in, reversed[i], config.layersPerBlock + 1, !last));
        up_blocks->push_back(upBlocks.back());
    }
    conv_norm_out = register_module("conv_norm_out", GroupNorm(kNormGroups, widths[0], kNormEps));
    conv_out = register_module("conv_out", Conv2d(widths[0], config.outChannels, 3, 1, 1));
    time_conv_out = register_module("time_conv_out", temporalConv(config.outChannels, config.outChannels));
}

torch::Tensor TemporalDecoderImpl::framesBeforeTimeConv(const torch::Tensor& z, int64_t numFrames) {
    torch::Tensor h = mid_block(conv_in(z), numFrames);
    for (auto& block : upBlocks) {
        h = block(h, numFrames);
    }
    return conv_out(torch::silu(conv_norm_out(h)));
}

torch::Tensor TemporalDecoderImpl::timeConvOut(const torch::Tensor& frames, int64_t numFrames) {
    const int64_t batch = frames.size(0) / numFrames;
    const int64_t c = frames.size(1), h = frames.size(2), w = frames.size(3);
    // [B·F, C, H, W] -> [B, C, F, H, W] -> Conv3d -> back.
    const torch::Tensor video = frames.reshape({batch, numFrames, c, h, w}).permute({0, 2, 1, 3, 4});
    return time_conv_out(video).permute({0, 2, 1, 3, 4}).reshape({batch * numFrames, c, h, w});
}

torch::Tensor TemporalDecoderImpl::forward(const torch::Tensor& z, int64_t numFrames) {
    return timeConvOut(framesBeforeTimeConv(z, numFrames), numFrames);
}

AutoencoderKLTemporalDecoderImpl::AutoencoderKLTemporalDecoderImpl(VaeConfig config) : m_config(std::move(config)) {
    encoder = register_module("encoder", Encoder(m_config));
    decoder = register_module("decoder", TemporalDecoder(m_config));
    const int64_t moments = 2 * m_config.latentChannels;
    quant_conv = register_module("quant_conv", Conv2d(moments, moments, 1));
}

torch::Tensor AutoencoderKLTemporalDecoderImpl::encode(const torch::Tensor& image) {
    const int64_t f = m_config.downsampleFactor();
    TORCH_CHECK(image.dim() == 4 && image.size(1) == m_config.inChannels, "VAE encode expects an image [B, ",
                m_config.inChannels, ", H, W] with values in [-1, 1], got ", image.sizes());
    TORCH_CHECK(image.size(2) % f == 0 && image.size(3) % f == 0, "VAE encode: image height and width must be ",
                "multiples of ", f, ", got ", image.size(2), "x", image.size(3), "; resize or crop the image first");
    return quant_conv(encoder(image));
}

DiagonalGaussian AutoencoderKLTemporalDecoderImpl::encodeDistribution(const torch::Tensor& image) {
    return DiagonalGaussian(encode(image));
}

torch::Tensor AutoencoderKLTemporalDecoderImpl::decode(const torch::Tensor& z, int64_t numFrames) {
    TORCH_CHECK(z.dim() == 4 && z.size(1) == m_config.latentChannels, "temporal VAE decode expects latents [B*F, ",
                m_config.latentChannels, ", h, w] (unscaled), got ", z.sizes());
    if (numFrames < 1 || z.size(0) % numFrames != 0) {
        throw ArgumentError("temporal VAE decode: numFrames " + std::to_string(numFrames) +
                            " must be >= 1 and divide the " + std::to_string(z.size(0)) + " latents");
    }
    return decoder(z, numFrames);
}

torch::Tensor AutoencoderKLTemporalDecoderImpl::decodeChunked(const torch::Tensor& z, int64_t chunk) {
    if (chunk < 1) {
        throw ArgumentError("temporal VAE decode: chunk size " + std::to_string(chunk) + " must be >= 1");
    }
    std::vector<torch::Tensor> parts;
    for (int64_t start = 0; start < z.size(0); start += chunk) {
        const int64_t frames = std::min(chunk, z.size(0) - start);
        parts.push_back(decode(z.narrow(0, start, frames), frames));
    }
    TORCH_CHECK(!parts.empty(), "temporal VAE decode: no latents to decode");
    return torch::cat(parts, 0);
}

VaeConfig temporalConfigFromWeights(const io::StateDict& dict, const std::string& source) {
    VaeConfig config = encoderConfigFromWeights(dict, source);
    const auto levels = static_cast<int64_t>(config.blockOutChannels.size());
    if (!config.midBlockAttention) {
        throw WeightsError(source +
                           ": key encoder.mid_block.attentions.0.to_q.weight is missing (the temporal "
                           "decoder VAE always has its mid-block attention)");
    }
    requireKey(dict, "decoder.time_conv_out.weight", source, "not an AutoencoderKLTemporalDecoder");
    const std::string lastLevel =
        "decoder.up_blocks." + std::to_string(levels - 1) + ".resnets.0.spatial_res_block.conv1.weight";
    requireKey(dict, lastLevel, source, "the decoder must have as many levels as the encoder");
    config.outChannels = requireKey(dict, "decoder.conv_out.weight", source, "decoder output conv").size(0);
    return config;
}

AutoencoderKLTemporalDecoder loadTemporalDecoderVae(const io::StateDict& dict, const std::string& source,
                                                    torch::Dtype dtype) {
    const io::StateDict named = normalizeVaeStateDict(dict, source);
    const VaeConfig config = temporalConfigFromWeights(named, source);
    ParameterInitScope scope(ParameterInit::Uninitialized);
    AutoencoderKLTemporalDecoder vae(config);
    io::LoadOptions options;
    options.dtype = dtype;
    io::loadModuleWeights(*vae, named, source, options);
    vae->eval();
    return vae;
}

CinemoVideo decodeCinemoLatents(AutoencoderKLTemporalDecoderImpl& vae, const torch::Tensor& latents,
                                const torch::Tensor& baseContent, int64_t chunk) {
    const int64_t c = vae.config().latentChannels;
    if (latents.dim() != 5 || latents.size(1) != c || baseContent.dim() != 5 || baseContent.size(2) != 1 ||
        baseContent.size(0) != latents.size(0) || baseContent.size(1) != c || baseContent.size(3) != latents.size(3) ||
        baseContent.size(4) != latents.size(4)) {
        throw ArgumentError("Cinemo decode: expected latents [B, " + std::to_string(c) +
                            ", F, h, w] and base "
                            "content [B, " +
                            std::to_string(c) + ", 1, h, w], got " + io::shapeString(latents.sizes()) + " and " +
                            io::shapeString(baseContent.sizes()));
    }
    // Same operation order as upstream (1/s · x, then base + latents) so float32 rounding matches.
    const double inverseScale = 1.0 / vae.config().scalingFactor;
    const torch::Tensor base = inverseScale * baseContent;
    const torch::Tensor frames5d = torch::cat({base, base + inverseScale * latents}, 2);  // [B, C, F+1, h, w]
    const int64_t batch = frames5d.size(0), frameCount = frames5d.size(2);
    // "b c f h w -> (b f) c h w"
    const torch::Tensor z =
        frames5d.permute({0, 2, 1, 3, 4}).reshape({batch * frameCount, c, latents.size(3), latents.size(4)});
    CinemoVideo out;
    out.frames = vae.decodeChunked(z, chunk);
    const int64_t channels = out.frames.size(1), height = out.frames.size(2), width = out.frames.size(3);
    // "(b f) c h w -> b f h w c", then ((x / 2 + 0.5).clamp(0, 1) * 255).to(uint8): a truncating cast.
    const torch::Tensor video =
        out.frames.reshape({batch, frameCount, channels, height, width}).permute({0, 1, 3, 4, 2});
    out.video = ((video / 2.0 + 0.5).clamp(0, 1) * 255).to(torch::kUInt8).cpu().contiguous();
    return out;
}

}  // namespace sm::vae
