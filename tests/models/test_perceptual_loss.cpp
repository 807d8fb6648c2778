// Pix2Gif's perceptual loss (spec §5): torchvision VGG19 layout, the new 4-channel first conv built from the RGB
// weights, the in-place-ReLU feature semantics, the loss formula, and weight files in both formats.
#include <torch/torch.h>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include "io/safetensors.h"
#include "io/torch_checkpoint.h"
#include "runtime/error.h"
#include "sampling/noise.h"
#include "training/perceptual_loss.h"

using namespace sm;
using training::PerceptualLoss;
using training::PerceptualLossOptions;
using training::VggLayer;

namespace {

// A torchvision-layout vgg19 state dict with random values for the convs up to `last`, plus a classifier entry
// that must be ignored.
io::StateDict fakeVgg(int64_t last, uint64_t seed) {
    at::Generator gen = sampling::makeCpuGenerator(seed);
    io::StateDict dict;
    const auto& layers = training::vgg19FeatureLayers();
    for (int64_t i = 0; i <= last; ++i) {
        const VggLayer& l = layers[static_cast<size_t>(i)];
        if (l.kind == VggLayer::Kind::Conv) {
            dict["features." + std::to_string(i) + ".weight"] = torch::randn({l.out, l.in, 3, 3}, gen) * 0.1;
            dict["features." + std::to_string(i) + ".bias"] = torch::randn({l.out}, gen) * 0.1;
        }
    }
    dict["classifier.0.bias"] = torch::zeros({4096});
    return dict;
}

}  // namespace

