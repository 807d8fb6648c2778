#include "main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
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
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QUrl>

#include <cmath>

#include "app_settings.h"
#include "bridge/engine_backend.h"
#include "export/frame_encoder.h"
#include "export_dialog.h"
#include "frame_inspector.h"
#include "frame_strip.h"
#include "generation_panel.h"
#include "image_canvas.h"
#include "media/image_fit.h"
#include "media/image_loader.h"
#include "model_catalog.h"
#include "model_manager.h"
#include "motion_curve.h"
#include "preview_player.h"
#include "project/autosave.h"
#include "project/project_io.h"
#include "project_document.h"
#include "recent_files.h"
#include "settings_dialog.h"
#include "timeline_panel.h"
#include "training_panel.h"

Q_LOGGING_CATEGORY(lcMainWindow, "stillmotion.ui.mainwindow")

namespace sm::ui {

namespace {

constexpr int kAutosaveIntervalMs = 60 * 1000;
constexpr int kStatusTimeoutMs = 6000;
constexpr int kDefaultFrameCount = 8;  // the Pix2Gif demo's motion list has 8 values

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

QString durationText(double seconds) {
    const qint64 s = qint64(std::lround(std::max(0.0, seconds)));
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

bool sameOptions(const core::BackendLoadOptions& a, const core::BackendLoadOptions& b) {
    return a.device == b.device && a.precision == b.precision && a.threads == b.threads &&
           a.resourceDir == b.resourceDir;
}

QScrollArea* scrolled(QWidget* widget) {
    auto* area = new QScrollArea;
    area->setWidget(widget);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return area;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent, core::GenerationBackendFactory backendFactory)
    : QMainWindow(parent),
      m_backendFactory(backendFactory ? std::move(backendFactory) : core::engineBackendFactory()),
      m_autosave(std::make_unique<core::AutosaveSession>()),
      m_recent(std::make_unique<RecentFiles>()) {
    resize(1440, 900);
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);

    // One factory for both: the worker's backend holds the loaded model, the catalog makes throw-away ones to
    // inspect weights without disturbing it.
    m_document = new ProjectDocument(this);
    m_catalog = new ModelCatalog(m_backendFactory, this);
    m_worker = new core::InferenceWorker(m_backendFactory(), this);

    // Centre: the source with its crop beside the preview.
    m_canvas = new ImageCanvas;
    m_canvas->setTargetSize(core::modelInputSize(project().model().kind));
    m_canvas->setToolTip(
        tr("The source image. The bright rectangle is what the model sees: drag it to move it, "
           "click to centre it there, turn the mouse wheel to resize it."));
    m_player = new PreviewPlayer(m_document);
    m_player->setGifQuality(intSetting(Setting::ExportQuality));
    m_centre = new QSplitter(Qt::Horizontal);
    m_centre->addWidget(m_canvas);
    m_centre->addWidget(m_player);
    m_centre->setStretchFactor(0, 1);
    m_centre->setStretchFactor(1, 1);
    m_centre->setSizes({500, 500});
    m_centre->setChildrenCollapsible(false);
    setCentralWidget(m_centre);
    connect(m_canvas, &ImageCanvas::cropChanged, this, &MainWindow::onCropChanged);

    createDocks();

    m_infoLabel = new QLabel(this);
    m_etaLabel = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(220);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_etaLabel->hide();
    statusBar()->addPermanentWidget(m_etaLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_infoLabel);

    createActions();

    connect(m_document, &ProjectDocument::documentReset, this, [this] {
        m_canvas->setImage(project().sourceImage());
        syncCanvas();
    });
    connect(m_document, &ProjectDocument::modelChanged, this, &MainWindow::syncCanvas);
    connect(m_document, &ProjectDocument::cropChanged, this, &MainWindow::syncCanvas);
    connect(m_document, &ProjectDocument::changed, this, &MainWindow::updateInfo);
    connect(m_document, &ProjectDocument::documentReset, this, &MainWindow::updateInfo);
    connect(m_document, &ProjectDocument::modifiedChanged, this,
            [this](bool modified) { setWindowModified(modified); });

    connect(m_worker, &core::InferenceWorker::jobStateChanged, this, &MainWindow::onJobState);
    connect(m_worker, &core::InferenceWorker::progress, this, &MainWindow::onProgress);
    connect(m_worker, &core::InferenceWorker::previewReady, this, &MainWindow::onPreview);
    connect(m_worker, &core::InferenceWorker::frameReady, this, &MainWindow::onFrame);
    connect(m_worker, &core::InferenceWorker::failed, this, &MainWindow::onFailed);
    connect(m_worker, &core::InferenceWorker::modelLoaded, this, &MainWindow::onModelLoaded);
    connect(m_worker, &core::InferenceWorker::warning, this,
            [this](core::JobId, const QString& message) { statusBar()->showMessage(message, kStatusTimeoutMs); });
    connect(m_worker, &core::InferenceWorker::idle, this, &MainWindow::updateGenerationState);
    // The Project dock's dataset lives in the document (saved in the .smproj); a new document brings its own.
    connect(m_trainingPanel, &TrainingPanel::datasetChanged, this,
            [this] { m_document->setDataset(m_trainingPanel->dataset()); });
    connect(m_document, &ProjectDocument::documentReset, this,
            [this] { m_trainingPanel->setDataset(m_document->project().dataset()); });
    connect(m_trainingPanel, &TrainingPanel::useForGenerationRequested, this, &MainWindow::useTrainedModel);
    connect(m_worker, &core::InferenceWorker::loadProgress, this,
            [this](core::JobId id, double fraction, const QString& stage) {
                if (id != m_loadJob)
                    return;
                m_generationPanel->setLoadedModelText(tr("loading %1: %2 (%3%)")
                                                          .arg(QFileInfo(m_requestedModel).fileName(), stage)
                                                          .arg(qRound(fraction * 100)));
                m_progress->setValue(int(fraction * 1000));
                m_progress->show();
            });

    m_autosaveTimer = new QTimer(this);
    m_autosaveTimer->setInterval(kAutosaveIntervalMs);
    connect(m_autosaveTimer, &QTimer::timeout, this, &MainWindow::autosaveNow);
    m_autosaveTimer->start();

    // Remember the built-in layout before restoring the user's, for View > Reset Layout.
    m_defaultState = saveState();
    const QByteArray geometry = byteArraySetting(Setting::WindowGeometry);
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    const QByteArray state = byteArraySetting(Setting::WindowState);
    if (!state.isEmpty())
        restoreState(state);

    updateTitle();
    updateInfo();
    updateGenerationState();
    m_generationPanel->setLoadedModelText(QString());
    // Without any usable model Generate cannot work: say so (and where to fix it) before the user tries.
    if (m_catalog->resolve(core::ModelChoice{project().model().kind, QString()}, nullptr).isEmpty())
        statusBar()->showMessage(ModelCatalog::noModelMessage());
    else
        statusBar()->showMessage(
            tr("Open an image to start (Ctrl+O), paste one (Ctrl+V) or drop one onto the window."));
}

MainWindow::~MainWindow() {
    // The worker's thread joins in its destructor; cancel first so that takes at most one denoising step.
    m_worker->cancelAll();
}

const core::Project& MainWindow::project() const {
    return m_document->project();
}

// Left: the settings that shape a generation; bottom (under the centre and the right column): the timeline; right:
// the current frame and the project (training) as tabs. Like Krita's dockers or a video editor's panels.
void MainWindow::createDocks() {
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::BottomDockWidgetArea);

