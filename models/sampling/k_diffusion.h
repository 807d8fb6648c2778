#pragma once
// k-diffusion (crowsonkb/k-diffusion @045515774882014cc14c1ba2668ab5bad9cbf7c0, the commit Pix2Gif pins) as
// pure functions over a denoiser callback: the CompVis discrete σ schedule and eps-model wrapper
// (k_diffusion/external.py) and the Euler, Euler-ancestral and DPM++ 2M samplers (k_diffusion/sampling.py).
//
// Numerics follow the Python code operation by operation in the σ table's dtype (float32), so golden vectors match
// to rounding. σ values are 1-D tensors (`sigmas`, n+1 values ending in 0); a step's σ is handed to the denoiser as
// a [B] tensor (σ_i · ones(B)) in x's dtype and device, like k-diffusion's `sigmas[i] * s_in`.
//
// Thread-safety: everything here is reentrant; DiscreteSchedule is immutable after construction. The samplers
// call the denoiser and the hooks on the calling thread. Autograd: callers create InferenceMode/NoGradGuard.
#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <limits>

#include "sampling/hooks.h"

namespace sm::sampling {

/// The k-diffusion model: denoised x̂0 = D(x, σ). x: [B, ...]; sigma: [B]; returns a tensor broadcastable to x
/// (Pix2Gif's demo CFG returns [C, H, W] for B = 1).
using Denoiser = std::function<torch::Tensor(const torch::Tensor& x, const torch::Tensor& sigma)>;

/// A CompVis eps model: ε̂ = model(x · c_in, t) with t the continuous (fractional) timestep, [B] float32.
using EpsModel = std::function<torch::Tensor(const torch::Tensor& scaledX, const torch::Tensor& t)>;

/// Noise for an ancestral step from σ_i to σ_{i+1} (both 0-dim); returns a tensor shaped like x.
using NoiseSampler = std::function<torch::Tensor(const torch::Tensor& sigma, const torch::Tensor& sigmaNext)>;

/// k-diffusion DiscreteSchedule for an eps-DDPM (DiscreteEpsDDPMDenoiser / CompVisDenoiser):
/// σ_t = ((1 - ᾱ_t) / ᾱ_t)^0.5 computed in ᾱ's dtype, log σ, and the σ <-> t maps.
class DiscreteSchedule {
public:
    /// alphasCumprod: [T] (T >= 2), e.g. a Pix2Gif checkpoint's `alphas_cumprod` buffer (float32).
    /// Throws sm::ArgumentError for other shapes or values outside (0, 1].
    explicit DiscreteSchedule(const torch::Tensor& alphasCumprod);

    const torch::Tensor& sigmas() const { return m_sigmas; }        // [T], increasing with t
    const torch::Tensor& logSigmas() const { return m_logSigmas; }  // [T]
    int64_t size() const { return m_sigmas.size(0); }
    double sigmaMin() const;  // σ_0 as a double (Python's `.item()`), e.g. 0.0291675 for Pix2Gif
    double sigmaMax() const;  // σ_{T-1}, e.g. 14.614642

    /// get_sigmas(n): t = linspace(T-1, 0, n) (float32), σ(t) by log-σ interpolation, then a 0 appended:
    /// [n + 1] float32 on the CPU. Throws sm::ArgumentError for n < 1.
    torch::Tensor getSigmas(int64_t n) const;

    /// get_sigmas(None): the whole table, flipped (descending), with a 0 appended: [T + 1].
    torch::Tensor allSigmas() const;

    /// sigma_to_t: the continuous timestep of each σ (any shape, any device; result has σ's shape, float32).
    /// quantize = true rounds to the nearest table entry (int64), like `quantize=True` upstream.
    torch::Tensor sigmaToT(const torch::Tensor& sigma, bool quantize = false) const;

    /// t_to_sigma: σ at fractional timesteps t (any shape): exp(lerp(log σ[floor t], log σ[ceil t], frac t)).
    torch::Tensor tToSigma(const torch::Tensor& t) const;

