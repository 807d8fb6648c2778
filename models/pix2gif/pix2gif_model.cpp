#include "pix2gif/pix2gif_model.h"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "io/module_loader.h"
#include "io/safetensors.h"
#include "io/weight_map.h"
#include "pix2gif/diffusers_import.h"
#include "runtime/error.h"
#include "runtime/layers.h"
#include "runtime/log.h"
#include "sampling/schedules.h"
#include "vae/key_map.h"

namespace sm::pix2gif {
namespace {

constexpr const char* kTextPrefix = "cond_stage_model.transformer.text_model.";
constexpr const char* kFormatTag = "stillmotion-model";

template <typename T>
T field(const nlohmann::json& json, const char* key, const T& fallback) {
    if (!json.contains(key)) {
        return fallback;
    }
    try {
        return json.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
        throw ArgumentError(std::string("model config field '") + key + "': expected " + typeid(T).name() +
                            ", found " + json.at(key).dump());
    }
}

}  // namespace

// ----------------------------------------------------------------------------------------------------------------
int64_t Pix2GifConfig::imageSize() const { return latentSize() * vae.downsampleFactor(); }

void Pix2GifConfig::validate() const {
    unet.validate();
    flownet.validate();
    auto fail = [](const std::string& what) { throw ArgumentError("Pix2Gif config: " + what); };
    if (unet.inChannels != 3 * vae.latentChannels) {
        fail("UNet input channels " + std::to_string(unet.inChannels) + ", expected 3 × " +
             std::to_string(vae.latentChannels) + " latent channels ([z_t | E(c_I) | z_W])");
    }
    if (unet.contextDim != text.width || motion.dim != text.width) {
        fail("context widths differ: UNet " + std::to_string(unet.contextDim) + ", text " +
             std::to_string(text.width) + ", motion table " + std::to_string(motion.dim));
    }
    if (flownet.contextTokens != text.contextLength || flownet.inChannels != vae.latentChannels) {
        fail("FlowNet expects " + std::to_string(flownet.contextTokens) + " tokens and " +
             std::to_string(flownet.inChannels) + " latent channels");
    }
    // The injection Conv1d (k3 s3 p1) turns the text width D into floor((D - 1) / 3) + 1 = S² positions.
    const int64_t s = flownet.injectionSize();
    if ((text.width - 1) / 3 + 1 != s * s) {
        fail("text width " + std::to_string(text.width) + " does not give the FlowNet injection its " +
             std::to_string(s) + "×" + std::to_string(s) + " map");
    }
}

nlohmann::json Pix2GifConfig::toJson() const {
    return {
        {"unet",
         {{"in_channels", unet.inChannels}, {"out_channels", unet.outChannels},
          {"model_channels", unet.modelChannels}, {"channel_mult", unet.channelMult},
          {"num_res_blocks", unet.numResBlocks}, {"attention_resolutions", unet.attentionResolutions},
          {"num_heads", unet.numHeads}, {"num_head_channels", unet.numHeadChannels},
          {"transformer_depth", unet.transformerDepth}, {"context_dim", unet.contextDim},
          {"norm_num_groups", unet.normGroups}}},
        {"vae",
         {{"block_out_channels", vae.blockOutChannels}, {"layers_per_block", vae.layersPerBlock},
          {"latent_channels", vae.latentChannels}, {"mid_block_attention", vae.midBlockAttention},
          {"norm_num_groups", vae.normGroups}}},
        {"text",
         {{"vocab_size", text.vocabSize}, {"context_length", text.contextLength}, {"width", text.width},
          {"heads", text.heads}, {"layers", text.layers}, {"mlp_hidden", text.mlpHidden}}},
        {"flownet", {{"ngf", flownet.ngf}, {"in_channels", flownet.inChannels}, {"tokens", flownet.contextTokens}}},
        {"motion", {{"count", motion.count}, {"dim", motion.dim}}},
        {"scale_factor", scaleFactor},
    };
}

Pix2GifConfig Pix2GifConfig::fromJson(const nlohmann::json& json) {
    Pix2GifConfig c;
    const auto& u = json.value("unet", nlohmann::json::object());
    c.unet.inChannels = field(u, "in_channels", c.unet.inChannels);
    c.unet.outChannels = field(u, "out_channels", c.unet.outChannels);
    c.unet.modelChannels = field(u, "model_channels", c.unet.modelChannels);
    c.unet.channelMult = field(u, "channel_mult", c.unet.channelMult);
    c.unet.numResBlocks = field(u, "num_res_blocks", c.unet.numResBlocks);
    c.unet.attentionResolutions = field(u, "attention_resolutions", c.unet.attentionResolutions);
    c.unet.numHeads = field(u, "num_heads", c.unet.numHeads);
    c.unet.numHeadChannels = field(u, "num_head_channels", c.unet.numHeadChannels);
    c.unet.transformerDepth = field(u, "transformer_depth", c.unet.transformerDepth);
    c.unet.contextDim = field(u, "context_dim", c.unet.contextDim);
    c.unet.normGroups = field(u, "norm_num_groups", c.unet.normGroups);
    const auto& v = json.value("vae", nlohmann::json::object());
    c.vae.blockOutChannels = field(v, "block_out_channels", c.vae.blockOutChannels);
    c.vae.layersPerBlock = field(v, "layers_per_block", c.vae.layersPerBlock);
    c.vae.latentChannels = field(v, "latent_channels", c.vae.latentChannels);
    c.vae.midBlockAttention = field(v, "mid_block_attention", c.vae.midBlockAttention);
    c.vae.normGroups = field(v, "norm_num_groups", c.vae.normGroups);
    const auto& t = json.value("text", nlohmann::json::object());
    c.text.vocabSize = field(t, "vocab_size", c.text.vocabSize);
    c.text.contextLength = field(t, "context_length", c.text.contextLength);
    c.text.width = field(t, "width", c.text.width);
    c.text.heads = field(t, "heads", c.text.heads);
    c.text.layers = field(t, "layers", c.text.layers);
    c.text.mlpHidden = field(t, "mlp_hidden", c.text.mlpHidden);
    const auto& f = json.value("flownet", nlohmann::json::object());
    c.flownet.ngf = field(f, "ngf", c.flownet.ngf);
    c.flownet.inChannels = field(f, "in_channels", c.flownet.inChannels);
    c.flownet.contextTokens = field(f, "tokens", c.flownet.contextTokens);
    const auto& m = json.value("motion", nlohmann::json::object());
    c.motion.count = field(m, "count", c.motion.count);
    c.motion.dim = field(m, "dim", c.motion.dim);
    c.scaleFactor = field(json, "scale_factor", c.scaleFactor);
    return c;
}

Pix2GifConfig Pix2GifConfig::full() { return {}; }

Pix2GifConfig Pix2GifConfig::demo() {
    Pix2GifConfig c;
    // Sized for training on a 2-core CPU: attention only on the 4×4 level (the 8×8 level doubles a step's time).
    c.unet.modelChannels = 32;
    c.unet.channelMult = {1, 2, 2};
    c.unet.numResBlocks = 1;
    c.unet.attentionResolutions = {4};
    c.unet.numHeads = 4;
    c.unet.contextDim = 192;
    c.vae.blockOutChannels = {32, 64, 64};
    c.vae.layersPerBlock = 1;
    // One group (a LayerNorm over C×H×W): GroupNorm statistics span the whole image, so in a flat region a group
    // of k channels keeps only the direction of its k values. With 32 groups of 1 channel (SD's 32 at width 32)
    // the norm before the output conv erases the colour of a flat background and the per-channel mean of ε; one
    // group keeps a 32-dimensional direction, enough for any colour (see VaeConfig::normGroups).
    c.vae.normGroups = 1;
    c.unet.normGroups = 1;
    c.text.vocabSize = 4096;
    c.text.width = 192;
    c.text.heads = 3;
    c.text.layers = 2;
    c.text.mlpHidden = 768;
    c.flownet.ngf = 32;
    c.motion.dim = 192;
    return c;
}

Pix2GifConfig Pix2GifConfig::tiny() {
    Pix2GifConfig c;
    c.unet.modelChannels = 32;
    c.unet.channelMult = {1, 2};
    c.unet.numResBlocks = 1;
    c.unet.attentionResolutions = {2};
    c.unet.numHeads = 2;
    c.unet.contextDim = 48;
    c.vae.blockOutChannels = {32, 32, 32};
    c.vae.layersPerBlock = 1;
    c.text.width = 48;
    c.text.heads = 2;
    c.text.layers = 1;
    c.text.mlpHidden = 96;
    c.flownet.ngf = 16;
    c.motion.dim = 48;
    return c;
}

// ----------------------------------------------------------------------------------------------------------------
Pix2GifModelImpl::Pix2GifModelImpl(Pix2GifConfig config, text::ClipTokenizer tokenizer)
    : m_config(std::move(config)),
      // A model whose text encoder has a smaller token table (the demo model) uses CLIP's BPE with as many merges.
      m_tokenizer(tokenizer.vocabSize() > m_config.text.vocabSize ? tokenizer.truncated(m_config.text.vocabSize)
                                                                  : std::move(tokenizer)),
      m_schedule(sampling::ldmLinearSchedule().alphasCumprod) {
    m_config.validate();
    unet = register_module("unet", unet::LdmUNet(m_config.unet));
    vae = register_module("vae", vae::AutoencoderKL(m_config.vae));
    textEncoder = register_module("text_encoder", text::ClipTextModel(m_config.text));
    flownet = register_module("flownet", FlowNet(m_config.flownet));
    motionEmbedding = register_module("interval_embedding", MotionEmbedding(m_config.motion));
    // Inference mode by default (BatchNorm on running statistics); trainers switch the trainable parts.
    eval();
}

torch::Tensor Pix2GifModelImpl::encodeText(const std::vector<std::string>& texts) {
    const torch::Tensor ids = m_tokenizer.encodeBatch(texts, static_cast<int>(m_config.text.contextLength));
    return textEncoder->forward(ids.to(parameters().front().device()));
}

torch::Tensor Pix2GifModelImpl::encodeImage(const torch::Tensor& image) {
    // The posterior mode (= mean), unscaled, exactly as InstructPix2Pix feeds c_concat.
    return vae->encodeDistribution(image).mode();
}

torch::Tensor Pix2GifModelImpl::decodeLatent(const torch::Tensor& z) { return vae->decode(z / m_config.scaleFactor); }

io::StateDict Pix2GifModelImpl::checkpointStateDict() const {
    io::StateDict out;
    auto merge = [&out](const io::StateDict& part, const std::string& prefix) {
        for (const auto& [key, tensor] : part) {
            out[prefix + key] = tensor;
        }
    };
    merge(io::moduleStateDict(*unet), unet::kCheckpointPrefix);
    merge(vae::exportLdmStateDict(vae), vae::kLdmCheckpointPrefix);
    merge(io::moduleStateDict(*textEncoder), kTextPrefix);
    merge(io::moduleStateDict(*flownet), kFlowNetPrefix);
    merge(io::moduleStateDict(*motionEmbedding), kMotionEmbeddingPrefix);
    for (const auto& [key, tensor] : sampling::ldmLinearSchedule().buffers()) {
        out[key] = tensor;
    }
    return out;
}

// ----------------------------------------------------------------------------------------------------------------
torch::Tensor widenInputConv(const torch::Tensor& weight, int64_t channels) {
    if (weight.dim() != 4 || weight.size(1) > channels) {
        throw WeightsError("input conv weight " + io::shapeString(weight.sizes()) + " cannot be widened to " +
                           std::to_string(channels) + " input channels");
    }
    torch::Tensor wide = torch::zeros({weight.size(0), channels, weight.size(2), weight.size(3)}, weight.options());
    wide.narrow(1, 0, weight.size(1)).copy_(weight);
    return wide;
}

Pix2GifModel pix2GifFromStateDict(const io::StateDict& input, const std::string& source,
                                  const text::ClipTokenizer& tokenizer, const nlohmann::json* card) {
    torch::NoGradGuard noGrad;
    const std::string unetConvKey = std::string(unet::kCheckpointPrefix) + "input_blocks.0.0.weight";
    if (!input.count(unetConvKey)) {
        throw WeightsError(source + ": not a Stable Diffusion / Pix2Gif checkpoint (no key " + unetConvKey +
                           "); found key groups: " + io::describeKeyGroups(input));
    }
    // Inference uses the EMA weights of the UNet; a plain copy is the fallback for EMA-less files.
    // A training checkpoint also holds the optimizer's moments and pending gradients under the parameters' own
    // names (training/trainer_core.h); they are not weights.
    io::EmaFoldResult folded = io::foldEma(io::withoutTrainerState(input));
    io::StateDict dict = std::move(folded.weights);

    LoadSummary summary;
    summary.source = source;
    summary.unetTensorsFromEma = folded.fromEma;
    const int64_t inChannels = io::dimOf(dict, unetConvKey, 1, source);
    Pix2GifConfig config = card && card->contains("config") ? Pix2GifConfig::fromJson(card->at("config"))
                                                            : Pix2GifConfig::full();
    // What the weights cannot tell (heads, norm groups) comes from the card's config, else the authors' values.
    const int64_t heads = config.unet.numHeads;
    const int64_t headChannels = config.unet.numHeadChannels;
    const int64_t unetGroups = config.unet.normGroups;
    const int64_t vaeGroups = config.vae.normGroups;
    config.unet = unet::configFromWeights(dict, source, unet::kCheckpointPrefix);
    config.unet.numHeads = heads;
    config.unet.numHeadChannels = headChannels;
    config.unet.normGroups = unetGroups;
    if (inChannels == 4 || inChannels == 8) {
        // Stable Diffusion (z_t) or InstructPix2Pix (z_t | E): widen to [z_t | E | z_W] with zeros.
        summary.origin = inChannels == 4 ? "stable-diffusion (new Pix2Gif)" : "instruct-pix2pix (new Pix2Gif)";
        dict[unetConvKey] = widenInputConv(dict.at(unetConvKey), 12);
        config.unet.inChannels = 12;
    } else if (inChannels == 12) {
        summary.origin = "pix2gif";
    } else {
        throw WeightsError(source + ": key " + unetConvKey + " has " + std::to_string(inChannels) +
                           " input channels; expected 4 (Stable Diffusion), 8 (InstructPix2Pix) or 12 (Pix2Gif)");
    }
    const io::StateDict vaeDict = vae::normalizeVaeStateDict(dict, source);
    config.vae = vae::configFromWeights(vaeDict, source);
    config.vae.normGroups = vaeGroups;
    const std::string textPrefix = text::findClipTextPrefix(dict);
    const int64_t textHeads = config.text.heads;
    config.text = text::clipTextConfigFromWeights(dict, textPrefix, card ? std::optional<int64_t>(textHeads) : std::nullopt);

    const bool hasFlowNet = io::hasPrefix(dict, kFlowNetPrefix);
    const bool hasMotion = dict.count(std::string(kMotionEmbeddingPrefix) + "embedding.weight") != 0;
    if (hasFlowNet) {
        config.flownet = flowNetConfigFromWeights(dict, source);
    } else {
        // A fresh FlowNet sized so its injection map fits the text width: S² = floor((D - 1) / 3) + 1, ngf = 4S.
        config.flownet.contextTokens = config.text.contextLength;
        config.flownet.inChannels = config.vae.latentChannels;
        const int64_t positions = (config.text.width - 1) / 3 + 1;
        const auto side = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(positions))));
        if (side * side != positions) {
            throw WeightsError(source + ": a text encoder of width " + std::to_string(config.text.width) +
                               " cannot feed Pix2Gif's FlowNet (it needs floor((width - 1) / 3) + 1 to be a square, "
                               "as for CLIP ViT-L/14's 768)");
        }
        config.flownet.ngf = 4 * side;
    }
    if (hasMotion) {
        config.motion = motionEmbeddingConfigFromWeights(dict, source);
    } else {
        config.motion.dim = config.text.width;
    }
    summary.freshFlowNet = !hasFlowNet;

    // Parts that come from the file are built uninitialised and loaded; new parts get PyTorch's default init.
    Pix2GifModel model = [&] {
        ParameterInitScope scope(ParameterInit::Uninitialized);
        return Pix2GifModel(config, tokenizer);
    }();
    io::LoadOptions strict;
    io::loadModuleWeights(*model->unet, io::withPrefix(dict, unet::kCheckpointPrefix), source + " (UNet)", strict);
    io::loadModuleWeights(*model->vae, vaeDict, source + " (VAE)", strict);
    io::loadModuleWeights(*model->textEncoder, text::clipTextWeights(dict, textPrefix), source + " (text encoder)",
                          strict);
    if (hasFlowNet) {
        io::loadModuleWeights(*model->flownet, io::withPrefix(dict, kFlowNetPrefix), source + " (FlowNet)", strict);
    } else {
        ParameterInitScope scope(ParameterInit::Random);
        model->flownet = model->replace_module("flownet", FlowNet(config.flownet));
    }
    if (hasMotion) {
        io::loadModuleWeights(*model->motionEmbedding, io::withPrefix(dict, kMotionEmbeddingPrefix),
                              source + " (motion embedding)", strict);
    } else {
        ParameterInitScope scope(ParameterInit::Random);
        model->motionEmbedding = model->replace_module("interval_embedding", MotionEmbedding(config.motion));
    }
    if (card && card->contains("card")) {
        const auto& c = card->at("card");
        model->card().name = c.value("name", "");
        model->card().description = c.value("description", "");
        model->card().provenance = c.value("provenance", "");
        model->card().training = c.value("training", nlohmann::json::object());
        model->card().evaluation = c.value("evaluation", nlohmann::json::object());
    }
    if (model->card().name.empty()) {
        std::filesystem::path p(source);
        if (p.filename().empty()) {
            p = p.parent_path();  // "folder/" names the folder
        }
        model->card().name = p.stem().string();
    }
    if (summary.freshFlowNet) {
        model->card().provenance = "created from " + std::filesystem::path(source).filename().string() + " (" +
                                   summary.origin + "); FlowNet and motion table are untrained";
    }
    model->loadSummary() = summary;
    model->eval();
    log(LogLevel::Info, source + ": loaded as " + summary.origin + ", " + std::to_string(summary.unetTensorsFromEma) +
                            " UNet tensors from EMA");
    return model;
}

