// Video decoding: real AVI clips through FFmpeg (frame count, timestamps, size, scaling), firstFrame() for GIF and
// MP4, readGifInfo on files from other encoders (ffmpeg), and clear errors instead of crashes on bad input.
#include "export/gif_encoder.h"
#include "export/mp4_encoder.h"
#include "media/video_decoder.h"

#include "export_test_frames.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace sm::core;

namespace {

bool encode(FrameEncoder& encoder, const QString& path, const QVector<QImage>& frames, const EncodeSettings& s) {
    QString error;
    bool ok = encoder.open(path, frames.front().size(), s, &error);
    for (const QImage& frame : frames) {
        ok = ok && encoder.addFrame(frame, &error);
    }
    ok = ok && encoder.finish(&error);
    if (!ok) {
        qWarning() << error;
    }
    return ok;
}

}  // namespace

class TestVideoDecoder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void decodesRealClip() {
        const QString clip = sm::test::opencvClip(QStringLiteral("vtest.avi"));
        if (clip.isEmpty()) {
            QSKIP("opencv-doc clips are not installed");
        }
        VideoDecoder decoder;
        QString error;
        QVERIFY2(decoder.open(clip, &error), qPrintable(error));
        QCOMPARE(decoder.frameSize(), QSize(768, 576));
        QCOMPARE(decoder.frameRate(), 10.0);
        QCOMPARE(decoder.frameCountHint(), 795);
        DecodedFrame frame;
        for (int i = 0; i < 12; ++i) {
            QCOMPARE(decoder.readFrame(&frame, &error), DecodeStatus::Frame);
            QCOMPARE(frame.index, i);
            QCOMPARE(frame.timestampMs, qint64(i * 100));
            QCOMPARE(frame.image.format(), QImage::Format_RGB888);
            QCOMPARE(frame.image.size(), QSize(768, 576));
        }
    }

    void scalesWhileDecoding() {
        const QString clip = sm::test::opencvClip(QStringLiteral("tree.avi"));
        if (clip.isEmpty()) {
            QSKIP("opencv-doc clips are not installed");
        }
        QVector<DecodedFrame> frames;
        QString error;
        QVERIFY2(decodeAllFrames(clip, &frames, &error, QSize(160, 120), 5), qPrintable(error));
        QCOMPARE(frames.size(), 5);
        QCOMPARE(frames.front().image.size(), QSize(160, 120));
        // A scaled frame is an average of the full one, not an arbitrary image.
        QVector<DecodedFrame> full;
        QVERIFY(decodeAllFrames(clip, &full, &error, QSize(), 1));
        const QImage reduced = full.front().image.scaled(160, 120, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        QVERIFY(sm::test::meanSquaredError(reduced, frames.front().image) < 40.0);
    }

    void firstFrameOfGifAndMp4() {
        QTemporaryDir dir;
        const QVector<QImage> frames = sm::test::stripeFrames(3, QSize(32, 16));
        GifEncoder gif;
        QVERIFY(encode(gif, dir.filePath(QStringLiteral("a.gif")), frames, EncodeSettings()));
        Mp4Encoder mp4;
        QVERIFY(encode(mp4, dir.filePath(QStringLiteral("a.mp4")), frames, EncodeSettings()));
        QString error;
        const QImage fromGif = firstFrame(dir.filePath(QStringLiteral("a.gif")), &error);
        QVERIFY2(!fromGif.isNull(), qPrintable(error));
        QCOMPARE(sm::test::meanSquaredError(fromGif, frames[0]), 0.0);
        const QImage fromMp4 = firstFrame(dir.filePath(QStringLiteral("a.mp4")), &error);
        QVERIFY2(!fromMp4.isNull(), qPrintable(error));
        QCOMPARE(fromMp4.size(), QSize(32, 16));
        QVERIFY(sm::test::meanSquaredError(fromMp4, frames[0]) < 60.0);
    }

    // Delays and loop count of a GIF written by another encoder (ffmpeg's gif muxer) come back exactly.
    void readsForeignGifTiming() {
        const QString ffmpeg = QStandardPaths::findExecutable(QStringLiteral("ffmpeg"));
        if (ffmpeg.isEmpty()) {
            QSKIP("ffmpeg is not installed");
        }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ff.gif"));
        QProcess process;
        process.start(ffmpeg,
                      {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-f"), QStringLiteral("lavfi"),
                       QStringLiteral("-i"), QStringLiteral("testsrc=size=64x48:rate=4:duration=2"),
                       QStringLiteral("-loop"), QStringLiteral("2"), path});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        GifInfo info;
        QString error;
        QVERIFY2(readGifInfo(path, &info, &error), qPrintable(error));
        QCOMPARE(info.frameCount(), 8);
        QCOMPARE(info.delaysCs, QVector<int>(8, 25));
        QCOMPARE(info.loopCount, 3);  // ffmpeg's -loop 2 stores 2 repeats: three plays
        QCOMPARE(info.size, QSize(64, 48));
    }

    // WebM (VP9 in Matroska) written by the ffmpeg tool: frame count, rate, timestamps and a rotation-free size.
    void decodesWebM() {
        const QString ffmpeg = QStandardPaths::findExecutable(QStringLiteral("ffmpeg"));
        if (ffmpeg.isEmpty()) {
            QSKIP("ffmpeg is not installed");
        }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("clip.webm"));
        QProcess process;
        process.start(
            ffmpeg,
            {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-f"), QStringLiteral("lavfi"),
             QStringLiteral("-i"), QStringLiteral("testsrc=size=96x64:rate=25:duration=1"), QStringLiteral("-c:v"),
             QStringLiteral("libvpx-vp9"), QStringLiteral("-deadline"), QStringLiteral("realtime"), path});
        QVERIFY(process.waitForFinished(120000));
        QCOMPARE(process.exitCode(), 0);
        VideoDecoder decoder;
        QString error;
        QVERIFY2(decoder.open(path, &error), qPrintable(error));
        QCOMPARE(decoder.frameRate(), 25.0);
        QCOMPARE(decoder.frameSize(), QSize(96, 64));
        QVector<DecodedFrame> frames;
        QVERIFY2(decodeAllFrames(path, &frames, &error), qPrintable(error));
        QCOMPARE(frames.size(), 25);
        for (int i = 0; i < frames.size(); ++i) {
            QCOMPARE(frames[i].timestampMs, qint64(i * 40));
        }
    }

    void badInputFailsWithMessages() {
        QTemporaryDir dir;
        QString error;
        VideoDecoder decoder;
        const QString missing = dir.filePath(QStringLiteral("missing.mp4"));
        QVERIFY(!decoder.open(missing, &error));
        QVERIFY(error.startsWith(missing));
        QVERIFY(error.contains(QStringLiteral("not found")));
        QVERIFY(!decoder.open(dir.filePath(QStringLiteral("missing.gif")), &error));
        QVERIFY(error.contains(QStringLiteral("not found")));

        const QString garbage = dir.filePath(QStringLiteral("garbage.mp4"));
        QFile g(garbage);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write(QByteArray(4096, 'x'));
        g.close();
        QVERIFY(!decoder.open(garbage, &error));
        QVERIFY(error.startsWith(garbage));
        QVERIFY(firstFrame(garbage, &error).isNull());

        // A GIF cut in the middle of its image data.
        GifEncoder gif;
        const QString whole = dir.filePath(QStringLiteral("whole.gif"));
        QVERIFY(encode(gif, whole, sm::test::movingGradientFrames(4, QSize(64, 48)), EncodeSettings()));
        QFile in(whole);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray bytes = in.readAll();
        const QString cut = dir.filePath(QStringLiteral("cut.gif"));
        QFile out(cut);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes.left(bytes.size() / 2));
        out.close();
        GifInfo info;
        QVERIFY(!readGifInfo(cut, &info, &error));
        QVERIFY(error.startsWith(cut));
        QVERIFY(!decoder.open(cut, &error));

        QCOMPARE(decoder.readFrame(nullptr, &error), DecodeStatus::Error);
    }
};

QTEST_GUILESS_MAIN(TestVideoDecoder)
#include "test_video_decoder.moc"
