#pragma once
// Loading the still image a project starts from.
//
// Supported: everything the installed Qt image plugins read (PNG, JPEG, WebP, BMP, TIFF, GIF, ...), with the
// EXIF orientation applied (QImageReader::setAutoTransform), and the first frame of animations (GIF, animated
// WebP) and videos (MP4, MOV, MKV, WebM, AVI; decoded by media/video_decoder.h through FFmpeg).
// The result is always opaque: transparent pixels are composited onto a background colour (white by default),
// because the models take RGB input and premultiplied black edges look wrong.
//
// Errors never throw; they come back as one sentence that names the file (its name, not the whole path):
//   "cannot read photo.heic: unsupported image format"   "cannot read missing.png: file not found"
//
// Thread-safety: all functions are reentrant (QImage is safe to use from worker threads).
#include <QColor>
#include <QImage>
#include <QString>
#include <QStringList>

namespace sm::core {

struct ImageLoadOptions {
    QColor background = Qt::white;  // what transparent pixels are flattened onto
};

struct ImageLoadResult {
    QImage image;   // Format_RGB32, never null on success
    QString error;  // set on failure; the image is null then

    bool ok() const { return !image.isNull(); }
};

ImageLoadResult loadImage(const QString& path, const ImageLoadOptions& options = {});

// Composites `image` onto `background`; returns an opaque Format_RGB32 image (the input itself, converted, when
// it has no alpha channel). A null image stays null.
QImage flattenAlpha(const QImage& image, const QColor& background = Qt::white);

// True when `path` names a video container by its extension (".mp4", ".mov", ...), which loadImage() opens
// by decoding the first frame.
bool isVideoFile(const QString& path);

// Lower-case extensions loadImage() accepts (image plugins plus videos), without dots: for file dialogs.
QStringList supportedInputSuffixes();

}  // namespace sm::core
