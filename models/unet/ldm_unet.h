#pragma once
// The ldm UNetModel (ldm/modules/diffusionmodules/openaimodel.py of CompVis stable-diffusion, as vendored by
// InstructPix2Pix and Pix2Gif@781ca78) in the configuration SD-1.x uses: SpatialTransformer attention with a
// cross-attention context, conv resampling, no scale-shift norm, no class labels.
//
// Pix2Gif's UNet: in 12 = [z_t·c_in (4) | E(c_I) (4) | z_W (4)], out 4 (eps), model_channels 320,
// channel_mult [1,2,4,4], 2 res blocks, attention at ds 4/2/1, 8 heads, depth 1, context 768 (c_L = c_T + c_M):
// 686 tensors, 859,544,004 parameters. Keys are the bare UNetModel names; a Pix2Gif/SD checkpoint prefixes them
// with "model.diffusion_model." (kCheckpointPrefix) and keeps an EMA copy under "model_ema." + the key with all
// dots removed ("model_ema.diffusion_modelinput_blocks00weight"); inference uses the EMA weights.
//
// How it is assembled (pix2gif bundle, next round): the bundle builds LdmUNet(configFromWeights(dict, src,
// kCheckpointPrefix)), fills it from the EMA keys (fallback: model.diffusion_model.*) with io::loadModuleWeights,
// and the sampler's denoiser callback calls forward(cat([x·c_in, E, z_W], 1), t(σ), c_L) once per step for the
// batched CFG branches [cond, img_cond, uncond].
//
// Key layout (N = position in the upstream nn.ModuleList / TimestepEmbedSequential):
//   time_embed.{0,2}                      Linear C → 4C, SiLU, Linear 4C → 4C
//   input_blocks.0.0                      Conv2d in → C (3×3)
//   input_blocks.N.0                      ResBlock: in_layers.{0,2}, emb_layers.1, out_layers.{0,3}, [skip_connection]
//   input_blocks.N.1                      SpatialTransformer (levels listed in attentionResolutions)
//   input_blocks.N.0.op                   Downsample: Conv2d 3×3 stride 2
//   middle_block.{0,1,2}                  ResBlock, SpatialTransformer, ResBlock
//   output_blocks.N.{0,1,2}               ResBlock(ch + skip), [SpatialTransformer], [Upsample: .conv]
//   out.{0,2}                             GroupNorm32, SiLU, Conv2d C → out (3×3)
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "io/state_dict.h"
#include "runtime/layers.h"
#include "unet/spatial_transformer.h"

namespace sm::unet {

/// Prefix of the UNet inside an ldm LatentDiffusion checkpoint.
inline constexpr const char* kCheckpointPrefix = "model.diffusion_model.";

/// The checkpoint name of a bare UNet key: kCheckpointPrefix + key.
std::string checkpointKey(const std::string& bareKey);

/// LitEma's buffer name for a UNet parameter: "model_ema." followed by "diffusion_model." + key with every dot
/// removed, e.g. input_blocks.0.0.weight → model_ema.diffusion_modelinput_blocks00weight (unique for all 686 keys).
std::string emaKey(const std::string& bareKey);

struct LdmUNetConfig {
    int64_t inChannels = 12;
    int64_t outChannels = 4;
    int64_t modelChannels = 320;
    std::vector<int64_t> channelMult{1, 2, 4, 4};
    int64_t numResBlocks = 2;
    /// Downsampling factors ds (1, 2, 4, ...) whose levels get a SpatialTransformer after each ResBlock.
    /// The middle block always has one.
    std::vector<int64_t> attentionResolutions{4, 2, 1};
    /// Heads per attention layer; when numHeadChannels > 0 it wins and heads = channels / numHeadChannels.
    int64_t numHeads = 8;
    int64_t numHeadChannels = -1;
    int64_t transformerDepth = 1;
    int64_t contextDim = 768;
    /// ldm's `legacy` flag; with SpatialTransformer attention both values give dimHead = channels / heads.
    bool legacy = false;
    /// GroupNorm groups of every norm (ResBlocks, SpatialTransformers, out). ldm hard-codes 32 (GroupNorm32 and
    /// Normalize), so every released checkpoint has 32; the weights do not show it, so our own small models store
    /// it in their config. With modelChannels 32, 32 groups normalise each channel alone and the final norm
    /// removes each output channel's mean, which a small UNet then cannot predict (the demo UNet uses 1).
    int64_t normGroups = 32;

