#pragma once
// Pix2Gif frame generation as the authors run it (demo.py @781ca78), per job:
//   E = VAE mode of the source (once);  c_T = CLIP(caption + motion sentence), null = CLIP("") (cached);
//   per frame: c_M = motion row; c_L = c_T + c_M; z_W = W(E, c_L) for [cond, img_cond] (0 for uncond) — once;
//   x = randn(seed)·σ_0; Euler-ancestral over the CompVis σ table, one UNet call per step on the batched
//   [cond, img_cond, uncond] branches, combined with the text and image scales; decode z / 0.18215.
// Each frame re-seeds its own generator (the authors seed every frame identically; the studio passes the same
// seed for every frame unless "different noise per frame" is on).
//
// Thread-safety: a Pix2GifPipeline is one job's state (source latent, text cache); use it from one thread.
// The model it holds may be shared with other pipelines that are not running at the same time.
#include <torch/types.h>

#include <atomic>
#include <functional>
#include <map>
#include <string>

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
    const torch::Tensor* denoised = nullptr;  // x̂0 of this step, [1, 4, h, w] (scaled latent space)
};

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

    /// The latent of the last generated frame (before decoding), [1, 4, h, w]; for tests and previews.
    const torch::Tensor& lastLatent() const { return m_lastLatent; }
    const Pix2GifModel& model() const { return m_model; }

private:
    torch::Tensor textEmbedding(const std::string& clipText);

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
