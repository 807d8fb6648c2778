#pragma once
// Procedural training and evaluation clips with exact motion ground truth: textured sprites (circle, square,
// triangle, star, ring, cross, diamond, hexagon; solid, striped, dotted or gradient fills in named colours) moving
// over soft textured backgrounds (gradients, wide stripes, checkers, blurry blobs), rendered with QPainter.
//
// Motion kinds (for the first sprite, which the caption describes; the others move on their own):
//   Translate: one of 8 compass directions at a constant speed in px/frame ("a red star drifts to the left"),
//   Rotate:    constant angular speed about the centre, in degrees/frame ("a green circle spins"),
//   Scale:     constant per-frame factor about the centre, grow or shrink ("a yellow triangle grows").
// The captioned sprite is drawn last, so it is never hidden. Paths are chosen so that it stays fully inside the
// frame: when a drawn speed would carry it out, the speed is reduced, and the truth reports the reduced value.
// Backgrounds are static and kept low-frequency (no detail finer than about side/8) so that optical flow sees the
// sprites, not aliasing.
//
// Coordinates: pixels of the rendered frame, origin top-left, y down, pixel centres at +0.5 (QPainter's
// convention). Angles in degrees, positive = clockwise on screen. Scale 1 = the sprite's base radius.
//
// Determinism: the whole scene follows from (seed, options) through SeededRandom's integer arithmetic, so the same
// seed gives the same scene on every platform; pixels come from Qt's raster engine (identical for one Qt build).
// Thread-safety: ProceduralScene is an immutable value after generate(); render from any thread.
// Errors: generate() clamps out-of-range options into their valid range (see SceneOptions) and never throws.
#include <QColor>
#include <QImage>
#include <QJsonObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>

namespace sm::core {

enum class SpriteShape { Circle, Square, Triangle, Star, Ring, Cross, Diamond, Hexagon };
enum class SpriteFill { Solid, Striped, Dotted, Gradient };
enum class BackgroundKind { Plain, Gradient, Stripes, Checker, Blobs };
enum class MotionKind { Translate, Rotate, Scale };
// Compass directions on screen (Up = towards row 0).
enum class CompassDirection { Right, UpRight, Up, UpLeft, Left, DownLeft, Down, DownRight };

QString shapeName(SpriteShape shape);     // "circle", "square", ...
QString fillName(SpriteFill fill);        // "solid", "striped", "dotted", "gradient"
QString motionKindName(MotionKind kind);  // "translate", "rotate", "scale"
// Parses "translate" / "rotate" / "scale" (case-insensitive); false for anything else.
bool parseMotionKind(const QString& text, MotionKind* kind);
// Short names used in eval.json and truth.json: "right", "up-right", "up", "up-left", "left", "down-left", "down",
// "down-right".
QString directionName(CompassDirection direction);
// Unit vector of the direction in image coordinates (y down): Up = (0, -1), UpRight = (0.7071, -0.7071).
QPointF directionVector(CompassDirection direction);

// The named sprite colours; captions use the names. Backgrounds use muted colours that are not in this list.
struct NamedColor {
    QString name;
    QColor color;
};
const QVector<NamedColor>& spriteColors();

struct SceneOptions {
    int side = 64;    // frame width = height in pixels, clamped to 16..2048
    int frames = 12;  // clamped to 2..1000
    // Relative probabilities of the captioned sprite's motion kind (negative counts as 0; all 0 = translate).
    double translateWeight = 1.0;
    double rotateWeight = 1.0;
    double scaleWeight = 1.0;
    // Translation speed range in px/frame at `side` (swapped if reversed, at least 0.05).
    double minSpeed = 1.0;
    double maxSpeed = 3.0;
    // Rotation speed range in degrees/frame (direction drawn at random).
    double minSpinDeg = 6.0;
    double maxSpinDeg = 15.0;
    // Scale factor per frame for growing sprites (shrinking ones use the reciprocal), > 1.
    double minScaleRate = 1.03;
    double maxScaleRate = 1.08;
    int minSprites = 1;  // 1..3
    int maxSprites = 3;
    bool plainBackground = false;  // a single flat colour instead of a texture (tests, centroid checks)
    bool solidFillsOnly = false;   // every sprite solid (tests)
};

// Pose of one sprite in one frame.
struct SpritePose {
    QPointF centre;       // pixels
    double angleDeg = 0;  // clockwise on screen
    double scale = 1;     // times the base radius
};

// One sprite: appearance and its constant motion; poses follow from these analytically.
struct SpriteSpec {
    SpriteShape shape = SpriteShape::Circle;
    SpriteFill fill = SpriteFill::Solid;
    int colorIndex = 0;       // into spriteColors()
    QColor secondaryColor;    // stripes, dots and the far end of the gradient
    double baseRadius = 8;    // pixels at scale 1 (circumradius of the outline)
    double fillAngleDeg = 0;  // orientation of stripes / gradient in the sprite's own frame
    MotionKind kind = MotionKind::Translate;
    CompassDirection direction = CompassDirection::Right;  // Translate
    double speed = 0;                                      // Translate: px/frame along `direction`
    double spinDeg = 0;                                    // Rotate: degrees/frame, signed (positive = clockwise)
    double scaleRate = 1;                                  // Scale: factor per frame (> 1 grows, < 1 shrinks)
    SpritePose start;                                      // pose in frame 0
};

class ProceduralScene {
public:
    // The scene for `seed`. Equal seeds and options give equal scenes.
    static ProceduralScene generate(std::uint64_t seed, const SceneOptions& options = {});

    int side() const { return m_side; }
    int frameCount() const { return m_frames; }
    std::uint64_t seed() const { return m_seed; }
    BackgroundKind background() const { return m_backgroundKind; }
    const QVector<SpriteSpec>& sprites() const { return m_sprites; }  // [0] is the captioned sprite

    // "a red star drifts to the left", "a blue square moves up", "a green circle spins", "a yellow triangle grows".
    QString caption() const { return m_caption; }
    // Translate: directionName() of the captioned sprite; Rotate: "clockwise" / "counterclockwise";
    // Scale: "grow" / "shrink".
    QString directionLabel() const;

    // Ground truth. Frame indexes are clamped to [0, frameCount() - 1]; sprite indexes must be valid.
    SpritePose pose(int frame, int sprite = 0) const;
    // centre(j) - centre(i) in pixels: the translation of the sprite between the two frames.
    QPointF centreDisplacement(int i, int j, int sprite = 0) const;
    // Mean displacement length in pixels of the sprite's points (a polar grid over its disc at frame i mapped to
    // frame j): equals |centreDisplacement| for translation, and measures rotation and scaling too. This is the
    // quantity the Pix2Gif flow magnitude estimates.
    double meanPointDisplacement(int i, int j, int sprite = 0) const;

    // Frame `index` as a side x side QImage::Format_RGB888 image. Null for an out-of-range index.
    QImage renderFrame(int index) const;
    QVector<QImage> renderAll() const;

    // Everything above as JSON (seed, side, frames, caption, direction, kind, per sprite: appearance, motion
    // and per-frame poses {"x","y","angle","scale"}).
    QJsonObject truthJson() const;

private:
    void drawSprite(class QPainter& painter, const SpriteSpec& sprite, const SpritePose& pose) const;

    std::uint64_t m_seed = 0;
    int m_side = 64;
    int m_frames = 12;
    BackgroundKind m_backgroundKind = BackgroundKind::Plain;
    QImage m_background;  // RGB32, rendered once
    QVector<SpriteSpec> m_sprites;
    QString m_caption;
};

}  // namespace sm::core
