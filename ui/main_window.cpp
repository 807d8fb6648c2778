#include "main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QLoggingCategory>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSignalBlocker>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QUrl>

#include "export/frame_encoder.h"
#include "image_canvas.h"
#include "media/image_loader.h"
#include "project/autosave.h"
#include "project/project_io.h"
#include "recent_files.h"

Q_LOGGING_CATEGORY(lcMainWindow, "stillmotion.ui.mainwindow")

namespace sm::ui {

namespace {

constexpr int kAutosaveIntervalMs = 60 * 1000;
constexpr int kStatusTimeoutMs = 6000;

// Core messages start in lower case so they compose ("cannot save X: cannot write Y"); dialogs want a sentence.
// A message that starts with a file name ("project.json: field ...") keeps the name as it is.
QString sentence(const QString& text) {
    const QString firstWord = text.section(QLatin1Char(' '), 0, 0);
    if (text.isEmpty() || firstWord.contains(QLatin1Char('.')) || firstWord.contains(QLatin1Char('/')))
        return text;
    return text.at(0).toUpper() + text.mid(1);
}

bool isProjectFolder(const QString& path) {
    const QFileInfo info(path);
    return info.isDir() && (path.endsWith(QLatin1String(core::kProjectSuffix), Qt::CaseInsensitive) ||
                            QFileInfo::exists(QDir(path).filePath(QLatin1String(core::kProjectFileName))));
}

// A project.json chosen directly stands for its folder.
QString projectFolderFor(const QString& path) {
    const QFileInfo info(path);
    if (info.isFile() && info.fileName() == QLatin1String(core::kProjectFileName))
        return info.absolutePath();
    return path;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_autosave(std::make_unique<core::AutosaveSession>()),
      m_recent(std::make_unique<RecentFiles>()) {
    resize(1280, 800);
    setAcceptDrops(true);

    m_canvas = new ImageCanvas(this);
    m_canvas->setTargetSize(core::modelInputSize(m_project.model().kind));
    setCentralWidget(m_canvas);
    connect(m_canvas, &ImageCanvas::cropChanged, this, &MainWindow::onCropChanged);

    m_infoLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_infoLabel);

    createActions();

    m_autosaveTimer = new QTimer(this);
    m_autosaveTimer->setInterval(kAutosaveIntervalMs);
    connect(m_autosaveTimer, &QTimer::timeout, this, &MainWindow::autosaveNow);
    m_autosaveTimer->start();

    setModified(false);
    updateInfo();
    statusBar()->showMessage(tr("Open an image to start (Ctrl+O), or drop one onto the window."));
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions() {
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    QToolBar* toolBar = addToolBar(tr("Main"));
    toolBar->setObjectName(QStringLiteral("mainToolBar"));
    toolBar->setMovable(false);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);

    QAction* openImage = fileMenu->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open Image..."),
                                             this, &MainWindow::chooseAndOpenImage);
    openImage->setShortcut(QKeySequence::Open);
    m_recentMenu = fileMenu->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    fileMenu->addSeparator();

    QAction* openProject = fileMenu->addAction(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("Open &Project..."),
                                               this, &MainWindow::chooseAndOpenProject);
    openProject->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QAction* saveProject = fileMenu->addAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("&Save Project"),
                                               this, &MainWindow::save);
    saveProject->setShortcut(QKeySequence::Save);
    QAction* saveAs = fileMenu->addAction(tr("Save Project &As..."), this, &MainWindow::saveAs);
    saveAs->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    fileMenu->addSeparator();

    QAction* exportFrames = fileMenu->addAction(style()->standardIcon(QStyle::SP_ArrowRight), tr("&Export Frames..."),
                                                this, &MainWindow::chooseAndExport);
    exportFrames->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    fileMenu->addSeparator();
    QAction* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    toolBar->addAction(openImage);
    toolBar->addAction(saveProject);
    toolBar->addAction(exportFrames);
    toolBar->addSeparator();

