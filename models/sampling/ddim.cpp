#include "sampling/ddim.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <string>

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

void checkSameShape(const char* what, const torch::Tensor& a, const torch::Tensor& b) {
    if (!a.defined() || !b.defined() || a.sizes() != b.sizes()) {
        throw ArgumentError(std::string(what) + ": model output " + (a.defined() ? shapeOf(a) : "undefined") +
                            " and sample " + (b.defined() ? shapeOf(b) : "undefined") + " must have the same shape");
    }
}

double sigmaOf(const torch::Tensor& alphaCumprod) {
    const double a = alphaCumprod.item<double>();
    return std::sqrt((1.0 - a) / a);
}

// set_timesteps of diffusers v0.24 for the three spacings (numpy maths in float64, np.round = half to even).
std::vector<int64_t> makeTimesteps(const DdimConfig& config, int64_t n) {
    const int64_t trainSteps = config.numTrainTimesteps;
    std::vector<int64_t> out;
    out.reserve(static_cast<size_t>(n));
    switch (config.timestepSpacing) {
        case TimestepSpacing::Leading: {
            const int64_t ratio = trainSteps / n;
            for (int64_t i = n - 1; i >= 0; --i) {
                out.push_back(i * ratio + config.stepsOffset);
            }
            break;
        }
        case TimestepSpacing::Trailing: {
            // np.round(np.arange(T, 0, -T / n)).astype(int64) - 1
            const double ratio = static_cast<double>(trainSteps) / static_cast<double>(n);
            const double start = static_cast<double>(trainSteps);
            const double delta = (start - ratio) - start;  // numpy's arange extrapolates from its first two values
            const auto count = static_cast<int64_t>(std::ceil((0.0 - start) / -ratio));
            for (int64_t i = 0; i < count; ++i) {
                out.push_back(static_cast<int64_t>(std::nearbyint(start + static_cast<double>(i) * delta)) - 1);
            }
            break;
        }
        case TimestepSpacing::Linspace: {
            // np.linspace(0, T - 1, n).round()[::-1]
            const double stop = static_cast<double>(trainSteps - 1);
            const double step = n > 1 ? stop / static_cast<double>(n - 1) : 0.0;
            for (int64_t i = n - 1; i >= 0; --i) {
                const double v = (n > 1 && i == n - 1) ? stop : static_cast<double>(i) * step;
                out.push_back(static_cast<int64_t>(std::nearbyint(v)));
            }
            break;
        }
    }
    for (int64_t t : out) {
        if (t < 0 || t >= trainSteps) {
            throw ArgumentError("DDIM: timestep " + std::to_string(t) + " falls outside [0, " +
                                std::to_string(trainSteps - 1) + "]; check steps_offset (" +
                                std::to_string(config.stepsOffset) + ") and the step count (" + std::to_string(n) +
                                ")");
        }
    }
    return out;
}

}  // namespace

DdimConfig cinemoDdimConfig() {
    DdimConfig c;
    c.numTrainTimesteps = 1000;
    c.betaStart = 0.0001;  // configs/sample.yaml overrides SD-1.4's scaled_linear 0.00085..0.012
    c.betaEnd = 0.02;
    c.betaSchedule = DiffusersBetaSchedule::Linear;
    c.clipSample = false;
    c.setAlphaToOne = false;
    c.stepsOffset = 1;
    c.predictionType = PredictionType::Epsilon;
    c.timestepSpacing = TimestepSpacing::Leading;
    return c;
}

DdimScheduler::DdimScheduler(const DdimConfig& config, int64_t numInferenceSteps)
    : m_config(config), m_numInferenceSteps(numInferenceSteps) {
    if (config.numTrainTimesteps < 2) {
        throw ArgumentError("DDIM: num_train_timesteps is " + std::to_string(config.numTrainTimesteps) +
                            ", expected at least 2");
    }
    if (numInferenceSteps < 1 || numInferenceSteps > config.numTrainTimesteps) {
        throw ArgumentError("DDIM: num_inference_steps is " + std::to_string(numInferenceSteps) + ", expected 1.." +
                            std::to_string(config.numTrainTimesteps));
    }
    // Tables stay on the CPU: indexing one entry per step is cheaper than keeping device copies, and 0-dim CPU
    // tensors combine with CUDA tensors as scalars (the same mix diffusers runs with).
    m_betas = diffusersBetas(config.betaSchedule, config.betaStart, config.betaEnd, config.numTrainTimesteps);
    m_alphasCumprod = diffusersAlphasCumprod(m_betas);
    m_finalAlphaCumprod = config.setAlphaToOne ? torch::tensor(1.0f) : m_alphasCumprod[0].clone();
    m_timesteps = makeTimesteps(config, numInferenceSteps);
}

