#pragma once
// Noise schedules of the two reference code bases, as pure functions (no state, thread-safe).
//
//  - ldm (Pix2Gif): DDPM.register_schedule with make_beta_schedule("linear"): betas = linspace(√start, √end, T)²
//    and all derived buffers in float64 (numpy), stored as float32. A Pix2Gif checkpoint holds the same 12 buffers
//    under the same names (no prefix).
//  - diffusers (Cinemo's DDIMScheduler): betas = torch.linspace(start, end, T, float32) ("linear") or
//    linspace(√start, √end, T, float32)² ("scaled_linear"); alphas_cumprod = float32 cumprod(1 - betas).
//    The float32 cumprod differs from a float64 one by up to 3.3e-7 relative: it is what the reference used.
//
// All tensors returned here are 1-D [T] on the CPU.
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sm::sampling {

/// ldm `linear` schedule parameters; the defaults are Pix2Gif's (configs/generate.yaml, train.yaml).
struct LdmScheduleConfig {
    int64_t timesteps = 1000;
    double linearStart = 0.00085;
    double linearEnd = 0.012;
    double vPosterior = 0.0;  // ldm's v_posterior: weight of β_t in the posterior variance (0 in Pix2Gif)
};

/// The 12 DDPM buffers of ldm's register_schedule, each [T] float32.
struct DdpmSchedule {
    torch::Tensor betas;
    torch::Tensor alphasCumprod;
    torch::Tensor alphasCumprodPrev;
    torch::Tensor sqrtAlphasCumprod;
    torch::Tensor sqrtOneMinusAlphasCumprod;
    torch::Tensor logOneMinusAlphasCumprod;
    torch::Tensor sqrtRecipAlphasCumprod;
    torch::Tensor sqrtRecipm1AlphasCumprod;
    torch::Tensor posteriorVariance;
    torch::Tensor posteriorLogVarianceClipped;  // log(max(posterior_variance, 1e-20))
    torch::Tensor posteriorMeanCoef1;
    torch::Tensor posteriorMeanCoef2;

    /// (checkpoint key, tensor) in register_schedule's order: "betas", "alphas_cumprod", ... "posterior_mean_coef2".
    std::vector<std::pair<std::string, torch::Tensor>> buffers() const;
};

/// ldm make_beta_schedule("linear") + register_schedule. Throws sm::ArgumentError for timesteps < 2 or
/// non-positive / unordered start and end.
DdpmSchedule ldmLinearSchedule(const LdmScheduleConfig& config = {});

/// register_schedule for given betas (any floating dtype; the maths runs in float64 like numpy).
/// Throws sm::ArgumentError unless betas is 1-D with at least 2 values in (0, 1).
DdpmSchedule ddpmScheduleFromBetas(const torch::Tensor& betas, double vPosterior = 0.0);

enum class DiffusersBetaSchedule {
    Linear,        // torch.linspace(start, end, T, float32)
    ScaledLinear,  // torch.linspace(start**0.5, end**0.5, T, float32) ** 2
};

/// "linear" / "scaled_linear" -> enum. Throws sm::ArgumentError for other names (squaredcos_cap_v2 is not ported).
DiffusersBetaSchedule parseDiffusersBetaSchedule(const std::string& name);

/// diffusers betas, [T] float32. Throws sm::ArgumentError for T < 2.
torch::Tensor diffusersBetas(DiffusersBetaSchedule schedule, double betaStart, double betaEnd,
                             int64_t numTrainTimesteps = 1000);

/// diffusers alphas_cumprod = torch.cumprod(1 - betas) in the betas' dtype (float32 for diffusersBetas()).
torch::Tensor diffusersAlphasCumprod(const torch::Tensor& betas);

}  // namespace sm::sampling
