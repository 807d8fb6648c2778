#pragma once
// A 5 x 7 pixel bitmap font for labelling plots drawn into a QImage by command-line tools.
// QPainter::drawText needs the font database, which needs a QGuiApplication; stillmotion-cli runs on a
// QCoreApplication (headless, no platform plugin), so text is drawn from this table with fillRect instead.
//
// Covers digits, letters (drawn upper case), space and . , : ; - + = ( ) / % < > _ ; other characters draw as
// a hollow box. Thread-safety: reentrant (the painter is the caller's).
#include <QColor>
#include <QPainter>
#include <QPoint>
#include <QString>

namespace sm::core {

/// Width in pixels of `text` at `scale` pixels per font dot (6 dots per character including spacing).
int bitmapTextWidth(const QString& text, int scale);

/// Height in pixels of one line at `scale` (7 dots).
inline int bitmapTextHeight(int scale) {
    return 7 * scale;
}

/// Draws `text` with its top-left corner at `topLeft` under the painter's current transform.
void drawBitmapText(QPainter& painter, QPoint topLeft, const QString& text, int scale, const QColor& color);

}  // namespace sm::core
