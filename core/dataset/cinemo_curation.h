#pragma once
// Cinemo training clips and their motion level (shared spec cinemo.md section 2).
//
// A Cinemo sample is 16 frames taken at a constant stride drawn uniformly from 3..10 (seeded) starting at a
// random frame. Its motion intensity is the mean SSIM of consecutive sampled frames (core/eval ssim(): grayscale,
// 11 x 11 Gaussian window, sigma 1.5, Wang et al. constants), measured at analysisSide x analysisSide, and mapped
// to a level as the authors' Gradio app implies (the UNet gets motion_bucket_id = 100 - slider level, and the
// pipeline comments "[0-99]", so ids are about 100 * SSIM, high SSIM meaning little motion):
//
//     level  = clamp(round(100 * (1 - meanSSIM)), 0, 19)      (cinemoMotionLevel(), core/eval/motion_metrics.h)
//     unetId = 100 - level                                    (cinemoUnetId())
//
// so identical frames give level 0 / id 100 and anything with mean SSIM <= 0.815 saturates at level 19 / id 81.
// This convention is UNVERIFIED against the paper (the authors' training code is not public); docs/training.md
// records it.
//
// Short clips: when 1 + 15 * stride frames do not fit, the stride is lowered to the largest that fits (possibly
// below 3); a clip shorter than 16 frames uses all its frames at stride 1. CinemoClip::stride reports what was used.
//
// Thread-safety: reentrant. Errors: nothing throws; CinemoClip::error names the file and the problem.
#include <QImage>
#include <QString>
#include <QVector>

#include <atomic>
#include <cstdint>

namespace sm::core {

struct CinemoSampleOptions {
    int frames = 16;    // frames per sample
    int minStride = 3;  // stride range, inclusive
    int maxStride = 10;
    int analysisSide = 256;      // SSIM is measured on frames resized to this square
    int maxDecodedFrames = 400;  // frames decoded from the start of the clip at most (the sample is drawn in these)
};

struct CinemoClip {
    QString path;
    QString caption;
    int clipFrames = 0;         // frames decoded
    int stride = 0;             // stride used
    QVector<int> frameIndexes;  // 0-based indexes of the sampled frames in the clip
    double meanSsim = 0;
    int level = -1;   // 0..19
    int unetId = -1;  // 100 - level
    QString error;
    bool ok() const { return error.isEmpty(); }
};

// The frame indexes of a sample from a clip of clipFrames frames, with the stride drawn from `seed`
// (SeededRandom: uniform stride in [minStride, maxStride], then uniform start). *stride receives the stride used.
QVector<int> cinemoFrameIndexes(int clipFrames, const CinemoSampleOptions& options, std::uint64_t seed, int* stride);

// Mean consecutive SSIM of `frames` (resized to analysisSide) and the level / id mapping above. With fewer than 2
// frames the result has an error.
CinemoClip measureCinemoFrames(const QVector<QImage>& frames, int analysisSide);

// Decodes the clip, draws the sample and measures it. The caption is left empty (see CaptionResolver).
CinemoClip curateCinemoClip(const QString& path, const CinemoSampleOptions& options, std::uint64_t seed,
                            const std::atomic<bool>* cancel = nullptr);

// Counts of clips per level 0..19 (20 bins); clips with an error or a level outside 0..19 are not counted.
QVector<int> ssimLevelHistogram(const QVector<CinemoClip>& clips);
QVector<int> ssimLevelHistogram(const QVector<int>& levels);

}  // namespace sm::core
