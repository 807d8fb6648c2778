#pragma once
// Training a small SD-style KL autoencoder (vae::AutoencoderKL), e.g. the demo model's VAE on procedural 64×64
// frames. Not the authors' recipe (Pix2Gif uses SD's frozen VAE; SD trained its VAE with LPIPS and a patch GAN):
// a plain reconstruction objective that needs no extra networks,
//   loss = mean|x̂ − x| + mean (x̂ − x)² + klWeight · KL,   x̂ = decode(μ + posteriorNoise · σ · ε),
//   KL = mean over the batch of Σ_chw 0.5·(μ² + σ² − 1 − log σ²)   (ldm's posterior.kl() summed, / B),
// with AdamW and the same accumulation / warm-up / checkpoint machinery as the Pix2Gif trainer (TrainerCore).
// Random draws (the posterior noise) come from the trainer's own CPU generator.
//
// latentScale(images) gives the scale factor to store in Pix2GifConfig::scaleFactor: 1 / std of the posterior
// samples of representative images (how SD's 0.18215 was obtained), so the diffused latents have unit variance.
//
// Checkpoints: one safetensors file with the VAE under ldm names and the "first_stage_model." prefix (so
// vae::loadAutoencoderKL reads it), "optimizer.*", "grad.*" (mid-window only), "trainer.rng_state"; metadata
// "format": "stillmotion-training-checkpoint", "architecture": "autoencoder-kl", "config", "training".
// saveModel() writes the weights alone (same names, "format": "stillmotion-vae").
// Thread-safety: none; one thread; cancel flag from any thread.
#include <torch/types.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "training/trainer_core.h"
#include "vae/autoencoder_kl.h"

namespace sm::training {

struct AutoencoderTrainerOptions {
    OptimizerSettings optimizer = defaultOptimizer();
    double klWeight = 1.0e-6;
    /// Scale of the posterior noise in the decoded sample: 1 decodes z = μ + σ·ε as ldm trains; 0 decodes μ (a
    /// plain autoencoder, which learns sharp reconstructions much sooner when σ starts near 1 and the KL weight is
    /// tiny). The latent scale is then measured on μ too.
    double posteriorNoise = 1.0;
    /// Train only the decoder (decoder.* and post_quant_conv.*); the encoder runs without gradients and keeps its
    /// weights, so the latent space (and a UNet trained on it) stays valid while reconstructions improve, as SD's
    /// fine-tuned "ft-MSE" decoders were made.
    bool decoderOnly = false;
    uint64_t seed = 0;
    int64_t maxSteps = 0;  // for ETA; 0 = unknown

    /// lr 1e-3, no warm-up, no accumulation: a small VAE on simple frames converges in minutes on a CPU.
    static OptimizerSettings defaultOptimizer();
    void validate() const;
    nlohmann::json toJson() const;
};

struct AutoencoderLoss {
    double loss = 0.0;
    double l1 = 0.0;
    double mse = 0.0;
    double kl = 0.0;
};

/// The VAE config as JSON (checkpoint metadata) and back.
nlohmann::json vaeConfigToJson(const vae::VaeConfig& config);

class AutoencoderTrainer {
public:
    /// Trains `vae` in place where its parameters are (CPU float32; CUDA with an autocast target compiles but is
    /// untested here). Throws sm::ArgumentError for invalid options.
    AutoencoderTrainer(vae::AutoencoderKL vae, AutoencoderTrainerOptions options, ComputeTarget target = {},
                       TrainingCallbacks callbacks = {});

    /// Forward + backward of images [B, 3, H, W] in [-1, 1] (H, W multiples of the downsampling factor).
    AutoencoderLoss accumulate(const torch::Tensor& images);
    bool applyUpdate(bool force = false);
    /// accumulate() + applyUpdate(); returns the micro-batch's losses.
    AutoencoderLoss trainStep(const torch::Tensor& images);

    /// 1 / std of posterior samples of `images` (no gradients; a generator seeded from options.seed + 1, so the
    /// training sequence is not disturbed). Throws sm::ArgumentError for malformed images.
    double latentScale(const torch::Tensor& images) const;

    void saveCheckpoint(const std::string& path) const;
    /// Throws sm::WeightsError for another kind of file or a different VAE config.
    void resume(const std::string& path);
    /// The VAE weights alone (ldm names under first_stage_model.), for loadAutoencoderKL.
    void saveModel(const std::string& path) const;

    const vae::AutoencoderKL& model() const { return m_vae; }
    int64_t optimizerStep() const { return m_core->optimizerStep(); }
    int64_t microStep() const { return m_core->microStep(); }
    double learningRate() const { return m_core->learningRate(); }

private:
    void checkImages(const torch::Tensor& images) const;

    vae::AutoencoderKL m_vae;
    AutoencoderTrainerOptions m_options;
    torch::Device m_device = torch::kCPU;
    std::unique_ptr<TrainerCore> m_core;
};

}  // namespace sm::training
