// GIF export round trips: frame count, size, exact delays, loop flag, ping-pong order, palette modes, quality
// (PSNR floors on synthetic and real frames), frame differencing, cancellation and error reporting.
#include "export/export_utils.h"
#include "export/gif_encoder.h"
#include "media/video_decoder.h"

#include "export_test_frames.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace sm::core;

namespace {

// Encodes `frames` to `path`; returns false (and fails the test through the caller's QVERIFY) on error.
bool encodeGif(const QString& path, const QVector<QImage>& frames, const EncodeSettings& settings,
               EncodeResult* result = nullptr, QString* error = nullptr) {
    GifEncoder encoder;
    QString message;
    bool ok = encoder.open(path, frames.front().size(), settings, &message);
    for (const QImage& frame : frames) {
        ok = ok && encoder.addFrame(frame, &message);
    }
    ok = ok && encoder.finish(&message);
    if (result) {
        *result = encoder.result();
    }
    if (error) {
        *error = message;
    }
    if (!ok) {
        qWarning() << message;
    }
    return ok;
}

QVector<QImage> decodeImages(const QString& path, VideoDecoder::Backend backend = VideoDecoder::Backend::Auto) {
    QVector<DecodedFrame> frames;
    QString error;
    if (!decodeAllFrames(path, &frames, &error, QSize(), 0, backend)) {
        qWarning() << error;
        return {};
    }
    return sm::test::imagesOf(frames);
}

}  // namespace

