// The inference worker with a fake backend: frames arrive as deep copies in order, states go
// Queued -> Running -> Done/Failed/Cancelled, cancelling works for running and queued jobs, backend exceptions become
// failed(message), progress is throttled, loads are queued like jobs, and destruction mid-job does not hang.
#include <QtTest>

#include "bridge/inference_worker.h"
#include "fake_backend.h"

using sm::core::InferenceWorker;
using sm::core::JobId;
using sm::core::JobState;

namespace {

sm::core::GenerationRequest request(int frames, int previewEvery = 0) {
    sm::core::GenerationRequest r;
    r.source = QImage(64, 64, QImage::Format_RGB32);
    r.source.fill(QColor(200, 120, 40));
    r.prompt = QStringLiteral("a red star drifts to the left");
    for (int i = 0; i < frames; ++i)
        r.frames.append(sm::core::FrameRequest{QString(), 2 + 2 * i, 1371});
    r.previewEvery = previewEvery;
    return r;
}

QString modelFile(QTemporaryDir& dir) {
    return fake::makeWeights(dir.path(), QStringLiteral("pix2gif-tiny.safetensors"));
}

// Waits until `id` reaches a terminal state; returns it.
JobState waitForEnd(InferenceWorker& worker, JobId id, int timeoutMs = 20000) {
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        const JobState s = worker.state(id);
        if (s == JobState::Done || s == JobState::Failed || s == JobState::Cancelled)
            return s;
        QTest::qWait(5);
    }
    return worker.state(id);
}

}  // namespace

