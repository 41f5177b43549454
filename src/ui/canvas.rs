//! The canvas: nodes as cards, edges as arrows, and the gestures that edit them. It reads the
//! diagram and emits [`Action`]s; it never changes the diagram itself.
//!
//! Gestures: drag a node to move it (the selection moves with it; one drag is one undo step);
//! drag from a node's right-hand handle to another node to connect them; click to select,
//! Shift+click to add; Shift+drag on empty space selects an area; drag empty space (or with the
//! middle button) to pan; Ctrl+wheel zooms around the pointer, the wheel alone pans; double-click
//! a node to rename it; right-click a node for its menu.

use super::action::{Action, Selection};
use super::theme::{self, GRID, HANDLE_RADIUS, NODE_SIZE, Palette};
use crate::model::edit::Edit;
use crate::model::{Diagram, Kind, Node, NodeId};
use crate::scene::diagram::{self as scene, EdgeStyle};
use egui::{Color32, CornerRadius, FontId, Pos2, Rect, Sense, Shape, Stroke, Vec2, pos2, vec2};

/// Zoom limits.
const ZOOM_RANGE: (f32, f32) = (0.2, 3.0);
/// Below this zoom, badges and edge labels keep no text (it would be unreadable and overlap).
const BADGE_LABELS_FROM_ZOOM: f32 = 0.5;

/// A gesture in progress.
#[derive(Debug, Clone, PartialEq)]
enum Drag {
    /// Moving the selection by dragging `grab`; every frame's move joins undo group `group`.
    Move { grab: NodeId, grab_start: (f32, f32), total: Vec2, group: u64 },
    /// Drawing a new edge from a node's handle; remembers where the pointer was last seen.
    Connect { from: NodeId, last: Option<Pos2> },
    /// Selecting an area, from a screen point.
    Band { start: Pos2 },
}

/// Pan, zoom and the gesture of the canvas (view state, not saved with the diagram).
#[derive(Debug, Clone)]
pub struct CanvasView {
    /// Screen offset of the canvas origin from the panel's top-left corner.
    pub offset: Vec2,
    /// Screen points per canvas point.
    pub zoom: f32,
    /// Fit the diagram in view at the next frame.
    pub fit_requested: bool,
    /// Snap moved nodes to the grid.
    pub snap: bool,
    drag: Option<Drag>,
    renaming: Option<(NodeId, String)>,
    /// How long "Fail for" in a node's menu fails it, in simulated seconds.
    pub fail_secs: f64,
    /// A refusal shown next to the pointer, with when it appeared.
    refusal: Option<(String, Pos2, f64)>,
    /// The panel's rectangle at the last frame, for placing new nodes.
    pub last_rect: Rect,
}

impl Default for CanvasView {
    fn default() -> Self {
        Self {
            offset: vec2(40.0, 40.0),
            zoom: 1.0,
            fit_requested: true,
            snap: true,
            drag: None,
            renaming: None,
            fail_secs: 30.0,
            refusal: None,
            last_rect: Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
        }
    }
}

impl CanvasView {
    fn to_screen(&self, rect: Rect, p: (f32, f32)) -> Pos2 {
        rect.min + self.offset + vec2(p.0, p.1) * self.zoom
    }

    fn to_canvas(&self, rect: Rect, p: Pos2) -> (f32, f32) {
        let v = (p - rect.min - self.offset) / self.zoom;
        (v.x, v.y)
    }

    /// The canvas point at the middle of the visible area (where a clicked palette item lands).
    pub fn centre(&self) -> (f32, f32) {
        self.to_canvas(self.last_rect, self.last_rect.center())
    }

    fn node_rect(&self, rect: Rect, node: &Node) -> Rect {
        Rect::from_center_size(self.to_screen(rect, node.pos), NODE_SIZE * self.zoom)
    }

    fn zoom_around(&mut self, rect: Rect, anchor: Pos2, factor: f32) {
        let before = self.to_canvas(rect, anchor);
        self.zoom = (self.zoom * factor).clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        // Keep the canvas point under the anchor where it was.
        self.offset = anchor - rect.min - vec2(before.0, before.1) * self.zoom;
    }