    // The model decides the crop's aspect, so it lives next to the image for now.
    QMenu* modelMenu = menuBar()->addMenu(tr("&Model"));
    auto* group = new QActionGroup(this);
    const QSize pix2gif = core::modelInputSize(core::ModelKind::Pix2Gif);
    const QSize cinemo = core::modelInputSize(core::ModelKind::Cinemo);
    m_pix2gifAction = modelMenu->addAction(tr("Pix2Gif (%1 \u00d7 %2)").arg(pix2gif.width()).arg(pix2gif.height()),
                                           this, [this] { setModelKind(core::ModelKind::Pix2Gif); });
    m_cinemoAction = modelMenu->addAction(tr("Cinemo (%1 \u00d7 %2)").arg(cinemo.width()).arg(cinemo.height()), this,
                                          [this] { setModelKind(core::ModelKind::Cinemo); });
    for (QAction* action : {m_pix2gifAction, m_cinemoAction}) {
        action->setCheckable(true);
        group->addAction(action);
        toolBar->addAction(action);
    }
    m_pix2gifAction->setChecked(true);
}

// ---------------------------------------------------------------------------------------------------------
// Opening, saving, exporting.

bool MainWindow::openPath(const QString& path) {
    const QString folder = projectFolderFor(path);
    if (isProjectFolder(folder))
        return openProjectFolder(folder);
    return openImageFile(path);
}

bool MainWindow::openImageFile(const QString& path) {
    const core::ImageLoadResult loaded = core::loadImage(path);
    if (!loaded.ok()) {
        showError(tr("Cannot open image"), sentence(loaded.error) + QLatin1Char('.'));
        return false;
    }
    m_project.setSourceImage(loaded.image);
    m_project.setSourcePath(QFileInfo(path).absoluteFilePath());
    for (int i = 0; i < m_project.frameCount(); ++i)
        m_project.frame(i).clearImage();
    {
        const QSignalBlocker blocker(m_canvas);  // the reset crop is stored below, not as a user edit
        m_canvas->setImage(loaded.image);
    }
    m_project.setCrop(m_canvas->crop());
    addRecent(path);
    setModified(true);
    updateInfo();
    statusBar()->showMessage(tr("Opened %1 (%2 \u00d7 %3)")
                                 .arg(QFileInfo(path).fileName())
                                 .arg(loaded.image.width())
                                 .arg(loaded.image.height()),
                             kStatusTimeoutMs);
    return true;
}

bool MainWindow::openProjectFolder(const QString& path) {
    const QString folder = QFileInfo(projectFolderFor(path)).absoluteFilePath();
    const core::ProjectLoadResult loaded = core::loadProject(folder);
    if (!loaded.ok()) {
        showError(tr("Cannot open project"), tr("%1\n\n%2").arg(folder, sentence(loaded.error)));
        return false;
    }
    // A project recovered from the backup of an interrupted save is unsaved under its real name.
    const bool recovered = !loaded.recoveredFrom.isEmpty();
    setProject(*loaded.project, folder, recovered);
    addRecent(folder);
    statusBar()->showMessage(recovered ? tr("Recovered %1 from the backup of an interrupted save; save it to "
                                            "restore the project folder")
                                             .arg(QFileInfo(folder).fileName())
                                       : tr("Opened project %1").arg(QFileInfo(folder).fileName()),
                             kStatusTimeoutMs);
    return true;
}

void MainWindow::setProject(const core::Project& project, const QString& projectPath, bool modified) {
    m_project = project;
    m_projectPath = projectPath;
    {
        const QSignalBlocker blocker(m_canvas);  // loading is not an edit
        m_canvas->setTargetSize(core::modelInputSize(project.model().kind));
        m_canvas->setImage(project.sourceImage());
        if (!project.crop().isNull())
            m_canvas->setCrop(project.crop());
    }
    m_pix2gifAction->setChecked(project.model().kind == core::ModelKind::Pix2Gif);
    m_cinemoAction->setChecked(project.model().kind == core::ModelKind::Cinemo);
    setModified(modified);
    updateInfo();
}