    m_generationPanel = new GenerationPanel(m_document, m_catalog);
    m_generateDock = new QDockWidget(tr("Generate"), this);
    m_generateDock->setObjectName(QStringLiteral("generateDock"));
    m_generateDock->setWidget(m_generationPanel);  // scrolls its settings itself; the buttons stay in view
    m_generateDock->setMinimumWidth(320);
    addDockWidget(Qt::LeftDockWidgetArea, m_generateDock);

    m_timeline = new TimelinePanel(m_document);
    m_timelineDock = new QDockWidget(tr("Timeline"), this);
    m_timelineDock->setObjectName(QStringLiteral("timelineDock"));
    m_timelineDock->setWidget(m_timeline);
    addDockWidget(Qt::BottomDockWidgetArea, m_timelineDock);

    m_inspector = new FrameInspector(m_document);
    m_frameDock = new QDockWidget(tr("Frame"), this);
    m_frameDock->setObjectName(QStringLiteral("frameDock"));
    m_frameDock->setWidget(scrolled(m_inspector));
    m_frameDock->setMinimumWidth(240);
    addDockWidget(Qt::RightDockWidgetArea, m_frameDock);

    m_trainingPanel = new TrainingPanel;
    m_projectDock = new QDockWidget(tr("Project"), this);
    m_projectDock->setObjectName(QStringLiteral("projectDock"));
    auto* trainingArea = scrolled(m_trainingPanel);
    trainingArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);  // the panel is wide; the dock need not be
    m_projectDock->setWidget(trainingArea);
    addDockWidget(Qt::RightDockWidgetArea, m_projectDock);
    tabifyDockWidget(m_frameDock, m_projectDock);
    m_frameDock->raise();
    resizeDocks({m_timelineDock}, {250}, Qt::Vertical);
    resizeDocks({m_generateDock, m_frameDock}, {350, 300}, Qt::Horizontal);

