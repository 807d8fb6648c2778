// The studio window, offscreen: an image dropped onto it is shown on the canvas (checked in the rendered
// pixels), the crop follows the mouse and the model, projects save and reopen, errors show a dialog.
// (The documentation screenshot is written by test_studio, mid-generation.)
#include <QtTest>

#include <QAction>
#include <QClipboard>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QUndoStack>

#include "image_canvas.h"
#include "main_window.h"
#include "media/image_fit.h"
#include "project/autosave.h"
#include "project/project_io.h"
#include "project_document.h"
#include "recent_files.h"

using sm::ui::ImageCanvas;
using sm::ui::MainWindow;

namespace {

const QColor kTopLeft(220, 30, 30);
const QColor kTopRight(30, 200, 40);
const QColor kBottomLeft(30, 60, 220);
const QColor kBottomRight(240, 220, 20);

// 640 x 480 in four coloured quadrants: wrong placement or scaling shows up as a wrong colour.
QImage quadrants() {
    QImage image(640, 480, QImage::Format_RGB32);
    for (int y = 0; y < 480; ++y) {
        for (int x = 0; x < 640; ++x) {
            const QColor& c = y < 240 ? (x < 320 ? kTopLeft : kTopRight) : (x < 320 ? kBottomLeft : kBottomRight);
            image.setPixel(x, y, c.rgb());
        }
    }
    return image;
}

bool near(QRgb actual, QColor expected, int tolerance = 12) {
    return qAbs(qRed(actual) - expected.red()) <= tolerance && qAbs(qGreen(actual) - expected.green()) <= tolerance &&
           qAbs(qBlue(actual) - expected.blue()) <= tolerance;
}

QString describe(QRgb rgb) {
    return QStringLiteral("(%1, %2, %3)").arg(qRed(rgb)).arg(qGreen(rgb)).arg(qBlue(rgb));
}

// Delivers a drag-enter and a drop of `path` exactly as the platform's drag and drop does.
bool dropFile(QWidget* target, const QString& path) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    const QPointF position(target->width() / 2.0, target->height() / 2.0);
    QDragEnterEvent enter(position.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent drop(position, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &drop);
    return drop.isAccepted();
}

// The texts of the error dialogs the window opened, which are then closed.
QStringList takeErrorDialogs(QWidget* window) {
    QStringList texts;
    const QList<QMessageBox*> boxes = window->findChildren<QMessageBox*>();
    for (QMessageBox* box : boxes) {
        if (!box->isVisible())
            continue;
        texts.append(box->text());
        box->close();
    }
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return texts;
}

QAction* findAction(QWidget* window, const QString& textStart) {
    const QList<QAction*> actions = window->findChildren<QAction*>();
    for (QAction* action : actions) {
        if (action->text().remove(QLatin1Char('&')).startsWith(textStart))
            return action;
    }
    return nullptr;
}

// The pixel of `grab` (a canvas grab) showing image pixel `imagePoint`.
QRgb canvasPixelAt(const QImage& grab, const ImageCanvas* canvas, QPointF imagePoint) {
    const QRectF area = canvas->imageRect();
    const double scale = area.width() / canvas->image().width();
    const QPointF widgetPoint = area.topLeft() + imagePoint * scale;
    const double dpr = grab.devicePixelRatio();
    return grab.pixel(int(widgetPoint.x() * dpr), int(widgetPoint.y() * dpr));
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_imagePath;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QCoreApplication::setOrganizationName(QStringLiteral("StillmotionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_main_window"));
        QStandardPaths::setTestModeEnabled(true);  // autosaves go to a test location
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QSettings().clear();
        QDir(sm::core::defaultAutosaveRoot()).removeRecursively();  // left over from an earlier run
        m_imagePath = m_dir.filePath(QStringLiteral("quadrants.png"));
        QVERIFY(quadrants().save(m_imagePath));
    }

    void cleanupTestCase() { QDir(sm::core::defaultAutosaveRoot()).removeRecursively(); }

