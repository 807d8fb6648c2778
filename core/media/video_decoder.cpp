#include "media/video_decoder.h"

#include "media/ffmpeg_log.h"

#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QTransform>

#include <gif_lib.h>
#include <webp/demux.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sm::core {
namespace {

Q_LOGGING_CATEGORY(lcDecode, "sm.core.media.decode", QtInfoMsg)

// Browsers show GIF delays below 2 cs for 10 cs; durations follow them so playback matches what users see.
constexpr int kMinimumGifDelayCs = 2;
constexpr int kBrowserFallbackDelayCs = 10;

QString gifErrorText(int code) {
    const char* text = GifErrorString(code);
    return text ? QString::fromUtf8(text) : QStringLiteral("giflib error %1").arg(code);
}

QString avErrorText(int code) {
    char buffer[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_strerror(code, buffer, sizeof(buffer));
    return QString::fromUtf8(buffer);
}

// DGifCloseFile frees everything DGifSlurp allocated, including the decoded rasters.
struct GifCloser {
    void operator()(GifFileType* gif) const {
        int code = 0;
        DGifCloseFile(gif, &code);
    }
};
using GifPtr = std::unique_ptr<GifFileType, GifCloser>;

// Opens and fully reads a GIF; on failure returns null with the problem in *error.
// DGifSlurp reads every frame up front (and de-interlaces them); GIFs are small enough for that, and random
// access to the frames makes disposal handling simple.
GifPtr slurpGif(const QString& path, QString* error) {
    int code = 0;
    GifPtr gif(DGifOpenFileName(QFile::encodeName(path).constData(), &code));
    if (!gif) {
        *error = QFileInfo::exists(path) ? QStringLiteral("not a readable GIF: %1").arg(gifErrorText(code))
                                         : QStringLiteral("file not found");
        return nullptr;
    }
    if (DGifSlurp(gif.get()) != GIF_OK) {
        *error = QStringLiteral("damaged GIF: %1").arg(gifErrorText(gif->Error));
        return nullptr;
    }
    if (gif->ImageCount < 1) {
        *error = QStringLiteral("the GIF has no frames");
        return nullptr;
    }
    return gif;
}

// NETSCAPE2.0 (or ANIMEXTS1.0) application block followed by the sub-block {1, repeats lo, repeats hi}.
int loopCountFromBlocks(const ExtensionBlock* blocks, int count) {
    for (int i = 0; i + 1 < count; ++i) {
        const ExtensionBlock& block = blocks[i];
        if (block.Function != APPLICATION_EXT_FUNC_CODE || block.ByteCount != 11) {
            continue;
        }
        if (std::memcmp(block.Bytes, "NETSCAPE2.0", 11) != 0 && std::memcmp(block.Bytes, "ANIMEXTS1.0", 11) != 0) {
            continue;
        }
        const ExtensionBlock& sub = blocks[i + 1];
        if (sub.Function == CONTINUE_EXT_FUNC_CODE && sub.ByteCount >= 3 && sub.Bytes[0] == 1) {
            const int repeats = sub.Bytes[1] | (sub.Bytes[2] << 8);
            return repeats == 0 ? 0 : repeats + 1;
        }
    }
    return -1;
}

// giflib attaches extensions to the image that follows them, so the loop block sits in the first image's list;
// a block after the last image lands in the file's trailing list.
int gifLoopCount(const GifFileType* gif) {
    for (int i = 0; i < gif->ImageCount; ++i) {
        const int loops =
            loopCountFromBlocks(gif->SavedImages[i].ExtensionBlocks, gif->SavedImages[i].ExtensionBlockCount);
        if (loops >= 0) {
            return loops;
        }
    }
    const int trailing = loopCountFromBlocks(gif->ExtensionBlocks, gif->ExtensionBlockCount);
    return trailing >= 0 ? trailing : 1;
}

QSize gifCanvasSize(const GifFileType* gif) {
    int width = gif->SWidth;
    int height = gif->SHeight;
    if (width <= 0 || height <= 0) {
        // Some encoders leave the screen size 0: fall back to the extent of the frames.
        for (int i = 0; i < gif->ImageCount; ++i) {
            const GifImageDesc& desc = gif->SavedImages[i].ImageDesc;
            width = std::max(width, desc.Left + desc.Width);
            height = std::max(height, desc.Top + desc.Height);
        }
    }
    return QSize(width, height);
}

// Frame timing and disposal; frames without a graphics control extension get the GIF87a defaults.
GraphicsControlBlock gifControl(GifFileType* gif, int index) {
    GraphicsControlBlock control;
    control.DisposalMode = DISPOSAL_UNSPECIFIED;
    control.UserInputFlag = false;
    control.DelayTime = 0;
    control.TransparentColor = NO_TRANSPARENT_COLOR;
    DGifSavedExtensionToGCB(gif, index, &control);
    return control;
}

QImage scaledTo(const QImage& image, QSize size) {
    if (!size.isValid() || size.isEmpty() || size == image.size()) {
        return image;
    }
    return image.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
}

}  // namespace

struct VideoDecoder::Source {
    virtual ~Source() = default;
    // Produces the next frame at `outputSize` (invalid = native). Errors are set without the path prefix.
    virtual DecodeStatus next(DecodedFrame* frame, QSize outputSize, QString* error) = 0;
    QSize size;
    double fps = 0.0;
    int frameCount = 0;
    int loopCount = 1;
};

namespace {

// GIF through giflib: exact centisecond delays and loop count, and compositing done here as browsers do it
// (transparent canvas, disposal 1 keeps, 2 clears to transparent, 3 restores the previous canvas).
class GifSource final : public VideoDecoder::Source {
public:
    bool open(const QString& path, QString* error) {
        m_gif = slurpGif(path, error);
        if (!m_gif) {
            return false;
        }
        size = gifCanvasSize(m_gif.get());
        if (size.isEmpty() || size.width() > 65535 || size.height() > 65535) {
            *error = QStringLiteral("invalid GIF screen size %1x%2").arg(size.width()).arg(size.height());
            return false;
        }
        frameCount = m_gif->ImageCount;
        loopCount = gifLoopCount(m_gif.get());
        qint64 totalMs = 0;
        for (int i = 0; i < frameCount; ++i) {
            totalMs += durationMs(i);
        }
        fps = totalMs > 0 ? 1000.0 * frameCount / double(totalMs) : 0.0;
        m_canvas = QImage(size, QImage::Format_ARGB32);
        m_canvas.fill(Qt::transparent);
        return true;
    }

