#include "dataset/procedural_scene.h"

#include <QJsonArray>
#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>
#include <QRadialGradient>

#include <algorithm>
#include <cmath>

#include "dataset/seeded_random.h"

namespace sm::core {

namespace {

constexpr double kPi = 3.14159265358979323846;
// A scaling sprite changes size by at most this factor over the clip, so it neither vanishes nor fills the frame.
constexpr double kMaxTotalScale = 3.0;
// Preferred difference in grey level (0..255) between a sprite colour and the mean background.
constexpr int kMinGrayContrast = 60;

// Muted background colours: low saturation and mid value keep the named sprite colours distinct from the texture.
QColor mutedColor(SeededRandom& rng) {
    return QColor::fromHsv(int(rng.uniformInt(0, 359)), int(rng.uniformInt(25, 100)), int(rng.uniformInt(95, 205)));
}

QPainterPath polygonPath(const QVector<QPointF>& points) {
    QPainterPath path;
    path.addPolygon(QPolygonF(points));
    path.closeSubpath();
    return path;
}

QVector<QPointF> regularPolygon(int corners, double radius, double firstAngleDeg) {
    QVector<QPointF> points;
    for (int k = 0; k < corners; ++k) {
        const double a = (firstAngleDeg + 360.0 * k / corners) * kPi / 180.0;
        points.append(QPointF(radius * std::cos(a), radius * std::sin(a)));
    }
    return points;
}

// The outline in the sprite's own frame: centred on (0, 0), circumradius about `r`, and symmetric enough that the
// area centroid is the centre (the tests locate sprites by their centroid).
QPainterPath shapePath(SpriteShape shape, double r) {
    QPainterPath path;
    switch (shape) {
        case SpriteShape::Circle:
            path.addEllipse(QPointF(0, 0), r, r);
            break;
        case SpriteShape::Square: {
            const double h = r / std::sqrt(2.0);
            path.addRect(QRectF(-h, -h, 2 * h, 2 * h));
            break;
        }
        case SpriteShape::Triangle:
            path = polygonPath(regularPolygon(3, r, -90));
            break;
        case SpriteShape::Star: {
            QVector<QPointF> points;
            for (int k = 0; k < 10; ++k) {
                const double radius = k % 2 == 0 ? r : 0.45 * r;
                const double a = (-90.0 + 36.0 * k) * kPi / 180.0;
                points.append(QPointF(radius * std::cos(a), radius * std::sin(a)));
            }
            path = polygonPath(points);
            break;
        }
        case SpriteShape::Ring:
            path.setFillRule(Qt::OddEvenFill);
            path.addEllipse(QPointF(0, 0), r, r);
            path.addEllipse(QPointF(0, 0), 0.55 * r, 0.55 * r);
            break;
        case SpriteShape::Cross: {
            const double w = 0.3 * r;
            const double l = 0.95 * r;
            path.setFillRule(Qt::WindingFill);
            path.addRect(QRectF(-l, -w, 2 * l, 2 * w));
            path.addRect(QRectF(-w, -l, 2 * w, 2 * l));
            path = path.simplified();
            break;
        }
        case SpriteShape::Diamond:
            path = polygonPath({QPointF(0, -r), QPointF(0.65 * r, 0), QPointF(0, r), QPointF(-0.65 * r, 0)});
            break;
        case SpriteShape::Hexagon:
            path = polygonPath(regularPolygon(6, r, 0));
            break;
    }
    return path;
}

QString directionPhrase(CompassDirection direction) {
    switch (direction) {
        case CompassDirection::Right:
            return QStringLiteral("to the right");
        case CompassDirection::UpRight:
            return QStringLiteral("up and to the right");
        case CompassDirection::Up:
            return QStringLiteral("up");
        case CompassDirection::UpLeft:
            return QStringLiteral("up and to the left");
        case CompassDirection::Left:
            return QStringLiteral("to the left");
        case CompassDirection::DownLeft:
            return QStringLiteral("down and to the left");
        case CompassDirection::Down:
            return QStringLiteral("down");
        case CompassDirection::DownRight:
            return QStringLiteral("down and to the right");
    }
    return {};
}

template <typename T>
const T& pick(SeededRandom& rng, const QVector<T>& items) {
    return items.at(int(rng.uniformInt(0, items.size() - 1)));
}

QString makeCaption(const SpriteSpec& sprite, SeededRandom& rng) {
    const QString colour = spriteColors().at(sprite.colorIndex).name;
    const QString article = QStringLiteral("aeiou").contains(colour.at(0)) ? QStringLiteral("an") : QStringLiteral("a");
    const QString subject = QStringLiteral("%1 %2 %3").arg(article, colour, shapeName(sprite.shape));
    switch (sprite.kind) {
        case MotionKind::Translate: {
            static const QVector<QString> verbs = {QStringLiteral("moves"), QStringLiteral("drifts"),
                                                   QStringLiteral("slides"), QStringLiteral("glides")};
            return QStringLiteral("%1 %2 %3").arg(subject, pick(rng, verbs), directionPhrase(sprite.direction));
        }
        case MotionKind::Rotate: {
            static const QVector<QString> verbs = {QStringLiteral("spins"), QStringLiteral("rotates"),
                                                   QStringLiteral("turns"), QStringLiteral("twirls")};
            const QString verb = pick(rng, verbs);
            if (rng.chance(0.5))
                return QStringLiteral("%1 %2").arg(subject, verb);
            return QStringLiteral("%1 %2 %3")
                .arg(subject, verb,
                     sprite.spinDeg > 0 ? QStringLiteral("clockwise") : QStringLiteral("counterclockwise"));
        }
        case MotionKind::Scale: {
            static const QVector<QString> grow = {QStringLiteral("grows"), QStringLiteral("expands"),
                                                  QStringLiteral("gets bigger")};
            static const QVector<QString> shrink = {QStringLiteral("shrinks"), QStringLiteral("gets smaller"),
                                                    QStringLiteral("contracts")};
            return QStringLiteral("%1 %2").arg(subject, pick(rng, sprite.scaleRate > 1 ? grow : shrink));
        }
    }
    return subject;
}

QImage makeBackground(BackgroundKind kind, int side, SeededRandom& rng) {
    QImage image(side, side, QImage::Format_RGB32);
    const QColor base = mutedColor(rng);
    image.fill(base);
    if (kind == BackgroundKind::Plain)
        return image;
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setPen(Qt::NoPen);
    const QPointF centre(side / 2.0, side / 2.0);
    const double angle = rng.uniform(0.0, 2 * kPi);
    const QPointF axis(std::cos(angle), std::sin(angle));
    switch (kind) {
        case BackgroundKind::Plain:
            break;
        case BackgroundKind::Gradient: {
            QLinearGradient gradient(centre - axis * side * 0.6, centre + axis * side * 0.6);
            gradient.setColorAt(0.0, base);
            gradient.setColorAt(rng.uniform(0.35, 0.65), mutedColor(rng));
            gradient.setColorAt(1.0, mutedColor(rng));
            painter.fillRect(image.rect(), gradient);
            break;
        }
        case BackgroundKind::Stripes: {
            // Smooth periodic ramps rather than hard bars: the period is a quarter to a half of the frame.
            const double period = side * rng.uniform(0.25, 0.5);
            QLinearGradient gradient(centre, centre + axis * period);
            gradient.setSpread(QGradient::RepeatSpread);
            const QColor other = mutedColor(rng);
            gradient.setColorAt(0.0, base);
            gradient.setColorAt(0.5, other);
            gradient.setColorAt(1.0, base);
            painter.fillRect(image.rect(), gradient);
            break;
        }
        case BackgroundKind::Checker: {
            // A soft, low-contrast checker: one pixel per cell, enlarged with bilinear filtering, so its corners
            // are blurred and weaker than the sprites' (hard high-contrast corners would take all of the 100
            // features the Pix2Gif flow measure tracks, and they never move).
            const int cells = int(rng.uniformInt(3, 6));
            const QColor other = base.lighter(int(rng.uniformInt(112, 125)));
            QImage small(cells, cells, QImage::Format_RGB32);
            for (int y = 0; y < cells; ++y) {
                for (int x = 0; x < cells; ++x)
                    small.setPixelColor(x, y, (x + y) % 2 == 1 ? other : base);
            }
            painter.drawImage(image.rect(), small.scaled(side, side, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
            break;
        }
        case BackgroundKind::Blobs: {
            const int count = int(rng.uniformInt(4, 8));
            for (int k = 0; k < count; ++k) {
                const QPointF at(rng.uniform(0, side), rng.uniform(0, side));
                const double radius = side * rng.uniform(0.15, 0.4);
                QColor colour = mutedColor(rng);
                QRadialGradient gradient(at, radius);
                colour.setAlpha(int(rng.uniformInt(120, 200)));
                gradient.setColorAt(0.0, colour);
                colour.setAlpha(0);
                gradient.setColorAt(1.0, colour);
                painter.setBrush(gradient);
                painter.drawEllipse(at, radius, radius);
            }
            break;
        }
    }
    return image;
}

// Clamp an option into [low, high] (NaN -> low).
double clampOption(double value, double low, double high) {
    return std::isfinite(value) ? std::clamp(value, low, high) : low;
}

}  // namespace

QString shapeName(SpriteShape shape) {
    switch (shape) {
        case SpriteShape::Circle:
            return QStringLiteral("circle");
        case SpriteShape::Square:
            return QStringLiteral("square");
        case SpriteShape::Triangle:
            return QStringLiteral("triangle");
        case SpriteShape::Star:
            return QStringLiteral("star");
        case SpriteShape::Ring:
            return QStringLiteral("ring");
        case SpriteShape::Cross:
            return QStringLiteral("cross");
        case SpriteShape::Diamond:
            return QStringLiteral("diamond");
        case SpriteShape::Hexagon:
            return QStringLiteral("hexagon");
    }
    return {};
}

QString fillName(SpriteFill fill) {
    switch (fill) {
        case SpriteFill::Solid:
            return QStringLiteral("solid");
        case SpriteFill::Striped:
            return QStringLiteral("striped");
        case SpriteFill::Dotted:
            return QStringLiteral("dotted");
        case SpriteFill::Gradient:
            return QStringLiteral("gradient");
    }
    return {};
}

QString motionKindName(MotionKind kind) {
    switch (kind) {
        case MotionKind::Translate:
            return QStringLiteral("translate");
        case MotionKind::Rotate:
            return QStringLiteral("rotate");
        case MotionKind::Scale:
            return QStringLiteral("scale");
    }
    return {};
}

bool parseMotionKind(const QString& text, MotionKind* kind) {
    for (MotionKind candidate : {MotionKind::Translate, MotionKind::Rotate, MotionKind::Scale}) {
        if (text.trimmed().compare(motionKindName(candidate), Qt::CaseInsensitive) == 0) {
            *kind = candidate;
            return true;
        }
    }
    return false;
}

QString directionName(CompassDirection direction) {
    switch (direction) {
        case CompassDirection::Right:
            return QStringLiteral("right");
        case CompassDirection::UpRight:
            return QStringLiteral("up-right");
        case CompassDirection::Up:
            return QStringLiteral("up");
        case CompassDirection::UpLeft:
            return QStringLiteral("up-left");
        case CompassDirection::Left:
            return QStringLiteral("left");
        case CompassDirection::DownLeft:
            return QStringLiteral("down-left");
        case CompassDirection::Down:
            return QStringLiteral("down");
        case CompassDirection::DownRight:
            return QStringLiteral("down-right");
    }
    return {};
}

QPointF directionVector(CompassDirection direction) {
    // Counter-clockwise from "right" in 45 degree steps, mathematically; y is flipped for image rows.
    const double a = int(direction) * kPi / 4.0;
    const double x = std::cos(a);
    const double y = -std::sin(a);
    // Exact zeros and +-1 for the axis directions (cos(pi/2) is 6e-17, not 0).
    auto snap = [](double v) {
        return std::abs(v) < 1e-12 ? 0.0 : (std::abs(std::abs(v) - 1.0) < 1e-12 ? (v > 0 ? 1.0 : -1.0) : v);
    };
    return QPointF(snap(x), snap(y));
}

const QVector<NamedColor>& spriteColors() {
    static const QVector<NamedColor> colors = {
        {QStringLiteral("red"), QColor(220, 35, 35)},     {QStringLiteral("orange"), QColor(250, 135, 20)},
        {QStringLiteral("yellow"), QColor(245, 215, 30)}, {QStringLiteral("green"), QColor(30, 165, 55)},
        {QStringLiteral("blue"), QColor(35, 80, 225)},    {QStringLiteral("purple"), QColor(135, 50, 190)},
        {QStringLiteral("pink"), QColor(245, 110, 185)},  {QStringLiteral("white"), QColor(250, 250, 250)},
        {QStringLiteral("black"), QColor(20, 20, 20)},
    };
    return colors;
}

ProceduralScene ProceduralScene::generate(std::uint64_t seed, const SceneOptions& rawOptions) {
    SceneOptions options = rawOptions;
    options.side = std::clamp(options.side, 16, 2048);
    options.frames = std::clamp(options.frames, 2, 1000);
    options.minSpeed = clampOption(options.minSpeed, 0.05, 1e4);
    options.maxSpeed = clampOption(options.maxSpeed, 0.05, 1e4);
    if (options.maxSpeed < options.minSpeed)
        std::swap(options.minSpeed, options.maxSpeed);
    options.minSpinDeg = clampOption(options.minSpinDeg, 0.1, 90);
    options.maxSpinDeg = clampOption(options.maxSpinDeg, 0.1, 90);
    if (options.maxSpinDeg < options.minSpinDeg)
        std::swap(options.minSpinDeg, options.maxSpinDeg);
    options.minScaleRate = clampOption(options.minScaleRate, 1.001, 2.0);
    options.maxScaleRate = clampOption(options.maxScaleRate, 1.001, 2.0);
    if (options.maxScaleRate < options.minScaleRate)
        std::swap(options.minScaleRate, options.maxScaleRate);
    options.minSprites = std::clamp(options.minSprites, 1, 3);
    options.maxSprites = std::clamp(options.maxSprites, options.minSprites, 3);

    ProceduralScene scene;
    scene.m_seed = seed;
    scene.m_side = options.side;
    scene.m_frames = options.frames;
    SeededRandom rng(seed);
    const double side = options.side;
    const int steps = options.frames - 1;

    scene.m_backgroundKind = options.plainBackground ? BackgroundKind::Plain : BackgroundKind(rng.uniformInt(1, 4));
    scene.m_background = makeBackground(scene.m_backgroundKind, options.side, rng);

    int backgroundGray = 0;
    {
        qint64 sum = 0;
        for (int y = 0; y < options.side; ++y) {
            const QRgb* row = reinterpret_cast<const QRgb*>(scene.m_background.constScanLine(y));
            for (int x = 0; x < options.side; ++x)
                sum += qGray(row[x]);
        }
        backgroundGray = int(sum / (qint64(options.side) * options.side));
    }

    std::vector<double> kindWeights = {options.translateWeight, options.rotateWeight, options.scaleWeight};
    const int spriteCount = int(rng.uniformInt(options.minSprites, options.maxSprites));
    QVector<int> freeColors;
    for (int c = 0; c < spriteColors().size(); ++c)
        freeColors.append(c);
    for (int k = 0; k < spriteCount; ++k) {
        SpriteSpec sprite;
        const int kindIndex = rng.pickWeighted(kindWeights);
        sprite.kind = kindIndex < 0 ? MotionKind::Translate : MotionKind(kindIndex);
        sprite.shape = SpriteShape(rng.uniformInt(0, 7));
        sprite.fill = options.solidFillsOnly ? SpriteFill::Solid : SpriteFill(rng.uniformInt(0, 3));
        // A solid disc or ring looks the same at every angle: give a spinning one a pattern to show the turn.
        if (sprite.kind == MotionKind::Rotate && sprite.fill == SpriteFill::Solid && !options.solidFillsOnly &&
            (sprite.shape == SpriteShape::Circle || sprite.shape == SpriteShape::Ring))
            sprite.fill = SpriteFill::Striped;
        // Distinct colours per scene, so every sprite is identifiable by colour; and, where possible, a grey level
        // far from the background's, because the flow measure works on grayscale and sees no edge between a
        // green sprite and a background of the same brightness.
        QVector<int> candidates;
        for (int c : freeColors) {
            if (std::abs(qGray(spriteColors().at(c).color.rgb()) - backgroundGray) >= kMinGrayContrast)
                candidates.append(c);
        }
        if (candidates.isEmpty())
            candidates = freeColors;
        sprite.colorIndex = candidates.at(int(rng.uniformInt(0, candidates.size() - 1)));
        freeColors.removeOne(sprite.colorIndex);
        const QColor colour = spriteColors().at(sprite.colorIndex).color;
        // Patterns need visible contrast inside the sprite (a spinning disc shows its turn only through them):
        // mix 45 % towards black for light colours, towards white for dark ones (lighter() cannot brighten black).
        const int target = colour.lightness() > 140 ? 0 : 255;
        sprite.secondaryColor = QColor(int(std::lround(colour.red() * 0.55 + target * 0.45)),
                                       int(std::lround(colour.green() * 0.55 + target * 0.45)),
                                       int(std::lround(colour.blue() * 0.55 + target * 0.45)));
        sprite.baseRadius = side * (k == 0 ? rng.uniform(0.11, 0.17) : rng.uniform(0.08, 0.13));
        sprite.fillAngleDeg = rng.uniform(0, 180);
        sprite.start.angleDeg = rng.uniform(0, 360);

        double maxScale = 1.0;
        QPointF velocity;  // px/frame
        switch (sprite.kind) {
            case MotionKind::Translate:
                sprite.direction = CompassDirection(rng.uniformInt(0, 7));
                sprite.speed = rng.uniform(options.minSpeed, options.maxSpeed);
                break;
            case MotionKind::Rotate:
                sprite.spinDeg = rng.uniform(options.minSpinDeg, options.maxSpinDeg) * (rng.chance(0.5) ? 1 : -1);
                break;
            case MotionKind::Scale: {
                double rate = rng.uniform(options.minScaleRate, options.maxScaleRate);
                const bool grow = rng.chance(0.5);
                if (std::pow(rate, steps) > kMaxTotalScale)
                    rate = std::pow(kMaxTotalScale, 1.0 / steps);
                const double total = std::pow(rate, steps);
                // Sizes run from 1/sqrt(total) to sqrt(total) of the base radius, centred on scale 1.
                sprite.scaleRate = grow ? rate : 1.0 / rate;
                sprite.start.scale = grow ? 1.0 / std::sqrt(total) : std::sqrt(total);
                maxScale = std::sqrt(total);
                break;
            }
        }
        // Keep the whole path inside the frame with a one-pixel margin; slow a translation down if it cannot fit.
        const double margin = sprite.baseRadius * maxScale + 1.0;
        const double room = std::max(0.0, side - 2 * margin);
        if (sprite.kind == MotionKind::Translate) {
            const QPointF unit = directionVector(sprite.direction);
            const double axis = std::max(std::abs(unit.x()), std::abs(unit.y()));
            const double fastest = room / (steps * axis);
            if (sprite.speed > fastest)
                sprite.speed = fastest * 0.999;
            velocity = unit * sprite.speed;
        }
        const double travelX = velocity.x() * steps;
        const double travelY = velocity.y() * steps;
        const double loX = margin - std::min(0.0, travelX), hiX = side - margin - std::max(0.0, travelX);
        const double loY = margin - std::min(0.0, travelY), hiY = side - margin - std::max(0.0, travelY);
        sprite.start.centre = QPointF(hiX > loX ? rng.uniform(loX, hiX) : side / 2 - travelX / 2,
                                      hiY > loY ? rng.uniform(loY, hiY) : side / 2 - travelY / 2);
        scene.m_sprites.append(sprite);
    }
    scene.m_caption = makeCaption(scene.m_sprites.front(), rng);
    return scene;
}

QString ProceduralScene::directionLabel() const {
    const SpriteSpec& sprite = m_sprites.front();
    switch (sprite.kind) {
        case MotionKind::Translate:
            return directionName(sprite.direction);
        case MotionKind::Rotate:
            return sprite.spinDeg > 0 ? QStringLiteral("clockwise") : QStringLiteral("counterclockwise");
        case MotionKind::Scale:
            return sprite.scaleRate > 1 ? QStringLiteral("grow") : QStringLiteral("shrink");
    }
    return {};
}

SpritePose ProceduralScene::pose(int frame, int sprite) const {
    const SpriteSpec& spec = m_sprites.at(sprite);
    const int f = std::clamp(frame, 0, m_frames - 1);
    SpritePose pose = spec.start;
    switch (spec.kind) {
        case MotionKind::Translate:
            pose.centre += directionVector(spec.direction) * (spec.speed * f);
            break;
        case MotionKind::Rotate:
            pose.angleDeg += spec.spinDeg * f;
            break;
        case MotionKind::Scale:
            pose.scale *= std::pow(spec.scaleRate, f);
            break;
    }
    return pose;
}

QPointF ProceduralScene::centreDisplacement(int i, int j, int sprite) const {
    return pose(j, sprite).centre - pose(i, sprite).centre;
}

double ProceduralScene::meanPointDisplacement(int i, int j, int sprite) const {
    const SpritePose a = pose(i, sprite);
    const SpritePose b = pose(j, sprite);
    const double radius = m_sprites.at(sprite).baseRadius;
    auto place = [radius](const SpritePose& p, double u, double v) {
        const double t = p.angleDeg * kPi / 180.0;
        const double x = u * radius * p.scale, y = v * radius * p.scale;
        return p.centre + QPointF(x * std::cos(t) - y * std::sin(t), x * std::sin(t) + y * std::cos(t));
    };
    // Rings at radii sqrt((k + 0.5) / K) of the disc: equal-area samples.
    constexpr int kRings = 6;
    constexpr int kSpokes = 24;
    double sum = 0.0;
    for (int k = 0; k < kRings; ++k) {
        const double rho = std::sqrt((k + 0.5) / kRings);
        for (int s = 0; s < kSpokes; ++s) {
            const double phi = 2 * kPi * s / kSpokes;
            const QPointF d =
                place(b, rho * std::cos(phi), rho * std::sin(phi)) - place(a, rho * std::cos(phi), rho * std::sin(phi));
            sum += std::hypot(d.x(), d.y());
        }
    }
    return sum / (kRings * kSpokes);
}

void ProceduralScene::drawSprite(QPainter& painter, const SpriteSpec& sprite, const SpritePose& pose) const {
    const double r = sprite.baseRadius;
    const QColor colour = spriteColors().at(sprite.colorIndex).color;
    const QPainterPath path = shapePath(sprite.shape, r);
    painter.save();
    painter.translate(pose.centre);
    painter.rotate(pose.angleDeg);
    painter.scale(pose.scale, pose.scale);
    painter.setPen(Qt::NoPen);
    const double t = sprite.fillAngleDeg * kPi / 180.0;
    const QPointF axis(std::cos(t), std::sin(t));
    switch (sprite.fill) {
        case SpriteFill::Solid:
            painter.fillPath(path, colour);
            break;
        case SpriteFill::Gradient: {
            QLinearGradient gradient(-axis * r, axis * r);
            gradient.setColorAt(0.0, colour);
            gradient.setColorAt(1.0, sprite.secondaryColor);
            painter.fillPath(path, gradient);
            break;
        }
        case SpriteFill::Striped: {
            painter.fillPath(path, colour);
            painter.setClipPath(path);
            painter.rotate(sprite.fillAngleDeg);
            const double width = std::max(1.0, 0.3 * r);
            for (double x = -1.5 * r; x < 1.5 * r; x += 2 * width)
                painter.fillRect(QRectF(x, -1.5 * r, width, 3 * r), sprite.secondaryColor);
            break;
        }
        case SpriteFill::Dotted: {
            painter.fillPath(path, colour);
            painter.setClipPath(path);
            painter.setBrush(sprite.secondaryColor);
            const double spacing = std::max(2.0, 0.55 * r);
            const double dot = 0.15 * r;
            int row = 0;
            for (double y = -1.2 * r; y < 1.2 * r; y += spacing, ++row) {
                const double offset = (row % 2) * spacing / 2;  // staggered rows
                for (double x = -1.2 * r + offset; x < 1.2 * r; x += spacing)
                    painter.drawEllipse(QPointF(x, y), dot, dot);
            }
            break;
        }
    }
    painter.restore();
}

QImage ProceduralScene::renderFrame(int index) const {
    if (index < 0 || index >= m_frames || m_background.isNull())
        return QImage();
    QImage frame = m_background.copy();
    {
        QPainter painter(&frame);
        painter.setRenderHint(QPainter::Antialiasing, true);
        // The captioned sprite (index 0) last, on top of the others.
        for (int k = 1; k < m_sprites.size(); ++k)
            drawSprite(painter, m_sprites.at(k), pose(index, k));
        drawSprite(painter, m_sprites.front(), pose(index, 0));
    }
    return frame.convertToFormat(QImage::Format_RGB888);
}

QVector<QImage> ProceduralScene::renderAll() const {
    QVector<QImage> frames;
    frames.reserve(m_frames);
    for (int i = 0; i < m_frames; ++i)
        frames.append(renderFrame(i));
    return frames;
}

QJsonObject ProceduralScene::truthJson() const {
    static const char* kBackgrounds[] = {"plain", "gradient", "stripes", "checker", "blobs"};
    QJsonArray sprites;
    for (int k = 0; k < m_sprites.size(); ++k) {
        const SpriteSpec& s = m_sprites.at(k);
        QJsonObject sprite{
            {QStringLiteral("shape"), shapeName(s.shape)},
            {QStringLiteral("fill"), fillName(s.fill)},
            {QStringLiteral("color"), spriteColors().at(s.colorIndex).name},
            {QStringLiteral("radius"), s.baseRadius},
            {QStringLiteral("kind"), motionKindName(s.kind)},
        };
        if (s.kind == MotionKind::Translate) {
            sprite.insert(QStringLiteral("direction"), directionName(s.direction));
            sprite.insert(QStringLiteral("speed"), s.speed);
        } else if (s.kind == MotionKind::Rotate) {
            sprite.insert(QStringLiteral("spin_deg"), s.spinDeg);
        } else {
            sprite.insert(QStringLiteral("scale_rate"), s.scaleRate);
        }
        QJsonArray poses;
        for (int f = 0; f < m_frames; ++f) {
            const SpritePose p = pose(f, k);
            poses.append(QJsonObject{{QStringLiteral("x"), p.centre.x()},
                                     {QStringLiteral("y"), p.centre.y()},
                                     {QStringLiteral("angle"), p.angleDeg},
                                     {QStringLiteral("scale"), p.scale}});
        }
        sprite.insert(QStringLiteral("poses"), poses);
        sprites.append(sprite);
    }
    return QJsonObject{
        {QStringLiteral("seed"), QString::number(m_seed)},  // as text: JSON numbers lose 64-bit precision
        {QStringLiteral("side"), m_side},
        {QStringLiteral("frames"), m_frames},
        {QStringLiteral("caption"), m_caption},
        {QStringLiteral("kind"), motionKindName(m_sprites.front().kind)},
        {QStringLiteral("direction"), directionLabel()},
        {QStringLiteral("background"), QString::fromLatin1(kBackgrounds[int(m_backgroundKind)])},
        {QStringLiteral("sprites"), sprites},
    };
}

}  // namespace sm::core
