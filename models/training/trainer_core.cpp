#include "training/trainer_core.h"

#include <torch/nn/utils/clip_grad.h>
#include <torch/torch.h>

#include "io/weight_map.h"
#include "runtime/error.h"
#include "sampling/noise.h"

namespace sm::training {
namespace {

// GradScaler's defaults.
constexpr double kInitialLossScale = 65536.0;
constexpr int64_t kGrowthInterval = 2000;

template <typename T>
T jsonField(const nlohmann::json& json, const char* key, const T& fallback) {
    if (!json.contains(key)) {
        return fallback;
    }
    try {
        return json.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
        throw ArgumentError(std::string("training settings field '") + key +
                            "' has the wrong type: " + json.at(key).dump());
    }
}

}  // namespace

void OptimizerSettings::validate() const {
    if (!(learningRate > 0.0) || accumulateBatches < 1 || warmupSteps < 0 || maxGradNorm < 0.0 || eps <= 0.0 ||
        weightDecay < 0.0 || decaySteps < 0 || !(finalLrFactor >= 0.0 && finalLrFactor <= 1.0)) {
        throw ArgumentError("optimizer settings: need learningRate > 0 (got " + std::to_string(learningRate) +
                            "), accumulateBatches >= 1 (got " + std::to_string(accumulateBatches) +
                            "), warmupSteps >= 0 (got " + std::to_string(warmupSteps) + "), maxGradNorm >= 0 (got " +
                            std::to_string(maxGradNorm) + "), eps > 0, weightDecay >= 0, decaySteps >= 0 and finalLrFactor in [0, 1]");
    }
}

nlohmann::json OptimizerSettings::toJson() const {
    return {{"learning_rate", learningRate},
            {"beta1", beta1},
            {"beta2", beta2},
            {"weight_decay", weightDecay},
            {"eps", eps},
            {"warmup_steps", warmupSteps},
            {"accumulate_batches", accumulateBatches},
            {"max_grad_norm", maxGradNorm},
            {"decay_steps", decaySteps},
            {"final_lr_factor", finalLrFactor}};
}

OptimizerSettings OptimizerSettings::fromJson(const nlohmann::json& json) {
    OptimizerSettings s;
    s.learningRate = jsonField(json, "learning_rate", s.learningRate);
    s.beta1 = jsonField(json, "beta1", s.beta1);
    s.beta2 = jsonField(json, "beta2", s.beta2);
    s.weightDecay = jsonField(json, "weight_decay", s.weightDecay);
    s.eps = jsonField(json, "eps", s.eps);
    s.warmupSteps = jsonField(json, "warmup_steps", s.warmupSteps);
    s.accumulateBatches = jsonField(json, "accumulate_batches", s.accumulateBatches);
    s.maxGradNorm = jsonField(json, "max_grad_norm", s.maxGradNorm);
    s.decaySteps = jsonField(json, "decay_steps", s.decaySteps);
    s.finalLrFactor = jsonField(json, "final_lr_factor", s.finalLrFactor);
    return s;
}

// ----------------------------------------------------------------------------------------------------------------
TrainerCore::TrainerCore(std::vector<std::pair<std::string, torch::Tensor>> params, OptimizerSettings settings,
                         ComputeTarget target, uint64_t seed, TrainingCallbacks callbacks)
    : m_params(params),
      m_settings((settings.validate(), settings)),
      m_target(target),
      m_callbacks(std::move(callbacks)),
      m_generator(sampling::makeCpuGenerator(seed)),
      m_optimizer(std::move(params), AdamWOptions{settings.beta1, settings.beta2, settings.eps, settings.weightDecay}),
      m_timedFrom(std::chrono::steady_clock::now()) {
    // Loss scaling is needed only where gradients are float16 (autocast fp16); bf16 has float32's range.
    m_lossScaling = target.autocast && target.isCuda() && target.precision == Precision::Float16;
    m_lossScale = m_lossScaling ? kInitialLossScale : 1.0;
}

void TrainerCore::throwIfCancelled() const {
    if (m_callbacks.cancel && m_callbacks.cancel->load(std::memory_order_relaxed)) {
        throw CancelledError();
    }
}

void TrainerCore::warn(const std::string& message) const {
    if (m_callbacks.onWarning) {
        m_callbacks.onWarning(message);
    }
}

void TrainerCore::backward(const torch::Tensor& loss, double lossValue, const std::map<std::string, double>& terms) {
    // Lightning divides each micro-batch's loss by accumulate_grad_batches before backward.
    torch::Tensor scaled = loss / static_cast<double>(m_settings.accumulateBatches);
    if (m_lossScaling) {
        scaled = scaled * m_lossScale;
    }
    scaled.backward();
    m_windowLoss += lossValue;
    for (const auto& [name, value] : terms) {
        m_windowTerms[name] += value;
    }
    ++m_pending;
    ++m_microStep;
}

double TrainerCore::learningRate() const {
    LambdaLinearSchedule schedule;
    schedule.warmupSteps = m_settings.warmupSteps;
    if (m_settings.decaySteps > 0) {
        schedule.cycleLength = m_settings.decaySteps;
        schedule.fMin = m_settings.finalLrFactor;
    }
    return m_settings.learningRate * lambdaLinearMultiplier(m_optimizerStep, schedule);
}

bool TrainerCore::step() {
    if (m_pending == 0) {
        return false;
    }
    TrainingReport report;
    report.loss = m_windowLoss / m_pending;
    for (const auto& [name, sum] : m_windowTerms) {
        report.terms[name] = sum / m_pending;
    }
    m_windowLoss = 0.0;
    m_windowTerms.clear();
    m_pending = 0;
    const bool stepped = applyStep();
    report.stepped = stepped;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_timedFrom).count();
    const int64_t done = m_optimizerStep - m_timedFromStep;
    report.optimizerStep = m_optimizerStep;
    report.microStep = m_microStep;
    report.learningRate = learningRate();
    report.stepsPerSecond = done > 0 && elapsed > 0.0 ? static_cast<double>(done) / elapsed : 0.0;
    report.etaSeconds =
        m_maxSteps > 0 && report.stepsPerSecond > 0.0
            ? static_cast<double>(std::max<int64_t>(0, m_maxSteps - m_optimizerStep)) / report.stepsPerSecond
            : -1.0;
    if (m_callbacks.onMetrics) {
        m_callbacks.onMetrics(report);
    }
    return stepped;
}

