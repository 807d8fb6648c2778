// End to end on a tiny random-weight Pix2Gif: save → load through the engine API → generate frames with the
// requested seeds reproducibly, clamp motion with a warning, stop on cancel; and a new Pix2Gif created from a
// Stable Diffusion–style checkpoint (4 input channels, no FlowNet).
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <torch/torch.h>

#include <atomic>
#include <fstream>

#include "engine/engine.h"
#include "io/safetensors.h"
#include "pix2gif/pix2gif_model.h"
#include "runtime/error.h"

using namespace sm;

namespace {

const std::string kVocab = std::string(STILLMOTION_SOURCE_DIR) + "/resources/clip/bpe_simple_vocab_16e6.txt.gz";

pix2gif::Pix2GifConfig tinyConfig() { return pix2gif::Pix2GifConfig::tiny(); }

engine::RgbImage gradientImage(int width, int height) {
    engine::RgbImage image;
    image.width = width;
    image.height = height;
    image.pixels.resize(static_cast<size_t>(width) * height * 3);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            uint8_t* p = &image.pixels[(static_cast<size_t>(y) * width + x) * 3];
            p[0] = static_cast<uint8_t>(255 * x / std::max(1, width - 1));
            p[1] = static_cast<uint8_t>(255 * y / std::max(1, height - 1));
            p[2] = static_cast<uint8_t>((x * y) % 256);
        }
    }
    return image;
}

}  // namespace

