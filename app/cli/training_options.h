#pragma once
// The options `train` and `train-vae` share (data, model, output, name, schedule, checkpoints, seed, threads),
// declared and read in one place. Each command adds its own options to the same parser. The defaults shown in
// --help come from the run options struct itself, so they cannot drift from what runs.
#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>
#include <QTextStream>

#include "cli/option_help.h"
#include "cli/train_command.h"

namespace sm::cli {

/// How the shared options read in --help for one command.
struct TrainingOptionText {
    const char* command;      // "train"
    const char* modelHelp;    // what --model names
    const char* outputHelp;   // what RUN_DIR receives
    const char* batchHelp;    // what one micro-batch holds ("pairs", "frames")
    const char* seedHelp;     // what the seed decides
};

/// A value option "--name <valueName>" with a help text given in UTF-8.
QCommandLineOption valueOption(const char* name, const char* help, const char* valueName);

/// The shared options; `defaults` supplies the default values the help shows.
template <typename RunOptions>
QList<QCommandLineOption> trainingOptions(const TrainingOptionText& text, const RunOptions& defaults) {
    const auto withDefault = [](const char* help, const QString& value) {
        return QString::fromUtf8(help) + QStringLiteral(" (default %1)").arg(value);
    };
    const auto option = [](const char* name, const QString& help, const char* valueName) {
        return QCommandLineOption(QString::fromLatin1(name), help, QString::fromLatin1(valueName));
    };
    return {
        valueOption("data", "pair dataset folder (stillmotion-cli curate) or its pairs JSON", "path"),
        valueOption("model", text.modelHelp, "path"),
        valueOption("output", text.outputHelp, "dir"),
        option("steps", withDefault("optimizer steps in total", QString::number(defaults.steps)), "n"),
        option("batch", withDefault(text.batchHelp, QString::number(defaults.batch)), "b"),
        option("accumulate", withDefault("micro-batches per optimizer step", QString::number(defaults.accumulate)),
               "a"),
        option("lr", withDefault("learning rate", QString::number(defaults.learningRate)), "x"),
        option("warmup", withDefault("linear warm-up steps from 1e-6·lr", QString::number(defaults.warmup)), "n"),
        option("final-lr-factor",
               withDefault("after warm-up the lr falls linearly to this fraction of --lr at the last step; "
                           "1 = constant",
                           QString::number(defaults.finalLrFactor)),
               "f"),
        option("checkpoint-every",
               withDefault("optimizer steps between checkpoints; 0 = end only", QString::number(defaults.checkpointEvery)),
               "n"),
        option("seed", withDefault(text.seedHelp, QString::number(defaults.seed)), "s"),
        option("threads", withDefault("CPU threads; 0 = all cores", QString::number(defaults.threads)), "n"),
        valueOption("name", "model card name of the result", "name"),
    };
}

enum class OptionsRead { Ok, HelpShown, Invalid };

/// Parses `args` (after the command word) with `parser` (which holds the shared and the command's own options)
/// and reads the shared ones into `options`. Invalid after writing the error, or the usage line when data,
/// output or (unless resuming) model is missing, to `err`; HelpShown after writing --help's text to `err`.
template <typename RunOptions>
OptionsRead readTrainingOptions(QCommandLineParser& parser, const TrainingOptionText& text, const QStringList& args,
                                RunOptions* options, QTextStream& err) {
    if (showHelpIfAsked(parser, text.command, args, err))
        return OptionsRead::HelpShown;
    if (!parser.parse(QStringList{QString::fromLatin1(text.command)} + args)) {
        err << "stillmotion-cli: " << parser.errorText() << "\n";
        return OptionsRead::Invalid;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err << "stillmotion-cli: unexpected argument '" << parser.positionalArguments().first() << "'\n";
        return OptionsRead::Invalid;
    }
    if (!parser.isSet(QStringLiteral("data")) || !parser.isSet(QStringLiteral("output")) ||
        (!parser.isSet(QStringLiteral("model")) && !options->resume)) {
        err << "usage: stillmotion-cli " << text.command
            << " --data DATASET --model BASE --output RUN_DIR [options] (--help lists them)\n";
        return OptionsRead::Invalid;
    }
    options->data = parser.value(QStringLiteral("data"));
    options->model = parser.value(QStringLiteral("model"));
    options->output = parser.value(QStringLiteral("output"));
    options->name = parser.value(QStringLiteral("name"));
    qint64 seed = qint64(options->seed);
    const bool ok = readNumber(parser, QStringLiteral("steps"), &options->steps, err, qint64(1)) &&
                    readNumber(parser, QStringLiteral("batch"), &options->batch, err, 1) &&
                    readNumber(parser, QStringLiteral("accumulate"), &options->accumulate, err, 1) &&
                    readNumber(parser, QStringLiteral("lr"), &options->learningRate, err, 0.0) &&
                    readNumber(parser, QStringLiteral("warmup"), &options->warmup, err, qint64(0)) &&
                    readNumber(parser, QStringLiteral("final-lr-factor"), &options->finalLrFactor, err, 0.0) &&
                    readNumber(parser, QStringLiteral("checkpoint-every"), &options->checkpointEvery, err, qint64(0)) &&
                    readNumber(parser, QStringLiteral("seed"), &seed, err, qint64(0)) &&
                    readNumber(parser, QStringLiteral("threads"), &options->threads, err, 0);
    if (!ok)
        return OptionsRead::Invalid;
    if (options->finalLrFactor > 1.0) {
        err << "stillmotion-cli: --final-lr-factor must lie in [0, 1]\n";
        return OptionsRead::Invalid;
    }
    options->seed = quint64(seed);
    return OptionsRead::Ok;
}

}  // namespace sm::cli
