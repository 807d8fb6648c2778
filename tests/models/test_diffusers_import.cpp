// diffusers UNet2DConditionModel <-> ldm UNetModel key map (unet/diffusers_key_map.h) and diffusers pipeline folders
// as Pix2Gif start points (pix2gif/diffusers_import.h):
//  - the map agrees key for key with diffusers' convert_diffusers_to_original_stable_diffusion.py (replicated
//    below for its hard-coded SD layout) on the 686 keys of the golden ldm_unet_tiny;
//  - ldm -> diffusers -> ldm is exact, with 1×1-conv or Linear projections, and the converted UNet reproduces the
//    golden output;
//  - other layouts (3 levels, 1 ResBlock, a level without attention, depth 2) are read from the dict;
//  - head counts from diffusers config.json, refusals of keys and options the ldm UNet cannot run;
//  - a tiny InstructPix2Pix-style pipeline folder written here loads into a working Pix2Gif bundle.
#include <torch/torch.h>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

#include "golden.h"
#include "io/diffusers_folder.h"
#include "io/module_loader.h"
#include "io/safetensors.h"
#include "io/weight_map.h"
#include "pix2gif/diffusers_import.h"
#include "pix2gif/pipeline.h"
#include "pix2gif/pix2gif_model.h"
#include "runtime/error.h"
#include "runtime/layers.h"
#include "text/clip_text_encoder.h"
#include "text/clip_tokenizer.h"
#include "unet/diffusers_key_map.h"
#include "unet/ldm_unet.h"
#include "vae/autoencoder_kl.h"

using sm::io::StateDict;
using sm::unet::LdmUNetConfig;
using sm::unet::ProjectionLayout;

namespace {

namespace fs = std::filesystem;
const QString kCase = QStringLiteral("ldm_unet_tiny");

// ---- diffusers' scripts/convert_diffusers_to_original_stable_diffusion.py (v0.24), UNet part, per key ----------
// The script renames by ordered substring replacement over a table built for exactly 4 levels × 2 ResBlocks.
std::vector<std::pair<std::string, std::string>> scriptLayerMap() {
    std::vector<std::pair<std::string, std::string>> map;  // (sd, hf)
    const auto s = [](auto v) { return std::to_string(v); };
    for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 2; ++j) {
            map.emplace_back("input_blocks." + s(3 * i + j + 1) + ".0.",
                             "down_blocks." + s(i) + ".resnets." + s(j) + ".");
            if (i < 3) {
                map.emplace_back("input_blocks." + s(3 * i + j + 1) + ".1.",
                                 "down_blocks." + s(i) + ".attentions." + s(j) + ".");
            }
        }
        for (int j = 0; j < 3; ++j) {
            map.emplace_back("output_blocks." + s(3 * i + j) + ".0.", "up_blocks." + s(i) + ".resnets." + s(j) + ".");
            if (i > 0) {
                map.emplace_back("output_blocks." + s(3 * i + j) + ".1.",
                                 "up_blocks." + s(i) + ".attentions." + s(j) + ".");
            }
        }
        if (i < 3) {
            map.emplace_back("input_blocks." + s(3 * (i + 1)) + ".0.op.",
                             "down_blocks." + s(i) + ".downsamplers.0.conv.");
            map.emplace_back("output_blocks." + s(3 * i + 2) + "." + s(i == 0 ? 1 : 2) + ".",
                             "up_blocks." + s(i) + ".upsamplers.0.");
        }
    }
    map.emplace_back("middle_block.1.", "mid_block.attentions.0.");
    for (int j = 0; j < 2; ++j) {
        map.emplace_back("middle_block." + s(2 * j) + ".", "mid_block.resnets." + s(j) + ".");
    }
    return map;
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

