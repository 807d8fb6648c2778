// bench_gif: compares Stillmotion's GIF encoder with ffmpeg's palettegen/paletteuse on real clips.
//
// For each clip: decode N frames scaled to W pixels wide, then encode the same frames at the clip's frame rate
//   - ours, global palette and per-frame palettes (in-process, from frames in memory to a file),
//   - ffmpeg global palette (palettegen + paletteuse) and per-frame (stats_mode=single + paletteuse new=1),
//     reading the frames as raw RGB from a file (its wall time includes process start, a few ms).
// Every GIF is decoded again with giflib and compared with the source frames: PSNR from the MSE over all frames
// and channels, SSIM (Gaussian 11x11, sigma 1.5) averaged over channels and frames. Times are the best of --runs.
// Usage: bench_gif [--frames 48] [--width 320] [--runs 3] [--quality 80] [--dither 0.5] [--keep DIR] [clip ...]
#include "export/gif_encoder.h"
#include "media/video_decoder.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QTextStream>

#include <sys/resource.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace {

struct Options {
    int frames = 48;
    int width = 320;
    int runs = 3;
    int quality = 80;
    float dither = 0.5f;
    QString keepDir;
    QStringList clips;
};

struct Measurement {
    QString name;
    qint64 bytes = 0;
    double seconds = 0.0;     // wall clock, best of --runs
    double cpuSeconds = 0.0;  // user + system CPU of the same best run (ffmpeg: the child process)
    double psnr = 0.0;
    double ssim = 0.0;
    int frames = 0;
};

