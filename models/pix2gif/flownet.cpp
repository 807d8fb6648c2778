#include "pix2gif/flownet.h"

#include <torch/torch.h>

#include "runtime/error.h"

namespace sm::pix2gif {
namespace {

constexpr double kLeakySlope = 0.2;  // util.py: nn.LeakyReLU(0.2, inplace=True)

// Conv1d(k3, s3, p1) output length for an input of `length`.
int64_t injectionConvLength(int64_t length) {
    return (length + 2 * 1 - 3) / 3 + 1;
}

}  // namespace

void FlowNetConfig::validate() const {
    if (ngf <= 0 || ngf % 4 != 0 || inChannels <= 0 || contextTokens <= 0) {
        throw ArgumentError("FlowNet config: ngf " + std::to_string(ngf) + ", in " + std::to_string(inChannels) +
                            ", tokens " + std::to_string(contextTokens) +
                            ": ngf must be a positive multiple of 4 and the other widths positive");
    }
}

FlowNetConfig flowNetConfigFromWeights(const io::StateDict& weights, const std::string& source,
                                       const std::string& prefix) {
    auto require = [&](const std::string& key, int64_t dims) -> const torch::Tensor& {
        const auto it = weights.find(prefix + key);
        if (it == weights.end()) {
            throw WeightsError(source + ": key " + prefix + key + " is missing; not a Pix2Gif FlowNet state dict");
        }
        if (it->second.dim() != dims) {
            throw WeightsError(source + ": key " + prefix + key + " has shape " + io::shapeString(it->second.sizes()) +
                               ", expected " + std::to_string(dims) + " dimensions");
        }
        return it->second;
    };
    FlowNetConfig config;
    const torch::Tensor& conv0 = require("conv0.0.weight", 4);
    config.ngf = conv0.size(0);
    config.inChannels = conv0.size(1);
    const torch::Tensor& injection = require("injection1.linear.weight", 3);
    config.contextTokens = injection.size(1);
    if (config.ngf % 4 != 0 || injection.size(0) != config.ngf / 4) {
        throw WeightsError(source + ": key " + prefix + "injection1.linear.weight has shape " +
                           io::shapeString(injection.sizes()) + ", expected [" + std::to_string(config.ngf / 4) + "," +
                           std::to_string(config.contextTokens) + ",3] for ngf " + std::to_string(config.ngf));
    }
    return config;
}

// ---------------------------------------------------------------------------------------------------------------

ConvBnReluImpl::ConvBnReluImpl(Kind kind, int64_t in, int64_t out, int64_t stride) {
    if (kind == Kind::Conv3x3) {
        m_conv = register_module("0", Conv2d(in, out, 3, stride, 1));
    } else {
        m_deconv = register_module("0", ConvTranspose2d(in, out, 4, 2, 1));
    }
    m_norm = register_module("1", BatchNorm2d(out));
}

torch::Tensor ConvBnReluImpl::forward(const torch::Tensor& x) {
    const torch::Tensor y = m_conv ? m_conv(x) : m_deconv(x);
    return torch::leaky_relu(m_norm(y), kLeakySlope);
}

PredictFlowImpl::PredictFlowImpl(int64_t in) {
    m_conv = register_module("0", Conv2d(in, 2, 3, 1, 1));
}

torch::Tensor PredictFlowImpl::forward(const torch::Tensor& x) {
    return torch::tanh(m_conv(x));
}

InjectionModuleImpl::InjectionModuleImpl(int64_t tokens, int64_t size) : m_tokens(tokens), m_size(size) {
    // Upstream names the Conv1d "linear"; it maps the token axis to `size` channels.
    m_linear = register_module("linear", Conv1d(tokens, size, 3, 3, 1));
    m_norm = register_module("norm", LayerNorm(std::vector<int64_t>{size * size, size}));
}

torch::Tensor InjectionModuleImpl::forward(const torch::Tensor& context) {
    TORCH_CHECK(
        context.dim() == 3 && context.size(1) == m_tokens && injectionConvLength(context.size(2)) == m_size * m_size,
        "FlowNet injection: context must be [B, ", m_tokens, ", D] with D = ", 3 * m_size * m_size - 2,
        " (the CLIP-L width 768 for the real model), got ", context.sizes());
    const int64_t batch = context.size(0);
    // Conv1d over the 768 context dims: stride 3 shrinks them to S² positions, the tokens mix into S channels.
    torch::Tensor x = m_linear(context).transpose(1, 2);  // [B, S², S]
    // One LayerNorm over all S²·S values of each sample (normalized shape [S², S]).
    x = torch::relu(m_norm(x));
    // Back to channel-major, then position p becomes the pixel (p / S, p % S) of an S×S map per channel.
    return x.transpose(1, 2).reshape({batch, m_size, m_size, m_size});  // [B, S, S, S]
}

FlowNetImpl::FlowNetImpl(FlowNetConfig config) : m_config(config) {
    m_config.validate();
    using Kind = ConvBnReluImpl::Kind;
    const int64_t ngf = m_config.ngf;
    const int64_t in = m_config.inChannels;
    const int64_t s = m_config.injectionSize();
    // Widths and registration order follow FlowNet.__init__ (ngf 64: 64, 64, 128, 128, 128; 32, 16; 32, 16).
    m_conv0 = register_module("conv0", ConvBnRelu(Kind::Conv3x3, in, ngf));
    m_conv1 = register_module("conv1", ConvBnRelu(Kind::Conv3x3, ngf, ngf, 2));
    m_conv1_1 = register_module("conv1_1", ConvBnRelu(Kind::Conv3x3, ngf, ngf * 2));
    m_conv2 = register_module("conv2", ConvBnRelu(Kind::Conv3x3, ngf * 2, ngf * 2, 2));
    m_conv2_1 = register_module("conv2_1", ConvBnRelu(Kind::Conv3x3, ngf * 2, ngf * 2));
    m_deconv1 = register_module("deconv1", ConvBnRelu(Kind::TransposedUp2x, ngf * 2, ngf / 2));
    m_deconv0 = register_module("deconv0", ConvBnRelu(Kind::TransposedUp2x, ngf / 2 + s + 2, ngf / 4));
    m_interConv1 = register_module("inter_conv1", ConvBnRelu(Kind::Conv3x3, ngf / 2 + s + 2, ngf / 2));
    m_interConv0 = register_module("inter_conv0", ConvBnRelu(Kind::Conv3x3, ngf / 4 + 2, ngf / 4));
    m_predictFlow2 = register_module("predict_flow2", PredictFlow(ngf * 2));
    m_predictFlow1 = register_module("predict_flow1", PredictFlow(ngf / 2));
    m_predictFlow0 = register_module("predict_flow0", PredictFlow(ngf / 4));
    m_upFlow2To1 = register_module("upsampled_flow2_to_1", ConvTranspose2d(2, 2, 4, 2, 1));
    m_upFlow1To0 = register_module("upsampled_flow1_to_0", ConvTranspose2d(2, 2, 4, 2, 1));
    m_injection1 = register_module("injection1", InjectionModule(m_config.contextTokens, s));
    // Inference is the normal use: BatchNorm must use its running statistics (upstream calls model.eval()).
    eval();
}

FlowNetOutput FlowNetImpl::forward(const torch::Tensor& latent, const torch::Tensor& context) {
    const int64_t side = 2 * m_config.injectionSize();
    TORCH_CHECK(
        latent.dim() == 4 && latent.size(1) == m_config.inChannels && latent.size(2) == side && latent.size(3) == side,
        "FlowNet: latent must be [B, ", m_config.inChannels, ", ", side, ", ", side, "] (Pix2Gif only runs ", "on ",
        8 * side, "x", 8 * side, " images), got ", latent.sizes());
    TORCH_CHECK(context.dim() == 3 && context.size(0) == latent.size(0), "FlowNet: context must be [", latent.size(0),
                ", ", m_config.contextTokens, ", 768] (one c_L per latent), got ", context.sizes());

    FlowNetOutput out;
    const torch::Tensor outConv0 = m_conv0(latent);                                     // [B, ngf, 2S, 2S]
    const torch::Tensor outConv1 = m_conv1_1(m_conv1(outConv0));                        // [B, 2ngf, S, S]
    const torch::Tensor outConv2 = m_conv2_1(m_conv2(outConv1));                        // [B, 2ngf, S/2, S/2]
    out.flow2 = m_predictFlow2(outConv2);                                               // [B, 2, S/2, S/2]
    const torch::Tensor flow2Up = m_upFlow2To1(out.flow2);                              // [B, 2, S, S]
    const torch::Tensor outDeconv1 = m_deconv1(outConv2);                               // [B, ngf/2, S, S]
    out.injection = m_injection1(context);                                              // [B, S, S, S]
    const torch::Tensor concat1 = torch::cat({outDeconv1, flow2Up, out.injection}, 1);  // [B, ngf/2+2+S, S, S]
    out.flow1 = m_predictFlow1(m_interConv1(concat1));                                  // [B, 2, S, S]
    const torch::Tensor flow1Up = m_upFlow1To0(out.flow1);                              // [B, 2, 2S, 2S]
    // deconv0 reads concat1 (not inter_conv1's output), as upstream does.
    const torch::Tensor outDeconv0 = m_deconv0(concat1);                 // [B, ngf/4, 2S, 2S]
    const torch::Tensor concat0 = torch::cat({outDeconv0, flow1Up}, 1);  // [B, ngf/4+2, 2S, 2S]
    out.flow0 = m_predictFlow0(m_interConv0(concat0));                   // [B, 2, 2S, 2S]
    return out;
}

torch::Tensor warpLatent(const torch::Tensor& latent, const torch::Tensor& flow0) {
    TORCH_CHECK(latent.dim() == 4 && flow0.dim() == 4 && flow0.size(1) == 2 && flow0.size(0) == latent.size(0),
                "warpLatent: latent must be [B, C, H, W] and flow [B, 2, H', W'], got ", latent.sizes(), " and ",
                flow0.sizes());
    namespace F = torch::nn::functional;
    const torch::Tensor grid = flow0.permute({0, 2, 3, 1});  // [B, H', W', 2]: (x, y) per output pixel
    return F::grid_sample(
        latent, grid,
        F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));
}

WarpResult flowConditionedWarp(FlowNetImpl& flownet, const torch::Tensor& latent, const torch::Tensor& contextL) {
    WarpResult result;
    result.flows = flownet.forward(latent, contextL);
    result.warped = warpLatent(latent, result.flows.flow0);
    return result;
}

}  // namespace sm::pix2gif
