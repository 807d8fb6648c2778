#include "cli/synth_command.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSet>

#include <atomic>
#include <csignal>

#include "dataset/procedural_scene.h"
#include "dataset/seeded_random.h"
#include "export/gif_encoder.h"

namespace sm::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;
// Eval scenes draw from their own sub-seed stream so they never repeat a training scene of the same --seed.
constexpr std::uint64_t kEvalStream = 0x5EED0E7A1ULL;

std::atomic<bool> g_interrupted{false};
extern "C" void handleSynthInterrupt(int) {
    g_interrupted.store(true);
}

struct SynthOptions {
    QString output;
    int clips = 100;
    std::uint64_t seed = 0;
    bool eval = false;
    bool kindsGiven = false;
    core::SceneOptions scene;
};

int fail(QTextStream& err, const QString& problem, int code = kExitFailure) {
    err << "stillmotion-cli: " << problem << "\n";
    err.flush();
    return code;
}

// "a:b" with a <= b, both numbers in [low, high].
bool parseRange(const QString& text, double low, double high, double* a, double* b) {
    const QStringList parts = text.split(QLatin1Char(':'));
    if (parts.size() != 2)
        return false;
    bool okA = false, okB = false;
    *a = parts.at(0).toDouble(&okA);
    *b = parts.at(1).toDouble(&okB);
    return okA && okB && *a >= low && *b <= high && *a <= *b;
}

int parseOptions(const QStringList& args, SynthOptions* options, QString* problem) {
    static const QSet<QString> valued = {
        QStringLiteral("--output"), QStringLiteral("--clips"), QStringLiteral("--size"),  QStringLiteral("--frames"),
        QStringLiteral("--seed"),   QStringLiteral("--kinds"), QStringLiteral("--speed"), QStringLiteral("--sprites")};
    for (int i = 0; i < args.size(); ++i) {
        const QString& arg = args.at(i);
        if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            problem->clear();
            return kExitUsage;
        }
        if (arg == QLatin1String("--eval")) {
            options->eval = true;
            continue;
        }
        if (!valued.contains(arg)) {
            *problem = QStringLiteral("unknown option '%1' (try synth --help)").arg(arg);
            return kExitUsage;
        }
        if (i + 1 >= args.size()) {
            *problem = QStringLiteral("%1 needs a value").arg(arg);
            return kExitUsage;
        }
        const QString value = args.at(++i);
        bool ok = false;
        if (arg == QLatin1String("--output")) {
            options->output = value;
        } else if (arg == QLatin1String("--clips")) {
            options->clips = value.toInt(&ok);
            if (!ok || options->clips < 1 || options->clips > 1000000) {
                *problem = QStringLiteral("--clips must be an integer in 1..1000000 (got '%1')").arg(value);
                return kExitUsage;
            }
        } else if (arg == QLatin1String("--size")) {
            options->scene.side = value.toInt(&ok);
            if (!ok || options->scene.side < 16 || options->scene.side > 2048) {
                *problem = QStringLiteral("--size must be an integer in 16..2048 (got '%1')").arg(value);
                return kExitUsage;
            }
        } else if (arg == QLatin1String("--frames")) {
            options->scene.frames = value.toInt(&ok);
            if (!ok || options->scene.frames < 2 || options->scene.frames > 1000) {
                *problem = QStringLiteral("--frames must be an integer in 2..1000 (got '%1')").arg(value);
                return kExitUsage;
            }
        } else if (arg == QLatin1String("--seed")) {
            options->seed = value.toULongLong(&ok);
            if (!ok) {
                *problem = QStringLiteral("--seed must be a non-negative integer (got '%1')").arg(value);
                return kExitUsage;
            }
        } else if (arg == QLatin1String("--kinds")) {
            options->kindsGiven = true;
            options->scene.translateWeight = options->scene.rotateWeight = options->scene.scaleWeight = 0.0;
            for (const QString& name : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                core::MotionKind kind;
                if (!core::parseMotionKind(name, &kind)) {
                    *problem = QStringLiteral("--kinds: '%1' is not translate, rotate or scale").arg(name);
                    return kExitUsage;
                }
                (kind == core::MotionKind::Translate ? options->scene.translateWeight
                 : kind == core::MotionKind::Rotate  ? options->scene.rotateWeight
                                                     : options->scene.scaleWeight) = 1.0;
            }
            if (options->scene.translateWeight + options->scene.rotateWeight + options->scene.scaleWeight == 0.0) {
                *problem = QStringLiteral("--kinds needs at least one of translate, rotate, scale");
                return kExitUsage;
            }
        } else if (arg == QLatin1String("--speed")) {
            if (!parseRange(value, 0.05, 1000.0, &options->scene.minSpeed, &options->scene.maxSpeed)) {
                *problem = QStringLiteral("--speed must be a:b px/frame with 0.05 <= a <= b (got '%1')").arg(value);
                return kExitUsage;
            }
        } else if (arg == QLatin1String("--sprites")) {
            double a = 0, b = 0;
            if (!parseRange(value, 1, 3, &a, &b) || a != int(a) || b != int(b)) {
                *problem = QStringLiteral("--sprites must be a:b with 1 <= a <= b <= 3 (got '%1')").arg(value);
                return kExitUsage;
            }
            options->scene.minSprites = int(a);
            options->scene.maxSprites = int(b);
        }
    }
    if (options->output.isEmpty()) {
        *problem = QStringLiteral("--output is required (a folder)");
        return kExitUsage;
    }
    if (options->eval && !options->kindsGiven) {
        options->scene.rotateWeight = 0.0;
        options->scene.scaleWeight = 0.0;
    }
    return kExitOk;
}