std::string scriptHfToSd(const std::string& hf) {
    static const std::vector<std::pair<std::string, std::string>> top{
        {"time_embed.0.weight", "time_embedding.linear_1.weight"},
        {"time_embed.0.bias", "time_embedding.linear_1.bias"},
        {"time_embed.2.weight", "time_embedding.linear_2.weight"},
        {"time_embed.2.bias", "time_embedding.linear_2.bias"},
        {"input_blocks.0.0.weight", "conv_in.weight"},
        {"input_blocks.0.0.bias", "conv_in.bias"},
        {"out.0.weight", "conv_norm_out.weight"},
        {"out.0.bias", "conv_norm_out.bias"},
        {"out.2.weight", "conv_out.weight"},
        {"out.2.bias", "conv_out.bias"}};
    static const std::vector<std::pair<std::string, std::string>> resnet{
        {"in_layers.0", "norm1"},  {"in_layers.2", "conv1"},          {"out_layers.0", "norm2"},
        {"out_layers.3", "conv2"}, {"emb_layers.1", "time_emb_proj"}, {"skip_connection", "conv_shortcut"}};
    static const auto layers = scriptLayerMap();
    std::string v = hf;
    for (const auto& [sd, h] : top) {
        if (hf == h) {
            v = sd;
        }
    }
    if (hf.find("resnets") != std::string::npos) {
        for (const auto& [sd, h] : resnet) {
            replaceAll(v, h, sd);
        }
    }
    for (const auto& [sd, h] : layers) {
        replaceAll(v, h, sd);
    }
    return v;
}

// ---- helpers ---------------------------------------------------------------------------------------------------

LdmUNetConfig configFromCase(const nlohmann::json& j) {
    LdmUNetConfig c;
    c.inChannels = j.at("in_channels").get<int64_t>();
    c.outChannels = j.at("out_channels").get<int64_t>();
    c.modelChannels = j.at("model_channels").get<int64_t>();
    c.channelMult = j.at("channel_mult").get<std::vector<int64_t>>();
    c.numResBlocks = j.at("num_res_blocks").get<int64_t>();
    c.attentionResolutions = j.at("attention_resolutions").get<std::vector<int64_t>>();
    c.numHeads = j.value("num_heads", int64_t{-1});
    c.numHeadChannels = j.value("num_head_channels", int64_t{-1});
    c.transformerDepth = j.at("transformer_depth").get<int64_t>();
    c.contextDim = j.at("context_dim").get<int64_t>();
    c.legacy = j.at("legacy").get<bool>();
    return c;
}

// Same key set and bit-identical tensors (shape included).
QString compareDicts(const StateDict& expected, const StateDict& actual) {
    if (expected.size() != actual.size()) {
        return QStringLiteral("%1 keys expected, %2 found").arg(expected.size()).arg(actual.size());
    }
    for (const auto& [key, tensor] : expected) {
        const auto it = actual.find(key);
        if (it == actual.end()) {
            return QString::fromStdString("missing key " + key);
        }
        if (it->second.sizes() != tensor.sizes() || !torch::equal(it->second, tensor)) {
            return QString::fromStdString("key " + key + " differs: " + sm::io::shapeString(tensor.sizes()) + " vs " +
                                          sm::io::shapeString(it->second.sizes()));
        }
    }
    return {};
}

template <typename F>
QString expectWeightsError(F&& call, const std::vector<std::string>& mustMention) {
    try {
        call();
    } catch (const sm::WeightsError& e) {
        const std::string message = e.what();
        for (const std::string& word : mustMention) {
            if (message.find(word) == std::string::npos) {
                return QString::fromStdString("message lacks '" + word + "': " + message);
            }
        }
        return {};
    }
    return QStringLiteral("no sm::WeightsError thrown");
}

// A small non-SD layout: 3 levels, 1 ResBlock per level, attention at the two highest resolutions only (so
// up_blocks.0 is an UpBlock2D), transformer depth 2.
LdmUNetConfig smallConfig() {
    LdmUNetConfig c;
    c.inChannels = 8;
    c.outChannels = 4;
    c.modelChannels = 32;
    c.channelMult = {1, 2, 2};
    c.numResBlocks = 1;
    c.attentionResolutions = {2, 1};
    c.numHeads = 4;
    c.transformerDepth = 2;
    c.contextDim = 48;
    return c;
}

void writeJson(const fs::path& path, const nlohmann::json& json) {
    std::ofstream(path) << json.dump(2);
}

sm::text::ClipTokenizer loadTokenizer() {
    const std::string golden =
        (sm::test::goldenDir() + QStringLiteral("/clip_tokenizer/bpe_simple_vocab_16e6.txt.gz")).toStdString();
    const std::string bundled = std::string(STILLMOTION_SOURCE_DIR) + "/resources/clip/bpe_simple_vocab_16e6.txt.gz";
    return sm::text::ClipTokenizer::fromOpenAiVocab(fs::exists(golden) ? golden : bundled);
}