    connect(m_generationPanel, &GenerationPanel::kindChangeRequested, this, &MainWindow::setModelKind);
    connect(m_generationPanel, &GenerationPanel::generateRequested, this, &MainWindow::generate);
    connect(m_generationPanel, &GenerationPanel::regenerateSelectedRequested, this, &MainWindow::regenerateSelected);
    connect(m_generationPanel, &GenerationPanel::cancelRequested, this, &MainWindow::cancelGeneration);
    connect(m_generationPanel, &GenerationPanel::manageModelsRequested, this, &MainWindow::showModelManager);
    FrameStrip* strip = m_timeline->strip();
    connect(strip, &FrameStrip::selectionChanged, this,
            [this, strip] { m_generationPanel->setHasSelection(!strip->selection().isEmpty()); });
    connect(strip, &FrameStrip::currentChanged, this, [this](int index) {
        m_inspector->setFrame(index);
        if (!m_player->isPlaying())
            m_player->showFrame(index);
    });
    connect(strip, &FrameStrip::activated, this, [this](int index) {
        m_player->pause();
        m_player->showFrame(index);
    });
    connect(m_catalog, &ModelCatalog::entriesChanged, this, [this] {
        QStringList paths;
        for (const ModelEntry& e : m_catalog->entries()) {
            if (e.kind() == core::ModelKind::Pix2Gif)
                paths.append(e.path);
        }
        m_trainingPanel->setBaseModels(paths);
    });
    Q_EMIT m_catalog->entriesChanged();
}

void MainWindow::createActions() {
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    QToolBar* toolBar = addToolBar(tr("Main"));
    toolBar->setObjectName(QStringLiteral("mainToolBar"));
    toolBar->setMovable(false);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);

    QAction* openImage = fileMenu->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open Image..."),
                                             this, &MainWindow::chooseAndOpenImage);
    openImage->setShortcut(QKeySequence::Open);
    openImage->setToolTip(tr("Open the still image to animate (Ctrl+O)."));
    m_recentMenu = fileMenu->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    fileMenu->addSeparator();

    QAction* openProject = fileMenu->addAction(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("Open &Project..."),
                                               this, &MainWindow::chooseAndOpenProject);
    openProject->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QAction* saveProject = fileMenu->addAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("&Save Project"),
                                               this, &MainWindow::save);
    saveProject->setShortcut(QKeySequence::Save);
    saveProject->setToolTip(tr("Save the project with its frames (Ctrl+S)."));
    QAction* saveAs = fileMenu->addAction(tr("Save Project &As..."), this, &MainWindow::saveAs);
    saveAs->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    fileMenu->addSeparator();

    QAction* exportFrames = fileMenu->addAction(style()->standardIcon(QStyle::SP_ArrowRight), tr("&Export Frames..."),
                                                this, &MainWindow::showExportDialog);
    exportFrames->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportFrames->setToolTip(tr("Export the animation as GIF, MP4, WebP or PNG frames (Ctrl+E)."));
    fileMenu->addSeparator();
    QAction* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    // Edit: undo/redo of every document edit, paste, settings.
    QMenu* editMenu = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setIcon(style()->standardIcon(QStyle::SP_ArrowBack));
    QAction* redo = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts({QKeySequence::Redo, QKeySequence(Qt::CTRL | Qt::Key_Y)});
    redo->setIcon(style()->standardIcon(QStyle::SP_ArrowForward));
    editMenu->addAction(undo);
    editMenu->addAction(redo);
    editMenu->addSeparator();
    QAction* paste = editMenu->addAction(tr("&Paste Image"), this, &MainWindow::pasteImage);
    paste->setShortcut(QKeySequence::Paste);
    paste->setToolTip(tr("Use the image on the clipboard as the source (Ctrl+V)."));
    editMenu->addSeparator();
    QAction* settings = editMenu->addAction(tr("&Settings..."), this, &MainWindow::showSettings);
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settings->setMenuRole(QAction::PreferencesRole);

    // Generate.
    QMenu* generateMenu = menuBar()->addMenu(tr("&Generate"));
    m_generateAction = generateMenu->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Generate"), this,
                                               &MainWindow::generate);
    m_generateAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    m_generateAction->setToolTip(tr("Generate every frame (Ctrl+Return)."));
    m_regenerateAction =
        generateMenu->addAction(tr("&Regenerate Selected Frames"), this, &MainWindow::regenerateSelected);
    m_regenerateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return));
    m_cancelAction = generateMenu->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("&Cancel"), this,
                                             &MainWindow::cancelGeneration);
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setToolTip(tr("Stop generating; finished frames stay (Esc)."));

    // Frames (the timeline's actions, so their shortcuts work anywhere in the window).
    QMenu* framesMenu = menuBar()->addMenu(tr("F&rames"));
    for (QAction* action :
         {m_timeline->addFrameAction(), m_timeline->duplicateAction(), m_timeline->removeAction(),
          m_timeline->moveLeftAction(), m_timeline->moveRightAction(), m_timeline->selectAllAction()}) {
        framesMenu->addAction(action);
    }

    // The model decides the crop's aspect.
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
    }
    m_pix2gifAction->setChecked(true);
    modelMenu->addSeparator();
    QAction* manage = modelMenu->addAction(tr("&Manage Models..."), this, &MainWindow::showModelManager);
    manage->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));

    // View: docks, player.
    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : {m_generateDock, m_timelineDock, m_frameDock, m_projectDock})
        viewMenu->addAction(dock->toggleViewAction());
    viewMenu->addSeparator();
    QAction* play = viewMenu->addAction(tr("&Play/Pause"), m_player, &PreviewPlayer::togglePlay);
    play->setShortcut(QKeySequence(Qt::Key_Space));
    QAction* onion = viewMenu->addAction(tr("&Onion Skin"));
    onion->setCheckable(true);
    onion->setShortcut(QKeySequence(Qt::Key_O));
    connect(onion, &QAction::toggled, m_player, &PreviewPlayer::setOnionSkin);
    QAction* sideBySide = viewMenu->addAction(tr("&Side by Side"));
    sideBySide->setCheckable(true);
    sideBySide->setShortcut(QKeySequence(Qt::Key_B));
    connect(sideBySide, &QAction::toggled, m_player, &PreviewPlayer::setSideBySide);
    QAction* exported = viewMenu->addAction(tr("As &Exported"));
    exported->setCheckable(true);
    exported->setShortcut(QKeySequence(Qt::Key_X));
    connect(exported, &QAction::toggled, m_player, &PreviewPlayer::setAsExported);
    viewMenu->addSeparator();
    viewMenu->addAction(tr("&Reset Layout"), this, &MainWindow::resetLayout);

    QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&Keyboard Shortcuts"), this, [this] {
        auto* box = new QMessageBox(
            QMessageBox::Information, tr("Keyboard Shortcuts"),
            tr("Ctrl+O open image \u00b7 Ctrl+V paste image \u00b7 Ctrl+S save \u00b7 Ctrl+E export\n"
               "Ctrl+Z undo \u00b7 Ctrl+Shift+Z redo\n"
               "Ctrl+Return generate \u00b7 Ctrl+Shift+Return regenerate selected \u00b7 Esc cancel\n"
               "Insert add frame \u00b7 Ctrl+D duplicate \u00b7 Delete remove \u00b7 Alt+Left/Right move frames\n"
               "Left/Right/Home/End choose frame (Shift extends) \u00b7 Up/Down on the curve change motion\n"
               "Space play/pause \u00b7 O onion skin \u00b7 B side by side \u00b7 X as exported\n"
               "Ctrl+M model manager \u00b7 Ctrl+, settings"),
            QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    helpMenu->addAction(tr("&About Stillmotion"), this, [this] {
        QMessageBox::about(this, tr("About Stillmotion"),
                           tr("<b>Stillmotion %1</b><br>Still image to animation studio (Pix2Gif, Cinemo).<br>"
                              "Inference: %2.")
                               .arg(QApplication::applicationVersion(),
                                    core::engineAvailable() ? tr("LibTorch engine") : tr("not in this build")));
    });

    // Tool bar labels without menu accelerators ("(&O)" would show as "(O)" in some languages).
    openImage->setIconText(tr("Open Image"));
    saveProject->setIconText(tr("Save Project"));
    exportFrames->setIconText(tr("Export"));
    m_generateAction->setIconText(tr("Generate"));
    m_cancelAction->setIconText(tr("Cancel"));
    toolBar->addAction(openImage);
    toolBar->addAction(saveProject);
    toolBar->addAction(exportFrames);
    toolBar->addSeparator();
    toolBar->addAction(undo);
    toolBar->addAction(redo);
    // Their text names the edit ("Undo Edit prompt of frame 7"): too long for a tool bar, the tooltip has it.
    for (QAction* action : {undo, redo}) {
        if (auto* button = qobject_cast<QToolButton*>(toolBar->widgetForAction(action)))
            button->setToolButtonStyle(Qt::ToolButtonIconOnly);
    }
    toolBar->addSeparator();
    toolBar->addAction(m_generateAction);
    toolBar->addAction(m_cancelAction);
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
    cancelGeneration();  // frames in flight belong to the old source
    const QRect crop = core::defaultCrop(loaded.image.size(), core::modelInputSize(project().model().kind));
    m_document->setSource(loaded.image, QFileInfo(path).absoluteFilePath(), crop);
    addRecent(path);
    statusBar()->showMessage(tr("Opened %1 (%2 \u00d7 %3)")
                                 .arg(QFileInfo(path).fileName())
                                 .arg(loaded.image.width())
                                 .arg(loaded.image.height()),
                             kStatusTimeoutMs);
    return true;
}

