#include "frame_strip.h"

#include <QApplication>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>

#include <algorithm>

#include "project_document.h"

namespace sm::ui {

namespace {

constexpr int kThumbHeight = 84;
constexpr int kGap = 8;
constexpr int kMargin = 10;
constexpr int kLabelHeight = 18;
const QColor kBackground(36, 36, 39);
const QColor kCard(52, 52, 57);
const QColor kSelected(64, 132, 214);
const QColor kCurrent(120, 180, 255);
const QColor kText(210, 210, 214);
const QColor kDim(140, 140, 148);

}  // namespace

FrameStrip::FrameStrip(ProjectDocument* document, QWidget* parent) : QAbstractScrollArea(parent), m_document(document) {
    setFocusPolicy(Qt::StrongFocus);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    viewport()->setMouseTracking(true);
    connect(m_document, &ProjectDocument::framesChanged, this, &FrameStrip::onFramesChanged);
    connect(m_document, &ProjectDocument::documentReset, this, &FrameStrip::onFramesChanged);
    connect(m_document, &ProjectDocument::modelChanged, this, [this] {
        m_thumbs.clear();  // aspect changed
        updateScrollRange();
        viewport()->update();
    });
    connect(m_document, &ProjectDocument::frameChanged, viewport(), qOverload<>(&QWidget::update));
    connect(m_document, &ProjectDocument::frameImageChanged, viewport(), qOverload<>(&QWidget::update));
    connect(m_document, &ProjectDocument::samplerChanged, viewport(), qOverload<>(&QWidget::update));
    setToolTip(
        tr("Frames in playback order. Click to select (Ctrl: add, Shift: range), drag to reorder, Delete to "
           "remove, double-click to show a frame in the preview."));
}

QSize FrameStrip::thumbSize() const {
    const QSize model = core::modelInputSize(m_document->project().model().kind);
    return QSize(kThumbHeight * model.width() / model.height(), kThumbHeight);
}

int FrameStrip::cellWidth() const {
    return thumbSize().width() + kGap;
}

QSize FrameStrip::sizeHint() const {
    return QSize(640, kThumbHeight + kLabelHeight + 2 * kMargin + horizontalScrollBar()->sizeHint().height());
}

QSize FrameStrip::minimumSizeHint() const {
    return QSize(200, kThumbHeight + kLabelHeight + 2 * kMargin);
}

QRect FrameStrip::cellRect(int index) const {
    const int x = kMargin + index * cellWidth() - horizontalScrollBar()->value();
    return QRect(x, kMargin, thumbSize().width(), kThumbHeight + kLabelHeight);
}

int FrameStrip::indexAt(const QPoint& point) const {
    for (int i = 0; i < m_document->frameCount(); ++i) {
        if (cellRect(i).contains(point))
            return i;
    }
    return -1;
}

int FrameStrip::gapAt(int viewportX) const {
    const int contentX = viewportX + horizontalScrollBar()->value() - kMargin + kGap / 2;
    const int gap = (contentX + cellWidth() / 2) / cellWidth();
    return qBound(0, gap, m_document->frameCount());
}

// The strip is one long row: the scroll range is the content width beyond the viewport.
void FrameStrip::updateScrollRange() {
    const int content = 2 * kMargin + m_document->frameCount() * cellWidth();
    horizontalScrollBar()->setRange(0, std::max(0, content - viewport()->width()));
    horizontalScrollBar()->setPageStep(viewport()->width());
    horizontalScrollBar()->setSingleStep(cellWidth() / 2);
}

void FrameStrip::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    updateScrollRange();
}

void FrameStrip::scrollContentsBy(int, int) {
    viewport()->update();
}