class TestPix2GifPipeline : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string m_modelPath;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const auto tokenizer = text::ClipTokenizer::fromOpenAiVocab(kVocab);
        pix2gif::Pix2GifModel model = pix2gif::randomPix2GifModel(tinyConfig(), tokenizer, 7);
        model->card().name = "tiny-test";
        m_modelPath = m_dir.filePath("tiny.safetensors").toStdString();
        pix2gif::savePix2GifModel(model, m_modelPath);
    }

    void savedFileHasTheAuthorsLayoutAndCard() {
        io::SafetensorsFile file(m_modelPath);
        QCOMPARE(file.metadata().at("architecture"), std::string("pix2gif"));
        QVERIFY(file.contains("model.diffusion_model.input_blocks.0.0.weight"));
        QVERIFY(file.contains("first_stage_model.encoder.conv_in.weight"));
        QVERIFY(file.contains("cond_stage_model.transformer.text_model.final_layer_norm.weight"));
        QVERIFY(file.contains("flownet.conv0.0.weight"));
        QVERIFY(file.contains("interval_embedding.embedding.weight"));
        QVERIFY(file.contains("alphas_cumprod"));
    }

    void generatesRequestedFramesReproducibly() {
        auto model = engine::loadModel(m_modelPath);
        const engine::ModelInfo info = engine::modelInfo(*model);
        QCOMPARE(info.name, std::string("tiny-test"));
        QCOMPARE(info.width, 32);
        QVERIFY(info.parameters > 0);

        engine::GenerateParams params;
        params.source = gradientImage(40, 30);  // any size: fitted to 32×32 and back
        params.prompt = "a red star drifts to the left";
        params.frames = {{"", 4, 1371}, {"", 12, 1371}, {"a blue square spins", 4, 99}};
        params.steps = 4;
        params.previewEvery = 2;
        std::vector<engine::RgbImage> frames(3);
        int previews = 0;
        int steps = 0;
        engine::GenerateCallbacks callbacks;
        callbacks.onFrame = [&](int index, const engine::RgbImage& image) { frames.at(index) = image; };
        callbacks.onPreview = [&](int, const engine::RgbImage& preview) {
            ++previews;
            QCOMPARE(preview.width, 32);
        };
        callbacks.onStep = [&](const engine::StepProgress& p) {
            ++steps;
            QVERIFY(p.secondsRemaining >= 0);
        };
        engine::generate(*model, params, callbacks);
        QCOMPARE(steps, 12);
        QCOMPARE(previews, 3);  // step 2 of each frame (the last step delivers the frame itself)
        for (const auto& f : frames) {
            QCOMPARE(f.width, 40);
            QCOMPARE(f.height, 30);
            QCOMPARE(f.pixels.size(), size_t(40 * 30 * 3));
        }
        QVERIFY2(frames[0].pixels != frames[1].pixels, "motion value must change the frame");
        QVERIFY2(frames[0].pixels != frames[2].pixels, "prompt and seed must change the frame");

        // The same request again gives the same pixels: seeds fully determine a frame.
        std::vector<engine::RgbImage> again(3);
        callbacks.onFrame = [&](int index, const engine::RgbImage& image) { again.at(index) = image; };
        callbacks.onStep = nullptr;
        callbacks.onPreview = nullptr;
        engine::generate(*model, params, callbacks);
        for (size_t i = 0; i < frames.size(); ++i) {
            QVERIFY2(frames[i].pixels == again[i].pixels, qPrintable(QStringLiteral("frame %1 differs").arg(i)));
        }

        // A frame generated alone equals the same frame generated in a list (no state leaks between frames).
        params.frames = {{"a blue square spins", 4, 99}};
        engine::RgbImage alone;
        callbacks.onFrame = [&](int, const engine::RgbImage& image) { alone = image; };
        engine::generate(*model, params, callbacks);
        QVERIFY(alone.pixels == frames[2].pixels);
    }

    void clampsMotionWithAWarning() {
        auto model = engine::loadModel(m_modelPath);
        engine::GenerateParams params;
        params.source = gradientImage(32, 32);
        params.prompt = "waves";
        params.frames = {{"", 25, 5}, {"", 19, 5}};
        params.steps = 2;
        std::vector<std::string> warnings;
        std::vector<engine::RgbImage> frames(2);
        engine::GenerateCallbacks callbacks;
        callbacks.onWarning = [&](const std::string& w) { warnings.push_back(w); };
        callbacks.onFrame = [&](int index, const engine::RgbImage& image) { frames.at(index) = image; };
        engine::generate(*model, params, callbacks);
        QCOMPARE(warnings.size(), size_t(1));
        QVERIFY(QString::fromStdString(warnings[0]).contains(QStringLiteral("using 19")));
        QVERIFY2(frames[0].pixels == frames[1].pixels, "motion 25 must be generated as 19");
    }

    void cancelStopsWithinOneStep() {
        auto model = engine::loadModel(m_modelPath);
        engine::GenerateParams params;
        params.source = gradientImage(32, 32);
        params.prompt = "clouds";
        params.frames = {{"", 4, 1}, {"", 8, 1}, {"", 12, 1}};
        params.steps = 5;
        std::atomic<bool> cancel{false};
        int framesDone = 0;
        int stepsAfterCancel = 0;
        engine::GenerateCallbacks callbacks;
        callbacks.cancel = &cancel;
        callbacks.onFrame = [&](int, const engine::RgbImage&) { ++framesDone; };
        callbacks.onStep = [&](const engine::StepProgress& p) {
            if (cancel.load()) {
                ++stepsAfterCancel;
            }
            if (p.frame == 1 && p.step == 2) {
                cancel.store(true);
            }
        };
        QVERIFY_THROWS_EXCEPTION(CancelledError, engine::generate(*model, params, callbacks));
        QCOMPARE(framesDone, 1);
        QCOMPARE(stepsAfterCancel, 0);
    }

    void refusesBrokenFilesWithAReadableError() {
        const std::string path = m_dir.filePath("broken.safetensors").toStdString();
        {
            std::ofstream out(path, std::ios::binary);
            out << "not a model";
        }
        try {
            engine::loadModel(path);
            QFAIL("a broken file was accepted");
        } catch (const sm::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("broken.safetensors")), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(sm::WeightsError, engine::loadModel(m_dir.filePath("missing.ckpt").toStdString()));
    }

    void createsANewPix2GifFromAStableDiffusionCheckpoint() {
        torch::NoGradGuard noGrad;
        const auto tokenizer = text::ClipTokenizer::fromOpenAiVocab(kVocab);
        io::StateDict sd = io::SafetensorsFile(m_modelPath).readAll();
        // Turn the tiny Pix2Gif into an SD-1.x-style checkpoint: 4-channel first conv, no FlowNet, no motion table.
        const std::string conv = "model.diffusion_model.input_blocks.0.0.weight";
        const torch::Tensor original = sd.at(conv).clone();
        sd[conv] = original.narrow(1, 0, 4).clone();
        for (auto it = sd.begin(); it != sd.end();) {
            const bool drop = it->first.rfind("flownet.", 0) == 0 || it->first.rfind("interval_embedding.", 0) == 0;
            it = drop ? sd.erase(it) : std::next(it);
        }
        nlohmann::json card = {{"config", tinyConfig().toJson()}};
        pix2gif::Pix2GifModel model = pix2gif::pix2GifFromStateDict(sd, "sd-tiny.safetensors", tokenizer, &card);
        QVERIFY(model->loadSummary().freshFlowNet);
        QVERIFY(QString::fromStdString(model->loadSummary().origin).startsWith(QStringLiteral("stable-diffusion")));
        const torch::Tensor widened = model->unet->named_parameters()["input_blocks.0.0.weight"];
        QCOMPARE(widened.size(1), int64_t(12));
        QVERIFY(torch::equal(widened.narrow(1, 0, 4), original.narrow(1, 0, 4)));
        QVERIFY(widened.narrow(1, 4, 8).abs().max().item<float>() == 0.0f);
        // The fresh FlowNet is initialised (finite, not all zero) and the model runs.
        const torch::Tensor flowWeight = model->flownet->named_parameters()["conv0.0.weight"];
        QVERIFY(torch::isfinite(flowWeight).all().item<bool>());
        QVERIFY(flowWeight.abs().sum().item<float>() > 0);
        const std::string path = m_dir.filePath("from-sd.safetensors").toStdString();
        pix2gif::savePix2GifModel(model, path);
        auto loaded = engine::loadModel(path);
        engine::GenerateParams params;
        params.source = gradientImage(32, 32);
        params.prompt = "smoke rises";
        params.frames = {{"", 6, 3}};
        params.steps = 2;
        int frames = 0;
        engine::GenerateCallbacks callbacks;
        callbacks.onFrame = [&](int, const engine::RgbImage& image) {
            ++frames;
            QCOMPARE(image.width, 32);
        };
        engine::generate(*loaded, params, callbacks);
        QCOMPARE(frames, 1);
    }
};

QTEST_GUILESS_MAIN(TestPix2GifPipeline)
#include "test_pix2gif_pipeline.moc"
