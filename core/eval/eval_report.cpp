#include "eval/eval_report.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QPainter>
#include <QPainterPath>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

#include "eval/bitmap_text.h"

namespace sm::core {

namespace {

// JSON has no NaN: undefined numbers become null so that every reader (Python's json included) parses the file.
QJsonValue number(double value) {
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue(QJsonValue::Null);
}

QJsonValue level(int value) {
    return value >= 0 ? QJsonValue(value) : QJsonValue(QJsonValue::Null);
}

QString csvNumber(double value) {
    return std::isfinite(value) ? QString::number(value, 'g', 10) : QString();
}

QString csvField(const QString& text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString fixed(double value, int decimals) {
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("n/a");
}

bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = QStringLiteral("%1: cannot write (%2)").arg(path, file.errorString());
        return false;
    }
    return true;
}

// A tick step from 1, 2, 5 x 10^k giving at most ~10 intervals.
double tickStep(double range) {
    const double raw = range / 10.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-9))));
    for (const double factor : {1.0, 2.0, 5.0, 10.0})
        if (factor * magnitude >= raw)
            return factor * magnitude;
    return 10.0 * magnitude;
}

}  // namespace

bool loadEvalSet(const QString& dir, QVector<EvalSetItem>* items, QString* error) {
    const QString path = QDir(dir).filePath(QStringLiteral("eval.json"));
    auto fail = [&](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("%1: cannot open (%2); make an eval set with `stillmotion-cli synth --eval`")
                        .arg(path, file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("%1: not valid JSON at offset %2: %3")
                        .arg(path)
                        .arg(parseError.offset)
                        .arg(parseError.errorString()));
    const QJsonValue list = document.object().value(QStringLiteral("items"));
    if (!list.isArray())
        return fail(QStringLiteral("%1: expected an object with an \"items\" array").arg(path));
    QVector<EvalSetItem> result;
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject object = array.at(i).toObject();
        EvalSetItem item;
        item.image = object.value(QStringLiteral("image")).toString();
        item.caption = object.value(QStringLiteral("caption")).toString();
        item.direction = object.value(QStringLiteral("direction")).toString();
        if (item.image.isEmpty() || item.caption.trimmed().isEmpty())
            return fail(QStringLiteral("%1: item %2 needs a non-empty \"image\" and \"caption\"").arg(path).arg(i));
        item.imagePath = QDir(dir).absoluteFilePath(item.image);
        result.append(item);
    }
    if (result.isEmpty())
        return fail(QStringLiteral("%1: the \"items\" array is empty").arg(path));
    *items = result;
    return true;
}

QJsonObject summaryJson(const EvalSummary& summary) {
    QJsonObject json;
    json.insert(QStringLiteral("items"), summary.items);
    json.insert(QStringLiteral("frames"), summary.frames);
    json.insert(QStringLiteral("rmse"), number(summary.rmse));
    json.insert(QStringLiteral("pearson"), number(summary.pearson));
    json.insert(QStringLiteral("mean_ssim"), number(summary.meanSsim));
    json.insert(QStringLiteral("mean_psnr"), number(summary.meanPsnr));
    json.insert(QStringLiteral("first_frame_ssim"), number(summary.firstFrameSsim));
    json.insert(QStringLiteral("mean_consecutive_ssim"), number(summary.meanConsecutiveSsim));
    json.insert(QStringLiteral("cinemo_level"), level(summary.cinemoLevel));
    json.insert(QStringLiteral("cinemo_unet_id"), level(summary.cinemoUnetId));
    return json;
}