bool TrainerCore::applyStep() {
    std::vector<torch::Tensor> grads;
    std::vector<torch::Tensor> params;
    for (auto& [name, param] : m_params) {
        if (param.grad().defined()) {
            grads.push_back(param.grad());
            params.push_back(param);
        }
    }
    if (m_lossScaling) {
        torch::NoGradGuard noGrad;
        bool finite = true;
        for (torch::Tensor& g : grads) {
            g.mul_(1.0 / m_lossScale);
            finite = finite && torch::isfinite(g).all().item<bool>();
        }
        if (!finite) {
            m_lossScale *= 0.5;
            m_growthTracker = 0;
            m_optimizer.zeroGrad();
            warn("fp16 gradients overflowed; step skipped, loss scale now " + std::to_string(m_lossScale));
            return false;
        }
        if (++m_growthTracker >= kGrowthInterval) {
            m_lossScale *= 2.0;
            m_growthTracker = 0;
        }
    }
    if (m_settings.maxGradNorm > 0.0 && !params.empty()) {
        torch::nn::utils::clip_grad_norm_(params, m_settings.maxGradNorm);
    }
    m_optimizer.step(learningRate());
    m_optimizer.zeroGrad();
    ++m_optimizerStep;
    return true;
}

nlohmann::json TrainerCore::save(io::StateDict& tensors) const {
    m_optimizer.save(tensors, io::kOptimizerPrefix);
    if (m_pending > 0) {
        for (const auto& [name, param] : m_params) {
            if (param.grad().defined()) {
                tensors[io::kGradientPrefix + name] = param.grad().detach().to(torch::kCPU).clone();
            }
        }
    }
    tensors["trainer.rng_state"] = m_generator.get_state().clone();
    return {{"optimizer", m_settings.toJson()}, {"optimizer_step", m_optimizerStep},
            {"micro_step", m_microStep},        {"pending_micro_batches", m_pending},
            {"loss_scale", m_lossScale},        {"loss_scale_growth_tracker", m_growthTracker},
            {"window_loss_sum", m_windowLoss},  {"window_term_sums", m_windowTerms}};
}

