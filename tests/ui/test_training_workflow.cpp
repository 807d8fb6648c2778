// The Project dock's done criterion, end to end in the studio window on the REAL trainer and engine: a folder of
// GIFs (one with a sidecar caption) is imported as a folder, curated into pairs and a motion histogram; a tiny
// random-weight Pix2Gif is trained from the panel while the loss curve fills, stopped, resumed from its last
// checkpoint and run to the end; the finished model is listed and selected, "Generate with This" makes it the
// project's Pix2Gif weights (and a Model Manager entry), and the studio generates a frame with it.
#include <QtTest>

#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>

#include "bridge/engine_backend.h"
#include "engine/engine.h"
#include "bridge/inference_worker.h"
#include "bridge/pix2gif_training_backend.h"
#include "export/gif_encoder.h"
#include "generation_panel.h"
#include "main_window.h"
#include "model_catalog.h"
#include "project_document.h"
#include "qcustomplot_include.h"
#include "studio_test_support.h"
#include "training_panel.h"

using sm::core::TrainingState;
using sm::ui::MainWindow;
using sm::ui::TrainingPanel;

namespace {

constexpr int kMaxSteps = 24;

// 12 frames of a red square moving right by `speed` px per frame over a textured background, as a GIF.
bool writeClip(const QString& path, int speed) {
    QVector<QImage> frames;
    for (int i = 0; i < 12; ++i) {
        QImage frame(96, 96, QImage::Format_RGB888);
        for (int y = 0; y < 96; ++y)
            for (int x = 0; x < 96; ++x)
                frame.setPixelColor(x, y, QColor(200 + (x * 7 + y * 3) % 40, 210, 190 + (x * y) % 50));
        QPainter painter(&frame);
        painter.fillRect(QRect(10 + i * speed, 36, 22, 22), QColor(210, 40, 40));
        painter.end();
        frames.append(frame);
    }
    QByteArray bytes;
    QString error;
    if (!sm::core::encodeGifToBytes(frames, QVector<int>(frames.size(), 10), {}, &bytes, &error))
        return false;
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

double lastKey(QCPGraph* graph) {
    return graph->dataCount() > 0 ? (graph->data()->constEnd() - 1)->key : -1.0;
}

}  // namespace

class TestTrainingWorkflow : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_base;
    QString m_clips;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        if (!sm::core::engineAvailable())
            QSKIP("this build has no inference engine");
        const QString models = studio::isolateSettings(m_dir, QStringLiteral("test_training_workflow"));
        QVERIFY(QFileInfo(models).isDir());
        qRegisterMetaType<sm::core::TrainingMetrics>();
        qRegisterMetaType<sm::core::TrainingState>();

        // The base: a tiny random Pix2Gif, made as the model manager's "New model" makes one.
        m_base = m_dir.filePath(QStringLiteral("tiny-base.safetensors"));
        sm::engine::CreateOptions create;
        create.randomSize = "tiny";
        create.output = m_base.toStdString();
        create.seed = 5;
        sm::engine::createPix2Gif(create);

