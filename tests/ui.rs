//! The window, driven as a person would, through `egui_kittest`: widgets found by their labels and
//! roles (the same accessibility tree a screen reader uses), clicked, dragged and typed into; then
//! the app's document is checked. No display or GPU needed.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)]

use cloud_sandbox::model::{Kind, NodeKind, file};
use cloud_sandbox::ui::{Action, SandboxApp};
use egui::accesskit::Toggled;
use egui::{Key, Modifiers, Role, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

mod common;
use common::ui::*;

#[test]
fn starts_with_the_web_app_example_on_the_canvas() {
    let h = harness(SandboxApp::headless(None));
    assert_eq!(h.state().doc.diagram.nodes.len(), 3);
    for label in ["Users", "Load balancer", "Web servers"] {
        h.get_by_role_and_label(Role::Button, label);
    }
    assert!(!h.state().doc.is_modified());
}

#[test]
fn the_palette_creates_every_kind_of_node() {
    let mut h = empty();
    for kind in Kind::ALL {
        add(&mut h, kind);
    }
    let kinds: Vec<Kind> = h.state().doc.diagram.nodes.iter().map(|n| n.kind.kind()).collect();
    assert_eq!(kinds, Kind::ALL);
    // Clicked nodes land below each other, not on top of each other.
    let positions: Vec<(f32, f32)> = h.state().doc.diagram.nodes.iter().map(|n| n.pos).collect();
    for (i, a) in positions.iter().enumerate() {
        for b in &positions[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn dragging_a_palette_item_onto_the_canvas_puts_the_node_at_the_drop_point() {
    let mut h = empty();
    let from = h.get_by_role_and_label(Role::Button, &palette_button(Kind::Queue)).rect().center();
    let to = pos2(640.0, 300.0);
    drag(&mut h, from, to);
    assert_eq!(h.state().doc.diagram.nodes.len(), 1, "a queue was created");
    let rect = h.get_by_role_and_label(Role::Button, "Queue").rect();
    // Snapped to the 20-point grid, so within a grid step of the drop point.
    assert!(rect.expand(25.0).contains(to), "node at {rect:?}, dropped at {to:?}");
}

#[test]
fn connecting_two_nodes_and_refusing_an_illegal_connection() {
    let mut h = empty();
    add(&mut h, Kind::Client);
    add(&mut h, Kind::Instance);
    let handle = h.get_by_role_and_label(Role::Button, "Connect from Users").rect().center();
    let target = node_centre(&h, "Instances");
    drag(&mut h, handle, target);
    let edges = &h.state().doc.diagram.edges;
    assert_eq!(edges.len(), 1);
    assert_eq!((edges[0].from.0.as_str(), edges[0].to.0.as_str()), ("client-1", "instance-1"));

    // Instance → client is refused, with the reason next to the pointer.
    let handle = h.get_by_role_and_label(Role::Button, "Connect from Instances").rect().center();
    let target = node_centre(&h, "Users");
    drag(&mut h, handle, target);
    assert_eq!(h.state().doc.diagram.edges.len(), 1, "no second edge");
    h.get_by_label_contains("Cannot connect: nothing can send to a client");
}

#[test]
fn editing_a_parameter_in_the_inspector_then_undo_and_redo() {
    let mut h = empty();
    add(&mut h, Kind::Instance);
    h.get_by_role_and_label(Role::Button, "Instances").click();
    h.run();
    let count = h.get_by_role_and_label(Role::SpinButton, "Instances");
    count.set_value_accesskit(5.0);
    h.run();
    let instance_count = |h: &Harness<'static, SandboxApp>| match &h.state().doc.diagram.nodes[0].kind {
        NodeKind::Instance(p) => p.count,
        _ => unreachable!(),
    };
    assert_eq!(instance_count(&h), 5);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(instance_count(&h), 1, "undone");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(instance_count(&h), 5, "redone");
    // The undo button of the toolbar does the same.
    h.get_by_role_and_label(Role::Button, "Undo").click();
    h.run();
    assert_eq!(instance_count(&h), 1);
}

#[test]
fn renaming_through_the_inspector_is_one_undo_step() {
    let mut h = empty();
    add(&mut h, Kind::Queue);
    h.get_by_role_and_label(Role::Button, "Queue").click();
    h.run();
    let name = h.get_by_role_and_label(Role::TextInput, "Name");
    name.focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_role_and_label(Role::TextInput, "Name").type_text("Orders");
    h.run();
    assert_eq!(h.state().doc.diagram.nodes[0].name, "Orders");
    h.state_mut().handle(Action::Undo);
    assert_eq!(h.state().doc.diagram.nodes[0].name, "Queue", "all the typing is one step");
}

#[test]
fn moving_a_node_by_dragging_is_one_undo_step() {
    let mut h = empty();
    add(&mut h, Kind::Topic);
    let before = h.state().doc.diagram.nodes[0].pos;
    let from = node_centre(&h, "Topic");
    drag(&mut h, from, from + egui::vec2(200.0, 100.0));
    let after = h.state().doc.diagram.nodes[0].pos;
    assert!(after.0 > before.0 + 100.0 && after.1 > before.1 + 40.0, "{before:?} → {after:?}");
    assert_eq!((after.0 % 20.0, after.1 % 20.0), (0.0, 0.0), "snapped to the grid");
    h.state_mut().handle(Action::Undo);
    assert_eq!(h.state().doc.diagram.nodes[0].pos, before);
}

#[test]
fn delete_removes_the_selection_with_its_edges_and_undo_brings_it_back() {
    let mut h = harness(SandboxApp::headless(None));
    h.get_by_role_and_label(Role::Button, "Load balancer").click();
    h.run();
    h.key_press(Key::Delete);
    h.run();
    let d = &h.state().doc.diagram;
    assert_eq!(d.nodes.len(), 2);
    assert!(d.edges.is_empty(), "both edges touched the balancer");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().doc.diagram.nodes.len(), 3);
    assert_eq!(h.state().doc.diagram.edges.len(), 2);
}

#[test]
fn select_all_copy_paste_and_duplicate() {
    let mut h = harness(SandboxApp::headless(None));
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    assert_eq!(h.state().selection.nodes.len(), 3);
    h.state_mut().handle(Action::Copy);
    h.state_mut().handle(Action::Paste);
    let d = &h.state().doc.diagram;
    assert_eq!(d.nodes.len(), 6);
    assert_eq!(d.edges.len(), 4, "the edges among the copies are copied too");
    assert_eq!(h.state().selection.nodes.len(), 3, "the copies are selected");
    h.key_press_modifiers(Modifiers::COMMAND, Key::D);
    h.run();
    assert_eq!(h.state().doc.diagram.nodes.len(), 9);
    let ids: std::collections::BTreeSet<&str> = h.state().doc.diagram.nodes.iter().map(|n| n.id.0.as_str()).collect();
    assert_eq!(ids.len(), 9, "every copy has a new id");
}

#[test]
fn save_as_through_the_prompt_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.ron");
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().set_native_dialogs(false);
    h.state_mut().handle(Action::SelectAll);
    h.state_mut().handle(Action::Duplicate);
    assert!(h.state().doc.is_modified());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run();
    answer_path_prompt(&mut h, path.to_str().unwrap());
    assert!(path.exists(), "saved");
    assert!(!h.state().doc.is_modified());
    let saved = file::load(&path).unwrap();
    assert_eq!(saved, h.state().doc.diagram);

    let mut other = harness(SandboxApp::headless(Some(path.clone())));
    other.run();
    assert_eq!(other.state().doc.diagram, saved);
    assert_eq!(other.state().doc.path.as_deref(), Some(path.as_path()));
}

#[test]
fn a_corrupt_file_shows_an_error_and_leaves_the_diagram_alone() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    std::fs::write(&bad, "(format_version: 1,\n nodes: [ (id: \"x\" ]").unwrap();
    let mut h = harness(SandboxApp::headless(None));
    let before = h.state().doc.diagram.clone();
    h.state_mut().handle(Action::OpenPath(bad));
    h.run();
    assert_eq!(h.state().doc.diagram, before);
    h.get_by_label_contains("Could not open the file");
    // In the error window and in the status line.
    assert!(h.get_all_by_label_contains("bad.ron:2:").count() >= 1);
    h.get_by_role_and_label(Role::Button, "OK").click();
    h.run();
    assert!(h.state().error.is_none());
}

