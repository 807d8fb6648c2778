#include "training_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <cstdint>

#include "dataset/clip_captions.h"
#include "qcustomplot_include.h"

namespace sm::ui {

namespace {

constexpr int kMinMotion = 2;
constexpr int kMaxMotion = 19;
constexpr int kMaxSsimLevel = 19;  // Cinemo levels are 0..19
// The Cinemo sample of each clip is drawn with this seed, so a clip always measures the same level.
constexpr std::uint64_t kSsimSampleSeed = 0;
// The precisions the registered trainers accept. Both run on the CPU (bridge/pix2gif_training_backend.h), where
// training is float32 only; the others stay listed (disabled) so the user sees why they are not offered.
const QStringList kTrainerPrecisions{QStringLiteral("float32")};

QString durationText(double seconds) {
    if (seconds < 0)
        return QStringLiteral("\u2013");
    const qint64 s = qint64(std::lround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

void stylePlot(QCustomPlot* plot) {
    const QColor background(36, 36, 39);
    const QColor axis(150, 150, 158);
    plot->setBackground(background);
    for (QCPAxis* a : {plot->xAxis, plot->yAxis, plot->yAxis2}) {
        a->setBasePen(QPen(axis));
        a->setTickPen(QPen(axis));
        a->setSubTickPen(QPen(axis));
        a->setTickLabelColor(axis);
        a->setLabelColor(axis);
        a->grid()->setPen(QPen(QColor(60, 60, 66), 1, Qt::DotLine));
    }
    plot->legend->setBrush(QColor(45, 45, 50, 220));
    plot->legend->setTextColor(axis);
    plot->legend->setBorderPen(QPen(QColor(70, 70, 76)));
}

}  // namespace

TrainingPanel::TrainingPanel(QWidget* parent) : QWidget(parent), m_curation(new QFutureWatcher<void>(this)) {
    setAcceptDrops(true);  // clips and folders dropped anywhere on the panel are imported
    qRegisterMetaType<sm::core::ClipReport>();
    m_backend = core::createTrainingBackend();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_banner = new QLabel;
    m_banner->setWordWrap(true);
    m_banner->setMargin(6);
    if (!m_backend) {
        m_banner->setText(
            tr("The training engine is not available in this build. You can import and curate "
               "datasets; training needs a build with the trainer."));
        m_banner->setStyleSheet(QStringLiteral("background:#4a3b1c;color:#f0d9a0;border-radius:4px;"));
    } else {
        m_banner->setText(tr("Trainer: %1").arg(core::trainingBackendName()));
        m_banner->setForegroundRole(QPalette::PlaceholderText);
    }
    layout->addWidget(m_banner);
    m_tabs = new QTabWidget;
    layout->addWidget(m_tabs, 1);
    buildDatasetTab();
    buildTrainingTab();

    if (m_backend) {
        connect(m_backend.get(), &core::TrainingBackend::stateChanged, this, &TrainingPanel::onState);
        connect(m_backend.get(), &core::TrainingBackend::metricsReady, this, &TrainingPanel::onMetrics);
        connect(m_backend.get(), &core::TrainingBackend::sampleReady, this, [this](int step, const QImage& frame) {
            auto* item = new QListWidgetItem(
                QIcon(QPixmap::fromImage(frame.scaled(96, 96, Qt::KeepAspectRatio, Qt::SmoothTransformation))),
                tr("step %1").arg(step));
            m_samples->addItem(item);
            m_samples->scrollToItem(item);
        });
        connect(m_backend.get(), &core::TrainingBackend::checkpointSaved, this, [this](int step, const QString& path) {
            auto* item = new QListWidgetItem(tr("step %1 \u2014 %2").arg(step).arg(QFileInfo(path).fileName()));
            item->setToolTip(QDir::toNativeSeparators(path));
            item->setData(Qt::UserRole, path);
            m_checkpoints->addItem(item);
            updateButtons();  // a run that wrote a checkpoint can be resumed later
        });
        connect(m_backend.get(), &core::TrainingBackend::failed, this,
                [this](const QString& message) { m_trainingStatus->setText(tr("Training failed: %1").arg(message)); });
    }
    connect(m_curation, &QFutureWatcher<void>::finished, this, [this] {
        if (!m_pendingImports.isEmpty()) {
            const QStringList next = m_pendingImports;
            m_pendingImports.clear();
            importClips(next);
            return;
        }
        Q_EMIT curationFinished();
    });
    refreshDataset();
}

TrainingPanel::~TrainingPanel() {
    if (m_curationCancel)
        m_curationCancel->store(true);
    m_curation->waitForFinished();
}

void TrainingPanel::buildDatasetTab() {
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    auto* buttons = new QHBoxLayout;
    auto* import = new QPushButton(tr("Import GIFs/Videos\u2026"));
    import->setToolTip(
        tr("Add clips to the dataset. Frame pairs are measured with optical flow; pairs whose motion "
           "lies in 2–19 are kept, at most 10 per clip, spread over that range."));
    auto* importFolder = new QPushButton(tr("Import Folder\u2026"));
    importFolder->setToolTip(
        tr("Add every GIF and video in a folder and its subfolders. Captions come from a sidecar <clip>.txt, "
           "then captions.csv or captions.json in the clip's folder, then the file name. You can also drop "
           "clips and folders on this panel."));
    auto* remove = m_removeClips = new QPushButton(tr("Remove"));
    remove->setToolTip(tr("Remove the selected clips from the dataset."));
    buttons->addWidget(import);
    buttons->addWidget(importFolder);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    m_datasetSummary = new QLabel;
    buttons->addWidget(m_datasetSummary);
    layout->addLayout(buttons);

    auto* splitter = new QSplitter(Qt::Vertical);
    m_clipList = new QTreeWidget;
    m_clipList->setRootIsDecorated(false);
    m_clipList->setHeaderLabels({tr("Clip"), tr("Frames"), tr("Pairs kept"), tr("Caption")});
    m_clipList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_clipList->setIconSize(QSize(40, 40));
    m_clipList->setToolTip(
        tr("Imported clips: frames read, pairs kept of those measured, and the caption (from a sidecar "
           "<clip>.txt, captions.csv or captions.json beside the clip, or else the file name)."));
    splitter->addWidget(m_clipList);
    m_pairList = new QTreeWidget;
    m_pairList->setRootIsDecorated(false);
    m_pairList->setHeaderLabels({tr("Clip"), tr("Frames"), tr("Motion"), tr("Flow (px)")});
    m_pairList->setToolTip(
        tr("The curated training pairs: a start frame, a later frame and the motion between "
           "them, which the model learns to reproduce."));
    splitter->addWidget(m_pairList);
    m_histogramPlot = new QCustomPlot;
    m_histogramPlot->setMinimumHeight(140);
    m_histogramPlot->setToolTip(
        tr("How many pairs teach each motion value. A flat histogram trains all motion "
           "values equally well."));
    stylePlot(m_histogramPlot);
    m_histogramBars = new QCPBars(m_histogramPlot->xAxis, m_histogramPlot->yAxis);
    m_histogramBars->setWidth(0.8);
    m_histogramBars->setBrush(QColor(64, 132, 214));
    m_histogramBars->setPen(Qt::NoPen);
    m_histogramPlot->xAxis->setLabel(tr("motion"));
    m_histogramPlot->yAxis->setLabel(tr("pairs"));
    m_histogramPlot->xAxis->setRange(kMinMotion - 0.7, kMaxMotion + 0.7);
    // Beside it, Cinemo's measure of the same clips: one SSIM level per clip (a sample of 16 frames).
    m_ssimPlot = new QCustomPlot;
    m_ssimPlot->setMinimumHeight(140);
    m_ssimPlot->setToolTip(
        tr("Cinemo motion level of each clip: 100 \u00d7 (1 \u2212 mean SSIM) of consecutive frames of a 16-frame "
           "sample, 0 = still, 19 = most motion. Measured on the frames read for curation."));
    stylePlot(m_ssimPlot);
    m_ssimBars = new QCPBars(m_ssimPlot->xAxis, m_ssimPlot->yAxis);
    m_ssimBars->setWidth(0.8);
    m_ssimBars->setBrush(QColor(214, 140, 64));
    m_ssimBars->setPen(Qt::NoPen);
    m_ssimPlot->xAxis->setLabel(tr("SSIM motion level"));
    m_ssimPlot->yAxis->setLabel(tr("clips"));
    m_ssimPlot->xAxis->setRange(-0.7, kMaxSsimLevel + 0.7);
    auto* histograms = new QWidget;
    auto* histogramRow = new QHBoxLayout(histograms);
    histogramRow->setContentsMargins(0, 0, 0, 0);
    histogramRow->addWidget(m_histogramPlot, 1);
    histogramRow->addWidget(m_ssimPlot, 1);
    splitter->addWidget(histograms);
    layout->addWidget(splitter, 1);
    m_tabs->addTab(page, tr("Dataset"));

    connect(import, &QPushButton::clicked, this, [this] {
        const QStringList paths = QFileDialog::getOpenFileNames(
            this, tr("Import Clips"), QStandardPaths::writableLocation(QStandardPaths::MoviesLocation),
            tr("Animations and videos (*.gif *.webp *.mp4 *.mov *.mkv *.webm *.avi);;All files (*)"));
        if (!paths.isEmpty())
            importClips(paths);
    });
    connect(importFolder, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(
            this, tr("Import Folder"), QStandardPaths::writableLocation(QStandardPaths::MoviesLocation));
        if (!folder.isEmpty())
            importClips({folder});
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const QList<QTreeWidgetItem*> selected = m_clipList->selectedItems();
        for (QTreeWidgetItem* item : selected) {
            const QString path = item->data(0, Qt::UserRole).toString();
            m_clips.erase(std::remove_if(m_clips.begin(), m_clips.end(),
                                         [&path](const core::ClipReport& r) { return r.path == path; }),
                          m_clips.end());
            if (!m_sources.removeAll(path))
                excludeFromFolderSource(path);
        }
        refreshDataset();
        if (!selected.isEmpty())
            Q_EMIT datasetChanged();
    });
}

void TrainingPanel::buildTrainingTab() {
    auto* page = new QWidget;
    auto* layout = new QHBoxLayout(page);
    m_trainingWidgets = new QWidget;
    auto* left = new QVBoxLayout(m_trainingWidgets);
    left->setContentsMargins(0, 0, 0, 0);
    // The settings scroll: with the trainer's own knobs they are taller than a docked panel.
    auto* formWidget = new QWidget;
    auto* form = new QFormLayout(formWidget);
    m_baseModel = new QComboBox;
    m_baseModel->setEditable(true);
    m_baseModel->setToolTip(
        tr("The weights training starts from: a Pix2Gif checkpoint to fine-tune, or Stable "
           "Diffusion 1.5 to train a new one."));
    form->addRow(tr("Start from"), m_baseModel);
    m_output = new QLineEdit(
        QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("training")));
    m_output->setToolTip(tr("Checkpoints and sample frames are written here."));
    form->addRow(tr("Output folder"), m_output);
    m_learningRate = new QDoubleSpinBox;
    m_learningRate->setDecimals(7);
    m_learningRate->setRange(1e-7, 1e-2);
    m_learningRate->setSingleStep(1e-5);
    m_learningRate->setValue(1e-4);
    m_learningRate->setToolTip(
        tr("Step size of the optimiser. Too high ruins the model; too low learns nothing. "
           "Pix2Gif used 0.0001."));
    form->addRow(tr("Learning rate"), m_learningRate);
    m_warmup = new QSpinBox;
    m_warmup->setRange(0, 100000);
    m_warmup->setValue(10000);
    m_warmup->setToolTip(
        tr("Steps over which the learning rate rises from almost zero, so the first updates do "
           "not damage the starting weights."));
    form->addRow(tr("Warm-up steps"), m_warmup);
    m_batch = new QSpinBox;
    m_batch->setRange(1, 64);
    m_batch->setValue(2);
    m_batch->setToolTip(tr("Pairs per step. Larger batches need more memory."));
    form->addRow(tr("Batch size"), m_batch);
    m_accumulation = new QSpinBox;
    m_accumulation->setRange(1, 256);
    m_accumulation->setValue(8);
    m_accumulation->setToolTip(
        tr("Steps whose gradients are summed before one update: a larger effective batch "
           "without more memory."));
    form->addRow(tr("Gradient accumulation"), m_accumulation);
    m_maxSteps = new QSpinBox;
    m_maxSteps->setRange(1, 10000000);
    m_maxSteps->setValue(25000);
    m_maxSteps->setToolTip(
        tr("Training stops after this many updates. The published checkpoints used about "
           "25 000."));
    form->addRow(tr("Steps"), m_maxSteps);
    m_checkpointEvery = new QSpinBox;
    m_checkpointEvery->setRange(1, 1000000);
    m_checkpointEvery->setValue(1000);
    m_checkpointEvery->setToolTip(tr("Write a checkpoint every this many steps; each one can be loaded as a model."));
    form->addRow(tr("Checkpoint every"), m_checkpointEvery);
    m_sampleEvery = new QSpinBox;
    m_sampleEvery->setRange(1, 1000000);
    m_sampleEvery->setValue(2000);
    m_sampleEvery->setToolTip(tr("Generate a sample frame every this many steps to watch progress."));
    form->addRow(tr("Sample every"), m_sampleEvery);
    m_ema = new QCheckBox(tr("Exponential moving average"));
    m_ema->setChecked(true);
    m_ema->setToolTip(tr("Keep a smoothed copy of the weights; it usually generates better than the raw weights."));
    form->addRow(QString(), m_ema);
    m_precision = new QComboBox;
    m_precision->addItems({QStringLiteral("float32"), QStringLiteral("float16"), QStringLiteral("bfloat16")});
    // Precisions the trainer would refuse at start stay visible but disabled, each saying why.
    if (auto* model = qobject_cast<QStandardItemModel*>(m_precision->model())) {
        for (int row = 0; row < model->rowCount(); ++row) {
            QStandardItem* item = model->item(row);
            if (kTrainerPrecisions.contains(item->text()))
                continue;
            item->setEnabled(false);
            item->setToolTip(
                tr("Not available: the trainer runs on the CPU, which trains in float32 only. "
                   "Half precision needs a GPU trainer."));
        }
    }
    m_precision->setToolTip(
        tr("Number format for training. The CPU trainer trains in float32 only, so float16 and bfloat16 are "
           "disabled."));
    form->addRow(tr("Precision"), m_precision);