class TestGifEncoder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsCountSizeDelaysAndPixels() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("stripes.gif"));
        const QVector<QImage> frames = sm::test::stripeFrames(6, QSize(40, 24));
        EncodeSettings settings;
        settings.fps = 3.0;
        EncodeResult result;
        QVERIFY(encodeGif(path, frames, settings, &result));
        QCOMPARE(result.frameCount, 6);
        QCOMPARE(result.frameSize, QSize(40, 24));
        QCOMPARE(result.sizeBytes, QFileInfo(path).size());

        GifInfo info;
        QString error;
        QVERIFY2(readGifInfo(path, &info, &error), qPrintable(error));
        QCOMPARE(info.size, QSize(40, 24));
        // 3 fps: ideal times 33.3, 66.7, 100 cs round to 33, 67, 100 -> delays 33, 34, 33 summing exactly.
        QCOMPARE(info.delaysCs, (QVector<int>{33, 34, 33, 33, 34, 33}));
        QCOMPARE(info.totalDurationCs(), qint64(200));

        // Few colours fit the palette exactly, so the round trip is lossless.
        const QVector<QImage> decoded = decodeImages(path);
        QCOMPARE(decoded.size(), 6);
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(sm::test::meanSquaredError(decoded[i], frames[i]), 0.0);
        }
    }

    void decoderReportsTimestampsFromDelays() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("t.gif"));
        EncodeSettings settings;
        settings.fps = 8.0;
        QVERIFY(encodeGif(path, sm::test::stripeFrames(8, QSize(40, 8)), settings));
        QVector<DecodedFrame> frames;
        QString error;
        QVERIFY2(decodeAllFrames(path, &frames, &error), qPrintable(error));
        QCOMPARE(frames.size(), 8);
        // 8 fps: 12.5 cs per frame -> 13, 12, 13, 12, ... ; timestamps are the running sums.
        const QVector<qint64> expectedStart = {0, 130, 250, 380, 500, 630, 750, 880};
        for (int i = 0; i < 8; ++i) {
            QCOMPARE(frames[i].timestampMs, expectedStart[i]);
        }
        QCOMPARE(frames.back().timestampMs + frames.back().durationMs, qint64(1000));
    }

    void loopFlag_data() {
        QTest::addColumn<int>("loopCount");
        QTest::addColumn<bool>("hasNetscapeBlock");
        QTest::newRow("forever") << 0 << true;
        QTest::newRow("once") << 1 << false;
        QTest::newRow("five plays") << 5 << true;
    }

    void loopFlag() {
        QFETCH(int, loopCount);
        QFETCH(bool, hasNetscapeBlock);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("loop.gif"));
        EncodeSettings settings;
        settings.loopCount = loopCount;
        QVERIFY(encodeGif(path, sm::test::stripeFrames(3, QSize(16, 8)), settings));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll().contains("NETSCAPE2.0"), hasNetscapeBlock);
        GifInfo info;
        QString error;
        QVERIFY2(readGifInfo(path, &info, &error), qPrintable(error));
        QCOMPARE(info.loopCount, loopCount);
        VideoDecoder decoder;
        QVERIFY(decoder.open(path, &error));
        QCOMPARE(decoder.loopCount(), loopCount);
    }

    void pingPongPlaysBackwardsWithoutRepeatingEnds() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("pp.gif"));
        const QVector<QImage> frames = sm::test::stripeFrames(4, QSize(24, 6));
        EncodeSettings settings;
        settings.pingPong = true;
        EncodeResult result;
        QVERIFY(encodeGif(path, frames, settings, &result));
        QCOMPARE(result.frameCount, 6);
        const QVector<QImage> decoded = decodeImages(path);
        const QVector<int> order = {0, 1, 2, 3, 2, 1};
        QCOMPARE(decoded.size(), order.size());
        for (int i = 0; i < order.size(); ++i) {
            QCOMPARE(sm::test::meanSquaredError(decoded[i], frames[order[i]]), 0.0);
        }
        GifInfo info;
        QString error;
        QVERIFY(readGifInfo(path, &info, &error));
        QCOMPARE(info.frameCount(), 6);
    }

    void paletteModesAndColourLimit() {
        QTemporaryDir dir;
        const QVector<QImage> frames = sm::test::movingGradientFrames(6, QSize(64, 48));
        EncodeSettings settings;
        settings.maxColors = 16;
        const QString global = dir.filePath(QStringLiteral("global.gif"));
        QVERIFY(encodeGif(global, frames, settings));
        GifInfo info;
        QString error;
        QVERIFY(readGifInfo(global, &info, &error));
        QVERIFY(info.hasGlobalPalette);
        QVERIFY(info.globalPaletteSize <= 16);

        settings.gifPalette = GifPaletteMode::PerFrame;
        const QString local = dir.filePath(QStringLiteral("local.gif"));
        QVERIFY(encodeGif(local, frames, settings));
        QVERIFY(readGifInfo(local, &info, &error));
        QVERIFY(!info.hasGlobalPalette);
        QCOMPARE(decodeImages(local).size(), 6);
    }

    // Floors measured with margin: a full 2-D RGB gradient needs far more than 256 colours; at quality 80 it encodes
    // at ~34.4 dB with one global palette and ~36.0 dB with per-frame palettes (the static background keeps the
    // first frame's colours in both modes; only the moving disc gets new local palettes).
    void qualityOnMovingGradient_data() {
        QTest::addColumn<int>("mode");
        QTest::addColumn<double>("minimumPsnr");
        QTest::newRow("global") << int(GifPaletteMode::Global) << 32.5;
        QTest::newRow("per-frame") << int(GifPaletteMode::PerFrame) << 33.0;
    }

    void qualityOnMovingGradient() {
        QFETCH(int, mode);
        QFETCH(double, minimumPsnr);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("gradient.gif"));
        const QVector<QImage> frames = sm::test::movingGradientFrames(24, QSize(160, 120));
        EncodeSettings settings;
        settings.gifPalette = GifPaletteMode(mode);
        QVERIFY(encodeGif(path, frames, settings));
        const double psnr = sm::test::sequencePsnr(frames, decodeImages(path));
        qInfo() << "gradient PSNR" << psnr;
        QVERIFY2(psnr >= minimumPsnr, qPrintable(QStringLiteral("PSNR %1 dB < %2 dB").arg(psnr).arg(minimumPsnr)));
    }

    // Real video frames (Megamind.avi from opencv-doc): ~42.1 dB at quality 80; floor 38 dB.
    void qualityOnRealClip() {
        const QString clip = sm::test::opencvClip(QStringLiteral("Megamind.avi"));
        if (clip.isEmpty()) {
            QSKIP("opencv-doc clips are not installed");
        }
        const QVector<QImage> frames = sm::test::clipFrames(clip, 24, 320);
        QCOMPARE(frames.size(), 24);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("megamind.gif"));
        EncodeSettings settings;
        settings.fps = 24.0;
        QVERIFY(encodeGif(path, frames, settings));
        const double psnr = sm::test::sequencePsnr(frames, decodeImages(path));
        qInfo() << "Megamind PSNR" << psnr << "bytes" << QFileInfo(path).size();
        QVERIFY2(psnr >= 38.0, qPrintable(QStringLiteral("PSNR %1 dB").arg(psnr)));
    }

    // Unchanged frames become one transparent pixel each: eight more copies cost < 50 bytes apiece.
    void unchangedFramesCostAlmostNothing() {
        QTemporaryDir dir;
        const QImage still = sm::test::movingGradientFrames(1, QSize(96, 64)).front();
        const QString two = dir.filePath(QStringLiteral("two.gif"));
        const QString ten = dir.filePath(QStringLiteral("ten.gif"));
        QVERIFY(encodeGif(two, QVector<QImage>(2, still), EncodeSettings()));
        QVERIFY(encodeGif(ten, QVector<QImage>(10, still), EncodeSettings()));
        const qint64 extra = QFileInfo(ten).size() - QFileInfo(two).size();
        QVERIFY2(extra < 8 * 50, qPrintable(QStringLiteral("8 unchanged frames cost %1 bytes").arg(extra)));
        const QVector<QImage> decoded = decodeImages(ten);
        QCOMPARE(decoded.size(), 10);
        for (const QImage& frame : decoded) {
            QCOMPARE(sm::test::meanSquaredError(frame, decoded.front()), 0.0);
        }
    }

    // Static areas must not shimmer even with full dithering: rows the moving disc never reaches decode identically
    // in every frame.
    void staticAreasStayStable_data() {
        QTest::addColumn<int>("mode");
        QTest::newRow("global") << int(GifPaletteMode::Global);
        QTest::newRow("per-frame") << int(GifPaletteMode::PerFrame);
    }

    void staticAreasStayStable() {
        QFETCH(int, mode);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("stable.gif"));
        const QVector<QImage> frames = sm::test::movingGradientFrames(12, QSize(160, 120), 8);
        EncodeSettings settings;
        settings.ditherLevel = 1.0f;
        settings.gifPalette = GifPaletteMode(mode);
        QVERIFY(encodeGif(path, frames, settings));
        const QVector<QImage> decoded = decodeImages(path);
        QCOMPARE(decoded.size(), 12);
        const QImage firstRows = decoded.front().copy(0, 0, 160, 25);  // the disc spans rows 30..90
        for (int i = 1; i < decoded.size(); ++i) {
            QCOMPARE(sm::test::meanSquaredError(decoded[i].copy(0, 0, 160, 25), firstRows), 0.0);
        }
    }

    // Our giflib compositing (disposal, transparency, cropped frames) must match FFmpeg's GIF decoder exactly.
    void giflibDecodingMatchesFfmpeg() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("moving.gif"));
        QVERIFY(encodeGif(path, sm::test::movingGradientFrames(10, QSize(120, 80)), EncodeSettings()));
        const QVector<QImage> ours = decodeImages(path);
        const QVector<QImage> ffmpeg = decodeImages(path, VideoDecoder::Backend::FFmpeg);
        QCOMPARE(ours.size(), 10);
        QCOMPARE(ffmpeg.size(), 10);
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(sm::test::meanSquaredError(ours[i], ffmpeg[i]), 0.0);
        }
    }

    void cancelDuringFinishRemovesOutput() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cancel.gif"));
        GifEncoder encoder;
        QString error;
        QVERIFY(encoder.open(path, QSize(64, 48), EncodeSettings(), &error));
        for (const QImage& frame : sm::test::movingGradientFrames(8, QSize(64, 48))) {
            QVERIFY(encoder.addFrame(frame, &error));
        }
        int calls = 0;
        encoder.setProgressCallback([&](int done, int total) {
            ++calls;
            QCOMPARE(total, 8);
            if (done == 3) {
                encoder.cancel();  // as a UI thread would; the next frame sees it
            }
        });
        QVERIFY(!encoder.finish(&error));
        QCOMPARE(encoder.status(), EncodeStatus::Cancelled);
        QCOMPARE(calls, 3);
        QVERIFY(error.contains(QStringLiteral("cancelled")));
        QVERIFY(!QFileInfo::exists(path));
    }

    void cancelBeforeFramesRefusesThem() {
        QTemporaryDir dir;
        GifEncoder encoder;
        QString error;
        QVERIFY(encoder.open(dir.filePath(QStringLiteral("c.gif")), QSize(8, 8), EncodeSettings(), &error));
        encoder.cancel();
        QImage frame(8, 8, QImage::Format_RGB888);
        frame.fill(Qt::red);
        QVERIFY(!encoder.addFrame(frame, &error));
        QCOMPARE(encoder.status(), EncodeStatus::Cancelled);
        QVERIFY(!encoder.finish(&error));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("c.gif"))));
    }

    void errorsNameTheFileAndTheProblem() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("e.gif"));
        QString error;
        {
            GifEncoder encoder;
            QVERIFY(encoder.open(path, QSize(8, 8), EncodeSettings(), &error));
            QVERIFY(!encoder.addFrame(QImage(9, 8, QImage::Format_RGB888), &error));
            QCOMPARE(encoder.status(), EncodeStatus::Failed);
            QVERIFY(error.contains(path));
            QVERIFY(error.contains(QStringLiteral("expected 8x8")));
            QVERIFY(!encoder.finish(&error));
            QVERIFY(error.contains(QStringLiteral("no frames")));
        }
        {
            GifEncoder encoder;
            const QString missing = dir.filePath(QStringLiteral("no/such/folder/e.gif"));
            QVERIFY(!encoder.open(missing, QSize(8, 8), EncodeSettings(), &error));
            QVERIFY(error.contains(missing));
            QVERIFY(error.contains(QStringLiteral("does not exist")));
        }
        const QVector<std::function<void(EncodeSettings&)>> invalid = {
            [](EncodeSettings& s) { s.fps = 0.0; },      [](EncodeSettings& s) { s.fps = -5.0; },
            [](EncodeSettings& s) { s.quality = 0; },    [](EncodeSettings& s) { s.maxColors = 1; },
            [](EncodeSettings& s) { s.loopCount = -1; }, [](EncodeSettings& s) { s.ditherLevel = 2.0f; }};
        for (const auto& breakIt : invalid) {
            EncodeSettings settings;
            breakIt(settings);
            GifEncoder encoder;
            QVERIFY(!encoder.open(path, QSize(8, 8), settings, &error));
            QVERIFY(error.startsWith(path));
        }
        QVERIFY(!QFileInfo::exists(path));
    }
};

QTEST_GUILESS_MAIN(TestGifEncoder)
#include "test_gif_encoder.moc"