    fn fit(&mut self, rect: Rect, diagram: &Diagram) {
        let Some(bounds) =
            diagram.nodes.iter().map(|n| Rect::from_center_size(pos2(n.pos.0, n.pos.1), NODE_SIZE)).reduce(Rect::union)
        else {
            self.zoom = 1.0;
            self.offset = vec2(40.0, 40.0);
            return;
        };
        let bounds = bounds.expand(40.0);
        let scale = (rect.width() / bounds.width()).min(rect.height() / bounds.height());
        self.zoom = scale.clamp(ZOOM_RANGE.0, 1.5);
        self.offset = rect.size() / 2.0 - bounds.center().to_vec2() * self.zoom;
    }
}

/// Rounds a canvas point to the grid.
pub fn snap(p: (f32, f32)) -> (f32, f32) {
    ((p.0 / GRID).round() * GRID, (p.1 / GRID).round() * GRID)
}

/// Where the segment from the centre of `rect` towards `toward` leaves the rectangle.
fn border_point(rect: Rect, toward: Pos2) -> Pos2 {
    let c = rect.center();
    let (x, y) = scene::border_point((c.x, c.y), (rect.width() / 2.0, rect.height() / 2.0), (toward.x, toward.y));
    pos2(x, y)
}

fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_sq().max(f32::EPSILON)).clamp(0.0, 1.0);
    (a + ab * t).distance(p)
}

fn arrow(painter: &egui::Painter, from: Pos2, to: Pos2, stroke: Stroke, dashed: bool, zoom: f32) {
    if dashed {
        painter.extend(Shape::dashed_line(&[from, to], stroke, 7.0 * zoom, 5.0 * zoom));
    } else {
        painter.line_segment([from, to], stroke);
    }
    let dir = (to - from).normalized();
    let size = 10.0 * zoom.max(0.5);
    let normal = vec2(-dir.y, dir.x);
    let back = to - dir * size;
    painter.add(Shape::convex_polygon(
        vec![to, back + normal * size * 0.45, back - normal * size * 0.45],
        stroke.color,
        Stroke::NONE,
    ));
}

/// Shows the canvas; `group` is a fresh undo group for a drag that starts now. Returns whether it
/// was taken.
/// What a running simulation shows on the canvas.
#[derive(Debug, Clone, Copy)]
pub struct LiveView<'a> {
    /// Each node's state now and its index in the engine (`None`: not in the run).
    pub nodes: &'a [Option<(crate::sim::LiveNode, usize)>],
    /// The engine, for a hovered node's figures so far (computed only when shown).
    pub engine: &'a crate::sim::Engine,
    /// Each edge's traffic: (sent, failed) per simulated second, in diagram order.
    pub edge_rates: &'a [(f64, f64)],
    /// Whether simulated time is moving (the dots move only then).
    pub playing: bool,
}

