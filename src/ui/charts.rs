//! The live charts (`egui_plot`) of the dock's Charts tab and the Compare view. What each chart
//! shows comes from [`crate::scene::charts`]; this file lays them out and draws them: a grid in
//! which every chart keeps a readable height (scrolling when they do not all fit), any chart
//! enlarged to the whole dock and back, a legend beside each plot (never over its data) that hides
//! a line when clicked and shows each line's latest value, time as m:ss or h:mm:ss, units on y.

use super::live::LiveRun;
use super::theme::{self, Palette};
use crate::scene::charts::{
    self as scene, Chart, ChartKind, ChartOptions, CostBreakdown, Dash, Line, clock, ticks, time_step,
};
use egui::{Color32, Rect, Sense, Stroke, Vec2, pos2, vec2};
use egui_plot::{AxisHints, GridInput, GridMark, HoverPosition, LineStyle, Plot, PlotBounds, Points, Span};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Width of the legend beside a plot (at most; narrow charts get a narrower one).
pub const LEGEND_WIDTH: f32 = 150.0;
/// Height of a chart in the grid, title and time axis included, below which the grid scrolls.
const MIN_CELL_HEIGHT: f32 = 130.0;
/// Width of a chart in the grid that leaves room for plot and legend.
const MIN_CELL_WIDTH: f32 = 380.0;
/// The narrowest a chart gets so that every chart fits without scrolling.
const NARROW_CELL_WIDTH: f32 = 300.0;
/// Height of a chart's title row.
const HEADER_HEIGHT: f32 = 20.0;
/// Time ticks at least this far apart (a label such as 1:00:00 is about 45 points wide).
const TIME_TICK_SPACING: f64 = 62.0;
/// Value ticks at least this far apart.
const VALUE_TICK_SPACING: f64 = 24.0;

/// The chart preferences kept between runs: charts switched off, the enlarged one, the cost split.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChartPrefs {
    /// Keys ([`ChartKind::key`]) of the charts switched off.
    pub hidden: Vec<String>,
    /// The key of the chart given the whole dock, if any.
    pub enlarged: Option<String>,
    /// How the cost chart is split.
    pub breakdown: CostBreakdown,
}

impl ChartPrefs {
    /// Whether the chart is switched off.
    pub fn is_hidden(&self, kind: ChartKind) -> bool {
        self.hidden.iter().any(|h| h == kind.key())
    }

    fn set_hidden(&mut self, kind: ChartKind, hidden: bool) {
        self.hidden.retain(|h| h != kind.key());
        if hidden {
            self.hidden.push(kind.key().to_owned());
        }
    }
}