bool writeFile(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("%1: cannot write (%2)").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

QJsonObject optionsJson(const SynthOptions& options) {
    const core::SceneOptions& s = options.scene;
    return QJsonObject{{QStringLiteral("clips"), options.clips},
                       {QStringLiteral("seed"), QString::number(options.seed)},
                       {QStringLiteral("eval"), options.eval},
                       {QStringLiteral("side"), s.side},
                       {QStringLiteral("frames"), s.frames},
                       {QStringLiteral("kind_weights"), QJsonObject{{QStringLiteral("translate"), s.translateWeight},
                                                                    {QStringLiteral("rotate"), s.rotateWeight},
                                                                    {QStringLiteral("scale"), s.scaleWeight}}},
                       {QStringLiteral("speed_px_per_frame"), QJsonArray{s.minSpeed, s.maxSpeed}},
                       {QStringLiteral("sprites"), QJsonArray{s.minSprites, s.maxSprites}}};
}

}  // namespace

QString synthUsage() {
    return QStringLiteral(
        "usage: stillmotion-cli synth --output DIR [--clips N] [--size 64] [--frames 12] [--seed S]\n"
        "                             [--kinds translate,rotate,scale] [--speed a:b] [--sprites a:b] [--eval]\n"
        "  --clips N       number of clips (default 100)\n"
        "  --size S        frame side in pixels (default 64)\n"
        "  --frames F      frames per clip (default 12)\n"
        "  --seed S        the same seed gives the same clips (default 0)\n"
        "  --kinds K,...   motion kinds of the captioned sprite (default all; with --eval: translate)\n"
        "  --speed a:b     translation speed range in px/frame at --size (default 1:3)\n"
        "  --sprites a:b   sprites per scene, 1..3 (default 1:3)\n"
        "  --eval          write first frames as PNG + eval.json instead of GIF clips\n"
        "output: scene_NNN.gif + scene_NNN.txt + truth.json, or scene_NNN.png + eval.json + truth.json\n");
}

