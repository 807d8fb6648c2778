#include "eval/image_metrics.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace sm::core {

namespace {

constexpr int kWindow = 11;
constexpr double kSigma = 1.5;
constexpr double kDataRange = 255.0;
constexpr double kK1 = 0.01;
constexpr double kK2 = 0.03;

bool comparable(const QImage& a, const QImage& b) {
    return !a.isNull() && !b.isNull() && a.size() == b.size();
}

// Grayscale as float64: the statistics below are differences of large products, float32 loses digits there.
// The luma is computed here, not by QImage::convertToFormat(Format_Grayscale8): Qt 6.4 gives different grey levels
// for the same colour depending on the source format (qGray from RGB888, a colour-space-aware luminance from RGB32).
cv::Mat grayAsDouble(const QImage& image) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    const cv::Mat wrapped(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar*>(rgb.constBits()),
                          size_t(rgb.bytesPerLine()));
    cv::Mat gray;
    cv::cvtColor(wrapped, gray, cv::COLOR_RGB2GRAY);  // BT.601, as cv2 in the authors' scripts
    cv::Mat result;
    gray.convertTo(result, CV_64F);
    return result;
}

// scipy.ndimage.gaussian_filter(sigma=1.5, truncate=3.5) as skimage calls it: a separable normalised
// 11-tap kernel and mode "reflect" (d c b a | a b c d), which is OpenCV's BORDER_REFLECT.
cv::Mat gaussianFilter(const cv::Mat& image) {
    static const cv::Mat kernel = cv::getGaussianKernel(kWindow, kSigma, CV_64F);
    cv::Mat result;
    cv::sepFilter2D(image, result, CV_64F, kernel, kernel, cv::Point(-1, -1), 0.0, cv::BORDER_REFLECT);
    return result;
}

}  // namespace

double ssim(const QImage& a, const QImage& b) {
    if (!comparable(a, b))
        return std::numeric_limits<double>::quiet_NaN();
    const cv::Mat x = grayAsDouble(a);
    const cv::Mat y = grayAsDouble(b);

    const cv::Mat ux = gaussianFilter(x);
    const cv::Mat uy = gaussianFilter(y);
    const cv::Mat uxx = gaussianFilter(x.mul(x));
    const cv::Mat uyy = gaussianFilter(y.mul(y));
    const cv::Mat uxy = gaussianFilter(x.mul(y));
    // Population (not sample) covariance: skimage uses it whenever gaussian_weights=True.
    const cv::Mat vx = uxx - ux.mul(ux);
    const cv::Mat vy = uyy - uy.mul(uy);
    const cv::Mat vxy = uxy - ux.mul(uy);

    const double c1 = (kK1 * kDataRange) * (kK1 * kDataRange);
    const double c2 = (kK2 * kDataRange) * (kK2 * kDataRange);
    const cv::Mat numerator = (2.0 * ux.mul(uy) + c1).mul(2.0 * vxy + c2);
    const cv::Mat denominator = (ux.mul(ux) + uy.mul(uy) + c1).mul(vx + vy + c2);
    cv::Mat map;
    cv::divide(numerator, denominator, map);

    // skimage averages the map without the (window - 1) / 2 border, where the reflected padding dominates.
    const int pad = (kWindow - 1) / 2;
    if (map.cols > 2 * pad && map.rows > 2 * pad && map.cols >= kWindow && map.rows >= kWindow)
        map = map(cv::Rect(pad, pad, map.cols - 2 * pad, map.rows - 2 * pad));
    return cv::mean(map)[0];
}

double psnr(const QImage& a, const QImage& b) {
    if (!comparable(a, b))
        return std::numeric_limits<double>::quiet_NaN();
    const QImage x = a.convertToFormat(QImage::Format_RGB888);
    const QImage y = b.convertToFormat(QImage::Format_RGB888);
    double sumSquares = 0.0;
    for (int row = 0; row < x.height(); ++row) {
        const uchar* px = x.constScanLine(row);
        const uchar* py = y.constScanLine(row);
        for (int i = 0; i < x.width() * 3; ++i) {
            const double d = double(px[i]) - double(py[i]);
            sumSquares += d * d;
        }
    }
    const double mse = sumSquares / (double(x.width()) * x.height() * 3.0);
    if (mse <= 0.0)
        return kPsnrIdenticalDb;
    return std::min(kPsnrIdenticalDb, 10.0 * std::log10(kDataRange * kDataRange / mse));
}

}  // namespace sm::core