bool MainWindow::pasteImage() {
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    const QString path = localPathFromMime(mime);
    if (!path.isEmpty())
        return openPath(path);
    if (mime && mime->hasText()) {
        const QString text = mime->text().trimmed();
        if (!text.contains(QLatin1Char('\n')) && QFileInfo(text).isFile())
            return openImageFile(text);
    }
    QImage image = QApplication::clipboard()->image();
    if (image.isNull()) {
        showError(tr("Nothing to paste"), tr("The clipboard holds no image. Copy an image (or an image file) first."));
        return false;
    }
    image = core::flattenAlpha(image);
    cancelGeneration();
    const QRect crop = core::defaultCrop(image.size(), core::modelInputSize(project().model().kind));
    m_document->setSource(image, QString(), crop);
    statusBar()->showMessage(tr("Pasted an image (%1 \u00d7 %2)").arg(image.width()).arg(image.height()),
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
    cancelGeneration();
    m_projectPath = projectPath;
    m_document->reset(project);
    if (modified)
        m_document->markModified();
    updateTitle();
    updateInfo();
}

bool MainWindow::saveProjectTo(const QString& path) {
    const QString target = QFileInfo(core::withProjectSuffix(path)).absoluteFilePath();
    QString error;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const bool saved = core::saveProject(project(), target, &error);
    QApplication::restoreOverrideCursor();
    if (!saved) {
        showError(tr("Cannot save project"), sentence(error) + tr("\n\nThe previous save, if any, is unchanged."));
        return false;
    }
    m_projectPath = target;
    m_autosave->discard();  // the real save supersedes the recovery copy
    addRecent(target);
    m_document->markSaved();
    updateTitle();
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(target)), kStatusTimeoutMs);
    return true;
}