    DecodeStatus next(DecodedFrame* frame, QSize outputSize, QString* error) override {
        if (m_index >= frameCount) {
            return DecodeStatus::EndOfStream;
        }
        GifFileType* gif = m_gif.get();
        const SavedImage& saved = gif->SavedImages[m_index];
        const GraphicsControlBlock control = gifControl(gif, m_index);
        const ColorMapObject* map = saved.ImageDesc.ColorMap ? saved.ImageDesc.ColorMap : gif->SColorMap;
        if (!map) {
            *error = QStringLiteral("GIF frame %1 has no colour table").arg(m_index + 1);
            return DecodeStatus::Error;
        }
        const QRect imageRect(saved.ImageDesc.Left, saved.ImageDesc.Top, saved.ImageDesc.Width, saved.ImageDesc.Height);
        const QRect drawRect = imageRect.intersected(m_canvas.rect());
        // "Restore to previous" needs the canvas as it was before this frame is drawn.
        QImage restore;
        if (control.DisposalMode == DISPOSE_PREVIOUS) {
            restore = m_canvas.copy();
        }
        for (int y = drawRect.top(); y <= drawRect.bottom(); ++y) {
            const GifByteType* raster = saved.RasterBits + size_t(y - imageRect.top()) * imageRect.width();
            auto* line = reinterpret_cast<QRgb*>(m_canvas.scanLine(y));
            for (int x = drawRect.left(); x <= drawRect.right(); ++x) {
                const int index = raster[x - imageRect.left()];
                // Out-of-table indices appear in damaged files; treat them like transparency.
                if (index == control.TransparentColor || index >= map->ColorCount) {
                    continue;
                }
                const GifColorType& c = map->Colors[index];
                line[x] = qRgb(c.Red, c.Green, c.Blue);
            }
        }
        // The caller gets a copy: the canvas keeps changing with the next frames.
        frame->image = scaledTo(m_canvas.copy(), outputSize);
        frame->timestampMs = m_elapsedMs;
        frame->durationMs = durationMs(m_index);
        m_elapsedMs += frame->durationMs;
        if (control.DisposalMode == DISPOSE_BACKGROUND) {
            // Browsers clear to transparent rather than to the background colour.
            for (int y = drawRect.top(); y <= drawRect.bottom(); ++y) {
                auto* line = reinterpret_cast<QRgb*>(m_canvas.scanLine(y));
                std::fill(line + drawRect.left(), line + drawRect.right() + 1, QRgb(0));
            }
        } else if (control.DisposalMode == DISPOSE_PREVIOUS) {
            m_canvas = restore;
        }
        ++m_index;
        return DecodeStatus::Frame;
    }

private:
    qint64 durationMs(int index) const {
        const int delay = gifControl(m_gif.get(), index).DelayTime;
        return 10 * qint64(delay < kMinimumGifDelayCs ? kBrowserFallbackDelayCs : delay);
    }

