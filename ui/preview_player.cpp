#include "preview_player.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QSlider>
#include <QStyle>
#include <QTemporaryFile>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

#include "export/export_utils.h"
#include "export/frame_encoder.h"
#include "export/gif_encoder.h"
#include "media/image_fit.h"
#include "media/video_decoder.h"
#include "project_document.h"

namespace sm::ui {

namespace {

const QColor kBackground(30, 30, 33);
const QColor kCaption(200, 200, 206);
constexpr int kEstimateDelayMs = 400;  // frames arrive in bursts: estimate once they settle

// Largest rect of `size`'s aspect inside `area`, centred.
QRectF fitted(const QSize& size, const QRectF& area) {
    if (size.isEmpty())
        return QRectF();
    const double scale = std::min(area.width() / size.width(), area.height() / size.height());
    const QSizeF s(size.width() * scale, size.height() * scale);
    return QRectF(area.center() - QPointF(s.width() / 2, s.height() / 2), s);
}

}  // namespace

class PreviewPlayer::View : public QWidget {
public:
    explicit View(QWidget* parent) : QWidget(parent) {
        setAttribute(Qt::WA_OpaquePaintEvent);
        setMinimumSize(160, 120);
    }
    QImage image;
    QImage onion;
    QImage source;
    bool sideBySide = false;
    QString caption;
    QString emptyText;

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.fillRect(rect(), kBackground);
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        const QRectF area = QRectF(rect()).adjusted(10, 10, -10, -26);
        if (image.isNull()) {
            p.setPen(kCaption);
            p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, emptyText);
            return;
        }
        QRectF frameArea = area;
        if (sideBySide && !source.isNull()) {
            const QRectF left(area.left(), area.top(), area.width() / 2 - 5, area.height());
            frameArea = QRectF(area.center().x() + 5, area.top(), area.width() / 2 - 5, area.height());
            const QRectF target = fitted(source.size(), left);
            p.drawImage(target, source);
            p.setPen(kCaption);
            p.drawText(QRectF(left.left(), area.bottom() + 4, left.width(), 18), Qt::AlignHCenter,
                       PreviewPlayer::tr("source"));
        }
        const QRectF target = fitted(image.size(), frameArea);
        p.drawImage(target, image);
        if (!onion.isNull()) {
            p.setOpacity(0.35);
            p.drawImage(target, onion);
            p.setOpacity(1.0);
        }
        p.setPen(kCaption);
        p.drawText(QRectF(frameArea.left(), area.bottom() + 4, frameArea.width(), 18), Qt::AlignHCenter, caption);
    }
};

