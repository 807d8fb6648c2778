#include "sampling/k_diffusion.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "runtime/error.h"
#include "sampling/noise.h"

namespace sm::sampling {
namespace {

std::string shapeOf(const torch::Tensor& t) {
    std::string out = "[";
    for (int64_t d = 0; d < t.dim(); ++d) {
        out += (d ? "," : "") + std::to_string(t.size(d));
    }
    return out + "]";
}

// The samplers' common argument checks; returns the σ values as doubles (for the > 0 tests and the reports,
// without a device sync per step).
std::vector<double> checkSamplerArgs(const char* sampler, const torch::Tensor& x, const torch::Tensor& sigmas) {
    if (!x.defined() || x.dim() < 1 || x.size(0) < 1) {
        throw ArgumentError(std::string(sampler) + ": x must be a [B, ...] tensor with B >= 1");
    }
    if (!sigmas.defined() || sigmas.dim() != 1 || sigmas.size(0) < 2 || !sigmas.is_floating_point()) {
        throw ArgumentError(std::string(sampler) +
                            ": sigmas must be a 1-D floating tensor with at least 2 values, got " +
                            (sigmas.defined() ? shapeOf(sigmas) : std::string("undefined")));
    }
    const torch::Tensor cpu = sigmas.to(torch::kCPU, torch::kFloat64).contiguous();
    std::vector<double> values(cpu.data_ptr<double>(), cpu.data_ptr<double>() + cpu.numel());
    for (double v : values) {
        if (!(v >= 0) || !std::isfinite(v)) {
            throw ArgumentError(std::string(sampler) + ": sigmas must be finite and non-negative");
        }
    }
    return values;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
DiscreteSchedule::DiscreteSchedule(const torch::Tensor& alphasCumprod) {
    if (!alphasCumprod.defined() || alphasCumprod.dim() != 1 || alphasCumprod.size(0) < 2 ||
        !alphasCumprod.is_floating_point()) {
        throw ArgumentError(
            "k-diffusion schedule: alphas_cumprod must be a 1-D floating tensor with at least 2 "
            "values, got " +
            (alphasCumprod.defined() ? shapeOf(alphasCumprod) : std::string("undefined")));
    }
    const torch::Tensor ac = alphasCumprod.detach().to(torch::kCPU).contiguous();
    if (!(ac.gt(0).all().item<bool>() && ac.le(1).all().item<bool>())) {
        throw ArgumentError("k-diffusion schedule: alphas_cumprod values must lie in (0, 1]");
    }
    // ((1 - ac) / ac) ** 0.5 in ac's dtype (float32 for a CompVis buffer); pow(0.5) is sqrt in PyTorch.
    m_sigmas = ((1 - ac) / ac).sqrt();
    m_logSigmas = m_sigmas.log();
}

double DiscreteSchedule::sigmaMin() const {
    return m_sigmas[0].item<double>();
}

double DiscreteSchedule::sigmaMax() const {
    return m_sigmas[size() - 1].item<double>();
}

torch::Tensor DiscreteSchedule::getSigmas(int64_t n) const {
    if (n < 1) {
        throw ArgumentError("get_sigmas: n is " + std::to_string(n) + ", expected at least 1");
    }
    const torch::Tensor t =
        torch::linspace(static_cast<double>(size() - 1), 0.0, n, torch::TensorOptions().dtype(torch::kFloat32));
    return appendZero(tToSigma(t));
}

torch::Tensor DiscreteSchedule::allSigmas() const {
    return appendZero(m_sigmas.flip(0));
}

torch::Tensor DiscreteSchedule::sigmaToT(const torch::Tensor& sigma, bool quantize) const {
    const torch::Tensor logSigma = sigma.reshape({-1}).log();        // [N]
    const torch::Tensor logSigmas = m_logSigmas.to(sigma.device());  // [T]
    const torch::Tensor dists = logSigma - logSigmas.unsqueeze(1);   // [T, N]
    if (quantize) {
        return dists.abs().argmin(0).view(sigma.sizes());
    }
    // Index of the last table entry <= log σ (0 below the table), kept one short of the end so that
    // [low, low + 1] is always a valid bracket; outside the table w is clamped.
    const torch::Tensor lowIdx = dists.ge(0).cumsum(0).argmax(0).clamp_max(size() - 2);  // [N] int64
    const torch::Tensor highIdx = lowIdx + 1;
    const torch::Tensor low = logSigmas.index({lowIdx});
    const torch::Tensor high = logSigmas.index({highIdx});
    const torch::Tensor w = ((low - logSigma) / (low - high)).clamp(0, 1);
    const torch::Tensor t = (1 - w) * lowIdx + w * highIdx;
    return t.view(sigma.sizes());
}

torch::Tensor DiscreteSchedule::tToSigma(const torch::Tensor& t) const {
    const torch::Tensor tf = t.to(torch::kFloat32);
    const double tMin = tf.numel() ? tf.min().item<double>() : 0.0;
    const double tMax = tf.numel() ? tf.max().item<double>() : 0.0;
    if (tMin < 0 || tMax > static_cast<double>(size() - 1)) {
        throw ArgumentError("t_to_sigma: timesteps must lie in [0, " + std::to_string(size() - 1) + "], got [" +
                            std::to_string(tMin) + ", " + std::to_string(tMax) + "]");
    }
    const torch::Tensor logSigmas = m_logSigmas.to(t.device());
    const torch::Tensor lowIdx = tf.floor().to(torch::kLong);
    const torch::Tensor highIdx = tf.ceil().to(torch::kLong);
    const torch::Tensor w = tf.frac();
    const torch::Tensor logSigma = (1 - w) * logSigmas.index({lowIdx}) + w * logSigmas.index({highIdx});
    return logSigma.exp();
}

torch::Tensor DiscreteSchedule::cIn(const torch::Tensor& sigma) {
    // 1 / (σ ** 2 + σ_data ** 2) ** 0.5; Python's `1 / t` is t.reciprocal().
    return (sigma * sigma + 1.0).sqrt().reciprocal();
}

Denoiser compVisDenoiser(EpsModel model, const DiscreteSchedule& schedule, bool quantize) {
    if (!model) {
        throw ArgumentError("compVisDenoiser: the eps model is empty");
    }
    return [model = std::move(model), schedule, quantize](const torch::Tensor& x, const torch::Tensor& sigma) {
        if (sigma.dim() > 1 || (sigma.numel() != 1 && sigma.numel() != x.size(0))) {
            throw ArgumentError("CompVis denoiser: sigma has shape " + shapeOf(sigma) + ", expected [" +
                                std::to_string(x.size(0)) + "] for x " + shapeOf(x));
        }
        // DiscreteEpsDDPMDenoiser.forward: c_out = -σ, c_in = 1/sqrt(σ² + 1), denoised = x + ε̂·c_out.
        const torch::Tensor cOut = appendDims(-sigma, x.dim());
        const torch::Tensor cIn = appendDims(DiscreteSchedule::cIn(sigma), x.dim());
        const torch::Tensor eps = model(x * cIn, schedule.sigmaToT(sigma, quantize));
        return x + eps * cOut;
    };
}

torch::Tensor getSigmasKarras(int64_t n, double sigmaMin, double sigmaMax, double rho) {
    if (n < 1) {
        throw ArgumentError("get_sigmas_karras: n is " + std::to_string(n) + ", expected at least 1");
    }
    if (!(sigmaMin > 0 && sigmaMin < sigmaMax && std::isfinite(sigmaMax)) || !(rho > 0)) {
        throw ArgumentError("get_sigmas_karras: need 0 < sigma_min < sigma_max and rho > 0, got sigma_min " +
                            std::to_string(sigmaMin) + ", sigma_max " + std::to_string(sigmaMax) + ", rho " +
                            std::to_string(rho));
    }
    // The ρ-th roots are Python floats (double); the ramp and the power run in float32 like upstream.
    const torch::Tensor ramp = torch::linspace(0.0, 1.0, n, torch::TensorOptions().dtype(torch::kFloat32));
    const double minInvRho = std::pow(sigmaMin, 1.0 / rho);
    const double maxInvRho = std::pow(sigmaMax, 1.0 / rho);
    const torch::Tensor sigmas = (ramp * (minInvRho - maxInvRho) + maxInvRho).pow(rho);
    return appendZero(sigmas);
}

torch::Tensor appendZero(const torch::Tensor& x) {
    return torch::cat({x, x.new_zeros({1})});
}

torch::Tensor appendDims(const torch::Tensor& x, int64_t targetDims) {
    if (x.dim() > targetDims) {
        throw ArgumentError("append_dims: input has " + std::to_string(x.dim()) + " dims but target_dims is " +
                            std::to_string(targetDims));
    }
    std::vector<int64_t> shape = x.sizes().vec();
    shape.resize(static_cast<size_t>(targetDims), 1);
    return x.view(shape);
}

torch::Tensor toD(const torch::Tensor& x, const torch::Tensor& sigma, const torch::Tensor& denoised) {
    return (x - denoised) / appendDims(sigma, x.dim());
}

AncestralStep getAncestralStep(const torch::Tensor& sigmaFrom, const torch::Tensor& sigmaTo, double eta) {
    if (eta == 0.0) {
        return {sigmaTo, torch::zeros_like(sigmaTo)};
    }
    const torch::Tensor fromSq = sigmaFrom * sigmaFrom;
    const torch::Tensor toSq = sigmaTo * sigmaTo;
    const torch::Tensor sigmaUp = torch::minimum(sigmaTo, (toSq * (fromSq - toSq) / fromSq).sqrt() * eta);
    const torch::Tensor sigmaDown = (toSq - sigmaUp * sigmaUp).sqrt();
    return {sigmaDown, sigmaUp};
}

// ---------------------------------------------------------------------------------------------------------------
torch::Tensor sampleEulerAncestral(const Denoiser& model, torch::Tensor x, const torch::Tensor& sigmasIn,
                                   at::Generator& generator, const EulerAncestralOptions& options,
                                   const SamplerHooks& hooks) {
    const std::vector<double> values = checkSamplerArgs("sample_euler_ancestral", x, sigmasIn);
    // Upstream keeps σ on the model's device; to_d's append_dims(σ) is a 4-D tensor, which (unlike a 0-dim one)
    // must live on x's device. s_in = ones(B) in x's dtype makes the model's σ follow x's dtype as in Python.
    const torch::Tensor sigmas = sigmasIn.to(x.device());
    const torch::Tensor sIn = x.new_ones({x.size(0)});
    const int64_t steps = sigmas.size(0) - 1;
    for (int64_t i = 0; i < steps; ++i) {
        hooks.throwIfCancelled();
        const torch::Tensor sigma = sigmas[i];
        const torch::Tensor denoised = model(x, sigma * sIn);
        const AncestralStep step = getAncestralStep(sigma, sigmas[i + 1], options.eta);
        // Euler step to σ_down, then noise up to σ_{i+1}; (noise · s_noise) · σ_up keeps Python's rounding order.
        const torch::Tensor d = toD(x, sigma, denoised);
        x = x + d * (step.sigmaDown - sigma);
        if (values[static_cast<size_t>(i + 1)] > 0) {
            const torch::Tensor noise =
                options.noiseSampler ? options.noiseSampler(sigma, sigmas[i + 1]) : randnLike(x, generator);
            x = x + noise * options.sNoise * step.sigmaUp;
        }
        const StepInfo info{i, steps,   values[static_cast<size_t>(i)], values[static_cast<size_t>(i + 1)], -1,
                            x, denoised};
        if (!hooks.report(info)) {
            break;
        }
    }
    return x;
}

torch::Tensor sampleEuler(const Denoiser& model, torch::Tensor x, const torch::Tensor& sigmasIn,
                          at::Generator& generator, const EulerOptions& options, const SamplerHooks& hooks) {
    const std::vector<double> values = checkSamplerArgs("sample_euler", x, sigmasIn);
    const torch::Tensor sigmas = sigmasIn.to(x.device());
    const torch::Tensor sIn = x.new_ones({x.size(0)});
    const int64_t steps = sigmas.size(0) - 1;
    const double maxGamma = std::sqrt(2.0) - 1.0;
    for (int64_t i = 0; i < steps; ++i) {
        hooks.throwIfCancelled();
        const torch::Tensor sigma = sigmas[i];
        // The churn window compares in σ's dtype, as the Python tensor comparison does.
        const bool inWindow = sigma.ge(options.sTmin).item<bool>() && sigma.le(options.sTmax).item<bool>();
        const double gamma = inWindow ? std::min(options.sChurn / static_cast<double>(steps), maxGamma) : 0.0;
        // Upstream draws this noise at every step, churn or not; so do we, to keep the generator in step.
        const torch::Tensor eps = randnLike(x, generator) * options.sNoise;
        const torch::Tensor sigmaHat = sigma * (gamma + 1.0);
        if (gamma > 0) {
            x = x + eps * (sigmaHat * sigmaHat - sigma * sigma).sqrt();
        }
        const torch::Tensor denoised = model(x, sigmaHat * sIn);
        const torch::Tensor d = toD(x, sigmaHat, denoised);
        x = x + d * (sigmas[i + 1] - sigmaHat);
        const StepInfo info{i, steps,   values[static_cast<size_t>(i)], values[static_cast<size_t>(i + 1)], -1,
                            x, denoised};
        if (!hooks.report(info)) {
            break;
        }
    }
    return x;
}

torch::Tensor sampleDpmpp2m(const Denoiser& model, torch::Tensor x, const torch::Tensor& sigmasIn,
                            at::Generator& /*generator: DPM++ 2M is deterministic*/, const SamplerHooks& hooks) {
    const std::vector<double> values = checkSamplerArgs("sample_dpmpp_2m", x, sigmasIn);
    const torch::Tensor sigmas = sigmasIn.to(x.device());
    const torch::Tensor sIn = x.new_ones({x.size(0)});
    const int64_t steps = sigmas.size(0) - 1;
    // Half-log-SNR time t = -log σ and back.
    auto sigmaFn = [](const torch::Tensor& t) { return t.neg().exp(); };
    auto tFn = [](const torch::Tensor& sigma) { return sigma.log().neg(); };
    torch::Tensor oldDenoised;
    for (int64_t i = 0; i < steps; ++i) {
        hooks.throwIfCancelled();
        const torch::Tensor denoised = model(x, sigmas[i] * sIn);
        const torch::Tensor t = tFn(sigmas[i]);
        const torch::Tensor tNext = tFn(sigmas[i + 1]);
        const torch::Tensor h = tNext - t;
        const torch::Tensor ratio = sigmaFn(tNext) / sigmaFn(t);
        if (!oldDenoised.defined() || values[static_cast<size_t>(i + 1)] == 0.0) {
            // First step (no history) and the final step to σ = 0 are first-order (DPM-Solver++ 1).
            x = ratio * x - (-h).expm1() * denoised;
        } else {
            // Second order: extrapolate x̂0 linearly in t from the previous step, weighted by the step-size ratio.
            const torch::Tensor hLast = t - tFn(sigmas[i - 1]);
            const torch::Tensor r = hLast / h;
            const torch::Tensor halfInvR = (r * 2).reciprocal();
            const torch::Tensor denoisedD = (halfInvR + 1) * denoised - halfInvR * oldDenoised;
            x = ratio * x - (-h).expm1() * denoisedD;
        }
        oldDenoised = denoised;
        const StepInfo info{i, steps,   values[static_cast<size_t>(i)], values[static_cast<size_t>(i + 1)], -1,
                            x, denoised};
        if (!hooks.report(info)) {
            break;
        }
    }
    return x;
}

}  // namespace sm::sampling