QJsonObject resultsJson(const QJsonObject& run, const EvalSummary& summary, const QVector<ItemEvaluation>& items) {
    QJsonObject json = run;
    json.insert(QStringLiteral("summary"), summaryJson(summary));
    QJsonArray perMotion;
    for (const MotionRow& row : summary.perMotion) {
        QJsonObject object;
        object.insert(QStringLiteral("requested_motion"), row.requestedMotion);
        object.insert(QStringLiteral("count"), row.count);
        object.insert(QStringLiteral("mean_measured_flow"), number(row.meanMeasured));
        object.insert(QStringLiteral("std_measured_flow"), number(row.stdMeasured));
        object.insert(QStringLiteral("mean_ssim"), number(row.meanSsim));
        object.insert(QStringLiteral("mean_psnr"), number(row.meanPsnr));
        perMotion.append(object);
    }
    json.insert(QStringLiteral("per_motion"), perMotion);
    QJsonArray itemRows;
    for (const ItemEvaluation& item : items) {
        QJsonObject object;
        object.insert(QStringLiteral("image"), item.image);
        object.insert(QStringLiteral("caption"), item.caption);
        object.insert(QStringLiteral("direction"), item.direction);
        object.insert(QStringLiteral("rmse"), number(item.rmse));
        object.insert(QStringLiteral("pearson"), number(item.pearson));
        object.insert(QStringLiteral("first_frame_ssim"), number(item.firstFrameSsim));
        object.insert(QStringLiteral("mean_consecutive_ssim"), number(item.meanConsecutiveSsim));
        object.insert(QStringLiteral("cinemo_level"), level(item.cinemoLevel));
        object.insert(QStringLiteral("cinemo_unet_id"), level(item.cinemoUnetId));
        QJsonArray frames;
        for (const FrameEvaluation& frame : item.frames) {
            QJsonObject row;
            row.insert(QStringLiteral("requested_motion"), frame.requestedMotion);
            row.insert(QStringLiteral("measured_flow"), number(frame.measuredFlow));
            row.insert(QStringLiteral("ssim_to_source"), number(frame.ssimToSource));
            row.insert(QStringLiteral("psnr_to_source"), number(frame.psnrToSource));
            frames.append(row);
        }
        object.insert(QStringLiteral("frames"), frames);
        itemRows.append(object);
    }
    json.insert(QStringLiteral("items"), itemRows);
    return json;
}

QString resultsCsv(const QVector<ItemEvaluation>& items) {
    QString csv =
        QStringLiteral("image,caption,direction,requested_motion,measured_flow,ssim_to_source,psnr_to_source\n");
    for (const ItemEvaluation& item : items) {
        for (const FrameEvaluation& frame : item.frames) {
            csv += QStringList{csvField(item.image),          csvField(item.caption),
                               csvField(item.direction),      QString::number(frame.requestedMotion),
                               csvNumber(frame.measuredFlow), csvNumber(frame.ssimToSource),
                               csvNumber(frame.psnrToSource)}
                       .join(QLatin1Char(','));
            csv += QLatin1Char('\n');
        }
    }
    return csv;
}

