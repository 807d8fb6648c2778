// The done criterion of the studio, end to end, on the REAL engine (sm::engine through core::makeEngineBackend())
// with a tiny random-weight Pix2Gif the test writes itself (or STILLMOTION_TEST_MODEL): open an image, generate
// frames and watch them stream in one by one, select a frame, edit its prompt in the Frame inspector, regenerate
// only that frame, undo, regenerate several selected frames, delete and reorder a selection with undo, export a GIF
// and an MP4 through the Export dialog's code path and decode them, and save and reopen the project.
//
// A screenshot of the main window is taken mid-generation (after the first frame arrived, before the last) and must
// not be blank. With STILLMOTION_SCREENSHOT=<file.png> it is also written there: that is how
// docs/screenshots/studio.png is made (real engine, starter model; see docs/studio.md).
#include <QtTest>

#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSlider>
#include <QTabBar>
#include <QToolButton>
#include <QUndoStack>

#include "bridge/engine_backend.h"
#include "export/frame_encoder.h"
#include "export_dialog.h"
#include "frame_inspector.h"
#include "frame_strip.h"
#include "generation_panel.h"
#include "main_window.h"
#include "media/video_decoder.h"
#include "model_catalog.h"
#include "pix2gif/pix2gif_model.h"
#include "project/project_io.h"
#include "project_document.h"
#include "studio_test_support.h"
#include "timeline_panel.h"

using sm::ui::FrameStrip;
using sm::ui::MainWindow;

namespace {

constexpr int kFrames = 4;
constexpr int kGenerateTimeoutMs = 300000;

bool waitIdle(MainWindow& window, int timeoutMs = kGenerateTimeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while ((window.isGenerating() || window.worker()->isBusy()) && timer.elapsed() < timeoutMs)
        QTest::qWait(10);
    return !window.isGenerating();
}

QVector<QImage> frameImages(const MainWindow& window) {
    QVector<QImage> images;
    for (const sm::core::FrameSpec& frame : window.project().frames())
        images.append(frame.image());
    return images;
}

void click(FrameStrip* strip, int index, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
    QTest::mouseClick(strip->viewport(), Qt::LeftButton, modifiers, strip->cellRect(index).center());
}

// Runs the Export dialog's path (ExportDialog::startExport on a pool thread) and decodes the result.
int exportAndCount(const MainWindow& window, sm::core::ExportFormat format, const QString& path, QString* error) {
    sm::ui::ExportDialog dialog(window.project().generatedImages(), window.project().sampler().fps, path);
    dialog.setFormat(format);
    dialog.setPath(path);
    QSignalSpy finished(&dialog, &sm::ui::ExportDialog::exportFinished);
    if (!dialog.startExport() || !finished.wait(60000) || !finished.first().at(0).toBool()) {
        *error = QStringLiteral("export failed: %1").arg(dialog.lastError());
        return -1;
    }
    QVector<sm::core::DecodedFrame> decoded;
    if (!sm::core::decodeAllFrames(path, &decoded, error))
        return -1;
    return int(decoded.size());
}

// The controls under `root` that have no tooltip ("Class 'text' in Parent" each). Parts of composite widgets (a spin
// box's editor, a combo box's line edit, a tab bar's arrows) and the dock title buttons Qt draws itself are not
// controls of ours.
QStringList controlsWithoutTooltip(QWidget* root) {
    QStringList missing;
    const QList<QWidget*> widgets = root->findChildren<QWidget*>();
    for (QWidget* w : widgets) {
        // Hidden ones too: tabbed docks (Project behind Frame) and Cinemo-only fields are reachable controls.
        if (w->objectName().startsWith(QLatin1String("qt_")))
            continue;
        const bool control = qobject_cast<QAbstractButton*>(w) || qobject_cast<QAbstractSpinBox*>(w) ||
                             qobject_cast<QComboBox*>(w) || qobject_cast<QSlider*>(w) ||
                             qobject_cast<QPlainTextEdit*>(w) || qobject_cast<QLineEdit*>(w);
        const bool part = qobject_cast<QAbstractSpinBox*>(w->parentWidget()) ||
                          qobject_cast<QComboBox*>(w->parentWidget()) ||
                          qobject_cast<QTabBar*>(w->parentWidget());  // a tab bar's scroll arrows
        // OK, Cancel and Close of a dialog's button box say what they do; other buttons there need a tooltip.
        const auto* box = qobject_cast<QDialogButtonBox*>(w->parentWidget());
        const bool standard = box && qobject_cast<QAbstractButton*>(w) &&
                              (box->standardButton(qobject_cast<QAbstractButton*>(w)) == QDialogButtonBox::Ok ||
                               box->standardButton(qobject_cast<QAbstractButton*>(w)) == QDialogButtonBox::Cancel ||
                               box->standardButton(qobject_cast<QAbstractButton*>(w)) == QDialogButtonBox::Close);
        if (standard)
            continue;
        if (!control || part || !w->toolTip().isEmpty())
            continue;
        QString text;
        if (auto* button = qobject_cast<QAbstractButton*>(w))
            text = button->text();
        missing.append(QStringLiteral("%1 '%2' in %3")
                           .arg(QLatin1String(w->metaObject()->className()), text,
                                QLatin1String(w->parentWidget()->metaObject()->className())));
    }
    return missing;
}

}  // namespace