pub fn show(
    ui: &mut egui::Ui,
    diagram: &Diagram,
    live: Option<LiveView<'_>>,
    view: &mut CanvasView,
    selection: &mut Selection,
    group: u64,
    actions: &mut Vec<Action>,
) -> bool {
    let palette = Palette::for_visuals(ui.visuals());
    let (rect, background) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
    background.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Canvas"));
    view.last_rect = rect;
    if view.fit_requested {
        view.fit(rect, diagram);
        view.fit_requested = false;
    }
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, CornerRadius::ZERO, palette.canvas);
    draw_grid(&painter, rect, view, palette.grid);
    let mut used_group = false;

    // Pan and zoom with the wheel, over the canvas only.
    if ui.rect_contains_pointer(rect) {
        let (zoom, scroll, pointer) = ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta(), i.pointer.hover_pos()));
        if zoom != 1.0 {
            view.zoom_around(rect, pointer.unwrap_or(rect.center()), zoom);
        } else if scroll != Vec2::ZERO {
            view.offset += scroll;
        }
    }

    // Edges under the nodes.
    let mut edge_segments = Vec::with_capacity(diagram.edges.len());
    for (i, edge) in diagram.edges.iter().enumerate() {
        let (Some(a), Some(b)) = (diagram.node(&edge.from), diagram.node(&edge.to)) else { continue };
        let (ra, rb) = (view.node_rect(rect, a), view.node_rect(rect, b));
        let start = border_point(ra, rb.center());
        let end = border_point(rb, ra.center());
        edge_segments.push((i, start, end));
        let selected = selection.edge == Some(i);
        let style = scene::edge_style(diagram, edge);
        let sync = style == EdgeStyle::Call;
        let colour = theme::colour(scene::edge_colour(style, &palette.scene));
        let rate = live.and_then(|l| l.edge_rates.get(i)).copied().unwrap_or((0.0, 0.0));
        // Busier edges are drawn thicker.
        let traffic_width = (rate.0 + 1.0).log10() as f32 * 0.8;
        let width = (if selected { 3.5 } else { 2.0 } + traffic_width) * view.zoom.max(0.5);
        let colour = if selected { palette.selection } else { colour };
        arrow(&painter, start, end, Stroke::new(width, colour), !sync, view.zoom);
        if let Some(l) = live {
            let moving_at = l.playing.then(|| ui.input(|i| i.time));
            draw_traffic(&painter, start, end, rate, moving_at, view.zoom, &palette);
        }
        if let Some(label) = scene::edge_label(edge).filter(|_| view.zoom >= BADGE_LABELS_FROM_ZOOM) {
            painter.text(
                start.lerp(end, 0.5) + vec2(0.0, -8.0 * view.zoom),
                egui::Align2::CENTER_BOTTOM,
                label,
                FontId::proportional(11.0 * view.zoom),
                palette.weak_text,
            );
        }
    }

    // Nodes, each an interactive region that screen readers and tests can find by its name.
    let mut hovered_node = None;
    // Ids are the nodes' own, so that a drag survives other nodes coming and going; a file with
    // an id used twice (an error the Problems tab names) still gets a widget per node.
    let mut seen: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    for (index, node) in diagram.nodes.iter().enumerate() {
        let node_rect = view.node_rect(rect, node);
        let twin = seen.entry(node.id.0.as_str()).or_default();
        let id = ui.scope_id().with(("node", &node.id.0, *twin));
        *twin += 1;
        let response = ui.interact(node_rect, id, Sense::click_and_drag());
        let label = node.label().to_owned();
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
        let selected = selection.nodes.contains(&node.id);
        draw_node(&painter, node, node_rect, selected, view.zoom, &palette);
        if let Some((state, _)) = live.and_then(|l| l.nodes.get(index).copied().flatten()) {
            draw_badge(&painter, node, node_rect, &state, view.zoom, &palette);
        }

        let handle_centre = pos2(node_rect.right(), node_rect.center().y);
        let handle_rect = Rect::from_center_size(handle_centre, Vec2::splat(2.0 * HANDLE_RADIUS * view.zoom.max(0.7)));
        let handle = ui.interact(handle_rect, id.with("handle"), Sense::drag());
        let handle_label = format!("Connect from {label}");
        handle.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &handle_label));
        let handle_colour = if handle.hovered() { palette.selection } else { theme::kind_colour(node.kind.kind()) };
        painter.circle(
            handle_centre,
            HANDLE_RADIUS * view.zoom.max(0.7),
            handle_colour,
            Stroke::new(1.5, palette.canvas),
        );

        if handle.drag_started() {
            view.drag = Some(Drag::Connect { from: node.id.clone(), last: handle.interact_pointer_pos() });
        }
        if response.hovered() {
            hovered_node = Some(node.id.clone());
        }
        let extend = ui.input(|i| i.modifiers.shift);
        if response.clicked() {
            if extend {
                if !selection.nodes.remove(&node.id) {
                    selection.nodes.insert(node.id.clone());
                }
            } else {
                selection.clear();
                selection.nodes.insert(node.id.clone());
            }
            selection.edge = None;
        }
        if response.double_clicked() {
            view.renaming = Some((node.id.clone(), node.name.clone()));
        }
        if response.drag_started_by(egui::PointerButton::Primary) && !handle.drag_started() && view.drag.is_none() {
            if !selection.nodes.contains(&node.id) {
                if !extend {
                    selection.clear();
                }
                selection.nodes.insert(node.id.clone());
            }
            view.drag = Some(Drag::Move { grab: node.id.clone(), grab_start: node.pos, total: Vec2::ZERO, group });
            used_group = true;
        }
        if response.dragged()
            && let Some(Drag::Move { grab, grab_start, total, group }) = &mut view.drag
            && grab == &node.id
        {
            *total += response.drag_delta() / view.zoom;
            let wanted = (grab_start.0 + total.x, grab_start.1 + total.y);
            let wanted = if view.snap { snap(wanted) } else { wanted };
            let delta = (wanted.0 - node.pos.0, wanted.1 - node.pos.1);
            if delta != (0.0, 0.0) {
                let nodes = selection.nodes.iter().cloned().collect();
                actions.push(Action::Edit(Edit::Move { nodes, delta }, Some(*group)));
            }
        }
        let state = live.and_then(|l| l.nodes.get(index).copied().flatten()).map(|(s, _)| s);
        response.context_menu(|ui| {
            if let Some(state) = state
                && node.kind.kind().can_fail()
            {
                if ui.add_enabled(!state.down, egui::Button::new("Fail now")).clicked() {
                    actions.push(Action::FailNode(node.id.clone(), None));
                }
                ui.horizontal(|ui| {
                    if ui.add_enabled(!state.down, egui::Button::new("Fail for")).clicked() {
                        actions.push(Action::FailNode(node.id.clone(), Some(view.fail_secs)));
                        ui.close();
                    }
                    ui.add(egui::DragValue::new(&mut view.fail_secs).range(1.0..=86_400.0).speed(1.0).suffix(" s"))
                        .on_hover_text("How long the failure lasts, in simulated seconds");
                });
                if ui.add_enabled(state.down, egui::Button::new("Recover")).clicked() {
                    actions.push(Action::RecoverNode(node.id.clone()));
                }
                ui.separator();
            }
            if ui.button("Rename").clicked() {
                view.renaming = Some((node.id.clone(), node.name.clone()));
            }
            if ui.button("Duplicate").clicked() {
                actions.push(Action::SelectNode(node.id.clone(), false));
                actions.push(Action::Duplicate);
            }
            if ui.button("Delete").clicked() {
                actions.push(Action::Edit(Edit::Remove { nodes: vec![node.id.clone()], edges: vec![] }, None));
            }
        });
    }

    // Gestures on empty space: click clears (or picks an edge), Shift+drag selects an area,
    // plain drag or the middle button pans.
    let pointer = ui.input(|i| i.pointer.interact_pos());
    if background.clicked()
        && let Some(p) = pointer
    {
        let near = edge_segments
            .iter()
            .map(|&(i, a, b)| (i, distance_to_segment(p, a, b)))
            .filter(|&(_, d)| d < 6.0)
            .min_by(|x, y| x.1.total_cmp(&y.1));
        selection.clear();
        selection.edge = near.map(|(i, _)| i);
    }
    if background.drag_started() && view.drag.is_none() {
        let shift = ui.input(|i| i.modifiers.shift);
        if shift && let Some(start) = pointer {
            view.drag = Some(Drag::Band { start });
        }
    }
    if background.dragged_by(egui::PointerButton::Primary) && !matches!(view.drag, Some(Drag::Band { .. })) {
        view.offset += background.drag_delta();
    }
    // The middle button pans from anywhere on the canvas, nodes included.
    let (middle, delta) = ui.input(|i| (i.pointer.button_down(egui::PointerButton::Middle), i.pointer.delta()));
    if middle && ui.rect_contains_pointer(rect) {
        view.offset += delta;
    }

    // Drawing the gesture in progress, and finishing it.
    let released = ui.input(|i| i.pointer.any_released());
    match view.drag.clone() {
        Some(Drag::Connect { from, last }) => {
            let seen = ui.input(|i| i.pointer.latest_pos()).or(last);
            view.drag = Some(Drag::Connect { from: from.clone(), last: seen });
            if let (Some(node), Some(p)) = (diagram.node(&from), seen) {
                let start = pos2(view.node_rect(rect, node).right(), view.node_rect(rect, node).center().y);
                arrow(&painter, start, p, Stroke::new(2.0, palette.selection), true, view.zoom);
            }
            if released {
                view.drag = None;
                let target = seen.and_then(|p| {
                    diagram.nodes.iter().rev().find(|n| view.node_rect(rect, n).contains(p)).map(|n| n.id.clone())
                });
                if let Some(to) = target
                    && to != from
                {
                    if let Some(reason) = crate::model::edit::connect_refusal(diagram, &from, &to) {
                        let at = seen.unwrap_or(rect.center());
                        view.refusal = Some((reason, at, ui.input(|i| i.time)));
                    } else {
                        actions.push(Action::Edit(Edit::Connect(crate::model::Edge::new(from.0, to.0)), None));
                    }
                }
            }
        }
        Some(Drag::Band { start }) => {
            if let Some(p) = ui.input(|i| i.pointer.hover_pos()) {
                let band = Rect::from_two_pos(start, p);
                painter.rect(
                    band,
                    CornerRadius::same(2),
                    palette.selection.gamma_multiply(0.12),
                    Stroke::new(1.0, palette.selection),
                    egui::StrokeKind::Inside,
                );
                if released {
                    selection.clear();
                    for n in &diagram.nodes {
                        if band.intersects(view.node_rect(rect, n)) {
                            selection.nodes.insert(n.id.clone());
                        }
                    }
                }
            }
            if released {
                view.drag = None;
            }
        }
        Some(Drag::Move { .. }) if released => view.drag = None,
        _ => {}
    }

    // A palette item dropped on the canvas becomes a node there.
    if let Some(kind) = background.dnd_release_payload::<Kind>()
        && let Some(p) = pointer
    {
        actions.push(Action::AddNode(*kind, view.to_canvas(rect, p)));
    }

    if let Some(id) = hovered_node
        && view.drag.is_none()
        && view.refusal.is_none()
        && view.renaming.is_none()
        && !ui.ctx().any_popup_open()
        && let Some(node) = diagram.node(&id)
    {
        egui::Tooltip::always_open(
            ui.ctx().clone(),
            ui.layer_id(),
            ui.scope_id().with("hover"),
            egui::PopupAnchor::Pointer,
        )
        .show(|ui| {
            ui.strong(node.label());
            ui.label(format!("{} · id {}", node.kind.kind().title(), node.id));
            let index = diagram.nodes.iter().position(|n| n.id == id);
            let engine_index = live.zip(index).and_then(|(l, i)| l.nodes.get(i).copied().flatten()).map(|(_, i)| i);
            if let Some(f) = live.zip(engine_index).and_then(|(l, i)| l.engine.node_figures().get(i).copied()) {
                ui.separator();
                ui.label(format!("since warm-up: arrived {} · done {} · failed {}", f.arrivals, f.completed, f.failed));
                if f.mean_sojourn_ms > 0.0 || f.mean_wait_ms > 0.0 {
                    ui.label(format!("wait {:.1} ms · time here {:.1} ms", f.mean_wait_ms, f.mean_sojourn_ms));
                }
                if f.utilization > 0.0 {
                    ui.label(format!("utilisation {:.0} % since warm-up", f.utilization * 100.0));
                }
                if node.kind.kind().can_fail() {
                    ui.weak("Right-click to fail or recover it");
                }
            } else {
                ui.weak("Drag to move · drag the handle to connect · double-click to rename");
            }
        });
    }

    show_refusal(ui, view, &palette);
    show_rename(ui, diagram, view, rect, actions);
    if diagram.nodes.is_empty() {
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            "Drag a node from the palette on the left to start",
            FontId::proportional(16.0),
            palette.weak_text,
        );
    }
    used_group
}

