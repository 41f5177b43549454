//! Pictures as files: a chart as SVG (the same lines, ticks and legend as the window's), any SVG
//! as PNG (rendered with `resvg`, no GPU or window, text in the embedded font), and writing the
//! diagram's picture or every chart of a run into files.

use super::charts::{self, Chart, ChartOptions, Dash, clock, ticks, time_step};
use super::diagram::{escape, shorten};
use super::palette::Palette;
use crate::model::file::{FileError, write_atomically};
use crate::sim::Engine;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

/// The font pictures are drawn with: the window's (Ubuntu Light, under the Ubuntu Font Licence,
/// `assets/fonts/UFL.txt`), embedded so that a machine without fonts renders the same.
const FONT: &[u8] = include_bytes!("../../assets/fonts/Ubuntu-Light.ttf");

/// Width and height of an exported chart, in points.
pub const CHART_SIZE: (f32, f32) = (760.0, 300.0);
/// Pixels per point of exported PNGs (sharp on high-density screens and in documents).
pub const PNG_SCALE: f32 = 2.0;

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The SVG could not be read back (a bug: the program wrote it).
    #[error("the picture could not be drawn: {0}")]
    Svg(String),
    /// The picture is too large to draw.
    #[error("the picture ({0} × {1} pixels) is too large to draw")]
    TooLarge(u32, u32),
    /// PNG encoding failed.
    #[error("the PNG could not be encoded: {0}")]
    Png(String),
    /// Writing the file failed.
    #[error(transparent)]
    File(#[from] FileError),
    /// A file name the export does not know how to write.
    #[error("{0}: give a file ending in .svg or .png")]
    Format(String),
}

/// Renders SVG text as a PNG, `scale` pixels per SVG point, on the SVG's own background.
pub fn png_from_svg(svg: &str, scale: f32) -> Result<Vec<u8>, ExportError> {
    let mut fonts = resvg::usvg::fontdb::Database::new();
    fonts.load_font_data(FONT.to_vec());
    // Whatever family the SVG asks for, the embedded font answers.
    fonts.set_sans_serif_family("Ubuntu");
    let options = resvg::usvg::Options {
        font_family: "Ubuntu".to_owned(),
        fontdb: Arc::new(fonts),
        // Nothing is loaded from outside the text.
        resources_dir: None,
        ..resvg::usvg::Options::default()
    };
    let tree = resvg::usvg::Tree::from_str(svg, &options).map_err(|e| ExportError::Svg(e.to_string()))?;
    let size = tree.size();
    let (w, h) = ((size.width() * scale).ceil() as u32, (size.height() * scale).ceil() as u32);
    // 16,384 pixels a side at most (a 1 GB canvas).
    if w == 0 || h == 0 || w > 16_384 || h > 16_384 {
        return Err(ExportError::TooLarge(w, h));
    }
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).ok_or(ExportError::TooLarge(w, h))?;
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| ExportError::Png(e.to_string()))
}

/// The kinds of picture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Vector: the SVG text itself.
    Svg,
    /// Pixels: rendered at [`PNG_SCALE`].
    Png,
}

impl Format {
    /// The format a file name asks for by its extension.
    pub fn of(path: &Path) -> Option<Self> {
        match path.extension().map(|e| e.to_string_lossy().to_lowercase()).as_deref() {
            Some("svg") => Some(Self::Svg),
            Some("png") => Some(Self::Png),
            _ => None,
        }
    }
}

/// Writes `svg` to `path` in `format` (atomically).
pub fn write_as(path: &Path, svg: &str, format: Format) -> Result<(), String> {
    let result = match format {
        Format::Svg => write_atomically(path, svg.as_bytes()).map_err(ExportError::from),
        Format::Png => png_from_svg(svg, PNG_SCALE).and_then(|png| Ok(write_atomically(path, &png)?)),
    };
    result.map_err(|e| e.to_string())
}

/// Writes `svg` to `path` as SVG or PNG, by the file's extension (atomically).
pub fn write_picture(path: &Path, svg: &str) -> Result<(), String> {
    let format = Format::of(path).ok_or_else(|| ExportError::Format(path.display().to_string()).to_string())?;
    write_as(path, svg, format)
}

/// Writes every chart the run can fill into `dir` (created if missing) as `KEY.svg` and
/// `KEY.png`; returns how many charts.
pub fn write_charts(engine: &Engine, dir: &Path, options: &ChartOptions, dark: bool) -> Result<usize, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let kinds = charts::available(engine);
    let options = ChartOptions { max_points: (CHART_SIZE.0 / 2.0) as usize, ..*options };
    for kind in &kinds {
        let chart = charts::build(engine, *kind, &options);
        let svg = chart_svg(&chart, CHART_SIZE, dark);
        write_picture(&dir.join(format!("{}.svg", chart.key)), &svg)?;
        write_picture(&dir.join(format!("{}.png", chart.key)), &svg)?;
    }
    Ok(kinds.len())
}

