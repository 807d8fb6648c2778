// stillmotion-cli: the command-line tool. Subcommands parse their own options (app/cli/).
#include "cli/create_model_command.h"
#include "cli/encode_command.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("stillmotion-cli"));
    QTextStream err(stderr);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args.at(1) == QLatin1String("--help") || args.at(1) == QLatin1String("-h")) {
        err << "usage: stillmotion-cli <command> [options]\n"
               "commands:\n"
               "  encode         encode frames, a video or a GIF to GIF/MP4/WebP/PNG frames\n"
               "  create-model   make a Pix2Gif model from an SD-1.5/InstructPix2Pix checkpoint, or random\n";
        return args.size() < 2 ? 2 : 0;
    }
    if (args.at(1) == QLatin1String("encode")) {
        return sm::cli::runEncodeCommand(args.mid(2), err);
    }
    if (args.at(1) == QLatin1String("create-model")) {
        return sm::cli::runCreateModelCommand(args.mid(2), err);
    }
    err << "stillmotion-cli: unknown command '" << args.at(1) << "' (try --help)\n";
    return 2;
}
