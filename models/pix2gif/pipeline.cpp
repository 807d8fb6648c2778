#include "pix2gif/pipeline.h"

#include <torch/torch.h>

#include <algorithm>

#include "pix2gif/caption.h"
#include "runtime/error.h"
#include "sampling/cfg.h"
#include "sampling/k_diffusion.h"
#include "sampling/noise.h"

namespace sm::pix2gif {

Pix2GifPipeline::Pix2GifPipeline(Pix2GifModel model) : m_model(std::move(model)) {}

void Pix2GifPipeline::setSource(const torch::Tensor& image) {
    const int64_t size = m_model->config().imageSize();
    if (image.dim() != 4 || image.size(0) != 1 || image.size(1) != 3 || image.size(2) != size || image.size(3) != size) {
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

torch::Tensor Pix2GifPipeline::generateFrame(const FrameSettings& frame, const SamplerSettings& settings,
                                             const FrameCallbacks& callbacks) {
    if (!m_source.defined()) {
        throw ArgumentError("Pix2Gif: no source image set");
    }
    if (settings.steps < 1) {
        throw ArgumentError("Pix2Gif: steps must be at least 1, got " + std::to_string(settings.steps));
    }
    int64_t motion = frame.motion;
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

    // Conditioning, computed once per frame (upstream recomputes the warp every step with the same result).
    const MotionPrompt prompt = demoPrompt(frame.caption, motion);
    const torch::Tensor cT = textEmbedding(prompt.clipText);  // [1, 77, D]
    const torch::Tensor cNull = textEmbedding("");             // [1, 77, D]
    const torch::Tensor cM = m_model->motionEmbedding->embed(motion).to(cT.device());  // [1, D]
    const torch::Tensor cLCond = motionConditionedContext(cT, cM);
    const torch::Tensor cLNull = motionConditionedContext(cNull, cM);
    const torch::Tensor zWCond = flowConditionedWarp(*m_model->flownet, m_source, cLCond).warped;
    const torch::Tensor zWImage = flowConditionedWarp(*m_model->flownet, m_source, cLNull).warped;
    const torch::Tensor zero = torch::zeros_like(m_source);
    // Branch order [cond, img_cond, uncond]: text [c, null, null], image [E, E, 0], warp [z_W, z_W', 0].
    const torch::Tensor context = torch::cat({cLCond, cLNull, cLNull}, 0);
    const torch::Tensor concat =
        torch::cat({torch::cat({m_source, zWCond}, 1), torch::cat({m_source, zWImage}, 1), torch::cat({zero, zero}, 1)}, 0);

    unet::LdmUNet unetModule = m_model->unet;
    sampling::EpsModel eps = [unetModule, context, concat](const torch::Tensor& scaledX, const torch::Tensor& t) mutable {
        return unetModule->forward(torch::cat({scaledX, concat}, 1), t, context);
    };
    const sampling::DiscreteSchedule& schedule = m_model->schedule();
    sampling::Denoiser denoiser = sampling::dualCfgDenoiser(sampling::compVisDenoiser(eps, schedule),
                                                            settings.textScale, settings.imageScale);

    torch::Tensor sigmas = settings.sampler == SamplerKind::DpmPP2MKarras
                               ? sampling::getSigmasKarras(settings.steps, schedule.sigmaMin(), schedule.sigmaMax())
                               : schedule.getSigmas(settings.steps);
    sigmas = sigmas.to(m_source.device());
    at::Generator generator = sampling::makeCpuGenerator(frame.seed);
    // torch.manual_seed(seed); randn_like(E)·σ_0 — drawn on the CPU so a seed means the same on every device.
    torch::Tensor x = sampling::randnLike(torch::zeros_like(m_source, torch::kCPU), generator).to(m_source.device()) *
                      sigmas[0];

    sampling::SamplerHooks hooks;
    hooks.cancel = callbacks.cancel;
    const int total = settings.steps;
    hooks.onStep = [&callbacks, total](const sampling::StepInfo& info) {
        if (callbacks.onStep) {
            FrameProgress progress;
            progress.step = static_cast<int>(info.index) + 1;
            progress.totalSteps = total;
            progress.denoised = &info.denoised;
            callbacks.onStep(progress);
        }
        return sampling::StepAction::Continue;
    };
    switch (settings.sampler) {
        case SamplerKind::EulerAncestral:
            x = sampling::sampleEulerAncestral(denoiser, x, sigmas, generator, {}, hooks);
            break;
        case SamplerKind::Euler:
            x = sampling::sampleEuler(denoiser, x, sigmas, generator, {}, hooks);
            break;
        case SamplerKind::DpmPP2MKarras:
            x = sampling::sampleDpmpp2m(denoiser, x, sigmas, generator, hooks);
            break;
    }
    m_lastLatent = x;
    return m_model->decodeLatent(x);
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
