//! Every colour and size of the window in one place.

use crate::model::Kind;
use egui::Color32;

/// Width and height of a node card, in canvas points.
pub const NODE_SIZE: egui::Vec2 = egui::vec2(168.0, 60.0);
/// Radius of a node's connection handle, in canvas points.
pub const HANDLE_RADIUS: f32 = 7.0;
/// Grid spacing for snapping, in canvas points.
pub const GRID: f32 = 20.0;

/// The accent colour of a node kind (its stripe on the canvas and its palette entry).
pub fn kind_colour(kind: Kind) -> Color32 {
    match kind {
        Kind::Client => Color32::from_rgb(0x4c, 0x9a, 0xe0),
        Kind::Balancer => Color32::from_rgb(0x8e, 0x6c, 0xd8),
        Kind::Instance => Color32::from_rgb(0xe0, 0x8a, 0x2c),
        Kind::Topic => Color32::from_rgb(0xd8, 0x4f, 0x8a),
        Kind::Queue => Color32::from_rgb(0x3a, 0xb0, 0x8a),
        Kind::Function => Color32::from_rgb(0xd9, 0xb3, 0x2b),
    }
}

/// A small symbol for each kind. Only symbols present in the fonts egui bundles (checked in a
/// screenshot): request and answer, scales, a rack, fan-out, stacked messages, lambda.
pub fn kind_icon(kind: Kind) -> &'static str {
    match kind {
        Kind::Client => "⇄",
        Kind::Balancer => "⚖",
        Kind::Instance => "▤",
        Kind::Topic => "⇶",
        Kind::Queue => "☰",
        Kind::Function => "λ",
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

/// Colours that depend on dark or light mode.
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
}

impl Palette {
    /// The palette for the current visuals.
    pub fn for_visuals(visuals: &egui::Visuals) -> Self {
        if visuals.dark_mode {
            Self {
                canvas: Color32::from_rgb(0x1b, 0x1e, 0x24),
                grid: Color32::from_rgb(0x2c, 0x31, 0x3a),
                card: Color32::from_rgb(0x2a, 0x2e, 0x36),
                card_stroke: Color32::from_rgb(0x44, 0x4a, 0x55),
                text: Color32::from_rgb(0xe8, 0xea, 0xee),
                weak_text: Color32::from_rgb(0xa0, 0xa6, 0xb0),
                call_edge: Color32::from_rgb(0xb8, 0xc0, 0xcc),
                message_edge: Color32::from_rgb(0x5f, 0xc9, 0xa8),
                warning: Color32::from_rgb(0xf0, 0x6a, 0x5a),
                selection: Color32::from_rgb(0x5a, 0xb4, 0xff),
            }
        } else {
            Self {
                canvas: Color32::from_rgb(0xf6, 0xf7, 0xf9),
                grid: Color32::from_rgb(0xdd, 0xe0, 0xe6),
                card: Color32::WHITE,
                card_stroke: Color32::from_rgb(0xc4, 0xc9, 0xd2),
                text: Color32::from_rgb(0x1d, 0x22, 0x2b),
                weak_text: Color32::from_rgb(0x5c, 0x64, 0x70),
                call_edge: Color32::from_rgb(0x55, 0x5e, 0x6c),
                message_edge: Color32::from_rgb(0x1f, 0x93, 0x6f),
                warning: Color32::from_rgb(0xd0, 0x3b, 0x2c),
                selection: Color32::from_rgb(0x1f, 0x7a, 0xe0),
            }
        }
    }
}
