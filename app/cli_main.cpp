// stillmotion-cli: the command-line tool. Subcommands parse their own options (app/cli/).
#include "cli/create_model_command.h"
#include "cli/encode_command.h"
#include "cli/curate_command.h"
#include "cli/synth_command.h"
#include "cli/eval_command.h"
#include "cli/train_command.h"
#include "cli/train_vae_command.h"

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
               "  create-model   make a Pix2Gif model from an SD-1.5/InstructPix2Pix checkpoint, or random\n"
               "  synth          procedural clips (or eval stills) with exact motion truth\n"
               "  curate         build a Pix2Gif pair dataset from a folder of clips\n"
               "  eval           Pix2Gif motion coherency: requested vs measured motion, SSIM, PSNR\n"
               "  train          fine-tune a Pix2Gif model on a pair dataset (checkpoints, resume, samples)\n"
               "  train-vae      train a Pix2Gif model's VAE on a dataset's frames (the demo model's first stage)\n";
        return args.size() < 2 ? 2 : 0;
    }
    if (args.at(1) == QLatin1String("encode")) {
        return sm::cli::runEncodeCommand(args.mid(2), err);
    }
    if (args.at(1) == QLatin1String("create-model")) {
        return sm::cli::runCreateModelCommand(args.mid(2), err);
    }
    if (args.at(1) == QLatin1String("synth")) {
        return sm::cli::runSynthCommand(args.mid(2), err);
    }
    if (args.at(1) == QLatin1String("curate")) {
        return sm::cli::runCurateCommand(args.mid(2), err);
    }
    if (args.at(1) == QLatin1String("eval")) {
        QTextStream out(stdout);
        return sm::cli::runEvalCommand(args.mid(2), out, err);
    }
    if (args.at(1) == QLatin1String("train")) {
        return sm::cli::runTrainCommand(args.mid(2), err);
    }
    if (args.at(1) == QLatin1String("train-vae")) {
        return sm::cli::runTrainVaeCommand(args.mid(2), err);
    }
    err << "stillmotion-cli: unknown command '" << args.at(1) << "' (try --help)\n";
    return 2;
}
