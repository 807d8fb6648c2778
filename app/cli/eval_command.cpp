#include "cli/eval_command.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <exception>
#include <limits>

#include "cli/option_help.h"
#include "engine/engine.h"
#include "eval/eval_report.h"
#include "eval/motion_eval.h"
#include "media/image_loader.h"
#include "runtime/error.h"

namespace sm::cli {

namespace {

// Ctrl-C while no caller-owned cancel flag is given: the handler only sets this flag (async-signal-safe), the
// engine sees it within one denoising step and the command writes what it has.
std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int) {
    g_interrupted.store(true);
}

class InterruptScope {
public:
    InterruptScope() {
        g_interrupted.store(false);
        m_previous = std::signal(SIGINT, onInterrupt);
    }
    ~InterruptScope() { std::signal(SIGINT, m_previous == SIG_ERR ? SIG_DFL : m_previous); }
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;

private:
    void (*m_previous)(int) = SIG_DFL;
};

struct Options {
    QString model;
    QString evalSet;
    QString image;
    QString prompt;
    QVector<int> motions{2, 4, 6, 8, 11, 14, 17, 19};  // the authors' sweep (compute_metrics_video.py)
    int steps = 100;
    engine::Sampler sampler = engine::Sampler::EulerAncestral;
    QString samplerName = QStringLiteral("euler-a");
    double textScale = 7.5;
    double imageScale = 1.8;
    quint64 seed = 1371;
    bool varySeed = false;
    int limit = 0;  // 0 = all items
    int analysisSide = 0;  // 0 = the model's resolution
    QString output;
    bool saveFrames = false;
    bool jsonSummary = false;
    QString device = QStringLiteral("cpu");
};

QString duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("?");
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1h%2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1s").arg(s);
}

QString fixed(double value, int decimals) {
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("n/a");
}