    // Pix2Gif's own training knobs (defaults are the authors'): what each does to the trained model.
    m_flip = new QCheckBox(tr("Random horizontal flip"));
    m_flip->setChecked(true);
    m_flip->setToolTip(
        tr("Mirror half of the pairs (source and target together). Doubles the variety of the data; the model "
           "then moves things left and right equally well. Turn it off when the direction matters, e.g. text."));
    form->addRow(QString(), m_flip);
    m_trainTextEncoder = new QCheckBox(tr("Train the text encoder"));
    m_trainTextEncoder->setToolTip(
        tr("Also train the CLIP text encoder. Leave it off when fine-tuning a Stable Diffusion or InstructPix2Pix "
           "model: their CLIP already understands prompts (the authors keep it frozen). Turn it on for a model "
           "built from scratch, whose random text encoder otherwise hides words such as directions from the "
           "model."));
    form->addRow(QString(), m_trainTextEncoder);
    m_conditioningDropout = new QDoubleSpinBox;
    m_conditioningDropout->setDecimals(3);
    m_conditioningDropout->setRange(0.0, 0.3);
    m_conditioningDropout->setSingleStep(0.01);
    m_conditioningDropout->setValue(0.05);
    m_conditioningDropout->setToolTip(
        tr("How often the prompt, the source image or both are hidden from the model during training (this "
           "fraction each). It teaches the unconditional predictions that the guidance scales need; 0 makes the "
           "guidance scales ineffective. Pix2Gif used 0.05."));
    form->addRow(tr("Conditioning dropout"), m_conditioningDropout);
    m_perceptualWeight = new QDoubleSpinBox;
    m_perceptualWeight->setDecimals(4);
    m_perceptualWeight->setRange(0.0, 1.0);
    m_perceptualWeight->setSingleStep(0.005);
    m_perceptualWeight->setValue(0.01);
    m_perceptualWeight->setToolTip(
        tr("Weight of the perceptual loss, which compares VGG features of the generated and the real frame: "
           "higher keeps textures and edges of the source sharper, too high smears the motion. 0 turns it off. "
           "Pix2Gif used 0.01."));
    form->addRow(tr("Perceptual loss weight"), m_perceptualWeight);
    m_vggWeights = new QLineEdit;
    m_vggWeights->setPlaceholderText(tr("none: random VGG features"));
    m_vggWeights->setToolTip(
        tr("VGG19 ImageNet weights file (torchvision vgg19-dcbc3e09.pth); without it the perceptual loss uses "
           "fixed random VGG features."));
    auto* browseVgg = new QToolButton;
    browseVgg->setText(QStringLiteral("\u2026"));
    browseVgg->setToolTip(tr("Choose the VGG19 weights file."));
    auto* vggRow = new QHBoxLayout;
    vggRow->setContentsMargins(0, 0, 0, 0);
    vggRow->addWidget(m_vggWeights, 1);
    vggRow->addWidget(browseVgg);
    form->addRow(tr("VGG19 weights"), vggRow);
    m_vggHint =
        new QLabel(tr("Without VGG19 weights the perceptual loss uses fixed random VGG features, which guide it less "
                      "well than ImageNet features."));
    m_vggHint->setWordWrap(true);
    m_vggHint->setForegroundRole(QPalette::PlaceholderText);
    m_vggHint->setToolTip(m_vggWeights->toolTip());
    form->addRow(QString(), m_vggHint);
    m_sampleSteps = new QSpinBox;
    m_sampleSteps->setRange(1, 200);
    m_sampleSteps->setValue(20);
    m_sampleSteps->setToolTip(
        tr("Denoising steps (DPM++ 2M Karras) of each sample frame. More steps give cleaner samples and take "
           "longer; they do not change the trained weights."));
    form->addRow(tr("Sample steps"), m_sampleSteps);
    m_threads = new QSpinBox;
    m_threads->setRange(0, 256);
    m_threads->setValue(0);
    m_threads->setSpecialValueText(tr("All cores"));
    m_threads->setToolTip(
        tr("CPU threads the trainer uses. Fewer keep the computer responsive and make training slower; the "
           "result is the same."));
    form->addRow(tr("Threads"), m_threads);
    auto* scroll = new QScrollArea;
    scroll->setWidget(formWidget);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    left->addWidget(scroll, 2);
    connect(browseVgg, &QToolButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("VGG19 Weights"), QFileInfo(m_vggWeights->text()).absolutePath(),
                                         tr("PyTorch weights (*.pth *.pt *.safetensors);;All files (*)"));
        if (!path.isEmpty())
            m_vggWeights->setText(path);
    });
    connect(m_vggWeights, &QLineEdit::textChanged, this, &TrainingPanel::updateVggHint);
    connect(m_perceptualWeight, &QDoubleSpinBox::valueChanged, this, &TrainingPanel::updateVggHint);
    // Whether the output folder holds a run to resume.
    connect(m_output, &QLineEdit::textChanged, this, &TrainingPanel::updateButtons);
    // Every training setting belongs to the project: a change marks it modified (setDataset() stays silent).
    const auto changed = [this] {
        if (!m_settingDataset)
            Q_EMIT datasetChanged();
    };
    connect(m_baseModel, &QComboBox::currentTextChanged, this, changed);
    connect(m_output, &QLineEdit::textChanged, this, changed);
    connect(m_learningRate, &QDoubleSpinBox::valueChanged, this, changed);
    for (QSpinBox* box : {m_warmup, m_batch, m_accumulation, m_maxSteps, m_checkpointEvery, m_sampleEvery})
        connect(box, &QSpinBox::valueChanged, this, changed);
    connect(m_ema, &QCheckBox::toggled, this, changed);
    connect(m_precision, &QComboBox::currentTextChanged, this, changed);
    connect(m_flip, &QCheckBox::toggled, this, changed);
    connect(m_trainTextEncoder, &QCheckBox::toggled, this, changed);
    connect(m_conditioningDropout, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_perceptualWeight, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_vggWeights, &QLineEdit::textChanged, this, changed);
    for (QSpinBox* box : {m_sampleSteps, m_threads})
        connect(box, &QSpinBox::valueChanged, this, changed);

    auto* buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("Start"));
    m_start->setToolTip(tr("Start training on the curated pairs."));
    m_pause = new QPushButton(tr("Pause"));
    m_pause->setToolTip(tr("Pause after the current step; Resume continues where it stopped."));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setToolTip(tr("End training after the current step and write a last checkpoint."));
    m_resumeRun = new QPushButton(tr("Resume from Last Checkpoint"));
    m_resumeRun->setToolTip(
        tr("Continue an earlier run from the last checkpoint in the output folder (checkpoints/"
           "last.safetensors) with its step count, optimiser state and learning-rate schedule, instead of "
           "starting over."));
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_resumeRun);
    left->addLayout(buttons);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    left->addWidget(m_progress);
    m_trainingStatus = new QLabel;
    m_trainingStatus->setWordWrap(true);
    left->addWidget(m_trainingStatus);
    left->addWidget(new QLabel(tr("Checkpoints")));
    m_checkpoints = new QListWidget;
    m_checkpoints->setToolTip(
        tr("Checkpoints written so far, and the finished model. Double-click one (or select it and press "
           "Generate with This) to generate with it in the studio."));
    left->addWidget(m_checkpoints, 1);
    m_useModel = new QPushButton(tr("Generate with This"));
    m_useModel->setToolTip(tr("Add the selected checkpoint or model to the Model Manager and generate with it."));
    m_useModel->setEnabled(false);
    left->addWidget(m_useModel);
    connect(m_checkpoints, &QListWidget::itemSelectionChanged, this,
            [this] { m_useModel->setEnabled(!m_checkpoints->selectedItems().isEmpty()); });
    connect(m_checkpoints, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem* item) {
        Q_EMIT useForGenerationRequested(item->data(Qt::UserRole).toString());
    });
    connect(m_useModel, &QPushButton::clicked, this, [this] {
        const QList<QListWidgetItem*> selected = m_checkpoints->selectedItems();
        if (!selected.isEmpty())
            Q_EMIT useForGenerationRequested(selected.first()->data(Qt::UserRole).toString());
    });
    layout->addWidget(m_trainingWidgets, 2);

    auto* right = new QVBoxLayout;
    m_lossPlot = new QCustomPlot;
    m_lossPlot->setMinimumSize(240, 160);
    m_lossPlot->setToolTip(tr("Training loss (should fall and level off) and the learning rate (right axis)."));
    stylePlot(m_lossPlot);
    m_lossPlot->addGraph(m_lossPlot->xAxis, m_lossPlot->yAxis);
    m_lossPlot->graph(0)->setName(tr("loss"));
    m_lossPlot->graph(0)->setPen(QPen(QColor(120, 180, 255), 1.5));
    m_lossPlot->addGraph(m_lossPlot->xAxis, m_lossPlot->yAxis2);
    m_lossPlot->graph(1)->setName(tr("learning rate"));
    m_lossPlot->graph(1)->setPen(QPen(QColor(240, 170, 60), 1.5));
    m_lossPlot->yAxis2->setVisible(true);
    m_lossPlot->xAxis->setLabel(tr("step"));
    m_lossPlot->yAxis->setLabel(tr("loss"));
    m_lossPlot->yAxis2->setLabel(tr("learning rate"));
    m_lossPlot->legend->setVisible(true);
    right->addWidget(m_lossPlot, 3);
    right->addWidget(new QLabel(tr("Sample frames")));
    m_samples = new QListWidget;
    m_samples->setViewMode(QListView::IconMode);
    m_samples->setFlow(QListView::LeftToRight);
    m_samples->setWrapping(false);
    m_samples->setIconSize(QSize(72, 72));
    m_samples->setMinimumHeight(100);
    m_samples->setToolTip(tr("Frames generated with the weights as they train."));
    right->addWidget(m_samples, 1);
    layout->addLayout(right, 3);
    m_tabs->addTab(page, tr("Training"));

    connect(m_start, &QPushButton::clicked, this, [this] {
        if (m_state == core::TrainingState::Paused)
            resume();
        else
            start();
    });
    connect(m_pause, &QPushButton::clicked, this, &TrainingPanel::pause);
    connect(m_stop, &QPushButton::clicked, this, &TrainingPanel::stop);
    connect(m_resumeRun, &QPushButton::clicked, this, &TrainingPanel::resumeFromCheckpoint);
    if (!m_backend)
        m_trainingStatus->setText(tr("Training engine not available in this build."));
    updateVggHint();
}