#[test]
fn opening_over_unsaved_changes_asks_first() {
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().handle(Action::SelectAll);
    h.state_mut().handle(Action::DeleteSelection);
    assert!(h.state().doc.diagram.nodes.is_empty());
    h.state_mut().handle(Action::OpenExample(1));
    h.run();
    h.get_by_label_contains("has changes that are not saved");
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run();
    assert!(h.state().doc.diagram.nodes.is_empty(), "cancel keeps the edited diagram");
    h.state_mut().handle(Action::OpenExample(1));
    h.run();
    h.get_by_role_and_label(Role::Button, "Discard changes").click();
    h.run();
    h.run();
    assert_eq!(h.state().doc.diagram.scenario.name, "Coffee shop: monolith");
}

#[test]
fn problems_are_listed_and_clicking_one_selects_its_node() {
    let mut h = empty();
    add(&mut h, Kind::Client);
    h.state_mut().selection.clear();
    h.run();
    let problem = h.get_by_label_contains("this client sends to nothing");
    problem.click();
    h.run();
    assert!(h.state().selection.nodes.iter().any(|id| id.0 == "client-1"));
}

#[test]
fn the_examples_menu_has_every_file_in_saves() {
    let mut on_disk = Vec::new();
    for dir in ["saves", "saves/theory"] {
        for entry in std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "ron") {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                on_disk.push(if dir.ends_with("theory") { format!("theory/{name}") } else { name });
            }
        }
    }
    on_disk.sort();
    let mut embedded: Vec<String> =
        cloud_sandbox::ui::examples::EXAMPLES.iter().map(|(n, _)| (*n).to_owned()).collect();
    embedded.sort();
    assert_eq!(embedded, on_disk);
}

#[test]
fn the_whole_eframe_app_opens_every_menu() {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(16)
        .build_eframe(|cc| SandboxApp::new(cc, None));
    h.run();
    for menu in ["File", "Edit", "View", "Simulation", "Help"] {
        h.get_by_label(menu).click();
        h.run();
        h.key_press(Key::Escape);
        h.run();
    }
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Examples").hover();
    h.run();
    h.get_by_label("coffee-shop-microservices.ron").click();
    h.run();
    assert_eq!(h.state().doc.diagram.scenario.name, "Coffee shop: microservices");
}

#[test]
fn the_title_shows_the_file_and_a_modified_marker() {
    let mut h = harness(SandboxApp::headless(None));
    assert_eq!(h.state().window_title(), "web-app.ron (example) — Cloud Sandbox");
    h.state_mut().handle(Action::AddNode(Kind::Queue, (0.0, 0.0)));
    h.run();
    assert_eq!(h.state().window_title(), "web-app.ron (example) • — Cloud Sandbox");
    h.state_mut().handle(Action::Undo);
    h.state_mut().handle(Action::New);
    h.run();
    assert_eq!(h.state().window_title(), "untitled — Cloud Sandbox");
}

/// An app whose recovery copies live in `dir`, having looked for those of gone windows.
fn window_with_copies_in(dir: &std::path::Path) -> SandboxApp {
    let mut app = SandboxApp::headless(None);
    app.set_recovery_dir(Some(dir.to_owned()));
    app.check_recovery();
    app
}

/// A window with copies in `dir` and an unsaved node of `kind`, its copy on disk.
fn with_unsaved_work(dir: &std::path::Path, kind: Kind) -> SandboxApp {
    let mut app = window_with_copies_in(dir);
    app.handle(Action::AddNode(kind, (400.0, 400.0)));
    app.write_recovery();
    app
}

/// The recovery copies in `dir`.
fn copies_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut copies: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    copies.sort();
    copies
}

