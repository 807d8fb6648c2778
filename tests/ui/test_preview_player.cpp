// The preview player: play order for loop / ping-pong / once, playing advances and stops, scrubbing, onion skin,
// side by side, and "as exported": the frames after GIF quantisation (at most 256 colours) with the estimated size.
#include <QtTest>

#include <QSet>

#include "export/export_utils.h"
#include "export/gif_encoder.h"
#include "preview_player.h"
#include "project_document.h"

using sm::ui::PreviewPlayer;
using sm::ui::ProjectDocument;

namespace {

// A smooth gradient with a moving disc: many colours, so quantisation visibly reduces them.
QImage gradientFrame(int index) {
    QImage image(128, 128, QImage::Format_RGB32);
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            image.setPixel(x, y, qRgb((x * 2 + index * 9) % 256, (y * 2) % 256, (x + y + index * 20) % 256));
    }
    return image;
}

int colours(const QImage& image) {
    QSet<QRgb> set;
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < rgb.height(); ++y) {
        for (int x = 0; x < rgb.width(); ++x)
            set.insert(rgb.pixel(x, y));
    }
    return set.size();
}

}  // namespace

class TestPreviewPlayer : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<ProjectDocument> m_document;
    std::unique_ptr<PreviewPlayer> m_player;

private Q_SLOTS:
    void init() {
        m_document = std::make_unique<ProjectDocument>();
        sm::core::Project project;
        QImage source(640, 480, QImage::Format_RGB32);
        source.fill(QColor(30, 120, 200));
        project.setSourceImage(source);
        for (int i = 0; i < 5; ++i) {
            sm::core::FrameSpec frame(2 + 3 * i, 1371);
            frame.setImage(gradientFrame(i));
            project.appendFrame(frame);
        }
        sm::core::SamplerSettings sampler;
        sampler.fps = 50;
        project.setSampler(sampler);
        m_document->reset(project);
        m_player = std::make_unique<PreviewPlayer>(m_document.get());
        m_player->resize(600, 400);
        m_player->show();
    }

    void cleanup() {
        m_player.reset();
        m_document.reset();
    }

    void playOrders() {
        QCOMPARE(m_player->frameCountShown(), 5);
        QCOMPARE(m_player->playOrder(), (QVector<int>{0, 1, 2, 3, 4}));
        m_player->setLoopMode(PreviewPlayer::LoopMode::PingPong);
        QCOMPARE(m_player->playOrder(), (QVector<int>{0, 1, 2, 3, 4, 3, 2, 1}));
    }

    void playsAndLoops() {
        QSignalSpy positions(m_player.get(), &PreviewPlayer::positionChanged);
        m_player->play();
        QVERIFY(m_player->isPlaying());
        QTRY_VERIFY_WITH_TIMEOUT(positions.count() >= 7, 5000);
        m_player->pause();
        // Looping: after 4 comes 0.
        QVector<int> seen;
        for (const QList<QVariant>& args : positions)
            seen.append(args.at(0).toInt());
        const int wrap = int(seen.indexOf(4));
        QVERIFY(wrap >= 0 && wrap + 1 < seen.size());
        QCOMPARE(seen.at(wrap + 1), 0);
    }

    void pingPongGoesBack() {
        m_player->setLoopMode(PreviewPlayer::LoopMode::PingPong);
        QSignalSpy positions(m_player.get(), &PreviewPlayer::positionChanged);
        m_player->seek(0);
        positions.clear();
        m_player->play();
        QTRY_VERIFY_WITH_TIMEOUT(positions.count() >= 6, 5000);
        m_player->pause();
        QVector<int> seen;
        for (const QList<QVariant>& args : positions)
            seen.append(args.at(0).toInt());
        QCOMPARE(seen.mid(0, 6), (QVector<int>{1, 2, 3, 4, 3, 2}));
    }

    void onceStopsAtTheEnd() {
        m_player->setLoopMode(PreviewPlayer::LoopMode::Once);
        m_player->seek(2);
        m_player->play();
        QTRY_VERIFY_WITH_TIMEOUT(!m_player->isPlaying(), 5000);
        QCOMPARE(m_player->position(), 4);
    }

    void scrubOnionAndSideBySide() {
        m_player->seek(3);
        QCOMPARE(m_player->currentFrameIndex(), 3);
        QCOMPARE(m_player->currentImage().pixel(0, 0), gradientFrame(3).pixel(0, 0));
        const QImage plain = m_player->grab().toImage();
        m_player->setOnionSkin(true);
        const QImage onion = m_player->grab().toImage();
        QVERIFY(plain != onion);  // the previous frame shows through
        m_player->setOnionSkin(false);
        m_player->setSideBySide(true);
        const QImage side = m_player->grab().toImage();
        // The source (a flat blue) is drawn on the left half.
        const QRgb left = side.pixel(side.width() / 4, side.height() / 2 - 20);
        QVERIFY2(qBlue(left) > 150 && qRed(left) < 80, qPrintable(QString::number(left, 16)));
        // A new frame image updates what is shown.
        m_document->setFrameImage(m_document->frameUid(3), gradientFrame(9));
        QCOMPARE(m_player->currentImage().pixel(0, 0), gradientFrame(9).pixel(0, 0));
    }

    void asExportedShowsQuantisedFramesAndSize() {
        QVERIFY(colours(gradientFrame(0)) > 1000);
        QSignalSpy estimate(m_player.get(), &PreviewPlayer::estimateReady);
        m_player->seek(1);
        m_player->setAsExported(true);
        QVERIFY(estimate.wait(20000));
        const qint64 bytes = estimate.first().at(0).toLongLong();
        QVERIFY(bytes > 1000);
        QCOMPARE(m_player->estimatedGifBytes(), bytes);
        // The estimate is the size of the GIF the encoder writes for these frames.
        QVector<QImage> rgb;
        for (int i = 0; i < 5; ++i)
            rgb.append(gradientFrame(i).convertToFormat(QImage::Format_RGB888));
        QByteArray gif;
        QString error;
        QVERIFY(sm::core::encodeGifToBytes(rgb, sm::core::gifDelaysCs(5, 50), {}, &gif, &error));
        QCOMPARE(bytes, qint64(gif.size()));
        // What is shown went through the palette.
        const QImage shown = m_player->currentImage();
        QCOMPARE(shown.size(), QSize(128, 128));
        QVERIFY2(colours(shown) <= 256, qPrintable(QString::number(colours(shown))));
        // Off again: the original frames.
        m_player->setAsExported(false);
        QVERIFY(colours(m_player->currentImage()) > 1000);

        // New frames make the estimate stale and it is computed again.
        m_player->setAsExported(true);
        estimate.clear();
        m_document->setFrameImage(m_document->frameUid(0), gradientFrame(7));
        QVERIFY(estimate.wait(20000));
    }

    void emptyProjectShowsHint() {
        m_document->reset(sm::core::Project());
        QCOMPARE(m_player->frameCountShown(), 0);
        QVERIFY(m_player->currentImage().isNull());
        m_player->play();
        QVERIFY(!m_player->isPlaying());
    }
};

QTEST_MAIN(TestPreviewPlayer)
#include "test_preview_player.moc"