fn draw_grid(painter: &egui::Painter, rect: Rect, view: &CanvasView, colour: Color32) {
    let step = GRID * view.zoom * if view.zoom < 0.6 { 4.0 } else { 1.0 };
    if step < 6.0 {
        return;
    }
    let origin = rect.min + view.offset;
    let first_x = origin.x + ((rect.left() - origin.x) / step).ceil() * step;
    let first_y = origin.y + ((rect.top() - origin.y) / step).ceil() * step;
    // One mesh of small squares: a couple of thousand anti-aliased circles cost a software
    // renderer several milliseconds a frame.
    let mut mesh = egui::Mesh::default();
    let mut x = first_x;
    while x < rect.right() {
        let mut y = first_y;
        while y < rect.bottom() {
            mesh.add_colored_rect(Rect::from_center_size(pos2(x, y), Vec2::splat(1.6)), colour);
            y += step;
        }
        x += step;
    }
    painter.add(egui::Shape::mesh(mesh));
}

fn draw_node(painter: &egui::Painter, node: &Node, r: Rect, selected: bool, zoom: f32, palette: &Palette) {
    let kind = node.kind.kind();
    let accent = theme::kind_colour(kind);
    let radius = CornerRadius::same((6.0 * zoom).round().clamp(1.0, 255.0) as u8);
    painter.rect_filled(r.translate(vec2(0.0, 2.0 * zoom)), radius, Color32::from_black_alpha(40));
    let stroke = if selected { Stroke::new(2.5, palette.selection) } else { Stroke::new(1.0, palette.card_stroke) };
    painter.rect(r, radius, palette.card, stroke, egui::StrokeKind::Inside);
    let stripe = Rect::from_min_max(r.min, pos2(r.min.x + 6.0 * zoom, r.max.y));
    painter.rect_filled(stripe, CornerRadius { nw: radius.nw, sw: radius.sw, ne: 0, se: 0 }, accent);
    if zoom < 0.35 {
        return;
    }
    theme::paint_icon(painter, kind, pos2(r.min.x + 24.0 * zoom, r.center().y), 18.0 * zoom, accent);
    let text_left = r.min.x + 42.0 * zoom;
    painter.text(
        pos2(text_left, r.center().y - 8.0 * zoom),
        egui::Align2::LEFT_CENTER,
        scene::card_name(node),
        FontId::proportional(14.0 * zoom),
        palette.text,
    );
    painter.text(
        pos2(text_left, r.center().y + 10.0 * zoom),
        egui::Align2::LEFT_CENTER,
        scene::subtitle(node),
        FontId::proportional(11.5 * zoom),
        palette.weak_text,
    );
}