bool MainWindow::saveProjectTo(const QString& path) {
    const QString target = QFileInfo(core::withProjectSuffix(path)).absoluteFilePath();
    QString error;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const bool saved = core::saveProject(m_project, target, &error);
    QApplication::restoreOverrideCursor();
    if (!saved) {
        showError(tr("Cannot save project"), sentence(error) + tr("\n\nThe previous save, if any, is unchanged."));
        return false;
    }
    m_projectPath = target;
    m_autosave->discard();  // the real save supersedes the recovery copy
    addRecent(target);
    setModified(false);
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(target)), kStatusTimeoutMs);
    return true;
}

bool MainWindow::exportFramesTo(const QString& path) {
    const QVector<QImage> frames = m_project.generatedImages();
    if (frames.isEmpty()) {
        showError(tr("Nothing to export"),
                  tr("This project has no generated frames yet. Generate frames first, then export them."));
        return false;
    }
    const core::ExportFormat format = core::exportFormatForPath(path);
    std::unique_ptr<core::FrameEncoder> encoder = core::makeEncoder(format);
    core::EncodeSettings settings;
    settings.fps = m_project.sampler().fps;
    settings.frameCountHint = frames.size();
    // Encoders need one frame size; frames of a project normally share it, stragglers are scaled to match.
    const QSize frameSize = frames.first().size();

    QApplication::setOverrideCursor(Qt::WaitCursor);
    QString error;
    bool ok = encoder && encoder->open(path, frameSize, settings, &error);
    if (!encoder)
        error = tr("no encoder for this format");
    for (int i = 0; ok && i < frames.size(); ++i) {
        const QImage& frame = frames.at(i);
        ok = encoder->addFrame(frame.size() == frameSize
                                   ? frame
                                   : frame.scaled(frameSize, Qt::IgnoreAspectRatio, Qt::SmoothTransformation),
                               &error);
    }
    ok = ok && encoder->finish(&error);
    QApplication::restoreOverrideCursor();
    if (!ok) {
        showError(tr("Export failed"), sentence(error));
        return false;
    }
    const core::EncodeResult& result = encoder->result();
    statusBar()->showMessage(tr("Exported %n frame(s) to %1 (%2)", nullptr, result.frameCount)
                                 .arg(QDir::toNativeSeparators(result.path.isEmpty() ? path : result.path),
                                      QLocale().formattedDataSize(result.sizeBytes)),
                             kStatusTimeoutMs);
    return true;
}

void MainWindow::chooseAndOpenImage() {
    QStringList patterns;
    const QStringList suffixes = core::supportedInputSuffixes();
    for (const QString& suffix : suffixes)
        patterns.append(QStringLiteral("*.") + suffix);
    const QString filter = tr("Images and videos (%1);;All files (*)").arg(patterns.join(QLatin1Char(' ')));
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Image"), startDirectory(), filter);
    if (!path.isEmpty())
        openImageFile(path);
}

void MainWindow::chooseAndOpenProject() {
    if (!maybeSave())
        return;
    const QString path =
        QFileDialog::getExistingDirectory(this, tr("Open Project (a .smproj folder)"), startDirectory());
    if (!path.isEmpty())
        openProjectFolder(path);
}

bool MainWindow::save() {
    return m_projectPath.isEmpty() ? saveAs() : saveProjectTo(m_projectPath);
}

bool MainWindow::saveAs() {
    QString suggestion = m_projectPath;
    if (suggestion.isEmpty()) {
        const QString base =
            m_project.sourcePath().isEmpty() ? tr("Untitled") : QFileInfo(m_project.sourcePath()).completeBaseName();
        suggestion = QDir(startDirectory()).filePath(base + QLatin1String(core::kProjectSuffix));
    }
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save Project"), suggestion, tr("Stillmotion project (*.smproj)"));
    return !path.isEmpty() && saveProjectTo(path);
}

