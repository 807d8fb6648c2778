// The small-VAE trainer: the reconstruction loss falls on procedural frames, latentScale normalises the latent
// spread (SD's 0.18215 recipe), resume is bit-exact, and the saved weights load with vae::loadAutoencoderKL.
#include <torch/torch.h>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include "io/safetensors.h"
#include "runtime/error.h"
#include "runtime/layers.h"
#include "sampling/noise.h"
#include "training/autoencoder_trainer.h"

using namespace sm;
using training::AutoencoderTrainer;
using training::AutoencoderTrainerOptions;

namespace {

vae::VaeConfig smallConfig() {
    vae::VaeConfig c;
    c.blockOutChannels = {32, 32, 32};  // downsampling ×4
    c.layersPerBlock = 1;
    c.midBlockAttention = false;
    return c;
}

vae::AutoencoderKL randomVae(uint64_t seed) {
    torch::manual_seed(seed);
    ParameterInitScope scope(ParameterInit::Random);
    return vae::AutoencoderKL(smallConfig());
}

// Procedural frames: coloured rectangles on a gradient, [B, 3, 32, 32] in [-1, 1].
torch::Tensor frames(int64_t count, uint64_t seed) {
    at::Generator gen = sampling::makeCpuGenerator(seed);
    const torch::Tensor ramp = torch::linspace(-0.6, 0.6, 32);
    torch::Tensor images = (ramp.view({1, 1, 1, 32}) * 0.5 + ramp.view({1, 1, 32, 1}) * 0.3).repeat({count, 3, 1, 1});
    const torch::Tensor boxes = torch::randint(0, 20, {count, 2}, gen, torch::kLong);
    const torch::Tensor colours = torch::rand({count, 3}, gen) * 2.0 - 1.0;
    for (int64_t i = 0; i < count; ++i) {
        const int64_t y = boxes[i][0].item<int64_t>(), x = boxes[i][1].item<int64_t>();
        for (int64_t c = 0; c < 3; ++c) {
            images[i][c].narrow(0, y, 12).narrow(1, x, 12).fill_(colours[i][c].item<double>());
        }
    }
    return images;
}

}  // namespace

class TestAutoencoderTrainer : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        torch::set_num_threads(1);  // the test machine is shared: one thread avoids OpenMP spin contention
        QVERIFY(m_dir.isValid());
    }

    void lossFallsAndLatentScaleIsSane() {
        AutoencoderTrainerOptions options;
        options.seed = 3;
        AutoencoderTrainer trainer(randomVae(1), options);
        const torch::Tensor images = frames(8, 7);
        std::vector<double> losses;
        for (int i = 0; i < 40; ++i) {
            const training::AutoencoderLoss loss = trainer.trainStep(images);
            QVERIFY(std::isfinite(loss.loss) && loss.kl >= 0.0);
            QVERIFY(std::abs(loss.loss - (loss.l1 + loss.mse + options.klWeight * loss.kl)) <= 1e-6 * loss.loss);
            losses.push_back(loss.loss);
        }
        const double first = (losses[0] + losses[1] + losses[2] + losses[3] + losses[4]) / 5.0;
        const double last = (losses[35] + losses[36] + losses[37] + losses[38] + losses[39]) / 5.0;
        qInfo("reconstruction loss: first 5 steps %.4f, last 5 %.4f", first, last);
        QVERIFY2(last < 0.6 * first, qPrintable(QString("first %1 last %2").arg(first).arg(last)));
        QCOMPARE(trainer.optimizerStep(), int64_t{40});

        const double scale = trainer.latentScale(images);
        QVERIFY(std::isfinite(scale) && scale > 0.01 && scale < 100.0);
        QCOMPARE(trainer.latentScale(images), scale);  // its own fixed generator: repeatable
        QVERIFY_THROWS_EXCEPTION(ArgumentError, trainer.latentScale(torch::zeros({1, 3, 30, 30})));
    }

    void decoderOnlyKeepsTheLatentsAndNoiselessDecodesTheMean() {
        // --decoder-only: encoder weights (and so every latent) unchanged, decoder weights trained, loss falls.
        AutoencoderTrainerOptions options;
        options.seed = 4;
        options.decoderOnly = true;
        options.posteriorNoise = 0.0;
        vae::AutoencoderKL vae = randomVae(2);
        const torch::Tensor images = frames(8, 9);
        torch::Tensor latentsBefore, decoderBefore;
        {
            torch::NoGradGuard noGrad;
            latentsBefore = vae->encodeDistribution(images).mean().clone();
            decoderBefore = vae->decoder->conv_out->weight.clone();
        }
        AutoencoderTrainer trainer(vae, options);
        std::vector<double> losses;
        for (int i = 0; i < 20; ++i)
            losses.push_back(trainer.trainStep(images).loss);
        torch::NoGradGuard noGrad;
        QVERIFY(torch::equal(vae->encodeDistribution(images).mean(), latentsBefore));
        QVERIFY(!torch::equal(vae->decoder->conv_out->weight, decoderBefore));
        QVERIFY2(losses.back() < losses.front(), qPrintable(QString("%1 -> %2").arg(losses.front()).arg(losses.back())));
        // Noiseless: the scale is measured on the mean, so it is 1 / std of the means.
        const double expected = 1.0 / latentsBefore.to(torch::kFloat64).std().item<double>();
        QVERIFY(std::abs(trainer.latentScale(images) - expected) < 1e-9 * expected);
        QCOMPARE(AutoencoderTrainerOptions{}.toJson().value("decoder_only", true), false);
        options.posteriorNoise = 1.5;
        QVERIFY_THROWS_EXCEPTION(ArgumentError, options.validate());
    }

    void resumeIsBitExactAndModelLoads() {
        AutoencoderTrainerOptions options;
        options.optimizer.accumulateBatches = 2;
        const torch::Tensor a1 = frames(4, 1), a2 = frames(4, 2);
        AutoencoderTrainer a(randomVae(2), options);
        for (int i = 0; i < 3; ++i) {
            a.trainStep(i % 2 ? a2 : a1);
        }
        const std::string path = m_dir.filePath("vae-ckpt.safetensors").toStdString();
        a.saveCheckpoint(path);
        std::vector<double> expected;
        for (int i = 3; i < 6; ++i) {
            expected.push_back(a.trainStep(i % 2 ? a2 : a1).loss);
        }
        AutoencoderTrainer b(randomVae(50), options);
        b.resume(path);
        QCOMPARE(b.microStep(), int64_t{3});
        for (int i = 3; i < 6; ++i) {
            QCOMPARE(b.trainStep(i % 2 ? a2 : a1).loss, expected[static_cast<size_t>(i - 3)]);
        }

        const std::string modelPath = m_dir.filePath("vae.safetensors").toStdString();
        b.saveModel(modelPath);
        vae::AutoencoderKL loaded = vae::loadAutoencoderKL(io::readSafetensors(modelPath), modelPath);
        torch::NoGradGuard noGrad;
        vae::AutoencoderKL trained = b.model();
        QVERIFY(torch::equal(loaded->encode(a1), trained->encode(a1)));
        // The training checkpoint itself is also readable as a VAE.
        vae::AutoencoderKL fromCheckpoint = vae::loadAutoencoderKL(io::readSafetensors(path), path);
        QCOMPARE(fromCheckpoint->config().blockOutChannels, smallConfig().blockOutChannels);
    }
};

QTEST_GUILESS_MAIN(TestAutoencoderTrainer)
#include "test_autoencoder_trainer.moc"
