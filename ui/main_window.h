#pragma once
// The studio's main window. Layout like a video editor: the source image with the model's crop (ImageCanvas)
// beside the preview player in the middle; docks for Generate (left), Frame and Project/training (right) and the
// Timeline (bottom); the dock layout is kept across sessions.
//
// The open project is a ProjectDocument (every edit undoable). Generation runs on the InferenceWorker's thread:
// Generate queues a model load when the weights or load options changed, then one job for all (or the selected)
// frames; frames stream back into the timeline and the preview while the GUI stays responsive.
//
// Errors are shown as window-modal message boxes opened with QMessageBox::open() (they do not block the caller),
// and repeated in the status bar. Unsaved changes are autosaved every minute (core/project/autosave.h) and offered
// for recovery after a crash (offerRecovery(), called by main()).
// GUI thread only.
#include <QHash>
#include <QMainWindow>
#include <QRect>
#include <QString>
#include <QVector>

#include <memory>

#include "bridge/generation_backend.h"
#include "bridge/inference_worker.h"
#include "project/project.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QMimeData;
class QProgressBar;
class QSplitter;
class QTimer;

namespace sm::core {
class AutosaveSession;
}

namespace sm::ui {

class FrameInspector;
class GenerationPanel;
class ImageCanvas;
class ModelCatalog;
class PreviewPlayer;
class ProjectDocument;
class RecentFiles;
class TimelinePanel;
class TrainingPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `backendFactory` makes the generation backends (the inference worker's and the Model Manager's inspector);
    // empty = the LibTorch engine (core::engineBackendFactory()). Tests pass fakes.
    explicit MainWindow(QWidget* parent = nullptr, core::GenerationBackendFactory backendFactory = {});
    ~MainWindow() override;

    const core::Project& project() const;
    ProjectDocument* document() const { return m_document; }
    // The .smproj folder the document was opened from or saved to; empty for a new document.
    QString projectPath() const { return m_projectPath; }
    ImageCanvas* canvas() const { return m_canvas; }
    PreviewPlayer* player() const { return m_player; }
    TimelinePanel* timeline() const { return m_timeline; }
    GenerationPanel* generationPanel() const { return m_generationPanel; }
    FrameInspector* inspector() const { return m_inspector; }
    TrainingPanel* trainingPanel() const { return m_trainingPanel; }
    ModelCatalog* catalog() const { return m_catalog; }
    core::InferenceWorker* worker() const { return m_worker; }
    QProgressBar* progressBar() const { return m_progress; }

    // The entry points behind the menus, drag and drop, recent files and the command line. Each returns
    // whether it succeeded, reports success in the status bar and failure in an error dialog.
    //
    // openImageFile() makes the image the project's source: prompt, model, sampler and frame settings stay,
    // generated frame images are dropped (they belong to the previous source), the crop is reset.
    bool openImageFile(const QString& path);
    // Uses an image from the clipboard (or the image file it names) as the source; Edit > Paste.
    bool pasteImage();
    // Opens a .smproj folder (or the project.json inside one) without asking about unsaved changes.
    bool openProjectFolder(const QString& path);
    // Saves to `path` (".smproj" appended when missing) and makes it the document's path.
    bool saveProjectTo(const QString& path);
    // Encodes the generated frames synchronously; the format follows the extension (.gif, .mp4, .webp; else a
    // PNG folder). The Export dialog (File > Export Frames...) does the same on a worker thread.
    bool exportFramesTo(const QString& path);
    // A project folder (or its project.json) opens as a project, anything else as an image.
    bool openPath(const QString& path);

    // Replaces the document, e.g. after loading or recovering it.
    void setProject(const core::Project& project, const QString& projectPath, bool modified);

    // Generation (Generate menu). They return false, with an error dialog, when nothing can start.
    bool generate();
    bool regenerateSelected();
    void cancelGeneration();
    bool isGenerating() const;
    // Frames (by uid) of the generation jobs not finished yet.
    QVector<quint64> pendingFrames() const;

    // Writes the recovery copy when there are unsaved changes (the autosave timer calls this).
    bool autosaveNow();
    // Asks (modally) whether to restore autosaves left by sessions that did not shut down cleanly.
    void offerRecovery();

    void showModelManager();
    void showSettings();
    void showExportDialog();
    void resetLayout();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Job {
        QVector<quint64> uids;  // frames of the request, in request order
        int done = 0;
    };

    void createDocks();
    void createActions();
    void chooseAndOpenImage();
    void chooseAndOpenProject();
    bool save();
    bool saveAs();
    void setModelKind(core::ModelKind kind);
    // Makes a trained checkpoint / model the project's Pix2Gif weights (Project dock, "Generate with This").
    void useTrainedModel(const QString& path);
    void syncCanvas();
    void onCropChanged(const QRect& crop);
    void updateTitle();
    bool maybeSave();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void updateInfo();
    void updateGenerationState();
    void showError(const QString& title, const QString& message);
    QString startDirectory() const;
    static QString localPathFromMime(const QMimeData* mime);

    bool startGeneration(QVector<int> indexes, bool selectedOnly);
    core::BackendLoadOptions loadOptions() const;
    core::GenerationRequest buildRequest(const QVector<int>& indexes) const;
    void onJobState(core::JobId id, core::JobState state);
    void onProgress(core::JobId id, const core::JobProgress& progress);
    void onPreview(core::JobId id, int frameIndex, const QImage& image);
    void onFrame(core::JobId id, int frameIndex, const QImage& image);
    void onFailed(core::JobId id, const QString& message);
    void onModelLoaded(core::JobId id, const core::ModelDescription& model);
    void applyMotionRange(int minimum, int maximum);

    core::GenerationBackendFactory m_backendFactory;
    ProjectDocument* m_document = nullptr;
    ModelCatalog* m_catalog = nullptr;
    core::InferenceWorker* m_worker = nullptr;
    QString m_projectPath;
    ImageCanvas* m_canvas = nullptr;
    PreviewPlayer* m_player = nullptr;
    QSplitter* m_centre = nullptr;
    TimelinePanel* m_timeline = nullptr;
    GenerationPanel* m_generationPanel = nullptr;
    FrameInspector* m_inspector = nullptr;
    TrainingPanel* m_trainingPanel = nullptr;
    QDockWidget* m_generateDock = nullptr;
    QDockWidget* m_frameDock = nullptr;
    QDockWidget* m_timelineDock = nullptr;
    QDockWidget* m_projectDock = nullptr;
    QByteArray m_defaultState;
    QLabel* m_infoLabel = nullptr;
    QLabel* m_etaLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QMenu* m_recentMenu = nullptr;
    QAction* m_pix2gifAction = nullptr;
    QAction* m_cinemoAction = nullptr;
    QAction* m_generateAction = nullptr;
    QAction* m_regenerateAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QTimer* m_autosaveTimer = nullptr;
    std::unique_ptr<core::AutosaveSession> m_autosave;
    std::unique_ptr<RecentFiles> m_recent;

    QHash<core::JobId, Job> m_jobs;  // generation jobs not finished yet
    core::JobId m_loadJob = 0;       // the model load in flight, 0 when none
    QString m_requestedModel;        // what the worker has (or is about to have) loaded
    core::BackendLoadOptions m_requestedOptions;
};

}  // namespace sm::ui
