#pragma once
// Pix2Gif training as the authors ran it (ddpm_edit.py LatentDiffusion + main.py at hiteshK03/Pix2Gif@781ca78;
// spec §5, §8 "Training transforms", §9). Trains the UNet, the FlowNet and the motion (interval) embedding;
// CLIP and the VAE are frozen. Per micro-batch, with every random draw taken from the trainer's own CPU generator
// in this order (upstream's order: dataset flip, get_input, forward, p_losses):
//   1. joint horizontal flip of source and target, p = 0.5 per sample (torchvision RandomHorizontalFlip on the
//      pair; motion unchanged) — option, on by default as upstream; turn it off for captions naming directions;
//   2. target latent z0 = VAE posterior sample of the target · scaleFactor (noise [B, 4, h, w]);
//   3. conditioning dropout r ~ U(0, 1) per sample: r < p text → CLIP(""); p ≤ r < 2p both dropped;
//      2p ≤ r < 3p image latent → 0 (p = 0.05); the motion embedding is never dropped;
//   4. t ~ uniform integer 0..T−1;  5. ε ~ N(0, 1) [B, 4, h, w].
// Then: text = datasetPrompt(caption, motion).clipText; c_L = CLIP(text or "") + motion row;
//   E = VAE mode of the source (unscaled) · image mask; z_W = flowConditionedWarp(flownet, E, c_L) (FlowNet in
//   train mode: BatchNorm on batch statistics, running stats updated) — the same helper the pipeline uses;
//   z_t = sqrt(ᾱ_t)·z0 + sqrt(1 − ᾱ_t)·ε (ldm linear schedule); ε̂ = UNet(cat[z_t, E, z_W], t (integer), c_L)
//   (eps parameterisation: no c_in scaling in training, that belongs to k-diffusion's sampler wrapper);
//   loss = mean_b(mean_chw((ε̂ − ε)²)) + perceptualWeight · L_P(z_W, reference).
// The perceptual reference is E (the masked source latent) in the authors' code (default); the paper describes
// keeping z_W close to the TARGET frame, available as PerceptualReference::Target (the target's VAE mode, masked
// like E so dropped samples compare 0 with 0). The code and the paper disagree; inference is unaffected.
// λ_P = 0.01 in the code; the demo's checkpoint folder name suggests 0.001 was used for it (unverified).
//
// Optimizer: AdamW (1e-4, 0.9/0.999, wd 0.01, eps 1e-8) with the LambdaLinearScheduler warm-up (10000 optimizer
// steps from 1e-6), gradients accumulated over 8 micro-batches (loss / 8), no clipping by default (TrainerCore).
// EMA (LitEma, decay ≤ 0.9999) of the UNet parameters only. Lightning calls LitEma in on_train_batch_end, i.e.
// after EVERY micro-batch, also those that do not step the optimizer; EmaSchedule::EveryMicroBatch (default)
// reproduces that (n counts micro-batches), EveryOptimizerStep updates once per step.
//
// Checkpoints (saveCheckpoint / resume): one safetensors file, written atomically, holding
//   - the bundle in the Lightning layout (model->checkpointStateDict(): plain UNet weights, VAE, CLIP, FlowNet with
//     BatchNorm statistics, motion table, DDPM buffers),
//   - "model_ema.<UNet key without dots>" shadows + model_ema.decay / model_ema.num_updates (LitEma names),
//   - "optimizer.<parameter>.exp_avg|exp_avg_sq|step", "grad.<parameter>" (only between micro-batches of an
//     accumulation window), "trainer.rng_state" (the generator's state, uint8);
//   metadata: "format": "stillmotion-model", "architecture": "pix2gif", "config", "card" (so loadPix2GifModel reads
//   it as a model with the EMA folded into the UNet) and "training": {"format":
//   "stillmotion-training-checkpoint", "trainer": "pix2gif", "options", "state" (steps, micro steps, EMA updates)}.
// `<parameter>` is the bundle's module name ("unet.input_blocks.0.0.weight", "flownet.conv0.0.weight", …).
// resume() restores weights, EMA, optimizer, accumulated gradients, counters and the generator, so the next step
// gives bit for bit the loss that continuing would have given (same device, same thread count).
//
// Devices: the model is trained where its parameters are. CPU: float32. CUDA: pass a ComputeTarget with autocast
// (bfloat16, or float16 with dynamic loss scaling) — compiled everywhere, exercised only on GPU machines.
// The trainer changes the model in place (train/eval modes, requires_grad, weights): do not generate with the same
// bundle while it trains; take emaModel() for that. Thread-safety: none; one thread; cancel flag from any thread.
#include <torch/types.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pix2gif/pix2gif_model.h"
#include "training/ema.h"
#include "training/perceptual_loss.h"
#include "training/trainer_core.h"

