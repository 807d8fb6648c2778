#include "cli/train_vae_command.h"

#include <QCommandLineParser>

#include "cli/train_command.h"

namespace sm::cli {

int runTrainVaeCommand(const QStringList& rawArgs, QTextStream& err) {
    core::VaeRunOptions options;
    const QStringList args = takeResumeOption(rawArgs, &options.resume, &options.resumeFrom);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Train the VAE of a Pix2Gif model on a dataset's frames"));
    const auto valueOption = [](const char* name, const char* help, const char* valueName) {
        return QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(help), QString::fromLatin1(valueName));
    };
    parser.addOptions({
        valueOption("data", "pair dataset folder (stillmotion-cli curate) or its pairs JSON", "path"),
        valueOption("model", "the Pix2Gif bundle whose VAE is trained", "path"),
        valueOption("output", "run folder (checkpoints, metrics.csv, model.safetensors)", "dir"),
        valueOption("steps", "optimizer steps in total (default 2000)", "n"),
        valueOption("batch", "frames per micro-batch (default 8)", "b"),
        valueOption("accumulate", "micro-batches per optimizer step (default 1)", "a"),
        valueOption("lr", "learning rate (default 1e-3)", "x"),
        valueOption("warmup", "linear warm-up steps (default 0)", "n"),
        valueOption("kl-weight", "weight of the KL term (default 1e-6)", "w"),
        valueOption("scale-images", "frames used to measure the latent scale (default 64)", "n"),
        valueOption("checkpoint-every", "optimizer steps between checkpoints (default 500; 0 = end only)", "n"),
        valueOption("seed", "data order and posterior noise (default 0)", "s"),
        valueOption("threads", "CPU threads (default 0 = all cores)", "n"),
        QCommandLineOption(QStringLiteral("no-cache"), QStringLiteral("decode frames again every epoch")),
        valueOption("name", "model card name of the result", "name"),
    });
    if (!parser.parse(QStringList{QStringLiteral("train-vae")} + args)) {
        err << "stillmotion-cli: " << parser.errorText() << "\n";
        return 2;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err << "stillmotion-cli: unexpected argument '" << parser.positionalArguments().first() << "'\n";
        return 2;
    }
    if (!parser.isSet(QStringLiteral("data")) || !parser.isSet(QStringLiteral("output")) ||
        (!parser.isSet(QStringLiteral("model")) && !options.resume)) {
        err << "usage: stillmotion-cli train-vae --data DATASET --model BASE.safetensors --output RUN_DIR [options] "
               "(--help lists them)\n";
        return 2;
    }
    options.data = parser.value(QStringLiteral("data"));
    options.model = parser.value(QStringLiteral("model"));
    options.output = parser.value(QStringLiteral("output"));
    options.name = parser.value(QStringLiteral("name"));
    options.cacheFrames = !parser.isSet(QStringLiteral("no-cache"));
    qint64 seed = 0;
    const bool numbersOk =
        readNumber(parser, QStringLiteral("steps"), &options.steps, err, qint64(1)) &&
        readNumber(parser, QStringLiteral("batch"), &options.batch, err, 1) &&
        readNumber(parser, QStringLiteral("accumulate"), &options.accumulate, err, 1) &&
        readNumber(parser, QStringLiteral("lr"), &options.learningRate, err, 0.0) &&
        readNumber(parser, QStringLiteral("warmup"), &options.warmup, err, qint64(0)) &&
        readNumber(parser, QStringLiteral("kl-weight"), &options.klWeight, err, 0.0) &&
        readNumber(parser, QStringLiteral("scale-images"), &options.scaleImages, err, 1) &&
        readNumber(parser, QStringLiteral("checkpoint-every"), &options.checkpointEvery, err, qint64(0)) &&
        readNumber(parser, QStringLiteral("seed"), &seed, err, qint64(0)) &&
        readNumber(parser, QStringLiteral("threads"), &options.threads, err, 0);
    if (!numbersOk)
        return 2;
    options.seed = quint64(seed);

    const StopSignalGuard signalGuard;
    err << "stillmotion-cli: training the VAE of "
        << (options.model.isEmpty() ? QStringLiteral("the resumed run") : options.model) << " on " << options.data
        << " into " << options.output << (options.resume ? " (resuming)" : "") << "\n";
    err.flush();
    const core::RunResult result = core::runVaeTraining(options, consoleCallbacks(err));
    if (!result.ok()) {
        err << "stillmotion-cli: VAE training failed: " << result.error << "\n";
        return 1;
    }
    if (result.stopped) {
        err << "stillmotion-cli: stopped at step " << result.steps << "; resume with --resume " << result.lastCheckpoint
            << "\n";
        return 0;
    }
    err << "stillmotion-cli: trained the VAE for " << result.steps << " steps; wrote " << result.modelPath << "\n";
    return 0;
}

}  // namespace sm::cli
