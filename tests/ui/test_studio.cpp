// The whole studio with a fake backend (offscreen): Generate streams frames into the timeline and the preview,
// only selected frames are regenerated, cancel keeps finished frames, model problems give one dialog that says what
// to do, and a screenshot taken mid-generation shows the studio (not a blank window).
//
// With STILLMOTION_FAKE_SCREENSHOT=<file.png> set, screenshotMidGeneration() also writes its grab there (frames
// from the fake backend). The documentation screenshot comes from test_studio_workflow (real engine).
#include <QtTest>

#include <QComboBox>
#include <QDockWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QToolButton>
#include <QUndoStack>

#include "frame_strip.h"
#include "generation_panel.h"
#include "image_canvas.h"
#include "main_window.h"
#include "model_catalog.h"
#include "preview_player.h"
#include "project_document.h"
#include "studio_test_support.h"
#include "timeline_panel.h"

using sm::ui::FrameStrip;
using sm::ui::MainWindow;

class TestStudio : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_imagePath;
    QString m_weights;

    // Waits until the window has no generation left.
    static bool waitIdle(MainWindow& window, int timeoutMs = 30000) {
        QElapsedTimer timer;
        timer.start();
        while ((window.isGenerating() || window.worker()->isBusy()) && timer.elapsed() < timeoutMs)
            QTest::qWait(10);
        return !window.isGenerating();
    }

    static int generatedCount(const MainWindow& window) {
        int count = 0;
        for (const sm::core::FrameSpec& frame : window.project().frames())
            count += frame.hasImage() ? 1 : 0;
        return count;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_weights = studio::isolate(m_dir, QStringLiteral("test_studio"));
        m_imagePath = m_dir.filePath(QStringLiteral("harbour.png"));
        QVERIFY(studio::landscape().save(m_imagePath));
    }

    void generateStreamsFramesIntoTimeline() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 6;
        MainWindow window(nullptr, fake::factory(control));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openImageFile(m_imagePath));
        window.generationPanel()->promptEdit()->setPlainText(QStringLiteral("boats rocking on the waves"));

        QSignalSpy frames(window.worker(), &sm::core::InferenceWorker::frameReady);
        QVERIFY(window.generate());
        // No frames yet: Generate created the default 8, ramping over the motion range.
        QCOMPARE(window.project().frameCount(), 8);
        QCOMPARE(window.project().frame(0).motion(), 2);
        QCOMPARE(window.project().frame(7).motion(), 19);
        QVERIFY(window.isGenerating());
        QVERIFY(waitIdle(window));
        QVERIFY(studio::takeDialogs(&window).isEmpty());
        QCOMPARE(frames.count(), 8);
        QCOMPARE(generatedCount(window), 8);
        QCOMPARE(window.project().frame(3).image().size(), QSize(256, 256));
        QCOMPARE(control->loads.load(), 1);
        // The bundled Pix2Gif demo was picked, and the catalog learnt what it is.
        const sm::ui::ModelEntry* entry = window.catalog()->entry(m_weights);
        QVERIFY(entry);
        QCOMPARE(entry->status, sm::ui::ModelEntry::Status::Ready);
        QCOMPARE(entry->info.resolution, QSize(256, 256));
        // The preview shows a frame, the strip no longer shows any status.
        QVERIFY(!window.player()->currentImage().isNull());
        QCOMPARE(window.player()->frameCountShown(), 8);
        for (quint64 uid : window.document()->frameUids())
            QCOMPARE(window.timeline()->strip()->status(uid), FrameStrip::Status::Idle);
        QVERIFY(window.isWindowModified());

        // A second Generate reuses the loaded model.
        QVERIFY(window.generate());
        QVERIFY(waitIdle(window));
        QCOMPARE(control->loads.load(), 1);
    }

    void regeneratesOnlySelectedFrames() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 3;
        MainWindow window(nullptr, fake::factory(control));
        window.show();
        QVERIFY(window.openImageFile(m_imagePath));
        window.document()->setPrompt(QStringLiteral("boats rocking on the waves"));  // every frame needs a caption
        QVERIFY(window.generate());
        QVERIFY(waitIdle(window));
        QCOMPARE(generatedCount(window), 8);
        QVector<qint64> keys;
        for (const sm::core::FrameSpec& frame : window.project().frames())
            keys.append(frame.image().cacheKey());

        // Unlock the seed: regenerated frames get new seeds (one undo step), the others keep theirs.
        window.generationPanel()->seedLockButton()->click();
        QVERIFY(!window.project().sampler().seedLocked);
        const quint64 seedBefore = window.project().frame(2).seed();
        window.timeline()->strip()->setSelection({2, 5}, 2);
        QVERIFY(window.regenerateSelected());
        QVERIFY(waitIdle(window));
        for (int i = 0; i < 8; ++i) {
            const bool regenerated = i == 2 || i == 5;
            QCOMPARE(window.project().frame(i).image().cacheKey() != keys.at(i), regenerated);
        }
        QVERIFY(window.project().frame(2).seed() != seedBefore);
        QCOMPARE(window.project().frame(0).seed(), window.project().sampler().seed);
        // Undo brings the old seeds back but keeps the new images (results are not edits).
        const qint64 newImage = window.project().frame(2).image().cacheKey();
        window.document()->undoStack()->undo();
        QCOMPARE(window.project().frame(2).seed(), seedBefore);
        QCOMPARE(window.project().frame(2).image().cacheKey(), newImage);
    }

    void cancelKeepsFinishedFrames() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 5;
        control->pauseAtFrame = 3;
        control->pauseAtStep = 2;
        MainWindow window(nullptr, fake::factory(control));
        window.show();
        QVERIFY(window.openImageFile(m_imagePath));
        window.document()->setPrompt(QStringLiteral("boats rocking on the waves"));  // every frame needs a caption
        QVERIFY(window.generate());
        QTRY_VERIFY_WITH_TIMEOUT(control->paused.load(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(generatedCount(window), 3, 10000);
        QVERIFY(window.progressBar()->isVisible());
        window.cancelGeneration();
        QVERIFY(waitIdle(window));
        QCOMPARE(generatedCount(window), 3);
        QVERIFY(!window.progressBar()->isVisible());
        for (quint64 uid : window.document()->frameUids())
            QCOMPARE(window.timeline()->strip()->status(uid), FrameStrip::Status::Idle);
        QVERIFY(studio::takeDialogs(&window).isEmpty());
    }

    void generateAgainSupersedesTheRunningJob() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 4;
        control->pauseAtFrame = 1;
        control->pauseAtStep = 1;
        MainWindow window(nullptr, fake::factory(control));
        window.show();
        QVERIFY(window.openImageFile(m_imagePath));
        window.document()->setPrompt(QStringLiteral("boats rocking on the waves"));  // every frame needs a caption
        QVERIFY(window.generate());
        QTRY_VERIFY_WITH_TIMEOUT(control->paused.load(), 20000);
        QSignalSpy cancelled(window.worker(), &sm::core::InferenceWorker::cancelled);
        control->pauseAtFrame = 3;  // the second run pauses too, so its statuses can be checked
        QVERIFY(window.generate());
        QVERIFY(cancelled.wait(10000));  // the first job gave way
        // The frames belong to the second job now: the first job's end did not reset them to idle.
        const quint64 last = window.document()->frameUid(7);
        QVERIFY(window.timeline()->strip()->status(last) != FrameStrip::Status::Idle);
        QTRY_VERIFY_WITH_TIMEOUT(control->paused.load(), 20000);
        control->release();
        QVERIFY(waitIdle(window));
        QCOMPARE(generatedCount(window), 8);
        QCOMPARE(window.timeline()->strip()->status(last), FrameStrip::Status::Idle);
    }

    void editsDuringGenerationFollowFrameIdentity() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 4;
        control->pauseAtFrame = 1;
        control->pauseAtStep = 1;
        MainWindow window(nullptr, fake::factory(control));
        window.show();
        QVERIFY(window.openImageFile(m_imagePath));
        window.document()->setPrompt(QStringLiteral("boats rocking on the waves"));  // every frame needs a caption
        QVERIFY(window.generate());
        QTRY_VERIFY_WITH_TIMEOUT(control->paused.load(), 20000);
        // Move the last frame to the front and remove frame 4 while the job runs.
        const quint64 last = window.document()->frameUid(7);
        const quint64 removed = window.document()->frameUid(4);
        window.document()->moveFrames({7}, 0);
        window.document()->removeFrames({5});  // frame 4 moved to index 5
        QCOMPARE(window.document()->indexOfUid(removed), -1);
        control->release();
        QVERIFY(waitIdle(window));
        QCOMPARE(window.project().frameCount(), 7);
        QCOMPARE(generatedCount(window), 7);  // every surviving frame got its image, the removed one was dropped
        QCOMPARE(window.document()->frameUid(0), last);
    }

    // Without any prompt Generate explains what to type and queues nothing (the engine's empty-caption rule).
    void emptyPromptExplainsBeforeStarting() {
        auto control = std::make_shared<fake::Control>();
        MainWindow window(nullptr, fake::factory(control));
        window.show();
        QVERIFY(window.openImageFile(m_imagePath));
        QVERIFY(!window.generate());
        const QStringList dialogs = studio::takeDialogs(&window);
        QCOMPARE(dialogs.size(), 1);
        QVERIFY2(dialogs.first().contains(QLatin1String("Frame 1 has no prompt")), qPrintable(dialogs.first()));
        QVERIFY(!window.worker()->isBusy());
        QCOMPARE(control->loads.load(), 0);  // not even the model was loaded
        // A frame with its own prompt is enough for that frame.
        window.document()->setFramePrompt(0, QStringLiteral("the boat drifts to the right"));
        window.timeline()->strip()->setSelection({0}, 0);
        QVERIFY(window.regenerateSelected());
        QVERIFY(waitIdle(window));
        QVERIFY(window.project().frame(0).hasImage());
    }

    void missingModelExplainsWhatToDo() {
        auto control = std::make_shared<fake::Control>();
        MainWindow window(nullptr, fake::factory(control));
        window.show();
        QVERIFY(window.openImageFile(m_imagePath));
        window.document()->setPrompt(QStringLiteral("boats rocking on the waves"));  // every frame needs a caption
        sm::core::ModelChoice choice = window.project().model();
        choice.weightsId = QStringLiteral("someone/unknown-weights");
        window.document()->setModel(choice, window.project().crop());
        QVERIFY(!window.generate());
        const QStringList dialogs = studio::takeDialogs(&window);
        QCOMPARE(dialogs.size(), 1);
        QVERIFY2(dialogs.first().contains(QStringLiteral("Model Manager")), qPrintable(dialogs.first()));
        QCOMPARE(control->loads.load(), 0);

        // Broken weights: one dialog naming the problem and what to do; the queued generation is dropped.
        const QString broken = fake::makeWeights(m_dir.path(), QStringLiteral("broken-pix2gif.ckpt"));
        choice.weightsId = broken;
        window.document()->setModel(choice, window.project().crop());
        QVERIFY(window.generate());
        QVERIFY(waitIdle(window));
        const QStringList again = studio::takeDialogs(&window);
        QCOMPARE(again.size(), 1);
        QVERIFY2(
            again.first().contains(QStringLiteral("truncated")) && again.first().contains(QStringLiteral("What to do")),
            qPrintable(again.first()));
        QCOMPARE(control->generations.load(), 0);
        QCOMPARE(window.catalog()->entry(broken) ? window.catalog()->entry(broken)->status
                                                 : sm::ui::ModelEntry::Status::Broken,
                 sm::ui::ModelEntry::Status::Broken);
    }

    void nothingToAnimateWithoutImage() {
        MainWindow window(nullptr, fake::factory(std::make_shared<fake::Control>()));
        window.show();
        QVERIFY(!window.generate());
        QCOMPARE(studio::takeDialogs(&window).size(), 1);
    }

    void screenshotMidGeneration() {
        auto control = std::make_shared<fake::Control>();
        control->steps = 20;
        control->stepMs = 25;  // slow enough for a real ETA and progress in the status bar
        control->pauseAtFrame = 5;
        control->pauseAtStep = 16;
        MainWindow window(nullptr, fake::factory(control));
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QString image = qEnvironmentVariable("STILLMOTION_SCREENSHOT_IMAGE");
        if (image.isEmpty() || !QFileInfo::exists(image))
            image = m_imagePath;
        QVERIFY(window.openImageFile(image));
        window.generationPanel()->promptEdit()->setPlainText(QStringLiteral("boats rocking on the waves at sunset"));
        window.document()->breakMerge();
        window.document()->setFrameCount(10);
        window.document()->setFramePrompt(6, QStringLiteral("a gull takes off from the mast"));
        window.generationPanel()->presetBox()->setCurrentIndex(0);
        Q_EMIT window.generationPanel()->presetBox()->activated(0);  // Faithful: Euler ancestral, 100 steps
        QCOMPARE(window.project().sampler().steps, 100);
        QVERIFY(window.generate());
        QTRY_VERIFY_WITH_TIMEOUT(control->paused.load(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(generatedCount(window), 5, 10000);
        window.timeline()->strip()->setSelection({6}, 6);
        QTest::qWait(300);  // let the queued preview and progress signals arrive
        QCoreApplication::processEvents();

        const QImage shot = window.grab().toImage();
        QVERIFY(!shot.isNull());
        // Not blank: pictures in the canvas, the preview and the timeline give thousands of colours.
        const int colours = studio::distinctColours(shot);
        QVERIFY2(colours > 2000, qPrintable(QString::number(colours)));
        // The timeline shows the generated frames: the strip's grab has picture colours too.
        const QImage strip = window.timeline()->strip()->grab().toImage();
        QVERIFY2(studio::distinctColours(strip) > 500, qPrintable(QString::number(studio::distinctColours(strip))));
        QVERIFY(window.progressBar()->isVisible());
        QVERIFY(shot.save(m_dir.filePath(QStringLiteral("studio.png"))));
        const QString output = qEnvironmentVariable("STILLMOTION_FAKE_SCREENSHOT");
        if (!output.isEmpty())
            QVERIFY(shot.save(output));
        control->release();
        window.cancelGeneration();
        QVERIFY(waitIdle(window));
    }
};

QTEST_MAIN(TestStudio)
#include "test_studio.moc"