void MainWindow::chooseAndExport() {
    if (m_project.generatedImages().isEmpty()) {
        exportFramesTo(QString());  // explains that there is nothing to export
        return;
    }
    const QString gif = tr("GIF animation (*.gif)");
    const QString mp4 = tr("MP4 video (*.mp4)");
    const QString webp = tr("Animated WebP (*.webp)");
    const QString png = tr("PNG sequence (a folder)");
    QString selected = gif;
    const QString base = QFileInfo(m_projectPath.isEmpty() ? m_project.sourcePath() : m_projectPath).completeBaseName();
    QString path = QFileDialog::getSaveFileName(this, tr("Export Frames"), QDir(startDirectory()).filePath(base),
                                                QStringList{gif, mp4, webp, png}.join(QStringLiteral(";;")), &selected);
    if (path.isEmpty())
        return;
    // The dialog does not add the extension everywhere; the extension picks the format.
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QString wanted = selected == gif    ? QStringLiteral("gif")
                           : selected == mp4  ? QStringLiteral("mp4")
                           : selected == webp ? QStringLiteral("webp")
                                              : QString();
    if (!wanted.isEmpty() && suffix != wanted)
        path += QLatin1Char('.') + wanted;
    exportFramesTo(path);
}

// ---------------------------------------------------------------------------------------------------------
// Document state.

void MainWindow::setModelKind(core::ModelKind kind) {
    if (m_project.model().kind == kind)
        return;
    core::ModelChoice choice = m_project.model();
    choice.kind = kind;
    choice.weightsId.clear();  // weights belong to one model family
    m_project.setModel(choice);
    {
        const QSignalBlocker blocker(m_canvas);
        m_canvas->setTargetSize(core::modelInputSize(kind));
    }
    m_project.setCrop(m_canvas->crop());
    setModified(true);
    updateInfo();
}

void MainWindow::onCropChanged(const QRect& crop) {
    m_project.setCrop(crop);
    setModified(true);
    updateInfo();
}

void MainWindow::setModified(bool modified) {
    const QString name = m_projectPath.isEmpty() ? tr("Untitled") : QFileInfo(m_projectPath).fileName();
    setWindowTitle(tr("%1[*] \u2014 Stillmotion").arg(name));
    setWindowModified(modified);
}