// Parses the options into `options`; on failure writes one line to `err` and returns false.
/// False on bad options (the error written to `err`) and after --help (*helpShown set, the text written to `out`).
bool parseOptions(const QStringList& args, Options* options, QTextStream& out, QTextStream& err, bool* helpShown) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Pix2Gif motion coherency: requested vs measured motion"));
    const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("model file or folder"),
                                   QStringLiteral("path"));
    const QCommandLineOption evalSet(QStringLiteral("eval-set"),
                                     QStringLiteral("folder with eval.json (stillmotion-cli synth --eval)"),
                                     QStringLiteral("dir"));
    const QCommandLineOption image(QStringLiteral("image"), QStringLiteral("one source image"), QStringLiteral("file"));
    const QCommandLineOption prompt(QStringLiteral("prompt"), QStringLiteral("caption for --image"),
                                    QStringLiteral("text"));
    const QCommandLineOption motions(QStringLiteral("motions"),
                                     QStringLiteral("comma-separated motion values in pixels"), QStringLiteral("list"),
                                     QStringLiteral("2,4,6,8,11,14,17,19"));
    const QCommandLineOption steps(QStringLiteral("steps"), QStringLiteral("denoising steps per frame"),
                                   QStringLiteral("n"), QStringLiteral("100"));
    const QCommandLineOption sampler(QStringLiteral("sampler"), QStringLiteral("euler-a, euler or dpmpp-2m"),
                                     QStringLiteral("name"), QStringLiteral("euler-a"));
    const QCommandLineOption textScale(QStringLiteral("text-scale"), QStringLiteral("text guidance scale"),
                                       QStringLiteral("s"), QStringLiteral("7.5"));
    const QCommandLineOption imageScale(QStringLiteral("image-scale"), QStringLiteral("image guidance scale"),
                                        QStringLiteral("s"), QStringLiteral("1.8"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("noise seed of every frame"),
                                  QStringLiteral("n"), QStringLiteral("1371"));
    const QCommandLineOption varySeed(QStringLiteral("vary-seed"),
                                      QStringLiteral("different noise per frame (seed + frame index)"));
    const QCommandLineOption limit(QStringLiteral("limit"), QStringLiteral("evaluate the first N items only"),
                                   QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption analysisSide(
        QStringLiteral("analysis-side"),
        QStringLiteral("measure motion at this square size, as the training data was curated (dataset_info.json "
                       "analysis_side; 128 for the demo model); default: the model's resolution"),
        QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption output(QStringLiteral("output"),
                                    QStringLiteral("folder for results.json, results.csv, motion_plot.png"),
                                    QStringLiteral("dir"));
    const QCommandLineOption saveFrames(QStringLiteral("save-frames"),
                                        QStringLiteral("also write the generated frames to <output>/frames"));
    const QCommandLineOption jsonSummary(QStringLiteral("json-summary"),
                                         QStringLiteral("print the summary as one JSON line on stdout"));
    const QCommandLineOption device(QStringLiteral("device"), QStringLiteral("cpu, cuda, cuda:N or auto"),
                                    QStringLiteral("name"), QStringLiteral("cpu"));
    parser.addOptions({model, evalSet, image, prompt, motions, steps, sampler, textScale, imageScale, seed, varySeed,
                       limit, analysisSide, output, saveFrames, jsonSummary, device});
    auto fail = [&](const QString& message) {
        err << "stillmotion-cli eval: " << message << "\n";
        return false;
    };
    *helpShown = showHelpIfAsked(parser, "eval", args, out);
    if (*helpShown)
        return false;
    if (!parser.parse(QStringList{QStringLiteral("eval")} + args))
        return fail(parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    if (!parser.isSet(model))
        return fail(QStringLiteral("--model <file or folder> is required"));
    if (parser.isSet(evalSet) == parser.isSet(image))
        return fail(QStringLiteral("give either --eval-set <dir> or --image <file> --prompt <caption>"));
    if (parser.isSet(image) && parser.value(prompt).trimmed().isEmpty())
        return fail(QStringLiteral("--image needs --prompt \"<caption describing the motion>\""));
    if (!parser.isSet(output))
        return fail(QStringLiteral("--output <dir> is required (results.json, results.csv, motion_plot.png)"));
    options->model = parser.value(model);
    options->evalSet = parser.value(evalSet);
    options->image = parser.value(image);
    options->prompt = parser.value(prompt);
    options->output = parser.value(output);
    options->varySeed = parser.isSet(varySeed);
    options->saveFrames = parser.isSet(saveFrames);
    options->jsonSummary = parser.isSet(jsonSummary);
    options->device = parser.value(device);

    options->motions.clear();
    for (const QString& part : parser.value(motions).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int value = part.trimmed().toInt(&ok);
        if (!ok || value < 0)
            return fail(QStringLiteral("--motions: '%1' is not a non-negative integer (e.g. 2,4,6,8)").arg(part));
        options->motions.append(value);
    }
    if (options->motions.isEmpty())
        return fail(QStringLiteral("--motions: give at least one value, e.g. 2,4,6,8,11,14,17,19"));

    bool ok = false;
    options->steps = parser.value(steps).toInt(&ok);
    if (!ok || options->steps < 1)
        return fail(QStringLiteral("--steps must be a positive integer"));
    options->limit = parser.value(limit).toInt(&ok);
    if (!ok || options->limit < 0)
        return fail(QStringLiteral("--limit must be a non-negative integer (0 = all)"));
    options->analysisSide = parser.value(analysisSide).toInt(&ok);
    if (!ok || options->analysisSide < 0)
        return fail(QStringLiteral("--analysis-side must be a non-negative integer (0 = the model's resolution)"));
    options->seed = parser.value(seed).toULongLong(&ok);
    if (!ok)
        return fail(QStringLiteral("--seed must be a non-negative integer"));
    options->textScale = parser.value(textScale).toDouble(&ok);
    if (!ok || !std::isfinite(options->textScale))
        return fail(QStringLiteral("--text-scale must be a number"));
    options->imageScale = parser.value(imageScale).toDouble(&ok);
    if (!ok || !std::isfinite(options->imageScale))
        return fail(QStringLiteral("--image-scale must be a number"));

    options->samplerName = parser.value(sampler).toLower();
    if (options->samplerName == QLatin1String("euler-a"))
        options->sampler = engine::Sampler::EulerAncestral;
    else if (options->samplerName == QLatin1String("euler"))
        options->sampler = engine::Sampler::Euler;
    else if (options->samplerName == QLatin1String("dpmpp-2m"))
        options->sampler = engine::Sampler::DpmPP2MKarras;
    else
        return fail(QStringLiteral("--sampler must be euler-a, euler or dpmpp-2m"));
    return true;
}

engine::RgbImage toRgbImage(const QImage& image) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    engine::RgbImage out;
    out.width = rgb.width();
    out.height = rgb.height();
    out.pixels.resize(size_t(out.width) * out.height * 3);
    for (int y = 0; y < rgb.height(); ++y)
        std::copy_n(rgb.constScanLine(y), size_t(out.width) * 3, out.pixels.data() + size_t(y) * out.width * 3);
    return out;
}

QImage toQImage(const engine::RgbImage& image) {
    QImage out(image.width, image.height, QImage::Format_RGB888);
    for (int y = 0; y < image.height; ++y)
        std::copy_n(image.pixels.data() + size_t(y) * image.width * 3, size_t(image.width) * 3, out.scanLine(y));
    return out;
}

// The run description that heads results.json.
QJsonObject runJson(const Options& options, const engine::ModelInfo& info, const QJsonArray& errors, bool cancelled,
                    int itemsPlanned, double seconds) {
    QJsonObject model;
    model.insert(QStringLiteral("name"), QString::fromStdString(info.name));
    model.insert(QStringLiteral("path"), QString::fromStdString(info.path));
    model.insert(QStringLiteral("parameters"), double(info.parameters));
    model.insert(QStringLiteral("device"), QString::fromStdString(info.device));
    QJsonObject resolution;
    resolution.insert(QStringLiteral("width"), info.width);
    resolution.insert(QStringLiteral("height"), info.height);
    const int side = options.analysisSide > 0 ? options.analysisSide : info.width;
    resolution.insert(QStringLiteral("analysis_side"), side);
    resolution.insert(QStringLiteral("note"),
                      QStringLiteral("the source is resized (squashed, as the authors do) to the model's %1x%2; "
                                     "motion values and measured flow are pixels at %3x%3 (frames resized to the "
                                     "analysis size before measuring)")
                          .arg(info.width)
                          .arg(info.height)
                          .arg(side));
    QJsonArray motions;
    for (const int motion : options.motions)
        motions.append(motion);
    QJsonObject settings;
    settings.insert(QStringLiteral("motions"), motions);
    settings.insert(QStringLiteral("steps"), options.steps);
    settings.insert(QStringLiteral("sampler"), options.samplerName);
    settings.insert(QStringLiteral("text_scale"), options.textScale);
    settings.insert(QStringLiteral("image_scale"), options.imageScale);
    settings.insert(QStringLiteral("seed"), QString::number(options.seed));  // a string: JSON numbers lose 64 bits
    settings.insert(QStringLiteral("same_noise_per_frame"), !options.varySeed);
    settings.insert(QStringLiteral("limit"), options.limit);
    settings.insert(QStringLiteral("eval_set"), options.evalSet.isEmpty()
                                                    ? QJsonValue(QJsonValue::Null)
                                                    : QJsonValue(QDir(options.evalSet).absolutePath()));
    QJsonObject metrics;
    metrics.insert(QStringLiteral("measured_flow"),
                   QStringLiteral("mean Lucas-Kanade displacement source -> frame of good features of the source "
                                  "(curation routine flowMagnitude), pixels"));
    metrics.insert(QStringLiteral("rmse"), QStringLiteral("'L2': root-mean-square of requested - measured, pixels"));
    metrics.insert(QStringLiteral("pearson"), QStringLiteral("Pearson r of requested vs measured over all frames"));
    metrics.insert(QStringLiteral("ssim"),
                   QStringLiteral("Gaussian SSIM (11 px, sigma 1.5) of BT.601 grey frames vs the resized source"));
    metrics.insert(QStringLiteral("psnr"), QStringLiteral("RGB PSNR vs the resized source, dB, identical = 100"));
    metrics.insert(QStringLiteral("first_frame_ssim"),
                   QStringLiteral("SSIM vs the source of the frame with the smallest requested motion"));
    metrics.insert(QStringLiteral("cinemo_level"),
                   QStringLiteral("clamp(round(100 (1 - mean consecutive SSIM of the frames)), 0, 19); "
                                  "cinemo_unet_id = 100 - level"));

    QJsonObject json;
    json.insert(QStringLiteral("tool"), QStringLiteral("stillmotion-cli eval"));
    json.insert(QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    json.insert(QStringLiteral("model"), model);
    json.insert(QStringLiteral("resolution"), resolution);
    json.insert(QStringLiteral("settings"), settings);
    json.insert(QStringLiteral("metrics"), metrics);
    json.insert(QStringLiteral("items_planned"), itemsPlanned);
    json.insert(QStringLiteral("cancelled"), cancelled);
    json.insert(QStringLiteral("seconds"), seconds);
    json.insert(QStringLiteral("errors"), errors);
    return json;
}

void printSummary(const core::EvalSummary& summary, QTextStream& err) {
    err << "motion  frames  measured (mean ± sd)  SSIM    PSNR\n";
    for (const core::MotionRow& row : summary.perMotion) {
        err << QStringLiteral("%1  %2  %3 ± %4  %5  %6\n")
                   .arg(row.requestedMotion, 6)
                   .arg(row.count, 6)
                   .arg(fixed(row.meanMeasured, 2), 11)
                   .arg(fixed(row.stdMeasured, 2), -6)
                   .arg(fixed(row.meanSsim, 4), 6)
                   .arg(fixed(row.meanPsnr, 2), 6);
    }
    err << "L2 (RMSE) " << fixed(summary.rmse, 3) << " px, Pearson r " << fixed(summary.pearson, 4) << ", SSIM "
        << fixed(summary.meanSsim, 4) << ", PSNR " << fixed(summary.meanPsnr, 2) << " dB, first-frame SSIM "
        << fixed(summary.firstFrameSsim, 4) << ", consecutive SSIM " << fixed(summary.meanConsecutiveSsim, 4)
        << " -> Cinemo level " << summary.cinemoLevel << " (UNet id " << summary.cinemoUnetId << ")\n";
}

}  // namespace

int runEvalCommand(const QStringList& args, QTextStream& out, QTextStream& err, const std::atomic<bool>* cancel) {
    Options options;
    bool helpShown = false;
    if (!parseOptions(args, &options, out, err, &helpShown))
        return helpShown ? 0 : 2;

    // The work list.
    QVector<core::EvalSetItem> items;
    if (!options.evalSet.isEmpty()) {
        QString error;
        if (!core::loadEvalSet(options.evalSet, &items, &error)) {
            err << "stillmotion-cli eval: " << error << "\n";
            return 1;
        }
    } else {
        core::EvalSetItem item;
        item.imagePath = QFileInfo(options.image).absoluteFilePath();
        item.image = options.image;
        item.caption = options.prompt;
        items.append(item);
    }
    if (options.limit > 0 && items.size() > options.limit)
        items.resize(options.limit);

    std::shared_ptr<engine::Model> model;
    engine::ModelInfo info;
    try {
        engine::LoadOptions loadOptions;
        loadOptions.device = options.device.toStdString();
        err << "stillmotion-cli eval: loading " << options.model << " ...\n";
        err.flush();
        model = engine::loadModel(options.model.toStdString(), loadOptions);
        info = engine::modelInfo(*model);
    } catch (const std::exception& e) {
        err << "stillmotion-cli eval: " << QString::fromUtf8(e.what()) << "\n";
        return 1;
    }
    if (info.architecture != engine::Architecture::Pix2Gif) {
        err << "stillmotion-cli eval: " << options.model
            << " is a Cinemo model; this evaluation measures Pix2Gif's per-frame motion values\n";
        return 1;
    }
    const QSize resolution(info.width, info.height);
    for (const int motion : options.motions) {
        if (motion < info.minMotion || motion > info.maxMotion) {
            err << "stillmotion-cli eval: warning: motion " << motion << " is outside the trained range "
                << info.minMotion << ".." << info.maxMotion << "; the engine clamps it\n";
        }
    }
    err << "stillmotion-cli eval: " << items.size() << " item(s) x " << options.motions.size() << " motion(s), "
        << options.steps << " steps, at " << info.width << "x" << info.height << "\n";

    std::unique_ptr<InterruptScope> interruptScope;
    if (!cancel) {
        interruptScope = std::make_unique<InterruptScope>();
        cancel = &g_interrupted;
    }

    QVector<core::ItemEvaluation> evaluations;
    QJsonArray errors;
    bool cancelled = false;
    QElapsedTimer clock;
    clock.start();
    const double totalSteps = double(items.size()) * options.motions.size() * options.steps;
    QString outputError;
    auto writeOutputs = [&]() {
        const core::EvalSummary summary = core::summarize(evaluations);
        const QJsonObject run = runJson(options, info, errors, cancelled, int(items.size()), clock.elapsed() / 1000.0);
        return core::writeEvalOutputs(options.output, run, summary, evaluations, resolution, &outputError);
    };

    for (int itemIndex = 0; itemIndex < items.size() && !cancelled; ++itemIndex) {
        const core::EvalSetItem& item = items.at(itemIndex);
        const core::ImageLoadResult loaded = core::loadImage(item.imagePath);
        if (!loaded.ok()) {
            err << "stillmotion-cli eval: skipping item " << itemIndex << ": " << loaded.error << "\n";
            errors.append(QStringLiteral("%1: %2").arg(item.image, loaded.error));
            continue;
        }
        // The authors squash the source to the model's square size; measuring at that size keeps the flow in
        // the pixels the motion values are defined in.
        const QImage source = loaded.image.scaled(resolution, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                                  .convertToFormat(QImage::Format_RGB888);

        engine::GenerateParams params;
        params.source = toRgbImage(source);
        params.prompt = item.caption.toStdString();
        for (const int motion : options.motions)
            params.frames.push_back({std::string(), motion, options.seed});
        params.sampler = options.sampler;
        params.steps = options.steps;
        params.textScale = float(options.textScale);
        params.imageScale = float(options.imageScale);
        params.differentNoisePerFrame = options.varySeed;
        params.previewEvery = 0;

        QVector<QImage> frames;
        engine::GenerateCallbacks callbacks;
        callbacks.cancel = cancel;
        callbacks.onFrame = [&](int, const engine::RgbImage& frame) { frames.append(toQImage(frame)); };
        callbacks.onWarning = [&](const std::string& message) {
            err << "stillmotion-cli eval: warning: " << QString::fromStdString(message) << "\n";
        };
        qint64 lastReportMs = -1000;
        callbacks.onStep = [&](const engine::StepProgress& progress) {
            const qint64 now = clock.elapsed();
            const bool last = progress.step == progress.totalSteps;
            if (now - lastReportMs < 1000 && !last)
                return;  // at most one line a second, plus one per finished frame
            lastReportMs = now;
            const double done =
                (double(itemIndex) * options.motions.size() + progress.frame) * options.steps + progress.step;
            const double eta = now / 1000.0 / done * (totalSteps - done);
            err << "eval: item " << itemIndex + 1 << "/" << items.size() << "  frame " << progress.frame + 1 << "/"
                << options.motions.size() << " (motion " << options.motions.at(progress.frame) << ")  step "
                << progress.step << "/" << progress.totalSteps << "  "
                << QString::number(100.0 * done / totalSteps, 'f', 1) << "%  ETA " << duration(eta) << "\n";
            err.flush();
        };

        try {
            engine::generate(*model, params, callbacks);
        } catch (const CancelledError&) {
            cancelled = true;
        } catch (const std::exception& e) {
            err << "stillmotion-cli eval: item " << itemIndex << " (" << item.image
                << "): " << QString::fromUtf8(e.what()) << "\n";
            errors.append(QStringLiteral("%1: %2").arg(item.image, QString::fromUtf8(e.what())));
            continue;
        }
        if (frames.isEmpty())
            continue;  // cancelled before the first frame of this item
        core::ItemEvaluation evaluation = core::evaluateItem(source, options.motions, frames, options.analysisSide);
        evaluation.image = item.image;
        evaluation.caption = item.caption;
        evaluation.direction = item.direction;
        evaluations.append(evaluation);

        if (options.saveFrames) {
            const QDir frameDir(QDir(options.output).filePath(QStringLiteral("frames")));
            QDir().mkpath(frameDir.path());
            const QString stem = QStringLiteral("%1_%2")
                                     .arg(itemIndex, 3, 10, QLatin1Char('0'))
                                     .arg(QFileInfo(item.image).completeBaseName());
            source.save(frameDir.filePath(stem + QStringLiteral("_source.png")));
            for (int i = 0; i < frames.size(); ++i)
                frames.at(i).save(frameDir.filePath(
                    QStringLiteral("%1_m%2.png").arg(stem).arg(options.motions.at(i), 2, 10, QLatin1Char('0'))));
        }
        // Rewritten after every item: an interrupted or killed run still leaves everything finished so far.
        if (!writeOutputs()) {
            err << "stillmotion-cli eval: " << outputError << "\n";
            return 1;
        }
    }

    if (!writeOutputs()) {
        err << "stillmotion-cli eval: " << outputError << "\n";
        return 1;
    }
    const core::EvalSummary summary = core::summarize(evaluations);
    printSummary(summary, err);
    err << "stillmotion-cli eval: wrote " << QDir(options.output).absolutePath()
        << "/{results.json,results.csv,motion_plot.png}" << (cancelled ? " (cancelled: partial results)" : "") << "\n";
    if (options.jsonSummary) {
        QJsonObject line = core::summaryJson(summary);
        line.insert(QStringLiteral("output"), QDir(options.output).absolutePath());
        line.insert(QStringLiteral("resolution"), QStringLiteral("%1x%2").arg(info.width).arg(info.height));
        line.insert(QStringLiteral("cancelled"), cancelled);
        out << QJsonDocument(line).toJson(QJsonDocument::Compact) << "\n";
        out.flush();
    }
    err.flush();
    if (cancelled)
        return 130;
    return evaluations.isEmpty() ? 1 : 0;
}

}  // namespace sm::cli
