#include "export/webp_encoder.h"

#include "export/export_utils.h"
#include "export/size_budget.h"

#include <webp/encode.h>
#include <webp/mux.h>

#include <algorithm>
#include <cmath>
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

bool WebPEncoder::open(const QString& path, QSize frameSize, const EncodeSettings& settings, QString* error) {
    m_status = EncodeStatus::Ok;
    const QString problem = validateSettings(settings);
    if (!problem.isEmpty()) {
        return fail(error, QStringLiteral("%1: %2").arg(path, problem));
    }
    if (frameSize.isEmpty() || frameSize.width() > kWebPMaxDimension || frameSize.height() > kWebPMaxDimension) {
        return fail(error, QStringLiteral("%1: invalid WebP frame size %2x%3 (at most %4)")
                               .arg(path)
                               .arg(frameSize.width())
                               .arg(frameSize.height())
                               .arg(kWebPMaxDimension));
    }
    QString targetError;
    if (!checkWritableTarget(path, &targetError)) {
        return fail(error, targetError);
    }
    m_path = path;
    m_frameSize = frameSize;
    m_settings = settings;
    m_frames.clear();
    m_result = EncodeResult{};
    m_open = true;
    return true;
}

bool WebPEncoder::addFrame(const QImage& frame, QString* error) {
    if (!m_open) {
        return fail(error, QStringLiteral("webp: addFrame() without a successful open()"));
    }
    if (isCancelled()) {
        return failCancelled(error, m_path);
    }
    if (const QString mismatch = frameSizeMismatch(m_path, m_frames.size() + 1, frame.size(), m_frameSize);
        !mismatch.isEmpty()) {
        return fail(error, mismatch);
    }
    // Kept in memory (not encoded yet): ping-pong needs the frames again and a size budget re-encodes them.
    m_frames.append(frame.convertToFormat(QImage::Format_RGBA8888));
    return true;
}

bool WebPEncoder::encodeTrial(int quality, double scale, int frameStep, QByteArray* bytes, QString* error) {
    QSize size = m_frameSize;
    if (scale < 1.0) {
        size = QSize(std::max(1, int(std::lround(m_frameSize.width() * scale))),
                     std::max(1, int(std::lround(m_frameSize.height() * scale))));
    }
    // A budget trial may drop frames (frameStep) and shrink them (scale); the original frames stay untouched so
    // the next trial starts from full quality again.
    QVector<QImage> selected;
    for (int i = 0; i < m_frames.size(); i += frameStep) {
        selected.append(size == m_frameSize
                            ? m_frames[i]
                            : m_frames[i].scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
    }
    QVector<QImage> sequence;
    if (m_settings.pingPong) {
        for (int index : pingPongOrder(selected.size())) {
            sequence.append(selected[index]);
        }
    } else {
        sequence = selected;
    }
    if (!encodeWebPToBytes(sequence, m_settings.fps / frameStep, quality, m_settings.loopCount, bytes, error,
                           &m_cancelled, m_progress)) {
        return false;
    }
    m_result.frameCount = sequence.size();
    m_result.frameSize = size;
    m_result.fps = m_settings.fps / frameStep;
    return true;
}

bool WebPEncoder::finish(QString* error) {
    if (!m_open) {
        return fail(error, QStringLiteral("webp: finish() without a successful open()"));
    }
    m_open = false;
    if (isCancelled()) {
        return failCancelled(error, m_path);
    }
    if (m_frames.isEmpty()) {
        return fail(error, QStringLiteral("%1: no frames to encode").arg(m_path));
    }
    QByteArray bytes;
    QString trialError;
    BudgetTrial chosen{m_settings.quality, 0, 1.0, 1};
    int attempts = 1;
    bool ok = false;
    if (m_settings.maxBytes > 0) {
        BudgetOutcome outcome;
        const BudgetTrialFn trial = [this](const BudgetTrial& t, QByteArray* out, QString* err) {
            return encodeTrial(t.quality, t.scale, t.frameStep, out, err);
        };
        ok = fitSizeBudget(m_settings.maxBytes, chosen, m_frameSize, m_frames.size(), trial, &outcome, &trialError);
        if (ok) {
            chosen = outcome.trial;
            attempts = outcome.attempts;
            bytes = std::move(outcome.bytes);
            m_result.frameSize = chosen.scale < 1.0
                                     ? QSize(std::max(1, int(std::lround(m_frameSize.width() * chosen.scale))),
                                             std::max(1, int(std::lround(m_frameSize.height() * chosen.scale))))
                                     : m_frameSize;
            const int kept = (m_frames.size() + chosen.frameStep - 1) / chosen.frameStep;
            m_result.frameCount = m_settings.pingPong ? pingPongOrder(kept).size() : kept;
            m_result.fps = m_settings.fps / chosen.frameStep;
        }
    } else {
        ok = encodeTrial(chosen.quality, 1.0, 1, &bytes, &trialError);
    }
    if (isCancelled()) {
        return failCancelled(error, m_path);
    }
    if (!ok) {
        return fail(error, QStringLiteral("%1: %2").arg(m_path, trialError));
    }
    // Everything was encoded in memory; the file appears complete or not at all.
    QString writeError;
    if (!writeFileAtomically(m_path, bytes, &writeError)) {
        return fail(error, writeError);
    }
    m_frames.clear();
    m_result.path = m_path;
    m_result.sizeBytes = bytes.size();
    m_result.quality = chosen.quality;
    m_result.scale = chosen.scale;
    m_result.frameStep = chosen.frameStep;
    m_result.attempts = attempts;
    m_result.budgetApplied = m_settings.maxBytes > 0;
    m_status = EncodeStatus::Ok;
    return true;
}

}  // namespace sm::core