/// Lines hidden by clicking their legend entry, per chart key (for this session only).
#[derive(Debug, Clone, Default)]
pub struct HiddenLines(BTreeMap<&'static str, BTreeSet<String>>);

impl HiddenLines {
    pub fn of(&mut self, key: &'static str) -> &mut BTreeSet<String> {
        self.0.entry(key).or_default()
    }
}

/// The chart controls in the dock's tab row: which charts to show, and how cost is split.
pub fn controls(ui: &mut egui::Ui, run: &LiveRun, prefs: &mut ChartPrefs) {
    let available = scene::available(&run.engine);
    let shown = available.iter().filter(|k| !prefs.is_hidden(**k)).count();
    // A list of switches: it stays open while they are clicked.
    let config =
        egui::containers::menu::MenuConfig::new().close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
    egui::containers::menu::MenuButton::new(format!("Charts ({shown} of {})", available.len())).config(config).ui(
        ui,
        |ui| {
            ui.weak("Charts this diagram can fill");
            for kind in &available {
                let mut on = !prefs.is_hidden(*kind);
                if ui.checkbox(&mut on, kind.title()).on_hover_text(kind.hint()).changed() {
                    prefs.set_hidden(*kind, !on);
                }
            }
            ui.separator();
            if ui.button("Show all").clicked() {
                prefs.hidden.clear();
            }
        },
    );
    let label = ui.weak("Cost:").id;
    let names = [
        (CostBreakdown::Total, "total"),
        (CostBreakdown::ByService, "by service"),
        (CostBreakdown::ByPurchaseOption, "EC2 by purchase option"),
    ];
    super::inspector::combo(ui, label, &mut prefs.breakdown, &names);
}

/// The Charts tab: the charts of the run that are switched on, in a grid or one enlarged.
/// `only`: the engine index of the node the per-node charts are narrowed to.
pub fn show(
    ui: &mut egui::Ui,
    run: &LiveRun,
    only: Option<usize>,
    prefs: &mut ChartPrefs,
    hidden_lines: &mut HiddenLines,
) {
    let engine = &run.engine;
    if engine.global_series().is_empty() {
        ui.weak("Charts fill in as the run goes (a point per chart interval of simulated time).");
        return;
    }
    let kinds: Vec<ChartKind> = scene::available(engine).into_iter().filter(|k| !prefs.is_hidden(*k)).collect();
    if kinds.is_empty() {
        ui.weak("Every chart is switched off: choose some under Charts above.");
        return;
    }
    let options = |width: f32| ChartOptions {
        only,
        breakdown: prefs.breakdown,
        // A point every three pixels: finer cannot be told apart at a glance, and every point
        // costs drawing time (software renderers slow down with each segment).
        max_points: (width / 3.0) as usize,
    };
    let enlarged = prefs.enlarged.as_deref().and_then(|key| kinds.iter().copied().find(|k| k.key() == key));
    if let Some(kind) = enlarged {
        let size = ui.available_size();
        let chart = scene::build(engine, kind, &options(size.x));
        if draw(ui, &chart, size, hidden_lines.of(chart.key), "dock", Corner::Back) {
            prefs.enlarged = None;
        }
        return;
    }
    let gap = 8.0;
    // Solid scroll bars: a floating one is invisible until hovered, and charts below the fold
    // would go unnoticed.
    ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
    let GridLayout { columns, rows, fit, cell } = GridLayout::of(ui, kinds.len(), gap);
    let mut enlarge = None;
    // A scroll bar always in sight when some charts are below the fold, so they are not missed.
    let bar = if rows > fit {
        egui::scroll_area::ScrollBarVisibility::AlwaysVisible
    } else {
        egui::scroll_area::ScrollBarVisibility::VisibleWhenNeeded
    };
    egui::ScrollArea::vertical().id_salt("chart-grid").auto_shrink([false, false]).scroll_bar_visibility(bar).show(
        ui,
        |ui| {
            grid(ui, cell, gap, kinds.chunks(columns), |ui, kind| {
                let chart = scene::build(engine, *kind, &options(cell.x));
                if draw(ui, &chart, cell, hidden_lines.of(chart.key), "dock", Corner::Enlarge) {
                    enlarge = Some(*kind);
                }
            });
        },
    );
    if let Some(kind) = enlarge {
        prefs.enlarged = Some(kind.key().to_owned());
    }
}

/// How a grid of charts fills the space it has.
pub struct GridLayout {
    /// Charts side by side.
    pub columns: usize,
    /// Rows of charts.
    pub rows: usize,
    /// Rows that fit without scrolling.
    pub fit: usize,
    /// The size of each chart.
    pub cell: Vec2,
}

impl GridLayout {
    /// The layout of `n` charts in the space `ui` has left, `gap` apart: as many columns as fit
    /// comfortably, more (down to a narrower chart) if that shows every chart without scrolling;
    /// rows share the height, never below a readable height (the grid scrolls then).
    pub fn of(ui: &egui::Ui, n: usize, gap: f32) -> Self {
        let available = ui.available_size();
        let n = n.max(1);
        let fit = ((available.y + gap) / (MIN_CELL_HEIGHT + gap)).floor().max(1.0) as usize;
        let comfortable = ((available.x + gap) / (MIN_CELL_WIDTH + gap)).floor().max(1.0) as usize;
        let most = ((available.x + gap) / (NARROW_CELL_WIDTH + gap)).floor().max(1.0) as usize;
        let columns = comfortable.max(n.div_ceil(fit).min(most)).clamp(1, 4).min(n);
        let rows = n.div_ceil(columns);
        let height = ((available.y + gap) / rows.min(fit) as f32 - gap).max(MIN_CELL_HEIGHT);
        // Room for the scroll bar when it shows.
        let width = if rows > fit { available.x - ui.spacing().scroll.allocated_width() } else { available.x };
        Self { columns, rows, fit, cell: vec2((width + gap) / columns as f32 - gap, height) }
    }
}

/// Lays `rows` out top to bottom, each row's cells of `cell` size left to right, whatever the
/// layout of the parent.
pub fn grid<'a, T: 'a>(
    ui: &mut egui::Ui,
    cell: Vec2,
    gap: f32,
    rows: impl Iterator<Item = &'a [T]>,
    mut each: impl FnMut(&mut egui::Ui, &T),
) {
    ui.vertical(|ui| {
        ui.spacing_mut().item_spacing = vec2(gap, gap);
        for row in rows {
            ui.horizontal_top(|ui| {
                ui.set_min_height(cell.y);
                for item in row {
                    each(ui, item);
                }
            });
        }
    });
}

/// The button in a chart's title row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    /// "Enlarge": give the chart the whole dock.
    Enlarge,
    /// "All charts": back to the grid.
    Back,
    /// No button.
    None,
}

