#include "cli/train_vae_command.h"

#include <QCommandLineParser>

#include "cli/train_command.h"
#include "cli/training_options.h"

namespace sm::cli {

int runTrainVaeCommand(const QStringList& rawArgs, QTextStream& err) {
    core::VaeRunOptions options;
    const QStringList args = takeResumeOption(rawArgs, &options.resume, &options.resumeFrom);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Train the VAE of a Pix2Gif model on a dataset's frames"));
    const TrainingOptionText text{"train-vae", "the Pix2Gif bundle whose VAE is trained",
                                  "run folder (checkpoints, samples, metrics.csv, model.safetensors)",
                                  "frames per micro-batch", "data order and posterior noise"};
    parser.addOptions(trainingOptions(text, options));
    parser.addOptions({
        valueOption("kl-weight", "weight of the KL term (default 1e-6)", "w"),
        valueOption("posterior-noise",
                    "scale of the posterior noise in the decoded latent: 1 = ldm's samples (default), 0 = the mean",
                    "s"),
        valueOption("scale-images", "frames used to measure the latent scale and the reconstruction PSNR (default 64)",
                    "n"),
        QCommandLineOption(QStringLiteral("decoder-only"),
                           QStringLiteral("train only the decoder: the latent space stays as it is, so a Pix2Gif "
                                          "trained on it keeps working (then splice with --resume ... --model)")),
        QCommandLineOption(QStringLiteral("no-cache"), QStringLiteral("decode frames again every epoch")),
    });
    if (const OptionsRead read = readTrainingOptions(parser, text, args, &options, err); read != OptionsRead::Ok)
        return read == OptionsRead::HelpShown ? 0 : 2;
    options.cacheFrames = !parser.isSet(QStringLiteral("no-cache"));
    options.decoderOnly = parser.isSet(QStringLiteral("decoder-only"));
    const bool numbersOk = readNumber(parser, QStringLiteral("kl-weight"), &options.klWeight, err, 0.0) &&
                           readNumber(parser, QStringLiteral("posterior-noise"), &options.posteriorNoise, err, 0.0) &&
                           readNumber(parser, QStringLiteral("scale-images"), &options.scaleImages, err, 1);
    if (!numbersOk)
        return 2;

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
    err << "stillmotion-cli: trained the VAE for " << result.steps << " steps; reconstruction PSNR "
        << QString::number(result.reconstructionPsnr, 'f', 2) << " dB (" << result.modelPath
        << "/../samples/reconstruction.png); wrote " << result.modelPath << "\n";
    return 0;
}

}  // namespace sm::cli
