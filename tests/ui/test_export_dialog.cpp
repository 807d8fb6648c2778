// The Export dialog over the core encoders, run on a worker thread: GIF with "fit under N MB" ends under the
// budget, progress reaches 100 %, cancel leaves nothing behind, and MP4 / WebP / PNG sequences are written.
#include <QtTest>

#include <QLabel>
#include <QProgressBar>

#include "export_dialog.h"
#include "studio_test_support.h"

using sm::ui::ExportDialog;

namespace {

// Noisy frames compress badly: a tight budget has to shrink them.
QVector<QImage> noisyFrames(int count, int size) {
    QVector<QImage> frames;
    QRandomGenerator random(7);
    for (int i = 0; i < count; ++i) {
        QImage image(size, size, QImage::Format_RGB32);
        for (int y = 0; y < size; ++y) {
            for (int x = 0; x < size; ++x)
                image.setPixel(x, y, qRgb(int(random.bounded(256)), (x + i * 7) % 256, (y * 3) % 256));
        }
        frames.append(image);
    }
    return frames;
}

bool waitExport(ExportDialog& dialog, int timeoutMs = 60000) {
    QElapsedTimer timer;
    timer.start();
    while (dialog.isExporting() && timer.elapsed() < timeoutMs)
        QTest::qWait(10);
    return !dialog.isExporting();
}

}  // namespace

class TestExportDialog : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        studio::isolate(m_dir, QStringLiteral("test_export_dialog"));
    }

    void gifFitsUnderBudget() {
        const QString path = m_dir.filePath(QStringLiteral("budget.gif"));
        ExportDialog dialog(noisyFrames(8, 256), 8.0, path);
        dialog.show();
        QCOMPARE(dialog.format(), sm::core::ExportFormat::Gif);
        const double budgetMb = 0.15;
        dialog.setFitUnderMb(true, budgetMb);
        QCOMPARE(dialog.settings().maxBytes, qint64(budgetMb * 1024 * 1024));
        QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
        QVERIFY(dialog.startExport());
        QVERIFY(dialog.isExporting());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(0).toBool(), true);
        QVERIFY2(dialog.lastError().isEmpty(), qPrintable(dialog.lastError()));
        const qint64 size = QFileInfo(path).size();
        QVERIFY2(size > 0 && size <= qint64(budgetMb * 1024 * 1024), qPrintable(QString::number(size)));
        QVERIFY(dialog.lastResult().budgetApplied);
        QCOMPARE(dialog.lastResult().sizeBytes, size);
        QCOMPARE(dialog.progressBar()->value(), 100);
        QVERIFY(dialog.statusLabel()->text().contains(QStringLiteral("fitted")));
    }

    void cancelLeavesNothing() {
        const QString path = m_dir.filePath(QStringLiteral("cancelled.gif"));
        ExportDialog dialog(noisyFrames(40, 384), 8.0, path);
        dialog.show();
        dialog.setFitUnderMb(true, 0.05);  // many trial encodes: time to cancel
        QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
        QVERIFY(dialog.startExport());
        QTest::qWait(50);
        dialog.cancelExport();
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(0).toBool(), false);
        QVERIFY(dialog.lastCancelled());
        QVERIFY(!QFileInfo::exists(path));
        const QStringList leftovers =
            QDir(m_dir.path()).entryList({QStringLiteral("cancelled*")}, QDir::Files | QDir::Hidden);
        QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(QLatin1Char(' '))));
    }

    void otherFormats_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("name");
        QTest::newRow("mp4") << int(sm::core::ExportFormat::Mp4) << QStringLiteral("clip.mp4");
        QTest::newRow("webp") << int(sm::core::ExportFormat::WebP) << QStringLiteral("clip.webp");
        QTest::newRow("png") << int(sm::core::ExportFormat::PngSequence) << QStringLiteral("frames");
    }

    void otherFormats() {
        QFETCH(int, format);
        QFETCH(QString, name);
        ExportDialog dialog(noisyFrames(4, 96), 8.0, m_dir.filePath(QStringLiteral("suggested.gif")));
        dialog.setFormat(sm::core::ExportFormat(format));
        // Changing the format fixed the extension of the suggested path.
        if (format == int(sm::core::ExportFormat::Mp4))
            QVERIFY(dialog.path().endsWith(QStringLiteral("suggested.mp4")));
        dialog.setPath(m_dir.filePath(name));
        QVERIFY(dialog.startExport());
        QVERIFY(waitExport(dialog));
        QVERIFY2(dialog.lastError().isEmpty(), qPrintable(dialog.lastError()));
        QVERIFY(QFileInfo::exists(m_dir.filePath(name)));
        QCOMPARE(dialog.lastResult().frameCount, 4);
    }

    void errorsAreShown() {
        ExportDialog dialog(noisyFrames(2, 32), 8.0, QStringLiteral("/nonexistent-folder/x.gif"));
        QVERIFY(dialog.startExport());
        QVERIFY(waitExport(dialog));
        QVERIFY(!dialog.lastError().isEmpty());
        QVERIFY(dialog.statusLabel()->text().startsWith(QStringLiteral("Export failed")));
        ExportDialog empty(QVector<QImage>(), 8.0, m_dir.filePath(QStringLiteral("none.gif")));
        QVERIFY(!empty.startExport());
    }
};

QTEST_MAIN(TestExportDialog)
#include "test_export_dialog.moc"
