#include "export/gif_encoder.h"

#include "export/export_utils.h"
#include "export/gif_remap.h"
#include "export/size_budget.h"

#include <gif_lib.h>

#include <QElapsedTimer>

#include <algorithm>
#include <memory>

namespace sm::core {
namespace {

// giflib output callback: the GIF is built in memory so size-budget trials never touch the disk and the final
// file can be written atomically.
int appendToByteArray(GifFileType* gif, const GifByteType* data, int length) {
    static_cast<QByteArray*>(gif->UserData)->append(reinterpret_cast<const char*>(data), length);
    return length;
}

struct ColorMapDeleter {
    void operator()(ColorMapObject* map) const { GifFreeMapObject(map); }
};
using ColorMapPtr = std::unique_ptr<ColorMapObject, ColorMapDeleter>;

// GIF colour tables have a power-of-two size; unused entries are black.
ColorMapPtr makeColorMap(const gif::Palette& palette) {
    int tableSize = 2;
    while (tableSize < palette.entryCount()) {
        tableSize *= 2;
    }
    ColorMapPtr map(GifMakeMapObject(tableSize, nullptr));
    if (!map) {
        return nullptr;
    }
    for (int i = 0; i < tableSize; ++i) {
        const QRgb c = i < palette.colors.size() ? palette.colors[i] : qRgb(0, 0, 0);
        map->Colors[i] = GifColorType{GifByteType(qRed(c)), GifByteType(qGreen(c)), GifByteType(qBlue(c))};
    }
    return map;
}

// Owns an EGif handle; close() writes the trailer and reports whether everything reached the buffer.
class GifWriter {
public:
    explicit GifWriter(QByteArray* bytes) {
        int code = 0;
        m_gif = EGifOpen(bytes, appendToByteArray, &code);
    }
    ~GifWriter() {
        if (m_gif) {
            int code = 0;
            EGifCloseFile(m_gif, &code);
        }
    }
    GifWriter(const GifWriter&) = delete;
    GifWriter& operator=(const GifWriter&) = delete;
    GifFileType* get() const { return m_gif; }
    bool close(QString* error) {
        int code = 0;
        const int status = EGifCloseFile(m_gif, &code);
        m_gif = nullptr;
        if (status != GIF_OK) {
            *error = QStringLiteral("giflib: %1").arg(QString::fromUtf8(GifErrorString(code)));
            return false;
        }
        return true;
    }
    QString lastError() const {
        return QStringLiteral("giflib: %1").arg(QString::fromUtf8(GifErrorString(m_gif->Error)));
    }

private:
    GifFileType* m_gif = nullptr;
};

// The liq target sits above the user's quality: below ~90 liq would start dropping colours, which costs more
// PSNR than the bytes it saves once frame differencing has removed the static areas.
int liqQualityFor(int quality) {
    return std::clamp(quality + 20, 1, 100);
}

// libimagequant speed (1 slow .. 10 fast). The global palette is built once, so it gets the default effort; local
// palettes are built per frame, where speed 6 (fewer k-means rounds) halves the time for ~0.1 dB.
constexpr int kGlobalLiqSpeed = 4;
constexpr int kPerFrameLiqSpeed = 6;

bool writeLoopExtension(GifFileType* gif, int loopCount) {
    // NETSCAPE2.0 stores repeats after the first play; 0 repeats forever.
    const int repeats = loopCount == 0 ? 0 : std::min(loopCount - 1, 65535);
    const GifByteType sub[3] = {1, GifByteType(repeats & 0xff), GifByteType((repeats >> 8) & 0xff)};
    return EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_OK &&
           EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0") == GIF_OK && EGifPutExtensionBlock(gif, 3, sub) == GIF_OK &&
           EGifPutExtensionTrailer(gif) == GIF_OK;
}

}  // namespace

float gifKeepTolerance2(int quality) {
    // 2.25 levels per channel at the default quality 80: on the benchmark clips this beat ffmpeg's PSNR and SSIM
    // while removing most of the sensor/compression noise that would otherwise redraw static areas every frame.
    const float perChannel = float(100 - std::clamp(quality, 1, 100)) * 0.1125f;
    return 3.0f * perChannel * perChannel;
}

bool encodeGifToBytes(const QVector<QImage>& frames, const QVector<int>& delaysCs, const GifEncodeOptions& options,
                      QByteArray* bytes, QString* error, const std::atomic<bool>* cancel,
                      const EncodeProgressCallback& progress) {
    if (frames.isEmpty() || frames.size() != delaysCs.size()) {
        *error = QStringLiteral("gif: %1 frames but %2 delays").arg(frames.size()).arg(delaysCs.size());
        return false;
    }
    const QSize size = frames.front().size();
    if (size.width() > 65535 || size.height() > 65535) {
        *error = QStringLiteral("gif: %1x%2 exceeds the GIF limit of 65535").arg(size.width()).arg(size.height());
        return false;
    }
    const int colors = std::clamp(options.maxColors, 2, 256);
    const float tolerance2 = gifKeepTolerance2(options.quality);
    const bool global = options.paletteMode == GifPaletteMode::Global;
    const bool animated = frames.size() > 1;

    QElapsedTimer timer;
    timer.start();
    qint64 quantizeNs = 0, remapNs = 0, writeNs = 0;
    gif::ColorHistogram histogram;
    if (!histogram.isValid()) {
        *error = QStringLiteral("gif: out of memory for the colour histogram");
        return false;
    }
    gif::Palette globalPalette;
    std::unique_ptr<gif::NearestColor> globalNearest;
    if (global) {
        // Sample frames evenly when there are more pixels than the histogram holds.
        const qint64 framePixels = qint64(size.width()) * size.height();
        const int step = int(std::max<qint64>(
            1, (framePixels * frames.size() + gif::ColorHistogram::kMaxPixels - 1) / gif::ColorHistogram::kMaxPixels));
        for (int i = 0; i < frames.size(); i += step) {
            histogram.addFrame(frames[i]);
        }
        // One entry stays free for the transparent index of the difference frames.
        if (!histogram.quantize(animated ? colors - 1 : colors, liqQualityFor(options.quality), kGlobalLiqSpeed,
                                &globalPalette, error)) {
            return false;
        }
        if (animated) {
            globalPalette.transparentIndex = globalPalette.colors.size();
        }
        globalNearest = std::make_unique<gif::NearestColor>(globalPalette);
        quantizeNs += timer.nsecsElapsed();
    }

    bytes->clear();
    GifWriter writer(bytes);
    GifFileType* gif = writer.get();
    if (!gif) {
        *error = QStringLiteral("giflib: cannot start the encoder");
        return false;
    }
    EGifSetGifVersion(gif, true);
    ColorMapPtr globalMap = global ? makeColorMap(globalPalette) : nullptr;
    if ((global && !globalMap) ||
        EGifPutScreenDesc(gif, size.width(), size.height(), 8, 0, globalMap.get()) != GIF_OK) {
        *error = writer.lastError();
        return false;
    }
    if (options.loopCount != 1 && animated && !writeLoopExtension(gif, options.loopCount)) {
        *error = writer.lastError();
        return false;
    }

    // Frames are remapped in order: each one is encoded against what the viewer sees after the previous ones.
    gif::TemporalRemapper remapper(size);
    const gif::RemapOptions remapOptions{options.ditherLevel, tolerance2};
    for (int i = 0; i < frames.size(); ++i) {
        if (cancel && cancel->load()) {
            *error = QStringLiteral("cancelled");
            return false;
        }
        gif::Palette palette = globalPalette;
        std::unique_ptr<gif::NearestColor> localNearest;
        timer.restart();
        if (!global) {
            // A local palette serves only the pixels this frame has to redraw.
            const bool differencing = remapper.hasDisplayed();
            histogram.clear();
            remapper.addChangedPixels(frames[i], tolerance2, &histogram);
            if (!histogram.quantize(differencing ? colors - 1 : colors, liqQualityFor(options.quality),
                                    kPerFrameLiqSpeed, &palette, error)) {
                return false;
            }
            if (differencing) {
                palette.transparentIndex = palette.colors.size();
            }
            localNearest = std::make_unique<gif::NearestColor>(palette);
        }
        quantizeNs += timer.nsecsElapsed();
        timer.restart();
        const gif::RemappedFrame remapped =
            remapper.remap(frames[i], palette, global ? *globalNearest : *localNearest, remapOptions);
        remapNs += timer.nsecsElapsed();
        timer.restart();

        // "Do not dispose" leaves each frame on screen, so the next one only has to paint what changed.
        GraphicsControlBlock control;
        control.DisposalMode = DISPOSE_DO_NOT;
        control.UserInputFlag = false;
        control.DelayTime = std::max(2, delaysCs[i]);
        control.TransparentColor = remapped.usesTransparency ? palette.transparentIndex : NO_TRANSPARENT_COLOR;
        GifByteType extension[4];
        const size_t extensionLength = EGifGCBToExtension(&control, extension);
        ColorMapPtr localMap = global ? nullptr : makeColorMap(palette);
        const QRect& rect = remapped.rect;
        if (EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, int(extensionLength), extension) != GIF_OK ||
            (!global && !localMap) ||
            EGifPutImageDesc(gif, rect.x(), rect.y(), rect.width(), rect.height(), false, localMap.get()) != GIF_OK) {
            *error = writer.lastError();
            return false;
        }
        for (int y = 0; y < rect.height(); ++y) {
            auto* row = const_cast<GifPixelType*>(remapped.indices.data() + size_t(y) * rect.width());
            if (EGifPutLine(gif, row, rect.width()) != GIF_OK) {
                *error = writer.lastError();
                return false;
            }
        }
        writeNs += timer.nsecsElapsed();
        if (progress) {
            progress(i + 1, frames.size());
        }
    }
    qCDebug(lcExport) << "gif:" << frames.size() << "frames, quantise" << quantizeNs / 1e6 << "ms, remap"
                      << remapNs / 1e6 << "ms, LZW" << writeNs / 1e6 << "ms";
    return writer.close(error);
}

QString GifEncoder::frameSizeProblem(const QString& path, QSize frameSize) const {
    if (frameSize.isEmpty() || frameSize.width() > 65535 || frameSize.height() > 65535) {
        return QStringLiteral("%1: invalid GIF frame size %2x%3")
            .arg(path)
            .arg(frameSize.width())
            .arg(frameSize.height());
    }
    return QString();
}

QImage GifEncoder::bufferedFrame(const QImage& frame) const {
    // GIF transparency is reserved for frame differencing, so input alpha is flattened onto the matte colour.
    return flattenToRgb888(frame, settings().matteColor);
}

bool GifEncoder::encodeFrames(const QVector<QImage>& frames, double fps, const BudgetTrial& trial, QByteArray* bytes,
                              QString* error) {
    GifEncodeOptions options;
    options.quality = trial.quality;
    options.maxColors = trial.colors;
    options.ditherLevel = settings().ditherLevel;
    options.paletteMode = settings().gifPalette;
    options.loopCount = settings().loopCount;
    // Delays never go below 2 cs, so GIF plays at most 50 fps (the format's maxFps).
    return encodeGifToBytes(frames, gifDelaysCs(frames.size(), fps), options, bytes, error, &m_cancelled, m_progress);
}

}  // namespace sm::core
