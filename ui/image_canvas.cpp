#include "image_canvas.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <cmath>

#include "media/image_fit.h"

namespace sm::ui {

namespace {

constexpr int kMargin = 12;         // free space around the image, widget pixels
constexpr double kWheelStep = 1.1;  // crop scale per wheel notch
const QColor kBackground(43, 43, 46);
const QColor kShade(0, 0, 0, 140);  // darkens the part of the image the model will not see

}  // namespace

ImageCanvas::ImageCanvas(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);  // cursor feedback over the crop
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::StrongFocus);
}

void ImageCanvas::setImage(const QImage& image) {
    m_image = image;
    m_scaled = QPixmap();
    m_crop = core::defaultCrop(m_image.size(), m_target);
    m_dragging = false;
    update();
}

void ImageCanvas::setTargetSize(QSize target) {
    if (target.isEmpty() || target == m_target)
        return;
    // Same aspect (e.g. a 64 × 64 model after the family's 256 × 256): the user's crop stays valid and is kept.
    const bool sameAspect = !m_target.isEmpty() && qint64(m_target.width()) * target.height() ==
                                                       qint64(m_target.height()) * target.width();
    m_target = target;
    m_crop = sameAspect && !m_crop.isNull() ? core::clampCrop(m_crop, m_image.size(), m_target)
                                            : core::defaultCrop(m_image.size(), m_target);
    update();
}

void ImageCanvas::setCrop(const QRect& crop) {
    applyCrop(crop.isNull() ? core::defaultCrop(m_image.size(), m_target)
                            : core::clampCrop(crop, m_image.size(), m_target));
}

void ImageCanvas::applyCrop(const QRect& crop) {
    if (crop == m_crop)
        return;
    m_crop = crop;
    update();
    Q_EMIT cropChanged(m_crop);
}

QRectF ImageCanvas::imageRect() const {
    if (m_image.isNull())
        return QRectF();
    const QSizeF available(std::max(1, width() - 2 * kMargin), std::max(1, height() - 2 * kMargin));
    // Never enlarge small images beyond 4x: a 64-pixel icon blown up to the window says nothing useful.
    const double s = std::min({available.width() / m_image.width(), available.height() / m_image.height(), 4.0});
    const QSizeF size(m_image.width() * s, m_image.height() * s);
    return QRectF(QPointF((width() - size.width()) / 2.0, (height() - size.height()) / 2.0), size);
}

double ImageCanvas::scale() const {
    return m_image.isNull() ? 1.0 : imageRect().width() / m_image.width();
}

QPointF ImageCanvas::toImage(QPointF widgetPoint) const {
    const QRectF area = imageRect();
    return (widgetPoint - area.topLeft()) / scale();
}

QRectF ImageCanvas::cropRectInWidget() const {
    if (m_image.isNull() || m_crop.isEmpty())
        return QRectF();
    const QRectF area = imageRect();
    const double s = scale();
    return QRectF(area.left() + m_crop.x() * s, area.top() + m_crop.y() * s, m_crop.width() * s, m_crop.height() * s);
}

