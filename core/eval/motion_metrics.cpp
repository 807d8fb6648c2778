#include "eval/motion_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "eval/image_metrics.h"

namespace sm::core {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size() || x.size() < 2)
        return kNaN;
    const double n = double(x.size());
    double meanX = 0.0;
    double meanY = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
        meanX += x[i];
        meanY += y[i];
    }
    meanX /= n;
    meanY /= n;
    // Two-pass (centred) sums: the one-pass formula cancels badly when values are large and close together.
    double sxy = 0.0;
    double sxx = 0.0;
    double syy = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double dx = x[i] - meanX;
        const double dy = y[i] - meanY;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (sxx <= 0.0 || syy <= 0.0)
        return kNaN;
    return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

double rmse(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size() || x.empty())
        return kNaN;
    double sum = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double d = x[i] - y[i];
        sum += d * d;
    }
    return std::sqrt(sum / double(x.size()));
}

int cinemoMotionLevel(double meanSsim) {
    if (!std::isfinite(meanSsim))
        return -1;
    const double level = std::round(100.0 * (1.0 - meanSsim));
    return int(std::clamp(level, 0.0, 19.0));
}

int cinemoUnetId(int level) {
    return 100 - level;
}

double meanConsecutiveSsim(const QVector<QImage>& frames) {
    if (frames.size() < 2)
        return kNaN;
    double sum = 0.0;
    for (int i = 0; i + 1 < frames.size(); ++i)
        sum += ssim(frames.at(i), frames.at(i + 1));  // NaN propagates for a bad pair
    return sum / double(frames.size() - 1);
}

}  // namespace sm::core