class TestInferenceWorker : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        qRegisterMetaType<sm::core::JobId>("sm::core::JobId");
    }

    void deliversFramesInOrder() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 8;
        InferenceWorker worker(std::make_unique<fake::Backend>(control));
        QSignalSpy loaded(&worker, &InferenceWorker::modelLoaded);
        QSignalSpy frames(&worker, &InferenceWorker::frameReady);
        QSignalSpy states(&worker, &InferenceWorker::jobStateChanged);
        QSignalSpy finished(&worker, &InferenceWorker::finished);
        QSignalSpy idle(&worker, &InferenceWorker::idle);

        const JobId load = worker.loadModel(modelFile(m_dir), {});
        const JobId job = worker.submit(request(3));
        QVERIFY(job != load);
        QCOMPARE(worker.state(job), JobState::Queued);
        QVERIFY(worker.isBusy());
        QVERIFY(finished.wait(10000));
        if (finished.count() < 2)
            QVERIFY(finished.wait(10000));
        QCOMPARE(finished.count(), 2);
        QCOMPARE(finished.at(0).at(0).toULongLong(), load);
        QCOMPARE(finished.at(1).at(0).toULongLong(), job);

        QCOMPARE(loaded.count(), 1);
        const auto model = loaded.at(0).at(1).value<sm::core::ModelDescription>();
        QCOMPARE(model.name, QStringLiteral("pix2gif-tiny"));
        QCOMPARE(model.resolution, QSize(256, 256));
        QCOMPARE(worker.loadedModel().name, model.name);

        QCOMPARE(frames.count(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(frames.at(i).at(0).toULongLong(), job);
            QCOMPARE(frames.at(i).at(1).toInt(), i);
            const QImage image = frames.at(i).at(2).value<QImage>();
            QCOMPARE(image.size(), QSize(64, 64));
        }
        // Frames differ (motion 2, 4, 6 shift the picture differently).
        QVERIFY(frames.at(0).at(2).value<QImage>() != frames.at(2).at(2).value<QImage>());

        // The job's states, in order.
        QVector<JobState> seen;
        for (const QList<QVariant>& args : states) {
            if (args.at(0).toULongLong() == job)
                seen.append(args.at(1).value<JobState>());
        }
        QCOMPARE(seen, (QVector<JobState>{JobState::Queued, JobState::Running, JobState::Done}));
        QCOMPARE(worker.state(job), JobState::Done);
        QVERIFY(!worker.isBusy());
        QVERIFY(idle.count() >= 1);
    }

    void progressIsThrottledAndReachesTheEnd() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 60;
        control->stepMs = 2;
        InferenceWorker worker(std::make_unique<fake::Backend>(control));
        worker.setProgressIntervalMs(50);
        QSignalSpy progress(&worker, &InferenceWorker::progress);
        QSignalSpy finished(&worker, &InferenceWorker::finished);
        worker.loadModel(modelFile(m_dir), {});
        const JobId job = worker.submit(request(2));
        QVERIFY(finished.wait(20000) && (finished.count() == 2 || finished.wait(20000)));
        QCOMPARE(waitForEnd(worker, job), JobState::Done);
        // 120 steps of ~2 ms at one signal per 50 ms: far fewer signals than steps, but at least the last step of
        // every frame.
        QVERIFY2(progress.count() < 60, qPrintable(QString::number(progress.count())));
        QVERIFY(progress.count() >= 2);
        const auto last = progress.last().at(1).value<sm::core::JobProgress>();
        QCOMPARE(last.frame, 1);
        QCOMPARE(last.step, 60);
        QCOMPARE(last.stepCount, 60);
        QCOMPARE(last.frameCount, 2);
        QCOMPARE(last.fraction, 1.0);
        QVERIFY(last.secondsElapsed > 0);
        QVERIFY(last.secondsRemaining >= 0 && last.secondsRemaining < 0.5);
        // Fractions never go backwards.
        double previous = 0;
        for (const QList<QVariant>& args : progress) {
            const double fraction = args.at(1).value<sm::core::JobProgress>().fraction;
            QVERIFY(fraction >= previous);
            previous = fraction;
        }
    }

    void previewsAreDelivered() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 12;
        control->stepMs = 10;
        InferenceWorker worker(std::make_unique<fake::Backend>(control));
        worker.setPreviewIntervalMs(0);
        QSignalSpy previews(&worker, &InferenceWorker::previewReady);
        QSignalSpy finished(&worker, &InferenceWorker::finished);
        worker.loadModel(modelFile(m_dir), {});
        const JobId job = worker.submit(request(1, 4));
        QCOMPARE(waitForEnd(worker, job), JobState::Done);
        QCOMPARE(control->lastPreviewEvery.load(), 4);
        QCOMPARE(previews.count(), 3);  // steps 4, 8, 12
        QCOMPARE(previews.first().at(2).value<QImage>().size(), QSize(64, 64));
    }

    void framesAreDeepCopies() {
        auto control = std::make_shared<fake::Control>();
        control->reuseBuffer = true;  // the backend zeroes its buffer right after each callback
        InferenceWorker worker(std::make_unique<fake::Backend>(control));
        QSignalSpy frames(&worker, &InferenceWorker::frameReady);
        worker.loadModel(modelFile(m_dir), {});
        const JobId job = worker.submit(request(2));
        QCOMPARE(waitForEnd(worker, job), JobState::Done);
        QCOMPARE(frames.count(), 2);
        const QImage image = frames.at(1).at(2).value<QImage>();
        // The source is orange everywhere; a shared (then zeroed) buffer would be black.
        const QRgb centre = image.pixel(32, 32);
        QVERIFY2(qRed(centre) > 150 && qGreen(centre) > 80, qPrintable(QString::number(centre, 16)));
    }

    void cancelStopsRunningJob() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 1000;
        control->stepMs = 2;
        InferenceWorker worker(std::make_unique<fake::Backend>(control));
        QSignalSpy cancelled(&worker, &InferenceWorker::cancelled);
        QSignalSpy failed(&worker, &InferenceWorker::failed);
        QSignalSpy progress(&worker, &InferenceWorker::progress);
        worker.loadModel(modelFile(m_dir), {});
        const JobId job = worker.submit(request(4));
        QVERIFY(progress.wait(10000));
        QCOMPARE(worker.state(job), JobState::Running);
        worker.cancel(job);
        QVERIFY(cancelled.wait(10000));
        QCOMPARE(cancelled.first().at(0).toULongLong(), job);
        QCOMPARE(worker.state(job), JobState::Cancelled);
        QCOMPARE(failed.count(), 0);
        // It stopped within a step or so, long before the 4000 steps.
        QVERIFY2(control->stepsRun.load() < 4000, qPrintable(QString::number(control->stepsRun.load())));
        QVERIFY(!worker.isBusy());

        // The worker keeps working after a cancel.
        control->steps = 2;
        const JobId next = worker.submit(request(1));
        QCOMPARE(waitForEnd(worker, next), JobState::Done);
    }

    void cancelRemovesQueuedJobAtOnce() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 400;
        control->stepMs = 2;
        InferenceWorker worker(std::make_unique<fake::Backend>(control));
        QSignalSpy cancelled(&worker, &InferenceWorker::cancelled);
        worker.loadModel(modelFile(m_dir), {});
        const JobId first = worker.submit(request(1));
        const JobId second = worker.submit(request(1));
        worker.cancel(second);
        // Reported synchronously: nothing of it was in flight.
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(cancelled.first().at(0).toULongLong(), second);
        QCOMPARE(worker.state(second), JobState::Cancelled);
        QVERIFY(worker.state(first) == JobState::Queued || worker.state(first) == JobState::Running);
        worker.cancelAll();
        QCOMPARE(waitForEnd(worker, first), JobState::Cancelled);
        QCOMPARE(control->generations.load() <= 1, true);
    }

    void backendErrorsBecomeFailed() {
        auto control = std::make_shared<fake::Control>();
        control->failAtFrame = 1;
        InferenceWorker worker(std::make_unique<fake::Backend>(control));
        QSignalSpy failed(&worker, &InferenceWorker::failed);
        QSignalSpy frames(&worker, &InferenceWorker::frameReady);
        worker.loadModel(modelFile(m_dir), {});
        const JobId job = worker.submit(request(3));
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().at(0).toULongLong(), job);
        QCOMPARE(failed.first().at(1).toString(), control->failMessage);
        QCOMPARE(worker.state(job), JobState::Failed);
        QCOMPARE(frames.count(), 1);  // the frame before the failure arrived

        // Not a std::exception: still caught at the thread boundary.
        control->throwNonStd = true;
        const JobId other = worker.submit(request(3));
        QCOMPARE(waitForEnd(worker, other), JobState::Failed);
        QCOMPARE(failed.last().at(1).toString(), QStringLiteral("unknown error in the inference engine"));

        // And the thread survives both.
        control->failAtFrame = -1;
        const JobId ok = worker.submit(request(1));
        QCOMPARE(waitForEnd(worker, ok), JobState::Done);
    }

    void loadFailuresAreReported() {
        auto control = std::make_shared<fake::Control>();
        InferenceWorker worker(std::make_unique<fake::Backend>(control));
        QSignalSpy failed(&worker, &InferenceWorker::failed);
        QSignalSpy loaded(&worker, &InferenceWorker::modelLoaded);
        const QString broken = fake::makeWeights(m_dir.path(), QStringLiteral("broken.ckpt"));
        const JobId load = worker.loadModel(broken, {});
        QCOMPARE(worker.kind(load), sm::core::JobKind::LoadModel);
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.first().at(1).toString().startsWith(QStringLiteral("broken.ckpt: truncated")));
        QCOMPARE(loaded.count(), 0);
        QVERIFY(!worker.loadedModel().isValid());
        // Generating without a model fails with a message, not a crash.
        const JobId job = worker.submit(request(1));
        QCOMPARE(waitForEnd(worker, job), JobState::Failed);
        QCOMPARE(failed.last().at(1).toString(), QStringLiteral("no model is loaded"));
    }

    void generationAfterFailedLoadIsCancelled() {
        auto control = std::make_shared<fake::Control>();
        InferenceWorker worker(std::make_unique<fake::Backend>(control));
        QSignalSpy failed(&worker, &InferenceWorker::failed);
        const JobId load = worker.loadModel(fake::makeWeights(m_dir.path(), QStringLiteral("broken2.ckpt")), {});
        const JobId job = worker.submit(request(2), load);
        QCOMPARE(waitForEnd(worker, job), JobState::Cancelled);
        QCOMPARE(failed.count(), 1);  // the load only
        QCOMPARE(control->generations.load(), 0);

        // A load cancelled while queued counts as unsuccessful too.
        control->loadMs = 200;
        const JobId slow = worker.loadModel(modelFile(m_dir), {});
        const JobId queuedLoad = worker.loadModel(modelFile(m_dir), {});
        const JobId dependent = worker.submit(request(1), queuedLoad);
        worker.cancel(queuedLoad);
        QCOMPARE(waitForEnd(worker, dependent), JobState::Cancelled);
        QCOMPARE(waitForEnd(worker, slow), JobState::Done);
        QCOMPARE(control->generations.load(), 0);

        // A successful load lets its generation run.
        control->loadMs = 0;
        const JobId good = worker.loadModel(modelFile(m_dir), {});
        const JobId runs = worker.submit(request(1), good);
        QCOMPARE(waitForEnd(worker, runs), JobState::Done);
    }

    void jobsRunInSubmissionOrder() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 3;
        InferenceWorker worker(std::make_unique<fake::Backend>(control));
        QSignalSpy finished(&worker, &InferenceWorker::finished);
        worker.loadModel(modelFile(m_dir), {});
        QVector<JobId> ids;
        for (int i = 0; i < 5; ++i)
            ids.append(worker.submit(request(1)));
        QCOMPARE(waitForEnd(worker, ids.last()), JobState::Done);
        QVector<JobId> order;
        for (const QList<QVariant>& args : finished)
            order.append(args.at(0).toULongLong());
        QCOMPARE(order.mid(1), ids);  // after the load
    }

    void destructionMidJobDoesNotHang() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 100000;
        control->stepMs = 1;
        {
            InferenceWorker worker(std::make_unique<fake::Backend>(control));
            QSignalSpy progress(&worker, &InferenceWorker::progress);
            worker.loadModel(modelFile(m_dir), {});
            worker.submit(request(8));
            worker.submit(request(8));
            QVERIFY(progress.wait(10000));
        }  // cancels, joins the thread, destroys the backend
        QVERIFY(control->destroyed.load());
        QVERIFY(control->stepsRun.load() < 100000);
    }

    void pausedBackendStillCancels() {
        auto control = std::make_shared<fake::Control>();
        control->pauseAtFrame = 0;
        control->pauseAtStep = 2;
        InferenceWorker worker(std::make_unique<fake::Backend>(control));
        worker.loadModel(modelFile(m_dir), {});
        const JobId job = worker.submit(request(2));
        QTRY_VERIFY_WITH_TIMEOUT(control->paused.load(), 10000);
        worker.cancel(job);
        QCOMPARE(waitForEnd(worker, job), JobState::Cancelled);
    }
};

QTEST_MAIN(TestInferenceWorker)
#include "test_inference_worker.moc"
