#pragma once
// Fitting a source image to a model's input size by crop + scale (no letterboxing, no distortion).
//
// All rectangles are in source-image pixels. A crop "of the target aspect" has width/height equal to
// target.width()/target.height() up to rounding to whole pixels. Pure functions, reentrant.
#include <QImage>
#include <QPointF>
#include <QRect>
#include <QSize>

namespace sm::core {

// The largest rectangle of target's aspect ratio that fits in an image of size `image`, centred.
// Returns a null QRect when either size is empty.
QRect defaultCrop(QSize image, QSize target);

// `crop` moved (never resized) so that it lies inside the image; if it is larger than the image it is first
// shrunk to defaultCrop's size around its centre. Use after every drag.
QRect clampCrop(const QRect& crop, QSize image, QSize target);

// `crop` scaled by `factor` about its centre, keeping target's aspect, limited to between `minSide` pixels
// (shorter side) and defaultCrop's size, then clamped inside the image.
QRect scaleCrop(const QRect& crop, double factor, QSize image, QSize target, int minSide = 16);

// The `crop` part of `image`, scaled to exactly `target` with smooth (area-averaging when shrinking)
// filtering; opaque Format_RGB32 (transparent pixels flattened onto white). A crop that is null or does not
// intersect the image is replaced by defaultCrop. Returns a null image for a null input or empty target.
QImage fitToModel(const QImage& image, const QRect& crop, QSize target);

}  // namespace sm::core
