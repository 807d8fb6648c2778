#include "vae/diagonal_gaussian.h"

#include <torch/torch.h>

#include "io/state_dict.h"
#include "runtime/error.h"

namespace sm::vae {

DiagonalGaussian::DiagonalGaussian(const torch::Tensor& moments) : m_moments(moments) {
    if (!moments.defined() || moments.dim() < 2 || moments.size(1) % 2 != 0) {
        throw ArgumentError(
            "VAE posterior: moments must be [B, 2C, h, w] (mean and logvar stacked on dim 1), got " +
            (moments.defined() ? io::shapeString(moments.sizes()) : std::string("an undefined tensor")));
    }
    const auto halves = moments.chunk(2, 1);
    m_mean = halves[0];
    // The clamp keeps exp() finite for degenerate inputs; the range is upstream's.
    m_logvar = halves[1].clamp(-30.0, 20.0);
    m_std = (0.5 * m_logvar).exp();
}

torch::Tensor DiagonalGaussian::var() const {
    return m_logvar.exp();
}

torch::Tensor DiagonalGaussian::sample(const torch::Tensor& noise) const {
    if (!noise.defined() || noise.sizes() != m_mean.sizes()) {
        throw ArgumentError("VAE posterior: noise must have the latent shape " + io::shapeString(m_mean.sizes()) +
                            ", got " +
                            (noise.defined() ? io::shapeString(noise.sizes()) : std::string("an undefined tensor")));
    }
    return m_mean + m_std * noise.to(m_mean.device(), m_mean.scalar_type());
}

torch::Tensor DiagonalGaussian::sample(std::optional<at::Generator> generator) const {
    const auto options = m_mean.options();
    torch::Tensor noise;
    if (generator) {
        noise = torch::randn(m_mean.sizes(), *generator, options.device(generator->device()));
    } else {
        noise = torch::randn(m_mean.sizes(), options);
    }
    return m_mean + m_std * noise.to(m_mean.device());
}

}  // namespace sm::vae
