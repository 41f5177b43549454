//! Every colour and size of the window in one place.

use crate::model::Kind;
use crate::scene::palette::{self, Rgb, Tone};
use egui::Color32;

/// Width and height of a node card, in canvas points (the scene's).
pub const NODE_SIZE: egui::Vec2 = egui::vec2(crate::scene::diagram::NODE_SIZE.0, crate::scene::diagram::NODE_SIZE.1);
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

/// Paints the symbol of a node kind (the parts of [`Kind::icon`]), `size`
/// points across, centred at `centre`.
pub fn paint_icon(painter: &egui::Painter, kind: Kind, centre: egui::Pos2, size: f32, colour: Color32) {
    use crate::model::IconPart;
    use egui::{Stroke, vec2};
    let half = size / 2.0;
    let at = |(x, y): (f32, f32)| centre + vec2(x * half, y * half);
    let stroke = Stroke::new((size / 10.0).max(1.0), colour);
    for part in kind.icon() {
        match part {
            IconPart::Ring { at: middle, r } => {
                painter.circle_stroke(at(middle), r * half, stroke);
            }
            IconPart::Dot { at: middle, r } => {
                painter.circle_filled(at(middle), r * half, colour);
            }
            IconPart::Line { a, b } => {
                painter.line_segment([at(a), at(b)], stroke);
            }
            IconPart::Frame { at: middle, size: (width, height) } => {
                let rect = egui::Rect::from_center_size(at(middle), vec2(width * half, height * half));
                painter.rect_stroke(rect, egui::CornerRadius::same(1), stroke, egui::StrokeKind::Middle);
            }
            IconPart::Block { at: middle, size: (width, height) } => {
                let rect = egui::Rect::from_center_size(at(middle), vec2(width * half, height * half));
                painter.rect_filled(rect, egui::CornerRadius::same(1), colour);
            }
        }
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
