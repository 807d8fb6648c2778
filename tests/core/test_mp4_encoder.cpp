// MP4 export read back with FFmpeg: exact frame count, exact (rational) frame rate, timestamps, even-size padding
// or cropping, moov-before-mdat (faststart), ping-pong, quality floor, cancellation and refused size budgets.
#include "export/mp4_encoder.h"
#include "media/video_decoder.h"

#include "export_test_frames.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <QtEndian>

using namespace sm::core;

namespace {

bool encodeMp4(const QString& path, const QVector<QImage>& frames, const EncodeSettings& settings,
               EncodeResult* result = nullptr) {
    Mp4Encoder encoder;
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

// Top-level box types of an MP4 file, in order.
QStringList topLevelBoxes(const QString& path) {
    QFile file(path);
    QStringList boxes;
    if (!file.open(QIODevice::ReadOnly)) {
        return boxes;
    }
    const QByteArray data = file.readAll();
    qint64 offset = 0;
    while (offset + 8 <= data.size()) {
        quint64 size = qFromBigEndian<quint32>(data.constData() + offset);
        boxes << QString::fromLatin1(data.mid(offset + 4, 4));
        if (size == 1 && offset + 16 <= data.size()) {
            size = qFromBigEndian<quint64>(data.constData() + offset + 8);
        }
        if (size < 8) {
            break;
        }
        offset += qint64(size);
    }
    return boxes;
}

}  // namespace

class TestMp4Encoder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void frameCountRateAndQuality() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("clip.mp4"));
        const QVector<QImage> frames = sm::test::movingGradientFrames(30, QSize(160, 120));
        EncodeSettings settings;
        settings.fps = 12.0;
        EncodeResult result;
        QVERIFY(encodeMp4(path, frames, settings, &result));
        QCOMPARE(result.frameCount, 30);
        QCOMPARE(result.frameSize, QSize(160, 120));
        QCOMPARE(result.sizeBytes, QFileInfo(path).size());

        VideoDecoder decoder;
        QString error;
        QVERIFY2(decoder.open(path, &error), qPrintable(error));
        QCOMPARE(decoder.frameRate(), 12.0);
        QCOMPARE(decoder.frameCountHint(), 30);
        QCOMPARE(decoder.frameSize(), QSize(160, 120));
        QVector<DecodedFrame> decoded;
        QVERIFY2(decodeAllFrames(path, &decoded, &error), qPrintable(error));
        QCOMPARE(decoded.size(), 30);
        for (int i = 0; i < decoded.size(); ++i) {
            QCOMPARE(decoded[i].timestampMs, std::llround(i * 1000.0 / 12.0));
        }
        // yuv420p at CRF 19 on smooth content: ~44 dB measured; floor 34 dB.
        const double psnr = sm::test::sequencePsnr(frames, sm::test::imagesOf(decoded));
        qInfo() << "MP4 PSNR" << psnr;
        QVERIFY2(psnr >= 34.0, qPrintable(QStringLiteral("PSNR %1").arg(psnr)));
    }

    void fractionalRateStaysExact() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ntsc.mp4"));
        EncodeSettings settings;
        settings.fps = 29.97;
        QVERIFY(encodeMp4(path, sm::test::movingGradientFrames(15, QSize(64, 48)), settings));
        VideoDecoder decoder;
        QString error;
        QVERIFY(decoder.open(path, &error));
        QCOMPARE(decoder.frameRate(), 29.97);  // stored as 2997/100
        QVector<DecodedFrame> decoded;
        QVERIFY(decodeAllFrames(path, &decoded, &error));
        QCOMPARE(decoded.size(), 15);
        QCOMPARE(decoded.back().timestampMs, std::llround(14 * 1000.0 / 29.97));
    }

    void oddSizesArePaddedOrCropped_data() {
        QTest::addColumn<bool>("pad");
        QTest::addColumn<QSize>("expected");
        QTest::newRow("pad") << true << QSize(66, 50);
        QTest::newRow("crop") << false << QSize(64, 48);
    }

    void oddSizesArePaddedOrCropped() {
        QFETCH(bool, pad);
        QFETCH(QSize, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("odd.mp4"));
        EncodeSettings settings;
        settings.padToEven = pad;
        EncodeResult result;
        QVERIFY(encodeMp4(path, sm::test::movingGradientFrames(4, QSize(65, 49)), settings, &result));
        QCOMPARE(result.frameSize, expected);
        QVector<DecodedFrame> decoded;
        QString error;
        QVERIFY(decodeAllFrames(path, &decoded, &error));
        QCOMPARE(decoded.size(), 4);
        QCOMPARE(decoded.front().image.size(), expected);
    }

    void moovComesBeforeMdat() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fast.mp4"));
        QVERIFY(encodeMp4(path, sm::test::movingGradientFrames(6, QSize(64, 48)), EncodeSettings()));
        const QStringList boxes = topLevelBoxes(path);
        QVERIFY2(boxes.contains(QStringLiteral("moov")) && boxes.contains(QStringLiteral("mdat")),
                 qPrintable(boxes.join(',')));
        QVERIFY2(boxes.indexOf(QStringLiteral("moov")) < boxes.indexOf(QStringLiteral("mdat")),
                 qPrintable(boxes.join(',')));
    }

    void pingPongDoublesBack() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("pp.mp4"));
        EncodeSettings settings;
        settings.pingPong = true;
        EncodeResult result;
        QVERIFY(encodeMp4(path, sm::test::movingGradientFrames(5, QSize(64, 48)), settings, &result));
        QCOMPARE(result.frameCount, 8);
        QVector<DecodedFrame> decoded;
        QString error;
        QVERIFY(decodeAllFrames(path, &decoded, &error));
        QCOMPARE(decoded.size(), 8);
    }

    void cancelRemovesPartialFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cancel.mp4"));
        Mp4Encoder encoder;
        QString error;
        QVERIFY(encoder.open(path, QSize(64, 48), EncodeSettings(), &error));
        const QVector<QImage> frames = sm::test::movingGradientFrames(3, QSize(64, 48));
        QVERIFY(encoder.addFrame(frames[0], &error));
        QVERIFY(QFileInfo::exists(path + QStringLiteral(".part")));
        encoder.cancel();
        QVERIFY(!encoder.addFrame(frames[1], &error));
        QCOMPARE(encoder.status(), EncodeStatus::Cancelled);
        QVERIFY(!encoder.finish(&error));
        QVERIFY(!QFileInfo::exists(path));
        QVERIFY(!QFileInfo::exists(path + QStringLiteral(".part")));
    }

    void refusesSizeBudgetAndEmptyOutput() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("x.mp4"));
        EncodeSettings settings;
        settings.maxBytes = 1000;
        Mp4Encoder encoder;
        QString error;
        QVERIFY(!encoder.open(path, QSize(64, 48), settings, &error));
        QVERIFY(error.contains(QStringLiteral("size budget")));
        Mp4Encoder empty;
        QVERIFY(empty.open(path, QSize(64, 48), EncodeSettings(), &error));
        QVERIFY(!empty.finish(&error));
        QVERIFY(error.contains(QStringLiteral("no frames")));
        QVERIFY(!QFileInfo::exists(path));
    }
};

QTEST_GUILESS_MAIN(TestMp4Encoder)
#include "test_mp4_encoder.moc"