bool MainWindow::exportFramesTo(const QString& path) {
    const QVector<QImage> frames = project().generatedImages();
    if (frames.isEmpty()) {
        showError(tr("Nothing to export"),
                  tr("This project has no generated frames yet. Generate frames first, then export them."));
        return false;
    }
    const core::ExportFormat format = core::exportFormatForPath(path);
    std::unique_ptr<core::FrameEncoder> encoder = core::makeEncoder(format);
    core::EncodeSettings settings;
    settings.fps = project().sampler().fps;
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

void MainWindow::showExportDialog() {
    const QVector<QImage> frames = project().generatedImages();
    if (frames.isEmpty()) {
        exportFramesTo(QString());  // explains that there is nothing to export
        return;
    }
    const QString base = QFileInfo(m_projectPath.isEmpty() ? project().sourcePath() : m_projectPath).completeBaseName();
    const QString suggestion =
        QDir(startDirectory()).filePath((base.isEmpty() ? tr("animation") : base) + QStringLiteral(".gif"));
    auto* dialog = new ExportDialog(frames, project().sampler().fps, suggestion, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ExportDialog::exportFinished, this, [this, dialog](bool ok) {
        if (ok)
            statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(dialog->lastResult().path)),
                                     kStatusTimeoutMs);
        m_player->setGifQuality(intSetting(Setting::ExportQuality));
    });
    dialog->open();
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
            project().sourcePath().isEmpty() ? tr("Untitled") : QFileInfo(project().sourcePath()).completeBaseName();
        suggestion = QDir(startDirectory()).filePath(base + QLatin1String(core::kProjectSuffix));
    }
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save Project"), suggestion, tr("Stillmotion project (*.smproj)"));
    return !path.isEmpty() && saveProjectTo(path);
}

// ---------------------------------------------------------------------------------------------------------
// Document state.

void MainWindow::setModelKind(core::ModelKind kind) {
    if (project().model().kind == kind) {
        syncCanvas();  // puts the menu and the panel back in step
        return;
    }
    core::ModelChoice choice = project().model();
    choice.kind = kind;
    choice.weightsId.clear();  // weights belong to one model family
    // The crop takes the new model's aspect: the default crop for it, in one undo step with the model.
    m_document->setModel(choice, core::defaultCrop(project().sourceImage().size(), core::modelInputSize(kind)));
}

// A checkpoint or finished model from the Project dock: into the catalog (so the Model Manager and the weights list
// show it) and the project's Pix2Gif weights, in one undo step; the next generation loads it.
void MainWindow::useTrainedModel(const QString& path) {
    QString error;
    if (!m_catalog->addPath(path, &error)) {
        statusBar()->showMessage(tr("Cannot use the trained model: %1").arg(error), kStatusTimeoutMs);
        return;
    }
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const QRect crop = project().model().kind == core::ModelKind::Pix2Gif
                           ? project().crop()
                           : core::defaultCrop(project().sourceImage().size(),
                                               core::modelInputSize(core::ModelKind::Pix2Gif));
    m_document->setModel(core::ModelChoice{core::ModelKind::Pix2Gif, absolute}, crop);
    statusBar()->showMessage(tr("Generating with %1 from now on.").arg(QDir::toNativeSeparators(absolute)),
                             kStatusTimeoutMs);
}

// The canvas follows the document (load, undo, redo); its own edits come back through onCropChanged().
void MainWindow::syncCanvas() {
    const core::Project& p = project();
    {
        const QSignalBlocker blocker(m_canvas);  // following the document is not an edit
        m_canvas->setTargetSize(core::modelInputSize(p.model().kind));
        m_canvas->setCrop(p.crop());
    }
    m_pix2gifAction->setChecked(p.model().kind == core::ModelKind::Pix2Gif);
    m_cinemoAction->setChecked(p.model().kind == core::ModelKind::Cinemo);
    m_timeline->curve()->setEnabled(p.model().kind == core::ModelKind::Pix2Gif);
    updateInfo();
}

void MainWindow::onCropChanged(const QRect& crop) {
    m_document->setCrop(crop);
}

