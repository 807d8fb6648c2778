#pragma once
// What every trainer in sm::training shares: the optimizer (AdamW + LambdaLinearScheduler warm-up), gradient
// accumulation, optional gradient-norm clipping, fp16 dynamic loss scaling, the trainer's own random generator,
// progress reporting (metrics, warnings, cancel flag) and the checkpoint state of all of these.
//
// Data and optimizer steps are separate so that a future data-parallel trainer can all-reduce gradients between
// them: backward() per micro-batch (the loss is divided by accumulateBatches, as Lightning does), then step() once
// readyToStep(). Checkpoints may be written between micro-batches: the accumulated gradients are saved too.
//
// Precision: float32 on the CPU. On CUDA a target with autocast runs the forward passes in an AutocastScope
// (runtime/device.h): bfloat16 needs nothing else; float16 turns on dynamic loss scaling (GradScaler's rules:
// initial scale 65536, ×2 after 2000 finite steps, ×0.5 and the step skipped on inf/NaN gradients; a skipped
// step does not advance the step count or the learning-rate schedule). The CUDA paths compile here but are
// exercised only on GPU machines.
//
// Thread-safety: none; a trainer lives on one thread. The cancel flag may be set from any thread.
#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/types.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "io/state_dict.h"
#include "runtime/device.h"
#include "training/adamw.h"
#include "training/lr_schedule.h"

namespace sm::training {

/// Optimizer settings; the defaults are Pix2Gif's train.yaml / main.py values.
struct OptimizerSettings {
    double learningRate = 1.0e-4;  // base_learning_rate (scale_lr off)
    double beta1 = 0.9;
    double beta2 = 0.999;
    double weightDecay = 0.01;
    double eps = 1.0e-8;
    int64_t warmupSteps = 10000;  // LambdaLinearScheduler warm-up in optimizer steps (0: none)
    int64_t decaySteps = 0;       // LambdaLinear cycle length: after warm-up, f falls linearly to finalLrFactor at
                                  // this step and stays there; 0 = no decay (the authors' 1e13 cycle)
    double finalLrFactor = 1.0;   // f_min of that decay (1.0 = constant lr, the authors' setting)
    int accumulateBatches = 8;    // micro-batches per optimizer step
    double maxGradNorm = 0.0;     // clip the global gradient L2 norm to this; 0 = off (the authors did not clip)

    /// Throws sm::ArgumentError for non-positive lr / accumulation, negative warm-up or clip norm.
    void validate() const;
    nlohmann::json toJson() const;
    static OptimizerSettings fromJson(const nlohmann::json& json);  // missing fields keep their defaults
};

/// One progress report, sent after every optimizer step (also one that fp16 overflow skipped), with the means
/// over the micro-batches of its accumulation window.
struct TrainingReport {
    int64_t optimizerStep = 0;            // optimizer steps done
    int64_t microStep = 0;                // micro-batches done
    bool stepped = false;                 // false when fp16 overflow skipped the step
    double loss = 0.0;                    // mean total loss of the window's micro-batches (not divided by accumulation)
    std::map<std::string, double> terms;  // mean parts: "mse", "perceptual" (Pix2Gif); "l1", "mse", "kl" (VAE)
    double learningRate = 0.0;            // lr of the next optimizer step
    double stepsPerSecond = 0.0;          // optimizer steps per second since construction / resume (0 until known)
    double etaSeconds = -1.0;             // time to maxSteps at that rate; -1 when maxSteps or the rate is unknown
};

struct TrainingCallbacks {
    std::function<void(const TrainingReport&)> onMetrics;
    std::function<void(const std::string&)> onWarning;
    const std::atomic<bool>* cancel = nullptr;  // polled before every micro-batch; set → sm::CancelledError
};

class TrainerCore {
public:
    /// params: the trainable tensors by their checkpoint-state name. seed: the trainer's CPU generator
    /// (sampling::makeCpuGenerator). Throws sm::ArgumentError for invalid settings.
    TrainerCore(std::vector<std::pair<std::string, torch::Tensor>> params, OptimizerSettings settings,
                ComputeTarget target, uint64_t seed, TrainingCallbacks callbacks);

