// Cinemo motion levels: the SSIM -> level -> UNet id mapping (level = clamp(round(100 (1 - SSIM)), 0, 19),
// id = 100 - level), identical frames at level 0, strided 16-frame samples with the stride in 3..10, and the
// level histogram.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "dataset/cinemo_curation.h"
#include "dataset/procedural_scene.h"
#include "eval/motion_metrics.h"
#include "export/gif_encoder.h"

using namespace sm::core;

namespace {

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

}  // namespace

class TestCinemoBuckets : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mappingValues() {
        QCOMPARE(cinemoMotionLevel(1.0), 0);
        QCOMPARE(cinemoMotionLevel(0.998), 0);
        QCOMPARE(cinemoMotionLevel(0.97), 3);
        QCOMPARE(cinemoMotionLevel(0.9), 10);
        QCOMPARE(cinemoMotionLevel(0.85), 15);
        QCOMPARE(cinemoMotionLevel(0.81), 19);
        QCOMPARE(cinemoMotionLevel(0.2), 19);  // saturates
        QCOMPARE(cinemoMotionLevel(-0.5), 19);
        QCOMPARE(cinemoMotionLevel(std::nan("")), -1);
        QCOMPARE(cinemoUnetId(0), 100);
        QCOMPARE(cinemoUnetId(10), 90);  // the Gradio default slider 10 -> id 90
        QCOMPARE(cinemoUnetId(19), 81);
    }

    void identicalFramesAreLevelZero() {
        const QImage frame = ProceduralScene::generate(3).renderFrame(0);
        const CinemoClip clip = measureCinemoFrames(QVector<QImage>(16, frame), 64);
        QVERIFY2(clip.ok(), qPrintable(clip.error));
        QCOMPARE(clip.meanSsim, 1.0);
        QCOMPARE(clip.level, 0);
        QCOMPARE(clip.unetId, 100);
        // Moving content has a lower SSIM and a higher level.
        SceneOptions options;
        options.frames = 16;
        options.rotateWeight = options.scaleWeight = 0;
        options.minSpeed = options.maxSpeed = 3.0;
        const CinemoClip moving = measureCinemoFrames(ProceduralScene::generate(3, options).renderAll(), 64);
        QVERIFY(moving.ok());
        QVERIFY(moving.meanSsim < 0.99);
        QVERIFY(moving.level > 0 && moving.level <= 19);
        QCOMPARE(moving.unetId, 100 - moving.level);
        QCOMPARE(moving.level, cinemoMotionLevel(moving.meanSsim));
        QVERIFY(!measureCinemoFrames({frame}, 64).ok());
    }

    void strideWithinThreeToTen() {
        CinemoSampleOptions options;  // 16 frames, stride 3..10
        QSet<int> seen;
        for (std::uint64_t seed = 0; seed < 400; ++seed) {
            int stride = 0;
            const QVector<int> indexes = cinemoFrameIndexes(300, options, seed, &stride);
            QVERIFY(stride >= 3 && stride <= 10);
            seen.insert(stride);
            QCOMPARE(indexes.size(), 16);
            QVERIFY(indexes.front() >= 0 && indexes.back() < 300);
            for (int k = 1; k < indexes.size(); ++k)
                QCOMPARE(indexes.at(k) - indexes.at(k - 1), stride);
            // Deterministic by seed.
            int again = 0;
            QCOMPARE(cinemoFrameIndexes(300, options, seed, &again), indexes);
            QCOMPARE(again, stride);
        }
        QCOMPARE(seen.size(), 8);  // every stride 3..10 is drawn
        // A short clip lowers the stride to fit: 40 frames allow at most (40 - 1) / 15 = 2.
        int stride = 0;
        QVector<int> indexes = cinemoFrameIndexes(40, options, 5, &stride);
        QCOMPARE(stride, 2);
        QCOMPARE(indexes.size(), 16);
        QVERIFY(indexes.back() < 40);
        // Shorter than 16 frames: all of them, stride 1.
        indexes = cinemoFrameIndexes(10, options, 5, &stride);
        QCOMPARE(stride, 1);
        QCOMPARE(indexes.size(), 10);
    }

    void clipFromFileAndHistogram() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // 60 identical frames: level 0 whatever the stride.
        const QImage frame = ProceduralScene::generate(8).renderFrame(0);
        const QString still = dir.filePath(QStringLiteral("still.gif"));
        QVERIFY(writeGif(still, QVector<QImage>(60, frame)));
        CinemoSampleOptions options;
        options.analysisSide = 64;
        const CinemoClip a = curateCinemoClip(still, options, 1);
        QVERIFY2(a.ok(), qPrintable(a.error));
        QCOMPARE(a.clipFrames, 60);
        QCOMPARE(a.stride, 3);  // 60 frames fit at most stride (60 - 1) / 15 = 3
        QCOMPARE(a.frameIndexes.size(), 16);
        QCOMPARE(a.level, 0);
        // A moving clip.
        SceneOptions sceneOptions;
        sceneOptions.frames = 60;
        sceneOptions.rotateWeight = sceneOptions.scaleWeight = 0;
        sceneOptions.minSpeed = sceneOptions.maxSpeed = 0.6;
        const QString moving = dir.filePath(QStringLiteral("moving.gif"));
        QVERIFY(writeGif(moving, ProceduralScene::generate(9, sceneOptions).renderAll()));
        const CinemoClip b = curateCinemoClip(moving, options, 1);
        QVERIFY2(b.ok(), qPrintable(b.error));
        QVERIFY(b.level > 0);
        // Errors name the file; cancel is honoured.
        const CinemoClip missing = curateCinemoClip(dir.filePath(QStringLiteral("absent.mp4")), options, 1);
        QVERIFY(!missing.ok());
        QVERIFY(missing.error.contains(QStringLiteral("absent.mp4")));
        std::atomic<bool> cancel{true};
        QVERIFY(curateCinemoClip(moving, options, 1, &cancel).error.contains(QStringLiteral("cancelled")));

        const QVector<int> bins = ssimLevelHistogram(QVector<CinemoClip>{a, b, missing});
        QCOMPARE(bins.size(), 20);
        QCOMPARE(bins.at(0), 1);
        QCOMPARE(bins.at(b.level), 1);
        int total = 0;
        for (int n : bins)
            total += n;
        QCOMPARE(total, 2);  // the failed clip is not counted
        QCOMPARE(ssimLevelHistogram(QVector<int>{0, 19, 19, 20, -1}).at(19), 2);
    }
};

QTEST_GUILESS_MAIN(TestCinemoBuckets)
#include "test_cinemo_buckets.moc"
