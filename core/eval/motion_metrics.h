#pragma once
// Motion agreement measures for evaluating motion-conditioned generators.
//
// Pix2Gif (paper Table 2, "motion coherency"): the requested motion values are compared with the optical flow
// measured between the source and each generated frame, by an L2 error and Pearson's r. The authors' code does not
// contain the formula (shared spec pix2gif.md section 10); we define L2 as the root-mean-square difference in
// pixels, rmse() below, so it does not grow with the number of frames.
//
// Cinemo (shared spec cinemo.md section 2): motion intensity is derived from the mean SSIM between frames and
// bucketed; the authors' Gradio demo feeds the UNet 100 - level. cinemoMotionLevel()/cinemoUnetId() implement that
// convention (UNVERIFIED against the paper; see the spec).
//
// All functions are pure and reentrant. Invalid input gives NaN (or -1 for levels), never a crash.
#include <QImage>
#include <QVector>

#include <vector>

namespace sm::core {

/// Pearson correlation coefficient of two equally long series, in [-1, 1].
/// NaN when the lengths differ, when there are fewer than 2 values, or when either series is constant.
double pearson(const std::vector<double>& x, const std::vector<double>& y);

/// Root-mean-square difference sqrt(mean((x_i - y_i)^2)), in the unit of the inputs (the "L2" of the motion table:
/// requested vs measured motion in pixels of the model's images). NaN when the lengths differ or both are empty.
double rmse(const std::vector<double>& x, const std::vector<double>& y);

/// Cinemo motion level of a sequence from its mean SSIM: clamp(round(100 * (1 - meanSsim)), 0, 19).
/// 0 = still (SSIM >= 0.995), 19 = most motion. Returns -1 when meanSsim is not finite.
int cinemoMotionLevel(double meanSsim);

/// Cinemo UNet motion_bucket_id for a level, as the authors' Gradio app computes it: 100 - level.
int cinemoUnetId(int level);

/// Mean of ssim(frames[i], frames[i + 1]) over consecutive pairs (see image_metrics.h for the SSIM definition).
/// NaN with fewer than 2 frames or when any pair is not comparable (null image, different sizes).
double meanConsecutiveSsim(const QVector<QImage>& frames);

}  // namespace sm::core
