//! Every colour of the program, as plain RGB: the window's theme turns them into egui colours, the
//! SVG and PNG export writes them as they are, so a picture looks like the window.

use crate::model::Kind;

/// A colour as red, green and blue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`, as SVG writes it.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The accent colour of a node kind (its stripe on the canvas and its palette entry).
pub fn kind_colour(kind: Kind) -> Rgb {
    let (r, g, b) = kind.colour();
    Rgb(r, g, b)
}

/// Colours that depend on dark or light mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Canvas background.
    pub canvas: Rgb,
    /// Grid dots.
    pub grid: Rgb,
    /// Node card fill.
    pub card: Rgb,
    /// Node card outline.
    pub card_stroke: Rgb,
    /// Primary text on cards.
    pub text: Rgb,
    /// Secondary text on cards.
    pub weak_text: Rgb,
    /// Edges carrying synchronous calls.
    pub call_edge: Rgb,
    /// Edges carrying asynchronous messages.
    pub message_edge: Rgb,
    /// Dead-letter edges, failures and warnings.
    pub warning: Rgb,
    /// Selection outline and rubber band.
    pub selection: Rgb,
    /// Success, and a relaxed utilisation ring.
    pub good: Rgb,
    /// A busy (70–90 %) utilisation ring.
    pub busy: Rgb,
    /// Lines that frame others (a group's minimum and maximum).
    pub faint: Rgb,
    /// Lines of a chart's own series, in order (cycled when there are more).
    pub series: [Rgb; 8],
}

impl Palette {
    /// The dark theme (the default).
    pub const DARK: Self = Self {
        canvas: Rgb(0x1b, 0x1e, 0x24),
        grid: Rgb(0x2c, 0x31, 0x3a),
        card: Rgb(0x2a, 0x2e, 0x36),
        card_stroke: Rgb(0x44, 0x4a, 0x55),
        text: Rgb(0xe8, 0xea, 0xee),
        weak_text: Rgb(0xa0, 0xa6, 0xb0),
        call_edge: Rgb(0xb8, 0xc0, 0xcc),
        message_edge: Rgb(0x5f, 0xc9, 0xa8),
        warning: Rgb(0xf0, 0x6a, 0x5a),
        selection: Rgb(0x5a, 0xb4, 0xff),
        good: Rgb(0x4c, 0xc3, 0x6b),
        busy: Rgb(0xe8, 0xb0, 0x2c),
        faint: Rgb(0x8c, 0x93, 0x9e),
        series: [
            Rgb(0x5a, 0xa9, 0xff),
            Rgb(0xff, 0xa9, 0x4d),
            Rgb(0xc0, 0x8c, 0xff),
            Rgb(0x3f, 0xd0, 0xc8),
            Rgb(0xff, 0x7e, 0xc6),
            Rgb(0xe6, 0xd1, 0x4a),
            Rgb(0x9b, 0xd7, 0x6a),
            Rgb(0xc9, 0xb3, 0x9a),
        ],
    };

    /// The light theme.
    pub const LIGHT: Self = Self {
        canvas: Rgb(0xf6, 0xf7, 0xf9),
        grid: Rgb(0xdd, 0xe0, 0xe6),
        card: Rgb(0xff, 0xff, 0xff),
        card_stroke: Rgb(0xc4, 0xc9, 0xd2),
        text: Rgb(0x1d, 0x22, 0x2b),
        weak_text: Rgb(0x5c, 0x64, 0x70),
        call_edge: Rgb(0x55, 0x5e, 0x6c),
        message_edge: Rgb(0x1f, 0x93, 0x6f),
        warning: Rgb(0xd0, 0x3b, 0x2c),
        selection: Rgb(0x1f, 0x7a, 0xe0),
        good: Rgb(0x23, 0x9a, 0x45),
        busy: Rgb(0xc0, 0x86, 0x0c),
        faint: Rgb(0x80, 0x87, 0x92),
        series: [
            Rgb(0x1f, 0x6f, 0xd0),
            Rgb(0xd9, 0x6a, 0x0b),
            Rgb(0x84, 0x4d, 0xd1),
            Rgb(0x0c, 0x93, 0x8c),
            Rgb(0xc8, 0x3c, 0x8c),
            Rgb(0x9c, 0x86, 0x00),
            Rgb(0x4d, 0x8f, 0x2a),
            Rgb(0x8a, 0x6d, 0x4f),
        ],
    };

    /// The palette for dark or light mode.
    pub fn for_mode(dark: bool) -> Self {
        if dark { Self::DARK } else { Self::LIGHT }
    }

    /// The colour of a chart line's tone.
    pub fn tone(&self, tone: Tone) -> Rgb {
        match tone {
            Tone::Good => self.good,
            Tone::Bad => self.warning,
            Tone::Faint => self.faint,
            Tone::Series(i) => self.series[i % self.series.len()],
            Tone::Side(k) => SIDES[k % SIDES.len()],
        }
    }
}

/// The colours of the two sides of a comparison (A, B), the same in both themes.
pub const SIDES: [Rgb; 2] = [Rgb(0x4f, 0x9d, 0xff), Rgb(0xff, 0x9f, 0x43)];

/// What a chart line stands for, which picks its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Things that went well (succeeded, accepted).
    Good,
    /// Things that went wrong (failed, lost).
    Bad,
    /// A frame around the others (minimum, maximum).
    Faint,
    /// The chart's n-th own series (a node, a percentile).
    Series(usize),
    /// A side of a comparison (0: A, 1: B).
    Side(usize),
}