class TestStudioWorkflow : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_imagePath;
    QString m_model;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        if (!sm::core::engineAvailable())
            QSKIP("this build has no inference engine");
        // Isolated settings and autosaves; the only bundled model is the real one below (no fake weights).
        const QString models = studio::isolateSettings(m_dir, QStringLiteral("test_studio_workflow"));
        QVERIFY(QFileInfo(models).isDir());
        m_model = qEnvironmentVariable("STILLMOTION_TEST_MODEL");
        if (m_model.isEmpty()) {
            const auto tokenizer = sm::text::ClipTokenizer::fromOpenAiVocab(
                STILLMOTION_SOURCE_DIR "/resources/clip/bpe_simple_vocab_16e6.txt.gz");
            sm::pix2gif::Pix2GifModel model =
                sm::pix2gif::randomPix2GifModel(sm::pix2gif::Pix2GifConfig::tiny(), tokenizer, 7);
            model->card().name = "Pix2Gif tiny, random weights";
            m_model = QDir(models).filePath(QStringLiteral("pix2gif-tiny-random.safetensors"));
            sm::pix2gif::savePix2GifModel(model, m_model.toStdString());
        }
        QVERIFY2(QFileInfo::exists(m_model), qPrintable(m_model));
        m_imagePath = m_dir.filePath(QStringLiteral("harbour.png"));
        QVERIFY(studio::landscape().save(m_imagePath));
    }

    // Every control a user can reach in the main window and its dialogs explains itself in a tooltip.
    void everyControlHasATooltip() {
        MainWindow window;
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QStringList missing = controlsWithoutTooltip(&window);
        window.showSettings();
        window.showModelManager();
        QTest::qWait(50);
        for (QDialog* dialog : window.findChildren<QDialog*>()) {
            if (dialog->isVisible()) {
                missing += controlsWithoutTooltip(dialog);
                dialog->close();
            }
        }
        sm::ui::ExportDialog exportDialog({QImage(8, 8, QImage::Format_RGB32)}, 8.0,
                                          m_dir.filePath(QStringLiteral("x.gif")));
        exportDialog.show();
        missing += controlsWithoutTooltip(&exportDialog);
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QStringLiteral(", "))));
    }

    void doneCriterion() {
        MainWindow window;
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.catalog()->refresh();
        QString error;
        if (window.catalog()->indexOf(m_model) < 0)  // STILLMOTION_TEST_MODEL outside the bundled folder
            QVERIFY2(window.catalog()->addPath(m_model, &error), qPrintable(error));
        window.catalog()->setDefaultModel(m_model);
        sm::ui::ProjectDocument* document = window.document();
        FrameStrip* strip = window.timeline()->strip();

        // 1. Open an image.
        QVERIFY(window.openImageFile(m_imagePath));
        QVERIFY(window.project().hasSourceImage());
        document->setFrameCount(kFrames);
        sm::core::SamplerSettings sampler = window.project().sampler();
        sampler.sampler = QLatin1String(sm::core::kSamplerDpmPP2MKarras);
        sampler.steps = 6;  // few steps keep the test short; the screenshot is taken between two frames anyway
        document->setSampler(sampler, QStringLiteral("steps"), 0);

        // Pix2Gif needs a caption: with none, Generate says so before anything starts.
        QVERIFY(!window.generate());
        const QStringList dialogs = studio::takeDialogs(&window);
        QCOMPARE(dialogs.size(), 1);
        QVERIFY2(dialogs.first().contains(QLatin1String("no prompt")), qPrintable(dialogs.first()));
        QVERIFY(!window.worker()->isBusy());

        window.generationPanel()->promptEdit()->setPlainText(QStringLiteral("boats rocking on the waves"));
        QCOMPARE(window.project().prompt(), QStringLiteral("boats rocking on the waves"));

        // 2. Generate; frames stream in one by one: each frameReady adds exactly one generated frame.
        QSignalSpy frames(window.worker(), &sm::core::InferenceWorker::frameReady);
        QSignalSpy failed(window.worker(), &sm::core::InferenceWorker::failed);
        QVector<int> generatedAtEachFrame;
        QImage midGeneration;
        connect(window.worker(), &sm::core::InferenceWorker::frameReady, &window,
                [&](sm::core::JobId, int, const QImage&) {
                    // Queued after MainWindow's own handler (connected first), so the document already has the frame.
                    int count = 0;
                    for (const sm::core::FrameSpec& f : window.project().frames())
                        count += f.hasImage() ? 1 : 0;
                    generatedAtEachFrame.append(count);
                    if (count == 1)
                        midGeneration = window.grab().toImage();
                });
        QVERIFY(window.generate());
        QVERIFY(window.isGenerating());
        QVERIFY(waitIdle(window));
        QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.last().at(1).toString()));
        QCOMPARE(frames.count(), kFrames);
        QCOMPARE(generatedAtEachFrame, (QVector<int>{1, 2, 3, 4}));
        QVERIFY(studio::takeDialogs(&window).isEmpty());

        // The mid-generation screenshot shows the studio with pictures, not a blank window.
        QVERIFY(!midGeneration.isNull());
        QVERIFY2(studio::distinctColours(midGeneration) > 500,
                 qPrintable(QStringLiteral("%1 colours").arg(studio::distinctColours(midGeneration))));
        const QString screenshot = qEnvironmentVariable("STILLMOTION_SCREENSHOT");
        if (!screenshot.isEmpty())
            QVERIFY(midGeneration.save(screenshot));

        const QVector<QImage> first = frameImages(window);
        for (const QImage& image : first) {
            QVERIFY(!image.isNull());
            QCOMPARE(image.size(), sm::core::modelInputSize(sm::core::ModelKind::Pix2Gif));
        }

        // 3. Select frame 2 and give it its own prompt in the Frame inspector.
        click(strip, 1);
        QCOMPARE(strip->selection(), QVector<int>{1});
        QCOMPARE(window.inspector()->frame(), 1);
        const int undoBefore = document->undoStack()->index();
        window.inspector()->ownPromptBox()->setChecked(true);
        window.inspector()->promptEdit()->setPlainText(QStringLiteral("a gull takes off into the sunset sky"));
        QVERIFY(window.project().frame(1).hasPromptOverride());
        QCOMPARE(window.project().effectivePrompt(1), QStringLiteral("a gull takes off into the sunset sky"));

        // 4. Regenerate only that frame: it changes, the others keep their pixels.
        QVERIFY(window.regenerateSelected());
        QVERIFY(waitIdle(window));
        QVERIFY(failed.isEmpty());
        const QVector<QImage> second = frameImages(window);
        QVERIFY(second.at(1) != first.at(1));
        for (int i : {0, 2, 3})
            QCOMPARE(second.at(i), first.at(i));

        // 5. Undo restores the prompt; the regenerated image is kept (results are not undone).
        while (document->undoStack()->index() > undoBefore)
            document->undoStack()->undo();
        QVERIFY(!window.project().frame(1).hasPromptOverride());
        QCOMPARE(window.project().effectivePrompt(1), QStringLiteral("boats rocking on the waves"));
        QCOMPARE(frameImages(window).at(1), second.at(1));

        // 6. Multi-select: Ctrl-click adds, Shift-click extends, Ctrl+A selects all.
        click(strip, 0);
        click(strip, 2, Qt::ControlModifier);
        QCOMPARE(strip->selection(), (QVector<int>{0, 2}));
        click(strip, 3, Qt::ShiftModifier);
        QCOMPARE(strip->selection(), (QVector<int>{2, 3}));
        QTest::keyClick(strip, Qt::Key_A, Qt::ControlModifier);
        QCOMPARE(strip->selection(), (QVector<int>{0, 1, 2, 3}));

        // Regenerate several selected frames (new seeds for 0 and 2): those change, 1 and 3 do not.
        click(strip, 0);
        click(strip, 2, Qt::ControlModifier);
        document->setFrameSeeds({0, 2}, {424242, 171717}, QStringLiteral("new seeds"));
        QVERIFY(window.regenerateSelected());
        QVERIFY(waitIdle(window));
        QVERIFY(failed.isEmpty());
        const QVector<QImage> third = frameImages(window);
        QVERIFY(third.at(0) != second.at(0));
        QVERIFY(third.at(2) != second.at(2));
        QCOMPARE(third.at(1), second.at(1));
        QCOMPARE(third.at(3), second.at(3));

        // Delete the selection (Delete key) and undo: the frames come back with their images.
        const QVector<quint64> uids = document->frameUids();
        QTest::keyClick(strip, Qt::Key_Delete);
        QCOMPARE(document->frameCount(), kFrames - 2);
        QCOMPARE(document->frameUids(), (QVector<quint64>{uids.at(1), uids.at(3)}));
        document->undoStack()->undo();
        QCOMPARE(document->frameUids(), uids);
        QCOMPARE(frameImages(window), third);

        // Move the selection one step right (it moves as a block: the first selected frame lands one place further,
        // the others follow it in order) and undo.
        strip->setSelection({0, 2}, 0);
        window.timeline()->moveSelection(1);
        QCOMPARE(document->frameUids(), (QVector<quint64>{uids.at(1), uids.at(0), uids.at(2), uids.at(3)}));
        QCOMPARE(window.project().frame(1).image(), third.at(0));
        document->undoStack()->undo();
        QCOMPARE(document->frameUids(), uids);

        // 7. Export a GIF and an MP4 the way the Export dialog does, and decode them.
        const QString gif = m_dir.filePath(QStringLiteral("harbour.gif"));
        QCOMPARE(exportAndCount(window, sm::core::ExportFormat::Gif, gif, &error), kFrames);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        sm::core::GifInfo info;
        QVERIFY(sm::core::readGifInfo(gif, &info, &error));
        QCOMPARE(info.size, sm::core::modelInputSize(sm::core::ModelKind::Pix2Gif));
        const QString mp4 = m_dir.filePath(QStringLiteral("harbour.mp4"));
        QCOMPARE(exportAndCount(window, sm::core::ExportFormat::Mp4, mp4, &error), kFrames);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        // 8. Save, reopen: the same project, and no unsaved work is reported.
        const QString folder = m_dir.filePath(QStringLiteral("harbour.smproj"));
        QVERIFY(window.saveProjectTo(folder));
        QVERIFY(!document->isModified());
        const sm::core::ProjectLoadResult loaded = sm::core::loadProject(folder);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error));
        QVERIFY(*loaded.project == window.project());

        MainWindow reopened;
        QVERIFY(reopened.openProjectFolder(folder));
        QVERIFY(reopened.project() == window.project());
        // Same pixels (PNG round trip may change the pixel format, not the colours).
        for (int i = 0; i < kFrames; ++i)
            QCOMPARE(frameImages(reopened).at(i).convertToFormat(QImage::Format_RGB32),
                     frameImages(window).at(i).convertToFormat(QImage::Format_RGB32));
        QVERIFY(studio::takeDialogs(&window).isEmpty());
    }
};

QTEST_MAIN(TestStudioWorkflow)
#include "test_studio_workflow.moc"