/// A chart as SVG, `size` points: its heading, a plot with the time and value ticks the window
/// uses, the faults shaded, its lines, and a legend to the right with each line's latest value.
pub fn chart_svg(chart: &Chart, size: (f32, f32), dark: bool) -> String {
    let p = Palette::for_mode(dark);
    let (width, height) = size;
    let legend_width = 170.0;
    let (left, top, right, bottom) = (64.0, 34.0, width - legend_width - 12.0, height - 30.0);
    let (x0, x1) = chart.x_range;
    let (y0, y1) = chart.y_range(|_| true);
    let sx = |x: f64| left + ((x - x0) / (x1 - x0).max(1e-12)) as f32 * (right - left);
    let sy = |y: f64| bottom - ((y - y0) / (y1 - y0).max(1e-12)) as f32 * (bottom - top);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="Ubuntu, 'DejaVu Sans', Arial, sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="{}"/>"#, p.canvas.hex());
    let _ = writeln!(
        out,
        r#"<text x="12" y="20" font-size="14" fill="{}">{}</text>"#,
        p.text.hex(),
        escape(&chart.heading())
    );
    let _ = writeln!(
        out,
        r#"<rect x="{left}" y="{top}" width="{}" height="{}" fill="{}" stroke="{}"/>"#,
        right - left,
        bottom - top,
        p.card.hex(),
        p.card_stroke.hex()
    );
    for (start, end) in &chart.bands {
        let (a, b) = (sx(start.max(x0)), sx(end.min(x1)));
        let _ = writeln!(
            out,
            r#"<rect class="fault" x="{a:.1}" y="{top}" width="{:.1}" height="{}" fill="{}" fill-opacity="0.18"/>"#,
            (b - a).max(1.0),
            bottom - top,
            p.warning.hex()
        );
    }
    let time = time_step((x0, x1), f64::from(right - left), 70.0);
    for t in ticks((x0, x1), time) {
        let x = sx(t);
        let _ = writeln!(out, r#"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{bottom}" stroke="{}"/>"#, p.grid.hex());
        let _ = writeln!(
            out,
            r#"<text x="{x:.1}" y="{:.0}" text-anchor="middle" fill="{}">{}</text>"#,
            bottom + 16.0,
            p.weak_text.hex(),
            clock(t)
        );
    }
    let step = chart.unit.step((y0, y1), f64::from(bottom - top), 28.0);
    for v in ticks((0.0, y1), step) {
        let y = sy(v);
        let _ = writeln!(out, r#"<line x1="{left}" y1="{y:.1}" x2="{right}" y2="{y:.1}" stroke="{}"/>"#, p.grid.hex());
        let _ = writeln!(
            out,
            r#"<text x="{:.0}" y="{:.1}" text-anchor="end" fill="{}">{}</text>"#,
            left - 6.0,
            y + 4.0,
            p.weak_text.hex(),
            escape(&chart.unit.tick(v, step))
        );
    }
    for line in &chart.lines {
        let colour = p.tone(line.tone).hex();
        let dash = match line.dash {
            Dash::Solid => "",
            Dash::Dashed => r#" stroke-dasharray="7 4""#,
            Dash::Dotted => r#" stroke-dasharray="2 3""#,
        };
        for run in &line.runs {
            let points: Vec<String> = run.iter().map(|q| format!("{:.1},{:.1}", sx(q[0]), sy(q[1]))).collect();
            if points.len() == 1 {
                let _ = writeln!(
                    out,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="2" fill="{colour}"/>"#,
                    sx(run[0][0]),
                    sy(run[0][1])
                );
                continue;
            }
            if line.fill
                && let (Some(first), Some(last)) = (run.first(), run.last())
            {
                let _ = writeln!(
                    out,
                    r#"<polygon points="{:.1},{:.1} {} {:.1},{:.1}" fill="{colour}" fill-opacity="0.12"/>"#,
                    sx(first[0]),
                    sy(0.0),
                    points.join(" "),
                    sx(last[0]),
                    sy(0.0)
                );
            }
            let _ = writeln!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="1.6"{dash}/>"#,
                points.join(" ")
            );
        }
    }
    // The legend, beside the plot.
    let lx = right + 14.0;
    for (k, line) in chart.lines.iter().enumerate() {
        let y = top + 10.0 + 18.0 * k as f32;
        let colour = p.tone(line.tone).hex();
        let value = line.last().map(|q| chart.unit.value(q[1])).unwrap_or_default();
        let _ = writeln!(
            out,
            r#"<line x1="{lx}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="2"/>"#,
            lx + 16.0
        );
        let name = shorten(&line.name, 16);
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" fill="{}">{}</text>"#,
            lx + 22.0,
            y + 4.0,
            p.text.hex(),
            escape(&name)
        );
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="{}">{}</text>"#,
            width - 8.0,
            y + 4.0,
            p.weak_text.hex(),
            escape(&value)
        );
    }
    out.push_str("</svg>\n");
    out
}
