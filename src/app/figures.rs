//! Stick-figure drawings of the exercises, painted by the app itself with egui's `Painter`
//! (no copied artwork, no image files). Each `figure` key of `assets/exercises.toml` maps to one
//! small drawing: a body in a base pose (sitting, standing or lying), changed where the exercise
//! differs, plus props (chair, wall, doorway, band, towel) and arrows for the movement.
//! Unknown keys get a plain standing figure, so a new exercise never shows an empty box.
//!
//! Coordinates are in a 100 × 100 box, y down; "a"/"b" are the viewer's left and right.

use egui::{Color32, Painter, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, Vec2, pos2, vec2};

/// Every key this module draws (the rest get the fallback figure).
pub const KNOWN_FIGURES: [&str; 22] = [
    "upper_trap_stretch",
    "levator_scapulae_stretch",
    "suboccipital_stretch",
    "doorway_pec_stretch",
    "seated_chest_opener",
    "upper_back_stretch",
    "side_reach",
    "chin_tuck",
    "shoulder_blade_squeeze",
    "band_row",
    "wall_y_raise",
    "external_rotation",
    "wall_slide",
    "towel_extension",
    "chair_extension",
    "sitting_bones_reset",
    "bridge",
    "floor_rest",
    "stand_and_walk",
    "look_far",
    "shoulder_rolls",
    "stand_and_reach",
];

/// True when `key` has its own drawing.
pub fn is_known(key: &str) -> bool {
    KNOWN_FIGURES.contains(&key)
}

/// Joints of a stick figure; pairs are [viewer's left, viewer's right].
#[derive(Clone, Copy, Debug)]
struct Body {
    head: Pos2,
    head_r: f32,
    neck: Pos2,
    shoulder: [Pos2; 2],
    elbow: [Pos2; 2],
    hand: [Pos2; 2],
    hip: [Pos2; 2],
    knee: [Pos2; 2],
    foot: [Pos2; 2],
}

/// Things drawn around the body.
#[derive(Clone, Copy, Debug)]
enum Prop {
    /// A chair seen from the front: seat at height y between x0 and x1.
    ChairFront { y: f32, x0: f32, x1: f32 },
    /// A chair seen from the side (person facing right): seat at y from x0 to x1, back at x0.
    ChairSide {
        y: f32,
        x0: f32,
        x1: f32,
        back_top: f32,
    },
    /// A vertical wall line at x.
    Wall { x: f32 },
    /// The floor at y.
    Floor { y: f32 },
    /// A doorway frame post at x.
    Door { x: f32 },
    /// A straight band from a to b.
    Band { a: Pos2, b: Pos2 },
    /// A rolled towel (filled circle).
    Towel { at: Pos2, r: f32 },
    /// A dashed outline of the head where it should not be.
    GhostHead { at: Pos2, r: f32 },
    /// A straight movement arrow.
    Arrow { from: Pos2, to: Pos2 },
    /// A circular movement arrow around `center` from angle a0 to a1 (radians).
    Turn {
        center: Pos2,
        r: f32,
        a0: f32,
        a1: f32,
    },
    /// A dashed guide line.
    Dashed { from: Pos2, to: Pos2 },
    /// A small window frame (something far away to look at).
    Window { at: Pos2 },
}

/// Everything needed to paint one figure.
struct Drawing {
    body: Body,
    props: Vec<Prop>,
}

fn seated_front() -> Body {
    Body {
        head: pos2(50.0, 16.0),
        head_r: 7.0,
        neck: pos2(50.0, 25.0),
        shoulder: [pos2(38.0, 29.0), pos2(62.0, 29.0)],
        elbow: [pos2(34.0, 45.0), pos2(66.0, 45.0)],
        hand: [pos2(40.0, 58.0), pos2(60.0, 58.0)],
        hip: [pos2(43.0, 60.0), pos2(57.0, 60.0)],
        knee: [pos2(40.0, 72.0), pos2(60.0, 72.0)],
        foot: [pos2(40.0, 92.0), pos2(60.0, 92.0)],
    }
}

