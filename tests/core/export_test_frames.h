#pragma once
// Frame sources and quality measures shared by the export/decoder tests (header-only).
#include "media/video_decoder.h"

#include <QColor>
#include <QFileInfo>
#include <QImage>
#include <QString>
#include <QVector>

#include <cmath>

namespace sm::test {

// A smooth diagonal gradient with a soft disc that moves `step` pixels per frame: many colours, smooth areas and a
// static background, like a generated animation.
inline QVector<QImage> movingGradientFrames(int count, QSize size, int step = 3) {
    QVector<QImage> frames;
    for (int i = 0; i < count; ++i) {
        QImage image(size, QImage::Format_RGB888);
        const double cx = 10.0 + i * step, cy = size.height() / 2.0, radius = size.height() / 4.0;
        for (int y = 0; y < size.height(); ++y) {
            uchar* line = image.scanLine(y);
            for (int x = 0; x < size.width(); ++x) {
                double r = 255.0 * x / size.width(), g = 255.0 * y / size.height(), b = 128.0;
                const double d = std::hypot(x - cx, y - cy);
                if (d < radius) {
                    const double w = 1.0 - d / radius;  // smooth falloff: a soft highlight
                    r = r * (1 - w) + 250 * w;
                    g = g * (1 - w) + 220 * w;
                    b = b * (1 - w) + 40 * w;
                }
                line[3 * x] = uchar(std::lround(r));
                line[3 * x + 1] = uchar(std::lround(g));
                line[3 * x + 2] = uchar(std::lround(b));
            }
        }
        frames.append(image);
    }
    return frames;
}

// Flat frames of few colours with a distinct number of stripes each, so frames can be told apart exactly.
inline QVector<QImage> stripeFrames(int count, QSize size) {
    QVector<QImage> frames;
    for (int i = 0; i < count; ++i) {
        QImage image(size, QImage::Format_RGB888);
        image.fill(QColor(20, 40, 60));
        for (int s = 0; s <= i; ++s) {
            for (int y = 0; y < size.height(); ++y) {
                for (int x = s * 4; x < s * 4 + 2 && x < size.width(); ++x) {
                    image.setPixelColor(x, y, QColor(200, 30 + 10 * (s % 8), 90));
                }
            }
        }
        frames.append(image);
    }
    return frames;
}

// Mean squared error over all channels; images must have the same size (converted to RGB888).
inline double meanSquaredError(const QImage& a, const QImage& b) {
    const QImage x = a.convertToFormat(QImage::Format_RGB888), y = b.convertToFormat(QImage::Format_RGB888);
    double sum = 0.0;
    for (int row = 0; row < x.height(); ++row) {
        const uchar* p = x.constScanLine(row);
        const uchar* q = y.constScanLine(row);
        for (int i = 0; i < x.width() * 3; ++i) {
            const double d = double(p[i]) - double(q[i]);
            sum += d * d;
        }
    }
    return sum / (double(x.width()) * x.height() * 3);
}

// PSNR in dB over a whole sequence (MSE pooled over all frames); -1 when the lists differ in length or size.
inline double sequencePsnr(const QVector<QImage>& source, const QVector<QImage>& decoded) {
    if (source.size() != decoded.size() || source.isEmpty()) {
        return -1.0;
    }
    double mse = 0.0;
    for (int i = 0; i < source.size(); ++i) {
        if (source[i].size() != decoded[i].size()) {
            return -1.0;
        }
        mse += meanSquaredError(source[i], decoded[i]);
    }
    mse /= source.size();
    return mse > 0.0 ? 10.0 * std::log10(255.0 * 255.0 / mse) : 99.0;
}

inline QVector<QImage> imagesOf(const QVector<core::DecodedFrame>& frames) {
    QVector<QImage> images;
    for (const core::DecodedFrame& f : frames) {
        images.append(f.image);
    }
    return images;
}

// The real clips the opencv-doc package ships (Debian package list); empty when not installed.
inline QString opencvClip(const QString& name) {
    const QString path = QStringLiteral("/usr/share/doc/opencv-doc/examples/data/") + name;
    return QFileInfo::exists(path) ? path : QString();
}

// The first `count` frames of a clip, decoded by FFmpeg and scaled to `width` pixels wide (even height).
inline QVector<QImage> clipFrames(const QString& path, int count, int width) {
    core::VideoDecoder decoder;
    QString error;
    if (!decoder.open(path, &error)) {
        return {};
    }
    const QSize native = decoder.frameSize();
    const int height = 2 * int(std::lround(double(width) * native.height() / native.width() / 2.0));
    decoder.setOutputSize(QSize(width, height));
    QVector<QImage> frames;
    core::DecodedFrame frame;
    while (frames.size() < count && decoder.readFrame(&frame, &error) == core::DecodeStatus::Frame) {
        frames.append(frame.image.convertToFormat(QImage::Format_RGB888));
    }
    return frames;
}

}  // namespace sm::test