#[test]
fn unsaved_work_is_offered_back_after_a_crash_with_the_file_it_belonged_to() {
    let dir = tempfile::tempdir().unwrap();
    let copies = dir.path().join("recovery");
    let document = dir.path().join("shop.ron");
    std::fs::copy("saves/web-app.ron", &document).unwrap();
    let mut crashed = window_with_copies_in(&copies);
    crashed.handle(Action::OpenPath(document.clone()));
    crashed.handle(Action::AddNode(Kind::Function, (500.0, 500.0)));
    crashed.write_recovery();
    let lost = crashed.doc.diagram.clone();
    drop(crashed); // as if the program died: the recovery copy stays, its lock is gone

    let app = window_with_copies_in(&copies);
    assert!(app.recovery_offered().is_some());
    let mut h = harness(app);
    h.get_by_label_contains("Restore unsaved work?");
    h.get_by_label_contains(&format!("unsaved changes to {}", document.display()));
    h.get_by_role_and_label(Role::Button, "Restore").click();
    h.run();
    assert_eq!(h.state().doc.diagram, lost);
    assert_eq!(h.state().doc.path.as_deref(), Some(document.as_path()), "the work is the file's again");
    assert!(h.state().doc.is_modified(), "restored work still needs saving");
    assert!(h.state().window_title().starts_with("shop.ron •"), "{}", h.state().window_title());
    // The old copy is gone; this window's copy holds the work until it is saved.
    assert_eq!(copies_in(&copies), vec![h.state().recovery_file().unwrap().to_owned()]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert_eq!(file::load(&document).unwrap(), lost, "saved where it came from");
    assert!(copies_in(&copies).is_empty());
}

#[test]
fn a_window_never_offers_or_deletes_the_work_of_a_window_still_open() {
    let dir = tempfile::tempdir().unwrap();
    let first = with_unsaved_work(dir.path(), Kind::Queue);
    let mine = first.recovery_file().unwrap().to_owned();

    // A second window: nothing to offer, and its own copy is another file.
    let mut second = with_unsaved_work(dir.path(), Kind::Topic);
    assert!(second.recovery_offered().is_none(), "the first window is still open");
    assert_ne!(second.recovery_file(), first.recovery_file());
    // Saving in the second removes its copy only.
    let saved = tempfile::tempdir().unwrap();
    assert!(second.save_to(&saved.path().join("second.ron")));
    assert_eq!(copies_in(dir.path()), vec![mine.clone()]);

    drop(first);
    // Now it is a gone window's work: offered once, to one window.
    let third = window_with_copies_in(dir.path());
    assert_eq!(third.recovery_offered(), Some(mine.as_path()));
    let fourth = window_with_copies_in(dir.path());
    assert!(fourth.recovery_offered().is_none(), "the third window has it");
}

#[test]
fn later_keeps_the_copy_for_the_next_window_and_discard_deletes_it() {
    let dir = tempfile::tempdir().unwrap();
    drop(with_unsaved_work(dir.path(), Kind::Queue)); // as if the program died

    let mut h = harness(window_with_copies_in(dir.path()));
    h.get_by_label_contains("an untitled diagram");
    h.get_by_role_and_label(Role::Button, "Later").click();
    h.run();
    assert!(h.state().recovery_offered().is_none());
    assert_eq!(copies_in(dir.path()).len(), 1);
    drop(h);

    let mut h = harness(window_with_copies_in(dir.path()));
    h.get_by_role_and_label(Role::Button, "Discard").click();
    h.run();
    assert!(copies_in(dir.path()).is_empty());
}

#[test]
fn a_200_node_diagram_is_laid_out_drawn_and_selectable() {
    // Its speed is measured by `cargo bench --bench ui_frame`, not asserted here.
    let mut app = SandboxApp::headless(None);
    app.handle(Action::New);
    for i in 0..200u16 {
        let kind = Kind::ALL[usize::from(i) % 6];
        app.handle(Action::AddNode(kind, (f32::from(i % 20) * 200.0, f32::from(i / 20) * 100.0)));
    }
    app.handle(Action::SelectAll);
    app.handle(Action::ZoomToFit);
    let mut h = harness(app);
    h.run();
    assert_eq!(h.state().doc.diagram.nodes.len(), 200);
    assert_eq!(h.state().selection.nodes.len(), 200);
    // Every node is on the canvas as widgets a screen reader (or a test) can find: its handle.
    assert_eq!(h.get_all_by_label_contains("Connect from").count(), 200);
}

/// A file dropped on the window, as the windowing integration would hand it over.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_ron_file_on_the_window_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dropped.ron");
    let diagram = file::from_ron_str(cloud_sandbox::ui::examples::EXAMPLES[3].1, "newsletter").unwrap();
    file::save(&diagram, &path).unwrap();
    let mut h = harness(SandboxApp::headless(None));
    h.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(path.clone())));
    h.run();
    assert_eq!(h.state().doc.diagram, diagram);
    assert_eq!(h.state().doc.path.as_deref(), Some(path.as_path()));
}

#[test]
fn renaming_a_node_from_its_context_menu() {
    // (Double-click opens the same field; checked by hand under Xvfb, as the harness's clock does
    // not produce double-clicks.)
    let mut h = harness(SandboxApp::headless(None));
    h.get_by_role_and_label(Role::Button, "Users").click_secondary();
    h.run();
    h.get_by_role_and_label(Role::Button, "Rename").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "New name").type_text("Shoppers");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let users = h.state().doc.diagram.nodes.iter().find(|n| n.id.0 == "users").unwrap();
    assert_eq!(users.name, "Shoppers");
    h.get_by_role_and_label(Role::Button, "Shoppers");
}

#[test]
fn ctrl_wheel_zooms_around_the_pointer() {
    let mut h = harness(SandboxApp::headless(None));
    let anchor = node_centre(&h, "Load balancer");
    let zoom = h.state().view.zoom;
    h.hover_at(anchor);
    h.run();
    h.event(egui::Event::Zoom(1.25));
    h.run();
    assert!((h.state().view.zoom - zoom * 1.25).abs() < 1e-3, "{} vs {}", h.state().view.zoom, zoom * 1.25);
    // The node under the pointer stayed under it.
    let after = node_centre(&h, "Load balancer");
    assert!(after.distance(anchor) < 1.0, "{anchor:?} moved to {after:?}");
}

#[test]
fn shift_dragging_empty_space_selects_an_area() {
    let mut h = harness(SandboxApp::headless(None));
    let users = h.get_by_role_and_label(Role::Button, "Users").rect();
    let balancer = h.get_by_role_and_label(Role::Button, "Load balancer").rect();
    let from = users.left_top() - egui::vec2(20.0, 20.0);
    let to = balancer.right_bottom() + egui::vec2(10.0, 20.0);
    h.event(egui::Event::ModifiersChanged(Modifiers::SHIFT));
    h.hover_at(from);
    h.run();
    h.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::SHIFT,
    });
    h.run();
    for i in 1..=6 {
        h.hover_at(from.lerp(to, i as f32 / 6.0));
        h.run();
    }
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::SHIFT,
    });
    h.run();
    h.event(egui::Event::ModifiersChanged(Modifiers::NONE));
    h.run();
    let selected: Vec<&str> = h.state().selection.nodes.iter().map(|id| id.0.as_str()).collect();
    assert_eq!(selected, ["alb", "users"]);
}

#[test]
fn pasting_diagram_text_from_the_system_clipboard_adds_its_nodes() {
    // What another window put on the clipboard with Ctrl+C (or a diagram file's text).
    let text = cloud_sandbox::ui::examples::EXAMPLES[2].1.to_owned();
    let mut h = empty();
    h.event(egui::Event::Paste(text));
    h.run();
    let d = &h.state().doc.diagram;
    assert_eq!(d.nodes.len(), 5, "the coffee shop's five nodes");
    assert_eq!(d.edges.len(), 4);
}

