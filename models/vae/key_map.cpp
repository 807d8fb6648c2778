#include "vae/key_map.h"

#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "runtime/error.h"

// The renaming table, ldm -> diffusers, for each side S in {encoder, decoder} (the inverse runs backwards):
//   S.conv_in, S.conv_out                       unchanged
//   S.norm_out                                  S.conv_norm_out
//   S.mid.block_1 / S.mid.block_2               S.mid_block.resnets.0 / S.mid_block.resnets.1
//   S.mid.attn_1.{norm, q, k, v, proj_out}      S.mid_block.attentions.0.{group_norm, to_q, to_k, to_v, to_out.0}
//   encoder.down.N.block.M.<layer>              encoder.down_blocks.N.resnets.M.<layer>
//   encoder.down.N.downsample.conv              encoder.down_blocks.N.downsamplers.0.conv
//   decoder.up.N.block.M.<layer>                decoder.up_blocks.(L-1-N).resnets.M.<layer>
//   decoder.up.N.upsample.conv                  decoder.up_blocks.(L-1-N).upsamplers.0.conv
//   quant_conv, post_quant_conv                 unchanged
// where a resnet <layer> keeps its name except nin_shortcut <-> conv_shortcut, and L is the number of levels.

namespace sm::vae {
namespace {

std::vector<std::string> split(const std::string& key) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        const size_t dot = key.find('.', start);
        parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) {
            return parts;
        }
        start = dot + 1;
    }
}

std::string join(const std::vector<std::string>& parts, size_t from = 0) {
    std::string out;
    for (size_t i = from; i < parts.size(); ++i) {
        if (!out.empty()) {
            out += '.';
        }
        out += parts[i];
    }
    return out;
}

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// A block index, or nullopt for anything that is not a short run of digits (the length guard keeps stoll in range).
std::optional<int64_t> parseIndex(const std::string& s) {
    if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    return std::stoll(s);
}

// Number of decoder levels: one more than the highest index after `marker` ("decoder.up." or "decoder.up_blocks.").
int64_t countLevels(const io::StateDict& dict, const std::string& marker) {
    int64_t levels = 0;
    for (const auto& [key, tensor] : dict) {
        if (!startsWith(key, marker)) {
            continue;
        }
        const std::string rest = key.substr(marker.size());
        if (const auto index = parseIndex(rest.substr(0, rest.find('.')))) {
            levels = std::max(levels, *index + 1);
        }
    }
    return levels;
}

// The 1x1-conv <-> Linear reshape of the mid-block attention projections ([C, C, 1, 1] <-> [C, C]).
torch::Tensor toLinearWeight(const torch::Tensor& t) {
    return t.dim() == 4 ? t.flatten(1) : t;
}
torch::Tensor toConvWeight(const torch::Tensor& t) {
    return t.dim() == 2 ? t.reshape({t.size(0), t.size(1), 1, 1}) : t;
}

// ldm AttnBlock layer -> diffusers Attention layer.
const std::map<std::string, std::string> kLdmAttentionToDiffusers = {
    {"norm", "group_norm"}, {"q", "to_q"}, {"k", "to_k"}, {"v", "to_v"}, {"proj_out", "to_out.0"}};

// Names of the deprecated AttentionBlock of older diffusers releases; ModelMixin renames them on load too.
const std::map<std::string, std::string> kLegacyAttentionToDiffusers = {
    {"query", "to_q"}, {"key", "to_k"}, {"value", "to_v"}, {"proj_attn", "to_out.0"}};

// ldm "block.M.<layer>..." tail of a resnet -> diffusers tail (only nin_shortcut is renamed).
std::string ldmResnetTail(const std::vector<std::string>& p, size_t from) {
    std::vector<std::string> tail(p.begin() + static_cast<std::ptrdiff_t>(from), p.end());
    if (!tail.empty() && tail[0] == "nin_shortcut") {
        tail[0] = "conv_shortcut";
    }
    return join(tail);
}

std::string diffusersResnetTail(const std::vector<std::string>& p, size_t from) {
    std::vector<std::string> tail(p.begin() + static_cast<std::ptrdiff_t>(from), p.end());
    if (!tail.empty() && tail[0] == "conv_shortcut") {
        tail[0] = "nin_shortcut";
    }
    return join(tail);
}

