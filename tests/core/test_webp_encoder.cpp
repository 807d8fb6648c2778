// Animated WebP export read back with libwebp's demuxer: frame count, size, exact millisecond timing, loop count,
// ping-pong, alpha and a quality floor.
#include "export/webp_encoder.h"
#include "media/video_decoder.h"

#include "export_test_frames.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace sm::core;

namespace {

bool encodeWebP(const QString& path, const QVector<QImage>& frames, const EncodeSettings& settings,
                EncodeResult* result = nullptr) {
    WebPEncoder encoder;
    QString error;
    bool ok = encoder.open(path, frames.front().size(), settings, &error);
    for (const QImage& frame : frames) {
        ok = ok && encoder.addFrame(frame, &error);
    }
    ok = ok && encoder.finish(&error);
    if (!ok) {
        qWarning() << error;
    }
    if (result) {
        *result = encoder.result();
    }
    return ok;
}

}  // namespace

class TestWebPEncoder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripTimingLoopAndQuality() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("anim.webp"));
        const QVector<QImage> frames = sm::test::movingGradientFrames(9, QSize(96, 64), 6);
        EncodeSettings settings;
        settings.fps = 3.0;
        settings.loopCount = 4;
        EncodeResult result;
        QVERIFY(encodeWebP(path, frames, settings, &result));
        QCOMPARE(result.frameCount, 9);
        QCOMPARE(result.sizeBytes, QFileInfo(path).size());

        VideoDecoder decoder;
        QString error;
        QVERIFY2(decoder.open(path, &error), qPrintable(error));
        QCOMPARE(decoder.loopCount(), 4);
        QCOMPARE(decoder.frameSize(), QSize(96, 64));
        QCOMPARE(decoder.frameCountHint(), 9);
        QVector<DecodedFrame> decoded;
        QVERIFY2(decodeAllFrames(path, &decoded, &error), qPrintable(error));
        QCOMPARE(decoded.size(), 9);
        // 3 fps in whole milliseconds: 333, 334, 333, ... ending exactly at 3000 ms.
        const QVector<qint64> durations = {333, 334, 333, 333, 334, 333, 333, 334, 333};
        for (int i = 0; i < 9; ++i) {
            QCOMPARE(decoded[i].durationMs, durations[i]);
        }
        QCOMPARE(decoded.back().timestampMs + decoded.back().durationMs, qint64(3000));
        // Lossy quality 80 on smooth content: ~40 dB measured; floor 32 dB.
        const double psnr = sm::test::sequencePsnr(frames, sm::test::imagesOf(decoded));
        qInfo() << "WebP PSNR" << psnr;
        QVERIFY2(psnr >= 32.0, qPrintable(QStringLiteral("PSNR %1").arg(psnr)));
    }

    void loopForeverAndPingPong() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("pp.webp"));
        EncodeSettings settings;
        settings.pingPong = true;
        QVERIFY(encodeWebP(path, sm::test::movingGradientFrames(4, QSize(48, 32), 8), settings));
        VideoDecoder decoder;
        QString error;
        QVERIFY(decoder.open(path, &error));
        QCOMPARE(decoder.loopCount(), 0);
        QVector<DecodedFrame> decoded;
        QVERIFY(decodeAllFrames(path, &decoded, &error));
        QCOMPARE(decoded.size(), 6);
    }

    void keepsAlpha() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("alpha.webp"));
        QImage frame(32, 32, QImage::Format_ARGB32);
        frame.fill(Qt::transparent);
        for (int y = 8; y < 24; ++y) {
            for (int x = 8; x < 24; ++x) {
                frame.setPixel(x, y, qRgba(200, 20, 20, 255));
            }
        }
        QVERIFY(encodeWebP(path, {frame, frame}, EncodeSettings()));
        QString error;
        const QImage decoded = firstFrame(path, &error);
        QVERIFY2(!decoded.isNull(), qPrintable(error));
        QCOMPARE(qAlpha(decoded.pixel(0, 0)), 0);
        QCOMPARE(qAlpha(decoded.pixel(16, 16)), 255);
    }
};

QTEST_GUILESS_MAIN(TestWebPEncoder)
#include "test_webp_encoder.moc"