fn request_close(h: &mut Harness<'static, SandboxApp>) {
    let root = egui::ViewportId::ROOT;
    h.input_mut().viewports.entry(root).or_default().events.push(egui::ViewportEvent::Close);
    h.run();
}

fn closing(h: &Harness<'static, SandboxApp>) -> bool {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .is_some_and(|v| v.commands.contains(&egui::ViewportCommand::Close))
}

#[test]
fn closing_with_unsaved_changes_asks_first() {
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().handle(Action::AddNode(Kind::Queue, (0.0, 0.0)));
    request_close(&mut h);
    h.get_by_label_contains("has changes that are not saved");
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run();
    assert!(!closing(&h), "cancel keeps the window open");
    assert_eq!(h.state().doc.diagram.nodes.len(), 4);
    request_close(&mut h);
    h.get_by_role_and_label(Role::Button, "Discard changes").click();
    h.step();
    assert!(closing(&h), "discarding closes the window");
}

#[test]
fn play_pause_step_and_reset_from_the_toolbar() {
    let mut h = harness(SandboxApp::headless(None));
    h.get_by_role_and_label(Role::Button, "Step").click();
    h.run();
    let run = h.state().run.as_ref().unwrap();
    assert_eq!(run.engine.events_processed(), 1);
    assert!(!run.clock.playing);
    h.get_by_role_and_label(Role::Button, "+1 s").click();
    h.run();
    let t = h.state().run.as_ref().unwrap().engine.now().as_secs();
    assert!(t >= 1.0, "{t}");
    h.get_by_role_and_label(Role::Button, "Play").click();
    h.run_steps(2);
    assert!(h.state().run.as_ref().unwrap().clock.playing);
    h.get_by_role_and_label(Role::Button, "Pause").click();
    h.run_steps(2);
    assert!(!h.state().run.as_ref().unwrap().clock.playing);
    h.get_by_role_and_label(Role::Button, "Reset").click();
    h.run();
    assert!(h.state().run.is_none(), "back to 0 s");
    // Space plays too.
    h.key_press(Key::Space);
    h.step();
    assert!(h.state().run.as_ref().unwrap().clock.playing);
}

#[test]
fn the_windows_run_matches_the_headless_run() {
    use cloud_sandbox::report::Report;
    use cloud_sandbox::sim::clock::Speed;
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().handle(Action::SetSpeed(Speed::AsFastAsPossible));
    h.state_mut().handle(Action::PlayPause);
    for _ in 0..5000 {
        h.step();
        if h.state().run.as_ref().unwrap().engine.finished() {
            break;
        }
    }
    let window = h.state().run.as_ref().unwrap();
    assert!(window.engine.finished());
    let mut headless = cloud_sandbox::sim::Engine::new(
        &h.state().doc.diagram,
        &cloud_sandbox::cost::Catalog::embedded(),
        &cloud_sandbox::sim::RunOptions::default(),
    )
    .unwrap();
    headless.run_to_end();
    assert_eq!(Report::from_engine(&window.engine, 0.0).to_json(), Report::from_engine(&headless, 0.0).to_json());
    // And the charts received a point per simulated second.
    assert_eq!(window.engine.global_series().len(), 600);
}

#[test]
fn a_parameter_edit_applies_during_the_run_without_restarting_it() {
    let mut h = harness(SandboxApp::headless(None));
    for _ in 0..5 {
        h.state_mut().handle(Action::StepSecond);
    }
    h.run();
    h.get_by_role_and_label(Role::Button, "Web servers").click();
    h.run();
    h.get_by_role_and_label(Role::SpinButton, "Instances").set_value_accesskit(6.0);
    h.run();
    let run = h.state().run.as_ref().unwrap();
    assert!(run.engine.now().as_secs() >= 5.0, "the run went on");
    let web = run.node_index("web").unwrap();
    assert_eq!(run.engine.live_nodes()[web].capacity, 6, "six machines wanted now");
    assert!(h.state().live_question.is_none(), "parameters are not asked about");
    assert!(h.state().status.as_ref().unwrap().text.contains("without restarting"));
}

#[test]
fn a_structural_edit_asks_then_applies_live_or_restarts() {
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().handle(Action::StepSecond);
    h.state_mut().handle(Action::StepSecond);
    h.run();
    h.state_mut().handle(Action::AddNode(Kind::Queue, (0.0, 400.0)));
    h.run();
    assert!(h.state().live_question.is_some());
    h.get_by_label_contains("1 node added");
    h.get_by_role_and_label(Role::Button, "Apply live").click();
    h.run();
    let run = h.state().run.as_ref().unwrap();
    assert!(run.engine.now().as_secs() >= 2.0, "kept the run");
    assert!(run.node_index("queue-1").is_some(), "the queue joined the run");
    assert!(h.state().live_question.is_none());
    // Deleting it asks again; this time, start over.
    h.state_mut().handle(Action::SelectNode(cloud_sandbox::model::NodeId::new("queue-1"), false));
    h.state_mut().handle(Action::DeleteSelection);
    h.run();
    h.get_by_label_contains("1 node deleted");
    h.get_by_role_and_label(Role::Button, "Reset to 0 s").click();
    h.run();
    let run = h.state().run.as_ref().unwrap();
    assert_eq!(run.engine.now().0, 0, "started again");
    assert!(run.node_index("queue-1").is_none());
}

#[test]
fn not_now_keeps_the_old_version_running() {
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().handle(Action::StepSecond);
    h.run();
    h.state_mut().handle(Action::AddNode(Kind::Queue, (0.0, 400.0)));
    h.run();
    h.get_by_role_and_label(Role::Button, "Not now").click();
    h.run_steps(3);
    assert!(h.state().live_question.is_none(), "not asked again for the same version");
    let run = h.state().run.as_ref().unwrap();
    assert!(run.node_index("queue-1").is_none());
    assert!(run.engine.now().as_secs() >= 1.0);
}

#[test]
fn a_diagram_with_problems_does_not_run() {
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().handle(Action::AddNode(Kind::Client, (0.0, 600.0)));
    h.state_mut().handle(Action::PlayPause);
    h.run();
    assert!(h.state().run.is_none());
    assert!(h.state().status.as_ref().unwrap().text.contains("Cannot run"));
}

#[test]
fn right_click_fails_and_recovers_a_node_during_a_run() {
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().handle(Action::StepSecond);
    h.run();
    h.get_by_role_and_label(Role::Button, "Web servers").click_secondary();
    h.run();
    h.get_by_role_and_label(Role::Button, "Fail now").click();
    h.run();
    let web = h.state().run.as_ref().unwrap().node_index("web").unwrap();
    assert!(h.state().run.as_ref().unwrap().engine.is_down(web));
    h.get_by_role_and_label(Role::Button, "Web servers").click_secondary();
    h.run();
    h.get_by_role_and_label(Role::Button, "Recover").click();
    h.run();
    assert!(!h.state().run.as_ref().unwrap().engine.is_down(web));
}