/// Draws one chart in `size` (title row, plot, legend beside it); returns whether its corner
/// button was clicked.
pub fn draw(
    ui: &mut egui::Ui,
    chart: &Chart,
    size: Vec2,
    hidden: &mut BTreeSet<String>,
    salt: &str,
    corner: Corner,
) -> bool {
    let mut clicked = false;
    let palette = Palette::for_visuals(ui.visuals());
    ui.allocate_ui_with_layout(size, egui::Layout::top_down(egui::Align::Min), |ui| {
        ui.set_min_size(size);
        ui.set_max_size(size);
        ui.spacing_mut().item_spacing = vec2(6.0, 2.0);
        ui.allocate_ui_with_layout(
            vec2(size.x, HEADER_HEIGHT),
            egui::Layout::left_to_right(egui::Align::Center),
            |ui| {
                ui.label(egui::RichText::new(chart.heading()).strong()).on_hover_text(chart.hint);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let button = match corner {
                        Corner::Enlarge => Some(("Enlarge", "Give this chart the whole dock")),
                        Corner::Back => Some(("All charts", "Back to every chart")),
                        Corner::None => None,
                    };
                    if let Some((text, hint)) = button {
                        clicked = ui.small_button(text).on_hover_text(hint).clicked();
                    }
                });
            },
        );
        let body = vec2(size.x, (size.y - HEADER_HEIGHT - 2.0).max(40.0));
        let legend_width = (size.x * 0.33).clamp(110.0, LEGEND_WIDTH);
        ui.horizontal_top(|ui| {
            let plot_width = (body.x - legend_width - 6.0).max(80.0);
            plot(ui, chart, vec2(plot_width, body.y), hidden, salt, &palette);
            legend(ui, chart, vec2(legend_width, body.y), hidden, salt, &palette);
        });
    });
    clicked
}

/// Grid marks every `step` over the input's bounds.
fn marks(input: &GridInput, step: f64) -> Vec<GridMark> {
    ticks(input.bounds, step).into_iter().map(|value| GridMark { value, step_size: step }).collect()
}