PreviewPlayer::PreviewPlayer(ProjectDocument* document, QWidget* parent)
    : QWidget(parent), m_document(document), m_watcher(new QFutureWatcher<Estimate>(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_view = new View(this);
    m_view->emptyText = tr("Generated frames play here.");
    layout->addWidget(m_view, 1);

    auto* controls = new QHBoxLayout;
    controls->setContentsMargins(6, 0, 6, 0);
    m_playButton = new QToolButton;
    m_playButton->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_playButton->setToolTip(tr("Play or pause the animation (Space)."));
    controls->addWidget(m_playButton);
    m_scrub = new QSlider(Qt::Horizontal);
    m_scrub->setToolTip(tr("Scrub through the generated frames."));
    controls->addWidget(m_scrub, 1);
    m_positionLabel = new QLabel;
    m_positionLabel->setMinimumWidth(48);
    m_positionLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    controls->addWidget(m_positionLabel);

    auto* options = new QHBoxLayout;
    options->setContentsMargins(6, 0, 6, 6);
    m_fps = new QDoubleSpinBox;
    m_fps->setRange(1.0, 60.0);
    m_fps->setDecimals(1);
    m_fps->setSuffix(tr(" fps"));
    m_fps->setToolTip(tr("Playback speed; it is also the frame rate of the export."));
    controls->addWidget(m_fps);
    m_loop = new QComboBox;
    m_loop->addItem(tr("Loop"));
    m_loop->addItem(tr("Ping-pong"));
    m_loop->addItem(tr("Once"));
    m_loop->setToolTip(
        tr("Loop: start over after the last frame. Ping-pong: play forwards, then backwards. "
           "Once: stop at the last frame."));
    controls->addWidget(m_loop);
    m_onion = new QCheckBox(tr("Onion"));
    m_onion->setToolTip(
        tr("Onion skin: show the previous frame faintly over the current one, to judge how smooth "
           "the motion is (O)."));
    m_sideBySide = new QCheckBox(tr("Source"));
    m_sideBySide->setToolTip(tr("Side by side: show the cropped source image next to the frame (B)."));
    m_exported = new QCheckBox(tr("As GIF"));
    m_exported->setToolTip(
        tr("As exported: show the frames as the GIF export will look after colour reduction to a "
           "256-colour palette, with the estimated file size (X)."));
    m_sizeLabel = new QLabel;
    m_sizeLabel->setToolTip(tr("Estimated size of the GIF with the current export quality."));
    m_sizeLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_sizeLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    layout->addLayout(controls);
    options->addWidget(m_onion);
    options->addWidget(m_sideBySide);
    options->addWidget(m_exported);
    options->addWidget(m_sizeLabel, 1);
    layout->addLayout(options);

    m_timer = new QTimer(this);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &PreviewPlayer::advance);
    m_estimateDelay = new QTimer(this);
    m_estimateDelay->setSingleShot(true);
    m_estimateDelay->setInterval(kEstimateDelayMs);
    connect(m_estimateDelay, &QTimer::timeout, this, &PreviewPlayer::startEstimate);
    connect(m_watcher, &QFutureWatcher<Estimate>::finished, this, &PreviewPlayer::finishEstimate);

    connect(m_playButton, &QToolButton::clicked, this, &PreviewPlayer::togglePlay);
    connect(m_scrub, &QSlider::valueChanged, this, [this](int value) {
        if (!m_syncing)
            seek(value);
    });
    connect(m_fps, &QDoubleSpinBox::valueChanged, this, [this](double fps) {
        if (m_syncing)
            return;
        core::SamplerSettings sampler = m_document->project().sampler();
        sampler.fps = fps;
        m_document->setSampler(sampler, tr("Set frame rate"), 5 /* GenerationPanel::FieldFps */);
    });
    connect(m_loop, &QComboBox::currentIndexChanged, this, [this] { m_orderCursor = 0; });
    connect(m_onion, &QCheckBox::toggled, this, &PreviewPlayer::setOnionSkin);
    connect(m_sideBySide, &QCheckBox::toggled, this, &PreviewPlayer::setSideBySide);
    connect(m_exported, &QCheckBox::toggled, this, &PreviewPlayer::setAsExported);

    connect(m_document, &ProjectDocument::changed, this, &PreviewPlayer::rebuildFrames);
    connect(m_document, &ProjectDocument::frameImageChanged, this, &PreviewPlayer::rebuildFrames);
    connect(m_document, &ProjectDocument::documentReset, this, &PreviewPlayer::rebuildFrames);
    rebuildFrames();
}

PreviewPlayer::~PreviewPlayer() {
    if (m_estimateCancel)
        m_estimateCancel->store(true);
    m_watcher->waitForFinished();
}

// Called for every document change and every new frame image: cheap unless the frames really changed (compared
// by cache key), in which case the GIF estimate becomes stale.
void PreviewPlayer::rebuildFrames() {
    const core::Project& project = m_document->project();
    const int previousFrame = currentFrameIndex();
    QVector<int> indexes;
    QVector<QImage> frames;
    for (int i = 0; i < project.frameCount(); ++i) {
        if (project.frame(i).hasImage()) {
            indexes.append(i);
            frames.append(project.frame(i).image());
        }
    }
    bool same = indexes == m_indexes && frames.size() == m_frames.size();
    for (int i = 0; same && i < frames.size(); ++i)
        same = frames.at(i).cacheKey() == m_frames.at(i).cacheKey();
    m_indexes = indexes;
    m_frames = frames;
    if (!same) {
        const int keep = m_indexes.indexOf(previousFrame);
        m_position = keep >= 0 ? keep : qBound(0, m_position, std::max(0, int(m_frames.size()) - 1));
        m_estimateStale = true;
        m_exportedFrames.clear();
        m_estimateBytes = 0;
        if (m_estimateCancel)
            m_estimateCancel->store(true);
        if (m_asExported && !m_frames.isEmpty())
            m_estimateDelay->start();
    }
    // The fitted source only changes with the source, the crop or the model: not worth redoing per frame.
    const QSize modelSize = core::modelInputSize(project.model().kind);
    const qint64 sourceKey = project.sourceImage().cacheKey();
    if (sourceKey != m_sourceKey || project.crop() != m_sourceCrop || modelSize != m_sourceSize) {
        m_sourceKey = sourceKey;
        m_sourceCrop = project.crop();
        m_sourceSize = modelSize;
        m_view->source =
            project.hasSourceImage() ? core::fitToModel(project.sourceImage(), project.crop(), modelSize) : QImage();
    }
    updateControls();
    updateView();
}