void MainWindow::updateTitle() {
    const QString name = m_projectPath.isEmpty() ? tr("Untitled") : QFileInfo(m_projectPath).fileName();
    setWindowTitle(tr("%1[*] \u2014 Stillmotion").arg(name));
    setWindowModified(m_document->isModified());
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
    if (!isWindowModified() || !project().hasSourceImage())
        return true;
    QString error;
    if (!m_autosave->write(project(), m_projectPath, &error)) {
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
    m_worker->cancelAll();
    m_autosave->discard();  // saved or deliberately dropped: nothing to recover
    setSettingValue(Setting::WindowGeometry, saveGeometry());
    setSettingValue(Setting::WindowState, saveState());
    event->accept();
}

void MainWindow::resetLayout() {
    restoreState(m_defaultState);
    for (QDockWidget* dock : {m_generateDock, m_timelineDock, m_frameDock, m_projectDock})
        dock->show();
    m_frameDock->raise();
}

void MainWindow::showModelManager() {
    auto* dialog = new ModelManagerDialog(m_catalog, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The start-up "No model found" message is stale once the user has added one.
    connect(dialog, &QDialog::finished, this, [this] {
        if (statusBar()->currentMessage() == ModelCatalog::noModelMessage() &&
            !m_catalog->resolve(core::ModelChoice{project().model().kind, QString()}, nullptr).isEmpty())
            statusBar()->clearMessage();
    });
    dialog->open();
}

void MainWindow::showSettings() {
    auto* dialog = new SettingsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SettingsDialog::applied, this, [this] {
        m_catalog->refresh();
        statusBar()->showMessage(tr("Settings saved. Device, threads and precision apply to the next model load; "
                                    "the language to the next start."),
                                 kStatusTimeoutMs);
    });
    dialog->open();
}

// ---------------------------------------------------------------------------------------------------------
// Generation.

core::BackendLoadOptions MainWindow::loadOptions() const {
    core::BackendLoadOptions options;
    options.device = stringSetting(Setting::Device);
    options.precision = stringSetting(Setting::Precision);
    options.threads = intSetting(Setting::Threads);
    options.resourceDir = ModelCatalog::bundledResourceFolder();
    return options;
}

// The request is a snapshot: later edits of the document do not reach a queued job (regenerate to apply them).
// The source goes in already cropped and scaled to the model, so the engine's frames come back at that size.
core::GenerationRequest MainWindow::buildRequest(const QVector<int>& indexes) const {
    const core::Project& p = project();
    const core::SamplerSettings& s = p.sampler();
    core::GenerationRequest request;
    request.source = core::fitToModel(p.sourceImage(), p.crop(), core::modelInputSize(p.model().kind));
    request.prompt = p.prompt();
    for (int index : indexes) {
        const core::FrameSpec& frame = p.frame(index);
        // No override: an empty prompt, which the engine reads as "the project prompt".
        request.frames.append(core::FrameRequest{frame.hasPromptOverride() ? frame.promptOverride() : QString(),
                                                 frame.motion(), frame.seed()});
    }
    request.sampler = s.sampler;
    request.steps = s.steps;
    request.textScale = s.textGuidanceScale;
    request.imageScale = s.imageGuidanceScale;
    request.noisePerFrame = s.noisePerFrame;
    request.previewEvery = intSetting(Setting::PreviewInterval);
    request.motionIntensity = s.motionIntensity;
    request.dctInit = s.dctInit;
    request.dctInitP = s.dctInitP;
    request.dctInitTau = s.dctInitTau;
    request.fps = s.fps;
    return request;
}

bool MainWindow::generate() {
    if (m_document->frameCount() == 0)
        m_document->setFrameCount(kDefaultFrameCount);
    QVector<int> all;
    for (int i = 0; i < m_document->frameCount(); ++i)
        all.append(i);
    return startGeneration(all, false);
}

bool MainWindow::regenerateSelected() {
    const QVector<int> selected = m_timeline->strip()->selection();
    if (selected.isEmpty()) {
        statusBar()->showMessage(tr("Select the frames to regenerate in the timeline first."), kStatusTimeoutMs);
        return false;
    }
    return startGeneration(selected, true);
}

bool MainWindow::startGeneration(QVector<int> indexes, bool selectedOnly) {
    if (!project().hasSourceImage()) {
        showError(tr("Nothing to animate"), tr("Open an image first (File \u25b8 Open Image, Ctrl+V to paste, or drop "
                                               "one onto the window)."));
        return false;
    }
    // The engine's rule (core::firstFrameWithoutPrompt): every frame needs a caption. Said here, before anything is
    // queued, rather than as a job that fails after the model has loaded.
    core::GenerationRequest captions;
    captions.prompt = project().prompt();
    for (int index : indexes) {
        const core::FrameSpec& frame = project().frame(index);
        captions.frames.append(core::FrameRequest{frame.hasPromptOverride() ? frame.promptOverride() : QString(),
                                                  frame.motion(), frame.seed()});
    }
    const int uncaptioned = core::firstFrameWithoutPrompt(captions);
    if (uncaptioned >= 0) {
        showError(
            tr("Describe the motion first"),
            tr("Frame %1 has no prompt and the project prompt is empty. The model animates what the prompt "
               "describes: type one in the Generate panel (e.g. \u201cthe boat drifts to the right\u201d), or give "
               "the frame its own prompt in the Frame panel.")
                .arg(indexes.at(uncaptioned) + 1));
        return false;
    }
    QString error;
    const QString modelPath = m_catalog->resolve(project().model(), &error);
    if (modelPath.isEmpty()) {
        showError(tr("No model to generate with"), error);
        return false;
    }
    // Unlocked seeds: every Generate is a new variation (one undo step, so the old seeds come back with Ctrl+Z).
    if (!project().sampler().seedLocked) {
        auto* random = QRandomGenerator::global();
        if (selectedOnly) {
            QVector<quint64> seeds;
            for (int k = 0; k < indexes.size(); ++k)
                seeds.append(random->bounded(quint64(1) << 53));
            m_document->setFrameSeeds(indexes, seeds, tr("New seeds for regenerated frames"));
        } else {
            m_document->setProjectSeed(random->bounded(quint64(1) << 53), tr("New seed"));
        }
    }
    // A new request supersedes what is still running for the same frames.
    QVector<quint64> uids;
    for (int index : indexes)
        uids.append(m_document->frameUid(index));
    for (auto it = m_jobs.cbegin(); it != m_jobs.cend(); ++it) {
        for (quint64 uid : uids) {
            if (it->uids.contains(uid)) {
                m_worker->cancel(it.key());
                break;
            }
        }
    }
    // Load only when the weights or the load options changed: loading takes seconds, generating reuses the model.
    const core::BackendLoadOptions options = loadOptions();
    if (modelPath != m_requestedModel || !sameOptions(options, m_requestedOptions)) {
        m_loadJob = m_worker->loadModel(modelPath, options);
        m_requestedModel = modelPath;
        m_requestedOptions = options;
        m_generationPanel->setLoadedModelText(tr("loading %1\u2026").arg(QFileInfo(modelPath).fileName()));
    }
    // Tied to the pending load, if any: a load that fails cancels the generation instead of failing it again.
    const core::JobId id = m_worker->submit(buildRequest(indexes), m_loadJob);
    m_jobs.insert(id, Job{uids, 0});
    for (quint64 uid : uids)
        m_timeline->strip()->setStatus(uid, FrameStrip::Status::Queued);
    updateGenerationState();
    statusBar()->showMessage(tr("Generating %n frame(s)\u2026", nullptr, int(indexes.size())), kStatusTimeoutMs);
    return true;
}

void MainWindow::cancelGeneration() {
    if (!m_worker->isBusy())
        return;
    for (auto it = m_jobs.cbegin(); it != m_jobs.cend(); ++it)
        m_worker->cancel(it.key());
}

bool MainWindow::isGenerating() const {
    return !m_jobs.isEmpty();
}

QVector<quint64> MainWindow::pendingFrames() const {
    QVector<quint64> uids;
    for (const Job& job : m_jobs)
        uids += job.uids.mid(job.done);
    return uids;
}

void MainWindow::onJobState(core::JobId id, core::JobState state) {
    if (id == m_loadJob && (state == core::JobState::Done || state == core::JobState::Cancelled)) {
        m_loadJob = 0;
        if (state == core::JobState::Cancelled)
            m_requestedModel.clear();  // nothing was loaded: load again next time
    }
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    if (state == core::JobState::Running) {
        if (!it->uids.isEmpty())
            m_timeline->strip()->setStatus(it->uids.first(), FrameStrip::Status::Generating, 0.0);
        return;
    }
    if (state == core::JobState::Done || state == core::JobState::Cancelled || state == core::JobState::Failed) {
        const FrameStrip::Status rest =
            state == core::JobState::Failed ? FrameStrip::Status::Failed : FrameStrip::Status::Idle;
        for (int k = it->done; k < it->uids.size(); ++k) {
            // A frame a newer job has taken over keeps the status that job gave it.
            const quint64 uid = it->uids.at(k);
            bool takenOver = false;
            for (auto other = m_jobs.cbegin(); other != m_jobs.cend() && !takenOver; ++other)
                takenOver = other.key() != id && other->uids.mid(other->done).contains(uid);
            if (!takenOver)
                m_timeline->strip()->setStatus(uid, rest);
        }
        if (state == core::JobState::Done)
            statusBar()->showMessage(tr("Generated %n frame(s)", nullptr, int(it->uids.size())), kStatusTimeoutMs);
        else if (state == core::JobState::Cancelled)
            statusBar()->showMessage(tr("Generation cancelled; %n finished frame(s) kept", nullptr, it->done),
                                     kStatusTimeoutMs);
        m_jobs.erase(it);
        m_player->setLiveImage(QImage(), QString());
        updateGenerationState();
    }
}

void MainWindow::onProgress(core::JobId id, const core::JobProgress& progress) {
    const auto it = m_jobs.constFind(id);
    if (it == m_jobs.constEnd())
        return;
    if (progress.frame >= 0 && progress.frame < it->uids.size()) {
        const double fraction = progress.stepCount > 0 ? double(progress.step) / progress.stepCount : 0.0;
        m_timeline->strip()->setStatus(it->uids.at(progress.frame), FrameStrip::Status::Generating, fraction);
    }
    m_progress->setValue(int(progress.fraction * 1000));
    m_progress->show();
    m_etaLabel->setText(progress.secondsRemaining >= 0 ? tr("frame %1 of %2 \u00b7 step %3/%4 \u00b7 %5 left")
                                                             .arg(progress.frame + 1)
                                                             .arg(progress.frameCount)
                                                             .arg(progress.step)
                                                             .arg(progress.stepCount)
                                                             .arg(durationText(progress.secondsRemaining))
                                                       : tr("frame %1 of %2 \u00b7 step %3/%4")
                                                             .arg(progress.frame + 1)
                                                             .arg(progress.frameCount)
                                                             .arg(progress.step)
                                                             .arg(progress.stepCount));
    m_etaLabel->show();
}

void MainWindow::onPreview(core::JobId id, int frameIndex, const QImage& image) {
    const auto it = m_jobs.constFind(id);
    if (it == m_jobs.constEnd() || frameIndex < 0 || frameIndex >= it->uids.size())
        return;
    const quint64 uid = it->uids.at(frameIndex);
    m_timeline->strip()->setPreview(uid, image);
    const int index = m_document->indexOfUid(uid);
    m_player->setLiveImage(image, tr("generating frame %1 (live preview)").arg(index + 1));
}

// Frame `frameIndex` of job `id` maps to a frame uid through the job's list; the frame's position in the document
// may have changed since, or it may be gone (then the image is dropped).
void MainWindow::onFrame(core::JobId id, int frameIndex, const QImage& image) {
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end() || frameIndex < 0 || frameIndex >= it->uids.size())
        return;
    const quint64 uid = it->uids.at(frameIndex);
    it->done = std::max(it->done, frameIndex + 1);
    m_timeline->strip()->setStatus(uid, FrameStrip::Status::Idle);
    if (frameIndex + 1 < it->uids.size())
        m_timeline->strip()->setStatus(it->uids.at(frameIndex + 1), FrameStrip::Status::Generating, 0.0);
    m_document->setFrameImage(uid, image);  // a frame removed meanwhile is simply dropped
    m_player->setLiveImage(QImage(), QString());
    const int index = m_document->indexOfUid(uid);
    if (index >= 0 && !m_player->isPlaying())
        m_player->showFrame(index);
}