namespace sm::training {

/// One micro-batch of dataset pairs.
struct Pix2GifBatch {
    torch::Tensor source, target;       // [B, 3, S, S] in [-1, 1] (S = the model's image size), any device
    std::vector<std::string> captions;  // stored dataset captions (no "." added: the dataset path)
    std::vector<int64_t> motions;       // motion values, rows of the motion table
};

enum class PerceptualReference {
    Source,  // E(c_I) after the dropout mask: the authors' code (default)
    Target,  // VAE mode of the target frame (masked the same way): the paper's description
};

enum class EmaSchedule {
    EveryMicroBatch,     // as Lightning ran LitEma (on_train_batch_end): default
    EveryOptimizerStep,  // once per optimizer step
};

struct Pix2GifTrainerOptions {
    OptimizerSettings optimizer;  // defaults: the authors' values
    double emaMaxDecay = 0.9999;
    EmaSchedule emaSchedule = EmaSchedule::EveryMicroBatch;
    bool horizontalFlip = true;         // joint flip p = 0.5 (upstream on; motion sentences do not name directions,
                                        // but captions may)
    double conditioningDropout = 0.05;  // p of the 5 % / 5 % / 5 % scheme (get_input uncond); 0 = off
    double perceptualWeight = 0.01;     // λ_P; 0 skips the VGG entirely
    double snrGamma = 0.0;  // Min-SNR-γ weighting (Hang et al. 2023) of the ε MSE: each sample's MSE times
                            // min(SNR_t, γ) / SNR_t, SNR_t = ᾱ_t / (1 − ᾱ_t); 0 = off (the authors' plain MSE).
                            // Shifts the weight towards noisy steps, where a model trained from scratch first has
                            // to learn the layout; LossParts::mse stays the unweighted MSE.
    PerceptualReference perceptualReference = PerceptualReference::Source;
    std::vector<int64_t> perceptualLayers{0, 5, 10, 19, 28};  // need latents ≥ 16 px for 28; tiny models use fewer
    std::string vggWeightsPath;  // torchvision vgg19-dcbc3e09.pth (or safetensors); empty = random VGG (warned)
    uint64_t seed = 0;           // the trainer's generator and the perceptual loss's new conv bias
    int64_t maxSteps = 0;        // optimizer steps planned (ETA in reports, run()); 0 = unknown
    // Also train the CLIP text encoder (no EMA, like the FlowNet and the motion table). The authors keep their
    // pretrained CLIP frozen (the default); a model built from scratch has a random text encoder, whose later
    // tokens hardly see the earlier ones, so a fixed one leaves words such as directions hard to find.
    bool trainTextEncoder = false;