// After a structural change the indexes mean other frames; identities (uids) carry the selection across.
void FrameStrip::onFramesChanged() {
    // Drop what belongs to frames that are gone; keep selection by identity.
    const QVector<quint64>& uids = m_document->frameUids();
    m_selected.erase(
        std::remove_if(m_selected.begin(), m_selected.end(), [&uids](quint64 uid) { return !uids.contains(uid); }),
        m_selected.end());
    for (auto it = m_thumbs.begin(); it != m_thumbs.end();) {
        it = uids.contains(it.key()) ? std::next(it) : m_thumbs.erase(it);
    }
    if (m_current >= m_document->frameCount())
        m_current = m_document->frameCount() - 1;
    if (m_current < 0 && m_document->frameCount() > 0)
        m_current = 0;
    updateScrollRange();
    viewport()->update();
    Q_EMIT selectionChanged();
    Q_EMIT currentChanged(m_current);
}

QVector<int> FrameStrip::selection() const {
    QVector<int> indexes;
    for (quint64 uid : m_selected) {
        const int index = m_document->indexOfUid(uid);
        if (index >= 0)
            indexes.append(index);
    }
    std::sort(indexes.begin(), indexes.end());
    return indexes;
}

void FrameStrip::setSelection(const QVector<int>& indexes, int current) {
    m_selected.clear();
    for (int index : indexes) {
        if (index >= 0 && index < m_document->frameCount())
            m_selected.append(m_document->frameUid(index));
    }
    const int previous = m_current;
    m_current = qBound(-1, current, m_document->frameCount() - 1);
    m_anchor = m_current;
    ensureVisible(m_current);
    viewport()->update();
    Q_EMIT selectionChanged();
    if (previous != m_current)
        Q_EMIT currentChanged(m_current);
}

void FrameStrip::setCurrentIndex(int index, bool extend) {
    const int count = m_document->frameCount();
    if (count == 0)
        return;
    index = qBound(0, index, count - 1);
    if (extend && m_anchor >= 0) {
        QVector<int> range;
        for (int i = std::min(m_anchor, index); i <= std::max(m_anchor, index); ++i)
            range.append(i);
        const int anchor = m_anchor;
        setSelection(range, index);
        m_anchor = anchor;
    } else {
        setSelection({index}, index);
    }
}

void FrameStrip::selectAll() {
    QVector<int> all;
    for (int i = 0; i < m_document->frameCount(); ++i)
        all.append(i);
    setSelection(all, m_current < 0 ? 0 : m_current);
}

void FrameStrip::ensureVisible(int index) {
    if (index < 0)
        return;
    const QRect cell = cellRect(index);
    QScrollBar* bar = horizontalScrollBar();
    if (cell.left() < kMargin)
        bar->setValue(bar->value() + cell.left() - kMargin);
    else if (cell.right() > viewport()->width() - kMargin)
        bar->setValue(bar->value() + cell.right() - viewport()->width() + kMargin);
}

void FrameStrip::setStatus(quint64 uid, Status status, double progress) {
    FrameState& state = m_status[uid];
    state.status = status;
    state.progress = progress;
    if (status != Status::Generating)
        state.preview = QImage();
    const int index = m_document->indexOfUid(uid);
    if (index >= 0)
        viewport()->update(cellRect(index).adjusted(-3, -3, 3, 3));
}

void FrameStrip::setPreview(quint64 uid, const QImage& preview) {
    m_status[uid].preview = preview;
    const int index = m_document->indexOfUid(uid);
    if (index >= 0)
        viewport()->update(cellRect(index).adjusted(-3, -3, 3, 3));
}

void FrameStrip::clearStatuses() {
    m_status.clear();
    viewport()->update();
}