/// Traffic along an edge as moving dots: more dots for more requests per simulated second (on a
/// square-root scale, so 100,000 req/s stays readable), the failed share drawn in the warning colour.
fn draw_traffic(
    painter: &egui::Painter,
    start: Pos2,
    end: Pos2,
    (sent, failed): (f64, f64),
    moving_at: Option<f64>,
    zoom: f32,
    palette: &Palette,
) {
    if sent <= 0.0 {
        return;
    }
    let dots = (sent.sqrt() / 1.5).ceil().clamp(1.0, 16.0) as usize;
    let failed_dots = ((failed / sent).clamp(0.0, 1.0) * dots as f64).round() as usize;
    let length = start.distance(end).max(1.0);
    // The dots move at a steady 80 screen points a second, whatever the simulation speed.
    let phase = moving_at.map_or(0.0, |time| (time * 80.0 / f64::from(length)).fract() as f32);
    for k in 0..dots {
        let f = (phase + k as f32 / dots as f32).fract();
        let colour = if k < failed_dots { palette.warning } else { palette.text };
        painter.circle_filled(start.lerp(end, f), 2.6 * zoom.max(0.6), colour);
    }
}

/// Live state on a node (the scene's [`scene::badge`]): a utilisation ring, machines or
/// executions, waiting work, and DOWN.
fn draw_badge(
    painter: &egui::Painter,
    node: &Node,
    r: Rect,
    state: &crate::sim::LiveNode,
    zoom: f32,
    palette: &Palette,
) {
    let badge = scene::badge(node, state);
    // Labels scale with the cards; below half size they would be unreadable and spill over the
    // neighbours, so only the ring and the DOWN outline remain.
    let labels = zoom >= BADGE_LABELS_FROM_ZOOM;
    let font = FontId::proportional(11.0 * zoom);
    if badge.down {
        painter.rect_stroke(
            r.expand(2.0 * zoom),
            CornerRadius::same((7.0 * zoom).round().clamp(1.0, 255.0) as u8),
            Stroke::new((3.0 * zoom).max(1.5), palette.warning),
            egui::StrokeKind::Outside,
        );
        if labels {
            painter.text(
                r.center_top() + vec2(0.0, -4.0 * zoom),
                egui::Align2::CENTER_BOTTOM,
                "DOWN",
                FontId::proportional(12.0 * zoom),
                palette.warning,
            );
        }
        return;
    }
    if let Some(u) = badge.ring {
        // Just above the top-right corner, clear of the name.
        let radius = 7.0 * zoom;
        let centre = r.right_top() + vec2(-radius - 2.0 * zoom, -radius - 3.0 * zoom);
        let colour = theme::colour(scene::ring_colour(u, &palette.scene));
        let u = u as f32;
        painter.circle_stroke(centre, radius, Stroke::new(2.5 * zoom, palette.grid));
        let steps = 32;
        let points: Vec<Pos2> = (0..=((steps as f32 * u).ceil() as usize))
            .map(|i| {
                let a = -std::f32::consts::FRAC_PI_2 + std::f32::consts::TAU * (i as f32 / steps as f32).min(u);
                centre + vec2(a.cos(), a.sin()) * radius
            })
            .collect();
        if points.len() > 1 {
            painter.add(Shape::line(points, Stroke::new(2.5 * zoom, colour)));
        }
        if labels {
            painter.text(
                centre + vec2(-radius - 4.0 * zoom, 0.0),
                egui::Align2::RIGHT_CENTER,
                format!("{:.0}%", u * 100.0),
                font.clone(),
                palette.weak_text,
            );
        }
    }
    if labels && !badge.lines.is_empty() {
        let colour = if badge.short { palette.warning } else { palette.weak_text };
        painter.text(
            r.center_bottom() + vec2(0.0, 4.0 * zoom),
            egui::Align2::CENTER_TOP,
            badge.lines.join("\n"),
            font,
            colour,
        );
    }
}

