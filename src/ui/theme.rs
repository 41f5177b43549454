//! Every colour and size of the window in one place.

use crate::model::Kind;
use crate::scene::palette::{self, Rgb, Tone};
use egui::Color32;

/// Width and height of a node card, in canvas points.
pub const NODE_SIZE: egui::Vec2 = egui::vec2(168.0, 60.0);
/// Radius of a node's connection handle, in canvas points.
pub const HANDLE_RADIUS: f32 = 7.0;
/// Grid spacing for snapping, in canvas points.
pub const GRID: f32 = 20.0;

/// An RGB colour of the scene as an egui colour.
pub fn colour(rgb: Rgb) -> Color32 {
    Color32::from_rgb(rgb.0, rgb.1, rgb.2)
}

/// The accent colour of a node kind (its stripe on the canvas and its palette entry).
pub fn kind_colour(kind: Kind) -> Color32 {
    colour(palette::kind_colour(kind))
}

/// Paints the symbol of a node kind, `size` points across, centred at `centre`. Drawn with shapes
/// (not font glyphs) so that it looks the same whatever fonts the machine has.
pub fn paint_icon(painter: &egui::Painter, kind: Kind, centre: egui::Pos2, size: f32, colour: Color32) {
    use egui::{Stroke, pos2, vec2};
    let s = size / 2.0;
    let stroke = Stroke::new((size / 10.0).max(1.0), colour);
    let c = centre;
    match kind {
        // Two people.
        Kind::Client => {
            for dx in [-0.35, 0.35] {
                painter.circle_stroke(c + vec2(dx * s, -0.35 * s), 0.25 * s, stroke);
                painter.line_segment([c + vec2((dx - 0.4) * s, 0.75 * s), c + vec2((dx + 0.4) * s, 0.75 * s)], stroke);
                painter.line_segment([c + vec2((dx - 0.4) * s, 0.75 * s), c + vec2(dx * s, 0.05 * s)], stroke);
                painter.line_segment([c + vec2((dx + 0.4) * s, 0.75 * s), c + vec2(dx * s, 0.05 * s)], stroke);
            }
        }
        // One line in, three out.
        Kind::Balancer => {
            let hub = c + vec2(-0.2 * s, 0.0);
            painter.line_segment([c + vec2(-0.9 * s, 0.0), hub], stroke);
            for dy in [-0.7, 0.0, 0.7] {
                let end = c + vec2(0.8 * s, dy * s);
                painter.line_segment([hub, end], stroke);
                painter.circle_filled(end, 0.13 * s, colour);
            }
            painter.circle_filled(hub, 0.18 * s, colour);
        }
        // A rack of servers.
        Kind::Instance => {
            for dy in [-0.55, 0.0, 0.55] {
                let r = egui::Rect::from_center_size(c + vec2(0.0, dy * s), vec2(1.6 * s, 0.42 * s));
                painter.rect_stroke(r, egui::CornerRadius::same(1), stroke, egui::StrokeKind::Middle);
                painter.circle_filled(pos2(r.right() - 0.25 * s, r.center().y), 0.08 * s, colour);
            }
        }
        // One point fanning out to three.
        Kind::Topic => {
            let from = c + vec2(-0.75 * s, 0.0);
            painter.circle_filled(from, 0.2 * s, colour);
            for dy in [-0.7, 0.0, 0.7] {
                let to = c + vec2(0.8 * s, dy * s);
                painter.line_segment([from, to], stroke);
                painter.line_segment([to, to + vec2(-0.25 * s, -0.12 * s - dy * 0.1 * s)], stroke);
                painter.line_segment([to, to + vec2(-0.25 * s, 0.12 * s - dy * 0.1 * s)], stroke);
            }
        }
        // Messages waiting in line.
        Kind::Queue => {
            for dx in [-0.6, 0.0, 0.6] {
                let r = egui::Rect::from_center_size(c + vec2(dx * s, 0.0), vec2(0.42 * s, 1.2 * s));
                painter.rect_filled(r, egui::CornerRadius::same(1), colour);
            }
        }
        // Lambda.
        Kind::Function => {
            painter.line_segment([c + vec2(-0.7 * s, 0.8 * s), c + vec2(0.0, -0.1 * s)], stroke);
            painter.line_segment([c + vec2(-0.45 * s, -0.8 * s), c + vec2(0.7 * s, 0.8 * s)], stroke);
            painter.line_segment([c + vec2(-0.75 * s, -0.8 * s), c + vec2(-0.45 * s, -0.8 * s)], stroke);
        }
    }
}

/// The kind's name as shown to people.
pub fn kind_title(kind: Kind) -> &'static str {
    match kind {
        Kind::Client => "Client",
        Kind::Balancer => "Load balancer",
        Kind::Instance => "Instances (EC2)",
        Kind::Topic => "Topic (SNS)",
        Kind::Queue => "Queue (SQS)",
        Kind::Function => "Function (Lambda)",
    }
}

/// Colours that depend on dark or light mode (those of [`crate::scene::palette::Palette`], as
/// egui colours).
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    /// Canvas background.
    pub canvas: Color32,
    /// Grid dots.
    pub grid: Color32,
    /// Node card fill.
    pub card: Color32,
    /// Node card outline.
    pub card_stroke: Color32,
    /// Primary text on cards.
    pub text: Color32,
    /// Secondary text on cards.
    pub weak_text: Color32,
    /// Edges carrying synchronous calls.
    pub call_edge: Color32,
    /// Edges carrying asynchronous messages.
    pub message_edge: Color32,
    /// Dead-letter edges and warnings.
    pub warning: Color32,
    /// Selection outline and rubber band.
    pub selection: Color32,
    /// Success, and a relaxed utilisation ring.
    pub good: Color32,
    /// A busy utilisation ring.
    pub busy: Color32,
    /// The scene's palette these come from (for chart tones).
    pub scene: palette::Palette,
}

impl Palette {
    /// The palette for the current visuals.
    pub fn for_visuals(visuals: &egui::Visuals) -> Self {
        let p = palette::Palette::for_mode(visuals.dark_mode);
        Self {
            canvas: colour(p.canvas),
            grid: colour(p.grid),
            card: colour(p.card),
            card_stroke: colour(p.card_stroke),
            text: colour(p.text),
            weak_text: colour(p.weak_text),
            call_edge: colour(p.call_edge),
            message_edge: colour(p.message_edge),
            warning: colour(p.warning),
            selection: colour(p.selection),
            good: colour(p.good),
            busy: colour(p.busy),
            scene: p,
        }
    }

    /// The colour of a chart line's tone.
    pub fn tone(&self, tone: Tone) -> Color32 {
        colour(self.scene.tone(tone))
    }
}
