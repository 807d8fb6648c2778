// Procedural scenes: portable seeded randomness, determinism by seed, ground truth that matches the rendered
// pixels (alpha-weighted centroid of a uniquely coloured sprite on a plain background), and captions.
#include <QRegularExpression>
#include <QtTest>

#include <cmath>

#include "dataset/procedural_scene.h"
#include "dataset/seeded_random.h"

using namespace sm::core;

namespace {

struct Blob {
    QPointF centroid;
    double area = 0;  // in pixels (sum of coverage)
};

// Coverage of each pixel by the sprite, unmixed along the line from the background colour to the sprite colour
// (antialiased edge pixels are blends of the two), then the coverage-weighted centroid in pixel-centre coordinates.
Blob measureSprite(const QImage& frame, QColor sprite, QColor background) {
    const double sr = sprite.red(), sg = sprite.green(), sb = sprite.blue();
    const double br = background.red(), bg = background.green(), bb = background.blue();
    const double dr = sr - br, dg = sg - bg, db = sb - bb;
    const double norm = dr * dr + dg * dg + db * db;
    Blob blob;
    double sx = 0, sy = 0;
    for (int y = 0; y < frame.height(); ++y) {
        for (int x = 0; x < frame.width(); ++x) {
            const QColor c = frame.pixelColor(x, y);
            double a = ((c.red() - br) * dr + (c.green() - bg) * dg + (c.blue() - bb) * db) / norm;
            a = std::clamp(a, 0.0, 1.0);
            if (a < 0.02)
                continue;
            blob.area += a;
            sx += a * (x + 0.5);
            sy += a * (y + 0.5);
        }
    }
    if (blob.area > 0)
        blob.centroid = QPointF(sx / blob.area, sy / blob.area);
    return blob;
}

SceneOptions plainOptions() {
    SceneOptions options;
    options.side = 64;
    options.frames = 8;
    options.plainBackground = true;
    options.solidFillsOnly = true;
    options.minSprites = options.maxSprites = 1;
    return options;
}

}  // namespace

