// The inference worker on the real engine (sm::engine through core::makeEngineBackend()), pointed at a model by
// path: STILLMOTION_TEST_MODEL=<weights file or folder>, else a tiny random-weight Pix2Gif the test writes itself.
// Also the engine API the studio relies on: header-only inspection, load progress and cancel, the empty-prompt rule.
#include <QTemporaryDir>
#include <QtTest>

#include "engine/engine.h"
#include "pix2gif/pix2gif_model.h"
#include "runtime/error.h"

#include "bridge/engine_backend.h"
#include "bridge/inference_worker.h"

using sm::core::InferenceWorker;
using sm::core::JobState;

namespace {

JobState waitForEnd(InferenceWorker& worker, sm::core::JobId id, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        const JobState s = worker.state(id);
        if (s == JobState::Done || s == JobState::Failed || s == JobState::Cancelled)
            return s;
        QTest::qWait(10);
    }
    return worker.state(id);
}

}  // namespace

class TestEngineWorker : public QObject {
    Q_OBJECT

private:
    QString m_model;
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        if (!sm::core::engineAvailable())
            QSKIP("this build has no inference engine (models/engine not compiled in)");
        m_model = qEnvironmentVariable("STILLMOTION_TEST_MODEL");
        if (m_model.isEmpty()) {
            const auto tokenizer = sm::text::ClipTokenizer::fromOpenAiVocab(
                STILLMOTION_SOURCE_DIR "/resources/clip/bpe_simple_vocab_16e6.txt.gz");
            sm::pix2gif::Pix2GifModel model =
                sm::pix2gif::randomPix2GifModel(sm::pix2gif::Pix2GifConfig::tiny(), tokenizer, 11);
            m_model = m_dir.filePath(QStringLiteral("tiny-pix2gif.safetensors"));
            sm::pix2gif::savePix2GifModel(model, m_model.toStdString());
        }
        QVERIFY2(QFileInfo::exists(m_model), qPrintable(m_model));
    }

    void generatesFramesWithTheEngine() {
        InferenceWorker worker(sm::core::makeEngineBackend());
        QSignalSpy loaded(&worker, &InferenceWorker::modelLoaded);
        QSignalSpy frames(&worker, &InferenceWorker::frameReady);
        QSignalSpy failed(&worker, &InferenceWorker::failed);
        QSignalSpy loadProgress(&worker, &InferenceWorker::loadProgress);
        const sm::core::JobId load = worker.loadModel(m_model, {});
        sm::core::GenerationRequest request;
        request.source = QImage(256, 256, QImage::Format_RGB32);
        request.source.fill(QColor(200, 80, 40));
        request.prompt = QStringLiteral("a red star drifts to the left");
        request.frames = {{QString(), 4, 1371}, {QString(), 12, 1371}};
        request.sampler = QLatin1String(sm::core::kSamplerDpmPP2MKarras);
        request.steps = 2;
        request.previewEvery = 1;
        const sm::core::JobId job = worker.submit(request, load);
        const JobState end = waitForEnd(worker, job, 600000);
        QVERIFY2(end == JobState::Done, qPrintable(failed.isEmpty() ? QStringLiteral("state %1").arg(int(end))
                                                                    : failed.last().at(1).toString()));
        QCOMPARE(loaded.count(), 1);
        const auto model = loaded.first().at(1).value<sm::core::ModelDescription>();
        QCOMPARE(model.architecture, sm::core::ModelKind::Pix2Gif);
        QCOMPARE(frames.count(), 2);
        QCOMPARE(frames.first().at(2).value<QImage>().size(), request.source.size());  // delivered at source size
        QVERIFY(!loadProgress.isEmpty());  // the first report always goes out
        QCOMPARE(loadProgress.first().at(0).value<sm::core::JobId>(), load);
    }

    // inspectModel() reads the safetensors header only and agrees with a full load on everything it reports.
    void inspectionMatchesLoading() {
        if (!sm::engine::canInspect(m_model.toStdString()))
            QSKIP("STILLMOTION_TEST_MODEL is not a safetensors file");
        const sm::engine::ModelInfo inspected = sm::engine::inspectModel(m_model.toStdString());
        const sm::engine::ModelInfo loaded = sm::engine::modelInfo(*sm::engine::loadModel(m_model.toStdString()));
        QCOMPARE(int(inspected.architecture), int(loaded.architecture));
        QCOMPARE(inspected.name, loaded.name);
        QCOMPARE(inspected.width, loaded.width);
        QCOMPARE(inspected.height, loaded.height);
        QCOMPARE(inspected.parameters, loaded.parameters);
        QCOMPARE(int(inspected.precision), int(sm::engine::Precision::Float32));  // saved in float32
        QVERIFY(inspected.device.empty());
        // Not safetensors: the caller must load it; a missing file says so.
        QVERIFY(!sm::engine::canInspect(STILLMOTION_SOURCE_DIR "/README.md"));
        QVERIFY_THROWS_EXCEPTION(sm::WeightsError, sm::engine::inspectModel(STILLMOTION_SOURCE_DIR "/README.md"));
        QVERIFY_THROWS_EXCEPTION(sm::WeightsError, sm::engine::inspectModel("/nonexistent/model.safetensors"));
        // Through the bridge, as the model manager calls it.
        const sm::core::ModelDescription d = sm::core::makeEngineBackend()->inspectModel(m_model);
        QCOMPARE(d.parameters, qint64(loaded.parameters));
        QCOMPARE(d.resolution, QSize(loaded.width, loaded.height));
    }

    // Loading reports rising progress that ends at 1, and a cancel flag stops it with CancelledError.
    void loadReportsProgressAndCancels() {
        std::vector<sm::engine::LoadProgress> reports;
        sm::engine::LoadOptions options;
        options.resourceDir = STILLMOTION_SOURCE_DIR "/resources";  // explicit, as the studio passes it
        options.onProgress = [&reports](const sm::engine::LoadProgress& p) { reports.push_back(p); };
        QVERIFY(sm::engine::loadModel(m_model.toStdString(), options) != nullptr);
        QVERIFY(reports.size() >= 3);
        QCOMPARE(int(reports.front().stage), int(sm::engine::LoadProgress::Stage::Reading));
        QCOMPARE(int(reports.back().stage), int(sm::engine::LoadProgress::Stage::Done));
        QCOMPARE(reports.back().fraction, 1.0);
        for (size_t i = 1; i < reports.size(); ++i)
            QVERIFY(reports[i].fraction >= reports[i - 1].fraction);
        if (sm::engine::canInspect(m_model.toStdString())) {
            QVERIFY(reports.front().bytesTotal > 0);
            QCOMPARE(reports.front().bytesDone, int64_t(0));
        }

        std::atomic<bool> cancel{false};
        options.cancel = &cancel;
        options.onProgress = [&cancel](const sm::engine::LoadProgress&) { cancel.store(true); };
        QVERIFY_THROWS_EXCEPTION(sm::CancelledError, sm::engine::loadModel(m_model.toStdString(), options));
    }

    // Every frame needs a caption (its own or the project's): the engine refuses before any step, the rule is
    // checkable up front, and the worker reports it as a failed job with that message.
    void emptyPromptIsRejectedUpFront() {
        sm::engine::GenerateParams params;
        params.frames = {{"", 4, 1}, {"a gull takes off", 4, 1}};
        QCOMPARE(sm::engine::firstFrameWithoutPrompt(params), 0);
        params.frames[0].prompt = "   ";
        QCOMPARE(sm::engine::firstFrameWithoutPrompt(params), 0);  // spaces are no caption
        params.prompt = "boats rocking on the waves";
        QCOMPARE(sm::engine::firstFrameWithoutPrompt(params), -1);  // inherited
        params.prompt.clear();
        params.frames[0].prompt = "the boat drifts";
        QCOMPARE(sm::engine::firstFrameWithoutPrompt(params), -1);

        std::shared_ptr<sm::engine::Model> model = sm::engine::loadModel(m_model.toStdString());
        params.frames[1].prompt.clear();
        params.source.width = params.source.height = 32;
        params.source.pixels.assign(32 * 32 * 3, 128);
        params.steps = 2;
        int steps = 0;
        sm::engine::GenerateCallbacks callbacks;
        callbacks.onStep = [&steps](const sm::engine::StepProgress&) { ++steps; };
        try {
            sm::engine::generate(*model, params, callbacks);
            QFAIL("generate() accepted a frame without any prompt");
        } catch (const sm::ArgumentError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).startsWith(QLatin1String("frame 2 has no prompt")), e.what());
        }
        QCOMPARE(steps, 0);  // refused before the first step

        sm::core::GenerationRequest request;
        request.frames = {{QString(), 4, 1371}};
        QCOMPARE(sm::core::firstFrameWithoutPrompt(request), 0);
        request.prompt = QStringLiteral("clouds drift over the hills");
        QCOMPARE(sm::core::firstFrameWithoutPrompt(request), -1);
    }

    void cancelsBetweenSteps() {
        InferenceWorker worker(sm::core::makeEngineBackend());
        QSignalSpy progress(&worker, &InferenceWorker::progress);
        const sm::core::JobId load = worker.loadModel(m_model, {});
        sm::core::GenerationRequest request;
        request.source = QImage(256, 256, QImage::Format_RGB32);
        request.source.fill(Qt::gray);
        request.prompt = QStringLiteral("clouds drift over the hills");
        for (int i = 0; i < 4; ++i)
            request.frames.append({QString(), 2 + 4 * i, 1371});
        request.steps = 1000;
        const sm::core::JobId job = worker.submit(request, load);
        QSignalSpy failed(&worker, &InferenceWorker::failed);
        QVERIFY2(progress.wait(120000),
                 qPrintable(failed.isEmpty() ? QStringLiteral("no progress") : failed.last().at(1).toString()));
        worker.cancel(job);
        QCOMPARE(waitForEnd(worker, job, 600000), JobState::Cancelled);
    }
};

QTEST_MAIN(TestEngineWorker)
#include "test_engine_worker.moc"
