#pragma once
// Pix2Gif training pairs from GIFs and videos (shared spec pix2gif.md section 8).
//
// For each clip: frames are decoded (up to maxFrames, from the start), resized to analysisSide x analysisSide
// (aspect ignored, as the authors' 256 x 256 training resize), and every pair (i, j > i) within maxGap is measured
// with flowMagnitude() (the authors' Lucas-Kanade routine). The motion value of a pair is the truncated magnitude
// int(flow); pairs with motion in [minMotion, maxMotion] (default [2, 19]) are candidates, and at most
// maxPairsPerClip (default 10, the paper's min(#pairs, 10)) are kept:
//   PairSelection::Random  - a seeded uniform sample without replacement (what the paper describes),
//   PairSelection::Diverse - evenly spaced through the candidates sorted by flow (both extremes kept), so one
//                            clip does not feed ten copies of one motion; the studio's Project panel uses this.
// Motions are in pixels of the analysis size: 256 matches the authors' data; a model trained at 64 x 64 wants
// analysisSide = 64, where the same clip measures about a quarter of the 256 value.
//
// Thread-safety: all functions are reentrant; run curateClip() off the GUI thread (it decodes the clip and runs up
// to maxFrames * maxGap LK measurements).
// Errors: nothing throws; ClipReport::error names the file and the problem (or says "cancelled").
#include <QImage>
#include <QMetaType>
#include <QSize>
#include <QString>
#include <QVector>

#include <atomic>
#include <cstdint>

namespace sm::core {

struct TrainingPair {
    QString clipPath;
    int frameA = 0;  // 0-based frame indexes in the clip, frameA < frameB
    int frameB = 0;
    int motion = 0;   // truncated flow magnitude: the Pix2Gif motion value the pair teaches
    double flow = 0;  // measured magnitude in pixels at analysisSide x analysisSide
    QString caption;
};

enum class PairSelection { Diverse, Random };

struct CurationOptions {
    int maxFrames = 48;        // frames read per clip (from the start), >= 2
    int maxGap = 8;            // largest j - i considered; 0 = every pair j > i (the authors' setting)
    int maxPairsPerClip = 10;  // Pix2Gif kept min(#pairs, 10) per GIF
    int minMotion = 2;         // kept range, inclusive
    int maxMotion = 19;
    int analysisSide = 256;  // frames are measured at this square size (pixels of the motion values)
    PairSelection selection = PairSelection::Diverse;
    std::uint64_t seed = 0;  // Random selection: the same seed keeps the same pairs
};

struct ClipReport {
    QString path;
    QString caption;     // set by the caller's caption source; curateClip() uses captionFromFileName()
    int frameCount = 0;  // frames analysed
    QSize size;          // native frame size
    double fps = 0;
    int candidatePairs = 0;       // pairs measured
    int inRangePairs = 0;         // of those, inside [minMotion, maxMotion]
    QVector<TrainingPair> pairs;  // the kept ones, ordered by (frameA, frameB)
    QImage thumbnail;             // first frame, at most 96 px
    QString error;                // set when the clip could not be read
    bool ok() const { return error.isEmpty(); }
};

// Mean Lucas-Kanade displacement of good features between two frames (any size, any format), in pixels of
// the given images, exactly as the authors' calculate_optical_flow: grayscale, goodFeaturesToTrack(100, 0.1, 7,
// block 7), pyramidal LK (15x15, maxLevel 2, 10 iterations / eps 0.03), status ignored (lost points included),
// magnitudes <= 1 px ignored, the mean of the rest; 0 when nothing moved, nothing was found, or sizes differ.
double flowMagnitude(const QImage& a, const QImage& b);

// Decodes up to maxFrames frames of a clip at native size. On failure returns false with *error; a clip that
// breaks after some frames keeps those. `nativeSize`/`fps` may be null. Cancel: returns false, *error "cancelled".
bool decodeClipFrames(const QString& path, int maxFrames, QVector<QImage>* frames, QSize* nativeSize, double* fps,
                      QString* error, const std::atomic<bool>* cancel = nullptr);

// Measures and selects the pairs of already decoded frames (any size; they are resized to the analysis side).
// Fills frameCount, candidatePairs, inRangePairs, pairs (clipPath and caption copied from the report) and sets
// report->error on cancel or when fewer than 2 frames are given.
void measureClipPairs(const QVector<QImage>& frames, const CurationOptions& options, ClipReport* report,
                      const std::atomic<bool>* cancel = nullptr);

// Decode + measure one clip; the caption comes from the file name.
ClipReport curateClip(const QString& path, const CurationOptions& options = {},
                      const std::atomic<bool>* cancel = nullptr);

// Up to maxPairs pairs spread evenly over the flow values present (the lowest and highest kept first).
QVector<TrainingPair> selectDiversePairs(QVector<TrainingPair> candidates, int maxPairs);
// Up to maxPairs pairs drawn uniformly without replacement with SeededRandom(seed); ordered by (frameA, frameB).
QVector<TrainingPair> selectRandomPairs(QVector<TrainingPair> candidates, int maxPairs, std::uint64_t seed);

// Counts per integer motion value minMotion..maxMotion (size maxMotion - minMotion + 1).
QVector<int> motionHistogram(const QVector<TrainingPair>& pairs, int minMotion = 2, int maxMotion = 19);

}  // namespace sm::core

Q_DECLARE_METATYPE(sm::core::ClipReport)
