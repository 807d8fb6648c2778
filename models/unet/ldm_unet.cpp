#include "unet/ldm_unet.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "runtime/error.h"
#include "unet/indexed_container.h"

namespace sm::unet {
namespace {

// GroupNorm32 in ldm's diffusionmodules/util.py: 32 groups (LdmUNetConfig::normGroups), PyTorch's default eps.
constexpr double kGroupNormEps = 1e-5;

std::string listString(const std::vector<int64_t>& values) {
    std::ostringstream out;
    out << '[';
    for (size_t i = 0; i < values.size(); ++i) {
        out << (i ? "," : "") << values[i];
    }
    out << ']';
    return out.str();
}

bool contains(const std::vector<int64_t>& values, int64_t v) {
    return std::find(values.begin(), values.end(), v) != values.end();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Checkpoint names

std::string checkpointKey(const std::string& bareKey) {
    return kCheckpointPrefix + bareKey;
}

std::string emaKey(const std::string& bareKey) {
    // LitEma registers each shadow buffer under the parameter's full name with the dots removed.
    std::string name = "diffusion_model." + bareKey;
    name.erase(std::remove(name.begin(), name.end(), '.'), name.end());
    return "model_ema." + name;
}

// ---------------------------------------------------------------------------------------------------------------
// Config

std::pair<int64_t, int64_t> LdmUNetConfig::headsFor(int64_t channels) const {
    // UNetModel.__init__: num_head_channels wins when set; `legacy` recomputes dim_head = ch // num_heads, which
    // for SpatialTransformer attention is the same value in both branches.
    if (numHeadChannels > 0) {
        return {channels / numHeadChannels, numHeadChannels};
    }
    return {numHeads, channels / numHeads};
}

void LdmUNetConfig::validate() const {
    auto fail = [this](const std::string& what) {
        throw ArgumentError("ldm UNet config (" + describe() + "): " + what);
    };
    if (inChannels <= 0 || outChannels <= 0) {
        fail("in/out channels must be positive");
    }
    // Every width in the network is a multiple of modelChannels (or a sum of two), so this covers every norm.
    if (normGroups <= 0 || modelChannels <= 0 || modelChannels % normGroups != 0) {
        fail("modelChannels must be a positive multiple of normGroups (" + std::to_string(normGroups) + ")");
    }
    if (channelMult.empty() || std::any_of(channelMult.begin(), channelMult.end(), [](int64_t m) { return m <= 0; })) {
        fail("channelMult must be a non-empty list of positive factors");
    }
    if (channelMult.front() != 1) {
        // ldm's final conv takes model_channels inputs while its norm sees the level-0 width.
        fail("channelMult[0] must be 1 (ldm's output conv reads modelChannels features)");
    }
    if (numResBlocks <= 0) {
        fail("numResBlocks must be positive");
    }
    if (transformerDepth <= 0 || contextDim <= 0) {
        fail("transformerDepth and contextDim must be positive");
    }
    if (numHeadChannels <= 0 && numHeads <= 0) {
        fail("either numHeads or numHeadChannels must be set");
    }
    // Heads must divide every width that carries attention, the middle block included.
    std::vector<int64_t> widths{modelChannels * channelMult.back()};
    int64_t ds = 1;
    for (int64_t mult : channelMult) {
        if (contains(attentionResolutions, ds)) {
            widths.push_back(modelChannels * mult);
        }
        ds *= 2;
    }
    for (int64_t w : widths) {
        const int64_t divisor = numHeadChannels > 0 ? numHeadChannels : numHeads;
        if (w % divisor != 0) {
            fail("attention width " + std::to_string(w) + " is not divisible by " +
                 (numHeadChannels > 0 ? "numHeadChannels " : "numHeads ") + std::to_string(divisor));
        }
    }
}

std::string LdmUNetConfig::describe() const {
    std::ostringstream out;
    out << "in " << inChannels << ", out " << outChannels << ", C " << modelChannels << ", mult "
        << listString(channelMult) << ", res " << numResBlocks << ", attn " << listString(attentionResolutions)
        << ", heads " << (numHeadChannels > 0 ? "dim " + std::to_string(numHeadChannels) : std::to_string(numHeads))
        << ", depth " << transformerDepth << ", ctx " << contextDim;
    if (normGroups != 32) {
        out << ", " << normGroups << " norm groups";
    }
    return out.str();
}

LdmUNetConfig configFromWeights(const io::StateDict& weights, const std::string& source, const std::string& prefix) {
    auto find = [&](const std::string& key) -> const torch::Tensor* {
        const auto it = weights.find(prefix + key);
        return it == weights.end() ? nullptr : &it->second;
    };
    auto require = [&](const std::string& key, int64_t dims) -> const torch::Tensor& {
        const torch::Tensor* t = find(key);
        if (!t) {
            throw WeightsError(source + ": key " + prefix + key + " is missing; not an ldm UNetModel state dict");
        }
        if (t->dim() != dims) {
            throw WeightsError(source + ": key " + prefix + key + " has shape " + io::shapeString(t->sizes()) +
                               ", expected " + std::to_string(dims) + " dimensions");
        }
        return *t;
    };

    LdmUNetConfig config;
    const torch::Tensor& convIn = require("input_blocks.0.0.weight", 4);
    config.modelChannels = convIn.size(0);
    config.inChannels = convIn.size(1);
    config.outChannels = require("out.2.weight", 4).size(0);

    // Walk the input blocks: ResBlocks give each level's width, Downsamples separate the levels.
    std::vector<std::vector<int64_t>> levels(1);  // per level: widths of its ResBlocks
    std::vector<bool> levelHasAttention(1, false);
    for (int64_t n = 1;; ++n) {
        const std::string block = "input_blocks." + std::to_string(n) + ".";
        if (find(block + "0.op.weight")) {
            levels.emplace_back();
            levelHasAttention.push_back(false);
        } else if (const torch::Tensor* conv = find(block + "0.in_layers.2.weight")) {
            levels.back().push_back(conv->size(0));
            if (find(block + "1.proj_in.weight")) {
                levelHasAttention.back() = true;
            }
        } else {
            break;
        }
    }
    config.numResBlocks = static_cast<int64_t>(levels.front().size());
    config.channelMult.clear();
    config.attentionResolutions.clear();
    for (size_t level = 0; level < levels.size(); ++level) {
        const auto& widths = levels[level];
        if (static_cast<int64_t>(widths.size()) != config.numResBlocks || widths.empty()) {
            throw WeightsError(source + ": level " + std::to_string(level) + " of the input blocks has " +
                               std::to_string(widths.size()) + " ResBlocks, expected " +
                               std::to_string(config.numResBlocks) + " like level 0");
        }
        if (widths.front() % config.modelChannels != 0) {
            throw WeightsError(source + ": level " + std::to_string(level) + " width " +
                               std::to_string(widths.front()) + " is not a multiple of model_channels " +
                               std::to_string(config.modelChannels));
        }
        config.channelMult.push_back(widths.front() / config.modelChannels);
        if (levelHasAttention[level]) {
            config.attentionResolutions.push_back(int64_t{1} << level);
        }
    }

    // Descending, as the configs write it ([4,2,1]); the order carries no meaning.
    std::sort(config.attentionResolutions.rbegin(), config.attentionResolutions.rend());

    // The middle block's transformer always exists: it gives the context width and the depth.
    const std::string mid = "middle_block.1.transformer_blocks.";
    config.contextDim = require(mid + "0.attn2.to_k.weight", 2).size(1);
    config.transformerDepth = 0;
    while (find(mid + std::to_string(config.transformerDepth) + ".norm1.weight")) {
        ++config.transformerDepth;
    }
    return config;
}

// ---------------------------------------------------------------------------------------------------------------
// Timestep embedding

torch::Tensor timestepEmbedding(const torch::Tensor& timesteps, int64_t dim, double maxPeriod) {
    TORCH_CHECK(timesteps.dim() == 1, "timestepEmbedding: timesteps must be [B], got ", timesteps.sizes());
    const int64_t half = dim / 2;
    // Same float32 operations in the same order as ldm: exp(-ln(P) · arange(half) / half).
    const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(timesteps.device());
    const torch::Tensor freqs = torch::exp(torch::arange(0, half, options) * (-std::log(maxPeriod)) / half);  // [half]
    const torch::Tensor args = timesteps.to(torch::kFloat32).unsqueeze(1) * freqs.unsqueeze(0);  // [B, half]
    torch::Tensor embedding = torch::cat({torch::cos(args), torch::sin(args)}, -1);              // [B, 2·half]
    if (dim % 2) {
        embedding = torch::cat({embedding, torch::zeros_like(embedding.narrow(1, 0, 1))}, -1);
    }
    return embedding;
}

// ---------------------------------------------------------------------------------------------------------------
// Blocks

ResBlockImpl::ResBlockImpl(int64_t channels, int64_t embChannels, int64_t outChannels, int64_t normGroups) {
    // in_layers = [GroupNorm32, SiLU, Conv]; emb_layers = [SiLU, Linear]; out_layers = [GroupNorm32, SiLU,
    // Dropout, Conv]: only the weighted positions are registered.
    auto inLayers = register_module("in_layers", IndexedContainer());
    m_inNorm = inLayers->add(0, GroupNorm(normGroups, channels, kGroupNormEps));
    m_inConv = inLayers->add(2, Conv2d(channels, outChannels, 3, 1, 1));
    auto embLayers = register_module("emb_layers", IndexedContainer());
    m_embProj = embLayers->add(1, Linear(embChannels, outChannels));
    auto outLayers = register_module("out_layers", IndexedContainer());
    m_outNorm = outLayers->add(0, GroupNorm(normGroups, outChannels, kGroupNormEps));
    m_outConv = outLayers->add(3, Conv2d(outChannels, outChannels, 3, 1, 1));
    if (outChannels != channels) {
        m_skip = register_module("skip_connection", Conv2d(channels, outChannels, 1));
    }
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& emb) {
    torch::Tensor h = m_inConv(torch::silu(m_inNorm(x)));                    // [B, out, H, W]
    const torch::Tensor embOut = m_embProj(torch::silu(emb)).to(h.dtype());  // [B, out]
    h = h + embOut.unsqueeze(-1).unsqueeze(-1);                              // broadcast over H, W
    h = m_outConv(torch::silu(m_outNorm(h)));
    return (m_skip ? m_skip(x) : x) + h;
}

DownsampleImpl::DownsampleImpl(int64_t channels) {
    m_op = register_module("op", Conv2d(channels, channels, 3, 2, 1));
}

torch::Tensor DownsampleImpl::forward(const torch::Tensor& x) {
    return m_op(x);
}

UpsampleImpl::UpsampleImpl(int64_t channels) {
    m_conv = register_module("conv", Conv2d(channels, channels, 3, 1, 1));
}

torch::Tensor UpsampleImpl::forward(const torch::Tensor& x) {
    namespace F = torch::nn::functional;
    const torch::Tensor up = F::interpolate(
        x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest));
    return m_conv(up);
}

void TimestepSequentialImpl::append(Layer layer) {
    const std::string name = std::to_string(m_layers.size());
    std::visit([&](auto& holder) { register_module(name, holder); }, layer);
    m_layers.push_back(std::move(layer));
}

torch::Tensor TimestepSequentialImpl::forward(torch::Tensor x, const torch::Tensor& emb, const torch::Tensor& context) {
    for (auto& layer : m_layers) {
        if (auto* res = std::get_if<ResBlock>(&layer)) {
            x = (*res)(x, emb);
        } else if (auto* attn = std::get_if<SpatialTransformer>(&layer)) {
            x = (*attn)(x, context);
        } else if (auto* conv = std::get_if<Conv2d>(&layer)) {
            x = (*conv)(x);
        } else if (auto* down = std::get_if<Downsample>(&layer)) {
            x = (*down)(x);
        } else if (auto* up = std::get_if<Upsample>(&layer)) {
            x = (*up)(x);
        }
    }
    return x;
}

// ---------------------------------------------------------------------------------------------------------------
// UNet

LdmUNetImpl::LdmUNetImpl(LdmUNetConfig config) : m_config(std::move(config)) {
    m_config.validate();
    const LdmUNetConfig& c = m_config;
    const int64_t embDim = c.timeEmbedDim();
    auto transformer = [&](int64_t ch) {
        const auto [heads, dimHead] = c.headsFor(ch);
        return SpatialTransformer(ch, heads, dimHead, c.transformerDepth, c.contextDim, c.normGroups);
    };

    // Registration order = upstream __init__ order, so named_parameters() matches the PyTorch state_dict.
    auto timeEmbed = register_module("time_embed", IndexedContainer());
    m_timeEmbed0 = timeEmbed->add(0, Linear(c.modelChannels, embDim));
    m_timeEmbed2 = timeEmbed->add(2, Linear(embDim, embDim));

    auto inputBlocks = register_module("input_blocks", IndexedContainer());
    auto addInput = [&](TimestepSequential block) {
        m_inputBlocks.push_back(inputBlocks->add(static_cast<int64_t>(m_inputBlocks.size()), block));
    };
    {
        TimestepSequential first;
        first->append(Conv2d(c.inChannels, c.modelChannels, 3, 1, 1));
        addInput(first);
    }
    std::vector<int64_t> skipWidths{c.modelChannels};  // widths of the skip tensors the output blocks consume
    int64_t ch = c.modelChannels;
    int64_t ds = 1;
    const int64_t levels = static_cast<int64_t>(c.channelMult.size());
    for (int64_t level = 0; level < levels; ++level) {
        for (int64_t i = 0; i < c.numResBlocks; ++i) {
            TimestepSequential block;
            const int64_t outCh = c.modelChannels * c.channelMult[level];
            block->append(ResBlock(ch, embDim, outCh, c.normGroups));
            ch = outCh;
            if (contains(c.attentionResolutions, ds)) {
                block->append(transformer(ch));
            }
            addInput(block);
            skipWidths.push_back(ch);
        }
        if (level != levels - 1) {
            TimestepSequential block;
            block->append(Downsample(ch));
            addInput(block);
            skipWidths.push_back(ch);
            ds *= 2;
        }
    }

    m_middleBlock = register_module("middle_block", TimestepSequential());
    m_middleBlock->append(ResBlock(ch, embDim, ch, c.normGroups));
    m_middleBlock->append(transformer(ch));
    m_middleBlock->append(ResBlock(ch, embDim, ch, c.normGroups));

    auto outputBlocks = register_module("output_blocks", IndexedContainer());
    for (int64_t level = levels - 1; level >= 0; --level) {
        for (int64_t i = 0; i <= c.numResBlocks; ++i) {
            const int64_t skip = skipWidths.back();
            skipWidths.pop_back();
            TimestepSequential block;
            const int64_t outCh = c.modelChannels * c.channelMult[level];
            block->append(ResBlock(ch + skip, embDim, outCh, c.normGroups));
            ch = outCh;
            if (contains(c.attentionResolutions, ds)) {
                block->append(transformer(ch));
            }
            if (level > 0 && i == c.numResBlocks) {
                block->append(Upsample(ch));
                ds /= 2;
            }
            m_outputBlocks.push_back(outputBlocks->add(static_cast<int64_t>(m_outputBlocks.size()), block));
        }
    }

    auto out = register_module("out", IndexedContainer());
    m_outNorm = out->add(0, GroupNorm(c.normGroups, ch, kGroupNormEps));
    m_outConv = out->add(2, Conv2d(c.modelChannels, c.outChannels, 3, 1, 1));
}

torch::Tensor LdmUNetImpl::forward(const torch::Tensor& x, const torch::Tensor& timesteps, const torch::Tensor& context,
                                   LdmUNetTrace* trace) {
    const LdmUNetConfig& c = m_config;
    TORCH_CHECK(x.dim() == 4 && x.size(1) == c.inChannels, "ldm UNet: x must be [B, ", c.inChannels, ", H, W], got ",
                x.sizes());
    const int64_t batch = x.size(0);
    const int64_t factor = int64_t{1} << (c.channelMult.size() - 1);
    TORCH_CHECK(x.size(2) % factor == 0 && x.size(3) % factor == 0, "ldm UNet: latent height and width must be ",
                "multiples of ", factor, " (the image side a multiple of ", 8 * factor, "), got ", x.size(2), "x",
                x.size(3));
    TORCH_CHECK(context.dim() == 3 && context.size(0) == batch && context.size(2) == c.contextDim,
                "ldm UNet: context must be [", batch, ", L, ", c.contextDim, "], got ", context.sizes());
    torch::Tensor t = timesteps.to(x.device());
    if (t.dim() == 0 || (t.dim() == 1 && t.size(0) == 1)) {
        t = t.reshape({1}).expand({batch});
    }
    TORCH_CHECK(t.dim() == 1 && t.size(0) == batch, "ldm UNet: timesteps must be [", batch, "] or a scalar, got ",
                timesteps.sizes());

    const auto dtype = m_timeEmbed0->weight.scalar_type();
    const torch::Tensor tEmb = timestepEmbedding(t, c.modelChannels);                   // [B, C] float32
    const torch::Tensor emb = m_timeEmbed2(torch::silu(m_timeEmbed0(tEmb.to(dtype))));  // [B, 4C]
    const torch::Tensor ctx = context.to(dtype);
    if (trace) {
        *trace = LdmUNetTrace{};
        trace->timestepEmbedding = tEmb;
        trace->emb = emb;
    }

    torch::Tensor h = x.to(dtype);
    std::vector<torch::Tensor> skips;
    skips.reserve(m_inputBlocks.size());
    for (auto& block : m_inputBlocks) {
        h = block(h, emb, ctx);
        skips.push_back(h);
        if (trace) {
            trace->inputBlocks.push_back(h);
        }
    }
    h = m_middleBlock(h, emb, ctx);
    if (trace) {
        trace->middleBlock = h;
    }
    for (auto& block : m_outputBlocks) {
        h = torch::cat({h, skips.back()}, 1);  // [B, ch + skip, H, W]
        skips.pop_back();
        h = block(h, emb, ctx);
        if (trace) {
            trace->outputBlocks.push_back(h);
        }
    }
    return m_outConv(torch::silu(m_outNorm(h))).to(x.scalar_type());
}

}  // namespace sm::unet