void PreviewPlayer::updateControls() {
    m_syncing = true;
    const int count = m_frames.size();
    m_scrub->setRange(0, std::max(0, count - 1));
    m_scrub->setValue(m_position);
    m_scrub->setEnabled(count > 1);
    m_playButton->setEnabled(count > 1);
    m_positionLabel->setText(count == 0 ? QStringLiteral("\u2013")
                                        : QStringLiteral("%1 / %2").arg(m_position + 1).arg(count));
    m_fps->setValue(m_document->project().sampler().fps);
    if (m_timer->isActive())
        m_timer->setInterval(int(std::lround(1000.0 / std::max(1.0, m_document->project().sampler().fps))));
    if (!m_asExported)
        m_sizeLabel->clear();
    else if (isEstimating() || m_estimateDelay->isActive())
        m_sizeLabel->setText(tr("estimating GIF size\u2026"));
    else if (m_estimateBytes > 0)
        m_sizeLabel->setText(tr("GIF \u2248 %1").arg(QLocale().formattedDataSize(m_estimateBytes)));
    m_syncing = false;
}

// Positions index the frames that have images; ping-pong plays the ends once per cycle (0..n-1, n-2..1).
QVector<int> PreviewPlayer::playOrder() const {
    const int count = m_frames.size();
    if (loopMode() == LoopMode::PingPong)
        return core::pingPongOrder(count);
    QVector<int> order;
    for (int i = 0; i < count; ++i)
        order.append(i);
    return order;
}

void PreviewPlayer::advance() {
    const QVector<int> order = playOrder();
    if (order.isEmpty()) {
        pause();
        return;
    }
    // Continue from where the user left the scrubber.
    if (m_orderCursor >= order.size() || order.at(m_orderCursor) != m_position)
        m_orderCursor = std::max(0, int(order.indexOf(m_position)));
    int next = m_orderCursor + 1;
    if (next >= order.size()) {
        if (loopMode() == LoopMode::Once) {
            pause();
            return;
        }
        next = 0;
    }
    m_orderCursor = next;
    m_position = order.at(next);
    updateControls();
    updateView();
    Q_EMIT positionChanged(m_position);
}

void PreviewPlayer::play() {
    if (m_frames.size() < 2)
        return;
    if (loopMode() == LoopMode::Once && m_position >= m_frames.size() - 1)
        m_position = 0;
    m_live = QImage();
    m_timer->start(int(std::lround(1000.0 / std::max(1.0, m_document->project().sampler().fps))));
    m_playButton->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
    updateView();
}

void PreviewPlayer::pause() {
    m_timer->stop();
    m_playButton->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
}

void PreviewPlayer::togglePlay() {
    if (isPlaying())
        pause();
    else
        play();
}

bool PreviewPlayer::isPlaying() const {
    return m_timer->isActive();
}

void PreviewPlayer::setLoopMode(LoopMode mode) {
    m_loop->setCurrentIndex(int(mode));
}

PreviewPlayer::LoopMode PreviewPlayer::loopMode() const {
    return LoopMode(m_loop->currentIndex());
}

void PreviewPlayer::seek(int position) {
    if (m_frames.isEmpty())
        return;
    m_position = qBound(0, position, int(m_frames.size()) - 1);
    m_live = QImage();
    updateControls();
    updateView();
    Q_EMIT positionChanged(m_position);
}

int PreviewPlayer::currentFrameIndex() const {
    return m_position >= 0 && m_position < m_indexes.size() ? m_indexes.at(m_position) : -1;
}

void PreviewPlayer::showFrame(int frameIndex) {
    const int position = m_indexes.indexOf(frameIndex);
    if (position >= 0)
        seek(position);
}

void PreviewPlayer::setLiveImage(const QImage& image, const QString& caption) {
    if (isPlaying())
        return;  // the animation has the stage while it plays
    m_live = image;
    m_liveCaption = caption;
    updateView();
}

void PreviewPlayer::setOnionSkin(bool on) {
    if (m_onion->isChecked() != on)
        m_onion->setChecked(on);
    updateView();
}

void PreviewPlayer::setSideBySide(bool on) {
    if (m_sideBySide->isChecked() != on)
        m_sideBySide->setChecked(on);
    m_view->sideBySide = on;
    updateView();
}

void PreviewPlayer::setAsExported(bool on) {
    if (m_exported->isChecked() != on)
        m_exported->setChecked(on);
    m_asExported = on;
    if (on && m_estimateStale && !m_frames.isEmpty())
        startEstimate();
    updateControls();
    updateView();
}

