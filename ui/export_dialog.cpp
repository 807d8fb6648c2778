#include "export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <cmath>

#include "app_settings.h"

namespace sm::ui {

namespace {

QString suffixFor(core::ExportFormat format) {
    switch (format) {
        case core::ExportFormat::Gif:
            return QStringLiteral("gif");
        case core::ExportFormat::Mp4:
            return QStringLiteral("mp4");
        case core::ExportFormat::WebP:
            return QStringLiteral("webp");
        case core::ExportFormat::PngSequence:
            break;
    }
    return QString();
}

// `path` with the extension of `format` (a PNG sequence is a folder: no extension).
QString withSuffix(const QString& path, core::ExportFormat format) {
    if (path.isEmpty())
        return path;
    const QFileInfo info(path);
    const QString base =
        QDir(info.path()).filePath(info.completeBaseName().isEmpty() ? info.fileName() : info.completeBaseName());
    const QString suffix = suffixFor(format);
    return suffix.isEmpty() ? base : base + QLatin1Char('.') + suffix;
}

}  // namespace

ExportDialog::ExportDialog(QVector<QImage> frames, double fps, const QString& suggestedPath, QWidget* parent)
    : QDialog(parent), m_frames(std::move(frames)), m_fps(fps), m_watcher(new QFutureWatcher<Outcome>(this)) {
    setWindowTitle(tr("Export Animation"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;

    m_format = new QComboBox;
    m_format->addItem(tr("GIF animation"), int(core::ExportFormat::Gif));
    m_format->addItem(tr("MP4 video (H.264)"), int(core::ExportFormat::Mp4));
    m_format->addItem(tr("Animated WebP"), int(core::ExportFormat::WebP));
    m_format->addItem(tr("PNG sequence (folder)"), int(core::ExportFormat::PngSequence));
    m_format->setToolTip(
        tr("GIF plays everywhere but has 256 colours; MP4 is smallest for long clips but does not "
           "loop by itself; WebP has full colour and alpha; a PNG sequence keeps every frame "
           "lossless for further editing."));
    form->addRow(tr("Format"), m_format);

    m_path = new QLineEdit;
    m_path->setToolTip(tr("Where the file (or, for a PNG sequence, the folder) is written."));
    auto* browse = new QToolButton;
    browse->setText(tr("Browse\u2026"));
    browse->setToolTip(tr("Choose the file to write."));
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    form->addRow(tr("File"), pathRow);

    m_quality = new QSlider(Qt::Horizontal);
    m_quality->setRange(1, 100);
    m_quality->setValue(intSetting(Setting::ExportQuality));
    m_qualityValue = new QLabel(QString::number(m_quality->value()));
    m_qualityValue->setMinimumWidth(28);
    m_quality->setToolTip(
        tr("Higher quality: fewer artefacts and a larger file. GIF: palette accuracy and how "
           "exactly unchanged pixels are kept; MP4: the CRF; WebP: lossy quality."));
    auto* qualityRow = new QHBoxLayout;
    qualityRow->addWidget(m_quality, 1);
    qualityRow->addWidget(m_qualityValue);
    form->addRow(tr("Quality"), qualityRow);

    m_colors = new QSpinBox;
    m_colors->setRange(2, 256);
    m_colors->setValue(256);
    m_colors->setToolTip(tr("GIF palette size. Fewer colours: a smaller file with more banding."));
    form->addRow(tr("GIF colours"), m_colors);
    m_palette = new QComboBox;
    m_palette->addItem(tr("One palette for all frames"), int(core::GifPaletteMode::Global));
    m_palette->addItem(tr("A palette per frame"), int(core::GifPaletteMode::PerFrame));
    m_palette->setToolTip(
        tr("One palette keeps colours steady and the file small; a palette per frame suits clips "
           "whose colours change a lot."));
    form->addRow(tr("GIF palette"), m_palette);
    m_dither = new QDoubleSpinBox;
    m_dither->setRange(0.0, 1.0);
    m_dither->setSingleStep(0.1);
    m_dither->setValue(0.5);
    m_dither->setToolTip(tr("GIF dithering strength: more hides banding in gradients but adds grain and size."));
    form->addRow(tr("GIF dithering"), m_dither);

    m_loops = new QSpinBox;
    m_loops->setRange(0, 1000);
    m_loops->setSpecialValueText(tr("forever"));
    m_loops->setToolTip(tr("How many times GIF and WebP play: forever, or a number of plays."));
    form->addRow(tr("Plays"), m_loops);
    m_pingPong = new QCheckBox(tr("Ping-pong (forwards, then backwards)"));
    m_pingPong->setToolTip(tr("Append the frames in reverse so the loop has no jump back to the start."));
    form->addRow(QString(), m_pingPong);

    m_fit = new QCheckBox(tr("Fit under"));
    m_fit->setToolTip(
        tr("Lower quality, colours, size and finally the frame rate until the file is under this "
           "size (GIF and WebP)."));
    m_fitMb = new QDoubleSpinBox;
    m_fitMb->setRange(0.1, 1000.0);
    m_fitMb->setDecimals(2);
    m_fitMb->setSuffix(tr(" MB"));
    m_fitMb->setValue(doubleSetting(Setting::ExportFitUnderMb));
    m_fitMb->setToolTip(tr("The largest file size to aim for (with Fit under checked)."));
    auto* fitRow = new QHBoxLayout;
    fitRow->addWidget(m_fit);
    fitRow->addWidget(m_fitMb);
    fitRow->addStretch(1);
    form->addRow(tr("Size budget"), fitRow);
    layout->addLayout(form);

    auto* summary = new QLabel(tr("%n frame(s) at %1 fps", nullptr, int(m_frames.size())).arg(m_fps));
    summary->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(summary);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    layout->addWidget(m_progress);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    m_buttons = new QDialogButtonBox;
    m_exportButton = m_buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    m_exportButton->setToolTip(tr("Encode the frames and write the file; the dialog stays open with the result."));
    m_cancelButton = m_buttons->addButton(QDialogButtonBox::Cancel);
    m_buttons->addButton(QDialogButtonBox::Close);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::clicked, this, [this](QAbstractButton* button) {
        if (button == m_exportButton)
            startExport();
        else if (button == m_cancelButton)
            cancelExport();
        else
            reject();
    });
    connect(browse, &QToolButton::clicked, this, &ExportDialog::browse);
    connect(m_quality, &QSlider::valueChanged, this,
            [this](int value) { m_qualityValue->setText(QString::number(value)); });
    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        m_path->setText(withSuffix(m_path->text(), format()));
        updateEnabled();
    });
    connect(m_fit, &QCheckBox::toggled, this, &ExportDialog::updateEnabled);
    connect(m_watcher, &QFutureWatcher<Outcome>::finished, this, &ExportDialog::finishExport);