    void startsEmpty() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(!window.canvas()->hasImage());
        QVERIFY(!window.project().hasSourceImage());
        QVERIFY(window.windowTitle().contains(QStringLiteral("Untitled")));
        // The required shortcuts are wired.
        QCOMPARE(findAction(&window, QStringLiteral("Open Image"))->shortcut(), QKeySequence(QKeySequence::Open));
        QCOMPARE(findAction(&window, QStringLiteral("Open Project"))->shortcut(),
                 QKeySequence(QStringLiteral("Ctrl+Shift+O")));
        QCOMPARE(findAction(&window, QStringLiteral("Save Project"))->shortcut(), QKeySequence(QKeySequence::Save));
        QVERIFY(findAction(&window, QStringLiteral("Export Frames")));
    }

    void droppedImageIsShownOnCanvas() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(dropFile(&window, m_imagePath));
        QVERIFY(takeErrorDialogs(&window).isEmpty());

        ImageCanvas* canvas = window.canvas();
        QVERIFY(canvas->hasImage());
        QCOMPARE(canvas->image().size(), QSize(640, 480));
        QCOMPARE(window.project().sourceImage().size(), QSize(640, 480));
        QCOMPARE(window.project().sourcePath(), QFileInfo(m_imagePath).absoluteFilePath());
        // Pix2Gif by default: the largest centred square.
        QCOMPARE(canvas->targetSize(), QSize(256, 256));
        QCOMPARE(canvas->crop(), QRect(80, 0, 480, 480));
        QCOMPARE(window.project().crop(), canvas->crop());
        QVERIFY(window.isWindowModified());
        QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("quadrants.png")));

        // What is on screen: the picture itself, scaled to fit and centred, not a blank widget.
        const QImage shot = canvas->grab().toImage();
        QVERIFY(!shot.isNull());
        const QRectF area = canvas->imageRect();
        QVERIFY(area.width() > 300 && area.height() > 200);
        QVERIFY(qAbs(area.width() / area.height() - 640.0 / 480.0) < 0.01);
        QVERIFY(qAbs(area.center().x() - canvas->width() / 2.0) <= 1.0);
        // Inside the crop the colours are the image's own...
        const struct {
            QPointF point;
            QColor colour;
        } inside[] = {
            {{200, 120}, kTopLeft}, {{440, 120}, kTopRight}, {{200, 360}, kBottomLeft}, {{440, 360}, kBottomRight}};
        for (const auto& sample : inside) {
            const QRgb pixel = canvasPixelAt(shot, canvas, sample.point);
            QVERIFY2(near(pixel, sample.colour), qPrintable(describe(pixel)));
        }
        // ...outside it the same colours are visibly darkened (the model will not see them).
        const QRgb shaded = canvasPixelAt(shot, canvas, QPointF(30, 120));
        QVERIFY2(qRed(shaded) < kTopLeft.red() - 60 && qRed(shaded) > qGreen(shaded), qPrintable(describe(shaded)));

        // And it became a recent file, also in the menu.
        QCOMPARE(sm::ui::RecentFiles().paths().value(0), QFileInfo(m_imagePath).absoluteFilePath());
        QVERIFY(findAction(&window, QStringLiteral("1 quadrants.png")));
    }

    void dragEnterRejectsMissingFiles() {
        MainWindow window;
        window.show();
        QVERIFY(!dropFile(&window, m_dir.filePath(QStringLiteral("gone.png"))));
        QVERIFY(!window.canvas()->hasImage());
    }

    void unreadableDropShowsError() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString notes = m_dir.filePath(QStringLiteral("notes.txt"));
        QFile file(notes);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not an image\n");
        file.close();

        QVERIFY(dropFile(&window, notes));
        const QStringList errors = takeErrorDialogs(&window);
        QCOMPARE(errors, QStringList{QStringLiteral("Cannot read notes.txt: unsupported image format.")});
        QVERIFY(!window.canvas()->hasImage());
        QVERIFY(!window.isWindowModified());
    }

    void cropFollowsTheMouse() {
        MainWindow window;
        window.resize(1440, 900);  // the canvas shares the centre with the preview player
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openImageFile(m_imagePath));
        ImageCanvas* canvas = window.canvas();
        QSignalSpy spy(canvas, &ImageCanvas::cropChanged);

        // Make room to move: shrink the crop with the wheel first (one notch up enlarges, down shrinks).
        const QPointF centre = canvas->cropRectInWidget().center();
        QWheelEvent wheel(centre, canvas->mapToGlobal(centre), QPoint(), QPoint(0, -720), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(canvas, &wheel);
        const QRect shrunk = canvas->crop();
        QVERIFY2(shrunk.width() < 480 && shrunk.width() == shrunk.height(),
                 qPrintable(QStringLiteral("%1x%2").arg(shrunk.width()).arg(shrunk.height())));
        QCOMPARE(spy.count(), 1);

        // Drag it 60 widget pixels right and 30 down: the crop moves by that much in image pixels.
        const double scale = canvas->imageRect().width() / 640.0;
        const QPoint start = canvas->cropRectInWidget().center().toPoint();
        QTest::mousePress(canvas, Qt::LeftButton, Qt::NoModifier, start);
        QTest::mouseMove(canvas, start + QPoint(60, 30));
        QTest::mouseRelease(canvas, Qt::LeftButton, Qt::NoModifier, start + QPoint(60, 30));
        const QRect moved = canvas->crop();
        QCOMPARE(moved.size(), shrunk.size());
        QVERIFY2(qAbs(moved.x() - shrunk.x() - 60 / scale) <= 1.5 && qAbs(moved.y() - shrunk.y() - 30 / scale) <= 1.5,
                 qPrintable(QStringLiteral("moved to %1,%2 from %3,%4 (scale %5)")
                                .arg(moved.x())
                                .arg(moved.y())
                                .arg(shrunk.x())
                                .arg(shrunk.y())
                                .arg(scale)));
        QCOMPARE(window.project().crop(), moved);

        // Dragged far beyond the image: it stops at the edge.
        const QPoint again = canvas->cropRectInWidget().center().toPoint();
        QTest::mousePress(canvas, Qt::LeftButton, Qt::NoModifier, again);
        QTest::mouseMove(canvas, again + QPoint(5000, 5000));
        QTest::mouseRelease(canvas, Qt::LeftButton, Qt::NoModifier, again + QPoint(5000, 5000));
        QCOMPARE(canvas->crop().bottomRight(), QPoint(639, 479));
        QCOMPARE(window.project().crop(), canvas->crop());
    }

    void modelChoiceSetsCropAspect() {
        MainWindow window;
        window.show();
        QVERIFY(window.openImageFile(m_imagePath));
        QAction* cinemo = findAction(&window, QStringLiteral("Cinemo"));
        QVERIFY(cinemo);
        cinemo->trigger();
        QCOMPARE(window.project().model().kind, sm::core::ModelKind::Cinemo);
        QCOMPARE(window.canvas()->targetSize(), QSize(512, 320));
        // 640 x 480 is narrower than 16:10: full width, 400 rows, centred.
        QCOMPARE(window.canvas()->crop(), QRect(0, 40, 640, 400));
        QCOMPARE(window.project().crop(), QRect(0, 40, 640, 400));
    }

    void modelAndCropEditsUndo() {
        MainWindow window;
        window.resize(1440, 900);
        window.show();
        QVERIFY(window.openImageFile(m_imagePath));
        QUndoStack* undo = window.document()->undoStack();
        QCOMPARE(undo->count(), 0);  // opening an image is not an edit
        window.canvas()->setCrop(QRect(0, 0, 300, 300));
        QCOMPARE(window.project().crop(), QRect(0, 0, 300, 300));
        findAction(&window, QStringLiteral("Cinemo"))->trigger();
        QCOMPARE(window.project().model().kind, sm::core::ModelKind::Cinemo);
        QCOMPARE(window.canvas()->crop(), QRect(0, 40, 640, 400));

        undo->undo();  // model and its crop in one step
        QCOMPARE(window.project().model().kind, sm::core::ModelKind::Pix2Gif);
        QCOMPARE(window.project().crop(), QRect(0, 0, 300, 300));
        QCOMPARE(window.canvas()->crop(), QRect(0, 0, 300, 300));
        QCOMPARE(window.canvas()->targetSize(), QSize(256, 256));
        QVERIFY(findAction(&window, QStringLiteral("Pix2Gif"))->isChecked());
        undo->undo();
        QCOMPARE(window.canvas()->crop(), QRect(80, 0, 480, 480));
        QCOMPARE(window.project().crop(), QRect(80, 0, 480, 480));
        undo->redo();
        undo->redo();
        QCOMPARE(window.project().model().kind, sm::core::ModelKind::Cinemo);
        QCOMPARE(window.canvas()->crop(), QRect(0, 40, 640, 400));
    }

    void pasteImageFromClipboard() {
        MainWindow window;
        window.show();
        QClipboard* clipboard = QGuiApplication::clipboard();
        clipboard->setImage(quadrants());
        if (clipboard->image().isNull())
            QSKIP("this platform has no clipboard");
        QAction* paste = findAction(&window, QStringLiteral("Paste Image"));
        QVERIFY(paste);
        QCOMPARE(paste->shortcut(), QKeySequence(QKeySequence::Paste));
        paste->trigger();
        QVERIFY(takeErrorDialogs(&window).isEmpty());
        QCOMPARE(window.project().sourceImage().size(), QSize(640, 480));
        QVERIFY(window.project().sourcePath().isEmpty());
        QCOMPARE(window.canvas()->crop(), QRect(80, 0, 480, 480));

        // A copied file pastes as that file.
        auto* mime = new QMimeData;
        mime->setUrls({QUrl::fromLocalFile(m_imagePath)});
        clipboard->setMimeData(mime);
        QVERIFY(window.pasteImage());
        QCOMPARE(window.project().sourcePath(), QFileInfo(m_imagePath).absoluteFilePath());

        clipboard->clear();
        QVERIFY(!window.pasteImage());
        QCOMPARE(takeErrorDialogs(&window).size(), 1);
    }

    void saveAndReopenProject() {
        sm::core::Project saved;
        {
            MainWindow window;
            window.show();
            QVERIFY(window.openImageFile(m_imagePath));
            window.canvas()->setCrop(QRect(100, 10, 300, 300));
            const QString target = m_dir.filePath(QStringLiteral("walk"));
            QVERIFY(window.saveProjectTo(target));
            QVERIFY(takeErrorDialogs(&window).isEmpty());
            QCOMPARE(window.projectPath(), target + QStringLiteral(".smproj"));
            QVERIFY(!window.isWindowModified());
            QVERIFY(window.windowTitle().contains(QStringLiteral("walk.smproj")));
            saved = window.project();
        }
        MainWindow reopened;
        reopened.show();
        QVERIFY(reopened.openProjectFolder(m_dir.filePath(QStringLiteral("walk.smproj"))));
        QVERIFY(reopened.project() == saved);
        QCOMPARE(reopened.canvas()->crop(), QRect(100, 10, 300, 300));
        QCOMPARE(reopened.canvas()->image().size(), QSize(640, 480));
        QVERIFY(!reopened.isWindowModified());

        // Dropping the project folder opens it as a project, not as an image.
        MainWindow dropped;
        dropped.show();
        QVERIFY(dropFile(&dropped, m_dir.filePath(QStringLiteral("walk.smproj"))));
        QCOMPARE(dropped.projectPath(), m_dir.filePath(QStringLiteral("walk.smproj")));
        QVERIFY(dropped.project() == saved);
    }

    void damagedProjectShowsError() {
        const QString folder = m_dir.filePath(QStringLiteral("damaged.smproj"));
        QVERIFY(sm::core::saveProject(sm::core::Project(), folder, nullptr));
        QFile json(folder + QStringLiteral("/project.json"));
        QVERIFY(json.open(QIODevice::WriteOnly | QIODevice::Truncate));
        json.write(R"({"format": "stillmotion-project", "version": 7})");
        json.close();

        MainWindow window;
        window.show();
        QVERIFY(!window.openProjectFolder(folder));
        const QStringList errors = takeErrorDialogs(&window);
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.first().contains(QStringLiteral("project.json: field version: this project was saved by a "
                                                        "newer Stillmotion (format version 7)")),
                 qPrintable(errors.first()));
        QVERIFY(window.projectPath().isEmpty());
    }

    void exportsGeneratedFrames() {
        MainWindow window;
        window.show();
        QVERIFY(!window.exportFramesTo(m_dir.filePath(QStringLiteral("nothing.gif"))));
        QCOMPARE(takeErrorDialogs(&window).size(), 1);
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("nothing.gif"))));

        sm::core::Project project;
        project.setSourceImage(quadrants());
        for (int i = 0; i < 4; ++i) {
            sm::core::FrameSpec frame(i, quint64(i));
            QImage image(64, 64, QImage::Format_RGB32);
            image.fill(QColor::fromHsv(i * 80, 200, 220));
            frame.setImage(image);
            project.appendFrame(frame);
        }
        window.setProject(project, QString(), true);
        const QString gif = m_dir.filePath(QStringLiteral("loop.gif"));
        QVERIFY(window.exportFramesTo(gif));
        QVERIFY(takeErrorDialogs(&window).isEmpty());
        QFile file(gif);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.read(6), QByteArray("GIF89a"));
        QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("4 frame")));
    }

    void autosaveWritesRecoveryCopy() {
        MainWindow window;
        window.show();
        QVERIFY(window.openImageFile(m_imagePath));
        QVERIFY(window.autosaveNow());
        const QDir root(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                        QStringLiteral("/autosave"));
        QVERIFY(!root.entryList({QStringLiteral("*.smproj")}, QDir::Dirs).isEmpty());
        // The window is alive, so nothing is offered for recovery yet.
        QVERIFY(sm::core::findRecoverableAutosaves().isEmpty());
        // Saving for real makes the recovery copy obsolete.
        QVERIFY(window.saveProjectTo(m_dir.filePath(QStringLiteral("autosaved"))));
        QVERIFY(root.entryList({QStringLiteral("*.smproj")}, QDir::Dirs).isEmpty());
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
