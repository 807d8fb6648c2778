#pragma once
// The Pix2Gif model bundle: tokenizer, CLIP text encoder, VAE, 12-channel ldm UNet, FlowNet and motion embedding,
// loaded once and shared by every generation job (weights apart from run state: see pipeline.h for the per-job
// part).
//
// Where a bundle comes from:
//  - a Pix2Gif LatentDiffusion state dict in the authors' Lightning layout (`model.diffusion_model.*` with the EMA
//    copy `model_ema.*` folded in, `first_stage_model.*`, `cond_stage_model.transformer.text_model.*`,
//    `flownet.*`, `interval_embedding.embedding.weight`) — a .ckpt, or our own .safetensors with a model card;
//  - a Stable Diffusion 1.5 (4 input channels) or InstructPix2Pix (8) ldm checkpoint: the first conv is widened to
//    12 inputs (existing channels copied, the rest zero, as the authors did) and FlowNet and the motion table
//    start fresh (PyTorch default init) — a real-scale model to fine-tune; also from a diffusers pipeline folder
//    (model_index.json + unet/ vae/ text_encoder/), converted to the ldm names by diffusers_import.h.
// Saving writes the Lightning layout (plain weights, no EMA copy) as safetensors with the model card in the
// header metadata, so every loader above reads it back.
#include <torch/nn/module.h>
#include <torch/types.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

#include "io/state_dict.h"
#include "pix2gif/flownet.h"
#include "pix2gif/motion_embedding.h"
#include "sampling/k_diffusion.h"
#include "text/clip_text_encoder.h"
#include "text/clip_tokenizer.h"
#include "unet/ldm_unet.h"
#include "vae/autoencoder_kl.h"

namespace sm::pix2gif {

/// The architecture of a bundle; everything else follows from the weights. Stored in the model card so that
/// values the weights cannot tell (head counts) survive a save.
struct Pix2GifConfig {
    unet::LdmUNetConfig unet;
    vae::VaeConfig vae;
    text::ClipTextConfig text;
    FlowNetConfig flownet;
    MotionEmbeddingConfig motion;
    double scaleFactor = 0.18215;  // latent scale of the diffused target (E(c_I) and z_W are NOT scaled)

    /// Side of the square images the model generates: 2·S latent pixels × the VAE factor (256 at real size).
    int64_t imageSize() const;
    int64_t latentSize() const { return 2 * flownet.injectionSize(); }
    /// Throws sm::ArgumentError when the parts do not fit together (context widths, latent channels, sizes).
    void validate() const;

    nlohmann::json toJson() const;
    static Pix2GifConfig fromJson(const nlohmann::json& json);  // throws sm::ArgumentError naming the field
    /// The real Pix2Gif (SD-1.5 sizes).
    static Pix2GifConfig full();
    /// The demo model's architecture (64×64 images, 16×16 latents): a 3-level VAE (factor 4), a 2-layer CLIP of
    /// width 192 — forced by the FlowNet injection, whose floor((D − 1) / 3) + 1 = 64 values must fill the 8×8
    /// map that meets a 16×16 latent — on a truncated BPE vocabulary (4,096 tokens: see
    /// ClipTokenizer::truncated), FlowNet ngf 32 and a small UNet (1.5 M). About 4.5 M parameters, 18 MB as float32.
    static Pix2GifConfig demo();
    /// The smallest Pix2Gif whose parts fit together, for fixtures: text width 48 gives the FlowNet injection a
    /// 4×4 map (floor(47 / 3) + 1 = 16), so ngf 16 and an 8×8 latent; a 3-level VAE makes that 32×32 images.
    static Pix2GifConfig tiny();
};

/// Human-facing facts saved with the weights (the model manager shows them).
struct ModelCard {
    std::string name;
    std::string description;
    std::string provenance;  // where the weights came from: "created from sd-v1-5.ckpt", "trained by ..."
    nlohmann::json training = nlohmann::json::object();    // data, steps, hardware, time
    nlohmann::json evaluation = nlohmann::json::object();  // stillmotion-cli eval numbers
};

/// What happened while loading, for the log and the model manager.
struct LoadSummary {
    std::string source;
    std::string origin;         // "pix2gif", "stable-diffusion (new Pix2Gif)", "instruct-pix2pix (new Pix2Gif)"
    size_t unetTensorsFromEma = 0;
    bool freshFlowNet = false;  // FlowNet and motion table were created (not in the file)
};

class Pix2GifModelImpl : public torch::nn::Module {
public:
    /// Builds the modules for `config` with the calling thread's sm::ParameterInit (Meta for manifests).
    Pix2GifModelImpl(Pix2GifConfig config, text::ClipTokenizer tokenizer);

