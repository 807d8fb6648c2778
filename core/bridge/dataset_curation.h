#pragma once
// Building a Pix2Gif training set from GIFs and videos (docs: shared spec pix2gif.md section 8):
// frame pairs (i, j > i) of each clip, their motion measured as the mean Lucas-Kanade flow magnitude of good
// features, pairs kept when the motion lies in the trained range [2, 19], at most 10 pairs per clip chosen to
// spread over that range. The histogram of the kept motions is what the Project panel shows.
//
// Frames are analysed at 256 x 256 (the training resolution), so motions are in training-image pixels.
// Thread-safety: all functions are reentrant; run curateClip() off the GUI thread (it decodes the clip).
// Errors: curateClip() never throws; ClipReport::error names the file and the problem.
#include <QImage>
#include <QMetaType>
#include <QSize>
#include <QString>
#include <QVector>

#include <atomic>

namespace sm::core {

struct TrainingPair {
    QString clipPath;
    int frameA = 0;  // 0-based frame indexes in the clip, frameA < frameB
    int frameB = 0;
    int motion = 0;   // truncated flow magnitude: the Pix2Gif motion value the pair teaches
    double flow = 0;  // measured magnitude in pixels at 256 x 256
    QString caption;
};

struct CurationOptions {
    int maxFrames = 48;        // frames read per clip (from the start)
    int maxGap = 8;            // largest j - i considered
    int maxPairsPerClip = 10;  // Pix2Gif kept min(#pairs, 10) per GIF
    int minMotion = 2;         // kept range, inclusive
    int maxMotion = 19;
    int analysisSide = 256;
};

struct ClipReport {
    QString path;
    QString caption;     // from the file name: "cat_jumps-high.gif" -> "cat jumps high"
    int frameCount = 0;  // frames analysed
    QSize size;          // native frame size
    double fps = 0;
    int candidatePairs = 0;       // pairs measured
    int inRangePairs = 0;         // of those, inside [minMotion, maxMotion]
    QVector<TrainingPair> pairs;  // the kept ones
    QImage thumbnail;             // first frame, at most 96 px
    QString error;                // set when the clip could not be read
    bool ok() const { return error.isEmpty(); }
};

// Mean Lucas-Kanade displacement of good features between two frames (any size, any format), in pixels of
// the given images: grayscale, goodFeaturesToTrack(100, 0.1, 7, block 7), pyramidal LK (15x15, 2 levels),
// lost points included, magnitudes <= 1 px ignored, 0 when nothing moved or nothing was found.
double flowMagnitude(const QImage& a, const QImage& b);

// Words from a file name: separators and camelCase split, lower case, no extension.
QString captionFromFileName(const QString& path);

ClipReport curateClip(const QString& path, const CurationOptions& options = {},
                      const std::atomic<bool>* cancel = nullptr);

// Up to maxPairs pairs spread evenly over the motion values present (the lowest and highest kept first).
QVector<TrainingPair> selectDiversePairs(QVector<TrainingPair> candidates, int maxPairs);

// Counts per integer motion value minMotion..maxMotion (size maxMotion - minMotion + 1).
QVector<int> motionHistogram(const QVector<TrainingPair>& pairs, int minMotion = 2, int maxMotion = 19);

}  // namespace sm::core

Q_DECLARE_METATYPE(sm::core::ClipReport)
