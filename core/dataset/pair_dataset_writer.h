#pragma once
// Builds a Pix2Gif training set from a folder of clips (what `stillmotion-cli curate` runs).
//
// Output folder layout:
//   pairs.json          {"train": [[frame0, frame1, caption, motion], ...], "val": [...]} (see pair_dataset.h),
//                       paths relative to the output folder
//   frames/<NNNNN>_<clip name>/<frame index, 4 digits>.png
//                       the frames used by pairs, RGB, trainingSide x trainingSide (smooth resize, aspect ignored)
//   dataset_info.json   settings (analysis side, training side, motion range, selection, seed, val fraction),
//                       counts, the motion histogram and one record per source clip (caption and its source,
//                       frames, candidate / in-range / kept pairs, split, error)
//
// Pipeline: findClips() (recursive), CaptionResolver captions, decodeClipFrames(), measureClipPairs() with
// PairSelection::Random seeded per clip (SeededRandom::deriveSeed(seed, clip index)), then a seeded split by clip
// (all pairs of a clip go to the same split, so validation never sees training frames): round(valFraction * clips
// with pairs) clips go to "val", at least 1 when valFraction > 0 and there are 2 or more such clips.
//
// Thread-safety: reentrant; run off the GUI thread. The progress callback runs on the calling thread.
// Errors: never throws. Unreadable clips are skipped and listed (DatasetBuildReport::clipErrors); the build fails
// (returns false, report->error) when the input has no clips, no clip gives a pair, the output is not writable,
// or it is cancelled (then pairs.json and dataset_info.json are not written).
#include <QString>
#include <QStringList>
#include <QVector>

#include <atomic>
#include <cstdint>
#include <functional>

#include "dataset/clip_curation.h"

namespace sm::core {

// The authors' settings: random pairs, every (i, j > i) of the first 48 frames, analysis at 256, [2, 19], 10 per clip.
CurationOptions datasetCurationDefaults();

struct DatasetBuildOptions {
    CurationOptions curation = datasetCurationDefaults();  // analysisSide, motion range, pairs per clip, ...
    int trainingSide = 256;                                // side of the written PNG frames
    double valFraction = 0.05;                             // fraction of clips (with pairs) held out, 0..1
    std::uint64_t seed = 0;  // pair sampling and split (curation.seed is replaced per clip)
};

struct DatasetBuildReport {
    QString pairsPath;  // <output>/pairs.json
    QString infoPath;   // <output>/dataset_info.json
    int clipsFound = 0;
    int clipsUsed = 0;    // clips that gave at least one pair
    int clipsFailed = 0;  // unreadable clips
    int trainPairs = 0;
    int valPairs = 0;
    int framesWritten = 0;
    QVector<int> histogram;  // kept pairs per motion value minMotion..maxMotion (train + val)
    QStringList clipErrors;  // one line per skipped clip
    QStringList warnings;    // unusable caption manifests
    bool cancelled = false;
    QString error;
    bool ok() const { return error.isEmpty(); }
};

// done/total count clips; message names the clip being processed (or the final step).
using DatasetProgressCallback = std::function<void(int done, int total, const QString& message)>;

bool buildPairDataset(const QString& inputFolder, const QString& outputFolder, const DatasetBuildOptions& options,
                      DatasetBuildReport* report, const DatasetProgressCallback& progress = {},
                      const std::atomic<bool>* cancel = nullptr);

}  // namespace sm::core
