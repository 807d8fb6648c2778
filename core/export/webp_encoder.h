#pragma once
// Animated WebP export through libwebp's WebPAnimEncoder (libwebpmux): lossy frames at the quality setting,
// alpha kept, exact millisecond timestamps (rounded from i * 1000 / fps, so durations sum exactly), loop count.
// Frames are buffered (ping-pong and the size budget need them) and encoded in finish().
// Thread-safety: see FrameEncoder. encodeWebPToBytes() is reentrant.
#include "export/frame_encoder.h"

#include <QByteArray>

namespace sm::core {

// Encodes RGBA8888 frames (same size) at `fps` into an animated WebP. loopCount: 0 = forever, N = N plays.
bool encodeWebPToBytes(const QVector<QImage>& frames, double fps, int quality, int loopCount, QByteArray* bytes,
                       QString* error, const std::atomic<bool>* cancel = nullptr,
                       const EncodeProgressCallback& progress = {});

class WebPEncoder final : public FrameEncoder {
public:
    bool open(const QString& path, QSize frameSize, const EncodeSettings& settings, QString* error) override;
    bool addFrame(const QImage& frame, QString* error) override;
    bool finish(QString* error) override;

private:
    bool encodeTrial(int quality, double scale, int frameStep, QByteArray* bytes, QString* error);

    QString m_path;
    QSize m_frameSize;
    EncodeSettings m_settings;
    QVector<QImage> m_frames;  // RGBA8888
    bool m_open = false;
};

}  // namespace sm::core