#[test]
fn the_report_window_shows_the_runs_figures() {
    let mut h = harness(SandboxApp::headless(None));
    for _ in 0..40 {
        h.state_mut().handle(Action::StepSecond);
    }
    h.run();
    h.get_by_role_and_label(Role::Button, "Report").click();
    h.run();
    assert!(h.state().show_report);
    for what in ["requests generated", "latency p50 / p95 / p99", "per million successful requests"] {
        h.get_by_role_and_label(Role::Label, what);
    }
    for button in ["Copy as text", "Copy as JSON", "Copy as Markdown", "Export Markdown…"] {
        h.get_by_role_and_label(Role::Button, button);
    }
}

#[test]
fn exporting_metrics_as_csv_through_the_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    let mut app = SandboxApp::headless(None);
    app.set_native_dialogs(false);
    let mut h = harness(app);
    for _ in 0..10 {
        h.state_mut().handle(Action::StepSecond);
    }
    h.state_mut().handle(Action::ExportCsv);
    h.run();
    answer_path_prompt(&mut h, out.to_str().unwrap());
    let global = std::fs::read_to_string(out.join("global.csv")).unwrap();
    assert_eq!(global.lines().count(), 1 + 10, "header and one row per simulated second");
    assert!(out.join("nodes.csv").exists());
}

#[test]
fn moving_a_node_during_a_run_does_not_restart_it() {
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().handle(Action::StepSecond);
    h.run();
    let from = node_centre(&h, "Users");
    drag(&mut h, from, from + egui::vec2(0.0, 120.0));
    assert!(h.state().doc.is_modified(), "the node moved");
    let t = h.state().run.as_ref().unwrap().engine.now().as_secs();
    assert!(t >= 1.0, "the run went on instead of restarting: t = {t}");
}

#[test]
fn a_new_seed_from_the_toolbar_restarts_the_run_with_it() {
    let mut h = harness(SandboxApp::headless(None));
    for _ in 0..3 {
        h.state_mut().handle(Action::StepSecond);
    }
    h.run();
    h.get_all_by_role_and_label(Role::SpinButton, "Seed").next().unwrap().set_value_accesskit(7.0);
    h.run();
    assert_eq!(h.state().doc.diagram.scenario.seed, 7);
    let run = h.state().run.as_ref().unwrap();
    assert_eq!(run.engine.seed(), 7);
    assert_eq!(run.engine.now().0, 0, "a new seed is a new run");
    assert!(h.state().live_question.is_none());
}

/// A run of `example` played for `secs` simulated seconds, with the Charts tab open.
#[test]
fn charts_can_be_switched_off_one_by_one() {
    let mut h = played("web-app.ron", 3);
    h.get_by_label("Cost rate ($/hour)");
    h.get_by_label_contains("Charts (7 of 7)").click();
    h.run();
    h.get_by_role_and_label(Role::CheckBox, "Cost rate").click();
    h.run();
    assert_eq!(h.state().prefs.charts.hidden, vec!["cost-rate".to_owned()]);
    assert!(h.query_by_label("Cost rate ($/hour)").is_none(), "that chart is gone");
    h.get_by_label("Latency (ms)");
    h.get_by_role_and_label(Role::CheckBox, "Cost rate").click();
    h.run();
    h.get_by_label("Cost rate ($/hour)");
}

#[test]
fn a_chart_can_be_given_the_whole_dock_and_back() {
    let mut h = played("web-app.ron", 3);
    let enlarge = h.get_all_by_role_and_label(Role::Button, "Enlarge").count();
    assert_eq!(enlarge, 7, "one button per chart");
    // The second chart is latency.
    h.get_all_by_role_and_label(Role::Button, "Enlarge").nth(1).unwrap().click();
    h.run();
    assert_eq!(h.state().prefs.charts.enlarged.as_deref(), Some("latency"));
    h.get_by_label("Latency (ms)");
    assert!(h.query_by_label("Throughput (per second)").is_none(), "the others make room");
    h.get_by_role_and_label(Role::Button, "All charts").click();
    h.run();
    assert_eq!(h.state().prefs.charts.enlarged, None);
    h.get_by_label("Throughput (per second)");
}

#[test]
fn only_the_charts_a_diagram_can_fill_are_shown_and_legends_hide_lines() {
    // A function alone: nothing waits in a queue, no instance runs.
    let mut h = played("theory/erlang-b.ron", 12);
    for heading in ["Throughput (per second)", "Latency (ms)", "Utilisation (%)", "Cost so far ($)"] {
        h.get_by_label(heading);
    }
    for missing in ["Instances (count)", "Waiting work (count)", "Time to fulfil (ms)", "Oldest message (s)"] {
        assert!(h.query_by_label(missing).is_none(), "{missing} has nothing to show");
    }
    // Clicking a legend entry hides its line, and clicking it again shows it.
    let p99 =
        |h: &Harness<'static, SandboxApp>| h.get_by_role_and_label(Role::CheckBox, "p99").accesskit_node().toggled();
    assert_eq!(p99(&h), Some(Toggled::True));
    h.get_by_role_and_label(Role::CheckBox, "p99").click();
    h.run();
    assert_eq!(p99(&h), Some(Toggled::False), "p99 hidden");
    h.get_by_role_and_label(Role::CheckBox, "p99").click();
    h.run();
    assert_eq!(p99(&h), Some(Toggled::True), "shown again");
}

#[test]
fn a_queue_diagram_tells_accepted_from_processed_and_shows_the_wait() {
    let h = played("thumbnail-lambda.ron", 5);
    for entry in ["accepted", "processed", "failed"] {
        h.get_by_role_and_label(Role::CheckBox, entry);
    }
    h.get_by_label("Time to fulfil (ms)");
    h.get_by_label("Oldest message (s)");
}

#[test]
fn fail_for_a_chosen_number_of_seconds() {
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().handle(Action::StepSecond);
    h.run();
    h.get_by_role_and_label(Role::Button, "Web servers").click_secondary();
    h.run();
    h.get_by_role_and_label(Role::Button, "Fail for").click();
    h.run();
    let web = h.state().run.as_ref().unwrap().node_index("web").unwrap();
    assert!(h.state().run.as_ref().unwrap().engine.is_down(web));
    for _ in 0..31 {
        h.state_mut().handle(Action::StepSecond);
    }
    h.run();
    assert!(!h.state().run.as_ref().unwrap().engine.is_down(web), "back after 30 s");
}

