#pragma once
// The canvas that shows the source image scaled to fit (aspect kept, centred) with the model's crop rectangle
// drawn over it. The user drags the rectangle to move it, clicks outside it to centre it there, and turns the
// mouse wheel over the image to resize it; the rectangle always keeps the model's aspect and stays inside the
// image (core/media/image_fit.h does the maths).
//
// Coordinates: crop() and setCrop() are in source-image pixels; imageRect() is in widget pixels.
// GUI thread only.
#include <QImage>
#include <QPixmap>
#include <QPointF>
#include <QRect>
#include <QRectF>
#include <QSize>
#include <QWidget>

namespace sm::ui {

class ImageCanvas : public QWidget {
    Q_OBJECT
public:
    explicit ImageCanvas(QWidget* parent = nullptr);

    // Shows `image` (a null image clears the canvas) and resets the crop to the default for the target size.
    void setImage(const QImage& image);
    const QImage& image() const { return m_image; }
    bool hasImage() const { return !m_image.isNull(); }

    // The model input size whose aspect the crop keeps (e.g. 256x256, 512x320). Changing it resets the crop.
    void setTargetSize(QSize target);
    QSize targetSize() const { return m_target; }

    // The crop in image pixels. setCrop() clamps it inside the image (a null rect means the default crop) and
    // emits cropChanged() when the result differs from the current crop.
    void setCrop(const QRect& crop);
    QRect crop() const { return m_crop; }

    // Where the image is drawn inside the widget, and the crop in widget coordinates (empty without an image).
    QRectF imageRect() const;
    QRectF cropRectInWidget() const;

    QSize sizeHint() const override { return QSize(800, 600); }
    QSize minimumSizeHint() const override { return QSize(200, 150); }

Q_SIGNALS:
    // The crop changed by user interaction or setCrop() (not by setImage()/setTargetSize() resets).
    void cropChanged(const QRect& crop);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    double scale() const;  // widget pixels per image pixel
    QPointF toImage(QPointF widgetPoint) const;
    void applyCrop(const QRect& crop);
    void updateCursor(QPointF widgetPoint);

    QImage m_image;
    QPixmap m_scaled;  // m_image at the current display size, rebuilt when the widget size changes
    QSize m_target{256, 256};
    QRect m_crop;
    bool m_dragging = false;
    QPointF m_dragStartImage;  // press position in image pixels
    QRect m_dragStartCrop;
};

}  // namespace sm::ui
