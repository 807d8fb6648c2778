#include "training/perceptual_loss.h"

#include <torch/torch.h>

#include <cmath>

#include "io/weight_map.h"
#include "runtime/error.h"
#include "sampling/noise.h"

namespace sm::training {

const std::vector<VggLayer>& vgg19FeatureLayers() {
    static const std::vector<VggLayer> layers = [] {
        // torchvision cfg "E": 64 64 M 128 128 M 256×4 M 512×4 M 512×4 M; each conv is followed by a ReLU.
        const int64_t cfg[] = {64,  64,  -1,  128, 128, -1,  256, 256, 256, 256, -1,
                               512, 512, 512, 512, -1,  512, 512, 512, 512, -1};
        std::vector<VggLayer> out;
        int64_t in = 3;
        for (int64_t v : cfg) {
            if (v < 0) {
                out.push_back({VggLayer::Kind::MaxPool});
            } else {
                out.push_back({VggLayer::Kind::Conv, in, v});
                out.push_back({VggLayer::Kind::Relu});
                in = v;
            }
        }
        return out;
    }();
    return layers;
}

PerceptualLossImpl::PerceptualLossImpl(const PerceptualLossOptions& options) : m_options(options) {
    if (options.weightsPath.empty()) {
        build(nullptr, "random VGG19");
    } else {
        const io::StateDict dict = io::openWeights(options.weightsPath);
        build(&dict, options.weightsPath);
    }
}

PerceptualLossImpl::PerceptualLossImpl(const PerceptualLossOptions& options, const io::StateDict& vggWeights,
                                       const std::string& source)
    : m_options(options) {
    build(&vggWeights, source);
}

void PerceptualLossImpl::build(const io::StateDict* vggWeights, const std::string& source) {
    torch::NoGradGuard noGrad;
    const auto& vgg = vgg19FeatureLayers();
    const auto& layers = m_options.layers;
    if (layers.empty()) {
        throw ArgumentError("perceptual loss: no feature layers requested");
    }
    for (size_t i = 0; i < layers.size(); ++i) {
        if (layers[i] < 0 || layers[i] >= static_cast<int64_t>(vgg.size()) || (i > 0 && layers[i] <= layers[i - 1])) {
            throw ArgumentError(
                "perceptual loss: layer indices must be ascending torchvision vgg19 features indices "
                "in 0..36, got index " +
                std::to_string(layers[i]));
        }
    }
    if (m_options.inChannels < 3) {
        throw ArgumentError("perceptual loss: need at least 3 input channels, got " +
                            std::to_string(m_options.inChannels));
    }
    at::Generator generator = sampling::makeCpuGenerator(m_options.seed);
    const int64_t last = layers.back();
    m_convIndex.assign(static_cast<size_t>(last) + 1, -1);
    m_pretrained = vggWeights != nullptr;
    for (int64_t i = 0; i <= last; ++i) {
        const VggLayer& layer = vgg[static_cast<size_t>(i)];
        if (layer.kind != VggLayer::Kind::Conv) {
            continue;
        }
        torch::Tensor weight, bias;
        if (vggWeights) {
            auto fetch = [&](const std::string& field, at::IntArrayRef shape) {
                const std::string name = std::to_string(i) + "." + field;
                auto found = vggWeights->find("features." + name);
                if (found == vggWeights->end()) {
                    found = vggWeights->find(name);
                }
                if (found == vggWeights->end()) {
                    throw WeightsError(source + ": key features." + name +
                                       " not found; expected torchvision's vgg19 "
                                       "state dict (vgg19-dcbc3e09.pth); found key groups: " +
                                       io::describeKeyGroups(*vggWeights));
                }
                if (found->second.sizes() != shape) {
                    throw WeightsError(source + ": key features." + name + " has shape " +
                                       io::shapeString(found->second.sizes()) + ", expected " + io::shapeString(shape) +
                                       " (vgg19)");
                }
                return found->second.to(torch::kFloat32).clone();
            };
            weight = fetch("weight", {layer.out, layer.in, 3, 3});
            bias = fetch("bias", {layer.out});
        } else {
            // torchvision VGG._initialize_weights: kaiming_normal_(mode="fan_out", nonlinearity="relu"), bias 0.
            const double stdDev = std::sqrt(2.0 / static_cast<double>(layer.out * 9));
            weight = torch::randn({layer.out, layer.in, 3, 3}, generator, torch::kFloat32) * stdDev;
            bias = torch::zeros({layer.out}, torch::kFloat32);
        }
        if (m_weights.empty()) {
            // The new first conv: RGB weights copied, extra channels = their mean over RGB; the bias is a fresh
            // default init U(±1/sqrt(fan_in)), fan_in = inChannels·3·3, not the pretrained bias.
            const torch::Tensor rgbMean = weight.mean(1, /*keepdim=*/true);
            std::vector<torch::Tensor> parts{weight};
            for (int64_t c = 3; c < m_options.inChannels; ++c) {
                parts.push_back(rgbMean);
            }
            weight = torch::cat(parts, 1);
            const double bound = 1.0 / std::sqrt(static_cast<double>(m_options.inChannels * 9));
            bias = torch::empty({layer.out}, torch::kFloat32).uniform_(-bound, bound, generator);
        }
        m_convIndex[static_cast<size_t>(i)] = static_cast<int64_t>(m_weights.size());
        const std::string name = "features_" + std::to_string(i);
        m_weights.push_back(register_buffer(name + "_weight", weight));
        m_biases.push_back(register_buffer(name + "_bias", bias));
    }
    eval();
}

int64_t PerceptualLossImpl::minimumInputSize() const {
    int64_t pools = 0;
    const auto& vgg = vgg19FeatureLayers();
    for (int64_t i = 0; i <= m_options.layers.back(); ++i) {
        pools += vgg[static_cast<size_t>(i)].kind == VggLayer::Kind::MaxPool ? 1 : 0;
    }
    return int64_t{1} << pools;
}

const torch::Tensor& PerceptualLossImpl::convWeight(int64_t index) const {
    if (index < 0 || index >= static_cast<int64_t>(m_convIndex.size()) || m_convIndex[static_cast<size_t>(index)] < 0) {
        throw ArgumentError("perceptual loss: features index " + std::to_string(index) + " is not a built conv");
    }
    return m_weights[static_cast<size_t>(m_convIndex[static_cast<size_t>(index)])];
}

std::vector<torch::Tensor> PerceptualLossImpl::features(const torch::Tensor& input) {
    const int64_t minSize = minimumInputSize();
    if (input.dim() != 4 || input.size(1) != m_options.inChannels || input.size(2) < minSize ||
        input.size(3) < minSize) {
        throw ArgumentError("perceptual loss: input has shape " + io::shapeString(input.sizes()) + ", expected [B," +
                            std::to_string(m_options.inChannels) + ",H,W] with H, W >= " + std::to_string(minSize) +
                            " for feature layer " + std::to_string(m_options.layers.back()) +
                            " (choose earlier layers for smaller latents)");
    }
    const auto& vgg = vgg19FeatureLayers();
    const int64_t last = m_options.layers.back();
    std::vector<torch::Tensor> saved;
    size_t next = 0;         // next requested layer
    int64_t lastSaved = -1;  // index whose output is saved[back]
    torch::Tensor x = input;
    for (int64_t i = 0; i <= last; ++i) {
        const VggLayer& layer = vgg[static_cast<size_t>(i)];
        switch (layer.kind) {
            case VggLayer::Kind::Conv: {
                const size_t k = static_cast<size_t>(m_convIndex[static_cast<size_t>(i)]);
                x = torch::conv2d(x, m_weights[k].to(x.dtype()), m_biases[k].to(x.dtype()), 1, 1);
                break;
            }
            case VggLayer::Kind::Relu:
                x = torch::relu(x);
                // nn.ReLU(inplace=True) overwrites the tensor saved one layer earlier.
                if (lastSaved == i - 1 && !saved.empty()) {
                    saved.back() = x;
                }
                break;
            case VggLayer::Kind::MaxPool:
                x = torch::max_pool2d(x, 2, 2);
                break;
        }
        if (next < m_options.layers.size() && m_options.layers[next] == i) {
            saved.push_back(x);
            lastSaved = i;
            ++next;
        }
    }
    return saved;
}

torch::Tensor PerceptualLossImpl::forward(const torch::Tensor& a, const torch::Tensor& b) {
    const std::vector<torch::Tensor> fa = features(a);
    const std::vector<torch::Tensor> fb = features(b);
    torch::Tensor loss = torch::zeros({}, a.options().dtype(torch::kFloat32));
    for (size_t k = 0; k < fa.size(); ++k) {
        loss = loss + (fa[k].to(torch::kFloat32) - fb[k].to(torch::kFloat32)).pow(2).mean();
    }
    return loss;
}

}  // namespace sm::training