void ImageCanvas::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), kBackground);
    if (m_image.isNull()) {
        painter.setPen(QColor(170, 170, 175));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, tr("Open an image (Ctrl+O) or drop one here"));
        return;
    }

    const QRectF area = imageRect();
    // Scale once per display size with a good filter; painting a scaled pixmap 1:1 is then cheap.
    const QSize displaySize = area.size().toSize();
    if (m_scaled.size() != displaySize) {
        m_scaled = QPixmap::fromImage(m_image.scaled(displaySize, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
    }
    painter.drawPixmap(area.topLeft(), m_scaled);

    const QRectF crop = cropRectInWidget();
    if (crop.isEmpty())
        return;
    QPainterPath outside;
    outside.setFillRule(Qt::OddEvenFill);
    outside.addRect(area);
    outside.addRect(crop);
    painter.fillPath(outside, kShade);

    painter.setRenderHint(QPainter::Antialiasing, false);
    // Thirds guides help placing the subject; kept faint so they do not read as part of the picture.
    painter.setPen(QPen(QColor(255, 255, 255, 70), 1));
    for (int i = 1; i < 3; ++i) {
        const double x = crop.left() + crop.width() * i / 3.0;
        const double y = crop.top() + crop.height() * i / 3.0;
        painter.drawLine(QPointF(x, crop.top()), QPointF(x, crop.bottom()));
        painter.drawLine(QPointF(crop.left(), y), QPointF(crop.right(), y));
    }
    painter.setPen(QPen(QColor(0, 0, 0, 160), 3));
    painter.drawRect(crop);
    painter.setPen(QPen(QColor(255, 214, 64), 1.5));
    painter.drawRect(crop);

    const QString label = tr("%1 \u00d7 %2 \u2192 %3 \u00d7 %4")
                              .arg(m_crop.width())
                              .arg(m_crop.height())
                              .arg(m_target.width())
                              .arg(m_target.height());
    const QRectF labelRect = painter.fontMetrics().boundingRect(label).adjusted(-6, -3, 6, 3);
    const QPointF labelPos(crop.left() + 4, crop.top() + 4);
    painter.fillRect(labelRect.translated(labelPos - labelRect.topLeft()), QColor(0, 0, 0, 170));
    painter.setPen(Qt::white);
    painter.drawText(labelRect.translated(labelPos - labelRect.topLeft()), Qt::AlignCenter, label);
}

void ImageCanvas::mousePressEvent(QMouseEvent* event) {
    if (m_image.isNull() || event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    const QPointF position = event->position();
    if (!cropRectInWidget().contains(position) && imageRect().contains(position)) {
        // A click beside the crop centres it there, then the same press keeps dragging it.
        const QPointF centre = toImage(position);
        setCrop(QRect(int(std::lround(centre.x() - m_crop.width() / 2.0)),
                      int(std::lround(centre.y() - m_crop.height() / 2.0)), m_crop.width(), m_crop.height()));
    }
    if (cropRectInWidget().contains(position)) {
        m_dragging = true;
        m_dragStartImage = toImage(position);
        m_dragStartCrop = m_crop;
        setCursor(Qt::ClosedHandCursor);
    }
    event->accept();
}

void ImageCanvas::mouseMoveEvent(QMouseEvent* event) {
    if (!m_dragging) {
        updateCursor(event->position());
        QWidget::mouseMoveEvent(event);
        return;
    }
    const QPointF delta = toImage(event->position()) - m_dragStartImage;
    setCrop(m_dragStartCrop.translated(int(std::lround(delta.x())), int(std::lround(delta.y()))));
    event->accept();
}

void ImageCanvas::mouseReleaseEvent(QMouseEvent* event) {
    if (m_dragging && event->button() == Qt::LeftButton) {
        m_dragging = false;
        updateCursor(event->position());
        event->accept();
        return;
    }
    QWidget::mouseReleaseEvent(event);
}

void ImageCanvas::wheelEvent(QWheelEvent* event) {
    if (m_image.isNull() || event->angleDelta().y() == 0) {
        QWidget::wheelEvent(event);
        return;
    }
    // Wheel up (away from the user) enlarges the crop, i.e. zooms the model's view out.
    const double notches = event->angleDelta().y() / 120.0;
    setCrop(core::scaleCrop(m_crop, std::pow(kWheelStep, notches), m_image.size(), m_target));
    event->accept();
}

void ImageCanvas::updateCursor(QPointF widgetPoint) {
    if (m_image.isNull())
        unsetCursor();
    else if (cropRectInWidget().contains(widgetPoint))
        setCursor(m_dragging ? Qt::ClosedHandCursor : Qt::OpenHandCursor);
    else if (imageRect().contains(widgetPoint))
        setCursor(Qt::PointingHandCursor);
    else
        unsetCursor();
}

}  // namespace sm::ui