    /// Time-embedding width (4·modelChannels).
    int64_t timeEmbedDim() const { return modelChannels * 4; }
    /// (heads, dimHead) of the attention layers at a level of width `channels`, following UNetModel.__init__.
    std::pair<int64_t, int64_t> headsFor(int64_t channels) const;
    /// Throws sm::ArgumentError naming the first inconsistent field (GroupNorm divisibility, heads, ...).
    void validate() const;
    /// "in 12, out 4, C 320, mult [1,2,4,4], res 2, attn [4,2,1], heads 8, depth 1, ctx 768"
    std::string describe() const;
};

/// Derives the config from a UNet state dict whose keys start with `prefix` ("" for bare keys,
/// kCheckpointPrefix for a LatentDiffusion checkpoint): in/out channels, model channels, channel_mult and
/// num_res_blocks from the block widths, attention levels from which input blocks own a `.1.proj_in`, context
/// width from attn2.to_k, transformer depth from the middle block. Heads are not stored in the weights:
/// numHeads keeps its default (8, as SD-1.x); set it afterwards for other models.
/// Throws sm::WeightsError naming `source` and the missing or inconsistent key.
LdmUNetConfig configFromWeights(const io::StateDict& weights, const std::string& source,
                                const std::string& prefix = "");

/// Sinusoidal timestep embedding exactly as ldm's timestep_embedding(): frequencies
/// exp(-ln(maxPeriod)·i/half) in float32, args = t·freq, output [cos(args) | sin(args)] (a zero column is
/// appended when dim is odd). timesteps: [B], any numeric dtype, may be fractional (k-diffusion feeds the
/// continuous t(σ)); it is converted to float32 first like upstream's `.float()`. Returns float32 [B, dim].
torch::Tensor timestepEmbedding(const torch::Tensor& timesteps, int64_t dim, double maxPeriod = 10000.0);

/// ResBlock(channels → outChannels) conditioned on the time embedding (no up/down, no scale-shift).
class ResBlockImpl : public torch::nn::Module {
public:
    ResBlockImpl(int64_t channels, int64_t embChannels, int64_t outChannels, int64_t normGroups = 32);
    /// x: [B, channels, H, W]; emb: [B, embChannels]. Returns [B, outChannels, H, W].
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& emb);

private:
    GroupNorm m_inNorm{nullptr}, m_outNorm{nullptr};
    Conv2d m_inConv{nullptr}, m_outConv{nullptr}, m_skip{nullptr};  // m_skip: 1×1, only when widths differ
    Linear m_embProj{nullptr};
};
TORCH_MODULE(ResBlock);

/// Downsample(use_conv=True): key `op`, Conv2d 3×3 stride 2 padding 1.
class DownsampleImpl : public torch::nn::Module {
public:
    explicit DownsampleImpl(int64_t channels);
    torch::Tensor forward(const torch::Tensor& x);  // [B, C, H, W] -> [B, C, ceil(H/2), ceil(W/2)]

private:
    Conv2d m_op{nullptr};
};
TORCH_MODULE(Downsample);

/// Upsample(use_conv=True): nearest ×2 then key `conv`, Conv2d 3×3 padding 1.
class UpsampleImpl : public torch::nn::Module {
public:
    explicit UpsampleImpl(int64_t channels);
    torch::Tensor forward(const torch::Tensor& x);  // [B, C, H, W] -> [B, C, 2H, 2W]

private:
    Conv2d m_conv{nullptr};
};
TORCH_MODULE(Upsample);

/// TimestepEmbedSequential: layers registered as "0", "1", ... and run in order; ResBlocks get the time
/// embedding, SpatialTransformers the context.
class TimestepSequentialImpl : public torch::nn::Module {
public:
    using Layer = std::variant<Conv2d, ResBlock, SpatialTransformer, Downsample, Upsample>;

    TimestepSequentialImpl() : torch::nn::Module("TimestepEmbedSequential") {}
    /// Appends a layer under the next index.
    void append(Layer layer);
    torch::Tensor forward(torch::Tensor x, const torch::Tensor& emb, const torch::Tensor& context);

private:
    std::vector<Layer> m_layers;
};
TORCH_MODULE(TimestepSequential);

/// Intermediate activations of one forward pass (for golden comparisons and debugging).
struct LdmUNetTrace {
    torch::Tensor timestepEmbedding;         // [B, C] sinusoid (input of time_embed)
    torch::Tensor emb;                       // [B, 4C] time_embed output
    std::vector<torch::Tensor> inputBlocks;  // output of every input block
    torch::Tensor middleBlock;
    std::vector<torch::Tensor> outputBlocks;  // output of every output block, before `out`
};

/// The UNet. Parameters are created per the thread's sm::ParameterInit (Meta builds the full-size tree without
/// memory for manifest checks). Thread-safety: forward() only reads parameters; concurrent calls are safe.
class LdmUNetImpl : public torch::nn::Module {
public:
    /// Throws sm::ArgumentError when the config is inconsistent (see LdmUNetConfig::validate).
    explicit LdmUNetImpl(LdmUNetConfig config);

    /// x: [B, inChannels, H, W] (H, W divisible by 2^(levels-1)); timesteps: [B] or a scalar (broadcast), may be
    /// fractional; context: [B, L, contextDim]. Returns [B, outChannels, H, W] in x's dtype (the body runs in the
    /// parameters' dtype). When `trace` is given it receives every intermediate activation.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& timesteps, const torch::Tensor& context,
                          LdmUNetTrace* trace = nullptr);

    const LdmUNetConfig& config() const { return m_config; }

private:
    LdmUNetConfig m_config;
    Linear m_timeEmbed0{nullptr}, m_timeEmbed2{nullptr};
    std::vector<TimestepSequential> m_inputBlocks;
    TimestepSequential m_middleBlock{nullptr};
    std::vector<TimestepSequential> m_outputBlocks;
    GroupNorm m_outNorm{nullptr};
    Conv2d m_outConv{nullptr};
};
TORCH_MODULE(LdmUNet);

}  // namespace sm::unet
