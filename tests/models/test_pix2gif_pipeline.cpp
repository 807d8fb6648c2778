// End to end on a tiny random-weight Pix2Gif: save → load through the engine API → generate frames with the
// requested seeds reproducibly, clamp motion with a warning, stop on cancel; and a new Pix2Gif created from a
// Stable Diffusion–style checkpoint (4 input channels, no FlowNet). Frame batching: frames generated in one sampler
// run equal the frames generated alone (Euler-a, Euler, DPM++ 2M), report every frame per step, cancel as a
// whole; the batch-size estimate against hand-computed values.
#include <torch/torch.h>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <atomic>
#include <fstream>

#include "engine/engine.h"
#include "io/safetensors.h"
#include "pix2gif/pipeline.h"
#include "pix2gif/pix2gif_model.h"
#include "runtime/error.h"

using namespace sm;

namespace {

const std::string kVocab = std::string(STILLMOTION_SOURCE_DIR) + "/resources/clip/bpe_simple_vocab_16e6.txt.gz";

pix2gif::Pix2GifConfig tinyConfig() {
    return pix2gif::Pix2GifConfig::tiny();
}

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

/// A deterministic smooth source image [1, 3, S, S] in [-1, 1].
torch::Tensor sourceTensor(int64_t size) {
    const torch::Tensor ramp = torch::linspace(-1.0, 1.0, size);
    const torch::Tensor xs = ramp.view({1, size}).expand({size, size});
    const torch::Tensor ys = ramp.view({size, 1}).expand({size, size});
    return torch::stack({xs, ys, (xs * ys * 3.0).sin()}).unsqueeze(0).contiguous();
}

/// Max |a − b| relative to the larger magnitude (at least 1).
double relativeMaxDiff(const torch::Tensor& a, const torch::Tensor& b) {
    const double scale = std::max({1.0, a.abs().max().item<double>(), b.abs().max().item<double>()});
    return (a - b).abs().max().item<double>() / scale;
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

    void normGroupsTravelWithTheModelFile() {
        // GroupNorm groups are not visible in the weights: a model with 8 groups (the demo's) must come back with
        // 8 from its card, and compute exactly what it computed before saving; 8 and 32 groups differ.
        const auto tokenizer = text::ClipTokenizer::fromOpenAiVocab(kVocab);
        pix2gif::Pix2GifConfig config = tinyConfig();
        config.vae.normGroups = 8;
        config.unet.normGroups = 8;
        QCOMPARE(pix2gif::Pix2GifConfig::fromJson(config.toJson()).unet.normGroups, int64_t{8});
        QCOMPARE(pix2gif::Pix2GifConfig::fromJson(config.toJson()).vae.normGroups, int64_t{8});
        pix2gif::Pix2GifModel model = pix2gif::randomPix2GifModel(config, tokenizer, 11);
        const std::string path = m_dir.filePath("groups8.safetensors").toStdString();
        pix2gif::savePix2GifModel(model, path);
        pix2gif::Pix2GifModel loaded = pix2gif::loadPix2GifModel(path, tokenizer);
        QCOMPARE(loaded->config().unet.normGroups, int64_t{8});
        QCOMPARE(loaded->config().vae.normGroups, int64_t{8});
        torch::NoGradGuard noGrad;
        const int64_t side = config.imageSize();
        const torch::Tensor image = sourceTensor(side);
        const torch::Tensor latent = model->encodeImage(image);
        QVERIFY(torch::equal(loaded->encodeImage(image), latent));
        QVERIFY(torch::equal(loaded->decodeLatent(latent), model->decodeLatent(latent)));
        const torch::Tensor x = torch::cat({latent, latent, latent}, 1);
        const torch::Tensor t = torch::full({1}, 500.0);
        const torch::Tensor context = torch::randn({1, config.text.contextLength, config.text.width});
        const torch::Tensor eps = model->unet->forward(x, t, context);
        QVERIFY(torch::equal(loaded->unet->forward(x, t, context), eps));
        // The same weights read as 32 groups (the authors' layout without our card) compute something else.
        pix2gif::Pix2GifConfig config32 = config;
        config32.unet.normGroups = 32;
        config32.vae.normGroups = 32;
        pix2gif::Pix2GifModel as32 = pix2gif::randomPix2GifModel(config32, tokenizer, 11);
        QVERIFY(!torch::allclose(as32->unet->forward(x, t, context), eps));
        config.unet.normGroups = 5;  // does not divide the model channels
        QVERIFY_THROWS_EXCEPTION(ArgumentError, config.unet.validate());
    }

    void generatesRequestedFramesReproducibly() {
        auto model = engine::loadModel(m_modelPath);
        const engine::ModelInfo info = engine::modelInfo(*model);
        QCOMPARE(info.name, std::string("tiny-test"));
        QCOMPARE(info.width, 32);
        QVERIFY(info.parameters > 0);
        QCOMPARE(info.device, std::string("cpu"));  // the device alone: the precision has its own field
        QCOMPARE(int(info.precision), int(engine::Precision::Float32));

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

    void batchedFramesEqualFramesGeneratedAlone_data() {
        QTest::addColumn<int>("sampler");
        QTest::newRow("euler-ancestral") << int(pix2gif::SamplerKind::EulerAncestral);
        QTest::newRow("euler") << int(pix2gif::SamplerKind::Euler);
        QTest::newRow("dpm++2m") << int(pix2gif::SamplerKind::DpmPP2MKarras);
    }

    void batchedFramesEqualFramesGeneratedAlone() {
        QFETCH(int, sampler);
        torch::NoGradGuard noGrad;
        const auto tokenizer = text::ClipTokenizer::fromOpenAiVocab(kVocab);
        pix2gif::Pix2GifPipeline pipeline(pix2gif::randomPix2GifModel(tinyConfig(), tokenizer, 11));
        pipeline.setSource(sourceTensor(tinyConfig().imageSize()));
        pix2gif::SamplerSettings settings;
        settings.sampler = static_cast<pix2gif::SamplerKind>(sampler);
        settings.steps = 5;
        // Different captions, motions and seeds, plus a repeated seed, so every per-frame input is exercised.
        const std::vector<pix2gif::FrameSettings> frames = {
            {"a red star drifts to the left", 4, 1371}, {"a blue square spins", 12, 99}, {"waves roll in", 17, 1371}};

        std::vector<torch::Tensor> aloneLatents, aloneImages;
        for (const auto& frame : frames) {
            aloneImages.push_back(pipeline.generateFrame(frame, settings));
            aloneLatents.push_back(pipeline.lastLatent().clone());
        }
        const torch::Tensor images = pipeline.generateFrames(frames, settings);
        const torch::Tensor latents = pipeline.lastLatent();
        QCOMPARE(latents.size(0), int64_t(3));
        QCOMPARE(images.size(0), int64_t(3));
        for (int64_t i = 0; i < 3; ++i) {
            const double latentDiff = relativeMaxDiff(latents[i].unsqueeze(0), aloneLatents[size_t(i)]);
            const double imageDiff = relativeMaxDiff(images[i].unsqueeze(0), aloneImages[size_t(i)]);
            QVERIFY2(latentDiff < 1e-4,
                     qPrintable(QStringLiteral("frame %1 latent differs by %2").arg(i).arg(latentDiff)));
            QVERIFY2(imageDiff < 1e-4,
                     qPrintable(QStringLiteral("frame %1 image differs by %2").arg(i).arg(imageDiff)));
        }
        // The frames really differ from each other (a batch that broadcast one frame would pass the check above
        // only if all frames were equal).
        QVERIFY(relativeMaxDiff(latents[0], latents[1]) > 1e-3);
        QVERIFY(relativeMaxDiff(latents[0], latents[2]) > 1e-3);
    }

    void batchedRunReportsEveryFrameAndCancelsAsAWhole() {
        torch::NoGradGuard noGrad;
        const auto tokenizer = text::ClipTokenizer::fromOpenAiVocab(kVocab);
        pix2gif::Pix2GifPipeline pipeline(pix2gif::randomPix2GifModel(tinyConfig(), tokenizer, 5));
        pipeline.setSource(sourceTensor(tinyConfig().imageSize()));
        pix2gif::SamplerSettings settings;
        settings.steps = 3;
        const std::vector<pix2gif::FrameSettings> frames = {{"rain", 4, 1}, {"rain", 30, 2}};

        std::vector<std::pair<int, int>> reports;  // (step, frameInBatch)
        std::vector<std::string> warnings;
        pix2gif::FrameCallbacks callbacks;
        callbacks.onWarning = [&](const std::string& w) { warnings.push_back(w); };
        callbacks.onStep = [&](const pix2gif::FrameProgress& p) {
            QCOMPARE(p.batchSize, 2);
            QCOMPARE(p.totalSteps, 3);
            QVERIFY(p.denoised != nullptr);
            QCOMPARE(p.denoised->size(0), int64_t(1));
            QCOMPARE(p.denoised->size(1), int64_t(4));
            reports.emplace_back(p.step, p.frameInBatch);
        };
        pipeline.generateFrames(frames, settings, callbacks);
        const std::vector<std::pair<int, int>> expected = {{1, 0}, {1, 1}, {2, 0}, {2, 1}, {3, 0}, {3, 1}};
        QVERIFY(reports == expected);
        QCOMPARE(warnings.size(), size_t(1));  // motion 30 clamped
        QVERIFY(QString::fromStdString(warnings[0]).contains(QStringLiteral("using 19")));

        // Cancel during step 2: the whole batch stops before the next UNet call.
        std::atomic<bool> cancel{false};
        int reportsAfterCancel = 0;
        callbacks.cancel = &cancel;
        callbacks.onWarning = nullptr;
        callbacks.onStep = [&](const pix2gif::FrameProgress& p) {
            if (cancel.load()) {
                ++reportsAfterCancel;
            }
            if (p.step == 2 && p.frameInBatch == 1) {
                cancel.store(true);
            }
        };
        QVERIFY_THROWS_EXCEPTION(CancelledError, pipeline.generateFrames(frames, settings, callbacks));
        QCOMPARE(reportsAfterCancel, 0);
        QVERIFY_THROWS_EXCEPTION(ArgumentError, pipeline.generateFrames({}, settings));
    }

    void batchSizeFollowsTheMemoryEstimate() {
        // Hand count for SD sizes at a 32×32 latent (256 px), float32:
        //   skips   = 320·1024·3 + 320·256 + 640·256·2 + 640·64 + 1280·64·2 + 1280·16 + 1280·16·2 = 1,658,880
        //   working = level 0 attention: 2·8·1024² + 2·8·1024·77 + 18·1024·320 = 23,937,024
        //   bytes   = (skips + working) · 4 · 1.5 = 153,575,424
        const pix2gif::Pix2GifConfig full = pix2gif::Pix2GifConfig::full();
        QCOMPARE(full.latentSize(), int64_t(32));
        const int64_t branch = pix2gif::estimateBranchActivationBytes(full);
        QCOMPARE(branch, int64_t(153575424));
        QCOMPARE(pix2gif::estimateBranchActivationBytes(full, 2), branch / 2);

        pix2gif::BatchSettings settings;
        settings.memoryBudgetBytes = 5 * 3 * branch + 1;  // room for 5 frames of 3 branches
        QCOMPARE(pix2gif::framesPerBatch(full, settings, torch::kCPU), 5);
        settings.maxFramesPerBatch = 4;
        QCOMPARE(pix2gif::framesPerBatch(full, settings, torch::kCPU), 4);
        settings.maxFramesPerBatch = 0;
        settings.memoryBudgetBytes = 1;  // never below one frame
        QCOMPARE(pix2gif::framesPerBatch(full, settings, torch::kCPU), 1);
        settings.memoryBudgetBytes = 0;  // auto: a positive count from MemAvailable
        QVERIFY(pix2gif::framesPerBatch(full, settings, torch::kCPU) >= 1);
        settings.maxFramesPerBatch = -1;
        QVERIFY_THROWS_EXCEPTION(ArgumentError, pix2gif::framesPerBatch(full, settings, torch::kCPU));

        QVERIFY(pix2gif::planBatches(7, 3) == std::vector<int>({3, 3, 1}));
        QVERIFY(pix2gif::planBatches(6, 3) == std::vector<int>({3, 3}));
        QVERIFY(pix2gif::planBatches(0, 3).empty());
        QVERIFY_THROWS_EXCEPTION(ArgumentError, pix2gif::planBatches(3, 0));
    }

    void engineBatchesFramesAndDeliversThemInOrder() {
        auto model = engine::loadModel(m_modelPath);
        engine::GenerateParams params;
        params.source = gradientImage(32, 32);
        params.prompt = "a paper boat floats";
        params.frames = {{"", 4, 7}, {"", 9, 8}, {"", 15, 9}};
        params.steps = 3;
        std::vector<engine::RgbImage> alone(3);
        engine::GenerateCallbacks callbacks;
        callbacks.onFrame = [&](int index, const engine::RgbImage& image) { alone.at(index) = image; };
        engine::generate(*model, params, callbacks);  // default: one frame per run

        params.maxFramesPerBatch = 2;  // batches {0, 1} and {2}
        std::vector<int> order;
        std::vector<engine::RgbImage> batched(3);
        std::vector<std::pair<int, int>> steps;  // (frame, step)
        callbacks.onFrame = [&](int index, const engine::RgbImage& image) {
            order.push_back(index);
            batched.at(index) = image;
        };
        callbacks.onStep = [&](const engine::StepProgress& p) { steps.emplace_back(p.frame, p.step); };
        engine::generate(*model, params, callbacks);
        QVERIFY(order == std::vector<int>({0, 1, 2}));
        const std::vector<std::pair<int, int>> expectedSteps = {{0, 1}, {1, 1}, {0, 2}, {1, 2}, {0, 3},
                                                                {1, 3}, {2, 1}, {2, 2}, {2, 3}};
        QVERIFY(steps == expectedSteps);
        for (size_t i = 0; i < 3; ++i) {
            QCOMPARE(batched[i].pixels.size(), alone[i].pixels.size());
            int maxDiff = 0;
            for (size_t p = 0; p < alone[i].pixels.size(); ++p) {
                maxDiff = std::max(maxDiff, std::abs(int(batched[i].pixels[p]) - int(alone[i].pixels[p])));
            }
            // Float rounding of the batched convolutions may flip a truncated 8-bit value by one level.
            QVERIFY2(maxDiff <= 1, qPrintable(QStringLiteral("frame %1 differs by %2 levels").arg(i).arg(maxDiff)));
        }
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