    /// Throws sm::ArgumentError for values out of range.
    void validate() const;
    nlohmann::json toJson() const;
    static Pix2GifTrainerOptions fromJson(const nlohmann::json& json);
};

struct LossParts {
    double loss = 0.0;        // (SNR-weighted) mse + perceptualWeight · perceptual
    double mse = 0.0;         // mean over the batch of the per-sample ε MSE
    double perceptual = 0.0;  // L_P (0 when the weight is 0)
};

struct TrainStepResult {
    LossParts losses;
    bool stepped = false;  // the optimizer stepped after this micro-batch
    int64_t optimizerStep = 0;
    int64_t microStep = 0;
    double learningRate = 0.0;  // lr of the next optimizer step
};

/// The per-sample dropout decision for uniform draws r [B] (CPU): text dropped when r < 2p, image dropped when
/// p ≤ r < 3p (ddpm_edit.py get_input with uncond = p).
struct ConditioningDropout {
    torch::Tensor dropText;   // bool [B]
    torch::Tensor imageKeep;  // float32 [B]: 0 where the image latent is dropped, else 1
};
ConditioningDropout conditioningDropout(const torch::Tensor& uniform, double p);

class Pix2GifTrainer {
public:
    /// Prepares `model` for training (train mode for UNet / FlowNet / motion table, frozen VAE, CLIP frozen
    /// unless options.trainTextEncoder) on the
    /// device its parameters are on. Warns through callbacks.onWarning when the perceptual loss has no ImageNet
    /// weights. Throws sm::ArgumentError for invalid options (e.g. perceptual layers too deep for the latent
    /// size), sm::WeightsError for an unreadable VGG file.
    Pix2GifTrainer(pix2gif::Pix2GifModel model, Pix2GifTrainerOptions options, ComputeTarget target = {},
                   TrainingCallbacks callbacks = {});

    /// Forward + backward of one micro-batch; gradients accumulate until applyUpdate() (which reports metrics).
    /// Throws sm::ArgumentError for a malformed batch, sm::CancelledError when the cancel flag is set.
    LossParts accumulate(const Pix2GifBatch& batch);
    /// The optimizer step (plus EMA) once accumulateBatches micro-batches are pending (or any are pending and
    /// `force`). Returns whether the optimizer stepped.
    bool applyUpdate(bool force = false);
    /// accumulate() then applyUpdate().
    TrainStepResult trainStep(const Pix2GifBatch& batch);
    /// Calls trainStep(nextBatch()) until `maxSteps` optimizer steps are done (options.maxSteps when ≤ 0).
    /// Returns the optimizer steps taken. Throws sm::CancelledError when cancelled (state stays consistent:
    /// save a checkpoint afterwards if wanted).
    int64_t run(const std::function<Pix2GifBatch()>& nextBatch, int64_t maxSteps = 0);

    /// A new bundle (CPU, float32) with the EMA weights in the UNet and copies of every other part.
    pix2gif::Pix2GifModel emaModel() const;
    /// emaModel() with `card` (its training entry gets the step counts added) saved with savePix2GifModel.
    void saveModel(const std::string& path, const pix2gif::ModelCard& card) const;

    /// Writes the checkpoint described above (atomically). Throws sm::WeightsError on I/O errors.
    void saveCheckpoint(const std::string& path) const;
    /// Restores a checkpoint written by saveCheckpoint into this trainer and its model. The model config must be
    /// the same; differing options are reported through onWarning (the new ones are kept).
    /// Throws sm::WeightsError for another kind of file or a mismatch.
    void resume(const std::string& path);

    const pix2gif::Pix2GifModel& model() const { return m_model; }
    const Pix2GifTrainerOptions& options() const { return m_options; }
    const EmaTracker& ema() const { return *m_ema; }
    int64_t optimizerStep() const { return m_core->optimizerStep(); }
    int64_t microStep() const { return m_core->microStep(); }
    double learningRate() const { return m_core->learningRate(); }
    /// The perceptual loss module (null when perceptualWeight is 0).
    const PerceptualLoss& perceptualLoss() const { return m_perceptual; }

    /// EMA key of a bare UNet parameter name ("input_blocks.0.0.weight" →
    /// "model_ema.diffusion_modelinput_blocks00weight").
    static std::string unetEmaKey(const std::string& bareName);

private:
    void prepareModules();
    torch::Tensor nullText();

    pix2gif::Pix2GifModel m_model;
    Pix2GifTrainerOptions m_options;
    torch::Device m_device = torch::kCPU;
    std::unique_ptr<TrainerCore> m_core;
    std::unique_ptr<EmaTracker> m_ema;
    PerceptualLoss m_perceptual{nullptr};
    torch::Tensor m_sqrtAlphasCumprod, m_sqrtOneMinusAlphasCumprod;  // [T] on the device
    torch::Tensor m_nullText;                                        // CLIP("") [1, 77, D], cached
};

}  // namespace sm::training
