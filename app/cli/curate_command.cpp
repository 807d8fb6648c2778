#include "cli/curate_command.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

#include <atomic>
#include <csignal>

#include "dataset/pair_dataset_writer.h"

namespace sm::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;

std::atomic<bool> g_cancel{false};
extern "C" void handleCurateInterrupt(int) {
    g_cancel.store(true);
}

struct CurateOptions {
    QString input;
    QString output;
    core::DatasetBuildOptions build;
};

int fail(QTextStream& err, const QString& problem, int code = kExitFailure) {
    err << "stillmotion-cli: " << problem << "\n";
    err.flush();
    return code;
}

bool parseIntIn(const QString& name, const QString& text, int low, int high, int* value, QString* problem) {
    bool ok = false;
    const int parsed = text.toInt(&ok);
    if (!ok || parsed < low || parsed > high) {
        *problem = QStringLiteral("%1 must be an integer in %2..%3 (got '%4')").arg(name).arg(low).arg(high).arg(text);
        return false;
    }
    *value = parsed;
    return true;
}

int parseOptions(const QStringList& args, CurateOptions* options, QString* problem) {
    static const QSet<QString> valued = {
        QStringLiteral("--input"),         QStringLiteral("--output"),        QStringLiteral("--side"),
        QStringLiteral("--analysis-side"), QStringLiteral("--training-side"), QStringLiteral("--val"),
        QStringLiteral("--seed"),          QStringLiteral("--max-pairs"),     QStringLiteral("--max-frames"),
        QStringLiteral("--max-gap"),       QStringLiteral("--motion"),        QStringLiteral("--selection")};
    core::CurationOptions& curation = options->build.curation;
    for (int i = 0; i < args.size(); ++i) {
        const QString& arg = args.at(i);
        if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            problem->clear();
            return kExitUsage;
        }
        if (!valued.contains(arg)) {
            *problem = QStringLiteral("unknown option '%1' (try curate --help)").arg(arg);
            return kExitUsage;
        }
        if (i + 1 >= args.size()) {
            *problem = QStringLiteral("%1 needs a value").arg(arg);
            return kExitUsage;
        }
        const QString value = args.at(++i);
        bool ok = true;
        if (arg == QLatin1String("--input")) {
            options->input = value;
        } else if (arg == QLatin1String("--output")) {
            options->output = value;
        } else if (arg == QLatin1String("--side")) {
            ok = parseIntIn(arg, value, 16, 4096, &curation.analysisSide, problem);
            options->build.trainingSide = curation.analysisSide;
        } else if (arg == QLatin1String("--analysis-side")) {
            ok = parseIntIn(arg, value, 16, 4096, &curation.analysisSide, problem);
        } else if (arg == QLatin1String("--training-side")) {
            ok = parseIntIn(arg, value, 8, 4096, &options->build.trainingSide, problem);
        } else if (arg == QLatin1String("--val")) {
            options->build.valFraction = value.toDouble(&ok);
            if (!ok || options->build.valFraction < 0.0 || options->build.valFraction > 1.0) {
                *problem = QStringLiteral("--val must be a fraction in 0..1 (got '%1')").arg(value);
                ok = false;
            }
        } else if (arg == QLatin1String("--seed")) {
            options->build.seed = value.toULongLong(&ok);
            if (!ok)
                *problem = QStringLiteral("--seed must be a non-negative integer (got '%1')").arg(value);
        } else if (arg == QLatin1String("--max-pairs")) {
            ok = parseIntIn(arg, value, 1, 100000, &curation.maxPairsPerClip, problem);
        } else if (arg == QLatin1String("--max-frames")) {
            ok = parseIntIn(arg, value, 2, 100000, &curation.maxFrames, problem);
        } else if (arg == QLatin1String("--max-gap")) {
            ok = parseIntIn(arg, value, 0, 100000, &curation.maxGap, problem);
        } else if (arg == QLatin1String("--motion")) {
            const QStringList parts = value.split(QLatin1Char(':'));
            bool okA = false, okB = false;
            const int a = parts.size() == 2 ? parts.at(0).toInt(&okA) : 0;
            const int b = parts.size() == 2 ? parts.at(1).toInt(&okB) : 0;
            ok = okA && okB && a >= 0 && a <= b && b <= 10000;
            if (ok) {
                curation.minMotion = a;
                curation.maxMotion = b;
            } else {
                *problem = QStringLiteral("--motion must be a:b with 0 <= a <= b (got '%1')").arg(value);
            }
        } else if (arg == QLatin1String("--selection")) {
            if (value == QLatin1String("random")) {
                curation.selection = core::PairSelection::Random;
            } else if (value == QLatin1String("diverse")) {
                curation.selection = core::PairSelection::Diverse;
            } else {
                *problem = QStringLiteral("--selection must be 'random' or 'diverse' (got '%1')").arg(value);
                ok = false;
            }
        }
        if (!ok)
            return kExitUsage;
    }
    if (options->input.isEmpty()) {
        *problem = QStringLiteral("--input is required (a folder of GIF/MP4/WebM/AVI clips)");
        return kExitUsage;
    }
    if (options->output.isEmpty()) {
        *problem = QStringLiteral("--output is required (a folder)");
        return kExitUsage;
    }
    return kExitOk;
}

}  // namespace

