// The Project panel: without a registered trainer it says the training engine is not available (and shows no
// numbers); dataset curation measures real clips (a GIF with a moving square) into pairs, a motion histogram and
// the Cinemo SSIM-level histogram (the same levels as core's Cinemo curation); every training setting, the
// trainer's own knobs included, is saved in the project's TrainingConfig; with a fake trainer registered, every
// setting control reaches TrainingSettings, only float32 can be chosen, resume-from-checkpoint is offered only
// when the output folder holds one, and start / pause / resume / stop drive the loss and learning-rate curves,
// samples and checkpoints.
#include <QtTest>

#include <functional>
#include <numeric>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QTreeWidget>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTimer>

#include "bridge/dataset_curation.h"
#include "bridge/training_backend.h"
#include "export/gif_encoder.h"
#include "project_document.h"
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
    const sm::core::TrainingSettings& settings() const { return m_settings; }

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

        // Cinemo SSIM levels: one per readable clip, equal to what core's Cinemo curation measures (the GIFs are
        // shorter than a 16-frame sample, so both use every frame), more motion at a higher level.
        const int slowLevel = panel.ssimLevel(slow);
        const int fastLevel = panel.ssimLevel(fast);
        QCOMPARE(slowLevel, sm::core::curateCinemoClip(slow, {}, 0).level);
        QCOMPARE(fastLevel, sm::core::curateCinemoClip(fast, {}, 0).level);
        QVERIFY(slowLevel >= 0 && slowLevel <= 19);
        QVERIFY2(fastLevel > slowLevel, qPrintable(QStringLiteral("%1 vs %2").arg(fastLevel).arg(slowLevel)));
        QCOMPARE(panel.ssimLevel(junk), -1);
        const QVector<int> levels = panel.ssimHistogram();
        QCOMPARE(levels.size(), 20);
        QCOMPARE(levels.at(slowLevel), 1);
        QCOMPARE(levels.at(fastLevel), 1);
        QCOMPARE(std::accumulate(levels.begin(), levels.end(), 0), 2);  // the unreadable clip is not counted
    }

    // Folders are imported whole (captions from sidecars, else the file name), dropped clips and folders are
    // imported, an empty folder is listed with the reason, and removing a clip of an imported folder keeps it out of
    // the saved sources.
    void importsFoldersAndDrops() {
        sm::core::registerTrainingBackend(QString(), {});
        const QString folder = m_dir.filePath(QStringLiteral("folder"));
        QVERIFY(QDir().mkpath(folder + QStringLiteral("/sub")));
        const QString a = movingSquareGif(folder, QStringLiteral("a.gif"), 2);
        const QString b = movingSquareGif(folder + QStringLiteral("/sub"), QStringLiteral("b.gif"), 3);
        QVERIFY(!a.isEmpty() && !b.isEmpty());
        QFile sidecar(folder + QStringLiteral("/sub/b.txt"));
        QVERIFY(sidecar.open(QIODevice::WriteOnly));
        sidecar.write("a square sails by");
        sidecar.close();
        const QString empty = m_dir.filePath(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(empty));
        QFile notes(m_dir.filePath(QStringLiteral("notes.txt")));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.close();

        TrainingPanel panel;
        panel.show();
        QSignalSpy finished(&panel, &TrainingPanel::curationFinished);
        QSignalSpy changed(&panel, &TrainingPanel::datasetChanged);
        // A drop of a folder, an empty folder and a text file: the text file is not a clip and is left out.
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(folder), QUrl::fromLocalFile(empty), QUrl::fromLocalFile(notes.fileName())});
        QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&panel, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&panel, &drop);
        QVERIFY(finished.wait(60000));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(panel.dataset().sources, (QStringList{folder, empty}));
        QCOMPARE(panel.clips().size(), 3);  // a.gif, sub/b.gif and the empty folder's entry
        QMap<QString, QString> captions;
        for (const sm::core::ClipReport& clip : panel.clips())
            captions.insert(clip.path, clip.ok() ? clip.caption : QStringLiteral("error: ") + clip.error);
        QCOMPARE(captions.value(a), QStringLiteral("a"));
        QCOMPARE(captions.value(b), QStringLiteral("a square sails by"));
        QVERIFY2(captions.value(empty).startsWith(QStringLiteral("error: no GIF or video files")),
                 qPrintable(captions.value(empty)));

        // A text file alone is not accepted as a drop.
        QMimeData textOnly;
        textOnly.setUrls({QUrl::fromLocalFile(notes.fileName())});
        QDragEnterEvent refused(QPoint(5, 5), Qt::CopyAction, &textOnly, Qt::LeftButton, Qt::NoModifier);
        refused.setAccepted(false);
        QCoreApplication::sendEvent(&panel, &refused);
        QVERIFY(!refused.isAccepted());

        // Remove b.gif: the folder source becomes its remaining clip, so reopening does not bring b back.
        for (int i = 0; i < panel.clipList()->topLevelItemCount(); ++i) {
            QTreeWidgetItem* item = panel.clipList()->topLevelItem(i);
            item->setSelected(item->data(0, Qt::UserRole).toString() == b);
        }
        panel.removeClipsButton()->click();
        QCOMPARE(panel.dataset().sources, (QStringList{a, empty}));
        QCOMPARE(panel.clips().size(), 2);
    }

    // The dataset the project saves: import order of the sources and every training setting; setDataset() restores
    // them (curating the clips again) without reporting a user change, user changes are reported.
    void datasetRoundTripsThroughThePanel() {
        sm::core::registerTrainingBackend(QString(), {});
        const QString clip = movingSquareGif(m_dir.path(), QStringLiteral("boat.gif"), 2);
        QVERIFY(!clip.isEmpty());
        TrainingPanel panel;
        QSignalSpy changed(&panel, &TrainingPanel::datasetChanged);
        QSignalSpy finished(&panel, &TrainingPanel::curationFinished);
        panel.importClips({clip});
        QCOMPARE(changed.count(), 1);
        QVERIFY(finished.wait(60000));
        QCOMPARE(panel.dataset().sources, QStringList{clip});
        QCOMPARE(panel.dataset().training.batchSize, 2);  // Pix2Gif's train.yaml default

        sm::core::ProjectDataset dataset;
        dataset.sources = {clip};
        dataset.training.learningRate = 3e-5;
        dataset.training.batchSize = 4;
        dataset.training.maxSteps = 1234;
        dataset.training.ema = false;
        dataset.training.precision = QStringLiteral("bfloat16");
        changed.clear();
        TrainingPanel other;
        QSignalSpy otherChanged(&other, &TrainingPanel::datasetChanged);
        QSignalSpy otherFinished(&other, &TrainingPanel::curationFinished);
        other.setDataset(dataset);
        QCOMPARE(otherChanged.count(), 0);
        QVERIFY(otherFinished.wait(60000));
        QCOMPARE(other.clips().size(), 1);  // curated again from the saved path
        const sm::core::ProjectDataset back = other.dataset();
        QCOMPARE(back.sources, dataset.sources);
        QCOMPARE(back.training.learningRate, 3e-5);
        QCOMPARE(back.training.batchSize, 4);
        QCOMPARE(back.training.maxSteps, 1234);
        QCOMPARE(back.training.ema, false);
        // The CPU trainer trains in float32 only: a project saved with bfloat16 opens as float32.
        QCOMPARE(back.training.precision, QStringLiteral("float32"));
        other.setDataset({});
        QVERIFY(other.dataset().sources.isEmpty());
        QVERIFY(other.clips().isEmpty());
        QCOMPARE(otherChanged.count(), 0);
    }

    // The trainer's own knobs belong to the project like the schedule: each control, edited, marks the document
    // modified and lands in its TrainingConfig (wired as the main window wires it); a loaded config sets them all
    // without reporting a user change.
    void trainerKnobsAreSavedWithTheProject() {
        sm::core::registerTrainingBackend(QString(), {});
        TrainingPanel panel;
        sm::ui::ProjectDocument document;
        QObject::connect(&panel, &TrainingPanel::datasetChanged, &document,
                         [&] { document.setDataset(panel.dataset()); });
        QSignalSpy changed(&panel, &TrainingPanel::datasetChanged);
        const sm::core::TrainingConfig defaults;
        // The panel's defaults are the config's (the output folder has its own default: AppData/training).
        const sm::core::TrainingConfig initial = panel.dataset().training;
        QCOMPARE(initial.horizontalFlip, defaults.horizontalFlip);
        QCOMPARE(initial.trainTextEncoder, defaults.trainTextEncoder);
        QCOMPARE(initial.conditioningDropout, defaults.conditioningDropout);
        QCOMPARE(initial.perceptualWeight, defaults.perceptualWeight);
        QCOMPARE(initial.vggWeightsPath, defaults.vggWeightsPath);
        QCOMPARE(initial.sampleSteps, defaults.sampleSteps);
        QCOMPARE(initial.threads, defaults.threads);
        QVERIFY(!document.isModified());

        const QString vgg = QStringLiteral("/weights/vgg19-dcbc3e09.pth");
        // One edit per control, in order; after each the document holds the new value.
        const QVector<std::function<void()>> edits{
            [&] { panel.horizontalFlipBox()->setChecked(false); },
            [&] { panel.trainTextEncoderBox()->setChecked(true); },
            [&] { panel.conditioningDropoutBox()->setValue(0.125); },
            [&] { panel.perceptualWeightBox()->setValue(0.5); },
            [&] { panel.vggWeightsEdit()->setText(vgg); },
            [&] { panel.sampleStepsBox()->setValue(7); },
            [&] { panel.threadsBox()->setValue(3); },
        };
        for (int i = 0; i < edits.size(); ++i) {
            const sm::core::ProjectDataset before = document.project().dataset();
            edits.at(i)();
            QCOMPARE(changed.count(), i + 1);
            QVERIFY(document.isModified());
            QVERIFY2(document.project().dataset() != before, qPrintable(QStringLiteral("edit %1").arg(i)));
        }
        const sm::core::TrainingConfig& saved = document.project().dataset().training;
        QCOMPARE(saved.horizontalFlip, false);
        QCOMPARE(saved.trainTextEncoder, true);
        QCOMPARE(saved.conditioningDropout, 0.125);
        QCOMPARE(saved.perceptualWeight, 0.5);
        QCOMPARE(saved.vggWeightsPath, vgg);
        QCOMPARE(saved.sampleSteps, 7);
        QCOMPARE(saved.threads, 3);
        // The rest of the config is untouched.
        QCOMPARE(saved.learningRate, defaults.learningRate);
        QCOMPARE(saved.batchSize, defaults.batchSize);

        // Loading a config sets every control, silently.
        sm::core::ProjectDataset dataset;
        dataset.training.horizontalFlip = false;
        dataset.training.trainTextEncoder = true;
        dataset.training.conditioningDropout = 0.2;
        dataset.training.perceptualWeight = 0.0;
        dataset.training.vggWeightsPath = QStringLiteral("/weights/other.safetensors");
        dataset.training.sampleSteps = 50;
        dataset.training.threads = 12;
        TrainingPanel other;
        QSignalSpy otherChanged(&other, &TrainingPanel::datasetChanged);
        other.setDataset(dataset);
        QCOMPARE(otherChanged.count(), 0);
        QCOMPARE(other.horizontalFlipBox()->isChecked(), false);
        QCOMPARE(other.trainTextEncoderBox()->isChecked(), true);
        QCOMPARE(other.conditioningDropoutBox()->value(), 0.2);
        QCOMPARE(other.perceptualWeightBox()->value(), 0.0);
        QCOMPARE(other.vggWeightsEdit()->text(), QStringLiteral("/weights/other.safetensors"));
        QCOMPARE(other.sampleStepsBox()->value(), 50);
        QCOMPARE(other.threadsBox()->value(), 12);
        QVERIFY(other.dataset().training == dataset.training);
        // ...and the trainer is started with them.
        const sm::core::TrainingSettings s = other.settings();
        QCOMPARE(s.horizontalFlip, false);
        QCOMPARE(s.conditioningDropout, 0.2);
        QCOMPARE(s.perceptualWeight, 0.0);
        QCOMPARE(s.vggWeightsPath, QStringLiteral("/weights/other.safetensors"));
        QCOMPARE(s.sampleSteps, 50);
        QCOMPARE(s.threads, 12);
        // Loading the defaults puts them back.
        other.setDataset({});
        QVERIFY(other.dataset().training == defaults);
        QCOMPARE(otherChanged.count(), 0);
    }

    // Every control reaches the settings the trainer is started with; precisions the trainer refuses are disabled
    // and say why; the VGG hint shows while the perceptual loss runs on random features.
    void controlsReachTrainingSettings() {
        FakeTrainer* trainer = nullptr;
        sm::core::registerTrainingBackend(QStringLiteral("fake trainer"), [&trainer] {
            auto backend = std::make_unique<FakeTrainer>();
            trainer = backend.get();
            return backend;
        });
        TrainingPanel panel;
        // The defaults are the authors' (TrainingSettings' own defaults).
        const sm::core::TrainingSettings defaults;
        sm::core::TrainingSettings s = panel.settings();
        QCOMPARE(s.horizontalFlip, defaults.horizontalFlip);
        QCOMPARE(s.conditioningDropout, defaults.conditioningDropout);
        QCOMPARE(s.perceptualWeight, defaults.perceptualWeight);
        QCOMPARE(s.vggWeightsPath, QString());
        QCOMPARE(s.sampleSteps, defaults.sampleSteps);
        QCOMPARE(s.threads, 0);
        QCOMPARE(s.precision, QStringLiteral("float32"));
        QVERIFY(!s.resume);
        QCOMPARE(panel.threadsBox()->text(), QStringLiteral("All cores"));

        auto* precisions = qobject_cast<QStandardItemModel*>(panel.precisionBox()->model());
        QVERIFY(precisions);
        QCOMPARE(precisions->rowCount(), 3);
        QVERIFY(precisions->item(0)->isEnabled());
        for (int row : {1, 2}) {
            QVERIFY(!precisions->item(row)->isEnabled());
            QVERIFY(precisions->item(row)->toolTip().contains(QStringLiteral("float32 only")));
        }
        QVERIFY(!panel.vggHint()->isHidden());  // perceptual loss on, no VGG weights
        QVERIFY(panel.vggWeightsEdit()->toolTip().contains(QStringLiteral("vgg19-dcbc3e09.pth")));
        QVERIFY(panel.vggWeightsEdit()->toolTip().contains(QStringLiteral("random VGG features")));

        panel.horizontalFlipBox()->setChecked(false);
        panel.conditioningDropoutBox()->setValue(0.1);
        panel.perceptualWeightBox()->setValue(0.025);
        const QString vgg = m_dir.filePath(QStringLiteral("vgg19-dcbc3e09.pth"));
        panel.vggWeightsEdit()->setText(vgg);
        QVERIFY(panel.vggHint()->isHidden());
        panel.sampleStepsBox()->setValue(8);
        panel.threadsBox()->setValue(3);
        panel.learningRateBox()->setValue(2e-5);
        const QString output = m_dir.filePath(QStringLiteral("run-settings"));
        panel.outputEdit()->setText(output);
        s = panel.settings();
        QCOMPARE(s.horizontalFlip, false);
        QCOMPARE(s.conditioningDropout, 0.1);
        QCOMPARE(s.perceptualWeight, 0.025);
        QCOMPARE(s.vggWeightsPath, vgg);
        QCOMPARE(s.sampleSteps, 8);
        QCOMPARE(s.threads, 3);
        QCOMPARE(s.learningRate, 2e-5);
        QCOMPARE(s.outputFolder, output);
        panel.vggWeightsEdit()->clear();
        panel.perceptualWeightBox()->setValue(0);
        QVERIFY(panel.vggHint()->isHidden());  // no perceptual loss: nothing to warn about
        panel.perceptualWeightBox()->setValue(0.025);
        panel.vggWeightsEdit()->setText(vgg);

        // The trainer is started with exactly these settings.
        QSignalSpy finished(&panel, &TrainingPanel::curationFinished);
        panel.importClips({movingSquareGif(m_dir.path(), QStringLiteral("settings.gif"), 2)});
        QVERIFY(finished.wait(60000));
        QVERIFY(panel.start());
        QVERIFY(trainer);
        const sm::core::TrainingSettings& got = trainer->settings();
        QCOMPARE(got.horizontalFlip, false);
        QCOMPARE(got.conditioningDropout, 0.1);
        QCOMPARE(got.perceptualWeight, 0.025);
        QCOMPARE(got.vggWeightsPath, vgg);
        QCOMPARE(got.sampleSteps, 8);
        QCOMPARE(got.threads, 3);
        QCOMPARE(got.precision, QStringLiteral("float32"));
        QVERIFY(!got.resume);
        panel.stop();
        sm::core::registerTrainingBackend(QString(), {});
    }

    // "Resume from Last Checkpoint" is offered only when <output>/checkpoints/last.safetensors exists and starts
    // the trainer with resume = true; a new run starts with resume = false.
    void resumesFromLastCheckpoint() {
        FakeTrainer* trainer = nullptr;
        sm::core::registerTrainingBackend(QStringLiteral("fake trainer"), [&trainer] {
            auto backend = std::make_unique<FakeTrainer>();
            trainer = backend.get();
            return backend;
        });
        TrainingPanel panel;
        panel.show();
        QSignalSpy finished(&panel, &TrainingPanel::curationFinished);
        panel.importClips({movingSquareGif(m_dir.path(), QStringLiteral("resume.gif"), 2)});
        QVERIFY(finished.wait(60000));
        const QString output = m_dir.filePath(QStringLiteral("run-resume"));
        panel.outputEdit()->setText(output);
        QCOMPARE(panel.lastCheckpointPath(), QDir(output).filePath(QStringLiteral("checkpoints/last.safetensors")));
        QVERIFY(!panel.resumeRunButton()->isEnabled());
        QVERIFY(!panel.resumeFromCheckpoint());  // nothing to resume: refused with a message
        QVERIFY(!trainer->settings().resume);
        QCOMPARE(trainer->state(), TrainingState::Idle);

        QVERIFY(QDir().mkpath(QDir(output).filePath(QStringLiteral("checkpoints"))));
        QFile checkpoint(panel.lastCheckpointPath());
        QVERIFY(checkpoint.open(QIODevice::WriteOnly));
        checkpoint.write("checkpoint");
        checkpoint.close();
        panel.outputEdit()->setText(output + QLatin1Char('/'));  // re-checked when the folder changes
        QVERIFY(panel.resumeRunButton()->isEnabled());
        panel.resumeRunButton()->click();
        QCOMPARE(trainer->state(), TrainingState::Running);
        QVERIFY(trainer->settings().resume);
        QVERIFY(!panel.resumeRunButton()->isEnabled());  // not while running
        panel.stop();
        QCOMPARE(trainer->state(), TrainingState::Finished);
        QVERIFY(panel.resumeRunButton()->isEnabled());
        QVERIFY(panel.start());
        QVERIFY(!trainer->settings().resume);
        panel.stop();
        sm::core::registerTrainingBackend(QString(), {});
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
