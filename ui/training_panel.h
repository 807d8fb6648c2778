#pragma once
// The "Project" dock for training: datasets (GIFs and videos imported, their curated frame pairs, the Pix2Gif motion
// histogram of the pairs and the Cinemo SSIM-level histogram of the clips), training settings, start / pause /
// resume / stop, resume from the last checkpoint of an earlier run, live loss and learning-rate curves, sample
// frames and the checkpoints written so far.
//
// Dataset curation is real (core/bridge/dataset_curation.h, on a pool thread). Each clip is decoded once; its frame
// pairs are measured with optical flow (Pix2Gif motion) and a Cinemo sample of the same decoded frames is measured
// with SSIM (core/dataset/cinemo_curation.h: level = clamp(round(100 (1 - mean SSIM)), 0, 19)). The SSIM level
// therefore covers the first CurationOptions::maxFrames frames only (48), where `stillmotion-cli curate` reads up
// to 400: long videos can measure differently there.
//
// Training goes through the registered core::TrainingBackend; when none is registered the training controls are
// disabled and the panel says that the training engine is not available in this build (it never shows made-up
// numbers). The trainers the studio registers run on the CPU and accept float32 only, so the other precisions are
// listed but disabled, with the reason in their tooltip; a project saved with another precision opens as float32.
//
// Every training control, the trainer's own knobs included (horizontal flip, conditioning dropout, perceptual
// weight, VGG weights, sample steps, threads), maps to a core::TrainingConfig field: dataset() reads them all,
// setDataset() sets them all, and editing any of them emits datasetChanged().
//
// GUI thread only.
#include <QFutureWatcher>
#include <QHash>
#include <QVector>
#include <QWidget>

#include <atomic>
#include <memory>

#include "bridge/dataset_curation.h"
#include "bridge/training_backend.h"
#include "project/project.h"

class QCPBars;
class QDragEnterEvent;
class QDropEvent;
class QMimeData;
class QCustomPlot;
class QDoubleSpinBox;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTreeWidget;

namespace sm::ui {

class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPanel(QWidget* parent = nullptr);
    ~TrainingPanel() override;

    // Curates the clips on a pool thread; reports arrive one by one (clipCurated()). A folder adds every clip
    // under it (core::findClips); captions come from core::CaptionResolver (sidecar .txt, captions.csv/json, file
    // name). Dropping clips or folders on the panel imports them too.
    void importClips(const QStringList& paths);
    bool isCurating() const;
    const QVector<core::ClipReport>& clips() const { return m_clips; }
    QVector<core::TrainingPair> pairs() const;
    QVector<int> histogram() const;

    // Counts of clips per Cinemo SSIM level 0..19 (20 bins); unreadable clips are not counted.
    QVector<int> ssimHistogram() const;
    // The Cinemo SSIM level measured for an imported clip, or -1 (not curated, unreadable, too short).
    int ssimLevel(const QString& clipPath) const;

    // Every control's value; resume is false (resumeFromCheckpoint() sets it).
    core::TrainingSettings settings() const;
    // Where the trainer writes the checkpoint a resumed run continues from: <output>/checkpoints/last.safetensors
    // (bridge/pix2gif_training_backend.h).
    QString lastCheckpointPath() const;

    // The dataset as the project stores it: the imported clip/folder paths in import order and the training
    // settings. setDataset() replaces both (curating the sources again) without emitting datasetChanged().
    core::ProjectDataset dataset() const;
    void setDataset(const core::ProjectDataset& dataset);
    bool trainingAvailable() const { return m_backend != nullptr; }
    core::TrainingBackend* backend() const { return m_backend.get(); }

    // Starts a new run on the curated pairs; false (with the reason in the status line) when it cannot start.
    bool start();
    // Starts with settings().resume = true: the trainer continues lastCheckpointPath(). False when that file does
    // not exist or the trainer refuses.
    bool resumeFromCheckpoint();
    void pause();
    void resume();
    void stop();