Pix2GifModel loadPix2GifModel(const std::string& path, const text::ClipTokenizer& tokenizer) {
    if (isDiffusersPipelineFolder(path)) {
        // A diffusers SD / InstructPix2Pix folder: converted to the ldm layout; the head counts its config.json
        // files give travel as a partial model config.
        const DiffusersPipelineImport imported = importDiffusersPipeline(path);
        const nlohmann::json card = {{"config", imported.config}};
        return pix2GifFromStateDict(imported.weights, path, tokenizer, &card);
    }
    if (io::detectWeightsFormat(path) == io::WeightsFormat::Safetensors) {
        io::SafetensorsFile file(path);
        const auto& meta = file.metadata();
        const auto format = meta.find("format");
        if (format != meta.end() && format->second == kFormatTag) {
            nlohmann::json card;
            try {
                card["config"] = nlohmann::json::parse(meta.at("config"));
                card["card"] = meta.count("card") ? nlohmann::json::parse(meta.at("card")) : nlohmann::json::object();
            } catch (const std::exception& e) {
                throw WeightsError(path + ": model card in the header metadata is malformed: " + e.what());
            }
            if (meta.count("architecture") && meta.at("architecture") != "pix2gif") {
                throw WeightsError(path + ": a " + meta.at("architecture") + " model, not Pix2Gif");
            }
            return pix2GifFromStateDict(file.readAll(), path, tokenizer, &card);
        }
        return pix2GifFromStateDict(file.readAll(), path, tokenizer);
    }
    return pix2GifFromStateDict(io::openWeights(path), path, tokenizer);
}

void savePix2GifModel(const Pix2GifModel& model, const std::string& path, StoragePrecision precision) {
    const ModelCard& card = model->card();
    const nlohmann::json cardJson = {{"name", card.name},         {"description", card.description},
                                     {"provenance", card.provenance}, {"training", card.training},
                                     {"evaluation", card.evaluation}};
    io::StateDict dict = model->checkpointStateDict();
    if (precision == StoragePrecision::Float16) {
        for (auto& [key, tensor] : dict) {
            if (tensor.is_floating_point()) {
                tensor = tensor.to(torch::kFloat16);
            }
        }
    }
    io::writeSafetensors(path, dict,
                         {{"format", kFormatTag},
                          {"architecture", "pix2gif"},
                          {"config", model->config().toJson().dump()},
                          {"card", cardJson.dump()}});
}

Pix2GifModel randomPix2GifModel(const Pix2GifConfig& config, const text::ClipTokenizer& tokenizer, uint64_t seed) {
    torch::manual_seed(seed);
    ParameterInitScope scope(ParameterInit::Random);
    Pix2GifModel model(config, tokenizer);
    model->card().name = "random";
    model->card().provenance = "random initialisation, seed " + std::to_string(seed);
    return model;
}

}  // namespace sm::pix2gif
