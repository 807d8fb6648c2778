#include "vae/vae_config.h"

#include <torch/torch.h>

#include <sstream>

#include "runtime/error.h"
#include "vae/vae_blocks.h"

namespace sm::vae {

int64_t VaeConfig::downsampleFactor() const {
    return blockOutChannels.empty() ? 1 : int64_t{1} << (blockOutChannels.size() - 1);
}

VaeConfig VaeConfig::fromLdm(int64_t ch, const std::vector<int64_t>& chMult, int64_t numResBlocks, int64_t zChannels) {
    VaeConfig config;
    config.blockOutChannels.clear();
    for (const int64_t mult : chMult) {
        config.blockOutChannels.push_back(ch * mult);
    }
    config.layersPerBlock = numResBlocks;
    config.latentChannels = zChannels;
    return config;
}

std::string describe(const VaeConfig& config) {
    std::ostringstream out;
    out << io::shapeString(config.blockOutChannels) << " x" << config.layersPerBlock << ", latent "
        << config.latentChannels << (config.midBlockAttention ? ", mid attention" : ", no mid attention");
    if (config.normGroups != 32) {
        out << ", " << config.normGroups << " norm groups";
    }
    return out.str();
}

void checkConfig(const VaeConfig& config) {
    bool ok = !config.blockOutChannels.empty() && config.layersPerBlock >= 1 && config.inChannels >= 1 &&
              config.outChannels >= 1 && config.latentChannels >= 1 && config.normGroups >= 1;
    for (const int64_t width : config.blockOutChannels) {
        ok = ok && width > 0 && config.normGroups >= 1 && width % config.normGroups == 0;
    }
    if (!ok) {
        throw ArgumentError("VAE config " + describe(config) + " (in " + std::to_string(config.inChannels) + ", out " +
                            std::to_string(config.outChannels) +
                            ") cannot be built: needs at least one level, "
                            "widths that are positive multiples of " +
                            std::to_string(config.normGroups) + " (the norm groups) and at least one layer per block");
    }
}

const torch::Tensor& requireKey(const io::StateDict& dict, const std::string& key, const std::string& source,
                                const std::string& why) {
    const auto it = dict.find(key);
    if (it == dict.end()) {
        throw WeightsError(source + ": key " + key + " is missing (" + why + ")");
    }
    return it->second;
}

VaeConfig encoderConfigFromWeights(const io::StateDict& dict, const std::string& source) {
    VaeConfig config;
    config.blockOutChannels.clear();
    // Level i exists when its first resnet exists; its width is that resnet's conv1 output.
    for (int64_t level = 0;; ++level) {
        const auto it = dict.find("encoder.down_blocks." + std::to_string(level) + ".resnets.0.conv1.weight");
        if (it == dict.end()) {
            break;
        }
        config.blockOutChannels.push_back(it->second.size(0));
    }
    if (config.blockOutChannels.empty()) {
        throw WeightsError(source +
                           ": key encoder.down_blocks.0.resnets.0.conv1.weight is missing (not an SD "
                           "KL autoencoder in diffusers naming)");
    }
    config.layersPerBlock = 0;
    while (dict.count("encoder.down_blocks.0.resnets." + std::to_string(config.layersPerBlock) + ".conv1.weight")) {
        ++config.layersPerBlock;
    }
    config.inChannels = requireKey(dict, "encoder.conv_in.weight", source, "encoder input conv").size(1);
    const torch::Tensor& convOut = requireKey(dict, "encoder.conv_out.weight", source, "encoder output conv");
    const torch::Tensor& quant = requireKey(dict, "quant_conv.weight", source, "moments projection");
    // The encoder emits mean and logvar (double_z): 2 · latent channels, and quant_conv keeps that width.
    if (convOut.size(0) % 2 != 0 || quant.size(0) != convOut.size(0) || quant.size(1) != convOut.size(0)) {
        throw WeightsError(source + ": encoder.conv_out.weight has shape " + io::shapeString(convOut.sizes()) +
                           " and quant_conv.weight " + io::shapeString(quant.sizes()) +
                           "; expected [2z, C, 3, 3] and [2z, 2z, 1, 1] (embed_dim must equal z_channels)");
    }
    config.latentChannels = convOut.size(0) / 2;
    config.midBlockAttention = dict.count("encoder.mid_block.attentions.0.to_q.weight") != 0;
    return config;
}

}  // namespace sm::vae
