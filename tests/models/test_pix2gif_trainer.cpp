// The Pix2Gif trainer on a tiny random model (32×32 images, 8×8 latents) and synthetic pairs (a bright square
// shifted right by the motion value): the authors' warm-up schedule and LitEma decay, the 5/5/5 % conditioning
// dropout, a falling loss, bit-exact resume (also mid accumulation window), and checkpoints that load as models
// with the EMA folded into the UNet.
#include <torch/torch.h>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <atomic>

#include "io/safetensors.h"
#include "pix2gif/pix2gif_model.h"
#include "runtime/error.h"
#include "sampling/noise.h"
#include "training/ema.h"
#include "training/lr_schedule.h"
#include "training/pix2gif_trainer.h"

using namespace sm;
using training::Pix2GifBatch;
using training::Pix2GifTrainer;
using training::Pix2GifTrainerOptions;

namespace {

const std::string kVocab = std::string(STILLMOTION_SOURCE_DIR) + "/resources/clip/bpe_simple_vocab_16e6.txt.gz";

const text::ClipTokenizer& tokenizer() {
    static const text::ClipTokenizer tok = text::ClipTokenizer::fromOpenAiVocab(kVocab);
    return tok;
}

// Source: a bright 8×8 square on a dark background; target: the same square `motion` pixels to the right.
Pix2GifBatch squareBatch(const std::vector<int64_t>& motions, int64_t size = 32) {
    Pix2GifBatch batch;
    const auto b = static_cast<int64_t>(motions.size());
    batch.source = torch::full({b, 3, size, size}, -0.8);
    batch.target = torch::full({b, 3, size, size}, -0.8);
    for (int64_t i = 0; i < b; ++i) {
        const int64_t y = 4 + 3 * i % 12;
        batch.source[i].narrow(1, y, 8).narrow(2, 4, 8).fill_(0.9);
        batch.target[i].narrow(1, y, 8).narrow(2, 4 + motions[static_cast<size_t>(i)], 8).fill_(0.9);
        batch.captions.push_back("A bright square moves.");
    }
    batch.motions = motions;
    return batch;
}

Pix2GifTrainerOptions tinyOptions() {
    Pix2GifTrainerOptions options;
    options.perceptualLayers = {0, 5, 10, 19};  // an 8×8 latent pools to 1×1 before conv4_1
    options.optimizer.warmupSteps = 3;
    options.optimizer.accumulateBatches = 1;
    options.optimizer.learningRate = 1e-3;
    options.seed = 5;
    return options;
}

pix2gif::Pix2GifModel tinyModel(uint64_t seed) {
    return pix2gif::randomPix2GifModel(pix2gif::Pix2GifConfig::tiny(), tokenizer(), seed);
}

}  // namespace