void PreviewPlayer::setGifQuality(int quality) {
    if (quality == m_quality)
        return;
    m_quality = quality;
    m_estimateStale = true;
    if (m_asExported)
        m_estimateDelay->start();
}

QImage PreviewPlayer::currentImage() const {
    return m_view->image;
}

void PreviewPlayer::updateView() {
    if (!m_live.isNull()) {
        m_view->image = m_live;
        m_view->onion = QImage();
        m_view->caption = m_liveCaption;
        m_view->update();
        return;
    }
    if (m_frames.isEmpty()) {
        m_view->image = QImage();
        m_view->onion = QImage();
        m_view->update();
        return;
    }
    const bool exported = m_asExported && m_exportedFrames.size() == m_frames.size();
    const QVector<QImage>& frames = exported ? m_exportedFrames : m_frames;
    m_view->image = frames.at(m_position);
    // The onion skin is the frame shown before this one in play order.
    m_view->onion = QImage();
    if (m_onion->isChecked() && frames.size() > 1) {
        const QVector<int> order = playOrder();
        const int at = std::max(0, int(order.indexOf(m_position)));
        const int previous = at > 0 ? order.at(at - 1) : (loopMode() == LoopMode::Once ? -1 : order.last());
        if (previous >= 0 && previous != m_position)
            m_view->onion = frames.at(previous);
    }
    QString caption = tr("frame %1").arg(currentFrameIndex() + 1);
    if (exported)
        caption += tr(" \u00b7 as exported");
    m_view->caption = caption;
    m_view->update();
}

// One estimate at a time; a newer request cancels the running one through its flag, and finishEstimate() starts
// again with the frames of the moment. The encode runs on a pool thread with copies of the frames.
void PreviewPlayer::startEstimate() {
    if (m_frames.isEmpty())
        return;
    if (isEstimating()) {
        // Ask the running one to stop; finishEstimate() starts again with the new frames.
        if (m_estimateCancel)
            m_estimateCancel->store(true);
        return;
    }
    m_estimateStale = false;
    m_estimateCancel = std::make_shared<std::atomic<bool>>(false);
    const std::shared_ptr<std::atomic<bool>> cancel = m_estimateCancel;
    const QVector<QImage> frames = m_frames;
    const double fps = m_document->project().sampler().fps;
    const int quality = m_quality;
    m_watcher->setFuture(QtConcurrent::run([frames, fps, quality, cancel] {
        Estimate estimate;
        const QSize size = frames.first().size();
        QVector<QImage> rgb;
        rgb.reserve(frames.size());
        for (const QImage& frame : frames) {
            const QImage scaled =
                frame.size() == size ? frame : frame.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
            rgb.append(core::flattenToRgb888(scaled, Qt::white));
        }
        core::GifEncodeOptions options;
        options.quality = quality;
        QByteArray bytes;
        if (!core::encodeGifToBytes(rgb, core::gifDelaysCs(rgb.size(), fps), options, &bytes, &estimate.error,
                                    cancel.get()))
            return estimate;
        estimate.bytes = bytes.size();
        // Decode the bytes again: the preview shows exactly what the file holds.
        QTemporaryFile file(QDir::tempPath() + QStringLiteral("/stillmotion-preview-XXXXXX.gif"));
        if (!file.open() || file.write(bytes) != bytes.size() || !file.flush()) {
            estimate.error = QStringLiteral("cannot write a temporary file for the GIF preview");
            return estimate;
        }
        file.close();
        QVector<core::DecodedFrame> decoded;
        if (!core::decodeAllFrames(file.fileName(), &decoded, &estimate.error))
            return estimate;
        for (const core::DecodedFrame& frame : decoded)
            estimate.frames.append(frame.image);
        return estimate;
    }));
    updateControls();
}

void PreviewPlayer::finishEstimate() {
    const Estimate estimate = m_watcher->result();
    const bool cancelled = m_estimateCancel && m_estimateCancel->load();
    if (cancelled || m_estimateStale) {
        // The frames changed meanwhile: this result is for frames no longer shown.
        if (m_asExported && !m_frames.isEmpty())
            m_estimateDelay->start();
        updateControls();
        return;
    }
    if (!estimate.error.isEmpty()) {
        m_sizeLabel->setText(tr("GIF preview failed: %1").arg(estimate.error));
        return;
    }
    m_exportedFrames = estimate.frames;
    m_estimateBytes = estimate.bytes;
    updateControls();
    updateView();
    Q_EMIT estimateReady(m_estimateBytes);
}

}  // namespace sm::ui
