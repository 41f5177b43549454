//! What a first-time user tripped over, each driven as they did it (`egui_kittest`) and checked
//! against what they should have seen: a live change that could not apply, saving from the
//! unsaved-changes question, the inspector's width, the report window, warnings and an empty
//! diagram, labels at a small zoom, Save As, and the recovery copy.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::model::{Kind, NodeKind, file};
use cloud_sandbox::ui::{Action, SandboxApp};
use common::ui::*;
use egui::{Key, Modifiers, Role};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[test]
fn a_live_change_that_cannot_apply_keeps_the_banner_with_the_reason_and_a_way_back() {
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().handle(Action::StepSecond);
    h.state_mut().handle(Action::StepSecond);
    h.run();
    // Delete the balancer of the running web app: its client then sends to nothing.
    h.get_by_role_and_label(Role::Button, "Load balancer").click();
    h.run();
    h.key_press(Key::Delete);
    h.run();
    // The run cannot take a diagram with a problem: instead of offering to apply it, the banner
    // says so, why, and how back; applying anyway changes nothing and the banner stays.
    h.get_by_label_contains("keeps running the diagram as it was");
    h.get_by_label_contains("a problem (node 'users': this client sends to nothing");
    assert!(h.query_by_role_and_label(Role::Button, "Apply live").is_none());
    h.state_mut().handle(Action::ApplyLive);
    h.run();
    h.get_by_label_contains("keeps running the diagram as it was");
    assert!(h.state().run.as_ref().unwrap().node_index("alb").is_some(), "the run still has the balancer");
    // Undo from the banner: the balancer is back, canvas and run agree again, the run goes on.
    h.get_by_role_and_label(Role::Button, "Undo the change").click();
    h.run();
    assert_eq!(h.state().doc.diagram.nodes.len(), 3);
    assert!(h.query_by_label_contains("keeps running the diagram as it was").is_none());
    assert!(h.state().run.as_ref().unwrap().engine.now().as_secs() >= 2.0, "the same run");
}

#[test]
fn saving_from_the_unsaved_changes_question_goes_on_to_open_what_was_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.ron");
    let mut h = empty();
    add(&mut h, Kind::Client);
    h.state_mut().handle(Action::OpenExample(example_index("web-app.ron")));
    h.run();
    h.get_by_label_contains("has changes that are not saved");
    // The dialog's Save (not the toolbar's, at the top).
    let save = h.get_all_by_role_and_label(Role::Button, "Save").find(|b| b.rect().center().y > 100.0).unwrap();
    save.click();
    h.run();
    answer_path_prompt(&mut h, path.to_str().unwrap());
    assert_eq!(file::load(&path).unwrap().nodes.len(), 1, "the new diagram was saved");
    assert_eq!(
        h.state().doc.diagram.scenario.name,
        "Web application behind a load balancer",
        "then the example opened"
    );
}

#[test]
fn the_inspector_keeps_its_width_whatever_is_selected() {
    let mut h = empty();
    let canvas_right =
        |h: &Harness<'static, SandboxApp>| h.get_by_role_and_label(Role::Canvas, "Canvas").rect().right();
    let before = canvas_right(&h);
    for kind in Kind::ALL {
        // Near the right edge of the canvas, as a person might drop it.
        let x = h.state().view.centre().0 + 280.0;
        h.state_mut().handle(Action::AddNode(kind, (x, 100.0)));
        h.run();
        h.run();
        assert!((canvas_right(&h) - before).abs() < 1.0, "{kind:?} widened the inspector over the canvas");
    }
}

#[test]
fn the_report_window_fits_the_window_and_names_the_nodes() {
    let mut h = harness(SandboxApp::headless(None));
    for _ in 0..5 {
        h.state_mut().handle(Action::StepSecond);
    }
    h.state_mut().handle(Action::ToggleReport);
    h.run();
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0));
    for name in ["Users", "Load balancer", "Web servers"] {
        // A label (the canvas's cards are buttons), in the report window.
        assert!(h.query_all_by_role_and_label(Role::Label, name).next().is_some(), "{name} is named in the report");
    }
    // Every column of the node table is inside the window, up to the last one.
    let last = cloud_sandbox::report::markdown::NODE_COLUMNS[9];
    let cells: Vec<egui::Rect> = h.get_all_by_role_and_label(Role::Label, last).map(|n| n.rect()).collect();
    assert!(!cells.is_empty());
    for cell in cells {
        assert!(screen.contains_rect(cell), "the last column is cut off: {cell:?}");
    }
}

