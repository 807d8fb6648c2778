#pragma once
// Pix2Gif frame generation as the authors run it (demo.py @781ca78), per job:
//   E = VAE mode of the source (once);  c_T = CLIP(caption + motion sentence), null = CLIP("") (cached);
//   per frame: c_M = motion row; c_L = c_T + c_M; z_W = W(E, c_L) for [cond, img_cond] (0 for uncond) — once;
//   x = randn(seed)·σ_0; Euler-ancestral over the CompVis σ table, one UNet call per step on the batched
//   [cond, img_cond, uncond] branches, combined with the text and image scales; decode z / 0.18215.
// Each frame re-seeds its own generator (the authors seed every frame identically; the studio passes the same
// seed for every frame unless "different noise per frame" is on).
//
// Frame batching (generateFrames): n frames of the same source share one sampler run; the UNet then sees 3·n
// branches per call, in blocks [cond_1..n, img_cond_1..n, uncond_1..n]. Every frame keeps its own CPU generator,
// seeded and drawn exactly as in generateFrame (initial noise, then Euler-a's per-step noise), so a batched frame
// equals the same frame generated alone up to float rounding (batched GEMMs/convs sum in another order).
// How many frames fit is estimated from the config (estimateBranchActivationBytes, formula in pipeline.cpp and
// docs/benchmarks.md) against a memory budget (BatchSettings).
//
// Thread-safety: a Pix2GifPipeline is one job's state (source latent, text cache); use it from one thread.
// The model it holds may be shared with other pipelines that are not running at the same time.
#include <torch/types.h>

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pix2gif/pix2gif_model.h"

namespace sm::pix2gif {

enum class SamplerKind { EulerAncestral, Euler, DpmPP2MKarras };

struct FrameSettings {
    std::string caption;  // the designer's prompt; the motion sentence is appended (demo path)
    int64_t motion = 11;
    uint64_t seed = 1371;
};

struct SamplerSettings {
    SamplerKind sampler = SamplerKind::EulerAncestral;
    int steps = 100;
    double textScale = 7.5;
    double imageScale = 1.8;
    bool clampMotion = true;  // clamp to the trained rows 2..19 (with a warning) instead of using random rows
};

struct FrameProgress {
    int step = 0;  // 1-based
    int totalSteps = 0;
    const torch::Tensor* denoised = nullptr;  // x̂0 of this step for this frame, [1, 4, h, w] (scaled latent space)
    int frameInBatch = 0;                     // index into generateFrames' list (0 for generateFrame)
    int batchSize = 1;  // frames in this sampler run; onStep is called once per frame per step, in list order
};

/// How many frames generateFrames / planBatches may put into one sampler run.
struct BatchSettings {
    /// Upper bound on frames per batch; 0 = auto (as many as the memory budget allows), 1 = no batching.
    int maxFramesPerBatch = 0;
    /// Bytes the UNet activations of one call may use; 0 = auto: half of MemAvailable (/proc/meminfo) on the CPU,
    /// kDefaultCudaBudgetBytes on CUDA (LibTorch has no portable free-memory query).
    int64_t memoryBudgetBytes = 0;
};

inline constexpr int64_t kDefaultCudaBudgetBytes = int64_t(4) << 30;
inline constexpr int64_t kFallbackCpuBudgetBytes = int64_t(2) << 30;  // when /proc/meminfo cannot be read

/// Estimated peak UNet activation bytes of ONE CFG branch (one of the 3·n rows of a call) at the config's latent
/// size, for activations of `bytesPerElement` (4 for float32, 2 for fp16/bf16). The formula (pipeline.cpp):
///   skips    = Σ over input blocks of C_b·H_b·W_b                 (kept alive until the decoder half uses them)
///   working  = max over levels of  max(4·C·H·W,                                  (ResBlock in/norm/conv/out)
///                                      2·heads·N² + 2·heads·N·L + 18·N·C)         (attention levels only)
///              with N = H·W tokens of width C and L = 77 context tokens: self- and cross-attention scores and
///              probabilities (the plain attention path; fused kernels need less), plus q, k, v, out, residual,
///              norm (6·N·C) and the GEGLU projection and gate (12·N·C)
///   bytes    = 1.5 · bytesPerElement · (skips + working)            (1.5: allocator slack and temporaries)
int64_t estimateBranchActivationBytes(const Pix2GifConfig& config, int64_t bytesPerElement = 4);

/// Frames per sampler run for `settings` on `device`: floor(budget / (3 · branch bytes)), at least 1, at most
/// settings.maxFramesPerBatch when that is > 0. Throws sm::ArgumentError for negative settings.
int framesPerBatch(const Pix2GifConfig& config, const BatchSettings& settings, torch::Device device,
                   int64_t bytesPerElement = 4);

/// Splits `frameCount` frames into consecutive batch sizes of at most `perBatch` (the last may be smaller),
/// e.g. (7, 3) → {3, 3, 1}. Throws sm::ArgumentError for perBatch < 1 or frameCount < 0.
std::vector<int> planBatches(int frameCount, int perBatch);

/// Bytes the CPU may still use: MemAvailable from /proc/meminfo, or -1 when unknown (not Linux).
int64_t availableCpuMemoryBytes();

struct FrameCallbacks {
    std::function<void(const FrameProgress&)> onStep;
    std::function<void(const std::string&)> onWarning;
    const std::atomic<bool>* cancel = nullptr;  // polled before every UNet call
};

class Pix2GifPipeline {
public:
    explicit Pix2GifPipeline(Pix2GifModel model);

