#pragma once
// Full-reference image similarity used by the evaluation command and dataset tools.
//
// Both functions are pure and reentrant (safe on any thread). Inputs may be in any QImage format; they are
// converted internally. Invalid input (a null image, or two images of different sizes) gives NaN, never a crash:
// callers that compare a generated frame with its source must bring both to the same size first.
#include <QImage>

namespace sm::core {

/// The PSNR reported for identical images, whose true PSNR is +infinity. A finite cap keeps means, JSON and CSV
/// usable; 100 dB is far above any lossy result (an MSE of 1 grey level already gives 48.1 dB).
inline constexpr double kPsnrIdenticalDb = 100.0;

/// Structural similarity (Wang et al. 2004) of two images of equal size, in [-1, 1], 1 for identical images.
/// Both images are converted to 8-bit grayscale with BT.601 weights (0.299 R + 0.587 G + 0.114 B, rounded, as
/// cv2.cvtColor(RGB2GRAY) in the authors' scripts; alpha ignored, grey images unchanged);
/// then, as skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
/// data_range=255): 11 x 11 Gaussian window with sigma 1.5, K1 = 0.01, K2 = 0.03, L = 255, reflected borders,
/// and the result is the mean of the SSIM map without its 5-pixel border (skimage's crop). Images narrower or
/// lower than 11 pixels are averaged over the whole map instead (skimage refuses them).
/// Returns NaN for null images or different sizes.
double ssim(const QImage& a, const QImage& b);

/// Peak signal-to-noise ratio in dB over the R, G and B channels of two 8-bit images of equal size (alpha is
/// ignored): 10 log10(255^2 / MSE), MSE averaged over all pixels and the three channels.
/// Identical images return kPsnrIdenticalDb (the value is capped there: it never exceeds it).
/// Returns NaN for null images or different sizes.
double psnr(const QImage& a, const QImage& b);

}  // namespace sm::core