fn instance_purchase(h: &Harness<'static, SandboxApp>, id: &str) -> cloud_sandbox::model::PurchaseOption {
    match &h.state().doc.diagram.node(&cloud_sandbox::model::NodeId::new(id)).unwrap().kind {
        NodeKind::Instance(p) => p.purchase.clone(),
        _ => unreachable!(),
    }
}

#[test]
fn a_purchase_option_chosen_in_the_inspector_changes_the_running_bill_at_once() {
    use cloud_sandbox::model::PurchaseOption;
    let mut h = harness(SandboxApp::headless(None));
    for _ in 0..120 {
        h.state_mut().handle(Action::StepSecond);
    }
    h.run();
    h.get_by_role_and_label(Role::Button, "Web servers").click();
    h.run();
    // The side-by-side table: click the spot row.
    h.get_by_label("Spot").scroll_to_me();
    h.run();
    h.get_by_label("Spot").click();
    h.run();
    assert!(matches!(instance_purchase(&h, "web"), PurchaseOption::Spot { .. }));
    let run = h.state().run.as_ref().unwrap();
    assert!(run.engine.now().as_secs() >= 120.0, "the run went on");
    for _ in 0..60 {
        h.state_mut().handle(Action::StepSecond);
    }
    h.run();
    let bill = h.state().run.as_ref().unwrap().engine.bill();
    assert!(
        bill.by_purchase_option.get(&cloud_sandbox::model::OptionKind::Spot).is_some_and(|c| *c > 0.0),
        "{:?}",
        bill.by_purchase_option
    );
    assert!(
        bill.by_purchase_option.get(&cloud_sandbox::model::OptionKind::OnDemand).is_some_and(|c| *c > 0.0),
        "the first two minutes"
    );
    // The picker: back to on demand.
    h.get_by_role_and_label(Role::ComboBox, "Purchase").scroll_to_me();
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "Purchase").click();
    h.run();
    // (The drop-down's item, or the table's row: either chooses it.)
    h.get_all_by_label("On demand").next().unwrap().click();
    h.run();
    assert_eq!(instance_purchase(&h, "web"), PurchaseOption::OnDemand);
}

#[test]
fn the_cost_tab_shows_the_bill_what_if_and_a_savings_plan_recommendation() {
    let mut h = harness(SandboxApp::headless(None));
    for _ in 0..60 {
        h.state_mut().handle(Action::StepSecond);
    }
    h.run();
    h.get_by_role_and_label(Role::Button, "Cost").click();
    h.run();
    h.get_by_label_contains("at this pace");
    h.get_by_label_contains("What if every instance were on");
    h.get_by_label_contains("Reserved std 3 y, all upfront");
    h.get_by_label_contains("Compute, 1 yr");
    h.get_by_label_contains("Web servers: $");
    // The free tier switch edits the scenario and applies to the bill at once.
    h.get_by_role_and_label(Role::CheckBox, "Free tier").click();
    h.run();
    assert!(h.state().doc.diagram.scenario.free_tier);
    let run = h.state().run.as_ref().unwrap();
    assert!(run.engine.diagram().scenario.free_tier, "applied to the run without a restart");
    assert!(run.engine.now().as_secs() >= 60.0);
}

#[test]
fn prices_from_a_catalog_file_are_used_and_a_bad_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dearer = dir.path().join("dearer.ron");
    let text = cloud_sandbox::cost::catalog::EMBEDDED_CATALOG.replace(
        "on_demand_per_hour: 0.096, source: \"S1 2026-07-20; S2\"),\n        (name: \"m5.xlarge\"",
        "on_demand_per_hour: 0.192, source: \"test\"),\n        (name: \"m5.xlarge\"",
    );
    assert!(text.contains("0.192, source: \"test\""), "the test edits m5.large");
    std::fs::write(&dearer, text).unwrap();
    let broken = dir.path().join("broken.ron");
    std::fs::write(&broken, "(region: ").unwrap();
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().handle(Action::StepSecond);
    h.state_mut().handle(Action::LoadPricing(Some(broken)));
    h.run();
    assert!(h.state().error.as_ref().unwrap().contains("broken.ron"), "{:?}", h.state().error);
    assert_eq!(h.state().catalog.instance_type("m5.large").unwrap().on_demand_per_hour, 0.096, "prices kept");
    h.state_mut().error = None;
    h.state_mut().handle(Action::LoadPricing(Some(dearer)));
    h.run();
    let run = h.state().run.as_ref().unwrap();
    assert_eq!(run.engine.now().0, 0, "the run starts again with the new prices");
    assert_eq!(run.engine.catalog().instance_type("m5.large").unwrap().on_demand_per_hour, 0.192);
    h.get_by_label_contains("prices: dearer.ron");
}

#[test]
fn an_instance_node_becomes_an_auto_scaling_group_from_the_inspector() {
    let mut h = harness(SandboxApp::headless(None));
    h.get_by_role_and_label(Role::Button, "Web servers").click();
    h.run();
    h.get_by_role_and_label(Role::CheckBox, "Auto Scaling").click();
    h.run();
    let group = |h: &Harness<'static, SandboxApp>| match &h
        .state()
        .doc
        .diagram
        .node(&cloud_sandbox::model::NodeId::new("web"))
        .unwrap()
        .kind
    {
        NodeKind::Instance(p) => p.auto_scaling.clone(),
        _ => unreachable!(),
    };
    let g = group(&h).unwrap();
    assert_eq!((g.min, g.max), (3, 12), "from the fixed count of 3");
    h.get_by_role_and_label(Role::SpinButton, "Maximum").set_value_accesskit(6.0);
    h.run();
    assert_eq!(group(&h).unwrap().max, 6);
    assert!(h.state_mut().problems().is_empty(), "a valid group");
    // Played, the group starts at its minimum.
    h.state_mut().handle(Action::StepSecond);
    h.run();
    let run = h.state().run.as_ref().unwrap();
    assert_eq!(run.engine.live_nodes()[run.node_index("web").unwrap()].capacity, 3);
}

#[test]
fn the_activity_tab_lists_the_runs_faults() {
    let mut h = harness(SandboxApp::headless(None));
    for _ in 0..330 {
        h.state_mut().handle(Action::StepSecond);
    }
    h.run();
    h.get_by_role_and_label(Role::Button, "Activity").click();
    h.run();
    h.get_by_label_contains("fault: instance 2 crashes, still going");
    assert_eq!(h.state().run.as_ref().unwrap().engine.fault_log().len(), 1);
}