    /// The source image at the model's resolution: [1, 3, S, S] in [-1, 1]. Computes E(c_I) once.
    /// Throws sm::ArgumentError for another size.
    void setSource(const torch::Tensor& image);

    /// One frame: returns the decoded image [1, 3, S, S] in [-1, 1] (call decodeToUint8 for pixels).
    /// Throws sm::CancelledError when the cancel flag is set (checked before every UNet call).
    torch::Tensor generateFrame(const FrameSettings& frame, const SamplerSettings& settings,
                                const FrameCallbacks& callbacks = {});

    /// Several frames in ONE sampler run (UNet batch 3·n): returns the decoded images [n, 3, S, S] in list order.
    /// Frame i equals generateFrame(frames[i], settings) up to float tolerance (same seeds, same noise draws).
    /// Callbacks: onWarning once per clamped frame; onStep once per frame per step (frameInBatch = i), frames in
    /// list order within a step; cancel is polled before every UNet call and cancels the whole batch.
    /// The caller chooses n (see framesPerBatch); memory grows linearly with n. Throws sm::ArgumentError for an
    /// empty list, sm::CancelledError when cancelled.
    torch::Tensor generateFrames(const std::vector<FrameSettings>& frames, const SamplerSettings& settings,
                                 const FrameCallbacks& callbacks = {});

    /// The latents of the last generateFrame / generateFrames call (before decoding), [n, 4, h, w]; for tests and
    /// previews.
    const torch::Tensor& lastLatent() const { return m_lastLatent; }
    const Pix2GifModel& model() const { return m_model; }

private:
    torch::Tensor textEmbedding(const std::string& clipText);
    /// Clamps/validates a frame's motion row (warning through callbacks).
    int64_t resolveMotion(int64_t motion, const SamplerSettings& settings, const FrameCallbacks& callbacks) const;

    Pix2GifModel m_model;
    torch::Tensor m_source;  // E(c_I) [1, 4, h, w]
    std::map<std::string, torch::Tensor> m_textCache;
    torch::Tensor m_lastLatent;
};

/// (x + 1) / 2 clamped to [0, 1] · 255 truncated to uint8, as the reference: [B, 3, H, W] → uint8 [B, H, W, 3].
torch::Tensor decodeToUint8(const torch::Tensor& image);

/// A cheap latent → RGB projection for step previews (the widely used SD-1.x linear approximation of the VAE
/// decoder), [1, 4, h, w] scaled latent → uint8 [h·factor, w·factor, 3] (factor = the VAE's downsampling).
torch::Tensor latentPreview(const torch::Tensor& latent, int64_t factor = 8);

}  // namespace sm::pix2gif