// The parts of a tiny InstructPix2Pix-like pipeline, kept to compare with what the bundle loads.
struct TinyPipeline {
    StateDict unetLdm;  // bare ldm names, 8 input channels
    StateDict vae;      // diffusers names
    StateDict text;     // HF names without "text_model."
    int64_t textWidth = 48;
};

// Writes model_index.json, unet/, vae/ and text_encoder/ as diffusers' save_pretrained lays them out, with the
// UNet's projections stored as Linear (use_linear_projection) to exercise the reshape.
TinyPipeline writeTinyPipeline(const fs::path& root) {
    torch::manual_seed(11);
    sm::ParameterInitScope init(sm::ParameterInit::Random);
    TinyPipeline parts;
    const LdmUNetConfig unetConfig = smallConfig();
    sm::unet::LdmUNet unet(unetConfig);
    parts.unetLdm = sm::io::moduleStateDict(*unet);

    sm::vae::VaeConfig vaeConfig;
    vaeConfig.blockOutChannels = {32, 32};
    vaeConfig.layersPerBlock = 1;
    sm::vae::AutoencoderKL vae(vaeConfig);
    parts.vae = sm::io::moduleStateDict(*vae);

    sm::text::ClipTextConfig textConfig;
    textConfig.width = parts.textWidth;
    textConfig.heads = 4;
    textConfig.layers = 1;
    textConfig.mlpHidden = 96;
    sm::text::ClipTextModel text(textConfig);
    parts.text = sm::io::moduleStateDict(*text);

    fs::create_directories(root / "unet");
    fs::create_directories(root / "vae");
    fs::create_directories(root / "text_encoder");
    writeJson(root / "model_index.json", {{"_class_name", "StableDiffusionInstructPix2PixPipeline"},
                                          {"unet", {"diffusers", "UNet2DConditionModel"}},
                                          {"vae", {"diffusers", "AutoencoderKL"}},
                                          {"text_encoder", {"transformers", "CLIPTextModel"}},
                                          {"tokenizer", {"transformers", "CLIPTokenizer"}},
                                          {"scheduler", {"diffusers", "EulerAncestralDiscreteScheduler"}},
                                          {"safety_checker", {nullptr, nullptr}}});
    writeJson(root / "unet" / "config.json",
              {{"_class_name", "UNet2DConditionModel"},
               {"in_channels", 8},
               {"out_channels", 4},
               {"block_out_channels", {32, 64, 64}},
               {"layers_per_block", 1},
               {"down_block_types", {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"}},
               {"up_block_types", {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"}},
               {"attention_head_dim", 4},
               {"cross_attention_dim", 48},
               {"transformer_layers_per_block", 2},
               {"flip_sin_to_cos", true},
               {"freq_shift", 0},
               {"norm_num_groups", 32},
               {"norm_eps", 1e-5},
               {"act_fn", "silu"},
               {"use_linear_projection", true},
               {"only_cross_attention", false},
               {"class_embed_type", nullptr}});
    sm::io::writeSafetensors((root / "unet" / "diffusion_pytorch_model.safetensors").string(),
                             sm::unet::ldmToDiffusersUnet(parts.unetLdm, "tiny", ProjectionLayout::Linear));
    writeJson(root / "vae" / "config.json", {{"_class_name", "AutoencoderKL"},
                                             {"block_out_channels", {32, 32}},
                                             {"layers_per_block", 1},
                                             {"latent_channels", 4},
                                             {"scaling_factor", 0.18215}});
    sm::io::writeSafetensors((root / "vae" / "diffusion_pytorch_model.safetensors").string(), parts.vae);
    writeJson(root / "text_encoder" / "config.json", {{"architectures", {"CLIPTextModel"}},
                                                      {"hidden_act", "quick_gelu"},
                                                      {"hidden_size", parts.textWidth},
                                                      {"num_attention_heads", 4},
                                                      {"num_hidden_layers", 1},
                                                      {"intermediate_size", 96},
                                                      {"max_position_embeddings", 77},
                                                      {"vocab_size", 49408}});
    StateDict hfText = sm::io::addPrefix(parts.text, sm::text::kHfClipTextPrefix);
    hfText["text_model.embeddings.position_ids"] = torch::arange(77, torch::kInt64).unsqueeze(0);  // older files
    sm::io::writeSafetensors((root / "text_encoder" / "model.safetensors").string(), hfText);
    return parts;
}

}  // namespace

class TestDiffusersImport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // ---- key map against the reference script --------------------------------------------------------------
    void agreesWithDiffusersScript() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case ldm_unet_tiny not found; set STILLMOTION_GOLDEN_DIR");
        }
        const StateDict ldm = sm::test::GoldenCase(kCase).weights(false);
        QCOMPARE(ldm.size(), size_t{686});
        const StateDict diffusers = sm::unet::ldmToDiffusersUnet(ldm, "ldm_unet_tiny");
        QCOMPARE(diffusers.size(), ldm.size());
        QVERIFY(sm::unet::isDiffusersUnet(diffusers));
        // Every diffusers name the port writes is one the script renames back to the ldm key it came from, and
        // the tensor travelled with it.
        for (const auto& [hf, tensor] : diffusers) {
            const std::string sd = scriptHfToSd(hf);
            QVERIFY2(ldm.count(sd), ("script maps " + hf + " to unknown " + sd).c_str());
            QVERIFY2(ldm.at(sd).is_same(tensor), ("tensor of " + sd + " did not travel to " + hf).c_str());
        }
        const StateDict back = sm::unet::diffusersToLdmUnet(diffusers, "diffusers");
        for (const auto& [hf, tensor] : diffusers) {
            QVERIFY2(back.count(scriptHfToSd(hf)), hf.c_str());
        }
        // A few names spelled out (the up path's Upsample index depends on attention in its level).
        QVERIFY(diffusers.count("up_blocks.0.upsamplers.0.conv.weight"));      // output_blocks.2.1.conv
        QVERIFY(diffusers.count("up_blocks.1.upsamplers.0.conv.weight"));      // output_blocks.5.2.conv
        QVERIFY(diffusers.count("down_blocks.2.downsamplers.0.conv.weight"));  // input_blocks.9.0.op
        QVERIFY(diffusers.count("down_blocks.1.resnets.0.conv_shortcut.weight"));
        QVERIFY(diffusers.count("mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight"));
        QVERIFY(diffusers.count("time_embedding.linear_2.bias"));
    }

    void roundTripIsExact() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case ldm_unet_tiny not found; set STILLMOTION_GOLDEN_DIR");
        }
        const StateDict ldm = sm::test::GoldenCase(kCase).weights(false);
        for (ProjectionLayout layout : {ProjectionLayout::AsStored, ProjectionLayout::Linear}) {
            const StateDict diffusers = sm::unet::ldmToDiffusersUnet(ldm, "tiny", layout);
            const torch::Tensor& projIn = diffusers.at("down_blocks.0.attentions.0.proj_in.weight");
            QCOMPARE(projIn.dim(), layout == ProjectionLayout::Linear ? int64_t{2} : int64_t{4});
            SM_VERIFY_OK(compareDicts(ldm, sm::unet::diffusersToLdmUnet(diffusers, "tiny")));
            // And back again: diffusers -> ldm -> diffusers is exact as well.
            const StateDict again = sm::unet::ldmToDiffusersUnet(
                sm::unet::diffusersToLdmUnet(diffusers, "tiny", ProjectionLayout::AsStored), "tiny",
                ProjectionLayout::AsStored);
            SM_VERIFY_OK(compareDicts(diffusers, again));
        }
        const sm::unet::UNetBlockLayout layout = sm::unet::ldmUnetLayout(ldm, "tiny");
        QCOMPARE(layout.levels, int64_t{4});
        QCOMPARE(layout.resnetsPerLevel, int64_t{2});
        QCOMPARE(layout.downAttention, (std::vector<bool>{true, true, true, false}));
        QCOMPARE(layout.upAttention, (std::vector<bool>{false, true, true, true}));
        const sm::unet::UNetBlockLayout fromDiffusers =
            sm::unet::diffusersUnetLayout(sm::unet::ldmToDiffusersUnet(ldm, "tiny"), "tiny");
        QCOMPARE(fromDiffusers.downAttention, layout.downAttention);
        QCOMPARE(fromDiffusers.upAttention, layout.upAttention);
    }

    void convertedUnetReproducesGolden() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case ldm_unet_tiny not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode inference;
        sm::test::GoldenCase c(kCase);
        // As an SD-2-style diffusers file would hold it: Linear projections, heads in attention_head_dim.
        const StateDict diffusers = sm::unet::ldmToDiffusersUnet(c.weights(), "tiny", ProjectionLayout::Linear);
        const StateDict ldm = sm::unet::diffusersToLdmUnet(diffusers, "diffusers tiny");
        LdmUNetConfig config = sm::unet::configFromWeights(ldm, "diffusers tiny");
        const LdmUNetConfig expected = configFromCase(c.json().at("config"));
        sm::unet::applyDiffusersHeads({{"attention_head_dim", expected.numHeads}}, config, "config.json");
        QCOMPARE(config.numHeads, expected.numHeads);
        sm::unet::LdmUNet unet(config);
        const sm::io::LoadReport report = sm::io::loadModuleWeights(*unet, ldm, "diffusers tiny");
        QVERIFY2(report.ok(), report.summary().c_str());
        const torch::Tensor out = unet(c.io("x"), c.io("timesteps"), c.io("context"));
        const auto& tol = c.json().at("tolerance");
        const double maxAbs = tol.at("max_abs").get<double>(), relL2 = tol.at("rel_l2").get<double>();
        SM_VERIFY_OK(sm::test::checkClose("out", c.io("out"), out, maxAbs, relL2));
        const sm::test::Diff d = sm::test::compare(c.io("out"), out);
        qInfo("out via diffusers names: max_abs %.3g (allowed %.3g), rel_l2 %.3g (allowed %.3g)", d.maxAbs, maxAbs,
              d.relL2, relL2);
    }

    // ---- other layouts -----------------------------------------------------------------------------------------
    void layoutIsReadFromTheDict() {
        torch::InferenceMode inference;
        torch::manual_seed(5);
        sm::ParameterInitScope init(sm::ParameterInit::Random);
        sm::unet::LdmUNet unet(smallConfig());
        const StateDict ldm = sm::io::moduleStateDict(*unet);
        const StateDict diffusers = sm::unet::ldmToDiffusersUnet(ldm, "small", ProjectionLayout::Linear);
        const sm::unet::UNetBlockLayout layout = sm::unet::diffusersUnetLayout(diffusers, "small");
        QCOMPARE(layout.levels, int64_t{3});
        QCOMPARE(layout.resnetsPerLevel, int64_t{1});
        QCOMPARE(layout.downAttention, (std::vector<bool>{true, true, false}));
        QCOMPARE(layout.upAttention, (std::vector<bool>{false, true, true}));
        // R = 1: input_blocks 0 conv_in, 1 res, 2 down, 3 res, 4 down, 5 res; output_blocks in pairs.
        QVERIFY(ldm.count("output_blocks.1.1.conv.weight"));
        QVERIFY(diffusers.count("up_blocks.0.upsamplers.0.conv.weight"));
        QVERIFY(ldm.count("output_blocks.3.2.conv.weight"));
        QVERIFY(diffusers.count("up_blocks.1.upsamplers.0.conv.weight"));
        QVERIFY(diffusers.count("down_blocks.1.downsamplers.0.conv.weight"));
        QVERIFY(diffusers.count("down_blocks.1.attentions.0.transformer_blocks.1.attn1.to_q.weight"));
        QVERIFY(diffusers.count("up_blocks.2.attentions.1.proj_out.weight"));
        QVERIFY(!diffusers.count("up_blocks.2.upsamplers.0.conv.weight"));
        SM_VERIFY_OK(compareDicts(ldm, sm::unet::diffusersToLdmUnet(diffusers, "small")));

        // A UNet built from the converted dict (heads from a diffusers config) computes the same function.
        const StateDict converted = sm::unet::diffusersToLdmUnet(diffusers, "small");
        LdmUNetConfig config = sm::unet::configFromWeights(converted, "small");
        sm::unet::applyDiffusersHeads({{"attention_head_dim", smallConfig().numHeads}}, config, "config.json");
        QCOMPARE(config.transformerDepth, int64_t{2});
        QCOMPARE(config.describe(), smallConfig().describe());
        sm::unet::LdmUNet reloaded(config);
        sm::io::loadModuleWeights(*reloaded, converted, "small");
        const torch::Tensor x = torch::randn({1, 8, 8, 8});
        const torch::Tensor ctx = torch::randn({1, 5, 48});
        const torch::Tensor t = torch::tensor({321.5f});
        QVERIFY(torch::equal(unet(x, t, ctx), reloaded(x, t, ctx)));
    }

    void metaTensorsConvert() {
        // Manifests convert without memory: shapes only.
        sm::ParameterInitScope init(sm::ParameterInit::Meta);
        sm::unet::LdmUNet unet(LdmUNetConfig{});
        const StateDict ldm = sm::io::moduleStateDict(*unet);
        const StateDict diffusers = sm::unet::ldmToDiffusersUnet(ldm, "meta", ProjectionLayout::Linear);
        QCOMPARE(diffusers.size(), size_t{686});
        QCOMPARE(diffusers.at("conv_in.weight").sizes().vec(), (std::vector<int64_t>{320, 12, 3, 3}));
        QCOMPARE(diffusers.at("mid_block.attentions.0.proj_in.weight").sizes().vec(),
                 (std::vector<int64_t>{1280, 1280}));
        const StateDict back = sm::unet::diffusersToLdmUnet(diffusers, "meta");
        QCOMPARE(back.at("middle_block.1.proj_in.weight").sizes().vec(), (std::vector<int64_t>{1280, 1280, 1, 1}));
        QCOMPARE(back.size(), ldm.size());
    }

    // ---- heads and refusals ----------------------------------------------------------------------------------
    void headsFromDiffusersConfig() {
        LdmUNetConfig sd;  // SD-1.x sizes: widths 320/640/1280/1280, attention at levels 0..2
        sm::unet::applyDiffusersHeads({{"attention_head_dim", 8}}, sd, "c");
        QCOMPARE(sd.numHeads, int64_t{8});
        QCOMPARE(sd.numHeadChannels, int64_t{-1});
        // SD-2.x: [5, 10, 20, 20] heads = widths / 64.
        sm::unet::applyDiffusersHeads({{"attention_head_dim", {5, 10, 20, 20}}}, sd, "c");
        QCOMPARE(sd.numHeadChannels, int64_t{64});
        QVERIFY(sd.headsFor(640) == std::make_pair(int64_t{10}, int64_t{64}));
        // num_attention_heads wins over the misnamed field; a list of equal counts is a head count.
        sm::unet::applyDiffusersHeads({{"attention_head_dim", 64}, {"num_attention_heads", {8, 8, 8, 8}}}, sd, "c");
        QCOMPARE(sd.numHeads, int64_t{8});
        QCOMPARE(sd.numHeadChannels, int64_t{-1});
        // Defaults to diffusers' 8 when neither field is present.
        sd.numHeads = 3;
        sm::unet::applyDiffusersHeads(nlohmann::json::object(), sd, "c");
        QCOMPARE(sd.numHeads, int64_t{8});
        // Neither one count nor one width over the attention levels and the middle block.
        SM_VERIFY_OK(expectWeightsError(
            [&] {
                sm::unet::applyDiffusersHeads({{"attention_head_dim", {5, 10, 20, 7}}}, sd, "unet/config.json");
            },
            {"unet/config.json", "attention_head_dim"}));
        SM_VERIFY_OK(expectWeightsError(
            [&] {
                sm::unet::applyDiffusersHeads({{"attention_head_dim", {8, 8}}}, sd, "unet/config.json");
            },
            {"attention_head_dim"}));
    }

    void refusesKeysOutsideTheMap() {
        sm::ParameterInitScope init(sm::ParameterInit::Meta);
        sm::unet::LdmUNet unet(smallConfig());
        const StateDict ldm = sm::io::moduleStateDict(*unet);
        const StateDict diffusers = sm::unet::ldmToDiffusersUnet(ldm, "small");

        StateDict extra = diffusers;
        extra["class_embedding.linear_1.weight"] = torch::zeros({128, 32});
        SM_VERIFY_OK(expectWeightsError([&] { sm::unet::diffusersToLdmUnet(extra, "unet/x.safetensors"); },
                                        {"unet/x.safetensors", "class_embedding.linear_1.weight"}));
        StateDict badLayer = diffusers;
        badLayer["down_blocks.0.resnets.0.norm3.weight"] = torch::zeros({32});
        SM_VERIFY_OK(expectWeightsError([&] { sm::unet::diffusersToLdmUnet(badLayer, "u"); },
                                        {"down_blocks.0.resnets.0.norm3.weight", "ResBlock"}));
        StateDict lastDownsample = diffusers;
        lastDownsample["down_blocks.2.downsamplers.0.conv.weight"] = torch::zeros({64, 64, 3, 3});
        SM_VERIFY_OK(expectWeightsError([&] { sm::unet::diffusersToLdmUnet(lastDownsample, "u"); },
                                        {"down_blocks.2.downsamplers.0.conv.weight"}));
        StateDict oddLevel = diffusers;
        oddLevel["down_blocks.1.resnets.1.conv1.weight"] = torch::zeros({64, 64, 3, 3});
        SM_VERIFY_OK(
            expectWeightsError([&] { sm::unet::diffusersToLdmUnet(oddLevel, "u"); }, {"down_blocks.1.resnets"}));
        StateDict ldmExtra = ldm;
        ldmExtra["label_emb.0.weight"] = torch::zeros({128, 10});
        SM_VERIFY_OK(expectWeightsError([&] { sm::unet::ldmToDiffusersUnet(ldmExtra, "model.ckpt"); },
                                        {"model.ckpt", "label_emb.0.weight"}));
        StateDict wideProj = diffusers;
        wideProj["mid_block.attentions.0.proj_in.weight"] = torch::zeros({64, 64, 3, 3});
        SM_VERIFY_OK(expectWeightsError(
            [&] {
                sm::unet::ldmToDiffusersUnet(sm::unet::diffusersToLdmUnet(wideProj, "u", ProjectionLayout::AsStored),
                                             "u", ProjectionLayout::Linear);
            },
            {"middle_block.1.proj_in.weight", "1x1"}));
    }

    // ---- pipeline folders ----------------------------------------------------------------------------------
    void pipelineFolderLoadsAsPix2Gif() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path root = fs::path(dir.path().toStdString()) / "tiny-ip2p";
        const TinyPipeline parts = writeTinyPipeline(root);
        QVERIFY(sm::pix2gif::isDiffusersPipelineFolder(root.string()));
        QVERIFY(!sm::pix2gif::isDiffusersPipelineFolder((root / "unet").string()));

        const sm::pix2gif::DiffusersPipelineImport imported = sm::pix2gif::importDiffusersPipeline(root.string());
        QCOMPARE(imported.files.size(), size_t{3});
        QCOMPARE(sm::io::withPrefix(imported.weights, sm::unet::kCheckpointPrefix).size(), parts.unetLdm.size());
        QCOMPARE(sm::io::withPrefix(imported.weights, "first_stage_model.").size(), parts.vae.size());
        // The text model keeps HF's names under FrozenCLIPEmbedder's prefix, position_ids included.
        QCOMPARE(sm::io::withPrefix(imported.weights, "cond_stage_model.transformer.text_model.").size(),
                 parts.text.size() + 1);
        QCOMPARE(imported.weights.size(), parts.unetLdm.size() + parts.vae.size() + parts.text.size() + 1);
        QCOMPARE(imported.config.at("unet").at("num_heads").get<int64_t>(), int64_t{4});
        QCOMPARE(imported.config.at("text").at("heads").get<int64_t>(), int64_t{4});
        QCOMPARE(imported.config.at("flownet").at("ngf").get<int64_t>(), int64_t{16});  // 48 wide -> 4×4 map
        QCOMPARE(sm::pix2gif::ldmStateDictFromDiffusersPipeline(root.string()).size(), imported.weights.size());

        const sm::text::ClipTokenizer tokenizer = loadTokenizer();
        sm::pix2gif::Pix2GifModel model = sm::pix2gif::loadPix2GifModel(root.string(), tokenizer);
        QCOMPARE(QString::fromStdString(model->loadSummary().origin), QStringLiteral("instruct-pix2pix (new Pix2Gif)"));
        QVERIFY(model->loadSummary().freshFlowNet);
        QCOMPARE(model->config().unet.inChannels, int64_t{12});
        QCOMPARE(model->config().unet.numHeads, int64_t{4});
        QCOMPARE(model->config().unet.transformerDepth, int64_t{2});
        QCOMPARE(model->config().text.heads, int64_t{4});

        // Every weight arrived: the first conv widened with zeros, the rest bit-identical.
        StateDict unetLoaded = sm::io::moduleStateDict(*model->unet);
        const torch::Tensor convIn = unetLoaded.at("input_blocks.0.0.weight");
        QCOMPARE(convIn.sizes().vec(), (std::vector<int64_t>{32, 12, 3, 3}));
        QVERIFY(torch::equal(convIn.narrow(1, 0, 8), parts.unetLdm.at("input_blocks.0.0.weight")));
        QVERIFY(torch::equal(convIn.narrow(1, 8, 4), torch::zeros({32, 4, 3, 3})));
        StateDict unetExpected = parts.unetLdm;
        unetExpected.erase("input_blocks.0.0.weight");
        unetLoaded.erase("input_blocks.0.0.weight");
        SM_VERIFY_OK(compareDicts(unetExpected, unetLoaded));
        SM_VERIFY_OK(compareDicts(parts.vae, sm::io::moduleStateDict(*model->vae)));
        SM_VERIFY_OK(compareDicts(parts.text, sm::io::moduleStateDict(*model->textEncoder)));

        // And it runs: two Euler-ancestral steps on a 16×16 source.
        torch::InferenceMode inference;
        QCOMPARE(model->config().imageSize(), int64_t{16});
        sm::pix2gif::Pix2GifPipeline pipeline(model);
        pipeline.setSource(torch::rand({1, 3, 16, 16}) * 2 - 1);
        sm::pix2gif::SamplerSettings settings;
        settings.steps = 2;
        const torch::Tensor frame = pipeline.generateFrame({"a red star drifts to the left", 7, 1371}, settings);
        QCOMPARE(frame.sizes().vec(), (std::vector<int64_t>{1, 3, 16, 16}));
        QVERIFY(torch::isfinite(frame).all().item<bool>());
    }

    void pipelineFolderRefusals() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path root = fs::path(dir.path().toStdString()) / "sd";
        writeTinyPipeline(root);

        // SD-2's OpenCLIP text tower uses exact GELU, which the CLIP port does not implement.
        nlohmann::json textConfig = sm::io::readJsonFile((root / "text_encoder" / "config.json").string());
        textConfig["hidden_act"] = "gelu";
        writeJson(root / "text_encoder" / "config.json", textConfig);
        SM_VERIFY_OK(expectWeightsError([&] { sm::pix2gif::importDiffusersPipeline(root.string()); },
                                        {"text_encoder", "hidden_act"}));
        textConfig["hidden_act"] = "quick_gelu";
        writeJson(root / "text_encoder" / "config.json", textConfig);

        // Timestep embeddings other than ldm's [cos | sin].
        nlohmann::json unetConfig = sm::io::readJsonFile((root / "unet" / "config.json").string());
        unetConfig["flip_sin_to_cos"] = false;
        writeJson(root / "unet" / "config.json", unetConfig);
        SM_VERIFY_OK(expectWeightsError([&] { sm::pix2gif::importDiffusersPipeline(root.string()); },
                                        {"unet", "flip_sin_to_cos"}));
        unetConfig["flip_sin_to_cos"] = true;
        writeJson(root / "unet" / "config.json", unetConfig);

        // Another UNet class in model_index.json.
        nlohmann::json index = sm::io::readJsonFile((root / "model_index.json").string());
        index["unet"] = {"diffusers", "UNet3DConditionModel"};
        writeJson(root / "model_index.json", index);
        SM_VERIFY_OK(expectWeightsError([&] { sm::pix2gif::importDiffusersPipeline(root.string()); },
                                        {"model_index.json", "UNet3DConditionModel"}));
        index["unet"] = {"diffusers", "UNet2DConditionModel"};
        writeJson(root / "model_index.json", index);
        QCOMPARE(sm::pix2gif::importDiffusersPipeline(root.string()).weights.empty(), false);

        // A missing component.
        fs::remove_all(root / "vae");
        SM_VERIFY_OK(expectWeightsError([&] { sm::pix2gif::importDiffusersPipeline(root.string()); }, {"vae"}));
    }
};

QTEST_GUILESS_MAIN(TestDiffusersImport)
#include "test_diffusers_import.moc"
