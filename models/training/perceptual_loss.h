#pragma once
// Pix2Gif's perceptual loss on latents (ldm/modules/losses/perceptual.py as used by ddpm_edit.py p_losses at
// hiteshK03/Pix2Gif@781ca78; spec §5):
//   network   torchvision vgg19(pretrained=True).features (ImageNet), frozen, eval mode
//   input     raw 4-channel latents, no ImageNet normalisation, no resize
//   first     a NEW Conv2d(4, 64, 3, padding 1): weight[:, :3] = the pretrained RGB weight, weight[:, 3] = its mean
//   conv      over the RGB input channels; the bias is NOT copied and keeps a fresh PyTorch default init
//             (U(±1/sqrt(4·9))). Upstream rebuilds the VGG on every loss call, so that bias changes every step;
//             we draw it once from the loss's seed (deterministic, resumable) — a documented deviation.
//   features  indices [0, 5, 10, 19, 28] = conv1_1, conv2_1, conv3_1, conv4_1, conv5_1. torchvision's ReLUs are
//             in place, so a saved conv output is overwritten by the ReLU that follows it when the loop gets there:
//             0, 5, 10, 19 are effectively post-ReLU; 28 (the last, where the loop breaks) stays pre-ReLU. The rule
//             here is general: a saved output at i becomes ReLU(output) when layer i+1 is a ReLU and i+1 ≤ the
//             last requested index.
//   loss      L_P = Σ_k mean((φ_k(a) − φ_k(b))²)  (λ_k = 1), one scalar over the whole batch.
//
// Weights: torchvision's vgg19-dcbc3e09.pth state dict ("features.N.weight" / "features.N.bias"; a bare
// features Sequential's "N.weight" is accepted too), read with io::openWeights (torch.save zip or legacy, or
// safetensors). Without a file the VGG is initialised deterministically from the seed with torchvision's own
// init (kaiming_normal fan_out for conv weights, zero biases) — a stand-in that keeps the loss well defined but
// has no ImageNet meaning; trainers must warn about it.
//
// Inputs need 2^p pixels per side, p = max-pools before the last requested index (16 for index 28): smaller
// latents would pool down to nothing. Thread-safety: forward() only reads the frozen buffers.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/state_dict.h"

namespace sm::training {

struct PerceptualLossOptions {
    std::vector<int64_t> layers{0, 5, 10, 19, 28};  // torchvision features indices, ascending, each in 0..36
    int64_t inChannels = 4;                         // latent channels (≥ 3: channels past RGB get the RGB mean)
    std::string weightsPath;                        // vgg19 ImageNet weights; empty: seeded random features
    uint64_t seed = 0;                              // new first-conv bias, and the random VGG when no file
};

/// One entry of torchvision's vgg19().features.
struct VggLayer {
    enum class Kind { Conv, Relu, MaxPool };
    Kind kind;
    int64_t in = 0, out = 0;  // channels (Conv only)
};

/// vgg19().features: 37 layers (16 convs 3×3 pad 1, ReLUs, 5 max-pools 2×2).
const std::vector<VggLayer>& vgg19FeatureLayers();

class PerceptualLossImpl : public torch::nn::Module {
public:
    /// Loads options.weightsPath or builds the seeded random VGG. Throws sm::ArgumentError for bad layer
    /// indices or channels, sm::WeightsError for a file that is not a vgg19 state dict.
    explicit PerceptualLossImpl(const PerceptualLossOptions& options);
    /// From a torchvision-layout state dict already in memory (`source` names it in errors).
    PerceptualLossImpl(const PerceptualLossOptions& options, const io::StateDict& vggWeights,
                       const std::string& source);

    /// L_P(a, b) as above. a, b: [B, inChannels, H, W], H and W ≥ minimumInputSize(). Gradients flow to the
    /// inputs only. Returns a float32 scalar.
    torch::Tensor forward(const torch::Tensor& a, const torch::Tensor& b);
    /// The saved features φ_k(x), one per requested layer, with the in-place-ReLU semantics above.
    std::vector<torch::Tensor> features(const torch::Tensor& x);

    bool pretrained() const { return m_pretrained; }
    const std::vector<int64_t>& layers() const { return m_options.layers; }
    int64_t minimumInputSize() const;
    /// The (new) first conv: [64, inChannels, 3, 3] and [64].
    const torch::Tensor& firstWeight() const { return m_weights.at(0); }
    const torch::Tensor& firstBias() const { return m_biases.at(0); }
    /// Weight / bias of the conv at features index `index` (throws sm::ArgumentError when it is not a built conv).
    const torch::Tensor& convWeight(int64_t index) const;

private:
    void build(const io::StateDict* vggWeights, const std::string& source);

    PerceptualLossOptions m_options;
    bool m_pretrained = false;
    std::vector<int64_t> m_convIndex;  // features index → position in m_weights (−1 when not a conv)
    std::vector<torch::Tensor> m_weights, m_biases;
};
TORCH_MODULE(PerceptualLoss);

}  // namespace sm::training