// Maps one ldm key; nullopt when the key has no diffusers counterpart. `projection` is set for the attention
// projections, whose weights change shape (biases are 1-D either way and pass unchanged).
std::optional<std::string> ldmKeyToDiffusers(const std::string& key, int64_t levels, bool& projection) {
    projection = false;
    const std::vector<std::string> p = split(key);
    if (p[0] == "quant_conv" || p[0] == "post_quant_conv") {
        return key;
    }
    if ((p[0] != "encoder" && p[0] != "decoder") || p.size() < 3) {
        return std::nullopt;
    }
    const std::string& side = p[0];
    if (p[1] == "conv_in" || p[1] == "conv_out") {
        return key;
    }
    if (p[1] == "norm_out") {
        return side + ".conv_norm_out." + join(p, 2);
    }
    if (p[1] == "mid" && p.size() >= 4) {
        if (p[2] == "block_1" || p[2] == "block_2") {
            return side + ".mid_block.resnets." + (p[2] == "block_1" ? "0." : "1.") + ldmResnetTail(p, 3);
        }
        if (p[2] == "attn_1") {
            const auto it = kLdmAttentionToDiffusers.find(p[3]);
            if (it == kLdmAttentionToDiffusers.end()) {
                return std::nullopt;
            }
            projection = p[3] != "norm";
            return side + ".mid_block.attentions.0." + it->second + "." + join(p, 4);
        }
        return std::nullopt;
    }
    const bool encoderLevel = side == "encoder" && p[1] == "down";
    const bool decoderLevel = side == "decoder" && p[1] == "up";
    if ((encoderLevel || decoderLevel) && p.size() >= 5) {
        const auto level = parseIndex(p[2]);
        if (!level || (decoderLevel && *level >= levels)) {
            return std::nullopt;
        }
        // ldm numbers decoder levels from the highest resolution; diffusers in execution order (lowest first).
        const int64_t index = decoderLevel ? levels - 1 - *level : *level;
        const std::string block = side + (encoderLevel ? ".down_blocks." : ".up_blocks.") + std::to_string(index);
        if (p[3] == "block" && parseIndex(p[4]) && p.size() >= 6) {
            return block + ".resnets." + p[4] + "." + ldmResnetTail(p, 5);
        }
        if ((p[3] == "downsample" && encoderLevel) || (p[3] == "upsample" && decoderLevel)) {
            return block + (encoderLevel ? ".downsamplers.0." : ".upsamplers.0.") + join(p, 4);
        }
    }
    return std::nullopt;
}

// The inverse of ldmKeyToDiffusers for a key under current diffusers names.
std::optional<std::string> diffusersKeyToLdm(const std::string& key, int64_t levels, bool& projection) {
    projection = false;
    const std::vector<std::string> p = split(key);
    if (p[0] == "quant_conv" || p[0] == "post_quant_conv") {
        return key;
    }
    if ((p[0] != "encoder" && p[0] != "decoder") || p.size() < 3) {
        return std::nullopt;
    }
    const std::string& side = p[0];
    if (p[1] == "conv_in" || p[1] == "conv_out") {
        return key;
    }
    if (p[1] == "conv_norm_out") {
        return side + ".norm_out." + join(p, 2);
    }
    if (p[1] == "mid_block" && p.size() >= 5) {
        if (p[2] == "resnets" && (p[3] == "0" || p[3] == "1")) {
            return side + ".mid." + (p[3] == "0" ? "block_1." : "block_2.") + diffusersResnetTail(p, 4);
        }
        if (p[2] == "attentions" && p[3] == "0") {
            if (p[4] == "to_out" && p.size() >= 6 && p[5] == "0") {
                projection = true;
                return side + ".mid.attn_1.proj_out." + join(p, 6);
            }
            for (const auto& [ldm, diffusers] : kLdmAttentionToDiffusers) {
                if (diffusers == p[4]) {
                    projection = ldm != "norm";
                    return side + ".mid.attn_1." + ldm + "." + join(p, 5);
                }
            }
        }
        return std::nullopt;
    }
    const bool encoderLevel = side == "encoder" && p[1] == "down_blocks";
    const bool decoderLevel = side == "decoder" && p[1] == "up_blocks";
    if ((encoderLevel || decoderLevel) && p.size() >= 5) {
        const auto index = parseIndex(p[2]);
        if (!index || (decoderLevel && *index >= levels)) {
            return std::nullopt;
        }
        const int64_t level = decoderLevel ? levels - 1 - *index : *index;
        const std::string block = side + (encoderLevel ? ".down." : ".up.") + std::to_string(level);
        if (p[3] == "resnets" && parseIndex(p[4]) && p.size() >= 6) {
            return block + ".block." + p[4] + "." + diffusersResnetTail(p, 5);
        }
        const bool sampler = (p[3] == "downsamplers" && encoderLevel) || (p[3] == "upsamplers" && decoderLevel);
        if (sampler && p[4] == "0" && p.size() >= 6) {
            return block + (encoderLevel ? ".downsample." : ".upsample.") + join(p, 5);
        }
    }
    return std::nullopt;
}

bool anyKeyStartsWith(const io::StateDict& dict, const std::string& prefix,
                      std::initializer_list<const char*> markers) {
    for (const auto& [key, tensor] : dict) {
        for (const char* marker : markers) {
            if (startsWith(key, prefix + marker)) {
                return true;
            }
        }
    }
    return false;
}

}  // namespace