bool MainWindow::maybeSave() {
    if (!isWindowModified())
        return true;
    const QMessageBox::StandardButton answer =
        QMessageBox::warning(this, tr("Unsaved changes"), tr("The project has unsaved changes. Save them first?"),
                             QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

bool MainWindow::autosaveNow() {
    if (!isWindowModified() || !m_project.hasSourceImage())
        return true;
    QString error;
    if (!m_autosave->write(m_project, m_projectPath, &error)) {
        // Not worth a dialog every minute; the status bar and the log say it.
        qCWarning(lcMainWindow) << "autosave failed:" << error;
        statusBar()->showMessage(tr("Autosave failed: %1").arg(error), kStatusTimeoutMs);
        return false;
    }
    return true;
}

void MainWindow::offerRecovery() {
    const QList<core::RecoverableAutosave> autosaves = core::findRecoverableAutosaves();
    for (const core::RecoverableAutosave& autosave : autosaves) {
        const QString what = autosave.originalPath.isEmpty()
                                 ? tr("an unsaved project")
                                 : tr("the project %1").arg(QDir::toNativeSeparators(autosave.originalPath));
        QMessageBox box(QMessageBox::Question, tr("Recover unsaved work"),
                        tr("Stillmotion did not shut down cleanly. An autosave of %1 from %2 is available.")
                            .arg(what, QLocale().toString(autosave.savedAt.toLocalTime(), QLocale::ShortFormat)),
                        QMessageBox::NoButton, this);
        QPushButton* restore = box.addButton(tr("Restore"), QMessageBox::AcceptRole);
        QPushButton* discard = box.addButton(tr("Discard"), QMessageBox::DestructiveRole);
        box.addButton(tr("Decide Later"), QMessageBox::RejectRole);
        box.setDefaultButton(restore);
        box.exec();
        QString error;
        if (box.clickedButton() == restore) {
            const core::ProjectLoadResult restored = core::restoreAutosave(autosave);
            if (!restored.ok()) {
                showError(tr("Cannot restore the autosave"), sentence(restored.error));
                continue;
            }
            setProject(*restored.project, autosave.originalPath, true);
            // Take the copy over: our own autosave first, then the old one can go.
            if (autosaveNow())
                core::discardAutosave(autosave, &error);
            statusBar()->showMessage(tr("Restored the autosave; save the project to keep it"), kStatusTimeoutMs);
            return;  // one document per window
        }
        if (box.clickedButton() == discard && !core::discardAutosave(autosave, &error))
            showError(tr("Cannot discard the autosave"), sentence(error));
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    m_autosave->discard();  // saved or deliberately dropped: nothing to recover
    event->accept();
}

// ---------------------------------------------------------------------------------------------------------
// Drag and drop: a local file or project folder dropped anywhere on the window.

QString MainWindow::localPathFromMime(const QMimeData* mime) {
    if (!mime || !mime->hasUrls())
        return QString();
    const QList<QUrl> urls = mime->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile())
        return QString();
    return urls.first().toLocalFile();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    const QString path = localPathFromMime(event->mimeData());
    if (!path.isEmpty() && QFileInfo::exists(path))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QString path = localPathFromMime(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    const QString folder = projectFolderFor(path);
    if (isProjectFolder(folder)) {
        if (maybeSave())
            openProjectFolder(folder);
        return;
    }
    openImageFile(path);
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers.

void MainWindow::addRecent(const QString& path) {
    m_recent->add(path);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList paths = m_recent->paths();
    for (int i = 0; i < paths.size(); ++i) {
        const QString path = paths.at(i);
        // "&1 name" gives keyboard access to the first nine entries.
        const QString label =
            i < 9 ? QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()) : QFileInfo(path).fileName();
        QAction* action = m_recentMenu->addAction(label, this, [this, path] {
            if (!QFileInfo::exists(path)) {
                m_recent->remove(path);
                rebuildRecentMenu();
                showError(tr("Cannot open recent file"),
                          tr("%1 no longer exists.").arg(QDir::toNativeSeparators(path)));
                return;
            }
            if (isProjectFolder(path) && !maybeSave())
                return;
            openPath(path);
        });
        action->setToolTip(QDir::toNativeSeparators(path));
        action->setStatusTip(QDir::toNativeSeparators(path));
    }
    if (!paths.isEmpty())
        m_recentMenu->addSeparator();
    QAction* clear = m_recentMenu->addAction(tr("Clear List"), this, [this] {
        m_recent->clear();
        rebuildRecentMenu();
    });
    clear->setEnabled(!paths.isEmpty());
}

void MainWindow::updateInfo() {
    if (!m_project.hasSourceImage()) {
        m_infoLabel->setText(tr("No image"));
        return;
    }
    const QSize image = m_project.sourceImage().size();
    const QRect crop = m_canvas->crop();
    const QSize target = m_canvas->targetSize();
    m_infoLabel->setText(
        tr("%1 \u00d7 %2 px \u00b7 crop %3 \u00d7 %4 at (%5, %6) \u2192 %7 \u00d7 %8 \u00b7 %n frame(s)", nullptr,
           m_project.frameCount())
            .arg(image.width())
            .arg(image.height())
            .arg(crop.width())
            .arg(crop.height())
            .arg(crop.x())
            .arg(crop.y())
            .arg(target.width())
            .arg(target.height()));
}

void MainWindow::showError(const QString& title, const QString& message) {
    qCWarning(lcMainWindow).noquote() << title << "-" << message;
    statusBar()->showMessage(QString(message).replace(QLatin1Char('\n'), QLatin1Char(' ')).simplified(),
                             kStatusTimeoutMs);
    // open(), not exec(): window-modal without a nested event loop, so callers (and tests) are never blocked.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

QString MainWindow::startDirectory() const {
    const QString reference = !m_projectPath.isEmpty() ? m_projectPath : m_project.sourcePath();
    if (!reference.isEmpty())
        return QFileInfo(reference).absolutePath();
    return QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
}

}  // namespace sm::ui