class TestProceduralScene : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void seededRandomIsPortable() {
        // SplitMix64 reference values (seed 0): the published first outputs of the algorithm.
        SeededRandom rng(0);
        QCOMPARE(rng.nextU64(), Q_UINT64_C(0xE220A8397B1DCDAF));
        QCOMPARE(rng.nextU64(), Q_UINT64_C(0x6E789E6AA1B965F4));
        SeededRandom a(7), b(7);
        for (int i = 0; i < 1000; ++i) {
            const std::int64_t v = a.uniformInt(3, 10);
            QVERIFY(v >= 3 && v <= 10);
            QCOMPARE(v, b.uniformInt(3, 10));
            const double u = a.uniform01();
            QVERIFY(u >= 0.0 && u < 1.0);
            QCOMPARE(u, b.uniform01());
        }
        // Bounded integers are unbiased: every value of 0..4 appears about 1/5 of the time.
        SeededRandom c(11);
        int counts[5] = {};
        for (int i = 0; i < 50000; ++i)
            ++counts[c.uniformInt(0, 4)];
        for (int k = 0; k < 5; ++k)
            QVERIFY2(std::abs(counts[k] - 10000) < 400, qPrintable(QString::number(counts[k])));
        QCOMPARE(c.pickWeighted({0.0, -1.0}), -1);
        QCOMPARE(c.pickWeighted({0.0, 2.0, 0.0}), 1);
        QVERIFY(SeededRandom::deriveSeed(5, 0) != SeededRandom::deriveSeed(5, 1));
    }

    void sameSeedSameScene() {
        SceneOptions options;
        options.side = 48;
        options.frames = 6;
        const ProceduralScene a = ProceduralScene::generate(1234, options);
        const ProceduralScene b = ProceduralScene::generate(1234, options);
        QCOMPARE(a.caption(), b.caption());
        QCOMPARE(a.truthJson(), b.truthJson());
        for (int i = 0; i < a.frameCount(); ++i) {
            const QImage fa = a.renderFrame(i);
            QCOMPARE(fa.size(), QSize(48, 48));
            QCOMPARE(fa.format(), QImage::Format_RGB888);
            QCOMPARE(fa, b.renderFrame(i));
        }
        QVERIFY(a.renderFrame(-1).isNull());
        QVERIFY(a.renderFrame(6).isNull());
        // Different seeds give different scenes (over a handful, at least most differ in their caption).
        int differentCaptions = 0;
        for (int s = 0; s < 10; ++s)
            differentCaptions += ProceduralScene::generate(s, options).caption() != a.caption() ? 1 : 0;
        QVERIFY(differentCaptions >= 8);
        QVERIFY(ProceduralScene::generate(1235, options).renderFrame(0) != a.renderFrame(0));
    }

    void translationTruthMatchesPixels() {
        SceneOptions options = plainOptions();
        options.rotateWeight = options.scaleWeight = 0;
        options.minSpeed = 1.5;
        options.maxSpeed = 3.0;
        for (std::uint64_t seed = 1; seed <= 12; ++seed) {
            const ProceduralScene scene = ProceduralScene::generate(seed, options);
            const SpriteSpec& sprite = scene.sprites().front();
            QCOMPARE(sprite.kind, MotionKind::Translate);
            QVERIFY(sprite.speed >= 1.5 - 1e-9 && sprite.speed <= 3.0 + 1e-9);
            const QColor colour = spriteColors().at(sprite.colorIndex).color;
            const QImage first = scene.renderFrame(0);
            // A corner far from the sprite shows the plain background.
            const QColor background =
                first.pixelColor(sprite.start.centre.x() < 32 ? 63 : 0, sprite.start.centre.y() < 32 ? 63 : 0);
            const Blob blob0 = measureSprite(first, colour, background);
            QVERIFY(blob0.area > 20);
            for (int j = 1; j < scene.frameCount(); ++j) {
                const Blob blob = measureSprite(scene.renderFrame(j), colour, background);
                const QPointF measured = blob.centroid - blob0.centroid;
                const QPointF truth = scene.centreDisplacement(0, j);
                QVERIFY2(std::hypot(measured.x() - truth.x(), measured.y() - truth.y()) < 0.15,
                         qPrintable(QStringLiteral("seed %1 frame %2: measured (%3, %4), truth (%5, %6)")
                                        .arg(seed)
                                        .arg(j)
                                        .arg(measured.x())
                                        .arg(measured.y())
                                        .arg(truth.x())
                                        .arg(truth.y())));
                // The truth displacement is speed * frames along the compass direction.
                const QPointF expected = directionVector(sprite.direction) * (sprite.speed * j);
                QVERIFY(std::hypot(truth.x() - expected.x(), truth.y() - expected.y()) < 1e-9);
                QVERIFY(std::abs(scene.meanPointDisplacement(0, j) - sprite.speed * j) < 1e-9);
            }
            // Absolute position too: the sprite's centroid is its centre (all shapes are centrally symmetric or
            // regular).
            QVERIFY(std::hypot(blob0.centroid.x() - sprite.start.centre.x(),
                               blob0.centroid.y() - sprite.start.centre.y()) < 0.25);
        }
    }

    void rotationAndScaleTruthMatchesPixels() {
        SceneOptions options = plainOptions();
        for (MotionKind kind : {MotionKind::Rotate, MotionKind::Scale}) {
            options.translateWeight = 0;
            options.rotateWeight = kind == MotionKind::Rotate ? 1 : 0;
            options.scaleWeight = kind == MotionKind::Scale ? 1 : 0;
            for (std::uint64_t seed = 20; seed < 26; ++seed) {
                const ProceduralScene scene = ProceduralScene::generate(seed, options);
                const SpriteSpec& sprite = scene.sprites().front();
                QCOMPARE(sprite.kind, kind);
                const QColor colour = spriteColors().at(sprite.colorIndex).color;
                const QColor background = scene.renderFrame(0).pixelColor(0, 0);
                const Blob first = measureSprite(scene.renderFrame(0), colour, background);
                const int last = scene.frameCount() - 1;
                const Blob end = measureSprite(scene.renderFrame(last), colour, background);
                // The centre does not move.
                QCOMPARE(scene.centreDisplacement(0, last), QPointF(0, 0));
                QVERIFY(std::hypot(end.centroid.x() - first.centroid.x(), end.centroid.y() - first.centroid.y()) < 0.2);
                const SpritePose p0 = scene.pose(0), pl = scene.pose(last);
                if (kind == MotionKind::Scale) {
                    // Area grows with the square of the scale.
                    const double expected = (pl.scale * pl.scale) / (p0.scale * p0.scale);
                    QVERIFY2(std::abs(end.area / first.area - expected) < 0.06 * expected,
                             qPrintable(QStringLiteral("%1 vs %2").arg(end.area / first.area).arg(expected)));
                    QCOMPARE(
                        scene.caption().contains(QRegularExpression(QStringLiteral("(grows|expands|gets bigger)$"))),
                        sprite.scaleRate > 1);
                } else {
                    QVERIFY(std::abs(pl.angleDeg - p0.angleDeg - sprite.spinDeg * last) < 1e-9);
                    QVERIFY(std::abs(end.area - first.area) < 0.03 * first.area);  // rigid
                }
                QVERIFY(scene.meanPointDisplacement(0, last) > 0.5);
                QCOMPARE(scene.meanPointDisplacement(2, 2), 0.0);
            }
        }
    }

    void captionsDescribeTheMotion() {
        QStringList colours;
        for (const NamedColor& c : spriteColors())
            colours << c.name;
        const QString shapes = QStringLiteral("circle|square|triangle|star|ring|cross|diamond|hexagon");
        const QRegularExpression translate(
            QStringLiteral("^an? (%1) (%2) (moves|drifts|slides|glides) (to the right|to the left|up|down|"
                           "up and to the right|up and to the left|down and to the right|down and to the left)$")
                .arg(colours.join(QLatin1Char('|')), shapes));
        const QRegularExpression rotate(QStringLiteral("^an? (%1) (%2) (spins|rotates|turns|twirls)( clockwise| "
                                                       "counterclockwise)?$")
                                            .arg(colours.join(QLatin1Char('|')), shapes));
        const QRegularExpression scale(
            QStringLiteral("^an? (%1) (%2) (grows|expands|gets bigger|shrinks|gets smaller|contracts)$")
                .arg(colours.join(QLatin1Char('|')), shapes));
        int kinds[3] = {};
        for (std::uint64_t seed = 0; seed < 200; ++seed) {
            const ProceduralScene scene = ProceduralScene::generate(seed);
            const SpriteSpec& sprite = scene.sprites().front();
            QVERIFY(scene.sprites().size() >= 1 && scene.sprites().size() <= 3);
            const QString caption = scene.caption();
            const QString colour = spriteColors().at(sprite.colorIndex).name;
            QVERIFY2(caption.contains(colour + QLatin1Char(' ') + shapeName(sprite.shape)), qPrintable(caption));
            QVERIFY2(
                caption.startsWith(colour == QLatin1String("orange") ? QStringLiteral("an ") : QStringLiteral("a ")),
                qPrintable(caption));
            ++kinds[int(sprite.kind)];
            switch (sprite.kind) {
                case MotionKind::Translate: {
                    QVERIFY2(translate.match(caption).hasMatch(), qPrintable(caption));
                    const bool left = caption.contains(QStringLiteral("left"));
                    const bool right = caption.contains(QStringLiteral("right"));
                    const QPointF v = directionVector(sprite.direction);
                    QCOMPARE(left, v.x() < 0);
                    QCOMPARE(right, v.x() > 0);
                    QCOMPARE(caption.contains(QStringLiteral(" up")), v.y() < 0);
                    QCOMPARE(caption.contains(QStringLiteral(" down")), v.y() > 0);
                    QCOMPARE(scene.directionLabel(), directionName(sprite.direction));
                    break;
                }
                case MotionKind::Rotate:
                    QVERIFY2(rotate.match(caption).hasMatch(), qPrintable(caption));
                    if (caption.endsWith(QStringLiteral("counterclockwise")))
                        QVERIFY(sprite.spinDeg < 0);
                    QCOMPARE(scene.directionLabel(),
                             sprite.spinDeg > 0 ? QStringLiteral("clockwise") : QStringLiteral("counterclockwise"));
                    break;
                case MotionKind::Scale:
                    QVERIFY2(scale.match(caption).hasMatch(), qPrintable(caption));
                    break;
            }
            // Distinct colours per scene.
            for (int k = 1; k < scene.sprites().size(); ++k)
                QVERIFY(scene.sprites().at(k).colorIndex != sprite.colorIndex);
        }
        // Equal weights: every kind shows up in 200 scenes.
        QVERIFY(kinds[0] > 30 && kinds[1] > 30 && kinds[2] > 30);
    }

    void spritesStayInsideTheFrame() {
        SceneOptions options;
        options.side = 64;
        options.frames = 16;
        options.minSpeed = 5;
        options.maxSpeed = 8;  // too fast to fit: speeds are reduced
        options.rotateWeight = options.scaleWeight = 0;
        for (std::uint64_t seed = 0; seed < 30; ++seed) {
            const ProceduralScene scene = ProceduralScene::generate(seed, options);
            for (int k = 0; k < scene.sprites().size(); ++k) {
                const double r = scene.sprites().at(k).baseRadius;
                for (int f : {0, scene.frameCount() - 1}) {
                    const QPointF c = scene.pose(f, k).centre;
                    QVERIFY(c.x() - r >= 0 && c.x() + r <= 64 && c.y() - r >= 0 && c.y() + r <= 64);
                }
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestProceduralScene)
#include "test_procedural_scene.moc"