fn show_refusal(ui: &egui::Ui, view: &mut CanvasView, palette: &Palette) {
    let Some((text, at, since)) = view.refusal.clone() else { return };
    let now = ui.input(|i| i.time);
    if now - since > 4.0 {
        view.refusal = None;
        return;
    }
    egui::Area::new(ui.scope_id().with("refusal")).fixed_pos(at + vec2(12.0, 12.0)).order(egui::Order::Tooltip).show(
        ui.ctx(),
        |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(320.0);
                ui.colored_label(palette.warning, format!("Cannot connect: {text}"));
            });
        },
    );
    ui.ctx().request_repaint_after(std::time::Duration::from_millis(250));
}

fn show_rename(ui: &egui::Ui, diagram: &Diagram, view: &mut CanvasView, rect: Rect, actions: &mut Vec<Action>) {
    let Some((id, mut text)) = view.renaming.clone() else { return };
    let Some(node) = diagram.node(&id) else {
        view.renaming = None;
        return;
    };
    let at = view.node_rect(rect, node).left_bottom() + vec2(0.0, 4.0);
    let mut done = None;
    egui::Area::new(ui.scope_id().with("rename")).fixed_pos(at).order(egui::Order::Foreground).show(ui.ctx(), |ui| {
        egui::Frame::popup(ui.style()).show(ui, |ui| {
            let label = ui.label("New name").id;
            let edit = ui
                .add(egui::TextEdit::singleline(&mut text).desired_width(200.0).id_salt("rename-field"))
                .labelled_by(label);
            edit.request_focus();
            if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                done = Some(true);
            }
            if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                done = Some(false);
            }
        });
    });
    match done {
        Some(true) => {
            if text.trim() != node.name {
                let mut renamed = node.clone();
                text.trim().clone_into(&mut renamed.name);
                actions.push(Action::Edit(Edit::ReplaceNode(renamed), None));
            }
            view.renaming = None;
        }
        Some(false) => view.renaming = None,
        None => view.renaming = Some((id, text)),
    }
}
