#include "dataset/cinemo_curation.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>

#include "dataset/seeded_random.h"
#include "eval/image_metrics.h"
#include "eval/motion_metrics.h"
#include "media/video_decoder.h"

namespace sm::core {

namespace {

constexpr int kLevels = 20;  // 0..19

}  // namespace

QVector<int> cinemoFrameIndexes(int clipFrames, const CinemoSampleOptions& options, std::uint64_t seed, int* stride) {
    QVector<int> indexes;
    const int count = std::max(2, options.frames);
    const int minStride = std::max(1, std::min(options.minStride, options.maxStride));
    const int maxStride = std::max(minStride, options.maxStride);
    SeededRandom rng(seed);
    int chosen = int(rng.uniformInt(minStride, maxStride));
    if (clipFrames < count) {
        // Too short for a full sample: every frame, stride 1.
        chosen = 1;
        for (int i = 0; i < clipFrames; ++i)
            indexes.append(i);
    } else {
        const int fitting = (clipFrames - 1) / (count - 1);  // largest stride with 1 + (count-1)*stride <= frames
        chosen = std::min(chosen, fitting);
        const int span = 1 + (count - 1) * chosen;
        const int start = int(rng.uniformInt(0, clipFrames - span));
        for (int k = 0; k < count; ++k)
            indexes.append(start + k * chosen);
    }
    if (stride)
        *stride = chosen;
    return indexes;
}

CinemoClip measureCinemoFrames(const QVector<QImage>& frames, int analysisSide) {
    CinemoClip clip;
    clip.clipFrames = frames.size();
    if (frames.size() < 2) {
        clip.error = QStringLiteral("needs at least 2 frames, found %1").arg(frames.size());
        return clip;
    }
    const int side = std::max(16, analysisSide);
    QVector<QImage> scaled;
    for (const QImage& frame : frames)
        scaled.append(frame.size() == QSize(side, side)
                          ? frame
                          : frame.scaled(side, side, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
    clip.meanSsim = meanConsecutiveSsim(scaled);
    clip.level = cinemoMotionLevel(clip.meanSsim);
    if (clip.level < 0) {
        clip.error = QStringLiteral("SSIM could not be computed (frames of different sizes?)");
        return clip;
    }
    clip.unetId = cinemoUnetId(clip.level);
    return clip;
}

CinemoClip curateCinemoClip(const QString& path, const CinemoSampleOptions& options, std::uint64_t seed,
                            const std::atomic<bool>* cancel) {
    CinemoClip result;
    result.path = path;
    const QString name = QFileInfo(path).fileName();
    VideoDecoder decoder;
    QString error;
    if (!decoder.open(path, &error)) {
        result.error = error;
        return result;
    }
    // Decode at the analysis size: long videos stay small in memory.
    const int side = std::max(16, options.analysisSide);
    decoder.setOutputSize(QSize(side, side));
    QVector<QImage> frames;
    while (frames.size() < std::max(2, options.maxDecodedFrames)) {
        if (cancel && cancel->load()) {
            result.error = QStringLiteral("%1: cancelled").arg(name);
            return result;
        }
        DecodedFrame frame;
        const DecodeStatus status = decoder.readFrame(&frame, &error);
        if (status == DecodeStatus::EndOfStream)
            break;
        if (status == DecodeStatus::Error) {
            if (frames.isEmpty()) {
                result.error = error;
                return result;
            }
            break;  // keep the readable part
        }
        frames.append(frame.image);
    }
    int stride = 0;
    const QVector<int> indexes = cinemoFrameIndexes(frames.size(), options, seed, &stride);
    QVector<QImage> sample;
    for (int index : indexes)
        sample.append(frames.at(index));
    CinemoClip measured = measureCinemoFrames(sample, side);
    measured.path = path;
    measured.clipFrames = frames.size();
    measured.stride = stride;
    measured.frameIndexes = indexes;
    if (!measured.ok())
        measured.error = QStringLiteral("%1: %2").arg(name, measured.error);
    return measured;
}

QVector<int> ssimLevelHistogram(const QVector<int>& levels) {
    QVector<int> bins(kLevels, 0);
    for (int level : levels) {
        if (level >= 0 && level < kLevels)
            ++bins[level];
    }
    return bins;
}

QVector<int> ssimLevelHistogram(const QVector<CinemoClip>& clips) {
    QVector<int> levels;
    for (const CinemoClip& clip : clips) {
        if (clip.ok())
            levels.append(clip.level);
    }
    return ssimLevelHistogram(levels);
}

}  // namespace sm::core