    const Pix2GifConfig& config() const { return m_config; }
    const text::ClipTokenizer& tokenizer() const { return m_tokenizer; }
    const sampling::DiscreteSchedule& schedule() const { return m_schedule; }
    ModelCard& card() { return m_card; }
    const ModelCard& card() const { return m_card; }
    LoadSummary& loadSummary() { return m_summary; }
    const LoadSummary& loadSummary() const { return m_summary; }

    /// CLIP last hidden state of `texts`: [B, 77, D].
    torch::Tensor encodeText(const std::vector<std::string>& texts);
    /// E(c_I) = VAE posterior mode, unscaled. image: [B, 3, S, S] in [-1, 1] → [B, 4, S/8, S/8].
    torch::Tensor encodeImage(const torch::Tensor& image);
    /// Image in [-1, 1] from a diffusion latent (divides by scaleFactor first). [B, 4, h, w] → [B, 3, 8h, 8w].
    torch::Tensor decodeLatent(const torch::Tensor& z);

    /// The full state dict in the authors' Lightning layout (plain UNet weights, no model_ema.* copy, with the 12
    /// DDPM schedule buffers).
    io::StateDict checkpointStateDict() const;

    unet::LdmUNet unet{nullptr};
    vae::AutoencoderKL vae{nullptr};
    text::ClipTextModel textEncoder{nullptr};
    FlowNet flownet{nullptr};
    MotionEmbedding motionEmbedding{nullptr};

private:
    Pix2GifConfig m_config;
    text::ClipTokenizer m_tokenizer;
    sampling::DiscreteSchedule m_schedule;
    ModelCard m_card;
    LoadSummary m_summary;
};
TORCH_MODULE(Pix2GifModel);

/// Loads a bundle from a file or folder (see the top of this header). `tokenizer` supplies the BPE vocabulary
/// (checkpoints do not carry one). Throws sm::WeightsError with a message that says what the file is and what
/// is missing.
Pix2GifModel loadPix2GifModel(const std::string& path, const text::ClipTokenizer& tokenizer);

/// The same from a state dict already in memory; `card` (may be null) is our safetensors' model card JSON.
Pix2GifModel pix2GifFromStateDict(const io::StateDict& dict, const std::string& source,
                                  const text::ClipTokenizer& tokenizer, const nlohmann::json* card = nullptr);

/// How savePix2GifModel stores floating-point tensors. Loading always computes in float32 (or the precision the
/// user picks); half storage halves the file (the shipped demo model) at ~1e-3 relative rounding of weights.
enum class StoragePrecision { Float32, Float16 };

/// Writes the bundle as safetensors (Lightning layout) with {"format": "stillmotion-model", "architecture":
/// "pix2gif", "config": ..., "card": ...} in the header metadata, atomically. Throws sm::WeightsError on I/O errors.
/// Integer tensors (BatchNorm's num_batches_tracked) keep their type.
void savePix2GifModel(const Pix2GifModel& model, const std::string& path,
                      StoragePrecision precision = StoragePrecision::Float32);

/// A new bundle with random weights (PyTorch default init), e.g. the tiny fixture models of the tests.
Pix2GifModel randomPix2GifModel(const Pix2GifConfig& config, const text::ClipTokenizer& tokenizer, uint64_t seed);

/// Widens an ldm UNet first-conv weight [C, in, k, k] to `channels` inputs: existing input channels are copied,
/// new ones are zero (the authors' init from SD-1.5). Throws sm::WeightsError when `in` > channels.
torch::Tensor widenInputConv(const torch::Tensor& weight, int64_t channels);

}  // namespace sm::pix2gif