// Thumbnails are scaled once per image (keyed by the image's cache key), not on every repaint: repaints happen for
// every progress signal while generating.
QPixmap FrameStrip::thumbnail(int index) {
    const core::FrameSpec& frame = m_document->project().frame(index);
    if (!frame.hasImage())
        return QPixmap();
    const quint64 uid = m_document->frameUid(index);
    const auto cached = m_thumbs.constFind(uid);
    if (cached != m_thumbs.constEnd() && cached->first == frame.image().cacheKey())
        return cached->second;
    const qreal dpr = devicePixelRatioF();
    QPixmap pixmap =
        QPixmap::fromImage(frame.image().scaled(thumbSize() * dpr, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
    pixmap.setDevicePixelRatio(dpr);
    m_thumbs.insert(uid, qMakePair(frame.image().cacheKey(), pixmap));
    return pixmap;
}

void FrameStrip::paintEvent(QPaintEvent*) {
    QPainter p(viewport());
    p.fillRect(viewport()->rect(), kBackground);
    p.setRenderHint(QPainter::Antialiasing);
    const core::Project& project = m_document->project();
    const int count = project.frameCount();
    if (count == 0) {
        p.setPen(kDim);
        p.drawText(viewport()->rect(), Qt::AlignCenter,
                   tr("No frames yet: set the number of frames or press Generate."));
        return;
    }
    const QVector<int> selected = selection();
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    p.setFont(small);
    for (int i = 0; i < count; ++i) {
        const QRect cell = cellRect(i);
        if (cell.right() < 0 || cell.left() > viewport()->width())
            continue;
        const QRect thumbRect(cell.topLeft(), thumbSize());
        const quint64 uid = m_document->frameUid(i);
        const FrameState state = m_status.value(uid);

        QPainterPath clip;
        clip.addRoundedRect(thumbRect, 4, 4);
        p.fillPath(clip, kCard);
        p.save();
        p.setClipPath(clip);
        const QPixmap thumb = thumbnail(i);
        if (state.status == Status::Generating && !state.preview.isNull()) {
            p.drawImage(thumbRect, state.preview);
        } else if (!thumb.isNull()) {
            p.drawPixmap(thumbRect, thumb);
            if (state.status == Status::Queued || state.status == Status::Generating)
                p.fillRect(thumbRect, QColor(0, 0, 0, 110));  // an old image about to be replaced
        } else if (state.status == Status::Idle) {
            p.setPen(kDim);
            p.drawText(thumbRect, Qt::AlignCenter, tr("not generated"));
        }
        if (state.status == Status::Generating) {
            const QRect bar(thumbRect.left() + 4, thumbRect.bottom() - 7, thumbRect.width() - 8, 4);
            p.fillRect(bar, QColor(0, 0, 0, 150));
            p.fillRect(QRect(bar.topLeft(), QSize(int(bar.width() * qBound(0.0, state.progress, 1.0)), bar.height())),
                       kCurrent);
        } else if (state.status == Status::Queued) {
            p.setPen(thumb.isNull() ? kDim : Qt::white);
            p.drawText(thumbRect, Qt::AlignCenter, tr("queued"));
        } else if (state.status == Status::Failed) {
            p.fillRect(thumbRect, QColor(160, 30, 30, 90));
            p.setPen(Qt::white);
            p.drawText(thumbRect, Qt::AlignCenter, tr("failed"));
        }
        p.restore();

        // Selection and current frame.
        if (selected.contains(i)) {
            p.setPen(QPen(kSelected, 3));
            p.drawRoundedRect(QRectF(thumbRect).adjusted(-1.5, -1.5, 1.5, 1.5), 5, 5);
        }
        if (i == m_current && hasFocus()) {
            p.setPen(QPen(kCurrent, 1, Qt::DashLine));
            p.drawRoundedRect(QRectF(thumbRect).adjusted(-4.5, -4.5, 4.5, 4.5), 6, 6);
        }

        // Label: number, motion, and marks for a prompt or seed of its own.
        const core::FrameSpec& frame = project.frame(i);
        QString label = QStringLiteral("%1").arg(i + 1);
        if (project.model().kind == core::ModelKind::Pix2Gif)
            label += QStringLiteral(" \u00b7 m%1").arg(frame.motion());
        if (frame.hasPromptOverride())
            label += QStringLiteral(" \u270e");
        if (frame.seed() != project.sampler().seed)
            label += QStringLiteral(" \u2684");
        p.setPen(selected.contains(i) ? kText : kDim);
        p.drawText(QRect(cell.left(), thumbRect.bottom() + 2, cell.width(), kLabelHeight - 2),
                   Qt::AlignHCenter | Qt::AlignTop, label);
    }
    if (m_dragging && m_dropGap >= 0) {
        const int x = kMargin + m_dropGap * cellWidth() - kGap / 2 - horizontalScrollBar()->value();
        p.setPen(QPen(kCurrent, 3));
        p.drawLine(x, kMargin - 4, x, kMargin + kThumbHeight + 4);
    }
}

// Press selects (or keeps a multi-selection for dragging); the decision between click and drag is made on move or
// release, like a file manager.
void FrameStrip::mousePressEvent(QMouseEvent* event) {
    setFocus(Qt::MouseFocusReason);
    if (event->button() != Qt::LeftButton)
        return;
    const int index = indexAt(event->position().toPoint());
    m_pressPos = event->position().toPoint();
    m_dragging = false;
    m_pressOnSelected = false;
    if (index < 0)
        return;
    const quint64 uid = m_document->frameUid(index);
    if (event->modifiers() & Qt::ControlModifier) {
        if (m_selected.contains(uid))
            m_selected.removeAll(uid);
        else
            m_selected.append(uid);
        m_current = index;
        m_anchor = index;
        viewport()->update();
        Q_EMIT selectionChanged();
        Q_EMIT currentChanged(m_current);
    } else if (event->modifiers() & Qt::ShiftModifier) {
        setCurrentIndex(index, true);
    } else if (m_selected.contains(uid)) {
        // Maybe the start of a drag of the whole selection; a plain click selects it alone on release.
        m_pressOnSelected = true;
        if (m_current != index) {
            m_current = index;
            Q_EMIT currentChanged(m_current);
        }
    } else {
        setCurrentIndex(index);
        m_pressOnSelected = true;
    }
}

void FrameStrip::mouseMoveEvent(QMouseEvent* event) {
    if (!(event->buttons() & Qt::LeftButton) || !m_pressOnSelected)
        return;
    if (!m_dragging && (event->position().toPoint() - m_pressPos).manhattanLength() < QApplication::startDragDistance())
        return;
    m_dragging = true;
    m_dropGap = gapAt(event->position().toPoint().x());
    // Scroll when dragging past an edge.
    if (event->position().x() < kMargin)
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - cellWidth() / 4);
    else if (event->position().x() > viewport()->width() - kMargin)
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() + cellWidth() / 4);
    viewport()->update();
}

