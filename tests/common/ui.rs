//! Helpers for the window's tests (`egui_kittest`): a harness at the default window size, an empty
//! diagram, palette clicks, mouse drags, examples by name.
#![cfg(feature = "gui")]

use cloud_sandbox::model::Kind;
use cloud_sandbox::ui::{Action, SandboxApp};
use egui::{Key, Modifiers, Pos2, Role};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// A harness of `app` at 1280 × 800, the window's default size, run until it settles.
pub fn harness(app: SandboxApp) -> Harness<'static, SandboxApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(16)
        .build_ui_state(|ui, app: &mut SandboxApp| app.frame(ui), app);
    h.run();
    h
}

/// An app with an empty diagram and the in-app path prompt instead of native dialogs.
pub fn empty() -> Harness<'static, SandboxApp> {
    let mut app = SandboxApp::headless(None);
    app.set_native_dialogs(false);
    app.handle(Action::New);
    harness(app)
}

/// The label of a kind's palette button.
pub fn palette_button(kind: Kind) -> String {
    format!("Add {}", kind.title())
}

/// Adds a node of `kind` by clicking its palette button.
pub fn add(h: &mut Harness<'static, SandboxApp>, kind: Kind) {
    h.get_by_role_and_label(Role::Button, &palette_button(kind)).click();
    h.run();
}

/// Presses at `from`, moves in steps to `to`, releases.
pub fn drag(h: &mut Harness<'static, SandboxApp>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.run();
    h.drag_at(from);
    h.run();
    for i in 1..=8 {
        h.hover_at(from.lerp(to, i as f32 / 8.0));
        h.run();
    }
    h.drop_at(to);
    h.run();
}

/// The centre of the node card labelled `label`.
pub fn node_centre(h: &Harness<'static, SandboxApp>, label: &str) -> Pos2 {
    h.get_by_role_and_label(Role::Button, label).rect().center()
}

/// The index of an example in the Examples menu.
pub fn example_index(name: &str) -> usize {
    cloud_sandbox::ui::examples::EXAMPLES.iter().position(|(n, _)| *n == name).unwrap()
}

/// Types `text` into the in-app path prompt, replacing what it proposed, and confirms.
pub fn answer_path_prompt(h: &mut Harness<'static, SandboxApp>, text: &str) {
    h.get_by_role_and_label(Role::TextInput, "Path").focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_role_and_label(Role::TextInput, "Path").type_text(text);
    h.run();
    h.key_press(Key::Enter);
    h.run();
}

/// A window with example `example` played for `secs` simulated seconds, then paused.
pub fn played(example: &str, secs: u32) -> Harness<'static, SandboxApp> {
    let mut h = harness(SandboxApp::headless(None));
    h.state_mut().handle(Action::OpenExample(example_index(example)));
    h.state_mut().handle(Action::PlayPause);
    h.state_mut().handle(Action::PlayPause);
    for _ in 0..secs {
        h.state_mut().handle(Action::StepSecond);
    }
    h.run();
    h
}
