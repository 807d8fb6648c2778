#include "export/frame_encoder.h"

#include "export/gif_encoder.h"
#include "export/mp4_encoder.h"
#include "export/png_sequence_encoder.h"
#include "export/webp_encoder.h"

#include <QFileInfo>

#include <cmath>

namespace sm::core {

// One place for the checks every encoder's open() runs, so the UI, the CLI and the tests see the same wording.
QString validateSettings(const EncodeSettings& settings) {
    if (!(settings.fps > 0.0) || !std::isfinite(settings.fps)) {
        return QStringLiteral("fps must be > 0 (got %1)").arg(settings.fps);
    }
    // Above 1000 fps neither GIF (centiseconds) nor WebP (milliseconds) can represent the frame duration.
    if (settings.fps > 1000.0) {
        return QStringLiteral("fps must be <= 1000 (got %1)").arg(settings.fps);
    }
    if (settings.quality < 1 || settings.quality > 100) {
        return QStringLiteral("quality must be 1..100 (got %1)").arg(settings.quality);
    }
    if (settings.maxColors < 2 || settings.maxColors > 256) {
        return QStringLiteral("colours must be 2..256 (got %1)").arg(settings.maxColors);
    }
    if (settings.loopCount < 0 || settings.loopCount > 65536) {
        return QStringLiteral("loop count must be 0 (forever) or 1..65536 plays (got %1)").arg(settings.loopCount);
    }
    if (settings.maxBytes < 0) {
        return QStringLiteral("size budget must be >= 0 bytes (got %1)").arg(settings.maxBytes);
    }
    if (!(settings.ditherLevel >= 0.0f && settings.ditherLevel <= 1.0f)) {
        return QStringLiteral("dithering level must be 0..1 (got %1)").arg(double(settings.ditherLevel));
    }
    return QString();
}

bool FrameEncoder::fail(QString* error, const QString& message) {
    m_status = EncodeStatus::Failed;
    if (error) {
        *error = message;
    }
    return false;
}

bool FrameEncoder::failCancelled(QString* error, const QString& path) {
    m_status = EncodeStatus::Cancelled;
    if (error) {
        *error = QStringLiteral("%1: cancelled").arg(path);
    }
    return false;
}

// The factory keeps callers independent of the concrete encoder headers (and their library types).
std::unique_ptr<FrameEncoder> makeEncoder(ExportFormat format) {
    switch (format) {
        case ExportFormat::Gif:
            return std::make_unique<GifEncoder>();
        case ExportFormat::Mp4:
            return std::make_unique<Mp4Encoder>();
        case ExportFormat::WebP:
            return std::make_unique<WebPEncoder>();
        case ExportFormat::PngSequence:
            return std::make_unique<PngSequenceEncoder>();
    }
    return nullptr;
}

ExportFormat exportFormatForPath(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("gif")) {
        return ExportFormat::Gif;
    }
    if (suffix == QLatin1String("mp4") || suffix == QLatin1String("m4v")) {
        return ExportFormat::Mp4;
    }
    if (suffix == QLatin1String("webp")) {
        return ExportFormat::WebP;
    }
    return ExportFormat::PngSequence;
}

QVector<int> pingPongOrder(int frameCount) {
    QVector<int> order;
    for (int i = 0; i < frameCount; ++i) {
        order.append(i);
    }
    // The turning frames are not repeated, so the loop point plays as smoothly as the rest.
    for (int i = frameCount - 2; i >= 1; --i) {
        order.append(i);
    }
    return order;
}

}  // namespace sm::core