// CPU seconds (user + system) of this process or of its waited-for children.
double cpuSecondsOf(int who) {
    rusage usage{};
    getrusage(who, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

cv::Mat wrap(const QImage& rgb) {
    return cv::Mat(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar*>(rgb.constBits()), size_t(rgb.bytesPerLine()));
}

double ssimChannelMean(const cv::Mat& a, const cv::Mat& b) {
    const double c1 = 6.5025, c2 = 58.5225;  // (0.01 * 255)^2, (0.03 * 255)^2
    cv::Mat x, y;
    a.convertTo(x, CV_32F);
    b.convertTo(y, CV_32F);
    cv::Mat muX, muY, xx, yy, xy;
    cv::GaussianBlur(x, muX, cv::Size(11, 11), 1.5);
    cv::GaussianBlur(y, muY, cv::Size(11, 11), 1.5);
    cv::GaussianBlur(x.mul(x), xx, cv::Size(11, 11), 1.5);
    cv::GaussianBlur(y.mul(y), yy, cv::Size(11, 11), 1.5);
    cv::GaussianBlur(x.mul(y), xy, cv::Size(11, 11), 1.5);
    const cv::Mat muXX = muX.mul(muX), muYY = muY.mul(muY), muXY = muX.mul(muY);
    const cv::Mat sigmaX = xx - muXX, sigmaY = yy - muYY, sigmaXY = xy - muXY;
    cv::Mat numerator = (2 * muXY + c1).mul(2 * sigmaXY + c2);
    cv::Mat denominator = (muXX + muYY + c1).mul(sigmaX + sigmaY + c2);
    cv::Mat map;
    cv::divide(numerator, denominator, map);
    return cv::mean(map)[0];
}

// Fills psnr/ssim/frames by decoding `gifPath` and comparing with `source`; false if the GIF does not match.
bool score(const QString& gifPath, const QVector<QImage>& source, Measurement* m, QString* error) {
    QVector<sm::core::DecodedFrame> decoded;
    if (!sm::core::decodeAllFrames(gifPath, &decoded, error)) {
        return false;
    }
    m->frames = decoded.size();
    if (decoded.size() != source.size()) {
        *error = QStringLiteral("%1: %2 frames, expected %3").arg(gifPath).arg(decoded.size()).arg(source.size());
        return false;
    }
    double squaredError = 0.0;
    double ssimSum = 0.0;
    for (int i = 0; i < source.size(); ++i) {
        const QImage out = decoded[i].image.convertToFormat(QImage::Format_RGB888);
        if (out.size() != source[i].size()) {
            *error = QStringLiteral("%1: frame size differs from the source").arg(gifPath);
            return false;
        }
        const cv::Mat a = wrap(source[i]), b = wrap(out);
        cv::Mat diff;
        cv::absdiff(a, b, diff);
        diff.convertTo(diff, CV_64F);
        const cv::Scalar sums = cv::sum(diff.mul(diff));
        squaredError += sums[0] + sums[1] + sums[2];
        std::vector<cv::Mat> ca, cb;
        cv::split(a, ca);
        cv::split(b, cb);
        for (int c = 0; c < 3; ++c) {
            ssimSum += ssimChannelMean(ca[c], cb[c]);
        }
    }
    const double samples = double(source.size()) * source[0].width() * source[0].height() * 3;
    const double mse = squaredError / samples;
    m->psnr = mse > 0 ? 10.0 * std::log10(255.0 * 255.0 / mse) : 99.0;
    m->ssim = ssimSum / (3.0 * source.size());
    m->bytes = QFileInfo(gifPath).size();
    return true;
}

bool runOurs(const QVector<QImage>& frames, double fps, const Options& options, sm::core::GifPaletteMode mode,
             const QString& path, double* seconds, double* cpuSeconds, QString* error) {
    double best = std::numeric_limits<double>::max();
    for (int run = 0; run < options.runs; ++run) {
        QElapsedTimer timer;
        const double cpuStart = cpuSecondsOf(RUSAGE_SELF);
        timer.start();
        sm::core::GifEncoder encoder;
        sm::core::EncodeSettings settings;
        settings.fps = fps;
        settings.quality = options.quality;
        settings.ditherLevel = options.dither;
        settings.gifPalette = mode;
        if (!encoder.open(path, frames.front().size(), settings, error)) {
            return false;
        }
        for (const QImage& frame : frames) {
            if (!encoder.addFrame(frame, error)) {
                return false;
            }
        }
        if (!encoder.finish(error)) {
            return false;
        }
        const double wall = timer.nsecsElapsed() / 1e9;
        if (wall < best) {
            best = wall;
            *cpuSeconds = cpuSecondsOf(RUSAGE_SELF) - cpuStart;
        }
    }
    *seconds = best;
    return true;
}

bool runFfmpeg(const QString& rawPath, QSize size, double fps, int frameCount, bool perFrame, const QString& path,
               const Options& options, double* seconds, double* cpuSeconds, QString* error) {
    const QString graph = perFrame ? QStringLiteral(
                                         "[0:v]split[a][b];[a]palettegen=stats_mode=single[p];"
                                         "[b][p]paletteuse=new=1")
                                   : QStringLiteral("[0:v]split[a][b];[a]palettegen[p];[b][p]paletteuse");
    const QStringList args = {QStringLiteral("-v"),
                              QStringLiteral("error"),
                              QStringLiteral("-y"),
                              QStringLiteral("-f"),
                              QStringLiteral("rawvideo"),
                              QStringLiteral("-pix_fmt"),
                              QStringLiteral("rgb24"),
                              QStringLiteral("-s"),
                              QStringLiteral("%1x%2").arg(size.width()).arg(size.height()),
                              QStringLiteral("-r"),
                              QString::number(fps, 'g', 10),
                              QStringLiteral("-i"),
                              rawPath,
                              QStringLiteral("-frames:v"),
                              QString::number(frameCount),
                              QStringLiteral("-filter_complex"),
                              graph,
                              path};
    double best = std::numeric_limits<double>::max();
    for (int run = 0; run < options.runs; ++run) {
        QElapsedTimer timer;
        const double cpuStart = cpuSecondsOf(RUSAGE_CHILDREN);
        timer.start();
        QProcess ffmpeg;
        ffmpeg.start(QStringLiteral("ffmpeg"), args);
        if (!ffmpeg.waitForFinished(600000) || ffmpeg.exitStatus() != QProcess::NormalExit || ffmpeg.exitCode() != 0) {
            *error = QStringLiteral("ffmpeg failed: %1").arg(QString::fromLocal8Bit(ffmpeg.readAllStandardError()));
            return false;
        }
        const double wall = timer.nsecsElapsed() / 1e9;
        if (wall < best) {
            best = wall;
            *cpuSeconds = cpuSecondsOf(RUSAGE_CHILDREN) - cpuStart;
        }
    }
    *seconds = best;
    return true;
}

Options parse(const QStringList& args) {
    Options options;
    for (int i = 1; i < args.size(); ++i) {
        const QString& a = args[i];
        auto value = [&]() { return i + 1 < args.size() ? args[++i] : QString(); };
        if (a == QLatin1String("--frames")) {
            options.frames = value().toInt();
        } else if (a == QLatin1String("--width")) {
            options.width = value().toInt();
        } else if (a == QLatin1String("--runs")) {
            options.runs = std::max(1, value().toInt());
        } else if (a == QLatin1String("--quality")) {
            options.quality = value().toInt();
        } else if (a == QLatin1String("--dither")) {
            options.dither = value().toFloat();
        } else if (a == QLatin1String("--keep")) {
            options.keepDir = value();
        } else {
            options.clips.append(a);
        }
    }
    if (options.clips.isEmpty()) {
        const QString dir = QStringLiteral(STILLMOTION_OPENCV_DATA_DIR);
        options.clips = {dir + QStringLiteral("/Megamind.avi"), dir + QStringLiteral("/tree.avi"),
                         dir + QStringLiteral("/vtest.avi")};
    }
    return options;
}

}  // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    const Options options = parse(QCoreApplication::arguments());
    QTextStream out(stdout);
    QTextStream err(stderr);
    QTemporaryDir work;
    const QString outDir = options.keepDir.isEmpty() ? work.path() : options.keepDir;
    QDir().mkpath(outDir);

    out << "| clip | encoder | frames | bytes | vs ffmpeg global | PSNR dB | SSIM | wall s | CPU s |\n"
        << "|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
    bool goalMet = true;
    for (const QString& clip : options.clips) {
        sm::core::VideoDecoder decoder;
        QString error;
        if (!decoder.open(clip, &error)) {
            err << "bench_gif: " << error << "\n";
            return 1;
        }
        const QSize native = decoder.frameSize();
        const int height = std::max(2, int(std::lround(double(options.width) * native.height() / native.width())));
        decoder.setOutputSize(QSize(options.width, height));
        // Two decimals keep 23.976 fps meaningful while giving ffmpeg and us the identical rate.
        const double fps = std::round(decoder.frameRate() * 100.0) / 100.0;
        QVector<QImage> frames;
        while (frames.size() < options.frames) {
            sm::core::DecodedFrame frame;
            const sm::core::DecodeStatus status = decoder.readFrame(&frame, &error);
            if (status == sm::core::DecodeStatus::Error) {
                err << "bench_gif: " << error << "\n";
                return 1;
            }
            if (status == sm::core::DecodeStatus::EndOfStream) {
                break;
            }
            frames.append(frame.image.convertToFormat(QImage::Format_RGB888));
        }
        const QString base = QFileInfo(clip).completeBaseName();
        const QString rawPath = QDir(work.path()).filePath(base + QStringLiteral(".rgb"));
        QFile raw(rawPath);
        if (!raw.open(QIODevice::WriteOnly)) {
            err << "bench_gif: cannot write " << rawPath << "\n";
            return 1;
        }
        for (const QImage& f : frames) {
            for (int y = 0; y < f.height(); ++y) {
                raw.write(reinterpret_cast<const char*>(f.constScanLine(y)), f.width() * 3);
            }
        }
        raw.close();

        QVector<Measurement> rows;
        struct Variant {
            QString name;
            int kind;  // 0 ours global, 1 ours per-frame, 2 ffmpeg global, 3 ffmpeg per-frame
        };
        const QVector<Variant> variants = {{QStringLiteral("ffmpeg global"), 2},
                                           {QStringLiteral("ffmpeg per-frame"), 3},
                                           {QStringLiteral("ours global"), 0},
                                           {QStringLiteral("ours per-frame"), 1}};
        for (const Variant& v : variants) {
            Measurement m;
            m.name = v.name;
            const QString path =
                QDir(outDir).filePath(QStringLiteral("%1-%2.gif").arg(base, QString(v.name).replace(' ', '-')));
            bool ok = false;
            if (v.kind < 2) {
                ok = runOurs(frames, fps, options,
                             v.kind == 0 ? sm::core::GifPaletteMode::Global : sm::core::GifPaletteMode::PerFrame, path,
                             &m.seconds, &m.cpuSeconds, &error);
            } else {
                ok = runFfmpeg(rawPath, frames.front().size(), fps, frames.size(), v.kind == 3, path, options,
                               &m.seconds, &m.cpuSeconds, &error);
            }
            if (!ok || !score(path, frames, &m, &error)) {
                err << "bench_gif: " << v.name << ": " << error << "\n";
                return 1;
            }
            rows.append(m);
        }
        const Measurement& reference = rows[0];
        for (const Measurement& m : rows) {
            out << "| " << base << " (" << frames.front().width() << "x" << frames.front().height() << ", " << fps
                << " fps) | " << m.name << " | " << m.frames << " | " << m.bytes << " | "
                << QString::number(100.0 * m.bytes / reference.bytes, 'f', 1) << "% | "
                << QString::number(m.psnr, 'f', 2) << " | " << QString::number(m.ssim, 'f', 4) << " | "
                << QString::number(m.seconds, 'f', 3) << " | " << QString::number(m.cpuSeconds, 'f', 3) << " |\n";
        }
        out.flush();
        const Measurement& oursGlobal = rows[2];
        if (!(oursGlobal.bytes < reference.bytes && oursGlobal.psnr >= reference.psnr &&
              oursGlobal.seconds <= reference.seconds)) {
            goalMet = false;
        }
    }
    out << "\ngoal (ours global: fewer bytes, PSNR >= and seconds <= ffmpeg global) "
        << (goalMet ? "met on every clip" : "NOT met on every clip") << "\n";
    return 0;
}