#[test]
fn the_compare_view_runs_two_designs_in_step_and_shows_the_table() {
    use cloud_sandbox::report::Report;
    use cloud_sandbox::report::compare::{CompareOptions, prepare};
    use cloud_sandbox::sim::clock::Speed;
    let mut app = SandboxApp::headless(None);
    app.handle(Action::OpenExample(example_index("coffee-shop-monolith.ron")));
    let mut h = harness(app);
    h.get_by_role_and_label(Role::Button, "Compare…").click();
    h.run();
    let view = h.state().compare.as_ref().expect("the Compare view opened");
    assert_eq!(
        view.b,
        Some(cloud_sandbox::ui::compare::Source::Example(example_index("coffee-shop-microservices.ron"))),
        "the other coffee shop is offered"
    );
    h.get_by_role_and_label(Role::Button, "Start").click();
    h.run_steps(2);
    h.state_mut().compare.as_mut().unwrap().clock.speed = Speed::AsFastAsPossible;
    for _ in 0..5000 {
        h.step();
        if h.state().compare.as_ref().unwrap().sides.iter().all(|s| s.run.engine.finished()) {
            break;
        }
    }
    h.run();
    let view = h.state().compare.as_ref().unwrap();
    assert_eq!(view.sides.len(), 2);
    let (mono, micro) = (&view.sides[0].run.engine, &view.sides[1].run.engine);
    assert!(mono.finished() && micro.finished());
    // In step, and the same runs as the command line's compare.
    let open = |name: &str| {
        let (n, text) = cloud_sandbox::ui::examples::EXAMPLES[example_index(name)];
        file::from_ron_str(text, n).unwrap()
    };
    let (a, b) = (open("coffee-shop-monolith.ron"), open("coffee-shop-microservices.ron"));
    let options = CompareOptions { seed: Some(7), duration_secs: Some(900.0), faults: None };
    let (pa, pb) = prepare(("a", &a), ("b", &b), &options).unwrap();
    for (window, diagram) in [(mono, pa), (micro, pb)] {
        let mut headless = cloud_sandbox::sim::Engine::new(
            &diagram,
            &cloud_sandbox::cost::Catalog::embedded(),
            &cloud_sandbox::sim::RunOptions::default(),
        )
        .unwrap();
        headless.run_to_end();
        assert_eq!(Report::from_engine(window, 0.0).to_json(), Report::from_engine(&headless, 0.0).to_json());
    }
    assert!(mono.client_totals().failed > 2000);
    assert_eq!(micro.client_totals().failed, 0);
    assert_eq!(micro.work_totals().lost, 0);
    // The verdict says what happened, in words.
    h.get_by_label_contains("Under the same 2-minute barista outage, A failed");
    h.get_by_role_and_label(Role::Button, "Table").click();
    h.run();
    for label in ["work lost", "peak queue depth", "  failures stopped after fault 1", "cost per million requests"] {
        h.get_by_label(label);
    }
    h.get_by_role_and_label(Role::Button, "Back to editing").click();
    h.run();
    assert!(h.state().compare.is_none());
}

#[test]
fn failing_a_node_in_the_compare_view_fails_its_match_in_the_other_design() {
    let mut app = SandboxApp::headless(None);
    app.handle(Action::OpenExample(example_index("coffee-shop-microservices.ron")));
    app.handle(Action::OpenCompare);
    let mut h = harness(app);
    let view = h.state_mut().compare.as_mut().unwrap();
    view.b = Some(cloud_sandbox::ui::compare::Source::Example(example_index("coffee-shop-monolith.ron")));
    h.get_by_role_and_label(Role::Button, "Start").click();
    h.run_steps(3);
    // Space pauses both.
    h.key_press(Key::Space);
    h.step();
    h.run();
    assert!(!h.state().compare.as_ref().unwrap().clock.playing);
    h.get_by_role_and_label(Role::Button, "Barista service").click_secondary();
    h.run();
    h.get_by_role_and_label(Role::Button, "Fail now").click();
    h.run();
    let view = h.state().compare.as_ref().unwrap();
    let micro = &view.sides[0].run.engine;
    let mono = &view.sides[1].run.engine;
    assert!(!micro.fault_log().is_empty(), "{:?}", view.message);
    assert_eq!(micro.fault_log().last().unwrap().what, "crashes");
    assert_eq!(micro.fault_log().last().unwrap().node, "barista");
    assert_eq!(mono.fault_log().last().unwrap().what, "component barista fails", "matched by component name");
    let (text, _) = view.message.clone().unwrap();
    assert!(text.contains("until recovered"), "{text}");
    h.get_by_role_and_label(Role::Button, "Barista service").click_secondary();
    h.run();
    h.get_by_role_and_label(Role::Button, "Recover").click();
    h.run();
    let view = h.state().compare.as_ref().unwrap();
    assert!(view.sides.iter().all(|s| s.run.engine.fault_log().iter().all(|w| w.end_secs.is_some())), "both recovered");
}

#[test]
fn the_faults_tab_adds_edits_deletes_and_sets_off_faults() {
    use cloud_sandbox::model::Fault;
    let mut h = harness(SandboxApp::headless(None));
    h.get_by_role_and_label(Role::Button, "Faults (1)").click();
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "Add a fault:").click();
    h.run();
    h.get_by_label("Traffic surge").click();
    h.run();
    let faults = &h.state().doc.diagram.scenario.faults;
    assert_eq!(faults.len(), 2);
    assert!(
        matches!(&faults[1], Fault::TrafficSurge { node, multiplier, .. } if node.0 == "users" && *multiplier == 3.0)
    );
    // Its start, edited in place, is one undo step.
    let at_fields = h.get_all_by_role_and_label(Role::SpinButton, "at").count();
    assert_eq!(at_fields, 2);
    h.get_all_by_role_and_label(Role::SpinButton, "at").nth(1).unwrap().set_value_accesskit(200.0);
    h.run();
    assert_eq!(h.state().doc.diagram.scenario.faults[1].window_secs().0, 200.0);
    h.get_all_by_role_and_label(Role::Button, "Delete").nth(1).unwrap().click();
    h.run();
    assert_eq!(h.state().doc.diagram.scenario.faults.len(), 1);
    // During a run, "Now" sets a fault off at once without changing the script.
    h.state_mut().handle(Action::StepSecond);
    h.run();
    h.get_by_role_and_label(Role::Button, "Now").click();
    h.run();
    let run = h.state().run.as_ref().unwrap();
    let log = run.engine.fault_log();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].node.as_str(), log[0].what.as_str(), log[0].start_secs), ("web", "instance 2 crashes", 1.0));
    assert_eq!(h.state().doc.diagram.scenario.faults.len(), 1);
    assert!(h.state().live_question.is_none(), "the script did not change, so nothing to ask");
}