        // The designer's folder: two GIFs, one with a sidecar caption, one captioned by its file name.
        m_clips = m_dir.filePath(QStringLiteral("my gifs"));
        QVERIFY(QDir().mkpath(m_clips));
        QVERIFY(writeClip(QDir(m_clips).filePath(QStringLiteral("slow_square.gif")), 2));
        QVERIFY(writeClip(QDir(m_clips).filePath(QStringLiteral("fast.gif")), 4));
        QFile sidecar(QDir(m_clips).filePath(QStringLiteral("fast.txt")));
        QVERIFY(sidecar.open(QIODevice::WriteOnly));
        sidecar.write("a red square  slides\nto the right\n");
        sidecar.close();
        sm::core::registerPix2GifTrainingBackend();
    }

    void cleanupTestCase() { sm::core::registerTrainingBackend(QString(), {}); }

    void importTrainStopResumeGenerate() {
        MainWindow window;
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        TrainingPanel* panel = window.trainingPanel();
        QVERIFY(panel->trainingAvailable());

        // Settings as the project stores them: a short run with frequent checkpoints.
        sm::core::ProjectDataset dataset;
        sm::core::TrainingConfig& config = dataset.training;
        config.baseModel = m_base;
        config.outputFolder = m_dir.filePath(QStringLiteral("run"));
        config.learningRate = 1e-4;
        config.warmupSteps = 0;
        config.batchSize = 1;
        config.gradientAccumulation = 1;
        config.maxSteps = kMaxSteps;
        config.checkpointEvery = 4;
        config.sampleEvery = 8;
        config.perceptualWeight = 0.0;
        config.sampleSteps = 1;
        config.threads = 1;
        panel->setDataset(dataset);
        QCOMPARE(panel->settings().baseModelPath, m_base);

        // 1. Import the folder: both clips, captions from the sidecar and the file name, pairs, the histogram.
        QSignalSpy curated(panel, &TrainingPanel::curationFinished);
        panel->importClips({m_clips});
        QVERIFY(curated.wait(120000));
        QCOMPARE(panel->clips().size(), 2);
        QCOMPARE(panel->dataset().sources, QStringList{m_clips});  // the project keeps the folder
        QMap<QString, QString> captions;
        for (const sm::core::ClipReport& clip : panel->clips()) {
            QVERIFY2(clip.ok(), qPrintable(clip.error));
            QVERIFY2(!clip.pairs.isEmpty(), qPrintable(clip.path));
            captions.insert(QFileInfo(clip.path).fileName(), clip.caption);
        }
        QCOMPARE(captions.value(QStringLiteral("fast.gif")), QStringLiteral("a red square slides to the right"));
        QCOMPARE(captions.value(QStringLiteral("slow_square.gif")), QStringLiteral("slow square"));
        int histogramTotal = 0;
        for (int count : panel->histogram())
            histogramTotal += count;
        QCOMPARE(histogramTotal, panel->pairs().size());

        // 2. Train and watch the loss; stop part-way (the trainer saves a checkpoint on stop).
        QVERIFY(panel->start());
        QCPGraph* loss = panel->lossPlot()->graph(0);
        QTRY_VERIFY_WITH_TIMEOUT(loss->dataCount() >= 3 || panel->backend()->state() != TrainingState::Running,
                                 120000);
        panel->stop();
        QTRY_COMPARE_WITH_TIMEOUT(panel->backend()->state(), TrainingState::Finished, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(panel->resumeRunButton()->isEnabled(), 10000);  // the panel saw Finished
        const double stoppedAt = lastKey(loss);
        QVERIFY2(stoppedAt >= 3 && stoppedAt < kMaxSteps, qPrintable(QString::number(stoppedAt)));
        QVERIFY(QFileInfo::exists(panel->lastCheckpointPath()));
        QVERIFY(panel->checkpoints()->count() >= 1);
        QVERIFY(!QFileInfo::exists(QDir(config.outputFolder).filePath(QStringLiteral("model.safetensors"))));

        // 3. Resume from the last checkpoint: the curve continues after the stop and the run ends at its last step.
        QVERIFY(panel->resumeRunButton()->isEnabled());
        QVERIFY(panel->resumeFromCheckpoint());
        QTRY_COMPARE_WITH_TIMEOUT(panel->backend()->state(), TrainingState::Finished, 180000);
        QVERIFY(loss->dataCount() > 0);
        QVERIFY2(loss->data()->constBegin()->key > stoppedAt - 1e-9,
                 qPrintable(QStringLiteral("%1 after a stop at %2").arg(loss->data()->constBegin()->key).arg(stoppedAt)));
        QCOMPARE(lastKey(loss), double(kMaxSteps));

        // 4. The finished model is listed first and selected; "Generate with This" makes it the project's weights.
        const QString finished = QDir(config.outputFolder).filePath(QStringLiteral("model.safetensors"));
        QVERIFY(QFileInfo::exists(finished));
        // The backend's state is set on its worker; the panel hears of it through a queued signal.
        QTRY_VERIFY_WITH_TIMEOUT(panel->checkpoints()->count() > 0 &&
                                     panel->checkpoints()->item(0)->data(Qt::UserRole).toString() == finished,
                                 10000);
        QVERIFY(panel->checkpoints()->item(0)->isSelected());
        QVERIFY(panel->useModelButton()->isEnabled());
        panel->useModelButton()->click();
        QCOMPARE(window.project().model().kind, sm::core::ModelKind::Pix2Gif);
        QCOMPARE(window.project().model().weightsId, QFileInfo(finished).absoluteFilePath());
        QVERIFY(window.catalog()->indexOf(finished) >= 0);

        // 5. Generate with it.
        const QString image = m_dir.filePath(QStringLiteral("source.png"));
        QVERIFY(studio::landscape(320, 240).save(image));
        QVERIFY(window.openImageFile(image));
        window.document()->setFrameCount(1);
        sm::core::SamplerSettings sampler = window.project().sampler();
        sampler.sampler = QLatin1String(sm::core::kSamplerDpmPP2MKarras);
        sampler.steps = 2;
        window.document()->setSampler(sampler, QStringLiteral("steps"), 0);
        window.generationPanel()->promptEdit()->setPlainText(QStringLiteral("a red square slides to the right"));
        QSignalSpy loaded(window.worker(), &sm::core::InferenceWorker::modelLoaded);
        QSignalSpy frames(window.worker(), &sm::core::InferenceWorker::frameReady);
        QSignalSpy failed(window.worker(), &sm::core::InferenceWorker::failed);
        QVERIFY(window.generate());
        QTRY_VERIFY_WITH_TIMEOUT(!window.isGenerating() && !window.worker()->isBusy(), 180000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.last().at(1).toString()));
        QCOMPARE(loaded.count(), 1);
        const auto model = loaded.first().at(1).value<sm::core::ModelDescription>();
        QVERIFY2(QFileInfo(model.path).canonicalFilePath() == QFileInfo(finished).canonicalFilePath(),
                 qPrintable(model.path));
        QCOMPARE(frames.count(), 1);
        QVERIFY(window.project().frames().first().hasImage());
    }
};

QTEST_MAIN(TestTrainingWorkflow)
#include "test_training_workflow.moc"
