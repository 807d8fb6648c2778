#include "training/autoencoder_trainer.h"

#include <optional>

#include <torch/torch.h>

#include "io/safetensors.h"
#include "io/weight_map.h"
#include "runtime/error.h"
#include "sampling/noise.h"
#include "vae/diagonal_gaussian.h"
#include "vae/key_map.h"

namespace sm::training {
namespace {

constexpr const char* kTrainerKind = "autoencoder-kl";

io::StateDict prefixedLdmWeights(const vae::AutoencoderKL& vae) {
    return io::addPrefix(vae::exportLdmStateDict(vae), vae::kLdmCheckpointPrefix);
}

}  // namespace

OptimizerSettings AutoencoderTrainerOptions::defaultOptimizer() {
    OptimizerSettings s;
    s.learningRate = 1.0e-3;
    s.warmupSteps = 0;
    s.accumulateBatches = 1;
    return s;
}

void AutoencoderTrainerOptions::validate() const {
    optimizer.validate();
    if (!(posteriorNoise >= 0.0 && posteriorNoise <= 1.0)) {
        throw ArgumentError("autoencoder trainer: posteriorNoise must lie in [0, 1], got " +
                            std::to_string(posteriorNoise));
    }
    if (!(klWeight >= 0.0)) {
        throw ArgumentError("autoencoder trainer: klWeight must be >= 0, got " + std::to_string(klWeight));
    }
}

nlohmann::json AutoencoderTrainerOptions::toJson() const {
    return {{"optimizer", optimizer.toJson()},
            {"kl_weight", klWeight},
            {"posterior_noise", posteriorNoise},
            {"decoder_only", decoderOnly},
            {"seed", seed},
            {"max_steps", maxSteps}};
}

nlohmann::json vaeConfigToJson(const vae::VaeConfig& c) {
    return {{"in_channels", c.inChannels},
            {"out_channels", c.outChannels},
            {"block_out_channels", c.blockOutChannels},
            {"layers_per_block", c.layersPerBlock},
            {"latent_channels", c.latentChannels},
            {"mid_block_attention", c.midBlockAttention},
            {"norm_num_groups", c.normGroups}};
}

// ----------------------------------------------------------------------------------------------------------------
AutoencoderTrainer::AutoencoderTrainer(vae::AutoencoderKL vae, AutoencoderTrainerOptions options, ComputeTarget target,
                                       TrainingCallbacks callbacks)
    : m_vae(std::move(vae)), m_options(std::move(options)) {
    m_options.validate();
    m_device = m_vae->parameters().front().device();
    target.device = m_device;
    m_vae->train();
    std::vector<std::pair<std::string, torch::Tensor>> params;
    for (const auto& item : m_vae->named_parameters(true)) {
        const bool decoderPart = item.key().rfind("decoder.", 0) == 0 || item.key().rfind("post_quant_conv.", 0) == 0;
        const bool trainable = !m_options.decoderOnly || decoderPart;
        item.value().set_requires_grad(trainable);
        if (trainable) {
            params.emplace_back(item.key(), item.value());
        }
    }
    m_core = std::make_unique<TrainerCore>(std::move(params), m_options.optimizer, target, m_options.seed,
                                           std::move(callbacks));
    m_core->setMaxSteps(m_options.maxSteps);
}

void AutoencoderTrainer::checkImages(const torch::Tensor& images) const {
    const int64_t f = m_vae->config().downsampleFactor();
    if (!images.defined() || images.dim() != 4 || images.size(0) < 1 || images.size(1) != m_vae->config().inChannels ||
        images.size(2) % f != 0 || images.size(3) % f != 0 || images.size(2) == 0 || images.size(3) == 0) {
        throw ArgumentError("autoencoder trainer: images have shape " +
                            (images.defined() ? io::shapeString(images.sizes()) : std::string("-")) + ", expected [B," +
                            std::to_string(m_vae->config().inChannels) + ",H,W] with H and W multiples of " +
                            std::to_string(f));
    }
}

AutoencoderLoss AutoencoderTrainer::accumulate(const torch::Tensor& images) {
    m_core->throwIfCancelled();
    checkImages(images);
    const torch::Tensor x = images.detach().to(m_device, torch::kFloat32);
    AutoencoderLoss parts;
    torch::Tensor loss;
    {
        AutocastScope autocast(m_core->target());
        std::optional<torch::NoGradGuard> frozenEncoder;
        if (m_options.decoderOnly) {
            frozenEncoder.emplace();
        }
        const vae::DiagonalGaussian posterior = m_vae->encodeDistribution(x);
        frozenEncoder.reset();
        const torch::Tensor noise = torch::randn(posterior.mean().sizes(), m_core->generator(), torch::kFloat32);
        const torch::Tensor z = posterior.sample(m_options.posteriorNoise * noise);
        const torch::Tensor reconstruction = m_vae->decode(z).to(torch::kFloat32);
        const torch::Tensor diff = reconstruction - x;
        const torch::Tensor l1 = diff.abs().mean();
        const torch::Tensor mse = diff.pow(2).mean();
        const torch::Tensor mean = posterior.mean().to(torch::kFloat32);
        const torch::Tensor logvar = posterior.logvar().to(torch::kFloat32);
        // ldm DiagonalGaussianDistribution.kl(): 0.5 Σ (μ² + var − 1 − logvar) per sample; the loss uses Σ / B.
        const torch::Tensor kl = 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).sum({1, 2, 3}).mean();
        loss = l1 + mse + m_options.klWeight * kl;
        parts.l1 = l1.item<double>();
        parts.mse = mse.item<double>();
        parts.kl = kl.item<double>();
        parts.loss = loss.item<double>();
    }
    m_core->backward(loss, parts.loss, {{"l1", parts.l1}, {"mse", parts.mse}, {"kl", parts.kl}});
    return parts;
}

