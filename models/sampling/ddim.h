#pragma once
// DDIM as diffusers v0.24 DDIMScheduler (src/diffusers/schedulers/scheduling_ddim.py) and the DDIM inversion of
// Cinemo's VideoGenInversionPipeline (pipelines/pipeline_inversion.py, next_step).
//
// Cinemo builds the scheduler from SD-1.4's PNDM scheduler_config.json with overrides (cinemoDdimConfig()):
// linear betas 1e-4..0.02, set_alpha_to_one false, steps_offset 1, "leading" spacing, epsilon prediction,
// no clipping. With 50 steps the timesteps are 981, 961, ..., 21, 1 and the last step uses ᾱ_prev = ᾱ[0].
//
// Numerics follow diffusers: float32 tables, scalar coefficients as 0-dim float32 tensors, the sample's dtype
// and device for the outputs. A DdimScheduler is immutable after construction, so one instance may be shared by
// threads; the loops call the model and the hooks on the calling thread.
#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "sampling/hooks.h"
#include "sampling/schedules.h"

namespace sm::sampling {

enum class TimestepSpacing { Leading, Trailing, Linspace };
enum class PredictionType { Epsilon, Sample, VPrediction };

/// DDIMScheduler's config. The member defaults are diffusers' constructor defaults; Cinemo uses
/// cinemoDdimConfig(). (thresholding and rescale_betas_zero_snr are not ported: neither model uses them.)
struct DdimConfig {
    int64_t numTrainTimesteps = 1000;
    double betaStart = 0.0001;
    double betaEnd = 0.02;
    DiffusersBetaSchedule betaSchedule = DiffusersBetaSchedule::Linear;
    bool clipSample = true;
    double clipSampleRange = 1.0;
    bool setAlphaToOne = true;
    int64_t stepsOffset = 0;
    PredictionType predictionType = PredictionType::Epsilon;
    TimestepSpacing timestepSpacing = TimestepSpacing::Leading;
};

/// The effective config of Cinemo's scheduler (scheduler_config.json + configs/sample.yaml overrides).
DdimConfig cinemoDdimConfig();

struct DdimStepOutput {
    torch::Tensor prevSample;          // x_{t-Δ} (DDIM step) or x_{t} (inversion step), like the sample
    torch::Tensor predOriginalSample;  // x̂0
};

class DdimScheduler {
public:
    /// Builds the tables and set_timesteps(numInferenceSteps). Throws sm::ArgumentError for a bad config or
    /// numInferenceSteps outside [1, numTrainTimesteps].
    DdimScheduler(const DdimConfig& config, int64_t numInferenceSteps);

    const DdimConfig& config() const { return m_config; }
    int64_t numInferenceSteps() const { return m_numInferenceSteps; }
    const torch::Tensor& betas() const { return m_betas; }                          // [T] float32, CPU
    const torch::Tensor& alphasCumprod() const { return m_alphasCumprod; }          // [T] float32, CPU
    const torch::Tensor& finalAlphaCumprod() const { return m_finalAlphaCumprod; }  // 0-dim float32
    const std::vector<int64_t>& timesteps() const { return m_timesteps; }           // descending: 981, 961, ..., 1
    torch::Tensor timestepsTensor() const;                                          // [n] int64

    /// num_train_timesteps // num_inference_steps (20 for 1000/50): the stride of step() and inversionStep().
    int64_t stepRatio() const { return m_config.numTrainTimesteps / m_numInferenceSteps; }
    /// t − stepRatio() (may be negative: then ᾱ_prev is finalAlphaCumprod()).
    int64_t previousTimestep(int64_t t) const { return t - stepRatio(); }
    /// ᾱ[t] as a 0-dim float32 tensor; finalAlphaCumprod() for t < 0. Throws sm::ArgumentError for t >= T.
    torch::Tensor alphaCumprodAt(int64_t t) const;

    /// DDIMScheduler.step(model_output, t, sample, eta, use_clipped_model_output, generator, variance_noise).
    /// modelOutput / sample: same shape, any device/dtype. With eta > 0 the noise is varianceNoise when defined,
    /// else randn drawn from *generator (like diffusers' randn_tensor: on the generator's device); a missing
    /// generator and noise with eta > 0 throws sm::ArgumentError.
    DdimStepOutput step(const torch::Tensor& modelOutput, int64_t t, const torch::Tensor& sample, double eta = 0.0,
                        at::Generator* generator = nullptr, const torch::Tensor& varianceNoise = {},
                        bool useClippedModelOutput = false) const;

    /// Cinemo's next_step (eta 0, epsilon): t_cur = min(t − stepRatio, 999); ᾱ_cur = ᾱ[t_cur] (finalAlphaCumprod
    /// when t_cur < 0); ᾱ_next = ᾱ[t]; x̂0 = (x − √(1−ᾱ_cur)·ε)/√ᾱ_cur; x_next = √ᾱ_next·x̂0 + √(1−ᾱ_next)·ε.
    /// Returns {x_next, x̂0}.
    DdimStepOutput inversionStep(const torch::Tensor& eps, int64_t t, const torch::Tensor& x) const;

    /// add_noise: √ᾱ[t]·original + √(1−ᾱ[t])·noise with ᾱ cast to original's dtype and device. timesteps: int64
    /// tensor of 1 or B values (one per batch item; broadcast over the trailing dims).
    torch::Tensor addNoise(const torch::Tensor& original, const torch::Tensor& noise,
                           const torch::Tensor& timesteps) const;

    /// √((1 − ᾱ_t)/ᾱ_t): the k-diffusion-style noise level of timestep t (for progress reports).
    double sigmaAt(int64_t t) const;

private:
    DdimConfig m_config;
    int64_t m_numInferenceSteps = 0;
    torch::Tensor m_betas;
    torch::Tensor m_alphasCumprod;
    torch::Tensor m_finalAlphaCumprod;
    std::vector<int64_t> m_timesteps;
};

/// The noise predictor of a DDIM loop: ε̂ = model(x, t) for the whole batch at integer timestep t. CFG, the
/// UNet's extra inputs (base content, motion id, text) live inside the closure.
using EpsPredictor = std::function<torch::Tensor(const torch::Tensor& x, int64_t t)>;

/// The sampling loop of a diffusers pipeline: for t in timesteps(): x = step(model(x, t), t, x, eta, generator).
/// x: initial latents (already scaled by init_noise_sigma = 1). The generator is drawn from only when eta > 0.
/// Reports StepInfo{timestep = t, sigma = sigmaAt(t), denoised = x̂0, x = prev_sample} after each step.
/// Throws sm::CancelledError when cancelled.
torch::Tensor ddimSample(const DdimScheduler& scheduler, const EpsPredictor& model, torch::Tensor x, double eta,
                         at::Generator& generator, const SamplerHooks& hooks = {});

/// VideoGenInversionPipeline's loop: for t in reversed(timesteps()) (1, 21, ..., 981): x = inversionStep(model(x,
/// t), t, x). Returns the inverted noise x_T. Reports after each step (denoised = x̂0).
torch::Tensor ddimInvert(const DdimScheduler& scheduler, const EpsPredictor& model, torch::Tensor x,
                         const SamplerHooks& hooks = {});

}  // namespace sm::sampling