torch::Tensor DdimScheduler::timestepsTensor() const {
    return torch::tensor(m_timesteps, torch::TensorOptions().dtype(torch::kLong));
}

torch::Tensor DdimScheduler::alphaCumprodAt(int64_t t) const {
    if (t >= m_config.numTrainTimesteps) {
        throw ArgumentError("DDIM: timestep " + std::to_string(t) + " is beyond the schedule's " +
                            std::to_string(m_config.numTrainTimesteps) + " steps");
    }
    return t >= 0 ? m_alphasCumprod[t] : m_finalAlphaCumprod;
}

double DdimScheduler::sigmaAt(int64_t t) const {
    return sigmaOf(alphaCumprodAt(t));
}

DdimStepOutput DdimScheduler::step(const torch::Tensor& modelOutput, int64_t t, const torch::Tensor& sample, double eta,
                                   at::Generator* generator, const torch::Tensor& varianceNoise,
                                   bool useClippedModelOutput) const {
    checkSameShape("DDIM step", modelOutput, sample);
    if (t < 0) {
        throw ArgumentError("DDIM step: timestep " + std::to_string(t) + " is negative");
    }
    if (eta > 0 && !varianceNoise.defined() && generator == nullptr) {
        throw ArgumentError("DDIM step: eta " + std::to_string(eta) + " > 0 needs a generator or variance noise");
    }
    if (varianceNoise.defined() && varianceNoise.sizes() != modelOutput.sizes()) {
        throw ArgumentError("DDIM step: variance noise " + shapeOf(varianceNoise) + " must match the model output " +
                            shapeOf(modelOutput));
    }
    // Scalars stay 0-dim float32 tensors as in diffusers, so the products round like the reference.
    const int64_t prevT = previousTimestep(t);
    const torch::Tensor alphaProdT = alphaCumprodAt(t);
    const torch::Tensor alphaProdTPrev = alphaCumprodAt(prevT);
    const torch::Tensor betaProdT = 1 - alphaProdT;

    torch::Tensor predOriginal;
    torch::Tensor predEpsilon;
    switch (m_config.predictionType) {
        case PredictionType::Epsilon:
            predOriginal = (sample - betaProdT.sqrt() * modelOutput) / alphaProdT.sqrt();
            predEpsilon = modelOutput;
            break;
        case PredictionType::Sample:
            predOriginal = modelOutput;
            predEpsilon = (sample - alphaProdT.sqrt() * predOriginal) / betaProdT.sqrt();
            break;
        case PredictionType::VPrediction:
            predOriginal = alphaProdT.sqrt() * sample - betaProdT.sqrt() * modelOutput;
            predEpsilon = alphaProdT.sqrt() * modelOutput + betaProdT.sqrt() * sample;
            break;
    }
    if (m_config.clipSample) {
        predOriginal = predOriginal.clamp(-m_config.clipSampleRange, m_config.clipSampleRange);
    }

    // σ_t(η) of formula (16): η · sqrt((1 − ᾱ_prev)/(1 − ᾱ_t) · (1 − ᾱ_t/ᾱ_prev)).
    const torch::Tensor variance = ((1 - alphaProdTPrev) / betaProdT) * (1 - alphaProdT / alphaProdTPrev);
    const torch::Tensor stdDevT = variance.sqrt() * eta;
    if (useClippedModelOutput) {
        predEpsilon = (sample - alphaProdT.sqrt() * predOriginal) / betaProdT.sqrt();
    }
    const torch::Tensor direction = (1 - alphaProdTPrev - stdDevT * stdDevT).sqrt() * predEpsilon;
    torch::Tensor prevSample = alphaProdTPrev.sqrt() * predOriginal + direction;
    if (eta > 0) {
        const torch::Tensor noise = varianceNoise.defined() ? varianceNoise
                                                            : randn(modelOutput.sizes(), *generator,
                                                                    modelOutput.scalar_type(), modelOutput.device());
        prevSample = prevSample + stdDevT * noise;
    }
    return {prevSample, predOriginal};
}

