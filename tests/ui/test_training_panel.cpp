// The Project panel: without a registered trainer it says the training engine is not available (and shows no
// numbers); dataset curation measures real clips (a GIF with a moving square) into pairs and a motion histogram;
// with a fake trainer registered, start / pause / resume / stop drive the loss and learning-rate curves, samples
// and checkpoints.
#include <QtTest>

#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTimer>

#include "bridge/training_backend.h"
#include "export/gif_encoder.h"
#include "qcustomplot_include.h"
#include "training_panel.h"

using sm::core::TrainingState;
using sm::ui::TrainingPanel;

namespace {

// A fake trainer: a timer emits a metric per tick with a falling loss and a warm-up learning rate.
class FakeTrainer : public sm::core::TrainingBackend {
public:
    FakeTrainer() {
        m_timer.setInterval(5);
        connect(&m_timer, &QTimer::timeout, this, [this] { tick(); });
    }
    QString name() const override { return QStringLiteral("fake trainer"); }
    TrainingState state() const override { return m_state; }
    bool start(const sm::core::TrainingSettings& settings, const QVector<sm::core::TrainingPair>& pairs,
               QString* error) override {
        if (pairs.isEmpty()) {
            *error = QStringLiteral("no training pairs");
            return false;
        }
        m_settings = settings;
        m_step = 0;
        setState(TrainingState::Running);
        m_timer.start();
        return true;
    }
    void pause() override {
        m_timer.stop();
        setState(TrainingState::Paused);
    }
    void resume() override {
        setState(TrainingState::Running);
        m_timer.start();
    }
    void stop() override {
        m_timer.stop();
        Q_EMIT checkpointSaved(m_step, m_settings.outputFolder + QStringLiteral("/last.ckpt"));
        setState(TrainingState::Finished);
    }
    int step() const { return m_step; }

private:
    void setState(TrainingState state) {
        m_state = state;
        Q_EMIT stateChanged(state);
    }
    void tick() {
        ++m_step;
        sm::core::TrainingMetrics m;
        m.step = m_step;
        m.maxSteps = m_settings.maxSteps;
        m.loss = 0.2 / (1.0 + m_step * 0.05);
        m.learningRate = m_settings.learningRate * std::min(1.0, double(m_step) / m_settings.warmupSteps);
        m.secondsElapsed = m_step * 0.005;
        m.secondsRemaining = (m_settings.maxSteps - m_step) * 0.005;
        Q_EMIT metricsReady(m);
        if (m_step % m_settings.sampleEvery == 0) {
            QImage sample(64, 64, QImage::Format_RGB32);
            sample.fill(QColor::fromHsv(m_step % 360, 180, 220));
            Q_EMIT sampleReady(m_step, sample);
        }
        if (m_step % m_settings.checkpointEvery == 0)
            Q_EMIT checkpointSaved(m_step, m_settings.outputFolder + QStringLiteral("/step-%1.ckpt").arg(m_step));
        if (m_step >= m_settings.maxSteps)
            stop();
    }
    QTimer m_timer;
    TrainingState m_state = TrainingState::Idle;
    sm::core::TrainingSettings m_settings;
    int m_step = 0;
};

// A GIF of a square moving `speed` pixels per frame (at 256 x 256 analysis size).
QString movingSquareGif(const QString& folder, const QString& name, int speed) {
    QVector<QImage> frames;
    for (int i = 0; i < 12; ++i) {
        QImage frame(256, 256, QImage::Format_RGB888);
        frame.fill(QColor(240, 240, 230));
        QPainter p(&frame);
        p.fillRect(QRect(40 + i * speed, 90, 60, 60), QColor(200, 40, 40));
        p.fillRect(QRect(150 - i * speed / 2, 170, 40, 40), QColor(30, 60, 200));
        p.end();
        frames.append(frame);
    }
    QByteArray bytes;
    QString error;
    if (!sm::core::encodeGifToBytes(frames, QVector<int>(frames.size(), 10), {}, &bytes, &error))
        return QString();
    const QString path = QDir(folder).filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return QString();
    return path;
}

}  // namespace

