//! The diagram as a picture: node cards (stripe, icon, name, the summary of its parameters),
//! arrows between them (calls solid, messages dashed, dead letters red) with their labels, and —
//! for a running simulation — each node's badges of the moment. The canvas paints the same cards,
//! icons, texts and badges from here; [`Picture::svg`] writes them as SVG, one group per node and
//! per edge.

use super::palette::{Palette, Rgb, kind_colour};
pub use crate::model::IconPart;
use crate::model::validate::is_synchronous_call;
use crate::model::{Diagram, Edge, Kind, Node};
use crate::sim::LiveNode;
use std::fmt::Write as _;

/// Width and height of a node card, in canvas points.
pub const NODE_SIZE: (f32, f32) = (168.0, 60.0);
/// The most characters of a name a card shows (then "…").
pub const NAME_CHARS: usize = 17;

/// A number as short as it can be written: no decimals when whole.
pub fn trim(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v}") }
}

/// A one-line summary of a node's main parameters, shown under its name.
pub fn subtitle(node: &Node) -> String {
    node.kind.params().summary()
}

/// `text` cut to `most` characters, the last of them "…" when it had more.
pub fn shorten(text: &str, most: usize) -> String {
    if text.chars().count() > most {
        text.chars().take(most.saturating_sub(1)).chain(['…']).collect()
    } else {
        text.to_owned()
    }
}

/// A node's name as its card shows it: cut to [`NAME_CHARS`] characters.
pub fn card_name(node: &Node) -> String {
    shorten(node.label(), NAME_CHARS)
}

/// The label written on an edge: its subscription filter and its latency (when over 1 ms).
pub fn edge_label(edge: &Edge) -> Option<String> {
    let mut label = edge.filter.join(", ");
    if edge.latency_ms > 1.0 {
        if !label.is_empty() {
            label.push_str(" · ");
        }
        label.push_str(&trim(edge.latency_ms));
        label.push_str(" ms");
    }
    (!label.is_empty()).then_some(label)
}

/// How an edge is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeStyle {
    /// A synchronous call: solid.
    Call,
    /// An asynchronous message (to a topic or queue, or a consumer reading one): dashed.
    Message,
    /// Where a queue's failed messages go: dashed, in the warning colour.
    DeadLetter,
}

/// The style of `edge` in `diagram`.
pub fn edge_style(diagram: &Diagram, edge: &Edge) -> EdgeStyle {
    if edge.dead_letter {
        return EdgeStyle::DeadLetter;
    }
    match (diagram.node(&edge.from), diagram.node(&edge.to)) {
        (Some(a), Some(b)) if is_synchronous_call(a.kind.kind(), b.kind.kind()) => EdgeStyle::Call,
        _ => EdgeStyle::Message,
    }
}

/// The colour of an edge of this style.
pub fn edge_colour(style: EdgeStyle, palette: &Palette) -> Rgb {
    match style {
        EdgeStyle::Call => palette.call_edge,
        EdgeStyle::Message => palette.message_edge,
        EdgeStyle::DeadLetter => palette.warning,
    }
}

/// Where the segment from the centre of a box (`centre`, `half` sizes) towards `toward` leaves it.
pub fn border_point(centre: (f32, f32), half: (f32, f32), toward: (f32, f32)) -> (f32, f32) {
    let d = (toward.0 - centre.0, toward.1 - centre.1);
    if d.0.abs() < f32::EPSILON && d.1.abs() < f32::EPSILON {
        return centre;
    }
    let sx = if d.0.abs() > f32::EPSILON { half.0 / d.0.abs() } else { f32::INFINITY };
    let sy = if d.1.abs() > f32::EPSILON { half.1 / d.1.abs() } else { f32::INFINITY };
    let s = sx.min(sy);
    (centre.0 + d.0 * s, centre.1 + d.1 * s)
}

