#pragma once
// The "Project" dock for training: datasets (GIFs and videos imported, their curated frame pairs and the motion
// histogram of the pairs), training settings, start / pause / resume / stop, live loss and learning-rate curves,
// sample frames and the checkpoints written so far.
//
// Dataset curation is real (core/bridge/dataset_curation.h, on a pool thread). Training goes through the
// registered core::TrainingBackend; when none is registered the training controls are disabled and the panel says
// that the training engine is not available in this build (it never shows made-up numbers).
//
// GUI thread only.
#include <QFutureWatcher>
#include <QVector>
#include <QWidget>

#include <atomic>
#include <memory>

#include "bridge/dataset_curation.h"
#include "bridge/training_backend.h"

class QCPBars;
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

    // Curates the clips on a pool thread; reports arrive one by one (clipCurated()).
    void importClips(const QStringList& paths);
    bool isCurating() const;
    const QVector<core::ClipReport>& clips() const { return m_clips; }
    QVector<core::TrainingPair> pairs() const;
    QVector<int> histogram() const;

    core::TrainingSettings settings() const;
    bool trainingAvailable() const { return m_backend != nullptr; }
    core::TrainingBackend* backend() const { return m_backend.get(); }

    bool start();
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
    QTabWidget* tabs() const { return m_tabs; }
    void setBaseModels(const QStringList& paths);

Q_SIGNALS:
    void clipCurated(const sm::core::ClipReport& report);
    void curationFinished();

private:
    void buildDatasetTab();
    void buildTrainingTab();
    void addReport(const core::ClipReport& report);
    void refreshDataset();
    void onState(core::TrainingState state);
    void onMetrics(const core::TrainingMetrics& metrics);
    void updateButtons();

    std::unique_ptr<core::TrainingBackend> m_backend;
    core::TrainingState m_state = core::TrainingState::Idle;
    QVector<core::ClipReport> m_clips;
    QFutureWatcher<void>* m_curation = nullptr;
    std::shared_ptr<std::atomic<bool>> m_curationCancel;
    QStringList m_pendingImports;

    QTabWidget* m_tabs = nullptr;
    QLabel* m_banner = nullptr;
    QTreeWidget* m_clipList = nullptr;
    QTreeWidget* m_pairList = nullptr;
    QLabel* m_datasetSummary = nullptr;
    QCustomPlot* m_histogramPlot = nullptr;
    QCPBars* m_histogramBars = nullptr;
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
    QPushButton* m_start = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_stop = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_trainingStatus = nullptr;
    QCustomPlot* m_lossPlot = nullptr;
    QListWidget* m_samples = nullptr;
    QListWidget* m_checkpoints = nullptr;
    QWidget* m_trainingWidgets = nullptr;
};

}  // namespace sm::ui
