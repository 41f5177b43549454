//! The window (feature `gui`): an editor for diagrams on a canvas.
//!
//! [`app::SandboxApp`] holds the three kinds of state apart: the document (a
//! [`crate::model::edit::Document`], changed only through `Edit`s), the view (pan, zoom,
//! selection) and the preferences (theme, panels, recent files; saved by eframe, never the
//! diagram). Panels emit [`action::Action`]s; [`app::SandboxApp::handle`] applies them in one place.

pub mod action;
pub mod app;
mod canvas;
mod charts;
pub mod compare;
mod cost_panel;
pub mod examples;
mod faults_panel;
mod files;
mod frame_stats;
mod help;
mod inspector;
pub mod live;
mod palette;
mod problems;
mod purchase;
mod report_window;
pub mod theme;

pub use action::Action;
pub use app::SandboxApp;

use std::path::PathBuf;

/// Opens the window with `path` (or the built-in example) and runs until it is closed.
///
/// Drawing uses OpenGL (glow), which software rendering (Mesa llvmpipe) keeps above 30 frames a
/// second on two cores where wgpu on lavapipe manages about 10; if OpenGL cannot start, wgpu is
/// tried. `CLOUD_SANDBOX_RENDERER=wgpu` asks for wgpu from the start.
pub fn run(
    path: Option<PathBuf>,
    play: bool,
    speed: Option<crate::sim::clock::Speed>,
    compare: Option<&std::path::Path>,
) -> eframe::Result<()> {
    let start = |renderer: eframe::Renderer, path: Option<PathBuf>| {
        let compare = compare.map(std::path::Path::to_path_buf);
        let options = eframe::NativeOptions {
            viewport: egui::ViewportBuilder::default()
                .with_title("Cloud Sandbox")
                .with_inner_size([1280.0, 800.0])
                .with_min_inner_size([720.0, 480.0])
                .with_drag_and_drop(true),
            renderer,
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
                if let Some(other) = compare {
                    app.handle(Action::OpenCompare);
                    app.handle(Action::CompareWith(other, false));
                    if let (Some(c), Some(speed)) = (&mut app.compare, speed) {
                        c.clock.speed = speed;
                    }
                }
                if play {
                    app.handle(Action::PlayPause);
                }
                Ok(Box::new(app))
            }),
        )
    };
    if std::env::var("CLOUD_SANDBOX_RENDERER").is_ok_and(|r| r == "wgpu") {
        return start(eframe::Renderer::Wgpu, path);
    }
    match start(eframe::Renderer::Glow, path.clone()) {
        Err(e @ (eframe::Error::Glutin(_) | eframe::Error::NoGlutinConfigs(..))) => {
            eprintln!("OpenGL did not start ({e}); trying wgpu");
            start(eframe::Renderer::Wgpu, path)
        }
        other => other,
    }
}