/// What a node shows of a running simulation: its utilisation ring, the lines under its card,
/// whether it is down.
#[derive(Debug, Clone, PartialEq)]
pub struct Badge {
    /// Busy share (instances, functions), 0 to 1.
    pub ring: Option<f64>,
    /// The lines under the card ("2/2 running", "15 in queue"…), two items to a line.
    pub lines: Vec<String>,
    /// Fewer machines are up than wanted: the lines are a warning.
    pub short: bool,
    /// Every machine (or the node) is down.
    pub down: bool,
}

/// The badge of `node` in `state`.
pub fn badge(node: &Node, state: &LiveNode) -> Badge {
    let kind = node.kind.kind();
    let (running_word, waiting_word) = kind.badge_words();
    let mut items = Vec::new();
    if let Some(word) = running_word {
        items.push(format!("{}/{} {word}", state.running, state.capacity));
    }
    if state.warming > 0 {
        items.push(format!("{} warming", state.warming));
    }
    // A scheduled action has moved the group's range away from the file's.
    if let Some((min, max)) = state.range
        && node.kind.auto_scaling().is_some_and(|g| (g.min, g.max) != (min, max))
    {
        items.push(format!("now {min} to {max}"));
    }
    // Waiting work is news on a node that serves it, and the whole story of one that holds it.
    if let Some(word) = waiting_word
        && (state.depth > 0 || running_word.is_none())
    {
        items.push(format!("{} {word}", state.depth));
    }
    if state.pending > 0 {
        items.push(format!("{} pending", state.pending));
    }
    if let Some((running, booting)) = state.hosts {
        let booting = if booting > 0 { format!(" (+{booting} booting)") } else { String::new() };
        items.push(format!("{running} EC2{booting}"));
    }
    Badge {
        ring: kind.does_work().then_some(state.utilization.clamp(0.0, 1.0)),
        lines: items.chunks(2).map(|pair| pair.join(" · ")).collect(),
        short: kind.runs_machines() && state.running + state.warming < state.capacity,
        down: state.down,
    }
}

/// The colour of a utilisation ring: relaxed, busy (from 70 %), saturated (from 90 %).
pub fn ring_colour(utilisation: f64, palette: &Palette) -> Rgb {
    if utilisation < 0.7 {
        palette.good
    } else if utilisation < 0.9 {
        palette.busy
    } else {
        palette.warning
    }
}

/// A diagram ready to be written as a picture, with the badges of a moment of its run.
#[derive(Debug, Clone)]
pub struct Picture<'a> {
    diagram: &'a Diagram,
    /// Per node of the diagram, its state in the run (`None`: not running, or not in the run).
    states: Option<&'a [Option<LiveNode>]>,
    palette: Palette,
    /// A line under the title (the moment of the run shown).
    caption: Option<String>,
}

/// Space around the diagram, in points.
const MARGIN: f32 = 40.0;
/// Height of the title row.
const TITLE: f32 = 34.0;

/// Text made safe inside SVG (XML) text and attributes.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

impl<'a> Picture<'a> {
    /// The picture of `diagram`, in the dark or light theme, with `states` (one per node, in
    /// diagram order) when it shows a run.
    pub fn new(diagram: &'a Diagram, states: Option<&'a [Option<LiveNode>]>, dark: bool) -> Self {
        Self { diagram, states, palette: Palette::for_mode(dark), caption: None }
    }

    /// Says under the title which moment of the run the badges show.
    #[must_use]
    pub fn at(mut self, now_secs: f64, end_secs: f64) -> Self {
        self.caption =
            Some(format!("at {} of {} simulated", super::charts::clock(now_secs), super::charts::clock(end_secs)));
        self
    }

    /// The diagram's extent, from its nodes' cards and the room their badges take.
    fn bounds(&self) -> (f32, f32, f32, f32) {
        let (hw, hh) = (NODE_SIZE.0 / 2.0, NODE_SIZE.1 / 2.0);
        let mut b = (f32::INFINITY, f32::INFINITY, f32::NEG_INFINITY, f32::NEG_INFINITY);
        for n in &self.diagram.nodes {
            b = (
                b.0.min(n.pos.0 - hw),
                b.1.min(n.pos.1 - hh - 22.0),
                b.2.max(n.pos.0 + hw + 8.0),
                b.3.max(n.pos.1 + hh + 36.0),
            );
        }
        if b.0.is_finite() { b } else { (0.0, 0.0, 400.0, 200.0) }
    }

