#include "training_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

#include "qcustomplot_include.h"

namespace sm::ui {

namespace {

constexpr int kMinMotion = 2;
constexpr int kMaxMotion = 19;

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
    auto* remove = new QPushButton(tr("Remove"));
    remove->setToolTip(tr("Remove the selected clips from the dataset."));
    buttons->addWidget(import);
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
        tr("Imported clips: frames read, pairs kept of those measured, and the caption taken "
           "from the file name."));
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
    splitter->addWidget(m_histogramPlot);
    layout->addWidget(splitter, 1);
    m_tabs->addTab(page, tr("Dataset"));

    connect(import, &QPushButton::clicked, this, [this] {
        const QStringList paths = QFileDialog::getOpenFileNames(
            this, tr("Import Clips"), QStandardPaths::writableLocation(QStandardPaths::MoviesLocation),
            tr("Animations and videos (*.gif *.webp *.mp4 *.mov *.mkv *.webm *.avi);;All files (*)"));
        if (!paths.isEmpty())
            importClips(paths);
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const QList<QTreeWidgetItem*> selected = m_clipList->selectedItems();
        for (QTreeWidgetItem* item : selected) {
            const QString path = item->data(0, Qt::UserRole).toString();
            m_clips.erase(std::remove_if(m_clips.begin(), m_clips.end(),
                                         [&path](const core::ClipReport& r) { return r.path == path; }),
                          m_clips.end());
        }
        refreshDataset();
    });
}

void TrainingPanel::buildTrainingTab() {
    auto* page = new QWidget;
    auto* layout = new QHBoxLayout(page);
    m_trainingWidgets = new QWidget;
    auto* left = new QVBoxLayout(m_trainingWidgets);
    left->setContentsMargins(0, 0, 0, 0);
    auto* form = new QFormLayout;
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
    m_precision->setToolTip(
        tr("Number format for training. float16/bfloat16 halve the memory on GPUs that support "
           "them."));
    form->addRow(tr("Precision"), m_precision);
    left->addLayout(form);

    auto* buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("Start"));
    m_start->setToolTip(tr("Start training on the curated pairs."));
    m_pause = new QPushButton(tr("Pause"));
    m_pause->setToolTip(tr("Pause after the current step; Resume continues where it stopped."));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setToolTip(tr("End training after the current step and write a last checkpoint."));
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_stop);
    left->addLayout(buttons);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    left->addWidget(m_progress);
    m_trainingStatus = new QLabel;
    m_trainingStatus->setWordWrap(true);
    left->addWidget(m_trainingStatus);
    left->addWidget(new QLabel(tr("Checkpoints")));
    m_checkpoints = new QListWidget;
    m_checkpoints->setToolTip(tr("Checkpoints written so far; add one in the Model Manager to generate with it."));
    left->addWidget(m_checkpoints, 1);
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
    if (!m_backend)
        m_trainingStatus->setText(tr("Training engine not available in this build."));
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
    if (m_curation->isRunning()) {
        m_pendingImports.append(paths);
        return;
    }
    m_curationCancel = std::make_shared<std::atomic<bool>>(false);
    const std::shared_ptr<std::atomic<bool>> cancel = m_curationCancel;
    m_datasetSummary->setText(tr("measuring motion in %n clip(s)\u2026", nullptr, int(paths.size())));
    // Reports hop back to this panel one by one; the destructor cancels and waits, so `this` outlives the task.
    m_curation->setFuture(QtConcurrent::run([this, paths, cancel] {
        for (const QString& path : paths) {
            if (cancel->load())
                return;
            const core::ClipReport report = core::curateClip(path, core::CurationOptions(), cancel.get());
            QMetaObject::invokeMethod(
                this, [this, report] { addReport(report); }, Qt::QueuedConnection);
        }
    }));
}

bool TrainingPanel::isCurating() const {
    return m_curation->isRunning() || !m_pendingImports.isEmpty();
}

void TrainingPanel::addReport(const core::ClipReport& report) {
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
    return s;
}

bool TrainingPanel::start() {
    if (!m_backend)
        return false;
    QString error;
    m_lossPlot->graph(0)->data()->clear();
    m_lossPlot->graph(1)->data()->clear();
    m_samples->clear();
    m_checkpoints->clear();
    if (!m_backend->start(settings(), pairs(), &error)) {
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
            break;
        case core::TrainingState::Failed:
            break;  // failed() says why
    }
    updateButtons();
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
}

}  // namespace sm::ui