    setPath(suggestedPath);
    if (!suggestedPath.isEmpty())
        setFormat(core::exportFormatForPath(suggestedPath));
    updateEnabled();
    resize(520, sizeHint().height());
}

ExportDialog::~ExportDialog() {
    if (m_encoder)
        m_encoder->cancel();
    m_watcher->waitForFinished();
}

void ExportDialog::setFormat(core::ExportFormat format) {
    m_format->setCurrentIndex(m_format->findData(int(format)));
    updateEnabled();
}

core::ExportFormat ExportDialog::format() const {
    return core::ExportFormat(m_format->currentData().toInt());
}

void ExportDialog::setPath(const QString& path) {
    m_path->setText(path);
}

QString ExportDialog::path() const {
    return m_path->text().trimmed();
}

void ExportDialog::setFitUnderMb(bool enabled, double megabytes) {
    m_fit->setChecked(enabled);
    m_fitMb->setValue(megabytes);
}

// The budget only applies where the encoder can search for it (GIF, WebP); megabytes are binary (MiB).
core::EncodeSettings ExportDialog::settings() const {
    core::EncodeSettings s;
    s.fps = m_fps;
    s.quality = m_quality->value();
    s.maxColors = m_colors->value();
    s.gifPalette = core::GifPaletteMode(m_palette->currentData().toInt());
    s.ditherLevel = float(m_dither->value());
    s.loopCount = m_loops->value();
    s.pingPong = m_pingPong->isChecked();
    const bool budget = m_fit->isChecked() && m_fit->isEnabled();
    s.maxBytes = budget ? qint64(m_fitMb->value() * 1024.0 * 1024.0) : 0;
    s.frameCountHint = m_frames.size();
    return s;
}

// Options that do not apply to the chosen format are disabled rather than hidden, so the dialog does not jump.
void ExportDialog::updateEnabled() {
    const core::ExportFormat f = format();
    const bool gif = f == core::ExportFormat::Gif;
    const bool busy = m_exporting;
    const bool budgetFormat = gif || f == core::ExportFormat::WebP;
    m_colors->setEnabled(gif && !busy);
    m_palette->setEnabled(gif && !busy);
    m_dither->setEnabled(gif && !busy);
    m_quality->setEnabled(f != core::ExportFormat::PngSequence && !busy);
    m_loops->setEnabled((gif || f == core::ExportFormat::WebP) && !busy);
    m_fit->setEnabled(budgetFormat && !busy);
    m_fitMb->setEnabled(budgetFormat && m_fit->isChecked() && !busy);
    m_format->setEnabled(!busy);
    m_path->setEnabled(!busy);
    m_pingPong->setEnabled(!busy);
    m_exportButton->setEnabled(!busy && !m_frames.isEmpty());
    m_cancelButton->setEnabled(busy);
}

