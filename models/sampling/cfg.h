#pragma once
// Classifier-free guidance as pure functions over batched model outputs.
//
//  - Pix2Gif (InstructPix2Pix-style dual guidance, demo.py CFGDenoiser): the UNet runs once on a 3·B batch in the
//    block order [cond, img_cond, uncond] (cross-attention [c_T, null, null], concat [E, E, 0]) and the denoised
//    outputs combine as  out = uncond + s_T·(cond − img_cond) + s_I·(img_cond − uncond).
//    The coefficients sum to 1, so the same formula holds in eps space.
//  - Cinemo (diffusers convention): a 2·B batch [uncond, cond] and  out = uncond + s·(cond − uncond).
//
// Batches are blocks along dim 0 (torch.cat([a, b, c]) / .chunk(3)); with B = 1 this equals demo.py's
// einops.repeat. Everything here is reentrant.
#include <torch/types.h>

#include <functional>

#include "sampling/k_diffusion.h"

namespace sm::sampling {

/// The dual combination. denoised3: [3·B, ...] in order [cond, img_cond, uncond]; returns [B, ...].
/// Throws sm::ArgumentError when dim 0 is not a positive multiple of 3.
torch::Tensor combineDualCfg(const torch::Tensor& denoised3, double textScale, double imageScale);

/// The 2-branch combination. output2: [2·B, ...] in order [uncond, cond]; returns [B, ...].
/// Throws sm::ArgumentError when dim 0 is not a positive even number.
torch::Tensor combineCfg(const torch::Tensor& output2, double guidanceScale);

/// The inputs demo.py's CFGDenoiser hands to the inner model for one call.
struct DualCfgBatch {
    torch::Tensor x;          // [3B, ...]  x repeated
    torch::Tensor sigma;      // [3B]       σ repeated
    torch::Tensor crossattn;  // [3B, L, D] [cond, uncond, uncond]
    torch::Tensor concat;     // [3B, C, H, W] [cond, cond, uncond]
};

/// Builds the [cond, img_cond, uncond] batch. x: [B, ...]; sigma: [B]; the crossattn / concat tensors: [B, ...]
/// each (uncondConcat is zeros_like(condConcat) in Pix2Gif). Throws sm::ArgumentError on batch mismatches.
DualCfgBatch makeDualCfgBatch(const torch::Tensor& x, const torch::Tensor& sigma, const torch::Tensor& condCrossattn,
                              const torch::Tensor& uncondCrossattn, const torch::Tensor& condConcat,
                              const torch::Tensor& uncondConcat);

/// A Denoiser that runs `inner` once on x and σ repeated 3× (block order [cond, img_cond, uncond]) and returns
/// combineDualCfg of its [3B, ...] output. The inner denoiser supplies the per-branch conditioning itself (e.g. a
/// CompVis denoiser over a UNet closure that captured makeDualCfgBatch's crossattn/concat).
Denoiser dualCfgDenoiser(Denoiser inner, double textScale, double imageScale);

}  // namespace sm::sampling
