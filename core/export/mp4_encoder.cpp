#include "export/mp4_encoder.h"

#include "export/export_utils.h"
#include "media/ffmpeg_log.h"

#include <QFile>
#include <QFileInfo>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sm::core {
namespace {

// FFmpeg reports errors as negative codes; the text goes into the one-line error message.
QString avErrorText(int code) {
    char buffer[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_strerror(code, buffer, sizeof(buffer));
    return QString::fromUtf8(buffer);
}

// Replicates the last column/row into the padding so the encoder sees no hard edge there.
QImage toEvenSize(const QImage& rgb, QSize target) {
    if (rgb.size() == target) {
        return rgb;
    }
    if (target.width() <= rgb.width() && target.height() <= rgb.height()) {
        return rgb.copy(0, 0, target.width(), target.height());
    }
    QImage padded(target, QImage::Format_RGB888);
    for (int y = 0; y < target.height(); ++y) {
        const uchar* src = rgb.constScanLine(std::min(y, rgb.height() - 1));
        uchar* dst = padded.scanLine(y);
        const int copyWidth = std::min(target.width(), rgb.width());
        std::copy(src, src + copyWidth * 3, dst);
        for (int x = copyWidth; x < target.width(); ++x) {
            std::copy(src + (rgb.width() - 1) * 3, src + rgb.width() * 3, dst + x * 3);
        }
    }
    return padded;
}

}  // namespace

int crfForQuality(int quality) {
    return int(std::lround(45.0 - 0.33 * std::clamp(quality, 1, 100)));
}

QSize evenFrameSize(QSize size, bool padToEven) {
    auto even = [padToEven](int v) { return (v % 2 == 0) ? v : (padToEven || v == 1 ? v + 1 : v - 1); };
    return QSize(even(size.width()), even(size.height()));
}

Mp4Encoder::~Mp4Encoder() {
    release(true);
}

void Mp4Encoder::release(bool removePartial) {
    if (m_format) {
        if (m_format->pb) {
            avio_closep(&m_format->pb);
        }
        avformat_free_context(m_format);
        m_format = nullptr;
        m_stream = nullptr;
    }
    avcodec_free_context(&m_codec);
    av_frame_free(&m_frame);
    av_packet_free(&m_packet);
    sws_freeContext(m_sws);
    m_sws = nullptr;
    m_buffered.clear();
    if (removePartial && !m_partPath.isEmpty()) {
        QFile::remove(m_partPath);
    }
    m_open = false;
}

bool Mp4Encoder::open(const QString& path, QSize frameSize, const EncodeSettings& settings, QString* error) {
    release(true);
    m_status = EncodeStatus::Ok;
    m_result = EncodeResult{};
    const QString problem = validateSettings(settings);
    if (!problem.isEmpty()) {
        return fail(error, QStringLiteral("%1: %2").arg(path, problem));
    }
    if (settings.maxBytes > 0) {
        return fail(error, QStringLiteral("%1: a size budget is supported for GIF and WebP, not MP4").arg(path));
    }
    if (frameSize.isEmpty() || frameSize.width() > 16384 || frameSize.height() > 16384) {
        return fail(error, QStringLiteral("%1: invalid video frame size %2x%3")
                               .arg(path)
                               .arg(frameSize.width())
                               .arg(frameSize.height()));
    }
    QString targetError;
    if (!checkWritableTarget(path, &targetError)) {
        return fail(error, targetError);
    }
    m_path = path;
    m_partPath = path + QStringLiteral(".part");
    m_inputSize = frameSize;
    m_outputSize = evenFrameSize(frameSize, settings.padToEven);
    m_settings = settings;
    m_nextPts = 0;
    m_added = 0;

    // libx264 specifically (not any H.264 encoder): CRF rate control and predictable quality per setting.
    installFfmpegLogRouting();
    const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
    if (!codec) {
        return fail(error, QStringLiteral("%1: this FFmpeg has no libx264 encoder").arg(path));
    }
    // The muxer writes "<path>.part" and finish() renames it, so a crash or cancel never leaves a broken .mp4.
    // The format is named explicitly because ".part" would not tell libavformat which muxer to use.
    const QByteArray partName = QFile::encodeName(m_partPath);
    if (avformat_alloc_output_context2(&m_format, nullptr, "mp4", partName.constData()) < 0 || !m_format) {
        return fail(error, QStringLiteral("%1: cannot create the MP4 muxer").arg(path));
    }
    m_stream = avformat_new_stream(m_format, nullptr);
    m_codec = avcodec_alloc_context3(codec);
    m_frame = av_frame_alloc();
    m_packet = av_packet_alloc();
    if (!m_stream || !m_codec || !m_frame || !m_packet) {
        release(true);
        return fail(error, QStringLiteral("%1: out of memory").arg(path));
    }
    // An exact rational keeps 29.97 as 2997/100 and 1/3 fps as 1/3: the time base is one frame.
    const AVRational rate = av_d2q(settings.fps, 100000);
    m_codec->width = m_outputSize.width();
    m_codec->height = m_outputSize.height();
    m_codec->pix_fmt = AV_PIX_FMT_YUV420P;
    m_codec->time_base = av_inv_q(rate);
    m_codec->framerate = rate;
    m_codec->color_range = AVCOL_RANGE_MPEG;
    m_codec->colorspace = AVCOL_SPC_SMPTE170M;  // swscale's default RGB->YUV matrix is BT.601
    m_codec->color_primaries = AVCOL_PRI_BT709;
    m_codec->color_trc = AVCOL_TRC_IEC61966_2_1;
    if (m_format->oformat->flags & AVFMT_GLOBALHEADER) {
        m_codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    }
    // Preset "medium" is x264's default: exports are not real-time, so spend the time on smaller files.
    AVDictionary* codecOptions = nullptr;
    av_dict_set(&codecOptions, "preset", "medium", 0);
    av_dict_set(&codecOptions, "crf", QByteArray::number(crfForQuality(settings.quality)).constData(), 0);
    int status = avcodec_open2(m_codec, codec, &codecOptions);
    av_dict_free(&codecOptions);
    if (status < 0) {
        release(true);
        return fail(error, QStringLiteral("%1: cannot open libx264: %2").arg(path, avErrorText(status)));
    }
    avcodec_parameters_from_context(m_stream->codecpar, m_codec);
    m_stream->time_base = m_codec->time_base;
    m_stream->avg_frame_rate = rate;
    m_stream->r_frame_rate = rate;

    // One reusable YUV frame; av_frame_make_writable() copies it only if the encoder still references it.
    m_frame->format = AV_PIX_FMT_YUV420P;
    m_frame->width = m_outputSize.width();
    m_frame->height = m_outputSize.height();
    if (av_frame_get_buffer(m_frame, 0) < 0) {
        release(true);
        return fail(error, QStringLiteral("%1: out of memory").arg(path));
    }
    m_sws = sws_getContext(m_outputSize.width(), m_outputSize.height(), AV_PIX_FMT_RGB24, m_outputSize.width(),
                           m_outputSize.height(), AV_PIX_FMT_YUV420P, SWS_BICUBIC | SWS_ACCURATE_RND, nullptr, nullptr,
                           nullptr);
    if (!m_sws) {
        release(true);
        return fail(error, QStringLiteral("%1: cannot create the colour converter").arg(path));
    }
    status = avio_open(&m_format->pb, partName.constData(), AVIO_FLAG_WRITE);
    if (status < 0) {
        release(true);
        return fail(error, QStringLiteral("%1: cannot write: %2").arg(path, avErrorText(status)));
    }
    // faststart moves the index (moov) in front of the media data after encoding: browsers can start playing
    // before the download ends. It rewrites the file at the end, which needs the seekable local .part file.
    AVDictionary* muxOptions = nullptr;
    av_dict_set(&muxOptions, "movflags", "+faststart", 0);
    status = avformat_write_header(m_format, &muxOptions);
    av_dict_free(&muxOptions);
    if (status < 0) {
        release(true);
        return fail(error, QStringLiteral("%1: cannot write the MP4 header: %2").arg(path, avErrorText(status)));
    }
    m_open = true;
    return true;
}

// Sends one frame (or the flush marker) and writes every packet the encoder has ready. With B-frames the
// encoder holds a few frames back, so packets trail the frames until the flush at finish().
bool Mp4Encoder::sendFrame(AVFrame* frame, QString* error) {
    int status = avcodec_send_frame(m_codec, frame);
    if (status < 0) {
        *error = QStringLiteral("%1: encoding failed: %2").arg(m_path, avErrorText(status));
        return false;
    }
    while (true) {
        status = avcodec_receive_packet(m_codec, m_packet);
        if (status == AVERROR(EAGAIN) || status == AVERROR_EOF) {
            return true;
        }
        if (status < 0) {
            *error = QStringLiteral("%1: encoding failed: %2").arg(m_path, avErrorText(status));
            return false;
        }
        // Every frame lasts one tick of the 1/fps time base; the last sample's duration comes from here.
        if (m_packet->duration <= 0) {
            m_packet->duration = 1;
        }
        av_packet_rescale_ts(m_packet, m_codec->time_base, m_stream->time_base);
        m_packet->stream_index = m_stream->index;
        status = av_interleaved_write_frame(m_format, m_packet);
        av_packet_unref(m_packet);
        if (status < 0) {
            *error = QStringLiteral("%1: cannot write: %2").arg(m_path, avErrorText(status));
            return false;
        }
    }
}

bool Mp4Encoder::encodeImage(const QImage& rgb, QString* error) {
    if (av_frame_make_writable(m_frame) < 0) {
        *error = QStringLiteral("%1: out of memory").arg(m_path);
        return false;
    }
    // swscale converts RGB to BT.601 limited-range YUV; the stream is tagged SMPTE 170M to match.
    const QImage even = toEvenSize(rgb, m_outputSize);
    const uint8_t* srcPlanes[1] = {even.constBits()};
    const int srcStrides[1] = {int(even.bytesPerLine())};
    sws_scale(m_sws, srcPlanes, srcStrides, 0, even.height(), m_frame->data, m_frame->linesize);
    m_frame->pts = m_nextPts++;
    if (!sendFrame(m_frame, error)) {
        return false;
    }
    reportProgress(int(m_nextPts),
                   m_settings.pingPong ? int(pingPongOrder(m_added).size()) : m_settings.frameCountHint);
    return true;
}

bool Mp4Encoder::addFrame(const QImage& frame, QString* error) {
    if (!m_open) {
        return fail(error, QStringLiteral("mp4: addFrame() without a successful open()"));
    }
    if (isCancelled()) {
        release(true);
        return failCancelled(error, m_path);
    }
    if (const QString mismatch = frameSizeMismatch(m_path, m_added + 1, frame.size(), m_inputSize);
        !mismatch.isEmpty()) {
        return fail(error, mismatch);
    }
    // H.264 has no alpha: transparent pixels are composited onto the matte colour first.
    const QImage rgb = flattenToRgb888(frame, m_settings.matteColor);
    ++m_added;
    if (m_settings.pingPong) {
        m_buffered.append(rgb);
        return true;
    }
    QString encodeError;
    if (!encodeImage(rgb, &encodeError)) {
        release(true);
        return fail(error, encodeError);
    }
    return true;
}

bool Mp4Encoder::finish(QString* error) {
    if (!m_open) {
        return fail(error, QStringLiteral("mp4: finish() without a successful open()"));
    }
    if (isCancelled()) {
        release(true);
        return failCancelled(error, m_path);
    }
    if (m_added == 0) {
        release(true);
        return fail(error, QStringLiteral("%1: no frames to encode").arg(m_path));
    }
    QString encodeError;
    // Ping-pong frames were only buffered so far; encode the whole forward-backward order now.
    if (m_settings.pingPong) {
        const QVector<QImage> frames = m_buffered;
        for (int index : pingPongOrder(frames.size())) {
            if (isCancelled()) {
                release(true);
                return failCancelled(error, m_path);
            }
            if (!encodeImage(frames[index], &encodeError)) {
                release(true);
                return fail(error, encodeError);
            }
        }
    }
    if (!sendFrame(nullptr, &encodeError)) {
        release(true);
        return fail(error, encodeError);
    }
    const int status = av_write_trailer(m_format);
    if (status < 0) {
        release(true);
        return fail(error, QStringLiteral("%1: cannot finish the MP4: %2").arg(m_path, avErrorText(status)));
    }
    const int written = int(m_nextPts);
    const AVRational rate = m_stream->avg_frame_rate;
    release(false);
    // rename() replaces an existing file atomically on POSIX; QFile::rename would refuse to.
    if (std::rename(QFile::encodeName(m_partPath).constData(), QFile::encodeName(m_path).constData()) != 0) {
        QFile::remove(m_partPath);
        return fail(error, QStringLiteral("%1: cannot move the finished video into place").arg(m_path));
    }
    m_result.path = m_path;
    m_result.sizeBytes = QFileInfo(m_path).size();
    m_result.frameCount = written;
    m_result.frameSize = m_outputSize;
    m_result.fps = av_q2d(rate);
    m_result.quality = m_settings.quality;
    m_status = EncodeStatus::Ok;
    return true;
}

}  // namespace sm::core
