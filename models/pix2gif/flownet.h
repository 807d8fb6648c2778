#pragma once
// Pix2Gif's warping module W (openaimodel.py FlowNet / InjectionModule / WarpNet, util.py conv blocks, at
// hiteshK03/Pix2Gif@781ca78): FlowNet predicts a sampling grid from the source latent E(c_I) and the motion-aware
// text context c_L; WarpNet resamples E(c_I) with it into z_W.
//
// How it is assembled (pix2gif bundle, next round): the bundle registers a FlowNet under "flownet" next to the
// UNet, VAE, CLIP and MotionEmbedding ("interval_embedding") and loads it from the checkpoint's flownet.* keys
// (FlowNet's own keys are those without the prefix). Per (image, text, motion) and CFG branch:
//   c_L = motionConditionedContext(c_T, c_M);   z_W = flowConditionedWarp(flownet, E, c_L).warped;
// the UNet input is then cat([z_t·c_in, E, z_W], 1) at every sampler step. z_W depends on neither z_t nor σ, so
// it is computed once and reused across steps (upstream recomputes it each step with the same result). For the
// CFG batch [cond, img_cond, uncond] the latents are [E, E, 0] and the contexts [c_T, null, null] + c_M; the
// uncond branch warps a zero latent, so its z_W is 0.
//
// Keys (relative to "flownet."; "conv" blocks are Sequential(Conv, BatchNorm, LeakyReLU(0.2)) → .0 conv, .1 BN
// with weight, bias, running_mean, running_var, num_batches_tracked):
//   conv0 (in→ngf, s1), conv1 (ngf→ngf, s2), conv1_1 (ngf→2ngf), conv2 (2ngf→2ngf, s2), conv2_1 (2ngf→2ngf)
//   deconv1 (ConvT 2ngf→ngf/2), deconv0 (ConvT ngf/2+ngf/4+2→ngf/4)          ConvTranspose2d k4 s2 p1
//   inter_conv1 (ngf/2+ngf/4+2→ngf/2), inter_conv0 (ngf/4+2→ngf/4)
//   predict_flow{2,1,0}.0 (→2 channels, then tanh); upsampled_flow2_to_1, upsampled_flow1_to_0 (ConvT 2→2)
//   injection1.linear (Conv1d tokens→ngf/4, k3 s3 p1), injection1.norm (LayerNorm [(ngf/4)², ngf/4])
// Real size: ngf 64, in 4 → 77 tensors, 520,170 parameters; hard-wired to 77×768 contexts and 32×32 latents
// (256×256 images): the injection's 16×16 map must meet the 16×16 deconv1 output.
//
// BatchNorm runs on its running statistics: a FlowNet is constructed in eval mode (call train() to train it).
// Thread-safety: forward() in eval mode only reads parameters; concurrent calls on one instance are safe.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <string>

#include "io/state_dict.h"
#include "runtime/layers.h"

namespace sm::pix2gif {

/// Prefix of the FlowNet inside a Pix2Gif LatentDiffusion checkpoint.
inline constexpr const char* kFlowNetPrefix = "flownet.";

struct FlowNetConfig {
    int64_t ngf = 64;            // base width
    int64_t inChannels = 4;      // latent channels of E(c_I)
    int64_t contextTokens = 77;  // CLIP tokens, the injection conv's input channels

