#pragma once
// Progress and cancellation hooks shared by every sampler in sm::sampling (k-diffusion samplers, DDIM, DDIM
// inversion). A sampler reports once per step, after the step's update, and checks the cancel flag before each
// model call (the expensive part), so a cancel request costs at most one model evaluation.
//
// Conventions:
//  - Cancellation (the flag is set, or the callback returns StepAction::Cancel) throws sm::CancelledError.
//    Nothing the sampler returned earlier is touched; the caller's tensors stay valid.
//  - StepAction::Stop ends the loop early WITHOUT an error: the sampler returns the x after the reported step.
//    Use it for "stop and keep what you have" buttons and for step-limited tests.
#include <torch/types.h>

#include <atomic>
#include <cstdint>
#include <functional>

namespace sm::sampling {

/// What a sampler reports after step `index` (0-based) of `total`. References are valid during the call only;
/// copy (shallow) the tensors to keep them.
struct StepInfo {
    int64_t index = 0;
    int64_t total = 0;
    double sigma = 0;        // noise level σ of this step (DDIM: σ = sqrt((1 - ᾱ_t) / ᾱ_t) of its timestep)
    double sigmaNext = 0;    // σ the step moved to (0 after the last k-diffusion step)
    int64_t timestep = -1;   // DDIM: the discrete timestep t of this step; k-diffusion samplers: -1
    const torch::Tensor& x;  // the sample AFTER this step's update, [B, ...]
    const torch::Tensor& denoised;  // the model's x̂0 at this step (the preview to decode), broadcastable to x
};

enum class StepAction {
    Continue,  // go on
    Stop,      // return the current x now (not an error)
    Cancel,    // throw sm::CancelledError
};

/// Called on the sampling thread; must not call back into the sampler.
using StepCallback = std::function<StepAction(const StepInfo&)>;

/// Optional hooks; a default-constructed value reports nothing and never cancels.
struct SamplerHooks {
    StepCallback onStep;
    /// Polled (relaxed load) before every model call and after every step; set from any thread to cancel.
    const std::atomic<bool>* cancel = nullptr;

    /// Throws sm::CancelledError when the cancel flag is set.
    void throwIfCancelled() const;

    /// Reports one step: true = keep going, false = stop early (StepAction::Stop).
    /// Throws sm::CancelledError on StepAction::Cancel or when the flag is set.
    bool report(const StepInfo& info) const;
};

}  // namespace sm::sampling
