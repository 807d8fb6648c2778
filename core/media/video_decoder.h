#pragma once
// Video and animation decoding: GIF (giflib, exact delays and loop count), animated WebP (libwebp demux) and
// everything else FFmpeg reads (MP4, AVI, WebM, MOV, ...) into QImage frames with millisecond timestamps.
//
// Frames come back fully composited (GIF disposal and transparency applied, WebP blending applied), as
// QImage::Format_ARGB32 for GIF/WebP and sources with alpha, QImage::Format_RGB888 otherwise.
// Rotation stored in a video's display matrix is applied (multiples of 90 degrees).
//
// Errors: functions return false / an empty image and set *error to one line naming the file and the problem
// ("clip.mp4: no video stream"); nothing throws, damaged input never crashes.
// Thread-safety: a VideoDecoder is used from one thread at a time; the free functions are reentrant.
#include <QImage>
#include <QSize>
#include <QString>
#include <QVector>

#include <memory>

namespace sm::core {

struct DecodedFrame {
    QImage image;
    int index = 0;           // 0-based position in the stream
    qint64 timestampMs = 0;  // presentation time relative to the first frame
    qint64 durationMs = 0;   // how long the frame is shown (GIF: delay; delays below 2 cs play as 100 ms)
};

// What a GIF file says about its timing, read with giflib (no FFmpeg rounding).
struct GifInfo {
    QSize size;             // logical screen size
    QVector<int> delaysCs;  // per-frame delay exactly as stored, centiseconds
    int loopCount = 1;      // plays: 0 = forever, 1 = once (no NETSCAPE2.0 block), N = repeats + 1
    bool hasGlobalPalette = false;
    int globalPaletteSize = 0;  // entries of the global colour table (0 without one)
    int frameCount() const { return delaysCs.size(); }
    qint64 totalDurationCs() const;
};

bool readGifInfo(const QString& path, GifInfo* info, QString* error);

// The first frame of a GIF, WebP or video, for using an animation or clip as a still image. Null on failure.
QImage firstFrame(const QString& path, QString* error);

enum class DecodeStatus { Frame, EndOfStream, Error };

class VideoDecoder {
public:
    // Auto: giflib for *.gif, libwebp for *.webp, FFmpeg for everything else. FFmpeg: always FFmpeg.
    enum class Backend { Auto, FFmpeg };

    VideoDecoder();
    ~VideoDecoder();
    VideoDecoder(const VideoDecoder&) = delete;
    VideoDecoder& operator=(const VideoDecoder&) = delete;

    bool open(const QString& path, QString* error, Backend backend = Backend::Auto);
    // Scales decoded frames to `size` (area averaging when shrinking); an invalid size keeps the native size.
    // Call after open() and before the first readFrame().
    void setOutputSize(QSize size);
    DecodeStatus readFrame(DecodedFrame* frame, QString* error);

    QSize frameSize() const;     // native size after rotation
    double frameRate() const;    // nominal frames per second (GIF/WebP: from the mean frame duration), 0 if unknown
    int frameCountHint() const;  // frames the container announces, 0 if unknown
    int loopCount() const;       // GIF/WebP plays (0 = forever); 1 for videos

    struct Source;  // backend interface, defined in the .cpp

private:
    std::unique_ptr<Source> m_source;
    QSize m_outputSize;
    QString m_path;
    int m_nextIndex = 0;
};

// Decodes up to maxFrames frames (0 = all), optionally scaled to outputSize.
bool decodeAllFrames(const QString& path, QVector<DecodedFrame>* frames, QString* error, QSize outputSize = QSize(),
                     int maxFrames = 0, VideoDecoder::Backend backend = VideoDecoder::Backend::Auto);

}  // namespace sm::core
