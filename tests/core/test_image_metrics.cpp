// SSIM/PSNR and the motion agreement measures against values computed independently: closed forms for flat
// images, a pure-Python re-implementation of skimage's Gaussian SSIM for two 20 x 16 patterns (the script's
// formulas are quoted next to the numbers), and hand-computed Pearson/RMSE.
#include <QtTest>

#include <cmath>
#include <random>

#include "eval/image_metrics.h"
#include "eval/motion_metrics.h"

using namespace sm::core;

namespace {

QImage grayImage(int width, int height, const std::function<int(int, int)>& value) {
    QImage image(width, height, QImage::Format_Grayscale8);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.scanLine(y)[x] = uchar(std::clamp(value(x, y), 0, 255));
    return image;
}

int pattern(int x, int y) {
    return (x * 37 + y * 91 + x * y * 13) % 256;
}

// A smooth but detailed RGB texture, so blur and noise both change the structure measurably.
QImage texture(int side) {
    QImage image(side, side, QImage::Format_RGB888);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const int v = int(127.5 + 60 * std::sin(x * 0.4) * std::cos(y * 0.3) + 50 * std::sin((x + y) * 0.9));
            image.setPixel(x, y, qRgb(v, 255 - v, (v * 3) % 256));
        }
    return image;
}

QImage withNoise(const QImage& image, double sigma, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, sigma);
    QImage out = image.convertToFormat(QImage::Format_RGB888);
    for (int y = 0; y < out.height(); ++y) {
        uchar* row = out.scanLine(y);
        for (int i = 0; i < out.width() * 3; ++i)
            row[i] = uchar(std::clamp(int(std::lround(row[i] + noise(rng))), 0, 255));
    }
    return out;
}

}  // namespace

class TestImageMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ssimOfIdenticalImagesIsOne() {
        const QImage image = texture(48);
        QCOMPARE(ssim(image, image), 1.0);
        QCOMPARE(ssim(image, image.convertToFormat(QImage::Format_ARGB32)), 1.0);
    }

    void ssimOfFlatImagesHasClosedForm() {
        // No variance anywhere: SSIM = (2 a b + C1) / (a^2 + b^2 + C1), C1 = (0.01 * 255)^2.
        const QImage a = grayImage(32, 32, [](int, int) { return 100; });
        const QImage b = grayImage(32, 32, [](int, int) { return 120; });
        const double c1 = 6.5025;
        QVERIFY(std::abs(ssim(a, b) - (2 * 100 * 120 + c1) / (100 * 100 + 120 * 120 + c1)) < 1e-12);
    }

    void ssimUsesBt601Luma() {
        // Flat RGB (200, 30, 90) is grey 88 (0.299 R + 0.587 G + 0.114 B = 87.7, rounded) whatever its format;
        // against flat grey 100 the closed form above applies.
        const QImage grey = grayImage(24, 24, [](int, int) { return 100; });
        const double c1 = 6.5025;
        const double expected = (2 * 88 * 100 + c1) / (88 * 88 + 100 * 100 + c1);
        for (const QImage::Format format : {QImage::Format_RGB888, QImage::Format_RGB32, QImage::Format_ARGB32}) {
            QImage colour(24, 24, format);
            colour.fill(QColor(200, 30, 90));
            QVERIFY2(std::abs(ssim(colour, grey) - expected) < 1e-12, qPrintable(QString::number(int(format))));
        }
    }

    void ssimMatchesSkimageGaussianReference() {
        // Reference: skimage structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
        // data_range=255) re-implemented in pure Python (scipy "reflect" borders, truncate 3.5, 5-px crop).
        const QImage a = grayImage(20, 16, pattern);
        const QImage close = grayImage(20, 16, [](int x, int y) { return pattern(x, y) + (x * 7 + y * 3) % 61 - 30; });
        const QImage other = grayImage(20, 16, [](int x, int y) { return (x * 41 + y * 89 + x * y * 11) % 256; });
        QVERIFY2(std::abs(ssim(a, close) - 0.9753400571476643) < 1e-9,
                 qPrintable(QString::number(ssim(a, close), 'g', 17)));
        QVERIFY2(std::abs(ssim(a, other) - 0.0006420827352805423) < 1e-9,
                 qPrintable(QString::number(ssim(a, other), 'g', 17)));
        QVERIFY(std::abs(ssim(a, close) - ssim(close, a)) < 1e-12);  // symmetric
    }

    void ssimOrdersDegradations() {
        const QImage image = texture(64);
        const double light = ssim(image, withNoise(image, 4.0, 1));
        const double heavy = ssim(image, withNoise(image, 25.0, 1));
        const QImage inverted = [&] {
            QImage copy = image;
            copy.invertPixels();
            return copy;
        }();
        QVERIFY2(light < 1.0 && light > heavy, qPrintable(QStringLiteral("%1 %2").arg(light).arg(heavy)));
        QVERIFY(heavy > ssim(image, inverted));
        QVERIFY(ssim(image, inverted) < 0.0);  // anti-correlated structure
    }

    void invalidInputGivesNaN() {
        QVERIFY(std::isnan(ssim(texture(16), texture(17))));
        QVERIFY(std::isnan(ssim(QImage(), texture(16))));
        QVERIFY(std::isnan(psnr(texture(16), texture(17))));
        QVERIFY(std::isnan(psnr(texture(16), QImage())));
    }

    void psnrOfConstantOffsetIsExact() {
        // Every channel 10 apart: MSE = 100, PSNR = 10 log10(255^2 / 100) = 28.130803608679106 dB.
        QImage a(17, 9, QImage::Format_RGB32);
        QImage b(17, 9, QImage::Format_RGB32);
        a.fill(qRgb(100, 50, 200));
        b.fill(qRgb(110, 40, 210));
        QVERIFY(std::abs(psnr(a, b) - 28.130803608679106) < 1e-12);
        // One channel 30 apart, the others equal: MSE = 900 / 3 = 300 -> 23.35959106148248 dB.
        b.fill(qRgb(100, 80, 200));
        QVERIFY(std::abs(psnr(a, b) - 23.35959106148248) < 1e-12);
    }

    void psnrOfIdenticalImagesIsCapped() {
        const QImage image = texture(20);
        QCOMPARE(psnr(image, image), kPsnrIdenticalDb);
        QVERIFY(psnr(image, withNoise(image, 1.0, 3)) < kPsnrIdenticalDb);
    }

    void pearsonKnownValues() {
        QCOMPARE(pearson({1, 2, 3, 4}, {2, 4, 6, 8}), 1.0);
        QCOMPARE(pearson({1, 2, 3, 4}, {8, 6, 4, 2}), -1.0);
        // x = 1..5, y = 2,4,5,4,5: Sxy = 6, Sxx = 10, Syy = 6 -> r = 6 / sqrt(60) = 0.7745966692414834.
        QVERIFY(std::abs(pearson({1, 2, 3, 4, 5}, {2, 4, 5, 4, 5}) - 0.7745966692414834) < 1e-12);
        QVERIFY(std::isnan(pearson({1, 2, 3}, {5, 5, 5})));  // constant series
        QVERIFY(std::isnan(pearson({1}, {1})));
        QVERIFY(std::isnan(pearson({1, 2}, {1, 2, 3})));
    }

    void rmseKnownValues() {
        QCOMPARE(rmse({1, 2, 3}, {1, 2, 3}), 0.0);
        // Differences 3, -4 -> sqrt((9 + 16) / 2) = sqrt(12.5).
        QVERIFY(std::abs(rmse({2, 4}, {-1, 8}) - std::sqrt(12.5)) < 1e-12);
        QVERIFY(std::isnan(rmse({}, {})));
        QVERIFY(std::isnan(rmse({1}, {1, 2})));
    }

    void cinemoLevelAndUnetId() {
        QCOMPARE(cinemoMotionLevel(1.0), 0);
        QCOMPARE(cinemoMotionLevel(0.996), 0);  // 0.4 rounds down
        QCOMPARE(cinemoMotionLevel(0.994), 1);  // 0.6 rounds up
        QCOMPARE(cinemoMotionLevel(0.90), 10);
        QCOMPARE(cinemoMotionLevel(0.82), 18);
        QCOMPARE(cinemoMotionLevel(0.80), 19);  // 20, clamped
        QCOMPARE(cinemoMotionLevel(0.5), 19);
        QCOMPARE(cinemoMotionLevel(-0.3), 19);
        QCOMPARE(cinemoMotionLevel(1.2), 0);  // SSIM cannot exceed 1; clamped anyway
        QCOMPARE(cinemoMotionLevel(std::nan("")), -1);
        QCOMPARE(cinemoUnetId(0), 100);
        QCOMPARE(cinemoUnetId(10), 90);  // the Gradio default
        QCOMPARE(cinemoUnetId(19), 81);
    }

    void meanConsecutiveSsimAveragesPairs() {
        const QImage a = texture(32);
        const QImage b = withNoise(a, 10.0, 7);
        const QImage c = withNoise(a, 30.0, 8);
        const double expected = (ssim(a, b) + ssim(b, c)) / 2.0;
        QVERIFY(std::abs(meanConsecutiveSsim({a, b, c}) - expected) < 1e-12);
        QCOMPARE(meanConsecutiveSsim({a, a, a}), 1.0);
        QVERIFY(std::isnan(meanConsecutiveSsim({a})));
        QVERIFY(std::isnan(meanConsecutiveSsim({a, texture(16)})));
    }
};

QTEST_GUILESS_MAIN(TestImageMetrics)
#include "test_image_metrics.moc"
