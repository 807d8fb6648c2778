#include "sampling/schedules.h"

#include <torch/torch.h>

#include <cmath>

#include "runtime/error.h"

namespace sm::sampling {

std::vector<std::pair<std::string, torch::Tensor>> DdpmSchedule::buffers() const {
    return {
        {"betas", betas},
        {"alphas_cumprod", alphasCumprod},
        {"alphas_cumprod_prev", alphasCumprodPrev},
        {"sqrt_alphas_cumprod", sqrtAlphasCumprod},
        {"sqrt_one_minus_alphas_cumprod", sqrtOneMinusAlphasCumprod},
        {"log_one_minus_alphas_cumprod", logOneMinusAlphasCumprod},
        {"sqrt_recip_alphas_cumprod", sqrtRecipAlphasCumprod},
        {"sqrt_recipm1_alphas_cumprod", sqrtRecipm1AlphasCumprod},
        {"posterior_variance", posteriorVariance},
        {"posterior_log_variance_clipped", posteriorLogVarianceClipped},
        {"posterior_mean_coef1", posteriorMeanCoef1},
        {"posterior_mean_coef2", posteriorMeanCoef2},
    };
}

DdpmSchedule ldmLinearSchedule(const LdmScheduleConfig& config) {
    if (config.timesteps < 2) {
        throw ArgumentError("ldm linear schedule: timesteps is " + std::to_string(config.timesteps) +
                            ", expected at least 2");
    }
    if (!(config.linearStart > 0 && config.linearStart < config.linearEnd && config.linearEnd < 1)) {
        throw ArgumentError("ldm linear schedule: linear_start " + std::to_string(config.linearStart) +
                            " and linear_end " + std::to_string(config.linearEnd) +
                            " must satisfy 0 < start < end < 1");
    }
    // make_beta_schedule: torch.linspace(start ** 0.5, end ** 0.5, T, dtype=float64) ** 2.
    const torch::Tensor root = torch::linspace(std::sqrt(config.linearStart), std::sqrt(config.linearEnd),
                                               config.timesteps, torch::TensorOptions().dtype(torch::kFloat64));
    return ddpmScheduleFromBetas(root * root, config.vPosterior);
}

DdpmSchedule ddpmScheduleFromBetas(const torch::Tensor& betasIn, double vPosterior) {
    if (!betasIn.defined() || betasIn.dim() != 1 || betasIn.size(0) < 2 || !betasIn.is_floating_point()) {
        throw ArgumentError("DDPM schedule: betas must be a 1-D floating tensor with at least 2 values");
    }
    const torch::Tensor betas = betasIn.to(torch::kCPU, torch::kFloat64);
    if (!(betas.gt(0).all().item<bool>() && betas.lt(1).all().item<bool>())) {
        throw ArgumentError("DDPM schedule: every beta must lie in (0, 1)");
    }
    // register_schedule does its maths in float64 numpy and stores float32 buffers; the operation order below
    // follows the numpy expressions so that the float32 results round identically.
    const torch::Tensor alphas = 1.0 - betas;
    const torch::Tensor ac = torch::cumprod(alphas, 0);
    const torch::Tensor acPrev = torch::cat({torch::ones({1}, ac.options()), ac.slice(0, 0, ac.size(0) - 1)});
    const torch::Tensor oneMinusAc = 1.0 - ac;
    const torch::Tensor posteriorVariance =
        (1.0 - vPosterior) * betas * (1.0 - acPrev) / oneMinusAc + vPosterior * betas;

    auto f32 = [](const torch::Tensor& t) { return t.to(torch::kFloat32); };
    DdpmSchedule s;
    s.betas = f32(betas);
    s.alphasCumprod = f32(ac);
    s.alphasCumprodPrev = f32(acPrev);
    s.sqrtAlphasCumprod = f32(ac.sqrt());
    s.sqrtOneMinusAlphasCumprod = f32(oneMinusAc.sqrt());
    s.logOneMinusAlphasCumprod = f32(oneMinusAc.log());
    s.sqrtRecipAlphasCumprod = f32((1.0 / ac).sqrt());
    s.sqrtRecipm1AlphasCumprod = f32((1.0 / ac - 1.0).sqrt());
    s.posteriorVariance = f32(posteriorVariance);
    // The posterior variance is 0 at t = 0, hence the clip before the log.
    s.posteriorLogVarianceClipped = f32(posteriorVariance.clamp_min(1e-20).log());
    s.posteriorMeanCoef1 = f32(betas * acPrev.sqrt() / oneMinusAc);
    s.posteriorMeanCoef2 = f32((1.0 - acPrev) * alphas.sqrt() / oneMinusAc);
    return s;
}

DiffusersBetaSchedule parseDiffusersBetaSchedule(const std::string& name) {
    if (name == "linear") {
        return DiffusersBetaSchedule::Linear;
    }
    if (name == "scaled_linear") {
        return DiffusersBetaSchedule::ScaledLinear;
    }
    throw ArgumentError("beta_schedule \"" + name + "\" is not supported, expected \"linear\" or \"scaled_linear\"");
}

torch::Tensor diffusersBetas(DiffusersBetaSchedule schedule, double betaStart, double betaEnd,
                             int64_t numTrainTimesteps) {
    if (numTrainTimesteps < 2) {
        throw ArgumentError("diffusers betas: num_train_timesteps is " + std::to_string(numTrainTimesteps) +
                            ", expected at least 2");
    }
    const auto options = torch::TensorOptions().dtype(torch::kFloat32);
    switch (schedule) {
        case DiffusersBetaSchedule::Linear:
            return torch::linspace(betaStart, betaEnd, numTrainTimesteps, options);
        case DiffusersBetaSchedule::ScaledLinear: {
            // Python's beta_start**0.5 is a float64 sqrt; linspace then runs in float32 and squares there.
            const torch::Tensor root =
                torch::linspace(std::sqrt(betaStart), std::sqrt(betaEnd), numTrainTimesteps, options);
            return root * root;
        }
    }
    throw ArgumentError("diffusers betas: unknown beta schedule");
}

torch::Tensor diffusersAlphasCumprod(const torch::Tensor& betas) {
    if (!betas.defined() || betas.dim() != 1 || !betas.is_floating_point()) {
        throw ArgumentError("alphas_cumprod: betas must be a 1-D floating tensor");
    }
    return torch::cumprod(1.0 - betas, 0);
}

}  // namespace sm::sampling
