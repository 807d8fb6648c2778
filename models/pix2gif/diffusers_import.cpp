#include "pix2gif/diffusers_import.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

#include "io/diffusers_folder.h"
#include "io/weight_map.h"
#include "runtime/error.h"
#include "text/clip_text_encoder.h"
#include "unet/diffusers_key_map.h"
#include "unet/ldm_unet.h"
#include "vae/key_map.h"

namespace sm::pix2gif {
namespace fs = std::filesystem;
namespace {

// The ldm prefix of the text model's HF keys ("text_model.*") inside a checkpoint.
constexpr const char* kLdmTextTransformerPrefix = "cond_stage_model.transformer.";

// Component folder -> the diffusers / transformers class Pix2Gif can use (model_index.json names it).
struct Component {
    const char* folder;
    const char* className;
};
constexpr Component kComponents[] = {
    {"unet", "UNet2DConditionModel"},
    {"vae", "AutoencoderKL"},
    {"text_encoder", "CLIPTextModel"},
};

[[noreturn]] void refuse(const std::string& where, const std::string& why) {
    throw WeightsError(where + ": " + why + "; Pix2Gif starts from Stable Diffusion 1.x or InstructPix2Pix");
}

// model_index.json maps each component to ["library", "ClassName"]; other classes need other maths.
void checkModelIndex(const std::string& folder) {
    const fs::path indexPath = fs::path(folder) / "model_index.json";
    if (!fs::exists(indexPath)) {
        return;
    }
    const nlohmann::json index = io::readJsonFile(indexPath.string());
    for (const Component& c : kComponents) {
        if (!index.contains(c.folder)) {
            refuse(indexPath.string(), std::string("no \"") + c.folder + "\" component");
        }
        const nlohmann::json& entry = index.at(c.folder);
        if (!entry.is_array() || entry.size() != 2 || !entry[1].is_string()) {
            refuse(indexPath.string(),
                   std::string("component \"") + c.folder + "\" is " + entry.dump() + ", expected [library, class]");
        }
        if (entry[1].get<std::string>() != c.className) {
            refuse(indexPath.string(), std::string("component \"") + c.folder + "\" is a " +
                                           entry[1].get<std::string>() + ", expected " + c.className);
        }
    }
}

// A config.json field that must have a given value for the ldm maths to hold (absent = the diffusers default).
void expectField(const nlohmann::json& config, const std::string& where, const char* field,
                 const nlohmann::json& expected) {
    if (config.contains(field) && config.at(field) != expected) {
        refuse(where, std::string("config field ") + field + " = " + config.at(field).dump() + " is not supported (" +
                          expected.dump() + " expected)");
    }
}

void checkUnetConfig(const nlohmann::json& config, const std::string& where) {
    // ldm's timestep_embedding is [cos | sin] with no frequency shift: diffusers flip_sin_to_cos, freq_shift 0.
    expectField(config, where, "flip_sin_to_cos", true);
    expectField(config, where, "freq_shift", 0);
    expectField(config, where, "time_embedding_type", "positional");
    expectField(config, where, "resnet_time_scale_shift", "default");
    expectField(config, where, "norm_num_groups", 32);
    expectField(config, where, "act_fn", "silu");
    expectField(config, where, "class_embed_type", nullptr);
    expectField(config, where, "addition_embed_type", nullptr);
    expectField(config, where, "encoder_hid_dim", nullptr);
    expectField(config, where, "cross_attention_norm", nullptr);
    expectField(config, where, "mid_block_type", "UNetMidBlock2DCrossAttn");
    expectField(config, where, "attention_type", "default");
    expectField(config, where, "resnet_out_scale_factor", 1.0);
    expectField(config, where, "resnet_skip_time_act", false);
    if (config.contains("norm_eps") && std::abs(config.at("norm_eps").get<double>() - 1e-5) > 1e-9) {
        refuse(where, "config field norm_eps = " + config.at("norm_eps").dump() + " is not supported (1e-05 expected)");
    }
    // only_cross_attention: a bool, or one per down block; attn1 of ldm always attends to itself.
    if (config.contains("only_cross_attention")) {
        const nlohmann::json& only = config.at("only_cross_attention");
        const bool any = only.is_array()
                             ? std::any_of(only.begin(), only.end(), [](const auto& v) { return v == true; })
                             : only == true;
        if (any) {
            refuse(where, "only_cross_attention blocks are not supported");
        }
    }
    // One transformer depth everywhere (ldm's transformer_depth is a single number).
    if (config.contains("transformer_layers_per_block") && config.at("transformer_layers_per_block").is_array()) {
        const nlohmann::json& depths = config.at("transformer_layers_per_block");
        if (std::any_of(depths.begin(), depths.end(), [&](const auto& d) { return d != depths.front(); })) {
            refuse(where, "per-level transformer depths " + depths.dump() + " are not supported");
        }
    }
}

}  // namespace

bool isDiffusersPipelineFolder(const std::string& path) {
    std::error_code error;
    const fs::path root(path);
    if (!fs::is_directory(root, error)) {
        return false;
    }
    if (fs::is_regular_file(root / "model_index.json", error)) {
        return true;
    }
    return std::all_of(std::begin(kComponents), std::end(kComponents),
                       [&](const Component& c) { return fs::is_directory(root / c.folder, error); });
}

DiffusersPipelineImport importDiffusersPipeline(const std::string& folder, const std::string& variant) {
    if (!fs::is_directory(folder)) {
        throw WeightsError(folder + ": not a folder");
    }
    checkModelIndex(folder);
    for (const Component& c : kComponents) {
        if (!fs::is_directory(fs::path(folder) / c.folder)) {
            refuse(folder, std::string("no ") + c.folder + "/ component folder");
        }
    }
    DiffusersPipelineImport result;
    auto load = [&](const char* name) {
        io::DiffusersComponent component = io::loadDiffusersComponent((fs::path(folder) / name).string(), variant);
        result.files.insert(result.files.end(), component.files.begin(), component.files.end());
        return component;
    };

    // UNet: diffusers names -> ldm names, 1×1-conv projections as the SD-1.x ldm UNet holds them.
    {
        const io::DiffusersComponent unet = load("unet");
        const std::string where = (fs::path(folder) / "unet").string();
        checkUnetConfig(unet.config, where);
        if (!unet::isDiffusersUnet(unet.weights)) {
            refuse(where, "not a diffusers UNet2DConditionModel (no conv_in.weight / down_blocks.* keys); found " +
                              io::describeKeyGroups(unet.weights));
        }
        const io::StateDict ldm = unet::diffusersToLdmUnet(unet.weights, where, unet::ProjectionLayout::Conv1x1);
        for (const auto& [key, tensor] : ldm) {
            result.weights.emplace(unet::checkpointKey(key), tensor);
        }
        // The head count is not in the weights; it depends on the attention levels, which they do tell.
        unet::LdmUNetConfig config = unet::configFromWeights(ldm, where);
        unet::applyDiffusersHeads(unet.config, config, where);
        result.config["unet"] = {{"num_heads", config.numHeads}, {"num_head_channels", config.numHeadChannels}};
    }

    // VAE: diffusers names (old or new attention names) -> ldm names under first_stage_model.
    {
        const io::DiffusersComponent vae = load("vae");
        const std::string where = (fs::path(folder) / "vae").string();
        for (const auto& [key, tensor] : vae::diffusersToLdm(vae.weights, where)) {
            result.weights.emplace(vae::kLdmCheckpointPrefix + key, tensor);
        }
        if (vae.config.contains("scaling_factor")) {
            result.config["scale_factor"] = vae.config.at("scaling_factor").get<double>();
        }
    }

    // Text encoder: HF CLIPTextModel keys ("text_model.*") are already FrozenCLIPEmbedder's, under its prefix.
    {
        const io::DiffusersComponent text = load("text_encoder");
        const std::string where = (fs::path(folder) / "text_encoder").string();
        // Only CLIP ViT-L/14's quick_gelu transformer is implemented (SD-2's OpenCLIP uses exact GELU).
        expectField(text.config, where, "hidden_act", "quick_gelu");
        for (const auto& [key, tensor] : text.weights) {
            if (key.rfind(text::kHfClipTextPrefix, 0) != 0) {
                refuse(where, "key " + key + " is not part of a CLIPTextModel (text_model.*)");
            }
            result.weights.emplace(kLdmTextTransformerPrefix + key, tensor);
        }
        // Heads are not in the weights; num_attention_heads is, in any HF CLIP config.json.
        std::optional<int64_t> heads;
        if (text.config.contains("num_attention_heads")) {
            heads = text.config.at("num_attention_heads").get<int64_t>();
        }
        text::ClipTextConfig shapes;
        try {
            shapes = text::clipTextConfigFromWeights(text.weights, text::kHfClipTextPrefix, heads);
        } catch (const WeightsError& e) {
            throw WeightsError(where + ": " + e.what());
        }
        result.config["text"] = {{"heads", shapes.heads}};
        // A fresh FlowNet's injection conv (k3 s3 p1) turns the D-wide text into floor((D-1)/3)+1 = S² positions,
        // so its base width ngf = 4S follows from D (64 for CLIP-L's 768).
        const int64_t positions = (shapes.width - 1) / 3 + 1;
        const auto side = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(positions))));
        if (side * side == positions) {
            result.config["flownet"] = {{"ngf", 4 * side}};
        }
    }
    return result;
}

io::StateDict ldmStateDictFromDiffusersPipeline(const std::string& folder, const std::string& variant) {
    return importDiffusersPipeline(folder, variant).weights;
}

}  // namespace sm::pix2gif
