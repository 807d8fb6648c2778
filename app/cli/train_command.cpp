#include "cli/train_command.h"

#include "cli/training_options.h"

#include <QCommandLineParser>
#include <QElapsedTimer>

#include <cmath>
#include <csignal>
#include <memory>

namespace sm::cli {
namespace {

std::atomic<bool> g_stop{false};
using SignalHandler = void (*)(int);
SignalHandler g_previousInt = SIG_DFL;
SignalHandler g_previousTerm = SIG_DFL;

// Only an atomic store: the one thing a signal handler may safely do here.
void requestStop(int) {
    g_stop.store(true);
}

QString duration(double seconds) {
    if (seconds < 0)
        return QStringLiteral("?");
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1h %2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QStringLiteral("%1m %2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1s").arg(s);
}

}  // namespace

StopSignalGuard::StopSignalGuard() {
    g_stop.store(false);
    g_previousInt = std::signal(SIGINT, requestStop);
    g_previousTerm = std::signal(SIGTERM, requestStop);
}

StopSignalGuard::~StopSignalGuard() {
    std::signal(SIGINT, g_previousInt == SIG_ERR ? SIG_DFL : g_previousInt);
    std::signal(SIGTERM, g_previousTerm == SIG_ERR ? SIG_DFL : g_previousTerm);
}

const std::atomic<bool>* StopSignalGuard::stopFlag() {
    return &g_stop;
}

core::RunCallbacks consoleCallbacks(QTextStream& err) {
    core::RunCallbacks callbacks;
    auto timer = std::make_shared<QElapsedTimer>();
    auto announcedStop = std::make_shared<bool>(false);
    callbacks.onProgress = [&err, timer, announcedStop](const core::RunProgress& p) {
        if (g_stop.load() && !*announcedStop) {
            *announcedStop = true;
            err << "stillmotion-cli: stopping after this micro-batch; a checkpoint follows (continue with --resume)\n";
            err.flush();
        }
        const bool last = p.stepped && p.step >= p.maxSteps;
        if (timer->isValid() && timer->elapsed() < 1000 && !last)
            return;
        timer->start();
        err << QStringLiteral("step %1/%2  micro %3  loss %4  lr %5  %6 steps/s  ETA %7  elapsed %8\n")
                   .arg(p.step)
                   .arg(p.maxSteps)
                   .arg(p.microStep)
                   .arg(p.loss, 0, 'f', 5)
                   .arg(p.learningRate, 0, 'e', 2)
                   .arg(p.stepsPerSecond, 0, 'f', 3)
                   .arg(duration(p.etaSeconds), duration(p.elapsedSeconds));
        err.flush();
    };
    callbacks.onWarning = [&err](const QString& message) {
        err << "stillmotion-cli: warning: " << message << "\n";
        err.flush();
    };
    callbacks.onCheckpoint = [&err](qint64 step, const QString& path) {
        err << "stillmotion-cli: checkpoint at step " << step << ": " << path << "\n";
        err.flush();
    };
    callbacks.onSample = [&err](qint64 step, const QImage&) {
        err << "stillmotion-cli: samples at step " << step << "\n";
        err.flush();
    };
    callbacks.stop = &g_stop;
    return callbacks;
}

QCommandLineOption valueOption(const char* name, const char* help, const char* valueName) {
    return QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(help), QString::fromLatin1(valueName));
}

QStringList takeResumeOption(const QStringList& args, bool* resume, QString* checkpoint) {
    QStringList rest;
    *resume = false;
    checkpoint->clear();
    for (int i = 0; i < args.size(); ++i) {
        const QString& arg = args.at(i);
        if (arg.startsWith(QLatin1String("--resume="))) {
            *resume = true;
            *checkpoint = arg.mid(9);
        } else if (arg == QLatin1String("--resume")) {
            *resume = true;
            if (i + 1 < args.size() && !args.at(i + 1).startsWith(QLatin1Char('-')))
                *checkpoint = args.at(++i);
        } else {
            rest.append(arg);
        }
    }
    return rest;
}