// The hint matters only while the perceptual loss is on and no ImageNet weights are given.
void TrainingPanel::updateVggHint() {
    m_vggHint->setVisible(m_perceptualWeight->value() > 0 && m_vggWeights->text().trimmed().isEmpty());
}

void TrainingPanel::setBaseModels(const QStringList& paths) {
    const QString current = m_baseModel->currentText();
    m_baseModel->clear();
    for (const QString& path : paths)
        m_baseModel->addItem(QFileInfo(path).fileName(), path);
    const int index = m_baseModel->findData(current);
    if (index >= 0)
        m_baseModel->setCurrentIndex(index);
}

// Curation decodes and measures clips, which takes seconds per clip: one pool task at a time, reports posted back
// as each clip finishes; imports requested meanwhile wait their turn.
void TrainingPanel::importClips(const QStringList& paths) {
    bool added = false;
    for (const QString& path : paths) {
        if (!m_sources.contains(path)) {
            m_sources.append(path);
            added = true;
        }
    }
    if (added && !m_settingDataset)
        Q_EMIT datasetChanged();
    if (m_curation->isRunning()) {
        m_pendingImports.append(paths);
        return;
    }
    m_curationCancel = std::make_shared<std::atomic<bool>>(false);
    const std::shared_ptr<std::atomic<bool>> cancel = m_curationCancel;
    m_datasetSummary->setText(tr("measuring motion in %n clip(s)\u2026", nullptr, int(paths.size())));
    // Reports hop back to this panel one by one; the destructor cancels and waits, so `this` outlives the task.
    // What core::curateClip() does, plus the Cinemo SSIM level of the frames already decoded: SSIM of at most 15
    // consecutive pairs costs little next to the optical flow of the pairs, and decoding once serves both.
    m_curation->setFuture(QtConcurrent::run([this, paths, cancel] {
        const core::CurationOptions options;
        core::CaptionResolver captions;
        QStringList clips;
        for (const QString& path : paths) {
            if (!QFileInfo(path).isDir()) {
                clips.append(path);
                continue;
            }
            const QStringList found = core::findClips(path, cancel.get());
            if (found.isEmpty() && !cancel->load()) {
                // Listed like an unreadable clip, so the user sees why nothing was added.
                core::ClipReport report;
                report.path = path;
                report.error = tr("no GIF or video files in this folder (%1)")
                                   .arg(core::clipSuffixes().join(QStringLiteral(", ")));
                QMetaObject::invokeMethod(
                    this, [this, report] { addReport(report, -1); }, Qt::QueuedConnection);
            }
            clips += found;
        }
        for (const QString& path : clips) {
            if (cancel->load())
                return;
            core::ClipReport report;
            report.path = path;
            report.caption = captions.captionFor(path);
            int ssimLevel = -1;
            QVector<QImage> frames;
            if (core::decodeClipFrames(path, std::max(2, options.maxFrames), &frames, &report.size, &report.fps,
                                       &report.error, cancel.get())) {
                report.thumbnail = frames.front().scaled(96, 96, Qt::KeepAspectRatio, Qt::SmoothTransformation);
                core::measureClipPairs(frames, options, &report, cancel.get());
                const core::CinemoSampleOptions sampleOptions;
                int stride = 0;
                const QVector<int> indexes =
                    core::cinemoFrameIndexes(int(frames.size()), sampleOptions, kSsimSampleSeed, &stride);
                QVector<QImage> sample;
                for (int index : indexes)
                    sample.append(frames.at(index));
                if (report.ok() && sample.size() >= 2)
                    ssimLevel = core::measureCinemoFrames(sample, sampleOptions.analysisSide).level;
            }
            QMetaObject::invokeMethod(
                this, [this, report, ssimLevel] { addReport(report, ssimLevel); }, Qt::QueuedConnection);
        }
    }));
}