#[test]
fn warnings_are_listed_and_an_empty_diagram_says_there_is_nothing_to_run() {
    let mut h = empty();
    h.state_mut().handle(Action::PlayPause);
    h.run();
    assert!(h.state().run.is_none());
    h.get_by_label_contains("Nothing to run");
    h.get_by_label_contains("scenario: the diagram is empty");
    add(&mut h, Kind::Client);
    add(&mut h, Kind::Balancer);
    let edge = cloud_sandbox::model::Edge::new("client-1", "balancer-1");
    h.state_mut().handle(Action::Edit(cloud_sandbox::model::edit::Edit::Connect(edge), None));
    h.state_mut().dock_tab = cloud_sandbox::ui::app::DockTab::Problems;
    h.run();
    h.get_by_label_contains("node 'balancer-1': this balancer has no target");
    h.get_by_label_contains("1 warning");
    // A warning does not stop the run.
    h.state_mut().handle(Action::StepSecond);
    assert!(h.state().run.is_some());
}

/// The texts painted this frame containing `needle`, with their sizes.
fn painted(h: &Harness<'static, SandboxApp>, needle: &str) -> Vec<egui::Vec2> {
    fn walk(shape: &egui::Shape, needle: &str, out: &mut Vec<egui::Vec2>) {
        match shape {
            egui::Shape::Text(t) if t.galley.text().contains(needle) => out.push(t.galley.rect.size()),
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, needle, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &h.output().shapes {
        walk(&clipped.shape, needle, &mut out);
    }
    out
}

#[test]
fn node_labels_shrink_with_the_zoom_and_never_spill_over_their_neighbours() {
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().handle(Action::StepSecond);
    h.run();
    assert!(!painted(&h, "running").is_empty(), "the badge shows at the usual zoom");
    let card_width = cloud_sandbox::ui::theme::NODE_SIZE.x;
    for zoom in [0.2, 0.35, 0.6] {
        h.state_mut().view.zoom = zoom;
        h.run();
        for size in painted(&h, "running") {
            assert!(
                size.x <= card_width * zoom,
                "at {zoom}: a {} wide label under a {} wide card",
                size.x,
                card_width * zoom
            );
        }
    }
}

#[test]
fn save_as_proposes_the_open_file_and_asks_before_replacing_another() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().set_native_dialogs(false);
    h.state_mut().handle(Action::OpenExample(example_index("coffee-shop-monolith.ron")));
    h.run();
    assert!(h.state().window_title().starts_with("coffee-shop-monolith.ron (example)"), "{}", h.state().window_title());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run();
    let proposed = h.get_by_role_and_label(Role::TextInput, "Path").value().unwrap();
    assert!(proposed.ends_with("coffee-shop-monolith.ron"), "{proposed}");
    h.key_press(Key::Escape);
    h.run();

    // Another file is there already: Save As asks before replacing it.
    let other = dir.path().join("other.ron");
    std::fs::write(&other, "keep me").unwrap();
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run();
    answer_path_prompt(&mut h, other.to_str().unwrap());
    h.get_by_label_contains("already exists");
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run();
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "keep me", "nothing replaced without asking");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run();
    answer_path_prompt(&mut h, other.to_str().unwrap());
    h.get_by_role_and_label(Role::Button, "Replace").click();
    h.run();
    assert_eq!(file::load(&other).unwrap(), h.state().doc.diagram);
    // Now that it is a file, Save As proposes that file.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run();
    assert_eq!(h.get_by_role_and_label(Role::TextInput, "Path").value().unwrap(), other.display().to_string());
    assert!(h.state().window_title().starts_with("other.ron"));
}

#[test]
fn the_recovery_copy_follows_every_change_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = SandboxApp::headless(None);
    app.set_recovery_dir(Some(dir.path().to_owned()));
    let recovery = app.recovery_file().unwrap().to_owned();
    let mut h = harness(app);
    h.get_by_role_and_label(Role::Button, "Users").click();
    h.run();
    let rate_in_copy = |h: &mut Harness<'static, SandboxApp>| {
        h.state_mut().flush_recovery();
        let d = file::load(&recovery).unwrap();
        match &d.nodes.iter().find(|n| n.id.0 == "users").unwrap().kind {
            NodeKind::Client(p) => p.rate_per_sec,
            _ => unreachable!(),
        }
    };
    for rate in [2.0, 200.0, 250.0] {
        h.get_by_role_and_label(Role::SpinButton, "Rate").set_value_accesskit(rate);
        h.run();
        assert_eq!(rate_in_copy(&mut h), rate, "the copy has what the field says, not an older value");
    }
    // Back to the saved version: nothing is unsaved, so no copy is kept.
    while h.state().doc.is_modified() {
        h.state_mut().handle(Action::Undo);
        h.run();
    }
    h.state_mut().flush_recovery();
    assert!(!recovery.exists());
}
