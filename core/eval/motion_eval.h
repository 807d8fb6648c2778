#pragma once
// Pix2Gif motion-coherency evaluation (paper Table 2; shared spec pix2gif.md section 10), independent of the engine:
// given a source image and the frames generated for a list of requested motions, measure the optical flow
// source -> frame with the curation routine flowMagnitude() (the same Lucas-Kanade measure that labelled the
// training pairs), how well each frame keeps the source (SSIM, PSNR), and Cinemo's SSIM-based motion level of the
// sequence. summarize() pools items into the table numbers: mean measured flow per requested motion, the L2 (RMSE)
// and Pearson r between requested and measured motion over all frames.
//
// Units: motions and flows are pixels of the images passed in, or of the analysis size when one is given. The
// eval command passes the model's own resolution (256 x 256 for the authors' model) or the analysis size the
// training data was curated at (128 for the 64 x 64 demo model), so the numbers mean what the motion values mean
// to the model.
// Thread-safety: pure functions, reentrant. Errors: none thrown; unusable input shows up as NaN values.
#include <QImage>
#include <QString>
#include <QVector>

namespace sm::core {

/// One generated frame measured against its source.
struct FrameEvaluation {
    int requestedMotion = 0;  // the motion value asked for, pixels
    double measuredFlow = 0;  // flowMagnitude(source, frame), pixels (0 when nothing moved by more than 1 px)
    double ssimToSource = 0;  // ssim(source, frame), see image_metrics.h
    double psnrToSource = 0;  // psnr(source, frame), dB, capped at kPsnrIdenticalDb
};

/// All frames of one source image, in the order of the motion list.
struct ItemEvaluation {
    QString image;      // file name or path as given by the eval set
    QString caption;    // the prompt
    QString direction;  // from the eval set ("left", ...), may be empty
    QVector<FrameEvaluation> frames;
    double rmse = 0;                 // requested vs measured over this item's frames, pixels (NaN if no frames)
    double pearson = 0;              // NaN with fewer than 2 frames or a constant series
    double firstFrameSsim = 0;       // ssimToSource of the frame with the smallest requested motion
    double meanConsecutiveSsim = 0;  // over the generated frames in motion-list order (NaN with < 2 frames)
    int cinemoLevel = -1;            // cinemoMotionLevel(meanConsecutiveSsim), -1 when undefined
    int cinemoUnetId = -1;           // cinemoUnetId(cinemoLevel), -1 when undefined
};

/// Measures frames[i] (generated for motions[i]) against the source. All images must have the source's size
/// (pairs that do not give NaN SSIM/PSNR and flow 0). Only min(motions.size(), frames.size()) frames are used,
/// so a run cut short can still be evaluated.
/// analysisSide > 0 measures the flow on source and frame resized (smoothly, squashed) to analysisSide² — the
/// size at which the training pairs' motions were measured (dataset_info.json "analysis_side"); the demo model's
/// 64×64 frames are measured at 128, where the authors' Lucas-Kanade settings track the whole 2..19 range.
/// SSIM and PSNR stay at the given size.
ItemEvaluation evaluateItem(const QImage& source, const QVector<int>& motions, const QVector<QImage>& frames,
                            int analysisSide = 0);

/// Per requested motion value over all items.
struct MotionRow {
    int requestedMotion = 0;
    int count = 0;            // frames with this requested motion
    double meanMeasured = 0;  // mean measured flow, pixels
    double stdMeasured = 0;   // population standard deviation of the measured flow
    double meanSsim = 0;      // mean SSIM to the source
    double meanPsnr = 0;      // mean PSNR to the source, dB
};

/// The table numbers. Means skip NaN values (e.g. a one-frame item has no consecutive SSIM).
struct EvalSummary {
    int items = 0;
    int frames = 0;
    QVector<MotionRow> perMotion;  // ascending requested motion
    double rmse = 0;               // "L2": RMS of requested - measured over all frames, pixels
    double pearson = 0;            // Pearson r of requested vs measured over all frames
    double meanSsim = 0;           // frames vs their source
    double meanPsnr = 0;
    double firstFrameSsim = 0;       // mean over items
    double meanConsecutiveSsim = 0;  // mean over items
    int cinemoLevel = -1;            // level of meanConsecutiveSsim
    int cinemoUnetId = -1;
};

EvalSummary summarize(const QVector<ItemEvaluation>& items);

}  // namespace sm::core
