#include "cli/encode_command.h"

#include "export/frame_encoder.h"
#include "media/video_decoder.h"

#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <QSet>

#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <limits>
#include <memory>

namespace sm::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;

// The encoder that SIGINT cancels. FrameEncoder::cancel() is a lock-free atomic store, safe in a signal handler.
std::atomic<core::FrameEncoder*> g_activeEncoder{nullptr};
std::atomic<bool> g_interrupted{false};

extern "C" void handleInterrupt(int) {
    g_interrupted.store(true);
    if (core::FrameEncoder* encoder = g_activeEncoder.load()) {
        encoder->cancel();
    }
}

// Everything the command line asked for; settings holds the encoder-facing values.
struct EncodeOptions {
    QString input;
    QString output;
    bool fpsGiven = false;
    core::EncodeSettings settings;
};

// Natural order: digit runs compare by value, so frame2 sorts before frame10 (QCollator's numeric mode depends on
// the ICU backend and locale, which a CLI in a minimal environment may not have).
bool naturalLess(const QString& a, const QString& b) {
    int i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i].isDigit() && b[j].isDigit()) {
            int endA = i, endB = j;
            while (endA < a.size() && a[endA].isDigit()) {
                ++endA;
            }
            while (endB < b.size() && b[endB].isDigit()) {
                ++endB;
            }
            // Compare without leading zeros: longer digit run = larger number.
            QStringView runA = QStringView(a).mid(i, endA - i), runB = QStringView(b).mid(j, endB - j);
            while (runA.size() > 1 && runA.front() == QLatin1Char('0')) {
                runA = runA.mid(1);
            }
            while (runB.size() > 1 && runB.front() == QLatin1Char('0')) {
                runB = runB.mid(1);
            }
            if (runA.size() != runB.size()) {
                return runA.size() < runB.size();
            }
            const int order = runA.compare(runB);
            if (order != 0) {
                return order < 0;
            }
            i = endA;
            j = endB;
            continue;
        }
        const QChar ca = a[i].toLower(), cb = b[j].toLower();
        if (ca != cb) {
            return ca < cb;
        }
        ++i;
        ++j;
    }
    return (a.size() - i) < (b.size() - j);
}

// Frames in a folder: every readable image format, in natural order.
QStringList imageFilesIn(const QString& folder) {
    QStringList patterns;
    for (const QByteArray& format : QImageReader::supportedImageFormats()) {
        patterns << QStringLiteral("*.") + QString::fromLatin1(format);
    }
    QStringList files = QDir(folder).entryList(patterns, QDir::Files | QDir::Readable);
    std::sort(files.begin(), files.end(), naturalLess);
    for (QString& file : files) {
        file = QDir(folder).filePath(file);
    }
    return files;
}

// Parses a number option; on failure writes the problem to *problem.
bool parseInt(const QString& name, const QString& text, qint64 minimum, qint64 maximum, qint64* value,
              QString* problem) {
    bool ok = false;
    const qint64 parsed = text.toLongLong(&ok);
    if (!ok || parsed < minimum || parsed > maximum) {
        *problem = QStringLiteral("--%1 must be an integer in %2..%3 (got '%4')")
                       .arg(name)
                       .arg(minimum)
                       .arg(maximum)
                       .arg(text);
        return false;
    }
    *value = parsed;
    return true;
}

