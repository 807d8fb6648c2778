// The inference worker on the real engine (sm::engine through core::makeEngineBackend()), pointed at a model by
// path: STILLMOTION_TEST_MODEL=<weights file or folder>, else a tiny random-weight Pix2Gif the test writes itself.
#include <QTemporaryDir>
#include <QtTest>

#include "pix2gif/pix2gif_model.h"

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
        QVERIFY2(progress.wait(120000), qPrintable(failed.isEmpty() ? QStringLiteral("no progress")
                                                                    : failed.last().at(1).toString()));
        worker.cancel(job);
        QCOMPARE(waitForEnd(worker, job, 600000), JobState::Cancelled);
    }
};

QTEST_MAIN(TestEngineWorker)
#include "test_engine_worker.moc"
