// Fit/crop maths: default crops for both model sizes, clamping after drags, scaling, and fitToModel output.
#include <QtTest>

#include "media/image_fit.h"
#include "project/project.h"

using sm::core::clampCrop;
using sm::core::defaultCrop;
using sm::core::fitToModel;
using sm::core::scaleCrop;

namespace {

const QSize kPix2Gif = sm::core::modelInputSize(sm::core::ModelKind::Pix2Gif);  // 256x256
const QSize kCinemo = sm::core::modelInputSize(sm::core::ModelKind::Cinemo);    // 512x320 (W x H)

}  // namespace

class TestImageFit : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaultCropIsLargestCentred_data() {
        QTest::addColumn<QSize>("image");
        QTest::addColumn<QSize>("target");
        QTest::addColumn<QRect>("expected");
        QTest::newRow("landscape to square") << QSize(1000, 500) << kPix2Gif << QRect(250, 0, 500, 500);
        QTest::newRow("portrait to square") << QSize(300, 801) << kPix2Gif << QRect(0, 250, 300, 300);
        QTest::newRow("square to square") << QSize(256, 256) << kPix2Gif << QRect(0, 0, 256, 256);
        // 4:3 is narrower than 16:10, so the full width is kept: 640 x 400, centred vertically.
        QTest::newRow("4:3 to cinemo") << QSize(640, 480) << kCinemo << QRect(0, 40, 640, 400);
        // Wider than 16:10: the full height is kept: 1600 x 1000 out of 1920 x 1000.
        QTest::newRow("wide to cinemo") << QSize(1920, 1000) << kCinemo << QRect(160, 0, 1600, 1000);
        QTest::newRow("exact cinemo aspect") << QSize(1024, 640) << kCinemo << QRect(0, 0, 1024, 640);
        // Rounding: 333 * 320 / 512 = 208.125 -> 208 rows.
        QTest::newRow("rounded") << QSize(333, 333) << kCinemo << QRect(0, 62, 333, 208);
        QTest::newRow("tiny") << QSize(1, 1) << kCinemo << QRect(0, 0, 1, 1);
        QTest::newRow("empty image") << QSize(0, 10) << kPix2Gif << QRect();
        QTest::newRow("empty target") << QSize(10, 10) << QSize() << QRect();
    }

    void defaultCropIsLargestCentred() {
        QFETCH(QSize, image);
        QFETCH(QSize, target);
        QFETCH(QRect, expected);
        const QRect crop = defaultCrop(image, target);
        QCOMPARE(crop, expected);
        if (!crop.isNull())
            QVERIFY(QRect(QPoint(0, 0), image).contains(crop));
    }

    void clampCropAfterDrag() {
        const QSize image(1000, 500);
        // Dragged past the right edge: moved back, size unchanged.
        QCOMPARE(clampCrop(QRect(800, 0, 500, 500), image, kPix2Gif), QRect(500, 0, 500, 500));
        // Dragged up and left: pinned to the corner.
        QCOMPARE(clampCrop(QRect(-30, -10, 200, 200), image, kPix2Gif), QRect(0, 0, 200, 200));
        // Inside: untouched.
        QCOMPARE(clampCrop(QRect(100, 50, 200, 200), image, kPix2Gif), QRect(100, 50, 200, 200));
        // Larger than the image (a crop from a bigger source): shrunk to the largest fit around its centre.
        QCOMPARE(clampCrop(QRect(0, 0, 800, 800), image, kPix2Gif), QRect(150, 0, 500, 500));
        // Empty: the default crop.
        QCOMPARE(clampCrop(QRect(), image, kPix2Gif), defaultCrop(image, kPix2Gif));
    }

    void scaleCropKeepsAspectAndBounds() {
        const QSize image(1000, 800);
        const QRect start = defaultCrop(image, kCinemo);  // 1000 x 625
        QCOMPARE(start, QRect(0, 87, 1000, 625));

        const QRect half = scaleCrop(start, 0.5, image, kCinemo);
        QCOMPARE(half.size(), QSize(500, 313));  // 500 * 320 / 512 = 312.5 -> 313
        QCOMPARE(half.center(), start.center());

        // Growing beyond the image stops at the largest fit.
        QCOMPARE(scaleCrop(half, 10.0, image, kCinemo).size(), start.size());
        // Shrinking stops at the minimum: 16 rows for the landscape target -> 26 x 16.
        const QRect smallest = scaleCrop(start, 0.0001, image, kCinemo, 16);
        QCOMPARE(smallest.height(), 16);
        QCOMPARE(smallest.width(), 26);
        // Scaling a crop at the edge keeps it inside the image.
        const QRect corner(0, 0, 400, 250);
        const QRect grown = scaleCrop(corner, 1.5, image, kCinemo);
        QVERIFY(QRect(QPoint(0, 0), image).contains(grown));
        QCOMPARE(grown.size(), QSize(600, 375));
    }

    void fitToModelCropsThenScales() {
        // Left third red, middle third green, right third blue: the square crop of the middle must be green.
        QImage image(300, 100, QImage::Format_RGB32);
        for (int x = 0; x < 300; ++x) {
            const QRgb colour = x < 100 ? qRgb(255, 0, 0) : x < 200 ? qRgb(0, 255, 0) : qRgb(0, 0, 255);
            for (int y = 0; y < 100; ++y)
                image.setPixel(x, y, colour);
        }
        const QImage fitted = fitToModel(image, defaultCrop(image.size(), kPix2Gif), kPix2Gif);
        QCOMPARE(fitted.size(), kPix2Gif);
        QCOMPARE(fitted.format(), QImage::Format_RGB32);
        QCOMPARE(fitted.pixel(0, 0), qRgb(0, 255, 0));
        QCOMPARE(fitted.pixel(255, 255), qRgb(0, 255, 0));

        // An explicit crop on the right third.
        const QImage right = fitToModel(image, QRect(200, 0, 100, 100), kPix2Gif);
        QCOMPARE(right.pixel(128, 128), qRgb(0, 0, 255));

        // Cinemo output size and a crop that misses the image: the default crop is used instead.
        const QImage cinemo = fitToModel(image, QRect(5000, 5000, 10, 10), kCinemo);
        QCOMPARE(cinemo.size(), QSize(512, 320));
        QCOMPARE(cinemo.pixel(256, 160), qRgb(0, 255, 0));
    }

    void fitToModelAveragesWhenShrinking() {
        // One-pixel black/white stripes shrunk 4x must come out mid grey, not aliased to black or white.
        QImage stripes(1024, 1024, QImage::Format_RGB32);
        for (int x = 0; x < 1024; ++x) {
            const QRgb colour = x % 2 ? qRgb(255, 255, 255) : qRgb(0, 0, 0);
            for (int y = 0; y < 1024; ++y)
                stripes.setPixel(x, y, colour);
        }
        const QImage fitted = fitToModel(stripes, QRect(0, 0, 1024, 1024), kPix2Gif);
        const int grey = qGray(fitted.pixel(100, 100));
        QVERIFY2(grey > 100 && grey < 155, qPrintable(QString::number(grey)));
    }

    void fitToModelFlattensAlphaAndHandlesNull() {
        QImage transparent(64, 64, QImage::Format_ARGB32);
        transparent.fill(Qt::transparent);
        const QImage fitted = fitToModel(transparent, QRect(), kPix2Gif);
        QCOMPARE(fitted.pixel(10, 10), qRgb(255, 255, 255));
        QVERIFY(fitToModel(QImage(), QRect(), kPix2Gif).isNull());
        QVERIFY(fitToModel(transparent, QRect(), QSize()).isNull());
    }
};

QTEST_MAIN(TestImageFit)
#include "test_image_fit.moc"
