#pragma once
// Animated GIF export: libimagequant palettes, frame differencing with transparency, giflib output.
//
// How the files stay small: every frame after the first is drawn over the previous one (disposal "do not
// dispose"); pixels the viewer already sees within a quality-dependent tolerance become the transparent index, and
// each frame is cropped to the rectangle of pixels that do change. Transparent runs compress to almost nothing in
// LZW. Timing: delays are centiseconds, spread so the average rate is exact (see gifDelaysCs()).
//
// GifEncoder buffers all frames (a global palette needs them all; see BufferedFrameEncoder); the work happens in
// finish().
// Thread-safety: see FrameEncoder. encodeGifToBytes() is reentrant.
#include "export/buffered_encoder.h"
#include "export/frame_encoder.h"

#include <QByteArray>

namespace sm::core {

struct GifEncodeOptions {
    int quality = 80;     // 1..100: liq target quality and the keep tolerance (see gifKeepTolerance2)
    int maxColors = 256;  // palette entries including the transparent one, 2..256
    float ditherLevel = 0.5f;
    GifPaletteMode paletteMode = GifPaletteMode::Global;
    int loopCount = 0;  // plays: 0 = forever, 1 = once (no NETSCAPE2.0 block), N = N plays
};

// Squared RGB distance (0..255 channels) up to which a shown pixel may stay instead of being redrawn:
// 3 * (0.1125 * (100 - quality))^2: 0 at quality 100, 15.2 (2.25 levels per channel) at 80, 95 at 50.
float gifKeepTolerance2(int quality);

// Encodes RGB888 frames (all the same size) with one delay per frame (centiseconds, >= 2) into GIF bytes.
// `cancel` (may be null) is polled once per frame; progress reports frames written of frames.size().
bool encodeGifToBytes(const QVector<QImage>& frames, const QVector<int>& delaysCs, const GifEncodeOptions& options,
                      QByteArray* bytes, QString* error, const std::atomic<bool>* cancel = nullptr,
                      const EncodeProgressCallback& progress = {});

class GifEncoder final : public BufferedFrameEncoder {
public:
    GifEncoder() : BufferedFrameEncoder({"gif", /*hasPalette=*/true, /*maxFps=*/50.0}) {}

private:
    QString frameSizeProblem(const QString& path, QSize frameSize) const override;
    QImage bufferedFrame(const QImage& frame) const override;  // RGB888
    bool encodeFrames(const QVector<QImage>& frames, double fps, const BudgetTrial& trial, QByteArray* bytes,
                      QString* error) override;
};

}  // namespace sm::core