fn chair_front() -> Prop {
    Prop::ChairFront {
        y: 63.0,
        x0: 32.0,
        x1: 68.0,
    }
}

fn seated_side() -> Body {
    Body {
        head: pos2(50.0, 16.0),
        head_r: 7.0,
        neck: pos2(47.0, 25.0),
        shoulder: [pos2(46.0, 29.0), pos2(48.0, 29.0)],
        elbow: [pos2(47.0, 44.0), pos2(49.0, 44.0)],
        hand: [pos2(60.0, 52.0), pos2(62.0, 52.0)],
        hip: [pos2(43.0, 60.0), pos2(45.0, 60.0)],
        knee: [pos2(65.0, 61.0), pos2(67.0, 61.0)],
        foot: [pos2(65.0, 90.0), pos2(67.0, 90.0)],
    }
}

fn chair_side() -> Prop {
    Prop::ChairSide {
        y: 64.0,
        x0: 36.0,
        x1: 64.0,
        back_top: 30.0,
    }
}

fn standing_front() -> Body {
    Body {
        head: pos2(50.0, 12.0),
        head_r: 7.0,
        neck: pos2(50.0, 21.0),
        shoulder: [pos2(38.0, 25.0), pos2(62.0, 25.0)],
        elbow: [pos2(35.0, 40.0), pos2(65.0, 40.0)],
        hand: [pos2(34.0, 54.0), pos2(66.0, 54.0)],
        hip: [pos2(44.0, 54.0), pos2(56.0, 54.0)],
        knee: [pos2(44.0, 73.0), pos2(56.0, 73.0)],
        foot: [pos2(43.0, 93.0), pos2(57.0, 93.0)],
    }
}

fn standing_side() -> Body {
    Body {
        head: pos2(51.0, 12.0),
        head_r: 7.0,
        neck: pos2(49.0, 21.0),
        shoulder: [pos2(48.0, 25.0), pos2(50.0, 25.0)],
        elbow: [pos2(48.0, 40.0), pos2(50.0, 40.0)],
        hand: [pos2(50.0, 54.0), pos2(52.0, 54.0)],
        hip: [pos2(48.0, 54.0), pos2(50.0, 54.0)],
        knee: [pos2(49.0, 73.0), pos2(51.0, 73.0)],
        foot: [pos2(52.0, 93.0), pos2(54.0, 93.0)],
    }
}

/// Lying on the back, head to the left, knees bent.
fn lying_back() -> Body {
    Body {
        head: pos2(15.0, 70.0),
        head_r: 7.0,
        neck: pos2(23.0, 72.0),
        shoulder: [pos2(28.0, 72.0), pos2(29.0, 73.0)],
        elbow: [pos2(38.0, 77.0), pos2(39.0, 78.0)],
        hand: [pos2(49.0, 78.0), pos2(50.0, 78.0)],
        hip: [pos2(58.0, 72.0), pos2(59.0, 73.0)],
        knee: [pos2(71.0, 58.0), pos2(72.0, 59.0)],
        foot: [pos2(82.0, 77.0), pos2(83.0, 77.0)],
    }
}

fn floor() -> Prop {
    Prop::Floor { y: 80.0 }
}

fn arrow(from: (f32, f32), to: (f32, f32)) -> Prop {
    Prop::Arrow {
        from: pos2(from.0, from.1),
        to: pos2(to.0, to.1),
    }
}