    const OptimizerSettings& settings() const { return m_settings; }
    const ComputeTarget& target() const { return m_target; }
    const TrainingCallbacks& callbacks() const { return m_callbacks; }
    at::Generator& generator() { return m_generator; }
    const AdamW& optimizer() const { return m_optimizer; }

    /// Throws sm::CancelledError when the cancel flag is set.
    void throwIfCancelled() const;
    void warn(const std::string& message) const;

    /// Back-propagates loss / accumulateBatches (× the loss scale under fp16), counts a micro-batch and records
    /// its loss value and parts for the next report.
    void backward(const torch::Tensor& loss, double lossValue, const std::map<std::string, double>& terms);
    int pendingMicroBatches() const { return m_pending; }
    bool readyToStep() const { return m_pending >= m_settings.accumulateBatches; }
    /// The optimizer step over the accumulated gradients (also with fewer than accumulateBatches pending, for a
    /// last partial window), then the report. Returns false when nothing was pending or fp16 overflow skipped
    /// the step.
    bool step();
    /// Optimizer steps planned, for the ETA of the reports (≤ 0: unknown).
    void setMaxSteps(int64_t maxSteps) { m_maxSteps = maxSteps; }

    int64_t optimizerStep() const { return m_optimizerStep; }
    int64_t microStep() const { return m_microStep; }
    /// lr of the next optimizer step: learningRate · lambdaLinearMultiplier(optimizerStep).
    double learningRate() const;
    double lossScale() const { return m_lossScale; }

    /// Optimizer state ("optimizer.*"), accumulated gradients ("grad.*" when micro-batches are pending) and the
    /// generator state ("trainer.rng_state", uint8) into `tensors`; counters and settings into the returned JSON.
    nlohmann::json save(io::StateDict& tensors) const;
    /// Restores what save() wrote. Throws sm::WeightsError naming `source`.
    void load(const io::StateDict& tensors, const nlohmann::json& state, const std::string& source);

    /// The "training" metadata of a checkpoint about to be resumed, checked: it must be a training checkpoint
    /// (kTrainingCheckpointFormat) of `trainerKind` whose "config" equals `config` (`configName` says which, e.g.
    /// "model config"); otherwise sm::WeightsError naming both (`plainWeightsHint` is appended when the file has
    /// no training metadata at all). Saved options that differ from `options` give a warning.
    nlohmann::json readResumeMetadata(const std::map<std::string, std::string>& metadata, const std::string& path,
                                      const std::string& trainerKind, const nlohmann::json& config,
                                      const std::string& configName, const nlohmann::json& options,
                                      const std::string& plainWeightsHint = {}) const;

private:
    bool applyStep();  // unscale / check / clip / AdamW; false when skipped

    std::vector<std::pair<std::string, torch::Tensor>> m_params;
    OptimizerSettings m_settings;
    ComputeTarget m_target;
    TrainingCallbacks m_callbacks;
    at::Generator m_generator;
    AdamW m_optimizer;
    bool m_lossScaling = false;
    double m_lossScale = 1.0;
    int64_t m_growthTracker = 0;
    int m_pending = 0;
    int64_t m_optimizerStep = 0;
    int64_t m_microStep = 0;
    int64_t m_timedFromStep = 0;
    int64_t m_maxSteps = 0;
    double m_windowLoss = 0.0;  // sums over the pending micro-batches, for the report
    std::map<std::string, double> m_windowTerms;
    std::chrono::steady_clock::time_point m_timedFrom;
};

/// Copies `dict` (module-internal names) into the module's parameters and buffers in place (parameter identity
/// is kept, so optimizers and EMA trackers stay attached). Every parameter and buffer must be present with its
/// shape, except buffers named in `optionalBuffers` (matched by name suffix). Throws sm::WeightsError naming
/// `source`, the key and both shapes.
void copyIntoModule(torch::nn::Module& module, const io::StateDict& dict, const std::string& source,
                    const std::vector<std::string>& optionalBuffers = {});

/// Metadata tag shared by the trainers' checkpoints (under the "training" metadata entry's "format").
inline constexpr const char* kTrainingCheckpointFormat = "stillmotion-training-checkpoint";

}  // namespace sm::training
