// The inference worker on the real engine (sm::engine through core::makeEngineBackend()), pointed at a model by
// path: STILLMOTION_TEST_MODEL=<weights file or folder> (a tiny random-weight Pix2Gif is enough). Skipped when the
// variable is not set or this build has no engine.
#include <QtTest>

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

private Q_SLOTS:
    void initTestCase() {
        if (!sm::core::engineAvailable())
            QSKIP("this build has no inference engine (models/engine not compiled in)");
        m_model = qEnvironmentVariable("STILLMOTION_TEST_MODEL");
        if (m_model.isEmpty())
            QSKIP("set STILLMOTION_TEST_MODEL=<weights> to run the worker on the real engine");
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
        QCOMPARE(frames.first().at(2).value<QImage>().size(), model.resolution);
    }

    void cancelsBetweenSteps() {
        InferenceWorker worker(sm::core::makeEngineBackend());
        QSignalSpy progress(&worker, &InferenceWorker::progress);
        const sm::core::JobId load = worker.loadModel(m_model, {});
        sm::core::GenerationRequest request;
        request.source = QImage(256, 256, QImage::Format_RGB32);
        request.source.fill(Qt::gray);
        for (int i = 0; i < 4; ++i)
            request.frames.append({QString(), 2 + 4 * i, 1371});
        request.steps = 1000;
        const sm::core::JobId job = worker.submit(request, load);
        QVERIFY(progress.wait(600000));
        worker.cancel(job);
        QCOMPARE(waitForEnd(worker, job, 600000), JobState::Cancelled);
    }
};

QTEST_MAIN(TestEngineWorker)
#include "test_engine_worker.moc"