    /// The picture as SVG: a background, the title, a `<g>` per edge (class "edge") and per node
    /// (class "node"), each with its id.
    pub fn svg(&self) -> String {
        let p = &self.palette;
        let (x0, y0, x1, y1) = self.bounds();
        let (width, height) = (x1 - x0 + 2.0 * MARGIN, y1 - y0 + 2.0 * MARGIN + TITLE);
        // Canvas points to picture points.
        let ox = MARGIN - x0;
        let oy = MARGIN + TITLE - y0;
        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="Ubuntu, 'DejaVu Sans', Arial, sans-serif">"#
        );
        let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="{}"/>"#, p.canvas.hex());
        let title =
            if self.diagram.scenario.name.is_empty() { "Cloud Sandbox diagram" } else { &self.diagram.scenario.name };
        let _ = writeln!(
            out,
            r#"<text x="{MARGIN}" y="{:.0}" font-size="18" fill="{}">{}</text>"#,
            MARGIN - 8.0,
            p.text.hex(),
            escape(title)
        );
        if let Some(caption) = &self.caption {
            let _ = writeln!(
                out,
                r#"<text x="{MARGIN}" y="{:.0}" font-size="12" fill="{}">{}</text>"#,
                MARGIN + 10.0,
                p.weak_text.hex(),
                escape(caption)
            );
        }
        for edge in &self.diagram.edges {
            self.edge_svg(&mut out, edge, ox, oy);
        }
        for (i, node) in self.diagram.nodes.iter().enumerate() {
            let state = self.states.and_then(|s| s.get(i).copied().flatten());
            self.node_svg(&mut out, node, state.as_ref(), ox, oy);
        }
        out.push_str("</svg>\n");
        out
    }

    fn edge_svg(&self, out: &mut String, edge: &Edge, ox: f32, oy: f32) {
        let (Some(a), Some(b)) = (self.diagram.node(&edge.from), self.diagram.node(&edge.to)) else { return };
        let half = (NODE_SIZE.0 / 2.0, NODE_SIZE.1 / 2.0);
        let start = border_point(a.pos, half, b.pos);
        let end = border_point(b.pos, half, a.pos);
        let (sx, sy, ex, ey) = (start.0 + ox, start.1 + oy, end.0 + ox, end.1 + oy);
        let style = edge_style(self.diagram, edge);
        let colour = edge_colour(style, &self.palette).hex();
        let dash = if style == EdgeStyle::Call { "" } else { r#" stroke-dasharray="7 5""# };
        let _ =
            writeln!(out, r#"<g class="edge" data-from="{}" data-to="{}">"#, escape(&edge.from.0), escape(&edge.to.0));
        let _ = writeln!(
            out,
            r#"<line x1="{sx:.1}" y1="{sy:.1}" x2="{ex:.1}" y2="{ey:.1}" stroke="{colour}" stroke-width="2"{dash}/>"#
        );
        // The arrow head.
        let length = ((ex - sx).powi(2) + (ey - sy).powi(2)).sqrt().max(1e-3);
        let (dx, dy) = ((ex - sx) / length, (ey - sy) / length);
        let (nx, ny) = (-dy, dx);
        let (bx, by) = (ex - dx * 10.0, ey - dy * 10.0);
        let _ = writeln!(
            out,
            r#"<polygon points="{ex:.1},{ey:.1} {:.1},{:.1} {:.1},{:.1}" fill="{colour}"/>"#,
            bx + nx * 4.5,
            by + ny * 4.5,
            bx - nx * 4.5,
            by - ny * 4.5
        );
        if let Some(label) = edge_label(edge) {
            let _ = writeln!(
                out,
                // A halo of the background, so that the label stays readable over its own line.
                r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="{}" stroke="{}" stroke-width="3" paint-order="stroke">{}</text>"#,
                f32::midpoint(sx, ex),
                f32::midpoint(sy, ey) - 8.0,
                self.palette.weak_text.hex(),
                self.palette.canvas.hex(),
                escape(&label)
            );
        }
        out.push_str("</g>\n");
    }

    fn node_svg(&self, out: &mut String, node: &Node, state: Option<&LiveNode>, ox: f32, oy: f32) {
        let palette = &self.palette;
        let kind = node.kind.kind();
        let accent = kind_colour(kind).hex();
        let (card_w, card_h) = NODE_SIZE;
        let (left, top) = (node.pos.0 - card_w / 2.0 + ox, node.pos.1 - card_h / 2.0 + oy);
        let _ = writeln!(out, r#"<g class="node" id="node-{}" data-kind="{}">"#, escape(&node.id.0), kind.name());
        let _ = writeln!(out, "<title>{}</title>", escape(node.label()));
        let _ = writeln!(
            out,
            r##"<rect x="{left:.1}" y="{:.1}" width="{card_w}" height="{card_h}" rx="6" fill="#000000" fill-opacity="0.16"/>"##,
            top + 2.0
        );
        let down = state.is_some_and(|s| s.down);
        let (outline, outline_width) = if down { (palette.warning, 3.0) } else { (palette.card_stroke, 1.0) };
        let _ = writeln!(
            out,
            r#"<rect x="{left:.1}" y="{top:.1}" width="{card_w}" height="{card_h}" rx="6" fill="{}" stroke="{}" stroke-width="{outline_width}"/>"#,
            palette.card.hex(),
            outline.hex()
        );
        // The stripe: rounded on the left only.
        let _ = writeln!(
            out,
            r#"<path d="M{:.1},{top:.1} h6 v{card_h} h-6 a6,6 0 0 1 -6,-6 v-{} a6,6 0 0 1 6,-6 z" fill="{accent}"/>"#,
            left + 6.0,
            card_h - 12.0
        );
        icon_svg(out, kind, (left + 24.0, top + card_h / 2.0), 18.0, &accent);
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="14" fill="{}">{}</text>"#,
            left + 42.0,
            top + card_h / 2.0 - 3.0,
            palette.text.hex(),
            escape(&card_name(node))
        );
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="11.5" fill="{}">{}</text>"#,
            left + 42.0,
            top + card_h / 2.0 + 14.0,
            palette.weak_text.hex(),
            escape(&subtitle(node))
        );
        if let Some(state) = state {
            let b = badge(node, state);
            if b.down {
                let _ = writeln!(
                    out,
                    r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="{}">DOWN</text>"#,
                    left + card_w / 2.0,
                    top - 5.0,
                    palette.warning.hex()
                );
            } else {
                if let Some(u) = b.ring {
                    ring_svg(out, (left + card_w - 9.0, top - 10.0), 7.0, u, palette);
                }
                let colour = if b.short { palette.warning } else { palette.weak_text };
                for (k, line) in b.lines.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="{}">{}</text>"#,
                        left + card_w / 2.0,
                        top + card_h + 15.0 + 13.0 * k as f32,
                        colour.hex(),
                        escape(line)
                    );
                }
            }
        }
        out.push_str("</g>\n");
    }
}

