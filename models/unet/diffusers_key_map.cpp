#include "unet/diffusers_key_map.h"

#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <utility>

#include "io/weight_map.h"
#include "runtime/error.h"

// Both directions parse a key into (block kind, level, position, layer, rest) and rebuild it from the layout,
// rather than chaining substring replacements as the diffusers script does: a key either lands on exactly one
// name or is refused, and layouts other than SD's 4 levels × 2 ResBlocks (tiny test models, fine-tunes with
// fewer levels) need no table of their own. The layout comes from the dict being converted, never from a config.

namespace sm::unet {
namespace {

// (diffusers, ldm) names of the ResBlock layers.
constexpr std::array<std::pair<const char*, const char*>, 6> kResnetLayers{{
    {"norm1", "in_layers.0"},
    {"conv1", "in_layers.2"},
    {"time_emb_proj", "emb_layers.1"},
    {"norm2", "out_layers.0"},
    {"conv2", "out_layers.3"},
    {"conv_shortcut", "skip_connection"},
}};

// (diffusers, ldm) prefixes of the layers outside the blocks.
constexpr std::array<std::pair<const char*, const char*>, 5> kTopLevel{{
    {"conv_in.", "input_blocks.0.0."},
    {"time_embedding.linear_1.", "time_embed.0."},
    {"time_embedding.linear_2.", "time_embed.2."},
    {"conv_norm_out.", "out.0."},
    {"conv_out.", "out.2."},
}};

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

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

std::string join(const std::vector<std::string>& parts, size_t from) {
    std::string out;
    for (size_t i = from; i < parts.size(); ++i) {
        out += (out.empty() ? "" : ".") + parts[i];
    }
    return out;
}

// A block index, or nullopt for anything that is not a short run of digits (the length guard keeps stoll in range).
std::optional<int64_t> parseIndex(const std::string& s) {
    if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    return std::stoll(s);
}

bool anyKeyWithPrefix(const io::StateDict& dict, const std::string& prefix) {
    const auto it = dict.lower_bound(prefix);
    return it != dict.end() && startsWith(it->first, prefix);
}

[[noreturn]] void refuse(const std::string& source, const std::string& key, const std::string& why) {
    throw WeightsError(source + ": key " + key + " " + why);
}

// The ResBlock layer of `rest` ("norm1.weight") renamed to the other naming; `fromDiffusers` picks the direction.
std::string renameResnetLayer(const std::string& rest, bool fromDiffusers, const std::string& source,
                              const std::string& key) {
    for (const auto& [diffusers, ldm] : kResnetLayers) {
        const std::string from = std::string(fromDiffusers ? diffusers : ldm) + ".";
        if (startsWith(rest, from)) {
            return (fromDiffusers ? ldm : diffusers) + ("." + rest.substr(from.size()));
        }
    }
    refuse(source, key,
           "is not a ResBlock layer (expected norm1/conv1/time_emb_proj/norm2/conv2/conv_shortcut "
           "or their ldm names)");
}

// proj_in / proj_out weights directly under a SpatialTransformer ("<block>.proj_in.weight"), reshaped as asked.
torch::Tensor reshapeProjection(const torch::Tensor& weight, ProjectionLayout layout, const std::string& source,
                                const std::string& key) {
    if (layout == ProjectionLayout::Conv1x1 && weight.dim() == 2) {
        return weight.reshape({weight.size(0), weight.size(1), 1, 1});  // [C_out, C_in] -> [C_out, C_in, 1, 1]
    }
    if (layout == ProjectionLayout::Linear && weight.dim() == 4) {
        if (weight.size(2) != 1 || weight.size(3) != 1) {
            refuse(source, key, "has shape " + io::shapeString(weight.sizes()) + ", expected a 1x1 convolution");
        }
        return weight.reshape({weight.size(0), weight.size(1)});  // [C_out, C_in, 1, 1] -> [C_out, C_in]
    }
    if (weight.dim() != 2 && weight.dim() != 4) {
        refuse(source, key, "has shape " + io::shapeString(weight.sizes()) + ", expected [C, C] or [C, C, 1, 1]");
    }
    return weight;
}

bool isProjectionWeight(const std::string& restInBlock) {
    return restInBlock == "proj_in.weight" || restInBlock == "proj_out.weight";
}

void checkLayout(const UNetBlockLayout& layout, const std::string& source, const char* naming) {
    if (layout.levels <= 0 || layout.resnetsPerLevel <= 0) {
        throw WeightsError(source + ": no " + std::string(naming) + " UNet blocks found (levels " +
                           std::to_string(layout.levels) + ", ResBlocks per level " +
                           std::to_string(layout.resnetsPerLevel) + ")");
    }
}

// Inserts a renamed entry, refusing two source keys that land on one name (a map bug or a doctored file).
void put(io::StateDict& out, std::string key, torch::Tensor tensor, const std::string& source,
         const std::string& from) {
    if (!out.emplace(key, std::move(tensor)).second) {
        refuse(source, from, "maps to " + key + ", which another key already took");
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Layouts

bool isDiffusersUnet(const io::StateDict& dict) {
    return dict.count("conv_in.weight") != 0 && anyKeyWithPrefix(dict, "down_blocks.");
}

UNetBlockLayout diffusersUnetLayout(const io::StateDict& dict, const std::string& source) {
    // Every level must look like level 0: ldm's num_res_blocks is one number, and the index arithmetic of the
    // map (i·(R+1) + j) holds only then.
    UNetBlockLayout layout;
    layout.levels = io::countIndexed(dict, "down_blocks.");
    layout.resnetsPerLevel = io::countIndexed(dict, "down_blocks.0.resnets.");
    checkLayout(layout, source, "diffusers");
    const int64_t r = layout.resnetsPerLevel;
    // Attentions exist for every ResBlock of a CrossAttn block or for none (Down/UpBlock2D).
    auto attentionCount = [&](const std::string& block, int64_t expected) {
        const int64_t n = io::countIndexed(dict, block + "attentions.");
        if (n != 0 && n != expected) {
            throw WeightsError(source + ": " + block + "attentions has " + std::to_string(n) + " entries, expected " +
                               std::to_string(expected) + " (one per ResBlock) or none");
        }
        return n != 0;
    };
    for (int64_t i = 0; i < layout.levels; ++i) {
        const std::string down = "down_blocks." + std::to_string(i) + ".";
        if (io::countIndexed(dict, down + "resnets.") != r) {
            throw WeightsError(source + ": " + down + "resnets has " +
                               std::to_string(io::countIndexed(dict, down + "resnets.")) + " ResBlocks, expected " +
                               std::to_string(r) + " like down_blocks.0");
        }
        layout.downAttention.push_back(attentionCount(down, r));
    }
    if (io::countIndexed(dict, "up_blocks.") != layout.levels) {
        throw WeightsError(source + ": " + std::to_string(io::countIndexed(dict, "up_blocks.")) + " up_blocks for " +
                           std::to_string(layout.levels) + " down_blocks");
    }
    for (int64_t i = 0; i < layout.levels; ++i) {
        const std::string up = "up_blocks." + std::to_string(i) + ".";
        if (io::countIndexed(dict, up + "resnets.") != r + 1) {
            throw WeightsError(source + ": " + up + "resnets has " +
                               std::to_string(io::countIndexed(dict, up + "resnets.")) + " ResBlocks, expected " +
                               std::to_string(r + 1) + " (layers_per_block + 1)");
        }
        layout.upAttention.push_back(attentionCount(up, r + 1));
    }
    return layout;
}

UNetBlockLayout ldmUnetLayout(const io::StateDict& dict, const std::string& source) {
    UNetBlockLayout layout;
    const int64_t inputBlocks = io::countIndexed(dict, "input_blocks.");
    // The first Downsample closes level 0: it sits at input_blocks.(R + 1). A single level has none.
    int64_t firstDownsample = 0;
    for (int64_t n = 1; n < inputBlocks && firstDownsample == 0; ++n) {
        if (anyKeyWithPrefix(dict, "input_blocks." + std::to_string(n) + ".0.op.")) {
            firstDownsample = n;
        }
    }
    layout.resnetsPerLevel = firstDownsample > 0 ? firstDownsample - 1 : inputBlocks - 1;
    layout.levels = layout.resnetsPerLevel > 0 ? inputBlocks / (layout.resnetsPerLevel + 1) : 0;
    checkLayout(layout, source, "ldm");
    if (inputBlocks != layout.inputBlockCount()) {
        throw WeightsError(source + ": " + std::to_string(inputBlocks) + " input_blocks do not fit " +
                           std::to_string(layout.resnetsPerLevel) + " ResBlocks per level (expected a multiple of " +
                           std::to_string(layout.resnetsPerLevel + 1) + ")");
    }
    const int64_t outputBlocks = io::countIndexed(dict, "output_blocks.");
    if (outputBlocks != layout.outputBlockCount()) {
        throw WeightsError(source + ": " + std::to_string(outputBlocks) + " output_blocks, expected " +
                           std::to_string(layout.outputBlockCount()) + " for " + std::to_string(layout.levels) +
                           " levels of " + std::to_string(layout.resnetsPerLevel) + " ResBlocks");
    }
    const int64_t step = layout.resnetsPerLevel + 1;
    for (int64_t i = 0; i < layout.levels; ++i) {
        layout.downAttention.push_back(anyKeyWithPrefix(dict, "input_blocks." + std::to_string(1 + i * step) + ".1."));
        // The first block of an up level never holds the Upsample (that is the last one), so ".1." is attention.
        layout.upAttention.push_back(anyKeyWithPrefix(dict, "output_blocks." + std::to_string(i * step) + ".1."));
    }
    return layout;
}

// ---------------------------------------------------------------------------------------------------------------
// diffusers -> ldm

io::StateDict diffusersToLdmUnet(const io::StateDict& diffusers, const std::string& source,
                                 ProjectionLayout projection) {
    const UNetBlockLayout layout = diffusersUnetLayout(diffusers, source);
    const int64_t r = layout.resnetsPerLevel;
    const int64_t step = r + 1;
    io::StateDict out;
    for (const auto& [key, tensor] : diffusers) {
        auto topLevel = std::find_if(kTopLevel.begin(), kTopLevel.end(),
                                     [&key = key](const auto& entry) { return startsWith(key, entry.first); });
        if (topLevel != kTopLevel.end()) {
            put(out, topLevel->second + key.substr(std::strlen(topLevel->first)), tensor, source, key);
            continue;
        }
        const std::vector<std::string> parts = split(key);
        const bool isDown = parts[0] == "down_blocks", isUp = parts[0] == "up_blocks", isMid = parts[0] == "mid_block";
        // down_blocks.i.<kind>.j.<rest> / up_blocks.i.<kind>.j.<rest> / mid_block.<kind>.j.<rest>
        const size_t kindAt = isMid ? 1 : 2;
        if (!(isDown || isUp || isMid) || parts.size() < kindAt + 3) {
            refuse(source, key,
                   "is not part of an SD UNet2DConditionModel (class or addition embeddings, adapters "
                   "and other extras are not supported)");
        }
        const std::optional<int64_t> level = isMid ? std::optional<int64_t>(0) : parseIndex(parts[1]);
        const std::optional<int64_t> index = parseIndex(parts[kindAt + 1]);
        const std::string& kind = parts[kindAt];
        const std::string rest = join(parts, kindAt + 2);
        if (!level || !index || *level >= layout.levels) {
            refuse(source, key, "has a block index outside the " + std::to_string(layout.levels) + " levels");
        }
        const int64_t i = *level, j = *index;
        // Each branch checks its own index range (down: j < R, up: j < R+1, mid: two ResBlocks, one attention);
        // a key that matches no branch leaves `target` empty and is refused below.
        std::string target;
        torch::Tensor value = tensor;
        if (isMid) {
            if (kind == "resnets" && j < 2) {
                target = "middle_block." + std::to_string(2 * j) + "." + renameResnetLayer(rest, true, source, key);
            } else if (kind == "attentions" && j == 0) {
                target = "middle_block.1." + rest;
                if (isProjectionWeight(rest)) {
                    value = reshapeProjection(tensor, projection, source, key);
                }
            }
        } else if (kind == "resnets" && j < (isDown ? r : r + 1)) {
            const int64_t block = isDown ? 1 + i * step + j : i * step + j;
            target = (isDown ? "input_blocks." : "output_blocks.") + std::to_string(block) + ".0." +
                     renameResnetLayer(rest, true, source, key);
        } else if (kind == "attentions" && j < (isDown ? r : r + 1)) {
            const int64_t block = isDown ? 1 + i * step + j : i * step + j;
            target = (isDown ? "input_blocks." : "output_blocks.") + std::to_string(block) + ".1." + rest;
            if (isProjectionWeight(rest)) {
                value = reshapeProjection(tensor, projection, source, key);
            }
        } else if (isDown && kind == "downsamplers" && j == 0 && i + 1 < layout.levels && startsWith(rest, "conv.")) {
            target = "input_blocks." + std::to_string((i + 1) * step) + ".0.op." + rest.substr(5);
        } else if (isUp && kind == "upsamplers" && j == 0 && i + 1 < layout.levels && startsWith(rest, "conv.")) {
            // The Upsample follows the last ResBlock of the level, after its SpatialTransformer when there is one.
            target = "output_blocks." + std::to_string(i * step + r) + (layout.upAttention[i] ? ".2." : ".1.") + rest;
        }
        if (target.empty()) {
            refuse(source, key,
                   "does not fit the UNet layout (" + std::to_string(layout.levels) + " levels, " + std::to_string(r) +
                       " ResBlocks per level)");
        }
        put(out, std::move(target), value, source, key);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// ldm -> diffusers

io::StateDict ldmToDiffusersUnet(const io::StateDict& ldm, const std::string& source, ProjectionLayout projection) {
    const UNetBlockLayout layout = ldmUnetLayout(ldm, source);
    const int64_t r = layout.resnetsPerLevel;
    const int64_t step = r + 1;
    io::StateDict out;
    for (const auto& [key, tensor] : ldm) {
        auto topLevel = std::find_if(kTopLevel.begin(), kTopLevel.end(),
                                     [&key = key](const auto& entry) { return startsWith(key, entry.second); });
        if (topLevel != kTopLevel.end()) {
            put(out, topLevel->first + key.substr(std::strlen(topLevel->second)), tensor, source, key);
            continue;
        }
        const std::vector<std::string> parts = split(key);
        const bool isInput = parts[0] == "input_blocks", isOutput = parts[0] == "output_blocks",
                   isMid = parts[0] == "middle_block";
        // input_blocks.n.k.<rest> / output_blocks.n.k.<rest> / middle_block.k.<rest>
        const size_t layerAt = isMid ? 1 : 2;
        if (!(isInput || isOutput || isMid) || parts.size() < layerAt + 2) {
            refuse(source, key, "is not part of an ldm UNetModel");
        }
        const std::optional<int64_t> block = isMid ? std::optional<int64_t>(0) : parseIndex(parts[1]);
        const std::optional<int64_t> layer = parseIndex(parts[layerAt]);
        const std::string rest = join(parts, layerAt + 1);
        if (!block || !layer || *block >= layout.inputBlockCount() || (isInput && *block == 0)) {
            refuse(source, key,
                   "has a block index outside the " + std::to_string(layout.inputBlockCount()) + " blocks");
        }
        const int64_t k = *layer;
        std::string target;
        bool attention = false;
        if (isMid) {
            if (k == 0 || k == 2) {
                target =
                    "mid_block.resnets." + std::to_string(k / 2) + "." + renameResnetLayer(rest, false, source, key);
            } else if (k == 1) {
                target = "mid_block.attentions.0." + rest;
                attention = true;
            }
        } else if (isInput) {
            // Block n >= 1 is position j of level i; j == R is the level's Downsample (input_blocks.0 is conv_in,
            // handled above as a top-level name).
            const int64_t i = (*block - 1) / step, j = (*block - 1) % step;
            const std::string level = "down_blocks." + std::to_string(i) + ".";
            if (j < r && k == 0) {
                target = level + "resnets." + std::to_string(j) + "." + renameResnetLayer(rest, false, source, key);
            } else if (j < r && k == 1) {
                target = level + "attentions." + std::to_string(j) + "." + rest;
                attention = true;
            } else if (j == r && k == 0 && startsWith(rest, "op.")) {
                target = level + "downsamplers.0.conv." + rest.substr(3);
            }
        } else {
            const int64_t i = *block / step, j = *block % step;
            const std::string level = "up_blocks." + std::to_string(i) + ".";
            const bool upsample = j == r && startsWith(rest, "conv.") && k == (layout.upAttention[i] ? 2 : 1);
            if (upsample) {
                target = level + "upsamplers.0." + rest;
            } else if (k == 0) {
                target = level + "resnets." + std::to_string(j) + "." + renameResnetLayer(rest, false, source, key);
            } else if (k == 1) {
                target = level + "attentions." + std::to_string(j) + "." + rest;
                attention = true;
            }
        }
        if (target.empty()) {
            refuse(source, key,
                   "does not fit the UNet layout (" + std::to_string(layout.levels) + " levels, " + std::to_string(r) +
                       " ResBlocks per level)");
        }
        torch::Tensor value = tensor;
        if (attention && isProjectionWeight(rest)) {
            value = reshapeProjection(tensor, projection, source, key);
        }
        put(out, std::move(target), value, source, key);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Heads

void applyDiffusersHeads(const nlohmann::json& unetConfig, LdmUNetConfig& config, const std::string& source) {
    // diffusers: num_attention_heads = num_attention_heads or attention_head_dim (both mean "heads").
    nlohmann::json heads = unetConfig.value("num_attention_heads", nlohmann::json());
    const char* field = "num_attention_heads";
    if (heads.is_null()) {
        heads = unetConfig.value("attention_head_dim", nlohmann::json(8));  // diffusers' default
        field = "attention_head_dim";
    }
    auto fail = [&](const std::string& why) {
        throw WeightsError(source + ": config field " + field + " = " + heads.dump() + " " + why);
    };
    if (heads.is_number_integer()) {
        if (heads.get<int64_t>() <= 0) {
            fail("is not a positive head count");
        }
        config.numHeads = heads.get<int64_t>();
        config.numHeadChannels = -1;
        return;
    }
    const size_t levels = config.channelMult.size();
    if (!heads.is_array() || heads.size() != levels ||
        !std::all_of(heads.begin(), heads.end(), [](const nlohmann::json& h) { return h.is_number_integer(); })) {
        fail("is neither a head count nor a list of " + std::to_string(levels) + " head counts");
    }
    // The levels whose heads matter: those with attention, and the last one (its width is the middle block's).
    std::vector<std::pair<int64_t, int64_t>> used;  // (width, heads)
    for (size_t i = 0; i < levels; ++i) {
        const bool attention = std::find(config.attentionResolutions.begin(), config.attentionResolutions.end(),
                                         int64_t{1} << i) != config.attentionResolutions.end();
        if (attention || i + 1 == levels) {
            const int64_t h = heads[i].get<int64_t>();
            if (h <= 0) {
                fail("has a non-positive head count");
            }
            used.emplace_back(config.modelChannels * config.channelMult[i], h);
        }
    }
    const bool sameHeads =
        std::all_of(used.begin(), used.end(), [&](const auto& u) { return u.second == used[0].second; });
    if (sameHeads) {
        config.numHeads = used[0].second;
        config.numHeadChannels = -1;
        return;
    }
    // Otherwise the head width must be constant (SD-2.x: 64), which ldm writes as num_head_channels.
    const int64_t dim = used[0].first / used[0].second;
    const bool sameDim = std::all_of(
        used.begin(), used.end(), [&](const auto& u) { return u.first % u.second == 0 && u.first / u.second == dim; });
    if (!sameDim) {
        fail("gives neither one head count nor one head width over the attention levels");
    }
    config.numHeads = -1;
    config.numHeadChannels = dim;
}

}  // namespace sm::unet