#[test]
fn the_examples_menu_says_what_each_example_shows() {
    let mut h = harness(SandboxApp::headless(None));
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Examples").hover();
    h.run();
    h.get_by_label_contains("Uploads land in a queue; a function makes a thumbnail of each one");
    h.get_by_label_contains("The cashier and the barista are two components of one application");
}

#[test]
fn the_file_menu_exports_the_diagram_as_svg_and_png_with_the_runs_badges() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = SandboxApp::headless(None);
    app.set_native_dialogs(false);
    let mut h = harness(app);
    for _ in 0..3 {
        h.state_mut().handle(Action::StepSecond);
    }
    for name in ["web.svg", "web.png"] {
        let path = dir.path().join(name);
        h.get_by_label("File").click();
        h.run();
        h.get_by_label("Export").hover();
        h.run();
        h.get_by_label("Diagram as picture (SVG or PNG)…").click();
        h.run();
        answer_path_prompt(&mut h, path.to_str().unwrap());
        assert!(path.exists(), "{name} written");
    }
    let svg = std::fs::read_to_string(dir.path().join("web.svg")).unwrap();
    let doc = resvg::usvg::roxmltree::Document::parse(&svg).unwrap();
    let nodes = doc.descendants().filter(|n| n.attribute("class") == Some("node")).count();
    assert_eq!(nodes, 3);
    assert!(svg.contains("3/3 running"), "the run's badges of the moment");
    assert_eq!(&std::fs::read(dir.path().join("web.png")).unwrap()[1..4], b"PNG");
}

#[test]
fn the_inspector_lists_every_problem_of_a_node_even_one_without_a_field() {
    // Two nodes share the id "web", and one names a type the catalog lacks: neither problem has
    // a field of its own, and both used to be dropped from the inspector for the words "is" in them.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("twins.ron");
    let mut d = file::load(std::path::Path::new("saves/web-app.ron")).unwrap();
    let mut twin = d.nodes[2].clone();
    twin.name = "Twin".to_owned();
    twin.pos.1 += 150.0;
    if let NodeKind::Instance(p) = &mut twin.kind {
        p.instance_type = "m99.huge".to_owned();
    }
    twin.id = d.nodes[2].id.clone();
    d.nodes.push(twin);
    std::fs::write(&path, file::to_ron_string(&d).unwrap()).unwrap();
    let mut h = harness(SandboxApp::headless(Some(path)));
    h.get_by_role_and_label(Role::Button, "Twin").click();
    h.run();
    // Once in the Problems tab (with its place) and once in the inspector.
    assert_eq!(h.query_all_by_label_contains("this id is used by more than one node").count(), 2);
    assert_eq!(h.query_all_by_label_contains("'m99.huge' is not in the pricing catalog").count(), 2);
}

#[test]
fn a_problem_is_shown_at_its_own_field_once() {
    // "backoff_max_ms (5) is below backoff_base_ms (10)" names two fields; it is about the
    // maximum, and the inspector used to show it under both (it looked for field names in the
    // text). A ramp's problem names rate fields but is about the pattern. Each is shown once in
    // the inspector (and once in the Problems tab).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backoff.ron");
    let mut d = file::load(std::path::Path::new("saves/web-app.ron")).unwrap();
    let client = d.nodes.iter_mut().find(|n| n.kind.kind() == cloud_sandbox::model::Kind::Client).unwrap();
    client.name = "Shoppers".to_owned();
    if let NodeKind::Client(p) = &mut client.kind {
        p.retries = 2;
        p.backoff_base_ms = 10.0;
        p.backoff_max_ms = 5.0;
    }
    std::fs::write(&path, file::to_ron_string(&d).unwrap()).unwrap();
    let mut h = harness(SandboxApp::headless(Some(path)));
    h.get_by_role_and_label(Role::Button, "Shoppers").click();
    h.run();
    assert_eq!(h.query_all_by_label_contains("backoff_max_ms (5) is below backoff_base_ms (10)").count(), 2);
}

#[test]
fn a_connection_from_a_queue_offers_no_latency_the_engine_would_ignore() {
    // A consumer polls its queue: the engine gives that connection no travel time, so the
    // inspector must not offer a latency there (it did, and the number did nothing); a call
    // connection keeps it.
    let d = file::load(std::path::Path::new("saves/theory/tandem.ron")).unwrap();
    let consumer = d.edges.iter().position(|e| e.from.0 == "queue").unwrap();
    let call = d.edges.iter().position(|e| e.from.0 == "balancer").unwrap();
    let mut h = harness(SandboxApp::headless(Some("saves/theory/tandem.ron".into())));
    h.state_mut().selection.edge = Some(consumer);
    h.run();
    assert!(h.query_by_label("Latency").is_none());
    assert!(h.query_by_label_contains("No network delay is modelled here").is_some());
    h.state_mut().selection.edge = Some(call);
    h.run();
    assert!(h.query_by_label("Latency").is_some());
}

#[test]
fn the_faults_tab_shows_a_container_crash_without_changing_it_and_picks_tasks_and_instances() {
    // Looking at a fault must not edit it: the tab used to clear `instance` of any crash not on an
    // instance node, so showing a container service's task crash turned it into "all tasks".
    use cloud_sandbox::model::Fault;
    let mut h = harness(SandboxApp::headless(Some("saves/coffee-shop-containers.ron".into())));
    let before = h.state().doc.diagram.scenario.faults.clone();
    h.get_by_role_and_label(Role::Button, "Faults (1)").click();
    h.run();
    h.run();
    assert_eq!(h.state().doc.diagram.scenario.faults, before, "showing the fault left it as it was");
    assert!(matches!(before[0], Fault::Crash { task: Some(1), instance: None, .. }));
    // The picker offers the service's tasks (four on Fargate) and the whole service.
    h.get_by_role_and_label(Role::ComboBox, "what").click();
    h.run();
    assert_eq!(h.query_all_by_label_contains("task ").count(), 4 + 1, "four tasks, and the chosen one shown");
    h.get_by_label("all tasks").click();
    h.run();
    assert!(matches!(h.state().doc.diagram.scenario.faults[0], Fault::Crash { task: None, instance: None, .. }));
    // A file's `instance: 1` on a Fargate service (task 1, as older files say it) is left alone too.
    let old = Fault::Crash {
        node: before[0].nodes()[0].clone(),
        instance: Some(1),
        task: None,
        at_secs: 300.0,
        for_secs: None,
    };
    h.state_mut().doc.diagram.scenario.faults[0] = old.clone();
    h.run();
    h.run();
    assert_eq!(h.state().doc.diagram.scenario.faults[0], old);
}
