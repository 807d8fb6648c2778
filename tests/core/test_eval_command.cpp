// The motion-coherency evaluation: the pure measurement on synthetic frames with known shifts (measured flow = the
// shift, Pearson 1), the pooling into table numbers on hand-made rows, the report files, and the eval command run
// in-process on a tiny random-weight Pix2Gif (made with the engine API) over a 2-item fixture eval set.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <random>

#include "cli/eval_command.h"
#include "engine/engine.h"
#include "eval/eval_report.h"
#include "eval/image_metrics.h"
#include "eval/motion_eval.h"

using namespace sm::core;

namespace {

// An object on a flat background: a non-periodic patch of overlapping grey rectangles filling the central half of
// the image, defined for any offset so that rendering it at (dx, dy) moves it rigidly by exactly that. Keeping the
// object away from the borders matters: the reference flow routine counts lost points too, and features that
// leave the frame turn into large bogus displacements.
class RectangleScene {
public:
    explicit RectangleScene(unsigned seed) {
        std::mt19937 rng(seed);
        std::uniform_int_distribution<int> position(-40, 120);
        std::uniform_int_distribution<int> extent(6, 22);
        std::uniform_int_distribution<int> grey(20, 235);
        for (int i = 0; i < 90; ++i)
            m_rects.append({QRect(position(rng), position(rng), extent(rng), extent(rng)), grey(rng)});
    }

    QImage render(int side, int dx, int dy) const {
        QImage image(side, side, QImage::Format_RGB888);
        for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x) {
                int value = 128;
                const QPoint p(x - dx, y - dy);
                if (QRect(side / 4, side / 4, side / 2, side / 2).contains(p))
                    for (const auto& [rect, grey] : m_rects)
                        if (rect.contains(p))
                            value = grey;
                image.setPixel(x, y, qRgb(value, value, 255 - value));
            }
        return image;
    }

private:
    QVector<QPair<QRect, int>> m_rects;
};

QJsonObject readJson(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// Writes a 2-item eval set like `stillmotion-cli synth --eval` does.
void writeFixtureEvalSet(const QString& dir) {
    QDir().mkpath(dir);
    RectangleScene(3).render(48, 0, 0).save(QDir(dir).filePath(QStringLiteral("scene_000.png")));
    QImage wide(40, 30, QImage::Format_RGB32);  // not square: squashed to the model size like the authors do
    wide.fill(QColor(30, 90, 200));
    for (int x = 5; x < 15; ++x)
        for (int y = 8; y < 20; ++y)
            wide.setPixel(x, y, qRgb(230, 40, 40));
    wide.save(QDir(dir).filePath(QStringLiteral("scene_001.png")));
    QFile file(QDir(dir).filePath(QStringLiteral("eval.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"items": [
        {"image": "scene_000.png", "caption": "grey blocks drift to the left", "direction": "left"},
        {"image": "scene_001.png", "caption": "a red box, moves up", "direction": "up"}]})");
}

}  // namespace