    GifPtr m_gif;
    QImage m_canvas;
    int m_index = 0;
    qint64 m_elapsedMs = 0;
};

// Animated WebP through libwebp's WebPAnimDecoder, which composites frames itself. FFmpeg 5.1 cannot decode
// animated WebP at all, so this backend is the only way to read our own WebP exports back.
class WebPSource final : public VideoDecoder::Source {
public:
    ~WebPSource() override {
        if (m_decoder) {
            WebPAnimDecoderDelete(m_decoder);
        }
    }

    bool open(const QString& path, QString* error) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = file.exists() ? QStringLiteral("cannot read: %1").arg(file.errorString())
                                   : QStringLiteral("file not found");
            return false;
        }
        m_bytes = file.readAll();
        WebPData data;
        data.bytes = reinterpret_cast<const uint8_t*>(m_bytes.constData());
        data.size = size_t(m_bytes.size());
        WebPAnimDecoderOptions options;
        if (!WebPAnimDecoderOptionsInit(&options)) {
            *error = QStringLiteral("libwebp version mismatch");
            return false;
        }
        options.color_mode = MODE_RGBA;
        options.use_threads = 0;
        m_decoder = WebPAnimDecoderNew(&data, &options);
        WebPAnimInfo info;
        if (!m_decoder || !WebPAnimDecoderGetInfo(m_decoder, &info)) {
            *error = QStringLiteral("not a readable WebP file");
            return false;
        }
        size = QSize(int(info.canvas_width), int(info.canvas_height));
        frameCount = int(info.frame_count);
        loopCount = int(info.loop_count);
        return true;
    }

    DecodeStatus next(DecodedFrame* frame, QSize outputSize, QString* error) override {
        if (!WebPAnimDecoderHasMoreFrames(m_decoder)) {
            return DecodeStatus::EndOfStream;
        }
        uint8_t* pixels = nullptr;
        int endMs = 0;  // libwebp reports the time at which the frame ends
        if (!WebPAnimDecoderGetNext(m_decoder, &pixels, &endMs)) {
            *error = QStringLiteral("damaged WebP frame %1").arg(m_index + 1);
            return DecodeStatus::Error;
        }
        const QImage view(pixels, size.width(), size.height(), size.width() * 4, QImage::Format_RGBA8888);
        frame->image = scaledTo(view.convertToFormat(QImage::Format_ARGB32), outputSize);
        frame->timestampMs = m_lastEndMs;
        frame->durationMs = endMs - m_lastEndMs;
        m_lastEndMs = endMs;
        ++m_index;
        return DecodeStatus::Frame;
    }

private:
    QByteArray m_bytes;  // WebPAnimDecoder reads from this buffer until it is deleted
    WebPAnimDecoder* m_decoder = nullptr;
    int m_index = 0;
    qint64 m_lastEndMs = 0;
};

// Everything else through libavformat/libavcodec, converted to RGB by swscale.
class FfmpegSource final : public VideoDecoder::Source {
public:
    ~FfmpegSource() override {
        sws_freeContext(m_sws);
        av_frame_free(&m_frame);
        av_packet_free(&m_packet);
        avcodec_free_context(&m_codec);
        avformat_close_input(&m_format);
    }

