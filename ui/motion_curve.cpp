#include "motion_curve.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <cmath>

#include "project_document.h"

namespace sm::ui {

namespace {

const QColor kBackground(36, 36, 39);
const QColor kGrid(60, 60, 66);
const QColor kLine(120, 180, 255);
const QColor kPoint(230, 230, 235);
const QColor kSelected(64, 132, 214);
const QColor kText(150, 150, 158);
constexpr int kLeft = 34;
constexpr int kRight = 12;
constexpr int kTop = 10;
constexpr int kBottom = 18;

}  // namespace

MotionCurve::MotionCurve(ProjectDocument* document, QWidget* parent) : QWidget(parent), m_document(document) {
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(m_document, &ProjectDocument::changed, this, qOverload<>(&QWidget::update));
    setToolTip(
        tr("Motion curve: the Pix2Gif motion value of every frame. Drag a point up or down; sweep across "
           "frames while dragging to draw the curve. Higher values move things further. Up/Down change the "
           "current frame."));
}

void MotionCurve::setRange(int minimum, int maximum) {
    m_min = minimum;
    m_max = std::max(minimum + 1, maximum);
    update();
}

void MotionCurve::setSelection(const QVector<int>& selection, int current) {
    m_selection = selection;
    m_current = current;
    update();
}

QRectF MotionCurve::plotRect() const {
    return QRectF(kLeft, kTop, std::max(1, width() - kLeft - kRight), std::max(1, height() - kTop - kBottom));
}

QPointF MotionCurve::pointFor(int frame, int motion) const {
    const QRectF plot = plotRect();
    const int count = m_document->frameCount();
    const double x = count <= 1 ? plot.center().x() : plot.left() + plot.width() * frame / double(count - 1);
    const double t = double(qBound(m_min, motion, m_max) - m_min) / double(m_max - m_min);
    return QPointF(x, plot.bottom() - t * plot.height());
}

int MotionCurve::frameAt(double x) const {
    const int count = m_document->frameCount();
    if (count <= 1)
        return count - 1;
    const QRectF plot = plotRect();
    const double t = (x - plot.left()) / plot.width();
    return qBound(0, int(std::lround(t * (count - 1))), count - 1);
}

int MotionCurve::motionAt(double y) const {
    const QRectF plot = plotRect();
    const double t = (plot.bottom() - y) / plot.height();
    return qBound(m_min, int(std::lround(m_min + t * (m_max - m_min))), m_max);
}

void MotionCurve::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), kBackground);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF plot = plotRect();
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    p.setFont(small);

    // Horizontal grid at a few motion values.
    for (int value = m_min; value <= m_max; ++value) {
        if (value != m_min && value != m_max && value % 5 != 0)
            continue;
        const double y = pointFor(0, value).y();
        p.setPen(QPen(kGrid, 1));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        p.setPen(kText);
        p.drawText(QRectF(0, y - 8, kLeft - 6, 16), Qt::AlignRight | Qt::AlignVCenter, QString::number(value));
    }
    const core::Project& project = m_document->project();
    if (!isEnabled() || project.model().kind == core::ModelKind::Cinemo) {
        p.setPen(kText);
        p.drawText(plot, Qt::AlignCenter, tr("Cinemo uses one motion intensity for the whole clip"));
        return;
    }
    const int count = project.frameCount();
    if (count == 0)
        return;
    QPainterPath path;
    for (int i = 0; i < count; ++i) {
        const QPointF point = pointFor(i, project.frame(i).motion());
        if (i == 0)
            path.moveTo(point);
        else
            path.lineTo(point);
    }
    p.setPen(QPen(kLine, 2));
    p.drawPath(path);
    for (int i = 0; i < count; ++i) {
        const QPointF point = pointFor(i, project.frame(i).motion());
        const bool selected = m_selection.contains(i);
        p.setPen(QPen(selected ? kSelected : kBackground, 2));
        p.setBrush(selected ? kLine : kPoint);
        p.drawEllipse(point, i == m_current ? 5.5 : 4.0, i == m_current ? 5.5 : 4.0);
    }
    p.setPen(kText);
    p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), kBottom - 2), Qt::AlignLeft | Qt::AlignTop,
               tr("frame 1"));
    p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), kBottom - 2), Qt::AlignRight | Qt::AlignTop,
               tr("frame %1").arg(count));
}

void MotionCurve::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || m_document->frameCount() == 0 ||
        m_document->project().model().kind == core::ModelKind::Cinemo)
        return;
    m_dragging = true;
    m_lastFrame = -1;
    m_dragMotions.clear();
    for (const core::FrameSpec& frame : m_document->project().frames())
        m_dragMotions.append(frame.motion());
    m_document->breakMerge();  // a new drag is a new undo step
    const int frame = frameAt(event->position().x());
    Q_EMIT frameClicked(frame);
    dragTo(event->position());
}

void MotionCurve::mouseMoveEvent(QMouseEvent* event) {
    if (m_dragging)
        dragTo(event->position());
}

void MotionCurve::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton && m_dragging) {
        dragTo(event->position());
        m_dragging = false;
        m_document->breakMerge();
    }
}

// Each move edits the whole curve as dragged so far; the document merges the edits of one drag into one step.
void MotionCurve::dragTo(const QPointF& position) {
    if (m_dragMotions.size() != m_document->frameCount())
        return;
    const int frame = frameAt(position.x());
    const int motion = motionAt(position.y());
    // Fill the frames swept over since the last event, so a fast sweep leaves no gaps.
    const int from = m_lastFrame < 0 ? frame : m_lastFrame;
    const int fromMotion = m_lastFrame < 0 ? motion : m_dragMotions.at(m_lastFrame);
    const int steps = std::abs(frame - from);
    for (int k = 0; k <= steps; ++k) {
        const int i = from + (frame >= from ? k : -k);
        const double t = steps == 0 ? 1.0 : double(k) / steps;
        m_dragMotions[i] = int(std::lround(fromMotion + t * (motion - fromMotion)));
    }
    m_lastFrame = frame;
    m_document->setMotions(m_dragMotions);
}

void MotionCurve::keyPressEvent(QKeyEvent* event) {
    if (m_current >= 0 && m_current < m_document->frameCount() &&
        (event->key() == Qt::Key_Up || event->key() == Qt::Key_Down)) {
        const int motion = m_document->project().frame(m_current).motion() + (event->key() == Qt::Key_Up ? 1 : -1);
        m_document->setFrameMotion(m_current, qBound(m_min, motion, m_max));
        return;
    }
    QWidget::keyPressEvent(event);
}

}  // namespace sm::ui