void MainWindow::onFailed(core::JobId id, const QString& message) {
    if (id == m_loadJob) {
        m_loadJob = 0;
        const QString path = m_requestedModel;
        m_requestedModel.clear();
        m_catalog->setLoadError(path, message);
        m_generationPanel->setLoadedModelText(tr("failed to load"));
        // The generations queued behind the load are cancelled by the worker: one message, not one per job.
        showError(
            tr("Cannot load the model"),
            tr("%1\n\n%2\n\n%3").arg(QDir::toNativeSeparators(path), message, ModelCatalog::adviceFor(path, message)));
        return;
    }
    if (m_jobs.contains(id))
        showError(tr("Generation failed"), sentence(message));
}

void MainWindow::onModelLoaded(core::JobId id, const core::ModelDescription& model) {
    Q_UNUSED(id);
    m_catalog->setDescription(m_requestedModel.isEmpty() ? model.path : m_requestedModel, model);
    m_generationPanel->setLoadedModelText(tr("%1 \u00b7 %2 \u00d7 %3 \u00b7 %4 on %5")
                                              .arg(model.name)
                                              .arg(model.resolution.width())
                                              .arg(model.resolution.height())
                                              .arg(model.precision, model.device));
    if (model.architecture == core::ModelKind::Pix2Gif)
        applyMotionRange(model.minMotion, model.maxMotion);
    // The crop is resized to what the loaded model generates (the demo model: 64 × 64), not the family's default.
    if (model.resolution.isValid() && model.architecture == project().model().kind) {
        m_canvas->setTargetSize(model.resolution);
        updateInfo();
    }
}