QString curateUsage() {
    return QStringLiteral(
        "usage: stillmotion-cli curate --input DIR --output DIR [--side 256] [--val 0.05] [--seed S]\n"
        "                              [--max-pairs 10] [--max-frames 48] [--max-gap 0] [--motion 2:19]\n"
        "                              [--analysis-side N] [--training-side N] [--selection random|diverse]\n"
        "  --side N           analysis and frame side (default 256, the authors' resolution; 64 for the demo model)\n"
        "  --analysis-side N  side at which motion is measured (motion values are pixels of this size)\n"
        "  --training-side N  side of the written frames\n"
        "  --val F            fraction of clips held out for validation (default 0.05)\n"
        "  --max-pairs N      pairs kept per clip (default 10)\n"
        "  --max-frames N     frames read per clip (default 48); --max-gap N: largest j - i (0 = any, default)\n"
        "  --motion a:b       kept motion range, truncated flow magnitude (default 2:19)\n"
        "captions: clip.txt next to the clip, else captions.csv / captions.json in its folder, else the file name\n"
        "writes pairs.json {\"train\": [[frame0, frame1, caption, motion], ...], \"val\": [...]}, frames/,"
        " dataset_info.json\n");
}

int runCurateCommand(const QStringList& args, QTextStream& err) {
    CurateOptions options;
    QString problem;
    const int parsed = parseOptions(args, &options, &problem);
    if (parsed != kExitOk) {
        if (problem.isEmpty()) {
            err << curateUsage();
            return kExitOk;
        }
        return fail(err, problem, parsed);
    }
    g_cancel.store(false);
    auto previousHandler = std::signal(SIGINT, handleCurateInterrupt);
    struct Restore {
        decltype(previousHandler) handler;
        ~Restore() { std::signal(SIGINT, handler); }
    } restore{previousHandler};

    core::DatasetBuildReport report;
    const bool ok = core::buildPairDataset(
        options.input, options.output, options.build, &report,
        [&err](int done, int total, const QString& message) {
            err << "curate: " << done << "/" << total << " " << message << "\n";
            err.flush();
        },
        &g_cancel);
    for (const QString& line : report.clipErrors)
        err << "curate: skipped " << line << "\n";
    for (const QString& line : report.warnings)
        err << "curate: warning: " << line << "\n";
    if (!ok)
        return fail(err, report.error, report.cancelled ? kExitInterrupted : kExitFailure);
    err << "curate: " << report.clipsUsed << " of " << report.clipsFound << " clips gave " << report.trainPairs
        << " train + " << report.valPairs << " val pairs (motion at " << options.build.curation.analysisSide << " x "
        << options.build.curation.analysisSide << ", frames at " << options.build.trainingSide << " x "
        << options.build.trainingSide << ")\n"
        << "curate: histogram " << options.build.curation.minMotion << ".." << options.build.curation.maxMotion << ":";
    for (int count : report.histogram)
        err << " " << count;
    err << "\ncurate: wrote " << QDir::toNativeSeparators(report.pairsPath) << "\n";
    err.flush();
    return kExitOk;
}

}  // namespace sm::cli