/// The drawing for a figure key; `None` for keys this module does not know.
fn drawing(key: &str) -> Option<Drawing> {
    use std::f32::consts::PI;
    let drawing = match key {
        "upper_trap_stretch" => {
            let mut body = seated_front();
            body.head = pos2(58.0, 19.0);
            body.neck = pos2(51.0, 25.0);
            body.elbow[0] = pos2(33.0, 46.0);
            body.hand[0] = pos2(33.0, 62.0);
            body.elbow[1] = pos2(72.0, 20.0);
            body.hand[1] = pos2(61.0, 11.0);
            Drawing {
                body,
                props: vec![chair_front(), arrow((64.0, 26.0), (70.0, 32.0))],
            }
        }
        "levator_scapulae_stretch" => {
            let mut body = seated_front();
            body.head = pos2(57.0, 22.0);
            body.neck = pos2(51.0, 26.0);
            body.elbow[0] = pos2(33.0, 46.0);
            body.hand[0] = pos2(36.0, 61.0);
            body.elbow[1] = pos2(72.0, 22.0);
            body.hand[1] = pos2(60.0, 13.0);
            Drawing {
                body,
                props: vec![chair_front(), arrow((62.0, 30.0), (62.0, 42.0))],
            }
        }
        "suboccipital_stretch" => {
            let mut body = seated_side();
            body.head = pos2(50.0, 18.0);
            body.elbow = [pos2(38.0, 18.0), pos2(40.0, 19.0)];
            body.hand = [pos2(45.0, 10.0), pos2(46.0, 11.0)];
            Drawing {
                body,
                props: vec![
                    chair_side(),
                    Prop::Turn {
                        center: pos2(50.0, 18.0),
                        r: 11.0,
                        a0: -0.2 * PI,
                        a1: 0.25 * PI,
                    },
                ],
            }
        }
        "doorway_pec_stretch" => {
            let mut body = standing_side();
            body.head = pos2(61.0, 13.0);
            body.neck = pos2(58.0, 22.0);
            body.shoulder = [pos2(57.0, 26.0), pos2(58.0, 26.0)];
            body.elbow = [pos2(46.0, 27.0), pos2(47.0, 28.0)];
            body.hand = [pos2(46.0, 13.0), pos2(47.0, 14.0)];
            body.hip = [pos2(54.0, 55.0), pos2(55.0, 55.0)];
            body.knee = [pos2(62.0, 73.0), pos2(50.0, 74.0)];
            body.foot = [pos2(64.0, 93.0), pos2(44.0, 93.0)];
            Drawing {
                body,
                props: vec![
                    Prop::Door { x: 46.0 },
                    Prop::Floor { y: 94.0 },
                    arrow((66.0, 36.0), (78.0, 36.0)),
                ],
            }
        }
        "seated_chest_opener" => {
            let mut body = seated_front();
            body.elbow = [pos2(26.0, 19.0), pos2(74.0, 19.0)];
            body.hand = [pos2(45.0, 9.0), pos2(55.0, 9.0)];
            Drawing {
                body,
                props: vec![
                    chair_front(),
                    arrow((24.0, 26.0), (15.0, 28.0)),
                    arrow((76.0, 26.0), (85.0, 28.0)),
                ],
            }
        }
        "upper_back_stretch" => {
            let mut body = seated_side();
            body.head = pos2(57.0, 22.0);
            body.neck = pos2(51.0, 27.0);
            body.shoulder = [pos2(50.0, 30.0), pos2(51.0, 31.0)];
            body.elbow = [pos2(64.0, 32.0), pos2(65.0, 33.0)];
            body.hand = [pos2(78.0, 33.0), pos2(78.0, 34.0)];
            Drawing {
                body,
                props: vec![chair_side(), arrow((80.0, 40.0), (92.0, 40.0))],
            }
        }
        "side_reach" => {
            let mut body = seated_front();
            body.head = pos2(57.0, 17.0);
            body.neck = pos2(53.0, 25.0);
            body.shoulder = [pos2(42.0, 27.0), pos2(64.0, 31.0)];
            body.elbow[0] = pos2(44.0, 11.0);
            body.hand[0] = pos2(60.0, 3.0);
            Drawing {
                body,
                props: vec![chair_front(), arrow((68.0, 5.0), (80.0, 13.0))],
            }
        }
        "chin_tuck" => {
            let mut body = seated_side();
            body.head = pos2(47.0, 16.0);
            Drawing {
                body,
                props: vec![
                    chair_side(),
                    Prop::GhostHead {
                        at: pos2(56.0, 16.0),
                        r: 7.0,
                    },
                    arrow((66.0, 16.0), (57.0, 16.0)),
                ],
            }
        }
        "shoulder_blade_squeeze" => {
            // Seen from behind: the arrows draw the shoulder blades together.
            let mut body = seated_front();
            body.elbow = [pos2(32.0, 44.0), pos2(68.0, 44.0)];
            body.hand = [pos2(36.0, 58.0), pos2(64.0, 58.0)];
            Drawing {
                body,
                props: vec![
                    chair_front(),
                    arrow((30.0, 35.0), (42.0, 37.0)),
                    arrow((70.0, 35.0), (58.0, 37.0)),
                ],
            }
        }
        "band_row" => {
            let mut body = standing_side();
            body.elbow = [pos2(40.0, 38.0), pos2(41.0, 39.0)];
            body.hand = [pos2(56.0, 37.0), pos2(57.0, 38.0)];
            Drawing {
                body,
                props: vec![
                    Prop::Wall { x: 92.0 },
                    Prop::Band {
                        a: pos2(57.0, 37.0),
                        b: pos2(92.0, 37.0),
                    },
                    Prop::Floor { y: 94.0 },
                    arrow((38.0, 46.0), (28.0, 46.0)),
                ],
            }
        }
        "wall_y_raise" => {
            let mut body = standing_front();
            body.elbow = [pos2(31.0, 12.0), pos2(69.0, 12.0)];
            body.hand = [pos2(24.0, 3.0), pos2(76.0, 3.0)];
            Drawing {
                body,
                props: vec![
                    Prop::Floor { y: 94.0 },
                    arrow((16.0, 14.0), (16.0, 4.0)),
                    arrow((84.0, 14.0), (84.0, 4.0)),
                ],
            }
        }
        "external_rotation" => {
            let mut body = standing_front();
            body.elbow = [pos2(38.0, 41.0), pos2(62.0, 41.0)];
            body.hand = [pos2(22.0, 44.0), pos2(78.0, 44.0)];
            Drawing {
                body,
                props: vec![
                    Prop::Floor { y: 94.0 },
                    arrow((30.0, 52.0), (18.0, 52.0)),
                    arrow((70.0, 52.0), (82.0, 52.0)),
                ],
            }
        }
        "wall_slide" => {
            let mut body = standing_front();
            body.elbow = [pos2(24.0, 26.0), pos2(76.0, 26.0)];
            body.hand = [pos2(24.0, 10.0), pos2(76.0, 10.0)];
            Drawing {
                body,
                props: vec![
                    Prop::Floor { y: 94.0 },
                    arrow((16.0, 22.0), (16.0, 8.0)),
                    arrow((84.0, 22.0), (84.0, 8.0)),
                ],
            }
        }
        "towel_extension" => {
            let mut body = lying_back();
            body.elbow = [pos2(12.0, 60.0), pos2(13.0, 61.0)];
            body.hand = [pos2(13.0, 68.0), pos2(14.0, 68.0)];
            Drawing {
                body,
                props: vec![
                    floor(),
                    Prop::Towel {
                        at: pos2(33.0, 76.0),
                        r: 3.5,
                    },
                ],
            }
        }
        "chair_extension" => {
            let mut body = seated_side();
            body.head = pos2(39.0, 15.0);
            body.neck = pos2(41.0, 24.0);
            body.shoulder = [pos2(42.0, 28.0), pos2(43.0, 29.0)];
            body.elbow = [pos2(52.0, 36.0), pos2(53.0, 37.0)];
            body.hand = [pos2(45.0, 31.0), pos2(46.0, 32.0)];
            Drawing {
                body,
                props: vec![
                    chair_side(),
                    Prop::Turn {
                        center: pos2(43.0, 40.0),
                        r: 16.0,
                        a0: -0.35 * PI,
                        a1: -0.6 * PI,
                    },
                ],
            }
        }
        "sitting_bones_reset" => Drawing {
            body: seated_front(),
            props: vec![
                chair_front(),
                Prop::Dashed {
                    from: pos2(50.0, 4.0),
                    to: pos2(50.0, 66.0),
                },
                arrow((36.0, 68.0), (28.0, 68.0)),
                arrow((64.0, 68.0), (72.0, 68.0)),
            ],
        },
        "bridge" => {
            let mut body = lying_back();
            body.hip = [pos2(56.0, 60.0), pos2(57.0, 61.0)];
            body.knee = [pos2(70.0, 56.0), pos2(71.0, 57.0)];
            Drawing {
                body,
                props: vec![floor(), arrow((56.0, 77.0), (56.0, 66.0))],
            }
        }
        "floor_rest" => Drawing {
            body: lying_back(),
            props: vec![floor()],
        },
        "stand_and_walk" => {
            let mut body = standing_side();
            body.elbow = [pos2(55.0, 38.0), pos2(44.0, 39.0)];
            body.hand = [pos2(60.0, 50.0), pos2(40.0, 50.0)];
            body.knee = [pos2(57.0, 72.0), pos2(45.0, 73.0)];
            body.foot = [pos2(63.0, 93.0), pos2(38.0, 92.0)];
            Drawing {
                body,
                props: vec![Prop::Floor { y: 94.0 }, arrow((66.0, 10.0), (86.0, 10.0))],
            }
        }
        "look_far" => Drawing {
            body: seated_side(),
            props: vec![
                chair_side(),
                Prop::Dashed {
                    from: pos2(58.0, 15.0),
                    to: pos2(86.0, 15.0),
                },
                Prop::Window {
                    at: pos2(92.0, 15.0),
                },
            ],
        },
        "shoulder_rolls" => Drawing {
            body: seated_front(),
            props: vec![
                chair_front(),
                Prop::Turn {
                    center: pos2(36.0, 27.0),
                    r: 7.0,
                    a0: 0.1 * PI,
                    a1: 1.6 * PI,
                },
                Prop::Turn {
                    center: pos2(64.0, 27.0),
                    r: 7.0,
                    a0: 0.9 * PI,
                    a1: -0.6 * PI,
                },
            ],
        },
        "stand_and_reach" => {
            let mut body = standing_front();
            body.elbow = [pos2(39.0, 11.0), pos2(61.0, 11.0)];
            body.hand = [pos2(38.0, 1.0), pos2(62.0, 1.0)];
            Drawing {
                body,
                props: vec![Prop::Floor { y: 94.0 }, arrow((80.0, 22.0), (80.0, 6.0))],
            }
        }
        _ => return None,
    };
    Some(drawing)
}