void ExportDialog::browse() {
    const core::ExportFormat f = format();
    QString chosen;
    if (f == core::ExportFormat::PngSequence) {
        chosen = QFileDialog::getSaveFileName(this, tr("Export PNG Sequence to Folder"), path());
    } else {
        const QString filter = f == core::ExportFormat::Gif   ? tr("GIF animation (*.gif)")
                               : f == core::ExportFormat::Mp4 ? tr("MP4 video (*.mp4)")
                                                              : tr("Animated WebP (*.webp)");
        chosen = QFileDialog::getSaveFileName(this, tr("Export Animation"), path(), filter);
    }
    if (!chosen.isEmpty())
        setPath(withSuffix(chosen, f));
}

bool ExportDialog::startExport() {
    if (m_exporting)
        return false;
    m_error.clear();
    m_cancelled = false;
    m_result = core::EncodeResult();
    const QString target = path();
    if (m_frames.isEmpty() || target.isEmpty()) {
        m_status->setText(m_frames.isEmpty() ? tr("There are no generated frames to export.")
                                             : tr("Choose where to export to."));
        return false;
    }
    const core::EncodeSettings s = settings();
    const QString invalid = core::validateSettings(s);
    if (!invalid.isEmpty()) {
        m_status->setText(invalid);
        return false;
    }
    setSettingValue(Setting::ExportQuality, s.quality);
    if (m_fit->isChecked())
        setSettingValue(Setting::ExportFitUnderMb, m_fitMb->value());

    // Shared with the pool thread: the dialog keeps a reference so Cancel can reach the running encoder.
    m_encoder = std::shared_ptr<core::FrameEncoder>(core::makeEncoder(format()).release());
    const std::shared_ptr<core::FrameEncoder> encoder = m_encoder;
    // Progress comes from the pool thread: hop to this dialog, only when the percentage changes.
    auto lastPercent = std::make_shared<std::atomic<int>>(-1);
    encoder->setProgressCallback([this, lastPercent](int done, int total) {
        const int percent = total > 0 ? qBound(0, done * 100 / total, 100) : -1;
        if (percent == lastPercent->exchange(percent))
            return;
        QMetaObject::invokeMethod(
            this,
            [this, percent] {
                if (percent < 0)
                    m_progress->setRange(0, 0);  // busy indicator while the total is unknown
                else {
                    m_progress->setRange(0, 100);
                    m_progress->setValue(percent);
                }
            },
            Qt::QueuedConnection);
    });
    const QVector<QImage> frames = m_frames;
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    m_status->setText(s.maxBytes > 0 ? tr("Exporting; searching for settings that fit the size budget\u2026")
                                     : tr("Exporting\u2026"));
    m_exporting = true;
    m_watcher->setFuture(QtConcurrent::run([encoder, frames, target, s] {
        Outcome outcome;
        const QSize size = frames.first().size();
        bool ok = encoder->open(target, size, s, &outcome.error);
        for (int i = 0; ok && i < frames.size(); ++i) {
            const QImage& frame = frames.at(i);
            ok = encoder->addFrame(
                frame.size() == size ? frame : frame.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation),
                &outcome.error);
        }
        ok = ok && encoder->finish(&outcome.error);
        outcome.ok = ok;
        outcome.cancelled = encoder->status() == core::EncodeStatus::Cancelled;
        outcome.result = encoder->result();
        return outcome;
    }));
    updateEnabled();
    return true;
}

void ExportDialog::cancelExport() {
    if (m_encoder && m_watcher->isRunning()) {
        m_encoder->cancel();
        m_status->setText(tr("Cancelling\u2026"));
    }
}

void ExportDialog::finishExport() {
    const Outcome outcome = m_watcher->result();
    m_encoder.reset();
    m_exporting = false;
    m_result = outcome.result;
    m_cancelled = outcome.cancelled;
    m_error = outcome.ok ? QString() : outcome.error;
    m_progress->setRange(0, 100);
    if (outcome.ok) {
        m_progress->setValue(100);
        QString text =
            tr("Wrote %1: %2, %n frame(s)", nullptr, m_result.frameCount)
                .arg(QDir::toNativeSeparators(m_result.path), QLocale().formattedDataSize(m_result.sizeBytes));
        if (m_result.budgetApplied) {
            text += tr(" (fitted: quality %1, %2 colours, scale %3%, frame step %4, %5 trial encodes)")
                        .arg(m_result.quality)
                        .arg(m_result.colors)
                        .arg(int(std::lround(m_result.scale * 100)))
                        .arg(m_result.frameStep)
                        .arg(m_result.attempts);
        }
        m_status->setText(text);
    } else if (outcome.cancelled) {
        m_progress->setValue(0);
        m_status->setText(tr("Export cancelled; nothing was written."));
    } else {
        m_progress->setValue(0);
        m_status->setText(tr("Export failed: %1").arg(outcome.error));
    }
    updateEnabled();
    Q_EMIT exportFinished(outcome.ok);
}

void ExportDialog::reject() {
    // Closing while exporting cancels (and the destructor waits for the encoder to notice).
    if (m_watcher->isRunning()) {
        cancelExport();
        m_watcher->waitForFinished();
    }
    QDialog::reject();
}

}  // namespace sm::ui
