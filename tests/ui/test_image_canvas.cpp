// The canvas alone: fit-to-widget geometry, crop clamping and signals, and an empty-state paint.
#include <QtTest>

#include "image_canvas.h"

using sm::ui::ImageCanvas;

namespace {

QImage solid(int width, int height, QColor colour) {
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(colour);
    return image;
}

}  // namespace

class TestImageCanvas : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void emptyCanvasPaintsPlaceholder() {
        ImageCanvas canvas;
        canvas.resize(400, 300);
        QVERIFY(!canvas.hasImage());
        QVERIFY(canvas.imageRect().isNull());
        QVERIFY(canvas.crop().isNull());
        const QImage shot = canvas.grab().toImage();
        // Background plus the hint text: more than one colour, none of them an image colour.
        QSet<QRgb> colours;
        for (int y = 0; y < shot.height(); y += 2) {
            for (int x = 0; x < shot.width(); x += 2)
                colours.insert(shot.pixel(x, y));
        }
        QVERIFY(colours.size() > 1);
    }

    void imageIsFittedAndCentred() {
        ImageCanvas canvas;
        canvas.resize(824, 424);  // 800 x 400 inside the 12-pixel margins
        canvas.setImage(solid(1000, 1000, Qt::green));
        const QRectF area = canvas.imageRect();
        QCOMPARE(area.size(), QSizeF(400, 400));     // limited by the height
        QCOMPARE(area.center(), QPointF(412, 212));  // centred
        // Small images are enlarged at most 4x.
        canvas.setImage(solid(20, 10, Qt::green));
        QCOMPARE(canvas.imageRect().size(), QSizeF(80, 40));
    }

    void cropIsClampedAndSignalled() {
        ImageCanvas canvas;
        canvas.resize(600, 400);
        QSignalSpy spy(&canvas, &ImageCanvas::cropChanged);
        canvas.setImage(solid(300, 200, Qt::blue));
        QCOMPARE(canvas.crop(), QRect(50, 0, 200, 200));  // default square crop, no signal for a reset
        QCOMPARE(spy.count(), 0);

        canvas.setCrop(QRect(250, 150, 100, 100));  // partly outside: moved back in
        QCOMPARE(canvas.crop(), QRect(200, 100, 100, 100));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.takeFirst().at(0).toRect(), QRect(200, 100, 100, 100));

        canvas.setCrop(QRect(200, 100, 100, 100));  // unchanged: no signal
        QCOMPARE(spy.count(), 0);

        canvas.setTargetSize(QSize(64, 64));  // same aspect (a 64 × 64 model loaded): the crop is kept
        QCOMPARE(canvas.crop(), QRect(200, 100, 100, 100));
        QCOMPARE(canvas.targetSize(), QSize(64, 64));

        canvas.setTargetSize(QSize(512, 320));  // new aspect: default crop again
        QCOMPARE(canvas.crop(), QRect(0, 6, 300, 188));

        // The crop in widget coordinates lies on the drawn image, in proportion.
        const QRectF area = canvas.imageRect();
        const QRectF crop = canvas.cropRectInWidget();
        QVERIFY(area.contains(crop));
        QCOMPARE(crop.width() / area.width(), 300.0 / 300.0);
    }

    void clickBesideCropCentresIt() {
        ImageCanvas canvas;
        canvas.resize(624, 424);
        canvas.setImage(solid(600, 400, Qt::red));  // drawn 1:1 at (12, 12)
        canvas.setCrop(QRect(0, 0, 100, 100));
        QCOMPARE(canvas.imageRect(), QRectF(12, 12, 600, 400));
        QTest::mouseClick(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(12 + 400, 12 + 300));
        QCOMPARE(canvas.crop(), QRect(350, 250, 100, 100));
    }
};

QTEST_MAIN(TestImageCanvas)
#include "test_image_canvas.moc"