// Returns kExitOk when parsed, else the exit code, with the problem in *problem (empty for --help).
int parseOptions(const QStringList& args, EncodeOptions* options, QString* problem) {
    for (int i = 0; i < args.size(); ++i) {
        const QString& arg = args[i];
        if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            problem->clear();
            return kExitUsage;
        }
        if (arg == QLatin1String("--pingpong")) {
            options->settings.pingPong = true;
            continue;
        }
        // Options that take a value; anything else starting with "--" is a typo worth reporting.
        static const QSet<QString> valued = {
            QStringLiteral("--input"),   QStringLiteral("--output"),  QStringLiteral("--fps"),
            QStringLiteral("--quality"), QStringLiteral("--colors"),  QStringLiteral("--max-bytes"),
            QStringLiteral("--loop"),    QStringLiteral("--palette"), QStringLiteral("--dither")};
        if (!valued.contains(arg)) {
            *problem = QStringLiteral("unknown option '%1' (try encode --help)").arg(arg);
            return kExitUsage;
        }
        if (i + 1 >= args.size()) {
            *problem = QStringLiteral("%1 needs a value").arg(arg);
            return kExitUsage;
        }
        const QString value = args[++i];
        const QString name = arg.mid(2);
        qint64 number = 0;
        if (arg == QLatin1String("--input")) {
            options->input = value;
        } else if (arg == QLatin1String("--output")) {
            options->output = value;
        } else if (arg == QLatin1String("--fps")) {
            bool ok = false;
            options->settings.fps = value.toDouble(&ok);
            if (!ok || !(options->settings.fps > 0.0) || options->settings.fps > 1000.0) {
                *problem = QStringLiteral("--fps must be a number > 0 and <= 1000 (got '%1')").arg(value);
                return kExitUsage;
            }
            options->fpsGiven = true;
        } else if (arg == QLatin1String("--quality")) {
            if (!parseInt(name, value, 1, 100, &number, problem)) {
                return kExitUsage;
            }
            options->settings.quality = int(number);
        } else if (arg == QLatin1String("--colors")) {
            if (!parseInt(name, value, 2, 256, &number, problem)) {
                return kExitUsage;
            }
            options->settings.maxColors = int(number);
        } else if (arg == QLatin1String("--max-bytes")) {
            if (!parseInt(name, value, 1, std::numeric_limits<qint64>::max(), &number, problem)) {
                return kExitUsage;
            }
            options->settings.maxBytes = number;
        } else if (arg == QLatin1String("--loop")) {
            if (!parseInt(name, value, 0, 65536, &number, problem)) {
                return kExitUsage;
            }
            options->settings.loopCount = int(number);
        } else if (arg == QLatin1String("--palette")) {
            if (value == QLatin1String("global")) {
                options->settings.gifPalette = core::GifPaletteMode::Global;
            } else if (value == QLatin1String("per-frame")) {
                options->settings.gifPalette = core::GifPaletteMode::PerFrame;
            } else {
                *problem = QStringLiteral("--palette must be 'global' or 'per-frame' (got '%1')").arg(value);
                return kExitUsage;
            }
        } else if (arg == QLatin1String("--dither")) {
            bool ok = false;
            const float level = value.toFloat(&ok);
            if (!ok || level < 0.0f || level > 1.0f) {
                *problem = QStringLiteral("--dither must be a number in 0..1 (got '%1')").arg(value);
                return kExitUsage;
            }
            options->settings.ditherLevel = level;
        }
    }
    if (options->input.isEmpty()) {
        *problem = QStringLiteral("--input is required (a folder of frames, a video or a GIF)");
        return kExitUsage;
    }
    if (options->output.isEmpty()) {
        *problem = QStringLiteral("--output is required (out.gif, out.mp4, out.webp or a folder)");
        return kExitUsage;
    }
    return kExitOk;
}

// Progress on stderr: one updating line on a terminal, a line per 10% otherwise.
class ProgressPrinter {
public:
    explicit ProgressPrinter(QTextStream& err) : m_err(err), m_terminal(isatty(STDERR_FILENO) == 1) {}
    void update(const char* phase, int done, int total) {
        if (m_terminal) {
            m_err << "\r" << phase << ": " << done;
            if (total > 0) {
                m_err << "/" << total;
            }
            m_err << " frames   ";
            m_err.flush();
            m_open = true;
            return;
        }
        const int decile = total > 0 ? done * 10 / total : done / 50;
        if (decile != m_lastDecile || (total > 0 && done == total)) {
            m_lastDecile = decile;
            m_err << phase << ": " << done;
            if (total > 0) {
                m_err << "/" << total;
            }
            m_err << " frames\n";
            m_err.flush();
        }
    }
    void endLine() {
        if (m_open) {
            m_err << "\n";
            m_open = false;
        }
        m_lastDecile = -1;
    }

private:
    QTextStream& m_err;
    bool m_terminal;
    bool m_open = false;
    int m_lastDecile = -1;
};

