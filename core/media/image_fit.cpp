#include "media/image_fit.h"

#include <algorithm>
#include <cmath>

#include "media/image_loader.h"

namespace sm::core {

namespace {

// The size of target's aspect with the given width (height rounded), or height (width rounded).
QSize sizeForWidth(int width, QSize target) {
    return QSize(width, int(std::lround(double(width) * target.height() / target.width())));
}
QSize sizeForHeight(int height, QSize target) {
    return QSize(int(std::lround(double(height) * target.width() / target.height())), height);
}

// The largest size of target's aspect that fits in `bounds`.
QSize largestFit(QSize bounds, QSize target) {
    // Compare aspects exactly in integers: bounds is wider than the target when W * h > H * w.
    const qint64 boundsCross = qint64(bounds.width()) * target.height();
    const qint64 targetCross = qint64(bounds.height()) * target.width();
    QSize size =
        boundsCross >= targetCross ? sizeForHeight(bounds.height(), target) : sizeForWidth(bounds.width(), target);
    return size.boundedTo(bounds).expandedTo(QSize(1, 1));
}

QRect centredRect(QPointF centre, QSize size) {
    return QRect(int(std::lround(centre.x() - size.width() / 2.0)), int(std::lround(centre.y() - size.height() / 2.0)),
                 size.width(), size.height());
}

}  // namespace

QRect defaultCrop(QSize image, QSize target) {
    if (image.isEmpty() || target.isEmpty())
        return QRect();
    const QSize size = largestFit(image, target);
    return QRect((image.width() - size.width()) / 2, (image.height() - size.height()) / 2, size.width(), size.height());
}

QRect clampCrop(const QRect& crop, QSize image, QSize target) {
    if (image.isEmpty() || target.isEmpty())
        return QRect();
    if (crop.isEmpty())
        return defaultCrop(image, target);
    QRect result = crop;
    if (result.width() > image.width() || result.height() > image.height())
        result = centredRect(QRectF(crop).center(), largestFit(image, target));
    result.moveLeft(std::clamp(result.left(), 0, image.width() - result.width()));
    result.moveTop(std::clamp(result.top(), 0, image.height() - result.height()));
    return result;
}

QRect scaleCrop(const QRect& crop, double factor, QSize image, QSize target, int minSide) {
    if (image.isEmpty() || target.isEmpty())
        return QRect();
    const QRect base = crop.isEmpty() ? defaultCrop(image, target) : crop;
    const QSize largest = largestFit(image, target);
    // Work on the width so the aspect comes from the target, not from the (rounded) current crop.
    const int minWidth = target.width() >= target.height()
                             ? int(std::lround(double(minSide) * target.width() / target.height()))
                             : minSide;
    int width = int(std::lround(base.width() * factor));
    width = std::clamp(width, std::min(minWidth, largest.width()), largest.width());
    QSize size = sizeForWidth(width, target).boundedTo(largest);
    return clampCrop(centredRect(QRectF(base).center(), size), image, target);
}

QImage fitToModel(const QImage& image, const QRect& crop, QSize target) {
    if (image.isNull() || target.isEmpty())
        return QImage();
    QRect area = crop.intersected(image.rect());
    if (crop.isNull() || area.isEmpty())
        area = defaultCrop(image.size(), target);
    const QImage opaque = flattenAlpha(image.copy(area));
    // Qt's smooth scaling averages all covered source pixels when shrinking, so detail does not alias.
    QImage fitted = opaque.scaled(target, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    return fitted.convertToFormat(QImage::Format_RGB32);
}

}  // namespace sm::core