// A clip removed from a folder source: the folder is replaced by its other clips (as curated now), so that
// opening the project again does not bring the removed clip back.
void TrainingPanel::excludeFromFolderSource(const QString& clipPath) {
    for (int i = 0; i < m_sources.size(); ++i) {
        const QString folder = m_sources.at(i);
        if (!QFileInfo(folder).isDir() || !clipPath.startsWith(QDir(folder).absolutePath() + QLatin1Char('/')))
            continue;
        QStringList rest;
        for (const core::ClipReport& clip : m_clips)
            if (clip.path.startsWith(QDir(folder).absolutePath() + QLatin1Char('/')) && !m_sources.contains(clip.path))
                rest.append(clip.path);
        m_sources.removeAt(i);
        for (int k = 0; k < rest.size(); ++k)
            m_sources.insert(i + k, rest.at(k));
        return;
    }
}

void TrainingPanel::dragEnterEvent(QDragEnterEvent* event) {
    if (!droppedPaths(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void TrainingPanel::dropEvent(QDropEvent* event) {
    const QStringList paths = droppedPaths(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    m_tabs->setCurrentIndex(0);  // the Dataset tab shows what the drop adds
    importClips(paths);
}

// Local folders and files with a clip suffix; other files (a stray text file in a multi-selection) are left out.
QStringList TrainingPanel::droppedPaths(const QMimeData* mime) {
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl& url : mime->urls()) {
        const QFileInfo info(url.toLocalFile());
        if (url.isLocalFile() &&
            (info.isDir() || core::clipSuffixes().contains(info.suffix().toLower())))
            paths.append(info.absoluteFilePath());
    }
    return paths;
}

bool TrainingPanel::isCurating() const {
    return m_curation->isRunning() || !m_pendingImports.isEmpty();
}

void TrainingPanel::addReport(const core::ClipReport& report, int ssimLevel) {
    m_ssimLevels.insert(report.path, ssimLevel);
    for (core::ClipReport& existing : m_clips) {
        if (existing.path == report.path) {
            existing = report;
            refreshDataset();
            Q_EMIT clipCurated(report);
            return;
        }
    }
    m_clips.append(report);
    refreshDataset();
    Q_EMIT clipCurated(report);
}

QVector<core::TrainingPair> TrainingPanel::pairs() const {
    QVector<core::TrainingPair> all;
    for (const core::ClipReport& clip : m_clips)
        all += clip.pairs;
    return all;
}

QVector<int> TrainingPanel::histogram() const {
    return core::motionHistogram(pairs(), kMinMotion, kMaxMotion);
}

QVector<int> TrainingPanel::ssimHistogram() const {
    QVector<int> levels;
    for (const core::ClipReport& clip : m_clips)
        levels.append(ssimLevel(clip.path));
    return core::ssimLevelHistogram(levels);  // drops the -1 of unmeasured clips
}

int TrainingPanel::ssimLevel(const QString& clipPath) const {
    return m_ssimLevels.value(clipPath, -1);
}

void TrainingPanel::refreshDataset() {
    m_clipList->clear();
    m_pairList->clear();
    for (const core::ClipReport& clip : m_clips) {
        auto* item = new QTreeWidgetItem(m_clipList);
        item->setText(0, QFileInfo(clip.path).fileName());
        item->setData(0, Qt::UserRole, clip.path);
        item->setToolTip(0, QDir::toNativeSeparators(clip.path));
        if (!clip.thumbnail.isNull())
            item->setIcon(0, QIcon(QPixmap::fromImage(clip.thumbnail)));
        if (!clip.ok()) {
            item->setText(1, QStringLiteral("\u2013"));
            item->setText(2, tr("unreadable"));
            item->setText(3, clip.error);
            item->setForeground(2, QColor(210, 70, 60));
            continue;
        }
        item->setText(1, QString::number(clip.frameCount));
        item->setText(2, tr("%1 of %2").arg(clip.pairs.size()).arg(clip.candidatePairs));
        item->setText(3, clip.caption);
        for (const core::TrainingPair& pair : clip.pairs) {
            auto* row = new QTreeWidgetItem(m_pairList);
            row->setText(0, QFileInfo(pair.clipPath).fileName());
            row->setText(1, QStringLiteral("%1 \u2192 %2").arg(pair.frameA + 1).arg(pair.frameB + 1));
            row->setText(2, QString::number(pair.motion));
            row->setText(3, QString::number(pair.flow, 'f', 2));
        }
    }
    for (QTreeWidget* list : {m_clipList, m_pairList}) {
        for (int c = 0; c < list->columnCount(); ++c)
            list->resizeColumnToContents(c);
    }
    const QVector<int> bins = histogram();
    QVector<double> keys;
    QVector<double> values;
    double peak = 1;
    for (int i = 0; i < bins.size(); ++i) {
        keys.append(kMinMotion + i);
        values.append(bins.at(i));
        peak = std::max(peak, double(bins.at(i)));
    }
    m_histogramBars->setData(keys, values);
    m_histogramPlot->yAxis->setRange(0, peak * 1.15);
    m_histogramPlot->replot();
    const QVector<int> levels = ssimHistogram();
    keys.clear();
    values.clear();
    peak = 1;
    for (int level = 0; level < levels.size(); ++level) {
        keys.append(level);
        values.append(levels.at(level));
        peak = std::max(peak, double(levels.at(level)));
    }
    m_ssimBars->setData(keys, values);
    m_ssimPlot->yAxis->setRange(0, peak * 1.15);
    m_ssimPlot->replot();
    const int pairCount = int(pairs().size());
    if (!m_curation->isRunning())
        m_datasetSummary->setText(tr("%n clip(s)", nullptr, int(m_clips.size())) + QStringLiteral(", ") +
                                  tr("%n pair(s)", nullptr, pairCount));
    updateButtons();
}

core::TrainingSettings TrainingPanel::settings() const {
    core::TrainingSettings s;
    s.baseModelPath = m_baseModel->currentData().toString();
    if (s.baseModelPath.isEmpty())
        s.baseModelPath = m_baseModel->currentText();
    s.outputFolder = m_output->text();
    s.learningRate = m_learningRate->value();
    s.warmupSteps = m_warmup->value();
    s.batchSize = m_batch->value();
    s.gradientAccumulation = m_accumulation->value();
    s.maxSteps = m_maxSteps->value();
    s.checkpointEvery = m_checkpointEvery->value();
    s.sampleEvery = m_sampleEvery->value();
    s.ema = m_ema->isChecked();
    s.precision = m_precision->currentText();
    s.horizontalFlip = m_flip->isChecked();
    s.trainTextEncoder = m_trainTextEncoder->isChecked();
    s.conditioningDropout = m_conditioningDropout->value();
    s.perceptualWeight = m_perceptualWeight->value();
    s.vggWeightsPath = m_vggWeights->text().trimmed();
    s.sampleSteps = m_sampleSteps->value();
    s.threads = m_threads->value();
    s.resume = false;
    return s;
}

QString TrainingPanel::lastCheckpointPath() const {
    const QString output = m_output->text().trimmed();
    if (output.isEmpty())
        return QString();
    return QDir(output).filePath(QStringLiteral("checkpoints/last.safetensors"));
}

core::ProjectDataset TrainingPanel::dataset() const {
    const core::TrainingSettings s = settings();
    core::ProjectDataset dataset;
    dataset.sources = m_sources;
    core::TrainingConfig& c = dataset.training;
    c.baseModel = s.baseModelPath;
    c.outputFolder = s.outputFolder;
    c.learningRate = s.learningRate;
    c.warmupSteps = s.warmupSteps;
    c.batchSize = s.batchSize;
    c.gradientAccumulation = s.gradientAccumulation;
    c.maxSteps = s.maxSteps;
    c.checkpointEvery = s.checkpointEvery;
    c.sampleEvery = s.sampleEvery;
    c.ema = s.ema;
    c.precision = s.precision;
    c.seed = s.seed;
    c.horizontalFlip = s.horizontalFlip;
    c.trainTextEncoder = s.trainTextEncoder;
    c.conditioningDropout = s.conditioningDropout;
    c.perceptualWeight = s.perceptualWeight;
    c.vggWeightsPath = s.vggWeightsPath;
    c.sampleSteps = s.sampleSteps;
    c.threads = s.threads;
    return dataset;
}

void TrainingPanel::setDataset(const core::ProjectDataset& dataset) {
    m_settingDataset = true;
    // The previous project's clips go; curation still running for them is cancelled first.
    if (m_curationCancel)
        m_curationCancel->store(true);
    m_pendingImports.clear();
    m_curation->waitForFinished();
    m_clips.clear();
    m_ssimLevels.clear();
    m_sources.clear();
    const core::TrainingConfig& c = dataset.training;
    const int base = m_baseModel->findData(c.baseModel);
    if (base >= 0)
        m_baseModel->setCurrentIndex(base);
    else
        m_baseModel->setEditText(c.baseModel);
    m_output->setText(c.outputFolder);
    m_learningRate->setValue(c.learningRate);
    m_warmup->setValue(c.warmupSteps);
    m_batch->setValue(c.batchSize);
    m_accumulation->setValue(c.gradientAccumulation);
    m_maxSteps->setValue(c.maxSteps);
    m_checkpointEvery->setValue(c.checkpointEvery);
    m_sampleEvery->setValue(c.sampleEvery);
    m_ema->setChecked(c.ema);
    // Only accepted precisions can be chosen; a project saved with another one opens as float32.
    const QString precision = kTrainerPrecisions.contains(c.precision) ? c.precision : kTrainerPrecisions.constFirst();
    m_precision->setCurrentIndex(m_precision->findText(precision));
    // The spin boxes clamp to their ranges (dropout 0..0.3, perceptual weight 0..1, sample steps 1..200,
    // threads 0..256); the project file accepts the trainer's wider limits.
    m_flip->setChecked(c.horizontalFlip);
    m_trainTextEncoder->setChecked(c.trainTextEncoder);
    m_conditioningDropout->setValue(c.conditioningDropout);
    m_perceptualWeight->setValue(c.perceptualWeight);
    m_vggWeights->setText(c.vggWeightsPath);
    m_sampleSteps->setValue(c.sampleSteps);
    m_threads->setValue(c.threads);
    refreshDataset();
    if (!dataset.sources.isEmpty())
        importClips(dataset.sources);
    m_settingDataset = false;
}

bool TrainingPanel::start() {
    return startTraining(false);
}

bool TrainingPanel::resumeFromCheckpoint() {
    return startTraining(true);
}

bool TrainingPanel::startTraining(bool resume) {
    if (!m_backend)
        return false;
    core::TrainingSettings s = settings();
    if (resume) {
        const QString checkpoint = lastCheckpointPath();
        if (checkpoint.isEmpty() || !QFileInfo::exists(checkpoint)) {
            m_trainingStatus->setText(tr("Cannot resume: there is no checkpoint at %1. Start a new run, or set the "
                                         "output folder to the one of the run to continue.")
                                          .arg(QDir::toNativeSeparators(checkpoint)));
            return false;
        }
        s.resume = true;
    }
    QString error;
    m_lossPlot->graph(0)->data()->clear();
    m_lossPlot->graph(1)->data()->clear();
    m_samples->clear();
    m_checkpoints->clear();
    if (!m_backend->start(s, pairs(), &error)) {
        m_trainingStatus->setText(tr("Cannot start training: %1").arg(error));
        return false;
    }
    return true;
}

void TrainingPanel::pause() {
    if (m_backend)
        m_backend->pause();
}

void TrainingPanel::resume() {
    if (m_backend)
        m_backend->resume();
}

void TrainingPanel::stop() {
    if (m_backend)
        m_backend->stop();
}

void TrainingPanel::onState(core::TrainingState state) {
    m_state = state;
    switch (state) {
        case core::TrainingState::Idle:
            m_trainingStatus->setText(tr("Ready."));
            break;
        case core::TrainingState::Running:
            m_trainingStatus->setText(tr("Training\u2026"));
            break;
        case core::TrainingState::Paused:
            m_trainingStatus->setText(tr("Paused."));
            break;
        case core::TrainingState::Stopping:
            m_trainingStatus->setText(tr("Stopping after this step\u2026"));
            break;
        case core::TrainingState::Finished:
            m_trainingStatus->setText(tr("Finished."));
            addFinishedModel();
            break;
        case core::TrainingState::Failed:
            break;  // failed() says why
    }
    updateButtons();
}

// A run that reached its last step saved <output>/model.safetensors (EMA weights when EMA is on): listed first and
// selected, ready for "Generate with This". A stopped run saved checkpoints only.
void TrainingPanel::addFinishedModel() {
    const QString path = QDir(m_output->text()).filePath(QStringLiteral("model.safetensors"));
    if (!QFileInfo::exists(path))
        return;
    for (int i = 0; i < m_checkpoints->count(); ++i)
        if (m_checkpoints->item(i)->data(Qt::UserRole).toString() == path)
            return;
    auto* item = new QListWidgetItem(tr("finished model \u2014 %1").arg(QFileInfo(path).fileName()));
    item->setToolTip(QDir::toNativeSeparators(path));
    item->setData(Qt::UserRole, path);
    m_checkpoints->insertItem(0, item);
    m_checkpoints->setCurrentItem(item);
}

// Metrics can arrive every step; the plot repaints once per event-loop pass (queued replot), not once per point.
void TrainingPanel::onMetrics(const core::TrainingMetrics& metrics) {
    m_lossPlot->graph(0)->addData(metrics.step, metrics.loss);
    m_lossPlot->graph(1)->addData(metrics.step, metrics.learningRate);
    m_lossPlot->graph(0)->rescaleAxes();
    m_lossPlot->graph(1)->rescaleValueAxis();
    m_lossPlot->replot(QCustomPlot::rpQueuedReplot);  // coalesces bursts of metrics into one repaint
    if (metrics.maxSteps > 0)
        m_progress->setValue(int(1000.0 * metrics.step / metrics.maxSteps));
    m_trainingStatus->setText(tr("Step %1 of %2 \u00b7 loss %3 \u00b7 elapsed %4 \u00b7 remaining %5")
                                  .arg(metrics.step)
                                  .arg(metrics.maxSteps)
                                  .arg(metrics.loss, 0, 'f', 4)
                                  .arg(durationText(metrics.secondsElapsed), durationText(metrics.secondsRemaining)));
}

// Without a trainer the whole training page is disabled (the banner says why); datasets stay usable.
void TrainingPanel::updateButtons() {
    const bool available = m_backend != nullptr;
    m_trainingWidgets->setEnabled(available);
    const bool running = m_state == core::TrainingState::Running;
    const bool paused = m_state == core::TrainingState::Paused;
    m_start->setText(paused ? tr("Resume") : tr("Start"));
    m_start->setEnabled(available && !running && m_state != core::TrainingState::Stopping &&
                        (paused || !pairs().isEmpty()));
    m_pause->setEnabled(available && running);
    m_stop->setEnabled(available && (running || paused));
    const bool idle = !running && !paused && m_state != core::TrainingState::Stopping;
    const QString checkpoint = lastCheckpointPath();
    m_resumeRun->setEnabled(available && idle && !pairs().isEmpty() && !checkpoint.isEmpty() &&
                            QFileInfo::exists(checkpoint));
}

}  // namespace sm::ui