DdimStepOutput DdimScheduler::inversionStep(const torch::Tensor& eps, int64_t t, const torch::Tensor& x) const {
    checkSameShape("DDIM inversion step", eps, x);
    if (t < 0) {
        throw ArgumentError("DDIM inversion step: timestep " + std::to_string(t) + " is negative");
    }
    // next_step(): the current timestep is one stride below t; below 0 it is the "final" ᾱ (ᾱ[0] for Cinemo).
    const int64_t current = std::min(t - stepRatio(), m_config.numTrainTimesteps - 1);
    const torch::Tensor alphaProdT = alphaCumprodAt(current);
    const torch::Tensor alphaProdTNext = alphaCumprodAt(t);
    const torch::Tensor betaProdT = 1 - alphaProdT;
    const torch::Tensor predX0 = (x - betaProdT.sqrt() * eps) / alphaProdT.sqrt();
    const torch::Tensor predDir = (1 - alphaProdTNext).sqrt() * eps;
    const torch::Tensor xNext = alphaProdTNext.sqrt() * predX0 + predDir;
    return {xNext, predX0};
}

torch::Tensor DdimScheduler::addNoise(const torch::Tensor& original, const torch::Tensor& noise,
                                      const torch::Tensor& timesteps) const {
    if (!original.defined() || !noise.defined() || original.sizes() != noise.sizes()) {
        throw ArgumentError("DDIM add_noise: original " + (original.defined() ? shapeOf(original) : "undefined") +
                            " and noise " + (noise.defined() ? shapeOf(noise) : "undefined") +
                            " must have the same shape");
    }
    if (!timesteps.defined() || timesteps.is_floating_point() || timesteps.numel() < 1) {
        throw ArgumentError("DDIM add_noise: timesteps must be a non-empty integer tensor");
    }
    // ᾱ is cast to the sample's dtype first (float64 in Cinemo's DCTInit), then indexed.
    const torch::Tensor ac = m_alphasCumprod.to(original.device(), original.scalar_type());
    const torch::Tensor index = timesteps.to(original.device(), torch::kLong).reshape({-1});
    torch::Tensor sqrtAlpha = ac.index({index}).sqrt();                // [N]
    torch::Tensor sqrtOneMinusAlpha = (1 - ac.index({index})).sqrt();  // [N]
    while (sqrtAlpha.dim() < original.dim()) {
        sqrtAlpha = sqrtAlpha.unsqueeze(-1);
        sqrtOneMinusAlpha = sqrtOneMinusAlpha.unsqueeze(-1);
    }
    return sqrtAlpha * original + sqrtOneMinusAlpha * noise;
}

torch::Tensor ddimSample(const DdimScheduler& scheduler, const EpsPredictor& model, torch::Tensor x, double eta,
                         at::Generator& generator, const SamplerHooks& hooks) {
    if (!model) {
        throw ArgumentError("ddimSample: the eps model is empty");
    }
    const std::vector<int64_t>& timesteps = scheduler.timesteps();
    const auto total = static_cast<int64_t>(timesteps.size());
    for (int64_t i = 0; i < total; ++i) {
        hooks.throwIfCancelled();
        const int64_t t = timesteps[static_cast<size_t>(i)];
        const torch::Tensor eps = model(x, t);
        // The generator is only handed over with eta > 0, so an eta-0 run leaves it untouched (as diffusers does).
        DdimStepOutput out = scheduler.step(eps, t, x, eta, eta > 0 ? &generator : nullptr);
        x = out.prevSample;
        const StepInfo info{i, total, scheduler.sigmaAt(t),  scheduler.sigmaAt(scheduler.previousTimestep(t)),
                            t, x,     out.predOriginalSample};
        if (!hooks.report(info)) {
            break;
        }
    }
    return x;
}

torch::Tensor ddimInvert(const DdimScheduler& scheduler, const EpsPredictor& model, torch::Tensor x,
                         const SamplerHooks& hooks) {
    if (!model) {
        throw ArgumentError("ddimInvert: the eps model is empty");
    }
    const std::vector<int64_t>& timesteps = scheduler.timesteps();
    const auto total = static_cast<int64_t>(timesteps.size());
    for (int64_t i = 0; i < total; ++i) {
        hooks.throwIfCancelled();
        const int64_t t = timesteps[static_cast<size_t>(total - 1 - i)];  // reversed(timesteps): 1, 21, ...
        const torch::Tensor eps = model(x, t);
        DdimStepOutput out = scheduler.inversionStep(eps, t, x);
        x = out.prevSample;
        // Reported σ: from the stride-below timestep (where x came from) to t (where it is now).
        const int64_t current = std::min(scheduler.previousTimestep(t), scheduler.config().numTrainTimesteps - 1);
        const StepInfo info{i, total, scheduler.sigmaAt(current), scheduler.sigmaAt(t), t, x, out.predOriginalSample};
        if (!hooks.report(info)) {
            break;
        }
    }
    return x;
}

}  // namespace sm::sampling