fn icon_svg(out: &mut String, kind: Kind, centre: (f32, f32), size: f32, colour: &str) {
    let s = size / 2.0;
    let at = |(x, y): (f32, f32)| (centre.0 + x * s, centre.1 + y * s);
    let stroke = format!(r#"stroke="{colour}" stroke-width="{:.2}" fill="none""#, (size / 10.0).max(1.0));
    for part in kind.icon() {
        let _ = match part {
            IconPart::Ring { at: c, r } => {
                let (cx, cy) = at(c);
                writeln!(out, r#"<circle cx="{cx:.2}" cy="{cy:.2}" r="{:.2}" {stroke}/>"#, r * s)
            }
            IconPart::Dot { at: c, r } => {
                let (cx, cy) = at(c);
                writeln!(out, r#"<circle cx="{cx:.2}" cy="{cy:.2}" r="{:.2}" fill="{colour}"/>"#, r * s)
            }
            IconPart::Line { a, b } => {
                let ((x1, y1), (x2, y2)) = (at(a), at(b));
                writeln!(out, r#"<line x1="{x1:.2}" y1="{y1:.2}" x2="{x2:.2}" y2="{y2:.2}" {stroke}/>"#)
            }
            IconPart::Frame { at: c, size: (w, h) } => {
                let (cx, cy) = at(c);
                let (w, h) = (w * s, h * s);
                writeln!(
                    out,
                    r#"<rect x="{:.2}" y="{:.2}" width="{w:.2}" height="{h:.2}" rx="1" {stroke}/>"#,
                    cx - w / 2.0,
                    cy - h / 2.0
                )
            }
            IconPart::Block { at: c, size: (w, h) } => {
                let (cx, cy) = at(c);
                let (w, h) = (w * s, h * s);
                writeln!(
                    out,
                    r#"<rect x="{:.2}" y="{:.2}" width="{w:.2}" height="{h:.2}" rx="1" fill="{colour}"/>"#,
                    cx - w / 2.0,
                    cy - h / 2.0
                )
            }
        };
    }
}

fn ring_svg(out: &mut String, (cx, cy): (f32, f32), r: f32, u: f64, p: &Palette) {
    let _ = writeln!(
        out,
        r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="{r}" stroke="{}" stroke-width="2.5" fill="none"/>"#,
        p.grid.hex()
    );
    let colour = ring_colour(u, p).hex();
    if u >= 0.999 {
        let _ = writeln!(
            out,
            r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="{r}" stroke="{colour}" stroke-width="2.5" fill="none"/>"#
        );
    } else if u > 0.0 {
        let angle = std::f64::consts::TAU * u - std::f64::consts::FRAC_PI_2;
        let (ex, ey) = (cx + r * angle.cos() as f32, cy + r * angle.sin() as f32);
        let large = i32::from(u > 0.5);
        let _ = writeln!(
            out,
            r#"<path d="M{cx:.1},{:.1} A{r},{r} 0 {large} 1 {ex:.2},{ey:.2}" stroke="{colour}" stroke-width="2.5" fill="none"/>"#,
            cy - r
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="{}">{:.0}%</text>"#,
        cx - r - 4.0,
        cy + 4.0,
        p.weak_text.hex(),
        u * 100.0
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_border_point_is_on_the_box() {
        let p = border_point((0.0, 0.0), (10.0, 5.0), (100.0, 0.0));
        assert_eq!(p, (10.0, 0.0));
        let p = border_point((0.0, 0.0), (10.0, 5.0), (0.0, -50.0));
        assert_eq!(p, (0.0, -5.0));
    }

    #[test]
    fn a_moved_group_range_is_shown_for_instances_and_for_container_services() {
        use crate::model::{AutoScaling, ContainersParams, InstanceParams, NodeId, NodeKind};
        let group = Some(AutoScaling { min: 2, max: 6, ..AutoScaling::default() });
        let state = LiveNode { running: 4, capacity: 4, range: Some((4, 10)), ..LiveNode::default() };
        for kind in [
            NodeKind::Instance(InstanceParams { auto_scaling: group.clone(), ..InstanceParams::default() }),
            NodeKind::Containers(ContainersParams { auto_scaling: group.clone(), ..ContainersParams::default() }),
        ] {
            let node = Node { id: NodeId::new("n"), name: String::new(), pos: (0.0, 0.0), kind };
            let lines = badge(&node, &state).lines.join(" | ");
            assert!(lines.contains("now 4 to 10"), "{lines}");
            // The file's own range: nothing to say.
            let same = LiveNode { range: Some((2, 6)), ..state };
            assert!(!badge(&node, &same).lines.join(" ").contains("now"));
        }
    }

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
    }
}
