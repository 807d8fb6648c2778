#include "sampling/cfg.h"

#include <torch/torch.h>

#include <string>
#include <utility>

#include "runtime/error.h"

namespace sm::sampling {
namespace {

void checkBatch(const char* what, const torch::Tensor& t, int64_t batch) {
    if (!t.defined() || t.dim() < 1 || t.size(0) != batch) {
        throw ArgumentError(std::string("dual CFG batch: ") + what + " has batch " +
                            (t.defined() && t.dim() ? std::to_string(t.size(0)) : std::string("none")) + ", expected " +
                            std::to_string(batch));
    }
}

}  // namespace

torch::Tensor combineDualCfg(const torch::Tensor& denoised3, double textScale, double imageScale) {
    if (!denoised3.defined() || denoised3.dim() < 1 || denoised3.size(0) == 0 || denoised3.size(0) % 3 != 0) {
        throw ArgumentError("dual CFG: the model output needs a batch of 3·B [cond, img_cond, uncond], got " +
                            (denoised3.defined() && denoised3.dim() ? std::to_string(denoised3.size(0))
                                                                    : std::string("no batch dimension")));
    }
    const auto parts = denoised3.chunk(3, 0);
    const torch::Tensor& cond = parts[0];
    const torch::Tensor& imgCond = parts[1];
    const torch::Tensor& uncond = parts[2];
    // Same association as demo.py: (uncond + s_T·(cond − img_cond)) + s_I·(img_cond − uncond).
    return uncond + (cond - imgCond) * textScale + (imgCond - uncond) * imageScale;
}

torch::Tensor combineCfg(const torch::Tensor& output2, double guidanceScale) {
    if (!output2.defined() || output2.dim() < 1 || output2.size(0) == 0 || output2.size(0) % 2 != 0) {
        throw ArgumentError(
            "CFG: the model output needs a batch of 2·B [uncond, cond], got " +
            (output2.defined() && output2.dim() ? std::to_string(output2.size(0)) : std::string("no batch dimension")));
    }
    // diffusers: noise_pred_uncond, noise_pred_text = noise_pred.chunk(2).
    const auto parts = output2.chunk(2, 0);
    return parts[0] + (parts[1] - parts[0]) * guidanceScale;
}

DualCfgBatch makeDualCfgBatch(const torch::Tensor& x, const torch::Tensor& sigma, const torch::Tensor& condCrossattn,
                              const torch::Tensor& uncondCrossattn, const torch::Tensor& condConcat,
                              const torch::Tensor& uncondConcat) {
    if (!x.defined() || x.dim() < 1) {
        throw ArgumentError("dual CFG batch: x must be a [B, ...] tensor");
    }
    const int64_t batch = x.size(0);
    checkBatch("sigma", sigma, batch);
    checkBatch("cond crossattn", condCrossattn, batch);
    checkBatch("uncond crossattn", uncondCrossattn, batch);
    checkBatch("cond concat", condConcat, batch);
    checkBatch("uncond concat", uncondConcat, batch);
    DualCfgBatch out;
    out.x = torch::cat({x, x, x});
    out.sigma = torch::cat({sigma, sigma, sigma});
    out.crossattn = torch::cat({condCrossattn, uncondCrossattn, uncondCrossattn});
    out.concat = torch::cat({condConcat, condConcat, uncondConcat});
    return out;
}

Denoiser dualCfgDenoiser(Denoiser inner, double textScale, double imageScale) {
    if (!inner) {
        throw ArgumentError("dualCfgDenoiser: the inner denoiser is empty");
    }
    // One batched model call for the three branches: the UNet cost grows less than 3x with the batch.
    return [inner = std::move(inner), textScale, imageScale](const torch::Tensor& x, const torch::Tensor& sigma) {
        const torch::Tensor out = inner(torch::cat({x, x, x}), torch::cat({sigma, sigma, sigma}));  // [3B, ...]
        return combineDualCfg(out, textScale, imageScale);
    };
}

}  // namespace sm::sampling
