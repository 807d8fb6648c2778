// The project document as a value type: defaults, prompt inheritance, frame editing, equality.
#include <QtTest>

#include "project/project.h"

using sm::core::FrameSpec;
using sm::core::ModelChoice;
using sm::core::ModelKind;
using sm::core::Project;
using sm::core::SamplerSettings;

class TestProject : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void modelSizesAndNames() {
        QCOMPARE(sm::core::modelInputSize(ModelKind::Pix2Gif), QSize(256, 256));
        QCOMPARE(sm::core::modelInputSize(ModelKind::Cinemo), QSize(512, 320));  // W x H: 320 rows, 512 columns
        QCOMPARE(sm::core::modelKindName(ModelKind::Cinemo), QStringLiteral("cinemo"));
        QCOMPARE(sm::core::parseModelKind(QStringLiteral("pix2gif")), std::optional<ModelKind>(ModelKind::Pix2Gif));
        QCOMPARE(sm::core::parseModelKind(QStringLiteral("cinemo")), std::optional<ModelKind>(ModelKind::Cinemo));
        QVERIFY(!sm::core::parseModelKind(QStringLiteral("Cinemo")).has_value());  // names are exact
        QVERIFY(!sm::core::parseModelKind(QString()).has_value());
    }

    void defaultsAreUsable() {
        const Project project;
        QVERIFY(!project.hasSourceImage());
        QVERIFY(project.crop().isNull());
        QCOMPARE(project.frameCount(), 0);
        QCOMPARE(project.model().kind, ModelKind::Pix2Gif);
        const SamplerSettings& s = project.sampler();
        QVERIFY(s.steps >= 1);
        QVERIFY(s.fps > 0);
        QVERIFY(s.dctInitP >= 0 && s.dctInitP <= 1);
    }

    void promptInheritance() {
        Project project;
        project.setPrompt(QStringLiteral("the sea moving"));
        FrameSpec inherits(4, 11);
        FrameSpec overrides(4, 12);
        overrides.setPromptOverride(QStringLiteral("a wave crashing"));
        FrameSpec empty(4, 13);
        empty.setPromptOverride(QString());  // explicitly empty is an override, not inheritance
        project.setFrames({inherits, overrides, empty});

        QCOMPARE(project.effectivePrompt(0), QStringLiteral("the sea moving"));
        QCOMPARE(project.effectivePrompt(1), QStringLiteral("a wave crashing"));
        QVERIFY(project.frame(2).hasPromptOverride());
        QCOMPARE(project.effectivePrompt(2), QString());

        // Changing the project prompt reaches inheriting frames only.
        project.setPrompt(QStringLiteral("calm water"));
        QCOMPARE(project.effectivePrompt(0), QStringLiteral("calm water"));
        QCOMPARE(project.effectivePrompt(1), QStringLiteral("a wave crashing"));

        // Clearing an override makes the frame inherit again.
        project.frame(1).clearPromptOverride();
        QVERIFY(!project.frame(1).hasPromptOverride());
        QCOMPARE(project.effectivePrompt(1), QStringLiteral("calm water"));
    }

    void frameEditingKeepsOrder() {
        Project project;
        project.appendFrame(FrameSpec(1, 100));
        project.appendFrame(FrameSpec(3, 300));
        project.insertFrame(1, FrameSpec(2, 200));
        QCOMPARE(project.frameCount(), 3);
        QCOMPARE(project.frame(0).motion(), 1);
        QCOMPARE(project.frame(1).motion(), 2);
        QCOMPARE(project.frame(2).seed(), quint64(300));
        project.removeFrame(0);
        QCOMPARE(project.frame(0).seed(), quint64(200));
        project.clearFrames();
        QCOMPARE(project.frameCount(), 0);
    }

    void generatedImagesSkipsUngeneratedFrames() {
        Project project;
        QImage red(8, 8, QImage::Format_RGB32);
        red.fill(Qt::red);
        QImage blue(8, 8, QImage::Format_RGB32);
        blue.fill(Qt::blue);
        FrameSpec a(0, 1);
        a.setImage(red);
        FrameSpec b(0, 2);  // not generated
        FrameSpec c(0, 3);
        c.setImage(blue);
        project.setFrames({a, b, c});
        QVERIFY(!project.frame(1).hasImage());
        const QVector<QImage> images = project.generatedImages();
        QCOMPARE(images.size(), 2);
        QCOMPARE(images.at(0).pixel(0, 0), QColor(Qt::red).rgb());
        QCOMPARE(images.at(1).pixel(0, 0), QColor(Qt::blue).rgb());
    }

    void equalityComparesPixelsNotFormats() {
        QImage argb(4, 4, QImage::Format_ARGB32);
        argb.fill(QColor(10, 20, 30));
        Project a;
        a.setSourceImage(argb);
        Project b;
        b.setSourceImage(argb.convertToFormat(QImage::Format_RGB32));
        QVERIFY(a == b);

        QImage changed = argb.copy();
        changed.setPixel(3, 3, qRgb(0, 0, 0));
        b.setSourceImage(changed);
        QVERIFY(a != b);

        Project c = a;
        SamplerSettings settings = c.sampler();
        settings.noisePerFrame = !settings.noisePerFrame;
        c.setSampler(settings);
        QVERIFY(a != c);

        Project e = a;
        settings = e.sampler();
        settings.seed += 1;
        e.setSampler(settings);
        QVERIFY(a != e);
        settings = a.sampler();
        settings.seedLocked = !settings.seedLocked;
        e.setSampler(settings);
        QVERIFY(a != e);

        Project d = a;
        d.setModel(ModelChoice{ModelKind::Cinemo, QString()});
        QVERIFY(a != d);
    }

    // The training data is part of the project: a different source list or training setting makes it differ.
    void datasetTakesPartInEquality() {
        Project a;
        QVERIFY(a.dataset().isEmpty());
        QCOMPARE(a.dataset().training.learningRate, 1e-4);  // Pix2Gif's train.yaml
        QCOMPARE(a.dataset().training.batchSize, 2);
        Project b = a;
        sm::core::ProjectDataset dataset;
        dataset.sources = {QStringLiteral("/clips/waves.gif")};
        b.setDataset(dataset);
        QVERIFY(!b.dataset().isEmpty());
        QVERIFY(a != b);
        dataset.sources.clear();
        dataset.training.ema = false;
        b.setDataset(dataset);
        QVERIFY(!b.dataset().isEmpty());
        QVERIFY(a != b);
        b.setDataset({});
        QVERIFY(a == b);
    }
};

QTEST_GUILESS_MAIN(TestProject)
#include "test_project.moc"