    // Widgets, for tests and the screenshot.
    QLabel* banner() const { return m_banner; }
    QCustomPlot* lossPlot() const { return m_lossPlot; }
    QCustomPlot* histogramPlot() const { return m_histogramPlot; }
    QListWidget* checkpoints() const { return m_checkpoints; }
    QListWidget* samples() const { return m_samples; }
    QPushButton* startButton() const { return m_start; }
    QPushButton* pauseButton() const { return m_pause; }
    QPushButton* stopButton() const { return m_stop; }
    QPushButton* resumeRunButton() const { return m_resumeRun; }
    QPushButton* useModelButton() const { return m_useModel; }
    QTreeWidget* clipList() const { return m_clipList; }
    QPushButton* removeClipsButton() const { return m_removeClips; }
    QTabWidget* tabs() const { return m_tabs; }
    QCustomPlot* ssimHistogramPlot() const { return m_ssimPlot; }
    QLineEdit* outputEdit() const { return m_output; }
    QDoubleSpinBox* learningRateBox() const { return m_learningRate; }
    QComboBox* precisionBox() const { return m_precision; }
    QCheckBox* horizontalFlipBox() const { return m_flip; }
    QCheckBox* trainTextEncoderBox() const { return m_trainTextEncoder; }
    QDoubleSpinBox* conditioningDropoutBox() const { return m_conditioningDropout; }
    QDoubleSpinBox* perceptualWeightBox() const { return m_perceptualWeight; }
    QLineEdit* vggWeightsEdit() const { return m_vggWeights; }
    QLabel* vggHint() const { return m_vggHint; }
    QSpinBox* sampleStepsBox() const { return m_sampleSteps; }
    QSpinBox* threadsBox() const { return m_threads; }
    void setBaseModels(const QStringList& paths);

Q_SIGNALS:
    void clipCurated(const sm::core::ClipReport& report);
    void curationFinished();
    // The user imported or removed sources or changed a training setting (the project is modified).
    void datasetChanged();
    // "Generate with This" or a double-click on a checkpoint or the finished model: the main window adds the file
    // to the model catalog and makes it the project's Pix2Gif weights.
    void useForGenerationRequested(const QString& modelPath);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    static QStringList droppedPaths(const QMimeData* mime);
    void excludeFromFolderSource(const QString& clipPath);
    void addFinishedModel();
    void buildDatasetTab();
    void buildTrainingTab();
    bool startTraining(bool resume);
    void addReport(const core::ClipReport& report, int ssimLevel);
    void updateVggHint();
    void refreshDataset();
    void onState(core::TrainingState state);
    void onMetrics(const core::TrainingMetrics& metrics);
    void updateButtons();

    std::unique_ptr<core::TrainingBackend> m_backend;
    core::TrainingState m_state = core::TrainingState::Idle;
    QVector<core::ClipReport> m_clips;
    QHash<QString, int> m_ssimLevels;  // clip path -> Cinemo SSIM level, -1 when it could not be measured
    QFutureWatcher<void>* m_curation = nullptr;
    std::shared_ptr<std::atomic<bool>> m_curationCancel;
    QStringList m_pendingImports;
    QStringList m_sources;          // what the user imported, in order (saved with the project)
    bool m_settingDataset = false;  // setDataset() in progress: no datasetChanged()

    QTabWidget* m_tabs = nullptr;
    QLabel* m_banner = nullptr;
    QTreeWidget* m_clipList = nullptr;
    QTreeWidget* m_pairList = nullptr;
    QLabel* m_datasetSummary = nullptr;
    QCustomPlot* m_histogramPlot = nullptr;
    QCPBars* m_histogramBars = nullptr;
    QCustomPlot* m_ssimPlot = nullptr;
    QCPBars* m_ssimBars = nullptr;
    QComboBox* m_baseModel = nullptr;
    QLineEdit* m_output = nullptr;
    QDoubleSpinBox* m_learningRate = nullptr;
    QSpinBox* m_warmup = nullptr;
    QSpinBox* m_batch = nullptr;
    QSpinBox* m_accumulation = nullptr;
    QSpinBox* m_maxSteps = nullptr;
    QSpinBox* m_checkpointEvery = nullptr;
    QSpinBox* m_sampleEvery = nullptr;
    QCheckBox* m_ema = nullptr;
    QComboBox* m_precision = nullptr;
    QCheckBox* m_flip = nullptr;
    QCheckBox* m_trainTextEncoder = nullptr;
    QDoubleSpinBox* m_conditioningDropout = nullptr;
    QDoubleSpinBox* m_perceptualWeight = nullptr;
    QLineEdit* m_vggWeights = nullptr;
    QLabel* m_vggHint = nullptr;
    QSpinBox* m_sampleSteps = nullptr;
    QSpinBox* m_threads = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_resumeRun = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_useModel = nullptr;
    QPushButton* m_removeClips = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_trainingStatus = nullptr;
    QCustomPlot* m_lossPlot = nullptr;
    QListWidget* m_samples = nullptr;
    QListWidget* m_checkpoints = nullptr;
    QWidget* m_trainingWidgets = nullptr;
};

}  // namespace sm::ui