    int64_t injectionSize() const { return ngf / 4; }  // side of the injected map (16) and its channel count
    /// Throws sm::ArgumentError when ngf is not a positive multiple of 4 or a width is not positive.
    void validate() const;
};

/// Reads ngf, in channels and token count from conv0.0.weight and injection1.linear.weight under `prefix`
/// (kFlowNetPrefix for a checkpoint, "" for a bare FlowNet state dict). Throws sm::WeightsError naming `source`.
FlowNetConfig flowNetConfigFromWeights(const io::StateDict& weights, const std::string& source,
                                       const std::string& prefix = kFlowNetPrefix);

/// conv / i_conv / deconv of util.py: (Conv2d | ConvTranspose2d) → BatchNorm2d → LeakyReLU(0.2); keys .0 and .1.
class ConvBnReluImpl : public torch::nn::Module {
public:
    enum class Kind { Conv3x3, TransposedUp2x };
    ConvBnReluImpl(Kind kind, int64_t in, int64_t out, int64_t stride = 1);
    torch::Tensor forward(const torch::Tensor& x);

private:
    Conv2d m_conv{nullptr};
    ConvTranspose2d m_deconv{nullptr};
    BatchNorm2d m_norm{nullptr};
};
TORCH_MODULE(ConvBnRelu);

/// predict_flow of util.py: Conv2d(in → 2, 3×3) → tanh; key .0.
class PredictFlowImpl : public torch::nn::Module {
public:
    explicit PredictFlowImpl(int64_t in);
    torch::Tensor forward(const torch::Tensor& x);  // [B, in, H, W] -> [B, 2, H, W] in (-1, 1)

private:
    Conv2d m_conv{nullptr};
};
TORCH_MODULE(PredictFlow);

/// InjectionModule (I_M): the tokens act as Conv1d channels and the 768 context dims as its length.
/// [B, tokens, 768] → Conv1d(k3 s3 p1) [B, S, S²] → LayerNorm over the whole [S², S] map → ReLU →
/// reshape [B, S, S, S] (channel = conv output channel, position p → (p / S, p % S)).
class InjectionModuleImpl : public torch::nn::Module {
public:
    InjectionModuleImpl(int64_t tokens, int64_t size);
    torch::Tensor forward(const torch::Tensor& context);  // [B, tokens, D] with (D + 2 - 3)/3 + 1 == size²

    int64_t size() const { return m_size; }
    int64_t tokens() const { return m_tokens; }

private:
    int64_t m_tokens;
    int64_t m_size;
    Conv1d m_linear{nullptr};
    LayerNorm m_norm{nullptr};
};
TORCH_MODULE(InjectionModule);

/// FlowNet outputs. Only flow0 drives the warp; flow1/flow2 have no loss upstream and are kept for inspection.
struct FlowNetOutput {
    torch::Tensor flow0;      // [B, 2, H, W] absolute sampling grid in (-1, 1), channel 0 = x, 1 = y
    torch::Tensor flow1;      // [B, 2, H/2, W/2]
    torch::Tensor flow2;      // [B, 2, H/4, W/4]
    torch::Tensor injection;  // [B, S, S, S] injection1 output (S = ngf/4)
};

class FlowNetImpl : public torch::nn::Module {
public:
    /// Throws sm::ArgumentError for an invalid config. The module starts in eval mode.
    explicit FlowNetImpl(FlowNetConfig config = {});

    /// latent: E(c_I) [B, inChannels, 2S, 2S] (32×32 at real size); context: c_L [B, tokens, 768].
    FlowNetOutput forward(const torch::Tensor& latent, const torch::Tensor& context);

    const FlowNetConfig& config() const { return m_config; }

private:
    FlowNetConfig m_config;
    ConvBnRelu m_conv0{nullptr}, m_conv1{nullptr}, m_conv1_1{nullptr}, m_conv2{nullptr}, m_conv2_1{nullptr};
    ConvBnRelu m_deconv1{nullptr}, m_deconv0{nullptr}, m_interConv1{nullptr}, m_interConv0{nullptr};
    PredictFlow m_predictFlow2{nullptr}, m_predictFlow1{nullptr}, m_predictFlow0{nullptr};
    ConvTranspose2d m_upFlow2To1{nullptr}, m_upFlow1To0{nullptr};
    InjectionModule m_injection1{nullptr};
};
TORCH_MODULE(FlowNet);

/// WarpNet: grid_sample(latent, flow0 as an NHWC grid), bilinear, zero padding, align_corners false. The flow is
/// an ABSOLUTE normalised grid (not a displacement): channel 0 is x (width), channel 1 is y (height).
/// latent: [B, C, H, W]; flow0: [B, 2, H', W'] → [B, C, H', W'].
torch::Tensor warpLatent(const torch::Tensor& latent, const torch::Tensor& flow0);

struct WarpResult {
    torch::Tensor warped;  // z_W [B, C, H, W]
    FlowNetOutput flows;
};

/// LatentDiffusion.flow_conditioned_warp: flows = flownet(latent, contextL); z_W = warpLatent(latent, flow0).
WarpResult flowConditionedWarp(FlowNetImpl& flownet, const torch::Tensor& latent, const torch::Tensor& contextL);

}  // namespace sm::pix2gif
