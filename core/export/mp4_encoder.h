#pragma once
// MP4 export through libavformat/libavcodec: H.264 (libx264), yuv420p, CRF from the quality setting, constant
// frame rate stored as an exact rational, moov atom at the front (movflags=+faststart) so players can stream it.
//
// yuv420p needs even dimensions: an odd width or height is padded by repeating the last column/row
// (settings.padToEven) or cropped by one pixel. Frames are encoded as they arrive, except with ping-pong, which
// buffers them to play them backwards. Output goes to "<path>.part" and is renamed into place by finish().
// Thread-safety: see FrameEncoder.
#include "export/frame_encoder.h"

struct AVCodecContext;
struct AVFormatContext;
struct AVFrame;
struct AVPacket;
struct AVStream;
struct SwsContext;

namespace sm::core {

// CRF for a quality 1..100: 100 -> 12, 80 -> 19, 50 -> 28, 1 -> 45 (lower CRF = better).
int crfForQuality(int quality);

// Output size for an input size: even in both dimensions (padded or cropped by one pixel).
QSize evenFrameSize(QSize size, bool padToEven);

class Mp4Encoder final : public FrameEncoder {
public:
    Mp4Encoder() = default;
    ~Mp4Encoder() override;

    bool open(const QString& path, QSize frameSize, const EncodeSettings& settings, QString* error) override;
    bool addFrame(const QImage& frame, QString* error) override;
    bool finish(QString* error) override;

private:
    bool encodeImage(const QImage& rgb, QString* error);
    bool sendFrame(AVFrame* frame, QString* error);  // nullptr flushes
    void release(bool removePartial);

    QString m_path;
    QString m_partPath;
    QSize m_inputSize;
    QSize m_outputSize;
    EncodeSettings m_settings;
    QVector<QImage> m_buffered;  // ping-pong only
    AVFormatContext* m_format = nullptr;
    AVCodecContext* m_codec = nullptr;
    AVStream* m_stream = nullptr;
    SwsContext* m_sws = nullptr;
    AVFrame* m_frame = nullptr;
    AVPacket* m_packet = nullptr;
    qint64 m_nextPts = 0;
    int m_added = 0;
    bool m_open = false;
};

}  // namespace sm::core