bool AutoencoderTrainer::applyUpdate(bool force) {
    if (m_core->pendingMicroBatches() == 0 || (!force && !m_core->readyToStep())) {
        return false;
    }
    return m_core->step();
}

AutoencoderLoss AutoencoderTrainer::trainStep(const torch::Tensor& images) {
    const AutoencoderLoss parts = accumulate(images);
    applyUpdate();
    return parts;
}

double AutoencoderTrainer::latentScale(const torch::Tensor& images) const {
    checkImages(images);
    torch::NoGradGuard noGrad;
    at::Generator generator = sampling::makeCpuGenerator(m_options.seed + 1);
    vae::AutoencoderKL vae = m_vae;  // encode is stateless but not const
    const vae::DiagonalGaussian posterior = vae->encodeDistribution(images.detach().to(m_device, torch::kFloat32));
    const torch::Tensor noise = torch::randn(posterior.mean().sizes(), generator, torch::kFloat32);
    const torch::Tensor z = posterior.sample(m_options.posteriorNoise * noise);
    const double stdDev = z.to(torch::kFloat64).std().item<double>();
    if (!(stdDev > 0.0)) {
        throw ArgumentError("autoencoder trainer: the latents of these images have no spread (std " +
                            std::to_string(stdDev) + "); use more varied images");
    }
    return 1.0 / stdDev;
}

void AutoencoderTrainer::saveCheckpoint(const std::string& path) const {
    io::StateDict tensors = prefixedLdmWeights(m_vae);
    const nlohmann::json state = m_core->save(tensors);
    const nlohmann::json training = {{"format", kTrainingCheckpointFormat},
                                     {"trainer", kTrainerKind},
                                     {"options", m_options.toJson()},
                                     {"state", state}};
    io::writeSafetensors(path, tensors,
                         {{"format", kTrainingCheckpointFormat},
                          {"architecture", kTrainerKind},
                          {"config", vaeConfigToJson(m_vae->config()).dump()},
                          {"training", training.dump()}});
}

void AutoencoderTrainer::resume(const std::string& path) {
    io::SafetensorsFile file(path);
    const nlohmann::json training = m_core->readResumeMetadata(
        file.metadata(), path, kTrainerKind, vaeConfigToJson(m_vae->config()), "VAE config", m_options.toJson());
    const io::StateDict dict = file.readAll();
    copyIntoModule(*m_vae, vae::normalizeVaeStateDict(dict, path), path);
    m_core->load(dict, training.value("state", nlohmann::json::object()), path);
}

void AutoencoderTrainer::saveModel(const std::string& path) const {
    io::writeSafetensors(path, prefixedLdmWeights(m_vae),
                         {{"format", "stillmotion-vae"}, {"config", vaeConfigToJson(m_vae->config()).dump()}});
}

}  // namespace sm::training
