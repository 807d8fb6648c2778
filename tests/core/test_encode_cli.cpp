// `stillmotion-cli encode` run as a process: successful encodes to every format, and every kind of bad input
// (missing input, no frames, frames of different sizes, fps <= 0, unwritable output, bad options) ending with one
// "stillmotion-cli: <problem>" line and a non-zero exit code, never a crash.
#include "media/video_decoder.h"

#include "export_test_frames.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/types.h>
#include <csignal>

using namespace sm::core;

namespace {

struct CliRun {
    int exitCode = -1;
    bool crashed = false;
    QString stderrText;
};

CliRun runCli(const QStringList& args) {
    QProcess process;
    process.start(QStringLiteral(STILLMOTION_CLI_PATH), QStringList{QStringLiteral("encode")} + args);
    CliRun run;
    if (!process.waitForFinished(300000)) {
        process.kill();
        process.waitForFinished();
        run.crashed = true;
        return run;
    }
    run.crashed = process.exitStatus() != QProcess::NormalExit;
    run.exitCode = process.exitCode();
    run.stderrText = QString::fromUtf8(process.readAllStandardError());
    return run;
}

void writeFrames(const QString& folder, const QVector<QImage>& frames) {
    QDir().mkpath(folder);
    for (int i = 0; i < frames.size(); ++i) {
        frames[i].save(QDir(folder).filePath(QStringLiteral("f%1.png").arg(i + 1)));  // f10 sorts after f9
    }
}

// The last line of stderr must be the one error line.
QString lastLine(const QString& text) {
    const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return lines.isEmpty() ? QString() : lines.back();
}

}  // namespace

class TestEncodeCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void folderToGifInNaturalOrder() {
        QTemporaryDir dir;
        const QString frames = dir.filePath(QStringLiteral("frames"));
        const QVector<QImage> source = sm::test::stripeFrames(11, QSize(48, 8));
        writeFrames(frames, source);
        const QString out = dir.filePath(QStringLiteral("out.gif"));
        const CliRun run =
            runCli({QStringLiteral("--input"), frames, QStringLiteral("--output"), out, QStringLiteral("--fps"),
                    QStringLiteral("3"), QStringLiteral("--loop"), QStringLiteral("2"), QStringLiteral("--pingpong")});
        QVERIFY2(!run.crashed && run.exitCode == 0, qPrintable(run.stderrText));
        QVERIFY(run.stderrText.contains(QStringLiteral("encoding:")));  // progress on stderr
        GifInfo info;
        QString error;
        QVERIFY2(readGifInfo(out, &info, &error), qPrintable(error));
        QCOMPARE(info.frameCount(), 20);  // 11 forward + 9 back
        QCOMPARE(info.loopCount, 2);
        QCOMPARE(info.delaysCs.mid(0, 3), (QVector<int>{33, 34, 33}));
        QVector<DecodedFrame> decoded;
        QVERIFY(decodeAllFrames(out, &decoded, &error));
        // f10.png and f11.png come after f9.png: frame 10 (index 9) has 10 stripes.
        QCOMPARE(sm::test::meanSquaredError(decoded[9].image, source[9]), 0.0);
        QCOMPARE(sm::test::meanSquaredError(decoded[10].image, source[10]), 0.0);
    }

    void gifToMp4WebPAndFrames() {
        QTemporaryDir dir;
        const QString frames = dir.filePath(QStringLiteral("frames"));
        writeFrames(frames, sm::test::movingGradientFrames(6, QSize(64, 48)));
        const QString gif = dir.filePath(QStringLiteral("a.gif"));
        QCOMPARE(runCli({QStringLiteral("--input"), frames, QStringLiteral("--output"), gif}).exitCode, 0);
        const QString mp4 = dir.filePath(QStringLiteral("a.mp4"));
        CliRun run = runCli({QStringLiteral("--input"), gif, QStringLiteral("--output"), mp4, QStringLiteral("--fps"),
                             QStringLiteral("12"), QStringLiteral("--quality"), QStringLiteral("90")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.stderrText));
        VideoDecoder decoder;
        QString error;
        QVERIFY(decoder.open(mp4, &error));
        QCOMPARE(decoder.frameRate(), 12.0);
        QCOMPARE(decoder.frameCountHint(), 6);
        const QString webp = dir.filePath(QStringLiteral("a.webp"));
        run = runCli({QStringLiteral("--input"), mp4, QStringLiteral("--output"), webp, QStringLiteral("--max-bytes"),
                      QStringLiteral("200000")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.stderrText));
        QVERIFY(run.stderrText.contains(QStringLiteral("size budget 200000 bytes met")));
        QVERIFY(QFileInfo(webp).size() <= 200000);
        const QString pngs = dir.filePath(QStringLiteral("pngs"));
        run = runCli({QStringLiteral("--input"), webp, QStringLiteral("--output"), pngs});
        QVERIFY2(run.exitCode == 0, qPrintable(run.stderrText));
        QCOMPARE(QDir(pngs).entryList(QDir::Files).size(), 6);
    }

    void badInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("problem");
        // Paths: FRAMES = 3 good frames, MIXED = frames of two sizes, EMPTY = empty folder, DIR = temp dir.
        QTest::newRow("missing input") << QStringList{"--input", "DIR/nope", "--output", "DIR/o.gif"}
                                       << "input not found";
        QTest::newRow("no frames") << QStringList{"--input", "EMPTY", "--output", "DIR/o.gif"} << "no frames";
        QTest::newRow("different sizes") << QStringList{"--input", "MIXED", "--output", "DIR/o.gif"}
                                         << "frames of different sizes";
        QTest::newRow("fps zero") << QStringList{"--input", "FRAMES", "--output", "DIR/o.gif", "--fps", "0"}
                                  << "--fps must be a number > 0";
        QTest::newRow("fps negative") << QStringList{"--input", "FRAMES", "--output", "DIR/o.gif", "--fps", "-2"}
                                      << "--fps must be a number > 0";
        QTest::newRow("fps text") << QStringList{"--input", "FRAMES", "--output", "DIR/o.gif", "--fps", "fast"}
                                  << "--fps must be a number > 0";
        QTest::newRow("unwritable output")
            << QStringList{"--input", "FRAMES", "--output", "DIR/no/such/o.gif"} << "does not exist";
        QTest::newRow("output under a file")
            << QStringList{"--input", "FRAMES", "--output", "FILE/o.mp4"} << "does not exist";
        QTest::newRow("output folder is a file")
            << QStringList{"--input", "FRAMES", "--output", "FILE"} << "not a folder";
        QTest::newRow("not a video") << QStringList{"--input", "FILE", "--output", "DIR/o.gif"} << "FILE";
        QTest::newRow("quality range") << QStringList{"--input", "FRAMES", "--output", "DIR/o.gif", "--quality", "0"}
                                       << "--quality must be an integer in 1..100";
        QTest::newRow("colours range") << QStringList{"--input", "FRAMES", "--output", "DIR/o.gif", "--colors", "1"}
                                       << "--colors must be an integer in 2..256";
        QTest::newRow("loop negative") << QStringList{"--input", "FRAMES", "--output", "DIR/o.gif", "--loop", "-1"}
                                       << "--loop must be an integer";
        QTest::newRow("budget for mp4") << QStringList{"--input",   "FRAMES",      "--output",
                                                       "DIR/o.mp4", "--max-bytes", "1000"}
                                        << "size budget is supported for GIF and WebP";
        QTest::newRow("impossible budget")
            << QStringList{"--input", "FRAMES", "--output", "DIR/o.gif", "--max-bytes", "50"}
            << "cannot fit under 50 bytes";
        QTest::newRow("unknown option") << QStringList{"--input", "FRAMES", "--output", "DIR/o.gif", "--speed", "1"}
                                        << "unknown option '--speed'";
        QTest::newRow("missing value") << QStringList{"--input", "FRAMES", "--output"} << "--output needs a value";
        QTest::newRow("no input") << QStringList{"--output", "DIR/o.gif"} << "--input is required";
        QTest::newRow("no output") << QStringList{"--input", "FRAMES"} << "--output is required";
    }

    void badInput() {
        QFETCH(QStringList, args);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("frames"));
        writeFrames(good, sm::test::stripeFrames(3, QSize(16, 8)));
        const QString mixed = dir.filePath(QStringLiteral("mixed"));
        writeFrames(mixed, sm::test::stripeFrames(2, QSize(16, 8)));
        sm::test::stripeFrames(1, QSize(20, 8)).front().save(QDir(mixed).filePath(QStringLiteral("f3.png")));
        const QString empty = dir.filePath(QStringLiteral("empty"));
        QDir().mkpath(empty);
        const QString file = dir.filePath(QStringLiteral("file.txt"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a video");
        f.close();
        for (QString& arg : args) {
            arg.replace(QStringLiteral("FRAMES"), good)
                .replace(QStringLiteral("MIXED"), mixed)
                .replace(QStringLiteral("EMPTY"), empty)
                .replace(QStringLiteral("FILE"), file)
                .replace(QStringLiteral("DIR"), dir.path());
        }
        problem.replace(QStringLiteral("FILE"), file);
        const CliRun run = runCli(args);
        QVERIFY2(!run.crashed, qPrintable(run.stderrText));
        QVERIFY2(run.exitCode != 0, qPrintable(run.stderrText));
        const QString line = lastLine(run.stderrText);
        QVERIFY2(line.startsWith(QStringLiteral("stillmotion-cli: ")), qPrintable(run.stderrText));
        QVERIFY2(line.contains(problem), qPrintable(line));
        // Nothing half-written is left behind.
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("o.gif"))));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("o.mp4"))));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("o.mp4.part"))));
    }

    // Ctrl+C during an encode cancels it: exit code 130, one "cancelled" line, no output and no partial file.
    void interruptCancelsAndCleansUp() {
        const QString clip = sm::test::opencvClip(QStringLiteral("vtest.avi"));
        if (clip.isEmpty()) {
            QSKIP("opencv-doc clips are not installed");
        }
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("long.mp4"));
        QProcess process;
        process.start(QStringLiteral(STILLMOTION_CLI_PATH),
                      {QStringLiteral("encode"), QStringLiteral("--input"), clip, QStringLiteral("--output"), out});
        QVERIFY(process.waitForStarted());
        // Wait until encoding has begun (the first progress line), then interrupt; 795 full-size frames take far
        // longer to encode than this takes.
        process.setReadChannel(QProcess::StandardError);
        QByteArray seen;
        QDeadlineTimer deadline(120000);
        while (!seen.contains("encoding:") && process.state() == QProcess::Running && !deadline.hasExpired()) {
            process.waitForReadyRead(1000);
            seen += process.readAllStandardError();
        }
        QVERIFY2(process.state() == QProcess::Running, seen.constData());
        QVERIFY(QFileInfo::exists(out + QStringLiteral(".part")));
        ::kill(pid_t(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(60000));
        seen += process.readAllStandardError();
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 130);
        QCOMPARE(lastLine(QString::fromUtf8(seen)), QStringLiteral("stillmotion-cli: cancelled"));
        QVERIFY(!QFileInfo::exists(out));
        QVERIFY(!QFileInfo::exists(out + QStringLiteral(".part")));
    }

    void helpExitsCleanly() {
        const CliRun run = runCli({QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.stderrText.contains(QStringLiteral("--max-bytes")));
    }
};

QTEST_GUILESS_MAIN(TestEncodeCli)
#include "test_encode_cli.moc"