int runTrainCommand(const QStringList& rawArgs, QTextStream& err) {
    core::Pix2GifRunOptions options;
    const QStringList args = takeResumeOption(rawArgs, &options.resume, &options.resumeFrom);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Fine-tune a Pix2Gif model on a pair dataset"));
    const TrainingOptionText text{"train", "base model: Pix2Gif .safetensors / .ckpt, SD-1.5 checkpoint or folder",
                                  "run folder (checkpoints, samples, metrics.csv, model.safetensors)",
                                  "pairs per micro-batch", "data order, flips, noise"};
    parser.addOptions(trainingOptions(text, options));
    parser.addOptions({
        valueOption("ema-decay", "EMA maximum decay (default 0.9999)", "d"),
        valueOption("ema-every", "EMA update cadence: micro (Lightning, default) or step", "when"),
        QCommandLineOption(QStringLiteral("no-flip"), QStringLiteral("no random joint horizontal flip")),
        valueOption("cond-dropout", "conditioning dropout p (default 0.05)", "p"),
        valueOption("perceptual-weight", "perceptual loss weight λ_P (default 0.01; 0 = off)", "w"),
        valueOption("perceptual-reference", "source (the authors' code, default) or target (the paper)", "ref"),
        valueOption("vgg", "torchvision vgg19 ImageNet weights for the perceptual loss", "file"),
        valueOption("snr-gamma", "Min-SNR-γ weighting of the ε loss (default 0 = off, the authors' plain MSE)", "g"),
        valueOption("sample-every", "optimizer steps between sample strips (default 2000; 0 = never)", "n"),
        valueOption("sample-steps", "DPM++ 2M Karras steps of the samples (default 20)", "n"),
        QCommandLineOption(QStringLiteral("cache-frames"), QStringLiteral("keep decoded frames in memory")),
        QCommandLineOption(QStringLiteral("train-text-encoder"),
                           QStringLiteral("also train the CLIP text encoder (for models built from scratch; the "
                                          "authors keep their pretrained CLIP frozen)")),
    });
    if (const OptionsRead read = readTrainingOptions(parser, text, args, &options, err); read != OptionsRead::Ok)
        return read == OptionsRead::HelpShown ? 0 : 2;
    options.flip = !parser.isSet(QStringLiteral("no-flip"));
    options.vggWeights = parser.value(QStringLiteral("vgg"));
    options.cacheFrames = parser.isSet(QStringLiteral("cache-frames"));
    options.trainTextEncoder = parser.isSet(QStringLiteral("train-text-encoder"));
    const bool numbersOk =
        readNumber(parser, QStringLiteral("ema-decay"), &options.emaDecay, err, 0.0) &&
        readNumber(parser, QStringLiteral("cond-dropout"), &options.conditioningDropout, err, 0.0) &&
        readNumber(parser, QStringLiteral("perceptual-weight"), &options.perceptualWeight, err, 0.0) &&
        readNumber(parser, QStringLiteral("snr-gamma"), &options.snrGamma, err, 0.0) &&
        readNumber(parser, QStringLiteral("sample-every"), &options.sampleEvery, err, qint64(0)) &&
        readNumber(parser, QStringLiteral("sample-steps"), &options.sampleSteps, err, 1);
    if (!numbersOk)
        return 2;
    if (options.emaDecay > 1.0 || options.conditioningDropout >= 1.0 / 3.0) {
        err << "stillmotion-cli: --ema-decay must be in [0, 1] and --cond-dropout below 1/3\n";
        return 2;
    }
    const QString emaEvery = parser.value(QStringLiteral("ema-every"));
    if (!emaEvery.isEmpty() && emaEvery != QLatin1String("micro") && emaEvery != QLatin1String("step")) {
        err << "stillmotion-cli: --ema-every is 'micro' or 'step', got '" << emaEvery << "'\n";
        return 2;
    }
    options.emaEveryMicroBatch = emaEvery != QLatin1String("step");
    const QString reference = parser.value(QStringLiteral("perceptual-reference"));
    if (!reference.isEmpty() && reference != QLatin1String("source") && reference != QLatin1String("target")) {
        err << "stillmotion-cli: --perceptual-reference is 'source' or 'target', got '" << reference << "'\n";
        return 2;
    }
    options.perceptualOnTarget = reference == QLatin1String("target");

    const StopSignalGuard signalGuard;
    err << "stillmotion-cli: training " << (options.model.isEmpty() ? options.resumeFrom : options.model) << " on "
        << options.data << " into " << options.output << (options.resume ? " (resuming)" : "") << "\n";
    err.flush();
    const core::RunResult result = core::runPix2GifTraining(options, consoleCallbacks(err));
    if (!result.ok()) {
        err << "stillmotion-cli: training failed: " << result.error << "\n";
        return 1;
    }
    if (result.stopped) {
        err << "stillmotion-cli: stopped at step " << result.steps << "; resume with --resume " << result.lastCheckpoint
            << "\n";
        return 0;
    }
    err << "stillmotion-cli: trained " << result.steps << " steps; wrote " << result.modelPath << "\n";
    return 0;
}

}  // namespace sm::cli
