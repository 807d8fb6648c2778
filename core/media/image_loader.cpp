#include "media/image_loader.h"

#include <QColorSpace>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QLoggingCategory>
#include <QMimeDatabase>
#include <QPainter>

#include <algorithm>

#include "media/video_decoder.h"

Q_LOGGING_CATEGORY(lcImageLoader, "stillmotion.media.loader")

namespace sm::core {

namespace {

const QStringList& videoSuffixes() {
    static const QStringList suffixes = {QStringLiteral("mp4"), QStringLiteral("m4v"),  QStringLiteral("mov"),
                                         QStringLiteral("mkv"), QStringLiteral("webm"), QStringLiteral("avi"),
                                         QStringLiteral("mpg"), QStringLiteral("mpeg"), QStringLiteral("ogv"),
                                         QStringLiteral("wmv")};
    return suffixes;
}

QString readerProblem(const QImageReader& reader) {
    switch (reader.error()) {
        case QImageReader::UnsupportedFormatError:
            return QStringLiteral("unsupported image format");
        case QImageReader::InvalidDataError:
            return QStringLiteral("the file is damaged or not a valid image (%1)").arg(reader.errorString());
        case QImageReader::FileNotFoundError:
            return QStringLiteral("file not found");
        case QImageReader::DeviceError:
            return QStringLiteral("read error (%1)").arg(reader.errorString());
        case QImageReader::UnknownError:
            break;
    }
    return reader.errorString();
}

// The first video frame through the FFmpeg decoder (video_decoder.h). Its messages start with the full path;
// ours name the file once, so only the problem is kept.
QImage decodeFirstVideoFrame(const QString& path, QString* problem) {
    QString error;
    QImage frame = firstFrame(path, &error);
    if (frame.isNull()) {
        const QString prefix = path + QStringLiteral(": ");
        *problem = error.startsWith(prefix) ? error.mid(prefix.size()) : error;
        if (problem->isEmpty())
            *problem = QStringLiteral("cannot decode the first video frame");
    }
    return frame;
}

bool looksLikeVideo(const QString& path) {
    if (isVideoFile(path))
        return true;
    // No or a wrong extension: ask the content (a renamed .mp4 is a common case).
    const QMimeType type = QMimeDatabase().mimeTypeForFile(path, QMimeDatabase::MatchContent);
    return type.name().startsWith(QLatin1String("video/"));
}

}  // namespace

QImage flattenAlpha(const QImage& image, const QColor& background) {
    if (image.isNull())
        return image;
    if (!image.hasAlphaChannel())
        return image.convertToFormat(QImage::Format_RGB32);
    QImage flat(image.size(), QImage::Format_RGB32);
    flat.setColorSpace(image.colorSpace());
    flat.fill(QColor(background.rgb()));  // the background itself must be opaque
    QPainter painter(&flat);
    painter.setCompositionMode(QPainter::CompositionMode_SourceOver);
    painter.drawImage(0, 0, image);
    painter.end();
    return flat;
}

bool isVideoFile(const QString& path) {
    return videoSuffixes().contains(QFileInfo(path).suffix().toLower());
}

QStringList supportedInputSuffixes() {
    QStringList suffixes;
    const QList<QByteArray> formats = QImageReader::supportedImageFormats();
    for (const QByteArray& format : formats)
        suffixes.append(QString::fromLatin1(format).toLower());
    suffixes.append(videoSuffixes());
    suffixes.removeDuplicates();
    std::sort(suffixes.begin(), suffixes.end());
    return suffixes;
}

ImageLoadResult loadImage(const QString& path, const ImageLoadOptions& options) {
    ImageLoadResult result;
    const QFileInfo info(path);
    const QString name = info.fileName().isEmpty() ? path : info.fileName();
    auto fail = [&](const QString& problem) {
        result.error = QStringLiteral("cannot read %1: %2").arg(name, problem);
        qCDebug(lcImageLoader) << result.error << "path:" << path;
        return result;
    };
    if (path.isEmpty())
        return fail(QStringLiteral("no file name given"));
    if (!info.exists())
        return fail(QStringLiteral("file not found"));
    if (info.isDir())
        return fail(QStringLiteral("it is a folder, not an image"));
    if (!info.isReadable())
        return fail(QStringLiteral("permission denied"));

    QImage image;
    QImageReader reader(path);
    reader.setAutoTransform(true);  // EXIF orientation: a portrait photo must not come in sideways
    if (isVideoFile(path) || (!reader.canRead() && looksLikeVideo(path))) {
        QString problem;
        image = decodeFirstVideoFrame(path, &problem);
        if (image.isNull())
            return fail(problem);
    } else {
        // For animations (GIF, WebP) the first read() is the first frame.
        image = reader.read();
        if (image.isNull())
            return fail(readerProblem(reader));
    }
    // "@2x" file names give a device pixel ratio of 2; model input is in plain pixels.
    image.setDevicePixelRatio(1.0);
    result.image = flattenAlpha(image, options.background);
    return result;
}

}  // namespace sm::core