void TrainerCore::load(const io::StateDict& tensors, const nlohmann::json& state, const std::string& source) {
    try {
        m_optimizerStep = state.at("optimizer_step").get<int64_t>();
        m_microStep = state.at("micro_step").get<int64_t>();
        m_pending = state.at("pending_micro_batches").get<int>();
        m_lossScale = state.value("loss_scale", m_lossScale);
        m_growthTracker = state.value("loss_scale_growth_tracker", int64_t{0});
        m_windowLoss = state.value("window_loss_sum", 0.0);
        m_windowTerms = state.value("window_term_sums", std::map<std::string, double>{});
    } catch (const nlohmann::json::exception& e) {
        throw WeightsError(source + ": training state in the metadata is incomplete: " + e.what());
    }
    if (!m_lossScaling) {
        m_lossScale = 1.0;  // a checkpoint from an fp16 run resumed in bf16 / float32
    }
    const OptimizerSettings saved = OptimizerSettings::fromJson(state.value("optimizer", nlohmann::json::object()));
    if (saved.toJson() != m_settings.toJson()) {
        warn(source + ": optimizer settings differ from the checkpoint's (" + saved.toJson().dump() +
             "); continuing with the new ones");
    }
    m_optimizer.load(tensors, source, io::kOptimizerPrefix);
    {
        torch::NoGradGuard noGrad;
        for (auto& [name, param] : m_params) {
            const auto grad = tensors.find(io::kGradientPrefix + name);
            if (m_pending > 0 && grad != tensors.end()) {
                if (grad->second.sizes() != param.sizes()) {
                    throw WeightsError(source + ": key grad." + name + " has shape " +
                                       io::shapeString(grad->second.sizes()) + ", expected " +
                                       io::shapeString(param.sizes()));
                }
                param.mutable_grad() = grad->second.to(param.device(), param.scalar_type()).clone();
            } else {
                param.mutable_grad() = torch::Tensor();
            }
        }
    }
    const auto rng = tensors.find("trainer.rng_state");
    if (rng == tensors.end()) {
        throw WeightsError(source + ": key trainer.rng_state is missing");
    }
    try {
        m_generator.set_state(rng->second.to(torch::kCPU, torch::kUInt8).contiguous().clone());
    } catch (const c10::Error& e) {
        throw WeightsError(source +
                           ": key trainer.rng_state is not a CPU generator state: " + e.what_without_backtrace());
    }
    m_timedFrom = std::chrono::steady_clock::now();
    m_timedFromStep = m_optimizerStep;
}

// ----------------------------------------------------------------------------------------------------------------
void copyIntoModule(torch::nn::Module& module, const io::StateDict& dict, const std::string& source,
                    const std::vector<std::string>& optionalBuffers) {
    torch::NoGradGuard noGrad;
    auto copyOne = [&](const std::string& name, torch::Tensor& target, bool optional) {
        const auto found = dict.find(name);
        if (found == dict.end()) {
            if (optional) {
                return;
            }
            throw WeightsError(source + ": key " + name + " is missing");
        }
        if (found->second.sizes() != target.sizes()) {
            throw WeightsError(source + ": key " + name + " has shape " + io::shapeString(found->second.sizes()) +
                               ", expected " + io::shapeString(target.sizes()));
        }
        target.copy_(found->second);
    };
    for (auto& item : module.named_parameters(true)) {
        copyOne(item.key(), item.value(), false);
    }
    for (auto& item : module.named_buffers(true)) {
        bool optional = false;
        for (const std::string& suffix : optionalBuffers) {
            optional = optional || (item.key().size() >= suffix.size() &&
                                    item.key().compare(item.key().size() - suffix.size(), suffix.size(), suffix) == 0);
        }
        copyOne(item.key(), item.value(), optional);
    }
}

nlohmann::json TrainerCore::readResumeMetadata(const std::map<std::string, std::string>& metadata,
                                               const std::string& path, const std::string& trainerKind,
                                               const nlohmann::json& config, const std::string& configName,
                                               const nlohmann::json& options,
                                               const std::string& plainWeightsHint) const {
    nlohmann::json training, saved;
    try {
        training = nlohmann::json::parse(metadata.at("training"));
        saved = nlohmann::json::parse(metadata.at("config"));
    } catch (const std::exception&) {
        throw WeightsError(path + ": not a Stillmotion training checkpoint (no readable 'training' and 'config' "
                                  "metadata)" + plainWeightsHint);
    }
    if (training.value("format", "") != kTrainingCheckpointFormat || training.value("trainer", "") != trainerKind) {
        throw WeightsError(path + ": a '" + training.value("trainer", "?") + "' training checkpoint, not " +
                           trainerKind);
    }
    if (saved != config) {
        throw WeightsError(path + ": the checkpoint's " + configName + " " + saved.dump() +
                           " differs from the one being trained " + config.dump());
    }
    const nlohmann::json savedOptions = training.value("options", nlohmann::json::object());
    if (savedOptions != options) {
        warn(path + ": trainer options differ from the checkpoint's (" + savedOptions.dump() +
             "); continuing with the new ones");
    }
    return training;
}

}  // namespace sm::training
