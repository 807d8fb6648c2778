// Pure helpers of core/export: GIF delay spreading, millisecond timestamps, ping-pong order, settings validation,
// MP4 even sizes and CRF mapping, format from path.
#include "export/export_utils.h"
#include "export/frame_encoder.h"
#include "export/mp4_encoder.h"

#include <QtTest>

using namespace sm::core;

class TestExportTiming : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void gifDelaysSpreadRounding() {
        QCOMPARE(gifDelaysCs(6, 3.0), (QVector<int>{33, 34, 33, 33, 34, 33}));
        QCOMPARE(gifDelaysCs(4, 8.0), (QVector<int>{13, 12, 13, 12}));
        QCOMPARE(gifDelaysCs(3, 0.5), (QVector<int>{200, 200, 200}));
        QCOMPARE(gifDelaysCs(3, 25.0), (QVector<int>{4, 4, 4}));
    }

    // The sum over n frames equals the ideal duration rounded once, for any rate the 2 cs floor allows.
    void gifDelaysSumExactly() {
        for (double fps : {1.0, 3.0, 7.0, 12.0, 15.0, 23.976, 24.0, 29.97, 30.0, 33.0, 50.0}) {
            for (int n : {1, 2, 5, 17, 100, 241}) {
                const QVector<int> delays = gifDelaysCs(n, fps);
                QCOMPARE(delays.size(), n);
                qint64 sum = 0;
                for (int d : delays) {
                    QVERIFY(d >= 2);
                    sum += d;
                }
                QCOMPARE(sum, std::llround(n * 100.0 / fps));
            }
        }
    }

    void gifDelaysNeverBelowTwoCentiseconds() {
        const QVector<int> delays = gifDelaysCs(10, 60.0);
        for (int d : delays) {
            QCOMPARE(d, 2);
        }
        QVERIFY(gifDelaysCs(5, 0.0).isEmpty());
        QVERIFY(gifDelaysCs(0, 10.0).isEmpty());
    }

    void timestampsInMilliseconds() {
        QCOMPARE(frameTimestampsMs(3, 3.0), (QVector<qint64>{0, 333, 667, 1000}));
        QCOMPARE(frameTimestampsMs(2, 30000.0 / 1001.0), (QVector<qint64>{0, 33, 67}));
    }

    void pingPongOrder() {
        QCOMPARE(sm::core::pingPongOrder(1), (QVector<int>{0}));
        QCOMPARE(sm::core::pingPongOrder(2), (QVector<int>{0, 1}));
        QCOMPARE(sm::core::pingPongOrder(4), (QVector<int>{0, 1, 2, 3, 2, 1}));
        QCOMPARE(sm::core::pingPongOrder(10).size(), 18);
    }

    void settingsValidation() {
        QVERIFY(validateSettings(EncodeSettings()).isEmpty());
        EncodeSettings s;
        s.fps = 0;
        QVERIFY(validateSettings(s).contains(QStringLiteral("fps")));
        s = EncodeSettings();
        s.fps = std::numeric_limits<double>::quiet_NaN();
        QVERIFY(!validateSettings(s).isEmpty());
        s = EncodeSettings();
        s.quality = 101;
        QVERIFY(validateSettings(s).contains(QStringLiteral("quality")));
        s = EncodeSettings();
        s.maxColors = 257;
        QVERIFY(!validateSettings(s).isEmpty());
        s = EncodeSettings();
        s.maxBytes = -1;
        QVERIFY(!validateSettings(s).isEmpty());
    }

    void evenSizesAndCrf() {
        QCOMPARE(evenFrameSize(QSize(65, 49), true), QSize(66, 50));
        QCOMPARE(evenFrameSize(QSize(65, 49), false), QSize(64, 48));
        QCOMPARE(evenFrameSize(QSize(1, 1), false), QSize(2, 2));
        QCOMPARE(evenFrameSize(QSize(64, 48), true), QSize(64, 48));
        QCOMPARE(crfForQuality(100), 12);
        QCOMPARE(crfForQuality(80), 19);
        QCOMPARE(crfForQuality(1), 45);
        QVERIFY(crfForQuality(50) > crfForQuality(90));
    }

    void formatFromPath() {
        QCOMPARE(exportFormatForPath(QStringLiteral("a/b.GIF")), ExportFormat::Gif);
        QCOMPARE(exportFormatForPath(QStringLiteral("b.mp4")), ExportFormat::Mp4);
        QCOMPARE(exportFormatForPath(QStringLiteral("b.webp")), ExportFormat::WebP);
        QCOMPARE(exportFormatForPath(QStringLiteral("frames")), ExportFormat::PngSequence);
        QVERIFY(makeEncoder(ExportFormat::PngSequence) != nullptr);
    }
};

QTEST_GUILESS_MAIN(TestExportTiming)
#include "test_export_timing.moc"
