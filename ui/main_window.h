#pragma once
// The studio's main window: one project document, shown as its source image on the ImageCanvas with the
// model's crop rectangle. File menu: open image (also by drag and drop and recent files), open/save project,
// export generated frames; Model menu: Pix2Gif or Cinemo (sets the crop aspect). Later issues add the timeline,
// the generation worker and the panels.
//
// Errors are shown as window-modal message boxes opened with QMessageBox::open() (they do not block the
// caller), and repeated in the status bar. Unsaved changes are autosaved every minute (core/project/autosave.h)
// and offered for recovery after a crash (offerRecovery(), called by main()).
// GUI thread only.
#include <QMainWindow>
#include <QRect>
#include <QString>

#include <memory>

#include "project/project.h"

class QAction;
class QLabel;
class QMenu;
class QMimeData;
class QTimer;

namespace sm::core {
class AutosaveSession;
}

namespace sm::ui {

class ImageCanvas;
class RecentFiles;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    const core::Project& project() const { return m_project; }
    // The .smproj folder the document was opened from or saved to; empty for a new document.
    QString projectPath() const { return m_projectPath; }
    ImageCanvas* canvas() const { return m_canvas; }

    // The entry points behind the menus, drag and drop, recent files and the command line. Each returns
    // whether it succeeded, reports success in the status bar and failure in an error dialog.
    //
    // openImageFile() makes the image the project's source: prompt, model, sampler and frame settings stay,
    // generated frame images are dropped (they belong to the previous source), the crop is reset.
    bool openImageFile(const QString& path);
    // Opens a .smproj folder (or the project.json inside one) without asking about unsaved changes.
    bool openProjectFolder(const QString& path);
    // Saves to `path` (".smproj" appended when missing) and makes it the document's path.
    bool saveProjectTo(const QString& path);
    // Encodes the generated frames; the format follows the extension (.gif, .mp4, .webp; else a PNG folder).
    bool exportFramesTo(const QString& path);
    // A project folder (or its project.json) opens as a project, anything else as an image.
    bool openPath(const QString& path);

    // Replaces the document, e.g. after loading or recovering it.
    void setProject(const core::Project& project, const QString& projectPath, bool modified);

    // Writes the recovery copy when there are unsaved changes (the autosave timer calls this).
    bool autosaveNow();
    // Asks (modally) whether to restore autosaves left by sessions that did not shut down cleanly.
    void offerRecovery();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void chooseAndOpenImage();
    void chooseAndOpenProject();
    bool save();
    bool saveAs();
    void chooseAndExport();
    void setModelKind(core::ModelKind kind);
    void onCropChanged(const QRect& crop);
    void setModified(bool modified);
    bool maybeSave();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void updateInfo();
    void showError(const QString& title, const QString& message);
    QString startDirectory() const;
    static QString localPathFromMime(const QMimeData* mime);

    core::Project m_project;
    QString m_projectPath;
    ImageCanvas* m_canvas = nullptr;
    QLabel* m_infoLabel = nullptr;
    QMenu* m_recentMenu = nullptr;
    QAction* m_pix2gifAction = nullptr;
    QAction* m_cinemoAction = nullptr;
    QTimer* m_autosaveTimer = nullptr;
    std::unique_ptr<core::AutosaveSession> m_autosave;
    std::unique_ptr<RecentFiles> m_recent;
};

}  // namespace sm::ui