int runSynthCommand(const QStringList& args, QTextStream& err) {
    SynthOptions options;
    QString problem;
    const int parsed = parseOptions(args, &options, &problem);
    if (parsed != kExitOk) {
        if (problem.isEmpty()) {
            err << synthUsage();
            return kExitOk;
        }
        return fail(err, problem, parsed);
    }
    const QDir output(options.output);
    if (!output.mkpath(QStringLiteral(".")))
        return fail(err, QStringLiteral("cannot create the output folder %1").arg(options.output));

    g_interrupted.store(false);
    auto previousHandler = std::signal(SIGINT, handleSynthInterrupt);
    struct Restore {
        decltype(previousHandler) handler;
        ~Restore() { std::signal(SIGINT, handler); }
    } restore{previousHandler};

    const int digits = std::max(3, int(QString::number(options.clips - 1).size()));
    core::GifEncodeOptions gif;
    gif.quality = 100;      // no "unchanged pixel" tolerance: the clips keep exact sprite edges
    gif.ditherLevel = 0.f;  // dithering would add frame-to-frame noise that optical flow picks up
    gif.paletteMode = core::GifPaletteMode::Global;
    QJsonArray clips;
    QJsonArray items;
    QString error;
    for (int k = 0; k < options.clips; ++k) {
        if (g_interrupted.load())
            return fail(err, QStringLiteral("cancelled after %1 of %2 clips").arg(k).arg(options.clips),
                        kExitInterrupted);
        const std::uint64_t sceneSeed =
            core::SeededRandom::deriveSeed(options.eval ? options.seed ^ kEvalStream : options.seed, std::uint64_t(k));
        const core::ProceduralScene scene = core::ProceduralScene::generate(sceneSeed, options.scene);
        const QString stem = QStringLiteral("scene_%1").arg(k, digits, 10, QLatin1Char('0'));
        QJsonObject truth = scene.truthJson();
        if (options.eval) {
            const QString image = stem + QStringLiteral(".png");
            if (!scene.renderFrame(0).save(output.filePath(image), "PNG"))
                return fail(err, QStringLiteral("%1: cannot write").arg(output.filePath(image)));
            items.append(QJsonObject{{QStringLiteral("image"), image},
                                     {QStringLiteral("caption"), scene.caption()},
                                     {QStringLiteral("direction"), scene.directionLabel()}});
            truth.insert(QStringLiteral("file"), image);
        } else {
            QByteArray bytes;
            const QVector<QImage> frames = scene.renderAll();
            if (!core::encodeGifToBytes(frames, QVector<int>(frames.size(), 10), gif, &bytes, &error))
                return fail(err, error);
            if (!writeFile(output.filePath(stem + QStringLiteral(".gif")), bytes, &error) ||
                !writeFile(output.filePath(stem + QStringLiteral(".txt")), scene.caption().toUtf8() + "\n", &error))
                return fail(err, error);
            truth.insert(QStringLiteral("file"), stem + QStringLiteral(".gif"));
        }
        clips.append(truth);
        if ((k + 1) % std::max(1, options.clips / 10) == 0 || k + 1 == options.clips) {
            err << "synth: " << (k + 1) << "/" << options.clips << " clips\n";
            err.flush();
        }
    }
    const QJsonObject truthRoot{{QStringLiteral("generator"), QStringLiteral("stillmotion procedural scenes v1")},
                                {QStringLiteral("options"), optionsJson(options)},
                                {QStringLiteral("clips"), clips}};
    if (!writeFile(output.filePath(QStringLiteral("truth.json")), QJsonDocument(truthRoot).toJson(), &error))
        return fail(err, error);
    if (options.eval && !writeFile(output.filePath(QStringLiteral("eval.json")),
                                   QJsonDocument(QJsonObject{{QStringLiteral("items"), items}}).toJson(), &error))
        return fail(err, error);
    err << "synth: wrote " << options.clips << (options.eval ? " eval images" : " clips") << " to "
        << QDir::toNativeSeparators(output.absolutePath()) << "\n";
    return kExitOk;
}

}  // namespace sm::cli
