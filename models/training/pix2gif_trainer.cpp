#include "training/pix2gif_trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <optional>

#include "io/safetensors.h"
#include "io/weight_map.h"
#include "pix2gif/caption.h"
#include "pix2gif/flownet.h"
#include "pix2gif/motion_embedding.h"
#include "runtime/error.h"
#include "sampling/schedules.h"
#include "text/clip_text_encoder.h"
#include "unet/ldm_unet.h"
#include "vae/diagonal_gaussian.h"
#include "vae/key_map.h"

namespace sm::training {
namespace {

constexpr const char* kModelFormat = "stillmotion-model";
constexpr const char* kTrainerKind = "pix2gif";

nlohmann::json cardJson(const pix2gif::ModelCard& card) {
    return {{"name", card.name},
            {"description", card.description},
            {"provenance", card.provenance},
            {"training", card.training},
            {"evaluation", card.evaluation}};
}

const char* referenceName(PerceptualReference reference) {
    return reference == PerceptualReference::Target ? "target" : "source";
}

const char* emaScheduleName(EmaSchedule schedule) {
    return schedule == EmaSchedule::EveryOptimizerStep ? "every_optimizer_step" : "every_micro_batch";
}

}  // namespace

// ----------------------------------------------------------------------------------------------------------------
void Pix2GifTrainerOptions::validate() const {
    optimizer.validate();
    if (!(emaMaxDecay >= 0.0 && emaMaxDecay < 1.0)) {
        throw ArgumentError("Pix2Gif trainer: emaMaxDecay must lie in [0, 1), got " + std::to_string(emaMaxDecay));
    }
    if (!(conditioningDropout >= 0.0 && conditioningDropout <= 1.0 / 3.0)) {
        throw ArgumentError("Pix2Gif trainer: conditioningDropout must lie in [0, 1/3] (three bands of p), got " +
                            std::to_string(conditioningDropout));
    }
    if (!(snrGamma >= 0.0)) {
        throw ArgumentError("Pix2Gif trainer: snrGamma must be >= 0 (0 = off), got " + std::to_string(snrGamma));
    }
    if (!(perceptualWeight >= 0.0)) {
        throw ArgumentError("Pix2Gif trainer: perceptualWeight must be >= 0, got " + std::to_string(perceptualWeight));
    }
}

nlohmann::json Pix2GifTrainerOptions::toJson() const {
    return {{"optimizer", optimizer.toJson()},
            {"ema_max_decay", emaMaxDecay},
            {"ema_schedule", emaScheduleName(emaSchedule)},
            {"horizontal_flip", horizontalFlip},
            {"conditioning_dropout", conditioningDropout},
            {"perceptual_weight", perceptualWeight},
            {"snr_gamma", snrGamma},
            {"perceptual_reference", referenceName(perceptualReference)},
            {"perceptual_layers", perceptualLayers},
            {"vgg_weights", vggWeightsPath},
            {"seed", seed},
            {"max_steps", maxSteps},
            {"train_text_encoder", trainTextEncoder}};
}

Pix2GifTrainerOptions Pix2GifTrainerOptions::fromJson(const nlohmann::json& json) {
    Pix2GifTrainerOptions o;
    try {
        o.optimizer = OptimizerSettings::fromJson(json.value("optimizer", nlohmann::json::object()));
        o.emaMaxDecay = json.value("ema_max_decay", o.emaMaxDecay);
        o.emaSchedule = json.value("ema_schedule", std::string("every_micro_batch")) == "every_optimizer_step"
                            ? EmaSchedule::EveryOptimizerStep
                            : EmaSchedule::EveryMicroBatch;
        o.horizontalFlip = json.value("horizontal_flip", o.horizontalFlip);
        o.conditioningDropout = json.value("conditioning_dropout", o.conditioningDropout);
        o.perceptualWeight = json.value("perceptual_weight", o.perceptualWeight);
        o.snrGamma = json.value("snr_gamma", o.snrGamma);
        o.perceptualReference = json.value("perceptual_reference", std::string("source")) == "target"
                                    ? PerceptualReference::Target
                                    : PerceptualReference::Source;
        o.perceptualLayers = json.value("perceptual_layers", o.perceptualLayers);
        o.vggWeightsPath = json.value("vgg_weights", o.vggWeightsPath);
        o.seed = json.value("seed", o.seed);
        o.maxSteps = json.value("max_steps", o.maxSteps);
        o.trainTextEncoder = json.value("train_text_encoder", o.trainTextEncoder);
    } catch (const nlohmann::json::exception& e) {
        throw ArgumentError(std::string("Pix2Gif trainer options: ") + e.what());
    }
    return o;
}

ConditioningDropout conditioningDropout(const torch::Tensor& uniform, double p) {
    // ddpm_edit.py get_input: prompt_mask = r < 2p; input_mask = 1 - (r >= p) * (r < 3p).
    ConditioningDropout out;
    out.dropText = uniform < 2.0 * p;
    out.imageKeep = 1.0 - ((uniform >= p).to(torch::kFloat32) * (uniform < 3.0 * p).to(torch::kFloat32));
    return out;
}

std::string Pix2GifTrainer::unetEmaKey(const std::string& bareName) {
    return io::emaKeyFor(unet::checkpointKey(bareName));
}

// ----------------------------------------------------------------------------------------------------------------
Pix2GifTrainer::Pix2GifTrainer(pix2gif::Pix2GifModel model, Pix2GifTrainerOptions options, ComputeTarget target,
                               TrainingCallbacks callbacks)
    : m_model(std::move(model)), m_options(std::move(options)) {
    m_options.validate();
    m_device = m_model->parameters().front().device();
    if (target.device != m_device) {
        // The model decides where training runs; the target only contributes the precision policy.
        target.device = m_device;
    }
    prepareModules();

    std::vector<std::pair<std::string, torch::Tensor>> trainable;
    std::vector<std::pair<std::string, torch::Tensor>> unetParams;
    for (const auto& item : m_model->unet->named_parameters(true)) {
        trainable.emplace_back("unet." + item.key(), item.value());
        unetParams.emplace_back(unetEmaKey(item.key()), item.value());
    }
    for (const auto& item : m_model->flownet->named_parameters(true)) {
        trainable.emplace_back("flownet." + item.key(), item.value());
    }
    for (const auto& item : m_model->motionEmbedding->named_parameters(true)) {
        trainable.emplace_back("interval_embedding." + item.key(), item.value());
    }
    if (m_options.trainTextEncoder) {
        for (const auto& item : m_model->textEncoder->named_parameters(true)) {
            trainable.emplace_back("text_encoder." + item.key(), item.value());
        }
    }
    m_core = std::make_unique<TrainerCore>(std::move(trainable), m_options.optimizer, target, m_options.seed,
                                           std::move(callbacks));
    m_core->setMaxSteps(m_options.maxSteps);
    m_ema = std::make_unique<EmaTracker>(std::move(unetParams), m_options.emaMaxDecay, "model_ema.");

    if (m_options.perceptualWeight > 0.0) {
        PerceptualLossOptions perceptual;
        perceptual.layers = m_options.perceptualLayers;
        perceptual.inChannels = m_model->config().vae.latentChannels;
        perceptual.weightsPath = m_options.vggWeightsPath;
        perceptual.seed = m_options.seed;
        m_perceptual = PerceptualLoss(perceptual);
        m_perceptual->to(m_device);
        const int64_t latent = m_model->config().latentSize();
        if (latent < m_perceptual->minimumInputSize()) {
            throw ArgumentError("Pix2Gif trainer: the " + std::to_string(latent) + "×" + std::to_string(latent) +
                                " latent is too small for VGG19 feature layer " +
                                std::to_string(m_options.perceptualLayers.back()) + " (needs " +
                                std::to_string(m_perceptual->minimumInputSize()) +
                                " px); choose earlier perceptualLayers");
        }
        if (!m_perceptual->pretrained()) {
            m_core->warn("perceptual loss uses random VGG19 features (no ImageNet weights supplied)");
        }
    }
    const sampling::DdpmSchedule schedule = sampling::ldmLinearSchedule();
    m_sqrtAlphasCumprod = schedule.sqrtAlphasCumprod.to(m_device);
    m_sqrtOneMinusAlphasCumprod = schedule.sqrtOneMinusAlphasCumprod.to(m_device);
}

void Pix2GifTrainer::prepareModules() {
    m_model->train();
    m_model->vae->eval();
    m_model->textEncoder->eval();
    for (auto& p : m_model->vae->parameters()) {
        p.set_requires_grad(false);
    }
    for (auto& p : m_model->textEncoder->parameters()) {
        p.set_requires_grad(m_options.trainTextEncoder);
    }
    for (auto* part :
         {static_cast<torch::nn::Module*>(m_model->unet.get()), static_cast<torch::nn::Module*>(m_model->flownet.get()),
          static_cast<torch::nn::Module*>(m_model->motionEmbedding.get())}) {
        for (auto& p : part->parameters()) {
            p.set_requires_grad(true);
        }
    }
}

torch::Tensor Pix2GifTrainer::nullText() {
    // A trained text encoder changes the empty prompt's embedding at every step; accumulate() encodes it with the
    // batch then.
    if (!m_nullText.defined()) {
        torch::NoGradGuard noGrad;
        m_nullText = m_model->encodeText({""});
    }
    return m_nullText;
}

LossParts Pix2GifTrainer::accumulate(const Pix2GifBatch& batch) {
    m_core->throwIfCancelled();
    const int64_t size = m_model->config().imageSize();
    const auto& s = batch.source;
    const int64_t b = s.defined() ? s.size(0) : 0;
    auto goodImages = [&](const torch::Tensor& t) {
        return t.defined() && t.dim() == 4 && t.size(0) == b && t.size(1) == 3 && t.size(2) == size &&
               t.size(3) == size;
    };
    if (b < 1 || !goodImages(s) || !goodImages(batch.target) || batch.captions.size() != static_cast<size_t>(b) ||
        batch.motions.size() != static_cast<size_t>(b)) {
        throw ArgumentError("Pix2Gif batch: source " + (s.defined() ? io::shapeString(s.sizes()) : std::string("-")) +
                            ", target " +
                            (batch.target.defined() ? io::shapeString(batch.target.sizes()) : std::string("-")) + ", " +
                            std::to_string(batch.captions.size()) + " captions, " +
                            std::to_string(batch.motions.size()) + " motions; expected [B,3," + std::to_string(size) +
                            "," + std::to_string(size) + "] images and B captions and motions");
    }
    const int64_t rows = m_model->config().motion.count;
    for (int64_t m : batch.motions) {
        if (m < 0 || m >= rows) {
            throw ArgumentError("Pix2Gif batch: motion " + std::to_string(m) + " outside the table's 0–" +
                                std::to_string(rows - 1));
        }
    }
    at::Generator& gen = m_core->generator();
    const ComputeTarget& target = m_core->target();

    torch::Tensor source = s.detach().to(torch::kCPU, torch::kFloat32);
    torch::Tensor targetImage = batch.target.detach().to(torch::kCPU, torch::kFloat32);
    // 1. Joint horizontal flip (torchvision draws torch.rand(1) < p per sample).
    if (m_options.horizontalFlip) {
        const torch::Tensor flip = (torch::rand({b}, gen) < 0.5).view({b, 1, 1, 1});
        source = torch::where(flip, source.flip({3}), source);
        targetImage = torch::where(flip, targetImage.flip({3}), targetImage);
    }
    const int64_t channels = m_model->config().vae.latentChannels;
    const int64_t latent = m_model->config().latentSize();
    torch::Tensor sourceMode, targetMode, z0, cT;
    {
        torch::NoGradGuard noGrad;
        AutocastScope autocast(target);
        // 2. Target latent: posterior sample · scale (get_first_stage_encoding), noise from our generator.
        const vae::DiagonalGaussian targetPosterior = m_model->vae->encodeDistribution(targetImage.to(m_device));
        const torch::Tensor sampleNoise = torch::randn({b, channels, latent, latent}, gen, torch::kFloat32);
        z0 = (targetPosterior.sample(sampleNoise) * m_model->config().scaleFactor).to(torch::kFloat32);
        targetMode = targetPosterior.mode().to(torch::kFloat32);
        sourceMode = m_model->encodeImage(source.to(m_device)).to(torch::kFloat32);
    }
    // 3. Conditioning dropout.
    const ConditioningDropout drop = conditioningDropout(torch::rand({b}, gen), m_options.conditioningDropout);
    const torch::Tensor imageKeep = drop.imageKeep.to(m_device).view({b, 1, 1, 1});
    const torch::Tensor sourceMasked = sourceMode * imageKeep;
    {
        std::optional<torch::NoGradGuard> frozenText;
        if (!m_options.trainTextEncoder) {
            frozenText.emplace();
        }
        AutocastScope autocast(target);
        std::vector<std::string> texts;
        texts.reserve(static_cast<size_t>(b) + 1);
        for (int64_t i = 0; i < b; ++i) {
            texts.push_back(
                pix2gif::datasetPrompt(batch.captions[static_cast<size_t>(i)], batch.motions[static_cast<size_t>(i)])
                    .clipText);
        }
        torch::Tensor text;
        torch::Tensor empty;
        if (m_options.trainTextEncoder) {
            // One forward for the captions and the empty prompt, so that dropped captions train it too.
            texts.emplace_back();
            const torch::Tensor all = m_model->encodeText(texts).to(torch::kFloat32);
            text = all.slice(0, 0, b);
            empty = all.slice(0, b, b + 1);
        } else {
            text = m_model->encodeText(texts).to(torch::kFloat32);
            empty = nullText().to(torch::kFloat32);
        }
        cT = torch::where(drop.dropText.to(m_device).view({b, 1, 1}), empty.expand_as(text), text);
    }
    // 4.–5. Timesteps and noise.
    const torch::Tensor t = torch::randint(0, m_sqrtAlphasCumprod.size(0), {b}, gen, torch::kLong);
    const torch::Tensor eps = torch::randn({b, channels, latent, latent}, gen, torch::kFloat32).to(m_device);
    const torch::Tensor tDevice = t.to(m_device);

    LossParts parts;
    torch::Tensor loss;
    {
        AutocastScope autocast(target);
        const torch::Tensor cM = m_model->motionEmbedding->embed(batch.motions).to(m_device);  // [B, 1, D]
        const torch::Tensor cL = pix2gif::motionConditionedContext(cT, cM);
        const torch::Tensor zW = pix2gif::flowConditionedWarp(*m_model->flownet, sourceMasked, cL).warped;
        const torch::Tensor zt = m_sqrtAlphasCumprod.index_select(0, tDevice).view({b, 1, 1, 1}) * z0 +
                                 m_sqrtOneMinusAlphasCumprod.index_select(0, tDevice).view({b, 1, 1, 1}) * eps;
        const torch::Tensor epsHat = m_model->unet->forward(torch::cat({zt, sourceMasked, zW.to(zt.scalar_type())}, 1),
                                                            tDevice.to(torch::kFloat32), cL);
        const torch::Tensor perSample = (epsHat.to(torch::kFloat32) - eps).pow(2).mean({1, 2, 3});
        const torch::Tensor mse = perSample.mean();
        loss = mse;
        if (m_options.snrGamma > 0.0) {
            const torch::Tensor snr = (m_sqrtAlphasCumprod.index_select(0, tDevice) /
                                       m_sqrtOneMinusAlphasCumprod.index_select(0, tDevice))
                                          .pow(2)
                                          .to(torch::kFloat32);
            loss = (perSample * snr.clamp_max(m_options.snrGamma) / snr).mean();
        }
        parts.mse = mse.item<double>();
        if (m_perceptual) {
            const torch::Tensor reference =
                m_options.perceptualReference == PerceptualReference::Target ? targetMode * imageKeep : sourceMasked;
            const torch::Tensor perceptual = m_perceptual->forward(zW.to(torch::kFloat32), reference.detach());
            loss = loss + m_options.perceptualWeight * perceptual;
            parts.perceptual = perceptual.item<double>();
        }
        parts.loss = loss.item<double>();
    }
    m_core->backward(loss, parts.loss, {{"mse", parts.mse}, {"perceptual", parts.perceptual}});
    return parts;
}

bool Pix2GifTrainer::applyUpdate(bool force) {
    const int pending = m_core->pendingMicroBatches();
    if (pending == 0 || (!force && !m_core->readyToStep())) {
        return false;
    }
    // Lightning order per micro-batch: backward, [optimizer step on the window's last batch], LitEma update.
    // The parameters do not change within a window, so the window's first pending − 1 updates see the old ones.
    if (m_options.emaSchedule == EmaSchedule::EveryMicroBatch) {
        for (int i = 0; i + 1 < pending; ++i) {
            m_ema->update();
        }
    }
    const bool stepped = m_core->step();
    m_ema->update();
    return stepped;
}

TrainStepResult Pix2GifTrainer::trainStep(const Pix2GifBatch& batch) {
    TrainStepResult result;
    result.losses = accumulate(batch);
    result.stepped = applyUpdate();
    result.optimizerStep = m_core->optimizerStep();
    result.microStep = m_core->microStep();
    result.learningRate = m_core->learningRate();
    return result;
}

int64_t Pix2GifTrainer::run(const std::function<Pix2GifBatch()>& nextBatch, int64_t maxSteps) {
    const int64_t goal = maxSteps > 0 ? maxSteps : m_options.maxSteps;
    if (goal <= 0) {
        throw ArgumentError("Pix2Gif trainer: run() needs maxSteps (argument or options.maxSteps)");
    }
    const int64_t start = m_core->optimizerStep();
    while (m_core->optimizerStep() < goal) {
        trainStep(nextBatch());
    }
    return m_core->optimizerStep() - start;
}

// ----------------------------------------------------------------------------------------------------------------
pix2gif::Pix2GifModel Pix2GifTrainer::emaModel() const {
    io::StateDict dict;
    // Copies, so that the new bundle never shares storage with the weights still being trained.
    for (const auto& [key, tensor] : m_model->checkpointStateDict()) {
        dict[key] = tensor.detach().to(torch::kCPU).clone();
    }
    m_ema->save(dict, /*cloneToCpu=*/true);
    const nlohmann::json card = {{"config", m_model->config().toJson()}, {"card", cardJson(m_model->card())}};
    pix2gif::Pix2GifModel model = pix2gif::pix2GifFromStateDict(
        dict, "trainer (EMA, step " + std::to_string(optimizerStep()) + ")", m_model->tokenizer(), &card);
    return model;
}

void Pix2GifTrainer::saveModel(const std::string& path, const pix2gif::ModelCard& card) const {
    pix2gif::Pix2GifModel model = emaModel();
    model->card() = card;
    model->card().training["optimizer_steps"] = optimizerStep();
    model->card().training["micro_batches"] = microStep();
    model->card().training["ema_updates"] = m_ema->numUpdates();
    model->card().training["trainer_options"] = m_options.toJson();
    pix2gif::savePix2GifModel(model, path);
}

void Pix2GifTrainer::saveCheckpoint(const std::string& path) const {
    io::StateDict tensors = m_model->checkpointStateDict();
    m_ema->save(tensors);
    nlohmann::json state = m_core->save(tensors);
    state["ema_updates"] = m_ema->numUpdates();
    const nlohmann::json training = {{"format", kTrainingCheckpointFormat},
                                     {"trainer", kTrainerKind},
                                     {"options", m_options.toJson()},
                                     {"state", state}};
    io::writeSafetensors(path, tensors,
                         {{"format", kModelFormat},
                          {"architecture", "pix2gif"},
                          {"config", m_model->config().toJson().dump()},
                          {"card", cardJson(m_model->card()).dump()},
                          {"training", training.dump()}});
}

void Pix2GifTrainer::resume(const std::string& path) {
    io::SafetensorsFile file(path);
    const auto& meta = file.metadata();
    const nlohmann::json training =
        m_core->readResumeMetadata(meta, path, kTrainerKind, m_model->config().toJson(), "model config",
                                   m_options.toJson(), "; to start from plain weights, load them with loadPix2GifModel instead");
    const io::StateDict dict = file.readAll();
    // Back from the Lightning layout to the bundle's module names.
    io::StateDict internal;
    auto put = [&internal](const io::StateDict& part, const std::string& prefix) {
        for (const auto& [key, tensor] : part) {
            internal[prefix + key] = tensor;
        }
    };
    put(io::withPrefix(dict, unet::kCheckpointPrefix), "unet.");
    put(vae::normalizeVaeStateDict(dict, path), "vae.");
    const io::StateDict weights = io::withoutTrainerState(dict);  // same names as weights
    put(text::clipTextWeights(weights, text::findClipTextPrefix(weights)), "text_encoder.");
    put(io::withPrefix(dict, pix2gif::kFlowNetPrefix), "flownet.");
    put(io::withPrefix(dict, pix2gif::kMotionEmbeddingPrefix), "interval_embedding.");
    copyIntoModule(*m_model, internal, path, {"position_ids"});
    m_ema->load(dict, path);
    m_core->load(dict, training.value("state", nlohmann::json::object()), path);
    if (const auto card = meta.find("card"); card != meta.end()) {
        try {
            const nlohmann::json c = nlohmann::json::parse(card->second);
            m_model->card().name = c.value("name", m_model->card().name);
            m_model->card().description = c.value("description", m_model->card().description);
            m_model->card().provenance = c.value("provenance", m_model->card().provenance);
            m_model->card().training = c.value("training", m_model->card().training);
            m_model->card().evaluation = c.value("evaluation", m_model->card().evaluation);
        } catch (const std::exception&) {
            m_core->warn(path + ": the model card in the metadata is unreadable; keeping the current one");
        }
    }
    m_nullText = torch::Tensor();
}

}  // namespace sm::training
