#pragma once
// The encoder interface every export format implements (GIF, MP4, animated WebP, PNG sequence).
//
// Usage:
//   auto encoder = sm::core::makeEncoder(sm::core::ExportFormat::Gif);
//   sm::core::EncodeSettings settings;            // fps, quality, loop, ...
//   QString error;
//   if (!encoder->open("out.gif", QSize(256, 256), settings, &error)) { ... }
//   for (const QImage& frame : frames) if (!encoder->addFrame(frame, &error)) { ... }
//   if (!encoder->finish(&error)) { ... }
//   const sm::core::EncodeResult& result = encoder->result();   // what was written
//
// Contract shared by all encoders:
// - Every frame passed to addFrame() must have exactly the size given to open(); any QImage format is accepted
//   (it is converted). Formats without alpha (GIF, MP4) composite transparent pixels onto settings.matteColor.
// - The output appears only when finish() succeeds: files are written to a temporary name next to the target and
//   renamed into place, so a failed or cancelled export never leaves a half-written file under the target name.
// - Memory: MP4 and PNG sequences write frames as they arrive; GIF and WebP keep every frame (uncompressed, 3 or 4
//   bytes per pixel) until finish(), because a global palette and a size budget need them all, and so does ping-pong.
// - Errors come back as one line in *error naming the file and the problem; nothing throws, nothing exits.
// - Thread-safety: an encoder is used from one thread at a time. cancel() may be called from any thread; the running
//   or next addFrame()/finish() then fails with status() == EncodeStatus::Cancelled and removes partial output.
// - The progress callback runs on the encoding thread; keep it short (post to the UI thread yourself).
#include <QColor>
#include <QImage>
#include <QSize>
#include <QString>
#include <QVector>

#include <atomic>
#include <functional>
#include <memory>

namespace sm::core {

enum class ExportFormat { Gif, Mp4, WebP, PngSequence };

// Palette strategy of the GIF encoder.
enum class GifPaletteMode {
    Global,    // one palette quantised from all frames (smallest files, stable colours)
    PerFrame,  // a local palette per frame, quantised from the pixels that frame changes
};

struct EncodeSettings {
    double fps = 8.0;       // frames per second, > 0; kept exact (GIF: centisecond delays spread, MP4: rational)
    int quality = 80;       // 1..100. GIF: palette quality + tolerance for "unchanged" pixels; MP4: CRF
                            // (100 -> CRF 12, 80 -> CRF 19, 1 -> CRF 45); WebP: lossy quality. PNG: ignored.
    int maxColors = 256;    // GIF palette entries including the transparent one, 2..256
    int loopCount = 0;      // number of plays: 0 = loop forever, 1 = play once (GIF: no NETSCAPE2.0 block),
                            // N = play N times in total (GIF stores N-1 repeats; WebP stores N). MP4/PNG: ignored.
    bool pingPong = false;  // play forwards then backwards: frames 0..n-1 then n-2..1 (2n-2 frames for n >= 2)
    qint64 maxBytes = 0;    // GIF/WebP: fit the file under this many bytes (0 = no budget); see EncodeResult
    GifPaletteMode gifPalette = GifPaletteMode::Global;
    float ditherLevel = 0.5f;  // GIF error diffusion strength 0..1 (same scale as liq_set_dithering_level)
    bool padToEven = true;     // MP4 (yuv420p needs even sizes): true = repeat the last row/column, false = crop it
    QColor matteColor = Qt::white;  // background for transparent input pixels in GIF and MP4
    int frameCountHint = 0;         // frames the caller will add, if known; only used for progress totals
};

// Checks the fields that every format uses; returns an empty string when valid, else the problem.
QString validateSettings(const EncodeSettings& settings);

enum class EncodeStatus { Ok, Cancelled, Failed };

// What finish() wrote. For a size budget it reports the parameters the search settled on.
struct EncodeResult {
    QString path;                // the file (or folder for PNG sequences) that was written
    qint64 sizeBytes = 0;        // bytes on disk (sum of the frame files for PNG sequences)
    int frameCount = 0;          // frames in the output (after ping-pong and any frame dropping)
    QSize frameSize;             // output size (after budget scaling or MP4 padding/cropping)
    double fps = 0.0;            // output frame rate: lower than requested if the budget dropped frames (GIF: <= 50)
    int quality = 0;             // quality used
    int colors = 0;              // GIF palette size limit used (incl. the transparent entry); 0 for other formats
    double scale = 1.0;          // budget scale factor applied to both dimensions
    int frameStep = 1;           // budget frame dropping: every frameStep-th frame was kept
    int attempts = 1;            // trial encodes made (1 without a budget)
    bool budgetApplied = false;  // settings.maxBytes was set and met
};

// framesDone counts output frames written so far; framesTotal is 0 while unknown.
using EncodeProgressCallback = std::function<void(int framesDone, int framesTotal)>;

class FrameEncoder {
public:
    virtual ~FrameEncoder() = default;
    FrameEncoder() = default;
    FrameEncoder(const FrameEncoder&) = delete;
    FrameEncoder& operator=(const FrameEncoder&) = delete;

    // Prepares to write `path` with frames of `frameSize`. Fails on invalid settings or an unwritable target.
    virtual bool open(const QString& path, QSize frameSize, const EncodeSettings& settings, QString* error) = 0;
    virtual bool addFrame(const QImage& frame, QString* error) = 0;
    // Writes everything still pending and moves the output into place. Fails when no frame was added.
    virtual bool finish(QString* error) = 0;

    void cancel() { m_cancelled.store(true); }
    bool isCancelled() const { return m_cancelled.load(); }
    EncodeStatus status() const { return m_status; }
    const EncodeResult& result() const { return m_result; }
    void setProgressCallback(EncodeProgressCallback callback) { m_progress = std::move(callback); }

protected:
    void reportProgress(int framesDone, int framesTotal) const {
        if (m_progress) {
            m_progress(framesDone, framesTotal);
        }
    }
    // Helpers for implementations: set status and message, return false.
    bool fail(QString* error, const QString& message);
    bool failCancelled(QString* error, const QString& path);

    std::atomic<bool> m_cancelled{false};
    EncodeStatus m_status = EncodeStatus::Ok;
    EncodeResult m_result;
    EncodeProgressCallback m_progress;
};

std::unique_ptr<FrameEncoder> makeEncoder(ExportFormat format);

// Picks the format from the output path: *.gif, *.mp4, *.webp; anything else (a folder) is a PNG sequence.
ExportFormat exportFormatForPath(const QString& path);

// Ping-pong order for n frames: 0..n-1 then n-2..1. Returns indices into the original frames.
QVector<int> pingPongOrder(int frameCount);

}  // namespace sm::core
