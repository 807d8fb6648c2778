#pragma once
// Shared set-up for the studio tests: isolated settings and autosave locations, a "bundled" fake model folder, and a
// colourful test image.
#include <QCoreApplication>
#include <QDir>
#include <QImage>
#include <QMessageBox>
#include <QPainter>
#include <QPainterPath>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QWidget>

#include "fake_backend.h"

namespace studio {

// Call from initTestCase(): settings and autosaves in `dir`, bundled models from <dir>/models (with one Pix2Gif and
// one Cinemo fake weights file). Returns the Pix2Gif weights path.
// Settings and autosaves in `dir`, bundled models from the empty folder <dir>/models. Returns that folder.
inline QString isolateSettings(const QTemporaryDir& dir, const QString& application) {
    QCoreApplication::setOrganizationName(QStringLiteral("StillmotionTest"));
    QCoreApplication::setApplicationName(application);
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.filePath(QStringLiteral("settings")));
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.filePath(QStringLiteral("settings")));
    QSettings().clear();
    const QString models = dir.filePath(QStringLiteral("models"));
    QDir().mkpath(models);
    qputenv("STILLMOTION_MODELS_DIR", models.toUtf8());
    return models;
}

inline QString isolate(const QTemporaryDir& dir, const QString& application) {
    const QString models = isolateSettings(dir, application);
    fake::makeWeights(models, QStringLiteral("cinemo-demo.safetensors"));
    return fake::makeWeights(models, QStringLiteral("pix2gif-demo.safetensors"));
}

// A harbour at sunset: sky and sea gradients, a glowing sun with its reflection, hills, two sailing boats and gulls.
// Enough structure that shifted and zoomed frames read as motion.
inline QImage landscape(int width = 640, int height = 480) {
    QImage image(width, height, QImage::Format_RGB32);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    const double w = width;
    const double h = height;
    const double horizon = h * 0.6;
    QLinearGradient sky(0, 0, 0, horizon);
    sky.setColorAt(0.0, QColor(28, 42, 98));
    sky.setColorAt(0.45, QColor(118, 74, 140));
    sky.setColorAt(0.8, QColor(238, 128, 96));
    sky.setColorAt(1.0, QColor(255, 196, 120));
    p.fillRect(QRectF(0, 0, w, horizon), sky);
    // The sun with a soft glow.
    const QPointF sun(w * 0.68, horizon - h * 0.1);
    QRadialGradient glow(sun, h * 0.3);
    glow.setColorAt(0, QColor(255, 236, 170, 200));
    glow.setColorAt(1, QColor(255, 200, 140, 0));
    p.setPen(Qt::NoPen);
    p.setBrush(glow);
    p.drawEllipse(sun, h * 0.3, h * 0.3);
    p.setBrush(QColor(255, 232, 150));
    p.drawEllipse(sun, h * 0.065, h * 0.065);
    // Hills, far (hazy) and near.
    QPainterPath far;
    far.moveTo(0, horizon);
    far.cubicTo(w * 0.15, horizon - h * 0.16, w * 0.3, horizon - h * 0.05, w * 0.42, horizon - h * 0.1);
    far.cubicTo(w * 0.5, horizon - h * 0.13, w * 0.56, horizon - h * 0.03, w * 0.6, horizon);
    far.closeSubpath();
    p.setBrush(QColor(120, 80, 120));
    p.drawPath(far);
    QPainterPath near;
    near.moveTo(0, horizon);
    near.cubicTo(w * 0.08, horizon - h * 0.1, w * 0.2, horizon - h * 0.08, w * 0.3, horizon);
    near.closeSubpath();
    p.setBrush(QColor(52, 48, 82));
    p.drawPath(near);
    // The sea, darker towards the viewer, with the sun's reflection in broken streaks.
    QLinearGradient sea(0, horizon, 0, h);
    sea.setColorAt(0, QColor(206, 120, 112));
    sea.setColorAt(0.25, QColor(70, 70, 130));
    sea.setColorAt(1, QColor(18, 30, 70));
    p.fillRect(QRectF(0, horizon, w, h - horizon), sea);
    for (int i = 0; i < 14; ++i) {
        const double y = horizon + 4 + i * i * 0.9;
        const double half = w * (0.05 + 0.006 * i) * (i % 2 ? 0.7 : 1.0);
        p.setBrush(QColor(255, 214, 150, 190 - i * 10));
        p.drawRoundedRect(QRectF(sun.x() - half, y, 2 * half, 2.0 + i * 0.25), 2, 2);
    }
    for (int i = 0; i < 22; ++i) {
        const double y = horizon + 20 + (i * 37) % int(h - horizon - 30);
        const double x = (i * 113) % width;
        p.setPen(QPen(QColor(170, 170, 220, 90), 1.5));
        p.drawLine(QPointF(x, y), QPointF(x + 18 + (i % 4) * 6, y));
    }
    // Two sailing boats.
    auto boat = [&p](QPointF at, double size, QColor sail) {
        p.setPen(Qt::NoPen);
        QPolygonF hull;
        hull << at + QPointF(-size * 0.55, 0) << at + QPointF(size * 0.55, 0) << at + QPointF(size * 0.4, size * 0.16)
             << at + QPointF(-size * 0.42, size * 0.16);
        p.setBrush(QColor(60, 34, 30));
        p.drawPolygon(hull);
        p.setPen(QPen(QColor(40, 30, 30), size * 0.025));
        p.drawLine(at + QPointF(0, 0), at + QPointF(0, -size * 1.05));
        p.setPen(Qt::NoPen);
        QPolygonF main;
        main << at + QPointF(size * 0.03, -size * 1.0) << at + QPointF(size * 0.03, -size * 0.08)
             << at + QPointF(size * 0.5, -size * 0.08);
        p.setBrush(sail);
        p.drawPolygon(main);
        QPolygonF jib;
        jib << at + QPointF(-size * 0.03, -size * 0.9) << at + QPointF(-size * 0.03, -size * 0.1)
            << at + QPointF(-size * 0.38, -size * 0.1);
        p.setBrush(sail.darker(115));
        p.drawPolygon(jib);
    };
    boat(QPointF(w * 0.44, h * 0.73), h * 0.2, QColor(250, 240, 225));
    boat(QPointF(w * 0.8, h * 0.66), h * 0.09, QColor(240, 200, 170));
    // Gulls.
    p.setPen(QPen(QColor(40, 30, 60), 2));
    p.setBrush(Qt::NoBrush);
    for (const QPointF& g : {QPointF(w * 0.22, h * 0.2), QPointF(w * 0.27, h * 0.26), QPointF(w * 0.33, h * 0.18)}) {
        QPainterPath wing;
        wing.moveTo(g + QPointF(-9, 0));
        wing.quadTo(g + QPointF(-4, -5), g);
        wing.quadTo(g + QPointF(4, -5), g + QPointF(9, 0));
        p.drawPath(wing);
    }
    return image;
}

// Closes the message boxes the window opened and returns their texts.
inline QStringList takeDialogs(QWidget* window) {
    QStringList texts;
    const QList<QMessageBox*> boxes = window->findChildren<QMessageBox*>();
    for (QMessageBox* box : boxes) {
        if (!box->isVisible())
            continue;
        texts.append(box->text());
        box->close();
    }
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return texts;
}

// Distinct colours in a sampled grab: a blank window has a handful, a studio with pictures thousands.
inline int distinctColours(const QImage& image, int step = 2) {
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += step) {
        for (int x = 0; x < image.width(); x += step)
            colours.insert(image.pixel(x, y));
    }
    return colours.size();
}

}  // namespace studio
