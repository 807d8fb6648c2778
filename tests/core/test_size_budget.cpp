// Size budgets: GIF and WebP fit under maxBytes, report the quality/colours/scale/frame step they chose, keep full
// quality when it already fits, and fail with a clear message when the budget is impossible.
#include "export/gif_encoder.h"
#include "export/size_budget.h"
#include "export/webp_encoder.h"
#include "media/video_decoder.h"

#include "export_test_frames.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace sm::core;

namespace {

bool encodeWith(FrameEncoder& encoder, const QString& path, const QVector<QImage>& frames,
                const EncodeSettings& settings, QString* error) {
    bool ok = encoder.open(path, frames.front().size(), settings, error);
    for (const QImage& frame : frames) {
        ok = ok && encoder.addFrame(frame, error);
    }
    return ok && encoder.finish(error);
}

}  // namespace

class TestSizeBudget : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Budgets as a fraction of the unlimited size: mild (quality/colours), medium (scale), harsh (scale or frames).
    void gifFitsAndReportsChoices_data() {
        QTest::addColumn<double>("fraction");
        QTest::newRow("70 %") << 0.7;
        QTest::newRow("25 %") << 0.25;
        QTest::newRow("4 %") << 0.04;
    }

    void gifFitsAndReportsChoices() {
        QFETCH(double, fraction);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("budget.gif"));
        const QVector<QImage> frames = sm::test::movingGradientFrames(16, QSize(200, 150), 6);
        GifEncoder unlimited;
        QString error;
        QVERIFY2(encodeWith(unlimited, dir.filePath(QStringLiteral("full.gif")), frames, EncodeSettings(), &error),
                 qPrintable(error));
        const qint64 budget = qint64(unlimited.result().sizeBytes * fraction);

        GifEncoder encoder;
        EncodeSettings settings;
        settings.maxBytes = budget;
        QVERIFY2(encodeWith(encoder, path, frames, settings, &error), qPrintable(error));
        const EncodeResult& result = encoder.result();
        QVERIFY(result.budgetApplied);
        QVERIFY(result.sizeBytes <= budget);
        QCOMPARE(QFileInfo(path).size(), result.sizeBytes);
        QVERIFY(result.attempts >= 2);
        // Something was given up, and the report matches the file.
        QVERIFY(result.quality < settings.quality || result.colors < settings.maxColors || result.scale < 1.0 ||
                result.frameStep > 1);
        GifInfo info;
        QVERIFY(readGifInfo(path, &info, &error));
        QCOMPARE(info.size, result.frameSize);
        QCOMPARE(info.frameCount(), result.frameCount);
        QCOMPARE(result.frameCount, (16 + result.frameStep - 1) / result.frameStep);
        if (result.scale < 1.0) {
            QVERIFY(result.frameSize.width() < 200);
        }
        qInfo() << "budget" << budget << "->" << result.sizeBytes << "bytes, quality" << result.quality << "colours"
                << result.colors << "scale" << result.scale << "step" << result.frameStep << "attempts"
                << result.attempts;
    }

    void generousBudgetKeepsFullQuality() {
        QTemporaryDir dir;
        GifEncoder encoder;
        EncodeSettings settings;
        settings.maxBytes = 50 * 1000 * 1000;
        QString error;
        QVERIFY(encodeWith(encoder, dir.filePath(QStringLiteral("g.gif")),
                           sm::test::movingGradientFrames(4, QSize(64, 48)), settings, &error));
        QCOMPARE(encoder.result().attempts, 1);
        QCOMPARE(encoder.result().quality, 80);
        QCOMPARE(encoder.result().colors, 256);
        QCOMPARE(encoder.result().scale, 1.0);
        QCOMPARE(encoder.result().frameStep, 1);
    }

    void impossibleBudgetFailsClearly() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tiny.gif"));
        GifEncoder encoder;
        EncodeSettings settings;
        settings.maxBytes = 100;  // less than a GIF header with a palette
        QString error;
        QVERIFY(!encodeWith(encoder, path, sm::test::movingGradientFrames(8, QSize(128, 96)), settings, &error));
        QCOMPARE(encoder.status(), EncodeStatus::Failed);
        QVERIFY(error.startsWith(path));
        QVERIFY(error.contains(QStringLiteral("cannot fit under 100 bytes")));
        QVERIFY(!QFileInfo::exists(path));
    }

    void webpFitsToo() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("budget.webp"));
        WebPEncoder encoder;
        EncodeSettings settings;
        settings.maxBytes = 8000;
        QString error;
        QVERIFY2(encodeWith(encoder, path, sm::test::movingGradientFrames(16, QSize(200, 150), 6), settings, &error),
                 qPrintable(error));
        QVERIFY(encoder.result().sizeBytes <= 8000);
        QVERIFY(encoder.result().budgetApplied);
        VideoDecoder decoder;
        QVERIFY(decoder.open(path, &error));
        QCOMPARE(decoder.frameSize(), encoder.result().frameSize);
    }

    // The search itself, on a synthetic size model: bytes = 1e6 * scale^2 / frameStep, minus 20 % per quality step.
    void searchOrderOnAModel() {
        QVector<BudgetTrial> tried;
        const BudgetTrialFn model = [&](const BudgetTrial& t, QByteArray* bytes, QString*) {
            tried.append(t);
            const double qualityFactor = 1.0 - 0.2 * (80 - t.quality) / 15.0;
            bytes->resize(int(1e6 * qualityFactor * t.scale * t.scale / t.frameStep));
            return true;
        };
        BudgetOutcome outcome;
        QString error;
        QVERIFY(fitSizeBudget(300000, BudgetTrial{80, 256, 1.0, 1}, QSize(400, 300), 10, model, &outcome, &error));
        QVERIFY(outcome.bytes.size() <= 300000);
        QVERIFY(outcome.bytes.size() >= 250000);  // the secant lands close to the budget
        QCOMPARE(outcome.trial.quality, 50);      // quality first, then scale
        QVERIFY(outcome.trial.scale < 1.0);
        QCOMPARE(outcome.trial.frameStep, 1);
        QCOMPARE(outcome.attempts, tried.size());
        QCOMPARE(tried.front().quality, 80);
    }
};

QTEST_GUILESS_MAIN(TestSizeBudget)
#include "test_size_budget.moc"