class TestPerceptualLoss : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void vggLayoutMatchesTorchvision() {
        const auto& layers = training::vgg19FeatureLayers();
        QCOMPARE(layers.size(), size_t{37});
        // conv1_1, conv2_1, conv3_1, conv4_1, conv5_1 at the authors' indices.
        const std::vector<std::pair<int, std::pair<int64_t, int64_t>>> convs = {
            {0, {3, 64}}, {5, {64, 128}}, {10, {128, 256}}, {19, {256, 512}}, {28, {512, 512}}};
        for (const auto& [index, channels] : convs) {
            QVERIFY(layers[static_cast<size_t>(index)].kind == VggLayer::Kind::Conv);
            QCOMPARE(layers[static_cast<size_t>(index)].in, channels.first);
            QCOMPARE(layers[static_cast<size_t>(index)].out, channels.second);
            QVERIFY(layers[static_cast<size_t>(index) + 1].kind == VggLayer::Kind::Relu);
        }
        for (int pool : {4, 9, 18, 27, 36}) {
            QVERIFY(layers[static_cast<size_t>(pool)].kind == VggLayer::Kind::MaxPool);
        }
    }

    void fourChannelConvFromRgbWeights() {
        const io::StateDict vgg = fakeVgg(10, 1);
        PerceptualLossOptions options;
        options.layers = {0, 5, 10};
        options.seed = 3;
        PerceptualLoss loss(options, vgg, "fake.pth");
        QVERIFY(loss->pretrained());
        const torch::Tensor w = loss->firstWeight();
        QCOMPARE(w.sizes().vec(), (std::vector<int64_t>{64, 4, 3, 3}));
        const torch::Tensor rgb = vgg.at("features.0.weight");
        QVERIFY(torch::equal(w.narrow(1, 0, 3), rgb));
        QVERIFY(torch::allclose(w.select(1, 3), rgb.mean(1), 0.0, 1e-7));
        // The bias is a fresh default init U(±1/sqrt(36)), not the pretrained one, and seeded.
        const torch::Tensor bias = loss->firstBias();
        QVERIFY(!torch::allclose(bias, vgg.at("features.0.bias")));
        QVERIFY(bias.abs().max().item<double>() <= 1.0 / 6.0);
        QVERIFY(torch::equal(bias, PerceptualLoss(options, vgg, "fake.pth")->firstBias()));
        options.seed = 4;
        QVERIFY(!torch::equal(bias, PerceptualLoss(options, vgg, "fake.pth")->firstBias()));
        // Later convs are the file's.
        QVERIFY(torch::equal(loss->convWeight(5), vgg.at("features.5.weight")));
        QVERIFY(torch::equal(loss->convWeight(10), vgg.at("features.10.weight")));
        QCOMPARE(loss->minimumInputSize(), int64_t{4});
    }

    void featureSemanticsFollowInPlaceRelu() {
        const io::StateDict vgg = fakeVgg(10, 2);
        PerceptualLossOptions options;
        options.layers = {0, 2, 5, 7};
        PerceptualLoss loss(options, vgg, "fake.pth");
        torch::NoGradGuard noGrad;
        const torch::Tensor x = torch::randn({2, 4, 8, 8}, sampling::makeCpuGenerator(5));
        const auto f = loss->features(x);
        QCOMPARE(f.size(), size_t{4});
        const torch::Tensor c0 = torch::conv2d(x, loss->firstWeight(), loss->firstBias(), 1, 1);
        QVERIFY(torch::allclose(f[0], torch::relu(c0), 1e-6, 1e-6));  // overwritten by ReLU 1
        const torch::Tensor c2 = torch::conv2d(torch::relu(c0), loss->convWeight(2), vgg.at("features.2.bias"), 1, 1);
        QVERIFY(torch::allclose(f[1], torch::relu(c2), 1e-5, 1e-5));  // overwritten by ReLU 3
        QVERIFY(f[2].min().item<double>() >= 0.0);                    // 5 → ReLU 6 ran
        QVERIFY(f[3].min().item<double>() < 0.0);                     // 7 is the last: pre-ReLU
        // A requested ReLU index aliases the conv before it.
        options.layers = {0, 1};
        const auto g = PerceptualLoss(options, vgg, "fake.pth")->features(x);
        QVERIFY(torch::equal(g[0], g[1]));
    }

    void lossIsSumOfFeatureMeans() {
        PerceptualLossOptions options;
        options.layers = {0, 5, 10, 19, 28};
        options.seed = 9;
        PerceptualLoss loss(options);  // random VGG19 (no file)
        QVERIFY(!loss->pretrained());
        QCOMPARE(loss->minimumInputSize(), int64_t{16});
        at::Generator gen = sampling::makeCpuGenerator(11);
        const torch::Tensor a = torch::randn({2, 4, 16, 16}, gen).requires_grad_(true);
        const torch::Tensor b = torch::randn({2, 4, 16, 16}, gen);
        QCOMPARE(loss->forward(b, b).item<double>(), 0.0);
        const torch::Tensor value = loss->forward(a, b);
        const auto fa = loss->features(a);
        const auto fb = loss->features(b);
        double expected = 0.0;
        for (size_t k = 0; k < fa.size(); ++k) {
            expected += (fa[k] - fb[k]).pow(2).mean().item<double>();
        }
        QVERIFY(value.item<double>() > 0.0);
        QVERIFY(std::abs(value.item<double>() - expected) <= 1e-5 * expected);
        QVERIFY(fa.back().min().item<double>() < 0.0);  // conv5_1 pre-ReLU
        value.backward();
        QVERIFY(a.grad().defined() && a.grad().abs().sum().item<double>() > 0.0);
        // Deterministic random VGG from the seed.
        QVERIFY(torch::equal(loss->convWeight(28), PerceptualLoss(options)->convWeight(28)));
        QVERIFY_THROWS_EXCEPTION(ArgumentError, loss->forward(torch::zeros({1, 4, 8, 8}), torch::zeros({1, 4, 8, 8})));
    }

    void readsWeightFilesAndRejectsWrongOnes() {
        QTemporaryDir dir;
        const io::StateDict vgg = fakeVgg(5, 4);
        PerceptualLossOptions options;
        options.layers = {0, 5};
        for (const bool torchFormat : {false, true}) {
            const std::string path = dir.filePath(torchFormat ? "vgg.pth" : "vgg.safetensors").toStdString();
            if (torchFormat) {
                io::writeTorchCheckpoint(path, vgg);
            } else {
                io::writeSafetensors(path, vgg);
            }
            options.weightsPath = path;
            PerceptualLoss loss(options);
            QVERIFY(loss->pretrained());
            QVERIFY(torch::equal(loss->convWeight(5), vgg.at("features.5.weight")));
        }
        io::StateDict wrong = vgg;
        wrong["features.5.weight"] = torch::zeros({128, 64, 1, 1});
        QVERIFY_THROWS_EXCEPTION(WeightsError, PerceptualLoss(options, wrong, "wrong.pth"));
        options.layers = {0, 10};  // needs convs the dict does not have
        QVERIFY_THROWS_EXCEPTION(WeightsError, PerceptualLoss(options, vgg, "short.pth"));
        options.layers = {5, 0};
        QVERIFY_THROWS_EXCEPTION(ArgumentError, PerceptualLoss(options, vgg, "x"));
    }
};

QTEST_GUILESS_MAIN(TestPerceptualLoss)
#include "test_perceptual_loss.moc"
