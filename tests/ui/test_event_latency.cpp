// The GUI thread never blocks while a generation runs: a 2 ms QTimer on the GUI thread records the gaps between its
// ticks while the worker runs a CPU-bound fake generation (frames, previews and progress streaming into the full
// studio). The target is < 50 ms of event-loop latency.
//
// What is asserted, and why it is a fair measure of "the UI never blocks":
// - The ticks of the first kWarmupMs after Generate are left out: that window holds one-off start-up work (the
//   first paint of the progress widgets, the model-load job, first-use allocations) that is not a generation
//   blocking the UI, and would otherwise dominate every statistic.
// - The 95th percentile of the remaining gaps must be < 50 ms. A blocking GUI thread (a synchronous frame decode,
//   an encoder, a wait on the worker) shows as a run of long gaps for as long as the work lasts, i.e. far more than
//   5% of the ticks; a single late tick because another process took the CPU (the test machine has 2 cores shared
//   with other builds) is not the studio's latency and only moves the max.
// - The max is reported and kept under a generous 250 ms as a guard against an outright freeze.
// The measured values are printed (qInfo) for docs/benchmarks.md.
#include <QtTest>

#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>

#include "bridge/inference_worker.h"
#include "main_window.h"
#include "project_document.h"
#include "studio_test_support.h"

namespace {

// Ticks a timer on the GUI thread and records the largest interval between ticks.
class GapProbe : public QObject {
public:
    explicit GapProbe(int intervalMs) {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(intervalMs);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last >= 0 && now / 1000000 >= m_warmupMs) {
                const double gapMs = (now - m_last) / 1e6;
                m_max = std::max(m_max, gapMs);
                m_gaps.append(gapMs);
            }
            m_last = now;
        });
    }
    // Gaps ending within the first `warmupMs` after start() are not recorded (see the top of the file).
    void start(int warmupMs = 0) {
        m_warmupMs = warmupMs;
        m_clock.start();
        m_last = -1;
        m_max = 0;
        m_gaps.clear();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    double maxGapMs() const { return m_max; }
    double percentileMs(double p) const {
        QVector<double> sorted = m_gaps;
        std::sort(sorted.begin(), sorted.end());
        return sorted.isEmpty() ? 0.0 : sorted.at(std::min(int(sorted.size()) - 1, int(p * sorted.size())));
    }
    int ticks() const { return int(m_gaps.size()); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    qint64 m_warmupMs = 0;
    double m_max = 0;
    QVector<double> m_gaps;
};

constexpr int kWarmupMs = 100;
constexpr double kTargetMs = 50.0;
constexpr double kFreezeMs = 250.0;

}  // namespace

class TestEventLatency : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_imagePath;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        studio::isolate(m_dir, QStringLiteral("test_event_latency"));
        m_imagePath = m_dir.filePath(QStringLiteral("harbour.png"));
        QVERIFY(studio::landscape().save(m_imagePath));
    }

    // The studio window, offscreen, with everything connected: timeline thumbnails, live previews, the player.
    void studioStaysResponsiveWhileGenerating() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 25;
        control->stepMs = 8;
        control->spin = true;  // a CPU-bound worker, like a real denoising loop
        sm::ui::MainWindow window(nullptr, fake::factory(control));
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openImageFile(m_imagePath));
        window.document()->setPrompt(QStringLiteral("boats rocking on the waves"));
        window.document()->setFrameCount(12);
        QTest::qWait(50);

        GapProbe probe(2);
        probe.start(kWarmupMs);
        QVERIFY(window.generate());
        QElapsedTimer timer;
        timer.start();
        while (window.isGenerating() && timer.elapsed() < 60000)
            QTest::qWait(1);
        probe.stop();
        QVERIFY(!window.isGenerating());
        QCOMPARE(control->framesDelivered.load(), 12);
        qInfo(
            "studio event-loop latency while generating 12 frames (%.1f s): max gap %.1f ms, p99 %.1f ms, "
            "p95 %.1f ms, p50 %.1f ms over %d ticks",
            timer.elapsed() / 1000.0, probe.maxGapMs(), probe.percentileMs(0.99), probe.percentileMs(0.95),
            probe.percentileMs(0.5), probe.ticks());
        QVERIFY(probe.ticks() > 50);
        QVERIFY2(probe.percentileMs(0.95) < kTargetMs,
                 qPrintable(QStringLiteral("p95 gap %1 ms").arg(probe.percentileMs(0.95))));
        QVERIFY2(probe.maxGapMs() < kFreezeMs, qPrintable(QStringLiteral("max gap %1 ms").arg(probe.maxGapMs())));
    }

    // The worker alone (no widgets): the bound on what the bridge itself costs the GUI thread.
    void workerAloneStaysResponsive() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 25;
        control->stepMs = 8;
        control->spin = true;
        sm::core::InferenceWorker worker(std::make_unique<fake::Backend>(control));
        QSignalSpy finished(&worker, &sm::core::InferenceWorker::finished);
        worker.setPreviewIntervalMs(0);
        worker.setProgressIntervalMs(0);  // the worst case: every step and preview signalled
        sm::core::GenerationRequest request;
        request.source = studio::landscape(256, 256);
        request.previewEvery = 1;
        for (int i = 0; i < 8; ++i)
            request.frames.append(sm::core::FrameRequest{QString(), 2 + 2 * i, 1371});
        worker.loadModel(fake::makeWeights(m_dir.path(), QStringLiteral("pix2gif.safetensors")), {});
        GapProbe probe(2);
        probe.start(kWarmupMs);
        const sm::core::JobId id = worker.submit(request);
        QElapsedTimer timer;
        timer.start();
        while (worker.state(id) != sm::core::JobState::Done && timer.elapsed() < 60000)
            QTest::qWait(1);
        probe.stop();
        QCOMPARE(worker.state(id), sm::core::JobState::Done);
        qInfo("worker-only event-loop latency (8 frames, every step signalled): max gap %.1f ms, p99 %.1f ms",
              probe.maxGapMs(), probe.percentileMs(0.99));
        QVERIFY(probe.ticks() > 50);
        QVERIFY2(probe.percentileMs(0.95) < kTargetMs,
                 qPrintable(QStringLiteral("p95 gap %1 ms").arg(probe.percentileMs(0.95))));
        QVERIFY2(probe.maxGapMs() < kFreezeMs, qPrintable(QStringLiteral("max gap %1 ms").arg(probe.maxGapMs())));
    }
};

QTEST_MAIN(TestEventLatency)
#include "test_event_latency.moc"