class TestTrainingPanel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void withoutTrainerSaysNotAvailable() {
        sm::core::registerTrainingBackend(QString(), {});
        TrainingPanel panel;
        panel.show();
        QVERIFY(!panel.trainingAvailable());
        QVERIFY(panel.banner()->text().contains(QStringLiteral("not available in this build")));
        QVERIFY(!panel.startButton()->isEnabled());
        QVERIFY(!panel.pauseButton()->isEnabled());
        QVERIFY(!panel.start());
        // No made-up numbers.
        QCOMPARE(panel.lossPlot()->graph(0)->dataCount(), 0);
        QCOMPARE(panel.checkpoints()->count(), 0);
    }

    void curatesClipsIntoPairsAndHistogram() {
        sm::core::registerTrainingBackend(QString(), {});
        const QString slow = movingSquareGif(m_dir.path(), QStringLiteral("slowSquare_drift.gif"), 1);
        const QString fast = movingSquareGif(m_dir.path(), QStringLiteral("fast-square.gif"), 3);
        QVERIFY(!slow.isEmpty() && !fast.isEmpty());
        const QString junk = m_dir.filePath(QStringLiteral("notes.gif"));
        QFile file(junk);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a gif");
        file.close();

        TrainingPanel panel;
        QSignalSpy finished(&panel, &TrainingPanel::curationFinished);
        panel.importClips({slow, fast, junk});
        QVERIFY(finished.wait(60000));
        QCOMPARE(panel.clips().size(), 3);
        const sm::core::ClipReport& slowReport = panel.clips().at(0);
        QVERIFY2(slowReport.ok(), qPrintable(slowReport.error));
        QCOMPARE(slowReport.caption, QStringLiteral("slow square drift"));
        QCOMPARE(slowReport.frameCount, 12);
        QVERIFY(slowReport.candidatePairs > 0);
        QVERIFY(!slowReport.pairs.isEmpty());
        QVERIFY(slowReport.pairs.size() <= 10);
        for (const sm::core::TrainingPair& pair : slowReport.pairs) {
            QVERIFY(pair.motion >= 2 && pair.motion <= 19);
            QVERIFY(pair.frameA < pair.frameB);
        }
        QVERIFY(!panel.clips().at(2).ok());
        // The histogram counts every kept pair.
        const QVector<int> bins = panel.histogram();
        QCOMPARE(bins.size(), 18);
        int total = 0;
        for (int count : bins)
            total += count;
        QCOMPARE(total, panel.pairs().size());
        QVERIFY(total > 0);
        // Faster motion shows up at higher motion values.
        double slowMean = 0;
        double fastMean = 0;
        for (const sm::core::TrainingPair& p : panel.clips().at(0).pairs)
            slowMean += p.flow / panel.clips().at(0).pairs.size();
        for (const sm::core::TrainingPair& p : panel.clips().at(1).pairs)
            fastMean += p.flow / panel.clips().at(1).pairs.size();
        QVERIFY2(fastMean > slowMean, qPrintable(QStringLiteral("%1 vs %2").arg(fastMean).arg(slowMean)));
    }

    void fakeTrainerDrivesCurves() {
        FakeTrainer* trainer = nullptr;
        sm::core::registerTrainingBackend(QStringLiteral("fake trainer"), [&trainer] {
            auto backend = std::make_unique<FakeTrainer>();
            trainer = backend.get();
            return backend;
        });
        TrainingPanel panel;
        panel.show();
        QVERIFY(panel.trainingAvailable());
        QVERIFY(panel.banner()->text().contains(QStringLiteral("fake trainer")));
        QVERIFY(!panel.startButton()->isEnabled());  // nothing to train on yet
        QSignalSpy finished(&panel, &TrainingPanel::curationFinished);
        panel.importClips({movingSquareGif(m_dir.path(), QStringLiteral("train.gif"), 2)});
        QVERIFY(finished.wait(60000));
        QVERIFY(panel.startButton()->isEnabled());

        QVERIFY(panel.start());
        QTRY_VERIFY_WITH_TIMEOUT(panel.lossPlot()->graph(0)->dataCount() >= 20, 10000);
        QVERIFY(panel.pauseButton()->isEnabled());
        panel.pauseButton()->click();
        QCOMPARE(trainer->state(), TrainingState::Paused);
        QCOMPARE(panel.startButton()->text(), QStringLiteral("Resume"));
        const int pausedAt = trainer->step();
        QTest::qWait(50);
        QCOMPARE(trainer->step(), pausedAt);
        panel.startButton()->click();  // resume
        QCOMPARE(trainer->state(), TrainingState::Running);
        QTRY_VERIFY_WITH_TIMEOUT(trainer->step() > pausedAt + 5, 10000);
        panel.stopButton()->click();
        QCOMPARE(trainer->state(), TrainingState::Finished);
        // Loss and learning rate were plotted, samples and checkpoints listed.
        QCOMPARE(panel.lossPlot()->graph(0)->dataCount(), trainer->step());
        QCOMPARE(panel.lossPlot()->graph(1)->dataCount(), trainer->step());
        QVERIFY(panel.checkpoints()->count() >= 1);
        QVERIFY(
            panel.checkpoints()->item(panel.checkpoints()->count() - 1)->text().contains(QStringLiteral("last.ckpt")));
        sm::core::registerTrainingBackend(QString(), {});
    }
};

QTEST_MAIN(TestTrainingPanel)
#include "test_training_panel.moc"
