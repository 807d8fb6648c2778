#include "export/webp_encoder.h"

#include "export/export_utils.h"
#include "export/size_budget.h"

#include <webp/encode.h>
#include <webp/mux.h>

#include <algorithm>
#include <memory>

namespace sm::core {
namespace {

// The VP8/VP8L bitstreams store 14-bit dimensions.
constexpr int kWebPMaxDimension = 16383;

struct AnimEncoderDeleter {
    void operator()(WebPAnimEncoder* encoder) const { WebPAnimEncoderDelete(encoder); }
};

// WebPPicture is a C struct that owns pixel buffers once imported; this frees them on every path.
struct PictureGuard {
    WebPPicture picture;
    PictureGuard() { WebPPictureInit(&picture); }
    ~PictureGuard() { WebPPictureFree(&picture); }
    PictureGuard(const PictureGuard&) = delete;
    PictureGuard& operator=(const PictureGuard&) = delete;
};

}  // namespace

bool encodeWebPToBytes(const QVector<QImage>& frames, double fps, int quality, int loopCount, QByteArray* bytes,
                       QString* error, const std::atomic<bool>* cancel, const EncodeProgressCallback& progress) {
    if (frames.isEmpty()) {
        *error = QStringLiteral("webp: no frames");
        return false;
    }
    const QSize size = frames.front().size();
    WebPAnimEncoderOptions animOptions;
    WebPConfig config;
    if (!WebPAnimEncoderOptionsInit(&animOptions) || !WebPConfigInit(&config)) {
        *error = QStringLiteral("webp: library version mismatch");
        return false;
    }
    animOptions.anim_params.loop_count = loopCount;
    animOptions.anim_params.bgcolor = 0x00000000;  // transparent: players clear to it between loops
    // Lossy frames: animations from diffusion models are photographic, where lossless WebP is larger than GIF.
    // method 4 is libwebp's default speed/size trade-off (cwebp's default too).
    config.lossless = 0;
    config.quality = float(std::clamp(quality, 1, 100));
    config.method = 4;
    if (!WebPValidateConfig(&config)) {
        *error = QStringLiteral("webp: invalid configuration for quality %1").arg(quality);
        return false;
    }
    std::unique_ptr<WebPAnimEncoder, AnimEncoderDeleter> encoder(
        WebPAnimEncoderNew(size.width(), size.height(), &animOptions));
    if (!encoder) {
        *error = QStringLiteral("webp: cannot create the animation encoder");
        return false;
    }
    // Timestamps are rounded from the exact times, not accumulated from rounded durations, so the total duration
    // is exact and every frame lasts floor or ceil of 1000 / fps milliseconds.
    const QVector<qint64> stamps = frameTimestampsMs(frames.size(), fps);
    for (int i = 0; i < frames.size(); ++i) {
        if (cancel && cancel->load()) {
            *error = QStringLiteral("cancelled");
            return false;
        }
        // WebPPictureImportRGBA expects byte order R, G, B, A regardless of endianness: QImage's RGBA8888.
        const QImage rgba = frames[i].convertToFormat(QImage::Format_RGBA8888);
        PictureGuard guard;
        guard.picture.use_argb = 1;
        guard.picture.width = size.width();
        guard.picture.height = size.height();
        if (!WebPPictureImportRGBA(&guard.picture, rgba.constBits(), int(rgba.bytesPerLine())) ||
            !WebPAnimEncoderAdd(encoder.get(), &guard.picture, int(stamps[i]), &config)) {
            *error = QStringLiteral("webp: frame %1: %2")
                         .arg(i + 1)
                         .arg(QString::fromUtf8(WebPAnimEncoderGetError(encoder.get())));
            return false;
        }
        if (progress) {
            progress(i + 1, frames.size());
        }
    }
    // The final NULL frame tells the encoder when the last frame ends; without it libwebp guesses its duration.
    WebPData data;
    WebPDataInit(&data);
    if (!WebPAnimEncoderAdd(encoder.get(), nullptr, int(stamps.back()), nullptr) ||
        !WebPAnimEncoderAssemble(encoder.get(), &data)) {
        *error = QStringLiteral("webp: %1").arg(QString::fromUtf8(WebPAnimEncoderGetError(encoder.get())));
        WebPDataClear(&data);
        return false;
    }
    *bytes = QByteArray(reinterpret_cast<const char*>(data.bytes), int(data.size));
    WebPDataClear(&data);
    return true;
}

QString WebPEncoder::frameSizeProblem(const QString& path, QSize frameSize) const {
    if (frameSize.isEmpty() || frameSize.width() > kWebPMaxDimension || frameSize.height() > kWebPMaxDimension) {
        return QStringLiteral("%1: invalid WebP frame size %2x%3 (at most %4)")
            .arg(path)
            .arg(frameSize.width())
            .arg(frameSize.height())
            .arg(kWebPMaxDimension);
    }
    return QString();
}

QImage WebPEncoder::bufferedFrame(const QImage& frame) const {
    return frame.convertToFormat(QImage::Format_RGBA8888);
}

bool WebPEncoder::encodeFrames(const QVector<QImage>& frames, double fps, const BudgetTrial& trial, QByteArray* bytes,
                               QString* error) {
    return encodeWebPToBytes(frames, fps, trial.quality, settings().loopCount, bytes, error, &m_cancelled, m_progress);
}

}  // namespace sm::core
