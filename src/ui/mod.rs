//! The window (feature `gui`): an editor for diagrams on a canvas.
//!
//! [`app::SandboxApp`] holds the three kinds of state apart: the document (a
//! [`crate::model::edit::Document`], changed only through `Edit`s), the view (pan, zoom,
//! selection) and the preferences (theme, panels, recent files; saved by eframe, never the
//! diagram). Panels emit [`app::Action`]s; [`app::SandboxApp::handle`] applies them in one place.

pub mod app;
mod canvas;
mod charts;
pub mod examples;
mod files;
mod frame_stats;
mod help;
mod inspector;
pub mod live;
mod palette;
mod problems;
pub mod theme;

pub use app::{Action, SandboxApp};

use std::path::PathBuf;

/// Opens the window with `path` (or the built-in example) and runs until it is closed.
pub fn run(path: Option<PathBuf>, play: bool, speed: Option<crate::sim::clock::Speed>) -> eframe::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Cloud Sandbox")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([720.0, 480.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Cloud Sandbox",
        options,
        Box::new(move |cc| {
            let mut app = SandboxApp::new(cc, path);
            if let Some(speed) = speed {
                app.handle(Action::SetSpeed(speed));
            }
            if play {
                app.handle(Action::PlayPause);
            }
            Ok(Box::new(app))
        }),
    )
}