fn plot(ui: &mut egui::Ui, chart: &Chart, size: Vec2, hidden: &BTreeSet<String>, salt: &str, palette: &Palette) {
    let unit = chart.unit;
    let (x0, x1) = chart.x_range;
    let (y0, y1) = chart.y_range(|l| !hidden.contains(&l.name));
    // The y axis takes about 60 points of the width, the time axis about 16 of the height.
    let (axis_width, axis_height) = (f64::from(size.x - 60.0).max(40.0), f64::from(size.y - 16.0).max(30.0));
    let band_colour = palette.warning.gamma_multiply(0.15);
    Plot::new((salt, chart.key))
        .width(size.x)
        .height(size.y)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .x_grid_spacer(move |input| marks(&input, time_step(input.bounds, axis_width, TIME_TICK_SPACING)))
        .y_grid_spacer(move |input| marks(&input, unit.step(input.bounds, axis_height, VALUE_TICK_SPACING)))
        .custom_x_axes(vec![AxisHints::new_x().formatter(|m, _| clock(m.value)).label_spacing(30.0..=40.0)])
        .custom_y_axes(vec![
            AxisHints::new_y().formatter(move |m, _| unit.tick(m.value, m.step_size)).label_spacing(12.0..=16.0),
        ])
        .label_formatter(move |pos| match pos {
            HoverPosition::NearDataPoint { plot_name, position, .. } => {
                Some(format!("{plot_name}\n{} · {}", clock(position.x), unit.value(position.y)))
            }
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |plot| {
            plot.set_plot_bounds(PlotBounds::from_min_max([x0, y0], [x1, y1]));
            for (start, end) in &chart.bands {
                plot.span(Span::new("", *start..=*end).fill(band_colour).border_width(0.0));
            }
            for (n, line) in chart.lines.iter().enumerate() {
                if hidden.contains(&line.name) {
                    continue;
                }
                let colour = palette.tone(line.tone);
                for (r, run) in line.runs.iter().enumerate() {
                    let id = (salt, chart.key, n, r);
                    if run.len() == 1 {
                        // A lone point between gaps: a dot, since a line needs two.
                        plot.points(Points::new(line.name.clone(), run.clone()).id(id).color(colour).radius(2.0));
                        continue;
                    }
                    let mut l = egui_plot::Line::new(line.name.clone(), run.clone())
                        .id(id)
                        .color(colour)
                        .width(1.5)
                        .style(style(line.dash))
                        // Bands merge points closer than a pixel into filled shapes: on a jagged
                        // live series they draw as triangles between the lines.
                        .allow_band(false);
                    if line.fill {
                        l = l.fill(0.0).fill_alpha(0.12);
                    }
                    plot.line(l);
                }
            }
        });
}

fn style(dash: Dash) -> LineStyle {
    match dash {
        Dash::Solid => LineStyle::Solid,
        Dash::Dashed => LineStyle::dashed_loose(),
        Dash::Dotted => LineStyle::dotted_dense(),
    }
}

/// The legend beside a plot: a swatch, the name and the latest value of each line; clicking an
/// entry hides or shows its line. Scrolls when the lines do not fit.
fn legend(ui: &mut egui::Ui, chart: &Chart, size: Vec2, hidden: &mut BTreeSet<String>, salt: &str, palette: &Palette) {
    ui.allocate_ui_with_layout(size, egui::Layout::top_down(egui::Align::Min), |ui| {
        ui.set_min_size(size);
        egui::ScrollArea::vertical().id_salt((salt, chart.key, "legend")).max_height(size.y).show(ui, |ui| {
            ui.spacing_mut().item_spacing.y = 1.0;
            for line in &chart.lines {
                let shown = !hidden.contains(&line.name);
                if legend_entry(ui, line, chart.unit, shown, size.x - 4.0, palette).clicked() {
                    if shown {
                        hidden.insert(line.name.clone());
                    } else {
                        hidden.remove(&line.name);
                    }
                }
            }
        });
    });
}

fn legend_entry(
    ui: &mut egui::Ui,
    line: &Line,
    unit: scene::Unit,
    shown: bool,
    width: f32,
    palette: &Palette,
) -> egui::Response {
    let height = 17.0;
    let (rect, response) = ui.allocate_exact_size(vec2(width, height), Sense::click());
    let label = line.name.clone();
    response.widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, shown, &label));
    let painter = ui.painter_at(rect);
    let text_colour = if shown { ui.visuals().text_color() } else { ui.visuals().weak_text_color() };
    let colour = if shown { palette.tone(line.tone) } else { palette.tone(line.tone).gamma_multiply(0.3) };
    if response.hovered() {
        painter.rect_filled(rect, 2.0, ui.visuals().widgets.hovered.weak_bg_fill);
    }
    let y = rect.center().y;
    let swatch = Rect::from_min_max(pos2(rect.left() + 2.0, y - 1.0), pos2(rect.left() + 18.0, y + 1.0));
    swatch_line(&painter, swatch, line, colour);
    let value = line.last().map(|p| unit.value(p[1])).unwrap_or_default();
    let font = egui::FontId::proportional(12.0);
    let name_room = rect.width() - 24.0;
    let value_galley = painter.layout_no_wrap(value.clone(), font.clone(), ui.visuals().weak_text_color());
    let name_galley = painter.layout_no_wrap(line.name.clone(), font.clone(), text_colour);
    // The latest value beside the name when both fit; the name alone otherwise (the value is in
    // the tooltip), truncated only if it does not fit by itself.
    let with_value = name_galley.size().x + value_galley.size().x + 8.0 <= name_room;
    let mut job = egui::text::LayoutJob::simple_singleline(line.name.clone(), font, text_colour);
    job.wrap = egui::text::TextWrapping::truncate_at_width(name_room);
    let name_galley = painter.layout_job(job);
    let elided = name_galley.elided;
    painter.galley(pos2(rect.left() + 22.0, y - name_galley.size().y / 2.0), name_galley, text_colour);
    if with_value {
        painter.galley(
            pos2(rect.right() - value_galley.size().x - 2.0, y - value_galley.size().y / 2.0),
            value_galley,
            text_colour,
        );
    }
    let what = if shown { "click to hide" } else { "hidden: click to show" };
    let now = if value.is_empty() { String::new() } else { format!(": {value} now") };
    if elided || !with_value {
        response.on_hover_text(format!("{}{now} ({what})", line.name))
    } else {
        response.on_hover_text(what)
    }
}

fn swatch_line(painter: &egui::Painter, r: Rect, line: &Line, colour: Color32) {
    let stroke = Stroke::new(2.0, colour);
    let (a, b) = (pos2(r.left(), r.center().y), pos2(r.right(), r.center().y));
    match line.dash {
        Dash::Solid if line.fill => {
            painter.rect_filled(r.expand2(vec2(0.0, 4.0)), 1.0, colour.gamma_multiply(0.5));
            painter.line_segment([a, b], stroke);
        }
        Dash::Solid => {
            painter.line_segment([a, b], stroke);
        }
        Dash::Dashed => {
            painter.extend(egui::Shape::dashed_line(&[a, b], stroke, 5.0, 3.0));
        }
        Dash::Dotted => {
            painter.extend(egui::Shape::dotted_line(&[a, b], colour, 4.0, 1.2));
        }
    }
}

/// The colour of a comparison side (A, B), for labels next to its charts.
pub fn side_colour(k: usize) -> Color32 {
    theme::colour(crate::scene::palette::SIDES[k % 2])
}
