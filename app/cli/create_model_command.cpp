#include "cli/create_model_command.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <exception>

#include "cli/option_help.h"
#include "engine/engine.h"

namespace sm::cli {

int runCreateModelCommand(const QStringList& args, QTextStream& err) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Create a Pix2Gif model file"));
    const QCommandLineOption from(QStringLiteral("from"),
                                  QStringLiteral("SD-1.5 / InstructPix2Pix / Pix2Gif checkpoint or diffusers folder"),
                                  QStringLiteral("path"));
    const QCommandLineOption random(QStringLiteral("random"), QStringLiteral("random weights: tiny, demo or full"),
                                    QStringLiteral("size"));
    const QCommandLineOption output(QStringLiteral("output"), QStringLiteral("the .safetensors file to write"),
                                    QStringLiteral("file"));
    const QCommandLineOption name(QStringLiteral("name"), QStringLiteral("model card name"), QStringLiteral("name"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("seed of the new weights"),
                                  QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption description(QStringLiteral("description"), QStringLiteral("model card description"),
                                         QStringLiteral("text"));
    const QCommandLineOption evaluation(
        QStringLiteral("evaluation"),
        QStringLiteral("put this results.json of `stillmotion-cli eval` (without its per-item rows) into the model "
                       "card"),
        QStringLiteral("file"));
    const QCommandLineOption half(QStringLiteral("half"), QStringLiteral("store the weights as float16"));
    parser.addOptions({from, random, output, name, seed, description, evaluation, half});
    if (showHelpIfAsked(parser, "create-model", args, err))
        return 0;
    if (!parser.parse(QStringList{QStringLiteral("create-model")} + args)) {
        err << "stillmotion-cli: " << parser.errorText() << "\n";
        return 2;
    }
    if (parser.isSet(from) == parser.isSet(random)) {
        err << "stillmotion-cli: give either --from <checkpoint> or --random tiny|demo|full\n";
        return 2;
    }
    if (!parser.isSet(output)) {
        err << "stillmotion-cli: --output <file.safetensors> is required\n";
        return 2;
    }
    bool seedOk = false;
    engine::CreateOptions options;
    options.seed = parser.value(seed).toULongLong(&seedOk);
    if (!seedOk) {
        err << "stillmotion-cli: --seed must be a non-negative integer\n";
        return 2;
    }
    options.from = parser.value(from).toStdString();
    options.randomSize = parser.isSet(random) ? parser.value(random).toStdString() : std::string();
    options.output = parser.value(output).toStdString();
    options.name = parser.value(name).toStdString();
    options.description = parser.value(description).toStdString();
    options.halfPrecision = parser.isSet(half);
    if (parser.isSet(evaluation)) {
        QFile file(parser.value(evaluation));
        QJsonParseError parseError;
        const QJsonDocument doc = file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll(), &parseError)
                                                                 : QJsonDocument();
        if (!doc.isObject()) {
            err << "stillmotion-cli: " << parser.value(evaluation)
                << ": cannot read it as the JSON object stillmotion-cli eval writes\n";
            return 1;
        }
        QJsonObject results = doc.object();
        results.remove(QStringLiteral("items"));  // per-item rows stay in the results file
        options.evaluationJson = QJsonDocument(results).toJson(QJsonDocument::Compact).toStdString();
    }
    try {
        err << "stillmotion-cli: creating " << parser.value(output) << " ...\n";
        err.flush();
        const engine::ModelInfo info = engine::createPix2Gif(options);
        err << "stillmotion-cli: wrote " << QString::fromStdString(info.path) << ": Pix2Gif " << info.width << "×"
            << info.height << ", " << info.parameters << " parameters; " << QString::fromStdString(info.description)
            << "\n";
        return 0;
    } catch (const std::exception& e) {
        err << "stillmotion-cli: " << QString::fromUtf8(e.what()) << "\n";
        return 1;
    }
}

}  // namespace sm::cli