class TestPix2GifTrainer : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        torch::set_num_threads(1);  // the test machine is shared: one thread avoids OpenMP spin contention
        QVERIFY(m_dir.isValid());
    }

    void lrScheduleIsLambdaLinear() {
        training::LambdaLinearSchedule s;  // the authors' 10000-step warm-up
        QCOMPARE(training::lambdaLinearMultiplier(0, s), 1e-6);
        QCOMPARE(training::lambdaLinearMultiplier(1, s), (1.0 - 1e-6) / 10000.0 * 1.0 + 1e-6);
        QVERIFY(std::abs(training::lambdaLinearMultiplier(5000, s) - 0.5000005) < 1e-15);
        QCOMPARE(training::lambdaLinearMultiplier(9999, s), (1.0 - 1e-6) / 10000.0 * 9999.0 + 1e-6);
        QCOMPARE(training::lambdaLinearMultiplier(10000, s), 1.0);
        QCOMPARE(training::lambdaLinearMultiplier(123456, s), 1.0);
        s.warmupSteps = 0;
        QCOMPARE(training::lambdaLinearMultiplier(0, s), 1.0);
    }

    void lrDecaysLinearlyAfterWarmup() {
        // --final-lr-factor: a finite LambdaLinear cycle; f falls from 1 to fMin over the cycle and stays there.
        Pix2GifTrainerOptions options = tinyOptions();
        options.optimizer.warmupSteps = 2;
        options.optimizer.decaySteps = 6;
        options.optimizer.finalLrFactor = 0.25;
        options.perceptualWeight = 0.0;
        Pix2GifTrainer trainer(tinyModel(8), options);
        const Pix2GifBatch batch = squareBatch({4, 6});
        std::vector<double> lrs;
        for (int i = 0; i < 8; ++i)
            lrs.push_back(trainer.trainStep(batch).learningRate);  // lr of step i + 1
        const double base = options.optimizer.learningRate;
        QVERIFY(std::abs(lrs[0] - base * ((1.0 - 1e-6) / 2.0 + 1e-6)) < 1e-12);  // still warming up
        for (int n = 2; n <= 6; ++n)
            QVERIFY2(std::abs(lrs[static_cast<size_t>(n - 1)] - base * (0.25 + 0.75 * (6.0 - n) / 6.0)) < 1e-12,
                     qPrintable(QString::number(n)));
        QVERIFY(std::abs(lrs[7] - base * 0.25) < 1e-12);
        // Old checkpoints (no decay fields) read back as no decay.
        nlohmann::json old = options.optimizer.toJson();
        old.erase("decay_steps");
        old.erase("final_lr_factor");
        QCOMPARE(training::OptimizerSettings::fromJson(old).decaySteps, int64_t{0});
        QCOMPARE(training::OptimizerSettings::fromJson(old).finalLrFactor, 1.0);
        options.optimizer.finalLrFactor = 1.5;
        QVERIFY_THROWS_EXCEPTION(ArgumentError, options.validate());
    }

    void minSnrWeightingScalesTheLoss() {
        // Same seed and batch: the draws (t, noise, dropout) are identical, so the unweighted MSE matches and the
        // weighted loss differs by the per-sample factor min(SNR, γ)/SNR ≤ 1; a huge γ weighs nothing.
        Pix2GifTrainerOptions plain = tinyOptions();
        plain.perceptualWeight = 0.0;
        Pix2GifTrainerOptions weighted = plain;
        weighted.snrGamma = 1.0;
        Pix2GifTrainerOptions huge = plain;
        huge.snrGamma = 1e12;
        const Pix2GifBatch batch = squareBatch({2, 5, 9, 12, 15, 3, 7, 11});
        Pix2GifTrainer a(tinyModel(9), plain);
        Pix2GifTrainer b(tinyModel(9), weighted);
        Pix2GifTrainer c(tinyModel(9), huge);
        const training::LossParts la = a.accumulate(batch);
        const training::LossParts lb = b.accumulate(batch);
        const training::LossParts lc = c.accumulate(batch);
        QCOMPARE(lb.mse, la.mse);
        QCOMPARE(la.loss, la.mse);
        QVERIFY2(lb.loss < la.loss && lb.loss > 0.0, qPrintable(QString("%1 vs %2").arg(lb.loss).arg(la.loss)));
        QVERIFY(std::abs(lc.loss - la.loss) < 1e-6 * la.loss);
        QCOMPARE(Pix2GifTrainerOptions::fromJson(weighted.toJson()).snrGamma, 1.0);
        weighted.snrGamma = -1.0;
        QVERIFY_THROWS_EXCEPTION(ArgumentError, weighted.validate());
    }

    void emaDecayIsLitEma() {
        QCOMPARE(training::litEmaDecay(1), 2.0 / 11.0);
        QCOMPARE(training::litEmaDecay(100), 101.0 / 110.0);
        QCOMPARE(training::litEmaDecay(1000000), 0.9999);
        torch::Tensor p = torch::zeros({3});
        training::EmaTracker ema({{"model_ema.w", p}}, 0.9999);
        p.fill_(1.0);
        ema.update();  // shadow = 0 - (1 - 2/11)(0 - 1) = 9/11
        QVERIFY(std::abs(ema.shadow("model_ema.w")[0].item<double>() - 9.0 / 11.0) < 1e-6);
        ema.update();  // n = 2: decay 3/12
        QVERIFY(std::abs(ema.shadow("model_ema.w")[0].item<double>() - (9.0 / 11.0 + 0.75 * (2.0 / 11.0))) < 1e-6);
        QCOMPARE(ema.numUpdates(), int64_t{2});
        QCOMPARE(Pix2GifTrainer::unetEmaKey("input_blocks.0.0.weight"),
                 std::string("model_ema.diffusion_modelinput_blocks00weight"));
    }

    void conditioningDropoutIsFivePercentEach() {
        const torch::Tensor edges = torch::tensor({0.0, 0.049, 0.05, 0.099, 0.1, 0.149, 0.15, 0.9});
        const auto fixed = training::conditioningDropout(edges, 0.05);
        const std::vector<bool> text = {true, true, true, true, false, false, false, false};
        const std::vector<float> keep = {1, 1, 0, 0, 0, 0, 1, 1};
        for (int64_t i = 0; i < edges.size(0); ++i) {
            QCOMPARE(fixed.dropText[i].item<bool>(), text[static_cast<size_t>(i)]);
            QCOMPARE(fixed.imageKeep[i].item<float>(), keep[static_cast<size_t>(i)]);
        }
        at::Generator gen = sampling::makeCpuGenerator(1);
        const int64_t n = 200000;
        const auto d = training::conditioningDropout(torch::rand({n}, gen), 0.05);
        const torch::Tensor dropImage = d.imageKeep == 0;
        auto fraction = [n](const torch::Tensor& mask) { return mask.sum().item<double>() / static_cast<double>(n); };
        // 3σ of a 5 % binomial over 200000 draws is 0.0015.
        QVERIFY(std::abs(fraction(d.dropText & ~dropImage) - 0.05) < 0.0015);
        QVERIFY(std::abs(fraction(d.dropText & dropImage) - 0.05) < 0.0015);
        QVERIFY(std::abs(fraction(~d.dropText & dropImage) - 0.05) < 0.0015);
    }

    void lossFallsAndWarnsAboutRandomVgg() {
        std::vector<std::string> warnings;
        std::vector<training::TrainingReport> reports;
        training::TrainingCallbacks callbacks;
        callbacks.onWarning = [&warnings](const std::string& w) { warnings.push_back(w); };
        callbacks.onMetrics = [&reports](const training::TrainingReport& r) { reports.push_back(r); };
        Pix2GifTrainerOptions options = tinyOptions();
        options.maxSteps = 50;
        Pix2GifTrainer trainer(tinyModel(1), options, {}, callbacks);
        QCOMPARE(warnings.size(), size_t{1});
        QCOMPARE(warnings[0], std::string("perceptual loss uses random VGG19 features (no ImageNet weights supplied)"));
        const Pix2GifBatch batch = squareBatch({2, 5, 9, 13});
        std::vector<double> losses;
        for (int i = 0; i < 50; ++i) {
            const training::TrainStepResult r = trainer.trainStep(batch);
            QVERIFY(r.stepped);
            QVERIFY(std::isfinite(r.losses.loss) && r.losses.perceptual >= 0.0);
            losses.push_back(r.losses.loss);
        }
        double first = 0.0, last = 0.0;
        for (int i = 0; i < 10; ++i) {
            first += losses[static_cast<size_t>(i)] / 10.0;
            last += losses[static_cast<size_t>(40 + i)] / 10.0;
        }
        qInfo("mean loss of steps 1-10: %.4f, 41-50: %.4f", first, last);
        QVERIFY2(last < 0.8 * first, qPrintable(QString("first %1 last %2").arg(first).arg(last)));
        QCOMPARE(trainer.optimizerStep(), int64_t{50});
        QCOMPARE(reports.size(), size_t{50});
        QCOMPARE(reports.back().optimizerStep, int64_t{50});
        QCOMPARE(reports.front().learningRate, 1e-3 * training::lambdaLinearMultiplier(1, {3}));
        QCOMPARE(reports.front().loss, losses.front());  // one micro-batch per step: the window mean is its loss
        QVERIFY(reports.back().stepsPerSecond > 0.0 && reports.back().etaSeconds == 0.0);
        QVERIFY(reports.back().terms.count("perceptual") == 1);
        QCOMPARE(trainer.ema().numUpdates(), int64_t{50});

        std::atomic<bool> cancel{true};
        training::TrainingCallbacks cancelled;
        cancelled.cancel = &cancel;
        Pix2GifTrainer stopped(tinyModel(1), tinyOptions(), {}, cancelled);
        QVERIFY_THROWS_EXCEPTION(CancelledError, stopped.accumulate(batch));
    }

    void resumeIsBitExact() {
        Pix2GifTrainerOptions options = tinyOptions();
        options.optimizer.accumulateBatches = 2;  // save in the middle of an accumulation window
        const std::vector<Pix2GifBatch> batches = {squareBatch({3, 7}), squareBatch({11, 4}), squareBatch({6, 15})};
        Pix2GifTrainer a(tinyModel(2), options);
        for (int i = 0; i < 5; ++i) {
            a.trainStep(batches[static_cast<size_t>(i) % 3]);
        }
        QCOMPARE(a.optimizerStep(), int64_t{2});
        const std::string path = m_dir.filePath("resume.safetensors").toStdString();
        a.saveCheckpoint(path);
        std::vector<double> expected;
        for (int i = 5; i < 9; ++i) {
            expected.push_back(a.trainStep(batches[static_cast<size_t>(i) % 3]).losses.loss);
        }

        Pix2GifTrainer b(tinyModel(99), options);  // different weights: everything must come from the file
        b.resume(path);
        QCOMPARE(b.optimizerStep(), int64_t{2});
        QCOMPARE(b.microStep(), int64_t{5});
        for (int i = 5; i < 9; ++i) {
            const double loss = b.trainStep(batches[static_cast<size_t>(i) % 3]).losses.loss;
            QCOMPARE(loss, expected[static_cast<size_t>(i - 5)]);  // bit for bit
        }
        QCOMPARE(b.ema().numUpdates(), a.ema().numUpdates());
        QVERIFY(torch::equal(b.model()->unet->parameters().front(), a.model()->unet->parameters().front()));
    }

    void checkpointLoadsAsModelWithEma() {
        Pix2GifTrainer trainer(tinyModel(3), tinyOptions());
        const Pix2GifBatch batch = squareBatch({4, 8});
        for (int i = 0; i < 4; ++i) {
            trainer.trainStep(batch);
        }
        const std::string path = m_dir.filePath("ckpt.safetensors").toStdString();
        trainer.saveCheckpoint(path);
        io::SafetensorsFile file(path);
        QVERIFY(file.contains("model_ema.diffusion_modelinput_blocks00weight"));
        QVERIFY(file.contains("model_ema.num_updates"));
        QVERIFY(file.contains("optimizer.unet.input_blocks.0.0.weight.exp_avg"));
        QVERIFY(file.contains("trainer.rng_state"));
        QVERIFY(!file.contains("grad.unet.input_blocks.0.0.weight"));  // saved at a window boundary
        const auto training = nlohmann::json::parse(file.metadata().at("training"));
        QCOMPARE(training.at("format").get<std::string>(), std::string("stillmotion-training-checkpoint"));
        QCOMPARE(training.at("state").at("optimizer_step").get<int64_t>(), int64_t{4});

        pix2gif::Pix2GifModel loaded = pix2gif::loadPix2GifModel(path, tokenizer());
        const auto unetNames = trainer.model()->unet->named_parameters(true);
        QCOMPARE(loaded->loadSummary().unetTensorsFromEma, unetNames.size());
        const auto loadedUnet = loaded->unet->named_parameters(true);
        bool anyDiffers = false;
        for (const auto& item : unetNames) {
            const torch::Tensor& shadow = trainer.ema().shadow(Pix2GifTrainer::unetEmaKey(item.key()));
            QVERIFY2(torch::equal(loadedUnet[item.key()], shadow), item.key().c_str());
            anyDiffers = anyDiffers || !torch::equal(shadow, item.value());
        }
        QVERIFY(anyDiffers);  // the EMA lags the trained weights
        QVERIFY(torch::equal(loaded->flownet->parameters().front(), trainer.model()->flownet->parameters().front()));
        QVERIFY(loaded->config().toJson() == trainer.model()->config().toJson());

        // The same through emaModel() and saveModel().
        pix2gif::Pix2GifModel ema = trainer.emaModel();
        QVERIFY(torch::equal(ema->unet->parameters().front(),
                             trainer.ema().shadow(Pix2GifTrainer::unetEmaKey(unetNames.begin()->key()))));
        pix2gif::ModelCard card;
        card.name = "square-mover";
        const std::string modelPath = m_dir.filePath("model.safetensors").toStdString();
        trainer.saveModel(modelPath, card);
        pix2gif::Pix2GifModel saved = pix2gif::loadPix2GifModel(modelPath, tokenizer());
        QCOMPARE(saved->card().name, std::string("square-mover"));
        QCOMPARE(saved->card().training.at("optimizer_steps").get<int64_t>(), int64_t{4});
        QVERIFY(torch::equal(saved->unet->parameters().front(), ema->unet->parameters().front()));
    }

    void optionVariantsTrain() {
        // The paper's perceptual reference (target frame), no flip, clipping, EMA once per optimizer step, and an
        // accumulation window closed early with force.
        Pix2GifTrainerOptions options = tinyOptions();
        options.perceptualReference = training::PerceptualReference::Target;
        options.horizontalFlip = false;
        options.optimizer.maxGradNorm = 0.5;
        options.optimizer.accumulateBatches = 3;
        options.emaSchedule = training::EmaSchedule::EveryOptimizerStep;
        Pix2GifTrainer trainer(tinyModel(6), options);
        const Pix2GifBatch batch = squareBatch({5, 10});
        for (int i = 0; i < 3; ++i) {
            const training::TrainStepResult r = trainer.trainStep(batch);
            QVERIFY(std::isfinite(r.losses.loss) && r.losses.perceptual > 0.0);
            QCOMPARE(r.stepped, i == 2);
        }
        trainer.accumulate(batch);
        QVERIFY(!trainer.applyUpdate());
        QVERIFY(trainer.applyUpdate(/*force=*/true));
        QCOMPARE(trainer.optimizerStep(), int64_t{2});
        QCOMPARE(trainer.ema().numUpdates(), int64_t{2});
        QVERIFY(Pix2GifTrainerOptions::fromJson(options.toJson()).toJson() == options.toJson());
    }

    void textEncoderTrainsOnlyWhenAsked() {
        const Pix2GifBatch batch = squareBatch({5, 10});
        auto textWeight = [](Pix2GifTrainer& t) { return t.model()->textEncoder->parameters().front().clone(); };
        Pix2GifTrainer frozen(tinyModel(7), tinyOptions());
        const torch::Tensor frozenBefore = textWeight(frozen);
        for (int i = 0; i < 3; ++i) {
            frozen.trainStep(batch);
        }
        QVERIFY(torch::equal(textWeight(frozen), frozenBefore));

        Pix2GifTrainerOptions options = tinyOptions();
        options.trainTextEncoder = true;
        options.optimizer.accumulateBatches = 2;
        QVERIFY(Pix2GifTrainerOptions::fromJson(options.toJson()).trainTextEncoder);
        Pix2GifTrainer a(tinyModel(7), options);
        const torch::Tensor before = textWeight(a);
        for (int i = 0; i < 3; ++i) {
            a.trainStep(batch);
        }
        QVERIFY(!torch::equal(textWeight(a), before));
        for (const auto& item : a.model()->textEncoder->named_parameters(true)) {
            QVERIFY2(item.value().requires_grad(), item.key().c_str());
        }
        // The saved model holds the trained text encoder; resuming (mid window) continues bit for bit.
        const std::string modelPath = m_dir.filePath("text-trained.safetensors").toStdString();
        a.saveModel(modelPath, pix2gif::ModelCard{});
        pix2gif::Pix2GifModel saved = pix2gif::loadPix2GifModel(modelPath, tokenizer());
        QVERIFY(torch::equal(saved->textEncoder->parameters().front(), textWeight(a)));
        const std::string path = m_dir.filePath("text-resume.safetensors").toStdString();
        a.saveCheckpoint(path);
        QVERIFY(io::SafetensorsFile(path).contains("optimizer.text_encoder." +
                                                   a.model()->textEncoder->named_parameters(true).begin()->key() +
                                                   ".exp_avg"));
        // Saved mid-window: the pending gradients carry the text encoder's own names and must not be taken for
        // its weights, neither when resuming nor when the checkpoint is loaded as a model.
        QVERIFY(io::SafetensorsFile(path).contains("grad.text_encoder." +
                                                   a.model()->textEncoder->named_parameters(true).begin()->key()));
        QVERIFY(torch::equal(pix2gif::loadPix2GifModel(path, tokenizer())->textEncoder->parameters().front(),
                             textWeight(a)));
        std::vector<double> expected;
        for (int i = 0; i < 3; ++i) {
            expected.push_back(a.trainStep(squareBatch({3 + i, 9})).losses.loss);
        }
        Pix2GifTrainer b(tinyModel(98), options);
        b.resume(path);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(b.trainStep(squareBatch({3 + i, 9})).losses.loss, expected[static_cast<size_t>(i)]);
        }
        QVERIFY(torch::equal(textWeight(b), textWeight(a)));
    }

    void rejectsBadInput() {
        Pix2GifTrainerOptions options = tinyOptions();
        options.perceptualLayers = {0, 5, 10, 19, 28};  // too deep for an 8×8 latent
        QVERIFY_THROWS_EXCEPTION(ArgumentError, Pix2GifTrainer(tinyModel(4), options));
        Pix2GifTrainer trainer(tinyModel(4), tinyOptions());
        Pix2GifBatch batch = squareBatch({3, 4});
        batch.motions.pop_back();
        QVERIFY_THROWS_EXCEPTION(ArgumentError, trainer.accumulate(batch));
        QVERIFY_THROWS_EXCEPTION(ArgumentError, trainer.accumulate(squareBatch({3}, 64)));
        QVERIFY_THROWS_EXCEPTION(WeightsError, trainer.resume(m_dir.filePath("model.safetensors").toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestPix2GifTrainer)
#include "test_pix2gif_trainer.moc"
