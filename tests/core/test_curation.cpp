// Dataset curation on procedural clips with known motion: the Lucas-Kanade measure against the truth, the pair
// rules (j > i, motion in [2, 19], at most 10 per clip, seeded sampling), the pairs.json round trip through
// PairDataset, caption precedence (sidecar > captions.csv > captions.json > file name), cancellation and errors.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "dataset/clip_captions.h"
#include "dataset/clip_curation.h"
#include "dataset/pair_dataset.h"
#include "dataset/pair_dataset_writer.h"
#include "dataset/procedural_scene.h"
#include "export/gif_encoder.h"

using namespace sm::core;

namespace {

// Textured background, one sprite translating at exactly `speed` px/frame.
ProceduralScene translatingScene(std::uint64_t seed, double speed, int side = 64, int frames = 8) {
    SceneOptions options;
    options.side = side;
    options.frames = frames;
    options.minSprites = options.maxSprites = 1;
    options.rotateWeight = options.scaleWeight = 0;
    options.minSpeed = options.maxSpeed = speed;
    return ProceduralScene::generate(seed, options);
}

bool writeGif(const QString& path, const QVector<QImage>& frames) {
    GifEncodeOptions options;
    options.quality = 100;
    options.ditherLevel = 0.f;
    QByteArray bytes;
    QString error;
    if (!encodeGifToBytes(frames, QVector<int>(frames.size(), 10), options, &bytes, &error))
        return false;
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

void writeText(const QString& path, const QByteArray& text) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

QJsonObject readJson(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

}  // namespace

class TestCuration : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // Tolerance: the LK mean over the features that moved (> 1 px) is within max(0.5 px, 10 %) of the true
    // translation, for displacements up to 12.5 px at the native 64 px and, upscaled to the 256 px analysis size,
    // for 10 px (the truth x 4). Larger displacements at 256 leave LK's range (15 x 15 window, 2 pyramid levels):
    // the measure saturates, which is why the authors keep motions below 20.
    void flowMatchesKnownTranslation() {
        int checked = 0;
        for (std::uint64_t seed = 1; seed <= 8; ++seed) {
            for (double speed : {1.5, 2.5}) {
                const ProceduralScene scene = translatingScene(seed, speed);
                const double truth = std::hypot(scene.centreDisplacement(0, 1).x(), scene.centreDisplacement(0, 1).y());
                QVERIFY(std::abs(truth - speed) < 1e-9);
                const QImage a = scene.renderFrame(2);
                const QImage b = scene.renderFrame(3);
                for (int gap : {1, 3, 5}) {
                    const double flow = flowMagnitude(scene.renderFrame(0), scene.renderFrame(gap));
                    QVERIFY2(std::abs(flow - gap * truth) <= std::max(0.5, 0.1 * gap * truth),
                             qPrintable(QStringLiteral("seed %1 speed %2 gap %3: flow %4")
                                            .arg(seed)
                                            .arg(speed)
                                            .arg(gap)
                                            .arg(flow)));
                }
                const double flow = flowMagnitude(a, b);
                QVERIFY2(std::abs(flow - truth) <= std::max(0.5, 0.1 * truth),
                         qPrintable(QStringLiteral("seed %1 speed %2: flow %3").arg(seed).arg(speed).arg(flow)));
                const double flow256 =
                    flowMagnitude(a.scaled(256, 256, Qt::IgnoreAspectRatio, Qt::SmoothTransformation),
                                  b.scaled(256, 256, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
                QVERIFY2(
                    std::abs(flow256 - 4 * truth) <= std::max(0.5, 0.1 * 4 * truth),
                    qPrintable(QStringLiteral("seed %1 speed %2 at 256: flow %3").arg(seed).arg(speed).arg(flow256)));
                ++checked;
            }
        }
        QCOMPARE(checked, 16);
        // Nothing moves: 0.
        const QImage still = translatingScene(3, 2.0).renderFrame(0);
        QCOMPARE(flowMagnitude(still, still), 0.0);
        QCOMPARE(flowMagnitude(still, QImage()), 0.0);
    }

    void pairsFollowTheRules() {
        const ProceduralScene scene = translatingScene(5, 1.5, 64, 12);
        CurationOptions options;
        options.analysisSide = 64;
        options.maxGap = 0;
        options.selection = PairSelection::Random;
        options.seed = 99;
        ClipReport report;
        report.path = QStringLiteral("scene.gif");
        report.caption = scene.caption();
        measureClipPairs(scene.renderAll(), options, &report);
        QVERIFY2(report.ok(), qPrintable(report.error));
        QCOMPARE(report.frameCount, 12);
        QCOMPARE(report.candidatePairs, 12 * 11 / 2);  // every j > i
        QVERIFY(report.inRangePairs > 10);             // 1.5 px/frame: gaps 2..12 are in [2, 19]
        QCOMPARE(report.pairs.size(), 10);
        for (const TrainingPair& pair : report.pairs) {
            QVERIFY(pair.frameA < pair.frameB);
            QVERIFY(pair.motion >= 2 && pair.motion <= 19);
            QCOMPARE(pair.motion, int(pair.flow));
            QCOMPARE(pair.caption, scene.caption());
            // The measured motion follows the truth for the frame gap (same tolerance as above).
            const double truth = 1.5 * (pair.frameB - pair.frameA);
            QVERIFY2(
                std::abs(pair.flow - truth) <= std::max(0.5, 0.1 * truth),
                qPrintable(
                    QStringLiteral("%1->%2: %3 vs %4").arg(pair.frameA).arg(pair.frameB).arg(pair.flow).arg(truth)));
        }
        // Seeded: the same seed keeps the same pairs, another seed (almost surely) others.
        ClipReport again = report;
        measureClipPairs(scene.renderAll(), options, &again);
        for (int k = 0; k < 10; ++k)
            QCOMPARE(again.pairs.at(k).frameA * 100 + again.pairs.at(k).frameB,
                     report.pairs.at(k).frameA * 100 + report.pairs.at(k).frameB);
        options.seed = 100;
        ClipReport other = report;
        measureClipPairs(scene.renderAll(), options, &other);
        bool differs = false;
        for (int k = 0; k < 10; ++k)
            differs |= other.pairs.at(k).frameA != report.pairs.at(k).frameA ||
                       other.pairs.at(k).frameB != report.pairs.at(k).frameB;
        QVERIFY(differs);
        // Histogram of the kept pairs.
        const QVector<int> bins = motionHistogram(report.pairs);
        QCOMPARE(bins.size(), 18);
        int total = 0;
        for (int n : bins)
            total += n;
        QCOMPARE(total, 10);
        // Too few frames: a readable error.
        ClipReport single;
        single.path = QStringLiteral("one.gif");
        measureClipPairs({scene.renderFrame(0)}, options, &single);
        QVERIFY(single.error.contains(QStringLiteral("one.gif")));
    }

    void captionPrecedence() {
        const QString folder = m_dir.filePath(QStringLiteral("captions"));
        QVERIFY(QDir().mkpath(folder));
        const QVector<QImage> frames = translatingScene(1, 2.0).renderAll();
        for (const char* name : {"alpha.gif", "beta.gif", "gamma.gif", "deltaClip_name.gif", "quoted.gif"})
            QVERIFY(writeGif(QDir(folder).filePath(QString::fromLatin1(name)), frames));
        writeText(QDir(folder).filePath(QStringLiteral("alpha.txt")), "  a cat\n jumps  \n");
        writeText(QDir(folder).filePath(QStringLiteral("captions.csv")),
                  "file,caption\nalpha.gif,from csv\nbeta.gif,a dog runs\n"
                  "quoted.gif,\"a man, smiling, says \"\"hi\"\"\"\n");
        writeText(QDir(folder).filePath(QStringLiteral("captions.json")),
                  R"({"beta.gif": "from json", "gamma.gif": "a bird flies"})");
        CaptionResolver resolver;
        CaptionSource source = CaptionSource::FileName;
        QCOMPARE(resolver.captionFor(QDir(folder).filePath(QStringLiteral("alpha.gif")), &source),
                 QStringLiteral("a cat jumps"));
        QCOMPARE(source, CaptionSource::Sidecar);
        QCOMPARE(resolver.captionFor(QDir(folder).filePath(QStringLiteral("beta.gif")), &source),
                 QStringLiteral("a dog runs"));
        QCOMPARE(source, CaptionSource::Csv);
        QCOMPARE(resolver.captionFor(QDir(folder).filePath(QStringLiteral("gamma.gif")), &source),
                 QStringLiteral("a bird flies"));
        QCOMPARE(source, CaptionSource::Json);
        QCOMPARE(resolver.captionFor(QDir(folder).filePath(QStringLiteral("deltaClip_name.gif")), &source),
                 QStringLiteral("delta clip name"));
        QCOMPARE(source, CaptionSource::FileName);
        QCOMPARE(resolver.captionFor(QDir(folder).filePath(QStringLiteral("quoted.gif"))),
                 QStringLiteral("a man, smiling, says \"hi\""));
        QVERIFY(resolver.warnings().isEmpty());

        // A JSON list manifest and a broken CSV (skipped with a warning).
        const QString other = m_dir.filePath(QStringLiteral("captions2"));
        QVERIFY(QDir().mkpath(other));
        QVERIFY(writeGif(QDir(other).filePath(QStringLiteral("x.gif")), frames));
        writeText(QDir(other).filePath(QStringLiteral("captions.csv")), "x.gif,\"never closed\n");
        writeText(QDir(other).filePath(QStringLiteral("captions.json")), R"([{"file": "x.gif", "caption": "listed"}])");
        CaptionResolver second;
        QCOMPARE(second.captionFor(QDir(other).filePath(QStringLiteral("x.gif")), &source), QStringLiteral("listed"));
        QCOMPARE(source, CaptionSource::Json);
        QCOMPARE(second.warnings().size(), 1);
        QVERIFY(second.warnings().front().contains(QStringLiteral("unterminated quote")));
    }

    void datasetRoundTrip() {
        const QString input = m_dir.filePath(QStringLiteral("clips"));
        QVERIFY(QDir().mkpath(input + QStringLiteral("/nested")));
        for (int k = 0; k < 5; ++k) {
            const ProceduralScene scene = translatingScene(40 + k, 1.0 + 0.5 * k, 64, 8);
            const QString path = k < 3 ? QStringLiteral("%1/clip%2.gif").arg(input).arg(k)
                                       : QStringLiteral("%1/nested/clip%2.gif").arg(input).arg(k);
            QVERIFY(writeGif(path, scene.renderAll()));
            writeText(QFileInfo(path).absolutePath() + QStringLiteral("/clip%1.txt").arg(k), scene.caption().toUtf8());
        }
        writeText(input + QStringLiteral("/broken.gif"), "not a gif");
        writeText(input + QStringLiteral("/readme.md"), "ignored");

        DatasetBuildOptions options;
        options.curation.analysisSide = 64;
        options.trainingSide = 32;
        options.valFraction = 0.3;
        options.seed = 7;
        DatasetBuildReport report;
        const QString output = m_dir.filePath(QStringLiteral("dataset"));
        QVector<int> progressDone;
        QVERIFY(buildPairDataset(input, output, options, &report, [&](int done, int total, const QString&) {
            QCOMPARE(total, 6);
            progressDone.append(done);
        }));
        QVERIFY2(report.ok(), qPrintable(report.error));
        QCOMPARE(report.clipsFound, 6);
        QCOMPARE(report.clipsFailed, 1);
        QVERIFY(report.clipErrors.front().contains(QStringLiteral("broken.gif")));
        QCOMPARE(report.clipsUsed, 5);
        QVERIFY(report.valPairs > 0);
        QVERIFY(report.trainPairs > report.valPairs);
        QCOMPARE(progressDone.front(), 0);
        QCOMPARE(progressDone.back(), 6);

        PairDataset dataset;
        QString error;
        QVERIFY2(dataset.load(report.pairsPath, &error), qPrintable(error));
        QCOMPARE(dataset.size(PairSplit::Train), report.trainPairs);
        QCOMPARE(dataset.size(PairSplit::Val), report.valPairs);
        QVERIFY(report.trainPairs + report.valPairs <= 5 * 10);
        int histogramTotal = 0;
        for (int n : report.histogram)
            histogramTotal += n;
        QCOMPARE(histogramTotal, report.trainPairs + report.valPairs);
        QSet<QString> trainCaptions, valCaptions;
        for (PairSplit split : {PairSplit::Train, PairSplit::Val}) {
            for (const PairEntry& entry : dataset.entries(split)) {
                QVERIFY(entry.motion >= 2 && entry.motion <= 19);
                QVERIFY(!entry.caption.isEmpty());
                (split == PairSplit::Train ? trainCaptions : valCaptions).insert(entry.caption);
                QImage a, b;
                QVERIFY2(PairDataset::loadPair(entry, 32, &a, &b, &error), qPrintable(error));
                QCOMPARE(a.size(), QSize(32, 32));
                QCOMPARE(a.format(), QImage::Format_RGB888);
                QVERIFY(a != b);
            }
        }
        // The split is by clip: no caption (one per clip here) is on both sides.
        QVERIFY(!trainCaptions.intersects(valCaptions));
        // Paths in the file are relative to it, in the authors' 4-field layout with an integer motion.
        const QJsonObject root = readJson(report.pairsPath);
        const QJsonArray first = root.value(QStringLiteral("train")).toArray().first().toArray();
        QCOMPARE(first.size(), 4);
        QVERIFY(first.at(0).toString().startsWith(QStringLiteral("frames/")));
        QVERIFY(first.at(3).isDouble());
        QCOMPARE(first.at(3).toDouble(), std::floor(first.at(3).toDouble()));
        // dataset_info.json records the analysis side and the counts.
        const QJsonObject info = readJson(report.infoPath);
        QCOMPARE(info.value(QStringLiteral("analysis_side")).toInt(), 64);
        QCOMPARE(info.value(QStringLiteral("training_side")).toInt(), 32);
        QCOMPARE(info.value(QStringLiteral("clips")).toArray().size(), 6);
        QCOMPARE(info.value(QStringLiteral("counts")).toObject().value(QStringLiteral("val_pairs")).toInt(),
                 report.valPairs);

        // Same seed, same dataset.
        DatasetBuildReport again;
        const QString output2 = m_dir.filePath(QStringLiteral("dataset2"));
        QVERIFY(buildPairDataset(input, output2, options, &again));
        QFile f1(report.pairsPath), f2(again.pairsPath);
        QVERIFY(f1.open(QIODevice::ReadOnly) && f2.open(QIODevice::ReadOnly));
        QCOMPARE(f1.readAll(), f2.readAll());

        // A missing frame is named in the error.
        const PairEntry entry = dataset.entries(PairSplit::Train).first();
        QVERIFY(QFile::remove(entry.frame1Path));
        QImage a, b;
        QVERIFY(!PairDataset::loadPair(entry, 32, &a, &b, &error));
        QVERIFY2(error.contains(QFileInfo(entry.frame1Path).fileName()) && error.contains(QStringLiteral("not found")),
                 qPrintable(error));
    }

    void readerAcceptsTheAuthorsVariantsAndRejectsJunk() {
        const QString path = m_dir.filePath(QStringLiteral("authors.json"));
        writeText(path, R"({"train": [["/abs/a.png", "rel/b.png", "a cat", "7"], ["x.png", "y.png", "dog", 4.9]]})");
        PairDataset dataset;
        QString error;
        QVERIFY2(dataset.load(path, &error), qPrintable(error));
        QCOMPARE(dataset.size(PairSplit::Train), 2);
        QCOMPARE(dataset.size(PairSplit::Val), 0);
        QCOMPARE(dataset.entries(PairSplit::Train).at(0).motion, 7);
        QCOMPARE(dataset.entries(PairSplit::Train).at(1).motion, 4);  // int(4.9)
        QCOMPARE(dataset.entries(PairSplit::Train).at(0).frame0Path, QStringLiteral("/abs/a.png"));
        QCOMPARE(dataset.entries(PairSplit::Train).at(0).frame1Path, m_dir.filePath(QStringLiteral("rel/b.png")));

        writeText(path, R"({"train": [["a.png", "b.png", "three fields"]]})");
        QVERIFY(!dataset.load(path, &error));
        QVERIFY2(error.contains(QStringLiteral("train[0]")), qPrintable(error));
        writeText(path, "{not json");
        QVERIFY(!dataset.load(path, &error));
        QVERIFY(error.contains(QStringLiteral("invalid JSON")));
        QVERIFY(!dataset.load(m_dir.filePath(QStringLiteral("absent.json")), &error));
        QVERIFY(error.contains(QStringLiteral("absent.json")));
    }

    void cancelStopsWithoutOutput() {
        const QString input = m_dir.filePath(QStringLiteral("cancel_in"));
        QVERIFY(QDir().mkpath(input));
        QVERIFY(writeGif(input + QStringLiteral("/a.gif"), translatingScene(2, 2.0).renderAll()));
        std::atomic<bool> cancel{true};
        DatasetBuildReport report;
        const QString output = m_dir.filePath(QStringLiteral("cancel_out"));
        QVERIFY(!buildPairDataset(input, output, DatasetBuildOptions(), &report, {}, &cancel));
        QVERIFY(report.cancelled);
        QVERIFY(!QFileInfo::exists(output + QStringLiteral("/pairs.json")));
        // Cancelling from the progress callback (as a UI would, mid-run).
        std::atomic<bool> later{false};
        QVERIFY(!buildPairDataset(
            input, output, DatasetBuildOptions(), &report, [&later](int, int, const QString&) { later.store(true); },
            &later));
        QVERIFY(report.cancelled);
        const ClipReport clip = curateClip(input + QStringLiteral("/a.gif"), CurationOptions(), &cancel);
        QVERIFY(clip.error.contains(QStringLiteral("cancelled")));

        // Other failures are readable.
        QVERIFY(!buildPairDataset(m_dir.filePath(QStringLiteral("nowhere")), output, {}, &report));
        QVERIFY(report.error.contains(QStringLiteral("not a folder")));
        const QString empty = m_dir.filePath(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(empty));
        QVERIFY(!buildPairDataset(empty, output, {}, &report));
        QVERIFY(report.error.contains(QStringLiteral("no clips found")));
    }
};

QTEST_GUILESS_MAIN(TestCuration)
#include "test_curation.moc"