/// The plain figure for unknown keys.
fn fallback() -> Drawing {
    Drawing {
        body: standing_front(),
        props: vec![Prop::Floor { y: 94.0 }],
    }
}

/// Maps the 100 × 100 box onto `rect`, keeping it square and centred.
struct Mapping {
    origin: Pos2,
    scale: f32,
}

impl Mapping {
    fn new(rect: Rect) -> Mapping {
        let side = rect.width().min(rect.height());
        let origin = rect.center() - Vec2::splat(side / 2.0);
        Mapping {
            origin,
            scale: side / 100.0,
        }
    }

    fn at(&self, p: Pos2) -> Pos2 {
        self.origin + p.to_vec2() * self.scale
    }

    fn len(&self, length: f32) -> f32 {
        length * self.scale
    }
}

/// Paints the figure for `key` into `rect`: the body in `ink`, props in a softer tone and
/// movement arrows in `accent`.
pub fn paint_figure(painter: &Painter, rect: Rect, key: &str, ink: Color32, accent: Color32) {
    let drawing = drawing(key).unwrap_or_else(fallback);
    let map = Mapping::new(rect);
    let width = map.len(3.2).max(1.5);
    let body_stroke = Stroke::new(width, ink);
    let prop_color = ink.gamma_multiply(0.45);
    let prop_stroke = Stroke::new((width * 0.6).max(1.0), prop_color);
    let accent_stroke = Stroke::new((width * 0.7).max(1.2), accent);

    for prop in &drawing.props {
        paint_prop(painter, &map, prop, prop_stroke, accent_stroke);
    }
    let body = &drawing.body;
    let line = |a: Pos2, b: Pos2| painter.line_segment([map.at(a), map.at(b)], body_stroke);
    let mid_shoulder = lerp(body.shoulder[0], body.shoulder[1], 0.5);
    let mid_hip = lerp(body.hip[0], body.hip[1], 0.5);
    line(body.shoulder[0], body.shoulder[1]);
    line(body.neck, mid_shoulder);
    line(mid_shoulder, mid_hip);
    line(body.hip[0], body.hip[1]);
    for side in 0..2 {
        line(body.shoulder[side], body.elbow[side]);
        line(body.elbow[side], body.hand[side]);
        line(body.hip[side], body.knee[side]);
        line(body.knee[side], body.foot[side]);
    }
    painter.circle_stroke(map.at(body.head), map.len(body.head_r), body_stroke);
}