    bool open(const QString& path, QString* error) {
        if (!QFileInfo::exists(path)) {
            *error = QStringLiteral("file not found");
            return false;
        }
        installFfmpegLogRouting();
        int status = avformat_open_input(&m_format, QFile::encodeName(path).constData(), nullptr, nullptr);
        if (status < 0) {
            *error = QStringLiteral("not a readable video: %1").arg(avErrorText(status));
            return false;
        }
        status = avformat_find_stream_info(m_format, nullptr);
        if (status < 0) {
            *error = QStringLiteral("cannot read stream information: %1").arg(avErrorText(status));
            return false;
        }
        const AVCodec* codec = nullptr;
        m_streamIndex = av_find_best_stream(m_format, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
        if (m_streamIndex < 0 || !codec) {
            *error = m_streamIndex == AVERROR_DECODER_NOT_FOUND ? QStringLiteral("no decoder for the video codec")
                                                                : QStringLiteral("no video stream");
            return false;
        }
        m_stream = m_format->streams[m_streamIndex];
        m_codec = avcodec_alloc_context3(codec);
        m_frame = av_frame_alloc();
        m_packet = av_packet_alloc();
        if (!m_codec || !m_frame || !m_packet) {
            *error = QStringLiteral("out of memory");
            return false;
        }
        avcodec_parameters_to_context(m_codec, m_stream->codecpar);
        m_codec->thread_count = 0;  // one decoding thread per core: large clips decode several times faster
        status = avcodec_open2(m_codec, codec, nullptr);
        if (status < 0) {
            *error = QStringLiteral("cannot open the %1 decoder: %2")
                         .arg(QString::fromUtf8(codec->name), avErrorText(status));
            return false;
        }
        m_rotation = displayRotation();
        const QSize coded(m_codec->width, m_codec->height);
        size = (m_rotation % 180 == 0) ? coded : coded.transposed();
        const AVRational rate = av_guess_frame_rate(m_format, m_stream, nullptr);
        fps = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0.0;
        frameCount = int(std::max<int64_t>(0, m_stream->nb_frames));
        m_frameDurationMs = fps > 0 ? qint64(std::llround(1000.0 / fps)) : 0;
        return true;
    }

    // The send/receive loop: drain decoded frames first, feed packets only when the decoder asks for more, and
    // flush at the end of the file so delayed frames (B-frames) come out too.
    DecodeStatus next(DecodedFrame* frame, QSize outputSize, QString* error) override {
        while (true) {
            int status = avcodec_receive_frame(m_codec, m_frame);
            if (status == 0) {
                const bool ok = convert(frame, outputSize, error);
                av_frame_unref(m_frame);
                return ok ? DecodeStatus::Frame : DecodeStatus::Error;
            }
            if (status == AVERROR_EOF) {
                return DecodeStatus::EndOfStream;
            }
            if (status != AVERROR(EAGAIN)) {
                *error = QStringLiteral("decoding failed: %1").arg(avErrorText(status));
                return DecodeStatus::Error;
            }
            if (m_flushed) {
                return DecodeStatus::EndOfStream;
            }
            if (!feedPacket(error)) {
                return DecodeStatus::Error;
            }
        }
    }

private:
    int displayRotation() const {
        size_t sideSize = 0;
        const uint8_t* matrix = av_stream_get_side_data(m_stream, AV_PKT_DATA_DISPLAYMATRIX, &sideSize);
        if (!matrix || sideSize < 9 * sizeof(int32_t)) {
            return 0;
        }
        // av_display_rotation_get() is counter-clockwise; QTransform::rotate() turns clockwise on screen.
        const double counterClockwise = av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
        if (std::isnan(counterClockwise)) {
            return 0;
        }
        const int quarter = int(std::lround(-counterClockwise / 90.0));
        return ((quarter % 4) + 4) % 4 * 90;
    }

    bool feedPacket(QString* error) {
        while (true) {
            const int status = av_read_frame(m_format, m_packet);
            if (status == AVERROR_EOF || (status < 0 && avio_feof(m_format->pb))) {
                m_flushed = true;
                avcodec_send_packet(m_codec, nullptr);
                return true;
            }
            if (status < 0) {
                *error = QStringLiteral("read error: %1").arg(avErrorText(status));
                return false;
            }
            if (m_packet->stream_index != m_streamIndex) {
                av_packet_unref(m_packet);
                continue;
            }
            const int sent = avcodec_send_packet(m_codec, m_packet);
            av_packet_unref(m_packet);
            // A damaged packet drops its frame; the rest of the stream may still decode.
            if (sent < 0 && sent != AVERROR(EAGAIN)) {
                qCWarning(lcDecode) << "skipping a damaged packet:" << avErrorText(sent);
            }
            return true;
        }
    }

    bool convert(DecodedFrame* frame, QSize outputSize, QString* error) {
        const auto pixelFormat = AVPixelFormat(m_frame->format);
        const AVPixFmtDescriptor* descriptor = av_pix_fmt_desc_get(pixelFormat);
        const bool alpha = descriptor && (descriptor->flags & AV_PIX_FMT_FLAG_ALPHA);
        // Rotation happens after scaling, so scale to the unrotated shape of the requested size.
        QSize target = outputSize.isValid() && !outputSize.isEmpty() ? outputSize : size;
        if (m_rotation % 180 != 0) {
            target.transpose();
        }
        const bool shrinking = target.width() < m_frame->width || target.height() < m_frame->height;
        m_sws =
            sws_getCachedContext(m_sws, m_frame->width, m_frame->height, pixelFormat, target.width(), target.height(),
                                 alpha ? AV_PIX_FMT_BGRA : AV_PIX_FMT_RGB24,
                                 (shrinking ? SWS_AREA : SWS_BICUBIC) | SWS_ACCURATE_RND, nullptr, nullptr, nullptr);
        if (!m_sws) {
            *error = QStringLiteral("cannot convert pixel format %1")
                         .arg(QString::fromUtf8(descriptor ? descriptor->name : "?"));
            return false;
        }
        if (descriptor && !(descriptor->flags & AV_PIX_FMT_FLAG_RGB) && !(descriptor->flags & AV_PIX_FMT_FLAG_PAL)) {
            // Honour the stream's matrix and range; swscale otherwise assumes BT.601 limited range.
            const int colorspace = m_frame->colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT : m_frame->colorspace;
            const bool fullRange = m_frame->color_range == AVCOL_RANGE_JPEG || pixelFormat == AV_PIX_FMT_YUVJ420P ||
                                   pixelFormat == AV_PIX_FMT_YUVJ422P || pixelFormat == AV_PIX_FMT_YUVJ444P;
            sws_setColorspaceDetails(m_sws, sws_getCoefficients(colorspace), fullRange ? 1 : 0,
                                     sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
        }
        QImage image(target, alpha ? QImage::Format_ARGB32 : QImage::Format_RGB888);
        if (image.isNull()) {
            *error = QStringLiteral("out of memory for a %1x%2 frame").arg(target.width()).arg(target.height());
            return false;
        }
        uint8_t* planes[4] = {image.bits(), nullptr, nullptr, nullptr};
        const int strides[4] = {int(image.bytesPerLine()), 0, 0, 0};
        sws_scale(m_sws, m_frame->data, m_frame->linesize, 0, m_frame->height, planes, strides);
        if (m_rotation != 0) {
            image = image.transformed(QTransform().rotate(m_rotation));
        }
        frame->image = image;

        // best_effort_timestamp repairs missing or non-monotonic pts (AVI, raw streams); timestamps are relative
        // to the stream start so the first frame is at 0 ms.
        int64_t pts = m_frame->best_effort_timestamp;
        if (pts == AV_NOPTS_VALUE) {
            pts = m_lastPts == AV_NOPTS_VALUE ? 0 : m_lastPts + std::max<int64_t>(1, m_frame->pkt_duration);
        }
        if (m_firstPts == AV_NOPTS_VALUE) {
            m_firstPts = (m_stream->start_time != AV_NOPTS_VALUE) ? std::min<int64_t>(m_stream->start_time, pts) : pts;
        }
        m_lastPts = pts;
        frame->timestampMs = av_rescale_q(pts - m_firstPts, m_stream->time_base, AVRational{1, 1000});
        frame->durationMs = m_frame->pkt_duration > 0
                                ? av_rescale_q(m_frame->pkt_duration, m_stream->time_base, AVRational{1, 1000})
                                : m_frameDurationMs;
        return true;
    }

    AVFormatContext* m_format = nullptr;
    AVStream* m_stream = nullptr;
    AVCodecContext* m_codec = nullptr;
    AVFrame* m_frame = nullptr;
    AVPacket* m_packet = nullptr;
    SwsContext* m_sws = nullptr;
    int m_streamIndex = -1;
    int m_rotation = 0;  // clockwise degrees
    bool m_flushed = false;
    int64_t m_firstPts = AV_NOPTS_VALUE;
    int64_t m_lastPts = AV_NOPTS_VALUE;
    qint64 m_frameDurationMs = 0;
};

}  // namespace

qint64 GifInfo::totalDurationCs() const {
    qint64 total = 0;
    for (int delay : delaysCs) {
        total += delay;
    }
    return total;
}

bool readGifInfo(const QString& path, GifInfo* info, QString* error) {
    QString problem;
    const GifPtr gif = slurpGif(path, &problem);
    if (!gif) {
        *error = QStringLiteral("%1: %2").arg(path, problem);
        return false;
    }
    *info = GifInfo{};
    info->size = gifCanvasSize(gif.get());
    info->hasGlobalPalette = gif->SColorMap != nullptr;
    info->globalPaletteSize = gif->SColorMap ? gif->SColorMap->ColorCount : 0;
    info->loopCount = gifLoopCount(gif.get());
    for (int i = 0; i < gif->ImageCount; ++i) {
        info->delaysCs.append(gifControl(gif.get(), i).DelayTime);
    }
    return true;
}

// Opens, decodes one frame, closes: GIFs are still read whole (slurped), videos only up to their first frame.
QImage firstFrame(const QString& path, QString* error) {
    VideoDecoder decoder;
    if (!decoder.open(path, error)) {
        return QImage();
    }
    DecodedFrame frame;
    const DecodeStatus status = decoder.readFrame(&frame, error);
    if (status == DecodeStatus::EndOfStream) {
        *error = QStringLiteral("%1: no decodable frames").arg(path);
    }
    return status == DecodeStatus::Frame ? frame.image : QImage();
}

VideoDecoder::VideoDecoder() = default;
VideoDecoder::~VideoDecoder() = default;

bool VideoDecoder::open(const QString& path, QString* error, Backend backend) {
    m_source.reset();
    m_path = path;
    m_nextIndex = 0;
    m_outputSize = QSize();
    // The suffix picks the backend: GIF and WebP need their own libraries for exact timing and (WebP) at all.
    const QString suffix = QFileInfo(path).suffix().toLower();
    QString problem;
    bool ok = false;
    if (backend == Backend::Auto && suffix == QLatin1String("gif")) {
        auto source = std::make_unique<GifSource>();
        ok = source->open(path, &problem);
        m_source = std::move(source);
    } else if (backend == Backend::Auto && suffix == QLatin1String("webp")) {
        auto source = std::make_unique<WebPSource>();
        ok = source->open(path, &problem);
        m_source = std::move(source);
    } else {
        auto source = std::make_unique<FfmpegSource>();
        ok = source->open(path, &problem);
        m_source = std::move(source);
    }
    if (!ok) {
        m_source.reset();
        *error = QStringLiteral("%1: %2").arg(path, problem);
        return false;
    }
    return true;
}

void VideoDecoder::setOutputSize(QSize size) {
    m_outputSize = size;
}

DecodeStatus VideoDecoder::readFrame(DecodedFrame* frame, QString* error) {
    if (!m_source) {
        *error = QStringLiteral("%1: decoder is not open").arg(m_path);
        return DecodeStatus::Error;
    }
    QString problem;
    const DecodeStatus status = m_source->next(frame, m_outputSize, &problem);
    if (status == DecodeStatus::Error) {
        *error = QStringLiteral("%1: %2").arg(m_path, problem);
    } else if (status == DecodeStatus::Frame) {
        frame->index = m_nextIndex++;
    }
    return status;
}

QSize VideoDecoder::frameSize() const {
    return m_source ? m_source->size : QSize();
}
double VideoDecoder::frameRate() const {
    return m_source ? m_source->fps : 0.0;
}
int VideoDecoder::frameCountHint() const {
    return m_source ? m_source->frameCount : 0;
}
int VideoDecoder::loopCount() const {
    return m_source ? m_source->loopCount : 1;
}

bool decodeAllFrames(const QString& path, QVector<DecodedFrame>* frames, QString* error, QSize outputSize,
                     int maxFrames, VideoDecoder::Backend backend) {
    VideoDecoder decoder;
    if (!decoder.open(path, error, backend)) {
        return false;
    }
    decoder.setOutputSize(outputSize);
    frames->clear();
    while (maxFrames <= 0 || frames->size() < maxFrames) {
        DecodedFrame frame;
        const DecodeStatus status = decoder.readFrame(&frame, error);
        if (status == DecodeStatus::Error) {
            return false;
        }
        if (status == DecodeStatus::EndOfStream) {
            break;
        }
        frames->append(std::move(frame));
    }
    return true;
}

}  // namespace sm::core