void MainWindow::applyMotionRange(int minimum, int maximum) {
    if (minimum >= maximum)
        return;
    m_generationPanel->setMotionRange(minimum, maximum);
    m_timeline->setMotionRange(minimum, maximum);
    m_inspector->setMotionRange(minimum, maximum);
}

void MainWindow::updateGenerationState() {
    const bool busy = m_worker->isBusy();
    m_generationPanel->setBusy(busy);
    m_cancelAction->setEnabled(busy);
    if (!busy) {
        m_progress->hide();
        m_etaLabel->hide();
        m_progress->setValue(0);
    }
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
    if (!project().hasSourceImage()) {
        m_infoLabel->setText(tr("No image"));
        return;
    }
    const QSize image = project().sourceImage().size();
    const QRect crop = m_canvas->crop();
    const QSize target = m_canvas->targetSize();
    m_infoLabel->setText(
        tr("%1 \u00d7 %2 px \u00b7 crop %3 \u00d7 %4 at (%5, %6) \u2192 %7 \u00d7 %8 \u00b7 %n frame(s)", nullptr,
           project().frameCount())
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
    const QString reference = !m_projectPath.isEmpty() ? m_projectPath : project().sourcePath();
    if (!reference.isEmpty())
        return QFileInfo(reference).absolutePath();
    return QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
}

}  // namespace sm::ui
