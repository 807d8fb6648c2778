// PNG sequence export: numbered files, lossless content with alpha, ping-pong copies, replacing an earlier export
// (stale frames removed), refusing a file as target, and no leftovers after cancelling.
#include "export/png_sequence_encoder.h"

#include "export_test_frames.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace sm::core;

namespace {

bool encodeSequence(const QString& path, const QVector<QImage>& frames, const EncodeSettings& settings,
                    EncodeResult* result = nullptr) {
    PngSequenceEncoder encoder;
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

QStringList entries(const QString& path) {
    return QDir(path).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

}  // namespace

class TestPngSequence : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writesNumberedLosslessFrames() {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("frames"));
        QVector<QImage> frames = sm::test::stripeFrames(3, QSize(20, 10));
        QImage withAlpha = frames[2].convertToFormat(QImage::Format_ARGB32);
        withAlpha.setPixel(0, 0, qRgba(10, 20, 30, 0));
        frames[2] = withAlpha;
        EncodeResult result;
        QVERIFY(encodeSequence(out, frames, EncodeSettings(), &result));
        QCOMPARE(entries(out), (QStringList{QStringLiteral("frame_0001.png"), QStringLiteral("frame_0002.png"),
                                            QStringLiteral("frame_0003.png")}));
        QCOMPARE(result.frameCount, 3);
        QVERIFY(result.sizeBytes > 0);
        for (int i = 0; i < 3; ++i) {
            const QImage read(QDir(out).filePath(pngSequenceFileName(i)));
            QCOMPARE(read.size(), QSize(20, 10));
            QCOMPARE(sm::test::meanSquaredError(read, frames[i]), 0.0);
        }
        QCOMPARE(qAlpha(QImage(QDir(out).filePath(QStringLiteral("frame_0003.png"))).pixel(0, 0)), 0);
        // No staging folder is left next to the output.
        QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("frames")});
    }

    void pingPongCopiesTheBackwardHalf() {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("pp"));
        const QVector<QImage> frames = sm::test::stripeFrames(4, QSize(20, 4));
        EncodeSettings settings;
        settings.pingPong = true;
        QVERIFY(encodeSequence(out, frames, settings));
        QCOMPARE(entries(out).size(), 6);
        const QVector<int> order = {0, 1, 2, 3, 2, 1};
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(sm::test::meanSquaredError(QImage(QDir(out).filePath(pngSequenceFileName(i))), frames[order[i]]),
                     0.0);
        }
    }

    void replacesAnEarlierLongerExport() {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("frames"));
        QVERIFY(encodeSequence(out, sm::test::stripeFrames(5, QSize(20, 4)), EncodeSettings()));
        QFile notes(QDir(out).filePath(QStringLiteral("notes.txt")));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("kept");
        notes.close();
        const QVector<QImage> second = sm::test::stripeFrames(2, QSize(20, 4));
        QVERIFY(encodeSequence(out, second, EncodeSettings()));
        QCOMPARE(entries(out), (QStringList{QStringLiteral("frame_0001.png"), QStringLiteral("frame_0002.png"),
                                            QStringLiteral("notes.txt")}));
        QCOMPARE(sm::test::meanSquaredError(QImage(QDir(out).filePath(QStringLiteral("frame_0002.png"))), second[1]),
                 0.0);
    }

    void refusesAFileAsTarget() {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("plain"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        PngSequenceEncoder encoder;
        QString error;
        QVERIFY(!encoder.open(file, QSize(8, 8), EncodeSettings(), &error));
        QVERIFY(error.contains(QStringLiteral("not a folder")));
        EncodeSettings budget;
        budget.maxBytes = 100;
        QVERIFY(!encoder.open(dir.filePath(QStringLiteral("x")), QSize(8, 8), budget, &error));
        QVERIFY(error.contains(QStringLiteral("size budget")));
    }

    void cancelLeavesNothing() {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("frames"));
        PngSequenceEncoder encoder;
        QString error;
        QVERIFY(encoder.open(out, QSize(20, 4), EncodeSettings(), &error));
        const QVector<QImage> frames = sm::test::stripeFrames(2, QSize(20, 4));
        QVERIFY(encoder.addFrame(frames[0], &error));
        encoder.cancel();
        QVERIFY(!encoder.addFrame(frames[1], &error));
        QCOMPARE(encoder.status(), EncodeStatus::Cancelled);
        QVERIFY(!encoder.finish(&error));
        QVERIFY(entries(dir.path()).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPngSequence)
#include "test_png_sequence.moc"
