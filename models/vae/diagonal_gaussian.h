#pragma once
// The VAE posterior N(mean, exp(logvar)) over latents (ldm / diffusers DiagonalGaussianDistribution).
//
//   DiagonalGaussian posterior(vae->encode(image));       // moments [B, 2C, h, w]
//   torch::Tensor e = posterior.mode();                   // Pix2Gif E(c_I): the mean, unscaled
//   torch::Tensor z = posterior.sample(generator) * vae->config().scalingFactor;   // Cinemo / training latents
//
// A value type over tensors (no ownership beyond them); safe to copy and to read from several threads.
#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <optional>

namespace sm::vae {

class DiagonalGaussian {
public:
    /// Splits moments [B, 2C, ...] along dim 1 into mean and logvar; logvar is clamped to [-30, 20] as upstream.
    /// Throws sm::ArgumentError when dim 1 is odd or the tensor has fewer than 2 dims.
    explicit DiagonalGaussian(const torch::Tensor& moments);

    const torch::Tensor& moments() const { return m_moments; }  // [B, 2C, h, w], as given
    const torch::Tensor& mean() const { return m_mean; }        // [B, C, h, w]
    const torch::Tensor& logvar() const { return m_logvar; }    // clamped to [-30, 20]
    const torch::Tensor& std() const { return m_std; }          // exp(0.5 · logvar)
    torch::Tensor var() const;                                  // exp(logvar)

    /// The mode, which is the mean (what Pix2Gif feeds the UNet as image conditioning).
    const torch::Tensor& mode() const { return m_mean; }

    /// mean + std · noise; noise must have mean's shape (it is moved to mean's device and dtype).
    torch::Tensor sample(const torch::Tensor& noise) const;

    /// mean + std · randn(mean's shape). As diffusers' randn_tensor, the noise is drawn in mean's dtype on the
    /// generator's device and then moved to mean's device, so a CPU generator seeded like
    /// torch.Generator().manual_seed(s) reproduces the reference noise bit for bit even for a CUDA posterior.
    /// Without a generator the default generator of mean's device is used.
    torch::Tensor sample(std::optional<at::Generator> generator = std::nullopt) const;

private:
    torch::Tensor m_moments, m_mean, m_logvar, m_std;
};

}  // namespace sm::vae