class TestEvalCommand : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_model;
    QString m_evalSet;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_evalSet = m_dir.filePath(QStringLiteral("evalset"));
        writeFixtureEvalSet(m_evalSet);
    }

    // ---- the measurement without the engine -------------------------------------------------------------------

    void shiftedFramesMeasureTheirShift_data() {
        QTest::addColumn<int>("dx");
        QTest::addColumn<int>("dy");
        QTest::newRow("left") << -1 << 0;
        QTest::newRow("right") << 1 << 0;
        QTest::newRow("down") << 0 << 1;
    }

    void shiftedFramesMeasureTheirShift() {
        QFETCH(int, dx);
        QFETCH(int, dy);
        const RectangleScene scene(7);
        // 96 px: the object (central 48 px) stays inside the frame for every shift. Lucas-Kanade with 2 pyramid
        // levels and a 15 px window (the reference settings) tracks up to about 14 px; larger shifts are not a
        // property of the evaluation to pin here.
        const QImage source = scene.render(96, 0, 0);
        const QVector<int> motions{2, 4, 6, 8, 11, 14};
        QVector<QImage> frames;
        for (const int k : motions)
            frames.append(scene.render(96, dx * k, dy * k));
        const ItemEvaluation item = evaluateItem(source, motions, frames);
        QCOMPARE(item.frames.size(), 6);
        for (const FrameEvaluation& frame : item.frames) {
            QVERIFY2(
                std::abs(frame.measuredFlow - frame.requestedMotion) < 0.25,
                qPrintable(QStringLiteral("shift %1 measured %2").arg(frame.requestedMotion).arg(frame.measuredFlow)));
            QVERIFY(frame.ssimToSource < 1.0);
            QVERIFY(frame.psnrToSource < kPsnrIdenticalDb);
        }
        QVERIFY2(item.pearson > 0.999, qPrintable(QString::number(item.pearson)));
        QVERIFY2(item.rmse < 0.25, qPrintable(QString::number(item.rmse)));
        // Larger shifts keep less of the source.
        QVERIFY(item.frames.first().ssimToSource > item.frames.last().ssimToSource);
        QCOMPARE(item.firstFrameSsim, item.frames.first().ssimToSource);
        QVERIFY(item.meanConsecutiveSsim > -1.0 && item.meanConsecutiveSsim < 1.0);
        QVERIFY(item.cinemoLevel >= 0 && item.cinemoLevel <= 19);
        QCOMPARE(item.cinemoUnetId, 100 - item.cinemoLevel);
    }

    // With an analysis size the flow is measured on frames resized to it: shifts of k px at 48 px read 2k at 96,
    // while SSIM stays at the given size.
    void analysisSizeScalesTheMeasuredFlow() {
        const RectangleScene scene(7);
        const QImage source = scene.render(48, 0, 0);
        const QVector<int> motions{2, 6};  // requested at the analysis size: 1 and 3 px at 48
        const QVector<QImage> frames{scene.render(48, 1, 0), scene.render(48, 3, 0)};
        const ItemEvaluation native = evaluateItem(source, motions, frames);
        const ItemEvaluation doubled = evaluateItem(source, motions, frames, 96);
        for (int i = 0; i < 2; ++i) {
            const double expected = motions.at(i);
            QVERIFY2(std::abs(doubled.frames.at(i).measuredFlow - expected) < 0.6,
                     qPrintable(QString::number(doubled.frames.at(i).measuredFlow)));
            QCOMPARE(doubled.frames.at(i).ssimToSource, native.frames.at(i).ssimToSource);
        }
        QVERIFY(doubled.rmse < native.rmse);
    }

    void unchangedFramesMeasureNoMotion() {
        const QImage source = RectangleScene(9).render(64, 0, 0);
        const ItemEvaluation item = evaluateItem(source, {2, 11}, {source, source});
        QCOMPARE(item.frames.at(0).measuredFlow, 0.0);  // nothing moved by more than 1 px
        QCOMPARE(item.frames.at(1).ssimToSource, 1.0);
        QCOMPARE(item.frames.at(1).psnrToSource, kPsnrIdenticalDb);
        QVERIFY(std::abs(item.rmse - std::sqrt((4.0 + 121.0) / 2.0)) < 1e-12);
        QVERIFY(std::isnan(item.pearson));  // measured is constant
        QCOMPARE(item.cinemoLevel, 0);
        QCOMPARE(item.cinemoUnetId, 100);
    }

    void firstFrameIsTheSmallestMotionAndPartialRunsAreCut() {
        const RectangleScene scene(5);
        const QImage source = scene.render(48, 0, 0);
        // Motions out of order; only two frames arrived (a cancelled run).
        const ItemEvaluation item = evaluateItem(source, {8, 2, 5}, {scene.render(48, 8, 0), source});
        QCOMPARE(item.frames.size(), 2);
        QCOMPARE(item.firstFrameSsim, 1.0);  // motion 2 is the unchanged frame
    }

    void summaryPoolsAllFrames() {
        ItemEvaluation a;
        a.frames = {{2, 2.5, 0.9, 30.0}, {4, 3.5, 0.8, 25.0}};
        a.firstFrameSsim = 0.9;
        a.meanConsecutiveSsim = 0.95;
        ItemEvaluation b;
        b.frames = {{2, 1.5, 0.7, 20.0}, {4, 4.5, 0.6, 15.0}};
        b.firstFrameSsim = 0.7;
        b.meanConsecutiveSsim = std::nan("");  // undefined values are skipped in means
        const EvalSummary summary = summarize({a, b});
        QCOMPARE(summary.items, 2);
        QCOMPARE(summary.frames, 4);
        QCOMPARE(summary.perMotion.size(), 2);
        QCOMPARE(summary.perMotion.at(0).requestedMotion, 2);
        QCOMPARE(summary.perMotion.at(0).count, 2);
        QCOMPARE(summary.perMotion.at(0).meanMeasured, 2.0);
        QCOMPARE(summary.perMotion.at(0).stdMeasured, 0.5);
        QCOMPARE(summary.perMotion.at(1).meanMeasured, 4.0);
        QCOMPARE(summary.perMotion.at(1).meanSsim, 0.7);
        QCOMPARE(summary.perMotion.at(1).meanPsnr, 20.0);
        QCOMPARE(summary.rmse, 0.5);  // every frame is off by exactly 0.5 px
        // requested (2,4,2,4) vs measured (2.5,3.5,1.5,4.5): Sxy = 4, Sxx = 4, Syy = 5 -> r = 4 / sqrt(20).
        QVERIFY(std::abs(summary.pearson - 4.0 / std::sqrt(20.0)) < 1e-12);
        QVERIFY(std::abs(summary.meanSsim - 0.75) < 1e-12);
        QVERIFY(std::abs(summary.firstFrameSsim - 0.8) < 1e-12);
        QCOMPARE(summary.meanConsecutiveSsim, 0.95);
        QCOMPARE(summary.cinemoLevel, 5);
        QCOMPARE(summary.cinemoUnetId, 95);
    }

    // ---- the report files ---------------------------------------------------------------------------------------

    void reportFilesHoldEveryRow() {
        ItemEvaluation item;
        item.image = QStringLiteral("scene_000.png");
        item.caption = QStringLiteral("a boat, \"fast\"");
        item.frames = {{2, 2.0, 0.9, 30.0}, {6, 5.0, 0.5, 12.0}};
        item.pearson = std::nan("");
        const EvalSummary summary = summarize({item});

        const QString csv = resultsCsv({item});
        const QStringList lines = csv.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.at(1), QStringLiteral("scene_000.png,\"a boat, \"\"fast\"\"\",,2,2,0.9,30"));

        const QJsonObject json =
            resultsJson(QJsonObject{{QStringLiteral("tool"), QStringLiteral("x")}}, summary, {item});
        QCOMPARE(json.value(QStringLiteral("tool")).toString(), QStringLiteral("x"));
        QVERIFY(
            json.value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("pearson")).isNull());
        QCOMPARE(json.value(QStringLiteral("per_motion")).toArray().size(), 2);
        QVERIFY(std::abs(json.value(QStringLiteral("summary")).toObject().value(QStringLiteral("rmse")).toDouble() -
                         std::sqrt(0.5)) < 1e-12);  // errors of 0 and 1 px

        const QImage plot = renderMotionPlot({item}, summary, QSize(64, 64));
        QCOMPARE(plot.size(), QSize(720, 720));
        // The per-motion mean at (6, 5) is drawn in red somewhere: count strongly red pixels.
        int red = 0;
        for (int y = 0; y < plot.height(); ++y)
            for (int x = 0; x < plot.width(); ++x) {
                const QRgb p = plot.pixel(x, y);
                red += qRed(p) > 180 && qGreen(p) < 80 && qBlue(p) < 80;
            }
        QVERIFY(red > 20);
    }

    void evalSetErrorsAreReadable() {
        QVector<EvalSetItem> items;
        QString error;
        QVERIFY(!loadEvalSet(m_dir.filePath(QStringLiteral("nowhere")), &items, &error));
        QVERIFY2(error.contains(QStringLiteral("eval.json")) && error.contains(QStringLiteral("synth --eval")),
                 qPrintable(error));
        QVERIFY(loadEvalSet(m_evalSet, &items, &error));
        QCOMPARE(items.size(), 2);
        QCOMPARE(items.at(1).direction, QStringLiteral("up"));
        QVERIFY(QFileInfo::exists(items.at(0).imagePath));
    }

    // ---- the command on a real (tiny, random) model -------------------------------------------------------------

    void createTinyModel() {
        sm::engine::CreateOptions options;
        options.randomSize = "tiny";
        options.seed = 11;
        options.output = m_dir.filePath(QStringLiteral("tiny.safetensors")).toStdString();
        const sm::engine::ModelInfo info = sm::engine::createPix2Gif(options);
        m_model = QString::fromStdString(options.output);
        QVERIFY(QFileInfo::exists(m_model));
        QVERIFY(info.width > 0);
    }

    void badOptionsAreRejected() {
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        QCOMPARE(sm::cli::runEvalCommand({QStringLiteral("--eval-set"), m_evalSet}, out, err), 2);  // no --model
        QCOMPARE(sm::cli::runEvalCommand({QStringLiteral("--model"), m_model, QStringLiteral("--image"),
                                          QStringLiteral("x.png"), QStringLiteral("--output"), m_dir.path()},
                                         out, err),
                 2);  // --image without --prompt
        QCOMPARE(sm::cli::runEvalCommand(
                     {QStringLiteral("--model"), m_model, QStringLiteral("--eval-set"), m_evalSet,
                      QStringLiteral("--motions"), QStringLiteral("2,x"), QStringLiteral("--output"), m_dir.path()},
                     out, err),
                 2);
        err.flush();
        QVERIFY2(errText.contains(QStringLiteral("--motions")), qPrintable(errText));
    }

    void evaluatesAnEvalSet() {
        const QString output = m_dir.filePath(QStringLiteral("results"));
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        const int rc = sm::cli::runEvalCommand(
            {QStringLiteral("--model"), m_model, QStringLiteral("--eval-set"), m_evalSet, QStringLiteral("--motions"),
             QStringLiteral("2,8,17"), QStringLiteral("--steps"), QStringLiteral("2"), QStringLiteral("--sampler"),
             QStringLiteral("dpmpp-2m"), QStringLiteral("--output"), output, QStringLiteral("--json-summary"),
             QStringLiteral("--save-frames")},
            out, err);
        out.flush();
        err.flush();
        QVERIFY2(rc == 0, qPrintable(errText));
        QVERIFY2(errText.contains(QStringLiteral("ETA")), qPrintable(errText));

        const QJsonObject json = readJson(QDir(output).filePath(QStringLiteral("results.json")));
        const sm::engine::ModelInfo info = sm::engine::modelInfo(*sm::engine::loadModel(m_model.toStdString()));
        const QJsonObject resolution = json.value(QStringLiteral("resolution")).toObject();
        QCOMPARE(resolution.value(QStringLiteral("width")).toInt(), info.width);
        QCOMPARE(resolution.value(QStringLiteral("height")).toInt(), info.height);
        QCOMPARE(json.value(QStringLiteral("cancelled")).toBool(), false);
        QCOMPARE(json.value(QStringLiteral("settings")).toObject().value(QStringLiteral("steps")).toInt(), 2);
        QCOMPARE(json.value(QStringLiteral("settings")).toObject().value(QStringLiteral("seed")).toString(),
                 QStringLiteral("1371"));

        const QJsonObject summary = json.value(QStringLiteral("summary")).toObject();
        QCOMPARE(summary.value(QStringLiteral("items")).toInt(), 2);
        QCOMPARE(summary.value(QStringLiteral("frames")).toInt(), 6);
        for (const char* key : {"rmse", "mean_ssim", "mean_psnr", "first_frame_ssim", "mean_consecutive_ssim"}) {
            const QJsonValue v = summary.value(QLatin1String(key));
            QVERIFY2(v.isDouble() && std::isfinite(v.toDouble()), key);
        }
        const double ssimValue = summary.value(QStringLiteral("mean_ssim")).toDouble();
        QVERIFY(ssimValue >= -1.0 && ssimValue <= 1.0);
        const int level = summary.value(QStringLiteral("cinemo_level")).toInt();
        QVERIFY(level >= 0 && level <= 19);
        QCOMPARE(summary.value(QStringLiteral("cinemo_unet_id")).toInt(), 100 - level);

        // Per item and frame: the measured flow and the RMSE agree with each other.
        const QJsonArray items = json.value(QStringLiteral("items")).toArray();
        QCOMPARE(items.size(), 2);
        double squares = 0.0;
        QSet<double> measuredValues;
        for (const QJsonValue& item : items) {
            const QJsonArray frames = item.toObject().value(QStringLiteral("frames")).toArray();
            QCOMPARE(frames.size(), 3);
            for (const QJsonValue& frame : frames) {
                const double measured = frame.toObject().value(QStringLiteral("measured_flow")).toDouble(-1);
                QVERIFY(measured >= 0.0 && std::isfinite(measured));
                measuredValues.insert(measured);
                const double d = frame.toObject().value(QStringLiteral("requested_motion")).toInt() - measured;
                squares += d * d;
            }
        }
        QVERIFY(std::abs(summary.value(QStringLiteral("rmse")).toDouble() - std::sqrt(squares / 6.0)) < 1e-9);
        // Pearson r is undefined (null) only when every measured flow is the same.
        const QJsonValue r = summary.value(QStringLiteral("pearson"));
        if (measuredValues.size() > 1)
            QVERIFY(r.isDouble() && r.toDouble() >= -1.0 && r.toDouble() <= 1.0);
        else
            QVERIFY(r.isNull());
        QCOMPARE(json.value(QStringLiteral("per_motion")).toArray().size(), 3);

        QFile csv(QDir(output).filePath(QStringLiteral("results.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 2 * 3);  // header + items x motions
        QVERIFY(lines.at(0).startsWith(QStringLiteral("image,caption,direction,requested_motion,measured_flow")));

        const QImage plot(QDir(output).filePath(QStringLiteral("motion_plot.png")));
        QVERIFY(!plot.isNull());
        const QImage frame(QDir(output).filePath(QStringLiteral("frames/001_scene_001_m17.png")));
        QCOMPARE(frame.size(), QSize(info.width, info.height));

        // The stdout line parses and repeats the file's numbers.
        const QJsonObject line = QJsonDocument::fromJson(outText.trimmed().toUtf8()).object();
        QCOMPARE(line.value(QStringLiteral("rmse")).toDouble(), summary.value(QStringLiteral("rmse")).toDouble());
        QCOMPARE(line.value(QStringLiteral("frames")).toInt(), 6);
        QCOMPARE(line.value(QStringLiteral("resolution")).toString(),
                 QStringLiteral("%1x%2").arg(info.width).arg(info.height));
    }

    void cancelledRunWritesPartialResults() {
        const QString output = m_dir.filePath(QStringLiteral("cancelled"));
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        const std::atomic<bool> cancel{true};
        const int rc =
            sm::cli::runEvalCommand({QStringLiteral("--model"), m_model, QStringLiteral("--image"),
                                     m_evalSet + QStringLiteral("/scene_000.png"), QStringLiteral("--prompt"),
                                     QStringLiteral("blocks drift left"), QStringLiteral("--steps"),
                                     QStringLiteral("2"), QStringLiteral("--output"), output},
                                    out, err, &cancel);
        QCOMPARE(rc, 130);
        const QJsonObject json = readJson(QDir(output).filePath(QStringLiteral("results.json")));
        QCOMPARE(json.value(QStringLiteral("cancelled")).toBool(), true);
        QCOMPARE(json.value(QStringLiteral("summary")).toObject().value(QStringLiteral("frames")).toInt(), 0);
        QVERIFY(QFileInfo::exists(QDir(output).filePath(QStringLiteral("results.csv"))));
    }
};

QTEST_GUILESS_MAIN(TestEvalCommand)
#include "test_eval_command.moc"