KeyNaming detectKeyNaming(const io::StateDict& dict, const std::string& source, const std::string& prefix) {
    const bool ldm = anyKeyStartsWith(
        dict, prefix,
        {"encoder.down.", "encoder.mid.", "encoder.norm_out.", "decoder.up.", "decoder.mid.", "decoder.norm_out."});
    const bool diffusers = anyKeyStartsWith(dict, prefix,
                                            {"encoder.down_blocks.", "encoder.mid_block.", "encoder.conv_norm_out.",
                                             "decoder.up_blocks.", "decoder.mid_block.", "decoder.conv_norm_out."});
    if (ldm && diffusers) {
        throw WeightsError(source +
                           ": autoencoder keys mix ldm names (encoder.down.N / decoder.up.N) and diffusers "
                           "names (down_blocks / up_blocks); expected one layout");
    }
    if (!ldm && !diffusers) {
        throw WeightsError(source + ": no autoencoder keys found" +
                           (prefix.empty() ? std::string() : " under '" + prefix + "'") +
                           "; expected encoder.down.N.* (ldm) or encoder.down_blocks.N.* (diffusers)");
    }
    return ldm ? KeyNaming::Ldm : KeyNaming::Diffusers;
}

io::StateDict stripPrefix(const io::StateDict& dict, const std::string& prefix) {
    if (prefix.empty()) {
        return dict;
    }
    io::StateDict out;
    for (const auto& [key, tensor] : dict) {
        if (startsWith(key, prefix)) {
            out.emplace(key.substr(prefix.size()), tensor);
        }
    }
    return out;
}

io::StateDict ldmToDiffusers(const io::StateDict& ldm, const std::string& source) {
    const int64_t levels = countLevels(ldm, "decoder.up.");
    io::StateDict out;
    for (const auto& [key, tensor] : ldm) {
        bool projection = false;
        const auto mapped = ldmKeyToDiffusers(key, levels, projection);
        if (!mapped) {
            throw WeightsError(source + ": ldm autoencoder key " + key +
                               " has no counterpart in the SD KL-f8 autoencoder (attention outside the mid block "
                               "and loss.* weights are not supported)");
        }
        out.emplace(*mapped, projection ? toLinearWeight(tensor) : tensor);
    }
    return out;
}

io::StateDict diffusersToLdm(const io::StateDict& diffusers, const std::string& source) {
    const io::StateDict named = renameLegacyAttention(diffusers);
    const int64_t levels = countLevels(named, "decoder.up_blocks.");
    io::StateDict out;
    for (const auto& [key, tensor] : named) {
        bool projection = false;
        const auto mapped = diffusersKeyToLdm(key, levels, projection);
        if (!mapped) {
            throw WeightsError(source + ": diffusers autoencoder key " + key + " has no ldm counterpart");
        }
        out.emplace(*mapped, projection ? toConvWeight(tensor) : tensor);
    }
    return out;
}

io::StateDict renameLegacyAttention(const io::StateDict& diffusers) {
    io::StateDict out;
    for (const auto& [key, tensor] : diffusers) {
        std::vector<std::string> p = split(key);
        // <side>.mid_block.attentions.<i>.<name>.<param>
        if (p.size() == 6 && p[1] == "mid_block" && p[2] == "attentions") {
            const auto it = kLegacyAttentionToDiffusers.find(p[4]);
            if (it != kLegacyAttentionToDiffusers.end()) {
                p[4] = it->second;
            }
        }
        out.emplace(join(p), tensor);
    }
    return out;
}

io::StateDict normalizeVaeStateDict(const io::StateDict& dict, const std::string& source) {
    // A full ldm checkpoint holds the UNet, CLIP, ... beside the autoencoder: keep only first_stage_model.*.
    const bool prefixed = std::any_of(dict.begin(), dict.end(),
                                      [](const auto& item) { return startsWith(item.first, kLdmCheckpointPrefix); });
    const io::StateDict bare = prefixed ? stripPrefix(dict, kLdmCheckpointPrefix) : dict;
    // Stand-alone VAE checkpoints (vae-ft-mse-840000-ema-pruned.ckpt) also carry the training loss (loss.*,
    // LPIPS and discriminator) and EMA bookkeeping (model_ema.*), which inference never uses.
    io::StateDict autoencoder;
    for (const auto& [key, tensor] : bare) {
        const std::string top = key.substr(0, key.find('.'));
        if (top == "encoder" || top == "decoder" || top == "quant_conv" || top == "post_quant_conv") {
            autoencoder.emplace(key, tensor);
        }
    }
    const KeyNaming naming = detectKeyNaming(autoencoder, source);
    return naming == KeyNaming::Ldm ? ldmToDiffusers(autoencoder, source) : renameLegacyAttention(autoencoder);
}

}  // namespace sm::vae
