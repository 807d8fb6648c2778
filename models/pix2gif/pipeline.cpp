#include "pix2gif/pipeline.h"

#include <torch/torch.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "pix2gif/caption.h"
#include "runtime/error.h"
#include "sampling/cfg.h"
#include "sampling/k_diffusion.h"
#include "sampling/noise.h"

namespace sm::pix2gif {

Pix2GifPipeline::Pix2GifPipeline(Pix2GifModel model) : m_model(std::move(model)) {}

void Pix2GifPipeline::setSource(const torch::Tensor& image) {
    const int64_t size = m_model->config().imageSize();
    if (image.dim() != 4 || image.size(0) != 1 || image.size(1) != 3 || image.size(2) != size ||
        image.size(3) != size) {
        throw ArgumentError("Pix2Gif source image has shape " + io::shapeString(image.sizes()) + ", expected [1,3," +
                            std::to_string(size) + "," + std::to_string(size) + "]");
    }
    const auto param = m_model->parameters().front();
    m_source = m_model->encodeImage(image.to(param.device(), param.scalar_type()));
}

torch::Tensor Pix2GifPipeline::textEmbedding(const std::string& clipText) {
    auto it = m_textCache.find(clipText);
    if (it == m_textCache.end()) {
        it = m_textCache.emplace(clipText, m_model->encodeText({clipText})).first;
    }
    return it->second;
}

int64_t Pix2GifPipeline::resolveMotion(int64_t motion, const SamplerSettings& settings,
                                       const FrameCallbacks& callbacks) const {
    if (settings.clampMotion && (motion < kTrainedMotionMin || motion > kTrainedMotionMax)) {
        const int64_t clamped = std::clamp<int64_t>(motion, kTrainedMotionMin, kTrainedMotionMax);
        if (callbacks.onWarning) {
            callbacks.onWarning("motion " + std::to_string(motion) + " is outside the trained range " +
                                std::to_string(kTrainedMotionMin) + "–" + std::to_string(kTrainedMotionMax) +
                                "; using " + std::to_string(clamped));
        }
        motion = clamped;
    }
    const int64_t rows = m_model->config().motion.count;
    if (motion < 0 || motion >= rows) {
        throw ArgumentError("Pix2Gif: motion " + std::to_string(motion) + " outside the table's 0–" +
                            std::to_string(rows - 1));
    }
    return motion;
}

torch::Tensor Pix2GifPipeline::generateFrame(const FrameSettings& frame, const SamplerSettings& settings,
                                             const FrameCallbacks& callbacks) {
    return generateFrames({frame}, settings, callbacks);
}

torch::Tensor Pix2GifPipeline::generateFrames(const std::vector<FrameSettings>& frames, const SamplerSettings& settings,
                                              const FrameCallbacks& callbacks) {
    if (!m_source.defined()) {
        throw ArgumentError("Pix2Gif: no source image set");
    }
    if (frames.empty()) {
        throw ArgumentError("Pix2Gif: generateFrames needs at least one frame");
    }
    if (settings.steps < 1) {
        throw ArgumentError("Pix2Gif: steps must be at least 1, got " + std::to_string(settings.steps));
    }
    const int count = static_cast<int>(frames.size());

    // Conditioning, computed once per frame (upstream recomputes the warp every step with the same result).
    const torch::Tensor cNull = textEmbedding("");  // [1, 77, D]
    const torch::Tensor zero = torch::zeros_like(m_source);
    std::vector<torch::Tensor> cLCond, cLNull, concatCond, concatImage, concatUncond;
    for (const FrameSettings& frame : frames) {
        const int64_t motion = resolveMotion(frame.motion, settings, callbacks);
        const MotionPrompt prompt = demoPrompt(frame.caption, motion);
        const torch::Tensor cT = textEmbedding(prompt.clipText);                           // [1, 77, D]
        const torch::Tensor cM = m_model->motionEmbedding->embed(motion).to(cT.device());  // [1, D]
        cLCond.push_back(motionConditionedContext(cT, cM));
        cLNull.push_back(motionConditionedContext(cNull, cM));
        const torch::Tensor zWCond = flowConditionedWarp(*m_model->flownet, m_source, cLCond.back()).warped;
        const torch::Tensor zWImage = flowConditionedWarp(*m_model->flownet, m_source, cLNull.back()).warped;
        concatCond.push_back(torch::cat({m_source, zWCond}, 1));
        concatImage.push_back(torch::cat({m_source, zWImage}, 1));
        concatUncond.push_back(torch::cat({zero, zero}, 1));
    }
    // Branch blocks [cond_1..n, img_cond_1..n, uncond_1..n] (dualCfgDenoiser repeats x as [x, x, x] and
    // combineDualCfg chunks the output in three): text [c_i, null_i, null_i], image [E, E, 0], warp [z_W, z_W', 0].
    std::vector<torch::Tensor> contexts = cLCond;
    contexts.insert(contexts.end(), cLNull.begin(), cLNull.end());
    contexts.insert(contexts.end(), cLNull.begin(), cLNull.end());
    std::vector<torch::Tensor> concats = concatCond;
    concats.insert(concats.end(), concatImage.begin(), concatImage.end());
    concats.insert(concats.end(), concatUncond.begin(), concatUncond.end());
    const torch::Tensor context = torch::cat(contexts, 0);  // [3n, 77, D]
    const torch::Tensor concat = torch::cat(concats, 0);    // [3n, 8, h, w]

    unet::LdmUNet unetModule = m_model->unet;
    sampling::EpsModel eps = [unetModule, context, concat](const torch::Tensor& scaledX,
                                                           const torch::Tensor& t) mutable {
        return unetModule->forward(torch::cat({scaledX, concat}, 1), t, context);
    };
    const sampling::DiscreteSchedule& schedule = m_model->schedule();
    sampling::Denoiser denoiser =
        sampling::dualCfgDenoiser(sampling::compVisDenoiser(eps, schedule), settings.textScale, settings.imageScale);

    torch::Tensor sigmas = settings.sampler == SamplerKind::DpmPP2MKarras
                               ? sampling::getSigmasKarras(settings.steps, schedule.sigmaMin(), schedule.sigmaMax())
                               : schedule.getSigmas(settings.steps);
    sigmas = sigmas.to(m_source.device());
    // One generator per frame: torch.manual_seed(seed); randn_like(E)·σ_0 — drawn on the CPU so a seed means the
    // same on every device — and, for Euler-a, that frame's per-step noise from the same generator afterwards.
    std::vector<at::Generator> generators;
    std::vector<torch::Tensor> initial;
    const torch::Tensor latentShape = torch::zeros_like(m_source, torch::kCPU);  // [1, 4, h, w]
    for (const FrameSettings& frame : frames) {
        generators.push_back(sampling::makeCpuGenerator(frame.seed));
        initial.push_back(sampling::randnLike(latentShape, generators.back()));
    }
    torch::Tensor x = torch::cat(initial, 0).to(m_source.device()) * sigmas[0];  // [n, 4, h, w]

    sampling::SamplerHooks hooks;
    hooks.cancel = callbacks.cancel;
    const int total = settings.steps;
    hooks.onStep = [&callbacks, total, count](const sampling::StepInfo& info) {
        if (callbacks.onStep) {
            for (int i = 0; i < count; ++i) {
                const torch::Tensor denoised = info.denoised.dim() == 4 && info.denoised.size(0) == count
                                                   ? info.denoised.narrow(0, i, 1)
                                                   : info.denoised;
                FrameProgress progress;
                progress.step = static_cast<int>(info.index) + 1;
                progress.totalSteps = total;
                progress.denoised = &denoised;
                progress.frameInBatch = i;
                progress.batchSize = count;
                callbacks.onStep(progress);
            }
        }
        return sampling::StepAction::Continue;
    };
    switch (settings.sampler) {
        case SamplerKind::EulerAncestral: {
            sampling::EulerAncestralOptions options;
            // Each frame's noise from its own generator, in the shape an unbatched run draws ([1, 4, h, w]).
            const torch::TensorOptions xOptions = x.options();
            options.noiseSampler = [&generators, &latentShape, xOptions](const torch::Tensor&, const torch::Tensor&) {
                std::vector<torch::Tensor> noise;
                noise.reserve(generators.size());
                for (at::Generator& generator : generators) {
                    noise.push_back(sampling::randnLike(latentShape, generator));
                }
                return torch::cat(noise, 0).to(xOptions.device(), xOptions.dtype().toScalarType());
            };
            x = sampling::sampleEulerAncestral(denoiser, x, sigmas, generators.front(), options, hooks);
            break;
        }
        case SamplerKind::Euler: {
            // Without churn (the defaults) sample_euler draws noise it never uses; a scratch generator keeps the
            // frames' generators untouched so nothing depends on the batch.
            at::Generator scratch = sampling::makeCpuGenerator(frames.front().seed);
            x = sampling::sampleEuler(denoiser, x, sigmas, scratch, {}, hooks);
            break;
        }
        case SamplerKind::DpmPP2MKarras:
            x = sampling::sampleDpmpp2m(denoiser, x, sigmas, generators.front(), hooks);
            break;
    }
    m_lastLatent = x;
    // Decoded one frame at a time: the VAE decoder's activations at full resolution dominate otherwise, and a
    // frame's pixels then do not depend on the batch at all once its latent is fixed.
    std::vector<torch::Tensor> images;
    images.reserve(frames.size());
    for (int i = 0; i < count; ++i) {
        images.push_back(m_model->decodeLatent(x.narrow(0, i, 1)));
    }
    return count == 1 ? images.front() : torch::cat(images, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Batch sizing. The estimate walks the UNet's levels like UNetModel.__init__ (see the header for the formula).
int64_t estimateBranchActivationBytes(const Pix2GifConfig& config, int64_t bytesPerElement) {
    const unet::LdmUNetConfig& u = config.unet;
    constexpr int64_t kContextTokens = 77;
    int64_t side = config.latentSize();
    int64_t skips = u.modelChannels * side * side;  // conv_in output
    int64_t working = 0;
    const auto levels = static_cast<int64_t>(u.channelMult.size());
    int64_t ds = 1;
    for (int64_t level = 0; level < levels; ++level) {
        const int64_t channels = u.modelChannels * u.channelMult[static_cast<size_t>(level)];
        const int64_t tokens = side * side;
        skips += u.numResBlocks * channels * tokens;
        working = std::max(working, 4 * channels * tokens);
        const bool attention =
            std::find(u.attentionResolutions.begin(), u.attentionResolutions.end(), ds) != u.attentionResolutions.end();
        if (attention || level == levels - 1) {  // the middle block has attention at the last level's size
            const int64_t heads = u.headsFor(channels).first;
            working = std::max(
                working, 2 * heads * tokens * tokens + 2 * heads * tokens * kContextTokens + 18 * tokens * channels);
        }
        if (level != levels - 1) {
            side = (side + 1) / 2;
            skips += channels * side * side;  // Downsample output
            ds *= 2;
        }
    }
    return (skips + working) * bytesPerElement * 3 / 2;
}

int64_t availableCpuMemoryBytes() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    int64_t value = 0;
    std::string unit;
    while (meminfo >> key >> value >> unit) {
        if (key == "MemAvailable:") {
            return value * 1024;  // kB
        }
    }
    return -1;
}

int framesPerBatch(const Pix2GifConfig& config, const BatchSettings& settings, torch::Device device,
                   int64_t bytesPerElement) {
    if (settings.maxFramesPerBatch < 0 || settings.memoryBudgetBytes < 0 || bytesPerElement < 1) {
        throw ArgumentError("Pix2Gif batching: max frames per batch (" + std::to_string(settings.maxFramesPerBatch) +
                            "), memory budget (" + std::to_string(settings.memoryBudgetBytes) +
                            ") and element size must not be negative");
    }
    if (settings.maxFramesPerBatch == 1) {
        return 1;
    }
    int64_t budget = settings.memoryBudgetBytes;
    if (budget == 0) {
        if (device.is_cuda()) {
            budget = kDefaultCudaBudgetBytes;
        } else {
            // Half of what is free: the weights are already resident, and the studio and VAE need headroom.
            const int64_t available = availableCpuMemoryBytes();
            budget = available > 0 ? available / 2 : kFallbackCpuBudgetBytes;
        }
    }
    const int64_t perFrame = 3 * estimateBranchActivationBytes(config, bytesPerElement);
    int64_t frames = std::max<int64_t>(1, budget / perFrame);
    if (settings.maxFramesPerBatch > 0) {
        frames = std::min<int64_t>(frames, settings.maxFramesPerBatch);
    }
    return static_cast<int>(std::min<int64_t>(frames, 1 << 16));
}

std::vector<int> planBatches(int frameCount, int perBatch) {
    if (perBatch < 1 || frameCount < 0) {
        throw ArgumentError("Pix2Gif batching: cannot split " + std::to_string(frameCount) +
                            " frames into batches of " + std::to_string(perBatch));
    }
    std::vector<int> sizes;
    for (int done = 0; done < frameCount; done += perBatch) {
        sizes.push_back(std::min(perBatch, frameCount - done));
    }
    return sizes;
}

torch::Tensor decodeToUint8(const torch::Tensor& image) {
    // Truncation, not rounding, like `.type(torch.uint8)` in the demo.
    return ((image.detach().to(torch::kCPU, torch::kFloat32) + 1.0) / 2.0)
        .clamp(0.0, 1.0)
        .mul(255.0)
        .to(torch::kUInt8)
        .permute({0, 2, 3, 1})
        .contiguous();
}

torch::Tensor latentPreview(const torch::Tensor& latent, int64_t factor) {
    // Linear fit of the SD-1.x decoder's average colour per latent channel (community-standard coefficients).
    static const float kFactors[4][3] = {
        {0.298f, 0.207f, 0.208f}, {0.187f, 0.286f, 0.173f}, {-0.158f, 0.189f, 0.264f}, {-0.184f, -0.271f, -0.473f}};
    const torch::Tensor factors = torch::from_blob(const_cast<float*>(&kFactors[0][0]), {4, 3}).clone();
    torch::Tensor z = latent.detach().to(torch::kCPU, torch::kFloat32)[0];  // [4, h, w]
    if (z.size(0) != 4) {
        z = z.narrow(0, 0, std::min<int64_t>(4, z.size(0)));
    }
    torch::Tensor rgb = torch::einsum("chw,cr->rhw", {z, factors.narrow(0, 0, z.size(0))});  // [3, h, w]
    rgb = torch::upsample_nearest2d(rgb.unsqueeze(0), {z.size(1) * factor, z.size(2) * factor})[0];
    return ((rgb + 1.0) / 2.0).clamp(0.0, 1.0).mul(255.0).to(torch::kUInt8).permute({1, 2, 0}).contiguous();
}

}  // namespace sm::pix2gif