void FrameStrip::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton)
        return;
    if (m_dragging) {
        m_dragging = false;
        const QVector<int> moving = selection();
        const int gap = gapAt(event->position().toPoint().x());
        // The gap counts positions in the full list; the destination is in the list without the moving frames.
        const int before = int(std::count_if(moving.begin(), moving.end(), [gap](int i) { return i < gap; }));
        m_dropGap = -1;
        viewport()->update();
        if (!moving.isEmpty())
            Q_EMIT moveRequested(moving, gap - before);
        return;
    }
    if (m_pressOnSelected && !(event->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier))) {
        const int index = indexAt(event->position().toPoint());
        if (index >= 0 && selection().size() > 1)
            setCurrentIndex(index);
    }
    m_pressOnSelected = false;
}

void FrameStrip::mouseDoubleClickEvent(QMouseEvent* event) {
    const int index = indexAt(event->position().toPoint());
    if (index >= 0)
        Q_EMIT activated(index);
}

void FrameStrip::keyPressEvent(QKeyEvent* event) {
    const bool extend = event->modifiers() & Qt::ShiftModifier;
    switch (event->key()) {
        case Qt::Key_Left:
            setCurrentIndex(m_current - 1, extend);
            return;
        case Qt::Key_Right:
            setCurrentIndex(m_current + 1, extend);
            return;
        case Qt::Key_Home:
            setCurrentIndex(0, extend);
            return;
        case Qt::Key_End:
            setCurrentIndex(m_document->frameCount() - 1, extend);
            return;
        case Qt::Key_Delete:
        case Qt::Key_Backspace:
            if (!selection().isEmpty())
                Q_EMIT removeRequested(selection());
            return;
        case Qt::Key_A:
            if (event->modifiers() & Qt::ControlModifier) {
                selectAll();
                return;
            }
            break;
        default:
            break;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

}  // namespace sm::ui
