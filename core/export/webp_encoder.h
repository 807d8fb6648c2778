#pragma once
// Animated WebP export through libwebp's WebPAnimEncoder (libwebpmux): lossy frames at the quality setting,
// alpha kept, exact millisecond timestamps (rounded from i * 1000 / fps, so durations sum exactly), loop count.
// Frames are buffered (ping-pong and the size budget need them; see BufferedFrameEncoder) and encoded in finish().
// Thread-safety: see FrameEncoder. encodeWebPToBytes() is reentrant.
#include "export/buffered_encoder.h"
#include "export/frame_encoder.h"

#include <QByteArray>

namespace sm::core {

// Encodes RGBA8888 frames (same size) at `fps` into an animated WebP. loopCount: 0 = forever, N = N plays.
bool encodeWebPToBytes(const QVector<QImage>& frames, double fps, int quality, int loopCount, QByteArray* bytes,
                       QString* error, const std::atomic<bool>* cancel = nullptr,
                       const EncodeProgressCallback& progress = {});

class WebPEncoder final : public BufferedFrameEncoder {
public:
    WebPEncoder() : BufferedFrameEncoder({"webp", /*hasPalette=*/false}) {}

private:
    QString frameSizeProblem(const QString& path, QSize frameSize) const override;
    QImage bufferedFrame(const QImage& frame) const override;  // RGBA8888
    bool encodeFrames(const QVector<QImage>& frames, double fps, const BudgetTrial& trial, QByteArray* bytes,
                      QString* error) override;
};

}  // namespace sm::core
