// Image input: formats, EXIF orientation (JPEGs built with a real APP1 segment), alpha flattening, the first
// frame of GIFs and videos, and the error messages.
#include <QtTest>

#include <QBuffer>
#include <QImageReader>
#include <QImageWriter>

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "media/image_loader.h"

namespace {

// Two halves of clearly different colours, in blocks large enough to survive JPEG.
QImage twoHalves(int width, int height, QColor left, QColor right) {
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(right);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width / 2; ++x)
            image.setPixel(x, y, left.rgb());
    }
    return image;
}

bool near(QRgb actual, QColor expected, int tolerance = 24) {
    return qAbs(qRed(actual) - expected.red()) <= tolerance && qAbs(qGreen(actual) - expected.green()) <= tolerance &&
           qAbs(qBlue(actual) - expected.blue()) <= tolerance;
}

QString describe(QRgb rgb) {
    return QStringLiteral("(%1, %2, %3)").arg(qRed(rgb)).arg(qGreen(rgb)).arg(qBlue(rgb));
}

void appendLe16(QByteArray& bytes, quint16 value) {
    bytes.append(char(value & 0xff));
    bytes.append(char(value >> 8));
}

// A JPEG of `image` carrying an EXIF APP1 segment whose IFD0 has only the Orientation tag (0x0112).
QByteArray jpegWithOrientation(const QImage& image, quint16 orientation) {
    QByteArray jpeg;
    QBuffer buffer(&jpeg);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "JPEG", 95);

    QByteArray tiff("II*\0", 4);               // little-endian TIFF header, magic 42
    tiff.append(QByteArray("\x08\0\0\0", 4));  // IFD0 at offset 8
    appendLe16(tiff, 1);                       // one entry
    appendLe16(tiff, 0x0112);                  // Orientation
    appendLe16(tiff, 3);                       // type SHORT
    tiff.append(QByteArray("\x01\0\0\0", 4));  // count 1
    appendLe16(tiff, orientation);             // value, left-justified in the 4-byte field
    appendLe16(tiff, 0);
    tiff.append(QByteArray("\0\0\0\0", 4));  // no next IFD
    const QByteArray payload = QByteArray("Exif\0\0", 6) + tiff;

    QByteArray segment("\xff\xe1", 2);
    const int length = payload.size() + 2;  // the length field counts itself
    segment.append(char(length >> 8));
    segment.append(char(length & 0xff));
    segment.append(payload);
    return jpeg.left(2) + segment + jpeg.mid(2);  // right after SOI, where cameras put it
}

// A minimal animated GIF (4-colour palette) whose frames are each filled with one palette index. The LZW
// stream uses only 3-bit codes by sending a clear code after every two pixels, so no real compressor is needed.
QByteArray solidFramesGif(int width, int height, const QList<int>& frameIndexes) {
    QByteArray gif("GIF89a");
    appendLe16(gif, quint16(width));
    appendLe16(gif, quint16(height));
    gif.append(char(0xf1));  // global colour table, 4 entries
    gif.append(char(0));     // background index
    gif.append(char(0));     // no aspect ratio
    const QColor palette[4] = {Qt::red, Qt::blue, Qt::green, Qt::white};
    for (const QColor& colour : palette) {
        gif.append(char(colour.red()));
        gif.append(char(colour.green()));
        gif.append(char(colour.blue()));
    }
    for (int index : frameIndexes) {
        gif.append(QByteArray("\x21\xf9\x04\x04", 4));  // graphic control: dispose "do not", no transparency
        appendLe16(gif, 10);                            // 100 ms
        gif.append(char(0));
        gif.append(char(0));
        gif.append(char(0x2c));  // image descriptor
        appendLe16(gif, 0);
        appendLe16(gif, 0);
        appendLe16(gif, quint16(width));
        appendLe16(gif, quint16(height));
        gif.append(char(0));  // no local table, not interlaced
        gif.append(char(2));  // LZW minimum code size

        QByteArray data;
        quint32 bitBuffer = 0;
        int bitCount = 0;
        auto emitCode = [&](int code) {
            bitBuffer |= quint32(code) << bitCount;
            bitCount += 3;
            while (bitCount >= 8) {
                data.append(char(bitBuffer & 0xff));
                bitBuffer >>= 8;
                bitCount -= 8;
            }
        };
        const int clearCode = 4;
        const int endCode = 5;
        for (int pixel = 0; pixel < width * height; ++pixel) {
            if (pixel % 2 == 0)
                emitCode(clearCode);
            emitCode(index);
        }
        emitCode(endCode);
        if (bitCount > 0)
            data.append(char(bitBuffer & 0xff));
        for (int offset = 0; offset < data.size(); offset += 255) {
            const QByteArray block = data.mid(offset, 255);
            gif.append(char(block.size()));
            gif.append(block);
        }
        gif.append(char(0));  // end of image data
    }
    gif.append(char(0x3b));  // trailer
    return gif;
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

}  // namespace