fn lerp(a: Pos2, b: Pos2, t: f32) -> Pos2 {
    a + (b - a) * t
}

fn paint_prop(painter: &Painter, map: &Mapping, prop: &Prop, soft: Stroke, accent: Stroke) {
    match *prop {
        Prop::ChairFront { y, x0, x1 } => {
            painter.line_segment([map.at(pos2(x0, y)), map.at(pos2(x1, y))], soft);
            for x in [x0 + 2.0, x1 - 2.0] {
                painter.line_segment([map.at(pos2(x, y)), map.at(pos2(x, 94.0))], soft);
            }
        }
        Prop::ChairSide {
            y,
            x0,
            x1,
            back_top,
        } => {
            painter.line_segment([map.at(pos2(x0, y)), map.at(pos2(x1, y))], soft);
            painter.line_segment([map.at(pos2(x0, y)), map.at(pos2(x0, back_top))], soft);
            for x in [x0 + 1.0, x1 - 1.0] {
                painter.line_segment([map.at(pos2(x, y)), map.at(pos2(x, 94.0))], soft);
            }
        }
        Prop::Wall { x } => {
            painter.line_segment([map.at(pos2(x, 2.0)), map.at(pos2(x, 94.0))], soft);
        }
        Prop::Floor { y } => {
            painter.line_segment([map.at(pos2(2.0, y)), map.at(pos2(98.0, y))], soft);
        }
        Prop::Door { x } => {
            let rect = Rect::from_min_max(map.at(pos2(x - 3.0, 2.0)), map.at(pos2(x, 94.0)));
            painter.rect_stroke(rect, 0.0, soft, egui::StrokeKind::Middle);
        }
        Prop::Band { a, b } => {
            painter.line_segment(
                [map.at(a), map.at(b)],
                Stroke::new(soft.width, accent.color),
            );
        }
        Prop::Towel { at, r } => {
            painter.circle_filled(map.at(at), map.len(r), soft.color);
        }
        Prop::GhostHead { at, r } => {
            let points: Vec<Pos2> = (0..=24)
                .map(|i| {
                    let angle = i as f32 / 24.0 * std::f32::consts::TAU;
                    map.at(at + vec2(angle.cos(), angle.sin()) * r)
                })
                .collect();
            for pair in points.chunks(2) {
                if let [a, b] = pair {
                    painter.line_segment([*a, *b], soft);
                }
            }
        }
        Prop::Arrow { from, to } => paint_arrow(painter, map.at(from), map.at(to), accent),
        Prop::Turn { center, r, a0, a1 } => {
            let steps = 20;
            let points: Vec<Pos2> = (0..=steps)
                .map(|i| {
                    let angle = a0 + (a1 - a0) * i as f32 / steps as f32;
                    map.at(center + vec2(angle.cos(), angle.sin()) * r)
                })
                .collect();
            painter.add(Shape::line(points.clone(), accent));
            if let [.., before, last] = points.as_slice() {
                paint_arrow_head(painter, *before, *last, accent);
            }
        }
        Prop::Dashed { from, to } => {
            let shapes = Shape::dashed_line(
                &[map.at(from), map.at(to)],
                soft,
                map.len(3.0),
                map.len(2.5),
            );
            painter.extend(shapes);
        }
        Prop::Window { at } => {
            let rect = Rect::from_center_size(map.at(at), Vec2::splat(map.len(10.0)));
            painter.rect_stroke(rect, 1.0, soft, egui::StrokeKind::Middle);
            painter.line_segment([rect.center_top(), rect.center_bottom()], soft);
            painter.line_segment([rect.left_center(), rect.right_center()], soft);
        }
    }
}

