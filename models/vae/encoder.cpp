#include "vae/encoder.h"

#include <torch/torch.h>

namespace sm::vae {

EncoderImpl::EncoderImpl(const VaeConfig& config) {
    const auto& widths = config.blockOutChannels;
    checkConfig(config);
    conv_in = register_module("conv_in", Conv2d(config.inChannels, widths[0], 3, 1, 1));
    down_blocks = register_module("down_blocks", torch::nn::ModuleList());
    for (size_t i = 0; i < widths.size(); ++i) {
        const bool last = i + 1 == widths.size();
        downBlocks.push_back(
            DownEncoderBlock2D(i == 0 ? widths[0] : widths[i - 1], widths[i], config.layersPerBlock, !last, config.normGroups));
        down_blocks->push_back(downBlocks.back());
    }
    mid_block = register_module("mid_block", MidBlock2D(widths.back(), config.midBlockAttention, config.normGroups));
    conv_norm_out = register_module("conv_norm_out", GroupNorm(config.normGroups, widths.back(), kNormEps));
    conv_out = register_module("conv_out", Conv2d(widths.back(), 2 * config.latentChannels, 3, 1, 1));
}

torch::Tensor EncoderImpl::features(const torch::Tensor& image) {
    torch::Tensor h = conv_in(image);
    for (auto& block : downBlocks) {
        h = block(h);
    }
    return mid_block(h);
}

torch::Tensor EncoderImpl::head(const torch::Tensor& features) {
    return conv_out(torch::silu(conv_norm_out(features)));
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& image) {
    return head(features(image));
}

}  // namespace sm::vae