int fail(QTextStream& err, const QString& problem, int code = kExitFailure) {
    err << "stillmotion-cli: " << problem << "\n";
    err.flush();
    return code;
}

}  // namespace

QString encodeUsage() {
    return QStringLiteral(
        "usage: stillmotion-cli encode --input <folder|video|gif> --output <out.gif|out.mp4|out.webp|folder>\n"
        "                              [--fps N] [--quality 1-100] [--colors 2-256] [--max-bytes N] [--loop N]\n"
        "                              [--pingpong] [--palette global|per-frame] [--dither 0-1]\n"
        "  --fps N         output frame rate (default: the input's rate; 8 for a folder of frames)\n"
        "  --quality Q     1..100 (GIF palette quality, MP4 CRF, WebP quality); default 80\n"
        "  --colors N      GIF palette size; default 256\n"
        "  --max-bytes N   GIF/WebP: fit under N bytes (lowers quality, colours, size, then frame rate)\n"
        "  --loop N        plays: 0 = forever (default), 1 = once, N = N times\n"
        "  --pingpong      play forwards, then backwards\n"
        "  a folder output gets frame_0001.png, frame_0002.png, ...\n");
}

int runEncodeCommand(const QStringList& args, QTextStream& err) {
    EncodeOptions options;
    QString problem;
    const int parsed = parseOptions(args, &options, &problem);
    if (parsed != kExitOk) {
        if (problem.isEmpty()) {
            err << encodeUsage();
            return kExitOk;
        }
        return fail(err, problem, parsed);
    }

    // Check the input before creating any output, so bad input never leaves files behind.
    const QFileInfo input(options.input);
    if (!input.exists()) {
        return fail(err, QStringLiteral("input not found: %1").arg(options.input));
    }
    QStringList frameFiles;
    core::VideoDecoder decoder;
    QSize frameSize;
    int expectedFrames = 0;
    QImage firstImage;
    if (input.isDir()) {
        frameFiles = imageFilesIn(options.input);
        if (frameFiles.isEmpty()) {
            return fail(err, QStringLiteral("no frames: %1 holds no readable images").arg(options.input));
        }
        // The first frame fixes the size every other frame must have.
        QImageReader reader(frameFiles.front());
        firstImage = reader.read();
        if (firstImage.isNull()) {
            return fail(err, QStringLiteral("cannot read %1: %2").arg(frameFiles.front(), reader.errorString()));
        }
        frameSize = firstImage.size();
        expectedFrames = frameFiles.size();
    } else {
        QString error;
        if (!decoder.open(options.input, &error)) {
            return fail(err, error);
        }
        frameSize = decoder.frameSize();
        expectedFrames = decoder.frameCountHint();
        // Without --fps a video keeps its own rate (a GIF's is its mean delay), so playback speed is unchanged.
        if (!options.fpsGiven && decoder.frameRate() > 0.0) {
            options.settings.fps = decoder.frameRate();
        }
    }
    options.settings.frameCountHint = expectedFrames;

    const core::ExportFormat format = core::exportFormatForPath(options.output);
    std::unique_ptr<core::FrameEncoder> encoder = core::makeEncoder(format);
    ProgressPrinter progress(err);
    encoder->setProgressCallback([&progress](int done, int total) { progress.update("encoding", done, total); });
    QString error;
    if (!encoder->open(options.output, frameSize, options.settings, &error)) {
        return fail(err, error);
    }
    // Ctrl+C from here on cancels the encoder, which removes its partial output.
    g_activeEncoder.store(encoder.get());
    g_interrupted.store(false);
    auto previousHandler = std::signal(SIGINT, handleInterrupt);
    // Restores the handler and forgets the encoder on every way out.
    struct Restore {
        decltype(previousHandler) handler;
        ~Restore() {
            std::signal(SIGINT, handler);
            g_activeEncoder.store(nullptr);
        }
    } restore{previousHandler};

    // Frames stream from disk or the decoder into the encoder; only buffering encoders (GIF, WebP) keep them.
    int added = 0;
    auto addFrame = [&](const QImage& image, const QString& name) -> bool {
        if (g_interrupted.load()) {
            return false;  // Ctrl+C while reading: stop here, the cancel path below cleans up
        }
        if (image.size() != frameSize) {
            error = QStringLiteral("frames of different sizes: %1 is %2x%3, the first frame is %4x%5")
                        .arg(name)
                        .arg(image.width())
                        .arg(image.height())
                        .arg(frameSize.width())
                        .arg(frameSize.height());
            return false;
        }
        if (!encoder->addFrame(image, &error)) {
            return false;
        }
        ++added;
        return true;
    };
    if (!frameFiles.isEmpty()) {
        for (int i = 0; i < frameFiles.size(); ++i) {
            QImage image = i == 0 ? firstImage : QImage();
            if (i > 0) {
                QImageReader reader(frameFiles[i]);
                image = reader.read();
                if (image.isNull()) {
                    encoder->cancel();
                    encoder->finish(nullptr);
                    return fail(err, QStringLiteral("cannot read %1: %2").arg(frameFiles[i], reader.errorString()));
                }
            }
            if (!addFrame(image, QFileInfo(frameFiles[i]).fileName())) {
                break;
            }
        }
    } else {
        while (true) {
            core::DecodedFrame frame;
            const core::DecodeStatus status = decoder.readFrame(&frame, &error);
            if (status == core::DecodeStatus::EndOfStream) {
                break;
            }
            if (status == core::DecodeStatus::Error ||
                !addFrame(frame.image, QStringLiteral("frame %1").arg(frame.index + 1))) {
                break;
            }
        }
        if (error.isEmpty() && added == 0) {
            error = QStringLiteral("no frames: %1 has no decodable frames").arg(options.input);
        }
    }
    if (!error.isEmpty() || g_interrupted.load()) {
        encoder->cancel();
        encoder->finish(nullptr);  // discards the partial output
        progress.endLine();
        return g_interrupted.load() ? fail(err, QStringLiteral("cancelled"), kExitInterrupted) : fail(err, error);
    }
    const bool finished = encoder->finish(&error);
    progress.endLine();
    if (!finished) {
        return encoder->status() == core::EncodeStatus::Cancelled
                   ? fail(err, QStringLiteral("cancelled"), kExitInterrupted)
                   : fail(err, error);
    }
    // One summary line, plus what a size budget gave up, so scripts and users can see what was written.
    const core::EncodeResult& result = encoder->result();
    err << "stillmotion-cli: wrote " << result.path << " (" << result.frameCount << " frames, "
        << result.frameSize.width() << "x" << result.frameSize.height() << ", " << result.fps << " fps, "
        << result.sizeBytes << " bytes)\n";
    if (result.budgetApplied) {
        err << "stillmotion-cli: size budget " << options.settings.maxBytes << " bytes met with quality "
            << result.quality;
        if (format == core::ExportFormat::Gif) {
            err << ", " << result.colors << " colours";
        }
        err << ", scale " << QString::number(result.scale, 'f', 2) << ", every " << result.frameStep
            << ". frame, after " << result.attempts << " attempts\n";
    }
    err.flush();
    return kExitOk;
}

}  // namespace sm::cli