fn paint_arrow(painter: &Painter, from: Pos2, to: Pos2, stroke: Stroke) {
    painter.line_segment([from, to], stroke);
    paint_arrow_head(painter, from, to, stroke);
}

fn paint_arrow_head(painter: &Painter, from: Pos2, to: Pos2, stroke: Stroke) {
    let direction = (to - from).normalized();
    if !direction.x.is_finite() || !direction.y.is_finite() {
        return;
    }
    let size = stroke.width * 3.5;
    let back = to - direction * size;
    let normal = vec2(-direction.y, direction.x) * size * 0.6;
    painter.add(Shape::convex_polygon(
        vec![to, back + normal, back - normal],
        stroke.color,
        Stroke::NONE,
    ));
}

/// Allocates a square of `size` points and paints the figure for `key` in it, with a hover
/// text naming the exercise for screen readers.
pub fn figure(ui: &mut Ui, key: &str, size: f32, description: &str) -> Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(size), Sense::hover());
    if ui.is_rect_visible(rect) {
        let visuals = ui.visuals();
        let background = visuals.extreme_bg_color;
        ui.painter().rect_filled(rect, 8.0, background);
        let ink = visuals.strong_text_color();
        let accent = super::theme::ACCENT;
        paint_figure(ui.painter(), rect.shrink(6.0), key, ink, accent);
    }
    response.on_hover_text(description)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coach::Library;

    #[test]
    fn every_exercise_in_the_library_has_its_own_figure() {
        let library = Library::builtin().unwrap();
        for exercise in &library.exercises {
            assert!(
                is_known(&exercise.figure),
                "no drawing for figure `{}` ({})",
                exercise.figure,
                exercise.id
            );
        }
    }

    #[test]
    fn every_known_key_has_a_drawing_and_unknown_keys_fall_back() {
        for key in KNOWN_FIGURES {
            assert!(drawing(key).is_some(), "{key}");
        }
        assert!(drawing("juggling").is_none());
        assert!(!is_known("juggling"));
    }

    #[test]
    fn figures_stay_inside_their_box() {
        for key in KNOWN_FIGURES {
            let body = drawing(key).unwrap().body;
            let points = [
                body.head,
                body.neck,
                body.shoulder[0],
                body.shoulder[1],
                body.elbow[0],
                body.elbow[1],
                body.hand[0],
                body.hand[1],
                body.hip[0],
                body.hip[1],
                body.knee[0],
                body.knee[1],
                body.foot[0],
                body.foot[1],
            ];
            for p in points {
                assert!(
                    (0.0..=100.0).contains(&p.x) && (0.0..=100.0).contains(&p.y),
                    "{key}: {p:?}"
                );
            }
        }
    }
}