    /// c_in = 1 / (σ² + 1)^0.5 (σ_data = 1), elementwise in σ's dtype.
    static torch::Tensor cIn(const torch::Tensor& sigma);

private:
    torch::Tensor m_sigmas;
    torch::Tensor m_logSigmas;
};

/// CompVisDenoiser.forward around an eps model: input x·c_in, timestep sigma_to_t(σ), denoised = x + ε̂·(−σ).
/// The returned Denoiser owns a copy of the schedule (tensors are shared, never modified).
Denoiser compVisDenoiser(EpsModel model, const DiscreteSchedule& schedule, bool quantize = false);

/// get_sigmas_karras(n, σ_min, σ_max, ρ): (σ_max^(1/ρ) + ramp·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ with ramp =
/// linspace(0, 1, n) (float32), then a 0 appended: [n + 1] float32. Throws sm::ArgumentError for n < 1 or
/// 0 < σ_min < σ_max violated.
torch::Tensor getSigmasKarras(int64_t n, double sigmaMin, double sigmaMax, double rho = 7.0);

/// append_zero: [n] -> [n + 1] with a trailing 0.
torch::Tensor appendZero(const torch::Tensor& x);

/// x[..., None, None, ...] so that x has `targetDims` dimensions (trailing singleton dims).
torch::Tensor appendDims(const torch::Tensor& x, int64_t targetDims);

/// to_d: the Karras ODE derivative (x − x̂0) / σ, σ broadcast over x's trailing dims.
torch::Tensor toD(const torch::Tensor& x, const torch::Tensor& sigma, const torch::Tensor& denoised);

/// get_ancestral_step(σ_from, σ_to, η) on 0-dim tensors:
///   σ_up = min(σ_to, η·(σ_to²·(σ_from² − σ_to²)/σ_from²)^0.5), σ_down = (σ_to² − σ_up²)^0.5;
/// η = 0 gives σ_down = σ_to, σ_up = 0.
struct AncestralStep {
    torch::Tensor sigmaDown;
    torch::Tensor sigmaUp;
};
AncestralStep getAncestralStep(const torch::Tensor& sigmaFrom, const torch::Tensor& sigmaTo, double eta = 1.0);

struct EulerAncestralOptions {
    double eta = 1.0;
    double sNoise = 1.0;
    /// Replaces the generator as the noise source when set (tests, Brownian-tree samplers). Default: randnLike(x).
    NoiseSampler noiseSampler;
};

/// sample_euler_ancestral. Per step i: x̂0 = D(x, σ_i); (σ_down, σ_up) = get_ancestral_step(σ_i, σ_{i+1}, η);
/// x += (x − x̂0)/σ_i · (σ_down − σ_i); if σ_{i+1} > 0: x += noise · s_noise · σ_up, where noise =
/// randnLike(x, generator) (drawn even when η = 0, as upstream, so the generator advances identically).
/// x: [B, ...] initial sample (already scaled by σ_0); sigmas: [n + 1] descending, 1-D.
/// Returns the final x (or the x after the step where hooks said Stop). Throws sm::CancelledError,
/// sm::ArgumentError for malformed sigmas.
torch::Tensor sampleEulerAncestral(const Denoiser& model, torch::Tensor x, const torch::Tensor& sigmas,
                                   at::Generator& generator, const EulerAncestralOptions& options = {},
                                   const SamplerHooks& hooks = {});

struct EulerOptions {
    double sChurn = 0.0;
    double sTmin = 0.0;
    double sTmax = std::numeric_limits<double>::infinity();
    double sNoise = 1.0;
};

/// sample_euler (Karras et al. 2022, Algorithm 2) with optional churn. Like upstream it draws randnLike(x) from
/// the generator at EVERY step (used only when γ > 0), so the generator advances exactly as in Python.
torch::Tensor sampleEuler(const Denoiser& model, torch::Tensor x, const torch::Tensor& sigmas, at::Generator& generator,
                          const EulerOptions& options = {}, const SamplerHooks& hooks = {});

/// sample_dpmpp_2m (DPM-Solver++(2M)); deterministic: the generator is accepted for a uniform signature and
/// never drawn from. Usually run on getSigmasKarras(n, schedule.sigmaMin(), schedule.sigmaMax()).
torch::Tensor sampleDpmpp2m(const Denoiser& model, torch::Tensor x, const torch::Tensor& sigmas,
                            at::Generator& generator, const SamplerHooks& hooks = {});

}  // namespace sm::sampling