class TestImageLoader : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void exifOrientation_data() {
        QTest::addColumn<int>("orientation");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<QColor>("topLeft");
        QTest::addColumn<QColor>("bottomRight");
        // Stored image: 64x32, left half red, right half blue.
        QTest::newRow("1 (as stored)") << 1 << QSize(64, 32) << QColor(Qt::red) << QColor(Qt::blue);
        QTest::newRow("3 (180 degrees)") << 3 << QSize(64, 32) << QColor(Qt::blue) << QColor(Qt::red);
        // 6: rotate 90 degrees clockwise to display: the stored left edge becomes the top.
        QTest::newRow("6 (90 clockwise)") << 6 << QSize(32, 64) << QColor(Qt::red) << QColor(Qt::blue);
        // 8: rotate 90 degrees counter-clockwise: the stored left edge becomes the bottom.
        QTest::newRow("8 (90 counter-clockwise)") << 8 << QSize(32, 64) << QColor(Qt::blue) << QColor(Qt::red);
    }

    void exifOrientation() {
        QFETCH(int, orientation);
        QFETCH(QSize, size);
        QFETCH(QColor, topLeft);
        QFETCH(QColor, bottomRight);
        const QString file = path(QStringLiteral("photo_%1.jpg").arg(orientation));
        writeFile(file, jpegWithOrientation(twoHalves(64, 32, Qt::red, Qt::blue), quint16(orientation)));

        // The file really carries the tag: Qt reports the transformation it would apply.
        QImageReader probe(file);
        const QImageIOHandler::Transformations expectedTransform[9] = {
            QImageIOHandler::TransformationNone,     QImageIOHandler::TransformationNone,
            QImageIOHandler::TransformationMirror,   QImageIOHandler::TransformationRotate180,
            QImageIOHandler::TransformationFlip,     QImageIOHandler::TransformationFlipAndRotate90,
            QImageIOHandler::TransformationRotate90, QImageIOHandler::TransformationMirrorAndRotate90,
            QImageIOHandler::TransformationRotate270};
        QCOMPARE(probe.transformation(), expectedTransform[orientation]);

        const sm::core::ImageLoadResult result = sm::core::loadImage(file);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.image.size(), size);
        const QRgb first = result.image.pixel(4, 4);
        const QRgb last = result.image.pixel(size.width() - 5, size.height() - 5);
        QVERIFY2(near(first, topLeft), qPrintable(describe(first)));
        QVERIFY2(near(last, bottomRight), qPrintable(describe(last)));
    }

    void alphaFlattenedOntoBackground() {
        QImage image(3, 1, QImage::Format_ARGB32);
        image.setPixel(0, 0, qRgba(0, 0, 0, 0));      // fully transparent (black underneath)
        image.setPixel(1, 0, qRgba(255, 0, 0, 128));  // half-transparent red
        image.setPixel(2, 0, qRgba(0, 200, 0, 255));  // opaque green
        const QString file = path(QStringLiteral("alpha.png"));
        QVERIFY(image.save(file));

        const sm::core::ImageLoadResult onWhite = sm::core::loadImage(file);
        QVERIFY2(onWhite.ok(), qPrintable(onWhite.error));
        QVERIFY(!onWhite.image.hasAlphaChannel());
        QCOMPARE(onWhite.image.format(), QImage::Format_RGB32);
        QCOMPARE(onWhite.image.pixel(0, 0), qRgb(255, 255, 255));
        QVERIFY2(near(onWhite.image.pixel(1, 0), QColor(255, 127, 127), 2),
                 qPrintable(describe(onWhite.image.pixel(1, 0))));
        QCOMPARE(onWhite.image.pixel(2, 0), qRgb(0, 200, 0));

        sm::core::ImageLoadOptions options;
        options.background = QColor(0, 0, 255);
        const sm::core::ImageLoadResult onBlue = sm::core::loadImage(file, options);
        QVERIFY(onBlue.ok());
        QCOMPARE(onBlue.image.pixel(0, 0), qRgb(0, 0, 255));
        QVERIFY2(near(onBlue.image.pixel(1, 0), QColor(128, 0, 127), 2),
                 qPrintable(describe(onBlue.image.pixel(1, 0))));
    }

    void flattenAlphaLeavesOpaqueImagesAlone() {
        QImage opaque(2, 2, QImage::Format_RGB888);
        opaque.fill(QColor(10, 20, 30));
        const QImage flat = sm::core::flattenAlpha(opaque);
        QCOMPARE(flat.format(), QImage::Format_RGB32);
        QCOMPARE(flat.pixel(1, 1), qRgb(10, 20, 30));
        QVERIFY(sm::core::flattenAlpha(QImage()).isNull());
    }

    void readsCommonFormats_data() {
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("tolerance");
        QTest::newRow("png") << QStringLiteral("png") << 0;
        QTest::newRow("bmp") << QStringLiteral("bmp") << 0;
        QTest::newRow("tiff") << QStringLiteral("tiff") << 0;
        QTest::newRow("webp") << QStringLiteral("webp") << 0;  // quality 100 is lossless
        QTest::newRow("jpg") << QStringLiteral("jpg") << 24;
    }

    void readsCommonFormats() {
        QFETCH(QString, format);
        QFETCH(int, tolerance);
        if (!QImageWriter::supportedImageFormats().contains(format.toLatin1()))
            QSKIP("no Qt image plugin for this format (qt6-image-formats-plugins)");
        const QString file = path(QStringLiteral("halves.") + format);
        QImageWriter writer(file);
        writer.setQuality(100);
        QVERIFY2(writer.write(twoHalves(32, 16, QColor(250, 200, 10), QColor(10, 60, 200))),
                 qPrintable(writer.errorString()));
        const sm::core::ImageLoadResult result = sm::core::loadImage(file);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.image.size(), QSize(32, 16));
        QVERIFY2(near(result.image.pixel(2, 8), QColor(250, 200, 10), tolerance),
                 qPrintable(describe(result.image.pixel(2, 8))));
        QVERIFY2(near(result.image.pixel(29, 8), QColor(10, 60, 200), tolerance),
                 qPrintable(describe(result.image.pixel(29, 8))));
    }

    void gifFirstFrame() {
        const QString file = path(QStringLiteral("anim.gif"));
        writeFile(file, solidFramesGif(10, 6, {1, 0, 2}));  // blue, red, green

        // The file is a genuine 3-frame animation whose frames differ.
        QImageReader reader(file);
        QCOMPARE(reader.imageCount(), 3);
        QCOMPARE(reader.read().pixel(0, 0), QColor(Qt::blue).rgb());
        QCOMPARE(reader.read().pixel(0, 0), QColor(Qt::red).rgb());

        const sm::core::ImageLoadResult result = sm::core::loadImage(file);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.image.size(), QSize(10, 6));
        QCOMPARE(result.image.pixel(9, 5), QColor(Qt::blue).rgb());
    }

    void videoFirstFrame() {
        const QString file = path(QStringLiteral("clip.mp4"));
        {
            cv::VideoWriter writer(QFile::encodeName(file).toStdString(), cv::CAP_FFMPEG,
                                   cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 10.0, cv::Size(64, 48));
            if (!writer.isOpened())
                QSKIP("this OpenCV build cannot write MP4 (no FFmpeg backend)");
            for (int i = 0; i < 5; ++i) {
                // BGR: frame 0 is red, the rest green.
                writer.write(cv::Mat(48, 64, CV_8UC3, i == 0 ? cv::Scalar(0, 0, 255) : cv::Scalar(0, 255, 0)));
            }
        }
        QVERIFY(sm::core::isVideoFile(file));
        const sm::core::ImageLoadResult result = sm::core::loadImage(file);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.image.size(), QSize(64, 48));
        QVERIFY2(near(result.image.pixel(32, 24), Qt::red, 40), qPrintable(describe(result.image.pixel(32, 24))));

        // The same video without its extension is still recognised by content.
        const QString renamed = path(QStringLiteral("clip_no_extension"));
        QVERIFY(QFile::copy(file, renamed));
        const sm::core::ImageLoadResult byContent = sm::core::loadImage(renamed);
        QVERIFY2(byContent.ok(), qPrintable(byContent.error));
        QVERIFY(near(byContent.image.pixel(32, 24), Qt::red, 40));
    }

    void deviceRatioIsReset() {
        const QString file = path(QStringLiteral("icon@2x.png"));
        QVERIFY(twoHalves(8, 8, Qt::red, Qt::blue).save(file));
        const sm::core::ImageLoadResult result = sm::core::loadImage(file);
        QVERIFY(result.ok());
        QCOMPARE(result.image.devicePixelRatio(), 1.0);
        QCOMPARE(result.image.size(), QSize(8, 8));
    }

    void errorsNameTheFile_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");  // empty: do not create
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing") << QStringLiteral("nothing.png") << QByteArray()
                                 << QStringLiteral("cannot read nothing.png: file not found");
        QByteArray heic(
            "\0\0\0\x18"
            "ftypheic\0\0\0\0mif1heic",
            24);
        heic.append(QByteArray(200, '\x42'));
        QTest::newRow("unsupported") << QStringLiteral("photo.heic") << heic
                                     << QStringLiteral("cannot read photo.heic: unsupported image format");
        QTest::newRow("text file") << QStringLiteral("notes.txt") << QByteArray("just some words\n")
                                   << QStringLiteral("cannot read notes.txt: unsupported image format");
        QByteArray png;
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        twoHalves(64, 64, Qt::red, Qt::blue).save(&buffer, "PNG");
        QTest::newRow("damaged") << QStringLiteral("broken.png") << png.left(40)
                                 << QStringLiteral("cannot read broken.png: the file is damaged or not a valid image");
        // The decoder's own wording follows the file name; only the framing is ours.
        QTest::newRow("damaged video") << QStringLiteral("broken.mp4") << QByteArray(300, '\x01')
                                       << QStringLiteral("cannot read broken.mp4: ");
    }

    void errorsNameTheFile() {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const QString file = path(name);
        if (!content.isEmpty())
            writeFile(file, content);
        const sm::core::ImageLoadResult result = sm::core::loadImage(file);
        QVERIFY(!result.ok());
        QVERIFY(result.image.isNull());
        QVERIFY2(result.error.startsWith(expected), qPrintable(result.error));
        if (expected.endsWith(QStringLiteral(": ")))  // only the framing is fixed: a reason must follow
            QVERIFY2(result.error.size() > expected.size() + 5, qPrintable(result.error));
        QVERIFY(!result.error.contains(m_dir.path()));  // the file once, by name, not the full path again
    }

    void folderIsNotAnImage() {
        const sm::core::ImageLoadResult result = sm::core::loadImage(m_dir.path());
        QVERIFY(!result.ok());
        QVERIFY2(result.error.endsWith(QStringLiteral(": it is a folder, not an image")), qPrintable(result.error));
    }

    void suffixesForDialogs() {
        const QStringList suffixes = sm::core::supportedInputSuffixes();
        for (const char* suffix : {"png", "jpg", "jpeg", "bmp", "gif", "mp4", "mov"})
            QVERIFY2(suffixes.contains(QLatin1String(suffix)), suffix);
        QVERIFY(!suffixes.contains(QStringLiteral("PNG")));  // lower case only, no duplicates
        QCOMPARE(suffixes.size(), QSet<QString>(suffixes.begin(), suffixes.end()).size());
        QVERIFY(sm::core::isVideoFile(QStringLiteral("/x/Clip.MOV")));
        QVERIFY(!sm::core::isVideoFile(QStringLiteral("/x/anim.gif")));
    }
};

QTEST_MAIN(TestImageLoader)
#include "test_image_loader.moc"