QImage renderMotionPlot(const QVector<ItemEvaluation>& items, const EvalSummary& summary, QSize resolution,
                        QSize size) {
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    const int scale = std::max(1, size.width() / 360);  // font dots per pixel

    // Both axes share one range so that y = x is the diagonal and over/under-shoot reads directly.
    double maxValue = 1.0;
    for (const ItemEvaluation& item : items)
        for (const FrameEvaluation& frame : item.frames) {
            maxValue = std::max(maxValue, double(frame.requestedMotion));
            if (std::isfinite(frame.measuredFlow))
                maxValue = std::max(maxValue, frame.measuredFlow);
        }
    const double step = tickStep(maxValue);
    const double axisMax = std::ceil(maxValue * 1.05 / step) * step;

    const int left = 14 * scale + bitmapTextWidth(QStringLiteral("000"), scale) + 8 * scale;
    const int top = 24 * scale;
    const int bottom = 30 * scale;
    const int right = 10 * scale;
    const int side = std::max(10, std::min(size.width() - left - right, size.height() - top - bottom));
    const QRectF plot(left, top, side, side);
    auto toX = [&](double v) { return plot.left() + v / axisMax * plot.width(); };
    auto toY = [&](double v) { return plot.bottom() - v / axisMax * plot.height(); };

    // Grid, ticks and tick labels.
    const QColor ink(40, 40, 40);
    for (double v = 0.0; v <= axisMax + 1e-9; v += step) {
        painter.setPen(QPen(QColor(225, 225, 225), 1));
        painter.drawLine(QPointF(toX(v), plot.top()), QPointF(toX(v), plot.bottom()));
        painter.drawLine(QPointF(plot.left(), toY(v)), QPointF(plot.right(), toY(v)));
        const QString label = QString::number(v, 'g', 4);
        drawBitmapText(painter, QPoint(int(toX(v)) - bitmapTextWidth(label, scale) / 2, int(plot.bottom()) + 4 * scale),
                       label, scale, ink);
        drawBitmapText(painter,
                       QPoint(int(plot.left()) - bitmapTextWidth(label, scale) - 4 * scale,
                              int(toY(v)) - bitmapTextHeight(scale) / 2),
                       label, scale, ink);
    }
    painter.setPen(QPen(ink, 1.5));
    painter.drawRect(plot);

    // y = x: where a perfectly calibrated model's points lie.
    painter.setPen(QPen(QColor(90, 90, 90), 1.5, Qt::DashLine));
    painter.drawLine(QPointF(toX(0), toY(0)), QPointF(toX(axisMax), toY(axisMax)));
    drawBitmapText(painter, QPoint(int(toX(axisMax * 0.9)) - 12 * scale, int(toY(axisMax * 0.9)) - 12 * scale),
                   QStringLiteral("y = x"), scale, QColor(90, 90, 90));

    // Every frame; a small deterministic horizontal offset keeps frames of the same motion apart.
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(30, 100, 200, 120));
    int index = 0;
    for (const ItemEvaluation& item : items)
        for (const FrameEvaluation& frame : item.frames) {
            if (!std::isfinite(frame.measuredFlow))
                continue;
            const double jitter = ((index++ % 7) - 3) * 0.04 * step;
            painter.drawEllipse(QPointF(toX(frame.requestedMotion + jitter), toY(frame.measuredFlow)), 2.5 * scale,
                                2.5 * scale);
        }

    // Per-motion means with +-1 standard deviation.
    const QColor meanColor(200, 40, 40);
    for (const MotionRow& row : summary.perMotion) {
        if (!std::isfinite(row.meanMeasured))
            continue;
        const double x = toX(row.requestedMotion);
        painter.setPen(QPen(meanColor, 1.5));
        painter.drawLine(QPointF(x, toY(std::max(0.0, row.meanMeasured - row.stdMeasured))),
                         QPointF(x, toY(row.meanMeasured + row.stdMeasured)));
        painter.setPen(Qt::NoPen);
        painter.setBrush(meanColor);
        painter.drawRect(QRectF(x - 3 * scale, toY(row.meanMeasured) - 3 * scale, 6 * scale, 6 * scale));
    }

    // Titles and the legend.
    const QString unit = QStringLiteral("px at %1x%2").arg(resolution.width()).arg(resolution.height());
    const QString xTitle = QStringLiteral("requested motion (%1)").arg(unit);
    drawBitmapText(painter,
                   QPoint(int(plot.center().x()) - bitmapTextWidth(xTitle, scale) / 2, int(plot.bottom()) + 16 * scale),
                   xTitle, scale, ink);
    const QString yTitle = QStringLiteral("measured flow (%1)").arg(unit);
    painter.save();
    painter.translate(3 * scale, plot.center().y() + bitmapTextWidth(yTitle, scale) / 2.0);
    painter.rotate(-90);
    drawBitmapText(painter, QPoint(0, 0), yTitle, scale, ink);
    painter.restore();
    const QString legend = QStringLiteral("r = %1   l2 = %2 px   n = %3 frames")
                               .arg(fixed(summary.pearson, 3), fixed(summary.rmse, 2))
                               .arg(summary.frames);
    drawBitmapText(painter, QPoint(left, 3 * scale), legend, scale, ink);
    drawBitmapText(painter, QPoint(left, 12 * scale), QStringLiteral("blue: frames   red: mean +-1 sd"), scale,
                   QColor(110, 110, 110));
    painter.end();
    return image;
}

bool writeEvalOutputs(const QString& dir, const QJsonObject& run, const EvalSummary& summary,
                      const QVector<ItemEvaluation>& items, QSize resolution, QString* error) {
    if (!QDir().mkpath(dir)) {
        if (error)
            *error = QStringLiteral("%1: cannot create the output folder").arg(dir);
        return false;
    }
    const QDir out(dir);
    const QByteArray json = QJsonDocument(resultsJson(run, summary, items)).toJson(QJsonDocument::Indented);
    if (!writeAtomically(out.filePath(QStringLiteral("results.json")), json, error))
        return false;
    if (!writeAtomically(out.filePath(QStringLiteral("results.csv")), resultsCsv(items).toUtf8(), error))
        return false;
    const QString plotPath = out.filePath(QStringLiteral("motion_plot.png"));
    QSaveFile plotFile(plotPath);
    if (!plotFile.open(QIODevice::WriteOnly) || !renderMotionPlot(items, summary, resolution).save(&plotFile, "PNG") ||
        !plotFile.commit()) {
        if (error)
            *error = QStringLiteral("%1: cannot write the plot (%2)").arg(plotPath, plotFile.errorString());
        return false;
    }
    return true;
}

}  // namespace sm::core
